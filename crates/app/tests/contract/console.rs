//! The clerk console's store functions and use cases, on both engines:
//! search, history, disable/enable, E-File Registration, CM/ECF password
//! resets and the linking progress.

use std::time::Duration;

use super::{add_court, add_ecf, add_pacer, app, link, live_court, now};
use openecf_app::console::{self, AccountForm, EcfResetOutcome, EfileRefusal};
use openecf_app::link::Decision;
use openecf_app::App;
use openecf_domain::clerk::ConsoleRefusal;
use openecf_domain::*;
use openecf_store::*;

mod plain {
    use super::*;

    contract!(
        search_finds_a_courts_accounts_by_login_name_email_or_bar_id,
        a_disabled_account_leaves_notices_progress_and_shares_until_enabled,
        an_unlink_keeps_both_sides_the_operator_and_mails_the_filer,
        e_file_registrations_are_filed_once_and_decided_once,
        a_cmecf_reset_link_is_single_use_and_expires,
        staff_add_an_account_with_a_mailed_password_link,
        the_progress_counts_each_day_since_go_live,
    );
}

fn court_id(id: &str) -> CourtId {
    CourtId::parse(id).unwrap()
}

fn login(l: &str) -> EcfLogin {
    EcfLogin::parse(l).unwrap()
}

async fn search_finds_a_courts_accounts_by_login_name_email_or_bar_id(app: &App) {
    live_court(app, "gamb").await;
    live_court(app, "ganb").await;
    add_ecf(app, "gamb", "jdoe").await;
    add_ecf(app, "gamb", "a_b").await;
    add_ecf(app, "ganb", "jdoe2").await;
    let logins = |rows: Vec<ConsoleAccount>| rows.into_iter().map(|r| r.login).collect::<Vec<_>>();
    let gamb = court_id("gamb");
    assert_eq!(
        logins(app.store.search_ecf_accounts(&gamb, "JDO", 10).await.unwrap()),
        ["jdoe"]
    );
    assert_eq!(
        logins(
            app.store
                .search_ecf_accounts(&gamb, "jdoe@ecf.EXAMPLE", 10)
                .await
                .unwrap()
        ),
        ["jdoe"]
    );
    assert_eq!(
        logins(app.store.search_ecf_accounts(&gamb, "ga-123", 10).await.unwrap()),
        ["a_b", "jdoe"]
    );
    assert_eq!(
        logins(app.store.search_ecf_accounts(&gamb, "pat filer", 1).await.unwrap()),
        ["a_b"]
    );
    // `_` and `%` typed match themselves, not any character.
    assert_eq!(
        logins(app.store.search_ecf_accounts(&gamb, "a_", 10).await.unwrap()),
        ["a_b"]
    );
    assert!(app.store.search_ecf_accounts(&gamb, "%", 10).await.unwrap().is_empty());
    let one = app.store.console_account(&gamb, &login("jdoe")).await.unwrap().unwrap();
    assert_eq!((one.pacer_username, one.disabled_at), (None, None));
    assert!(app
        .store
        .console_account(&gamb, &login("jdoe2"))
        .await
        .unwrap()
        .is_none());
}

async fn a_disabled_account_leaves_notices_progress_and_shares_until_enabled(app: &App) {
    let court = live_court(app, "gamb").await;
    add_ecf(app, "gamb", "jdoe").await;
    let other = add_ecf(app, "gamb", "other").await;
    let who = "clerk1";
    // A legacy session of the account ends when it is disabled.
    app.store
        .create_session("legacy-session", Principal::Ecf(other.id), now(), "127.0.0.1", "test")
        .await
        .unwrap();
    assert_eq!(
        console::set_disabled(app, &court, "other", true, " ", who)
            .await
            .unwrap(),
        Err(ConsoleRefusal::ReasonRequired)
    );
    assert!(!app.store.is_ecf_disabled(other.id).await.unwrap());
    console::set_disabled(app, &court, "other", true, "deceased", who)
        .await
        .unwrap()
        .unwrap();
    assert!(app.store.is_ecf_disabled(other.id).await.unwrap());
    assert!(app.store.session("legacy-session").await.unwrap().is_none());
    assert_eq!(
        console::set_disabled(app, &court, "other", true, "again", who)
            .await
            .unwrap(),
        Err(ConsoleRefusal::AlreadyDisabled("other".into()))
    );
    assert_eq!(
        console::set_disabled(app, &court, "nosuch", true, "x", who)
            .await
            .unwrap(),
        Err(ConsoleRefusal::NoSuchAccount("nosuch".into()))
    );
    let mut tx = app.store.write().await.unwrap();
    let to = tx.go_live_recipients(&court.id).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(
        to.iter().map(|r| r.logins.clone()).collect::<Vec<_>>(),
        [vec!["jdoe".to_owned()]]
    );
    assert_eq!(app.store.link_shares().await.unwrap(), [("gamb".to_owned(), 1, 0)]);
    let row = app
        .store
        .console_account(&court.id, &login("other"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.disabled_by.as_deref(), row.disabled_reason.as_deref()),
        (Some("clerk1"), Some("deceased"))
    );
    let mail = app.store.outbox().await.unwrap();
    assert!(mail
        .iter()
        .any(|m| m.to_addr == "other@ecf.example.com" && m.subject.starts_with("CM/ECF account disabled")));

    console::set_disabled(app, &court, "other", false, "in error", who)
        .await
        .unwrap()
        .unwrap();
    assert!(!app.store.is_ecf_disabled(other.id).await.unwrap());
    assert_eq!(
        console::set_disabled(app, &court, "other", false, "again", who)
            .await
            .unwrap(),
        Err(ConsoleRefusal::NotDisabled("other".into()))
    );
    assert_eq!(app.store.link_shares().await.unwrap(), [("gamb".to_owned(), 2, 0)]);
    let history = app.store.ecf_account_history(&court.id, &login("other")).await.unwrap();
    let actions: Vec<_> = history.iter().map(|h| (h.action.as_str(), h.detail.as_str())).collect();
    assert_eq!(
        actions,
        [
            ("ecf.enable", "in error (by clerk1)"),
            ("ecf.disable", "deceased (by clerk1)")
        ]
    );
}

