//! The use cases and the store under them: every test runs against SQLite
//! and PostgreSQL, on a stopped clock that tests move.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use openecf_app::link::{Decision, Linker};
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::*;
use openecf_store::*;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let db = openecf_store::testkit::TestDb::sqlite().await.unwrap();
                super::$name(&super::app(&db.store)).await;
                db.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let Some(db) = openecf_store::testkit::TestDb::postgres().await else { return };
                super::$name(&super::app(&db.store)).await;
                db.finish().await;
            })*
        }
    };
}

fn app(store: &Store) -> App {
    // Documents go to a folder of their own for the test's life (leaked on purpose: it is tiny).
    let dir = std::env::temp_dir().join(format!("openecf-docs-{}", &openecf_app::tokens::random_token()[..12]));
    App::new(
        store.clone(),
        Hasher::with_threads(1).unwrap(),
        Clock::stopped(now()),
        Settings {
            documents: openecf_app::filing::docstore::DocumentStore::Local(dir),
            ..Settings::default()
        },
    )
}

/// Steps 4–5 as the link form takes them: a session holds the verified
/// CM/ECF account, then Submit.
async fn link(app: &App, court: &Court, pacer: &PacerAccount, ecf: &EcfAccount) -> Decision {
    let session = format!("session-{}-{}", pacer.id, rand_suffix());
    let t = app.clock.now();
    app.store
        .create_session(&session, Principal::Pacer(pacer.id), t, "127.0.0.1", "test")
        .await
        .unwrap();
    let pending = format!("pending-{session}");
    let mut tx = app.store.write().await.unwrap();
    tx.hold_pending_link(
        &openecf_app::tokens::hash_token(&pending),
        &session,
        ecf.id,
        t + chrono::Duration::seconds(300),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let who = Linker {
        account: pacer,
        session_hash: &session,
        ip: "127.0.0.1",
    };
    openecf_app::link::decide(app, court, who, &pending, true)
        .await
        .unwrap()
}

fn rand_suffix() -> String {
    openecf_app::tokens::random_token()[..12].to_owned()
}

contract!(
    courts_are_added_once_and_go_live,
    go_live_notifies_every_cmecf_holder,
    pacer_usernames_are_unique,
    ecf_import_is_all_or_nothing,
    link_writes_link_mail_and_audit,
    link_is_one_time_both_ways,
    racing_links_of_one_cmecf_account_have_one_winner,
    removed_link_can_be_made_again,
    failures_are_counted_and_cleared,
    checks_under_way_are_bounded_and_abandoned_places_end_with_their_run,
    a_login_reads_its_account_and_takes_its_place_in_one,
    a_login_writes_its_session_check_event_and_postponement_all_or_nothing,
    a_login_racing_another_for_the_last_postponement_gets_an_enrol_only_session,
    sessions_and_pending_links_expire,
    a_planned_go_live_is_a_job_that_fires_once_at_its_instant,
    jobs_are_leased_retried_and_given_up,
    mail_is_delivered_by_a_job,
    a_go_live_day_already_begun_makes_the_court_live_at_once,
    concurrent_claims_never_share_a_job,
    a_lost_lease_cannot_fail_or_finish_the_new_holders_job,
    secrets_stored_by_an_older_version_are_protected_at_start,
    a_civil_case_is_opened_filed_into_and_noticed,
    concurrent_filings_get_consecutive_numbers_and_cases_never_share_one,
    a_refused_pdf_leaves_nothing_behind,
    a_petition_opens_a_bankruptcy_case_and_an_adversary_proceeding_follows,
    court_staff_open_criminal_cases_and_counsel_appear_in_them,
    a_creditor_matrix_is_filed_as_plain_text,
    counsel_file_only_for_the_parties_they_represent,
    event_prompts_prefix_the_text_and_refer_to_an_entry_of_the_case,
    a_held_filing_is_filed_once_on_submit_from_its_session_within_30_minutes,
    ecf_notice_prefs_are_kept_and_refusals_change_nothing,
    notices_go_to_secondary_addresses_or_into_one_daily_summary,
    a_court_adds_events_that_its_filers_file_and_removes_them,
    a_filing_agent_files_in_the_attorneys_name_until_removed,
    pacer_fees_are_charged_once_per_request_capped_and_waived_by_quarter,
    the_purge_keeps_audit_events_and_delivered_mail_for_their_retention,
    a_new_cmecf_password_ends_the_accounts_legacy_sessions,
);

#[path = "contract/court_ops.rs"]
mod court_ops;
#[path = "contract/public.rs"]
mod public;

#[path = "contract/console.rs"]
mod console;

#[path = "contract/ecf_import.rs"]
mod ecf_import;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn court_id(id: &str) -> CourtId {
    CourtId::parse(id).unwrap()
}

async fn add_court(app: &App, id: &str, kind: CourtKind) {
    app.store
        .add_courts(&[NewCourt {
            id: court_id(id),
            kind,
            name: format!("Court {id}"),
            location: "Somewhere".into(),
            doc_id_prefix: "000".into(),
            release: Release::V1_0,
        }])
        .await
        .unwrap();
}

async fn add_pacer(app: &App, username: &str, kind: AccountKind) -> PacerAccount {
    let store = &app.store;
    store
        .add_pacer_account(
            &NewPacerAccount {
                username: Username::parse_new(username).unwrap(),
                password_hash: "$argon2id$fake".into(),
                name: PersonName::parse("Pat Filer").unwrap(),
                email: Email::parse(&format!("{username}@example.com")).unwrap(),
                kind,
                created_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .pacer_by_username(&Username::parse_new(username).unwrap())
        .await
        .unwrap()
        .unwrap()
        .0
}

fn new_ecf(court: &str, login: &str) -> NewEcfAccount {
    NewEcfAccount {
        court: court_id(court),
        login: EcfLogin::parse(login).unwrap(),
        password_hash: "$argon2id$fake".into(),
        name: PersonName::parse("Pat Filer").unwrap(),
        email: Email::parse(&format!("{login}@ecf.example.com")).unwrap(),
        role: Role::parse("attorney").unwrap(),
        bar_id: Some(BarId::parse("GA-123").unwrap()),
    }
}

async fn add_ecf(app: &App, court: &str, login: &str) -> EcfAccount {
    let id = app.store.add_ecf_account(&new_ecf(court, login), now()).await.unwrap();
    app.store.ecf_by_id(id).await.unwrap().unwrap()
}

async fn go_live(app: &App, id: &str, when: GoLive) -> Result<openecf_app::courts::Scheduled, openecf_app::Error> {
    openecf_app::courts::schedule_go_live(app, &court_id(id), when).await
}

async fn live_court(app: &App, id: &str) -> Court {
    add_court(app, id, CourtKind::Bankruptcy).await;
    go_live(app, id, GoLive::Now).await.unwrap();
    app.store.court(&court_id(id)).await.unwrap().unwrap()
}

fn is_store<T>(e: &Result<T, openecf_app::Error>, f: impl Fn(&StoreError) -> bool) -> bool {
    matches!(e, Err(openecf_app::Error::Store(se)) if f(se))
}

async fn courts_are_added_once_and_go_live(app: &App) {
    let store = &app.store;
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    let again = store
        .add_courts(&[NewCourt {
            id: court_id("gamb"),
            kind: CourtKind::District,
            name: "dup".into(),
            location: String::new(),
            doc_id_prefix: String::new(),
            release: Release::V1_1,
        }])
        .await;
    assert!(matches!(again, Err(StoreError::CourtExists(_))), "{again:?}");
    let court = store.court(&court_id("gamb")).await.unwrap().unwrap();
    assert_eq!(court.status, NextGenStatus::NotLive { planned: None });
    let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    go_live(app, "gamb", GoLive::On(day)).await.unwrap();
    let court = store.court(&court_id("gamb")).await.unwrap().unwrap();
    assert_eq!(court.status, NextGenStatus::NotLive { planned: Some(day) });
    go_live(app, "gamb", GoLive::Now).await.unwrap();
    assert!(store.court(&court_id("gamb")).await.unwrap().unwrap().is_live());
    assert!(
        store.jobs().await.unwrap().iter().all(|j| j.kind != COURT_GO_LIVE),
        "going live at once takes the planned switch away"
    );
    let back = go_live(app, "gamb", GoLive::On(day)).await;
    assert!(
        is_store(&back, |e| matches!(e, StoreError::GoLive(_))),
        "a live court cannot go back: {back:?}"
    );
    let twice = go_live(app, "gamb", GoLive::Now).await;
    assert!(
        is_store(&twice, |e| matches!(e, StoreError::GoLive(_))),
        "nor go live twice: {twice:?}"
    );
    assert!(store.court(&court_id("gamb")).await.unwrap().unwrap().is_live());
    let missing = go_live(app, "zzzz", GoLive::Now).await;
    assert!(is_store(&missing, |e| matches!(
        e,
        StoreError::NotFound(Missing::Court(_))
    )));
    assert_eq!(store.count_courts().await.unwrap(), 1);
}

async fn go_live_notifies_every_cmecf_holder(app: &App) {
    add_court(app, "nysd", CourtKind::District).await;
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    add_ecf(app, "nysd", "alice").await;
    add_ecf(app, "nysd", "bob").await;
    add_ecf(app, "gamb", "carol").await;
    let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let done = go_live(app, "nysd", GoLive::On(day)).await.unwrap();
    assert_eq!(done.addresses, 2);
    assert!(
        app.store.outbox().await.unwrap().is_empty(),
        "the notice is a job: nothing is written before it runs"
    );
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    worker(app, dir.path()).run_due().await.unwrap();
    let outbox = app.store.outbox().await.unwrap();
    let mut to: Vec<_> = outbox.iter().map(|m| m.to_addr.as_str()).collect();
    to.sort();
    assert_eq!(to, ["alice@ecf.example.com", "bob@ecf.example.com"]);
    assert!(outbox[0].subject.contains("March 1, 2027"), "{}", outbox[0].subject);
}

async fn pacer_usernames_are_unique(app: &App) {
    add_pacer(app, "jdoe2026", AccountKind::Individual).await;
    let again = NewPacerAccount {
        username: Username::parse_new("JDOE2026").unwrap(),
        password_hash: "x".into(),
        name: PersonName::parse("Other").unwrap(),
        email: Email::parse("o@example.com").unwrap(),
        kind: AccountKind::Individual,
        created_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
    };
    assert!(matches!(
        app.store.add_pacer_account(&again, now()).await,
        Err(StoreError::UsernameTaken(_))
    ));
}

async fn ecf_import_is_all_or_nothing(app: &App) {
    let store = &app.store;
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    add_ecf(app, "gamb", "taken").await;
    let batch = [new_ecf("gamb", "fresh1"), new_ecf("gamb", "taken")];
    assert!(matches!(
        store.import_ecf_accounts(&batch, now()).await,
        Err(StoreError::EcfLoginTaken { .. })
    ));
    let gamb = court_id("gamb");
    assert!(store
        .ecf_by_login(&gamb, &EcfLogin::parse("fresh1").unwrap())
        .await
        .unwrap()
        .is_none());
    let unknown = [new_ecf("zzzz", "fresh2")];
    assert!(matches!(
        store.import_ecf_accounts(&unknown, now()).await,
        Err(StoreError::NotFound(Missing::Court(_)))
    ));
    let ok = [new_ecf("gamb", "fresh1"), new_ecf("gamb", "fresh2")];
    assert_eq!(store.import_ecf_accounts(&ok, now()).await.unwrap().len(), 2);
}

async fn link_writes_link_mail_and_audit(app: &App) {
    let store = &app.store;
    let court = live_court(app, "gamb").await;
    let pacer = add_pacer(app, "jdoe2026", AccountKind::Individual).await;
    let ecf = add_ecf(app, "gamb", "jdoe").await;
    assert_eq!(link(app, &court, &pacer, &ecf).await, Decision::Linked(ecf.clone()));
    assert_eq!(
        store.linked_login(&court.id, pacer.id).await.unwrap().as_deref(),
        Some("jdoe")
    );
    assert!(store.is_ecf_linked(ecf.id).await.unwrap());
    let links = store.links(&court.id).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].pacer_username, "jdoe2026");
    let mail = store.outbox().await.unwrap();
    assert_eq!(mail[0].to_addr, "jdoe2026@example.com");
    assert!(mail[0].body.contains("You have successfully linked your account."));
    let jobs = store.jobs().await.unwrap();
    assert!(
        jobs.iter()
            .any(|j| j.kind == MAIL_DELIVER && j.payload == mail[0].id.to_string()),
        "the mail's delivery is queued with it: {jobs:?}"
    );
    let audit = store.audit_events(Some("gamb")).await.unwrap();
    let last = audit.last().unwrap();
    assert_eq!((last.action.as_str(), last.outcome.as_str()), ("link", "linked"));
    assert_eq!(last.ip.as_deref(), Some("127.0.0.1"));
}

async fn link_is_one_time_both_ways(app: &App) {
    let store = &app.store;
    let court = live_court(app, "gamb").await;
    let jane = add_pacer(app, "jdoe2026", AccountKind::Individual).await;
    let john = add_pacer(app, "jsmith2026", AccountKind::Individual).await;
    let first = add_ecf(app, "gamb", "jdoe").await;
    let second = add_ecf(app, "gamb", "jdoe2").await;
    let before = store.outbox().await.unwrap().len();
    assert_eq!(link(app, &court, &jane, &first).await, Decision::Linked(first.clone()));
    assert_eq!(
        link(app, &court, &john, &first).await,
        Decision::Refused(LinkRefusal::EcfAlreadyLinked)
    );
    assert_eq!(
        link(app, &court, &jane, &second).await,
        Decision::Refused(LinkRefusal::PacerAlreadyLinkedHere {
            ecf_login: "jdoe".into()
        })
    );
    let outcomes: Vec<_> = store
        .audit_events(Some("gamb"))
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "link")
        .map(|e| e.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            "linked",
            "refused: ecf_already_linked",
            "refused: pacer_already_linked_here"
        ]
    );
    assert_eq!(
        store.outbox().await.unwrap().len(),
        before + 1,
        "only the success is mailed"
    );
}

