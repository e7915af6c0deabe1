//! openecf's HTTP surface: the PACER portal and PACER LOGIN (the Central
//! Sign-On), every court's CM/ECF site, and the JSON services.
//!
//! The way of a request: router (one per flow, `pages`) → extractors (who may
//! enter, CSRF-checked forms: `extract`) → handler (parse, call) → domain rule
//! (decides) → store (one transaction) → template (`view` and `templates/`).
//! Handlers only map the domain's refusals to pages and status codes.

mod common;
mod csrf;
mod error;
mod extract;
mod hasher;
mod headers;
pub mod mailer;
mod pages;
mod paths;
mod session;
pub mod totp;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use openecf_store::Store;
use tokio::net::TcpListener;

pub use common::{common_password_count, is_common_password};
pub use error::AppError;
pub use hasher::{check_imported_hash, Hasher, HasherError};

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    /// A session idle this long ends.
    pub idle_timeout: Duration,
    /// A session this old ends, however busy.
    pub absolute_timeout: Duration,
    /// How long a verified CM/ECF identity is held for the user's Submit.
    pub verify_ttl: Duration,
    /// The address users reach the server at; `https://` makes cookies Secure.
    pub public_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            verify_ttl: Duration::from_secs(5 * 60),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub hasher: Hasher,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(store: Store, hasher: Hasher, config: Config) -> Self {
        Self {
            store,
            hasher,
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