async fn an_unlink_keeps_both_sides_the_operator_and_mails_the_filer(app: &App) {
    let court = live_court(app, "gamb").await;
    let pacer = add_pacer(app, "wrongone", AccountKind::Individual).await;
    let ecf = add_ecf(app, "gamb", "jdoe").await;
    assert_eq!(
        console::unlink(app, &court, "jdoe", "x", "clerk1").await.unwrap(),
        Err(ConsoleRefusal::NotLinked("jdoe".into()))
    );
    assert_eq!(link(app, &court, &pacer, &ecf).await, Decision::Linked(ecf.clone()));
    assert_eq!(
        console::unlink(app, &court, "jdoe", "", "clerk1").await.unwrap(),
        Err(ConsoleRefusal::ReasonRequired)
    );
    assert_eq!(
        console::unlink(app, &court, "jdoe", "wrong person", "clerk1")
            .await
            .unwrap(),
        Ok("wrongone".to_owned())
    );
    let history = app.store.ecf_account_history(&court.id, &login("jdoe")).await.unwrap();
    assert_eq!(history[0].action, "link.remove");
    assert_eq!(history[0].pacer_username.as_deref(), Some("wrongone"));
    assert_eq!(history[0].detail, "wrong person (by clerk1)");
    assert_eq!(history[1].outcome, "linked");
    let mail = app.store.outbox().await.unwrap();
    assert!(mail.iter().any(|m| m.to_addr == "wrongone@example.com"
        && m.subject.starts_with("CM/ECF link removed")
        && m.body.contains("Reason: wrong person")));
}

