//! The in-process read cache of what every signed-in page reads: the
//! session with its PACER account, the court, the court's added events and
//! the account's standing at the court (its linked CM/ECF login, or whether
//! it files as an attorney's agent), and its event catalogue.
//!
//! How stale an entry may be, and why that is safe:
//! - An entry lives at most [`Settings::cache_ttl`](crate::Settings) (two
//!   seconds by default). A logout, revoke, password change, disable or
//!   unlink made on **another node** (or by the `openecf` command line) is
//!   therefore seen here within that bound: a session ended elsewhere opens
//!   nothing here after it.
//! - Whatever **this node** writes it reads back at once: every entry
//!   remembers the store's write count ([`Store::generation`]) when it was
//!   read, and is stale as soon as this process has written anything since.
//! - Only what was found is kept: an unknown token or court is asked of the
//!   database every time, so a new session or court is never hidden.
//! - The session's idle and absolute timeouts are still checked against the
//!   clock on every request (on the cached row, with the last-seen time this
//!   node last wrote).
//!
//! [`Store::generation`]: openecf_store::Store::generation

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use moka::ops::compute::{CompResult, Op};
use openecf_domain::{Catalogue, Court, CourtId, PacerAccount, PacerAccountId};
use openecf_store::{SessionRow, Store};

use crate::Result;

/// At most this many entries of each kind. With a two-second life, only the
/// sessions active in the last two seconds are held: 100,000 live sessions
/// cost memory only as far as they are busy.
const CAPACITY: u64 = 50_000;

/// A cached value and the store's write count when it was read.
#[derive(Clone)]
struct Entry<V> {
    generation: u64,
    value: V,
}

/// A PACER session as the pages see it, shared by the requests that read
/// it from the cache.
pub type SessionView = Arc<CachedSession>;

/// A session's row and its account (`None` for a CM/ECF legacy session, or
/// an account gone since), with when this node last marked it seen.
#[derive(Debug)]
pub struct CachedSession {
    pub row: SessionRow,
    pub account: Option<PacerAccount>,
    /// `last_seen_at` as this node last wrote it (epoch seconds): the
    /// requests sharing the entry see one another's touches, and only the
    /// one that moves it on writes the touch.
    seen: AtomicI64,
}

impl CachedSession {
    pub fn new(row: SessionRow, account: Option<PacerAccount>) -> Self {
        let seen = AtomicI64::new(row.last_seen_at.timestamp());
        Self { row, account, seen }
    }

    /// When the session was last seen, as far as this node knows.
    pub fn last_seen(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(self.seen.load(Ordering::Acquire), 0).unwrap_or(self.row.last_seen_at)
    }

    /// Claims the touch of a session that [`Self::last_seen`] said was last
    /// seen at `last_seen`: true for exactly one of the requests that ask
    /// with the same `last_seen`, which then writes the touch; the others go
    /// on without writing.
    pub(crate) fn claim_touch(
        &self,
        last_seen: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        self.seen
            .compare_exchange(
                last_seen.timestamp(),
                now.timestamp(),
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }
}

/// An account's standing at a court: the CM/ECF login linked there, and
/// (when none) whether it files there as an attorney's agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub linked: Option<String>,
    pub agent: bool,
}

/// The caches. Cheap to clone (shared).
#[derive(Clone)]
pub struct Caches {
    enabled: bool,
    sessions: Cache<String, Entry<SessionView>>,
    courts: Cache<CourtId, Entry<Arc<Court>>>,
    catalogues: Cache<CourtId, Entry<Arc<Catalogue>>>,
    standing: Cache<(CourtId, PacerAccountId), Entry<Standing>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("enabled", &self.enabled)
            .field("sessions", &self.sessions.entry_count())
            .finish_non_exhaustive()
    }
}

fn cache<K, V>(ttl: Duration) -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder().max_capacity(CAPACITY).time_to_live(ttl).build()
}

impl Caches {
    /// Entries live `ttl`; a zero `ttl` turns the cache off (every read goes
    /// to the database).
    pub fn new(ttl: Duration) -> Self {
        let live = ttl.max(Duration::from_millis(1));
        Self {
            enabled: !ttl.is_zero(),
            sessions: cache(live),
            courts: cache(live),
            catalogues: cache(live),
            standing: cache(live),
        }
    }

    /// Forgets one session at once (its logout on this node).
    pub async fn forget_session(&self, token_hash: &str) {
        self.sessions.invalidate(token_hash).await;
    }
}

