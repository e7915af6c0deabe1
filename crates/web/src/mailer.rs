//! Delivers the outbox: over SMTP when an SMTP URL is configured, otherwise as
//! `.eml` files in a folder (the development default). Each mail is claimed
//! with a lease before it is sent, so two nodes never send the same one; a
//! failure is retried with a growing delay. Every message carries a stable,
//! random Message-ID of its own, so a receiver can drop the duplicate a crash
//! between sending and recording could cause.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use openecf_store::{OutboxRow, Store};

/// How long a claimed mail is reserved for the worker that claimed it: longer
/// than a whole batch can take (BATCH × the SMTP timeout), so no other node
/// takes a mail this one is still about to send.
const LEASE_SECS: i64 = 300;
const BATCH: i64 = 5;
const SMTP_TIMEOUT_SECS: u64 = 30;
const _: () = assert!((BATCH as u64) * SMTP_TIMEOUT_SECS < LEASE_SECS as u64);

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(PathBuf),
}

impl Transport {
    /// `smtp://host:port` (add `?tls=required` for STARTTLS), `smtps://user:pass@host`, or a folder.
    pub fn from_settings(smtp_url: Option<&str>, mail_dir: PathBuf) -> anyhow::Result<Self> {
        match smtp_url {
            Some(url) => Ok(Self::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("invalid --smtp-url: use smtp://HOST:PORT or smtps://USER:PASSWORD@HOST")?
                    .timeout(Some(Duration::from_secs(SMTP_TIMEOUT_SECS)))
                    .build(),
            )),
            None => {
                std::fs::create_dir_all(&mail_dir)
                    .with_context(|| format!("cannot create the mail folder {}", mail_dir.display()))?;
                Ok(Self::Dir(mail_dir))
            }
        }
    }
}

#[derive(Clone)]
pub struct Mailer {
    store: Store,
    transport: Transport,
    from: Mailbox,
}

/// The delay before the next attempt after `attempts` failures: 1, 2, 4, …
/// minutes, at most 6 hours.
pub fn retry_delay_secs(attempts: i64) -> i64 {
    (60i64 << attempts.clamp(0, 20)).min(6 * 60 * 60)
}

impl Mailer {
    pub fn new(store: Store, transport: Transport, from: &str) -> anyhow::Result<Self> {
        let from = from
            .parse()
            .with_context(|| format!("invalid sender address {from:?}"))?;
        Ok(Self { store, transport, from })
    }

    fn message(&self, row: &OutboxRow) -> anyhow::Result<Message> {
        Ok(Message::builder()
            .from(self.from.clone())
            .to(row
                .to_addr
                .parse()
                .with_context(|| format!("invalid recipient {:?}", row.to_addr))?)
            .subject(row.subject.clone())
            .message_id(Some(format!("<{}@openecf>", row.message_id)))
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())?)
    }

    async fn send(&self, row: &OutboxRow) -> anyhow::Result<()> {
        let message = self.message(row)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Dir(dir) => {
                let path = dir.join(format!("{:08}-{}.eml", row.id, row.message_id));
                if path.exists() {
                    return Ok(()); // written before; never twice
                }
                let partial = dir.join(format!(".{}.eml.partial", row.message_id));
                tokio::fs::write(&partial, message.formatted()).await?;
                tokio::fs::rename(&partial, &path).await?;
            }
        }
        Ok(())
    }

    /// Sends every mail that is due; returns how many were sent.
    pub async fn deliver_due(&self) -> anyhow::Result<usize> {
        self.deliver_due_at(Utc::now().timestamp()).await
    }

    /// Sends every mail due at `now` (seconds since the epoch).
    pub async fn deliver_due_at(&self, now: i64) -> anyhow::Result<usize> {
        let due = self.store.claim_due_mail(now, LEASE_SECS, BATCH).await?;
        let mut sent = 0;
        for row in due {
            match self.send(&row).await {
                Ok(()) => {
                    self.store.mark_mail_sent(row.id, now).await?;
                    sent += 1;
                }
                Err(e) => {
                    let retry_at = now + retry_delay_secs(row.attempts);
                    tracing::warn!(mail = row.id, attempts = row.attempts + 1, error = %e, "mail delivery failed; will retry");
                    self.store.mark_mail_failed(row.id, &format!("{e:#}"), retry_at).await?;
                }
            }
        }
        Ok(sent)
    }

    /// Delivers in the background every `every` until the process ends.
    pub fn spawn(self, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = self.deliver_due().await {
                    tracing::error!(error = format!("{e:#}"), "mail delivery pass failed");
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
        assert_eq!(retry_delay_secs(0), 60);
        assert_eq!(retry_delay_secs(3), 480);
        assert_eq!(retry_delay_secs(50), 6 * 60 * 60);
    }
}
