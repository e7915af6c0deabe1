//! Argon2id password hashing, off the async threads, on a pool bounded by the
//! core count: the hash is the server's physical limit, so it must queue
//! rather than starve the request threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use openecf_domain::Password;
use tokio::sync::Semaphore;

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

/// A place in the hashing queue: given back on drop.
struct QueuePlace(Arc<AtomicUsize>);

impl Drop for QueuePlace {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
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

fn verify_blocking(hash: &str, password: &str) -> bool {
    // Verified with the format and parameters stored in the hash: old hashes,
    // and those imported from a legacy system, keep working.
    crate::legacy_hash::verify(hash, password)
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

    /// A pool of `threads` with at most `max_waiting` checks waiting.
    pub fn with_queue(threads: usize, max_waiting: usize) -> Result<Self, HasherError> {
        let dummy = hash_blocking("openecf dummy password: never matches a real one")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(threads.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
            dummy: Arc::new(dummy),
        })
    }

    /// Checks waiting for a thread now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HasherError> {
        // A place in the queue, or Busy at once. The place is given back when
        // the wait ends, however it ends: a caller dropped while waiting (a
        // client gone, a shutdown) frees its place too.
        let taken = self.waiting.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < self.max_waiting).then_some(n + 1)
        });
        if taken.is_err() {
            metrics::counter!("openecf_hash_rejected_total").increment(1);
            return Err(HasherError::Busy);
        }
        let place = QueuePlace(self.waiting.clone());
        metrics::gauge!("openecf_hash_queue_waiting").set(self.waiting() as f64);
        let permit = self.permits.clone().acquire_owned().await;
        drop(place);
        let permit = permit.map_err(|_| HasherError::Closed)?;
        // The permit lives as long as the hashing itself: a request dropped
        // mid-hash (client gone) still holds its place until the work ends.
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await
        .map_err(|_| HasherError::Closed)
    }

    pub async fn hash(&self, password: &Password) -> Result<String, HasherError> {
        let pw = password.expose().to_owned();
        self.run(move || hash_blocking(&pw)).await?
    }

    /// Checks a password against a stored hash; with no hash (unknown account,
    /// locked account) it spends the same time and answers false.
    pub async fn verify(&self, hash: Option<&str>, password: &Password) -> Result<bool, HasherError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy).to_owned();
        let pw = password.expose().to_owned();
        let ok = self.run(move || verify_blocking(&hash, &pw)).await?;
        Ok(ok && known)
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
        let permit = h.permits.clone().acquire_owned().await.unwrap();
        let waiting = {
            let (h, pw) = (h.clone(), pw.clone());
            tokio::spawn(async move { h.hash(&pw).await })
        };
        while h.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        waiting.abort();
        let _ = waiting.await;
        assert_eq!(h.waiting(), 0, "the abandoned check kept its place");
        drop(permit);
        assert!(h.hash(&pw).await.is_ok());
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
