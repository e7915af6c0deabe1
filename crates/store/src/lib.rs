//! openecf's storage, written in the domain's words. One implementation over
//! sqlx's `Any` driver serves SQLite and PostgreSQL: every statement is written
//! once, in the SQL both engines accept; the engine-specific part (connection
//! options, pragmas, how a write transaction begins, the migrations' DDL) lives
//! in [`Store::connect`] and [`Store::write`]. Reads are methods of the
//! [`Store`]; writes are small operations on a [`Tx`] that the application's
//! use cases string together and commit once.

mod accounts;
mod agents;
mod claims;
mod console;
mod court_ops;
mod courts;
mod ecf_import;
mod error;
mod events;
mod fees;
mod filing;
mod free_looks;
mod jobs;
mod links;
mod locator;
mod notice_prefs;
mod operator;
mod ops;
mod outbox;
mod paa;
mod pacer;
#[cfg(feature = "population")]
pub mod population;
mod public;
mod record;
mod reports;
mod search;
mod security;
mod sessions;
mod staff;
#[cfg(feature = "testkit")]
pub mod testkit;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use accounts::{LoginRead, NewEcfAccount, NewPacerAccount};
pub use agents::AgentRow;
pub use claims::{ClaimRow, NewClaim};
pub use console::{ConsoleAccount, EfileDecision, EfileRequestRow, HistoryRow, NewEfileRequest, ProgressCounts};
pub use court_ops::{
    CourtStatus, GoLivePlan, LinkCenterRow, NoticeJob, NoticeRecipient, NoticeRow, COURT_GO_LIVE_NOTICE,
};
pub use courts::{GoLive, NewCourt};
pub use ecf_import::{ImportBaseline, ImportedEcf};
pub use error::{Missing, StoreError};
pub use fees::{NewTransaction, TransactionRow};
pub use filing::{AttorneyRow, CaseDetails, CaseRow, DocumentRow, EntryRow, NewCase, NewDocument, NewEntry, PartyRow};
pub use free_looks::FreeLook;
pub use jobs::{ClaimedJob, JobRow, NewJob, COURT_GO_LIVE, MAIL_DELIVER, NEF_DAILY_SUMMARY, PURGE};
pub use links::{LinkConflict, LinkRow};
pub use locator::{LocatedParty, LocatorCriteria, ReportRow};
pub use notice_prefs::{NewSummaryItem, NoticePrefs, SummaryItemRow};
pub use operator::AccountLine;
pub use ops::{NotReady, QueueDepth};
pub use outbox::OutboxRow;
pub use paa::{ExemptionRow, FirmRow, MemberRow};
pub use pacer::{Authenticator, Enrolment, MfaState};
pub use public::{DocketFilter, FeedEntry, PartyMatch, ReportDocument, ReportEntry};
pub use reports::{HearingRow, OpinionRow};
pub use search::FoundEntry;
pub use security::{Attempt, AttemptOutcome, AttemptSlot, AuditEvent, AuditFilter, AuditRow};
pub use sessions::{NewSession, Principal, SessionRow};

/// The one time type that crosses the store's boundary. Stored as whole
/// seconds since the Unix epoch.
pub type Time = DateTime<Utc>;

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
    /// Counts this process's writes (each committed transaction, each write
    /// outside one that changes a session): a cache entry read before the
    /// latest write is stale. See [`Store::generation`].
    generation: Arc<AtomicU64>,
    /// SQLite's writers, queued in this process: one at a time asks for the
    /// database's write lock, and the next is woken the moment it is free.
    /// (Left to SQLite, a writer that finds the lock taken sleeps 1, 2, 5,
    /// 10 … ms in its busy handler, long after the lock came free.) None on
    /// PostgreSQL, whose row locks queue writers themselves.
    writer: Option<Arc<tokio::sync::Mutex<()>>>,
    /// How long a statement waits for a pooled connection, or on SQLite for
    /// its turn to write, before it fails with [`StoreError::is_busy`].
    wait: Duration,
}

/// The connection pool's size and patience ([`Store::connect_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections this process opens at most (None: 8 on SQLite, 16 on
    /// PostgreSQL). On PostgreSQL every node's pool counts against the
    /// server's `max_connections`.
    pub max_connections: Option<u32>,
    /// How long a statement waits for a connection, or on SQLite for its
    /// turn to write, before it fails: the server then answers 503 with
    /// `Retry-After` instead of keeping the user waiting longer.
    pub wait: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: None,
            // As long as SQLite's own busy timeout.
            wait: Duration::from_secs(5),
        }
    }
}

