//! openecf's application layer: one function per thing a user, clerk or
//! operator does. Each use case reads the [`Clock`] once, opens one store
//! transaction, asks the domain's rule, writes (rows, audit event, outbox
//! mail, jobs) and commits. The web handlers and the CLI only parse, call one
//! use case and render.
//!
//! Also here, because use cases need them and the CLI must not pull in the
//! web stack for them: Argon2id hashing, TOTP, the breached-password list,
//! tokens, mail delivery and the job queue's worker.

pub mod accounts;
pub mod audit;
pub mod cache;
mod clock;
pub mod common;
pub mod console;
pub mod courts;
pub mod ecf_account;
pub mod ecf_import;
mod error;
pub mod fees;
pub mod filing;
pub mod go_live;
pub mod hasher;
pub mod jobs;
pub mod keys;
pub mod legacy_hash;
pub mod link;
pub mod locator;
pub mod mailer;
pub mod mfa;
pub mod operator;
pub mod paa;
pub mod record;
pub mod seal;
pub mod sessions;
pub mod signin;
pub mod tokens;
pub mod totp;

use std::sync::Arc;
use std::time::Duration;

use openecf_store::Store;

pub use clock::Clock;
pub use common::{common_password_count, is_common_password};
pub use error::{Error, Result};
pub use hasher::{check_imported_hash, Hasher, HasherError};

/// The application's settings that use cases read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session idle this long ends.
    pub idle_timeout: Duration,
    /// A session this old ends, however busy.
    pub absolute_timeout: Duration,
    /// How long a verified CM/ECF identity is held for the user's Submit.
    pub verify_ttl: Duration,
    /// The server's secret key: TOTP secrets are sealed and backup codes
    /// keyed with keys derived from it.
    pub secret_key: keys::ServerKey,
    /// Where filed documents are kept.
    pub documents: filing::docstore::DocumentStore,
    /// The largest document a court accepts, in bytes (50 MB).
    pub max_document_bytes: u64,
    /// The address users reach the server at (links in notices).
    pub public_url: String,
    /// Audit events older than this are purged; `None` keeps them all.
    pub audit_retention: Option<Duration>,
    /// Delivered mail older than this is purged from the outbox.
    pub mail_retention: Duration,
    /// How long the in-process read cache keeps sessions, courts and
    /// standings ([`cache`]): a change made on another node is seen within
    /// it. Zero turns the cache off.
    pub cache_ttl: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            verify_ttl: Duration::from_secs(5 * 60),
            secret_key: keys::ServerKey::random(),
            documents: filing::docstore::DocumentStore::default(),
            max_document_bytes: 50 * 1024 * 1024,
            public_url: "http://127.0.0.1:8080".into(),
            audit_retention: None,
            mail_retention: Duration::from_secs(90 * 24 * 60 * 60),
            cache_ttl: Duration::from_secs(2),
        }
    }
}

/// What every use case works with.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub hasher: Hasher,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    /// The read cache of sessions, courts and standings ([`cache`]).
    pub caches: cache::Caches,
}

impl App {
    pub fn new(store: Store, hasher: Hasher, clock: Clock, settings: Settings) -> Self {
        Self {
            caches: cache::Caches::new(settings.cache_ttl),
            store,
            hasher,
            clock,
            settings: Arc::new(settings),
        }
    }
}

/// Seconds of a duration as the store's time arithmetic wants them.
pub(crate) fn secs(d: Duration) -> chrono::Duration {
    chrono::Duration::seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 1000))
}
