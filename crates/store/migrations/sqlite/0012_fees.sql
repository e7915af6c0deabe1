-- PACER fees: every billable view is a transaction of the account, free or
-- not. A request is charged once: (account, request_key) is unique, and a
-- retry of the same request finds its transaction instead of a new one.
CREATE TABLE pacer_transactions (
    id               INTEGER PRIMARY KEY,
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    -- NULL for the PACER Case Locator, which searches every court.
    court_id         TEXT REFERENCES courts (id),
    at               BIGINT NOT NULL,
    client_code      TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL,
    criteria         TEXT NOT NULL,
    pages            BIGINT NOT NULL,
    cost_cents       BIGINT NOT NULL,
    -- Why it is free though recorded ('court user', 'opinion'); '' when billed.
    exempt           TEXT NOT NULL DEFAULT '',
    request_key      TEXT NOT NULL,
    UNIQUE (pacer_account_id, request_key)
);
CREATE INDEX pacer_transactions_by_account ON pacer_transactions (pacer_account_id, at);
CREATE INDEX pacer_transactions_by_time ON pacer_transactions (at);
-- The client code the session bills to (PACER LOGIN, cso-auth's clientCode,
-- Utilities → Change Client Code).
ALTER TABLE sessions ADD COLUMN client_code TEXT NOT NULL DEFAULT '';
