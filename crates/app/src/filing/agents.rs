//! Filing agents (Maintain Your ECF Account): an attorney names staff, each
//! with their own individual, upgraded PACER account, who then file in the
//! attorney's name at that court — NextGen's answer to shared firm logins.

use openecf_domain::{AccountKind, AuditAction, AuditOutcome, Court, NewAuditEvent, PacerAccount};
use openecf_store::AgentRow;

use crate::{App, Result};

/// Why naming or removing an agent was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentRefusal {
    #[error(
        "Only filers whose CM/ECF account is linked to their PACER account at this court may name filing agents here."
    )]
    NotAFiler,
    #[error("There is no PACER account {0}: your agent registers for one first.")]
    NoSuchAccount(String),
    #[error("{0} is a shared firm account: each filing agent uses an individual PACER account.")]
    SharedAccount(String),
    #[error("{0} is a legacy PACER account: it must be upgraded before it can file.")]
    Legacy(String),
    #[error("You file as yourself: name another person's PACER account.")]
    Yourself,
    #[error("{0} is not one of your filing agents at this court.")]
    NotYourAgent(String),
    #[error("There is no such invitation waiting for you at this court.")]
    NoInvitation,
}

async fn linked(app: &App, court: &Court, attorney: &PacerAccount) -> Result<bool> {
    Ok(court.is_live() && app.store.linked_login(&court.id, attorney.id).await?.is_some())
}

/// The agents the attorney named at this court.
pub async fn agents(
    app: &App,
    court: &Court,
    attorney: &PacerAccount,
) -> Result<std::result::Result<Vec<AgentRow>, AgentRefusal>> {
    if !linked(app, court, attorney).await? {
        return Ok(Err(AgentRefusal::NotAFiler));
    }
    Ok(Ok(app.store.filing_agents(&court.id, attorney.id).await?))
}

/// The attorneys this account files for, as their agent, at this court
/// (those still linked there).
pub async fn principals(app: &App, court: &Court, agent: &PacerAccount) -> Result<Vec<AgentRow>> {
    if !court.is_live() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for p in app.store.agent_principals(&court.id, agent.id).await? {
        if app.store.linked_login(&court.id, p.account).await?.is_some() {
            out.push(p);
        }
    }
    Ok(out)
}

/// The account named by a PACER username, if it may be an agent.
async fn agent_account(app: &App, raw: &str) -> Result<std::result::Result<PacerAccount, AgentRefusal>> {
    let (typed, found) = crate::accounts::pacer_named(app, raw).await?;
    Ok(found.ok_or(AgentRefusal::NoSuchAccount(typed)))
}

fn audit(court: &Court, attorney: &PacerAccount, detail: String) -> NewAuditEvent {
    NewAuditEvent {
        pacer_account: Some(attorney.id),
        pacer_username: Some(attorney.username.to_string()),
        court_id: Some(court.id.to_string()),
        detail,
        ..NewAuditEvent::new(AuditAction::EcfFilingAgent, AuditOutcome::Done)
    }
}

/// Names a filing agent by PACER username: an individual, upgraded account,
/// not the attorney's own. The agent files only once they accept it (at the
/// court's Filing Agents page). Naming one twice changes nothing. Audited.
pub async fn name_agent(
    app: &App,
    court: &Court,
    attorney: &PacerAccount,
    username: &str,
) -> Result<std::result::Result<AgentRow, AgentRefusal>> {
    if !linked(app, court, attorney).await? {
        return Ok(Err(AgentRefusal::NotAFiler));
    }
    let agent = match agent_account(app, username).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    if agent.kind == AccountKind::SharedFirm {
        return Ok(Err(AgentRefusal::SharedAccount(agent.username.to_string())));
    }
    if agent.is_legacy() {
        return Ok(Err(AgentRefusal::Legacy(agent.username.to_string())));
    }
    if agent.id == attorney.id {
        return Ok(Err(AgentRefusal::Yourself));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if tx.add_filing_agent(&court.id, attorney.id, agent.id, now).await? {
        tx.insert_audit(
            &audit(court, attorney, format!("named {} as filing agent", agent.username)),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(AgentRow {
        account: agent.id,
        name: agent.name.to_string(),
        username: agent.username.to_string(),
        accepted: false,
    }))
}

/// Ends an agent's naming at this court: from now on they cannot file for
/// the attorney (a filing held for Submit included). Audited.
pub async fn remove_agent(
    app: &App,
    court: &Court,
    attorney: &PacerAccount,
    username: &str,
) -> Result<std::result::Result<(), AgentRefusal>> {
    if !linked(app, court, attorney).await? {
        return Ok(Err(AgentRefusal::NotAFiler));
    }
    let agent = match agent_account(app, username).await? {
        Ok(a) => a,
        Err(AgentRefusal::NoSuchAccount(u)) => return Ok(Err(AgentRefusal::NotYourAgent(u))),
        Err(r) => return Ok(Err(r)),
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if !tx.remove_filing_agent(&court.id, attorney.id, agent.id).await? {
        return Ok(Err(AgentRefusal::NotYourAgent(agent.username.to_string())));
    }
    tx.insert_audit(
        &audit(court, attorney, format!("removed {} as filing agent", agent.username)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The attorneys waiting for this account to accept being their filing agent here.
pub async fn invitations(app: &App, court: &Court, agent: &PacerAccount) -> Result<Vec<AgentRow>> {
    Ok(app.store.agent_invitations(&court.id, agent.id).await?)
}

/// The named agent accepts (then files for the attorney, and must set up
/// MFA) or declines (the naming is dropped). Audited.
pub async fn answer_naming(
    app: &App,
    court: &Court,
    agent: &PacerAccount,
    attorney_username: &str,
    accept: bool,
) -> Result<std::result::Result<(), AgentRefusal>> {
    let waiting = app.store.agent_invitations(&court.id, agent.id).await?;
    let Some(attorney) = waiting.iter().find(|a| a.username == attorney_username.trim()) else {
        return Ok(Err(AgentRefusal::NoInvitation));
    };
    let now = app.clock.now();
    let done = if accept {
        app.store
            .accept_agent_naming(&court.id, attorney.account, agent.id, now)
            .await?
    } else {
        let mut tx = app.store.write().await?;
        let gone = tx.remove_filing_agent(&court.id, attorney.account, agent.id).await?;
        tx.commit().await?;
        gone
    };
    if !done {
        return Ok(Err(AgentRefusal::NoInvitation));
    }
    let mut tx = app.store.write().await?;
    let detail = format!(
        "{} being filing agent of {}",
        if accept { "accepted" } else { "declined" },
        attorney.username
    );
    tx.insert_audit(&audit(court, agent, detail), now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}
