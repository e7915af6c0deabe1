//! The seed's linking workflow, and every refusal of the link rule.

use crate::helpers::*;
use openecf_domain::{CourtId, Subject, Username};
use reqwest::StatusCode;

#[tokio::test]
async fn steps_one_to_six_link_the_account_at_a_release_1_0_court() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    // Steps 1–2: Document Filing System, then PACER LOGIN.
    let home = b.get("/ecf/gamb/").await;
    let login = b.get(&home.link("Document Filing System")).await;
    let menu = b
        .submit(
            &login,
            "/csologin/login",
            &[("loginId", "jfiler2026"), ("password", PACER_PW)],
        )
        .await;
    assert!(menu.url.ends_with("/ecf/gamb/"), "{}", menu.url);
    // Step 3: Utilities, then the link.
    let utilities = b.get(&menu.link("Utilities")).await;
    let form = b
        .get(&utilities.link("Link a CM/ECF account to my PACER account"))
        .await;
    form.assert_has(r#"<label for="login">CM/ECF login</label>"#)
        .assert_has(r#"<label for="password">CM/ECF password</label>"#)
        .assert_has(r#"<button type="submit">Submit</button>"#);
    // Step 4: CM/ECF credentials.
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    assert_eq!(verify.status, StatusCode::OK);
    // Step 5: both accounts side by side; the password is not carried on.
    verify
        .assert_has("Verify that the CM/ECF account and PACER account listed are accurate.")
        .assert_has("<td>jfiler</td><td>jfiler2026</td>")
        .assert_has("<td>Jordan Filer</td><td>Jordan Filer</td>")
        .assert_has("jfiler.gamb@example.com")
        .assert_has("jfiler2026@example.com")
        .assert_has("Individual")
        .assert_lacks(ECF_PW)
        .assert_lacks(r#"name="password""#);
    // Step 6: linked.
    let done = b.confirm("gamb", &verify, "submit").await;
    assert_eq!(done.status, StatusCode::OK);
    done.assert_has("You have successfully linked your account.")
        .assert_has("You will now use only your PACER account to access both PACER and CM/ECF for this court.")
        .assert_has(">Bankruptcy<")
        .assert_has(">Adversary<");
    // The refreshed main menu has the filing menus.
    b.get("/ecf/gamb/")
        .await
        .assert_has(">Bankruptcy<")
        .assert_has(">Adversary<");
    // In the database: the link, the confirmation email, the audit event.
    let gamb = CourtId::parse("gamb").unwrap();
    let links = app.store.links(&gamb).await.unwrap();
    assert!(links
        .iter()
        .any(|l| l.ecf_login == "jfiler" && l.pacer_username == "jfiler2026"));
    let mail = app.store.outbox().await.unwrap();
    assert_eq!(mail[0].to_addr, "jfiler2026@example.com");
    assert!(mail[0].body.contains("You have successfully linked your account."));
    let audit = app.store.audit_events(Some("gamb")).await.unwrap();
    let last = audit.last().unwrap();
    assert_eq!(
        (last.outcome.as_str(), last.ecf_login.as_deref()),
        ("linked", Some("jfiler"))
    );
    assert_eq!(last.ip.as_deref(), Some("127.0.0.1"));
    // After linking, the legacy CM/ECF login is refused here (the court is live).
    let legacy = app.browser();
    let form = legacy.get("/ecf/gamb/login").await;
    let csrf = form.hidden("csrf");
    let refused = legacy
        .post(
            "/ecf/gamb/login",
            &[("csrf", &csrf), ("login", "jfiler"), ("password", ECF_PW)],
        )
        .await;
    refused.assert_has("This court is live on NextGen CM/ECF, so CM/ECF logins can no longer be used here.");
}

#[tokio::test]
async fn a_release_1_1_court_puts_the_link_on_its_own_page() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let utilities = b.get("/ecf/nysd/utilities").await;
    utilities.assert_lacks("Link a CM/ECF account to my PACER account");
    let release = b.get(&utilities.link("NextGen Release 1.1 Menu Items")).await;
    release.assert_has("<h1>NextGen Release 1.1 Menu Items</h1>");
    let form = b.get(&release.link("Link a CM/ECF account to my PACER account")).await;
    form.assert_has("CM/ECF login");
    let verify = b.submit_link("nysd", "jfiler", ECF_PW).await;
    let done = b.confirm("nysd", &verify, "submit").await;
    done.assert_has("You have successfully linked your account.")
        .assert_has(">Civil<")
        .assert_has(">Criminal<")
        .assert_has("The Civil and Criminal menu items");
    // A 1.0 court's Utilities has the link itself.
    b.get("/ecf/gamb/utilities")
        .await
        .assert_has("Link a CM/ECF account to my PACER account");
}

#[tokio::test]
async fn cancel_links_nothing() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    let cancelled = b.confirm("gamb", &verify, "cancel").await;
    cancelled.assert_has("Nothing was linked");
    let gamb = CourtId::parse("gamb").unwrap();
    assert!(app
        .store
        .links(&gamb)
        .await
        .unwrap()
        .iter()
        .all(|l| l.ecf_login != "jfiler"));
    // The held identity is used up: Submit after Cancel links nothing either.
    let late = b.confirm("gamb", &verify, "submit").await;
    assert_eq!(late.status, StatusCode::GONE);
    assert!(app
        .store
        .links(&gamb)
        .await
        .unwrap()
        .iter()
        .all(|l| l.ecf_login != "jfiler"));
}

#[tokio::test]
async fn wrong_cmecf_credentials_get_one_answer_and_are_counted() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let wrong = b.submit_link("gamb", "jfiler", "not-the-password").await;
    let unknown = b.submit_link("gamb", "nosuchlogin", ECF_PW).await;
    for p in [&wrong, &unknown] {
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        p.assert_has("Invalid CM/ECF login or password.");
    }
    assert_eq!(
        app.store
            .failures(&Subject::ecf(&CourtId::parse("gamb").unwrap(), "jfiler"))
            .await
            .unwrap()
            .count,
        1
    );
    assert_eq!(
        app.store
            .failures(&Subject::LinkForm(Username::parse_existing("jfiler2026").unwrap()))
            .await
            .unwrap()
            .count,
        2
    );
    let audit = app.store.audit_events(Some("gamb")).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.outcome == "refused: wrong_credentials")
            .count(),
        2
    );
    // Enough failures lock the CM/ECF login: then even its right password is refused.
    for _ in 1..openecf_domain::throttle::FREE_FAILURES {
        b.submit_link("gamb", "jfiler", "not-the-password").await;
    }
    let locked = b.submit_link("gamb", "jfiler", ECF_PW).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    locked.assert_has("Invalid CM/ECF login or password.");
}

