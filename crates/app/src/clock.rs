//! The one clock. Every use case reads the time from the [`Clock`] in the
//! application state, once; `chrono::Utc::now` is banned everywhere else by
//! `clippy.toml`. Tests move the clock instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// The time now, as every layer sees it: the system's, moved by an offset
/// that only tests set, or a stopped time.
#[derive(Debug, Clone)]
pub struct Clock {
    stopped_at: Option<DateTime<Utc>>,
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self {
            stopped_at: None,
            offset_ms: Arc::new(AtomicI64::new(0)),
        }
    }

    /// A clock that stands at `at` until it is moved.
    pub fn stopped(at: DateTime<Utc>) -> Self {
        Self {
            stopped_at: Some(at),
            offset_ms: Arc::new(AtomicI64::new(0)),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        #[allow(clippy::disallowed_methods, reason = "the one place the system time is read")]
        let base = self.stopped_at.unwrap_or_else(Utc::now);
        base + chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock, and every copy of it, forward.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 4);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_clock_moves_every_copy() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let clock = Clock::stopped(start);
        let copy = clock.clone();
        clock.advance(Duration::from_secs(90));
        assert_eq!(copy.now(), start + chrono::Duration::seconds(90));
        let system = Clock::system();
        let before = system.now();
        system.advance(Duration::from_secs(3600));
        assert!(system.now() - before >= chrono::Duration::seconds(3600));
    }
}
