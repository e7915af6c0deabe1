//! openecf's HTTP surface: the PACER portal and PACER LOGIN (the Central
//! Sign-On), every court's CM/ECF site, and the JSON services.
//!
//! The way of a request: router (one per flow, `pages`) → extractors (who may
//! enter, CSRF-checked forms: `extract`) → handler (parse, call) → use case → domain rule
//! (decides) → store (one transaction) → template (`view` and `templates/`).
//! Handlers parse, call one use case of `openecf_app`, and render: they map
//! the domain's refusals to pages and status codes.

pub mod access;
mod csrf;
mod error;
mod extract;
mod headers;
mod limits;
mod menus;
mod ops;
mod pages;
mod paths;
mod search_key;
mod session;
mod view;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use openecf_app::App;
use tokio::net::TcpListener;

pub use error::AppError;
pub use limits::RateLimits;
use openecf_app::keys::ServerKey;

/// Settings of the HTTP surface (the use cases' own are `openecf_app::Settings`).
#[derive(Debug, Clone)]
pub struct Config {
    /// The address users reach the server at; `https://` makes every cookie
    /// Secure (and the pre-session cookie `__Host-`), and sends HSTS. Its
    /// origin is the only one whose unsafe requests are accepted.
    pub public_url: String,
    /// The server's secret key: CSRF tokens are keyed with a key derived from it.
    pub secret_key: ServerKey,
    /// Per-address rate limits on registration, reset requests and login.
    pub rate_limits: RateLimits,
    /// Reverse proxies whose `X-Forwarded-For` is believed (none by default:
    /// the client is the socket's peer).
    pub trusted_proxies: Vec<IpAddr>,
    /// A bearer token that opens `/metrics` beyond the loopback interface.
    pub metrics_token: Option<String>,
}

impl Default for Config {
    /// A random secret key: tokens do not survive a restart. `serve` loads a kept one.
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            secret_key: ServerKey::random(),
            rate_limits: RateLimits::default(),
            trusted_proxies: Vec::new(),
            metrics_token: None,
        }
    }
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .trim_start()
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
    }

    /// The public URL's origin (`scheme://host[:port]`), lower case, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        let url = self.public_url.trim();
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        let end = url[after_scheme..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| after_scheme + i);
        url[..end].to_ascii_lowercase()
    }

    /// The pre-session (CSRF) cookie's name: `__Host-` prefixed over https.
    pub fn csrf_cookie(&self) -> &'static str {
        if self.secure_cookies() {
            csrf::CSRF_COOKIE_HOST
        } else {
            csrf::CSRF_COOKIE
        }
    }
}

/// What every handler shares: the application (its store, hasher, clock and
/// settings: `state.store`, `state.clock` … through `Deref`) and the HTTP
/// settings. One pointer: axum clones the state for every extractor and
/// middleware of every request, so a clone is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The state behind [`AppState`].
pub struct Shared {
    pub app: App,
    pub config: Arc<Config>,
    /// The key CSRF tokens are made with (derived from the server key).
    csrf_key: [u8; 32],
    /// The key charged forms' numbers are made with (derived from the server key).
    search_key: [u8; 32],
    limiters: limits::Limiters,
    /// The filing menus' category lists as HTML, rendered once a court, menu and catalogue.
    menus: menus::Menus,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::ops::Deref for Shared {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    pub fn new(app: App, config: Config) -> Self {
        Self(Arc::new(Shared {
            csrf_key: config.secret_key.derive("csrf"),
            search_key: config.secret_key.derive("search-form"),
            limiters: limits::Limiters::new(config.rate_limits, app.clock.clone()),
            menus: menus::Menus::default(),
            app,
            config: Arc::new(config),
        }))
    }
}

/// The whole application, with its middleware.
pub fn app(state: AppState) -> Router {
    // The metrics recorder, installed before the first request is counted.
    ops::handle();
    pages::routes()
        .merge(pages::console_routes(&state))
        .merge(ops::routes())
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages_gate))
        .merge(pages::static_routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), headers::add))
        .layer(axum::middleware::from_fn(ops::track))
        .with_state(state)
}

/// Every page's way in, one middleware (each layer of its own would box and
/// clone the rest of the stack again for every request), in this order:
/// - each request runs as a task of its own, so that a client going away
///   mid-request does not cancel its work halfway: a password check still
///   counts and frees its slot, and no database transaction is left
///   half-done on a pooled connection (which, on SQLite, would hold the
///   write lock);
/// - the request's operation id, span and access log line
///   ([`error::operation_id`]);
/// - a court id in another spelling is sent to its canonical path
///   ([`paths::canonical_court`]);
/// - the client's address, and the per-address rate limits ([`limits::admit`]);
/// - cross-site refusals and the CSRF token ([`csrf::guard`]).
async fn pages_gate(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let gate = error::operation_id(req, move |mut req| async move {
        if let Some(redirect) = paths::canonical_court(&req) {
            return redirect;
        }
        if let Some(refusal) = limits::admit(&state, &mut req) {
            return refusal;
        }
        csrf::guard(&state, req, next).await
    });
    match tokio::spawn(gate).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "a request's task failed");
            axum::response::IntoResponse::into_response(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// Serves until the process is told to stop (Ctrl-C or SIGTERM).
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
