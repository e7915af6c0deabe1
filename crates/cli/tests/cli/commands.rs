use crate::Scratch;
use openecf_domain::CourtId;
use openecf_store::Store;

const STRONG: &str = "Walnut-Harbor-Lantern-42\n";

fn setup() -> Scratch {
    let s = Scratch::new();
    s.ok(
        &[
            "court",
            "add",
            "gamb",
            "--name",
            "Georgia Middle Bankruptcy",
            "--kind",
            "bankruptcy",
        ],
        "",
    );
    s.ok(
        &[
            "court",
            "add",
            "nysd",
            "--name",
            "S.D. New York",
            "--kind",
            "district",
            "--nextgen-release",
            "1.1",
        ],
        "",
    );
    s
}

#[test]
fn help_documents_every_command() {
    let s = Scratch::new();
    let listed = |help: &str, cmd: &str| help.lines().any(|l| l.trim_start().starts_with(&format!("{cmd} ")));
    let help = s.ok(&["--help"], "");
    for cmd in ["serve", "migrate", "court", "pacer", "ecf", "link"] {
        assert!(listed(&help, cmd), "{cmd} not listed in:\n{help}");
    }
    let court = s.ok(&["court", "--help"], "");
    for cmd in ["add", "go-live", "list"] {
        assert!(listed(&court, cmd), "{cmd} not listed in:\n{court}");
    }
    assert!(!listed(&help, "frobnicate"));
}

#[test]
fn migrate_creates_the_database() {
    let s = Scratch::new();
    assert!(s.ok(&["migrate"], "").contains("up to date"));
    assert!(s.dir.path().join("openecf.db").exists());
}

#[test]
fn the_database_pool_settings_are_checked() {
    let s = Scratch::new();
    s.fails(
        &["--db-max-connections", "0", "migrate"],
        "",
        "invalid value '0' for '--db-max-connections <DB_MAX_CONNECTIONS>'",
    );
    s.fails(
        &["--db-wait-ms", "soon", "migrate"],
        "",
        "invalid value 'soon' for '--db-wait-ms <DB_WAIT_MS>'",
    );
    s.fails(
        &["--db-wait-ms", "5", "migrate"],
        "",
        "invalid value '5' for '--db-wait-ms <DB_WAIT_MS>': 5 is not in 100..=600000",
    );
    // Nothing was created by the refused commands.
    assert!(!s.dir.path().join("openecf.db").exists());
    let out = s.ok(&["--db-max-connections", "2", "--db-wait-ms", "250", "migrate"], "");
    assert!(out.contains("up to date"), "{out}");
}

#[test]
fn courts_are_added_listed_and_scheduled() {
    let s = setup();
    s.fails(
        &["court", "add", "gamb", "--name", "Again", "--kind", "bankruptcy"],
        "",
        "court gamb already exists",
    );
    s.fails(
        &["court", "add", "x", "--name", "Bad", "--kind", "district"],
        "",
        "a court id has 2 to 8 characters",
    );
    s.fails(
        &["court", "add", "ohnd", "--name", "Bad", "--kind", "appellate"],
        "",
        "invalid value 'appellate'",
    );
    s.fails(&["court", "go-live", "zzzz", "--now"], "", "unknown court zzzz");
    s.fails(
        &["court", "go-live", "gamb", "--on", "2027-13-01"],
        "",
        "is not a date like 2027-03-01",
    );
    s.fails(&["court", "go-live", "gamb"], "", "required");
    s.ok(&["court", "go-live", "gamb", "--now"], "");
    s.fails(
        &["court", "go-live", "gamb", "--on", "2031-03-01"],
        "",
        "already live on NextGen CM/ECF",
    );
    s.fails(
        &["court", "go-live", "gamb", "--now"],
        "",
        "already live on NextGen CM/ECF",
    );
    s.ok(&["court", "go-live", "nysd", "--on", "2031-03-01"], "");
    let list = s.ok(&["court", "list"], "");
    assert!(
        list.lines().any(|l| l.starts_with("gamb") && l.contains("live since")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("nysd") && l.contains("1.1") && l.contains("goes live 2031-03-01")),
        "{list}"
    );
}

#[tokio::test]
async fn go_live_emails_every_cmecf_account_holder() {
    let s = setup();
    for login in ["alice", "bobby"] {
        s.ok(
            &[
                "ecf",
                "add",
                "nysd",
                login,
                "--name",
                "A Filer",
                "--email",
                &format!("{login}@example.com"),
                "--role",
                "attorney",
                "--password-stdin",
            ],
            "Legacy-Pass-1\n",
        );
    }
    let out = s.ok(&["court", "go-live", "nysd", "--on", "2031-03-01"], "");
    assert!(out.contains("queued to 2 CM/ECF account holder addresses"), "{out}");
    let store = Store::connect(&s.url()).await.unwrap();
    assert!(
        store.outbox().await.unwrap().is_empty(),
        "the server's job queue sends it"
    );
    crate::court_ops::run_jobs(&store).await;
    let mail = store.outbox().await.unwrap();
    assert_eq!(mail.len(), 2);
    assert!(mail.iter().all(|m| m
        .subject
        .contains("will go live on NextGen CM/ECF on Saturday, March 1, 2031")));
}

