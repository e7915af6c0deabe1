-- Proofs of claim filed in a bankruptcy case: its Claims Register. Claims
-- are numbered 1, 2, 3 … per case (under the case's lock); each holds its
-- Proof of Claim PDF (content-addressed in the document store), kept off
-- the docket as CM/ECF keeps it.
CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    case_id           BIGINT NOT NULL REFERENCES cases (id),
    claim_number      BIGINT NOT NULL,
    creditor_name     TEXT NOT NULL,
    -- The creditor's mailing address, its lines joined by newlines.
    creditor_address  TEXT NOT NULL,
    amount_cents      BIGINT NOT NULL,
    filed_at          BIGINT NOT NULL,
    filed_by          BIGINT NOT NULL REFERENCES pacer_accounts (id),
    original_filename TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    size_bytes        BIGINT NOT NULL,
    pages             BIGINT NOT NULL,
    UNIQUE (case_id, claim_number)
);
