//! The account service's limits and rules for second factors and password
//! resets, with the policy constants beside them.

/// The most authenticator apps one account may enrol.
pub const MAX_AUTHENTICATORS: i64 = 5;
/// How many logins a filer without an authenticator app may make before
/// enrolment is forced: each such login, browser or API, uses one up.
pub const SKIPS_ALLOWED: i64 = 3;
/// The most live password-reset links one account may have at once.
pub const MAX_ACTIVE_RESETS: i64 = 3;
/// How long a password-reset link works, in seconds.
pub const RESET_TTL_SECS: i64 = 30 * 60;
/// How long an authenticator app's enrolment (its secret, its mailed code) lasts, in seconds.
pub const ENROLMENT_TTL_SECS: i64 = 15 * 60;
/// How long the passcode step of a login waits for its passcode, in seconds.
pub const CHALLENGE_TTL_SECS: i64 = 5 * 60;

/// Why an authenticator app cannot be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthenticatorRefusal {
    /// The same secret twice would accept each passcode once per copy.
    #[error("this authenticator app is already added")]
    AlreadyAdded,
    #[error("an account may have at most {MAX_AUTHENTICATORS} authenticator apps; remove one first")]
    TooMany,
}

/// May an account with `enrolled` apps, `same_secret` of them with this
/// secret, add one more?
pub fn check_new_authenticator(enrolled: i64, same_secret: bool) -> Result<(), AuthenticatorRefusal> {
    if same_secret {
        return Err(AuthenticatorRefusal::AlreadyAdded);
    }
    if enrolled >= MAX_AUTHENTICATORS {
        return Err(AuthenticatorRefusal::TooMany);
    }
    Ok(())
}

/// May one more reset link be sent to an account with `active` live links?
/// No: nobody may flood an inbox with them.
pub fn may_send_reset(active: i64) -> bool {
    active < MAX_ACTIVE_RESETS
}

/// What MFA asks of an account at login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaDue {
    /// Nothing: MFA is on, or not required.
    No,
    /// A filer without an authenticator: asked to enrol, with `skips_left`
    /// more logins that may put it off; `forced` once the postponements are
    /// used up (the session may then only enrol).
    Enrol { forced: bool, skips_left: i64 },
}

/// Filers (accounts linked to a CM/ECF account) must use MFA. `skips` counts
/// the logins made without it, this one included.
pub fn mfa_due(is_filer: bool, authenticators: i64, skips: i64) -> MfaDue {
    if is_filer && authenticators == 0 {
        MfaDue::Enrol {
            forced: skips > SKIPS_ALLOWED,
            skips_left: (SKIPS_ALLOWED - skips).max(0),
        }
    } else {
        MfaDue::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authenticator_limits() {
        assert_eq!(check_new_authenticator(0, false), Ok(()));
        assert_eq!(check_new_authenticator(4, false), Ok(()));
        assert_eq!(check_new_authenticator(5, false), Err(AuthenticatorRefusal::TooMany));
        assert_eq!(
            check_new_authenticator(1, true),
            Err(AuthenticatorRefusal::AlreadyAdded)
        );
    }

    #[test]
    fn filers_must_enrol_and_may_put_it_off_at_three_logins() {
        assert_eq!(mfa_due(false, 0, 9), MfaDue::No);
        assert_eq!(mfa_due(true, 1, 0), MfaDue::No);
        assert_eq!(
            mfa_due(true, 0, 0),
            MfaDue::Enrol {
                forced: false,
                skips_left: 3
            }
        );
        assert_eq!(
            mfa_due(true, 0, 3),
            MfaDue::Enrol {
                forced: false,
                skips_left: 0
            },
            "the third login without an app is the last that may put it off"
        );
        assert_eq!(
            mfa_due(true, 0, 4),
            MfaDue::Enrol {
                forced: true,
                skips_left: 0
            }
        );
        assert!(may_send_reset(2));
        assert!(!may_send_reset(3));
    }
}
