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
