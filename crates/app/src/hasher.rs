//! Argon2id password hashing, off the async threads, on a pool bounded by the
//! core count: the hash is the server's physical limit, so it must queue
//! rather than starve the request threads.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use openecf_domain::Password;

#[derive(Debug, thiserror::Error)]
pub enum HasherError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the hashing pool stopped")]
    Closed,
    /// More password checks wait than the pool works through in a moment:
    /// the new one is turned away at once (the caller answers 503 with
    /// `Retry-After`) instead of waiting without bound.
    #[error("too many password checks are waiting")]
    Busy,
}

/// A check's place in the hashing queue: given back once, when a thread
/// takes the check up or when its caller goes away, whichever comes first.
struct QueuePlace {
    waiting: Arc<AtomicUsize>,
    given_back: AtomicBool,
}

impl QueuePlace {
    fn give_back(&self) {
        if !self.given_back.swap(true, Ordering::AcqRel) {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// The caller's hold on its place: dropped (the caller went away, or the
/// answer came), the place is given back.
struct PlaceHold(Arc<QueuePlace>);

impl Drop for PlaceHold {
    fn drop(&mut self) {
        self.0.give_back();
    }
}

/// Work for a hashing thread, given the thread's Argon2 memory.
type Job = Box<dyn FnOnce(&mut Vec<argon2::Block>) + Send>;

/// How much less the hashing threads weigh with the scheduler than the
/// threads that serve requests (Linux's nice value 10: a tenth of their
/// weight). A thread that answers a page, or runs a password check's
/// database statements, takes a core from a hash at once instead of waiting
/// out its time slice, so logged-in pages keep their speed during a flood
/// of logins, and the hashes are never kept waiting on their own statements.
/// With nothing else to run, a hash still has the whole core. (The
/// `thread-priority` crate's cross-platform scale runs 0–99; for Linux's
/// normal threads it maps 22 to nice 10, which a test checks.)
const HASH_THREAD_PRIORITY: u8 = 22;

#[derive(Clone)]
pub struct Hasher {
    /// The threads' queue: room for every waiting check and one running on
    /// each thread, so what it holds (passwords among it) stays bounded even
    /// when callers go away and leave their checks to be skipped.
    jobs: std::sync::mpsc::SyncSender<Job>,
    /// Checks waiting for a thread, and the most that may wait.
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
    /// A hash of nothing anyone knows: unknown users are checked against it so
    /// they cost the same time as known ones.
    dummy: Arc<String>,
}

/// OWASP's Argon2id parameters: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Result<Argon2<'static>, HasherError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| HasherError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &str) -> Result<String, HasherError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HasherError::Hash(e.to_string()))
}

/// Checks a password against a stored hash, on the calling thread, with
/// Argon2's memory from `memory` (kept for the next check: no fresh 19 MiB
/// to allocate, fault in and zero each time). Verified with the format and parameters stored
/// in the hash: old hashes, and those imported from a legacy system, keep
/// working. Public for the benchmark that measures the machine's limit
/// (`examples/argon2_rate.rs`).
pub fn verify_blocking(hash: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
    crate::legacy_hash::verify_in(hash, password, memory)
}

pub use crate::legacy_hash::check_imported_hash;

/// Whether a stored hash is not Argon2id at our parameters (an imported or an
/// older hash): the password is hashed again at its next successful check.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return true;
    };
    let cost = Params::try_from(&parsed).map(|p| (p.m_cost(), p.t_cost(), p.p_cost()));
    parsed.algorithm.as_str() != "argon2id"
        || parsed.version != Some(Version::V0x13.into())
        || cost.ok() != Some((19 * 1024, 2, 1))
        || parsed.hash.map(|h| h.len()) != Some(Params::DEFAULT_OUTPUT_LEN)
}

