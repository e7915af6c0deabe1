-- PACER accounts: MFA, password resets, pending MFA logins.

-- How often a filer has put off MFA enrolment (3 are allowed).
ALTER TABLE pacer_accounts ADD COLUMN mfa_skips BIGINT NOT NULL DEFAULT 0;

-- TOTP authenticator apps (up to 5 per account). last_step is the last time
-- step accepted, so a passcode is never accepted twice.
CREATE TABLE mfa_authenticators (
    id               INTEGER PRIMARY KEY,
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    secret           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    last_step        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX mfa_authenticators_by_account ON mfa_authenticators (pacer_account_id);

-- Single-use backup codes, stored as SHA-256 hashes.
CREATE TABLE mfa_backup_codes (
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    code_hash        TEXT NOT NULL,
    used_at          BIGINT,
    PRIMARY KEY (pacer_account_id, code_hash)
);

-- A login whose password was right, waiting for its one-time passcode.
CREATE TABLE mfa_challenges (
    token_hash       TEXT PRIMARY KEY,
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    next_path        TEXT NOT NULL,
    expires_at       BIGINT NOT NULL
);

CREATE TABLE password_resets (
    token_hash       TEXT PRIMARY KEY,
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT
);

-- A session started when the account's MFA enrolment was already overdue: it
-- may do nothing but enrol.
ALTER TABLE sessions ADD COLUMN mfa_required BIGINT NOT NULL DEFAULT 0;

-- Each mail's own random id (its Message-ID and .eml file name), and whether
-- its body holds a secret (a reset link) to blank once it is delivered.
ALTER TABLE outbox ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sensitive BIGINT NOT NULL DEFAULT 0;

-- Password checks under way for a subject (and until when that count holds,
-- should a node die mid-check): bounds how many run at once.
ALTER TABLE auth_failures ADD COLUMN in_flight BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth_failures ADD COLUMN in_flight_until BIGINT NOT NULL DEFAULT 0;
