//! Court operations: go-live notices through the job queue (once per
//! address, however often a date is set, however many nodes run), court time
//! zones, and the store functions behind `/courts` and the link center.

use super::{add_court, add_ecf, add_pacer, app, go_live, is_store, new_ecf, now, worker};
use openecf_app::App;
use openecf_domain::*;
use openecf_store::*;

/// Like `contract!`, but the test also gets the database (to open a second
/// node on it).
macro_rules! contract_db {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let db = openecf_store::testkit::TestDb::sqlite().await.unwrap();
                super::$name(&super::app(&db.store), &db.url).await;
                db.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let Some(db) = openecf_store::testkit::TestDb::postgres().await else { return };
                super::$name(&super::app(&db.store), &db.url).await;
                db.finish().await;
            })*
        }
    };
}

mod plain {
    use super::*;

    contract!(
        go_live_notices_go_once_per_address_however_often_the_date_is_set,
        a_time_zone_moves_the_switch_and_bad_input_changes_nothing,
        a_switch_claimed_before_the_courts_midnight_waits_for_it,
        the_link_center_lists_courts_live_or_planned_with_the_filers_links,
        court_statuses_carry_the_time_zone_and_notices_are_recorded_once,
    );
}

mod nodes {
    use super::*;

    contract_db!(two_nodes_running_the_same_notices_send_each_once);
}

fn court_id(id: &str) -> CourtId {
    CourtId::parse(id).unwrap()
}

async fn add_ecf_at(app: &App, court: &str, login: &str, email: &str, bar: Option<&str>) -> EcfAccount {
    let account = NewEcfAccount {
        email: Email::parse(email).unwrap(),
        bar_id: bar.map(|b| BarId::parse(b).unwrap()),
        ..new_ecf(court, login)
    };
    let id = app.store.add_ecf_account(&account, now()).await.unwrap();
    app.store.ecf_by_id(id).await.unwrap().unwrap()
}

async fn run_jobs(app: &App) {
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    worker(app, dir.path()).run_due().await.unwrap();
}

/// (address, subject) of every mail whose subject has `words`, sorted.
async fn mails(app: &App, words: &str) -> Vec<(String, String)> {
    let mut found: Vec<_> = app
        .store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains(words))
        .map(|m| (m.to_addr, m.subject))
        .collect();
    found.sort();
    found
}

fn advance_to(app: &App, at: chrono::DateTime<chrono::Utc>) {
    let by = (at - app.clock.now()).to_std().unwrap();
    app.clock.advance(by);
}

