//! Password checks against the failure counters, shared by PACER LOGIN, the
//! CM/ECF login, the link form and every form that asks for the current
//! password. (Moved unchanged from `pages/mod.rs`.)

use chrono::Utc;
use openecf_domain::{Court, EcfAccount, Password};
use openecf_store::{Attempt, AttemptOutcome};

use super::signin;
use crate::session::PacerSession;
use crate::{AppError, AppState};

/// Begins a password check for a subject, waiting a little (as the checks
/// under way finish) rather than refusing when too many are already running.
pub(crate) async fn begin_attempt(state: &AppState, subject: &str) -> Result<Attempt, AppError> {
    for _ in 0..30 {
        match state.store.begin_attempt(subject, Utc::now()).await? {
            Attempt::Busy => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            other => return Ok(other),
        }
    }
    Ok(Attempt::Busy)
}

/// The subject of a CM/ECF login's failure counter.
/// Input that is no valid CM/ECF login shares one counter per court.
pub(crate) fn ecf_subject(court: &Court, login: &str) -> String {
    match openecf_domain::EcfLogin::parse(login) {
        Ok(l) => format!("ecf:{}:{l}", court.id),
        Err(_) => format!("ecf:{}:<invalid>", court.id),
    }
}

/// Checks a court's CM/ECF credentials against the CM/ECF login's failure
/// counter (and any `more` subjects); the account if they are right.
pub(crate) async fn ecf_credentials_ok(
    state: &AppState,
    court: &Court,
    login: &str,
    password: &str,
    more: Option<String>,
) -> Result<Option<EcfAccount>, AppError> {
    let account = match openecf_domain::EcfLogin::parse(login) {
        Ok(l) => state.store.ecf_by_login(&court.id, &l).await?,
        Err(_) => None,
    };
    let mut subjects = vec![ecf_subject(court, login)];
    subjects.extend(more);
    let ok = check_password(
        state,
        &subjects,
        account.as_ref().map(|(_, h)| h.as_str()),
        Password::attempt(password).as_ref(),
    )
    .await?;
    Ok(account.filter(|_| ok).map(|(a, _)| a))
}

/// Checks a password for the given subjects' failure counters: a locked
/// subject is answered as a wrong password (after the same hashing time); a
/// failure is counted against every subject, a success clears them.
pub(crate) async fn check_password(
    state: &AppState,
    subjects: &[String],
    hash: Option<&str>,
    password: Option<&Password>,
) -> Result<bool, AppError> {
    check_password_notify(state, subjects, hash, password, None).await
}

/// As [`check_password`]; when the first subject's failures reach the
/// notification threshold, `lock_notice` is mailed (to the account's owner).
pub(crate) async fn check_password_notify(
    state: &AppState,
    subjects: &[String],
    hash: Option<&str>,
    password: Option<&Password>,
    lock_notice: Option<&openecf_domain::Mail>,
) -> Result<bool, AppError> {
    let now = Utc::now();
    // Each subject allows a few checks at once; a locked one allows none.
    let mut started = Vec::new();
    let mut locked = false;
    for s in subjects {
        match begin_attempt(state, s).await? {
            Attempt::Go => started.push(s),
            Attempt::Locked | Attempt::Busy => locked = true,
        }
    }
    let fallback;
    let password = match password {
        Some(p) => p,
        None => {
            fallback =
                Password::attempt("-").ok_or_else(|| AppError::Internal(anyhow::anyhow!("fallback password")))?;
            &fallback
        }
    };
    // A locked subject spends the same hashing time and is answered as a wrong password.
    let ok = !locked && state.hasher.verify(hash, password).await?;
    if locked {
        state.hasher.verify(None, password).await?;
    }
    for s in started {
        let first = subjects.first() == Some(s);
        let outcome = match (locked, ok) {
            (true, _) => AttemptOutcome::Abandoned,
            // The credentials' own counter is cleared; the others keep theirs.
            (false, true) => AttemptOutcome::Succeeded { clear: first },
            (false, false) => AttemptOutcome::Failed,
        };
        let after = state.store.finish_attempt(s, Utc::now(), outcome).await?;
        if first && outcome == AttemptOutcome::Failed && after.count == openecf_domain::throttle::NOTIFY_AT {
            if let Some(mail) = lock_notice {
                state.store.enqueue_mail(mail, now.timestamp()).await?;
            }
        }
    }
    Ok(ok)
}

/// The current password of the session's account, checked against the
/// account's failure counter.
pub(crate) async fn current_password_ok(
    state: &AppState,
    session: &PacerSession,
    current: &str,
) -> Result<bool, AppError> {
    let hash = state
        .store
        .pacer_by_username(&session.account.username)
        .await?
        .map(|(_, h)| h);
    check_password(
        state,
        &[signin::subject(session.account.username.as_str())],
        hash.as_deref(),
        Password::attempt(current).as_ref(),
    )
    .await
}
