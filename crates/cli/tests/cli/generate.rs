//! `openecf dev generate` at a small size, on SQLite and PostgreSQL: the rows
//! it writes, the link rules, a generated account logging in through the
//! Authentication API, a generated session opening a filer's page, and its
//! refusals (a second run, a database with real accounts).

use std::process::{Command, Stdio};

use openecf_store::testkit::{TempDir, TestDb};

use crate::{Run, Scratch};

const PASSWORD: &str = "Generated-Population-2026";

fn openecf(url: &str, dir: &std::path::Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_openecf"))
        .args(args)
        .env("OPENECF_DATABASE_URL", url)
        .env("OPENECF_LOG", "warn")
        .env("OPENECF_SECRET_KEY_FILE", dir.join("secret.key"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn generate_and_use(db: TestDb) {
    let dir = TempDir::new().unwrap();
    let tokens = dir.path().join("tokens.txt");
    let run = openecf(
        &db.url,
        dir.path(),
        &[
            "dev",
            "generate",
            "--pacer",
            "50",
            "--ecf",
            "150",
            "--courts",
            "6",
            "--sessions",
            "12",
            "--sessions-file",
            tokens.to_str().unwrap(),
        ],
    );
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("50 PACER accounts, 150 CM/ECF accounts, 90 links, 12 sessions"),
        "{}",
        run.stdout
    );

    let check = db.store.population_check().await.unwrap();
    assert_eq!(
        (check.courts, check.pacer, check.ecf, check.links, check.sessions),
        (6, 50, 150, 90, 12)
    );
    assert_eq!(
        (
            check.ecf_linked_twice,
            check.pacer_linked_twice_at_a_court,
            check.links_at_another_court
        ),
        (0, 0, 0)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&tokens).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the tokens file is its owner's only");
    }

    // A second run would mix two populations: refused, nothing added.
    let again = openecf(&db.url, dir.path(), &["dev", "generate", "--pacer", "5", "--ecf", "5"]);
    assert!(
        !again.ok && again.stderr.contains("already holds a generated population"),
        "{}",
        again.stderr
    );
    assert_eq!(db.store.population_check().await.unwrap().pacer, 50);

    let (_server, base) = crate::serve(&db.url, dir.path(), &[]);
    let http = reqwest::Client::new();
    let cso_auth = |password: &str| {
        let request = http
            .post(format!("{base}/services/cso-auth"))
            .json(&serde_json::json!({"loginId": "genfiler0000003", "password": password}));
        async move { request.send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    // Person 3 has no link: a plain login through the Authentication API.
    let login = cso_auth(PASSWORD).await;
    assert_eq!(login["loginResult"], "0", "{login}");
    let token = login["nextGenCSO"].as_str().unwrap();
    let page = |token: String, path: &str| {
        let request = http.get(format!("{base}{path}")).header("X-NEXT-GEN-CSO", token);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // Logged in, but not a filer at gamb.
    assert_eq!(page(token.to_owned(), "/ecf/gamb/bankruptcy").await, 403);
    let wrong = cso_auth("not-the-password").await;
    assert_eq!(wrong["loginResult"], "1", "{wrong}");

    // Every generated session is a live one of a filer linked at its court.
    let sessions = std::fs::read_to_string(&tokens).unwrap();
    assert_eq!(sessions.lines().count(), 12);
    for line in sessions.lines() {
        let mut parts = line.split(' ');
        let (token, court, user) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        assert!(user.starts_with("genfiler"), "{line}");
        assert_eq!(page(token.to_owned(), &format!("/ecf/{court}/")).await, 200, "{line}");
    }
    let gamb = sessions.lines().find(|l| l.split(' ').nth(1) == Some("gamb")).unwrap();
    let token = gamb.split(' ').next().unwrap().to_owned();
    assert_eq!(page(token, "/ecf/gamb/bankruptcy").await, 200);
    db.finish().await;
}

#[tokio::test]
async fn generate_fills_sqlite_with_accounts_that_log_in_and_links_that_obey_the_rules() {
    generate_and_use(TestDb::sqlite().await.unwrap()).await;
}

#[tokio::test]
async fn generate_fills_postgres_with_accounts_that_log_in_and_links_that_obey_the_rules() {
    let Some(db) = TestDb::postgres().await else { return };
    generate_and_use(db).await;
}

#[test]
fn generate_refuses_a_database_with_real_accounts_unless_forced() {
    let s = Scratch::new();
    s.ok(
        &[
            "pacer",
            "add",
            "realfiler1",
            "--name",
            "Real Filer",
            "--email",
            "real@example.com",
            "--password-stdin",
        ],
        "Walnut-Harbor-Lantern-42\n",
    );
    s.fails(
        &["dev", "generate", "--pacer", "10", "--ecf", "10", "--courts", "2"],
        "",
        "holds 1 real PACER and 0 real CM/ECF accounts",
    );
    s.fails(
        &["dev", "generate", "--pacer", "10", "--ecf", "10", "--sessions", "2"],
        "",
        "--sessions needs --sessions-file",
    );
    let out = s.ok(
        &[
            "dev", "generate", "--pacer", "10", "--ecf", "10", "--courts", "2", "--force",
        ],
        "",
    );
    assert!(out.contains("10 PACER accounts, 10 CM/ECF accounts, 6 links"), "{out}");
}