async fn e_file_registrations_are_filed_once_and_decided_once(app: &App) {
    let court = live_court(app, "gamb").await;
    add_court(app, "cand", CourtKind::District).await;
    let cand = app.store.court(&court_id("cand")).await.unwrap().unwrap();
    let filer = add_pacer(app, "newfiler", AccountKind::Individual).await;
    let firm = add_pacer(app, "bigfirm2026", AccountKind::SharedFirm).await;
    // Someone holds the CM/ECF login "newfiler" at the court already.
    add_ecf(app, "gamb", "newfiler").await;
    let ask = |who: &PacerAccount, court: &Court, kind: &str, bar: &str, state: &str| {
        let (who, court, kind, bar, state) = (
            who.clone(),
            court.clone(),
            kind.to_owned(),
            bar.to_owned(),
            state.to_owned(),
        );
        async move {
            console::request_efile(app, &court, &who, &kind, "creditor", &bar, &state)
                .await
                .unwrap()
        }
    };
    assert_eq!(ask(&filer, &court, "judge", "", "").await, Err(EfileRefusal::Kind));
    assert_eq!(
        ask(&filer, &court, "attorney", "GA 1", "GA").await,
        Err(EfileRefusal::Bar)
    );
    assert_eq!(
        ask(&filer, &court, "attorney", "GA-1", "Georgia").await,
        Err(EfileRefusal::Bar)
    );
    assert_eq!(
        ask(&firm, &court, "non-attorney", "", "").await,
        Err(EfileRefusal::Account)
    );
    assert_eq!(
        ask(&filer, &cand, "non-attorney", "", "").await,
        Err(EfileRefusal::NotLive)
    );
    assert!(app.store.pending_efile_requests(&court.id).await.unwrap().is_empty());
    assert_eq!(ask(&filer, &court, "attorney", "GA-1", "ga").await, Ok(()));
    assert_eq!(
        ask(&filer, &court, "attorney", "GA-1", "GA").await,
        Err(EfileRefusal::Pending)
    );
    let pending = app.store.pending_efile_requests(&court.id).await.unwrap();
    assert_eq!(pending.len(), 1);
    let r = &pending[0];
    assert_eq!(
        (
            r.kind.as_str(),
            r.bar_id.as_deref(),
            r.bar_state.as_deref(),
            r.status.as_str()
        ),
        ("attorney", Some("GA-1"), Some("GA"), "pending")
    );
    // Another court's staff cannot decide it.
    live_court(app, "ganb").await;
    let ganb = app.store.court(&court_id("ganb")).await.unwrap().unwrap();
    assert_eq!(
        console::decide_efile(app, &ganb, r.id, true, "", "clerk9")
            .await
            .unwrap(),
        Err(ConsoleRefusal::RequestGone)
    );
    assert_eq!(
        console::decide_efile(app, &court, r.id, false, " ", "clerk1")
            .await
            .unwrap(),
        Err(ConsoleRefusal::ReasonRequired)
    );
    // Approved: the login is the PACER username, numbered when taken; linked.
    assert_eq!(
        console::decide_efile(app, &court, r.id, true, "", "clerk1")
            .await
            .unwrap(),
        Ok(Some("newfiler1".to_owned()))
    );
    assert_eq!(
        app.store.linked_login(&court.id, filer.id).await.unwrap().as_deref(),
        Some("newfiler1")
    );
    let created = app
        .store
        .console_account(&court.id, &login("newfiler1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (created.role.as_str(), created.bar_id.as_deref()),
        ("attorney", Some("GA-1"))
    );
    assert_eq!(
        console::decide_efile(app, &court, r.id, false, "late", "clerk1")
            .await
            .unwrap(),
        Err(ConsoleRefusal::RequestGone)
    );
    let mine = app.store.efile_requests_of(filer.id).await.unwrap();
    assert_eq!(
        (mine[0].status.as_str(), mine[0].decided_by.as_deref()),
        ("approved", Some("clerk1"))
    );
    // Linked now: no new request here.
    assert_eq!(
        ask(&filer, &court, "non-attorney", "", "").await,
        Err(EfileRefusal::Linked)
    );
    let mail = app.store.outbox().await.unwrap();
    assert!(mail
        .iter()
        .any(|m| m.to_addr == "newfiler@example.com" && m.subject.starts_with("E-File Registration approved")));
}

async fn a_cmecf_reset_link_is_single_use_and_expires(app: &App) {
    let court = live_court(app, "gamb").await;
    let ecf = add_ecf(app, "gamb", "jdoe").await;
    let url = "https://ecf.example.org";
    assert!(!console::request_ecf_reset(app, &court, "nosuch", None, url)
        .await
        .unwrap());
    for _ in 0..3 {
        assert!(console::request_ecf_reset(app, &court, "jdoe", None, url)
            .await
            .unwrap());
    }
    // At most 3 live links: no inbox flooding.
    assert!(!console::request_ecf_reset(app, &court, "jdoe", Some("clerk1"), url)
        .await
        .unwrap());
    let mails: Vec<_> = app
        .store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == "jdoe@ecf.example.com")
        .collect();
    assert_eq!(mails.len(), 3);
    let token = |body: &str| {
        let at = body.find("/ecf/gamb/link/reset/").unwrap() + "/ecf/gamb/link/reset/".len();
        body[at..].split_whitespace().next().unwrap().to_owned()
    };
    let first = token(&mails[0].body);
    assert_eq!(
        console::ecf_reset_target(app, &court, &first)
            .await
            .unwrap()
            .map(|a| a.id),
        Some(ecf.id)
    );
    assert!(matches!(
        console::reset_ecf_password(app, &court, &first, "short").await.unwrap(),
        EcfResetOutcome::Refused(_)
    ));
    assert_eq!(
        console::reset_ecf_password(app, &court, &first, "Maple-Rocket-Summit-71")
            .await
            .unwrap(),
        EcfResetOutcome::Done(login("jdoe"))
    );
    // Used: this one and the other live links of the account end.
    assert_eq!(
        console::reset_ecf_password(app, &court, &first, "Maple-Rocket-Summit-72")
            .await
            .unwrap(),
        EcfResetOutcome::Expired
    );
    let second = token(&mails[1].body);
    assert!(console::ecf_reset_target(app, &court, &second).await.unwrap().is_none());
    let (_, hash) = app
        .store
        .ecf_by_login(&court.id, &login("jdoe"))
        .await
        .unwrap()
        .unwrap();
    assert!(app
        .hasher
        .verify(Some(&hash), &Password::attempt("Maple-Rocket-Summit-71").unwrap())
        .await
        .unwrap());
    // A new link dies after 30 minutes.
    assert!(console::request_ecf_reset(app, &court, "jdoe", Some("clerk1"), url)
        .await
        .unwrap());
    let last = app.store.outbox().await.unwrap().into_iter().next_back().unwrap();
    let fresh = token(&last.body);
    // A link mailed before the account was disabled works no more.
    console::set_disabled(app, &court, "jdoe", true, "suspected misuse", "clerk1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        console::reset_ecf_password(app, &court, &fresh, "Maple-Rocket-Summit-73")
            .await
            .unwrap(),
        EcfResetOutcome::Expired
    );
    console::set_disabled(app, &court, "jdoe", false, "cleared", "clerk1")
        .await
        .unwrap()
        .unwrap();
    app.clock.advance(Duration::from_secs(30 * 60 + 1));
    assert!(console::ecf_reset_target(app, &court, &fresh).await.unwrap().is_none());
    // A linked or disabled account gets no link.
    let pacer = add_pacer(app, "jdoe2026", AccountKind::Individual).await;
    assert_eq!(link(app, &court, &pacer, &ecf).await, Decision::Linked(ecf.clone()));
    assert!(!console::request_ecf_reset(app, &court, "jdoe", Some("clerk1"), url)
        .await
        .unwrap());
}

