//! A court's go-live and the notices around it, all through the job queue.
//!
//! Setting a date (`court go-live ID --on DAY`, the day in the court's time
//! zone) stores it and, in the same transaction, queues: the switch (a keyed
//! `court.go_live` job at the court's local midnight), the notice of the date
//! (`scheduled` the first time, `date_changed` after a move), and the reminder
//! a week before (one per court, moved with the date). At the switch the court
//! goes live and queues the `now_live` notice. Each notice job writes one mail
//! per distinct address of the court's CM/ECF account holders, and records
//! each in `go_live_notices`, whose key (court, notice, day, plan, address)
//! makes the same notice go once, however often the job runs, on however many
//! nodes. Setting the same date again sends nothing (it re-arms the switch).

use chrono::{Days, NaiveDate};
use openecf_domain::{
    AuditAction, AuditOutcome, Court, CourtId, CourtZone, GoLiveNotice, NewAuditEvent, NextGenStatus, NoticeKind,
};
use openecf_store::{
    ClaimedJob, GoLive, GoLivePlan, NewJob, NoticeJob, StoreError, Time, Tx, COURT_GO_LIVE, COURT_GO_LIVE_NOTICE,
};

use crate::{App, Result};

fn switch_key(court: &CourtId) -> String {
    format!("{COURT_GO_LIVE}:{court}")
}

fn reminder_key(court: &CourtId) -> String {
    NoticeJob {
        court: court.clone(),
        kind: NoticeKind::Reminder,
        day: NaiveDate::MIN,
        change: 0,
    }
    .dedupe_key()
}

/// What scheduling a go-live did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// The notice queued now, if any: none when the date was set again unchanged.
    pub notice: Option<NoticeKind>,
    /// How many distinct addresses it goes to.
    pub addresses: usize,
    /// The instant the court goes (or went) live.
    pub at: Time,
    /// The day, in the court's time zone.
    pub day: NaiveDate,
    pub zone: CourtZone,
    /// Whether the court is live now.
    pub live: bool,
    /// When the reminder goes, if one is queued.
    pub reminder_at: Option<Time>,
}

async fn queue_notice(tx: &mut Tx, notice: &NoticeJob, run_at: Time, now: Time) -> Result<()> {
    let job = NewJob::keyed(COURT_GO_LIVE_NOTICE, notice.dedupe_key(), notice.payload(), run_at);
    tx.enqueue_job(&job, now).await?;
    Ok(())
}

/// Queues (or moves) the switch of a court planned for `day` to the court's
/// midnight, and its reminder to the midnight a week before (or drops the
/// reminder when that has passed). Returns when the reminder goes.
async fn arm(
    tx: &mut Tx,
    id: &CourtId,
    zone: CourtZone,
    day: NaiveDate,
    change: i64,
    now: Time,
) -> Result<Option<Time>> {
    let switch = NewJob::keyed(COURT_GO_LIVE, switch_key(id), id.to_string(), zone.start_of(day));
    tx.enqueue_job(&switch, now).await?;
    let remind = day
        .checked_sub_days(Days::new(openecf_domain::go_live::REMINDER_DAYS))
        .map(|d| zone.start_of(d))
        .filter(|t| *t > now);
    match remind {
        Some(t) => {
            let reminder = NoticeJob {
                court: id.clone(),
                kind: NoticeKind::Reminder,
                day,
                change,
            };
            queue_notice(tx, &reminder, t, now).await?;
        }
        None => {
            tx.cancel_job(&reminder_key(id)).await?;
        }
    }
    Ok(remind)
}

/// The court goes live at `since`: recorded, audited, and the "now live"
/// notice queued. Any reminder still waiting is dropped.
async fn switch_live(tx: &mut Tx, court: &Court, plan: GoLivePlan, since: Time, now: Time) -> Result<()> {
    tx.set_live(&court.id, since).await?;
    tx.cancel_job(&reminder_key(&court.id)).await?;
    let event = NewAuditEvent {
        court_id: Some(court.id.to_string()),
        detail: format!(
            "live since {} ({})",
            since.format("%Y-%m-%d %H:%M UTC"),
            plan.zone.name()
        ),
        ..NewAuditEvent::new(AuditAction::CourtGoLive, AuditOutcome::Live)
    };
    tx.insert_audit(&event, now).await?;
    let notice = NoticeJob {
        court: court.id.clone(),
        kind: NoticeKind::NowLive,
        day: plan.zone.today(since),
        change: plan.changes,
    };
    queue_notice(tx, &notice, now, now).await
}

