//! PACER Administrative Accounts — NextGen's answer to shared firm logins: a
//! firm's administrator groups the members' individual PACER accounts under
//! one bill and sees each member's usage — and the courts' CJA exemptions.

use openecf_domain::fees::{quarter_due_cents, Quarter};
use openecf_domain::{AccountKind, AuditAction, AuditOutcome, Court, NewAuditEvent, PacerAccount};
use openecf_store::{ExemptionRow, FirmRow, MemberRow};

use crate::{App, Result};

/// Why a change to a firm was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaaRefusal {
    #[error("Firm name: 2 to 120 characters, on one line.")]
    BadName,
    #[error("You administer a firm already.")]
    HasFirm,
    #[error("You do not administer a firm.")]
    NoFirm,
    #[error("There is no PACER account {0}.")]
    NoSuchAccount(String),
    #[error("{0} is a shared firm account: a firm's members use individual PACER accounts.")]
    SharedAccount(String),
    #[error("You administer the firm: invite the other members' accounts.")]
    Yourself,
    #[error("{0} is invited or a member already.")]
    AlreadyInvited(String),
    #[error("{0} is not a member or invitee of your firm.")]
    NotMember(String),
    #[error(
        "There is no invitation from that firm, or you are a member of another firm or administer one: leave it first."
    )]
    NoInvitation,
    #[error("{0} administers a firm of its own: an account is billed through one firm.")]
    Administers(String),
    #[error("You are a member of a firm: leave it before making one.")]
    IsMember,
}

fn audit(account: &PacerAccount, detail: String) -> NewAuditEvent {
    NewAuditEvent {
        pacer_account: Some(account.id),
        pacer_username: Some(account.username.to_string()),
        detail,
        ..NewAuditEvent::new(AuditAction::AccountPaa, AuditOutcome::Done)
    }
}

