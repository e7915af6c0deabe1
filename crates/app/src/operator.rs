//! The PACER Service Center's operator commands: disable, enable and unlock
//! an account, each with a required reason, audited with the operator, the
//! holder emailed.

use openecf_domain::throttle::Subject;
use openecf_domain::{mail, AuditAction, AuditOutcome, PacerAccount};

use crate::{App, Result};

/// Why an operator's change was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperatorRefusal {
    #[error("there is no PACER account {0}")]
    NoSuchAccount(String),
    #[error("--reason: say why (kept in the audit trail), at most 500 characters")]
    NoReason,
    #[error("{0} is disabled already")]
    AlreadyDisabled(String),
    #[error("{0} is not disabled")]
    NotDisabled(String),
}

/// The account an operator names (by username, case aside).
pub async fn account(app: &App, username: &str) -> Result<std::result::Result<PacerAccount, OperatorRefusal>> {
    Ok(app
        .store
        .pacer_for_operator(username.trim())
        .await?
        .ok_or_else(|| OperatorRefusal::NoSuchAccount(username.trim().to_owned())))
}

fn reason_ok(reason: &str) -> Option<&str> {
    let r = reason.trim();
    (!r.is_empty() && r.chars().count() <= 500 && !r.chars().any(char::is_control)).then_some(r)
}

/// Disables (`Some(reason)`) or enables an account. Disabling ends its
/// sessions at once; the holder is emailed either way.
pub async fn set_disabled(
    app: &App,
    username: &str,
    disable: bool,
    reason: &str,
    operator: &str,
) -> Result<std::result::Result<PacerAccount, OperatorRefusal>> {
    let Some(reason) = reason_ok(reason) else {
        return Ok(Err(OperatorRefusal::NoReason));
    };
    let account = match account(app, username).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if !tx
        .set_pacer_disabled(account.id, disable.then_some(reason), now)
        .await?
    {
        let name = account.username.to_string();
        return Ok(Err(if disable {
            OperatorRefusal::AlreadyDisabled(name)
        } else {
            OperatorRefusal::NotDisabled(name)
        }));
    }
    let what = if disable {
        tx.end_sessions(account.id, None).await?;
        "your PACER account was disabled by the PACER Service Center; contact it to have it enabled"
    } else {
        "your PACER account was enabled again by the PACER Service Center; you can log in"
    };
    tx.enqueue_mail(
        &mail::security_notice(&account.email, account.username.as_str(), what),
        now,
    )
    .await?;
    let mut event = crate::audit::account_event(
        AuditAction::AccountOperator,
        AuditOutcome::Done,
        account.id,
        &account.username,
        "",
    );
    event.detail = format!(
        "{} by {operator}: {reason}",
        if disable { "disabled" } else { "enabled" }
    );
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Ok(account))
}

/// Clears the account's failed-password counter (a lock from a burst of
/// guesses ends now). Audited; the holder is emailed.
pub async fn unlock(
    app: &App,
    username: &str,
    reason: &str,
    operator: &str,
) -> Result<std::result::Result<PacerAccount, OperatorRefusal>> {
    let Some(reason) = reason_ok(reason) else {
        return Ok(Err(OperatorRefusal::NoReason));
    };
    let account = match account(app, username).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    tx.clear_failures(&Subject::PacerPassword(Some(account.username.clone())))
        .await?;
    tx.enqueue_mail(
        &mail::security_notice(
            &account.email,
            account.username.as_str(),
            "the PACER Service Center cleared your account's failed logins; if you did not ask for this, change your password",
        ),
        now,
    )
    .await?;
    let mut event = crate::audit::account_event(
        AuditAction::AccountOperator,
        AuditOutcome::Done,
        account.id,
        &account.username,
        "",
    );
    event.detail = format!("unlocked by {operator}: {reason}");
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Ok(account))
}