#[tokio::test]
async fn a_legacy_pacer_account_must_upgrade_first() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let logged_in = b.login("oldpcr", PACER_PW).await;
    assert_eq!(logged_in.status, StatusCode::OK, "legacy accounts may log in");
    let p = b.get("/ecf/gamb/link").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.assert_has("must be upgraded before you can link");
    assert_eq!(p.link("Upgrade your PACER account"), "/account/upgrade");
}

#[tokio::test]
async fn a_shared_firm_account_is_refused() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("smithjonesfirm", PACER_PW).await;
    let p = b.get("/ecf/gamb/link").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.assert_has("Do not log on using a shared firm PACER account.");
    // Posting the form directly is refused the same way, and audited.
    let csrf = p.hidden("csrf");
    let post = b
        .post(
            "/ecf/gamb/link",
            &[("csrf", &csrf), ("login", "jfiler"), ("password", ECF_PW)],
        )
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    let audit = app.store.audit_events(Some("gamb")).await.unwrap();
    let refusals = audit
        .iter()
        .filter(|e| e.outcome == "refused: shared_firm_account")
        .count();
    assert_eq!(refusals, 2, "the refused form and the refused post are both audited");
}

#[tokio::test]
async fn linking_waits_for_the_court_to_go_live() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let p = b.get("/ecf/cand/link").await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    p.assert_has("This court is not live on NextGen CM/ECF yet.")
        .assert_has(&format!("It goes live on {}.", planned_day().format("%A, %B %-d, %Y")));
    let undated = b.get("/ecf/nysb/link").await;
    undated.assert_has("has not set its go-live date yet");
}

