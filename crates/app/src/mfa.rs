//! Multi-factor authentication: enrolling and removing authenticator apps,
//! putting enrolment off. The limits are the domain's (`openecf_domain::mfa`).

use openecf_domain::mfa::{check_new_authenticator, AuthenticatorRefusal, ENROLMENT_TTL_SECS};
use openecf_domain::{mail, AuditAction, AuditOutcome, AuthenticatorId, PacerAccount};
use openecf_store::{Enrolment, StoreError};
use subtle::ConstantTimeEq;

use crate::signin::{self, Pending};
use crate::{seal, totp, App, Result};

/// An authenticator app being added, as its page shows it.
#[derive(Clone)]
pub struct Setup {
    /// The secret the server chose (never one taken from a form).
    pub secret: String,
    /// The account has no app yet: a code was mailed to its address and must be entered too.
    pub needs_email_code: bool,
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("secret", &"[redacted]")
            .field("needs_email_code", &self.needs_email_code)
            .finish()
    }
}

/// Eight random digits.
fn email_code() -> String {
    use rand::Rng;
    format!("{:08}", rand::rngs::OsRng.gen_range(0..100_000_000u32))
}

/// How a mailed setup code is kept: keyed, so a copy of the database does not give it up.
fn code_hash(app: &App, code: &str) -> String {
    hex::encode(crate::keys::hmac_sha256(
        &app.settings.secret_key.derive("setup-codes"),
        &[code.trim().as_bytes()],
    ))
}

/// At most this many setup codes are mailed to an account an hour: each
/// wrong code ends its setup, so this bounds the guesses too.
const SETUP_CODES_PER_HOUR: i64 = 3;

/// Starts adding an authenticator app, or goes on with the one this session
/// has under way (15 minutes): the server chooses the secret and keeps it,
/// shown to this session only. For the account's first second factor a code
/// goes to the account's email address, so that whoever holds only the
/// password cannot enrol a factor of their own.
pub async fn begin_enrolment(
    app: &App,
    account: &PacerAccount,
    session_hash: &str,
) -> Result<std::result::Result<Setup, EnrolRefusal>> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (username, email) = tx.lock_account(account.id).await?;
    let key = &app.settings.secret_key;
    let first = !tx.mfa_state(account.id).await?.is_on();
    if let Some(e) = tx.enrolment(account.id, now).await? {
        // Its own setup goes on, unless it began while the account had a
        // factor and the account has none now: that one needs a mailed code.
        if e.session_hash == session_hash && (e.email_code_hash.is_some() || !first) {
            tx.rollback().await?;
            return Ok(Ok(Setup {
                secret: seal::open(key, &e.secret)?,
                needs_email_code: e.email_code_hash.is_some(),
            }));
        }
    }
    let code = first.then(email_code);
    if code.is_some() {
        let subject = mail::mfa_enrolment_code(&email, username.as_str(), "").subject;
        let sent = tx
            .mail_count_to(email.as_str(), &subject, now - chrono::Duration::hours(1))
            .await?;
        if sent >= SETUP_CODES_PER_HOUR {
            tx.rollback().await?;
            return Ok(Err(EnrolRefusal::TooManyCodes));
        }
    }
    let secret = totp::new_secret();
    let enrolment = Enrolment {
        secret: seal::seal(key, &secret)?,
        email_code_hash: code.as_deref().map(|c| code_hash(app, c)),
        expires_at: now + chrono::Duration::seconds(ENROLMENT_TTL_SECS),
        session_hash: session_hash.to_owned(),
    };
    tx.put_enrolment(account.id, &enrolment).await?;
    if let Some(code) = &code {
        tx.enqueue_mail(&mail::mfa_enrolment_code(&email, username.as_str(), code), now)
            .await?;
    }
    tx.commit().await?;
    Ok(Ok(Setup {
        secret,
        needs_email_code: first,
    }))
}

