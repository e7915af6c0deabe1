//! openecf's storage, written in the domain's words. One implementation over
//! sqlx's `Any` driver serves SQLite and PostgreSQL: every statement is written
//! once, in the SQL both engines accept; the engine-specific part (connection
//! options, pragmas, how a write transaction begins, the migrations' DDL) lives
//! in [`Store::connect`] and [`Store::begin_write`].

mod accounts;
mod courts;
mod error;
mod links;
mod outbox;
mod pacer;
mod security;
mod sessions;
#[cfg(feature = "testkit")]
pub mod testkit;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use accounts::{NewEcfAccount, NewPacerAccount};
pub use courts::{GoLive, NewCourt};
pub use error::StoreError;
pub use links::{LinkOutcome, LinkRow};
pub use outbox::OutboxRow;
pub use pacer::{Authenticator, MfaState, MAX_ACTIVE_RESETS, MAX_AUTHENTICATORS};
pub use security::{Attempt, AttemptOutcome, AuditEvent, MAX_IN_FLIGHT};
pub use sessions::{Principal, SessionRow};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `sqlite://PATH` (the file and its folder are created on
    /// first use) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let (engine, url) = if let Some(path) = url.strip_prefix("sqlite://") {
            let file = path.split('?').next().unwrap_or_default();
            if file.is_empty() {
                return Err(StoreError::Config("a SQLite URL names a file: sqlite://PATH".into()));
            }
            if let Some(dir) = std::path::Path::new(file)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", dir.display())))?;
            }
            let url = if path.contains("mode=") {
                url.to_owned()
            } else if path.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Engine::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Engine::Postgres, url.to_owned())
        } else {
            return Err(StoreError::Config(
                "the database URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if engine == Engine::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers go on while one writer writes; foreign
                        // keys and a busy timeout are sqlx's defaults already.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, engine })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Brings the schema up to date. Safe to run on every start.
    pub async fn migrate(&self) -> Result<()> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction for a rule that reads before it writes. SQLite takes the
    /// write lock at once (`BEGIN IMMEDIATE`) so two writers queue instead of
    /// failing on upgrade; PostgreSQL relies on row locks and unique constraints.
    /// The row-lock clause for a read that a write will follow: PostgreSQL
    /// locks the rows; SQLite's `BEGIN IMMEDIATE` already holds the write lock.
    fn for_update(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE",
        }
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }
}

/// Seconds since the Unix epoch, as stored.
pub fn epoch(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp()
}

fn from_epoch(secs: i64) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| StoreError::Corrupt(format!("time {secs} out of range")))
}

fn parse_date(raw: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("date {raw:?}: {e}")))
}

fn corrupt(e: openecf_domain::InvalidInput) -> StoreError {
    StoreError::Corrupt(e.to_string())
}
