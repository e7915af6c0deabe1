use openecf_domain::mfa::AuthenticatorRefusal;
use openecf_domain::{CourtId, EcfLogin, GoLiveRefusal, Username};

/// What the store can say went wrong. Refusals a user can cause are variants
/// of their own; the web layer maps each to a status and a message in one place.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the PACER username {0} is taken")]
    UsernameTaken(Username),
    #[error("this account is already upgraded")]
    AlreadyUpgraded,
    #[error("court {0} already exists")]
    CourtExists(CourtId),
    #[error("the CM/ECF login {login} already exists at {court}")]
    EcfLoginTaken { court: CourtId, login: EcfLogin },
    #[error(transparent)]
    Authenticator(#[from] AuthenticatorRefusal),
    #[error(transparent)]
    GoLive(#[from] GoLiveRefusal),
    #[error("{0}")]
    NotFound(Missing),
    #[error("invalid database configuration: {0}")]
    Config(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// What was not there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("no court {0}")]
    Court(CourtId),
    #[error("no such PACER account")]
    PacerAccount,
    #[error("no such authenticator")]
    Authenticator,
    #[error("the CM/ECF account {login} at {court} is not linked")]
    Link { court: CourtId, login: EcfLogin },
}

impl StoreError {
    /// The database had no connection (or, on SQLite, no turn to write) free
    /// for this statement within the pool's wait ([`crate::PoolSettings`]):
    /// too much work at once, not a fault. Nothing of the statement was
    /// written; the same request a moment later may well succeed.
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Db(sqlx::Error::PoolTimedOut))
    }

    /// The constraint a unique violation broke, if this is one.
    pub(crate) fn unique_violation(e: &sqlx::Error) -> Option<String> {
        match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => Some(
                db.constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| db.message().to_owned()),
            ),
            _ => None,
        }
    }
}