async fn racing_links_of_one_cmecf_account_have_one_winner(app: &App) {
    let court = live_court(app, "gamb").await;
    let ecf = add_ecf(app, "gamb", "contested").await;
    let mut racers = Vec::new();
    for i in 0..6 {
        racers.push(add_pacer(app, &format!("racer{i:04}"), AccountKind::Individual).await);
    }
    let tasks: Vec<_> = racers
        .into_iter()
        .map(|p| {
            let (app, court, ecf) = (app.clone(), court.clone(), ecf.clone());
            tokio::spawn(async move { link(&app, &court, &p, &ecf).await })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let wins = results.iter().filter(|r| matches!(r, Decision::Linked(_))).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Decision::Refused(LinkRefusal::EcfAlreadyLinked)))
        .count();
    assert_eq!((wins, refused), (1, 5), "{results:?}");
    assert_eq!(app.store.links(&court.id).await.unwrap().len(), 1);
}

async fn removed_link_can_be_made_again(app: &App) {
    let court = live_court(app, "gamb").await;
    let wrong = add_pacer(app, "wrongone", AccountKind::Individual).await;
    let right = add_pacer(app, "rightone", AccountKind::Individual).await;
    let ecf = add_ecf(app, "gamb", "jdoe").await;
    assert_eq!(link(app, &court, &wrong, &ecf).await, Decision::Linked(ecf.clone()));
    let login = EcfLogin::parse("jdoe").unwrap();
    let removed = openecf_app::link::remove(app, &court, &login, "linked to the wrong person", "clerk1")
        .await
        .unwrap();
    assert_eq!(removed.pacer_username, "wrongone");
    assert!(matches!(
        openecf_app::link::remove(app, &court, &login, "again", "clerk1").await,
        Err(openecf_app::Error::Store(StoreError::NotFound(Missing::Link { .. })))
    ));
    assert_eq!(link(app, &court, &right, &ecf).await, Decision::Linked(ecf.clone()));
    let audit = app.store.audit_events(Some("gamb")).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "link.remove" && e.detail == "linked to the wrong person (by clerk1)"));
}

async fn failures_are_counted_and_cleared(app: &App) {
    let store = &app.store;
    let subject = Subject::pacer("jdoe2026");
    assert_eq!(subject.to_string(), "pacer:jdoe2026");
    assert_eq!(store.failures(&subject).await.unwrap().count, 0);
    let mut last = Default::default();
    for _ in 0..throttle::FREE_FAILURES {
        last = store.record_failure(&subject, now(), None).await.unwrap();
    }
    assert_eq!(last.count, throttle::FREE_FAILURES);
    assert!(store.failures(&subject).await.unwrap().is_locked(now().timestamp()));
    store.clear_failures(&subject).await.unwrap();
    assert_eq!(store.failures(&subject).await.unwrap().count, 0);
}

async fn a_login_reads_its_account_and_takes_its_place_in_one(app: &App) {
    let store = &app.store;
    let account = add_pacer(app, "readtake2026", AccountKind::Individual).await;
    let username = Username::parse_existing("readtake2026").unwrap();
    let subject = Subject::pacer("readtake2026");
    // The account as pacer_for_login reads it, and a place.
    let (read, attempt) = store
        .pacer_for_login_taking_place(&username, &subject, now())
        .await
        .unwrap();
    let read = read.expect("the account was not read");
    let alone = store.pacer_for_login(&username).await.unwrap().unwrap();
    assert_eq!(read.account, account);
    assert_eq!(read.password_hash, alone.password_hash);
    assert_eq!((read.disabled, read.mfa), (alone.disabled, alone.mfa));
    assert!(matches!(attempt, Attempt::Go(_)), "{attempt:?}");
    assert_eq!(store.attempts_under_way(&subject, now()).await.unwrap(), 1);
    // An unknown username still takes a place of its own counter (a guess
    // at a name is bounded as any other), and reads nothing.
    let nobody = Username::parse_existing("nobody2026").unwrap();
    let (read, attempt) = store
        .pacer_for_login_taking_place(&nobody, &Subject::pacer("nobody2026"), now())
        .await
        .unwrap();
    assert!(read.is_none());
    assert!(matches!(attempt, Attempt::Go(_)), "{attempt:?}");
    // Every place taken: busy, the account still read.
    for _ in 1..throttle::MAX_IN_FLIGHT {
        store.begin_attempt(&subject, now()).await.unwrap();
    }
    let (read, attempt) = store
        .pacer_for_login_taking_place(&username, &subject, now())
        .await
        .unwrap();
    assert!(read.is_some());
    assert_eq!(attempt, Attempt::Busy);
    // Locked: told so.
    let locked = Subject::pacer("readtake2026x");
    for _ in 0..throttle::FREE_FAILURES {
        store.record_failure(&locked, now(), None).await.unwrap();
    }
    let (_, attempt) = store
        .pacer_for_login_taking_place(&Username::parse_existing("readtake2026x").unwrap(), &locked, now())
        .await
        .unwrap();
    assert_eq!(attempt, Attempt::Locked);
}

async fn checks_under_way_are_bounded_and_abandoned_places_end_with_their_run(app: &App) {
    let store = &app.store;
    let subject = Subject::pacer("jdoe2026");
    let go = |a: Attempt| match a {
        Attempt::Go(slot) => slot,
        other => panic!("no place: {other:?}"),
    };
    // At most MAX_IN_FLIGHT at once; the next is told to wait.
    let mut slots = Vec::new();
    for _ in 0..throttle::MAX_IN_FLIGHT {
        slots.push(go(store.begin_attempt(&subject, now()).await.unwrap()));
    }
    assert_eq!(store.begin_attempt(&subject, now()).await.unwrap(), Attempt::Busy);
    assert_eq!(
        store.attempts_under_way(&subject, now()).await.unwrap(),
        throttle::MAX_IN_FLIGHT
    );
    // A right password gives its place back and clears the count; other
    // subjects were never held back.
    store.record_failure(&subject, now(), None).await.unwrap();
    let first = slots.remove(0);
    store
        .finish_attempt(&subject, first, now(), AttemptOutcome::Succeeded { clear: true })
        .await
        .unwrap();
    assert_eq!(store.failures(&subject).await.unwrap().count, 0);
    assert!(matches!(
        store.begin_attempt(&Subject::pacer("other2026"), now()).await.unwrap(),
        Attempt::Go(_)
    ));
    let again = go(store.begin_attempt(&subject, now()).await.unwrap());
    assert_eq!(store.begin_attempt(&subject, now()).await.unwrap(), Attempt::Busy);
    // A wrong password gives its place back and counts a failure.
    let after = store
        .finish_attempt(&subject, again, now(), AttemptOutcome::Failed)
        .await
        .unwrap();
    assert_eq!(after.count, 1);
    assert_eq!(store.failures(&subject).await.unwrap().count, 1);
    // The other three are abandoned (their node died). Checks that keep
    // coming do not keep their places: the run ends IN_FLIGHT_SECS after it
    // began. Its places count on until its youngest is IN_FLIGHT_SECS old
    // (no check loses its place early), then every place is free again.
    let secs = |n| now() + chrono::Duration::seconds(n);
    let run = throttle::IN_FLIGHT_SECS;
    let last_of_run = go(store.begin_attempt(&subject, secs(run - 1)).await.unwrap());
    assert_eq!(
        store.begin_attempt(&subject, secs(run - 1)).await.unwrap(),
        Attempt::Busy
    );
    assert_eq!(store.begin_attempt(&subject, secs(run)).await.unwrap(), Attempt::Busy);
    // The last one ends: its place frees one in the next run.
    store
        .finish_attempt(&subject, last_of_run, secs(run), AttemptOutcome::Abandoned)
        .await
        .unwrap();
    let next_run = go(store.begin_attempt(&subject, secs(run)).await.unwrap());
    assert_eq!(store.begin_attempt(&subject, secs(run)).await.unwrap(), Attempt::Busy);
    assert_eq!(
        store.attempts_under_way(&subject, secs(run)).await.unwrap(),
        throttle::MAX_IN_FLIGHT
    );
    // The abandoned three are let go once the run they were taken in has
    // been over IN_FLIGHT_SECS; the next run's check still holds its place.
    assert_eq!(store.attempts_under_way(&subject, secs(2 * run)).await.unwrap(), 1);
    let mut fresh = Vec::new();
    for _ in 0..throttle::MAX_IN_FLIGHT - 1 {
        fresh.push(go(store.begin_attempt(&subject, secs(2 * run)).await.unwrap()));
    }
    assert_eq!(
        store.begin_attempt(&subject, secs(2 * run)).await.unwrap(),
        Attempt::Busy
    );
    // A check of a run long over gives back nothing of the newer runs'.
    store
        .finish_attempt(&subject, slots[0], secs(2 * run), AttemptOutcome::Abandoned)
        .await
        .unwrap();
    assert_eq!(
        store.attempts_under_way(&subject, secs(2 * run)).await.unwrap(),
        throttle::MAX_IN_FLIGHT
    );
    // The run before's check gives its own place back.
    store
        .finish_attempt(&subject, next_run, secs(2 * run), AttemptOutcome::Abandoned)
        .await
        .unwrap();
    fresh.push(go(store.begin_attempt(&subject, secs(2 * run)).await.unwrap()));
    assert_eq!(
        store.begin_attempt(&subject, secs(2 * run)).await.unwrap(),
        Attempt::Busy
    );
    // Clearing the failures (a reset, an unlock) keeps the places.
    store.clear_failures(&subject).await.unwrap();
    assert_eq!(
        store.begin_attempt(&subject, secs(2 * run)).await.unwrap(),
        Attempt::Busy
    );
    let next_run = secs(2 * run);
    // A locked subject takes no place at all.
    for _ in 0..throttle::FREE_FAILURES {
        store.record_failure(&subject, next_run, None).await.unwrap();
    }
    for slot in fresh {
        store
            .finish_attempt(&subject, slot, next_run, AttemptOutcome::Abandoned)
            .await
            .unwrap();
    }
    assert_eq!(store.begin_attempt(&subject, next_run).await.unwrap(), Attempt::Locked);
    assert_eq!(store.attempts_under_way(&subject, next_run).await.unwrap(), 0);
}

async fn a_login_writes_its_session_check_event_and_postponement_all_or_nothing(app: &App) {
    use openecf_store::NewSession;
    let store = &app.store;
    let account = add_pacer(app, "alogin2026", AccountKind::Individual).await;
    let subject = Subject::pacer("alogin2026");
    // Two failures counted, then the check whose password is right.
    store.record_failure(&subject, now(), None).await.unwrap();
    store.record_failure(&subject, now(), None).await.unwrap();
    let Attempt::Go(slot) = store.begin_attempt(&subject, now()).await.unwrap() else {
        panic!("no place for the check");
    };
    let event = NewAuditEvent {
        pacer_account: Some(account.id),
        pacer_username: Some("alogin2026".into()),
        ..NewAuditEvent::new(AuditAction::Login, AuditOutcome::Succeeded)
    };
    let login = |token_hash| NewSession {
        token_hash,
        who: Principal::Pacer(account.id),
        ip: "10.1.2.3",
        user_agent: "contract",
        mfa_required: true,
        check: Some((&subject, slot)),
        event: Some(&event),
        postpone_mfa: true,
    };
    let logins = |events: &[openecf_store::AuditEvent]| {
        events
            .iter()
            .filter(|e| e.pacer_username.as_deref() == Some("alogin2026") && e.action == AuditAction::Login.as_str())
            .count()
    };
    // A session whose token (hash) is taken already: nothing of the login is written.
    store
        .create_session("taken-hash", Principal::Pacer(account.id), now(), "10.0.0.1", "x")
        .await
        .unwrap();
    assert!(store.start_session(&login("taken-hash"), now()).await.is_err());
    assert_eq!(
        store.failures(&subject).await.unwrap().count,
        2,
        "the count was cleared"
    );
    assert_eq!(store.attempts_under_way(&subject, now()).await.unwrap(), 1);
    assert_eq!(logins(&store.audit_events(None).await.unwrap()), 0);
    assert_eq!(store.mfa_state(account.id).await.unwrap().skips, 0);
    // The login written: the session, the count cleared and the place given
    // back, the event, one more postponement (returned).
    let skips = store.start_session(&login("login-hash"), now()).await.unwrap();
    assert_eq!(skips, Some(1));
    let session = store.session("login-hash").await.unwrap().expect("the session");
    assert_eq!(session.principal, Principal::Pacer(account.id));
    assert_eq!((session.ip.as_str(), session.mfa_required), ("10.1.2.3", true));
    assert_eq!(store.failures(&subject).await.unwrap().count, 0);
    assert_eq!(store.attempts_under_way(&subject, now()).await.unwrap(), 0);
    assert_eq!(logins(&store.audit_events(None).await.unwrap()), 1);
    assert_eq!(store.mfa_state(account.id).await.unwrap().skips, 1);
    // A session alone (after a passcode, say) counts nothing else.
    let alone = NewSession {
        check: None,
        event: None,
        postpone_mfa: false,
        mfa_required: false,
        ..login("alone-hash")
    };
    assert_eq!(store.start_session(&alone, now()).await.unwrap(), None);
    assert!(!store.session("alone-hash").await.unwrap().unwrap().mfa_required);
    store.mark_session_mfa_required("alone-hash", true).await.unwrap();
    assert!(store.session("alone-hash").await.unwrap().unwrap().mfa_required);
    assert_eq!(store.mfa_state(account.id).await.unwrap().skips, 1);
    assert_eq!(logins(&store.audit_events(None).await.unwrap()), 1);
}

