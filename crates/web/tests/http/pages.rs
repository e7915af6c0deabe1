//! What every page shares: the banner that says who you are, the error page
//! for requests refused before their handler, canonical court paths, and a
//! form that outlives its session.

use crate::helpers::*;
use reqwest::StatusCode;

fn no_redirects(b: &Browser) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(b.jar.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn court_and_account_pages_say_who_is_logged_in_with_logout_and_manage_my_account() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    for path in ["/ecf/gamb/utilities", "/ecf/cand/", "/account/password", "/account/mfa"] {
        let p = b.get(path).await;
        p.assert_has("Logged in as <strong>Jordan Filer (jfiler2026)</strong>")
            .assert_has(r#"action="/csologin/logout?logout""#)
            .assert_has(">Logout</button>");
        assert_eq!(p.link("Manage My Account"), "/account", "{path}");
    }
    // The banner's Logout ends the session.
    let p = b.get("/account/email").await;
    let out = b.post("/csologin/logout", &[("csrf", &p.hidden("csrf"))]).await;
    out.assert_lacks("Logged in as");
    b.get("/ecf/gamb/").await.assert_lacks("Logged in as");
}

#[tokio::test]
async fn a_legacy_cmecf_login_is_shown_with_its_court_logout() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/ecf/cand/login").await;
    let p = b
        .submit(&form, "/ecf/cand/login", &[("login", "jfiler"), ("password", ECF_PW)])
        .await;
    p.assert_has("Logged in as <strong>Jordan Filer (jfiler, CM/ECF login)</strong>")
        .assert_has(r#"action="/ecf/cand/logout?logout""#)
        .assert_lacks("Manage My Account");
}

#[tokio::test]
async fn refused_requests_get_the_error_page_with_an_operation_id() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/csologin/login").await;
    let csrf = form.hidden("csrf");
    let url = format!("{}/csologin/login", app.base);

    let big = "x".repeat(80 * 1024);
    let too_large = page(
        b.client
            .post(&url)
            .form(&[("csrf", csrf.as_str()), ("loginId", big.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    too_large.assert_has("Form too large").assert_has("Operation id:");

    let json = page(
        b.client
            .post(&url)
            .header("content-type", "application/json")
            .body(r#"{"loginId":"jfiler2026"}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    json.assert_has("Form not accepted").assert_has("Operation id:");

    let not_utf8 = page(
        b.client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}&loginId=%FF%FE&password=x"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(not_utf8.status, StatusCode::BAD_REQUEST);
    not_utf8.assert_has("not valid text").assert_has("Operation id:");

    b.login("jfiler2026", PACER_PW).await;
    let mfa = b.get("/account/mfa").await;
    let malformed = b
        .post(
            "/account/mfa/remove",
            &[
                ("csrf", &mfa.hidden("csrf")),
                ("id", "not-a-number"),
                ("current", PACER_PW),
            ],
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    malformed
        .assert_has("The form could not be read")
        .assert_has("Operation id:");

    let bad_path = b.get("/ecf/%FF/utilities").await;
    assert_eq!(bad_path.status, StatusCode::BAD_REQUEST);
    bad_path.assert_has("Operation id:").assert_has("<h1>Bad request</h1>");
}

#[tokio::test]
async fn court_ids_in_other_spellings_redirect_to_the_canonical_path() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let raw = no_redirects(&b);
    let res = raw
        .get(format!("{}/ecf/GAMB/utilities?x=1", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()["location"], "/ecf/gamb/utilities?x=1");
    let res = raw.get(format!("{}/ecf/%20Nysd%20/", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()["location"], "/ecf/nysd/");
    let res = raw
        .post(format!("{}/ecf/Gamb/link", app.base))
        .form(&[("login", "jfiler")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/ecf/gamb/link");
    // Followed, the user lands on the court's page.
    b.get("/ecf/GAMB/").await.assert_has("Document Filing System");
}

/// Ends a user's other sessions from a second device, as "Log out all other
/// sessions" on Manage My Account does.
async fn end_sessions_elsewhere(app: &TestApp, username: &str) {
    let other = app.browser();
    other.login(username, PACER_PW).await;
    let account = other.get("/account").await;
    other
        .post("/account/sessions/revoke-others", &[("csrf", &account.hidden("csrf"))])
        .await
        .assert_has("All your other sessions have been logged out.");
}

#[tokio::test]
async fn a_link_form_sent_after_the_session_ended_keeps_the_cmecf_login_but_not_the_password() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let form = b.get("/ecf/gamb/link").await;
    end_sessions_elsewhere(&app, "jfiler2026").await;

    let login = b
        .submit(&form, "/ecf/gamb/link", &[("login", "jfiler"), ("password", ECF_PW)])
        .await;
    login.assert_has("PACER LOGIN").assert_has("Your session expired");
    assert!(
        !login.url.contains(ECF_PW) && !login.body.contains(ECF_PW),
        "{}",
        login.url
    );

    let back = b
        .submit(
            &login,
            "/csologin/login",
            &[("loginId", "jfiler2026"), ("password", PACER_PW)],
        )
        .await;
    back.assert_has("Link a CM/ECF account to my PACER account")
        .assert_has(r#"value="jfiler""#)
        .assert_lacks(ECF_PW);
    // The user goes on where they were.
    let verify = b
        .submit(&back, "/ecf/gamb/link", &[("login", "jfiler"), ("password", ECF_PW)])
        .await;
    verify.assert_has("Verify that the CM/ECF account and PACER account listed are accurate.");
}

#[tokio::test]
async fn a_change_of_email_sent_after_the_session_ended_keeps_the_new_address() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2027", PACER_PW).await;
    let form = b.get("/account/email").await;
    end_sessions_elsewhere(&app, "jfiler2027").await;

    let login = b
        .submit(
            &form,
            "/account/email",
            &[("current", PACER_PW), ("email", "jamie.new@example.com")],
        )
        .await;
    login.assert_has("Your session expired");
    assert!(!login.url.contains(PACER_PW), "{}", login.url);

    let back = b
        .submit(
            &login,
            "/csologin/login",
            &[("loginId", "jfiler2027"), ("password", PACER_PW)],
        )
        .await;
    back.assert_has("Change email address")
        .assert_has(r#"value="jamie.new@example.com""#);
    // The browser sends the filled-in field back with the password typed again.
    let done = b
        .submit(
            &back,
            "/account/email",
            &[("current", PACER_PW), ("email", "jamie.new@example.com")],
        )
        .await;
    done.assert_has("We have emailed a confirmation link to the new address and an approval link");
}
