-- Security hardening.

-- Each password check under way holds a slot of its own, with its own expiry
-- (should its node die), so no other write can keep an abandoned slot alive.
CREATE TABLE auth_attempts (
    id         INTEGER PRIMARY KEY,
    subject    TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX auth_attempts_by_subject ON auth_attempts (subject, expires_at);

-- An authenticator app being added: the secret is the server's (never taken
-- from the form) and, for the account's first app, a one-time code mailed to
-- the account's address must be entered too.
CREATE TABLE mfa_enrolments (
    pacer_account_id BIGINT PRIMARY KEY REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    secret           TEXT NOT NULL,
    email_code_hash  TEXT,
    expires_at       BIGINT NOT NULL,
    -- Only the session that began the setup may see or finish it.
    session_hash     TEXT NOT NULL DEFAULT ''
);

-- Browsers in which an account has logged in successfully: a lockout caused
-- from elsewhere does not lock the owner out of them.
CREATE TABLE known_devices (
    token_hash       TEXT PRIMARY KEY,
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL,
    last_used_at     BIGINT NOT NULL
);
CREATE INDEX known_devices_by_account ON known_devices (pacer_account_id);

CREATE INDEX audit_events_by_account ON audit_events (pacer_username, at);
CREATE INDEX audit_events_by_time ON audit_events (at);

-- Email addresses are confirmed: at registration, and a change takes effect
-- only once the new address confirms it (a single-use link, 24 hours).
ALTER TABLE pacer_accounts ADD COLUMN email_verified_at BIGINT;
CREATE TABLE email_confirmations (
    token_hash       TEXT PRIMARY KEY,
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    purpose          TEXT NOT NULL CHECK (purpose IN ('register', 'change')),
    expires_at       BIGINT NOT NULL
);
CREATE INDEX email_confirmations_by_account ON email_confirmations (pacer_account_id);
