//! PACER LOGIN: the Central Sign-On, its cookie check, its generic refusal,
//! its throttle and its session token.

use crate::helpers::*;
use openecf_domain::Subject;
use reqwest::StatusCode;

#[tokio::test]
async fn login_takes_the_user_where_they_were_going() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let p = b.login_to("jfiler2026", PACER_PW, "/ecf/gamb/").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.url.ends_with("/ecf/gamb/"), "{}", p.url);
    p.assert_has("Logged in as <strong>Jordan Filer (jfiler2026)</strong>");
}

#[tokio::test]
async fn a_browser_that_refuses_cookies_is_told_what_to_do() {
    let app = TestApp::spawn().await;
    let client = app.cookieless();
    let form = page(client.get(format!("{}/csologin/login", app.base)).send().await.unwrap()).await;
    form.assert_has("Your browser must be set to accept cookies in order to log in to this site.");
    let csrf = form.hidden("csrf");
    let res = client
        .post(format!("{}/csologin/login", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("next", "/"),
            ("loginId", "jfiler2026"),
            ("password", PACER_PW),
        ])
        .send()
        .await
        .unwrap();
    let p = page(res).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    p.assert_has("Cookies are required")
        .assert_has("delete the stored cookie file in your PC. Close and reopen your browser before trying again.");
    assert!(p
        .headers
        .get_all("set-cookie")
        .iter()
        .all(|c| !c.to_str().unwrap().starts_with("NextGenCSO=")));
}

#[tokio::test]
async fn wrong_credentials_get_one_generic_answer() {
    let app = TestApp::spawn().await;
    let wrong_password = app.browser().login("jfiler2026", "Not-The-Password-1").await;
    let unknown_user = app.browser().login("nobody2026", PACER_PW).await;
    let malformed = app.browser().login("x", "").await;
    for p in [&wrong_password, &unknown_user, &malformed] {
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        p.assert_has("Invalid username or password.");
    }
    // Failures are counted per account in the database, known or not.
    assert_eq!(
        app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap().count,
        1
    );
    assert_eq!(
        app.store.failures(&Subject::pacer("nobody2026")).await.unwrap().count,
        1
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_the_same_answer() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for _ in 0..openecf_domain::throttle::FREE_FAILURES {
        b.login("jfiler2026", "Not-The-Password-1").await;
    }
    // Locked now: even the right password gets the generic answer.
    let p = b.login("jfiler2026", PACER_PW).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    p.assert_has("Invalid username or password.");
    assert!(b.token().is_none());
    let failures = app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap();
    assert!(failures.is_locked(app.now().timestamp()));
}

#[tokio::test]
async fn one_token_works_at_every_court_by_cookie_or_header() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let token = b.token().expect("NextGenCSO cookie");
    assert!(token.len() >= 32, "at least 128 bits");
    let stored = app.store.session(&token).await.unwrap();
    assert!(stored.is_none(), "the token itself is never stored, only its hash");
    for court in ["gamb", "nysd"] {
        let res = app
            .cookieless()
            .get(format!("{}/ecf/{court}/", app.base))
            .header("X-NEXT-GEN-CSO", &token)
            .send()
            .await
            .unwrap();
        page(res)
            .await
            .assert_has("Logged in as <strong>Jordan Filer (jfiler2026)</strong>");
    }
}

#[tokio::test]
async fn the_session_cookie_has_the_right_flags() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/csologin/login").await;
    let csrf = form.hidden("csrf");
    let res = b
        .client
        .post(format!("{}/csologin/login", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("next", "/"),
            ("loginId", "jfiler2026"),
            ("password", PACER_PW),
        ])
        .build()
        .unwrap();
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(b.jar.clone())
        .build()
        .unwrap();
    let res = no_redirect.execute(res).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("NextGenCSO="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_fresh_token_at_login_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let first = b.token().unwrap();
    // Already logged in: PACER LOGIN goes straight on, same token.
    let again = b.get("/csologin/login?next=/ecf/nysd/").await;
    assert!(again.url.ends_with("/ecf/nysd/"), "{}", again.url);
    assert_eq!(b.token().unwrap(), first);
    // Logging in again issues a fresh token and ends the old one.
    b.login("jfiler2026", PACER_PW).await;
    let second = b.token().unwrap();
    assert_ne!(second, first);
    let old = app
        .cookieless()
        .get(format!("{}/ecf/gamb/", app.base))
        .header("X-NEXT-GEN-CSO", &first)
        .send()
        .await
        .unwrap();
    page(old).await.assert_lacks("Logged in as");
    let first = second;
    let home = b.get("/ecf/gamb/").await;
    let csrf = home.hidden("csrf");
    let out = b.post("/ecf/gamb/logout", &[("csrf", &csrf)]).await;
    out.assert_has("Document Filing System");
    let replay = app
        .cookieless()
        .get(format!("{}/ecf/gamb/", app.base))
        .header("X-NEXT-GEN-CSO", &first)
        .send()
        .await
        .unwrap();
    page(replay)
        .await
        .assert_lacks("Logged in as")
        .assert_has("Document Filing System");
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    b.get("/ecf/gamb/").await.assert_has("Logged in as");
    // 30 minutes idle by default: 29 minutes later the session is alive (and seen again) …
    app.advance(std::time::Duration::from_secs(29 * 60));
    b.get("/ecf/gamb/").await.assert_has("Logged in as");
    // … and 30 minutes after that request, it has ended.
    app.advance(std::time::Duration::from_secs(30 * 60));
    b.get("/ecf/gamb/").await.assert_lacks("Logged in as");
}

