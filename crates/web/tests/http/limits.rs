//! Anti-automation: per-address rate limits on registration, reset requests
//! and login; at most one welcome mail an hour to one address.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// A browser whose requests come from another loopback address.
fn browser_from(app: &TestApp, ip: &str) -> Browser {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    Browser {
        client,
        jar,
        base: app.base.clone(),
    }
}

async fn register(b: &Browser, username: &str, email: &str) -> Page {
    let form = b.get("/account/register").await;
    b.submit(
        &form,
        "/account/register",
        &[
            ("username", username),
            ("name", "Robin Register"),
            ("email", email),
            ("password", PACER_PW),
            ("confirm", PACER_PW),
        ],
    )
    .await
}

/// A registration form that is refused at once (the passwords differ): it
/// counts against the limit without the cost of a hash.
async fn register_badly(b: &Browser) -> Page {
    let form = b.get("/account/register").await;
    b.submit(
        &form,
        "/account/register",
        &[("username", "robin2026"), ("password", "a"), ("confirm", "b")],
    )
    .await
}

fn retry_after(p: &Page) -> u64 {
    p.headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After: {:?}", p.headers))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_eleventh_registration_from_one_address_in_an_hour_is_refused() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for _ in 0..10 {
        let p = register_badly(&b).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        p.assert_has("The two passwords do not match.");
    }
    let p = register_badly(&b).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    p.assert_has("Too many requests");
    let wait = retry_after(&p);
    assert!((300..=360).contains(&wait), "{wait}");
    // Even a good registration waits.
    let p = register(&b, "robin2026", "robin@example.com").await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(app.mail_to("robin@example.com").await.is_empty());
    // Another address is not affected.
    let other = browser_from(&app, "127.0.0.2");
    register(&other, "robin2026", "robin@example.com")
        .await
        .assert_has("Account registered");
    // Once the wait is over, one more.
    app.advance(Duration::from_secs(wait));
    register(&b, "robin2027", "robin2@example.com")
        .await
        .assert_has("Account registered");
    assert_eq!(register_badly(&b).await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn reset_requests_are_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.rate_limits.reset_per_hour = 2).await;
    let b = app.browser();
    for _ in 0..2 {
        let form = b.get("/account/reset").await;
        let p = b.submit(&form, "/account/reset", &[("username", "jfiler2026")]).await;
        assert_eq!(p.status, StatusCode::OK);
    }
    let form = b.get("/account/reset").await;
    let p = b.submit(&form, "/account/reset", &[("username", "jfiler2026")]).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&p) > 0);
    assert_eq!(app.mail_to("jfiler2026@example.com").await.len(), 2);
}

