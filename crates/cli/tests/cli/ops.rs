//! Running the server as operations do: JSON logs, and SIGTERM ends it
//! cleanly once the requests and the job pass under way have finished.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Scratch;

#[test]
fn sigterm_stops_the_server_cleanly_and_logs_are_json_when_asked() {
    let s = Scratch::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_openecf"))
        .args(["--log-format", "json", "serve", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", s.url())
        .env("OPENECF_LOG", "info")
        .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
        .current_dir(s.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let addr = loop {
        assert!(Instant::now() < deadline, "the server never said where it listens");
        let line = out.next().unwrap().unwrap();
        if let Some(a) = line.strip_prefix("openecf listening on http://") {
            break a.to_owned();
        }
    };
    // It serves; then SIGTERM.
    let health = std::net::TcpStream::connect(&addr).map(|mut c| {
        use std::io::{Read, Write};
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut body = String::new();
        c.read_to_string(&mut body).unwrap();
        body
    });
    assert!(health.unwrap().ends_with("ok\n"));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "SIGTERM did not stop the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty());
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string() && v["fields"].is_object(), "{line}");
        assert!(!line.contains('\u{1b}'), "colour codes in a log line: {line}");
    }
    assert!(err.contains("stopped: requests and jobs under way finished"), "{err}");
    // The access line for /healthz, written by the web layer in the formatter's JSON shape.
    let access: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"] == "openecf::access")
        .collect();
    assert_eq!(access.len(), 1, "{err}");
    let line = &access[0];
    assert_eq!(line["fields"]["path"], "/healthz", "{err}");
    assert_eq!(line["fields"]["method"], "GET", "{err}");
    assert_eq!(line["fields"]["status"], 200, "{err}");
    assert_eq!(line["level"], "INFO", "{err}");
    assert_eq!(line["span"]["op"].as_str().map(str::len), Some(16), "{err}");
}

#[tokio::test]
async fn operators_list_show_disable_enable_and_unlock_accounts_with_a_reason() {
    let s = Scratch::new();
    for (user, name) in [("pdisable2026", "Dana Disable"), ("pother2026", "Otto Other")] {
        s.ok(
            &[
                "pacer",
                "add",
                user,
                "--name",
                name,
                "--email",
                &format!("{user}@example.com"),
                "--password-stdin",
            ],
            "Walnut-Harbor-Lantern-42\n",
        );
    }
    let list = s.ok(&["pacer", "list", "--search", "DANA"], "");
    assert!(
        list.contains("pdisable2026") && list.contains("active") && !list.contains("pother2026"),
        "{list}"
    );
    s.fails(
        &["pacer", "disable", "pdisable2026", "--reason", " "],
        "",
        "--reason: say why",
    );
    s.fails(
        &["pacer", "disable", "nobody2026", "--reason", "x"],
        "",
        "there is no PACER account nobody2026",
    );
    let out = s.ok(
        &[
            "pacer",
            "disable",
            "pdisable2026",
            "--reason",
            "fraud report 7",
            "--operator",
            "psc-kim",
        ],
        "",
    );
    assert!(out.contains("pdisable2026 is disabled"), "{out}");
    s.fails(
        &["pacer", "disable", "pdisable2026", "--reason", "again"],
        "",
        "pdisable2026 is disabled already",
    );
    let shown = s.ok(&["pacer", "show", "pdisable2026"], "");
    assert!(
        shown.contains("state:      disabled since") && shown.contains("(fraud report 7)"),
        "{shown}"
    );
    assert!(s
        .ok(&["pacer", "list"], "")
        .lines()
        .any(|l| l.starts_with("pdisable2026") && l.contains("disabled")));
    // The right password of a disabled account opens nothing.
    let store = openecf_store::Store::connect(&s.url()).await.unwrap();
    let app = openecf_app::App::new(
        store.clone(),
        openecf_app::Hasher::with_threads(1).unwrap(),
        openecf_app::Clock::system(),
        openecf_app::Settings::default(),
    );
    let check =
        openecf_app::signin::pacer_password(&app, "pdisable2026", "Walnut-Harbor-Lantern-42", "127.0.0.1", None)
            .await
            .unwrap();
    assert!(check.is_disabled(), "{check:?}");
    let wrong = openecf_app::signin::pacer_password(&app, "pdisable2026", "wrong", "127.0.0.1", None)
        .await
        .unwrap();
    assert!(
        matches!(wrong, openecf_app::signin::LoginCheck::Wrong),
        "a wrong password learns nothing of the state: {wrong:?}"
    );
    s.ok(&["pacer", "enable", "pdisable2026", "--reason", "cleared"], "");
    let check =
        openecf_app::signin::pacer_password(&app, "pdisable2026", "Walnut-Harbor-Lantern-42", "127.0.0.1", None)
            .await
            .unwrap();
    assert!(matches!(check, openecf_app::signin::LoginCheck::Passed(_)));
    s.fails(
        &["pacer", "enable", "pdisable2026", "--reason", "x"],
        "",
        "pdisable2026 is not disabled",
    );
    // Unlock clears the failed-password counter.
    for _ in 0..3 {
        openecf_app::signin::pacer_password(&app, "pother2026", "wrong", "127.0.0.1", None)
            .await
            .unwrap();
    }
    assert!(s.ok(&["pacer", "show", "pother2026"], "").contains("failures:   3"));
    s.ok(&["pacer", "unlock", "pother2026", "--reason", "holder called"], "");
    assert!(s.ok(&["pacer", "show", "pother2026"], "").contains("failures:   0"));
    // Each change is audited with the operator and why; the holder is emailed.
    let audit = s.ok(&["audit", "list", "--account", "pdisable2026"], "");
    assert!(audit.contains("disabled by psc-kim: fraud report 7"), "{audit}");
    let mails: Vec<_> = store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == "pdisable2026@example.com")
        .collect();
    assert!(
        mails
            .iter()
            .any(|m| m.body.contains("was disabled by the PACER Service Center")),
        "{mails:?}"
    );
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_the_database_as_it_was() {
    let s = Scratch::new();
    s.ok(
        &["court", "add", "nysd", "--name", "S.D. New York", "--kind", "district"],
        "",
    );
    // Backed up while a server has the database open.
    let mut server = Command::new(env!("CARGO_BIN_EXE_openecf"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", s.url())
        .env("OPENECF_LOG", "warn")
        .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap()).lines();
    while !out.next().unwrap().unwrap().starts_with("openecf listening on") {}
    let backup = s.dir.path().join("backup.db");
    let made = s.ok(&["backup", backup.to_str().unwrap()], "");
    assert!(made.contains("backed up to"), "{made}");
    s.fails(&["backup", backup.to_str().unwrap()], "", "exists already");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup holds password hashes: its owner's only");
    }
    let _ = server.kill();
    let _ = server.wait();
    // A change after the backup is gone once it is restored.
    s.ok(
        &[
            "court",
            "add",
            "gamb",
            "--name",
            "M.D. Georgia Bankruptcy",
            "--kind",
            "bankruptcy",
        ],
        "",
    );
    assert!(s.ok(&["court", "list"], "").contains("gamb"));
    s.fails(&["restore", backup.to_str().unwrap()], "", "run again with --force");
    let not_ours = s.dir.path().join("not-a-backup.txt");
    std::fs::write(&not_ours, "hello").unwrap();
    s.fails(
        &["restore", not_ours.to_str().unwrap(), "--force"],
        "",
        "not-a-backup.txt",
    );
    let restored = s.ok(&["restore", backup.to_str().unwrap(), "--force"], "");
    assert!(restored.contains("restored"), "{restored}");
    let list = s.ok(&["court", "list"], "");
    assert!(list.contains("nysd") && !list.contains("gamb"), "{list}");
}

#[tokio::test]
async fn operators_list_correct_and_remove_cmecf_accounts_with_a_reason() {
    let s = Scratch::new();
    s.ok(
        &["court", "add", "nysd", "--name", "S.D. New York", "--kind", "district"],
        "",
    );
    for (login, name) in [("wrongname", "Wrnog Name"), ("dupacct", "Dup Account")] {
        s.ok(
            &[
                "ecf",
                "add",
                "nysd",
                login,
                "--name",
                name,
                "--email",
                &format!("{login}@example.com"),
                "--role",
                "attorney",
                "--password-stdin",
            ],
            "Cmecf-Legacy-Pass-7\n",
        );
    }
    let list = s.ok(&["ecf", "list", "nysd", "--search", "wrong"], "");
    assert!(
        list.contains("wrongname") && list.contains("not linked") && !list.contains("dupacct"),
        "{list}"
    );
    s.fails(
        &[
            "ecf",
            "update",
            "nysd",
            "wrongname",
            "--name",
            "Right Name",
            "--reason",
            " ",
        ],
        "",
        "--reason: say why",
    );
    s.fails(
        &["ecf", "update", "nysd", "wrongname", "--reason", "typo"],
        "",
        "nothing to change",
    );
    s.fails(
        &[
            "ecf",
            "update",
            "nysd",
            "wrongname",
            "--email",
            "not-an-email",
            "--reason",
            "typo",
        ],
        "",
        "--email:",
    );
    s.fails(
        &["ecf", "update", "nysd", "nobody", "--name", "X Y", "--reason", "typo"],
        "",
        "nysd has no CM/ECF login nobody",
    );
    let out = s.ok(
        &[
            "ecf",
            "update",
            "nysd",
            "wrongname",
            "--name",
            "Right Name",
            "--email",
            "right@example.com",
            "--reason",
            "typo in the import",
            "--operator",
            "psc-lee",
        ],
        "",
    );
    assert!(out.contains("name, email corrected"), "{out}");
    let list = s.ok(&["ecf", "list", "nysd", "--search", "right@"], "");
    assert!(
        list.contains("Right Name") && list.contains("right@example.com"),
        "{list}"
    );
    s.ok(&["ecf", "remove", "nysd", "dupacct", "--reason", "a duplicate"], "");
    assert!(s
        .ok(&["ecf", "list", "nysd"], "")
        .lines()
        .all(|l| !l.starts_with("dupacct")));
    let audit = s.ok(&["audit", "list", "--court", "nysd"], "");
    assert!(
        audit.contains("corrected name, email by psc-lee: typo in the import"),
        "{audit}"
    );
    assert!(audit.contains("removed by"), "{audit}");
    // The old and the new address are told.
    let store = openecf_store::Store::connect(&s.url()).await.unwrap();
    let to: Vec<String> = store.outbox().await.unwrap().into_iter().map(|m| m.to_addr).collect();
    assert!(
        to.contains(&"wrongname@example.com".to_owned()) && to.contains(&"right@example.com".to_owned()),
        "{to:?}"
    );
}
