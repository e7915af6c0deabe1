//! Court staff's changes to a case's record, each with a required reason and
//! audited with who made it (the operator's name, or the staff member's
//! PACER username): seal or unseal a docket entry, restrict or release a
//! document, record the case's details (Referred to, Date Terminated, Date
//! Converted, Debtor discharged). Who then sees what is in
//! `openecf_domain::record`.

use openecf_domain::record::{check_details, reason, Details, RecordRefusal};
use openecf_domain::{AuditAction, AuditOutcome, CaseQuery, CourtId, NewAuditEvent};
use openecf_store::{CaseDetails, CaseRow};

use crate::{App, Result};

type Refusable<T> = std::result::Result<T, RecordRefusal>;

/// The court's one case a typed number names.
pub async fn find_case(app: &App, court: &CourtId, typed: &str) -> Result<Refusable<CaseRow>> {
    if app.store.court(court).await?.is_none() {
        return Ok(Err(RecordRefusal::NoSuchCourt(court.to_string())));
    }
    let typed = typed.trim();
    let Ok(q) = CaseQuery::parse(typed) else {
        return Ok(Err(RecordRefusal::BadCaseNumber(typed.to_owned())));
    };
    let mut found = app.store.find_cases(court, &q).await?;
    Ok(match found.len() {
        0 => Err(RecordRefusal::NoSuchCase(typed.to_owned())),
        1 => found.pop().ok_or_else(|| RecordRefusal::NoSuchCase(typed.to_owned())),
        _ => Err(RecordRefusal::AmbiguousCase(typed.to_owned())),
    })
}

/// What every change of the record starts from: a usable reason and the one
/// case the typed number names.
async fn reasoned_case<'a>(
    app: &App,
    court: &CourtId,
    case_number: &str,
    why: &'a str,
) -> Result<Refusable<(&'a str, CaseRow)>> {
    let Some(why) = reason(why) else {
        return Ok(Err(RecordRefusal::NoReason));
    };
    Ok(find_case(app, court, case_number).await?.map(|case| (why, case)))
}

fn event(court: &CourtId, action: AuditAction, detail: String) -> NewAuditEvent {
    NewAuditEvent {
        court_id: Some(court.to_string()),
        detail,
        ..NewAuditEvent::new(action, AuditOutcome::Done)
    }
}