/// How long a pooled connection may sit idle and still be handed out
/// without a ping first.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// A turn at writing: SQLite's in-process writer queue's place (none on
/// PostgreSQL) and a connection. Writes outside a [`Tx`] run on it:
/// `.execute(&mut *self.writer().await?)`.
pub(crate) struct Writer {
    conn: sqlx::pool::PoolConnection<Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::ops::Deref for Writer {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Writer {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.conn
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A database URL fit for messages and logs: no password, neither in the
/// user information (`user:password@`) nor in the query (`?password=…`).
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &base[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}://{user}:[redacted]@{}", &base[..s], &base[at + 1..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    match query {
        None => base,
        Some(q) => {
            let q: Vec<String> = q
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if k.to_ascii_lowercase().contains("pass") => format!("{k}=[redacted]"),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{base}?{}", q.join("&"))
        }
    }
}

/// The secrets a database URL carries (its password, in the user information
/// or the query), raw and percent-decoded, to keep them out of error messages.
fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if let (Some(s), Some(at)) = (base.find("://"), base.rfind('@')) {
        if let Some((_, pw)) = base.get(s + 3..at).and_then(|u| u.split_once(':')) {
            secrets.push(pw.to_owned());
        }
    }
    for pair in query.split('&') {
        if let Some((k, v)) = pair.split_once('=') {
            if k.to_ascii_lowercase().contains("pass") {
                secrets.push(v.to_owned());
            }
        }
    }
    let decoded: Vec<String> = secrets.iter().map(|s| percent_decode(s)).collect();
    secrets.extend(decoded);
    secrets.retain(|s| !s.is_empty());
    secrets
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Store {
    /// Connects to `sqlite://PATH` (the file and its folder are created on
    /// first use) or `postgres://…`. No error it returns repeats the URL's password.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, PoolSettings::default()).await
    }

    /// [`Store::connect`], with the pool's size and patience set.
    pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<Self> {
        if settings.max_connections == Some(0) {
            return Err(StoreError::Config("the pool needs at least one connection".into()));
        }
        match Self::connect_inner(url, settings).await {
            Ok(store) => Ok(store),
            Err(e) => {
                let message = e.to_string();
                let secrets = url_secrets(url);
                if secrets.iter().any(|s| message.contains(s.as_str())) {
                    let mut scrubbed = message;
                    for s in &secrets {
                        scrubbed = scrubbed.replace(s.as_str(), "[redacted]");
                    }
                    Err(StoreError::Config(scrubbed))
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn connect_inner(url: &str, settings: PoolSettings) -> Result<Self> {
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
        let busy_timeout = format!(
            "PRAGMA busy_timeout = {}",
            settings.wait.as_millis().min(i32::MAX as u128)
        );
        let pool = AnyPoolOptions::new()
            .max_connections(
                settings
                    .max_connections
                    .unwrap_or(if engine == Engine::Sqlite { 8 } else { 16 }),
            )
            .acquire_timeout(settings.wait)
            // sqlx pings every connection it hands out, by default: one more
            // round trip to the database (on SQLite, to its worker thread)
            // for every statement or transaction, a third of a login's. A
            // connection used in the last second is taken as it is (as
            // HikariCP does, with half a second); one idle for longer is
            // pinged first, and a dead one replaced.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                let busy_timeout = busy_timeout.clone();
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers go on while one writer writes;
                        // foreign keys are sqlx's default already. A writer
                        // that finds the write lock held by another process
                        // waits as long as for a connection.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute(busy_timeout.as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            engine,
            generation: Arc::new(AtomicU64::new(0)),
            writer: (engine == Engine::Sqlite).then(|| Arc::new(tokio::sync::Mutex::new(()))),
            wait: settings.wait,
        })
    }

    /// How many writes this process has made through this store (and its
    /// clones). An in-process cache notes it when it reads a row and treats
    /// the entry as stale once it has moved on, so that whatever this node
    /// changes it reads back at once; other nodes' writes are seen when the
    /// cache's entries expire.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A write outside a [`Tx`] that cached reads depend on.
    fn wrote(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
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

    /// A transaction for a use case that reads before it writes: the unit of
    /// work every write goes through. SQLite takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so two writers queue instead of failing on upgrade;
    /// PostgreSQL relies on row locks ([`Tx`]'s reads `FOR UPDATE`) and
    /// unique constraints. Dropped without [`Tx::commit`], it rolls back.
    pub async fn write(&self) -> Result<Tx> {
        let turn = self.turn().await?;
        let inner = match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            inner,
            engine: self.engine,
            generation: self.generation.clone(),
            _turn: turn,
        })
    }

    /// This process's turn to write on SQLite (see [`Store::writer`]'s field).
    async fn turn(&self) -> Result<Option<tokio::sync::OwnedMutexGuard<()>>> {
        let Some(queue) = &self.writer else {
            return Ok(None);
        };
        match tokio::time::timeout(self.wait, queue.clone().lock_owned()).await {
            Ok(turn) => Ok(Some(turn)),
            // Reported as the pool's own wait is: no connection to write with in time.
            Err(_) => Err(StoreError::Db(sqlx::Error::PoolTimedOut)),
        }
    }

    /// A connection for one write outside a transaction, in its turn.
    pub(crate) async fn writer(&self) -> Result<Writer> {
        let turn = self.turn().await?;
        Ok(Writer {
            conn: self.pool.acquire().await?,
            _turn: turn,
        })
    }
}

/// One open write transaction. The store's small operations are its methods;
/// a use case strings them together and commits once.
pub struct Tx {
    inner: Transaction<'static, Any>,
    engine: Engine,
    generation: Arc<AtomicU64>,
    /// This process's turn to write (SQLite), given up when the transaction
    /// is committed or dropped. A transaction dropped uncommitted (an error
    /// on its way, a cancelled request) only queues its ROLLBACK on the
    /// connection's worker: the next writer may then meet SQLite's busy
    /// handler once, until that rollback has run. Errors only; never wrong.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl Tx {
    /// Commits. Every entry of this process's read cache is stale after it
    /// ([`Store::generation`]).
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }

    /// Commits a transaction that changed none of the rows the read cache
    /// holds (sessions, accounts, courts, links, filing agents, court
    /// events): failure counters, password checks under way, jobs, audit
    /// events, mail; or that only added a session (a new token is never in
    /// the cache: only what was found is kept) and counted an MFA
    /// postponement (not a cached column). The busiest writes (every
    /// login's, every job poll's) thus leave the cache's entries fresh. When
    /// unsure, [`Tx::commit`].
    pub async fn commit_leaving_cache(self) -> Result<()> {
        self.inner.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        self.inner.rollback().await?;
        Ok(())
    }

    /// The row-lock clause for a read that a write will follow: PostgreSQL
    /// locks the rows; SQLite's `BEGIN IMMEDIATE` already holds the write lock.
    fn for_update(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE",
        }
    }

    fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

/// Seconds since the Unix epoch, as stored.
/// `text` lower-cased for a `LOWER(column) LIKE … ESCAPE '\'` pattern, its
/// wildcards and escape character escaped.
pub(crate) fn like_escaped(text: &str) -> String {
    text.to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A LIKE pattern for "contains `text`", case aside.
pub(crate) fn contains_pattern(text: &str) -> String {
    format!("%{}%", like_escaped(text))
}

pub(crate) fn epoch(t: Time) -> i64 {
    t.timestamp()
}

pub(crate) fn from_epoch(secs: i64) -> Result<Time> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| StoreError::Corrupt(format!("time {secs} out of range")))
}

fn parse_date(raw: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("date {raw:?}: {e}")))
}

fn corrupt(e: openecf_domain::InvalidInput) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

#[cfg(test)]
mod redact_tests {
    use super::{redact_url, url_secrets};

    #[test]
    fn database_urls_lose_their_passwords() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:[redacted]@h/db");
        assert_eq!(
            redact_url("postgres://u@h/db?sslmode=require&password=s3cret"),
            "postgres://u@h/db?sslmode=require&password=[redacted]"
        );
        assert_eq!(redact_url("sqlite://x.db?mode=rwc"), "sqlite://x.db?mode=rwc");
        assert_eq!(
            url_secrets("postgres://u:a%21b@h/db"),
            vec!["a%21b".to_owned(), "a!b".to_owned()]
        );
    }
}

#[cfg(test)]
mod pool_tests {
    use std::time::Duration;

    use crate::testkit::TestDb;
    use crate::{PoolSettings, Store};

    /// Runs `statement`, which must fail busy, and soon: generously within
    /// the tests' 300 ms wait, not the default 5 s, nor forever.
    async fn busy_within_the_wait<T: std::fmt::Debug>(statement: impl std::future::Future<Output = crate::Result<T>>) {
        let began = std::time::Instant::now();
        let busy = statement.await.unwrap_err();
        assert!(busy.is_busy(), "{busy}");
        assert!(began.elapsed() < Duration::from_secs(3), "waited {:?}", began.elapsed());
    }

    /// A pool that waits 300 ms for a connection, of at most `max_connections`.
    fn waiting_300_ms(max_connections: Option<u32>) -> PoolSettings {
        PoolSettings {
            max_connections,
            wait: Duration::from_millis(300),
        }
    }

