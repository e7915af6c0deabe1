//! openecf's HTTP surface: the PACER portal and PACER LOGIN (the Central
//! Sign-On), every court's CM/ECF site, and the JSON services.
//!
//! The way of a request: router (one per flow, `pages`) → extractors (who may
//! enter, CSRF-checked forms: `extract`) → handler (parse, call) → use case → domain rule
//! (decides) → store (one transaction) → template (`view` and `templates/`).
//! Handlers parse, call one use case of `openecf_app`, and render: they map
//! the domain's refusals to pages and status codes.

mod csrf;
mod error;
mod extract;
mod headers;
mod pages;
mod paths;
mod session;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use openecf_app::App;
use tokio::net::TcpListener;

pub use error::AppError;

/// Settings of the HTTP surface (the use cases' own are `openecf_app::Settings`).
#[derive(Debug, Clone)]
pub struct Config {
    /// The address users reach the server at; `https://` makes cookies Secure.
    pub public_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every handler shares: the application (its store, hasher, clock and
/// settings: `state.store`, `state.clock` … through `Deref`) and the HTTP settings.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<Config>,
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    pub fn new(app: App, config: Config) -> Self {
        Self {
            app,
            config: Arc::new(config),
        }
    }
}

/// The whole application, with its middleware.
pub fn app(state: AppState) -> Router {
    pages::routes()
        .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::middleware))
        .layer(axum::middleware::from_fn(paths::canonical_court))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(axum::middleware::from_fn(headers::add))
        .layer(axum::middleware::from_fn(error::operation_id))
        .with_state(state)
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
