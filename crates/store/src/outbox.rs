use openecf_domain::Mail;

use crate::jobs::{NewJob, MAIL_DELIVER};
use crate::{epoch, from_epoch, Result, Store, Time, Tx};

/// A mail as kept in the outbox: its text, and what became of its delivery.
/// `Debug` leaves the body out (a reset link is a secret until delivered).
#[derive(Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: Time,
    pub attempts: i64,
    pub sent_at: Option<Time>,
    pub last_error: Option<String>,
    /// A random id of its own: the Message-ID and the .eml file name.
    pub message_id: String,
    /// The body is HTML.
    pub html: bool,
}

impl std::fmt::Debug for OutboxRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxRow")
            .field("id", &self.id)
            .field("to_addr", &self.to_addr)
            .field("subject", &self.subject)
            .field("body", &"[redacted]")
            .field("attempts", &self.attempts)
            .field("sent_at", &self.sent_at)
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    to_addr: String,
    subject: String,
    body: String,
    created_at: i64,
    attempts: i64,
    sent_at: Option<i64>,
    last_error: Option<String>,
    message_id: String,
    html: i64,
}

impl TryFrom<Row> for OutboxRow {
    type Error = crate::StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Self {
            id: r.id,
            to_addr: r.to_addr,
            subject: r.subject,
            body: r.body,
            created_at: from_epoch(r.created_at)?,
            attempts: r.attempts,
            sent_at: r.sent_at.map(from_epoch).transpose()?,
            last_error: r.last_error,
            message_id: r.message_id,
            html: r.html != 0,
        })
    }
}

const OUTBOX_COLUMNS: &str = "id, to_addr, subject, body, created_at, attempts, sent_at, last_error, message_id, html";

impl Tx {
    /// Queues a mail in this transaction, with the job that delivers it: it is
    /// sent if and only if the event that causes it is committed.
    pub async fn enqueue_mail(&mut self, mail: &Mail, now: Time) -> Result<i64> {
        let mut id = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut id);
        let message_id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at, message_id, sensitive, html)
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
        )
        .bind(mail.to.as_str())
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(epoch(now))
        .bind(message_id)
        .bind(i64::from(mail.sensitive))
        .bind(i64::from(mail.html))
        .fetch_one(self.conn())
        .await?;
        self.enqueue_job(&NewJob::new(MAIL_DELIVER, id.to_string(), now), now)
            .await?;
        Ok(id)
    }

    /// How many mails with this subject were queued to this address since `since`.
    pub async fn mail_count_to(&mut self, to: &str, subject: &str, since: Time) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject = $2 AND created_at >= $3")
                .bind(to)
                .bind(subject)
                .bind(epoch(since))
                .fetch_one(self.conn())
                .await?,
        )
    }
}

impl Store {
    /// Every queued mail, newest first (for tests and the operator).
    pub async fn outbox(&self) -> Result<Vec<OutboxRow>> {
        let rows: Vec<Row> = sqlx::query_as(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id DESC"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(OutboxRow::try_from).collect()
    }

    /// One mail still to send, if it is not sent yet.
    pub async fn unsent_mail(&self, id: i64) -> Result<Option<OutboxRow>> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = $1 AND sent_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(OutboxRow::try_from).transpose()
    }

    /// Records a delivery. A body that held a secret (a reset link) is blanked:
    /// the token must not outlive its mail in the database or its backups.
    pub async fn mark_mail_sent(&self, id: i64, now: Time) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL,
                    body = CASE WHEN sensitive = 1 THEN '(removed once delivered: it held a single-use link)' ELSE body END
             WHERE id = $2",
        )
        .bind(epoch(now))
        .bind(id)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// Records that delivery was given up (its job's attempts are used up):
    /// the outbox row says so, for the operator. A body that held a secret is
    /// blanked here too: the link must not outlive its mail.
    pub async fn mark_mail_given_up(&self, id: i64, attempts: i64, error: &str) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET last_error = $1,
                    body = CASE WHEN sensitive = 1 THEN '(removed: delivery was given up, and it held a single-use link)' ELSE body END
             WHERE id = $2 AND sent_at IS NULL",
        )
            .bind(format!("gave up after {attempts} attempts; last error: {error}"))
            .bind(id)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Records a failed delivery attempt, for the operator's view of the outbox.
    pub async fn mark_mail_failed(&self, id: i64, error: &str) -> Result<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(id)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }
}
