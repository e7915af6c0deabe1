-- Maintain Your ECF Account: how each filer is noticed at each court.

-- The delivery method: 'each' (a Notice of Electronic Filing for each
-- filing, the default when there is no row) or 'daily' (a Daily Summary
-- Report).
CREATE TABLE ecf_notice_prefs (
    court_id         TEXT NOT NULL REFERENCES courts (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    delivery         TEXT NOT NULL DEFAULT 'each',
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (court_id, pacer_account_id)
);

-- Secondary e-mail addresses for noticing (at most 5 per filer per court,
-- kept by the use case under the prefs row's lock).
CREATE TABLE ecf_secondary_emails (
    court_id         TEXT NOT NULL REFERENCES courts (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    email            TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (court_id, pacer_account_id, email)
);

-- Filings waiting for a recipient's Daily Summary Report. The link holds a
-- free-look token: it is blanked once the report is queued.
CREATE TABLE nef_summary_items (
    id               INTEGER PRIMARY KEY,
    court_id         TEXT NOT NULL REFERENCES courts (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    to_addr          TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    case_title       TEXT NOT NULL,
    document_number  BIGINT NOT NULL,
    docket_text      TEXT NOT NULL,
    link             TEXT NOT NULL,
    filed_at         BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX nef_summary_items_pending ON nef_summary_items (court_id, sent_at, filed_at);