/// Seals (`seal`) or unseals the entry numbered `number` of a case.
pub async fn seal_entry(
    app: &App,
    court: &CourtId,
    case_number: &str,
    number: i64,
    seal: bool,
    why: &str,
    by: &str,
) -> Result<Refusable<CaseRow>> {
    let (why, case) = match reasoned_case(app, court, case_number, why).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let shown = case.number.to_string();
    if app.store.entry_by_number(case.id, number).await?.is_none() {
        return Ok(Err(RecordRefusal::NoSuchEntry { case: shown, number }));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if !tx.set_entry_sealed(case.id, number, seal).await? {
        return Ok(Err(RecordRefusal::Unchanged {
            case: shown,
            number,
            state: if seal { "sealed" } else { "not sealed" },
        }));
    }
    let verb = if seal { "sealed" } else { "unsealed" };
    tx.insert_audit(
        &event(
            court,
            AuditAction::CaseSeal,
            format!("{verb} entry {number} of {} by {by}: {why}", case.number),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(case))
}

/// Restricts (`restrict`) or releases a document: the main document of the
/// entry numbered `number` (attachment 0) or one of its attachments.
#[allow(clippy::too_many_arguments)]
pub async fn restrict_document(
    app: &App,
    court: &CourtId,
    case_number: &str,
    number: i64,
    attachment: i64,
    restrict: bool,
    why: &str,
    by: &str,
) -> Result<Refusable<CaseRow>> {
    let (why, case) = match reasoned_case(app, court, case_number, why).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let shown = case.number.to_string();
    let Some((entry_id, _, _)) = app.store.entry_by_number(case.id, number).await? else {
        return Ok(Err(RecordRefusal::NoSuchEntry { case: shown, number }));
    };
    if !app
        .store
        .entry_documents(entry_id)
        .await?
        .iter()
        .any(|d| d.attachment == attachment)
    {
        return Ok(Err(RecordRefusal::NoSuchDocument {
            case: shown,
            number,
            attachment,
        }));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if !tx.set_document_restricted(entry_id, attachment, restrict).await? {
        return Ok(Err(RecordRefusal::Unchanged {
            case: shown,
            number,
            state: if restrict { "restricted" } else { "not restricted" },
        }));
    }
    let verb = if restrict { "restricted" } else { "released" };
    let what = if attachment == 0 {
        format!("document {number}")
    } else {
        format!("document {number}-{attachment}")
    };
    tx.insert_audit(
        &event(
            court,
            AuditAction::CaseSeal,
            format!("{verb} {what} of {} by {by}: {why}", case.number),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(case))
}

/// What a change of details sets: each `None` leaves that detail as it is;
/// `Some("")` clears Referred to, `Some(None)` a day.
#[derive(Debug, Clone, Default)]
pub struct DetailChanges {
    pub referred_to: Option<String>,
    pub date_terminated: Option<Option<chrono::NaiveDate>>,
    pub date_converted: Option<Option<chrono::NaiveDate>>,
    pub date_discharged: Option<Option<chrono::NaiveDate>>,
}

/// Records a case's details (checked by `check_details` against its filing
/// day and the court's today), audited with the old and new values.
pub async fn set_details(
    app: &App,
    court: &CourtId,
    case_number: &str,
    changes: &DetailChanges,
    why: &str,
    by: &str,
) -> Result<Refusable<CaseRow>> {
    let (why, case) = match reasoned_case(app, court, case_number, why).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let now = app.clock.now();
    let zone = app.store.court_time_zone(court).await?;
    let old = &case.details;
    let new = Details {
        referred_to: changes
            .referred_to
            .as_deref()
            .map_or_else(|| old.referred_to.clone(), |r| r.trim().to_owned()),
        date_terminated: changes.date_terminated.unwrap_or(old.date_terminated),
        date_converted: changes.date_converted.unwrap_or(old.date_converted),
        date_discharged: changes.date_discharged.unwrap_or(old.date_discharged),
    };
    if let Err(r) = check_details(
        case.number.case_type,
        zone.today(case.date_filed),
        zone.today(now),
        &new,
    ) {
        return Ok(Err(r.into()));
    }
    let stored = CaseDetails {
        referred_to: new.referred_to,
        date_terminated: new.date_terminated,
        date_converted: new.date_converted,
        date_discharged: new.date_discharged,
    };
    let mut tx = app.store.write().await?;
    tx.set_case_details(case.id, &stored).await?;
    tx.insert_audit(
        &event(
            court,
            AuditAction::CaseDetails,
            format!("details of {} by {by}: {:?} -> {:?}: {why}", case.number, old, stored),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(CaseRow {
        details: stored,
        ..case
    }))
}

/// A hearing to schedule: the court's local time, what, where.
#[derive(Debug, Clone)]
pub struct NewHearing {
    pub at: chrono::NaiveDateTime,
    pub description: String,
    pub location: String,
}

/// Schedules a hearing on a case (the Calendar Events report lists it):
/// at a time still to come at the court. Audited. Returns its id.
pub async fn schedule_hearing(
    app: &App,
    court: &CourtId,
    case_number: &str,
    h: &NewHearing,
    by: &str,
) -> Result<Refusable<(CaseRow, i64)>> {
    use openecf_domain::record::{check_hearing_text, HearingRefusal};
    for (field, text) in [("description", &h.description), ("location", &h.location)] {
        if let Err(r) = check_hearing_text(field, text) {
            return Ok(Err(r.into()));
        }
    }
    let case = match find_case(app, court, case_number).await? {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let zone = app.store.court_time_zone(court).await?;
    let shown = h.at.format("%Y-%m-%d %H:%M").to_string();
    let Some(starts_at) = zone.instant(h.at) else {
        return Ok(Err(HearingRefusal::NoSuchTime(shown).into()));
    };
    let now = app.clock.now();
    if starts_at <= now {
        return Ok(Err(HearingRefusal::Passed(shown).into()));
    }
    let mut tx = app.store.write().await?;
    let id = tx
        .insert_hearing(case.id, starts_at, h.description.trim(), h.location.trim(), now)
        .await?;
    tx.insert_audit(
        &event(
            court,
            AuditAction::CaseHearing,
            format!(
                "hearing {id} scheduled in {} for {shown} by {by}: {} ({})",
                case.number,
                h.description.trim(),
                h.location.trim()
            ),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok((case, id)))
}

/// Cancels a hearing of the court, with a reason; audited.
pub async fn cancel_hearing(app: &App, court: &CourtId, id: i64, why: &str, by: &str) -> Result<Refusable<()>> {
    let Some(why) = reason(why) else {
        return Ok(Err(RecordRefusal::NoReason));
    };
    if app.store.court(court).await?.is_none() {
        return Ok(Err(RecordRefusal::NoSuchCourt(court.to_string())));
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if !tx.cancel_hearing(court, id, now).await? {
        return Ok(Err(openecf_domain::HearingRefusal::NoSuchHearing(id).into()));
    }
    tx.insert_audit(
        &event(
            court,
            AuditAction::CaseHearing,
            format!("hearing {id} cancelled by {by}: {why}"),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}