async fn go_live_notices_go_once_per_address_however_often_the_date_is_set(app: &App) {
    add_court(app, "nysd", CourtKind::District).await;
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    // Two logins under one address (in two spellings), and one of their own.
    add_ecf_at(app, "nysd", "alice", "alice@example.com", None).await;
    add_ecf_at(app, "nysd", "alice2", "Alice@Example.com", None).await;
    add_ecf_at(app, "nysd", "bob", "bob@example.com", None).await;
    add_ecf_at(app, "gamb", "carol", "carol@example.com", None).await;
    let zone = CourtZone::default();
    let day = (now() + chrono::Duration::days(30)).date_naive();

    let first = go_live(app, "nysd", GoLive::On(day)).await.unwrap();
    assert_eq!(first.notice, Some(NoticeKind::Scheduled));
    assert_eq!(first.addresses, 2, "one notice per distinct address");
    assert_eq!(first.at, zone.start_of(day));
    // Set again, the same day: nothing new is queued or sent.
    let again = go_live(app, "nysd", GoLive::On(day)).await.unwrap();
    assert_eq!(again.notice, None);
    // Setting it again also re-arms a switch that was lost (and still sends nothing).
    let mut tx = app.store.write().await.unwrap();
    assert!(tx.cancel_job("court.go_live:nysd").await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(go_live(app, "nysd", GoLive::On(day)).await.unwrap().notice, None);
    let switches: Vec<_> = app
        .store
        .jobs()
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == COURT_GO_LIVE)
        .map(|j| j.run_at)
        .collect();
    assert_eq!(switches, [zone.start_of(day)]);
    run_jobs(app).await;
    go_live(app, "nysd", GoLive::On(day)).await.unwrap();
    run_jobs(app).await;
    let told = mails(app, "will go live on NextGen CM/ECF").await;
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(told[0].0, "alice@example.com");
    assert_eq!(told[1].0, "bob@example.com");
    let alice = app
        .store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.to_addr == "alice@example.com")
        .unwrap();
    assert!(
        alice.body.contains("your CM/ECF accounts alice, alice2"),
        "{}",
        alice.body
    );
    assert!(
        mails(app, "Court gamb").await.is_empty(),
        "another court's holders hear nothing"
    );

    // A new date: "date changed", once, however often it is set.
    let moved = day + chrono::Days::new(7);
    let change = go_live(app, "nysd", GoLive::On(moved)).await.unwrap();
    assert_eq!(change.notice, Some(NoticeKind::DateChanged));
    go_live(app, "nysd", GoLive::On(moved)).await.unwrap();
    run_jobs(app).await;
    go_live(app, "nysd", GoLive::On(moved)).await.unwrap();
    run_jobs(app).await;
    let changed = mails(app, "Date changed").await;
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(
        changed[0].1.contains(&moved.format("%B %-d, %Y").to_string()),
        "{changed:?}"
    );

    // A week before the (new) day, at the court's midnight: one reminder each.
    let remind_at = zone.start_of(moved - chrono::Days::new(7));
    assert_eq!(change.reminder_at, Some(remind_at));
    advance_to(app, remind_at - chrono::Duration::seconds(60));
    run_jobs(app).await;
    assert!(mails(app, "Reminder").await.is_empty(), "not before its time");
    advance_to(app, remind_at + chrono::Duration::seconds(1));
    run_jobs(app).await;
    run_jobs(app).await;
    assert_eq!(mails(app, "Reminder").await.len(), 2);

    // The day, at the court's midnight: live, and "now live" with the steps.
    advance_to(app, zone.start_of(moved) - chrono::Duration::seconds(60));
    run_jobs(app).await;
    assert!(!app.store.court(&court_id("nysd")).await.unwrap().unwrap().is_live());
    advance_to(app, zone.start_of(moved) + chrono::Duration::seconds(1));
    run_jobs(app).await;
    let court = app.store.court(&court_id("nysd")).await.unwrap().unwrap();
    assert_eq!(
        court.status,
        NextGenStatus::Live {
            since: zone.start_of(moved)
        }
    );
    let live = mails(app, "is now live").await;
    assert_eq!(live.len(), 2, "{live:?}");
    let bob_live = app
        .store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.to_addr == "bob@example.com" && m.subject.contains("is now live"))
        .unwrap();
    assert!(
        bob_live.body.contains("http://127.0.0.1:8080/ecf/nysd/link"),
        "{}",
        bob_live.body
    );
    assert!(
        bob_live.body.contains("STEP 4 Enter your current CM/ECF credentials"),
        "{}",
        bob_live.body
    );

    // Sending any of them again sends nothing.
    let again = NoticeJob {
        court: court_id("nysd"),
        kind: NoticeKind::NowLive,
        day: moved,
        change: 1,
    };
    assert_eq!(openecf_app::go_live::send_go_live_notice(app, &again).await.unwrap(), 0);
    let recorded = app.store.go_live_notices(&court_id("nysd")).await.unwrap();
    let kinds: Vec<_> = recorded.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(recorded.len(), 8, "{kinds:?}");
    assert_eq!(app.store.outbox().await.unwrap().len(), 8);
    assert!(app
        .store
        .jobs()
        .await
        .unwrap()
        .iter()
        .all(|j| j.kind == MAIL_DELIVER || j.kind == PURGE));
}

