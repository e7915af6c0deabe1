//! The central account service's use cases: registration, the upgrade of a
//! legacy account, password and email changes, password resets. Each change,
//! its notice and its audit event are one transaction.

use openecf_domain::mfa::{may_send_reset, RESET_TTL_SECS};
use openecf_domain::throttle::Subject;
use openecf_domain::{
    mail, AccountKind, AuditAction, AuditOutcome, Email, NewAuditEvent, PacerAccount, PacerAccountId, Password,
    PersonName, Username,
};
use openecf_store::{NewPacerAccount, StoreError};

use crate::tokens::{hash_token, random_token};
use crate::{App, Result};

/// The PACER account a user typed the username of (trimmed, without control
/// characters, at most 64 characters), and what was typed, for the message
/// that says there is none.
pub(crate) async fn pacer_named(app: &App, raw: &str) -> Result<(String, Option<PacerAccount>)> {
    let typed: String = raw.trim().chars().filter(|c| !c.is_control()).take(64).collect();
    let found = match Username::parse_existing(&typed) {
        Ok(u) => app.store.pacer_by_username(&u).await?.map(|(a, _)| a),
        Err(_) => None,
    };
    Ok((typed, found))
}

fn account_event(action: AuditAction, account: PacerAccountId, username: &Username, ip: &str) -> NewAuditEvent {
    crate::audit::account_event(action, AuditOutcome::Done, account, username, ip)
}

/// A new account's identity, parsed and checked by the caller.
#[derive(Debug)]
pub struct Identity {
    pub username: Username,
    pub name: PersonName,
    pub email: Email,
    pub password: Password,
}

/// At most one welcome mail an hour to one address: registering many
/// accounts under someone else's address cannot flood their inbox.
pub const WELCOME_MAILS_PER_ADDRESS_SECS: i64 = 3600;

/// Registers an account and queues its welcome mail, unless one went to the
/// same address within the hour (the account is registered all the same).
/// `UsernameTaken` if it is.
pub async fn register(app: &App, id: &Identity, kind: AccountKind, public_url: &str) -> Result<PacerAccountId> {
    let hash = app.hasher.hash(&id.password).await?;
    let now = app.clock.now();
    let account = NewPacerAccount {
        username: id.username.clone(),
        password_hash: hash,
        name: id.name.clone(),
        email: id.email.clone(),
        kind,
        created_on: now.date_naive(),
    };
    let mut tx = app.store.write().await?;
    let created = tx.insert_pacer(&account, now).await?;
    let token = random_token();
    tx.insert_email_confirmation(&hash_token(&token), created, &id.email, "register", now + confirm_ttl())
        .await?;
    let welcome = mail::welcome(&id.email, id.username.as_str(), &confirm_link(public_url, &token));
    let since = now - chrono::Duration::seconds(WELCOME_MAILS_PER_ADDRESS_SECS);
    if tx.mail_count_to(welcome.to.as_str(), &welcome.subject, since).await? == 0 {
        tx.enqueue_mail(&welcome, now).await?;
    }
    tx.commit().await?;
    Ok(created)
}