#[tokio::test]
async fn logins_are_limited_per_address_on_the_form_and_the_api() {
    let app = TestApp::spawn_with(|c| c.rate_limits.login_per_minute = 3).await;
    let client = app.cookieless();
    let url = format!("{}/services/cso-auth", app.base);
    let body = json!({"loginId": "jfiler2026", "password": PACER_PW});
    for _ in 0..2 {
        let v: Value = client
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["loginResult"], "0");
    }
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await.assert_has("jfiler2026");
    // The fourth: refused on the API, in its JSON …
    let res = client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["loginResult"], "1");
    assert!(v["errorDescription"].as_str().unwrap().contains("Too many requests"));
    assert!(v.get("nextGenCSO").is_none());
    // … and on PACER LOGIN, with the error page.
    let p = app.browser().login("jfiler2027", PACER_PW).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    p.assert_has("Too many requests");
    assert!(retry_after(&p) <= 20);
    app.advance(Duration::from_secs(60));
    let v: Value = client
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["loginResult"], "0");
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let post = |app: &TestApp, forwarded: &'static str| {
        let client = app.cookieless();
        let url = format!("{}/services/cso-auth", app.base);
        async move {
            client
                .post(url)
                .header("x-forwarded-for", forwarded)
                .json(&json!({"loginId": "nobody2026", "password": "x"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Not trusted: X-Forwarded-For is ignored, the peer is limited.
    let app = TestApp::spawn_with(|c| c.rate_limits.login_per_minute = 1).await;
    assert_eq!(post(&app, "198.51.100.1").await, StatusCode::OK);
    assert_eq!(post(&app, "198.51.100.2").await, StatusCode::TOO_MANY_REQUESTS);
    // Behind a trusted proxy: the right-most untrusted address is the client.
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.login_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(post(&app, "198.51.100.1").await, StatusCode::OK);
    assert_eq!(
        post(&app, "203.0.113.5, 198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a client cannot slip past the limit by prepending addresses"
    );
    assert_eq!(post(&app, "198.51.100.2").await, StatusCode::OK);
}

#[tokio::test]
async fn one_address_gets_at_most_one_welcome_mail_an_hour() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    register(&b, "robin2026", "robin@example.com")
        .await
        .assert_has("Account registered");
    register(&b, "robin2027", "robin@example.com")
        .await
        .assert_has("Account registered");
    assert_eq!(app.mail_to("robin@example.com").await.len(), 1);
    app.advance(Duration::from_secs(3601));
    register(&b, "robin2028", "robin@example.com")
        .await
        .assert_has("Account registered");
    assert_eq!(app.mail_to("robin@example.com").await.len(), 2);
}

/// A login on the API with this `X-Forwarded-For`; its status.
async fn api_login_via(app: &TestApp, forwarded: &str) -> StatusCode {
    app.cookieless()
        .post(format!("{}/services/cso-auth", app.base))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"loginId": "nobody2026", "password": "x"}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_trusted_proxy_seen_as_ipv4_mapped_is_trusted_and_ipv6_clients_count_by_their_64() {
    // A dual-stack socket sees the proxy at 127.0.0.1 as ::ffff:127.0.0.1.
    let app = TestApp::spawn_on("[::]:0", |c| {
        c.rate_limits.login_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(api_login_via(&app, "198.51.100.1").await, StatusCode::OK);
    assert_eq!(
        api_login_via(&app, "198.51.100.2").await,
        StatusCode::OK,
        "each forwarded client has its own limit: the mapped peer is the trusted proxy"
    );
    assert_eq!(
        api_login_via(&app, "::ffff:198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a mapped address is the same client"
    );
    // IPv6 clients: one /64, one limit.
    assert_eq!(api_login_via(&app, "2001:db8:0:1::1").await, StatusCode::OK);
    assert_eq!(
        api_login_via(&app, "2001:db8:0:1:ffff:ffff:ffff:ffff").await,
        StatusCode::TOO_MANY_REQUESTS,
        "another address in the same /64"
    );
    assert_eq!(api_login_via(&app, "2001:db8:0:2::1").await, StatusCode::OK);
    // The audit trail keeps the canonical address.
    let events = app.store.audit_events(None).await.unwrap();
    assert!(
        events.iter().any(|e| e.ip.as_deref() == Some("198.51.100.2")),
        "{events:?}"
    );
}

#[tokio::test]
async fn the_court_login_and_the_link_form_are_limited_like_pacer_login() {
    let app = TestApp::spawn_with(|c| c.rate_limits.login_per_minute = 3).await;
    // A court's legacy CM/ECF login (cand is not live yet).
    let b = app.browser();
    let form = b.get("/ecf/cand/login").await;
    for _ in 0..3 {
        let p = b
            .submit(
                &form,
                "/ecf/cand/login",
                &[("login", "jfiler"), ("password", "Wrong-Guess-1234")],
            )
            .await;
        assert_ne!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", p.body);
    }
    let p = b
        .submit(&form, "/ecf/cand/login", &[("login", "jfiler"), ("password", ECF_PW)])
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    p.assert_has("Too many requests");
    assert!(retry_after(&p) > 0);
    // The link form's CM/ECF password check, from another address.
    let b = browser_from(&app, "127.0.0.2");
    b.login("jfiler2026", PACER_PW).await.assert_has("Logged in as");
    for _ in 0..2 {
        let p = b.submit_link("gamb", "jfiler", "Wrong-Guess-1234").await;
        assert_ne!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", p.body);
    }
    let p = b.submit_link("gamb", "jfiler", ECF_PW).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    p.assert_has("Too many requests");
    app.advance(Duration::from_secs(60));
    b.submit_link("gamb", "jfiler", ECF_PW)
        .await
        .assert_has("Verify that the CM/ECF account and PACER account listed are accurate.");
}