async fn two_nodes_running_the_same_notices_send_each_once(app: &App, url: &str) {
    // A second node: its own connection pool on the same database.
    let other_store = Store::connect(url).await.unwrap();
    let other = app_on(&other_store, app);
    add_court(app, "nysd", CourtKind::District).await;
    for login in ["alice", "bob", "carol"] {
        add_ecf_at(app, "nysd", login, &format!("{login}@example.com"), None).await;
    }
    let day = (now() + chrono::Duration::days(30)).date_naive();
    go_live(app, "nysd", GoLive::On(day)).await.unwrap();
    // Both nodes' job runners at once.
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let (a, b) = (worker(app, dir.path()), worker(&other, dir.path()));
    let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
    ra.unwrap();
    rb.unwrap();
    assert_eq!(mails(app, "will go live").await.len(), 3);

    // The same notice run by both nodes at the same moment (a job whose lease
    // ran out while its first runner was still at it): once per address.
    let moved = day + chrono::Days::new(3);
    go_live(app, "nysd", GoLive::On(moved)).await.unwrap();
    let notice = NoticeJob {
        court: court_id("nysd"),
        kind: NoticeKind::DateChanged,
        day: moved,
        change: 1,
    };
    let (sa, sb) = tokio::join!(
        openecf_app::go_live::send_go_live_notice(app, &notice),
        openecf_app::go_live::send_go_live_notice(&other, &notice)
    );
    assert_eq!(sa.unwrap() + sb.unwrap(), 3, "three addresses, each written once");
    // And the queued job for it, run on both nodes, adds nothing.
    let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
    ra.unwrap();
    rb.unwrap();
    let changed = mails(app, "Date changed").await;
    assert_eq!(changed.len(), 3, "{changed:?}");
    let addrs: Vec<_> = changed.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(addrs, ["alice@example.com", "bob@example.com", "carol@example.com"]);
    other_store.close().await;
}

/// An app over another store with the same clock and settings (another node).
fn app_on(store: &Store, like: &App) -> App {
    let mut other = app(store);
    other.clock = like.clock.clone();
    other
}

async fn a_time_zone_moves_the_switch_and_bad_input_changes_nothing(app: &App) {
    add_court(app, "cand", CourtKind::District).await;
    add_court(app, "ca9", CourtKind::Appellate).await;
    add_ecf(app, "cand", "alice").await;
    let day = (now() + chrono::Duration::days(30)).date_naive();
    go_live(app, "cand", GoLive::On(day)).await.unwrap();
    let la = CourtZone::parse("America/Los_Angeles").unwrap();
    openecf_app::courts::set_time_zone(app, &court_id("cand"), la)
        .await
        .unwrap();
    let status = app.store.court_status(&court_id("cand")).await.unwrap().unwrap();
    assert_eq!(status.zone, la);
    assert_eq!(status.court.status, NextGenStatus::NotLive { planned: Some(day) });
    let jobs = app.store.jobs().await.unwrap();
    let switch = jobs.iter().find(|j| j.kind == COURT_GO_LIVE).unwrap();
    assert_eq!(
        switch.run_at,
        la.start_of(day),
        "the switch moved to midnight in Los Angeles"
    );
    let reminder = jobs.iter().find(|j| j.payload.contains("|reminder|")).unwrap();
    assert_eq!(reminder.run_at, la.start_of(day - chrono::Days::new(7)));

    // An unknown court: an error, nothing written.
    let missing = openecf_app::courts::set_time_zone(app, &court_id("zzzz"), la).await;
    assert!(
        is_store(&missing, |e| matches!(e, StoreError::NotFound(Missing::Court(_)))),
        "{missing:?}"
    );
    // An appellate court has no NextGen go-live here.
    let before = app.store.jobs().await.unwrap().len();
    let appellate = go_live(app, "ca9", GoLive::On(day)).await;
    assert!(
        is_store(&appellate, |e| matches!(
            e,
            StoreError::GoLive(GoLiveRefusal::NotLinkingCourt { .. })
        )),
        "{appellate:?}"
    );
    assert_eq!(app.store.jobs().await.unwrap().len(), before);
    let ca9 = app.store.court(&court_id("ca9")).await.unwrap().unwrap();
    assert_eq!(ca9.status, NextGenStatus::NotLive { planned: None });
}

