//! Delivers one outbox mail (the `mail.deliver` job): over SMTP when an SMTP
//! URL is configured, otherwise as `.eml` files in a folder (for development
//! only: the files, mode 0600, hold every mail's text, reset links included,
//! until someone deletes them; over SMTP nothing is written to that folder). The job queue claims each delivery under a lease, so two nodes
//! never send the same mail at once, and retries a failure with a growing
//! delay. Every message carries a stable, random Message-ID of its own, so a
//! receiver can drop the duplicate a crash between sending and recording
//! could cause.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use openecf_store::{OutboxRow, Store, Time};

/// How long one SMTP exchange may take; the job queue's lease is longer than
/// a whole batch of them.
pub const SMTP_TIMEOUT_SECS: u64 = 30;

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

/// Writes a file only its owner may read (mode 0600 on Unix): a mail may hold
/// a reset link.
async fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    file.write_all(bytes).await?;
    file.sync_all().await
}

#[derive(Clone)]
pub struct Mailer {
    store: Store,
    transport: Transport,
    from: Mailbox,
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
            // Dated when its event happened (the application's clock), the same on every retry.
            .date(std::time::SystemTime::from(row.created_at))
            .message_id(Some(format!("<{}@openecf>", row.message_id)))
            .header(if row.html {
                ContentType::TEXT_HTML
            } else {
                ContentType::TEXT_PLAIN
            })
            .body(row.body.clone())?)
    }

    async fn send(&self, row: &OutboxRow) -> anyhow::Result<()> {
        let message = self.message(row)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.context("the SMTP server refused the mail")?;
            }
            Transport::Dir(dir) => {
                let path = dir.join(format!("{:08}-{}.eml", row.id, row.message_id));
                if path.exists() {
                    return Ok(()); // written before; never twice
                }
                let partial = dir.join(format!(".{}.eml.partial", row.message_id));
                let _ = tokio::fs::remove_file(&partial).await; // a leftover of a crash
                write_private(&partial, &message.formatted())
                    .await
                    .with_context(|| format!("cannot write {}", partial.display()))?;
                tokio::fs::rename(&partial, &path)
                    .await
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        Ok(())
    }

    /// Delivers one outbox mail (if it is not sent yet) and records it.
    /// A failure is recorded on the mail and returned: the job retries it.
    pub async fn deliver(&self, outbox_id: i64, now: Time) -> anyhow::Result<()> {
        let Some(row) = self.store.unsent_mail(outbox_id).await.context("read the outbox")? else {
            return Ok(());
        };
        if let Err(e) = self.send(&row).await {
            self.store
                .mark_mail_failed(row.id, &format!("{e:#}"))
                .await
                .context("record the failed delivery")?;
            return Err(e);
        }
        self.store
            .mark_mail_sent(row.id, now)
            .await
            .context("record the delivery")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use openecf_domain::Email;

    /// The domain's rule is lettre's, narrowed: whatever it accepts, the
    /// mailer can address.
    #[test]
    fn every_address_the_domain_accepts_lettre_accepts() {
        let locals = [
            "a",
            "first.last",
            "a+tag",
            "x_y-z",
            "o'neil",
            "a..b",
            ".a",
            "a;b",
            "\"q s\"",
            "A1",
        ];
        let domains = [
            "x.io",
            "sub.example.co.uk",
            "xn--bcher-kva.example",
            "[127.0.0.1]",
            "127.0.0.1",
            "-x.io",
            "x",
            "x..io",
        ];
        let mut accepted = 0;
        for local in locals {
            for domain in domains {
                let raw = format!("{local}@{domain}");
                if let Ok(email) = Email::parse(&raw) {
                    accepted += 1;
                    assert!(email.as_str().parse::<lettre::Address>().is_ok(), "{raw}");
                    assert!(email.as_str().parse::<lettre::message::Mailbox>().is_ok(), "{raw}");
                }
            }
        }
        assert!(accepted >= 15, "{accepted}");
    }
}
