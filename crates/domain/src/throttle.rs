//! Brute-force throttling: failed attempts are counted per account (in the
//! database, so every node agrees); after a few free failures each further one
//! locks the account for a growing delay.

use std::fmt;

use crate::ids::PacerAccountId;
use crate::names::{CourtId, EcfLogin, Username};

/// Failures allowed before the first delay.
pub const FREE_FAILURES: i64 = 5;
/// The longest single lock, in seconds.
pub const MAX_LOCK_SECS: i64 = 15 * 60;
/// Failures after which the owner is told by email that the account is locked.
pub const NOTIFY_AT: i64 = 10;
/// A run of failures older than this is forgotten.
pub const FORGET_AFTER_SECS: i64 = 60 * 60;

/// A known device (a browser the account logged in from) unused for this
/// long no longer counts as known, and the purge forgets it: a device cookie
/// lost or stolen long ago cannot keep a way past the account's lock.
pub const KNOWN_DEVICE_TTL_SECS: i64 = 180 * 24 * 60 * 60;

/// The most password checks under way at once for one subject.
pub const MAX_IN_FLIGHT: i64 = 4;
/// How long a check under way holds its place at least, should its node die
/// (places are counted by runs this long; an abandoned place is free within
/// two of them).
pub const IN_FLIGHT_SECS: i64 = 30;

/// What a failure counter counts against. Each is stored under its own key;
/// input that is no valid name shares one counter, so junk can neither grow the
/// table nor carry bytes the database refuses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A PACER username's password (`None`: input that is no valid username).
    PacerPassword(Option<Username>),
    /// A court's CM/ECF login (`None`: input that is no valid login).
    EcfPassword { court: CourtId, login: Option<EcfLogin> },
    /// The link form used by this PACER account: a password oracle for CM/ECF accounts.
    LinkForm(Username),
    /// An account's second factor: its own counter, which a right password never resets.
    SecondFactor(PacerAccountId),
    /// An account's password tried from a browser where it logged in before
    /// (a known device, by its token's hash): such failures count against
    /// that browser only, so a lockout caused from elsewhere never locks the
    /// owner out of it.
    KnownDevice(String),
}

impl Subject {
    /// The counter of a PACER username as typed, known or not.
    pub fn pacer(login_id: &str) -> Self {
        Self::PacerPassword(Username::parse_existing(login_id).ok())
    }

    /// The counter of a CM/ECF login as typed at a court, known or not.
    pub fn ecf(court: &CourtId, login: &str) -> Self {
        Self::EcfPassword {
            court: court.clone(),
            login: EcfLogin::parse(login).ok(),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PacerPassword(Some(u)) => write!(f, "pacer:{u}"),
            Self::PacerPassword(None) => f.write_str("pacer:<invalid>"),
            Self::EcfPassword { court, login: Some(l) } => write!(f, "ecf:{court}:{l}"),
            Self::EcfPassword { court, login: None } => write!(f, "ecf:{court}:<invalid>"),
            Self::LinkForm(u) => write!(f, "link:{u}"),
            Self::SecondFactor(id) => write!(f, "mfa:{id}"),
            Self::KnownDevice(hash) => write!(f, "device:{}", hash.get(..32).unwrap_or(hash)),
        }
    }
}

/// The stored state of one account's failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: i64,
    pub last_failed_at: i64,
    pub locked_until: i64,
}

impl Failures {
    /// Is the account locked at `now`? A locked account is answered as if the
    /// password were wrong, and the attempt is not checked.
    pub fn is_locked(&self, now: i64) -> bool {
        now < self.locked_until
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(self, now: i64) -> Self {
        let count = if now - self.last_failed_at > FORGET_AFTER_SECS {
            1
        } else {
            self.count + 1
        };
        // Times are whole seconds: a lock also covers the rest of the current
        // second, so even the shortest one lasts at least a full second.
        let lock = lock_secs(count);
        Self {
            count,
            last_failed_at: now,
            locked_until: if lock > 0 { now + lock + 1 } else { now },
        }
    }
}

/// How long the account is locked after its `count`-th failure in a row:
/// nothing for the first few, then 1, 2, 4, ... seconds up to 15 minutes.
pub fn lock_secs(count: i64) -> i64 {
    if count < FREE_FAILURES {
        return 0;
    }
    let exp = (count - FREE_FAILURES).min(20);
    (1i64 << exp).min(MAX_LOCK_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn delays_grow_to_a_cap() {
        assert_eq!(lock_secs(1), 0);
        assert_eq!(lock_secs(FREE_FAILURES), 1);
        assert_eq!(lock_secs(FREE_FAILURES + 3), 8);
        assert_eq!(lock_secs(1000), MAX_LOCK_SECS);
    }

    proptest! {
        /// However an attacker spaces the attempts, no account takes more than
        /// 100 checked failures in any hour (OWASP ASVS 2.2.1).
        #[test]
        fn at_most_100_failures_an_hour(gaps in proptest::collection::vec(0i64..120, 1..3000)) {
            let mut state = Failures::default();
            let mut now = 1_000_000;
            let mut checked = Vec::new();
            for gap in gaps {
                now += gap;
                if !state.is_locked(now) {
                    checked.push(now);
                    state = state.after_failure(now);
                }
            }
            for (i, start) in checked.iter().enumerate() {
                let in_hour = checked[i..].iter().take_while(|t| **t < start + 3600).count();
                prop_assert!(in_hour <= 100, "{in_hour} failures in an hour");
            }
        }
    }
}
