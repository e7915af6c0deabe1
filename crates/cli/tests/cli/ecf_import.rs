//! `ecf import` as a court's staff run it on a legacy system's export:
//! idempotent re-imports, changed rows reported, `--skip-invalid`, a wrong
//! header, refused hashes, bounded input, and legacy hashes re-hashed to
//! Argon2id at their first successful use.

use std::fmt::Write as _;

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use openecf_domain::{CourtId, EcfLogin, Username};
use openecf_store::{Principal, Store};

use crate::Scratch;

const HEADER: &str = "login,name,email,role,bar_id,password_hash";

fn with_court(id: &str, kind: &str) -> Scratch {
    let s = Scratch::new();
    s.ok(&["court", "add", id, "--name", "Test Court", "--kind", kind], "");
    s
}

fn write(s: &Scratch, name: &str, body: &str) -> String {
    let path = s.dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_owned()
}

async fn stored_hash(s: &Scratch, court: &str, login: &str) -> String {
    let store = Store::connect(&s.url()).await.unwrap();
    let (_, hash) = store
        .ecf_by_login(&CourtId::parse(court).unwrap(), &EcfLogin::parse(login).unwrap())
        .await
        .unwrap()
        .unwrap();
    store.close().await;
    hash
}

fn argon2_hash(password: &str, alg: argon2::Algorithm, m: u32, t: u32) -> String {
    argon2::Argon2::new(alg, argon2::Version::V0x13, argon2::Params::new(m, t, 1, None).unwrap())
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
}

fn scrypt_hash(password: &str) -> String {
    use scrypt::password_hash::PasswordHasher as _;
    scrypt::Scrypt
        .hash_password_customized(
            password.as_bytes(),
            None,
            None,
            scrypt::Params::new(13, 8, 1, 32).unwrap(),
            &SaltString::generate(&mut OsRng),
        )
        .unwrap()
        .to_string()
}