/// Why an authenticator app was not added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolRefusal {
    #[error("The setup has expired. Scan the new QR code and start again.")]
    Expired,
    #[error("One-time passcode: it does not match. Check the app's clock and enter the current passcode.")]
    WrongPasscode,
    #[error(
        "Code from your email: it does not match. Start again with the new QR code and the newest code we email you."
    )]
    WrongEmailCode,
    #[error("Too many setup codes were emailed to this account in the last hour. Try again in an hour.")]
    TooManyCodes,
    #[error("{0}.")]
    Refused(AuthenticatorRefusal),
}

/// The setup this session has under way, its mailed code checked (a wrong
/// one ends the setup). A setup without a code cannot finish once the
/// account has no factor left.
async fn own_setup(
    app: &App,
    tx: &mut openecf_store::Tx,
    account: &PacerAccount,
    session_hash: &str,
    email_code: &str,
    now: openecf_store::Time,
) -> Result<std::result::Result<Enrolment, EnrolRefusal>> {
    let first = !tx.mfa_state(account.id).await?.is_on();
    let Some(e) = tx.enrolment(account.id, now).await? else {
        return Ok(Err(EnrolRefusal::Expired));
    };
    if e.session_hash != session_hash || (first && e.email_code_hash.is_none()) {
        return Ok(Err(EnrolRefusal::Expired));
    }
    if let Some(expected) = &e.email_code_hash {
        let given = code_hash(app, email_code);
        if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
            tx.delete_enrolment(account.id).await?;
            return Ok(Err(EnrolRefusal::WrongEmailCode));
        }
    }
    Ok(Ok(e))
}

/// Finishes adding the app this session has under way, its password already
/// checked: the app's passcode must match the server's secret and, for the
/// first factor, the mailed code must match. The first factor ends every
/// other session of the account (a session that never passed MFA must not
/// outlive its arrival).
pub async fn finish_enrolment(
    app: &App,
    account: &PacerAccount,
    session_hash: &str,
    name: &str,
    passcode: &str,
    email_code: &str,
    ip: &str,
) -> Result<std::result::Result<Enrolled, EnrolRefusal>> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    tx.lock_account(account.id).await?;
    let e = match own_setup(app, &mut tx, account, session_hash, email_code, now).await? {
        Ok(e) => e,
        Err(refusal) => {
            tx.commit().await?;
            return Ok(Err(refusal));
        }
    };
    let secret = seal::open(&app.settings.secret_key, &e.secret)?;
    let Some(step) = totp::matching_step(&secret, passcode, now.timestamp()) else {
        return Ok(Err(EnrolRefusal::WrongPasscode));
    };
    tx.rollback().await?;
    match add_authenticator(app, account, name, &secret, step, ip, Some(session_hash)).await {
        Ok(enrolled) => Ok(Ok(enrolled)),
        Err(crate::Error::Store(StoreError::Authenticator(r))) => Ok(Err(EnrolRefusal::Refused(r))),
        Err(e) => Err(e),
    }
}

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
    ip: &str,
    keep_session: Option<&str>,
) -> Result<Enrolled> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    // Two enrolments at once must count each other.
    let (username, email) = tx.lock_account(account.id).await?;
    let state = tx.mfa_state(account.id).await?;
    let enrolled = state.authenticators;
    let key = &app.settings.secret_key;
    let mut same = false;
    for existing in tx.authenticators(account.id).await? {
        same |= seal::open(key, &existing.secret)? == secret;
    }
    check_new_authenticator(enrolled, same).map_err(StoreError::from)?;
    let id = tx
        .insert_authenticator(account.id, name, &seal::seal(key, secret)?, step, now)
        .await?;
    tx.delete_enrolment(account.id).await?;
    if !state.is_on() {
        // The first factor: no session that never passed MFA outlives it.
        tx.end_sessions(account.id, keep_session).await?;
    }
    // The account's first app brings backup codes (unless it has some already).
    let backup_codes = if enrolled == 0 && state.backup_codes == 0 {
        let codes = totp::backup_codes();
        let hashes: Vec<String> = codes.iter().map(|c| totp::hash_backup_code(key, c)).collect();
        tx.replace_backup_codes(account.id, &hashes).await?;
        codes
    } else {
        Vec::new()
    };
    let what = format!("authenticator app \"{name}\" added for multi-factor authentication");
    tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), &what), now)
        .await?;
    let mut event = crate::audit::account_event(
        AuditAction::AccountMfaAdd,
        AuditOutcome::Done,
        account.id,
        &username,
        ip,
    );
    event.detail = name.to_owned();
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Enrolled { id, backup_codes })
}

