//! The clerk console's use cases: what a court's staff do to its CM/ECF
//! accounts (unlink, disable, enable, add, reset a password), E-File
//! Registration (requested by a PACER user, decided by staff), the CM/ECF
//! password reset a filer asks for before linking, and the linking progress.
//! Every action is audited with the staff member's PACER username and the
//! reason, and mails the filer, in the transaction that makes it.

use chrono::Duration;
use openecf_domain::clerk::{
    self, parse_reason, ConsoleRefusal, EfileKind, ProgressDay, ECF_RESET_MAX_LIVE, ECF_RESET_SECS,
};
use openecf_domain::{
    AuditAction, AuditOutcome, BarId, Court, EcfAccount, EcfLogin, Email, NewAuditEvent, PacerAccount, Password,
    PasswordContext, PasswordRefusal, PersonName, Role,
};
use openecf_store::{EfileDecision, LinkConflict, NewEcfAccount, NewEfileRequest, StoreError};

use crate::tokens::{hash_token, random_token};
use crate::{App, Result};

/// The answer to a console action: done, or refused with the reason (nothing changed).
pub type Outcome<T> = Result<std::result::Result<T, ConsoleRefusal>>;

fn event(action: AuditAction, outcome: AuditOutcome, court: &Court, login: &str, detail: String) -> NewAuditEvent {
    NewAuditEvent {
        court_id: Some(court.id.to_string()),
        ecf_login: Some(login.to_owned()),
        detail,
        ..NewAuditEvent::new(action, outcome)
    }
}

async fn account_at(app: &App, court: &Court, login: &str) -> Result<Option<EcfAccount>> {
    let Ok(login) = EcfLogin::parse(login) else {
        return Ok(None);
    };
    Ok(app.store.ecf_by_login(&court.id, &login).await?.map(|(a, _)| a))
}

/// Removes a CM/ECF account's link (court staff, or the operator's `link
/// remove`): audited with both sides, who and why; the PACER account holder
/// is emailed. The CM/ECF account may then be linked again.
pub async fn unlink(app: &App, court: &Court, login: &str, reason: &str, operator: &str) -> Outcome<String> {
    let reason = match parse_reason(reason) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Ok(parsed) = EcfLogin::parse(login) else {
        return Ok(Err(ConsoleRefusal::NoSuchAccount(login.to_owned())));
    };
    if account_at(app, court, login).await?.is_none() {
        return Ok(Err(ConsoleRefusal::NoSuchAccount(login.to_owned())));
    }
    match crate::link::remove(app, court, &parsed, &reason, operator).await {
        Ok(row) => Ok(Ok(row.pacer_username)),
        Err(crate::Error::Store(StoreError::NotFound(_))) => Ok(Err(ConsoleRefusal::NotLinked(login.to_owned()))),
        Err(e) => Err(e),
    }
}

