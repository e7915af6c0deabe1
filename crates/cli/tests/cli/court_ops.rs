//! `court go-live` in the court's time zone, `court set --time-zone`, and
//! the notices they queue, as court staff run them.

use crate::Scratch;
use openecf_store::Store;

/// Runs the job queue once, as a running server's worker would (mail to .eml files).
pub async fn run_jobs(store: &Store) {
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let app = openecf_app::App::new(
        store.clone(),
        openecf_app::Hasher::with_threads(1).unwrap(),
        openecf_app::Clock::system(),
        openecf_app::Settings {
            public_url: "https://ecf.example.gov".into(),
            ..openecf_app::Settings::default()
        },
    );
    let transport = openecf_app::mailer::Transport::from_settings(None, dir.path().to_path_buf()).unwrap();
    let mailer = openecf_app::mailer::Mailer::new(store.clone(), transport, "noreply@example.com").unwrap();
    openecf_app::jobs::Worker::new(app, mailer).run_due().await.unwrap();
}

fn court_with_holders() -> Scratch {
    let s = Scratch::new();
    s.ok(
        &["court", "add", "ilnd", "--name", "N.D. Illinois", "--kind", "district"],
        "",
    );
    for (login, email) in [
        ("alice", "alice@example.com"),
        ("alice2", "ALICE@example.com"),
        ("bobby", "bobby@example.com"),
    ] {
        s.ok(
            &[
                "ecf",
                "add",
                "ilnd",
                login,
                "--name",
                "A Filer",
                "--email",
                email,
                "--role",
                "attorney",
                "--password-stdin",
            ],
            "Legacy-Pass-1\n",
        );
    }
    s
}

#[tokio::test]
async fn a_go_live_date_is_in_the_courts_zone_and_its_notice_goes_once() {
    let s = court_with_holders();
    let set = s.ok(&["court", "set", "ilnd", "--time-zone", "America/Chicago"], "");
    assert!(set.contains("court ilnd: time zone America/Chicago"), "{set}");
    let out = s.ok(&["court", "go-live", "ilnd", "--on", "2031-03-03"], "");
    assert!(
        out.contains("goes live on NextGen CM/ECF on 2031-03-03 at midnight America/Chicago (2031-03-03 06:00 UTC)"),
        "{out}"
    );
    assert!(out.contains("queued to 2 CM/ECF account holder addresses"), "{out}");
    assert!(out.contains("a reminder follows on 2031-02-24 06:00 UTC"), "{out}");
    // The same date again: nothing new.
    let again = s.ok(&["court", "go-live", "ilnd", "--on", "2031-03-03"], "");
    assert!(
        again.contains("the date is unchanged: no notice is sent again"),
        "{again}"
    );
    let store = Store::connect(&s.url()).await.unwrap();
    run_jobs(&store).await;
    s.ok(&["court", "go-live", "ilnd", "--on", "2031-03-03"], "");
    run_jobs(&store).await;
    let mail = store.outbox().await.unwrap();
    let mut to: Vec<_> = mail.iter().map(|m| m.to_addr.to_ascii_lowercase()).collect();
    to.sort();
    assert_eq!(to, ["alice@example.com", "bobby@example.com"], "one per address, once");
    assert!(mail
        .iter()
        .all(|m| m.subject == "N.D. Illinois will go live on NextGen CM/ECF on Monday, March 3, 2031"));
    assert!(
        mail.iter().all(|m| m.body.contains("12:00 a.m. CST (America/Chicago)")),
        "{mail:?}"
    );

    // A new date: "date changed", once.
    let moved = s.ok(&["court", "go-live", "ilnd", "--on", "2031-03-10"], "");
    assert!(moved.contains("notice of the changed date queued to 2"), "{moved}");
    run_jobs(&store).await;
    run_jobs(&store).await;
    let changed: Vec<_> = store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.starts_with("Date changed"))
        .collect();
    assert_eq!(changed.len(), 2);
    let list = s.ok(&["court", "list"], "");
    assert!(
        list.lines()
            .any(|l| l.starts_with("ilnd") && l.contains("goes live 2031-03-10") && l.contains("America/Chicago")),
        "{list}"
    );
    store.close().await;
}

