//! The job queue's storage. A job is written in the same transaction as the
//! event that causes it; workers on any node claim due jobs under a lease
//! (with `FOR UPDATE SKIP LOCKED` on PostgreSQL, inside SQLite's single
//! writer), and only the holder of the current lease may finish one.

use std::time::Duration;

use openecf_domain::JobId;

use crate::{epoch, from_epoch, Engine, Result, Store, Time, Tx};

/// Delivers one outbox mail; the payload is the outbox id.
pub const MAIL_DELIVER: &str = "mail.deliver";
/// Switches a court live at its planned instant; the payload is the court id.
pub const COURT_GO_LIVE: &str = "court.go_live";
/// Forgets what can no longer matter (ended sessions, expired steps); re-queues itself.
pub const PURGE: &str = "purge";
/// Sends a court's Daily Summary Reports of one day; keyed per court per day,
/// the payload is `court|YYYY-MM-DD`.
pub const NEF_DAILY_SUMMARY: &str = "nef.daily_summary";

/// A job to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: String,
    pub run_at: Time,
    /// At most one job with this key is queued at a time.
    pub dedupe_key: Option<String>,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: String, run_at: Time) -> Self {
        Self {
            kind,
            payload,
            run_at,
            dedupe_key: None,
        }
    }

    /// The one job of its key (queuing it again moves it).
    pub fn keyed(kind: &'static str, key: String, payload: String, run_at: Time) -> Self {
        Self {
            kind,
            payload,
            run_at,
            dedupe_key: Some(key),
        }
    }
}

/// A job a worker holds: it may finish it while `lease_until` is its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_until: i64,
    /// This claim's own lease: only its holder may finish or fail the job.
    pub lease_id: i64,
}

/// A queued job as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: JobId,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub run_at: Time,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub failed_at: Option<Time>,
}

impl Tx {
    /// Queues a job in this transaction. A keyed job replaces the queued job
    /// of its key (a new go-live date moves the switch), starting afresh.
    pub async fn enqueue_job(&mut self, job: &NewJob, now: Time) -> Result<JobId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (dedupe_key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload,
                 run_at = excluded.run_at, attempts = 0, last_error = NULL, failed_at = NULL
             RETURNING id",
        )
        .bind(job.kind)
        .bind(&job.payload)
        .bind(job.dedupe_key.clone())
        .bind(epoch(job.run_at))
        .bind(epoch(now))
        .fetch_one(self.conn())
        .await?;
        Ok(JobId::new(id))
    }

    /// Removes the queued job of a key, if any.
    pub async fn cancel_job(&mut self, dedupe_key: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM jobs WHERE dedupe_key = $1")
            .bind(dedupe_key)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Finishes a job in the transaction that did its work, so the work and
    /// its end commit together. False if the lease was lost (another worker
    /// took the job after this one's lease ran out): the caller rolls back.
    pub async fn complete_job(&mut self, job: &ClaimedJob) -> Result<bool> {
        let done = sqlx::query("DELETE FROM jobs WHERE id = $1 AND lease_id = $2")
            .bind(job.id.get())
            .bind(job.lease_id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

type Claimable = (i64, String, String, i64, i64);

impl Store {
    /// Claims up to `limit` jobs due at `now` for `lease`: no other worker
    /// takes them until the lease ends.
    pub async fn claim_jobs(&self, now: Time, lease: Duration, limit: i64) -> Result<Vec<ClaimedJob>> {
        let now = epoch(now);
        let lease_until = now + i64::try_from(lease.as_secs()).unwrap_or(i64::MAX / 2);
        let skip_locked = match self.engine {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        // Nothing due: no write transaction (on SQLite it would take the write lock).
        if self.next_job_at().await?.is_none_or(|at| epoch(at) > now) {
            return Ok(Vec::new());
        }
        let mut tx = self.write().await?;
        let due: Vec<Claimable> = sqlx::query_as(&format!(
            "SELECT id, kind, payload, attempts, max_attempts FROM jobs
             WHERE failed_at IS NULL AND run_at <= $1 AND locked_until <= $1
             ORDER BY run_at, id LIMIT $2{skip_locked}"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for (id, kind, payload, attempts, max_attempts) in due {
            let lease_id = rand::Rng::gen_range(&mut rand::rngs::OsRng, 1..i64::MAX);
            sqlx::query("UPDATE jobs SET locked_until = $1, lease_id = $2, attempts = attempts + 1 WHERE id = $3")
                .bind(lease_until)
                .bind(lease_id)
                .bind(id)
                .execute(tx.conn())
                .await?;
            claimed.push(ClaimedJob {
                id: JobId::new(id),
                kind,
                payload,
                attempts: attempts + 1,
                max_attempts,
                lease_until,
                lease_id,
            });
        }
        tx.commit_leaving_cache().await?;
        Ok(claimed)
    }

    /// Finishes a job whose work is outside the database (a mail sent).
    pub async fn complete_job(&self, job: &ClaimedJob) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = tx.complete_job(job).await?;
        tx.commit_leaving_cache().await?;
        Ok(done)
    }

    /// Records a failed attempt: the job runs again at `retry_at`, or, once
    /// its attempts are used up, stays failed for the operator. Returns
    /// whether it was given up.
    pub async fn fail_job(&self, job: &ClaimedJob, error: &str, now: Time, retry_at: Time) -> Result<bool> {
        let gave_up = job.attempts >= job.max_attempts;
        sqlx::query(
            "UPDATE jobs SET last_error = $1, run_at = $2, locked_until = 0, lease_id = 0, failed_at = $3
             WHERE id = $4 AND lease_id = $5",
        )
        .bind(error)
        .bind(epoch(retry_at))
        .bind(gave_up.then(|| epoch(now)))
        .bind(job.id.get())
        .bind(job.lease_id)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(gave_up)
    }

    /// Every queued or failed job, by when it runs.
    pub async fn jobs(&self) -> Result<Vec<JobRow>> {
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            i64,
            i64,
            Option<String>,
            Option<i64>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, kind, payload, dedupe_key, run_at, attempts, last_error, failed_at FROM jobs ORDER BY run_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(id, kind, payload, dedupe_key, run_at, attempts, last_error, failed_at)| {
                    Ok(JobRow {
                        id: JobId::new(id),
                        kind,
                        payload,
                        dedupe_key,
                        run_at: from_epoch(run_at)?,
                        attempts,
                        last_error,
                        failed_at: failed_at.map(from_epoch).transpose()?,
                    })
                },
            )
            .collect()
    }

    /// When the next job is due, if any is queued (for a worker's sleep).
    pub async fn next_job_at(&self) -> Result<Option<Time>> {
        let at: Option<i64> =
            sqlx::query_scalar("SELECT MIN(CASE WHEN locked_until > run_at THEN locked_until ELSE run_at END) FROM jobs WHERE failed_at IS NULL")
                .fetch_one(&self.pool)
                .await?;
        at.map(from_epoch).transpose()
    }
}
