//! The clerk console (`/ecf/{court}/admin`), the CM/ECF password reset from
//! the link form page, E-File Registration, and the linking progress.

use openecf_domain::{CourtId, EcfLogin};
use reqwest::StatusCode;

use crate::helpers::*;

async fn make_staff(app: &TestApp, court: &str, username: &str) {
    openecf_app::courts::set_staff(&app.app, &CourtId::parse(court).unwrap(), username, true, "test")
        .await
        .unwrap()
        .unwrap();
}

/// A browser logged in as `username`.
async fn logged_in(app: &TestApp, username: &str) -> Browser {
    let b = app.browser();
    b.login(username, PACER_PW).await;
    b
}

async fn linked_login(app: &TestApp, court: &str, username: &str) -> Option<String> {
    let account = app.account(username).await;
    app.store
        .linked_login(&CourtId::parse(court).unwrap(), account.id)
        .await
        .unwrap()
}

async fn disabled(app: &TestApp, court: &str, login: &str) -> bool {
    let a = app
        .store
        .ecf_by_login(&CourtId::parse(court).unwrap(), &EcfLogin::parse(login).unwrap())
        .await
        .unwrap()
        .unwrap()
        .0;
    app.store.is_ecf_disabled(a.id).await.unwrap()
}

/// The single-use link in the last CM/ECF password mail to `to`.
async fn reset_link(app: &TestApp, to: &str) -> String {
    let mail = app.mail_to(to).await;
    let m = mail
        .iter()
        .rev()
        .find(|m| m.subject.starts_with("Reset your CM/ECF password"))
        .unwrap_or_else(|| panic!("no CM/ECF reset mail to {to}: {mail:?}"));
    let at = m.body.find(&app.base).unwrap() + app.base.len();
    m.body[at..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn the_console_is_for_this_courts_staff_only() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2027").await;

    // Anonymous: PACER LOGIN, and back to the console after.
    let anon = app.browser();
    let page = anon.get("/ecf/gamb/admin").await;
    page.assert_has("PACER LOGIN");
    assert!(page.url.contains("/csologin/login"), "{}", page.url);
    let page = anon.get("/ecf/gamb/admin/progress.csv").await;
    assert!(page.url.contains("/csologin/login"), "{}", page.url);
    // With a slash, the same; an unknown court is no page at all.
    let page = anon.get("/ecf/gamb/admin/").await;
    assert!(page.url.contains("/csologin/login"), "{}", page.url);
    assert_eq!(anon.get("/ecf/nosuch/admin").await.status, StatusCode::NOT_FOUND);

    // A PACER user who is not staff: 403, everywhere in the console.
    let filer = logged_in(&app, "jfiler2026").await;
    for path in [
        "/ecf/gamb/admin",
        "/ecf/gamb/admin/progress",
        "/ecf/gamb/admin/progress.csv",
        "/ecf/gamb/admin/account/jfiler",
        "/ecf/gamb/admin/accounts/new",
    ] {
        let page = filer.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        page.assert_has("is for the court&#39;s staff only")
            .assert_lacks("Olivia Other");
    }

    // Staff find the console on Utilities (a bankruptcy court's staff open no criminal case).
    filer.get("/ecf/gamb/utilities").await.assert_lacks("Clerk console");
    let clerk = logged_in(&app, "jfiler2027").await;
    let utilities = clerk.get("/ecf/gamb/utilities").await;
    utilities.assert_lacks("Open a Criminal Case");
    // Staff of gamb: the console there; 403 at nysd, for reading and for changing.
    let home = clerk.get(&utilities.link("Clerk console")).await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_has("<h1>Clerk console</h1>");
    let other = clerk.get("/ecf/nysd/admin/account/jfiler").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    other.assert_has("Your PACER account jfiler2027 is not court staff here");
    let csrf = home.hidden("csrf");
    let post = clerk
        .post(
            "/ecf/nysd/admin/account/jfiler/disable",
            &[("csrf", &csrf), ("reason", "not my court")],
        )
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    assert!(!disabled(&app, "nysd", "jfiler").await);
    let csv = clerk.get("/ecf/nysd/admin/progress.csv").await;
    assert_eq!(csv.status, StatusCode::FORBIDDEN);

    // Ending the grant closes the console at once.
    openecf_app::courts::set_staff(&app.app, &CourtId::parse("gamb").unwrap(), "jfiler2027", false, "test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(clerk.get("/ecf/gamb/admin").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_search_accounts_and_read_their_history() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2027").await;
    let clerk = logged_in(&app, "jfiler2027").await;

    let found = clerk.get("/ecf/gamb/admin?q=olivia").await;
    found.assert_has("1 account found").assert_has(">other1</a>");
    found.assert_lacks(">mlinked</a>");
    let by_email = clerk.get("/ecf/gamb/admin?q=mlinked.gamb%40example.com").await;
    by_email
        .assert_has(">mlinked</a>")
        .assert_has("Linked to mlinked2026 since");
    let by_bar = clerk.get("/ecf/gamb/admin?q=ga-104233").await;
    by_bar.assert_has("3 accounts found");
    // Another court's accounts never show.
    let none = clerk.get("/ecf/gamb/admin?q=nysd").await;
    none.assert_has("No CM/ECF account matches");
    // A typed wildcard matches itself only.
    clerk
        .get("/ecf/gamb/admin?q=%25")
        .await
        .assert_has("No CM/ECF account matches");

    // A failed link attempt shows up in the history, with its outcome.
    let filer = logged_in(&app, "jfiler2026").await;
    filer.submit_link("gamb", "jfiler", "wrong-password").await;
    let page = clerk.get("/ecf/gamb/admin/account/jfiler").await;
    page.assert_has("Not linked")
        .assert_has("CM/ECF account link")
        .assert_has("refused: wrong_credentials")
        .assert_has("jfiler2026");
    let linked = clerk.get("/ecf/gamb/admin/account/mlinked").await;
    linked.assert_has("Linked to mlinked2026").assert_has(">linked<");
    assert_eq!(
        clerk.get("/ecf/gamb/admin/account/nosuch").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unlink_needs_a_reason_emails_the_filer_and_allows_a_relink() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2027").await;
    let clerk = logged_in(&app, "jfiler2027").await;
    let page = clerk.get("/ecf/gamb/admin/account/mlinked").await;

    let refused = clerk
        .submit(&page, "/ecf/gamb/admin/account/mlinked/unlink", &[("reason", "  ")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_has("Give a reason");
    assert_eq!(
        linked_login(&app, "gamb", "mlinked2026").await.as_deref(),
        Some("mlinked")
    );

    let done = clerk
        .submit(
            &page,
            "/ecf/gamb/admin/account/mlinked/unlink",
            &[("reason", "linked by the wrong person")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    done.assert_has("The link is removed and the filer emailed")
        .assert_has("Not linked")
        .assert_has("CM/ECF link removed by the court")
        .assert_has("linked by the wrong person (by jfiler2027)");
    assert_eq!(linked_login(&app, "gamb", "mlinked2026").await, None);
    let mail = app.mail_to("mlinked2026@example.com").await;
    let m = mail
        .iter()
        .find(|m| m.subject.starts_with("CM/ECF link removed"))
        .expect("the filer is emailed");
    assert!(m.body.contains("Reason: linked by the wrong person"), "{}", m.body);
    // The audit keeps both sides, who and why.
    let audit = app.store.audit_events(Some("gamb")).await.unwrap();
    let e = audit.iter().find(|e| e.action == "link.remove").unwrap();
    assert_eq!(e.pacer_username.as_deref(), Some("mlinked2026"));
    assert_eq!(e.ecf_login.as_deref(), Some("mlinked"));
    assert_eq!(e.detail, "linked by the wrong person (by jfiler2027)");

    // Unlinking again says so.
    let again = clerk
        .submit(&page, "/ecf/gamb/admin/account/mlinked/unlink", &[("reason", "again")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_has("is not linked to a PACER account");

    // The CM/ECF account may be linked again.
    let filer = logged_in(&app, "mlinked2026").await;
    let verify = filer.submit_link("gamb", "mlinked", ECF_PW).await;
    let linked = filer.confirm("gamb", &verify, "submit").await;
    linked.assert_has("You have successfully linked your account.");
    assert_eq!(
        linked_login(&app, "gamb", "mlinked2026").await.as_deref(),
        Some("mlinked")
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_link_log_in_or_be_notified() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2027").await;
    make_staff(&app, "cand", "jfiler2027").await;
    let clerk = logged_in(&app, "jfiler2027").await;

    let page = clerk.get("/ecf/gamb/admin/account/jfiler").await;
    let refused = clerk
        .submit(&page, "/ecf/gamb/admin/account/jfiler/disable", &[("reason", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!disabled(&app, "gamb", "jfiler").await);
    let done = clerk
        .submit(
            &page,
            "/ecf/gamb/admin/account/jfiler/disable",
            &[("reason", "attorney suspended")],
        )
        .await;
    done.assert_has("The CM/ECF account is disabled")
        .assert_has("by jfiler2027: attorney suspended");
    assert!(disabled(&app, "gamb", "jfiler").await);
    assert!(app
        .mail_to("jfiler.gamb@example.com")
        .await
        .iter()
        .any(|m| m.subject.starts_with("CM/ECF account disabled")));

    // The link form refuses it, even with the right password, and says why.
    let filer = logged_in(&app, "jfiler2026").await;
    let page = filer.submit_link("gamb", "jfiler", ECF_PW).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    page.assert_has("disabled by the court");
    assert_eq!(linked_login(&app, "gamb", "jfiler2026").await, None);

    // At a court not live yet, its legacy login is refused.
    let cand = clerk.get("/ecf/cand/admin/account/jfiler").await;
    clerk
        .submit(
            &cand,
            "/ecf/cand/admin/account/jfiler/disable",
            &[("reason", "duplicate account")],
        )
        .await
        .assert_has("The CM/ECF account is disabled");
    let legacy = app.browser();
    let form = legacy.get("/ecf/cand/login").await;
    let page = legacy
        .submit(&form, "/ecf/cand/login", &[("login", "jfiler"), ("password", ECF_PW)])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    page.assert_has("disabled by the court");

    // No go-live notice goes to it.
    let mut tx = app.store.write().await.unwrap();
    let to = tx.go_live_recipients(&CourtId::parse("cand").unwrap()).await.unwrap();
    tx.rollback().await.unwrap();
    assert!(to.is_empty(), "{to:?}");

    // Enabled again, it links.
    let page = clerk.get("/ecf/gamb/admin/account/jfiler").await;
    clerk
        .submit(
            &page,
            "/ecf/gamb/admin/account/jfiler/enable",
            &[("reason", "reinstated")],
        )
        .await
        .assert_has("enabled again");
    let verify = filer.submit_link("gamb", "jfiler", ECF_PW).await;
    filer
        .confirm("gamb", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
}

#[tokio::test]
async fn staff_add_an_account_whose_holder_chooses_its_password() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2027").await;
    let clerk = logged_in(&app, "jfiler2027").await;
    let form = clerk.get("/ecf/gamb/admin/accounts/new").await;
    form.assert_has("<label for=\"login\">CM/ECF login</label>");

    let bad = clerk
        .submit(
            &form,
            "/ecf/gamb/admin/accounts/new",
            &[
                ("login", "newfiler"),
                ("name", "Nia New"),
                ("email", "not an address"),
                ("role", "attorney"),
                ("bar_id", "GA-1"),
                ("reason", "admitted today"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("Email:").assert_has("value=\"Nia New\"");
    assert!(clerk
        .get("/ecf/gamb/admin?q=newfiler")
        .await
        .has("No CM/ECF account matches"));

    let taken = clerk
        .submit(
            &form,
            "/ecf/gamb/admin/accounts/new",
            &[
                ("login", "other1"),
                ("name", "Nia New"),
                ("email", "nia@example.com"),
                ("role", "attorney"),
                ("reason", "admitted today"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    taken.assert_has("is taken at this court");

    let added = clerk
        .submit(
            &form,
            "/ecf/gamb/admin/accounts/new",
            &[
                ("login", "newfiler"),
                ("name", "Nia New"),
                ("email", "nia@example.com"),
                ("role", "attorney"),
                ("bar_id", "GA-1"),
                ("reason", "admitted today"),
            ],
        )
        .await;
    added
        .assert_has("The CM/ECF account is added")
        .assert_has("CM/ECF account added by the court")
        .assert_has("admitted today (by jfiler2027)");

    // The holder chooses a password from the mailed link, then links.
    let link = reset_link(&app, "nia@example.com").await;
    let b = logged_in(&app, "jfiler2026").await;
    let page = b.get(&link).await;
    page.assert_has("Choose a new CM/ECF password");
    b.submit(
        &page,
        &link,
        &[
            ("password", "Quartz-Meadow-Falcon-93"),
            ("confirm", "Quartz-Meadow-Falcon-93"),
        ],
    )
    .await
    .assert_has("CM/ECF password changed");
    let verify = b.submit_link("gamb", "newfiler", "Quartz-Meadow-Falcon-93").await;
    b.confirm("gamb", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
}

#[tokio::test]
async fn a_forgotten_cmecf_password_is_reset_by_a_single_use_mailed_link() {
    let app = TestApp::spawn().await;
    let b = logged_in(&app, "jfiler2026").await;
    let form = b.get("/ecf/gamb/link").await;
    let forgot = b.get(&form.link("Forgot your CM/ECF password?")).await;
    forgot.assert_has("<label for=\"login\">CM/ECF login</label>");

    // The same answer whether or not the login exists; mail only for one that does.
    let known = b.submit(&forgot, "/ecf/gamb/link/forgot", &[("login", "jfiler")]).await;
    let unknown = b
        .submit(&forgot, "/ecf/gamb/link/forgot", &[("login", "nosuchlogin")])
        .await;
    assert_eq!(known.status, unknown.status);
    known.assert_has("Check your email");
    assert_eq!(known.body, unknown.body);
    let link = reset_link(&app, "jfiler.gamb@example.com").await;
    assert!(link.starts_with("/ecf/gamb/link/reset/"), "{link}");
    // Only the token's hash is stored: the store finds the link by the hash, not the token.
    let token = link.rsplit('/').next().unwrap();
    let now = app.now();
    let hash = openecf_app::tokens::hash_token(token);
    assert!(app.store.ecf_reset_target(&hash, now).await.unwrap().is_some());
    assert!(app.store.ecf_reset_target(token, now).await.unwrap().is_none());

    // A weak password is refused and the link still works.
    let page = b.get(&link).await;
    let weak = b
        .submit(&page, &link, &[("password", "password"), ("confirm", "password")])
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    weak.assert_has("New CM/ECF password:");
    let done = b
        .submit(
            &page,
            &link,
            &[
                ("password", "Harbor-Violet-Engine-58"),
                ("confirm", "Harbor-Violet-Engine-58"),
            ],
        )
        .await;
    done.assert_has("CM/ECF password changed");
    // Single use.
    assert_eq!(b.get(&link).await.status, StatusCode::GONE);
    // The old password no longer verifies; the new one links.
    let old = b.submit_link("gamb", "jfiler", ECF_PW).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let verify = b.submit_link("gamb", "jfiler", "Harbor-Violet-Engine-58").await;
    b.confirm("gamb", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");

    // A link works for 30 minutes only.
    let again = b.submit(&forgot, "/ecf/gamb/link/forgot", &[("login", "other1")]).await;
    again.assert_has("Check your email");
    let link = reset_link(&app, "other1.gamb@example.com").await;
    app.advance(std::time::Duration::from_secs(31 * 60));
    let page = b.get(&link).await;
    assert_eq!(page.status, StatusCode::GONE);
    page.assert_has("has expired or has already been used");
}

#[tokio::test]
async fn staff_send_a_reset_link_from_the_console() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2027").await;
    let clerk = logged_in(&app, "jfiler2027").await;
    let page = clerk.get("/ecf/gamb/admin/account/other1").await;
    clerk
        .submit(&page, "/ecf/gamb/admin/account/other1/reset", &[])
        .await
        .assert_has("A password reset link (single use, 30 minutes) was mailed")
        .assert_has("link mailed (by jfiler2027)");
    reset_link(&app, "other1.gamb@example.com").await;
    // A linked account has no legacy password to reset: no button.
    clerk
        .get("/ecf/gamb/admin/account/mlinked")
        .await
        .assert_lacks("Mail a password reset link");
}

#[tokio::test]
async fn e_file_registration_is_asked_for_and_decided() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2026").await;
    let filer = logged_in(&app, "jfiler2027").await;
    let account = filer.get("/account").await;
    let form = filer.get(&account.link("E-File Registration")).await;
    form.assert_has("<label for=\"bar_id\">Bar id</label>");

    let refused = filer
        .submit(
            &form,
            "/account/efile",
            &[
                ("court", "gamb"),
                ("kind", "attorney"),
                ("bar_id", ""),
                ("bar_state", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_has("Attorney admission needs your bar id");
    let not_live = filer
        .submit(
            &form,
            "/account/efile",
            &[("court", "cand"), ("kind", "non-attorney"), ("role", "creditor")],
        )
        .await;
    assert_eq!(not_live.status, StatusCode::UNPROCESSABLE_ENTITY);
    not_live.assert_has("not live on NextGen CM/ECF");

    let sent = filer
        .submit(
            &form,
            "/account/efile",
            &[
                ("court", "gamb"),
                ("kind", "attorney"),
                ("bar_id", "GA-555"),
                ("bar_state", "ga"),
            ],
        )
        .await;
    sent.assert_has("Your request is sent")
        .assert_has("Waiting for the clerk");
    let twice = filer
        .submit(
            &form,
            "/account/efile",
            &[
                ("court", "gamb"),
                ("kind", "attorney"),
                ("bar_id", "GA-555"),
                ("bar_state", "GA"),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    twice.assert_has("waiting for the clerk");

    // Staff of another court do not see it.
    make_staff(&app, "nysd", "mlinked2026").await;
    let other = logged_in(&app, "mlinked2026").await;
    other.get("/ecf/nysd/admin").await.assert_has("No request is waiting");

    let clerk = logged_in(&app, "jfiler2026").await;
    let home = clerk.get("/ecf/gamb/admin").await;
    home.assert_has("Attorney admission: Jamie Filer (jfiler2027)")
        .assert_has("bar id GA-555 (GA)");
    let action = home.body[home.body.find("/ecf/gamb/admin/registrations/").unwrap()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let no_reason = clerk
        .submit(&home, &action, &[("action", "reject"), ("reason", "")])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    no_reason.assert_has("Give a reason");
    let approved = clerk
        .submit(&home, &action, &[("action", "approve"), ("reason", "")])
        .await;
    approved
        .assert_has("The request is approved")
        .assert_has("No request is waiting");
    // Deciding it again: gone.
    let again = clerk
        .submit(&home, &action, &[("action", "reject"), ("reason", "late")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_has("decided already");

    // The filer account exists, linked; the filer is emailed and files.
    assert_eq!(
        linked_login(&app, "gamb", "jfiler2027").await.as_deref(),
        Some("jfiler2027")
    );
    let mail = app.mail_to("jfiler2027@example.com").await;
    assert!(mail
        .iter()
        .any(|m| m.subject.starts_with("E-File Registration approved")
            && m.body.contains("The CM/ECF filer account jfiler2027 was created")));
    filer
        .get("/ecf/gamb/")
        .await
        .assert_has("Bankruptcy")
        .assert_has("Adversary");
    filer.get("/account/efile").await.assert_has("Approved");
    clerk
        .get("/ecf/gamb/admin/account/jfiler2027")
        .await
        .assert_has("Linked to jfiler2027")
        .assert_has("Attorney admission: CM/ECF account jfiler2027 created and linked (by jfiler2026)");
}

#[tokio::test]
async fn a_rejected_registration_tells_the_filer_why() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2026").await;
    let filer = logged_in(&app, "jfiler2027").await;
    let form = filer.get("/account/efile").await;
    filer
        .submit(
            &form,
            "/account/efile",
            &[("court", "gamb"), ("kind", "non-attorney"), ("role", "creditor")],
        )
        .await
        .assert_has("Your request is sent");
    let clerk = logged_in(&app, "jfiler2026").await;
    let home = clerk.get("/ecf/gamb/admin").await;
    home.assert_has("Non-attorney e-file registration: Jamie Filer (jfiler2027)");
    let action = home.body[home.body.find("/ecf/gamb/admin/registrations/").unwrap()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    clerk
        .submit(
            &home,
            &action,
            &[("action", "reject"), ("reason", "no claim in any case here")],
        )
        .await
        .assert_has("The request is rejected");
    assert_eq!(linked_login(&app, "gamb", "jfiler2027").await, None);
    let mail = app.mail_to("jfiler2027@example.com").await;
    assert!(mail
        .iter()
        .any(|m| m.subject.starts_with("E-File Registration rejected")
            && m.body.contains("Reason: no claim in any case here")));
    filer
        .get("/account/efile")
        .await
        .assert_has("no claim in any case here");
}

#[tokio::test]
async fn the_linking_progress_is_charted_tabled_and_downloadable() {
    let app = TestApp::spawn().await;
    make_staff(&app, "gamb", "jfiler2027").await;
    let clerk = logged_in(&app, "jfiler2027").await;
    // gamb: 3 accounts, mlinked linked.
    clerk
        .get("/ecf/gamb/admin")
        .await
        .assert_has("<strong>1 of 3</strong> active CM/ECF accounts linked (33.3%)");
    let page = clerk.get("/ecf/gamb/admin/progress").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_has("<svg role=\"img\" aria-label=\"Share of the active CM/ECF accounts of gamb")
        .assert_has("<title>Share of the active CM/ECF accounts of gamb")
        .assert_has("<caption id=\"progress-caption\">")
        .assert_has("<td>33.3%</td>");
    let today = app.now().date_naive().to_string();
    let csv = clerk.get("/ecf/gamb/admin/progress.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(csv.body.starts_with("date,accounts,linked,share\r\n"), "{}", csv.body);
    assert!(csv.body.ends_with(&format!("{today},3,1,0.3333\r\n")), "{}", csv.body);

    // A disabled account leaves the figures; a new link enters them.
    let acct = clerk.get("/ecf/gamb/admin/account/other1").await;
    clerk
        .submit(
            &acct,
            "/ecf/gamb/admin/account/other1/disable",
            &[("reason", "deceased")],
        )
        .await;
    let filer = logged_in(&app, "jfiler2026").await;
    let verify = filer.submit_link("gamb", "jfiler", ECF_PW).await;
    filer.confirm("gamb", &verify, "submit").await;
    let csv = clerk.get("/ecf/gamb/admin/progress.csv").await;
    assert!(csv.body.ends_with(&format!("{today},2,2,1.0000\r\n")), "{}", csv.body);

    // /courts shows each live court's share.
    let courts = app.browser().get("/courts").await;
    courts
        .assert_has("CM/ECF accounts linked")
        .assert_has("<td>100.0% (2 of 2)</td>")
        .assert_has("<td>0.0% (0 of 1)</td>");
}

#[tokio::test]
async fn cmecf_reset_requests_are_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.rate_limits.reset_per_hour = 2).await;
    let b = app.browser();
    let form = b.get("/ecf/gamb/link/forgot").await;
    for _ in 0..2 {
        let p = b.submit(&form, "/ecf/gamb/link/forgot", &[("login", "other1")]).await;
        assert_eq!(p.status, StatusCode::OK);
        p.assert_has("Check your email");
    }
    let p = b.submit(&form, "/ecf/gamb/link/forgot", &[("login", "other1")]).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    let sent = app.mail_to("other1.gamb@example.com").await;
    assert_eq!(sent.len(), 2, "{sent:?}");
}
