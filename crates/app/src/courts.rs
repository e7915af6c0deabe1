//! Courts and their move to NextGen: scheduling a go-live, and the go-live
//! itself, an event the job queue fires at the scheduled instant.

use openecf_domain::{go_live_instant, mail, AuditAction, AuditOutcome, Court, CourtId, NewAuditEvent};
use openecf_store::{ClaimedJob, GoLive, NewJob, Time, Tx, COURT_GO_LIVE};

use crate::{App, Result};

fn go_live_key(court: &CourtId) -> String {
    format!("{COURT_GO_LIVE}:{court}")
}

/// The court goes live now: recorded, audited, and every CM/ECF account
/// holder told to link. Returns how many were notified.
async fn switch_live(tx: &mut Tx, court: &Court, since: Time, now: Time) -> Result<usize> {
    tx.set_live(&court.id, since).await?;
    let live = Court {
        status: Court::status_of(None, Some(since)),
        ..court.clone()
    };
    let event = NewAuditEvent {
        court_id: Some(court.id.to_string()),
        ..NewAuditEvent::new(AuditAction::CourtGoLive, AuditOutcome::Live)
    };
    tx.insert_audit(&event, now).await?;
    notify_holders(tx, &live, None, now).await
}

async fn notify_holders(tx: &mut Tx, court: &Court, on: Option<chrono::NaiveDate>, now: Time) -> Result<usize> {
    let holders = tx.ecf_accounts_of(&court.id).await?;
    for ecf in &holders {
        tx.enqueue_mail(&mail::go_live_notice(&ecf.email, ecf.login.as_str(), court, on), now)
            .await?;
    }
    Ok(holders.len())
}

/// Sets when a court goes live: now (the switch happens at once) or at the
/// start of a day (the switch is a job at that instant; a new date moves it).
/// Every CM/ECF account holder of the court is told, in the same transaction.
/// A live court's go-live is final. Returns how many were notified.
pub async fn schedule_go_live(app: &App, id: &CourtId, when: GoLive) -> Result<usize> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let court = tx.court_for_update(id).await?;
    court.check_go_live_change().map_err(openecf_store::StoreError::from)?;
    let notified = match when {
        GoLive::Now => {
            tx.cancel_job(&go_live_key(id)).await?;
            tx.set_planned_go_live(id, None).await?;
            switch_live(&mut tx, &court, now, now).await?
        }
        // A day that has already begun: the court is live from its start.
        GoLive::On(day) if go_live_instant(day) <= now => {
            tx.cancel_job(&go_live_key(id)).await?;
            tx.set_planned_go_live(id, Some(day)).await?;
            switch_live(&mut tx, &court, go_live_instant(day), now).await?
        }
        GoLive::On(day) => {
            tx.set_planned_go_live(id, Some(day)).await?;
            let job = NewJob::keyed(COURT_GO_LIVE, go_live_key(id), id.to_string(), go_live_instant(day));
            tx.enqueue_job(&job, now).await?;
            let planned = Court {
                status: Court::status_of(Some(day), None),
                ..court
            };
            notify_holders(&mut tx, &planned, Some(day), now).await?
        }
    };
    tx.commit().await?;
    Ok(notified)
}

/// The `court.go_live` job: at its planned instant the court becomes live,
/// in the same transaction that finishes the job (so it happens once, on one
/// node). A court already live, or whose date was taken away, is left alone.
pub async fn run_go_live(app: &App, job: &ClaimedJob) -> Result<()> {
    let now = app.clock.now();
    let id = CourtId::parse(&job.payload).map_err(|e| anyhow::anyhow!("go-live job for a bad court id: {e}"))?;
    let mut tx = app.store.write().await?;
    let court = tx.court_for_update(&id).await?;
    if let openecf_domain::NextGenStatus::NotLive { planned: Some(day) } = court.status {
        let at = go_live_instant(day);
        if at > now {
            // Early (a clock that stepped back): fail, so it runs again later.
            return Err(anyhow::anyhow!("court {id} goes live at {at}, not yet").into());
        }
        let notified = switch_live(&mut tx, &court, at, now).await?;
        tracing::info!(court = %id, notified, "court is live on NextGen CM/ECF");
    }
    if !tx.complete_job(job).await? {
        tx.rollback().await?;
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}

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