/// Removes an authenticator (`NotFound` if the account has none such);
/// removing the last one also removes the backup codes.
pub async fn remove_authenticator(app: &App, account: &PacerAccount, id: AuthenticatorId, ip: &str) -> Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (username, email) = tx.lock_account(account.id).await?;
    if tx.delete_authenticator(account.id, id).await? == 0 {
        tx.replace_backup_codes(account.id, &[]).await?;
    }
    // A setup begun while the account had a factor must not finish without one.
    tx.delete_enrolment(account.id).await?;
    let event = crate::audit::account_event(
        AuditAction::AccountMfaRemove,
        AuditOutcome::Done,
        account.id,
        &username,
        ip,
    );
    tx.insert_audit(&event, now).await?;
    let what = "an authenticator app was removed from multi-factor authentication";
    tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), what), now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// "Not now" at MFA enrolment: allowed while postponements are left (each
/// login of a filer without an app uses one). False once they are used up.
pub async fn skip(app: &App, account: &PacerAccount) -> Result<bool> {
    Ok(matches!(
        signin::pending(app, account).await?,
        Pending::EnrolMfa { forced: false, .. }
    ))
}

/// A fresh batch of ten backup codes; the old batch ends. Shown once.
fn fresh_codes(key: &crate::keys::ServerKey) -> (Vec<String>, Vec<String>) {
    let codes = totp::backup_codes();
    let hashes = codes.iter().map(|c| totp::hash_backup_code(key, c)).collect();
    (codes, hashes)
}

/// A new batch of backup codes for an account that has a second factor (its
/// current password already checked): the old batch ends. Audited; the owner
/// is told.
pub async fn new_backup_codes(app: &App, account: &PacerAccount, ip: &str) -> Result<Option<Vec<String>>> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (username, email) = tx.lock_account(account.id).await?;
    if !tx.mfa_state(account.id).await?.is_on() {
        tx.rollback().await?;
        return Ok(None);
    }
    let (codes, hashes) = fresh_codes(&app.settings.secret_key);
    tx.replace_backup_codes(account.id, &hashes).await?;
    let what = "a new batch of backup codes was made; the old codes no longer work";
    tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), what), now)
        .await?;
    let event = crate::audit::account_event(
        AuditAction::AccountMfaBackupCodes,
        AuditOutcome::Done,
        account.id,
        &username,
        ip,
    );
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

/// Multi-factor authentication with backup codes alone, for someone who
/// cannot use an authenticator app: like a first app, it needs the code
/// mailed to the account's address (the setup under way).
pub async fn codes_only(
    app: &App,
    account: &PacerAccount,
    session_hash: &str,
    email_code: &str,
    ip: &str,
) -> Result<std::result::Result<Vec<String>, EnrolRefusal>> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (username, email) = tx.lock_account(account.id).await?;
    if tx.mfa_state(account.id).await?.is_on() {
        // Not the first factor: new codes come from "Get new backup codes".
        return Ok(Err(EnrolRefusal::Expired));
    }
    if let Err(refusal) = own_setup(app, &mut tx, account, session_hash, email_code, now).await? {
        tx.commit().await?;
        return Ok(Err(refusal));
    }
    let (codes, hashes) = fresh_codes(&app.settings.secret_key);
    tx.replace_backup_codes(account.id, &hashes).await?;
    tx.delete_enrolment(account.id).await?;
    tx.end_sessions(account.id, Some(session_hash)).await?;
    let what = "multi-factor authentication turned on with backup codes";
    tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), what), now)
        .await?;
    let mut event = crate::audit::account_event(
        AuditAction::AccountMfaBackupCodes,
        AuditOutcome::Done,
        account.id,
        &username,
        ip,
    );
    event.detail = "backup codes only".to_owned();
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Ok(codes))
}