/// Reads through one cache: a fresh entry, else `read` (whose `Some` is kept).
///
/// One read per key at a time: when an entry runs out (or goes stale) under
/// many requests at once, one of them reads it again and the others wait for
/// its answer, rather than all asking the database the same question.
async fn through<K, Q, V, F>(
    store: &Store,
    enabled: bool,
    cache: &Cache<K, Entry<V>>,
    key: &Q,
    read: F,
) -> Result<Option<V>>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static + std::borrow::Borrow<Q>,
    Q: std::hash::Hash + Eq + ToOwned<Owned = K> + ?Sized,
    V: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<Option<V>>>,
{
    if !enabled {
        return read.await;
    }
    // Noted before the read: a write that lands during it makes the entry stale.
    let generation = store.generation();
    // An entry read since this request's count was noted is as fresh as a
    // read of its own would be.
    if let Some(hit) = cache.get(key).await {
        if hit.generation >= generation {
            metrics::counter!("openecf_cache_total", "outcome" => "hit").increment(1);
            return Ok(Some(hit.value));
        }
    }
    let computed = cache
        .entry_by_ref(key)
        .and_try_compute_with(|entry| async move {
            // Read meanwhile by the request this one waited for (never put
            // an older read over a newer one).
            if entry.as_ref().is_some_and(|e| e.value().generation >= generation) {
                return Ok(Op::Nop);
            }
            metrics::counter!("openecf_cache_total", "outcome" => "miss").increment(1);
            Ok::<_, crate::Error>(match read.await? {
                Some(value) => Op::Put(Entry { generation, value }),
                None => Op::Remove,
            })
        })
        .await?;
    Ok(match computed {
        CompResult::Inserted(e) | CompResult::ReplacedWith(e) | CompResult::Unchanged(e) => Some(e.into_value().value),
        CompResult::StillNone(_) | CompResult::Removed(_) => None,
    })
}

impl crate::App {
    /// A session (by its token's hash) with its PACER account; not checked
    /// against the timeouts (see [`crate::sessions::resolve`]).
    pub(crate) async fn cached_session(&self, token_hash: &str) -> Result<Option<SessionView>> {
        let store = &self.store;
        through(store, self.caches.enabled, &self.caches.sessions, token_hash, async {
            let Some(row) = store.session(token_hash).await? else {
                return Ok(None);
            };
            let account = match row.principal {
                openecf_store::Principal::Pacer(id) => store.pacer_by_id(id).await?,
                openecf_store::Principal::Ecf(_) => None,
            };
            Ok(Some(Arc::new(CachedSession::new(row, account))))
        })
        .await
    }

    /// A court, as every court page loads it.
    pub async fn court(&self, id: &CourtId) -> Result<Option<Arc<Court>>> {
        let store = &self.store;
        through(store, self.caches.enabled, &self.caches.courts, id, async {
            Ok(store.court(id).await?.map(Arc::new))
        })
        .await
    }

    /// A court's event catalogue: the built-in events of its kind and those it added.
    pub(crate) async fn catalogue(&self, court: &Court) -> Result<Arc<Catalogue>> {
        let store = &self.store;
        let catalogue = through(store, self.caches.enabled, &self.caches.catalogues, &court.id, async {
            Ok(Some(Arc::new(Catalogue::new(
                court.kind,
                store.court_events(&court.id).await?,
            ))))
        })
        .await?;
        Ok(catalogue.ok_or_else(|| anyhow::anyhow!("a catalogue read found nothing"))?)
    }

    /// A PACER account's standing at a live or not-yet-live court.
    pub async fn standing(&self, court: &Court, account: PacerAccountId) -> Result<Standing> {
        let store = &self.store;
        let standing = through(
            store,
            self.caches.enabled,
            &self.caches.standing,
            &(court.id.clone(), account),
            async {
                let linked = store.linked_login(&court.id, account).await?;
                let agent = linked.is_none() && court.is_live() && store.files_as_agent(&court.id, account).await?;
                Ok(Some(Standing { linked, agent }))
            },
        )
        .await?;
        Ok(standing.unwrap_or(Standing {
            linked: None,
            agent: false,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openecf_domain::PacerAccountId;
    use openecf_store::Principal;

    #[test]
    fn one_of_the_requests_sharing_a_session_writes_its_touch() {
        let at = |s: i64| chrono::DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap();
        let session = CachedSession::new(
            SessionRow {
                token_hash: "h".into(),
                principal: Principal::Pacer(PacerAccountId::new(1)),
                created_at: at(0),
                last_seen_at: at(0),
                ip: String::new(),
                user_agent: String::new(),
                mfa_required: false,
            },
            None,
        );
        let seen = session.last_seen();
        assert_eq!(seen, at(0));
        assert!(session.claim_touch(seen, at(61)), "nobody writes the touch");
        assert!(!session.claim_touch(seen, at(61)), "a second request writes it too");
        assert_eq!(session.last_seen(), at(61));
        assert!(session.claim_touch(session.last_seen(), at(122)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_entry_missed_by_many_requests_at_once_is_read_once() {
        use std::sync::atomic::AtomicUsize;
        let db = openecf_store::testkit::TestDb::sqlite().await.unwrap();
        let cache: Cache<String, Entry<u32>> = cache(Duration::from_secs(60));
        let reads = Arc::new(AtomicUsize::new(0));
        let many = |answer: Option<u32>| {
            (0..16)
                .map(|_| {
                    let (store, cache, reads) = (db.store.clone(), cache.clone(), reads.clone());
                    tokio::spawn(async move {
                        let read = async {
                            reads.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok(answer)
                        };
                        through(&store, true, &cache, "key", read).await.unwrap()
                    })
                })
                .collect::<Vec<_>>()
        };
        for task in many(Some(7)) {
            assert_eq!(task.await.unwrap(), Some(7));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1, "each request read the entry itself");
        // Nothing found is kept: every request asks again (one at a time).
        reads.store(0, Ordering::SeqCst);
        cache.invalidate("key").await;
        for task in many(None) {
            assert_eq!(task.await.unwrap(), None);
        }
        assert_eq!(reads.load(Ordering::SeqCst), 16, "a miss was kept");
        db.finish().await;
    }
}