#[test]
fn pacer_accounts_need_a_strong_password_from_stdin() {
    let s = Scratch::new();
    let add = |user: &str| {
        [
            "pacer",
            "add",
            user,
            "--name",
            "Jordan Filer",
            "--email",
            "jordan@example.com",
            "--password-stdin",
        ]
        .map(str::to_owned)
    };
    let args = add("jfiler2026");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.fails(&args, "", "no password on standard input");
    s.fails(&args, "short\n", "at least 14 characters");
    s.fails(&args, "Jordan-Is-Here-2026\n", "must not contain your name");
    s.fails(&args, "PASSWORD-1234567\n", "lowercase");
    let out = s.ok(&args, STRONG);
    assert!(out.contains("added PACER account jfiler2026"), "{out}");
    s.fails(&args, STRONG, "the PACER username jfiler2026 is taken");
    s.fails(
        &[
            "pacer",
            "add",
            "short",
            "--name",
            "N",
            "--email",
            "n@example.com",
            "--password-stdin",
        ],
        STRONG,
        "at least 8 characters",
    );
    s.fails(
        &[
            "pacer",
            "add",
            "someone2026",
            "--name",
            "N",
            "--email",
            "nope",
            "--password-stdin",
        ],
        STRONG,
        "an email address looks like",
    );
    // Legacy accounts keep their short usernames.
    let legacy = s.ok(
        &[
            "pacer",
            "add",
            "oldpcr",
            "--name",
            "Lee Legacy",
            "--email",
            "lee@example.com",
            "--created-on",
            "2011-03-02",
            "--password-stdin",
        ],
        STRONG,
    );
    assert!(legacy.contains("legacy: must upgrade before linking"), "{legacy}");
    s.ok(
        &[
            "pacer",
            "add",
            "smithjonesfirm",
            "--name",
            "Smith and Jones LLP",
            "--email",
            "firm@example.com",
            "--shared-firm",
            "--password-stdin",
        ],
        STRONG,
    );
}

#[tokio::test]
async fn cmecf_accounts_are_added_and_imported_all_or_nothing() {
    let s = setup();
    let ecf = |court: &str, login: &str| {
        [
            "ecf",
            "add",
            court,
            login,
            "--name",
            "Jordan Filer",
            "--email",
            "jf@example.com",
            "--role",
            "attorney",
            "--bar-id",
            "GA-1",
            "--password-stdin",
        ]
        .map(str::to_owned)
    };
    let a = ecf("zzzz", "jfiler");
    s.fails(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        "Legacy-Pass-1\n",
        "unknown court zzzz",
    );
    let a = ecf("gamb", "jfiler");
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    s.fails(&a, "\n", "no password on standard input");
    s.ok(&a, "Legacy-Pass-1\n");
    s.fails(&a, "Legacy-Pass-1\n", "the CM/ECF login jfiler already exists at gamb");

    let bad = s.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "login,name,email,role,bar_id,password\nanna,Anna A,anna@example.com,attorney,GA-2,Legacy-Pass-2\nben,Ben B,not-an-email,attorney,,Legacy-Pass-3\ncarl,Carl C,carl@example.com,attorney,,\n",
    )
    .unwrap();
    let r = s.run(&["ecf", "import", "gamb", bad.to_str().unwrap()], "");
    assert!(!r.ok);
    assert!(
        r.stderr.contains("line 3: email: an email address looks like"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("line 4: password: missing"), "{}", r.stderr);
    assert!(
        r.stderr.contains("2 of 3 rows have errors; nothing was imported"),
        "{}",
        r.stderr
    );
    let store = Store::connect(&s.url()).await.unwrap();
    let gamb = CourtId::parse("gamb").unwrap();
    let anna = openecf_domain::EcfLogin::parse("anna").unwrap();
    assert!(
        store.ecf_by_login(&gamb, &anna).await.unwrap().is_none(),
        "nothing half-written"
    );

    let dup = s.dir.path().join("dup.csv");
    std::fs::write(&dup, "login,name,email,role,bar_id,password\nanna,Anna A,anna@example.com,attorney,,Legacy-Pass-2\nanna,J F,jf@example.com,attorney,,Legacy-Pass-2\n").unwrap();
    s.fails(
        &["ecf", "import", "gamb", dup.to_str().unwrap()],
        "",
        "line 3: the login anna appears twice in the file (first on line 2)",
    );
    assert!(
        store.ecf_by_login(&gamb, &anna).await.unwrap().is_none(),
        "nothing written"
    );
    let hashed = s.dir.path().join("hashed.csv");
    let costly = "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    std::fs::write(
        &hashed,
        format!("login,name,email,role,bar_id,password_hash\nanna,Anna A,anna@example.com,attorney,,\"{costly}\"\n"),
    )
    .unwrap();
    s.fails(
        &["ecf", "import", "gamb", hashed.to_str().unwrap()],
        "",
        "line 2: password_hash: Argon2 parameters too costly",
    );

    let good = s.dir.path().join("good.csv");
    std::fs::write(&good, "login,name,email,role,bar_id,password\nanna,Anna A,anna@example.com,attorney,GA-2,Legacy-Pass-2\nben,Ben B,ben@example.com,non-attorney filer,,Legacy-Pass-3\n").unwrap();
    let out = s.ok(&["ecf", "import", "gamb", good.to_str().unwrap()], "");
    assert!(
        out.contains("imported into gamb: 2 new, 0 updated, 0 unchanged"),
        "{out}"
    );
    assert!(store.ecf_by_login(&gamb, &anna).await.unwrap().is_some());
}

