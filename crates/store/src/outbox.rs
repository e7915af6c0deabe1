use openecf_domain::Mail;
use sqlx::{Any, Transaction};

use crate::{Result, Store};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    /// A random id of its own: the Message-ID and the .eml file name.
    pub message_id: String,
}

/// Queues a mail inside the caller's transaction, so it is sent if and only if
/// the event that causes it is committed.
pub(crate) async fn enqueue(tx: &mut Transaction<'static, Any>, mail: &Mail, now: i64) -> Result<()> {
    let mut id = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
    let message_id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at, message_id, sensitive)
         VALUES ($1, $2, $3, $4, $4, $5, $6)",
    )
    .bind(mail.to.as_str())
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(now)
    .bind(message_id)
    .bind(i64::from(mail.sensitive))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const OUTBOX_COLUMNS: &str =
    "id, to_addr, subject, body, created_at, attempts, next_attempt_at, sent_at, last_error, message_id";

impl Store {
    /// Every queued mail, newest first (for tests and the operator).
    pub async fn outbox(&self) -> Result<Vec<OutboxRow>> {
        Ok(
            sqlx::query_as(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id DESC"))
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Queues a mail on its own (for events that write nothing else).
    pub async fn enqueue_mail(&self, mail: &Mail, now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        enqueue(&mut tx, mail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` mails due at `now`: each claimed mail's next attempt
    /// is pushed `lease_secs` into the future so no other worker takes it while
    /// this one sends.
    pub async fn claim_due_mail(&self, now: i64, lease_secs: i64, limit: i64) -> Result<Vec<OutboxRow>> {
        let mut tx = self.begin_write().await?;
        let rows: Vec<OutboxRow> = sqlx::query_as(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1
             ORDER BY id LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            // The guard on next_attempt_at makes the claim safe between nodes on PostgreSQL.
            let done = sqlx::query(
                "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_attempt_at = $3",
            )
            .bind(now + lease_secs)
            .bind(row.id)
            .bind(row.next_attempt_at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                claimed.push(row);
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Records a delivery. A body that held a secret (a reset link) is blanked:
    /// the token must not outlive its mail in the database or its backups.
    pub async fn mark_mail_sent(&self, id: i64, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL,
                    body = CASE WHEN sensitive = 1 THEN '(removed once delivered: it held a single-use link)' ELSE body END
             WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn mark_mail_failed(&self, id: i64, error: &str, retry_at: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
            .bind(error)
            .bind(retry_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
