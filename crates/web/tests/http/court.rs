//! The courts' sites: Document Filing System, menus, Utilities, the legacy
//! CM/ECF login, and the pages behind the menus.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn document_filing_system_goes_to_pacer_login_at_a_live_court() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let home = b.get("/ecf/gamb/").await;
    assert_eq!(home.link("Document Filing System"), "/csologin/login?next=/ecf/gamb/");
    let login = b.get(&home.link("Document Filing System")).await;
    login
        .assert_has("PACER LOGIN")
        .assert_has("Do not log on using a shared firm PACER account.");
}

#[tokio::test]
async fn a_court_not_live_keeps_its_cmecf_login() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let home = b.get("/ecf/cand/").await;
    assert_eq!(home.link("Document Filing System"), "/ecf/cand/login");
    home.assert_has("Not live on NextGen CM/ECF yet");
    let form = b.get("/ecf/cand/login").await;
    form.assert_has(r#"<label for="login">CM/ECF login</label>"#);
    let csrf = form.hidden("csrf");
    let menu = b
        .post(
            "/ecf/cand/login",
            &[("csrf", &csrf), ("login", "jfiler"), ("password", ECF_PW)],
        )
        .await;
    assert_eq!(menu.status, StatusCode::OK);
    menu.assert_has("Logged in as <strong>Jordan Filer (jfiler, CM/ECF login)</strong>");
    for item in ["Civil", "Criminal", "Query", "Reports", "Utilities", "Search", "Logout"] {
        menu.assert_has(&format!(">{item}<"));
    }
    // Utilities says the court is not live yet and when it goes live, instead of the link.
    let utilities = b.get("/ecf/cand/utilities").await;
    utilities
        .assert_has("This court is not live on NextGen CM/ECF yet.")
        .assert_has(&planned_day().format("%B %-d, %Y").to_string())
        .assert_lacks("Link a CM/ECF account to my PACER account");
}

#[tokio::test]
async fn the_legacy_login_is_gone_at_a_live_court_for_everyone() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/ecf/gamb/login").await;
    form.assert_has("Its CM/ECF logins are no longer used");
    let csrf = form.hidden("csrf");
    let unlinked = b
        .post(
            "/ecf/gamb/login",
            &[("csrf", &csrf), ("login", "jfiler"), ("password", ECF_PW)],
        )
        .await;
    assert_eq!(unlinked.status, StatusCode::FORBIDDEN);
    unlinked.assert_has("This court is live on NextGen CM/ECF, so CM/ECF logins can no longer be used here.");
    let linked = b
        .post(
            "/ecf/gamb/login",
            &[("csrf", &csrf), ("login", "mlinked"), ("password", ECF_PW)],
        )
        .await;
    assert_eq!(linked.status, StatusCode::FORBIDDEN);
    // No password is checked at a live court: right or wrong, the same answer
    // (the form is no password oracle for accounts that could still be linked).
    let wrong = b
        .post(
            "/ecf/gamb/login",
            &[("csrf", &csrf), ("login", "mlinked"), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(wrong.body.replace("mlinked", "jfiler"), unlinked.body, "one answer");
    assert_eq!(
        app.store
            .failures(&openecf_domain::Subject::ecf(
                &openecf_domain::CourtId::parse("gamb").unwrap(),
                "mlinked"
            ))
            .await
            .unwrap()
            .count,
        0,
        "nothing was checked"
    );
}

#[tokio::test]
async fn menus_follow_the_court_kind_and_the_link() {
    let app = TestApp::spawn().await;
    let unlinked = app.browser();
    unlinked.login("jfiler2026", PACER_PW).await;
    let gamb = unlinked.get("/ecf/gamb/").await;
    for item in [">Query<", ">Reports<", ">Utilities<", ">Search<", ">Logout<"] {
        gamb.assert_has(item);
    }
    gamb.assert_lacks(">Bankruptcy<").assert_lacks(">Adversary<");
    let refused = unlinked.get("/ecf/gamb/bankruptcy").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let linked = app.browser();
    linked.login("mlinked2026", PACER_PW).await;
    let gamb = linked.get("/ecf/gamb/").await;
    gamb.assert_has(">Bankruptcy<")
        .assert_has(">Adversary<")
        .assert_lacks(">Civil<");
    let menu = linked.get(&gamb.link("Bankruptcy")).await;
    assert_eq!(menu.status, StatusCode::OK);
    menu.assert_has(r#"<a href="/ecf/gamb/bankruptcy/open">Open a Bankruptcy Case</a>"#)
        .assert_has(r#"<a href="/ecf/gamb/bankruptcy/file?category=Claim+Actions">Claim Actions</a>"#)
        .assert_lacks("Filing from this menu is not available in openecf yet");
    // The other kind's menus do not exist at a bankruptcy court.
    assert_eq!(linked.get("/ecf/gamb/civil").await.status, StatusCode::NOT_FOUND);
    // Linked at gamb only: no filing menus at nysd.
    linked.get("/ecf/nysd/").await.assert_lacks(">Civil<");
}

#[tokio::test]
async fn pages_behind_the_menu_need_a_login() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let p = b.get("/ecf/gamb/utilities").await;
    assert!(p.url.contains("/csologin/login?next=/ecf/gamb/utilities"), "{}", p.url);
    let unknown = b.get("/ecf/zzzz/").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_portal_lists_every_court_with_its_status() {
    let app = TestApp::spawn().await;
    let p = app.browser().get("/").await;
    p.assert_has("2 of 4 courts are live on NextGen CM/ECF.")
        .assert_has("Court GAMB")
        .assert_has("Live on NextGen CM/ECF since")
        .assert_has("goes live on")
        .assert_has("PACER LOGIN");
}

#[tokio::test]
async fn a_court_goes_live_at_its_planned_date_when_the_worker_switches_it() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.get("/ecf/cand/")
        .await
        .assert_has("Not live on NextGen CM/ECF yet: goes live on");
    // Its day comes, but only the switch (a job) makes the court live.
    app.advance(std::time::Duration::from_secs(61 * 24 * 3600));
    b.get("/ecf/cand/").await.assert_has("Not live on NextGen CM/ECF yet");
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let transport = openecf_app::mailer::Transport::from_settings(None, dir.path().to_path_buf()).unwrap();
    let mailer = openecf_app::mailer::Mailer::new(app.store.clone(), transport, "noreply@example.com").unwrap();
    openecf_app::jobs::Worker::new(app.app.clone(), mailer)
        .run_due()
        .await
        .unwrap();
    b.get("/ecf/cand/").await.assert_has("Live on NextGen CM/ECF since");
    // The legacy CM/ECF login is over there, and the holder was told to link.
    let login = b.get("/ecf/cand/login").await;
    let refused = b
        .submit(&login, "/ecf/cand/login", &[("login", "jfiler"), ("password", ECF_PW)])
        .await;
    refused.assert_has("This court is live on NextGen CM/ECF");
    let told = app.mail_to("jfiler.cand@example.com").await;
    assert!(
        told.iter()
            .any(|m| m.subject.contains("is now live") && m.sent_at.is_some()),
        "{told:?}"
    );
}