async fn the_link_center_lists_courts_live_or_planned_with_the_filers_links(app: &App) {
    for (id, kind) in [
        ("gamb", CourtKind::Bankruptcy),
        ("nysd", CourtKind::District),
        ("cand", CourtKind::District),
        ("ohnd", CourtKind::District),
        ("ca1", CourtKind::Appellate),
    ] {
        add_court(app, id, kind).await;
    }
    go_live(app, "gamb", GoLive::Now).await.unwrap();
    go_live(app, "nysd", GoLive::Now).await.unwrap();
    let planned = (now() + chrono::Duration::days(40)).date_naive();
    go_live(app, "cand", GoLive::On(planned)).await.unwrap();
    let pacer = add_pacer(app, "jdoe2026", AccountKind::Individual).await;
    let other = add_pacer(app, "rroe2026", AccountKind::Individual).await;
    // Linked at gamb (bar id GA-1).
    let gamb = add_ecf_at(app, "gamb", "jdoe", "old@firm.example.com", Some("GA-1")).await;
    let mut tx = app.store.write().await.unwrap();
    tx.insert_link(&court_id("gamb"), gamb.id, pacer.id, now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    // At nysd, one with that bar id and another address; one with the PACER
    // account's address in other capitals; one of someone else (linked to them).
    add_ecf_at(app, "nysd", "jdoe-ny", "jd@other.example.com", Some("GA-1")).await;
    add_ecf_at(app, "nysd", "jdoe-ny2", "JDOE2026@example.com", None).await;
    let theirs = add_ecf_at(app, "nysd", "jdoe-ny3", "jdoe2026@example.com", None).await;
    let mut tx = app.store.write().await.unwrap();
    tx.insert_link(&court_id("nysd"), theirs.id, other.id, now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    add_ecf_at(app, "cand", "jdoe-ca", "jdoe2026@example.com", None).await;
    add_ecf_at(app, "ohnd", "jdoe-oh", "jdoe2026@example.com", None).await;

    // Until the account's address is confirmed, a match by email shows no login.
    let unconfirmed = app.store.link_center(pacer.id, &pacer.email).await.unwrap();
    let cand_before = unconfirmed.iter().find(|r| r.court.id.as_str() == "cand").unwrap();
    assert_eq!(cand_before.unlinked_matches, [""]);
    let mut tx = app.store.write().await.unwrap();
    tx.set_email_verified(pacer.id, now()).await.unwrap();
    tx.commit().await.unwrap();
    let rows = app.store.link_center(pacer.id, &pacer.email).await.unwrap();
    let ids: Vec<_> = rows.iter().map(|r| r.court.id.as_str()).collect();
    assert_eq!(ids, ["cand", "gamb", "nysd"], "live or dated courts only, by name");
    let (cand, gamb, nysd) = (&rows[0], &rows[1], &rows[2]);
    assert_eq!(cand.court.status, NextGenStatus::NotLive { planned: Some(planned) });
    assert_eq!(cand.linked, None);
    assert_eq!(cand.unlinked_matches, ["jdoe-ca"]);
    assert_eq!(gamb.linked, Some(("jdoe".to_owned(), now())));
    assert!(gamb.unlinked_matches.is_empty());
    assert_eq!(nysd.linked, None);
    assert_eq!(
        nysd.unlinked_matches,
        ["jdoe-ny", "jdoe-ny2"],
        "by bar id and by address; not another's linked one"
    );
    assert_eq!(cand.zone, CourtZone::default());

    // Someone with nothing anywhere sees the courts, with nothing linked.
    let nobody = add_pacer(app, "nobody2026", AccountKind::Individual).await;
    let rows = app.store.link_center(nobody.id, &nobody.email).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.linked.is_none() && r.unlinked_matches.is_empty()));
}

