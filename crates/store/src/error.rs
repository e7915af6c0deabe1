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
    /// The database had no connection (or, on SQLite, no turn to write, or
    /// its write lock was held by another process) free for this statement
    /// within the pool's wait ([`crate::PoolSettings`]): too much work at
    /// once, not a fault. Nothing of the statement was written; the same
    /// request a moment later may well succeed.
    pub fn is_busy(&self) -> bool {
        /// SQLite's primary result code for "database is locked".
        const SQLITE_BUSY: i32 = 5;
        match self {
            Self::Db(sqlx::Error::PoolTimedOut) => true,
            // SQLite's busy timeout ran out: another process (an `openecf`
            // command, another server on the same file) held the write
            // lock throughout. Its extended codes keep the primary code in
            // their low byte.
            Self::Db(sqlx::Error::Database(db)) => db
                .try_downcast_ref::<sqlx::sqlite::SqliteError>()
                .and_then(sqlx::error::DatabaseError::code)
                .and_then(|code| code.parse::<i32>().ok())
                .is_some_and(|code| code & 0xff == SQLITE_BUSY),
            _ => false,
        }
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