impl Hasher {
    /// A pool as wide as the machine's cores.
    pub fn new() -> Result<Self, HasherError> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::with_threads(cores)
    }

    /// Waiting checks allowed per thread: about half a second of hashing.
    pub const QUEUE_PER_THREAD: usize = 32;

    pub fn with_threads(threads: usize) -> Result<Self, HasherError> {
        Self::with_queue(threads, threads.max(1) * Self::QUEUE_PER_THREAD)
    }

    /// A pool of `threads` (threads of its own, each keeping its Argon2
    /// memory) with at most `max_waiting` checks waiting. The threads end
    /// when the last clone of the pool is dropped.
    pub fn with_queue(threads: usize, max_waiting: usize) -> Result<Self, HasherError> {
        let dummy = hash_blocking("openecf dummy password: never matches a real one")?;
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(max_waiting + threads.max(1));
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("openecf-hash-{n}"))
                .spawn(move || hashing_thread(&queue))
                .map_err(|e| HasherError::Hash(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self {
            jobs,
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
            dummy: Arc::new(dummy),
        })
    }

    /// Checks waiting for a thread now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// A place in the queue, taken before the work that leads to a check
    /// (its database statements): Busy at once when the queue is full, so a
    /// check turned away has cost nothing but its request. The place is given
    /// back when a thread takes the check up, or when the ticket is dropped.
    pub fn reserve(&self) -> Result<Ticket, HasherError> {
        let taken = self.waiting.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < self.max_waiting).then_some(n + 1)
        });
        if taken.is_err() {
            metrics::counter!("openecf_hash_rejected_total").increment(1);
            return Err(HasherError::Busy);
        }
        let place = Arc::new(QueuePlace {
            waiting: self.waiting.clone(),
            given_back: AtomicBool::new(false),
        });
        metrics::gauge!("openecf_hash_queue_waiting").set(self.waiting() as f64);
        Ok(Ticket {
            jobs: self.jobs.clone(),
            dummy: self.dummy.clone(),
            hold: PlaceHold(place),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<argon2::Block>) -> T + Send + 'static,
    ) -> Result<T, HasherError> {
        self.reserve()?.run(work).await
    }

    pub async fn hash(&self, password: &Password) -> Result<String, HasherError> {
        let pw = password.expose().to_owned();
        self.run(move |_| hash_blocking(&pw)).await?
    }

    /// Checks a password against a stored hash; with no hash (unknown account,
    /// locked account) it spends the same time and answers false.
    pub async fn verify(&self, hash: Option<&str>, password: &Password) -> Result<bool, HasherError> {
        self.reserve()?.verify(hash, password).await
    }
}

/// A check's place in the hashing queue ([`Hasher::reserve`]), spent on one check.
pub struct Ticket {
    jobs: std::sync::mpsc::SyncSender<Job>,
    dummy: Arc<String>,
    /// Dropped (the caller went away, or the answer came): the place is given back.
    hold: PlaceHold,
}

impl Ticket {
    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&mut Vec<argon2::Block>) -> T + Send + 'static,
    ) -> Result<T, HasherError> {
        // A caller dropped while waiting (a client gone, a shutdown) frees
        // its place through its hold, and its check is skipped when its turn
        // comes. One gone mid-hash still has its hash finished (the thread
        // is busy until then either way).
        let place = self.hold.0.clone();
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |memory| {
            place.give_back();
            if !answer.is_closed() {
                let _ = answer.send(work(memory));
            }
        });
        // Full only of checks whose callers went away, not yet skipped: busy.
        self.jobs.try_send(job).map_err(|e| match e {
            std::sync::mpsc::TrySendError::Full(_) => HasherError::Busy,
            std::sync::mpsc::TrySendError::Disconnected(_) => HasherError::Closed,
        })?;
        let out = answered.await.map_err(|_| HasherError::Closed);
        drop(self.hold);
        out
    }

    /// [`Hasher::verify`] in this place.
    pub async fn verify(self, hash: Option<&str>, password: &Password) -> Result<bool, HasherError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy).to_owned();
        let pw = password.expose().to_owned();
        let ok = self.run(move |memory| verify_blocking(&hash, &pw, memory)).await?;
        Ok(ok && known)
    }
}