#[tokio::test]
async fn forms_without_the_right_token_are_refused() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.get("/csologin/login").await;
    let p = b
        .post(
            "/csologin/login",
            &[
                ("csrf", "forged"),
                ("next", "/"),
                ("loginId", "jfiler2026"),
                ("password", PACER_PW),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(b.token().is_none());
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for path in ["/", "/csologin/login", "/ecf/gamb/", "/no/such/page"] {
        let p = b.get(path).await;
        let h = &p.headers;
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(h.contains_key("x-operation-id"));
    }
    let missing = b.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    missing.assert_has("Operation id");
}

#[tokio::test]
async fn next_never_leaves_the_site() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let p = b.login_to("jfiler2026", PACER_PW, "//evil.example.com/").await;
    assert_eq!(p.url, format!("{}/", app.base));
}

#[tokio::test]
async fn a_burst_of_concurrent_guesses_is_throttled_too() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/csologin/login").await;
    let csrf = form.hidden("csrf");
    let guesses = (0..12).map(|i| {
        let pw = format!("Wrong-Guess-{i}");
        let csrf = csrf.clone();
        let (client, base) = (b.client.clone(), b.base.clone());
        tokio::spawn(async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("next", "/"),
                ("loginId", "jfiler2026"),
                ("password", pw.as_str()),
            ];
            client
                .post(format!("{base}/csologin/login"))
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    for g in guesses.collect::<Vec<_>>() {
        assert_eq!(g.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    // At most a few checks run at once, so the burst overshoots the lock by
    // fewer than that many; the rest met the lock unchecked.
    let failures = app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap();
    let free = openecf_domain::throttle::FREE_FAILURES;
    assert!(
        (free..free + openecf_domain::throttle::MAX_IN_FLIGHT).contains(&failures.count),
        "{} failures counted",
        failures.count
    );
}

#[tokio::test]
async fn bytes_the_database_refuses_get_the_generic_answer() {
    let app = TestApp::spawn().await;
    let p = app.browser().login("jfiler\u{0}2026", PACER_PW).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    let long = app.browser().login(&"x".repeat(5000), PACER_PW).await;
    assert_eq!(long.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn next_keeps_its_query() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let login = b.get("/csologin/login?next=/ecf/gamb/utilities%3Fx%3D1%26y%3D2").await;
    let csrf = login.hidden("csrf");
    let next = login.hidden("next");
    let p = b
        .post(
            "/csologin/login",
            &[
                ("csrf", &csrf),
                ("next", &next),
                ("loginId", "jfiler2026"),
                ("password", PACER_PW),
            ],
        )
        .await;
    assert!(p.url.ends_with("/ecf/gamb/utilities?x=1&y=2"), "{}", p.url);
}

/// Polls (briefly, for the server's background work) until `done` holds.
async fn eventually<F: std::future::Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) {
    for _ in 0..500 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("never: {what}");
}

#[tokio::test]
async fn guesses_abandoned_mid_hash_neither_jam_the_account_nor_go_uncounted() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn().await;
    let addr = app.base.strip_prefix("http://").unwrap().to_owned();
    let subject = Subject::pacer("jfiler2026");
    // As many wrong guesses as may be checked at once, each from a client that
    // hangs up while the server is still checking it.
    let mut clients = Vec::new();
    for _ in 0..openecf_domain::throttle::MAX_IN_FLIGHT {
        let body = r#"{"loginId":"jfiler2026","password":"Wrong-Guess-Pass-1"}"#;
        let request = format!(
            "POST /services/cso-auth HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
        conn.write_all(request.as_bytes()).await.unwrap();
        clients.push(conn);
    }
    // Hang up while at least one of them is being checked (the others may
    // have been checked already: they count as failures all the same).
    eventually("a check under way", || async {
        app.store.attempts_under_way(&subject, app.now()).await.unwrap() >= 1
    })
    .await;
    drop(clients);
    // Each abandoned guess releases its slot and is counted as a failure
    // (a request dropped before its check began is no guess, and not counted).
    eventually("every slot released", || async {
        app.store.attempts_under_way(&subject, app.now()).await.unwrap() == 0
    })
    .await;
    let counted = app.store.failures(&subject).await.unwrap().count;
    assert!(
        (1..=openecf_domain::throttle::MAX_IN_FLIGHT).contains(&counted),
        "{counted} failures counted"
    );
    // The right password still opens the account, at once.
    let started = std::time::Instant::now();
    let (status, body) = api_login(&app, "jfiler2026", PACER_PW).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["loginResult"], "0", "{body}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "it did not wait");
}

async fn api_login(app: &TestApp, login: &str, password: &str) -> (StatusCode, serde_json::Value) {
    let res = app
        .cookieless()
        .post(format!("{}/services/cso-auth", app.base))
        .json(&serde_json::json!({"loginId": login, "password": password}))
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

#[tokio::test]
async fn a_lockout_from_elsewhere_does_not_lock_the_owner_out_of_a_known_browser() {
    let app = TestApp::spawn().await;
    // The owner has logged in with this browser before, and logged out.
    let owner = app.browser();
    owner.login("jfiler2026", PACER_PW).await.assert_has("Logged in as");
    let home = owner.get("/").await;
    owner.submit(&home, "/csologin/logout", &[]).await;
    // Someone elsewhere locks the account with wrong guesses.
    let attacker = app.browser();
    for _ in 0..openecf_domain::throttle::FREE_FAILURES + 2 {
        attacker.login("jfiler2026", "Not-The-Password-1").await;
    }
    let stranger = app.browser();
    assert_eq!(
        stranger.login("jfiler2026", PACER_PW).await.status,
        StatusCode::UNAUTHORIZED,
        "locked"
    );
    let locked_count = app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap().count;
    // The owner's browser still opens the account at once.
    owner.login("jfiler2026", PACER_PW).await.assert_has("Logged in as");
    // Wrong guesses from the known browser count against that browser only.
    let home = owner.get("/").await;
    owner.submit(&home, "/csologin/logout", &[]).await;
    for _ in 0..openecf_domain::throttle::FREE_FAILURES {
        owner.login("jfiler2026", "Not-The-Password-2").await;
    }
    assert_eq!(
        owner.login("jfiler2026", PACER_PW).await.status,
        StatusCode::UNAUTHORIZED,
        "this browser is locked now"
    );
    let account_failures = app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap().count;
    assert_eq!(account_failures, locked_count, "the account's own count is untouched");
    // Unknown clients keep the account's growing delays.
    assert!(app
        .store
        .failures(&Subject::pacer("jfiler2026"))
        .await
        .unwrap()
        .is_locked(app.now().timestamp()));
}

#[tokio::test]
async fn a_known_browser_unused_for_180_days_no_longer_counts_and_is_purged() {
    let app = TestApp::spawn().await;
    let owner = app.browser();
    owner.login("jfiler2026", PACER_PW).await.assert_has("Logged in as");
    let home = owner.get("/").await;
    owner.submit(&home, "/csologin/logout", &[]).await;
    let account = app.account("jfiler2026").await.id;
    assert_eq!(app.store.known_device_count(account).await.unwrap(), 1);
    // Half a year and a day later, someone elsewhere locks the account.
    app.advance(std::time::Duration::from_secs(181 * 24 * 3600));
    let recent = app.browser();
    recent.login("jfiler2026", PACER_PW).await.assert_has("Logged in as");
    let attacker = app.browser();
    for _ in 0..openecf_domain::throttle::FREE_FAILURES + 2 {
        attacker.login("jfiler2026", "Not-The-Password-1").await;
    }
    // The old browser is a stranger now: it is locked out like any other.
    assert_eq!(
        owner.login("jfiler2026", PACER_PW).await.status,
        StatusCode::UNAUTHORIZED,
        "a device unused for 180 days is no longer known"
    );
    // The purge forgets it; the browser used today stays known.
    assert_eq!(app.store.known_device_count(account).await.unwrap(), 2);
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let transport = openecf_app::mailer::Transport::from_settings(None, dir.path().to_path_buf()).unwrap();
    let mailer = openecf_app::mailer::Mailer::new(app.store.clone(), transport, "noreply@example.com").unwrap();
    let worker = openecf_app::jobs::Worker::new(app.app.clone(), mailer);
    worker.schedule_purge().await.unwrap();
    worker.run_due().await.unwrap();
    assert_eq!(app.store.known_device_count(account).await.unwrap(), 1);
    let home = recent.get("/").await;
    recent.submit(&home, "/csologin/logout", &[]).await;
    recent.login("jfiler2026", PACER_PW).await.assert_has("Logged in as");
}
