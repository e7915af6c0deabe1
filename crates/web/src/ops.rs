//! Operations: Prometheus metrics at `/metrics` (requests by route and
//! status, their latency, logins and link outcomes, the job queue, the
//! database pool), `/healthz` (the process answers) and `/readyz` (the
//! database answers and its schema is current).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use openecf_store::NotReady;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process's one recorder (metrics are process-wide: several servers in
/// one process, as in tests, share it).
pub(crate) fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let latency = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let recorder = PrometheusBuilder::new()
            .set_buckets(&latency)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        // Another recorder installed first (a library's, a test's): ours stays empty.
        let _ = metrics::set_global_recorder(recorder);
        // Counters an alert watches, shown at 0 before their first event.
        for name in ["openecf_db_busy_total", "openecf_hash_rejected_total"] {
            metrics::counter!(name).increment(0);
        }
        handle
    })
}

/// Counts each request by route (the route's pattern, never the raw path:
/// no ids or tokens in labels), method and status, and times it.
pub(crate) async fn track(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    // The standard methods by name, any other as OTHER: a label's values stay few.
    let method: &'static str = match req.method().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "HEAD" => "HEAD",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        "PATCH" => "PATCH",
        _ => "OTHER",
    };
    let start = Instant::now();
    let response = next.run(req).await;
    record_request(
        route.as_ref().map(MatchedPath::as_str),
        method,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    response
}

/// The counter and histogram of requests with one route, method and status.
struct RequestMetrics {
    requests: metrics::Counter,
    latency: metrics::Histogram,
}

impl RequestMetrics {
    fn of(route: &str, method: &'static str, status: u16) -> Self {
        Self {
            requests: metrics::counter!(
                "openecf_http_requests_total",
                "route" => route.to_owned(),
                "method" => method,
                "status" => status.to_string()
            ),
            latency: metrics::histogram!("openecf_http_request_duration_seconds", "route" => route.to_owned()),
        }
    }

    fn record(&self, seconds: f64) {
        self.requests.increment(1);
        self.latency.record(seconds);
    }
}

type RequestMetricsByRoute =
    std::collections::HashMap<String, std::collections::HashMap<(&'static str, u16), RequestMetrics>>;

thread_local! {
    /// This thread's handles of the request metrics, by route, then method
    /// and status: a request adds to them without building their keys
    /// (labels and hashes) and looking them up in the registry again. The
    /// routes are patterns and the methods and statuses few, so it stays small.
    static REQUEST_METRICS: std::cell::RefCell<RequestMetricsByRoute> = std::cell::RefCell::default();
}

fn record_request(route: Option<&str>, method: &'static str, status: u16, seconds: f64) {
    let route = route.unwrap_or("unmatched");
    let recorded = REQUEST_METRICS.try_with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(found) = cache.get(route).and_then(|by| by.get(&(method, status))) {
            found.record(seconds);
            return;
        }
        let made = RequestMetrics::of(route, method, status);
        made.record(seconds);
        cache
            .entry(route.to_owned())
            .or_default()
            .insert((method, status), made);
    });
    // The thread is ending: counted without keeping the handles.
    if recorded.is_err() {
        RequestMetrics::of(route, method, status).record(seconds);
    }
}

/// Whether a scrape is let in: from the loopback interface, or with the
/// metrics token (compared in constant time) when one is set.
fn may_scrape(peer: std::net::IpAddr, token: Option<&str>, sent: Option<&str>) -> bool {
    if peer.is_loopback() {
        return true;
    }
    match (token.filter(|t| !t.is_empty()), sent) {
        (Some(want), Some(got)) => subtle::ConstantTimeEq::ct_eq(got.as_bytes(), want.as_bytes()).into(),
        _ => false,
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.readiness().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(NotReady::Database(e)) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database does not answer\n",
            )
                .into_response()
        }
        Err(NotReady::Migrations { applied, known }) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {applied} of {known} migrations applied; run openecf migrate\n"),
        )
            .into_response(),
    }
}

/// The scrape: open to the loopback interface, and to whoever sends the
/// `--metrics-token` as a bearer token when one is set.
async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Through a proxy on this host, every client looks like loopback: a
    // request a proxy forwarded is not the loopback interface's own.
    let forwarded = headers.contains_key("x-forwarded-for")
        || headers.contains_key(header::FORWARDED)
        || state.config.trusted_proxies.contains(&peer.ip());
    let peer_ip = if forwarded {
        std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
    } else {
        peer.ip()
    };
    if !may_scrape(peer_ip, state.config.metrics_token.as_deref(), sent) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served to the loopback interface or with the metrics token\n",
        )
            .into_response();
    }
    let now = state.clock.now();
    match state.store.queue_depth(now).await {
        Ok(q) => {
            metrics::gauge!("openecf_jobs_due").set(q.due as f64);
            metrics::gauge!("openecf_jobs_oldest_due_seconds").set(q.oldest_due_secs as f64);
            metrics::gauge!("openecf_jobs_failed").set(q.failed as f64);
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the job queue for metrics"),
    }
    let (open, idle) = state.store.pool_use();
    metrics::gauge!("openecf_db_pool_connections").set(f64::from(open));
    metrics::gauge!("openecf_db_pool_idle").set(idle as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle().render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_for_loopback_or_the_token() {
        let far: std::net::IpAddr = "203.0.113.9".parse().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into());
        let near: std::net::IpAddr = std::net::Ipv6Addr::LOCALHOST.into();
        assert!(may_scrape(near, None, None));
        assert!(!may_scrape(far, None, None));
        assert!(!may_scrape(far, None, Some("anything")));
        assert!(!may_scrape(far, Some("s3cret-token"), None));
        assert!(!may_scrape(far, Some("s3cret-token"), Some("s3cret-tokeN")));
        assert!(may_scrape(far, Some("s3cret-token"), Some("s3cret-token")));
        assert!(!may_scrape(far, Some(""), Some("")), "an empty token opens nothing");
    }
}