/// Disables (`disable`) or enables a CM/ECF account: a disabled account
/// cannot log in (legacy), cannot be linked and gets no go-live notices; its
/// legacy sessions end. Audited; the account's address is emailed.
pub async fn set_disabled(
    app: &App,
    court: &Court,
    login: &str,
    disable: bool,
    reason: &str,
    operator: &str,
) -> Outcome<()> {
    let reason = match parse_reason(reason) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(account) = account_at(app, court, login).await? else {
        return Ok(Err(ConsoleRefusal::NoSuchAccount(login.to_owned())));
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let changed = if disable {
        tx.disable_ecf_account(account.id, operator, &reason, now).await?
    } else {
        tx.enable_ecf_account(account.id).await?
    };
    if !changed {
        tx.rollback().await?;
        let login = account.login.to_string();
        return Ok(Err(if disable {
            ConsoleRefusal::AlreadyDisabled(login)
        } else {
            ConsoleRefusal::NotDisabled(login)
        }));
    }
    let action = if disable {
        AuditAction::EcfDisable
    } else {
        AuditAction::EcfEnable
    };
    tx.insert_audit(
        &event(
            action,
            AuditOutcome::Done,
            court,
            account.login.as_str(),
            format!("{reason} (by {operator})"),
        ),
        now,
    )
    .await?;
    tx.enqueue_mail(
        &clerk::account_disabled(&account.email, court, account.login.as_str(), disable, &reason),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A CM/ECF account as typed by court staff.
#[derive(Debug, Clone, Default)]
pub struct AccountForm {
    pub login: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub bar_id: String,
}

/// Adds a CM/ECF account by hand. It has no password anyone knows: its
/// holder is mailed a single-use link (30 minutes) to choose one, and can
/// then link it. Audited.
pub async fn add_account(
    app: &App,
    court: &Court,
    form: &AccountForm,
    reason: &str,
    operator: &str,
    public_url: &str,
) -> Outcome<EcfLogin> {
    let reason = match parse_reason(reason) {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let invalid =
        |what: &str, e: openecf_domain::InvalidInput| ConsoleRefusal::Invalid(format!("{what}: {}", e.reason));
    let parsed = (|| {
        let bar_id = match form.bar_id.trim() {
            "" => None,
            b => Some(BarId::parse(b).map_err(|e| invalid("Bar id", e))?),
        };
        Ok::<_, ConsoleRefusal>((
            EcfLogin::parse(&form.login).map_err(|e| invalid("CM/ECF login", e))?,
            PersonName::parse(&form.name).map_err(|e| invalid("Name", e))?,
            Email::parse(&form.email).map_err(|e| invalid("Email", e))?,
            Role::parse(&form.role).map_err(|e| invalid("Role", e))?,
            bar_id,
        ))
    })();
    let (login, name, email, role, bar_id) = match parsed {
        Ok(v) => v,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let unusable = app
        .hasher
        .hash(&Password::new_legacy(&random_token()).map_err(anyhow_refusal)?)
        .await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let new = NewEcfAccount {
        court: court.id.clone(),
        login: login.clone(),
        password_hash: unusable,
        name,
        email: email.clone(),
        role,
        bar_id,
    };
    let id = match tx.insert_ecf_accounts(std::slice::from_ref(&new), now).await {
        Ok(ids) => ids.into_iter().next(),
        Err(StoreError::EcfLoginTaken { .. }) => {
            tx.rollback().await?;
            return Ok(Err(ConsoleRefusal::LoginTaken(login.to_string())));
        }
        Err(e) => return Err(e.into()),
    };
    let Some(id) = id else {
        return Err(anyhow::anyhow!("the new CM/ECF account has no id").into());
    };
    let token = random_token();
    tx.insert_ecf_reset(&hash_token(&token), id, now, now + Duration::seconds(ECF_RESET_SECS))
        .await?;
    tx.enqueue_mail(
        &clerk::ecf_password_reset(&email, court, login.as_str(), &reset_link(public_url, court, &token)),
        now,
    )
    .await?;
    tx.insert_audit(
        &event(
            AuditAction::EcfAccountAdd,
            AuditOutcome::Done,
            court,
            login.as_str(),
            format!("{reason} (by {operator})"),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(login))
}

fn anyhow_refusal(e: PasswordRefusal) -> crate::Error {
    anyhow::anyhow!("a random password was refused: {e}").into()
}

fn reset_link(public_url: &str, court: &Court, token: &str) -> String {
    format!(
        "{}/ecf/{}/link/reset/{token}",
        public_url.trim_end_matches('/'),
        court.id
    )
}

/// Mails a single-use link (30 minutes) to set a CM/ECF account's password to
/// the account's own address: asked for by the filer on the court's link form
/// page (`operator` None; the same answer whether or not the login exists) or
/// by court staff. At most 3 live links per account. Audited.
/// Returns whether a mail was queued.
pub async fn request_ecf_reset(
    app: &App,
    court: &Court,
    login: &str,
    operator: Option<&str>,
    public_url: &str,
) -> Result<bool> {
    let Some(account) = account_at(app, court, login).await? else {
        return Ok(false);
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if tx.ecf_disabled(account.id).await? || tx.ecf_linked(account.id).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    if tx.live_ecf_resets(account.id, now).await? >= ECF_RESET_MAX_LIVE {
        tx.rollback().await?;
        return Ok(false);
    }
    let token = random_token();
    tx.insert_ecf_reset(
        &hash_token(&token),
        account.id,
        now,
        now + Duration::seconds(ECF_RESET_SECS),
    )
    .await?;
    tx.enqueue_mail(
        &clerk::ecf_password_reset(
            &account.email,
            court,
            account.login.as_str(),
            &reset_link(public_url, court, &token),
        ),
        now,
    )
    .await?;
    let detail = match operator {
        Some(op) => format!("link mailed (by {op})"),
        None => "link mailed (asked for on the link form page)".to_owned(),
    };
    tx.insert_audit(
        &event(
            AuditAction::EcfPasswordReset,
            AuditOutcome::Requested,
            court,
            account.login.as_str(),
            detail,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The CM/ECF account a reset link is for, while it works.
pub async fn ecf_reset_target(app: &App, court: &Court, token: &str) -> Result<Option<EcfAccount>> {
    let Some(id) = app.store.ecf_reset_target(&hash_token(token), app.clock.now()).await? else {
        return Ok(None);
    };
    Ok(app.store.ecf_by_id(id).await?.filter(|a| a.court == court.id))
}

/// What became of a CM/ECF password reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EcfResetOutcome {
    Done(EcfLogin),
    /// The link no longer works.
    Expired,
    /// The new password does not meet the standard; the link still works.
    Refused(PasswordRefusal),
}

/// Sets a CM/ECF account's password from a reset link (once). The password
/// must meet the PACER password standard. Audited.
pub async fn reset_ecf_password(app: &App, court: &Court, token: &str, new_password: &str) -> Result<EcfResetOutcome> {
    let Some(account) = ecf_reset_target(app, court, token).await? else {
        return Ok(EcfResetOutcome::Expired);
    };
    let ctx = PasswordContext {
        username: account.login.as_str(),
        name: account.name.as_str(),
        email: account.email.as_str(),
    };
    let password = match Password::new_checked(new_password, ctx, crate::common::is_common_password) {
        Ok(p) => p,
        Err(refusal) => return Ok(EcfResetOutcome::Refused(refusal)),
    };
    let hash = app.hasher.hash(&password).await?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    match tx.use_ecf_reset(&hash_token(token), now).await? {
        Some(id) if id == account.id => {}
        _ => {
            tx.rollback().await?;
            return Ok(EcfResetOutcome::Expired);
        }
    }
    // Disabled or linked since the link was mailed: the link no longer works.
    if tx.ecf_disabled(account.id).await? || tx.ecf_linked(account.id).await? {
        tx.rollback().await?;
        return Ok(EcfResetOutcome::Expired);
    }
    tx.set_ecf_password(account.id, &hash).await?;
    tx.insert_audit(
        &event(
            AuditAction::EcfPasswordReset,
            AuditOutcome::Done,
            court,
            account.login.as_str(),
            "new password set from the mailed link".to_owned(),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(EcfResetOutcome::Done(account.login))
}

/// Why an E-File Registration request was refused at the door.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EfileRefusal {
    #[error("Choose what you ask for: attorney admission or non-attorney e-file registration.")]
    Kind,
    #[error("Attorney admission needs your bar id (letters, digits and hyphens) and the bar's state (two letters, like GA).")]
    Bar,
    #[error("Choose your role for non-attorney e-file registration.")]
    Role,
    #[error("Only an upgraded individual PACER account can ask for filing privileges.")]
    Account,
    #[error("This court is not live on NextGen CM/ECF: E-File Registration opens when it goes live.")]
    NotLive,
    #[error("You have a CM/ECF account linked at this court already.")]
    Linked,
    #[error("You have a request at this court waiting for the clerk's office already.")]
    Pending,
}

/// A PACER user asks a court for filing privileges. Audited.
pub async fn request_efile(
    app: &App,
    court: &Court,
    who: &PacerAccount,
    kind: &str,
    role: &str,
    bar_id: &str,
    bar_state: &str,
) -> Result<std::result::Result<(), EfileRefusal>> {
    let Some(kind) = EfileKind::parse(kind) else {
        return Ok(Err(EfileRefusal::Kind));
    };
    let (role, bar_id, bar_state) = match kind {
        EfileKind::Attorney => {
            let bar = BarId::parse(bar_id.trim()).ok();
            let state = clerk::parse_bar_state(bar_state);
            match (bar, state) {
                (Some(b), Some(s)) => ("attorney".to_owned(), Some(b.as_str().to_owned()), Some(s)),
                _ => return Ok(Err(EfileRefusal::Bar)),
            }
        }
        EfileKind::NonAttorney => match clerk::NON_ATTORNEY_ROLES.iter().find(|r| **r == role) {
            Some(r) => ((*r).to_owned(), None, None),
            None => return Ok(Err(EfileRefusal::Role)),
        },
    };
    if who.kind != openecf_domain::AccountKind::Individual || who.is_legacy() {
        return Ok(Err(EfileRefusal::Account));
    }
    if !court.is_live() {
        return Ok(Err(EfileRefusal::NotLive));
    }
    if app.store.linked_login(&court.id, who.id).await?.is_some() {
        return Ok(Err(EfileRefusal::Linked));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let new = NewEfileRequest {
        court: court.id.clone(),
        pacer_account: who.id,
        kind: kind.as_str().to_owned(),
        role: role.clone(),
        bar_id: bar_id.clone(),
        bar_state: bar_state.clone(),
    };
    if tx.insert_efile_request(&new, now).await?.is_none() {
        tx.rollback().await?;
        return Ok(Err(EfileRefusal::Pending));
    }
    let detail = match (&bar_id, &bar_state) {
        (Some(b), Some(s)) => format!("{}: bar id {b} ({s})", kind.label()),
        _ => format!("{}: {role}", kind.label()),
    };
    tx.insert_audit(
        &NewAuditEvent {
            pacer_account: Some(who.id),
            pacer_username: Some(who.username.to_string()),
            court_id: Some(court.id.to_string()),
            detail,
            ..NewAuditEvent::new(AuditAction::EfileRegistration, AuditOutcome::Requested)
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Court staff decide a pending E-File Registration request: approval
/// creates the court's CM/ECF filer account (login from the PACER username,
/// numbered if taken) already linked to the requester's PACER account;
/// rejection needs a reason. The requester is emailed either way. Audited.
pub async fn decide_efile(
    app: &App,
    court: &Court,
    request: i64,
    approve: bool,
    reason: &str,
    operator: &str,
) -> Outcome<Option<String>> {
    let reason = if approve && reason.trim().is_empty() {
        String::new()
    } else {
        match parse_reason(reason) {
            Ok(r) => r,
            Err(refusal) => return Ok(Err(refusal)),
        }
    };
    // The new account's password nobody knows, hashed before the transaction
    // opens (and only for an approval).
    let unusable = if approve {
        app.hasher
            .hash(&Password::new_legacy(&random_token()).map_err(anyhow_refusal)?)
            .await?
    } else {
        String::new()
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let Some(req) = tx.pending_efile_request(&court.id, request).await? else {
        tx.rollback().await?;
        return Ok(Err(ConsoleRefusal::RequestGone));
    };
    let kind = EfileKind::parse(&req.kind).unwrap_or(EfileKind::NonAttorney);
    let pacer = openecf_domain::PacerAccountId::new(req.pacer_account_id);
    let to = Email::from_stored(&req.pacer_email).map_err(|e| anyhow::anyhow!("stored email: {}", e.reason))?;
    let mut created = None;
    if approve {
        let base = EcfLogin::parse(&req.pacer_username)
            .map_err(|e| anyhow::anyhow!("a PACER username is no CM/ECF login: {}", e.reason))?;
        let name = PersonName::parse(&req.pacer_name).map_err(|e| anyhow::anyhow!("stored name: {}", e.reason))?;
        let role = Role::parse(&req.role).map_err(|e| anyhow::anyhow!("stored role: {}", e.reason))?;
        let bar_id = req.bar_id.as_deref().and_then(|b| BarId::parse(b).ok());
        let mut id = None;
        for n in 0..20u32 {
            let login = if n == 0 {
                base.clone()
            } else {
                EcfLogin::parse(&format!("{}{n}", base.as_str())).map_err(|e| anyhow::anyhow!("{}", e.reason))?
            };
            let new = NewEcfAccount {
                court: court.id.clone(),
                login: login.clone(),
                password_hash: unusable.clone(),
                name: name.clone(),
                email: to.clone(),
                role: role.clone(),
                bar_id: bar_id.clone(),
            };
            // ON CONFLICT DO NOTHING: a taken login leaves the transaction usable.
            match tx.insert_ecf_accounts(std::slice::from_ref(&new), now).await {
                Ok(ids) => id = ids.into_iter().next().map(|id| (id, login)),
                Err(StoreError::EcfLoginTaken { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
            break;
        }
        let Some((ecf, login)) = id else {
            tx.rollback().await?;
            return Ok(Err(ConsoleRefusal::LoginTaken(base.to_string())));
        };
        match tx.insert_link(&court.id, ecf, pacer, now).await? {
            Ok(()) => {}
            Err(LinkConflict::PacerLinkedHere | LinkConflict::EcfLinked) => {
                tx.rollback().await?;
                return Ok(Err(ConsoleRefusal::Invalid(format!(
                    "{} has linked a CM/ECF account at this court meanwhile: reject this request.",
                    req.pacer_username
                ))));
            }
        }
        created = Some((ecf, login));
    }
    let decision = EfileDecision {
        approve,
        by: operator,
        reason: &reason,
        ecf: created.as_ref().map(|(id, _)| *id),
    };
    let decided = tx.decide_efile_request(request, &decision, now).await?;
    if !decided {
        tx.rollback().await?;
        return Ok(Err(ConsoleRefusal::RequestGone));
    }
    let login = created.map(|(_, l)| l.to_string());
    tx.enqueue_mail(
        &clerk::efile_decided(&to, &req.pacer_username, court, kind, login.as_deref(), &reason),
        now,
    )
    .await?;
    let detail = match &login {
        Some(l) => format!(
            "{}: CM/ECF account {l} created and linked (by {operator})",
            kind.label()
        ),
        None => format!("{}: {reason} (by {operator})", kind.label()),
    };
    tx.insert_audit(
        &NewAuditEvent {
            pacer_account: Some(pacer),
            pacer_username: Some(req.pacer_username.clone()),
            court_id: Some(court.id.to_string()),
            ecf_login: login.clone(),
            detail,
            ..NewAuditEvent::new(
                AuditAction::EfileRegistration,
                if approve {
                    AuditOutcome::Approved
                } else {
                    AuditOutcome::Rejected
                },
            )
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(login))
}

/// A court's linking progress: one entry per UTC day from its go-live day
/// (or, for a court not live, today alone) to today.
pub async fn progress(app: &App, court: &Court) -> Result<Vec<ProgressDay>> {
    let today = app.clock.now().date_naive();
    let from = match court.status {
        openecf_domain::NextGenStatus::Live { since } => since.date_naive(),
        openecf_domain::NextGenStatus::NotLive { .. } => today,
    };
    let counts = app.store.link_progress_counts(&court.id).await?;
    Ok(clerk::progress_series(
        from.min(today),
        today,
        &counts.accounts_by_day,
        &counts.links_by_day,
    ))
}