/// A hashing thread: at a lower priority than the request threads (see
/// [`HASH_THREAD_PRIORITY`]), it takes the queue's checks one at a time,
/// with its own Argon2 memory, until the pool is dropped.
fn hashing_thread(queue: &Mutex<std::sync::mpsc::Receiver<Job>>) {
    if let Ok(priority) = thread_priority::ThreadPriorityValue::try_from(HASH_THREAD_PRIORITY) {
        if let Err(e) =
            thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Crossplatform(priority))
        {
            tracing::warn!(error = ?e, "the hashing thread keeps the default priority");
        }
    }
    let mut memory = Vec::new();
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => {
                // A check that panics answers its caller with an error (its
                // answer channel is dropped), and the thread goes on, with
                // fresh memory.
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut memory))).is_err() {
                    tracing::error!("a password check panicked on its hashing thread");
                    memory = Vec::new();
                }
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_argon2id_parameters_are_current() {
        let ours = hash_blocking("Legacy-Pass-1").unwrap();
        assert!(!needs_rehash(&ours));
        assert!(needs_rehash(&ours.replace("m=19456", "m=65536")));
        assert!(needs_rehash(&ours.replace("$argon2id$", "$argon2i$")));
        assert!(needs_rehash("$2b$10$abcdefghijklmnopqrstuu"));
        assert!(needs_rehash("junk"));
    }

    #[tokio::test]
    async fn a_full_queue_turns_new_checks_away_at_once() {
        let h = Hasher::with_queue(1, 2).unwrap();
        let pw = Password::attempt("Correct-Horse-Battery").unwrap();
        // Six at once on one thread with room for two waiting: one runs, two
        // wait, the rest are turned away without waiting.
        let all = futures_join(h.clone(), pw, 6).await;
        let busy = all.iter().filter(|r| matches!(r, Err(HasherError::Busy))).count();
        let done = all.iter().filter(|r| r.is_ok()).count();
        assert!(busy >= 1 && done >= 1 && busy + done == 6, "busy {busy}, done {done}");
        assert_eq!(h.waiting(), 0);
        assert!(h
            .hash(&Password::attempt("Correct-Horse-Battery").unwrap())
            .await
            .is_ok());
    }

    #[tokio::test]
    async fn a_caller_dropped_while_waiting_gives_its_place_back() {
        let h = Hasher::with_queue(1, 1).unwrap();
        let pw = Password::attempt("Correct-Horse-Battery").unwrap();
        // Hold the only thread, then abandon a waiting check.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, has_started) = std::sync::mpsc::channel::<()>();
        let holding = {
            let h = h.clone();
            tokio::spawn(async move {
                h.run(move |_| {
                    started.send(()).unwrap();
                    held.recv()
                })
                .await
            })
        };
        while has_started.try_recv().is_err() {
            tokio::task::yield_now().await;
        }
        let ran = Arc::new(AtomicBool::new(false));
        let waiting = {
            let (h, ran) = (h.clone(), ran.clone());
            tokio::spawn(async move { h.run(move |_| ran.store(true, Ordering::SeqCst)).await })
        };
        while h.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        waiting.abort();
        let _ = waiting.await;
        assert_eq!(h.waiting(), 0, "the abandoned check kept its place");
        release.send(()).unwrap();
        holding.await.unwrap().unwrap().unwrap();
        assert!(h.hash(&pw).await.is_ok());
        assert!(!ran.load(Ordering::SeqCst), "the abandoned check was run");
    }

    #[tokio::test]
    #[cfg(target_os = "linux")]
    async fn hashes_run_at_a_lower_priority_than_requests() {
        let h = Hasher::with_threads(1).unwrap();
        // The nice value, the 19th field of /proc/thread-self/stat.
        let nice = h
            .run(|_| {
                let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
                let after_name = &stat[stat.rfind(')').unwrap() + 2..];
                after_name.split(' ').nth(16).unwrap().parse::<i32>().unwrap()
            })
            .await
            .unwrap();
        assert_eq!(nice, 10);
    }

    async fn futures_join(h: Hasher, pw: Password, n: usize) -> Vec<Result<String, HasherError>> {
        let mut tasks = Vec::new();
        for _ in 0..n {
            let (h, pw) = (h.clone(), pw.clone());
            tasks.push(tokio::spawn(async move { h.hash(&pw).await }));
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_never_match() {
        let h = Hasher::with_threads(1).unwrap();
        let pw = Password::attempt("Correct-Horse-Battery").unwrap();
        let hash = h.hash(&pw).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(h.verify(Some(&hash), &pw).await.unwrap());
        let wrong = Password::attempt("Wrong-Horse-Battery").unwrap();
        assert!(!h.verify(Some(&hash), &wrong).await.unwrap());
        assert!(!h.verify(None, &pw).await.unwrap());
    }
}
