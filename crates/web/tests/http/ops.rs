//! Operations over HTTP: /healthz, /readyz, /metrics.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let health = b.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (StatusCode::OK, "ok\n"));
    let ready = b.get("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (StatusCode::OK, "ready\n"));
    // A login and a page, then the scrape counts them by route and status.
    b.login("jfiler2026", PACER_PW).await;
    b.get("/ecf/nysd/").await;
    b.get("/ecf/nysd/no-such-page-here").await;
    let scrape = b.get("/metrics").await;
    assert_eq!(scrape.status, StatusCode::OK);
    let text = &scrape.body;
    let count = |needle: &str| {
        text.lines()
            .any(|l| l.starts_with("openecf_http_requests_total{") && l.contains(needle))
    };
    assert!(count(r#"route="/ecf/{court}/""#), "{text}");
    assert!(count(r#"route="/csologin/login",method="POST",status="303""#), "{text}");
    assert!(text.contains("openecf_http_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains(r#"openecf_logins_total{outcome="success"}"#), "{text}");
    assert!(text.contains("openecf_jobs_due "), "{text}");
    assert!(text.contains("openecf_db_pool_connections "), "{text}");
    // No raw paths (ids, tokens) in labels: the unknown page is its route pattern.
    assert!(!text.contains("no-such-page-here"), "{text}");
}

#[tokio::test]
async fn readiness_fails_while_a_migration_is_missing() {
    let app = TestApp::spawn().await;
    app.store.forget_last_migration_for_tests().await.unwrap();
    let ready = app.browser().get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        ready.body.contains("migrations applied; run openecf migrate"),
        "{}",
        ready.body
    );
}

/// Another server on `store` with its own hashing pool (no fixture added):
/// its address.
async fn second_server(store: openecf_store::Store, hasher: openecf_app::Hasher) -> String {
    let app = openecf_app::App::new(
        store,
        hasher,
        openecf_app::Clock::system(),
        openecf_app::Settings::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let config = openecf_web::Config {
        public_url: base.clone(),
        ..openecf_web::Config::default()
    };
    tokio::spawn(openecf_web::serve(listener, openecf_web::AppState::new(app, config)));
    base
}

/// jfiler2026's `cso-auth` login at `base`, answered 503 with `Retry-After:
/// 1` and `loginResult` "9": its JSON.
async fn cso_auth_turned_away(base: &str) -> serde_json::Value {
    let res = reqwest::Client::new()
        .post(format!("{base}/services/cso-auth"))
        .json(&serde_json::json!({"loginId": "jfiler2026", "password": PACER_PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "1");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["loginResult"], "9");
    body
}

/// No trace of a jfiler2026 login: no failure counted, no check under way,
/// no login audited.
async fn assert_no_login_of_jfiler_written(app: &TestApp) {
    let subject = openecf_domain::throttle::Subject::pacer("jfiler2026");
    assert_eq!(app.store.failures(&subject).await.unwrap().count, 0);
    assert_eq!(app.store.attempts_under_way(&subject, app.now()).await.unwrap(), 0);
    assert!(app
        .store
        .audit_events(None)
        .await
        .unwrap()
        .iter()
        .all(|e| e.action != "login"));
}

#[tokio::test]
async fn a_full_hashing_queue_answers_503_with_retry_after_at_once() {
    let app = TestApp::spawn().await;
    // A second server on the same database whose hashing queue has no room.
    let base = second_server(app.store.clone(), openecf_app::Hasher::with_queue(1, 0).unwrap()).await;
    cso_auth_turned_away(&base).await;
    // The browser's PACER LOGIN says so too; pages that check no password still answer.
    let b = Browser::at(&base);
    let form = b.get("/csologin/login").await;
    let page = b
        .submit(
            &form,
            "/csologin/login",
            &[("loginId", "jfiler2026"), ("password", PACER_PW)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    page.assert_has("checking many passwords right now");
    assert_eq!(b.get("/courts").await.status, StatusCode::OK);
    // Turned away before anything was written: no failure counted against
    // the account (a flood of 503s locks nobody out), no check left under way.
    assert_no_login_of_jfiler_written(&app).await;
    // The first server, with room, logs the same account in.
    assert_eq!(app.browser().login("jfiler2026", PACER_PW).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_finding_no_database_connection_free_is_answered_503_with_retry_after() {
    let app = TestApp::spawn().await;
    // A second server on the same database, its pool one connection that
    // waits 300 ms (`--db-max-connections 1 --db-wait-ms 300`).
    let url = app.db.as_ref().map(|db| db.url.clone()).unwrap();
    let pool = openecf_store::PoolSettings {
        max_connections: Some(1),
        wait: std::time::Duration::from_millis(300),
    };
    let store = openecf_store::Store::connect_with(&url, pool).await.unwrap();
    let base = second_server(store.clone(), openecf_app::Hasher::with_threads(1).unwrap()).await;
    let b = Browser::at(&base);
    // Its one connection taken (a long transaction, say).
    let held = store.write().await.unwrap();
    let body = cso_auth_turned_away(&base).await;
    assert!(
        body["errorDescription"]
            .as_str()
            .is_some_and(|d| d.contains("more work than it can take right now")),
        "{body}"
    );
    let page = b.login("jfiler2026", PACER_PW).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.headers["retry-after"], "1");
    page.assert_has("more work than it can take right now");
    drop(held);
    // Counted for the operators.
    let scrape = b.get("/metrics").await;
    let counted: f64 = scrape
        .body
        .lines()
        .find_map(|l| l.strip_prefix("openecf_db_busy_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no openecf_db_busy_total in:\n{}", scrape.body));
    assert!(counted >= 2.0, "the two refused requests were not counted: {counted}");
    // Nothing was written by the refused logins, and the same login now goes through.
    assert_no_login_of_jfiler_written(&app).await;
    let page = b.login("jfiler2026", PACER_PW).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(b.token().is_some(), "no session after the login: {}", page.body);
    store.close().await;
}

#[tokio::test]
async fn a_disabled_accounts_sessions_open_nothing_even_one_made_after_the_disable() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    b.get("/account").await.assert_has("Manage My Account");
    openecf_app::operator::set_disabled(&app.app, "jfiler2026", true, "compromised", "psc")
        .await
        .unwrap()
        .unwrap();
    b.get("/account").await.assert_has("PACER LOGIN");
    // A login that passed its password check just before the disable makes its session after it.
    let account = app.account("jfiler2026").await;
    let token = openecf_app::tokens::random_token();
    app.store
        .create_session(
            &openecf_app::tokens::hash_token(&token),
            openecf_store::Principal::Pacer(account.id),
            app.now(),
            "127.0.0.1",
            "test",
        )
        .await
        .unwrap();
    let page = page(
        reqwest::Client::new()
            .get(format!("{}/account", app.base))
            .header("X-NEXT-GEN-CSO", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    page.assert_has("PACER LOGIN").assert_lacks("Manage My Account</h1>");
    // The right password is told the account is disabled; no session.
    let form = b.get("/csologin/login").await;
    let refused = b
        .submit(
            &form,
            "/csologin/login",
            &[("loginId", "jfiler2026"), ("password", PACER_PW)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_has("This PACER account is disabled.");
}

#[tokio::test]
async fn metrics_forwarded_by_a_proxy_are_refused_and_odd_methods_share_one_label() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::new();
    // Through a reverse proxy on this host the peer is loopback, but the client is not.
    let proxied = c
        .get(format!("{}/metrics", app.base))
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), StatusCode::FORBIDDEN);
    let odd = reqwest::Method::from_bytes(b"BREW").unwrap();
    c.request(odd, format!("{}/healthz", app.base)).send().await.unwrap();
    let text = c
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("BREW"), "{text}");
    assert!(text.contains(r#"method="OTHER""#), "{text}");
}