#[tokio::test]
async fn links_are_listed_and_removed_with_a_reason() {
    let s = setup();
    s.ok(&["court", "go-live", "gamb", "--now"], "");
    s.ok(
        &[
            "pacer",
            "add",
            "jfiler2026",
            "--name",
            "Jordan Filer",
            "--email",
            "jordan@example.com",
            "--password-stdin",
        ],
        STRONG,
    );
    s.ok(
        &[
            "ecf",
            "add",
            "gamb",
            "jfiler",
            "--name",
            "Jordan Filer",
            "--email",
            "jf@example.com",
            "--role",
            "attorney",
            "--password-stdin",
        ],
        "Legacy-Pass-1\n",
    );
    let store = Store::connect(&s.url()).await.unwrap();
    let app = openecf_app::App::new(
        store.clone(),
        openecf_app::Hasher::with_threads(1).unwrap(),
        openecf_app::Clock::system(),
        openecf_app::Settings::default(),
    );
    let gamb = CourtId::parse("gamb").unwrap();
    let court = store.court(&gamb).await.unwrap().unwrap();
    let pacer = store
        .pacer_by_username(&openecf_domain::Username::parse_new("jfiler2026").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    let ecf = store
        .ecf_by_login(&gamb, &openecf_domain::EcfLogin::parse("jfiler").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    let who = openecf_app::link::Linker {
        account: &pacer,
        session_hash: "",
        ip: "test",
    };
    openecf_app::link::link_verified(&app, &court, who, &ecf)
        .await
        .unwrap()
        .unwrap();

    let list = s.ok(&["link", "list", "gamb"], "");
    assert!(
        list.lines()
            .any(|l| l.starts_with("jfiler") && l.contains("jfiler2026")),
        "{list}"
    );
    s.fails(&["link", "remove", "gamb", "jfiler", "--reason", " "], "", "say why");
    s.fails(
        &["link", "remove", "gamb", "nobody", "--reason", "x"],
        "",
        "is not linked",
    );
    let out = s.ok(
        &[
            "link",
            "remove",
            "gamb",
            "jfiler",
            "--reason",
            "linked to the wrong person",
        ],
        "",
    );
    assert!(
        out.contains("removed the link of CM/ECF account jfiler at gamb to PACER account jfiler2026"),
        "{out}"
    );
    assert!(s.ok(&["link", "list", "gamb"], "").contains("0 links at gamb"));
    let audit = store.audit_events(Some("gamb")).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "link.remove" && e.detail.starts_with("linked to the wrong person (by ")));

    // The audit trail, newest first, filtered.
    let listed = s.ok(&["audit", "list", "--court", "gamb"], "");
    let lines: Vec<&str> = listed.lines().collect();
    assert!(
        lines[0].contains("link.remove") && lines[0].contains("(linked to the wrong person (by "),
        "{listed}"
    );
    assert!(
        lines[1].contains("link ") && lines[1].contains("linked") && lines[1].contains("account=jfiler2026"),
        "{listed}"
    );
    assert!(lines.iter().all(|l| l.contains("court=gamb")), "{listed}");
    let one = s.ok(&["audit", "list", "--account", "jfiler2026", "--limit", "1"], "");
    assert_eq!(one.lines().count(), 1, "{one}");
    assert!(s.ok(&["audit", "list", "--since", "2999-01-01"], "").is_empty());
    s.fails(
        &["audit", "list", "--since", "yesterday"],
        "",
        "--since: \"yesterday\" is not a date",
    );
    s.fails(&["audit", "list", "--court", "not a court"], "", "--court:");
    s.fails(&["audit", "list", "--limit", "0"], "", "--limit");
}

