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

/// A correction of a CM/ECF account's details: what is `Some` changes.
#[derive(Debug, Clone, Default)]
pub struct EcfCorrection {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    /// `Some("")` clears the bar id.
    pub bar_id: Option<String>,
}

/// Why an operator's change to a CM/ECF account was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EcfOperatorRefusal {
    #[error("{court} has no CM/ECF login {login}")]
    NoSuchAccount { court: String, login: String },
    #[error("--reason: say why (kept in the audit trail), at most 500 characters")]
    NoReason,
    #[error("--{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("nothing to change: give --name, --email, --role or --bar-id")]
    Nothing,
    #[error("{0} is linked to a PACER account: remove the link first (openecf link remove)")]
    Linked(String),
}

async fn ecf_account(
    app: &App,
    court: &openecf_domain::Court,
    login: &str,
) -> Result<std::result::Result<openecf_domain::EcfAccount, EcfOperatorRefusal>> {
    let missing = || EcfOperatorRefusal::NoSuchAccount {
        court: court.id.to_string(),
        login: login.trim().to_owned(),
    };
    let Ok(parsed) = openecf_domain::EcfLogin::parse(login) else {
        return Ok(Err(missing()));
    };
    Ok(app
        .store
        .ecf_by_login(&court.id, &parsed)
        .await?
        .map(|(a, _)| a)
        .ok_or_else(missing))
}

fn ecf_event(court: &openecf_domain::Court, login: &str, detail: String) -> openecf_domain::NewAuditEvent {
    openecf_domain::NewAuditEvent {
        court_id: Some(court.id.to_string()),
        ecf_login: Some(login.to_owned()),
        detail,
        ..openecf_domain::NewAuditEvent::new(AuditAction::EcfOperator, AuditOutcome::Done)
    }
}

/// Corrects a CM/ECF account's name, email, role or bar id: each checked as
/// when the account was made; audited with the operator and why; the
/// account's address (old and new, when it changes) is emailed.
pub async fn correct_ecf(
    app: &App,
    court: &openecf_domain::Court,
    login: &str,
    change: &EcfCorrection,
    reason: &str,
    operator: &str,
) -> Result<std::result::Result<Vec<&'static str>, EcfOperatorRefusal>> {
    use openecf_domain::{BarId, Email, PersonName, Role};
    let Some(reason) = reason_ok(reason) else {
        return Ok(Err(EcfOperatorRefusal::NoReason));
    };
    let account = match ecf_account(app, court, login).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    let invalid = |field: &'static str, e: openecf_domain::InvalidInput| EcfOperatorRefusal::Invalid {
        field,
        reason: e.reason,
    };
    let mut changed = Vec::new();
    let name = match &change.name {
        Some(n) => {
            changed.push("name");
            match PersonName::parse(n) {
                Ok(n) => n.to_string(),
                Err(e) => return Ok(Err(invalid("name", e))),
            }
        }
        None => account.name.to_string(),
    };
    let email = match &change.email {
        Some(e) => {
            changed.push("email");
            match Email::parse(e) {
                Ok(e) => e,
                Err(err) => return Ok(Err(invalid("email", err))),
            }
        }
        None => account.email.clone(),
    };
    let role = match &change.role {
        Some(r) => {
            changed.push("role");
            match Role::parse(r) {
                Ok(r) => r.to_string(),
                Err(e) => return Ok(Err(invalid("role", e))),
            }
        }
        None => account.role.to_string(),
    };
    let bar_id = match &change.bar_id {
        Some(b) if b.trim().is_empty() => {
            changed.push("bar id");
            None
        }
        Some(b) => {
            changed.push("bar id");
            match BarId::parse(b) {
                Ok(b) => Some(b.to_string()),
                Err(e) => return Ok(Err(invalid("bar-id", e))),
            }
        }
        None => account.bar_id.as_ref().map(ToString::to_string),
    };
    if changed.is_empty() {
        return Ok(Err(EcfOperatorRefusal::Nothing));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    tx.update_ecf_details(account.id, &name, email.as_str(), &role, bar_id.as_deref())
        .await?;
    let what = format!(
        "the PACER Service Center corrected your CM/ECF account {} at {} ({})",
        account.login,
        court.name,
        changed.join(", ")
    );
    tx.enqueue_mail(
        &mail::security_notice(&account.email, account.login.as_str(), &what),
        now,
    )
    .await?;
    if email != account.email {
        tx.enqueue_mail(&mail::security_notice(&email, account.login.as_str(), &what), now)
            .await?;
    }
    let detail = format!("corrected {} by {operator}: {reason}", changed.join(", "));
    tx.insert_audit(&ecf_event(court, account.login.as_str(), detail), now)
        .await?;
    tx.commit().await?;
    Ok(Ok(changed))
}

/// Removes a CM/ECF account that is not linked (a mistaken import, a
/// duplicate): audited with the operator and why; a linked one is refused.
pub async fn remove_ecf(
    app: &App,
    court: &openecf_domain::Court,
    login: &str,
    reason: &str,
    operator: &str,
) -> Result<std::result::Result<(), EcfOperatorRefusal>> {
    let Some(reason) = reason_ok(reason) else {
        return Ok(Err(EcfOperatorRefusal::NoReason));
    };
    let account = match ecf_account(app, court, login).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if !tx.remove_unlinked_ecf(account.id).await? {
        return Ok(Err(EcfOperatorRefusal::Linked(account.login.to_string())));
    }
    let detail = format!("removed by {operator}: {reason}");
    tx.insert_audit(&ecf_event(court, account.login.as_str(), detail), now)
        .await?;
    tx.commit().await?;
    Ok(Ok(()))
}