async fn a_login_racing_another_for_the_last_postponement_gets_an_enrol_only_session(app: &App) {
    use openecf_app::signin::{self, Pending, Proof};
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    go_live(app, "gamb", GoLive::Now).await.unwrap();
    let filer = add_pacer(app, "racefiler2026", AccountKind::Individual).await;
    let password = openecf_domain::Password::attempt("Walnut-Harbor-Lantern-42").unwrap();
    let mut tx = app.store.write().await.unwrap();
    tx.set_password_hash(filer.id, &app.hasher.hash(&password).await.unwrap())
        .await
        .unwrap();
    // Two of the filer's three postponements of MFA enrolment used.
    tx.reset_mfa(filer.id, 2).await.unwrap();
    tx.commit().await.unwrap();
    let ecf = add_ecf(app, "gamb", "racefiler").await;
    let court = app.court(&court_id("gamb")).await.unwrap().unwrap();
    assert!(matches!(link(app, &court, &filer, &ecf).await, Decision::Linked(_)));
    let verified = signin::pacer_password(app, "racefiler2026", password.expose(), "127.0.0.1", None)
        .await
        .unwrap()
        .passed()
        .expect("the right password passes");
    assert_eq!(verified.mfa().skips, 2);
    // Another login of the account's counts the third meanwhile: this one
    // uses up the last, and its session may only enrol.
    let mut tx = app.store.write().await.unwrap();
    tx.reset_mfa(filer.id, 3).await.unwrap();
    tx.commit().await.unwrap();
    let client = openecf_app::sessions::Client::default();
    let signed_in = signin::start_session(app, Proof::Password(verified), &client, None)
        .await
        .unwrap();
    assert!(
        matches!(
            signed_in.pending,
            Pending::EnrolMfa {
                forced: true,
                skips_left: 0
            }
        ),
        "{:?}",
        signed_in.pending
    );
    let session = app
        .store
        .session(&openecf_app::tokens::hash_token(&signed_in.token))
        .await
        .unwrap()
        .expect("the session");
    assert!(
        session.mfa_required,
        "the last postponement's session is not enrol-only"
    );
    assert_eq!(app.store.mfa_state(filer.id).await.unwrap().skips, 4);
}

async fn sessions_and_pending_links_expire(app: &App) {
    let store = &app.store;
    live_court(app, "gamb").await;
    let pacer = add_pacer(app, "jdoe2026", AccountKind::Individual).await;
    let ecf = add_ecf(app, "gamb", "jdoe").await;
    let t = now();
    let secs = chrono::Duration::seconds;
    store
        .create_session("hash-a", Principal::Pacer(pacer.id), t, "127.0.0.1", "test")
        .await
        .unwrap();
    store
        .create_session("hash-b", Principal::Pacer(pacer.id), t, "127.0.0.1", "test")
        .await
        .unwrap();
    assert_eq!(
        store.session("hash-a").await.unwrap().unwrap().principal,
        Principal::Pacer(pacer.id)
    );
    let hold = |id: &'static str| async move {
        let mut tx = store.write().await.unwrap();
        tx.hold_pending_link(id, "hash-a", ecf.id, t + secs(300)).await.unwrap();
        tx.commit().await.unwrap();
    };
    let take = |id: &'static str, session: &'static str, at| async move {
        let mut tx = store.write().await.unwrap();
        let got = tx.take_pending_link(id, session, at).await.unwrap();
        tx.commit().await.unwrap();
        got
    };
    hold("p1").await;
    assert_eq!(take("p1", "hash-b", t).await, None, "another session cannot use it");
    assert_eq!(take("p1", "hash-a", t + secs(301)).await, None, "expired");
    hold("p2").await;
    assert_eq!(take("p2", "hash-a", t).await, Some(ecf.id));
    assert_eq!(take("p2", "hash-a", t).await, None, "single use");
    assert_eq!(store.delete_pacer_sessions(pacer.id, Some("hash-a")).await.unwrap(), 1);
    assert!(store.session("hash-b").await.unwrap().is_none());
    assert!(store.delete_session("hash-a").await.unwrap());
    assert_eq!(store.pacer_sessions(pacer.id).await.unwrap().len(), 0);
}

fn worker(app: &App, dir: &std::path::Path) -> openecf_app::jobs::Worker {
    let transport = openecf_app::mailer::Transport::from_settings(None, dir.to_path_buf()).unwrap();
    let mailer = openecf_app::mailer::Mailer::new(app.store.clone(), transport, "PACER <noreply@example.com>").unwrap();
    openecf_app::jobs::Worker::new(app.clone(), mailer)
}

async fn a_planned_go_live_is_a_job_that_fires_once_at_its_instant(app: &App) {
    let store = &app.store;
    add_court(app, "nysd", CourtKind::District).await;
    add_ecf(app, "nysd", "alice").await;
    let day = (now() + chrono::Duration::days(2)).date_naive();
    go_live(app, "nysd", GoLive::On(day)).await.unwrap();
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let w = worker(app, dir.path());
    w.run_due().await.unwrap();
    let court = store.court(&court_id("nysd")).await.unwrap().unwrap();
    assert!(!court.is_live(), "not before its day");
    // A new date moves the one switch.
    let later = day + chrono::Days::new(1);
    go_live(app, "nysd", GoLive::On(later)).await.unwrap();
    let switches: Vec<_> = store
        .jobs()
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == COURT_GO_LIVE)
        .collect();
    assert_eq!(switches.len(), 1, "{switches:?}");
    assert_eq!(switches[0].run_at, CourtZone::default().start_of(later));
    app.clock.advance(Duration::from_secs(3 * 24 * 3600 + 60));
    // Two workers (two nodes) at once: the switch happens once.
    let other = worker(app, dir.path());
    let (a, b) = tokio::join!(w.run_due(), other.run_due());
    a.unwrap();
    b.unwrap();
    let court = store.court(&court_id("nysd")).await.unwrap().unwrap();
    assert_eq!(
        court.status,
        NextGenStatus::Live {
            since: CourtZone::default().start_of(later)
        }
    );
    let events: Vec<_> = store
        .audit_events(Some("nysd"))
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "court.go_live")
        .collect();
    assert_eq!(events.len(), 1, "the go-live is one event: {events:?}");
    assert_eq!(events[0].outcome, "live");
    let now_live: Vec<_> = store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains("is now live"))
        .collect();
    assert_eq!(now_live.len(), 1, "alice is told once that the court is live");
    assert!(now_live[0].sent_at.is_some(), "and the worker delivered it");
    assert!(store.jobs().await.unwrap().iter().all(|j| j.kind != COURT_GO_LIVE));
}

async fn jobs_are_leased_retried_and_given_up(app: &App) {
    let store = &app.store;
    let t = app.clock.now();
    let mut tx = store.write().await.unwrap();
    tx.enqueue_job(&NewJob::new("no.such.kind", "x".into(), t), t)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let lease = Duration::from_secs(60);
    let first = store.claim_jobs(t, lease, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store.claim_jobs(t, lease, 10).await.unwrap().is_empty(),
        "leased: nobody else takes it"
    );
    // The lease runs out: another worker takes it, and the first may no longer finish it.
    let later = t + chrono::Duration::seconds(61);
    let second = store.claim_jobs(later, lease, 10).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempts, 2);
    assert!(
        !store.complete_job(&first[0]).await.unwrap(),
        "a lost lease cannot finish the job"
    );
    // An unknown kind fails each time, with growing delays, until it is given up.
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let w = worker(app, dir.path());
    store.fail_job(&second[0], "test", later, later).await.unwrap();
    app.clock.advance(Duration::from_secs(120));
    w.run_due().await.unwrap();
    let row = store.jobs().await.unwrap().pop().unwrap();
    assert_eq!(row.attempts, 3);
    assert!(
        row.last_error.as_deref().unwrap().contains("unknown job kind"),
        "{row:?}"
    );
    assert!(
        row.run_at >= app.clock.now() + chrono::Duration::seconds(60),
        "backs off: {row:?}"
    );
    assert!(row.failed_at.is_none());
    for _ in 0..30 {
        app.clock.advance(Duration::from_secs(7 * 3600));
        w.run_due().await.unwrap();
    }
    let row = store.jobs().await.unwrap().pop().unwrap();
    assert!(row.failed_at.is_some(), "given up after its attempts: {row:?}");
    assert_eq!(row.attempts, 25);
}

async fn mail_is_delivered_by_a_job(app: &App) {
    let store = &app.store;
    let t = app.clock.now();
    let mail = mail::welcome(
        &Email::parse("new@example.com").unwrap(),
        "newuser1",
        "http://x/account/email/confirm/t",
    );
    let mut tx = store.write().await.unwrap();
    tx.enqueue_mail(&mail, t).await.unwrap();
    tx.rollback().await.unwrap();
    assert!(store.outbox().await.unwrap().is_empty(), "rolled back: no mail, no job");
    assert!(store.jobs().await.unwrap().is_empty());
    let mut tx = store.write().await.unwrap();
    tx.enqueue_mail(&mail, t).await.unwrap();
    tx.commit().await.unwrap();
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    assert_eq!(worker(app, dir.path()).run_due().await.unwrap(), 1);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    let sent = store.outbox().await.unwrap().pop().unwrap();
    assert_eq!(sent.sent_at, Some(t));
    assert!(store.jobs().await.unwrap().is_empty(), "done jobs leave the queue");
}

async fn a_go_live_day_already_begun_makes_the_court_live_at_once(app: &App) {
    add_court(app, "nysd", CourtKind::District).await;
    add_ecf(app, "nysd", "alice").await;
    let tomorrow = (now() + chrono::Duration::days(1)).date_naive();
    go_live(app, "nysd", GoLive::On(tomorrow)).await.unwrap();
    let today = now().date_naive();
    go_live(app, "nysd", GoLive::On(today)).await.unwrap();
    let court = app.store.court(&court_id("nysd")).await.unwrap().unwrap();
    assert_eq!(
        court.status,
        NextGenStatus::Live {
            since: CourtZone::default().start_of(today)
        }
    );
    assert!(
        app.store.jobs().await.unwrap().iter().all(|j| j.kind != COURT_GO_LIVE),
        "the planned switch is gone"
    );
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    worker(app, dir.path()).run_due().await.unwrap();
    let mail = app.store.outbox().await.unwrap();
    assert!(mail[0].subject.contains("is now live"), "{}", mail[0].subject);
}