#[test]
fn a_bad_database_url_is_named() {
    let r = Scratch::new().run(&["--database", "mysql://x", "court", "list"], "");
    assert!(!r.ok);
    assert!(
        r.stderr.contains("must start with sqlite:// or postgres://"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn serve_demo_seeds_every_case_of_the_seed_once() {
    let s = Scratch::new();
    let serve = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openecf"));
        cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0"])
            .env("OPENECF_DATABASE_URL", s.url())
            .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
            .env("OPENECF_LOG", "warn");
        cmd
    };
    let (server, out) = crate::browser::start_and_read(serve(), "openecf listening on");
    drop(server);
    let out = out.join("\n");
    for expected in [
        "seeded 204 federal courts",
        "Walnut-Harbor-Lantern-42",
        "Cmecf-Legacy-Pass-7",
        "jfiler2026",
        "mlinked2026",
        "smithjonesfirm",
        "oldpcr",
        "tokenfiler2026",
        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    ] {
        assert!(out.contains(expected), "{expected:?} missing from:\n{out}");
    }
    let store = Store::connect(&s.url()).await.unwrap();
    assert_eq!(store.count_courts().await.unwrap(), 204);
    let court = |id: &str| CourtId::parse(id).unwrap();
    for live in ["gamb", "nysd", "txsb", "ilnd"] {
        assert!(store.court(&court(live)).await.unwrap().unwrap().is_live(), "{live}");
    }
    for planned in ["cand", "nysb"] {
        let c = store.court(&court(planned)).await.unwrap().unwrap();
        assert!(
            matches!(c.status, openecf_domain::NextGenStatus::NotLive { planned: Some(_) }),
            "{planned}"
        );
    }
    assert_eq!(store.links(&court("gamb")).await.unwrap()[0].ecf_login, "mlinked");
    assert_eq!(store.links(&court("nysd")).await.unwrap()[0].ecf_login, "ttoken");
    // The demo case at nysd, filed through the use cases: its docket, its
    // documents on disk, and its notices in the outbox.
    let year = openecf_app::Clock::system().now().format("%y").to_string();
    let number = format!("1:{year}-cv-00001");
    assert!(out.contains(&format!("demo case at nysd: {number}-")), "{out}");
    let cases = store
        .find_cases(&court("nysd"), &openecf_domain::CaseQuery::parse(&number).unwrap())
        .await
        .unwrap();
    assert_eq!(cases[0].title, "Acme Widgets, Inc. v. Beta Supply Co.");
    let docket = store.docket(cases[0].id).await.unwrap();
    assert_eq!(docket.len(), 2);
    assert_eq!(docket[1].documents.len(), 2);
    let sha = &docket[1].documents[0].sha256;
    assert!(s
        .dir
        .path()
        .join("documents")
        .join(&sha[..2])
        .join(format!("{sha}.pdf"))
        .exists());
    let outbox = store.outbox().await.unwrap();
    assert!(outbox
        .iter()
        .any(|m| m.subject.starts_with(&format!("Activity in Case {number}")) && m.html));
    // And a chapter 7 case at gamb, its debtor's SSN sealed.
    let bk = format!("1:{year}-bk-00001");
    assert!(
        out.contains(&format!(
            "demo case at gamb: {bk} (adversary proceeding 1:{year}-ap-00001)"
        )),
        "{out}"
    );
    let cases = store
        .find_cases(&court("gamb"), &openecf_domain::CaseQuery::parse(&bk).unwrap())
        .await
        .unwrap();
    assert_eq!(cases[0].chapter, Some(7));
    let docket = store.docket(cases[0].id).await.unwrap();
    assert_eq!(docket.len(), 3, "petition, objection, adversary proceeding");
    assert!(docket[2].docket_text.starts_with("Adversary case 1:"));
    let debtor = &store.parties(cases[0].id).await.unwrap()[0];
    assert_eq!(debtor.ssn_last4.as_deref(), Some("6789"));
    assert!(outbox.iter().all(|m| !m.body.contains("123-45-6789")));
    let firm = store
        .pacer_by_username(&openecf_domain::Username::parse_new("smithjonesfirm").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(firm.kind, openecf_domain::AccountKind::SharedFirm);
    let legacy = store
        .pacer_by_username(&openecf_domain::Username::parse_existing("oldpcr").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    assert!(legacy.is_legacy());
    store.close().await;

    let (server, again) = crate::browser::start_and_read(serve(), "openecf listening on");
    drop(server);
    assert!(again
        .join("\n")
        .contains("the database already has courts; nothing seeded"));
}

#[test]
fn help_never_shows_secrets_from_the_environment() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_openecf"))
        .args(["serve", "--help"])
        .env("OPENECF_DATABASE_URL", "postgres://u:db-secret@h/db")
        .env("OPENECF_SMTP_URL", "smtps://u:smtp-secret@mail.example.com")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--smtp-url"), "{help}");
    assert!(!help.contains("db-secret") && !help.contains("smtp-secret"), "{help}");
}

#[tokio::test]
async fn an_operator_resets_the_mfa_of_a_holder_who_lost_every_factor() {
    let s = setup();
    s.ok(
        &[
            "pacer",
            "add",
            "jfiler2026",
            "--name",
            "Jordan Filer",
            "--email",
            "jf@example.com",
            "--password-stdin",
        ],
        STRONG,
    );
    let store = Store::connect(&s.url()).await.unwrap();
    let username = openecf_domain::Username::parse_existing("jfiler2026").unwrap();
    let account = store.pacer_by_username(&username).await.unwrap().unwrap().0;
    let mut tx = store.write().await.unwrap();
    let t = openecf_app::Clock::system().now();
    tx.insert_authenticator(account.id, "Lost phone", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 0, t)
        .await
        .unwrap();
    tx.replace_backup_codes(account.id, &["x".into()]).await.unwrap();
    tx.commit().await.unwrap();
    assert!(store.mfa_state(account.id).await.unwrap().is_on());

    s.fails(&["pacer", "reset-mfa", "jfiler2026", "--reason", " "], "", "--reason");
    s.fails(
        &["pacer", "reset-mfa", "nobody2026", "--reason", "x"],
        "",
        "no PACER account nobody2026",
    );
    let out = s.ok(
        &[
            "pacer",
            "reset-mfa",
            "jfiler2026",
            "--reason",
            "identity checked by the clerk's office in person",
            "--operator",
            "clerk-ann",
        ],
        "",
    );
    assert!(
        out.contains("removed every authenticator app and backup code of jfiler2026"),
        "{out}"
    );
    let state = store.mfa_state(account.id).await.unwrap();
    assert!(!state.is_on(), "{state:?}");
    let audit = s.ok(&["audit", "list", "--account", "jfiler2026"], "");
    assert!(
        audit.lines().next().unwrap().contains("account.mfa.reset")
            && audit.contains("by clerk-ann: identity checked by the clerk's office in person"),
        "{audit}"
    );
    let mail = store.outbox().await.unwrap();
    assert!(mail
        .iter()
        .any(|m| m.to_addr == "jf@example.com" && m.subject.contains("removed by the PACER Service Center")));
}

#[test]
fn database_passwords_stay_out_of_messages() {
    let s = Scratch::new();
    for url in [
        "postgres://clerk:hunter2@127.0.0.1:1/openecf",
        "postgres://clerk@127.0.0.1:1/openecf?password=hunter2",
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_openecf"))
            .args(["--database", url, "court", "list"])
            .current_dir(s.dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains("cannot open the database postgres://clerk"), "{stderr}");
        assert!(stderr.contains("[redacted]"), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
}

#[test]
fn serve_keeps_its_secret_key_beside_the_database_readable_by_its_owner_only() {
    let s = Scratch::new();
    let serve = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openecf"));
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .env("OPENECF_DATABASE_URL", s.url())
            .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
            .env_remove("OPENECF_SECRET_KEY")
            .env_remove("OPENECF_SECRET_KEY_FILE")
            .env("OPENECF_LOG", "warn");
        cmd
    };
    let (server, _) = crate::browser::start_and_read(serve(), "openecf listening on");
    drop(server);
    let path = s.dir.path().join("secret.key");
    let key = std::fs::read_to_string(&path).unwrap();
    assert_eq!(key.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // The same key on the next start.
    let (server, _) = crate::browser::start_and_read(serve(), "openecf listening on");
    drop(server);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), key);
    // A key in the environment that is not a key: serve says so and stops.
    let out = serve().env("OPENECF_SECRET_KEY", "not-a-key").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("OPENECF_SECRET_KEY"));
}

#[test]
fn every_way_in_refuses_addresses_the_mailer_cannot_deliver_to() {
    let s = setup();
    for bad in ["a..b@x.io", "a;b@x.io", "a@[127.0.0.1]", "jf\u{200b}@x.io"] {
        s.fails(
            &[
                "pacer",
                "add",
                "avery2026",
                "--name",
                "Avery Quinn",
                "--email",
                bad,
                "--password-stdin",
            ],
            "Walnut-Harbor-Lantern-42\n",
            "email",
        );
        s.fails(
            &[
                "ecf",
                "add",
                "gamb",
                "avery",
                "--name",
                "Avery Quinn",
                "--email",
                bad,
                "--role",
                "attorney",
                "--password-stdin",
            ],
            "Legacy-Pass-1\n",
            "email",
        );
    }
    let csv = s.dir.path().join("ip.csv");
    std::fs::write(
        &csv,
        "login,name,email,role,bar_id,password\nanna,Anna A,anna@[10.0.0.1],attorney,GA-2,Legacy-Pass-2\n",
    )
    .unwrap();
    let r = s.run(&["ecf", "import", "gamb", csv.to_str().unwrap()], "");
    assert!(!r.ok);
    assert!(
        r.stderr.contains("line 2: email: an email address needs a domain name"),
        "{}",
        r.stderr
    );
    // A strong password with a deliverable address still works.
    s.ok(
        &[
            "pacer",
            "add",
            "avery2026",
            "--name",
            "Avery Quinn",
            "--email",
            "avery.quinn@x.io",
            "--password-stdin",
        ],
        "Walnut-Harbor-Lantern-42\n",
    );
}

#[tokio::test]
async fn the_secret_key_rotates_and_authenticators_follow_it() {
    let s = setup();
    s.ok(
        &[
            "pacer",
            "add",
            "jfiler2026",
            "--name",
            "Jordan Filer",
            "--email",
            "jf@example.com",
            "--password-stdin",
        ],
        STRONG,
    );
    let old_file = s.dir.path().join("secret.key");
    let old_key = openecf_app::keys::ServerKey::load_or_create(&old_file).unwrap();
    let store = Store::connect(&s.url()).await.unwrap();
    let account = store
        .pacer_by_username(&openecf_domain::Username::parse_existing("jfiler2026").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let mut tx = store.write().await.unwrap();
    let t = openecf_app::Clock::system().now();
    tx.insert_authenticator(
        account.id,
        "Phone",
        &openecf_app::seal::seal(&old_key, secret).unwrap(),
        0,
        t,
    )
    .await
    .unwrap();
    tx.replace_backup_codes(
        account.id,
        &[openecf_app::totp::hash_backup_code(&old_key, "abcd-efgh")],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let new_file = s.dir.path().join("new.key");
    let out = s.ok(&["rotate-secret-key", "--new-key-file", new_file.to_str().unwrap()], "");
    assert!(
        out.contains("sealed 1 authenticator secrets and 0 debtors' SSNs/ITINs under the new key"),
        "{out}"
    );
    s.fails(
        &["rotate-secret-key", "--new-key-file", new_file.to_str().unwrap()],
        "",
        "exists already",
    );
    let new_key = openecf_app::keys::ServerKey::load_or_create(&new_file).unwrap();
    let stored = store.authenticators(account.id).await.unwrap()[0].secret.clone();
    assert_eq!(openecf_app::seal::open(&new_key, &stored).unwrap(), secret);
    assert!(
        openecf_app::seal::open(&old_key, &stored).is_err(),
        "the old key no longer opens it"
    );
    assert_eq!(
        store.backup_codes_left(account.id).await.unwrap(),
        0,
        "keyed codes cannot follow"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&new_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[tokio::test]
async fn judges_are_added_to_a_courts_list() {
    let s = setup();
    s.fails(
        &["court", "judge", "nysd", "--name", "Ann B. Clerk", "--initials", "abc"],
        "",
        "--initials",
    );
    s.fails(
        &["court", "judge", "zzzz", "--name", "Ann B. Clerk", "--initials", "ABC"],
        "",
        "unknown court",
    );
    let out = s.ok(
        &["court", "judge", "nysd", "--name", "Ann B. Clerk", "--initials", "ABC"],
        "",
    );
    assert!(out.contains("judge Ann B. Clerk (ABC) is on the list of nysd"), "{out}");
    let store = Store::connect(&s.url()).await.unwrap();
    assert_eq!(
        store.judges(&CourtId::parse("nysd").unwrap()).await.unwrap(),
        [("Ann B. Clerk".to_owned(), "ABC".to_owned())]
    );
}

#[test]
fn court_staff_are_granted_listed_and_ended() {
    let s = setup();
    s.ok(
        &[
            "pacer",
            "add",
            "deputyclerk",
            "--name",
            "Dana Deputy",
            "--email",
            "dana@example.com",
            "--password-stdin",
        ],
        STRONG,
    );
    s.fails(
        &["court", "admin", "add", "nysd", "nobody2026"],
        "",
        "there is no PACER account nobody2026",
    );
    s.fails(
        &["court", "admin", "add", "zzzz", "deputyclerk"],
        "",
        "there is no court zzzz",
    );
    // Bankruptcy courts have staff too (the clerk console); only criminal case opening is district-only.
    let out = s.ok(&["court", "admin", "add", "gamb", "deputyclerk"], "");
    assert!(out.contains("deputyclerk is court staff at gamb"), "{out}");
    assert_eq!(s.ok(&["court", "admin", "list", "gamb"], "").trim(), "deputyclerk");
    assert!(s
        .ok(&["court", "admin", "list", "nysd"], "")
        .contains("nysd has no court staff"));
    let out = s.ok(&["court", "admin", "add", "nysd", "deputyclerk"], "");
    assert!(out.contains("deputyclerk is court staff at nysd"), "{out}");
    let again = s.ok(&["court", "admin", "add", "nysd", "deputyclerk"], "");
    assert!(
        again.contains("already court staff at nysd: nothing changed"),
        "{again}"
    );
    assert_eq!(s.ok(&["court", "admin", "list", "nysd"], "").trim(), "deputyclerk");
    let out = s.ok(&["court", "admin", "remove", "nysd", "deputyclerk"], "");
    assert!(out.contains("deputyclerk is no longer court staff at nysd"), "{out}");
    assert!(s
        .ok(&["court", "admin", "list", "nysd"], "")
        .contains("nysd has no court staff"));
}

#[test]
fn a_bad_document_store_url_is_named() {
    let s = Scratch::new();
    s.fails(
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--documents-url",
            "ftp://example.com/docs",
        ],
        "",
        "a document store URL begins s3:// or file://, not ftp://",
    );
    s.fails(
        &["serve", "--documents-url", "file:///x", "--documents-dir", "/tmp/x"],
        "",
        "cannot be used with",
    );
}

#[tokio::test]
async fn the_demo_files_into_an_object_store_by_url() {
    let s = Scratch::new();
    let objects = s.dir.path().join("objects");
    std::fs::create_dir_all(&objects).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openecf"));
    cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .arg("--documents-url")
        .arg(format!("file://{}", objects.display()))
        .env("OPENECF_DATABASE_URL", s.url())
        .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
        .env("OPENECF_LOG", "warn");
    let (server, _) = crate::browser::start_and_read(cmd, "openecf listening on");
    drop(server);
    // Every document of the demo's dockets is an object named by its hash.
    let store = Store::connect(&s.url()).await.unwrap();
    let nysd = CourtId::parse("nysd").unwrap();
    let year = openecf_app::Clock::system().now().format("%y").to_string();
    let case = &store
        .find_cases(
            &nysd,
            &openecf_domain::CaseQuery::parse(&format!("1:{year}-cv-1")).unwrap(),
        )
        .await
        .unwrap()[0];
    let docket = store.docket(case.id).await.unwrap();
    for doc in docket.iter().flat_map(|e| &e.documents) {
        let object = objects.join(&doc.sha256[..2]).join(format!("{}.pdf", doc.sha256));
        assert!(object.exists(), "{} is not in the object store", doc.sha256);
    }
    assert!(
        !s.dir.path().join("documents").exists(),
        "nothing is written beside the database"
    );
    store.close().await;
}

#[test]
fn a_courts_event_catalogue_is_extended_listed_and_trimmed() {
    let s = setup();
    let add = |court: &str, menu: &str, name: &str| {
        vec![
            "court".to_owned(),
            "event".into(),
            "add".into(),
            court.into(),
            "--menu".into(),
            menu.into(),
            "--category".into(),
            "Discovery Documents".into(),
            "--name".into(),
            name.into(),
            "--docket-text".into(),
            "MOTION to Compel Discovery".into(),
        ]
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    s.fails(
        &args(&add("gamb", "civil", "Motion to Compel")),
        "",
        "--menu: a bankruptcy court has no civil menu",
    );
    s.fails(
        &args(&add("nysd", "appeals", "Motion to Compel")),
        "",
        "--menu: unknown menu \"appeals\"",
    );
    s.fails(
        &args(&add("nysd", "civil", "Motion to Dismiss")),
        "",
        "--name: the court already has an event named \"Motion to Dismiss\"",
    );
    s.fails(&args(&add("nysd", "civil", " ")), "", "--name: required");
    let before = s.ok(&["court", "event", "list", "nysd"], "");
    assert!(!before.contains("Motion to Compel"), "{before}");
    let out = s.ok(&args(&add("nysd", "civil", "Motion to Compel")), "");
    assert!(
        out.contains("event \"Motion to Compel\" added to the civil menu"),
        "{out}"
    );
    let list = s.ok(&["court", "event", "list", "nysd"], "");
    assert!(
        list.lines().any(|l| l.starts_with("civil")
            && l.contains("added")
            && l.contains("Discovery Documents | Motion to Compel | MOTION to Compel Discovery")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("criminal") && l.contains("built-in")),
        "{list}"
    );
    s.fails(
        &["court", "event", "remove", "nysd", "--name", "Motion to Dismiss"],
        "",
        "nysd has no added event named \"Motion to Dismiss\"",
    );
    s.ok(&["court", "event", "remove", "nysd", "--name", "Motion to Compel"], "");
    assert!(!s
        .ok(&["court", "event", "list", "nysd"], "")
        .contains("Motion to Compel"));
}

#[tokio::test]
async fn the_billing_report_says_what_each_account_owes_in_a_quarter() {
    let s = setup();
    s.fails(
        &["billing", "report", "--quarter", "2026Q5"],
        "",
        "--quarter: \"2026Q5\" is not a quarter",
    );
    assert!(s
        .ok(&["billing", "report", "--quarter", "2026Q4"], "")
        .contains("no PACER transactions in 2026Q4"));
    for user in ["heavyuser", "lightuser"] {
        s.ok(
            &[
                "pacer",
                "add",
                user,
                "--name",
                "Pat Reader",
                "--email",
                &format!("{user}@example.com"),
                "--password-stdin",
            ],
            STRONG,
        );
    }
    let store = Store::connect(&s.url()).await.unwrap();
    let nysd = CourtId::parse("nysd").unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-02T15:00:00Z")
        .unwrap()
        .to_utc();
    for (user, count) in [("heavyuser", 11), ("lightuser", 2)] {
        let (account, _) = store
            .pacer_by_username(&openecf_domain::Username::parse_existing(user).unwrap())
            .await
            .unwrap()
            .unwrap();
        for n in 0..count {
            let key = format!("k{n}");
            let t = openecf_store::NewTransaction {
                account: account.id,
                court: Some(&nysd),
                client_code: "",
                description: "Image 1-0",
                criteria: "1:26-cv-00001",
                pages: 30,
                cost_cents: 300,
                exempt: "",
                request_key: &key,
            };
            store.record_transaction(&t, at).await.unwrap();
        }
    }
    let out = s.ok(&["billing", "report", "--quarter", "2026q4"], "");
    let line = |user: &str| out.lines().find(|l| l.starts_with(user)).unwrap_or_default().to_owned();
    // $33.00 is due in full; $6.00 is waived.
    assert!(line("heavyuser").contains("11      330     $33.00     $33.00"), "{out}");
    assert!(line("lightuser").contains("2       60      $6.00      $0.00"), "{out}");
    assert!(out.contains("2026Q4: $33.00 due in all"), "{out}");
    assert!(s
        .ok(&["billing", "report", "--quarter", "2027Q1"], "")
        .contains("no PACER transactions in 2027Q1"));
}

#[test]
fn a_court_grants_lists_and_ends_cja_exemptions() {
    let s = setup();
    s.ok(
        &[
            "pacer",
            "add",
            "cjalawyer",
            "--name",
            "Casey Jones",
            "--email",
            "cja@example.com",
            "--password-stdin",
        ],
        STRONG,
    );
    let add = |user: &str, reason: &str| {
        vec![
            "billing".to_owned(),
            "exempt".into(),
            "add".into(),
            "nysd".into(),
            user.into(),
            "--reason".into(),
            reason.into(),
            "--operator".into(),
            "clerk-ana".into(),
        ]
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    s.fails(&args(&add("cjalawyer", " ")), "", "--reason: say why");
    s.fails(
        &args(&add("nobody", "CJA 26-1")),
        "",
        "there is no PACER account nobody",
    );
    s.fails(
        &["billing", "exempt", "add", "zzzz", "cjalawyer", "--reason", "x"],
        "",
        "unknown court zzzz",
    );
    assert!(s
        .ok(&["billing", "exempt", "list", "nysd"], "")
        .contains("nysd has granted no CJA exemption"));
    s.ok(&args(&add("cjalawyer", "CJA appointment 26-mj-14")), "");
    let list = s.ok(&["billing", "exempt", "list", "nysd", "--quarter", "2026Q4"], "");
    assert!(list.contains("exempt  cjalawyer"), "{list}");
    assert!(list.contains("by clerk-ana: CJA appointment 26-mj-14"), "{list}");
    assert!(list.contains("0 free transactions at nysd in 2026Q4"), "{list}");
    s.ok(&["billing", "exempt", "remove", "nysd", "cjalawyer"], "");
    s.fails(
        &["billing", "exempt", "remove", "nysd", "cjalawyer"],
        "",
        "cjalawyer has no CJA exemption at nysd",
    );
}
