//! Mail delivery from the outbox by the job queue's worker: over SMTP to a
//! real SMTP server on loopback, and to a folder of .eml files.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use std::time::Duration;

use openecf_app::jobs::Worker;
use openecf_app::mailer::{Mailer, Transport};
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::{Email, Mail};
use openecf_store::testkit::TestDb;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A small SMTP server: records each message's DATA; answers 451 to the first
/// `fail_first` messages.
struct SmtpServer {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

async fn smtp_server(fail_first: usize) -> SmtpServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(AtomicUsize::new(fail_first));
    let store = messages.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let (messages, failures) = (store.clone(), failures.clone());
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 localhost ESMTP test\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.split(' ').next().unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 localhost\r\n",
                        "DATA" => {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            let fail = failures
                                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                                .is_ok();
                            if fail {
                                b"451 try again later\r\n"
                            } else {
                                messages.lock().unwrap().push(data);
                                b"250 queued\r\n"
                            }
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    SmtpServer { port, messages }
}

fn mail(subject: &str) -> Mail {
    Mail {
        to: Email::parse("jordan@example.com").unwrap(),
        subject: subject.into(),
        body: "You have successfully linked your account.".into(),
        sensitive: false,
        html: false,
    }
}

/// The application on a test database, on a stopped clock.
fn app_on(db: &TestDb) -> App {
    let start = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    App::new(
        db.store.clone(),
        Hasher::with_threads(1).unwrap(),
        Clock::stopped(start),
        Settings::default(),
    )
}

async fn enqueue(app: &App, mail: &Mail) {
    let mut tx = app.store.write().await.unwrap();
    tx.enqueue_mail(mail, app.clock.now()).await.unwrap();
    tx.commit().await.unwrap();
}

fn worker(app: &App, transport: Transport, from: &str) -> Worker {
    Worker::new(app.clone(), Mailer::new(app.store.clone(), transport, from).unwrap())
}

#[tokio::test]
async fn smtp_delivers_each_mail_once() {
    let db = TestDb::sqlite().await.unwrap();
    let app = app_on(&db);
    let server = smtp_server(0).await;
    enqueue(&app, &mail("CM/ECF account linked")).await;
    let transport =
        Transport::from_settings(Some(&format!("smtp://127.0.0.1:{}", server.port)), "unused".into()).unwrap();
    let w = worker(&app, transport, "PACER <noreply@example.com>");
    assert_eq!(w.run_due().await.unwrap(), 1);
    assert_eq!(w.run_due().await.unwrap(), 0, "never twice");
    let got = server.messages.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert!(got[0].contains("Subject: CM/ECF account linked"), "{}", got[0]);
    assert!(got[0].contains("To: jordan@example.com"), "{}", got[0]);
    assert!(got[0].contains("You have successfully linked your account."));
    let row = &db.store.outbox().await.unwrap()[0];
    assert!(row.sent_at.is_some());
    assert_eq!(row.attempts, 1);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_later() {
    let db = TestDb::sqlite().await.unwrap();
    let app = app_on(&db);
    let server = smtp_server(1).await;
    enqueue(&app, &mail("Retry me")).await;
    let transport =
        Transport::from_settings(Some(&format!("smtp://127.0.0.1:{}", server.port)), "unused".into()).unwrap();
    let w = worker(&app, transport, "noreply@example.com");
    assert_eq!(w.run_due().await.unwrap(), 0);
    let row = db.store.outbox().await.unwrap()[0].clone();
    assert_eq!((row.attempts, row.sent_at), (1, None));
    assert!(row.last_error.unwrap().contains("451"));
    let job = db.store.jobs().await.unwrap().pop().unwrap();
    assert_eq!(
        job.run_at,
        app.clock.now() + chrono::Duration::seconds(60),
        "first retry after a minute"
    );
    app.clock.advance(Duration::from_secs(30));
    assert_eq!(w.run_due().await.unwrap(), 0, "not yet due");
    app.clock.advance(Duration::from_secs(31));
    assert_eq!(w.run_due().await.unwrap(), 1);
    assert_eq!(server.messages.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn without_smtp_mail_goes_to_eml_files() {
    let db = TestDb::sqlite().await.unwrap();
    let app = app_on(&db);
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    enqueue(&app, &mail("Go-live notice")).await;
    let transport = Transport::from_settings(None, dir.path().join("mail")).unwrap();
    let w = worker(&app, transport, "noreply@example.com");
    assert_eq!(w.run_due().await.unwrap(), 1);
    assert_eq!(w.run_due().await.unwrap(), 0);
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        eml.contains("Subject: Go-live notice") && eml.contains("To: jordan@example.com"),
        "{eml}"
    );
}

#[tokio::test]
async fn a_delivered_reset_link_does_not_stay_in_the_database() {
    let db = TestDb::sqlite().await.unwrap();
    let app = app_on(&db);
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let to = Email::parse("jordan@example.com").unwrap();
    enqueue(
        &app,
        &openecf_domain::mail::password_reset(&to, "jfiler2026", "http://x/account/reset/SECRET"),
    )
    .await;
    enqueue(&app, &mail("Ordinary")).await;
    let transport = Transport::from_settings(None, dir.path().join("mail")).unwrap();
    let w = worker(&app, transport, "noreply@example.com");
    assert_eq!(w.run_due().await.unwrap(), 2);
    let rows = db.store.outbox().await.unwrap();
    assert!(
        rows.iter().all(|r| !r.body.contains("SECRET")),
        "the token is gone once delivered: {rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.body.contains("You have successfully linked")),
        "ordinary mail is kept"
    );
    assert_ne!(rows[0].message_id, rows[1].message_id);
    let names: Vec<String> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| rows.iter().any(|r| n.contains(&r.message_id))),
        "{names:?}"
    );
    let eml: String = names
        .iter()
        .map(|n| std::fs::read_to_string(dir.path().join("mail").join(n)).unwrap())
        .collect();
    assert!(eml.contains("SECRET"), "the mail itself carried the link");
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_given_up_and_the_outbox_says_so() {
    let db = TestDb::sqlite().await.unwrap();
    let app = app_on(&db);
    let server = smtp_server(usize::MAX).await;
    enqueue(&app, &mail("Never arrives")).await;
    let secret = Mail {
        body: "Your free look: https://example.com/doc1/1?magic_num=SECRET".into(),
        sensitive: true,
        ..mail("Never arrives either")
    };
    enqueue(&app, &secret).await;
    let transport =
        Transport::from_settings(Some(&format!("smtp://127.0.0.1:{}", server.port)), "unused".into()).unwrap();
    let w = worker(&app, transport, "noreply@example.com");
    for _ in 0..40 {
        assert_eq!(w.run_due().await.unwrap(), 0);
        app.clock.advance(Duration::from_secs(7 * 3600));
    }
    let rows = db.store.outbox().await.unwrap();
    let row = rows.iter().find(|r| r.subject == "Never arrives").unwrap().clone();
    assert_eq!(row.sent_at, None);
    assert_eq!(row.attempts, 25, "a bounded number of tries");
    let error = row.last_error.unwrap();
    assert!(error.starts_with("gave up after 25 attempts; last error:"), "{error}");
    assert!(row.body.contains("successfully linked"), "ordinary mail is kept");
    let secret = rows.iter().find(|r| r.subject == "Never arrives either").unwrap();
    assert!(
        secret.last_error.is_some() && !secret.body.contains("SECRET"),
        "{secret:?}"
    );
    let jobs = db.store.jobs().await.unwrap();
    assert!(jobs.iter().all(|j| j.failed_at.is_some()));
}

#[tokio::test]
#[cfg(unix)]
async fn eml_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::sqlite().await.unwrap();
    let app = app_on(&db);
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let to = Email::parse("jordan@example.com").unwrap();
    enqueue(
        &app,
        &openecf_domain::mail::password_reset(&to, "jfiler2026", "http://x/account/reset/secret-token"),
    )
    .await;
    let transport = Transport::from_settings(None, dir.path().join("mail")).unwrap();
    assert_eq!(
        worker(&app, transport, "noreply@example.com").run_due().await.unwrap(),
        1
    );
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

#[tokio::test]
async fn over_smtp_a_reset_link_never_reaches_the_mail_folder() {
    let db = TestDb::sqlite().await.unwrap();
    let app = app_on(&db);
    let server = smtp_server(0).await;
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let to = Email::parse("jordan@example.com").unwrap();
    let reset = openecf_domain::mail::password_reset(&to, "jfiler2026", "http://x/account/reset/secret-token");
    assert!(
        !format!("{reset:?}").contains("secret-token"),
        "Debug of a mail with a link"
    );
    enqueue(&app, &reset).await;
    let transport = Transport::from_settings(
        Some(&format!("smtp://127.0.0.1:{}", server.port)),
        dir.path().join("mail"),
    )
    .unwrap();
    assert_eq!(
        worker(&app, transport, "noreply@example.com").run_due().await.unwrap(),
        1
    );
    assert!(server.messages.lock().unwrap()[0].contains("secret-token"));
    // Nothing was written to the folder (it was not even made), and the
    // outbox no longer holds the link.
    assert!(!dir.path().join("mail").exists());
    let row = db.store.outbox().await.unwrap()[0].clone();
    assert!(!row.body.contains("secret-token"));
    assert!(!format!("{row:?}").contains("secret-token"));
}
