//! The store's contract: every test runs against SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, NaiveDate, Utc};
use openecf_domain::*;
use openecf_store::*;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let db = openecf_store::testkit::TestDb::sqlite().await.unwrap();
                super::$name(&db.store).await;
                db.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let Some(db) = openecf_store::testkit::TestDb::postgres().await else { return };
                super::$name(&db.store).await;
                db.finish().await;
            })*
        }
    };
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
    sessions_and_pending_links_expire,
);

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn court_id(id: &str) -> CourtId {
    CourtId::parse(id).unwrap()
}

async fn add_court(store: &Store, id: &str, kind: CourtKind) {
    store
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

async fn add_pacer(store: &Store, username: &str, kind: AccountKind) -> PacerAccount {
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
            0,
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

async fn add_ecf(store: &Store, court: &str, login: &str) -> EcfAccount {
    let id = store.add_ecf_account(&new_ecf(court, login), 0).await.unwrap();
    store.ecf_by_id(id).await.unwrap().unwrap()
}

async fn live_court(store: &Store, id: &str) -> Court {
    add_court(store, id, CourtKind::Bankruptcy).await;
    store
        .schedule_go_live(&court_id(id), GoLive::Now(now()), now())
        .await
        .unwrap();
    store.court(&court_id(id), now()).await.unwrap().unwrap()
}

async fn courts_are_added_once_and_go_live(store: &Store) {
    add_court(store, "gamb", CourtKind::Bankruptcy).await;
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
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let court = store.court(&court_id("gamb"), now()).await.unwrap().unwrap();
    assert_eq!(court.status, NextGenStatus::NotLive { planned: None });
    let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    store
        .schedule_go_live(&court_id("gamb"), GoLive::On(day), now())
        .await
        .unwrap();
    let court = store.court(&court_id("gamb"), now()).await.unwrap().unwrap();
    assert_eq!(court.status, NextGenStatus::NotLive { planned: Some(day) });
    store
        .schedule_go_live(&court_id("gamb"), GoLive::Now(now()), now())
        .await
        .unwrap();
    assert!(store.court(&court_id("gamb"), now()).await.unwrap().unwrap().is_live());
    let back = store.schedule_go_live(&court_id("gamb"), GoLive::On(day), now()).await;
    assert!(
        matches!(back, Err(StoreError::Conflict(_))),
        "a live court cannot go back: {back:?}"
    );
    let twice = store
        .schedule_go_live(&court_id("gamb"), GoLive::Now(now()), now())
        .await;
    assert!(
        matches!(twice, Err(StoreError::Conflict(_))),
        "nor go live twice: {twice:?}"
    );
    assert!(store.court(&court_id("gamb"), now()).await.unwrap().unwrap().is_live());
    let missing = store
        .schedule_go_live(&court_id("zzzz"), GoLive::Now(now()), now())
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
    assert_eq!(store.count_courts().await.unwrap(), 1);
}

async fn go_live_notifies_every_cmecf_holder(store: &Store) {
    add_court(store, "nysd", CourtKind::District).await;
    add_court(store, "gamb", CourtKind::Bankruptcy).await;
    add_ecf(store, "nysd", "alice").await;
    add_ecf(store, "nysd", "bob").await;
    add_ecf(store, "gamb", "carol").await;
    let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let n = store
        .schedule_go_live(&court_id("nysd"), GoLive::On(day), now())
        .await
        .unwrap();
    assert_eq!(n, 2);
    let outbox = store.outbox().await.unwrap();
    let mut to: Vec<_> = outbox.iter().map(|m| m.to_addr.as_str()).collect();
    to.sort();
    assert_eq!(to, ["alice@ecf.example.com", "bob@ecf.example.com"]);
    assert!(outbox[0].subject.contains("March 1, 2027"), "{}", outbox[0].subject);
}

async fn pacer_usernames_are_unique(store: &Store) {
    add_pacer(store, "jdoe2026", AccountKind::Individual).await;
    let again = NewPacerAccount {
        username: Username::parse_new("JDOE2026").unwrap(),
        password_hash: "x".into(),
        name: PersonName::parse("Other").unwrap(),
        email: Email::parse("o@example.com").unwrap(),
        kind: AccountKind::Individual,
        created_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
    };
    assert!(matches!(
        store.add_pacer_account(&again, 0).await,
        Err(StoreError::Conflict(_))
    ));
}

async fn ecf_import_is_all_or_nothing(store: &Store) {
    add_court(store, "gamb", CourtKind::Bankruptcy).await;
    add_ecf(store, "gamb", "taken").await;
    let batch = [new_ecf("gamb", "fresh1"), new_ecf("gamb", "taken")];
    assert!(matches!(
        store.import_ecf_accounts(&batch, 0).await,
        Err(StoreError::Conflict(_))
    ));
    let gamb = court_id("gamb");
    assert!(store
        .ecf_by_login(&gamb, &EcfLogin::parse("fresh1").unwrap())
        .await
        .unwrap()
        .is_none());
    let unknown = [new_ecf("zzzz", "fresh2")];
    assert!(matches!(
        store.import_ecf_accounts(&unknown, 0).await,
        Err(StoreError::NotFound(_))
    ));
    let ok = [new_ecf("gamb", "fresh1"), new_ecf("gamb", "fresh2")];
    assert_eq!(store.import_ecf_accounts(&ok, 0).await.unwrap().len(), 2);
}

async fn link_writes_link_mail_and_audit(store: &Store) {
    let court = live_court(store, "gamb").await;
    let pacer = add_pacer(store, "jdoe2026", AccountKind::Individual).await;
    let ecf = add_ecf(store, "gamb", "jdoe").await;
    let got = store
        .link_accounts(&court, &pacer, &ecf, "127.0.0.1", now())
        .await
        .unwrap();
    assert_eq!(got, Ok(()));
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
    let audit = store.audit_events(Some("gamb")).await.unwrap();
    let last = audit.last().unwrap();
    assert_eq!((last.action.as_str(), last.outcome.as_str()), ("link", "linked"));
    assert_eq!(last.ip.as_deref(), Some("127.0.0.1"));
}

async fn link_is_one_time_both_ways(store: &Store) {
    let court = live_court(store, "gamb").await;
    let jane = add_pacer(store, "jdoe2026", AccountKind::Individual).await;
    let john = add_pacer(store, "jsmith2026", AccountKind::Individual).await;
    let first = add_ecf(store, "gamb", "jdoe").await;
    let second = add_ecf(store, "gamb", "jdoe2").await;
    assert_eq!(
        store.link_accounts(&court, &jane, &first, "", now()).await.unwrap(),
        Ok(())
    );
    assert_eq!(
        store.link_accounts(&court, &john, &first, "", now()).await.unwrap(),
        Err(LinkRefusal::EcfAlreadyLinked)
    );
    assert_eq!(
        store.link_accounts(&court, &jane, &second, "", now()).await.unwrap(),
        Err(LinkRefusal::PacerAlreadyLinkedHere {
            ecf_login: "jdoe".into()
        })
    );
    let outcomes: Vec<_> = store
        .audit_events(Some("gamb"))
        .await
        .unwrap()
        .into_iter()
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
    assert_eq!(store.outbox().await.unwrap().len(), 1, "only the success is mailed");
}

async fn racing_links_of_one_cmecf_account_have_one_winner(store: &Store) {
    let court = live_court(store, "gamb").await;
    let ecf = add_ecf(store, "gamb", "contested").await;
    let mut racers = Vec::new();
    for i in 0..6 {
        racers.push(add_pacer(store, &format!("racer{i:04}"), AccountKind::Individual).await);
    }
    let tasks: Vec<_> = racers
        .into_iter()
        .map(|p| {
            let (store, court, ecf) = (store.clone(), court.clone(), ecf.clone());
            tokio::spawn(async move { store.link_accounts(&court, &p, &ecf, "", now()).await })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let wins = results.iter().filter(|r| matches!(r, Ok(Ok(())))).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Ok(Err(LinkRefusal::EcfAlreadyLinked))))
        .count();
    assert_eq!((wins, refused), (1, 5), "{results:?}");
    assert_eq!(store.links(&court.id).await.unwrap().len(), 1);
}

async fn removed_link_can_be_made_again(store: &Store) {
    let court = live_court(store, "gamb").await;
    let wrong = add_pacer(store, "wrongone", AccountKind::Individual).await;
    let right = add_pacer(store, "rightone", AccountKind::Individual).await;
    let ecf = add_ecf(store, "gamb", "jdoe").await;
    assert_eq!(
        store.link_accounts(&court, &wrong, &ecf, "", now()).await.unwrap(),
        Ok(())
    );
    let login = EcfLogin::parse("jdoe").unwrap();
    let removed = store
        .remove_link(&court.id, &login, "linked to the wrong person", now())
        .await
        .unwrap();
    assert_eq!(removed.pacer_username, "wrongone");
    assert!(matches!(
        store.remove_link(&court.id, &login, "again", now()).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.link_accounts(&court, &right, &ecf, "", now()).await.unwrap(),
        Ok(())
    );
    let audit = store.audit_events(Some("gamb")).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "link.remove" && e.detail == "linked to the wrong person"));
}

async fn failures_are_counted_and_cleared(store: &Store) {
    let subject = "pacer:jdoe2026";
    assert_eq!(store.failures(subject).await.unwrap().count, 0);
    let mut last = Default::default();
    for _ in 0..throttle::FREE_FAILURES {
        last = store.record_failure(subject, now(), None).await.unwrap();
    }
    assert_eq!(last.count, throttle::FREE_FAILURES);
    assert!(store.failures(subject).await.unwrap().is_locked(now().timestamp()));
    store.clear_failures(subject).await.unwrap();
    assert_eq!(store.failures(subject).await.unwrap().count, 0);
}

async fn sessions_and_pending_links_expire(store: &Store) {
    live_court(store, "gamb").await;
    let pacer = add_pacer(store, "jdoe2026", AccountKind::Individual).await;
    let ecf = add_ecf(store, "gamb", "jdoe").await;
    let t = now().timestamp();
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
    store
        .create_pending_link("p1", "hash-a", ecf.id, t + 300)
        .await
        .unwrap();
    assert_eq!(
        store.pending_link("p1", "hash-b", t).await.unwrap(),
        None,
        "another session cannot use it"
    );
    assert_eq!(
        store.pending_link("p1", "hash-a", t + 301).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.pending_link("p1", "hash-a", t).await.unwrap(), Some(ecf.id));
    assert_eq!(store.take_pending_link("p1", "hash-a", t).await.unwrap(), Some(ecf.id));
    assert_eq!(
        store.take_pending_link("p1", "hash-a", t).await.unwrap(),
        None,
        "single use"
    );
    assert_eq!(store.delete_pacer_sessions(pacer.id, Some("hash-a")).await.unwrap(), 1);
    assert!(store.session("hash-b").await.unwrap().is_none());
    assert!(store.delete_session("hash-a").await.unwrap());
    assert_eq!(store.pacer_sessions(pacer.id).await.unwrap().len(), 0);
}