async fn record(app: &App, event: NewAuditEvent) -> Result<()> {
    let mut tx = app.store.write().await?;
    tx.insert_audit(&event, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Makes a firm with this account as its administrator.
pub async fn create_firm(app: &App, admin: &PacerAccount, name: &str) -> Result<std::result::Result<i64, PaaRefusal>> {
    let name = name.trim();
    if !(2..=120).contains(&name.chars().count()) || name.chars().any(char::is_control) {
        return Ok(Err(PaaRefusal::BadName));
    }
    if app.store.firm_of_member(admin.id).await?.is_some() {
        return Ok(Err(PaaRefusal::IsMember));
    }
    let Some(id) = app.store.create_firm(name, admin.id, app.clock.now()).await? else {
        return Ok(Err(PaaRefusal::HasFirm));
    };
    record(app, audit(admin, format!("made firm {name:?}"))).await?;
    Ok(Ok(id))
}

async fn account_named(app: &App, raw: &str) -> Result<std::result::Result<PacerAccount, PaaRefusal>> {
    let (typed, found) = crate::accounts::pacer_named(app, raw).await?;
    Ok(found.ok_or(PaaRefusal::NoSuchAccount(typed)))
}

/// Invites an individual account to the administrator's firm; it joins when it accepts.
pub async fn invite(app: &App, admin: &PacerAccount, username: &str) -> Result<std::result::Result<(), PaaRefusal>> {
    let Some(firm) = app.store.firm_administered_by(admin.id).await? else {
        return Ok(Err(PaaRefusal::NoFirm));
    };
    let member = match account_named(app, username).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    if member.kind == AccountKind::SharedFirm {
        return Ok(Err(PaaRefusal::SharedAccount(member.username.to_string())));
    }
    if member.id == admin.id {
        return Ok(Err(PaaRefusal::Yourself));
    }
    if app.store.firm_administered_by(member.id).await?.is_some() {
        return Ok(Err(PaaRefusal::Administers(member.username.to_string())));
    }
    if !app.store.invite_to_firm(firm.id, member.id, app.clock.now()).await? {
        return Ok(Err(PaaRefusal::AlreadyInvited(member.username.to_string())));
    }
    record(
        app,
        audit(admin, format!("invited {} to firm {:?}", member.username, firm.name)),
    )
    .await?;
    Ok(Ok(()))
}

/// Removes a member (or invitation) from the administrator's firm.
pub async fn remove(app: &App, admin: &PacerAccount, username: &str) -> Result<std::result::Result<(), PaaRefusal>> {
    let Some(firm) = app.store.firm_administered_by(admin.id).await? else {
        return Ok(Err(PaaRefusal::NoFirm));
    };
    let member = match account_named(app, username).await? {
        Ok(a) => a,
        Err(PaaRefusal::NoSuchAccount(u)) => return Ok(Err(PaaRefusal::NotMember(u))),
        Err(r) => return Ok(Err(r)),
    };
    if !app.store.leave_firm(firm.id, member.id).await? {
        return Ok(Err(PaaRefusal::NotMember(member.username.to_string())));
    }
    record(
        app,
        audit(admin, format!("removed {} from firm {:?}", member.username, firm.name)),
    )
    .await?;
    Ok(Ok(()))
}

/// The account accepts (or declines) a firm's invitation.
pub async fn answer(
    app: &App,
    account: &PacerAccount,
    firm: i64,
    accept: bool,
) -> Result<std::result::Result<(), PaaRefusal>> {
    let Some(found) = app
        .store
        .firm_invitations(account.id)
        .await?
        .into_iter()
        .find(|f| f.id == firm)
    else {
        return Ok(Err(PaaRefusal::NoInvitation));
    };
    let done = if accept {
        app.store.accept_firm(firm, account.id, app.clock.now()).await?
    } else {
        app.store.leave_firm(firm, account.id).await?
    };
    if !done {
        return Ok(Err(PaaRefusal::NoInvitation));
    }
    let what = if accept { "joined" } else { "declined" };
    record(app, audit(account, format!("{what} firm {:?}", found.name))).await?;
    Ok(Ok(()))
}

/// The member leaves their firm: their usage is theirs to pay again.
pub async fn leave(app: &App, account: &PacerAccount) -> Result<std::result::Result<(), PaaRefusal>> {
    let Some(firm) = app.store.firm_of_member(account.id).await? else {
        return Ok(Err(PaaRefusal::NotMember(account.username.to_string())));
    };
    app.store.leave_firm(firm.id, account.id).await?;
    record(app, audit(account, format!("left firm {:?}", firm.name))).await?;
    Ok(Ok(()))
}

/// One member's usage in a quarter, as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberUsage {
    pub member: MemberRow,
    pub transactions: i64,
    pub pages: i64,
    pub cents: i64,
    pub due_cents: i64,
}

/// What the account sees of PACER Administrative Accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaaView {
    /// It administers a firm: each member's usage in the quarter (the
    /// administrator's own first), and what the firm owes.
    Admin {
        firm: FirmRow,
        usage: Vec<MemberUsage>,
        invited: Vec<MemberRow>,
        due_cents: i64,
    },
    /// A member: its usage is billed through the firm.
    Member { firm: FirmRow },
    /// Neither: the firms inviting it, if any.
    None { invitations: Vec<FirmRow> },
}

/// The account's view for a quarter.
pub async fn view(app: &App, account: &PacerAccount, quarter: Quarter) -> Result<PaaView> {
    if let Some(firm) = app.store.firm_administered_by(account.id).await? {
        let (from, to) = quarter.range();
        let mut members = vec![MemberRow {
            account: account.id,
            username: account.username.to_string(),
            name: account.name.to_string(),
            status: "administrator".into(),
            joined_at: None,
        }];
        let all = app.store.firm_members(firm.id).await?;
        let invited = all.iter().filter(|m| m.status == "invited").cloned().collect();
        members.extend(all.into_iter().filter(|m| m.status == "member"));
        let mut usage = Vec::new();
        for m in members {
            // A member's usage counts for the firm from when it joined.
            let since = m.joined_at.map_or(from, |j| j.max(from));
            let list = app.store.transactions(m.account, since, to).await?;
            let cents: i64 = list.iter().map(|t| t.cost_cents).sum();
            usage.push(MemberUsage {
                transactions: i64::try_from(list.len()).unwrap_or(i64::MAX),
                pages: list.iter().map(|t| t.pages).sum(),
                cents,
                due_cents: quarter_due_cents(cents),
                member: m,
            });
        }
        let due_cents = usage.iter().map(|u| u.due_cents).sum();
        return Ok(PaaView::Admin {
            firm,
            usage,
            invited,
            due_cents,
        });
    }
    if let Some(firm) = app.store.firm_of_member(account.id).await? {
        return Ok(PaaView::Member { firm });
    }
    Ok(PaaView::None {
        invitations: app.store.firm_invitations(account.id).await?,
    })
}