/// Sets when a court goes live: now (the switch happens at once) or at the
/// start of a day in the court's time zone (the switch is a job at that
/// instant; a new date moves it). The notices are queued as jobs in the same
/// transaction. A live court's go-live is final; appellate and special courts
/// have none.
pub async fn schedule_go_live(app: &App, id: &CourtId, when: GoLive) -> Result<Scheduled> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let court = tx.court_for_update(id).await?;
    court.check_go_live_change().map_err(StoreError::from)?;
    let mut plan = tx.go_live_plan(id).await?;
    let addresses = tx.go_live_recipients(id).await?.len();
    let planned = match court.status {
        NextGenStatus::NotLive { planned } => planned,
        NextGenStatus::Live { .. } => None,
    };
    let done = match when {
        GoLive::Now => {
            tx.cancel_job(&switch_key(id)).await?;
            tx.set_planned_go_live(id, None).await?;
            switch_live(&mut tx, &court, plan, now, now).await?;
            Scheduled {
                notice: Some(NoticeKind::NowLive),
                addresses,
                at: now,
                day: plan.zone.today(now),
                zone: plan.zone,
                live: true,
                reminder_at: None,
            }
        }
        // A day that has already begun at the court: live from its start.
        GoLive::On(day) if plan.zone.start_of(day) <= now => {
            let at = plan.zone.start_of(day);
            tx.cancel_job(&switch_key(id)).await?;
            tx.set_planned_go_live(id, Some(day)).await?;
            switch_live(&mut tx, &court, plan, at, now).await?;
            Scheduled {
                notice: Some(NoticeKind::NowLive),
                addresses,
                at,
                day,
                zone: plan.zone,
                live: true,
                reminder_at: None,
            }
        }
        GoLive::On(day) => {
            let at = plan.zone.start_of(day);
            let kind = match planned {
                Some(before) if before == day => None,
                Some(_) => {
                    plan.changes = tx.count_go_live_change(id).await?;
                    Some(NoticeKind::DateChanged)
                }
                None => Some(NoticeKind::Scheduled),
            };
            // The switch and the reminder are (re)armed even when the day is
            // unchanged: that repairs a switch that failed, and sends nothing.
            let reminder_at = arm(&mut tx, id, plan.zone, day, plan.changes, now).await?;
            if let Some(kind) = kind {
                tx.set_planned_go_live(id, Some(day)).await?;
                let notice = NoticeJob {
                    court: id.clone(),
                    kind,
                    day,
                    change: plan.changes,
                };
                queue_notice(&mut tx, &notice, now, now).await?;
            }
            Scheduled {
                notice: kind,
                addresses: if kind.is_some() { addresses } else { 0 },
                at,
                day,
                zone: plan.zone,
                live: false,
                reminder_at,
            }
        }
    };
    tx.commit().await?;
    Ok(done)
}

/// Sets a court's time zone. A planned go-live keeps its day and moves to
/// that day's midnight in the new zone (its switch and reminder with it; a
/// reminder already sent is not sent again).
pub async fn set_time_zone(app: &App, id: &CourtId, zone: CourtZone) -> Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let court = tx.court_for_update(id).await?;
    let plan = tx.go_live_plan(id).await?;
    tx.set_court_time_zone(id, zone).await?;
    if let NextGenStatus::NotLive { planned: Some(day) } = court.status {
        arm(&mut tx, id, zone, day, plan.changes, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The `court.go_live` job: at its instant the court becomes live, in the
/// same transaction that finishes the job (so it happens once, on one node).
/// A court already live, or whose date was taken away, is left alone; a
/// switch claimed before its instant (a clock stepped back, a zone changed)
/// waits for it.
pub async fn run_go_live(app: &App, job: &ClaimedJob) -> Result<()> {
    let now = app.clock.now();
    let id = CourtId::parse(&job.payload).map_err(|e| anyhow::anyhow!("go-live job for a bad court id: {e}"))?;
    let mut tx = app.store.write().await?;
    let court = tx.court_for_update(&id).await?;
    if let NextGenStatus::NotLive { planned: Some(day) } = court.status {
        let plan = tx.go_live_plan(&id).await?;
        let at = plan.zone.start_of(day);
        if at > now {
            if tx.postpone_job(job, at).await? {
                tx.commit().await?;
            }
            return Ok(());
        }
        switch_live(&mut tx, &court, plan, at, now).await?;
        tracing::info!(court = %id, "court is live on NextGen CM/ECF");
    }
    if !tx.complete_job(job).await? {
        tx.rollback().await?;
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}

/// Writes one notice to every distinct address, each at most once ever;
/// returns how many were written now. A notice of a plan that has since
/// changed (another day, a court already live) is not sent.
async fn send_in(app: &App, tx: &mut Tx, notice: &NoticeJob, now: Time) -> Result<usize> {
    let court = tx.court_for_update(&notice.court).await?;
    let plan = tx.go_live_plan(&notice.court).await?;
    let current = match (notice.kind, court.status) {
        (NoticeKind::NowLive, NextGenStatus::Live { .. }) => true,
        (NoticeKind::NowLive, _) => false,
        (_, NextGenStatus::NotLive { planned: Some(day) }) => day == notice.day && plan.changes == notice.change,
        (_, _) => false,
    };
    if !current {
        tracing::info!(court = %notice.court, kind = notice.kind.as_str(), "a go-live notice of an older plan is not sent");
        return Ok(0);
    }
    let mut sent = 0;
    for r in tx.go_live_recipients(&notice.court).await? {
        if !tx.record_go_live_notice(notice, &r.email, now).await? {
            continue;
        }
        let mail = GoLiveNotice {
            kind: notice.kind,
            court: &court,
            zone: plan.zone,
            day: notice.day,
            to: &r.email,
            logins: &r.logins,
            public_url: &app.settings.public_url,
        }
        .mail();
        tx.enqueue_mail(&mail, now).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Sends one go-live notice now, outside the job queue (what a job runs;
/// also how a second node running the same notice is tested). Returns how
/// many addresses it was written to; 0 when every one had it already.
pub async fn send_go_live_notice(app: &App, notice: &NoticeJob) -> Result<usize> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let sent = send_in(app, &mut tx, notice, now).await?;
    tx.commit().await?;
    Ok(sent)
}

/// The `court.go_live_notice` job: the notice, finished in the same transaction.
pub async fn run_go_live_notice(app: &App, job: &ClaimedJob) -> Result<()> {
    let now = app.clock.now();
    let notice = NoticeJob::parse(&job.payload)?;
    let mut tx = app.store.write().await?;
    let sent = send_in(app, &mut tx, &notice, now).await?;
    if !tx.complete_job(job).await? {
        tx.rollback().await?;
        return Ok(());
    }
    tx.commit().await?;
    tracing::info!(court = %notice.court, kind = notice.kind.as_str(), sent, "go-live notice queued for delivery");
    Ok(())
}