#[tokio::test]
async fn bad_zones_dates_and_courts_are_refused_and_change_nothing() {
    let s = court_with_holders();
    s.fails(
        &["court", "set", "ilnd", "--time-zone", "Mars/Olympus"],
        "",
        "--time-zone: unknown time zone \"Mars/Olympus\"",
    );
    s.fails(
        &["court", "set", "zzzz", "--time-zone", "America/Chicago"],
        "",
        "unknown court zzzz",
    );
    s.fails(&["court", "set", "ilnd"], "", "nothing to set");
    s.fails(
        &["court", "go-live", "ilnd", "--on", "2031-02-30"],
        "",
        "is not a date like 2027-03-01",
    );
    s.fails(
        &["court", "go-live", "zzzz", "--on", "2031-03-01"],
        "",
        "unknown court zzzz",
    );
    let store = Store::connect(&s.url()).await.unwrap();
    store
        .add_courts(&[openecf_store::NewCourt {
            id: openecf_domain::CourtId::parse("ca7").unwrap(),
            kind: openecf_domain::CourtKind::Appellate,
            name: "United States Court of Appeals for the Seventh Circuit".into(),
            location: "Illinois".into(),
            doc_id_prefix: "007".into(),
            release: openecf_domain::Release::V1_0,
        }])
        .await
        .unwrap();
    s.fails(
        &["court", "go-live", "ca7", "--on", "2031-03-01"],
        "",
        "court ca7 is an appellate court",
    );
    let list = s.ok(&["court", "list"], "");
    assert!(
        list.lines()
            .any(|l| l.starts_with("ilnd") && l.contains("not live") && l.contains("America/New_York")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("ca7") && l.contains("n/a (appellate court)")),
        "{list}"
    );
    assert!(store.jobs().await.unwrap().is_empty(), "nothing queued");
    assert!(store.outbox().await.unwrap().is_empty());
    store.close().await;
}

#[tokio::test]
async fn going_live_now_queues_the_now_live_notice_with_the_link() {
    let s = court_with_holders();
    let out = s.ok(&["court", "go-live", "ilnd", "--now"], "");
    assert!(out.contains("court ilnd is live on NextGen CM/ECF since"), "{out}");
    assert!(
        out.contains("notice of \"now live: link your account\" queued to 2"),
        "{out}"
    );
    let store = Store::connect(&s.url()).await.unwrap();
    run_jobs(&store).await;
    let mail = store.outbox().await.unwrap();
    assert_eq!(mail.len(), 2);
    for m in &mail {
        assert!(m.subject.contains("is now live on NextGen CM/ECF"), "{}", m.subject);
        assert!(m.body.contains("https://ecf.example.gov/ecf/ilnd/link"), "{}", m.body);
    }
    s.fails(&["court", "go-live", "ilnd", "--now"], "", "already live");
    store.close().await;
}

#[tokio::test]
async fn the_demo_seeds_the_refreshed_federal_court_registry() {
    let s = Scratch::new();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openecf"));
    cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", s.url())
        .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
        .env("OPENECF_LOG", "warn");
    let (server, _) = crate::browser::start_and_read(cmd, "openecf listening on");
    drop(server);
    let store = Store::connect(&s.url()).await.unwrap();
    let courts = store.courts().await.unwrap();
    assert_eq!(courts.len(), 204);
    let count = |kind: openecf_domain::CourtKind| courts.iter().filter(|c| c.kind == kind).count();
    use openecf_domain::CourtKind::*;
    assert_eq!(
        (count(District), count(Bankruptcy), count(Appellate), count(Special)),
        (94, 94, 13, 3)
    );
    let court = |id: &str| courts.iter().find(|c| c.id.as_str() == id).unwrap();
    assert_eq!(court("neb").kind, Bankruptcy);
    assert_eq!(court("neb").name, "United States Bankruptcy Court, D. Nebraska");
    assert_eq!(court("wvnb").kind, Bankruptcy);
    assert_eq!(court("wvnb").name, "United States Bankruptcy Court, N.D. West Virginia");
    assert_eq!(court("nysd").name, "United States District Court, S.D. New York");
    assert_eq!(
        court("ca2").name,
        "United States Court of Appeals for the Second Circuit"
    );
    for c in &courts {
        let ok = match c.kind {
            District => c.name.starts_with("United States District Court, "),
            Bankruptcy => c.name.starts_with("United States Bankruptcy Court, "),
            Appellate => c.name.starts_with("United States Court of Appeals for the ") && c.name.ends_with(" Circuit"),
            Special => c.name.starts_with("United States "),
        };
        assert!(
            ok,
            "{} ({}) is not named in the registry's style: {}",
            c.id,
            c.kind.as_str(),
            c.name
        );
        assert!(!c.location.is_empty(), "{} has no state", c.id);
    }
    // Each court keeps its state's time zone.
    let zone = |id: &str| {
        let store = store.clone();
        let id = openecf_domain::CourtId::parse(id).unwrap();
        async move { store.court_status(&id).await.unwrap().unwrap().zone.name() }
    };
    assert_eq!(zone("cand").await, "America/Los_Angeles");
    assert_eq!(zone("ilnd").await, "America/Chicago");
    assert_eq!(zone("gud").await, "Pacific/Guam");
    assert_eq!(zone("nysd").await, "America/New_York");
    store.close().await;
}
