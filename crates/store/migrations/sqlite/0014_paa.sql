-- PACER Administrative Accounts: a firm's administrator groups individual
-- PACER accounts under one bill and sees each member's usage. An account is
-- in one firm at most, and joins only by accepting the firm's invitation.
CREATE TABLE paa_firms (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    admin_account_id BIGINT NOT NULL UNIQUE REFERENCES pacer_accounts (id),
    created_at       BIGINT NOT NULL
);
CREATE TABLE paa_members (
    firm_id          BIGINT NOT NULL REFERENCES paa_firms (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    -- 'invited' until the account accepts, then 'member'
    status           TEXT NOT NULL,
    invited_at       BIGINT NOT NULL,
    joined_at        BIGINT,
    PRIMARY KEY (firm_id, pacer_account_id)
);
CREATE UNIQUE INDEX paa_one_firm_per_member ON paa_members (pacer_account_id) WHERE status = 'member';
-- CJA exemptions: a court exempts a panel attorney's CJA work from fees;
-- the attorney turns it on for a session at that court. Each exempt
-- transaction is recorded with exempt = 'cja'.
CREATE TABLE cja_exemptions (
    court_id         TEXT NOT NULL REFERENCES courts (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    reason           TEXT NOT NULL,
    granted_by       TEXT NOT NULL,
    granted_at       BIGINT NOT NULL,
    PRIMARY KEY (court_id, pacer_account_id)
);
CREATE TABLE session_exemptions (
    session_hash     TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
    court_id         TEXT NOT NULL REFERENCES courts (id),
    PRIMARY KEY (session_hash, court_id)
);
