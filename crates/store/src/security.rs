use chrono::{DateTime, Utc};
use openecf_domain::throttle::{self, Failures};
use openecf_domain::Mail;
use sqlx::{Any, Transaction};

use crate::{epoch, Result, Store};

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub action: String,
    pub outcome: String,
    pub pacer_username: Option<String>,
    pub court_id: Option<String>,
    pub ecf_login: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

pub(crate) async fn insert_audit(tx: &mut Transaction<'static, Any>, e: &AuditEvent, at: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, action, outcome, pacer_username, court_id, ecf_login, ip, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(at)
    .bind(&e.action)
    .bind(&e.outcome)
    .bind(e.pacer_username.clone())
    .bind(e.court_id.clone())
    .bind(e.ecf_login.clone())
    .bind(e.ip.clone())
    .bind(&e.detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct FailureRow {
    count: i64,
    last_failed_at: i64,
    locked_until: i64,
}

impl Store {
    pub async fn audit(&self, event: &AuditEvent, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_audit(&mut tx, event, epoch(now)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The audit trail, oldest first, optionally for one court.
    pub async fn audit_events(&self, court: Option<&str>) -> Result<Vec<AuditEvent>> {
        Ok(sqlx::query_as(
            "SELECT action, outcome, pacer_username, court_id, ecf_login, ip, detail FROM audit_events
             WHERE CAST($1 AS TEXT) IS NULL OR court_id = CAST($1 AS TEXT) ORDER BY id",
        )
        .bind(court.map(str::to_owned))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The failures counted against a subject such as `pacer:jdoe2026` or `ecf:gamb:jdoe`.
    pub async fn failures(&self, subject: &str) -> Result<Failures> {
        let row: Option<FailureRow> =
            sqlx::query_as("SELECT count, last_failed_at, locked_until FROM auth_failures WHERE subject = $1")
                .bind(subject)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row
            .map(|r| Failures {
                count: r.count,
                last_failed_at: r.last_failed_at,
                locked_until: r.locked_until,
            })
            .unwrap_or_default())
    }

    /// Counts one more failure against the subject and returns the new state.
    /// When the count reaches [`throttle::NOTIFY_AT`], `lock_notice` (for the
    /// account's owner) is queued in the same transaction.
    pub async fn record_failure(
        &self,
        subject: &str,
        now: DateTime<Utc>,
        lock_notice: Option<&Mail>,
    ) -> Result<Failures> {
        self.count_failure(subject, now, lock_notice, false)
            .await?
            .ok_or_else(|| crate::StoreError::Corrupt("failure not counted".into()))
    }

    /// Reserves one password attempt before it is checked: `None` if the
    /// subject is locked (nothing changes); otherwise the attempt is counted as
    /// a failure at once — in one transaction, so a burst of concurrent
    /// attempts cannot all slip past the lock — and a success clears it later.
    pub async fn reserve_attempt(&self, subject: &str, now: DateTime<Utc>) -> Result<Option<Failures>> {
        self.count_failure(subject, now, None, true).await
    }

    async fn count_failure(
        &self,
        subject: &str,
        now: DateTime<Utc>,
        lock_notice: Option<&Mail>,
        unless_locked: bool,
    ) -> Result<Option<Failures>> {
        let mut tx = self.begin_write().await?;
        // Make sure the row exists, then lock it: two nodes counting at once
        // must not lose a failure.
        sqlx::query(
            "INSERT INTO auth_failures (subject, count, last_failed_at, locked_until) VALUES ($1, 0, 0, 0)
             ON CONFLICT (subject) DO NOTHING",
        )
        .bind(subject)
        .execute(&mut *tx)
        .await?;
        let current: Option<FailureRow> = sqlx::query_as(&format!(
            "SELECT count, last_failed_at, locked_until FROM auth_failures WHERE subject = $1{}",
            self.for_update()
        ))
        .bind(subject)
        .fetch_optional(&mut *tx)
        .await?;
        let before = current
            .map(|r| Failures {
                count: r.count,
                last_failed_at: r.last_failed_at,
                locked_until: r.locked_until,
            })
            .unwrap_or_default();
        if unless_locked && before.is_locked(epoch(now)) {
            tx.rollback().await?;
            return Ok(None);
        }
        let after = before.after_failure(epoch(now));
        sqlx::query("UPDATE auth_failures SET count = $2, last_failed_at = $3, locked_until = $4 WHERE subject = $1")
            .bind(subject)
            .bind(after.count)
            .bind(after.last_failed_at)
            .bind(after.locked_until)
            .execute(&mut *tx)
            .await?;
        if let Some(mail) = lock_notice.filter(|_| after.count == throttle::NOTIFY_AT) {
            crate::outbox::enqueue(&mut tx, mail, epoch(now)).await?;
        }
        tx.commit().await?;
        Ok(Some(after))
    }

    /// Forgets failure rows that can no longer lock anything.
    pub async fn purge_failures(&self, now: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM auth_failures WHERE locked_until < $1 AND last_failed_at < $2")
            .bind(now)
            .bind(now - throttle::FORGET_AFTER_SECS)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Gives back one reserved attempt that turned out right (for a subject
    /// that a success should not wipe, such as the link form's per-account count).
    pub async fn release_attempt(&self, subject: &str) -> Result<()> {
        sqlx::query("UPDATE auth_failures SET count = count - 1 WHERE subject = $1 AND count > 0")
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn clear_failures(&self, subject: &str) -> Result<()> {
        sqlx::query("DELETE FROM auth_failures WHERE subject = $1")
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
