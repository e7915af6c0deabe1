//! Courts: their staff, and (in `go_live`) their move to NextGen.

use openecf_domain::{AuditAction, AuditOutcome, CourtId, NewAuditEvent};

use crate::{App, Result};

pub use crate::go_live::{run_go_live, schedule_go_live, set_time_zone, Scheduled};

/// Why the operator's staff grant was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffRefusal {
    #[error("there is no court {0}")]
    NoSuchCourt(String),
    #[error("there is no PACER account {0}")]
    NoSuchAccount(String),
    #[error("{0} is a shared firm account: court staff use an individual PACER account")]
    SharedAccount(String),
    #[error("{0} is a legacy PACER account: it must be upgraded first")]
    Legacy(String),
    #[error("{0} is a bankruptcy court: court staff open criminal cases, at district courts")]
    NotDistrict(String),
}

/// Grants (`add`) or ends a PACER account's court-staff rights at a court,
/// audited. Returns whether anything changed.
pub async fn set_staff(
    app: &App,
    court: &CourtId,
    username: &str,
    add: bool,
    operator: &str,
) -> Result<std::result::Result<bool, StaffRefusal>> {
    match app.store.court(court).await? {
        None => return Ok(Err(StaffRefusal::NoSuchCourt(court.to_string()))),
        Some(c) if add && c.kind != openecf_domain::CourtKind::District => {
            return Ok(Err(StaffRefusal::NotDistrict(court.to_string())))
        }
        Some(_) => {}
    }
    let account = match openecf_domain::Username::parse_existing(username) {
        Ok(name) => app.store.pacer_by_username(&name).await?.map(|(a, _)| a),
        Err(_) => None,
    };
    let Some(account) = account else {
        return Ok(Err(StaffRefusal::NoSuchAccount(username.to_owned())));
    };
    if add && account.kind == openecf_domain::AccountKind::SharedFirm {
        return Ok(Err(StaffRefusal::SharedAccount(username.to_owned())));
    }
    if add && account.is_legacy() {
        return Ok(Err(StaffRefusal::Legacy(username.to_owned())));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let changed = if add {
        tx.add_staff(court, account.id, now).await?
    } else {
        tx.remove_staff(court, account.id).await?
    };
    if changed {
        let event = NewAuditEvent {
            pacer_account: Some(account.id),
            pacer_username: Some(account.username.to_string()),
            court_id: Some(court.to_string()),
            detail: format!("{} by {operator}", if add { "granted" } else { "ended" }),
            ..NewAuditEvent::new(AuditAction::CourtStaff, AuditOutcome::Done)
        };
        tx.insert_audit(&event, now).await?;
    }
    tx.commit().await?;
    Ok(Ok(changed))
}