async fn concurrent_claims_never_share_a_job(app: &App) {
    let t = app.clock.now();
    let mut tx = app.store.write().await.unwrap();
    for i in 0..20 {
        tx.enqueue_job(&NewJob::new("test.kind", i.to_string(), t), t)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let claims: Vec<_> = (0..4)
        .map(|_| {
            let store = app.store.clone();
            tokio::spawn(async move { store.claim_jobs(t, Duration::from_secs(60), 5).await.unwrap() })
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for c in claims {
        for job in c.await.unwrap() {
            assert!(seen.insert(job.payload.clone()), "job {} claimed twice", job.payload);
        }
    }
    assert_eq!(seen.len(), 20, "four workers of five took all twenty");
}

async fn a_lost_lease_cannot_fail_or_finish_the_new_holders_job(app: &App) {
    let store = &app.store;
    let t = app.clock.now();
    let mut tx = store.write().await.unwrap();
    tx.enqueue_job(&NewJob::new("test.kind", "x".into(), t), t)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let lease = Duration::from_secs(60);
    let old = store.claim_jobs(t, lease, 1).await.unwrap().pop().unwrap();
    let later = t + chrono::Duration::seconds(61);
    let new = store.claim_jobs(later, lease, 1).await.unwrap().pop().unwrap();
    assert_ne!(old.lease_id, new.lease_id);
    // The first worker's late failure changes nothing of the second's claim.
    store.fail_job(&old, "late", later, later).await.unwrap();
    assert!(
        store.claim_jobs(later, lease, 1).await.unwrap().is_empty(),
        "still held by the second worker"
    );
    assert!(!store.complete_job(&old).await.unwrap());
    assert!(store.complete_job(&new).await.unwrap());
    assert!(store.jobs().await.unwrap().is_empty());
}

async fn secrets_stored_by_an_older_version_are_protected_at_start(app: &App) {
    let pacer = add_pacer(app, "jdoe2026", AccountKind::Individual).await;
    let t = app.clock.now();
    let mut tx = app.store.write().await.unwrap();
    tx.insert_authenticator(pacer.id, "Old phone", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 0, t)
        .await
        .unwrap();
    // An old-style backup code: the unkeyed SHA-256 of an 8-character code.
    tx.replace_backup_codes(
        pacer.id,
        &["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into()],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(openecf_app::mfa::protect_stored_secrets(app).await.unwrap(), (1, 1));
    let stored = app.store.authenticators(pacer.id).await.unwrap()[0].secret.clone();
    assert!(
        openecf_app::seal::is_sealed(&stored) && !stored.contains("JBSWY3DP"),
        "{stored}"
    );
    assert_eq!(
        openecf_app::seal::open(&app.settings.secret_key, &stored).unwrap(),
        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    );
    assert_eq!(app.store.backup_codes_left(pacer.id).await.unwrap(), 0);
    let mail = app.store.outbox().await.unwrap();
    assert!(
        mail[0].subject.contains("backup codes were replaced"),
        "{}",
        mail[0].subject
    );
    // The sealed app still takes its passcodes; a second start changes nothing.
    let code = openecf_app::totp::code_at("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", t.timestamp() / 30).unwrap();
    assert!(openecf_app::signin::second_factor(app, &pacer, &code, "127.0.0.1")
        .await
        .unwrap());
    assert_eq!(openecf_app::mfa::protect_stored_secrets(app).await.unwrap(), (0, 0));
}

use openecf_app::filing::{self, pdf::sample, FilingRefusal, NewCivilCase, NewFiling, Upload};

fn upload(name: &str, pages: u32) -> Upload {
    Upload {
        filename: name.to_owned(),
        bytes: sample::pdf(pages, name, sample::Extra::Nothing),
    }
}

/// A live district court with a linked filer (and a second one).
async fn district_with_filers(app: &App) -> (Court, PacerAccount, PacerAccount) {
    add_court(app, "nysd", CourtKind::District).await;
    go_live(app, "nysd", GoLive::Now).await.unwrap();
    let court = app.store.court(&court_id("nysd")).await.unwrap().unwrap();
    app.store.add_judge(&court.id, "Ann B. Clerk", "ABC").await.unwrap();
    let mut filers = Vec::new();
    for (pacer, ecf) in [("plaintiffatty", "patty"), ("defenseatty", "datty")] {
        let p = add_pacer(app, pacer, AccountKind::Individual).await;
        let e = add_ecf(app, "nysd", ecf).await;
        assert_eq!(link(app, &court, &p, &e).await, Decision::Linked(e.clone()));
        filers.push(p);
    }
    let d = filers.pop().unwrap();
    let p = filers.pop().unwrap();
    (court, p, d)
}

fn civil_case() -> NewCivilCase {
    NewCivilCase {
        plaintiffs: vec!["Jane Doe".into()],
        defendants: vec!["Richard Roe".into()],
        nature_of_suit: "190 Contract: Other".into(),
        cause: "28:1332 Diversity-Breach of Contract".into(),
        jurisdiction: "Diversity".into(),
        jury_demand: "Plaintiff".into(),
        complaint: upload("complaint.pdf", 4),
        attachments: vec![("Civil Cover Sheet".into(), upload("cover.pdf", 1))],
    }
}

async fn a_civil_case_is_opened_filed_into_and_noticed(app: &App) {
    let (court, plaintiff_atty, defense_atty) = district_with_filers(app).await;
    let receipt = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap();
    let year = now().format("%y").to_string();
    assert_eq!(receipt.case.number.to_string(), format!("1:{year}-cv-00001-ABC"));
    assert_eq!(receipt.case.title, "Jane Doe v. Richard Roe");
    assert_eq!(receipt.entry_number, 1);
    // The defense appears by answering; then files a motion with an attachment.
    let answer = NewFiling {
        case_number: format!("{year}-1"),
        event: openecf_domain::civil_event("Answer to Complaint").unwrap(),
        party: "Richard Roe".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("answer.pdf", 2),
        attachments: vec![],
    };
    let motion = NewFiling {
        event: openecf_domain::civil_event("Motion to Dismiss").unwrap(),
        docket_text: "for Failure to State a Claim".into(),
        main: upload("motion.pdf", 3),
        attachments: vec![("Exhibit A".into(), upload("exhibit.pdf", 1))],
        ..answer.clone()
    };
    // Not of record yet: a motion is refused; the answer is the appearance.
    assert_eq!(
        filing::file_document(app, &court, &defense_atty, &motion)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotOfRecord
    );
    assert_eq!(
        filing::file_document(app, &court, &defense_atty, &answer)
            .await
            .unwrap()
            .unwrap()
            .entry_number,
        2
    );
    let filed = filing::file_document(app, &court, &defense_atty, &motion)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(filed.entry_number, 3);
    let docket = app.store.docket(filed.case.id).await.unwrap();
    let texts: Vec<&str> = docket.iter().map(|e| e.docket_text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "COMPLAINT against Richard Roe filed by Jane Doe.",
            "ANSWER to Complaint filed by Richard Roe.",
            "MOTION to Dismiss for Failure to State a Claim filed by Richard Roe.",
        ]
    );
    assert_eq!(docket[2].documents.len(), 2);
    assert_eq!(docket[2].documents[0].pages, 3);
    assert!(
        docket[2].documents[0].stamp.starts_with("[STAMP dcecfStamp_ID="),
        "{}",
        docket[2].documents[0].stamp
    );
    // The stored bytes are the filed bytes.
    let bytes = app
        .settings
        .documents
        .get(&docket[2].documents[1].sha256)
        .await
        .unwrap();
    assert_eq!(bytes, upload("exhibit.pdf", 1).bytes);
    // Both attorneys of record got the motion's notice, in CM/ECF's words.
    let mail = app.store.outbox().await.unwrap();
    let notices: Vec<_> = mail
        .iter()
        .filter(|m| m.subject.contains("Motion to Dismiss"))
        .collect();
    let mut to: Vec<&str> = notices.iter().map(|m| m.to_addr.as_str()).collect();
    to.sort();
    assert_eq!(to, ["defenseatty@example.com", "plaintiffatty@example.com"]);
    let nef = notices[0];
    assert!(nef.html);
    assert_eq!(
        nef.subject,
        format!("Activity in Case 1:{year}-cv-00001-ABC Jane Doe v. Richard Roe Motion to Dismiss")
    );
    for words in [
        "Notice of Electronic Filing",
        "The following transaction was entered by Pat Filer on",
        "Case Name:",
        "Document Number:",
        "Docket Text:",
        "The following document(s) are associated with this transaction:",
        "Original filename:</strong>exhibit.pdf",
    ] {
        assert!(nef.body.contains(words), "{words} missing:\n{}", nef.body);
    }
}

async fn concurrent_filings_get_consecutive_numbers_and_cases_never_share_one(app: &App) {
    let (court, plaintiff_atty, _) = district_with_filers(app).await;
    // Cases opened at once get consecutive numbers.
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let (app, court, atty) = (app.clone(), court.clone(), plaintiff_atty.clone());
            tokio::spawn(async move {
                filing::open_civil_case(&app, &court, &atty, &civil_case())
                    .await
                    .unwrap()
                    .unwrap()
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for o in opens {
        seqs.push(o.await.unwrap().case.number.seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, [1, 2, 3, 4]);
    // Filings into one case at once get consecutive entry numbers.
    let year = now().format("%y").to_string();
    let filings: Vec<_> = (0..6)
        .map(|i| {
            let (app, court, atty) = (app.clone(), court.clone(), plaintiff_atty.clone());
            let year = year.clone();
            tokio::spawn(async move {
                let f = NewFiling {
                    case_number: format!("1:{year}-cv-00002"),
                    event: openecf_domain::civil_event("Memorandum of Law").unwrap(),
                    party: "Jane Doe".into(),
                    docket_text: format!("number {i}"),
                    prompts: Default::default(),
                    main: upload("memo.pdf", 1),
                    attachments: vec![],
                };
                filing::file_document(&app, &court, &atty, &f)
                    .await
                    .unwrap()
                    .unwrap()
                    .entry_number
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for f in filings {
        numbers.push(f.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, [2, 3, 4, 5, 6, 7]);
}

async fn a_refused_pdf_leaves_nothing_behind(app: &App) {
    let (court, plaintiff_atty, _) = district_with_filers(app).await;
    let mut bad = civil_case();
    bad.attachments = vec![(
        "Exhibit".into(),
        Upload {
            filename: "x.pdf".into(),
            bytes: sample::pdf(1, "x", sample::Extra::JavaScript),
        },
    )];
    let refused = filing::open_civil_case(app, &court, &plaintiff_atty, &bad)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Attachment 1: This PDF document cannot be accepted: it contains JavaScript."
    );
    // Not even the good complaint was stored: every document is checked first.
    let openecf_app::filing::docstore::DocumentStore::Local(dir) = &app.settings.documents else {
        panic!("the contract tests keep documents in a folder")
    };
    let stored = std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "a refused filing stored documents in {}", dir.display());
    let year = now().format("%y").to_string();
    assert!(app
        .store
        .find_cases(&court.id, &CaseQuery::parse(&format!("{year}-1")).unwrap())
        .await
        .unwrap()
        .is_empty());
    // The next case still gets number 1: nothing was skipped.
    let ok = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ok.case.number.seq, 1);
    // A filer not linked at the court cannot file.
    let stranger = add_pacer(app, "strangerx", AccountKind::Individual).await;
    assert_eq!(
        filing::open_civil_case(app, &court, &stranger, &civil_case())
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotAFiler
    );
}

async fn a_petition_opens_a_bankruptcy_case_and_an_adversary_proceeding_follows(app: &App) {
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    go_live(app, "gamb", GoLive::Now).await.unwrap();
    let court = app.store.court(&court_id("gamb")).await.unwrap().unwrap();
    let atty = add_pacer(app, "debtoratty", AccountKind::Individual).await;
    let ecf = add_ecf(app, "gamb", "datty").await;
    assert_eq!(link(app, &court, &atty, &ecf).await, Decision::Linked(ecf.clone()));
    let petition = filing::NewPetition {
        chapter: 7,
        debtors: vec![
            ("Jane Debtor".into(), "123-45-6789".into()),
            ("John Debtor".into(), "987654321".into()),
        ],
        petition: upload("petition.pdf", 40),
        attachments: vec![],
    };
    let mut bad = petition.clone();
    bad.debtors[1].1 = "12-34".into();
    assert_eq!(
        filing::open_bankruptcy_case(app, &court, &atty, &bad)
            .await
            .unwrap()
            .unwrap_err()
            .to_string(),
        "Joint debtor SSN/ITIN: nine digits, like 123-45-6789"
    );
    let r = filing::open_bankruptcy_case(app, &court, &atty, &petition)
        .await
        .unwrap()
        .unwrap();
    let year = now().format("%y").to_string();
    assert_eq!(r.case.number.to_string(), format!("1:{year}-bk-00001"));
    assert_eq!(r.case.chapter, Some(7));
    let docket = app.store.docket(r.case.id).await.unwrap();
    assert_eq!(
        docket[0].docket_text,
        "Chapter 7 Voluntary Petition (Joint). Fee Amount $338.00 Filed by Jane Debtor and John Debtor."
    );
    // Only the last four digits are kept in the clear; the rest is sealed.
    let parties = app.store.parties(r.case.id).await.unwrap();
    assert_eq!(parties[0].ssn_last4.as_deref(), Some("6789"));
    assert_eq!(parties[1].ssn_last4.as_deref(), Some("4321"));
    assert!(r.nef.fragment().contains("Jane Debtor") && !r.nef.fragment().contains("123-45"));
    let mail = app.store.outbox().await.unwrap();
    assert!(mail
        .iter()
        .any(|m| m.subject == format!("Ch-7 1:{year}-bk-00001 Jane Debtor and John Debtor Voluntary Petition")));
    assert!(mail
        .iter()
        .all(|m| !m.body.contains("6789") || !m.body.contains("12345")));
    // An adversary proceeding in it.
    let adversary = filing::NewAdversary {
        lead_case_number: format!("{year}-1"),
        plaintiffs: vec!["Chapter 7 Trustee".into()],
        defendants: vec!["Preferred Creditor LLC".into()],
        nature_of_suit: "12 Recovery of money/property - 547 preference".into(),
        complaint: upload("adversary-complaint.pdf", 8),
        attachments: vec![],
    };
    let a = filing::open_adversary(app, &court, &atty, &adversary)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.case.number.to_string(), format!("1:{year}-ap-00001"));
    assert_eq!(a.case.lead_case_id, Some(r.case.id));
    let lead = app.store.docket(r.case.id).await.unwrap();
    assert_eq!(lead.len(), 2);
    assert_eq!(
        lead[1].docket_text,
        format!("Adversary case 1:{year}-ap-00001. Complaint by Chapter 7 Trustee against Preferred Creditor LLC.")
    );
    // A civil case is no bankruptcy case.
    let mut wrong = adversary.clone();
    wrong.lead_case_number = format!("{year}-ap-1");
    assert!(filing::open_adversary(app, &court, &atty, &wrong)
        .await
        .unwrap()
        .is_err());
}

async fn event_prompts_prefix_the_text_and_refer_to_an_entry_of_the_case(app: &App) {
    let (court, plaintiff_atty, defense_atty) = district_with_filers(app).await;
    let opened = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap();
    let year = now().format("%y").to_string();
    let base = NewFiling {
        case_number: format!("{year}-1"),
        event: openecf_domain::civil_event("Motion for Extension of Time").unwrap(),
        party: "Jane Doe".into(),
        docket_text: "to Serve the Summons".into(),
        prompts: filing::Prompts {
            amended: true,
            ..Default::default()
        },
        main: upload("motion.pdf", 1),
        attachments: vec![],
    };
    let file = |who: &PacerAccount, f: &NewFiling| {
        let (app, court, who, f) = (app.clone(), court.clone(), who.clone(), f.clone());
        async move { filing::file_document(&app, &court, &who, &f).await.unwrap() }
    };
    assert_eq!(file(&plaintiff_atty, &base).await.unwrap().entry_number, 2);
    let answer = NewFiling {
        event: openecf_domain::civil_event("Answer to Complaint").unwrap(),
        party: "Richard Roe".into(),
        docket_text: String::new(),
        prompts: filing::Prompts::default(),
        ..base.clone()
    };
    assert_eq!(file(&defense_atty, &answer).await.unwrap().entry_number, 3);
    let joint = NewFiling {
        event: openecf_domain::civil_event("Motion to Dismiss").unwrap(),
        prompts: filing::Prompts {
            amended: true,
            joint: true,
            refers_to: None,
        },
        ..answer.clone()
    };
    assert_eq!(file(&defense_atty, &joint).await.unwrap().entry_number, 4);
    let response = NewFiling {
        event: openecf_domain::civil_event("Response in Opposition to Motion").unwrap(),
        prompts: filing::Prompts {
            refers_to: Some(2),
            ..Default::default()
        },
        ..answer.clone()
    };
    let r = file(&defense_atty, &response).await.unwrap();
    assert_eq!(r.entry_number, 5);
    assert_eq!(
        r.nef.docket_text,
        "RESPONSE in Opposition re 2 AMENDED MOTION for Extension of Time to Serve the Summons... filed by Richard Roe."
    );
    // A number that is not on this case's docket is refused, and nothing is written.
    let mail_before = app.store.outbox().await.unwrap().len();
    for missing in [99, 0, -1] {
        let wrong = NewFiling {
            prompts: filing::Prompts {
                refers_to: Some(missing),
                ..Default::default()
            },
            ..response.clone()
        };
        let refusal = file(&defense_atty, &wrong).await.unwrap_err();
        assert_eq!(refusal, FilingRefusal::NoSuchEntry(missing));
        if missing == 99 {
            assert_eq!(
                refusal.to_string(),
                "Refers to document 99: there is no such entry in this case."
            );
        }
    }
    assert_eq!(app.store.outbox().await.unwrap().len(), mail_before);
    let docket = app.store.docket(opened.case.id).await.unwrap();
    let texts: Vec<&str> = docket.iter().map(|e| e.docket_text.as_str()).collect();
    assert_eq!(
        texts[1..],
        [
            "AMENDED MOTION for Extension of Time to Serve the Summons filed by Jane Doe.",
            "ANSWER to Complaint filed by Richard Roe.",
            "AMENDED JOINT MOTION to Dismiss filed by Richard Roe.",
            "RESPONSE in Opposition re 2 AMENDED MOTION for Extension of Time to Serve the Summons... filed by Richard Roe.",
        ]
    );
    // The store keeps the link, to the entry itself.
    assert_eq!(docket[4].refers_to, Some(docket[1].id));
    assert!(docket[..4].iter().all(|e| e.refers_to.is_none()));
    // Another case's entry 2 is not this case's: the reference is per case.
    let other = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap();
    let across = NewFiling {
        case_number: other.case.number.to_string(),
        party: "Jane Doe".into(),
        event: openecf_domain::civil_event("Memorandum of Law").unwrap(),
        prompts: filing::Prompts {
            refers_to: Some(2),
            ..Default::default()
        },
        ..base.clone()
    };
    assert_eq!(
        file(&plaintiff_atty, &across).await.unwrap_err(),
        FilingRefusal::NoSuchEntry(2)
    );
}

async fn a_held_filing_is_filed_once_on_submit_from_its_session_within_30_minutes(app: &App) {
    let (court, plaintiff_atty, _) = district_with_filers(app).await;
    let opened = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap();
    let t = app.clock.now();
    let (mine, theirs) = (format!("held-{}", rand_suffix()), format!("other-{}", rand_suffix()));
    for s in [&mine, &theirs] {
        app.store
            .create_session(s, Principal::Pacer(plaintiff_atty.id), t, "127.0.0.1", "test")
            .await
            .unwrap();
    }
    let year = now().format("%y").to_string();
    let motion = NewFiling {
        case_number: format!("{year}-1"),
        event: openecf_domain::civil_event("Motion to Dismiss").unwrap(),
        party: "Jane Doe".into(),
        docket_text: String::new(),
        prompts: filing::Prompts {
            refers_to: Some(1),
            ..Default::default()
        },
        main: upload("motion.pdf", 2),
        attachments: vec![],
    };
    let hold = || filing::hold_filing(app, &court, &plaintiff_atty, &mine, &motion);
    let review = hold().await.unwrap().unwrap();
    assert_eq!(
        review.docket_text,
        "MOTION to Dismiss re 1 COMPLAINT against Richard Roe filed by Jane Doe filed by Jane Doe."
    );
    assert_eq!(
        review.documents,
        [("Motion to Dismiss".to_owned(), "motion.pdf".to_owned(), 2)]
    );
    // Held, not filed: the docket has the complaint only, and no notice went out.
    let mail_before = app.store.outbox().await.unwrap().len();
    assert_eq!(app.store.docket(opened.case.id).await.unwrap().len(), 1);
    let submit = |session: &str, token: &str| {
        let (app, court, atty) = (app.clone(), court.clone(), plaintiff_atty.clone());
        let (session, token) = (session.to_owned(), token.to_owned());
        async move {
            filing::submit_held_filing(&app, &court, &atty, &session, &token)
                .await
                .unwrap()
        }
    };
    // Another session cannot submit it; a made-up token is nothing.
    assert_eq!(
        submit(&theirs, &review.token).await.unwrap_err(),
        FilingRefusal::NotPending
    );
    assert_eq!(
        submit(&mine, "0".repeat(64).as_str()).await.unwrap_err(),
        FilingRefusal::NotPending
    );
    // Two Submits at once: one files, the other is refused.
    let (a, b) = tokio::join!(submit(&mine, &review.token), submit(&mine, &review.token));
    let filed: Vec<_> = [a, b].into_iter().filter_map(|r| r.ok()).collect();
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].entry_number, 2);
    let docket = app.store.docket(opened.case.id).await.unwrap();
    assert_eq!(docket.len(), 2);
    assert_eq!(docket[1].refers_to, Some(docket[0].id));
    assert_eq!(docket[1].docket_text, review.docket_text);
    assert!(app.store.outbox().await.unwrap().len() > mail_before);
    // Cancelled, or past 30 minutes: nothing is filed.
    let cancelled = hold().await.unwrap().unwrap();
    filing::cancel_held_filing(app, &court, &mine, &cancelled.token)
        .await
        .unwrap();
    assert_eq!(
        submit(&mine, &cancelled.token).await.unwrap_err(),
        FilingRefusal::NotPending
    );
    let late = hold().await.unwrap().unwrap();
    app.clock.advance(Duration::from_secs(30 * 60));
    assert_eq!(submit(&mine, &late.token).await.unwrap_err(), FilingRefusal::NotPending);
    assert_eq!(app.store.docket(opened.case.id).await.unwrap().len(), 2);
    // A refused filing is not held.
    let wrong = NewFiling {
        prompts: filing::Prompts {
            refers_to: Some(7),
            ..Default::default()
        },
        ..motion.clone()
    };
    assert_eq!(
        filing::hold_filing(app, &court, &plaintiff_atty, &mine, &wrong)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NoSuchEntry(7)
    );
}

async fn court_staff_open_criminal_cases_and_counsel_appear_in_them(app: &App) {
    let (court, prosecutor, defense) = district_with_filers(app).await;
    let clerk = add_pacer(app, "deputyclerk", AccountKind::Individual).await;
    let indictment = filing::NewCriminalCase {
        case_type: openecf_domain::CaseType::Criminal,
        defendants: vec!["John Smith".into(), "Mary Major".into()],
        cause: "18:1343 Wire Fraud".into(),
        indictment: upload("indictment.pdf", 9),
        attachments: vec![],
    };
    // A filer, even linked, is not the clerk's office; nor is anyone before the grant.
    assert_eq!(
        filing::open_criminal_case(app, &court, &prosecutor, &indictment)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotStaff
    );
    assert_eq!(
        filing::open_criminal_case(app, &court, &clerk, &indictment)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotStaff
    );
    let firm = add_pacer(app, "firmstaff", AccountKind::SharedFirm).await;
    assert!(
        openecf_app::courts::set_staff(app, &court.id, firm.username.as_str(), true, "test")
            .await
            .unwrap()
            .is_err()
    );
    assert_eq!(
        openecf_app::courts::set_staff(app, &court.id, "deputyclerk", true, "test")
            .await
            .unwrap(),
        Ok(true)
    );
    assert_eq!(
        openecf_app::courts::set_staff(app, &court.id, "deputyclerk", true, "test")
            .await
            .unwrap(),
        Ok(false)
    );
    // Court staff, like filers, must set up MFA.
    assert!(app.store.mfa_state(clerk.id).await.unwrap().is_filer);
    let r = filing::open_criminal_case(app, &court, &clerk, &indictment)
        .await
        .unwrap()
        .unwrap();
    let year = now().format("%y").to_string();
    assert_eq!(r.case.number.to_string(), format!("1:{year}-cr-00001-ABC"));
    assert_eq!(r.case.title, "USA v. John Smith et al");
    let docket = app.store.docket(r.case.id).await.unwrap();
    assert_eq!(
        docket[0].docket_text,
        "INDICTMENT as to John Smith (1), Mary Major (2)."
    );
    assert!(filing::may_read(app, &court, r.case.id, &clerk).await.unwrap());
    // Counsel appear by notice; a civil event is refused in a criminal case.
    let appear = |who: &str, text: &str| NewFiling {
        case_number: format!("{year}-cr-1"),
        event: openecf_domain::criminal_event("Notice of Attorney Appearance").unwrap(),
        party: who.to_owned(),
        docket_text: text.to_owned(),
        prompts: Default::default(),
        main: upload("appearance.pdf", 1),
        attachments: vec![],
    };
    filing::file_document(
        app,
        &court,
        &prosecutor,
        &appear("USA", "AUSA Pat Prosecutor appearing for USA"),
    )
    .await
    .unwrap()
    .unwrap();
    let mut civil = appear("John Smith", "");
    civil.event = openecf_domain::civil_event("Notice of Appearance").unwrap();
    assert_eq!(
        filing::file_document(app, &court, &defense, &civil)
            .await
            .unwrap()
            .unwrap_err()
            .to_string(),
        format!("1:{year}-cr-00001-ABC is a criminal case: file into it from the Criminal menu.")
    );
    let defended = filing::file_document(app, &court, &defense, &appear("John Smith", ""))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(defended.entry_number, 3);
    // The prosecutor, of record, was noticed of the defence's appearance.
    let mail = app.store.outbox().await.unwrap();
    assert!(mail.iter().any(|m| m.to_addr == prosecutor.email.as_str()
        && m.subject
            == format!(
                "Activity in Case 1:{year}-cr-00001-ABC USA v. John Smith et al Notice of Attorney Appearance"
            )));
    // The grant is audited, and ends.
    let audit = app.store.audit_events(None).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "court.staff" && e.pacer_username.as_deref() == Some("deputyclerk")));
    assert_eq!(
        openecf_app::courts::set_staff(app, &court.id, "deputyclerk", false, "test")
            .await
            .unwrap(),
        Ok(true)
    );
    assert_eq!(
        filing::open_criminal_case(app, &court, &clerk, &indictment)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotStaff
    );
}

use openecf_app::ecf_account::{self, EcfAccountRefusal};

async fn ecf_notice_prefs_are_kept_and_refusals_change_nothing(app: &App) {
    let (court, atty, _) = district_with_filers(app).await;
    let prefs = ecf_account::prefs(app, &court, &atty).await.unwrap().unwrap();
    assert_eq!(prefs, NoticePrefs::default());
    assert_eq!(prefs.delivery, NoticeDelivery::EachFiling);
    for n in 1..=5 {
        ecf_account::add_secondary_email(app, &court, &atty, &format!(" paralegal{n}@firm.example.com "))
            .await
            .unwrap()
            .unwrap();
    }
    let before = app.store.notice_prefs(&court.id, atty.id).await.unwrap();
    assert_eq!(before.secondary.len(), 5);
    assert_eq!(before.secondary[0], "paralegal1@firm.example.com");
    let audits = app.store.audit_events(Some("nysd")).await.unwrap().len();
    for (raw, refusal) in [
        ("not an address", None),
        (
            "PlaintiffAtty@example.com",
            Some(SecondaryEmailRefusal::IsPrimary("PlaintiffAtty@example.com".into())),
        ),
        (
            "Paralegal2@firm.example.com",
            Some(SecondaryEmailRefusal::Duplicate("Paralegal2@firm.example.com".into())),
        ),
        ("sixth@firm.example.com", Some(SecondaryEmailRefusal::TooMany)),
    ] {
        let got = ecf_account::add_secondary_email(app, &court, &atty, raw)
            .await
            .unwrap()
            .unwrap_err();
        match refusal {
            Some(r) => assert_eq!(got, EcfAccountRefusal::Email(r)),
            None => assert!(
                matches!(got, EcfAccountRefusal::Email(SecondaryEmailRefusal::Invalid(_))),
                "{got:?}"
            ),
        }
    }
    assert_eq!(
        ecf_account::remove_secondary_email(app, &court, &atty, "nobody@example.com")
            .await
            .unwrap()
            .unwrap_err(),
        EcfAccountRefusal::NotSecondary("nobody@example.com".into())
    );
    assert_eq!(
        app.store.notice_prefs(&court.id, atty.id).await.unwrap(),
        before,
        "nothing written"
    );
    assert_eq!(app.store.audit_events(Some("nysd")).await.unwrap().len(), audits);
    // Remove one, then switch to the daily summary (twice: one change).
    ecf_account::remove_secondary_email(app, &court, &atty, "paralegal3@firm.example.com")
        .await
        .unwrap()
        .unwrap();
    for _ in 0..2 {
        ecf_account::set_delivery(app, &court, &atty, NoticeDelivery::DailySummary)
            .await
            .unwrap()
            .unwrap();
    }
    let after = app.store.notice_prefs(&court.id, atty.id).await.unwrap();
    assert_eq!(after.delivery, NoticeDelivery::DailySummary);
    assert_eq!(after.secondary.len(), 4);
    assert!(!after.secondary.contains(&"paralegal3@firm.example.com".to_owned()));
    let events = app.store.audit_events(Some("nysd")).await.unwrap();
    let actions: Vec<&str> = events[audits..].iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["ecf.email.remove", "ecf.delivery"]);
    assert_eq!(events.iter().filter(|e| e.action == "ecf.email.add").count(), 5);
    // Prefs are per court: another court's are the default, and a filer not
    // linked there may not change them.
    let other = live_court(app, "gamb").await;
    assert_eq!(
        ecf_account::prefs(app, &other, &atty).await.unwrap().unwrap_err(),
        EcfAccountRefusal::NotAFiler
    );
    assert_eq!(
        ecf_account::add_secondary_email(app, &other, &atty, "x@example.com")
            .await
            .unwrap()
            .unwrap_err(),
        EcfAccountRefusal::NotAFiler
    );
    assert_eq!(
        app.store.notice_prefs(&other.id, atty.id).await.unwrap(),
        NoticePrefs::default()
    );
}

async fn notices_go_to_secondary_addresses_or_into_one_daily_summary(app: &App) {
    let (court, plaintiff_atty, defense_atty) = district_with_filers(app).await;
    ecf_account::add_secondary_email(app, &court, &plaintiff_atty, "p2@firm.example.com")
        .await
        .unwrap()
        .unwrap();
    ecf_account::add_secondary_email(app, &court, &defense_atty, "d2@firm.example.com")
        .await
        .unwrap()
        .unwrap();
    ecf_account::set_delivery(app, &court, &defense_atty, NoticeDelivery::DailySummary)
        .await
        .unwrap()
        .unwrap();
    filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap();
    let year = now().format("%y").to_string();
    let answer = NewFiling {
        case_number: format!("{year}-1"),
        event: openecf_domain::civil_event("Answer to Complaint").unwrap(),
        party: "Richard Roe".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("answer.pdf", 2),
        attachments: vec![],
    };
    let filed = filing::file_document(app, &court, &defense_atty, &answer)
        .await
        .unwrap()
        .unwrap();
    // The notice names every address; per-filing recipients get it at each, each link their own.
    let noticed: Vec<&str> = filed.nef.noticed.iter().map(|(_, e)| e.as_str()).collect();
    for address in [
        "plaintiffatty@example.com",
        "p2@firm.example.com",
        "defenseatty@example.com",
        "d2@firm.example.com",
    ] {
        assert!(noticed.contains(&address), "{address} not in {noticed:?}");
    }
    let mail = app.store.outbox().await.unwrap();
    let answers: Vec<_> = mail
        .iter()
        .filter(|m| m.subject.contains("Answer to Complaint"))
        .collect();
    let mut to: Vec<&str> = answers.iter().map(|m| m.to_addr.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        ["p2@firm.example.com", "plaintiffatty@example.com"],
        "no NEF mail to the daily-summary filer"
    );
    let token = |body: &str| body.split("magic_num=").nth(1).unwrap()[..20].to_owned();
    assert_ne!(token(&answers[0].body), token(&answers[1].body));
    assert!(answers[0].body.contains("p2@firm.example.com"));
    // The defense's two addresses wait for the daily summary.
    let items = app.store.summary_items(&court.id).await.unwrap();
    let mut waiting: Vec<&str> = items.iter().map(|i| i.to_addr.as_str()).collect();
    waiting.sort();
    assert_eq!(waiting, ["d2@firm.example.com", "defenseatty@example.com"]);
    assert!(items.iter().all(|i| i.sent_at.is_none() && i.document_number == 2));
    // A second filing the same day, by the plaintiff.
    let reply = NewFiling {
        party: "Jane Doe".into(),
        event: openecf_domain::civil_event("Motion to Dismiss").unwrap(),
        main: upload("motion.pdf", 1),
        ..answer.clone()
    };
    filing::file_document(app, &court, &plaintiff_atty, &reply)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.store.summary_items(&court.id).await.unwrap().len(), 4);
    let summaries = |app: &App| {
        let store = app.store.clone();
        async move {
            store
                .outbox()
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.subject.starts_with("Daily Summary Report"))
                .collect::<Vec<_>>()
        }
    };
    // Not before the day ends; one job for the court and day.
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let w = worker(app, dir.path());
    w.run_due().await.unwrap();
    assert!(summaries(app).await.is_empty());
    let jobs: Vec<_> = app
        .store
        .jobs()
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == NEF_DAILY_SUMMARY)
        .collect();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].payload, format!("nysd|{}", now().date_naive()));
    // The worker's start finds the same job (it is keyed): still one.
    w.schedule_daily_summaries().await.unwrap();
    assert_eq!(
        app.store
            .jobs()
            .await
            .unwrap()
            .iter()
            .filter(|j| j.kind == NEF_DAILY_SUMMARY)
            .count(),
        1
    );
    app.clock.advance(Duration::from_secs(24 * 3600));
    let other = worker(app, dir.path());
    let (a, b) = tokio::join!(w.run_due(), other.run_due());
    a.unwrap();
    b.unwrap();
    let sent = summaries(app).await;
    let mut to: Vec<&str> = sent.iter().map(|m| m.to_addr.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        ["d2@firm.example.com", "defenseatty@example.com"],
        "one report per address"
    );
    for m in &sent {
        assert!(!m.html);
        assert!(m.sent_at.is_some(), "delivered");
        assert!(
            m.body.contains("removed once delivered"),
            "its free-look links are blanked"
        );
    }
    let items = app.store.summary_items(&court.id).await.unwrap();
    assert!(
        items.iter().all(|i| i.sent_at.is_some() && i.link.is_empty()),
        "{items:?}"
    );
    assert!(app
        .store
        .jobs()
        .await
        .unwrap()
        .iter()
        .all(|j| j.kind != NEF_DAILY_SUMMARY));
    // Once: another day and another start send nothing more.
    w.schedule_daily_summaries().await.unwrap();
    app.clock.advance(Duration::from_secs(24 * 3600));
    w.run_due().await.unwrap();
    assert_eq!(summaries(app).await.len(), 2);
    // Reported items are forgotten after 30 days.
    let later = app.clock.now();
    assert_eq!(app.store.purge_sent_summary_items(later).await.unwrap(), 0);
    let month = later + chrono::Duration::days(31);
    assert!(app.store.purge_sent_summary_items(month).await.unwrap() > 0);
    assert!(app.store.summary_items(&court.id).await.unwrap().is_empty());
}

