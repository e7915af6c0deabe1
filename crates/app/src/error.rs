use openecf_store::StoreError;

use crate::HasherError;

/// What a use case can fail with. The store's typed refusals (a username
/// taken, a court already live, …) pass through as `Store`; the web layer
/// maps each to a status and message in one place. Unexpected failures carry
/// the step that failed (`anyhow::Context`), so a 500's log line says which.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hasher(#[from] HasherError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
