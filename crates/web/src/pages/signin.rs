//! Signing in to the Central Sign-On, shared by PACER LOGIN, its one-time
//! passcode step and the JSON Authentication API.

use axum::http::header::SET_COOKIE;
use axum::response::Response;
use chrono::Utc;
use openecf_domain::{mail, PacerAccount, Password, Username};
use openecf_store::{Attempt, AttemptOutcome, Principal};

use super::credentials::{begin_attempt, check_password_notify};
use crate::paths::{encode_next, see_other};
use crate::session::{self, hash_token, set_cookie, Visitor, PACER_COOKIE};
use crate::totp;
use crate::{AppError, AppState};

/// The failure counter of a PACER username (known or not).
/// Input that is no valid username shares one counter, so junk cannot grow the
/// table or carry bytes the database refuses.
pub(crate) fn subject(login_id: &str) -> String {
    match Username::parse_existing(login_id) {
        Ok(u) => format!("pacer:{u}"),
        Err(_) => "pacer:<invalid>".to_owned(),
    }
}

/// Checks a PACER username and password, counting failures; the owner of an
/// account that gets locked is told by email.
pub(crate) async fn password_ok(
    state: &AppState,
    login_id: &str,
    password: &str,
) -> Result<Option<PacerAccount>, AppError> {
    let account = match Username::parse_existing(login_id) {
        Ok(u) => state.store.pacer_by_username(&u).await?,
        Err(_) => None,
    };
    let notice = account
        .as_ref()
        .map(|(a, _)| mail::account_locked(&a.email, a.username.as_str()));
    let ok = check_password_notify(
        state,
        &[subject(login_id)],
        account.as_ref().map(|(_, h)| h.as_str()),
        Password::attempt(password).as_ref(),
        notice.as_ref(),
    )
    .await?;
    Ok(account.filter(|_| ok).map(|(a, _)| a))
}

/// Whether the account has MFA turned on.
pub(crate) async fn has_mfa(state: &AppState, account: &PacerAccount) -> Result<bool, AppError> {
    Ok(state.store.mfa_state(account.id).await?.authenticators > 0)
}

/// The failure counter of an account's second factor: its own, so that a
/// right password (which clears the password counter) never resets it.
pub(crate) fn mfa_subject(account: &PacerAccount) -> String {
    format!("mfa:{}", account.id)
}

/// Checks a one-time passcode (or a backup code). Each is accepted once;
/// failures are counted (and lock) like wrong passwords, on their own counter.
pub(crate) async fn second_factor_ok(state: &AppState, account: &PacerAccount, code: &str) -> Result<bool, AppError> {
    let now = Utc::now();
    let subject = mfa_subject(account);
    let notice = mail::account_locked(&account.email, account.username.as_str());
    if begin_attempt(state, &subject).await? != Attempt::Go {
        return Ok(false);
    }
    let mut ok = false;
    for auth in state.store.authenticators(account.id).await? {
        if let Some(step) = totp::matching_step(&auth.secret, code, now.timestamp()) {
            if state.store.accept_totp_step(auth.id, step).await? {
                ok = true;
                break;
            }
        }
    }
    let trimmed = code.trim();
    if !ok && trimmed.len() >= 8 && trimmed.len() <= 16 {
        ok = state
            .store
            .use_backup_code(account.id, &totp::hash_backup_code(trimmed), now.timestamp())
            .await?;
    }
    let outcome = if ok {
        AttemptOutcome::Succeeded { clear: true }
    } else {
        AttemptOutcome::Failed
    };
    let after = state.store.finish_attempt(&subject, Utc::now(), outcome).await?;
    if !ok && after.count == openecf_domain::throttle::NOTIFY_AT {
        state.store.enqueue_mail(&notice, now.timestamp()).await?;
    }
    Ok(ok)
}

/// What the account must do first, if anything, in words for the API.
pub(crate) enum Pending {
    Nothing,
    Upgrade,
    EnrolMfa { forced: bool, skips_left: i64 },
}

pub(crate) const SKIPS_ALLOWED: i64 = 3;

pub(crate) async fn pending(state: &AppState, account: &PacerAccount) -> Result<Pending, AppError> {
    if account.is_legacy() {
        return Ok(Pending::Upgrade);
    }
    let mfa = state.store.mfa_state(account.id).await?;
    if mfa.is_filer && mfa.authenticators == 0 {
        return Ok(Pending::EnrolMfa {
            forced: mfa.skips >= SKIPS_ALLOWED,
            skips_left: (SKIPS_ALLOWED - mfa.skips).max(0),
        });
    }
    Ok(Pending::Nothing)
}

/// Issues a fresh session token (ending the one the browser had) and sends
/// the user on: to the upgrade page, to MFA enrolment, or where they were going.
pub(crate) async fn finish(
    state: &AppState,
    visitor: &Visitor,
    account: &PacerAccount,
    next: &str,
) -> Result<Response, AppError> {
    if let Some(old) = &visitor.sent_pacer_token {
        state.store.delete_session(&hash_token(old)).await?;
    }
    let token = session::start(state, Principal::Pacer(account.id), visitor).await?;
    let dest = match pending(state, account).await? {
        Pending::Upgrade => format!("/account/upgrade?next={}", encode_next(next)),
        Pending::EnrolMfa { forced, .. } => {
            if forced {
                state.store.require_mfa_for_session(&hash_token(&token)).await?;
            }
            format!("/account/mfa/enrol?next={}", encode_next(next))
        }
        Pending::Nothing => next.to_owned(),
    };
    let mut res = see_other(&dest);
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(PACER_COOKIE, &token, "/", state.config.secure_cookies()),
    );
    Ok(res)
}