fn pbkdf2_hash(password: &str) -> String {
    use pbkdf2::password_hash::PasswordHasher as _;
    pbkdf2::Pbkdf2
        .hash_password_customized(
            password.as_bytes(),
            Some(pbkdf2::Algorithm::Pbkdf2Sha256.ident()),
            None,
            pbkdf2::Params {
                rounds: 10_000,
                output_length: 32,
            },
            &SaltString::generate(&mut OsRng),
        )
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn importing_the_same_file_again_changes_nothing_and_a_changed_row_is_reported() {
    let s = with_court("gamb", "bankruptcy");
    let rows = [
        (
            "anna",
            "Anna A",
            "anna@example.com",
            "attorney",
            "GA-2",
            "Legacy-Pass-2",
        ),
        ("ben", "Ben B", "ben@example.com", "attorney", "", "Legacy-Pass-3"),
        ("carl", "Carl C", "carl@example.com", "trustee", "", "Legacy-Pass-4"),
    ];
    let csv = |rows: &[(&str, &str, &str, &str, &str, &str)]| {
        let mut out = "login,name,email,role,bar_id,password\n".to_owned();
        for r in rows {
            writeln!(out, "{},{},{},{},{},{}", r.0, r.1, r.2, r.3, r.4, r.5).unwrap();
        }
        out
    };
    let file = write(&s, "accounts.csv", &csv(&rows));
    let r = s.run(&["ecf", "import", "gamb", &file], "");
    assert!(r.ok, "{}", r.stderr);
    // Not a terminal: no progress bar.
    assert!(!r.stderr.contains("hashing passwords"), "{}", r.stderr);
    let out = r.stdout;
    assert!(
        out.contains("imported into gamb: 3 new, 0 updated, 0 unchanged"),
        "{out}"
    );
    let ben_hash = stored_hash(&s, "gamb", "ben").await;
    assert!(ben_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ben_hash}");

    let out = s.ok(&["ecf", "import", "gamb", &file], "");
    assert!(
        out.contains("nothing changed at gamb: 0 new, 0 updated, 3 unchanged"),
        "{out}"
    );
    assert_eq!(
        stored_hash(&s, "gamb", "ben").await,
        ben_hash,
        "a re-import leaves the password alone"
    );

    // Ben's email and Carl's role change; Anna's password cell changes.
    let mut changed = rows;
    changed[1].2 = "ben.b@example.com";
    changed[2].3 = "attorney";
    changed[0].5 = "Legacy-Pass-22";
    let file2 = write(&s, "accounts2.csv", &csv(&changed));
    let anna_before = stored_hash(&s, "gamb", "anna").await;
    let out = s.ok(&["ecf", "import", "gamb", &file2], "");
    assert!(
        out.contains("imported into gamb: 0 new, 3 updated, 0 unchanged"),
        "{out}"
    );
    assert!(out.contains("line 3: ben: email"), "{out}");
    assert!(out.contains("line 4: carl: role"), "{out}");
    assert!(out.contains("line 2: anna: password"), "{out}");
    assert!(out.contains("1 existing accounts got the file's new password"), "{out}");
    assert_eq!(
        stored_hash(&s, "gamb", "ben").await,
        ben_hash,
        "only a changed cell sets a password"
    );
    assert_ne!(stored_hash(&s, "gamb", "anna").await, anna_before);
    let store = Store::connect(&s.url()).await.unwrap();
    let gamb = CourtId::parse("gamb").unwrap();
    let (ben, _) = store
        .ecf_by_login(&gamb, &EcfLogin::parse("ben").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ben.email.as_str(), "ben.b@example.com");
    let (carl, _) = store
        .ecf_by_login(&gamb, &EcfLogin::parse("carl").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(carl.role.as_str(), "attorney");
    let out = s.ok(&["ecf", "import", "gamb", &file2], "");
    assert!(
        out.contains("nothing changed at gamb: 0 new, 0 updated, 3 unchanged"),
        "{out}"
    );
}

#[tokio::test]
async fn skip_invalid_imports_the_valid_rows_and_lists_the_rest_by_line() {
    let s = with_court("gamb", "bankruptcy");
    let body = "login,name,email,role,bar_id,password\n\
                anna,Anna A,anna@example.com,attorney,,Legacy-Pass-2\n\
                ben,Ben B,not-an-email,attorney,,Legacy-Pass-3\n\
                carl,Carl C,carl@example.com,attorney,,Legacy-Pass-4\n\
                anna,Anna Again,anna2@example.com,attorney,,Legacy-Pass-5\n\
                dora,Dora D,dora@example.com,attorney\n";
    let file = write(&s, "mixed.csv", body);
    let r = s.run(&["ecf", "import", "gamb", &file], "");
    assert!(!r.ok, "{}", r.stdout);
    assert!(r.stderr.contains("line 3: email: "), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("line 5: the login anna appears twice in the file (first on line 2)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("line 6: 4 fields, expected 6"), "{}", r.stderr);
    assert!(
        r.stderr.contains("3 of 5 rows have errors; nothing was imported"),
        "{}",
        r.stderr
    );
    let store = Store::connect(&s.url()).await.unwrap();
    let gamb = CourtId::parse("gamb").unwrap();
    assert!(
        store.ecf_import_baseline(&gamb).await.unwrap().is_empty(),
        "nothing imported"
    );

    let r = s.run(&["ecf", "import", "gamb", &file, "--skip-invalid"], "");
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("imported into gamb: 2 new, 0 updated, 0 unchanged, 3 skipped"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("line 3: email: "), "{}", r.stderr);
    assert!(r.stderr.contains("line 6: 4 fields, expected 6"), "{}", r.stderr);
    let mut logins: Vec<String> = store
        .ecf_import_baseline(&gamb)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.login)
        .collect();
    logins.sort();
    assert_eq!(logins, ["anna", "carl"]);

    // Every bad line is listed, up to 50, then a count.
    let mut many = String::from("login,name,email,role,bar_id,password\n");
    for i in 0..60 {
        writeln!(many, "bad{i},Bad Row,nope,attorney,,Legacy-Pass-2").unwrap();
    }
    let file = write(&s, "many.csv", &many);
    let r = s.run(&["ecf", "import", "gamb", &file], "");
    assert!(!r.ok);
    assert_eq!(r.stderr.matches("email: ").count(), 50, "{}", r.stderr);
    assert!(r.stderr.contains("line 51: email"), "{}", r.stderr);
    assert!(!r.stderr.contains("line 52: email"), "{}", r.stderr);
    assert!(r.stderr.contains("… and 10 more"), "{}", r.stderr);
    assert!(r.stderr.contains("60 of 60 rows have errors"), "{}", r.stderr);
}

#[test]
fn a_wrong_header_is_named_once_against_the_expected_one() {
    let s = with_court("gamb", "bankruptcy");
    let mut body = String::from("login,name,mail,role,bar_id,password\n");
    for i in 0..20 {
        writeln!(body, "filer{i},Filer,f{i}@example.com,attorney,,Legacy-Pass-2").unwrap();
    }
    let file = write(&s, "header.csv", &body);
    let r = s.run(&["ecf", "import", "gamb", &file], "");
    assert!(!r.ok);
    assert_eq!(r.stderr.matches("wrong header").count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "found `login,name,mail,role,bar_id,password`, expected `login,name,email,role,bar_id,password_hash`"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("no column `mail`"), "{}", r.stderr);
    assert!(!r.stderr.contains("line 2"), "no row is checked: {}", r.stderr);

    // Not a CSV file at all: a binary file is a wrong header, endless bytes a row too long.
    let binary: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let path = s.dir.path().join("binary.csv");
    std::fs::write(&path, &binary).unwrap();
    s.fails(&["ecf", "import", "gamb", path.to_str().unwrap()], "", "wrong header");
    let path = s.dir.path().join("endless.csv");
    let mut long = String::from("login,name,email,role,bar_id,password\nanna,");
    long.push_str(&"a".repeat(3 << 20));
    std::fs::write(&path, long).unwrap();
    s.fails(
        &["ecf", "import", "gamb", path.to_str().unwrap()],
        "",
        "the row after line 1 is longer than 1048576 bytes",
    );
    // Text that is not UTF-8 is a bad row, named by its line.
    let path = s.dir.path().join("latin1.csv");
    let mut bytes =
        b"login,name,email,role,bar_id,password\nanna,Ren\xe9e A,anna@example.com,attorney,,Legacy-Pass-2\n".to_vec();
    bytes.extend_from_slice(b"ben,Ben B,ben@example.com,attorney,,Legacy-Pass-3\n");
    std::fs::write(&path, bytes).unwrap();
    s.fails(
        &["ecf", "import", "gamb", path.to_str().unwrap()],
        "",
        "line 2: not UTF-8 text",
    );
    let empty = write(&s, "empty.csv", "");
    s.fails(&["ecf", "import", "gamb", &empty], "", "the file is empty");
}

#[test]
fn hashes_too_weak_or_too_costly_are_refused_with_the_reason() {
    let s = with_court("gamb", "bankruptcy");
    let weak = argon2_hash("Legacy-Pass-1", argon2::Algorithm::Argon2id, 4096, 3);
    let costly = "$argon2id$v=19$m=524288,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    let passes = "$argon2id$v=19$m=19456,t=12,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    let bcrypt_weak = bcrypt::hash("Legacy-Pass-1", 4).unwrap();
    let ok = argon2_hash("Legacy-Pass-1", argon2::Algorithm::Argon2id, 8192, 2);
    let body = format!(
        "{HEADER}\nanna,Anna A,anna@example.com,attorney,,\"{weak}\"\nben,Ben B,ben@example.com,attorney,,\"{costly}\"\ncarl,Carl C,carl@example.com,attorney,,\"{passes}\"\ndora,Dora D,dora@example.com,attorney,,{bcrypt_weak}\neve,Eve E,eve@example.com,attorney,,\"{ok}\"\nfay,Fay F,fay@example.com,attorney,,$md5$abc\n"
    );
    let file = write(&s, "hashes.csv", &body);
    let r = s.run(&["ecf", "import", "gamb", &file], "");
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("line 2: password_hash: Argon2 parameters too weak (m=4096 KiB is below 8 MiB"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("line 3: password_hash: Argon2 parameters too costly (m=524288, t=2, p=1"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("line 4: password_hash: Argon2 parameters too costly"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("line 5: password_hash: bcrypt cost 4 too weak"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("line 6"), "{}", r.stderr);
    assert!(r.stderr.contains("line 7: password_hash: "), "{}", r.stderr);
    assert!(r.stderr.contains("5 of 6 rows have errors"), "{}", r.stderr);
}

/// A PACER account, and a session for it (the link form holds its verification there).
async fn pacer_with_session(s: &Scratch, store: &Store) -> (openecf_domain::PacerAccount, String) {
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
        "Walnut-Harbor-Lantern-42\n",
    );
    let pacer = store
        .pacer_by_username(&Username::parse_new("jfiler2026").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    let session = "import-test-session".to_owned();
    store
        .create_session(
            &session,
            Principal::Pacer(pacer.id),
            openecf_app::Clock::system().now(),
            "127.0.0.1",
            "test",
        )
        .await
        .unwrap();
    (pacer, session)
}

#[tokio::test]
async fn legacy_hashes_are_rehashed_to_argon2id_at_their_first_link() {
    let s = with_court("gamb", "bankruptcy");
    s.ok(&["court", "go-live", "gamb", "--now"], "");
    let pw = "Legacy-Pass-7";
    // The bcrypt row last: its Submit links, and a PACER account links once per court.
    let rows = [
        ("scfiler", scrypt_hash(pw)),
        ("pbfiler", pbkdf2_hash(pw)),
        ("a2ifiler", argon2_hash(pw, argon2::Algorithm::Argon2i, 8192, 3)),
        ("bcfiler", bcrypt::hash(pw, 8).unwrap()),
    ];
    let mut body = format!("{HEADER}\n");
    for (login, hash) in &rows {
        writeln!(body, "{login},Legacy Filer,{login}@example.com,attorney,,\"{hash}\"").unwrap();
    }
    let file = write(&s, "legacy.csv", &body);
    let out = s.ok(&["ecf", "import", "gamb", &file], "");
    assert!(
        out.contains("imported into gamb: 4 new, 0 updated, 0 unchanged"),
        "{out}"
    );

    let store = Store::connect(&s.url()).await.unwrap();
    let (pacer, session) = pacer_with_session(&s, &store).await;
    let app = openecf_app::App::new(
        store.clone(),
        openecf_app::Hasher::with_threads(1).unwrap(),
        openecf_app::Clock::system(),
        openecf_app::Settings::default(),
    );
    let court = store.court(&CourtId::parse("gamb").unwrap()).await.unwrap().unwrap();
    let who = openecf_app::link::Linker {
        account: &pacer,
        session_hash: &session,
        ip: "127.0.0.1",
    };
    for (login, imported) in &rows {
        assert_eq!(&stored_hash(&s, "gamb", login).await, imported, "stored as exported");
        // A wrong password fails and changes nothing.
        let wrong = openecf_app::link::verify_credentials(&app, &court, who, login, "Legacy-Pass-8")
            .await
            .unwrap();
        assert_eq!(
            wrong.unwrap_err(),
            openecf_domain::LinkRefusal::WrongCredentials,
            "{login}"
        );
        assert_eq!(&stored_hash(&s, "gamb", login).await, imported, "{login}");
        // The right one verifies against the legacy hash, which becomes our Argon2id.
        let held = openecf_app::link::verify_credentials(&app, &court, who, login, pw)
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{login}: {e}"));
        let now = stored_hash(&s, "gamb", login).await;
        assert!(now.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{login}: {now}");
        // Once Argon2id, the password still verifies, and a wrong one still fails.
        assert!(app
            .hasher
            .verify(Some(&now), &openecf_domain::Password::attempt(pw).unwrap())
            .await
            .unwrap());
        assert!(!app
            .hasher
            .verify(Some(&now), &openecf_domain::Password::attempt("Legacy-Pass-8").unwrap())
            .await
            .unwrap());
        if *login == "bcfiler" {
            // Submit links it.
            let done = openecf_app::link::decide(&app, &court, who, &held.pending, true)
                .await
                .unwrap();
            assert!(matches!(done, openecf_app::link::Decision::Linked(_)), "{done:?}");
        } else {
            openecf_app::link::decide(&app, &court, who, &held.pending, false)
                .await
                .unwrap();
        }
    }
    assert_eq!(
        store.linked_login(&court.id, pacer.id).await.unwrap().as_deref(),
        Some("bcfiler")
    );
    // Importing the exported file again leaves the re-hashed passwords alone.
    let rehashed = stored_hash(&s, "gamb", "bcfiler").await;
    let out = s.ok(&["ecf", "import", "gamb", &file], "");
    assert!(
        out.contains("nothing changed at gamb: 0 new, 0 updated, 4 unchanged"),
        "{out}"
    );
    assert_eq!(stored_hash(&s, "gamb", "bcfiler").await, rehashed);
}

#[tokio::test]
async fn the_legacy_login_at_a_court_not_yet_live_rehashes_too() {
    let s = with_court("cand", "district");
    let pw = "Legacy-Pass-7";
    let hash = bcrypt::hash(pw, 8).unwrap().replacen("$2b$", "$2y$", 1);
    let file = write(
        &s,
        "y.csv",
        &format!("{HEADER}\nyfiler,Y Filer,y@example.com,attorney,,{hash}\n"),
    );
    s.ok(&["ecf", "import", "cand", &file], "");
    let store = Store::connect(&s.url()).await.unwrap();
    let app = openecf_app::App::new(
        store.clone(),
        openecf_app::Hasher::with_threads(1).unwrap(),
        openecf_app::Clock::system(),
        openecf_app::Settings::default(),
    );
    let court = store.court(&CourtId::parse("cand").unwrap()).await.unwrap().unwrap();
    assert!(!court.is_live());
    let wrong = openecf_app::signin::ecf_password(&app, &court, "yfiler", "Legacy-Pass-8", None)
        .await
        .unwrap();
    assert!(wrong.is_none());
    assert_eq!(stored_hash(&s, "cand", "yfiler").await, hash);
    let unknown = openecf_app::signin::ecf_password(&app, &court, "nobody", pw, None)
        .await
        .unwrap();
    assert!(unknown.is_none());
    let ok = openecf_app::signin::ecf_password(&app, &court, "yfiler", pw, None)
        .await
        .unwrap();
    assert_eq!(ok.unwrap().login.as_str(), "yfiler");
    assert!(stored_hash(&s, "cand", "yfiler")
        .await
        .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}
