-- Each court's time zone (an IANA name): its go-live happens at local midnight.
ALTER TABLE courts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/New_York';
-- How many times the court's planned go-live day was moved: each move is
-- told once ("date changed"), and notices of an older plan are not sent.
ALTER TABLE courts ADD COLUMN go_live_changes BIGINT NOT NULL DEFAULT 0;

-- Every go-live notice queued for delivery, one row per court, notice, day,
-- plan and address (lower case). The key is the promise that the same notice
-- is never sent twice, however often the job runs or however many nodes run it.
CREATE TABLE go_live_notices (
    court_id   TEXT NOT NULL REFERENCES courts (id),
    kind       TEXT NOT NULL CHECK (kind IN ('scheduled', 'date_changed', 'reminder', 'now_live')),
    go_live_on TEXT NOT NULL,
    change_no  BIGINT NOT NULL,
    address    TEXT NOT NULL,
    sent_at    BIGINT NOT NULL,
    CONSTRAINT go_live_notices_once PRIMARY KEY (court_id, kind, go_live_on, change_no, address)
);

-- The link center finds a filer's unlinked CM/ECF accounts by email address and bar id.
CREATE INDEX ecf_accounts_by_email ON ecf_accounts (LOWER(email));
CREATE INDEX ecf_accounts_by_bar_id ON ecf_accounts (bar_id);
