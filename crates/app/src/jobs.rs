//! The job queue's worker. Jobs are written by use cases in the same
//! transaction as the event that causes them; every node runs a worker, and
//! the store's leases make each job run once at a time across nodes. A job
//! that fails is retried with a growing delay (1, 2, 4 … minutes, at most 6
//! hours) until its attempts are used up, then kept, failed, for the operator.
//!
//! Kinds: `mail.deliver` (one outbox mail), `court.go_live` (a court's switch
//! at its planned instant), `court.go_live_notice` (a go-live notice to a
//! court's CM/ECF account holders, once per address), `purge` (ended sessions, expired steps, spent
//! failure counters, known devices unused for 180 days; it
//! queues its own next run), `nef.daily_summary` (a court's Daily Summary
//! Reports of one day, keyed per court per day: queued by the filings that
//! wait for it, and at start for any filings still unreported).

use std::time::Duration;

use anyhow::Context;
use openecf_store::{ClaimedJob, NewJob, COURT_GO_LIVE, COURT_GO_LIVE_NOTICE, MAIL_DELIVER, NEF_DAILY_SUMMARY, PURGE};

use crate::mailer::{Mailer, SMTP_TIMEOUT_SECS};
use crate::{courts, ecf_account, secs, App};

/// Jobs claimed at once by one worker.
const BATCH: i64 = 5;
/// How long a claimed job is reserved for its worker: longer than a whole
/// batch can take, so no other node takes a job this one is still running.
const LEASE: Duration = Duration::from_secs(600);
/// How long one job may run; past it, it fails (and is retried), so a batch
/// always ends before its lease does.
const JOB_TIMEOUT: Duration = Duration::from_secs(2 * SMTP_TIMEOUT_SECS);
const _: () = assert!((BATCH as u64) * JOB_TIMEOUT.as_secs() < LEASE.as_secs());
/// How often the purge runs.
const PURGE_EVERY: Duration = Duration::from_secs(300);

/// The delay before the next attempt after `attempts` failed ones: 1, 2, 4, …
/// minutes, at most 6 hours.
pub fn retry_delay_secs(attempts: i64) -> i64 {
    (60i64 << (attempts - 1).clamp(0, 20)).min(6 * 60 * 60)
}

#[derive(Clone)]
pub struct Worker {
    app: App,
    mailer: Mailer,
}

impl Worker {
    pub fn new(app: App, mailer: Mailer) -> Self {
        Self { app, mailer }
    }