async fn a_creditor_matrix_is_filed_as_plain_text(app: &App) {
    add_court(app, "gamb", CourtKind::Bankruptcy).await;
    go_live(app, "gamb", GoLive::Now).await.unwrap();
    let court = app.store.court(&court_id("gamb")).await.unwrap().unwrap();
    let atty = add_pacer(app, "debtoratty", AccountKind::Individual).await;
    let ecf = add_ecf(app, "gamb", "datty").await;
    assert_eq!(link(app, &court, &atty, &ecf).await, Decision::Linked(ecf.clone()));
    let petition = filing::NewPetition {
        chapter: 13,
        debtors: vec![("Pat Debtor".into(), "123456789".into())],
        petition: upload("petition.pdf", 30),
        attachments: vec![],
    };
    let case = filing::open_bankruptcy_case(app, &court, &atty, &petition)
        .await
        .unwrap()
        .unwrap()
        .case;
    let matrix = |text: &str| NewFiling {
        case_number: case.number.to_string(),
        event: openecf_domain::CREDITOR_MATRIX,
        party: "Pat Debtor".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: Upload {
            filename: "matrix.txt".into(),
            bytes: text.as_bytes().to_vec(),
        },
        attachments: vec![],
    };
    let refused = filing::file_document(
        app,
        &court,
        &atty,
        &matrix("A Creditor With A Very Long Name Indeed LLC\n"),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Creditor matrix: line 1 has 43 characters; a creditor matrix allows at most 40 a line."
    );
    assert_eq!(app.store.docket(case.id).await.unwrap().len(), 1, "nothing was entered");
    // A PDF is no matrix.
    let mut pdf = matrix("");
    pdf.main = upload("matrix.pdf", 1);
    assert!(filing::file_document(app, &court, &atty, &pdf).await.unwrap().is_err());
    let ok = filing::file_document(app, &court, &atty, &matrix("First Bank\nMacon, GA 31201\n"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ok.entry_number, 2);
    let docket = app.store.docket(case.id).await.unwrap();
    assert_eq!(docket[1].documents[0].media_type, "text/plain");
    assert_eq!(docket[0].documents[0].media_type, "application/pdf");
    let bytes = app
        .settings
        .documents
        .get(&docket[1].documents[0].sha256)
        .await
        .unwrap();
    assert_eq!(bytes, b"First Bank\nMacon, GA 31201\n");
    // A key rotation seals the debtor's SSN again under the new key.
    let new = openecf_app::keys::ServerKey::random();
    let (_, _, tax_ids) = openecf_app::mfa::rotate_key(app, &new).await.unwrap();
    assert_eq!(tax_ids, 1);
    let mut tx = app.store.write().await.unwrap();
    let sealed = tx.all_sealed_tax_ids().await.unwrap();
    drop(tx);
    assert_eq!(openecf_app::seal::open_tax_id(&new, &sealed[0].1).unwrap(), "123456789");
    assert!(openecf_app::seal::open_tax_id(&app.settings.secret_key, &sealed[0].1).is_err());
}

async fn counsel_file_only_for_the_parties_they_represent(app: &App) {
    let (court, plaintiff_atty, defense_atty) = district_with_filers(app).await;
    let case = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap()
        .case;
    let filing_for = |party: &str, event: &str| NewFiling {
        case_number: case.number.to_string(),
        event: openecf_domain::civil_event(event).unwrap(),
        party: party.to_owned(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("m.pdf", 1),
        attachments: vec![],
    };
    // The plaintiff's attorney cannot move for the defendant.
    assert_eq!(
        filing::file_document(
            app,
            &court,
            &plaintiff_atty,
            &filing_for("Richard Roe", "Motion to Dismiss")
        )
        .await
        .unwrap()
        .unwrap_err(),
        FilingRefusal::NotOfRecord
    );
    // The defendant's attorney appears (as lead), then moves.
    filing::file_document(
        app,
        &court,
        &defense_atty,
        &filing_for("Richard Roe", "Answer to Complaint"),
    )
    .await
    .unwrap()
    .unwrap();
    filing::file_document(
        app,
        &court,
        &defense_atty,
        &filing_for("Richard Roe", "Motion to Dismiss"),
    )
    .await
    .unwrap()
    .unwrap();
    // A second appearance for the defendant is not its lead attorney.
    let second = add_pacer(app, "secondatty", AccountKind::Individual).await;
    let ecf = add_ecf(app, "nysd", "satty").await;
    assert_eq!(link(app, &court, &second, &ecf).await, Decision::Linked(ecf.clone()));
    filing::file_document(app, &court, &second, &filing_for("Richard Roe", "Notice of Appearance"))
        .await
        .unwrap()
        .unwrap();
    let roe = app
        .store
        .parties(case.id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Richard Roe")
        .unwrap();
    let attorneys = app.store.attorneys(case.id).await.unwrap();
    let lead_of = |who: &PacerAccount| {
        attorneys
            .iter()
            .find(|a| a.party_id == roe.id && a.pacer_account_id == who.id.get())
            .map(|a| a.lead != 0)
    };
    assert_eq!((lead_of(&defense_atty), lead_of(&second)), (Some(true), Some(false)));
    // Each notice's free looks are forgotten after their 15 days.
    let complaint = app.store.docket(case.id).await.unwrap()[0].documents[0].id;
    assert!(!app.store.free_looks(complaint).await.unwrap().is_empty());
    let day = chrono::Duration::days(1);
    assert_eq!(app.store.purge_free_looks(now() + day * 14).await.unwrap(), 0);
    assert!(app.store.purge_free_looks(now() + day * 16).await.unwrap() > 0);
    assert!(app.store.free_looks(complaint).await.unwrap().is_empty());
}

async fn a_court_adds_events_that_its_filers_file_and_removes_them(app: &App) {
    use openecf_app::filing::catalogue::{self, CatalogueRefusal};
    let (court, plaintiff_atty, _) = district_with_filers(app).await;
    let case = filing::open_civil_case(app, &court, &plaintiff_atty, &civil_case())
        .await
        .unwrap()
        .unwrap()
        .case;
    let compel = Event {
        category: "Discovery Documents".into(),
        name: "Motion to Compel".into(),
        docket_text: "MOTION to Compel Discovery".into(),
        appearance: false,
    };
    let filing = NewFiling {
        case_number: case.number.to_string(),
        event: compel.clone(),
        party: "Jane Doe".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("compel.pdf", 2),
        attachments: vec![],
    };
    // Not in the catalogue yet: refused, nothing filed.
    assert_eq!(
        filing::file_document(app, &court, &plaintiff_atty, &filing)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::Invalid("Event: choose one from the list.".into())
    );
    catalogue::add_event(app, &court.id, EventMenu::Civil, &compel, "clerk-ops")
        .await
        .unwrap()
        .unwrap();
    // A name means one event at a court: neither a second add nor a built-in's name.
    let again = catalogue::add_event(app, &court.id, EventMenu::Criminal, &compel, "clerk-ops")
        .await
        .unwrap();
    assert!(
        matches!(again, Err(CatalogueRefusal::Invalid(ref e)) if e.field == "name"),
        "{again:?}"
    );
    let builtin = Event {
        name: "Motion to Dismiss".into(),
        ..compel.clone()
    };
    assert!(catalogue::add_event(app, &court.id, EventMenu::Civil, &builtin, "x")
        .await
        .unwrap()
        .is_err());
    assert!(catalogue::add_event(
        app,
        &court.id,
        EventMenu::Bankruptcy,
        &Event {
            name: "Other".into(),
            ..compel.clone()
        },
        "x"
    )
    .await
    .unwrap()
    .is_err());
    assert_eq!(
        catalogue::add_event(app, &court_id("zzzz"), EventMenu::Civil, &compel, "x")
            .await
            .unwrap(),
        Err(CatalogueRefusal::NoSuchCourt("zzzz".into()))
    );
    let list = catalogue::catalogue(app, &court).await.unwrap();
    assert_eq!(
        list.menu(EventMenu::Civil)
            .filter(|e| e.name == "Motion to Compel")
            .count(),
        1
    );
    assert!(list.categories(EventMenu::Civil).contains(&"Discovery Documents"));
    // The form's words are not trusted: the court's docket text is used.
    let forged = NewFiling {
        event: Event {
            docket_text: "ORDER granting everything".into(),
            ..compel.clone()
        },
        ..filing.clone()
    };
    let filed = filing::file_document(app, &court, &plaintiff_atty, &forged)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(filed.nef.docket_text, "MOTION to Compel Discovery filed by Jane Doe.");
    assert_eq!(filed.entry_number, 2);
    // Other courts do not have it.
    add_court(app, "ilnd", CourtKind::District).await;
    let ilnd = app.store.court(&court_id("ilnd")).await.unwrap().unwrap();
    assert!(catalogue::catalogue(app, &ilnd)
        .await
        .unwrap()
        .named("Motion to Compel")
        .is_none());
    // Removed: no longer offered or filed; the entry keeps its text. Built-ins stay.
    assert!(matches!(
        catalogue::remove_event(app, &court.id, "Motion to Dismiss", "x")
            .await
            .unwrap(),
        Err(CatalogueRefusal::NoSuchEvent { .. })
    ));
    catalogue::remove_event(app, &court.id, "Motion to Compel", "clerk-ops")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        filing::file_document(app, &court, &plaintiff_atty, &filing)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::Invalid("Event: choose one from the list.".into())
    );
    let docket = app.store.docket(case.id).await.unwrap();
    assert_eq!(
        docket.last().unwrap().docket_text,
        "MOTION to Compel Discovery filed by Jane Doe."
    );
    let audit = app.store.audit_events(Some("nysd")).await.unwrap();
    let changes: Vec<_> = audit.iter().filter(|e| e.action == "court.event").collect();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(changes[0].detail.contains("clerk-ops"));
}

async fn a_filing_agent_files_in_the_attorneys_name_until_removed(app: &App) {
    use openecf_app::filing::agents::{self, AgentRefusal};
    use openecf_app::filing::Filer;
    let (court, attorney, other_atty) = district_with_filers(app).await;
    let person = |username: &str, name: &str, kind: AccountKind, year: i32| NewPacerAccount {
        username: Username::parse_new(username).unwrap(),
        password_hash: "$argon2id$fake".into(),
        name: PersonName::parse(name).unwrap(),
        email: Email::parse(&format!("{username}@example.com")).unwrap(),
        kind,
        created_on: NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
    };
    for (u, n, k, y) in [
        ("paralegal2026", "Pat Paralegal", AccountKind::Individual, 2020),
        ("firmshared", "Firm Account", AccountKind::SharedFirm, 2020),
        ("oldagent", "Old Agent", AccountKind::Individual, 2010),
    ] {
        app.store.add_pacer_account(&person(u, n, k, y), now()).await.unwrap();
    }
    let agent = app
        .store
        .pacer_by_username(&Username::parse_new("paralegal2026").unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    // Whom an attorney may name.
    let name = |who: &'static str| agents::name_agent(app, &court, &attorney, who);
    assert_eq!(
        name("nobody").await.unwrap().unwrap_err(),
        AgentRefusal::NoSuchAccount("nobody".into())
    );
    assert_eq!(
        name("firmshared").await.unwrap().unwrap_err(),
        AgentRefusal::SharedAccount("firmshared".into())
    );
    assert_eq!(
        name("oldagent").await.unwrap().unwrap_err(),
        AgentRefusal::Legacy("oldagent".into())
    );
    assert_eq!(
        name("plaintiffatty").await.unwrap().unwrap_err(),
        AgentRefusal::Yourself
    );
    // Only a filer at the court names agents there.
    assert_eq!(
        agents::name_agent(app, &court, &agent, "plaintiffatty")
            .await
            .unwrap()
            .unwrap_err(),
        AgentRefusal::NotAFiler
    );
    let case = filing::open_civil_case(app, &court, &attorney, &civil_case())
        .await
        .unwrap()
        .unwrap()
        .case;
    let motion = NewFiling {
        case_number: case.number.to_string(),
        event: openecf_domain::civil_event("Motion for Extension of Time").unwrap(),
        party: "Jane Doe".into(),
        docket_text: String::new(),
        prompts: Default::default(),
        main: upload("ext.pdf", 1),
        attachments: vec![],
    };
    let as_agent = Filer {
        attorney: &attorney,
        agent: Some(&agent),
    };
    // Not named yet: refused, and an agent alone is no filer.
    assert_eq!(
        filing::file_document(app, &court, as_agent, &motion)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotAnAgent
    );
    assert_eq!(
        filing::file_document(app, &court, &agent, &motion)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotAFiler
    );
    assert!(!app.store.mfa_state(agent.id).await.unwrap().is_filer);
    let named = name("paralegal2026").await.unwrap().unwrap();
    // Named, not yet accepted: no filing, no MFA rule; the agent accepts.
    assert!(!app.store.mfa_state(agent.id).await.unwrap().is_filer);
    assert!(agents::principals(app, &court, &agent).await.unwrap().is_empty());
    assert_eq!(
        agents::answer_naming(app, &court, &agent, "otheratty", true)
            .await
            .unwrap()
            .unwrap_err(),
        AgentRefusal::NoInvitation
    );
    agents::answer_naming(app, &court, &agent, "plaintiffatty", true)
        .await
        .unwrap()
        .unwrap();
    // An agent files: multi-factor authentication is required of them as of any filer.
    assert!(app.store.mfa_state(agent.id).await.unwrap().is_filer);
    assert_eq!(named.name, "Pat Paralegal");
    name("paralegal2026").await.unwrap().unwrap();
    assert_eq!(agents::agents(app, &court, &attorney).await.unwrap().unwrap().len(), 1);
    let principals = agents::principals(app, &court, &agent).await.unwrap();
    assert_eq!(
        principals.iter().map(|p| p.username.as_str()).collect::<Vec<_>>(),
        ["plaintiffatty"]
    );
    // Filed in the attorney's name; the notice says who entered it for whom.
    let filed = filing::file_document(app, &court, as_agent, &motion)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(filed.nef.entered_by, "Pat Paralegal on behalf of Pat Filer");
    // Times as the court keeps them (nysd: New York), not UTC: 08:00 UTC is 3 AM EST.
    assert_eq!(now().to_rfc3339(), "2027-01-15T08:00:00+00:00");
    assert_eq!(filed.nef.entered_at, "1/15/2027 at 3:00 AM EST");
    assert_eq!(filed.nef.docket_text, "MOTION for Extension of Time filed by Jane Doe.");
    let html = filed.nef.mail(&Email::parse("x@example.com").unwrap()).body;
    assert!(
        html.contains("entered by Pat Paralegal on behalf of Pat Filer on "),
        "{html}"
    );
    let docket = app.store.docket(case.id).await.unwrap();
    assert_eq!(docket.len(), 2);
    // Not the agent of another attorney; nor for a party their attorney does not represent.
    let for_other = Filer {
        attorney: &other_atty,
        agent: Some(&agent),
    };
    assert_eq!(
        filing::file_document(app, &court, for_other, &motion)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotAnAgent
    );
    let for_roe = NewFiling {
        party: "Richard Roe".into(),
        ..motion.clone()
    };
    assert_eq!(
        filing::file_document(app, &court, as_agent, &for_roe)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotOfRecord
    );
    // A filing held for Submit is not filed once the agent is removed.
    let session = format!("agent-{}", rand_suffix());
    app.store
        .create_session(
            &session,
            Principal::Pacer(agent.id),
            app.clock.now(),
            "127.0.0.1",
            "test",
        )
        .await
        .unwrap();
    let review = filing::hold_filing(app, &court, as_agent, &session, &motion)
        .await
        .unwrap()
        .unwrap();
    agents::remove_agent(app, &court, &attorney, "paralegal2026")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        filing::submit_held_filing(app, &court, as_agent, &session, &review.token)
            .await
            .unwrap()
            .unwrap_err(),
        FilingRefusal::NotAnAgent
    );
    assert_eq!(app.store.docket(case.id).await.unwrap().len(), 2);
    assert_eq!(
        agents::remove_agent(app, &court, &attorney, "paralegal2026")
            .await
            .unwrap()
            .unwrap_err(),
        AgentRefusal::NotYourAgent("paralegal2026".into())
    );
    let audit = app.store.audit_events(Some("nysd")).await.unwrap();
    let named: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "ecf.filing_agent")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(
        named,
        [
            "named paralegal2026 as filing agent",
            "accepted being filing agent of plaintiffatty",
            "removed paralegal2026 as filing agent"
        ]
    );
    assert!(audit.iter().any(|e| e.action == "filing"
        && e.pacer_username.as_deref() == Some("paralegal2026")
        && e.detail.ends_with("as filing agent of plaintiffatty")));
}

async fn pacer_fees_are_charged_once_per_request_capped_and_waived_by_quarter(app: &App) {
    use openecf_app::fees::{self, Charge};
    use openecf_domain::fees::{Billable, Quarter};
    let (court, reader, clerk) = district_with_filers(app).await;
    let session = format!("fees-{}", rand_suffix());
    app.store
        .create_session(
            &session,
            Principal::Pacer(reader.id),
            app.clock.now(),
            "127.0.0.1",
            "test",
        )
        .await
        .unwrap();
    assert!(fees::set_client_code(app, &session, "a b").await.unwrap().is_err());
    assert_eq!(
        fees::set_client_code(app, &session, " matter-42 ")
            .await
            .unwrap()
            .unwrap(),
        "matter-42"
    );
    let doc = |pages: i64, key: &'static str, criteria: &'static str| Charge {
        court: Some(&court),
        description: "Image 2-0",
        criteria,
        billable: Billable::Document { pages },
        opinion: false,
        request_key: key,
    };
    let first = fees::charge(app, &reader, &session, doc(4, "k1", "1:26-cv-00001"))
        .await
        .unwrap();
    assert_eq!(
        (first.pages, first.cost_cents, first.client_code.as_str()),
        (4, 40, "matter-42")
    );
    // A retried request is not charged again.
    let retry = fees::charge(app, &reader, &session, doc(4, "k1", "1:26-cv-00001"))
        .await
        .unwrap();
    assert_eq!(retry.id, first.id);
    // The same key for another view is another charge; a long PDF is capped at $3.00.
    let long = fees::charge(app, &reader, &session, doc(45, "k1", "1:26-cv-00002"))
        .await
        .unwrap();
    assert_ne!(long.id, first.id);
    assert_eq!((long.pages, long.cost_cents), (30, 300));
    // A report at 4,320 bytes a page; a search that finds nothing costs a page.
    let report = Charge {
        description: "Docket Report",
        billable: Billable::CaseReport { bytes: 9_000 },
        ..doc(0, "k2", "1:26-cv-00001")
    };
    assert_eq!(
        fees::charge(app, &reader, &session, report).await.unwrap().cost_cents,
        30
    );
    let nothing = Charge {
        description: "Search",
        billable: Billable::Search {
            bytes: 50_000,
            matched: false,
        },
        ..doc(0, "k3", "Last Name: Nobody")
    };
    assert_eq!(fees::charge(app, &reader, &session, nothing).await.unwrap().pages, 1);
    // Opinions and the court's own staff are recorded, free.
    let opinion = Charge {
        opinion: true,
        ..doc(12, "k4", "1:26-cv-00001")
    };
    let free = fees::charge(app, &reader, &session, opinion).await.unwrap();
    assert_eq!((free.cost_cents, free.exempt.as_str()), (0, "opinion"));
    let mut tx = app.store.write().await.unwrap();
    tx.add_staff(&court.id, clerk.id, app.clock.now()).await.unwrap();
    tx.commit().await.unwrap();
    let staff = fees::charge(app, &clerk, &session, doc(10, "k5", "1:26-cv-00001"))
        .await
        .unwrap();
    assert_eq!((staff.cost_cents, staff.exempt.as_str()), (0, "court user"));
    // The quarter: $3.80 in all, under $30, so nothing is due.
    let usage = fees::usage_by_quarter(app, &reader).await.unwrap();
    assert_eq!(usage[0].quarter, Quarter::of(app.clock.now()));
    assert_eq!(
        (
            usage[0].transactions,
            usage[0].pages,
            usage[0].cents,
            usage[0].due_cents
        ),
        (5, 50, 380, 0)
    );
    // Past $30, the whole quarter is due.
    for n in 0..10 {
        let key: &'static str = Box::leak(format!("big-{n}").into_boxed_str());
        fees::charge(app, &reader, &session, doc(30, key, "1:26-cv-00003"))
            .await
            .unwrap();
    }
    let report = fees::quarter_report(app, Quarter::of(app.clock.now())).await.unwrap();
    let row = report.iter().find(|r| r.0 == "plaintiffatty").unwrap();
    assert_eq!((row.2, row.4, row.5), (15, 3_380, 3_380));
    let clerk_row = report.iter().find(|r| r.0 == "defenseatty").unwrap();
    assert_eq!((clerk_row.4, clerk_row.5), (0, 0));
    let list = fees::transactions(app, &reader, Quarter::of(app.clock.now()))
        .await
        .unwrap();
    let csv = fees::transactions_csv(&list);
    assert!(csv
        .starts_with("date,court,pacer_login,client_code,description,search_criteria,billable_pages,cost,exempt\r\n"));
    assert!(
        csv.contains(",nysd,plaintiffatty,matter-42,Image 2-0,1:26-cv-00002,30,3.00,\r\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 16);
}

async fn the_purge_keeps_audit_events_and_delivered_mail_for_their_retention(app: &App) {
    let days = |n: i64| chrono::Duration::days(n);
    let keeping = App::new(
        app.store.clone(),
        Hasher::with_threads(1).unwrap(),
        Clock::stopped(now()),
        Settings {
            audit_retention: Some(Duration::from_secs(30 * 86_400)),
            mail_retention: Duration::from_secs(7 * 86_400),
            ..Settings::default()
        },
    );
    let mut tx = app.store.write().await.unwrap();
    for (detail, at) in [("old", now() - days(31)), ("recent", now() - days(29))] {
        let event = NewAuditEvent {
            detail: detail.into(),
            ..NewAuditEvent::new(AuditAction::Logout, AuditOutcome::Done)
        };
        tx.insert_audit(&event, at).await.unwrap();
    }
    let mail = |subject: &str| Mail {
        to: Email::parse("kept@example.com").unwrap(),
        subject: subject.into(),
        body: "body".into(),
        sensitive: false,
        html: false,
    };
    let old = tx
        .enqueue_mail(&mail("delivered long ago"), now() - days(9))
        .await
        .unwrap();
    let fresh = tx
        .enqueue_mail(&mail("delivered lately"), now() - days(2))
        .await
        .unwrap();
    tx.enqueue_mail(&mail("never delivered"), now() - days(20))
        .await
        .unwrap();
    tx.enqueue_job(&NewJob::keyed(PURGE, PURGE.to_owned(), String::new(), now()), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.store.mark_mail_sent(old, now() - days(8)).await.unwrap();
    app.store.mark_mail_sent(fresh, now() - days(1)).await.unwrap();
    let dir = std::env::temp_dir().join(format!("openecf-purge-{}", rand_suffix()));
    worker(&keeping, &dir).run_due().await.unwrap();
    let details: Vec<String> = app
        .store
        .audit_events(None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert!(
        details.contains(&"recent".to_owned()) && !details.contains(&"old".to_owned()),
        "{details:?}"
    );
    let subjects: Vec<String> = app
        .store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert!(!subjects.contains(&"delivered long ago".to_owned()), "{subjects:?}");
    assert!(subjects.contains(&"delivered lately".to_owned()), "{subjects:?}");
}

async fn a_new_cmecf_password_ends_the_accounts_legacy_sessions(app: &App) {
    add_court(app, "nysb", CourtKind::Bankruptcy).await;
    let ecf = add_ecf(app, "nysb", "oldlogin").await;
    let session = format!("legacy-{}", rand_suffix());
    app.store
        .create_session(&session, Principal::Ecf(ecf.id), now(), "127.0.0.1", "test")
        .await
        .unwrap();
    assert!(app.store.session(&session).await.unwrap().is_some());
    let mut tx = app.store.write().await.unwrap();
    tx.set_ecf_password(ecf.id, "$argon2id$new").await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        app.store.session(&session).await.unwrap().is_none(),
        "a session made with the old password lives on"
    );
}

/// The read cache's bounds, with two nodes (two stores, two caches) on one
/// database: what a node writes it reads back at once; what the other node
/// writes it sees once the cache's time has passed, never later.
mod read_cache {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let db = openecf_store::testkit::TestDb::sqlite().await.unwrap();
        super::read_cache_bounds(&db).await;
        db.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(db) = openecf_store::testkit::TestDb::postgres().await else {
            return;
        };
        super::read_cache_bounds(&db).await;
        db.finish().await;
    }
}

async fn read_cache_bounds(db: &openecf_store::testkit::TestDb) {
    use openecf_app::sessions::{self, Client};
    const TTL: Duration = Duration::from_millis(1500);
    let node = |store: Store| {
        App::new(
            store,
            Hasher::with_threads(1).unwrap(),
            Clock::stopped(now()),
            Settings {
                cache_ttl: TTL,
                ..Settings::default()
            },
        )
    };
    let a = node(db.store.clone());
    let b = node(Store::connect(&db.url).await.unwrap());
    let pacer = add_pacer(&a, "cachefiler2026", AccountKind::Individual).await;
    let client = Client::default();
    let resolve = |app: &App, hash: String| {
        let app = app.clone();
        async move { sessions::resolve(&app, &hash).await.unwrap() }
    };

    // A logout on the other node: seen here once the cache's time has passed.
    let token = sessions::start(&a, Principal::Pacer(pacer.id), &client).await.unwrap();
    let hash = openecf_app::tokens::hash_token(&token);
    let view = resolve(&a, hash.clone()).await.expect("a new session opens");
    assert_eq!(view.account.as_ref().map(|acct| acct.id), Some(pacer.id));
    assert!(sessions::end(&b, &hash).await.unwrap());
    let started = std::time::Instant::now();
    assert!(
        resolve(&a, hash.clone()).await.is_some() || started.elapsed() >= TTL,
        "node A reads its cached session, not the database, within the cache's time"
    );
    tokio::time::sleep(TTL + Duration::from_millis(100)).await;
    assert!(
        resolve(&a, hash.clone()).await.is_none(),
        "a logout on another node still opens pages here after the cache's time"
    );

    // A logout on this node: at once.
    let token = sessions::start(&a, Principal::Pacer(pacer.id), &client).await.unwrap();
    let hash = openecf_app::tokens::hash_token(&token);
    assert!(resolve(&a, hash.clone()).await.is_some());
    assert!(sessions::end(&a, &hash).await.unwrap());
    assert!(
        resolve(&a, hash.clone()).await.is_none(),
        "this node's logout is not seen at once"
    );

    // A session is marked seen (once a minute) by one request, which finds
    // it ended on another node: it opens nothing from then on, cache or not.
    let token = sessions::start(&a, Principal::Pacer(pacer.id), &client).await.unwrap();
    let hash = openecf_app::tokens::hash_token(&token);
    assert!(resolve(&a, hash.clone()).await.is_some());
    assert!(sessions::end(&b, &hash).await.unwrap());
    a.clock.advance(Duration::from_secs(61));
    assert!(
        resolve(&a, hash.clone()).await.is_none(),
        "a session found gone when marked seen still opens"
    );
    // Marking a session seen does not make its cached entry live longer:
    // ended on another node, it opens nothing here once the cache's time
    // since it was read has passed.
    let token = sessions::start(&a, Principal::Pacer(pacer.id), &client).await.unwrap();
    let hash = openecf_app::tokens::hash_token(&token);
    let read_at = std::time::Instant::now();
    assert!(resolve(&a, hash.clone()).await.is_some());
    tokio::time::sleep(TTL / 2).await;
    a.clock.advance(Duration::from_secs(61));
    assert!(resolve(&a, hash.clone()).await.is_some(), "marked seen");
    let seen = a.store.session(&hash).await.unwrap().expect("the session").last_seen_at;
    assert_eq!(seen, a.clock.now(), "the touch was not written");
    assert!(sessions::end(&b, &hash).await.unwrap());
    tokio::time::sleep((TTL + Duration::from_millis(100)).saturating_sub(read_at.elapsed())).await;
    assert!(
        resolve(&a, hash.clone()).await.is_none(),
        "marking a session seen let its cached entry outlive the cache's time"
    );

    // Any write of this node (here an operator disabling the account, which
    // ends its sessions in one transaction): every cached read is stale at once.
    let token = sessions::start(&a, Principal::Pacer(pacer.id), &client).await.unwrap();
    let hash = openecf_app::tokens::hash_token(&token);
    assert!(resolve(&a, hash.clone()).await.is_some());
    openecf_app::operator::set_disabled(&a, "cachefiler2026", true, "lost every second factor", "ops")
        .await
        .unwrap()
        .unwrap();
    assert!(
        resolve(&a, hash.clone()).await.is_none(),
        "a disabled account's session still opens"
    );

    // Courts: another node's go-live is seen within the cache's time.
    add_court(&a, "gamb", CourtKind::Bankruptcy).await;
    let id = court_id("gamb");
    assert!(!a.court(&id).await.unwrap().unwrap().is_live());
    go_live(&b, "gamb", GoLive::Now).await.unwrap();
    tokio::time::sleep(TTL + Duration::from_millis(100)).await;
    assert!(
        a.court(&id).await.unwrap().unwrap().is_live(),
        "the go-live is not seen after the cache's time"
    );

    // A filer's password login (its checks under way and failure counter, an
    // audit event, a postponement of MFA enrolment, a new session) writes no
    // row the cache holds: it leaves this node's cached reads fresh, so a
    // morning of logins does not send every page back to the database.
    let filer = add_pacer(&a, "cachefiler2027", AccountKind::Individual).await;
    let password = openecf_domain::Password::attempt("Walnut-Harbor-Lantern-42").unwrap();
    let mut tx = a.store.write().await.unwrap();
    tx.set_password_hash(filer.id, &a.hasher.hash(&password).await.unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let ecf = add_ecf(&a, "gamb", "cachefiler").await;
    let court = a.court(&id).await.unwrap().unwrap();
    assert!(matches!(link(&a, &court, &filer, &ecf).await, Decision::Linked(_)));
    let before = a.store.generation();
    let verified = openecf_app::signin::pacer_password(&a, "cachefiler2027", password.expose(), "127.0.0.1", None)
        .await
        .unwrap()
        .passed()
        .expect("the right password passes");
    assert!(verified.mfa().is_filer && !verified.mfa().is_on());
    let signed_in =
        openecf_app::signin::start_session(&a, openecf_app::signin::Proof::Password(verified), &client, None)
            .await
            .unwrap();
    assert!(matches!(
        signed_in.pending,
        openecf_app::signin::Pending::EnrolMfa { skips_left: 2, .. }
    ));
    assert_eq!(a.store.generation(), before, "a login made every cached read stale");
    b.store.close().await;
}

/// Checks held back at one username (its four checks under way) wait
/// without a place in the hashing queue: they cannot fill the queue and turn
/// every other filer's login away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_waiting_on_one_username_leave_the_hashing_queue_to_others() {
    let db = openecf_store::testkit::TestDb::sqlite().await.unwrap();
    // One hashing thread and room for one waiting check.
    let a = App::new(
        db.store.clone(),
        Hasher::with_queue(1, 1).unwrap(),
        Clock::system(),
        Settings::default(),
    );
    let password = openecf_domain::Password::attempt("Walnut-Harbor-Lantern-42").unwrap();
    let hash = a.hasher.hash(&password).await.unwrap();
    for name in ["floodedname2026", "otherfiler2026"] {
        let account = add_pacer(&a, name, AccountKind::Individual).await;
        let mut tx = a.store.write().await.unwrap();
        tx.set_password_hash(account.id, &hash).await.unwrap();
        tx.commit().await.unwrap();
    }
    // Four checks already under way at the flooded name: a fifth waits.
    let flooded = openecf_domain::throttle::Subject::pacer("floodedname2026");
    for _ in 0..4 {
        let taken = a.store.begin_attempt(&flooded, a.clock.now()).await.unwrap();
        assert!(matches!(taken, openecf_store::Attempt::Go(_)));
    }
    let waiting = {
        let (a, pw) = (a.clone(), password.expose().to_owned());
        tokio::spawn(
            async move { openecf_app::signin::pacer_password(&a, "floodedname2026", &pw, "10.0.0.1", None).await },
        )
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "the fifth check at the flooded name did not wait"
    );
    assert_eq!(
        a.hasher.waiting(),
        0,
        "a check held back at its username keeps a place in the queue"
    );
    // Another filer logs in meanwhile.
    let other = openecf_app::signin::pacer_password(&a, "otherfiler2026", password.expose(), "10.0.0.2", None)
        .await
        .expect("another filer's login is not turned away");
    assert!(other.passed().is_some());
    // Held back until it gave up (the places stayed taken): answered as a
    // wrong password, and audited as a failure, not as a lockout.
    let gave_up = waiting.await.unwrap().unwrap();
    assert!(matches!(gave_up, openecf_app::signin::LoginCheck::Wrong), "{gave_up:?}");
    let outcomes: Vec<String> = a
        .store
        .audit_events(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.pacer_username.as_deref() == Some("floodedname2026"))
        .map(|e| e.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [AuditOutcome::Failed.to_string()],
        "a busy name was audited as locked"
    );
    db.finish().await;
}
