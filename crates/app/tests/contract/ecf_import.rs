//! `ecf import` on both engines: the store's bulk insert and update (all or
//! nothing, across statement chunks), the baseline an import compares with,
//! the compare-and-swap re-hash, and the use case's idempotent re-import.

use super::{add_court, add_ecf, app, court_id, now};
use openecf_app::ecf_import::{self, ImportError, Options, Quiet};
use openecf_app::App;
use openecf_domain::*;
use openecf_store::*;

mod plain {
    use super::*;

    contract!(
        imported_accounts_are_inserted_and_updated_all_or_nothing,
        a_rehash_replaces_only_the_hash_it_verified,
        an_import_is_idempotent_and_reports_what_changed,
    );
}

fn row(login: &str, name: &str, hash: Option<&str>) -> ImportedEcf {
    ImportedEcf {
        login: EcfLogin::parse(login).unwrap(),
        name: PersonName::parse(name).unwrap(),
        email: Email::parse(&format!("{login}@example.com")).unwrap(),
        role: Role::parse("attorney").unwrap(),
        bar_id: None,
        password_hash: hash.map(str::to_owned),
        fingerprint: format!("fp-{login}-{}", hash.unwrap_or("kept")),
    }
}

async fn hash_of(app: &App, login: &str) -> Option<String> {
    app.store
        .ecf_by_login(&court_id("gamb"), &EcfLogin::parse(login).unwrap())
        .await
        .unwrap()
        .map(|(_, h)| h)
}