    /// With its one connection (on SQLite, its turn to write) taken, a write
    /// fails busy once the pool's wait is over, having written nothing; the
    /// same write goes through once the connection is free again.
    async fn a_full_pool_answers_busy_within_its_wait(db: TestDb) {
        let zero = PoolSettings {
            max_connections: Some(0),
            ..PoolSettings::default()
        };
        let refused = Store::connect_with(&db.url, zero).await.unwrap_err();
        assert!(refused.to_string().contains("at least one connection"), "{refused}");
        let store = Store::connect_with(&db.url, waiting_300_ms(Some(1))).await.unwrap();
        let subject = openecf_domain::throttle::Subject::pacer("fullpool2026");
        let now = chrono::DateTime::from_timestamp(1_796_566_000, 0).unwrap();
        let held = store.write().await.unwrap();
        busy_within_the_wait(store.begin_attempt(&subject, now)).await;
        drop(held);
        // A read finds the pool's one connection taken too (on SQLite a
        // read takes no turn: this is the pool's own wait).
        let taken = store.pool.acquire().await.unwrap();
        busy_within_the_wait(store.attempts_under_way(&subject, now)).await;
        drop(taken);
        assert_eq!(store.attempts_under_way(&subject, now).await.unwrap(), 0);
        store.begin_attempt(&subject, now).await.unwrap();
        assert_eq!(store.attempts_under_way(&subject, now).await.unwrap(), 1);
        store.close().await;
        db.finish().await;
    }

    /// SQLite's write lock held by another process (here another pool on
    /// the same file, whose turns this one does not see): a write fails busy
    /// once the wait (SQLite's busy timeout too) is over, and goes through
    /// once the lock is free.
    #[tokio::test]
    async fn a_write_lock_held_elsewhere_answers_busy_within_the_wait_sqlite() {
        let db = TestDb::sqlite().await.unwrap();
        let store = Store::connect_with(&db.url, waiting_300_ms(None)).await.unwrap();
        let subject = openecf_domain::throttle::Subject::pacer("lockedelsewhere2026");
        let now = chrono::DateTime::from_timestamp(1_796_566_000, 0).unwrap();
        let elsewhere = db.store.write().await.unwrap();
        busy_within_the_wait(store.begin_attempt(&subject, now)).await;
        elsewhere.commit().await.unwrap();
        store.begin_attempt(&subject, now).await.unwrap();
        assert_eq!(store.attempts_under_way(&subject, now).await.unwrap(), 1);
        store.close().await;
        db.finish().await;
    }

    #[tokio::test]
    async fn a_full_pool_answers_busy_within_its_wait_sqlite() {
        a_full_pool_answers_busy_within_its_wait(TestDb::sqlite().await.unwrap()).await;
    }

    #[tokio::test]
    async fn a_full_pool_answers_busy_within_its_wait_postgres() {
        let Some(db) = TestDb::postgres().await else { return };
        a_full_pool_answers_busy_within_its_wait(db).await;
    }

    /// Connections used within the last second are handed out without a
    /// ping; one idle for longer is pinged first, and if the database ended
    /// it (a restart, a failover, an idle timeout on its side) it is
    /// replaced instead of failing the request that took it.
    #[tokio::test]
    async fn a_connection_the_database_ended_is_replaced_once_it_sat_idle() {
        let Some(db) = TestDb::postgres().await else { return };
        let one = || sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&db.store.pool);
        assert_eq!(one().await.unwrap(), 1);
        let admin = crate::Store::connect(&db.url).await.unwrap();
        let database = db.url.rsplit_once('/').map(|(_, name)| name.to_owned()).unwrap();
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&database)
        .fetch_all(&admin.pool)
        .await
        .unwrap();
        admin.close().await;
        assert!(
            !ended.is_empty() && ended.iter().all(|e| *e),
            "no connection of the pool was ended"
        );
        tokio::time::sleep(super::IDLE_BEFORE_PING + Duration::from_millis(200)).await;
        assert_eq!(one().await.unwrap(), 1, "a dead connection was handed out");
        db.finish().await;
    }

    /// A check's place is taken without waiting for the disk, and only that
    /// statement: `synchronous_commit` is back on for whatever the same
    /// connection runs next.
    #[tokio::test]
    async fn taking_a_place_leaves_synchronous_commit_on_for_what_follows() {
        let Some(db) = TestDb::postgres().await else { return };
        let subject = openecf_domain::throttle::Subject::pacer("unflushed2026");
        let now = chrono::DateTime::from_timestamp(1_796_566_000, 0).unwrap();
        for _ in 0..8 {
            db.store.begin_attempt(&subject, now).await.unwrap();
        }
        // Every connection the pool holds, each asked in turn.
        let mut held = Vec::new();
        for _ in 0..db.store.pool.size() {
            let mut conn = db.store.pool.acquire().await.unwrap();
            let setting: String = sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(setting, "on");
            held.push(conn);
        }
        drop(held);
        db.finish().await;
    }
}