/// Upgrades a legacy account (its current password already checked): a new
/// username, a standard password, confirmed name and email. Ends the other
/// sessions and reset links; the notice goes to the old address, and to the
/// new one if it changed.
pub async fn upgrade(app: &App, account: &PacerAccount, keep_session: &str, id: &Identity, ip: &str) -> Result<()> {
    let hash = app.hasher.hash(&id.password).await?;
    let now = app.clock.now();
    let what = "account upgraded (new username, password and contact details)";
    let mut notices = vec![mail::security_notice(&account.email, id.username.as_str(), what)];
    if id.email != account.email {
        notices.push(mail::security_notice(&id.email, id.username.as_str(), what));
    }
    let mut tx = app.store.write().await?;
    tx.lock_account(account.id).await?;
    if tx.username_taken_by_other(&id.username, account.id).await? {
        return Err(StoreError::UsernameTaken(id.username.clone()).into());
    }
    tx.upgrade_account(account.id, &id.username, &hash, &id.name, &id.email, now)
        .await?;
    tx.end_sessions(account.id, Some(keep_session)).await?;
    tx.end_resets(account.id, now).await?;
    tx.forget_devices(account.id).await?;
    for notice in &notices {
        tx.enqueue_mail(notice, now).await?;
    }
    tx.insert_audit(
        &account_event(AuditAction::AccountUpgrade, account.id, &id.username, ip),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password (the current one already checked): ends every other
/// session and every reset link, and tells the owner.
pub async fn change_password(
    app: &App,
    account: &PacerAccount,
    keep_session: &str,
    new: &Password,
    ip: &str,
) -> Result<()> {
    let hash = app.hasher.hash(new).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (username, email) = tx.lock_account(account.id).await?;
    tx.set_password_hash(account.id, &hash).await?;
    tx.end_sessions(account.id, Some(keep_session)).await?;
    tx.end_resets(account.id, now).await?;
    tx.forget_devices(account.id).await?;
    tx.enqueue_mail(
        &mail::security_notice(&email, username.as_str(), "password changed"),
        now,
    )
    .await?;
    tx.insert_audit(
        &account_event(AuditAction::AccountPassword, account.id, &username, ip),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How long an email confirmation link works.
fn confirm_ttl() -> chrono::Duration {
    chrono::Duration::hours(24)
}

fn confirm_link(public_url: &str, token: &str) -> String {
    format!("{}/account/email/confirm/{token}", public_url.trim_end_matches('/'))
}

fn approve_link(public_url: &str, token: &str) -> String {
    format!("{}/account/email/approve/{token}", public_url.trim_end_matches('/'))
}

/// Asks to change the email address (the current password, and with MFA on
/// a passcode, already checked). The change takes effect only once both the
/// new address confirms it and the current address approves it, each with
/// its own single-use link (24 hours), in either order: a password thief
/// cannot move the account's mail (and with it the MFA setup code) away.
/// A new request replaces an earlier one.
pub async fn request_email_change(
    app: &App,
    account: &PacerAccount,
    email: &Email,
    public_url: &str,
    ip: &str,
) -> Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (username, old_email) = tx.lock_account(account.id).await?;
    let (confirm, approve) = (random_token(), random_token());
    tx.insert_email_change(
        account.id,
        email,
        &old_email,
        &hash_token(&confirm),
        &hash_token(&approve),
        now + confirm_ttl(),
    )
    .await?;
    tx.enqueue_mail(
        &mail::confirm_email_change(email, username.as_str(), &confirm_link(public_url, &confirm)),
        now,
    )
    .await?;
    tx.enqueue_mail(
        &mail::approve_email_change(
            &old_email,
            username.as_str(),
            email,
            &approve_link(public_url, &approve),
        ),
        now,
    )
    .await?;
    let mut event = account_event(AuditAction::AccountEmail, account.id, &username, ip);
    event.outcome = AuditOutcome::Requested;
    event.detail = format!("to {email}");
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// What a confirmation or approval link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// The registration's address is confirmed.
    Registered,
    /// The new address confirmed the change to it; the current address has
    /// yet to approve it.
    AwaitingApproval(Email),
    /// The current address approved the change to this address, which has
    /// yet to confirm it.
    AwaitingConfirmation(Email),
    /// The account's address is now this one.
    Changed(Email),
    /// The link has expired or was used.
    Expired,
}

/// Uses an email confirmation link (once): a registration's, or the new
/// address's half of an email change.
pub async fn confirm_email(app: &App, token: &str, ip: &str) -> Result<Confirmed> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if let Some(step) = tx.use_email_change_confirmation(&hash_token(token), now).await? {
        return email_change_step(app, tx, step, false, ip).await;
    }
    let Some((account, email, purpose)) = tx.take_email_confirmation(&hash_token(token), now).await? else {
        tx.rollback().await?;
        return Ok(Confirmed::Expired);
    };
    let (_, current) = tx.lock_account(account).await?;
    if purpose != "register" || email != current {
        // The address changed since: this link no longer confirms it.
        tx.rollback().await?;
        return Ok(Confirmed::Expired);
    }
    tx.set_email_verified(account, now).await?;
    tx.commit().await?;
    Ok(Confirmed::Registered)
}

/// Uses the current address's approval link of an email change (once).
pub async fn approve_email_change(app: &App, token: &str, ip: &str) -> Result<Confirmed> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let Some(step) = tx.use_email_change_approval(&hash_token(token), now).await? else {
        tx.rollback().await?;
        return Ok(Confirmed::Expired);
    };
    email_change_step(app, tx, step, true, ip).await
}

/// One half of an email change is done (its link used in `tx`): the change
/// is made if the other half was done before, else it waits for it.
async fn email_change_step(
    app: &App,
    mut tx: openecf_store::Tx,
    (account, email, approver, other_pending): (PacerAccountId, Email, Email, bool),
    approval: bool,
    ip: &str,
) -> Result<Confirmed> {
    let now = app.clock.now();
    let (username, current) = tx.lock_account(account).await?;
    if current != approver {
        // The account's address changed since the request: it no longer counts.
        tx.end_email_change(account).await?;
        tx.commit().await?;
        return Ok(Confirmed::Expired);
    }
    let mut event = account_event(AuditAction::AccountEmail, account, &username, ip);
    let done = if other_pending {
        event.outcome = AuditOutcome::Requested;
        if approval {
            event.detail = format!("to {email}: approved by the current address");
            Confirmed::AwaitingConfirmation(email)
        } else {
            event.detail = format!("to {email}: confirmed by the new address");
            Confirmed::AwaitingApproval(email)
        }
    } else {
        tx.end_email_change(account).await?;
        tx.set_email(account, &email).await?;
        tx.set_email_verified(account, now).await?;
        tx.end_resets(account, now).await?;
        let what = format!("email address changed to {email}");
        tx.enqueue_mail(&mail::security_notice(&current, username.as_str(), &what), now)
            .await?;
        event.detail = format!("to {email}");
        Confirmed::Changed(email)
    };
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(done)
}

/// Mails a single-use reset link (good for 30 minutes) to the account of this
/// username, if there is one and it has fewer than three live links. The
/// caller answers the same either way.
pub async fn request_reset(app: &App, username: &str, public_url: &str) -> Result<()> {
    let Ok(username) = Username::parse_existing(username) else {
        return Ok(());
    };
    let Some((account, _)) = app.store.pacer_by_username(&username).await? else {
        return Ok(());
    };
    let token = random_token();
    let link = format!("{}/account/reset/{token}", public_url.trim_end_matches('/'));
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    // Two requests at once must count each other.
    tx.lock_account(account.id).await?;
    if !may_send_reset(tx.live_resets(account.id, now).await?) {
        tx.rollback().await?;
        return Ok(());
    }
    tx.insert_reset(
        &hash_token(&token),
        account.id,
        now + chrono::Duration::seconds(RESET_TTL_SECS),
    )
    .await?;
    tx.enqueue_mail(
        &mail::password_reset(&account.email, account.username.as_str(), &link),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The account a reset link is for, if it still works.
pub async fn reset_target(app: &App, token: &str) -> Result<Option<PacerAccount>> {
    let Some(id) = app.store.password_reset(&hash_token(token), app.clock.now()).await? else {
        return Ok(None);
    };
    Ok(app.store.pacer_by_id(id).await?)
}

/// What became of a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetOutcome {
    Done,
    /// The link no longer works.
    Expired,
    /// The new password is the current one: nothing changed, the link still
    /// works, and the guess counted as a failure on the account's password.
    SamePassword,
}

/// Uses a reset link (once) to set a new password, which must not be the
/// current one (a reset to it counts as a failed password; see
/// [`crate::signin::is_current_password`]): ends every session and every
/// other reset link, clears the password's failure counter, tells the owner.
pub async fn reset_password(
    app: &App,
    token: &str,
    account: &PacerAccount,
    new: &Password,
    ip: &str,
) -> Result<ResetOutcome> {
    // Counted on the account's password counter: the link is no oracle.
    if crate::signin::is_current_password(app, account, new).await? {
        let mut event = crate::audit::account_event(
            AuditAction::AccountPasswordReset,
            AuditOutcome::Failed,
            account.id,
            &account.username,
            ip,
        );
        event.detail = "the new password was the current one".into();
        crate::audit::record(app, &event).await?;
        return Ok(ResetOutcome::SamePassword);
    }
    let hash = app.hasher.hash(new).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if tx.use_reset(&hash_token(token), now).await? != Some(account.id) {
        tx.rollback().await?;
        return Ok(ResetOutcome::Expired);
    }
    let (username, email) = tx.lock_account(account.id).await?;
    tx.set_password_hash(account.id, &hash).await?;
    tx.end_sessions(account.id, None).await?;
    tx.end_resets(account.id, now).await?;
    tx.forget_devices(account.id).await?;
    tx.enqueue_mail(&mail::security_notice(&email, username.as_str(), "password reset"), now)
        .await?;
    tx.insert_audit(
        &account_event(AuditAction::AccountPasswordReset, account.id, &username, ip),
        now,
    )
    .await?;
    tx.clear_failures(&Subject::PacerPassword(Some(username))).await?;
    tx.commit().await?;
    Ok(ResetOutcome::Done)
}