async fn imported_accounts_are_inserted_and_updated_all_or_nothing(app: &App) {
    let store = &app.store;
    let gamb = court_id("gamb");
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    add_ecf(app, "gamb", "byhand").await;
    // More rows than one statement carries on either engine.
    let many: Vec<ImportedEcf> = (0..1_203)
        .map(|i| row(&format!("filer{i:04}"), "Pat Filer", Some("$2b$10$h")))
        .collect();
    store.import_ecf(&gamb, &many, &[], now()).await.unwrap();
    let baseline = store.ecf_import_baseline(&gamb).await.unwrap();
    assert_eq!(baseline.len(), 1_204);
    let hand = baseline.iter().find(|b| b.login == "byhand").unwrap();
    assert_eq!(
        hand.import_fingerprint, None,
        "an account added by hand has no fingerprint"
    );
    let f7 = baseline.iter().find(|b| b.login == "filer0007").unwrap();
    assert_eq!(f7.import_fingerprint.as_deref(), Some("fp-filer0007-$2b$10$h"));
    assert_eq!(f7.email, "filer0007@example.com");

    // A changed row with no hash keeps the password; with one, sets it.
    store
        .import_ecf(&gamb, &[], &[row("filer0007", "Pat Q Filer", None)], now())
        .await
        .unwrap();
    let (acct, hash) = store
        .ecf_by_login(&gamb, &EcfLogin::parse("filer0007").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((acct.name.as_str(), hash.as_str()), ("Pat Q Filer", "$2b$10$h"));
    store
        .import_ecf(
            &gamb,
            &[],
            &[row("filer0007", "Pat Q Filer", Some("$2b$10$new"))],
            now(),
        )
        .await
        .unwrap();
    assert_eq!(hash_of(app, "filer0007").await.as_deref(), Some("$2b$10$new"));

    // Many changed rows at once (more than one statement), some with a new hash.
    let changed: Vec<ImportedEcf> = (100..700)
        .map(|i| {
            let hash = (i % 2 == 0).then_some("$2b$10$even");
            row(&format!("filer{i:04}"), "Renamed Filer", hash)
        })
        .collect();
    store.import_ecf(&gamb, &[], &changed, now()).await.unwrap();
    assert_eq!(hash_of(app, "filer0100").await.as_deref(), Some("$2b$10$even"));
    assert_eq!(hash_of(app, "filer0699").await.as_deref(), Some("$2b$10$h"));
    let baseline = store.ecf_import_baseline(&gamb).await.unwrap();
    let renamed = baseline.iter().filter(|b| b.name == "Renamed Filer").count();
    assert_eq!(renamed, 600);
    let f699 = baseline.iter().find(|b| b.login == "filer0699").unwrap();
    assert_eq!(f699.import_fingerprint.as_deref(), Some("fp-filer0699-kept"));

    // A login taken (in the last chunk) writes nothing, not even the earlier chunks.
    let mut clash: Vec<ImportedEcf> = (0..1_100)
        .map(|i| row(&format!("late{i:04}"), "Late Filer", Some("$2b$10$h")))
        .collect();
    clash.push(row("byhand", "Someone Else", Some("$2b$10$h")));
    let r = store
        .import_ecf(&gamb, &clash, &[row("filer0001", "Changed Name", None)], now())
        .await;
    assert!(
        matches!(&r, Err(StoreError::EcfLoginTaken { login, .. }) if login.as_str() == "byhand"),
        "{r:?}"
    );
    assert_eq!(hash_of(app, "late0000").await, None);
    assert_eq!(store.ecf_import_baseline(&gamb).await.unwrap().len(), 1_204);
    // A changed row whose login is gone writes nothing either.
    let r = store
        .import_ecf(
            &gamb,
            &[row("newone", "New One", Some("$2b$10$h"))],
            &[row("ghost", "No One", None)],
            now(),
        )
        .await;
    assert!(r.is_err());
    assert_eq!(hash_of(app, "newone").await, None);
    // An unknown court.
    let r = store
        .import_ecf(&court_id("zzzz"), &[row("x1", "X", Some("h"))], &[], now())
        .await;
    assert!(matches!(r, Err(StoreError::NotFound(Missing::Court(_)))), "{r:?}");
    // A new row must carry its hash.
    let r = store.import_ecf(&gamb, &[row("nohash", "N", None)], &[], now()).await;
    assert!(r.is_err());
    assert_eq!(hash_of(app, "nohash").await, None);
}

async fn a_rehash_replaces_only_the_hash_it_verified(app: &App) {
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    let ecf = add_ecf(app, "gamb", "jfiler").await;
    let old = hash_of(app, "jfiler").await.unwrap();
    assert!(app
        .store
        .rehash_ecf_password(ecf.id, &old, "$argon2id$new")
        .await
        .unwrap());
    assert_eq!(hash_of(app, "jfiler").await.as_deref(), Some("$argon2id$new"));
    // The hash changed meanwhile: the newer one stays.
    assert!(!app
        .store
        .rehash_ecf_password(ecf.id, &old, "$argon2id$other")
        .await
        .unwrap());
    assert_eq!(hash_of(app, "jfiler").await.as_deref(), Some("$argon2id$new"));
}

async fn an_import_is_idempotent_and_reports_what_changed(app: &App) {
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    let gamb = court_id("gamb");
    let file = "login,name,email,role,bar_id,password\n\
                anna,Anna A,anna@example.com,attorney,GA-1,Legacy-Pass-2\n\
                ben,Ben B,ben@example.com,attorney,,Legacy-Pass-3\n";
    let first = ecf_import::import(app, &gamb, file.as_bytes(), &Options::default(), &Quiet)
        .await
        .unwrap();
    assert_eq!((first.new, first.updated, first.unchanged, first.hashed), (2, 0, 0, 2));
    let anna = hash_of(app, "anna").await.unwrap();
    assert!(anna.starts_with("$argon2id$"), "{anna}");
    let again = ecf_import::import(app, &gamb, file.as_bytes(), &Options::default(), &Quiet)
        .await
        .unwrap();
    assert_eq!((again.new, again.updated, again.unchanged, again.hashed), (0, 0, 2, 0));
    assert_eq!(hash_of(app, "anna").await.unwrap(), anna);
    let changed = file.replace("GA-1", "GA-9");
    let third = ecf_import::import(app, &gamb, changed.as_bytes(), &Options::default(), &Quiet)
        .await
        .unwrap();
    assert_eq!((third.new, third.updated, third.unchanged), (0, 1, 1));
    assert_eq!(third.changes.lines, ["line 2: anna: bar id"]);
    assert_eq!(hash_of(app, "anna").await.unwrap(), anna);
    // Limits: too many rows, or a row too long, refuse the file.
    let small = Options {
        max_rows: 1,
        ..Options::default()
    };
    let r = ecf_import::import(app, &gamb, file.as_bytes(), &small, &Quiet).await;
    assert!(matches!(r, Err(ImportError::TooManyRows(1))), "{r:?}");
    let short = Options {
        max_record_bytes: 16,
        ..Options::default()
    };
    let long = format!("{}\n{}", &file[..file.len() - 1], "x".repeat(100_000));
    let r = ecf_import::import(app, &gamb, long.as_bytes(), &short, &Quiet).await;
    assert!(matches!(r, Err(ImportError::TooLong { .. })), "{r:?}");
}
