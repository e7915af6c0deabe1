//! Multi-factor authentication: enrolling and removing authenticator apps,
//! putting enrolment off. The limits are the domain's (`openecf_domain::mfa`).

use openecf_domain::mfa::check_new_authenticator;
use openecf_domain::{mail, AuditAction, AuditOutcome, AuthenticatorId, NewAuditEvent, PacerAccount};
use openecf_store::StoreError;

use crate::signin::{self, Pending};
use crate::{totp, App, Result};

/// What enrolling an app gave: backup codes if it was the account's first.
#[derive(Debug)]
pub struct Enrolled {
    pub id: AuthenticatorId,
    /// Shown once; empty unless this was the first app.
    pub backup_codes: Vec<String>,
}

/// Enrols an authenticator app whose first passcode (at `step`) was checked:
/// at most five, never the same secret twice. The first also brings ten
/// backup codes. Refusals are `StoreError::Authenticator`.
pub async fn add_authenticator(
    app: &App,
    account: &PacerAccount,
    name: &str,
    secret: &str,
    step: i64,
) -> Result<Enrolled> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    // Two enrolments at once must count each other.
    let username = tx.lock_account(account.id).await?;
    let enrolled = tx.mfa_state(account.id).await?.authenticators;
    let same = tx.has_authenticator_secret(account.id, secret).await?;
    check_new_authenticator(enrolled, same).map_err(StoreError::from)?;
    let id = tx.insert_authenticator(account.id, name, secret, step, now).await?;
    let backup_codes = if enrolled == 0 {
        let codes = totp::backup_codes();
        let hashes: Vec<String> = codes.iter().map(|c| totp::hash_backup_code(c)).collect();
        tx.replace_backup_codes(account.id, &hashes).await?;
        codes
    } else {
        Vec::new()
    };
    let what = format!("authenticator app \"{name}\" added for multi-factor authentication");
    tx.enqueue_mail(&mail::security_notice(&account.email, username.as_str(), &what), now)
        .await?;
    let event = NewAuditEvent {
        pacer_username: Some(username.to_string()),
        detail: name.to_owned(),
        ..NewAuditEvent::new(AuditAction::AccountMfaAdd, AuditOutcome::Done)
    };
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Enrolled { id, backup_codes })
}

/// Removes an authenticator (`NotFound` if the account has none such);
/// removing the last one also removes the backup codes.
pub async fn remove_authenticator(app: &App, account: &PacerAccount, id: AuthenticatorId) -> Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let username = tx.lock_account(account.id).await?;
    if tx.delete_authenticator(account.id, id).await? == 0 {
        tx.replace_backup_codes(account.id, &[]).await?;
    }
    let what = "an authenticator app was removed from multi-factor authentication";
    tx.enqueue_mail(&mail::security_notice(&account.email, username.as_str(), what), now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// "Not now" at MFA enrolment: counted, while any are left. False once they are used up.
pub async fn skip(app: &App, account: &PacerAccount) -> Result<bool> {
    if let Pending::EnrolMfa { forced: false, .. } = signin::pending(app, account).await? {
        app.store.skip_mfa(account.id).await?;
        return Ok(true);
    }
    Ok(false)
}