/// Why a CJA exemption change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExemptionRefusal {
    #[error("no court {0}")]
    NoSuchCourt(String),
    #[error("there is no PACER account {0}")]
    NoSuchAccount(String),
    #[error("--reason: say why (the court's CJA appointment), at most 200 characters")]
    NoReason,
    #[error("{username} has no CJA exemption at {court}")]
    NotExempt { court: String, username: String },
    #[error("You have no CJA exemption at this court: the court's clerk grants it.")]
    NotGranted,
}

/// The court grants (or renews) an account's CJA exemption. Audited.
pub async fn grant_exemption(
    app: &App,
    court: &Court,
    username: &str,
    reason: &str,
    operator: &str,
) -> Result<std::result::Result<(), ExemptionRefusal>> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 || reason.chars().any(char::is_control) {
        return Ok(Err(ExemptionRefusal::NoReason));
    }
    let account = match account_named(app, username).await? {
        Ok(a) => a,
        Err(_) => return Ok(Err(ExemptionRefusal::NoSuchAccount(username.trim().to_owned()))),
    };
    app.store
        .grant_exemption(&court.id, account.id, reason, operator, app.clock.now())
        .await?;
    let event = NewAuditEvent {
        pacer_account: Some(account.id),
        pacer_username: Some(account.username.to_string()),
        court_id: Some(court.id.to_string()),
        detail: format!("granted by {operator}: {reason}"),
        ..NewAuditEvent::new(AuditAction::CjaExemption, AuditOutcome::Done)
    };
    record(app, event).await?;
    Ok(Ok(()))
}

/// The court ends an account's CJA exemption. Audited.
pub async fn revoke_exemption(
    app: &App,
    court: &Court,
    username: &str,
    operator: &str,
) -> Result<std::result::Result<(), ExemptionRefusal>> {
    let account = match account_named(app, username).await? {
        Ok(a) => a,
        Err(_) => return Ok(Err(ExemptionRefusal::NoSuchAccount(username.trim().to_owned()))),
    };
    if !app.store.revoke_exemption(&court.id, account.id).await? {
        return Ok(Err(ExemptionRefusal::NotExempt {
            court: court.id.to_string(),
            username: account.username.to_string(),
        }));
    }
    let event = NewAuditEvent {
        pacer_account: Some(account.id),
        pacer_username: Some(account.username.to_string()),
        court_id: Some(court.id.to_string()),
        detail: format!("ended by {operator}"),
        ..NewAuditEvent::new(AuditAction::CjaExemption, AuditOutcome::Done)
    };
    record(app, event).await?;
    Ok(Ok(()))
}

/// The account's exemption at the court, and whether this session uses it.
pub async fn exemption_status(
    app: &App,
    court: &Court,
    account: &PacerAccount,
    session_hash: &str,
) -> Result<(Option<ExemptionRow>, bool)> {
    let grant = app.store.exemption(&court.id, account.id).await?;
    let on = grant.is_some() && app.store.session_exempt(session_hash, &court.id).await?;
    Ok((grant, on))
}

/// Turns the session's use of the account's CJA exemption at the court on
/// (for CJA work only) or off. Audited.
pub async fn use_exemption(
    app: &App,
    court: &Court,
    account: &PacerAccount,
    session_hash: &str,
    on: bool,
) -> Result<std::result::Result<(), ExemptionRefusal>> {
    if on && app.store.exemption(&court.id, account.id).await?.is_none() {
        return Ok(Err(ExemptionRefusal::NotGranted));
    }
    app.store.set_session_exemption(session_hash, &court.id, on).await?;
    let event = NewAuditEvent {
        pacer_account: Some(account.id),
        pacer_username: Some(account.username.to_string()),
        court_id: Some(court.id.to_string()),
        detail: format!("turned {} for a session", if on { "on" } else { "off" }),
        ..NewAuditEvent::new(AuditAction::CjaExemption, AuditOutcome::Done)
    };
    record(app, event).await?;
    Ok(Ok(()))
}
