-- The clerk console (issue 10, points 4-6).

-- A CM/ECF account the court disabled: it cannot log in (legacy), cannot be
-- linked and gets no go-live notices. Enabling it again deletes the row.
CREATE TABLE ecf_disabled (
    ecf_account_id BIGINT PRIMARY KEY REFERENCES ecf_accounts (id) ON DELETE CASCADE,
    disabled_at    BIGINT NOT NULL,
    disabled_by    TEXT NOT NULL,
    reason         TEXT NOT NULL
);

-- E-File Registration: a PACER user asks a court for filing privileges
-- (attorney admission, or non-attorney e-file registration); the court's
-- staff approve (creating a CM/ECF account linked to the PACER account) or
-- reject it with a reason. At most one pending request per user and court.
CREATE TABLE efile_requests (
    id               INTEGER PRIMARY KEY,
    court_id         TEXT NOT NULL REFERENCES courts (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('attorney', 'non-attorney')),
    role             TEXT NOT NULL,
    bar_id           TEXT,
    bar_state        TEXT,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at       BIGINT NOT NULL,
    decided_at       BIGINT,
    decided_by       TEXT,
    reason           TEXT NOT NULL DEFAULT '',
    ecf_account_id   BIGINT REFERENCES ecf_accounts (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX efile_requests_one_pending ON efile_requests (court_id, pacer_account_id) WHERE status = 'pending';
CREATE INDEX efile_requests_by_court ON efile_requests (court_id, status);

-- Single-use reset links for a legacy CM/ECF password (30 minutes); only the
-- token's hash is kept.
CREATE TABLE ecf_password_resets (
    token_hash     TEXT PRIMARY KEY,
    ecf_account_id BIGINT NOT NULL REFERENCES ecf_accounts (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);
CREATE INDEX ecf_password_resets_by_account ON ecf_password_resets (ecf_account_id);
CREATE INDEX links_by_court_time ON links (court_id, linked_at);
