-- Court staff's changes to the record. A sealed docket entry is seen by the
-- court's staff only: the public, and the case's attorneys, see neither its
-- text nor its documents. A restricted document is kept from the public:
-- its entry still shows; the case's attorneys of record and the court's
-- staff still get it.
ALTER TABLE docket_entries ADD COLUMN sealed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN restricted BIGINT NOT NULL DEFAULT 0;

-- The case details the docket report prints that court staff record:
-- Referred to (a magistrate judge), and the court's days (YYYY-MM-DD) a case
-- was terminated, converted (bankruptcy) and the debtor discharged.
ALTER TABLE cases ADD COLUMN referred_to TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN date_terminated TEXT;
ALTER TABLE cases ADD COLUMN date_converted TEXT;
ALTER TABLE cases ADD COLUMN date_discharged TEXT;