#[tokio::test]
async fn a_linked_cmecf_account_cannot_be_linked_again() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let p = b.submit_link("gamb", "mlinked", ECF_PW).await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    p.assert_has("This CM/ECF account has already been linked to a PACER account.");
}

#[tokio::test]
async fn a_pacer_account_links_one_cmecf_account_per_court() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("mlinked2026", PACER_PW).await;
    let p = b.get("/ecf/gamb/link").await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    p.assert_has("Your PACER account is already linked to the CM/ECF account mlinked at this court.");
}

#[tokio::test]
async fn two_racing_links_of_one_cmecf_account_have_one_winner() {
    let app = TestApp::spawn().await;
    let (a, b) = (app.browser(), app.browser());
    a.login("jfiler2026", PACER_PW).await;
    b.login("jfiler2027", PACER_PW).await;
    let va = a.submit_link("gamb", "other1", ECF_PW).await;
    let vb = b.submit_link("gamb", "other1", ECF_PW).await;
    va.assert_has("Verify");
    vb.assert_has("Verify");
    let (ra, rb) = tokio::join!(a.confirm("gamb", &va, "submit"), b.confirm("gamb", &vb, "submit"));
    let wins = [&ra, &rb]
        .iter()
        .filter(|p| p.has("You have successfully linked your account."))
        .count();
    let losses = [&ra, &rb]
        .iter()
        .filter(|p| p.status == StatusCode::CONFLICT && p.has("already been linked"))
        .count();
    assert_eq!((wins, losses), (1, 1), "{}\n{}", ra.body, rb.body);
    let gamb = CourtId::parse("gamb").unwrap();
    let n = app
        .store
        .links(&gamb)
        .await
        .unwrap()
        .iter()
        .filter(|l| l.ecf_login == "other1")
        .count();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn the_held_identity_expires() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    // The verified identity is held for five minutes.
    app.advance(std::time::Duration::from_secs(5 * 60 + 1));
    let late = b.confirm("gamb", &verify, "submit").await;
    assert_eq!(late.status, StatusCode::GONE);
    late.assert_has("The verification has expired");
}

#[tokio::test]
async fn another_session_cannot_use_the_held_identity() {
    let app = TestApp::spawn().await;
    let owner = app.browser();
    owner.login("jfiler2026", PACER_PW).await;
    let verify = owner.submit_link("gamb", "jfiler", ECF_PW).await;
    let thief = app.browser();
    thief.login("jfiler2027", PACER_PW).await;
    let csrf = thief.get("/ecf/gamb/link").await.hidden("csrf");
    let stolen = thief
        .post(
            "/ecf/gamb/link/confirm",
            &[
                ("csrf", &csrf),
                ("pending", &verify.hidden("pending")),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::GONE);
}

/// The same workflow on PostgreSQL (skipped with a reason when none is reachable).
#[tokio::test]
async fn the_workflow_runs_on_postgresql_too() {
    let Some(db) = openecf_store::testkit::TestDb::postgres().await else {
        return;
    };
    let app = TestApp::start(db.store.clone()).await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    b.confirm("gamb", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
    let again = app.browser();
    again.login("jfiler2027", PACER_PW).await;
    again
        .submit_link("gamb", "jfiler", ECF_PW)
        .await
        .assert_has("already been linked");
    assert_eq!(
        app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap().count,
        0
    );
    db.finish().await;
}

#[tokio::test]
async fn a_wrong_button_keeps_the_verification_and_an_expired_one_is_audited() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("gamb", "jfiler", ECF_PW).await;
    let csrf = verify.hidden("csrf");
    let pending = verify.hidden("pending");
    let odd = b
        .post(
            "/ecf/gamb/link/confirm",
            &[("csrf", &csrf), ("pending", &pending), ("action", "maybe")],
        )
        .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);
    b.confirm("gamb", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
    let again = b.confirm("gamb", &verify, "submit").await;
    assert_eq!(again.status, StatusCode::GONE);
    let audit = app.store.audit_events(Some("gamb")).await.unwrap();
    assert_eq!(audit.last().unwrap().outcome, "refused: verification_expired");
}
