-- The job queue: durable work written in the same transaction as the event
-- that causes it, run once across nodes. A worker claims a due job by setting
-- locked_until (a lease); a job that succeeds is deleted, one that fails is
-- retried with backoff until max_attempts, then kept with failed_at for the
-- operator. dedupe_key names a job that may be queued only once at a time
-- (a court's go-live switch, the purge).
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '',
    dedupe_key   TEXT UNIQUE,
    run_at       BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 25,
    locked_until BIGINT NOT NULL DEFAULT 0,
    -- A new value at each claim: only the worker holding it may finish the job.
    lease_id     BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT,
    failed_at    BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE failed_at IS NULL;

-- Mail still to send becomes a delivery job each.
INSERT INTO jobs (kind, payload, run_at, attempts, created_at)
SELECT 'mail.deliver', CAST(id AS TEXT), next_attempt_at, 0, created_at FROM outbox WHERE sent_at IS NULL;

-- A planned date that has come made a court live when it was read: record it.
UPDATE courts SET live_since = CAST(strftime('%s', go_live_on) AS INTEGER)
WHERE go_live_on IS NOT NULL AND live_since IS NULL AND go_live_on <= date('now');

-- A planned go-live becomes the job that switches the court live at the start of its day (UTC).
INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at)
SELECT 'court.go_live', id, 'court.go_live:' || id, CAST(strftime('%s', go_live_on) AS INTEGER), 0
FROM courts WHERE go_live_on IS NOT NULL AND live_since IS NULL;
