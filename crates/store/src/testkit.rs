//! Fresh, migrated databases for tests: a SQLite file in a temporary folder, or
//! a PostgreSQL database of its own, dropped when the test is done.
//!
//! PostgreSQL is found at `OPENECF_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it cannot be reached the
//! PostgreSQL tests are skipped with a printed reason, unless
//! `OPENECF_REQUIRE_SERVICES=1` (set by CI), where that is a failure.

use std::path::PathBuf;

use rand::Rng;

use crate::{Result, Store, StoreError};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Whether CI demands that every service-backed test runs.
pub fn services_required() -> bool {
    std::env::var("OPENECF_REQUIRE_SERVICES").is_ok_and(|v| v == "1" || v == "true")
}

/// A database that lives as long as this value.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    /// Removes the database when the test is done (by its `Drop`).
    _cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code, reason = "held for its Drop")] TempDir),
    Postgres { admin_url: String, name: String },
}

/// A temporary folder removed on drop (kept small to avoid another dependency).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("openecf-test-{:016x}", rand::thread_rng().gen::<u64>()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDb {
    pub async fn sqlite() -> Result<Self> {
        let dir = TempDir::new().map_err(|e| StoreError::Config(e.to_string()))?;
        let url = format!("sqlite://{}/openecf.db", dir.path().display());
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(Self {
            store,
            url,
            _cleanup: Cleanup::Sqlite(dir),
        })
    }

    /// A fresh PostgreSQL database, or `None` (with the reason printed) when no
    /// server answers and CI does not require one.
    #[allow(
        clippy::panic,
        reason = "test helper: a required service that is missing fails the test"
    )]
    pub async fn postgres() -> Option<Self> {
        let admin_url = std::env::var("OPENECF_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        match Self::try_postgres(&admin_url).await {
            Ok(db) => Some(db),
            Err(e) if services_required() => {
                panic!("PostgreSQL is required (OPENECF_REQUIRE_SERVICES=1) but {admin_url} failed: {e}")
            }
            Err(e) => {
                say_skipped(&format!(
                    "skipping PostgreSQL tests: {admin_url} is not reachable ({e}); set OPENECF_TEST_POSTGRES_URL to run them"
                ));
                None
            }
        }
    }

    async fn try_postgres(admin_url: &str) -> Result<Self> {
        if !reachable(admin_url) {
            return Err(StoreError::Config("nothing listens at its address".into()));
        }
        let admin = Store::connect(admin_url).await?;
        let name = format!("openecf_test_{:016x}", rand::thread_rng().gen::<u64>());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin.pool)
            .await?;
        admin.close().await;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
        let url = format!("{base}/{name}");
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(Self {
            store,
            url,
            _cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }

    /// Closes the pool; the database itself goes on drop.
    pub async fn finish(self) {
        self.store.close().await;
    }
}

/// Tells the person running the tests, once per reason, why tests were
/// skipped: written to the terminal itself, past the test harness's capture.
pub fn say_skipped(reason: &str) {
    use std::io::Write;
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let Ok(mut said) = SAID.lock() else { return };
    if !said.iter().any(|r| r == reason) {
        said.push(reason.to_owned());
        let _ = writeln!(std::io::stderr(), "{reason}");
    }
}

/// Whether anything listens at the URL's host and port: asked once per test
/// binary, with a short timeout, so a machine without PostgreSQL skips fast.
fn reachable(url: &str) -> bool {
    use std::net::ToSocketAddrs;
    static ANSWER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ANSWER.get_or_init(|| {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let host_port = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        let host_port = host_port.split(['/', '?']).next().unwrap_or_default();
        let with_port = if host_port.contains(':') {
            host_port.to_owned()
        } else {
            format!("{host_port}:5432")
        };
        with_port
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .is_some_and(|addr| std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)).is_ok())
    })
}

impl Drop for Cleanup {
    /// A PostgreSQL test database is dropped (from a thread of its own, as
    /// this may run inside an async runtime); SQLite's folder goes with its TempDir.
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = self else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        let dropped = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async {
                if let Ok(admin) = Store::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&admin.pool)
                        .await;
                    admin.close().await;
                }
            });
        });
        let _ = dropped.join();
    }
}
