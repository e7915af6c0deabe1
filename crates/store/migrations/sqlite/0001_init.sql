-- openecf schema, SQLite. Times are integer seconds since the Unix epoch (UTC);
-- calendar dates are ISO 8601 text (YYYY-MM-DD).

CREATE TABLE courts (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('district', 'bankruptcy', 'appellate', 'special')),
    name            TEXT NOT NULL,
    location        TEXT NOT NULL DEFAULT '',
    doc_id_prefix   TEXT NOT NULL DEFAULT '',
    nextgen_release TEXT NOT NULL DEFAULT '1.0' CHECK (nextgen_release IN ('1.0', '1.1')),
    go_live_on      TEXT,
    live_since      BIGINT
);

CREATE TABLE pacer_accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('individual', 'shared_firm')),
    created_on    TEXT NOT NULL,
    upgraded_at   BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE ecf_accounts (
    id            INTEGER PRIMARY KEY,
    court_id      TEXT NOT NULL REFERENCES courts (id),
    login         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    role          TEXT NOT NULL,
    bar_id        TEXT,
    created_at    BIGINT NOT NULL,
    UNIQUE (court_id, login)
);

-- One link per CM/ECF account; one per PACER account per court.
CREATE TABLE links (
    id               INTEGER PRIMARY KEY,
    court_id         TEXT NOT NULL REFERENCES courts (id),
    ecf_account_id   BIGINT NOT NULL REFERENCES ecf_accounts (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    linked_at        BIGINT NOT NULL,
    CONSTRAINT links_one_per_ecf_account UNIQUE (ecf_account_id),
    CONSTRAINT links_one_per_pacer_account_per_court UNIQUE (court_id, pacer_account_id)
);

CREATE TABLE sessions (
    token_hash       TEXT PRIMARY KEY,
    pacer_account_id BIGINT REFERENCES pacer_accounts (id) ON DELETE CASCADE,
    ecf_account_id   BIGINT REFERENCES ecf_accounts (id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL,
    last_seen_at     BIGINT NOT NULL,
    ip               TEXT NOT NULL DEFAULT '',
    user_agent       TEXT NOT NULL DEFAULT '',
    CHECK ((pacer_account_id IS NULL) <> (ecf_account_id IS NULL))
);
CREATE INDEX sessions_by_pacer ON sessions (pacer_account_id);

-- A CM/ECF identity verified on the link form, waiting for the user's Submit.
CREATE TABLE pending_links (
    id_hash        TEXT PRIMARY KEY,
    session_hash   TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
    ecf_account_id BIGINT NOT NULL REFERENCES ecf_accounts (id) ON DELETE CASCADE,
    expires_at     BIGINT NOT NULL
);

CREATE TABLE auth_failures (
    subject        TEXT PRIMARY KEY,
    count          BIGINT NOT NULL,
    last_failed_at BIGINT NOT NULL,
    locked_until   BIGINT NOT NULL
);

CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY,
    at             BIGINT NOT NULL,
    action         TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    pacer_username TEXT,
    court_id       TEXT,
    ecf_login      TEXT,
    ip             TEXT,
    detail         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_court ON audit_events (court_id, at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
