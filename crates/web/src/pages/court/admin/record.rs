//! The console's Case record page (`/ecf/{court}/admin/record`): seal or
//! unseal an entry, restrict or release a document, record the case's
//! details, schedule a hearing — the same use cases as `openecf case …`,
//! audited with the staff member's PACER username and the reason.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use openecf_app::record::{self, DetailChanges, NewHearing};
use openecf_domain::record::{parse_day, parse_hearing_time};
use openecf_domain::RecordRefusal;
use serde::Deserialize;

use super::Staff;
use crate::extract::{CsrfForm, Query};
use crate::paths::see_other;
use crate::view::render;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "admin_record.html")]
struct RecordPage {
    nav: super::CourtNav,
    base: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Done {
    done: String,
}

fn page(staff: &Staff, notice: Option<&'static str>, error: Option<String>) -> Response {
    render(
        crate::view::form_status(error.is_some()),
        RecordPage {
            nav: staff.nav(),
            base: staff.base(),
            notice,
            error,
        },
    )
}

pub(super) async fn show(Extension(staff): Extension<Staff>, Query(done): Query<Done>) -> Result<Response, AppError> {
    let notice = match done.done.as_str() {
        "sealed" => Some("The entry is sealed: only the court's staff see its text and documents."),
        "unsealed" => Some("The entry is unsealed: the public sees it again."),
        "restricted" => {
            Some("The document is restricted: the public no longer gets it; the case's attorneys of record do.")
        }
        "released" => Some("The document is released to the public."),
        "details" => Some("The case's details are recorded; the docket report prints them."),
        "hearing" => Some("The hearing is scheduled; Calendar Events lists it."),
        _ => None,
    };
    Ok(page(&staff, notice, None))
}

/// After a change: its notice (a redirect, so a reload posts nothing), or the page with the refusal.
fn after(staff: &Staff, outcome: Result<(), RecordRefusal>, done: &str) -> Response {
    match outcome {
        Ok(()) => see_other(&format!("{}/record?done={done}", staff.base())),
        Err(r) => page(staff, None, Some(r.to_string())),
    }
}

fn number(raw: &str, what: &'static str) -> Result<i64, RecordRefusal> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or(RecordRefusal::BadNumber(what))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SealForm {
    case: String,
    entry: String,
    action: String,
    reason: String,
}

pub(super) async fn seal(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    CsrfForm(form): CsrfForm<SealForm>,
) -> Result<Response, AppError> {
    let entry = match number(&form.entry, "Entry number") {
        Ok(n) => n,
        Err(r) => return Ok(after(&staff, Err(r), "")),
    };
    let seal = form.action != "unseal";
    let outcome = record::seal_entry(
        &state,
        &staff.court.id,
        &form.case,
        entry,
        seal,
        &form.reason,
        staff.operator(),
    )
    .await?
    .map(|_| ());
    Ok(after(&staff, outcome, if seal { "sealed" } else { "unsealed" }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RestrictForm {
    case: String,
    entry: String,
    attachment: String,
    action: String,
    reason: String,
}

pub(super) async fn restrict(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    CsrfForm(form): CsrfForm<RestrictForm>,
) -> Result<Response, AppError> {
    let (entry, attachment) = match (
        number(&form.entry, "Entry number"),
        number(&form.attachment, "Attachment number"),
    ) {
        (Ok(e), Ok(a)) => (e, a),
        (Err(r), _) | (_, Err(r)) => return Ok(after(&staff, Err(r), "")),
    };
    let restrict = form.action != "release";
    let outcome = record::restrict_document(
        &state,
        &staff.court.id,
        &form.case,
        entry,
        attachment,
        restrict,
        &form.reason,
        staff.operator(),
    )
    .await?
    .map(|_| ());
    Ok(after(&staff, outcome, if restrict { "restricted" } else { "released" }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DetailsForm {
    case: String,
    referred_to: String,
    terminated: String,
    converted: String,
    discharged: String,
    reason: String,
}

pub(super) async fn details(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    CsrfForm(form): CsrfForm<DetailsForm>,
) -> Result<Response, AppError> {
    // An empty field stays as it is; "none" clears it.
    let day = |field: &'static str, raw: &str| -> Result<Option<Option<chrono::NaiveDate>>, RecordRefusal> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        parse_day(field, raw).map(Some).map_err(RecordRefusal::from)
    };
    let changes = (|| -> Result<DetailChanges, RecordRefusal> {
        Ok(DetailChanges {
            referred_to: match form.referred_to.trim() {
                "" => None,
                r if r.eq_ignore_ascii_case("none") => Some(String::new()),
                r => Some(r.to_owned()),
            },
            date_terminated: day("Date Terminated", &form.terminated)?,
            date_converted: day("Date Converted", &form.converted)?,
            date_discharged: day("Debtor discharged", &form.discharged)?,
        })
    })();
    let outcome = match changes {
        Ok(changes) => record::set_details(
            &state,
            &staff.court.id,
            &form.case,
            &changes,
            &form.reason,
            staff.operator(),
        )
        .await?
        .map(|_| ()),
        Err(r) => Err(r),
    };
    Ok(after(&staff, outcome, "details"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct HearingForm {
    case: String,
    at: String,
    description: String,
    location: String,
}

pub(super) async fn hearing(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    CsrfForm(form): CsrfForm<HearingForm>,
) -> Result<Response, AppError> {
    let outcome = match parse_hearing_time(&form.at) {
        Err(r) => Err(RecordRefusal::from(r)),
        Ok(at) => {
            let h = NewHearing {
                at,
                description: form.description.clone(),
                location: form.location.clone(),
            };
            record::schedule_hearing(&state, &staff.court.id, &form.case, &h, staff.operator())
                .await?
                .map(|_| ())
        }
    };
    Ok(after(&staff, outcome, "hearing"))
}