async fn court_statuses_carry_the_time_zone_and_notices_are_recorded_once(app: &App) {
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    add_court(app, "gud", CourtKind::District).await;
    let guam = CourtZone::parse("Pacific/Guam").unwrap();
    openecf_app::courts::set_time_zone(app, &court_id("gud"), guam)
        .await
        .unwrap();
    let all = app.store.court_statuses().await.unwrap();
    let zones: Vec<_> = all.iter().map(|s| (s.court.id.as_str(), s.zone.name())).collect();
    assert_eq!(zones, [("gamb", "America/New_York"), ("gud", "Pacific/Guam")]);
    assert!(app.store.court_status(&court_id("nope")).await.unwrap().is_none());

    let notice = NoticeJob {
        court: court_id("gamb"),
        kind: NoticeKind::Reminder,
        day: chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        change: 2,
    };
    assert_eq!(NoticeJob::parse(&notice.payload()).unwrap(), notice);
    assert!(NoticeJob::parse("gamb|reminder|2027-03-01").is_err());
    assert!(NoticeJob::parse("gamb|shout|2027-03-01|0").is_err());
    let to = Email::parse("Pat@Example.com").unwrap();
    let same = Email::parse("pat@example.com").unwrap();
    let mut tx = app.store.write().await.unwrap();
    assert!(tx.record_go_live_notice(&notice, &to, now()).await.unwrap());
    assert!(
        !tx.record_go_live_notice(&notice, &same, now()).await.unwrap(),
        "an address in other capitals is the same"
    );
    let next_plan = NoticeJob {
        change: 3,
        ..notice.clone()
    };
    assert!(tx.record_go_live_notice(&next_plan, &to, now()).await.unwrap());
    tx.commit().await.unwrap();
    let rows = app.store.go_live_notices(&court_id("gamb")).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].address, "pat@example.com");
    assert_eq!(
        (rows[0].kind.as_str(), rows[0].go_live_on.as_str()),
        ("reminder", "2027-03-01")
    );
}

async fn a_switch_claimed_before_the_courts_midnight_waits_for_it(app: &App) {
    add_court(app, "ilnd", CourtKind::District).await;
    let chicago = CourtZone::parse("America/Chicago").unwrap();
    openecf_app::courts::set_time_zone(app, &court_id("ilnd"), chicago)
        .await
        .unwrap();
    let day = (now() + chrono::Duration::days(3)).date_naive();
    go_live(app, "ilnd", GoLive::On(day)).await.unwrap();
    // A switch queued by an older version, at midnight UTC (six hours early in Chicago).
    let utc_midnight = go_live_instant(day);
    let t = app.clock.now();
    let mut tx = app.store.write().await.unwrap();
    tx.enqueue_job(
        &NewJob::keyed(COURT_GO_LIVE, "court.go_live:ilnd".into(), "ilnd".into(), utc_midnight),
        t,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    advance_to(app, utc_midnight + chrono::Duration::seconds(60));
    run_jobs(app).await;
    let court = app.store.court(&court_id("ilnd")).await.unwrap().unwrap();
    assert!(!court.is_live(), "not before midnight in Chicago");
    let switch = app
        .store
        .jobs()
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.kind == COURT_GO_LIVE)
        .unwrap();
    assert_eq!(switch.run_at, chicago.start_of(day), "moved to the court's midnight");
    assert_eq!((switch.attempts, switch.failed_at), (0, None), "waiting, not failing");
    advance_to(app, chicago.start_of(day) + chrono::Duration::seconds(1));
    run_jobs(app).await;
    let court = app.store.court(&court_id("ilnd")).await.unwrap().unwrap();
    assert_eq!(
        court.status,
        NextGenStatus::Live {
            since: chicago.start_of(day)
        }
    );
}