/// The operator's recovery path for someone who lost every second factor
/// (identity checked by court staff or the operator outside the system):
/// every app and backup code is removed, every session ended, and the next
/// login must set MFA up again (with the code mailed to the account).
/// Audited with the operator's reason; the owner is told.
pub async fn operator_reset(app: &App, account: &PacerAccount, reason: &str, operator: &str) -> Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (username, email) = tx.lock_account(account.id).await?;
    tx.reset_mfa(account.id, openecf_domain::mfa::SKIPS_ALLOWED).await?;
    tx.end_sessions(account.id, None).await?;
    let what = "every authenticator app and backup code was removed by the PACER Service Center; set multi-factor authentication up again at your next login";
    tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), what), now)
        .await?;
    let mut event = crate::audit::account_event(
        AuditAction::AccountMfaReset,
        AuditOutcome::Done,
        account.id,
        &username,
        "",
    );
    event.detail = format!("by {operator}: {reason}");
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Brings secrets stored by an older version up to today's protection (run
/// at every start; quick when there is nothing to do): plain TOTP secrets are
/// sealed under the server key, and backup codes stored as unkeyed hashes of
/// short codes are removed (a copy of the database could be searched for
/// them); their owners are told to make new ones. Returns how many secrets
/// were sealed and how many accounts lost their old codes.
pub async fn protect_stored_secrets(app: &App) -> Result<(usize, usize)> {
    let now = app.clock.now();
    let key = &app.settings.secret_key;
    let mut tx = app.store.write().await?;
    let plain = tx.plain_authenticator_secrets().await?;
    for (id, secret) in &plain {
        tx.set_authenticator_secret(*id, &seal::seal(key, secret)?).await?;
    }
    let owners = tx.remove_legacy_backup_codes().await?;
    for owner in &owners {
        let (username, email) = tx.lock_account(*owner).await?;
        let what = "your backup codes were replaced by stronger ones: get new backup codes under Manage My Account, Multi-factor authentication";
        tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), what), now)
            .await?;
    }
    tx.commit().await?;
    Ok((plain.len(), owners.len()))
}

/// Rotates the server key's hold on stored secrets: every TOTP secret and
/// every debtor's SSN/ITIN is opened with the current key and sealed again
/// under `new`, in one transaction. Backup codes are keyed one way and cannot follow: they are
/// removed and their owners told to make new ones; setups under way end.
/// Returns (secrets resealed, accounts whose backup codes were removed,
/// tax ids resealed).
pub async fn rotate_key(app: &App, new: &crate::keys::ServerKey) -> Result<(usize, usize, usize)> {
    let now = app.clock.now();
    let old = &app.settings.secret_key;
    let mut tx = app.store.write().await?;
    let all = tx.all_authenticator_secrets().await?;
    for (id, stored) in &all {
        let plain = seal::open(old, stored)?;
        tx.set_authenticator_secret(*id, &seal::seal(new, &plain)?).await?;
    }
    let tax_ids = tx.all_sealed_tax_ids().await?;
    for (party, stored) in &tax_ids {
        let plain = seal::open_tax_id(old, stored)?;
        tx.set_sealed_tax_id(*party, &seal::seal_tax_id(new, &plain)?).await?;
    }
    tx.end_all_enrolments().await?;
    let owners = tx.remove_all_backup_codes().await?;
    for owner in &owners {
        let (username, email) = tx.lock_account(*owner).await?;
        let what = "your backup codes were replaced when the server's key was changed: get new backup codes under Manage My Account, Multi-factor authentication";
        tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), what), now)
            .await?;
    }
    tx.commit().await?;
    Ok((all.len(), owners.len(), tax_ids.len()))
}