async fn staff_add_an_account_with_a_mailed_password_link(app: &App) {
    let court = live_court(app, "gamb").await;
    add_ecf(app, "gamb", "taken").await;
    let form = |l: &str, email: &str| AccountForm {
        login: l.into(),
        name: "Nia New".into(),
        email: email.into(),
        role: "attorney".into(),
        bar_id: String::new(),
    };
    let url = "https://ecf.example.org";
    assert!(matches!(
        console::add_account(app, &court, &form("new1", "bad"), "admitted", "clerk1", url).await.unwrap(),
        Err(ConsoleRefusal::Invalid(m)) if m.starts_with("Email:")
    ));
    assert_eq!(
        console::add_account(app, &court, &form("new1", "nia@example.com"), "", "clerk1", url)
            .await
            .unwrap(),
        Err(ConsoleRefusal::ReasonRequired)
    );
    assert_eq!(
        console::add_account(
            app,
            &court,
            &form("taken", "nia@example.com"),
            "admitted",
            "clerk1",
            url
        )
        .await
        .unwrap(),
        Err(ConsoleRefusal::LoginTaken("taken".into()))
    );
    assert!(app
        .store
        .console_account(&court.id, &login("new1"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        console::add_account(app, &court, &form("new1", "nia@example.com"), "admitted", "clerk1", url)
            .await
            .unwrap(),
        Ok(login("new1"))
    );
    let mail = app.store.outbox().await.unwrap();
    assert!(mail
        .iter()
        .any(|m| m.to_addr == "nia@example.com" && m.body.contains("https://ecf.example.org/ecf/gamb/link/reset/")));
    let history = app.store.ecf_account_history(&court.id, &login("new1")).await.unwrap();
    assert_eq!(
        (history[0].action.as_str(), history[0].detail.as_str()),
        ("ecf.add", "admitted (by clerk1)")
    );
}

async fn the_progress_counts_each_day_since_go_live(app: &App) {
    let court = live_court(app, "gamb").await;
    let a = add_ecf(app, "gamb", "a1").await;
    let b = add_ecf(app, "gamb", "a2").await;
    add_ecf(app, "gamb", "a3").await;
    let p1 = add_pacer(app, "pacerone", AccountKind::Individual).await;
    let p2 = add_pacer(app, "pacertwo", AccountKind::Individual).await;
    assert_eq!(link(app, &court, &p1, &a).await, Decision::Linked(a.clone()));
    app.clock.advance(Duration::from_secs(2 * 86_400));
    assert_eq!(link(app, &court, &p2, &b).await, Decision::Linked(b.clone()));
    let days = console::progress(app, &court).await.unwrap();
    let got: Vec<(i64, i64)> = days.iter().map(|d| (d.accounts, d.linked)).collect();
    assert_eq!(got, [(3, 1), (3, 1), (3, 2)]);
    assert_eq!(days[0].day, now().date_naive());
    assert_eq!(days[2].percent(), "66.7%");
    // A court not live: today alone.
    add_court(app, "cand", CourtKind::District).await;
    let cand = app.store.court(&court_id("cand")).await.unwrap().unwrap();
    assert_eq!(console::progress(app, &cand).await.unwrap().len(), 1);
}
