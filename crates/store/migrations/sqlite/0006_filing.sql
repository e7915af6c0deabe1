-- The filing system: cases, their parties and attorneys, the docket, documents.

-- The next number of each court's cases, per office, year and type: taken
-- under the row's lock, so numbers are never reused and never skipped.
CREATE TABLE case_counters (
    court_id  TEXT NOT NULL REFERENCES courts (id),
    office    BIGINT NOT NULL,
    year      BIGINT NOT NULL,
    case_type TEXT NOT NULL,
    next_seq  BIGINT NOT NULL,
    PRIMARY KEY (court_id, office, year, case_type)
);

CREATE TABLE judges (
    id       INTEGER PRIMARY KEY,
    court_id TEXT NOT NULL REFERENCES courts (id),
    name     TEXT NOT NULL,
    initials TEXT NOT NULL,
    UNIQUE (court_id, initials)
);

CREATE TABLE cases (
    id             INTEGER PRIMARY KEY,
    court_id       TEXT NOT NULL REFERENCES courts (id),
    office         BIGINT NOT NULL,
    year           BIGINT NOT NULL,
    case_type      TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    judge_initials TEXT,
    title          TEXT NOT NULL,
    nature_of_suit TEXT NOT NULL DEFAULT '',
    cause          TEXT NOT NULL DEFAULT '',
    jurisdiction   TEXT NOT NULL DEFAULT '',
    jury_demand    TEXT NOT NULL DEFAULT 'None',
    date_filed     BIGINT NOT NULL,
    -- Bankruptcy: the chapter (7, 11, 12, 13 or 15); adversary: its lead case.
    chapter        BIGINT,
    lead_case_id   BIGINT REFERENCES cases (id),
    UNIQUE (court_id, office, year, case_type, seq)
);

CREATE TABLE parties (
    id      INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    name    TEXT NOT NULL,
    role    TEXT NOT NULL,
    -- A debtor's SSN or ITIN: sealed under the server key; only its last
    -- four digits are ever shown.
    ssn_sealed TEXT,
    ssn_last4  TEXT
);
CREATE INDEX parties_by_case ON parties (case_id);

-- Attorneys of record: a PACER account (with a CM/ECF account linked at the
-- court) representing a party.
CREATE TABLE attorneys (
    case_id          BIGINT NOT NULL REFERENCES cases (id),
    party_id         BIGINT NOT NULL REFERENCES parties (id),
    pacer_account_id BIGINT NOT NULL REFERENCES pacer_accounts (id),
    lead             BIGINT NOT NULL DEFAULT 0,
    to_be_noticed    BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (case_id, party_id, pacer_account_id)
);
CREATE INDEX attorneys_by_account ON attorneys (pacer_account_id);

-- The docket: entries numbered 1, 2, 3 … per case, without gaps.
CREATE TABLE docket_entries (
    id               INTEGER PRIMARY KEY,
    case_id          BIGINT NOT NULL REFERENCES cases (id),
    number           BIGINT NOT NULL,
    event            TEXT NOT NULL,
    docket_text      TEXT NOT NULL,
    filed_at         BIGINT NOT NULL,
    filed_by         BIGINT NOT NULL REFERENCES pacer_accounts (id),
    UNIQUE (case_id, number)
);

-- A document of an entry: 0 is the main document, 1, 2 … its attachments.
-- The bytes are kept content-addressed (SHA-256) by the document store.
CREATE TABLE documents (
    id                INTEGER PRIMARY KEY,
    entry_id          BIGINT NOT NULL REFERENCES docket_entries (id),
    attachment        BIGINT NOT NULL,
    description       TEXT NOT NULL,
    original_filename TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    size_bytes        BIGINT NOT NULL,
    pages             BIGINT NOT NULL,
    stamp             TEXT NOT NULL,
    -- application/pdf, or text/plain for a bankruptcy creditor matrix.
    media_type        TEXT NOT NULL DEFAULT 'application/pdf',
    UNIQUE (entry_id, attachment)
);

-- Mail may be HTML (a Notice of Electronic Filing).
ALTER TABLE outbox ADD COLUMN html BIGINT NOT NULL DEFAULT 0;

-- A session's filer has acknowledged the redaction rules (asked before the
-- first filing of each session).
ALTER TABLE sessions ADD COLUMN redaction_ack_at BIGINT;

-- An entry may refer to an earlier entry of its case ("re 2"): CM/ECF's
-- "Refer to existing event" prompt.
ALTER TABLE docket_entries ADD COLUMN refers_to_entry BIGINT REFERENCES docket_entries (id);

-- A filing into a case waiting for its filer's Submit on the review page
-- ("Docket Text: Final Text"): its documents are already in the document
-- store; the entry it will be is kept as JSON. Held for the session that
-- submitted the form, for 30 minutes; Submit or Cancel takes it, once.
CREATE TABLE pending_filings (
    token_hash   TEXT PRIMARY KEY,
    session_hash TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
    court_id     TEXT NOT NULL REFERENCES courts (id),
    filing       TEXT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX pending_filings_by_expiry ON pending_filings (expires_at);