    /// Queues the purge (once across nodes: it is a keyed job), to run now.
    pub async fn schedule_purge(&self) -> anyhow::Result<()> {
        let now = self.app.clock.now();
        let mut tx = self.app.store.write().await?;
        tx.enqueue_job(&NewJob::keyed(PURGE, PURGE.to_owned(), String::new(), now), now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Queues the Daily Summary Report job of every court with filings not
    /// yet reported (keyed per court per day: once across nodes).
    pub async fn schedule_daily_summaries(&self) -> anyhow::Result<()> {
        Ok(ecf_account::schedule_daily_summaries(&self.app).await?)
    }

    /// Runs the jobs that are due, a batch at a time, until none is; returns
    /// how many succeeded.
    pub async fn run_due(&self) -> anyhow::Result<usize> {
        let mut done = 0;
        loop {
            let claimed = self
                .app
                .store
                .claim_jobs(self.app.clock.now(), LEASE, BATCH)
                .await
                .context("claim due jobs")?;
            if claimed.is_empty() {
                return Ok(done);
            }
            for job in &claimed {
                let outcome = match tokio::time::timeout(JOB_TIMEOUT, self.run(job)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(anyhow::anyhow!("the job took longer than {} s", JOB_TIMEOUT.as_secs())),
                };
                match outcome {
                    Ok(()) => done += 1,
                    Err(e) => self.failed(job, &e).await,
                }
            }
        }
    }

    /// Records a failure for a retry, or, once the job's attempts are used up,
    /// gives it up (kept, failed, for the operator) and says so in the log.
    async fn failed(&self, job: &ClaimedJob, e: &anyhow::Error) {
        let now = self.app.clock.now();
        let retry_at = now + chrono::Duration::seconds(retry_delay_secs(job.attempts));
        let error = format!("{e:#}");
        match self.app.store.fail_job(job, &error, now, retry_at).await {
            Ok(true) => {
                // A mail given up says so in the outbox, for the operator.
                if job.kind == MAIL_DELIVER {
                    if let Ok(id) = job.payload.parse::<i64>() {
                        if let Err(store) = self.app.store.mark_mail_given_up(id, job.attempts, &error).await {
                            tracing::error!(job = %job.id, store = %store, "cannot record a given-up mail");
                        }
                    }
                }
                tracing::error!(job = %job.id, kind = %job.kind, attempts = job.attempts, error, "job given up")
            }
            Ok(false) => {
                tracing::warn!(job = %job.id, kind = %job.kind, attempts = job.attempts, error, "job failed; will retry")
            }
            // The lease runs out and the job runs again.
            Err(store) => tracing::error!(job = %job.id, error, store = %store, "cannot record a failed job"),
        }
    }

    async fn run(&self, job: &ClaimedJob) -> anyhow::Result<()> {
        let app = &self.app;
        match job.kind.as_str() {
            MAIL_DELIVER => {
                let id: i64 = job.payload.parse().context("a mail job names its outbox id")?;
                self.mailer.deliver(id, app.clock.now()).await?;
                if !app.store.complete_job(job).await.context("finish the mail job")? {
                    tracing::warn!(job = %job.id, "a mail job's lease ran out while it was sent");
                }
            }
            COURT_GO_LIVE => courts::run_go_live(app, job).await.context("switch the court live")?,
            COURT_GO_LIVE_NOTICE => crate::go_live::run_go_live_notice(app, job)
                .await
                .context("send a go-live notice")?,
            NEF_DAILY_SUMMARY => ecf_account::run_daily_summary(app, job)
                .await
                .context("send the daily summary reports")?,
            PURGE => {
                let now = app.clock.now();
                let idle_before = now - secs(app.settings.idle_timeout);
                let created_before = now - secs(app.settings.absolute_timeout);
                app.store
                    .purge_sessions(idle_before, created_before, now)
                    .await
                    .context("purge sessions")?;
                app.store.purge_failures(now).await.context("purge failure counters")?;
                app.store
                    .purge_known_devices(now)
                    .await
                    .context("purge known devices")?;
                app.store.purge_free_looks(now).await.context("purge free looks")?;
                app.store
                    .purge_sent_summary_items(now)
                    .await
                    .context("purge reported summary items")?;
                app.store
                    .purge_delivered_mail(now - secs(app.settings.mail_retention))
                    .await
                    .context("purge delivered mail")?;
                if let Some(keep) = app.settings.audit_retention {
                    app.store
                        .purge_audit(now - secs(keep))
                        .await
                        .context("purge old audit events")?;
                }
                let mut tx = app.store.write().await?;
                if tx.complete_job(job).await? {
                    let next = now + secs(PURGE_EVERY);
                    tx.enqueue_job(&NewJob::keyed(PURGE, PURGE.to_owned(), String::new(), next), now)
                        .await?;
                    tx.commit().await?;
                }
            }
            other => anyhow::bail!("unknown job kind {other:?}"),
        }
        Ok(())
    }

    /// Runs due jobs every `every` until the process ends. Each pass runs as
    /// a task of its own, so a panic in one job ends that pass (its jobs run
    /// again once their lease ends), not the worker.
    pub fn spawn(self, every: Duration) -> tokio::task::JoinHandle<()> {
        let (keep, stop) = tokio::sync::watch::channel(false);
        // The sender lives as long as the task: it never stops.
        self.spawn_until(every, stop, Some(keep))
    }

    /// As [`Worker::spawn`], until `stop` turns true: then the pass under way
    /// finishes (its jobs are done or failed, never left half-run) and the
    /// task ends, so a shutdown waits for it.
    pub fn spawn_stoppable(
        self,
        every: Duration,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        self.spawn_until(every, stop, None)
    }

    fn spawn_until(
        self,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
        keep: Option<tokio::sync::watch::Sender<bool>>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let _keep = keep;
            if let Err(e) = self.schedule_purge().await {
                tracing::error!(error = format!("{e:#}"), "cannot queue the purge");
            }
            if let Err(e) = self.schedule_daily_summaries().await {
                tracing::error!(error = format!("{e:#}"), "cannot queue the daily summaries");
            }
            let mut tick = tokio::time::interval(every);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    changed = stop.changed() => {
                        if changed.is_err() || *stop.borrow() {
                            tracing::info!("the job worker stopped");
                            return;
                        }
                        continue;
                    }
                }
                if *stop.borrow() {
                    return;
                }
                let pass = self.clone();
                match tokio::spawn(async move { pass.run_due().await }).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::error!(error = format!("{e:#}"), "job pass failed"),
                    Err(panic) => tracing::error!(error = %panic, "a job pass panicked"),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_cap() {
        assert_eq!(retry_delay_secs(1), 60);
        assert_eq!(retry_delay_secs(4), 480);
        assert_eq!(retry_delay_secs(50), 6 * 60 * 60);
    }
}
