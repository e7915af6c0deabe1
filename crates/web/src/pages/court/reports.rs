//! The Reports menu (`/ecf/{court}/reports`) and its court-wide reports in
//! CM/ECF's URL shapes: Written Opinions (`cgi-bin/WrtOpRpt.pl`, read by
//! juriscraper's `FreeOpinionReport`) and Calendar Events
//! (`cgi-bin/CalEvents.pl`: the hearings staff schedule). Reports change nothing: their forms
//! are plain GETs, and CM/ECF's POST of them is read the same way.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawForm, RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::Days;
use openecf_domain::{doc1_number, CourtKind};

use super::public::{date, field, fields, nav_for, parse_date};
use super::{load_court, CourtNav};
use crate::extract::{PacerUser, Path};
use crate::view::{page, render};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ecf/{court}/reports", get(reports))
        .route(
            "/ecf/{court}/cgi-bin/WrtOpRpt.pl",
            get(written_opinions).post(written_opinions_posted),
        )
        .route("/ecf/{court}/cgi-bin/CalEvents.pl", get(calendar).post(calendar_posted))
}

/// The most opinions one report lists.
const OPINIONS_LIMIT: i64 = 1000;
/// The longest span one report covers (CM/ECF's own limit is shorter).
const OPINIONS_MAX_DAYS: u64 = 366;

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    nav: CourtNav,
    bankruptcy: bool,
}

/// The Reports menu: each report CM/ECF offers the public here.
async fn reports(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let nav = nav_for(&state, &court, &user).await?;
    Ok(page(ReportsPage {
        nav,
        bankruptcy: court.kind == CourtKind::Bankruptcy,
    }))
}

// ---------------------------------------------------------------- WrtOpRpt.pl

#[derive(Template)]
#[template(path = "written_opinions_form.html")]
struct OpinionsForm {
    nav: CourtNav,
    error: Option<String>,
    filed_from: String,
    filed_to: String,
}

struct OpinionLine {
    date: String,
    number: String,
    title: String,
    case_href: String,
    doc_href: String,
    document_number: i64,
    text: String,
    nature_of_suit: String,
    cause: String,
}

#[derive(Template)]
#[template(path = "written_opinions.html")]
struct OpinionsReport {
    nav: CourtNav,
    by_case: bool,
    filed_from: String,
    filed_to: String,
    rows: Vec<OpinionLine>,
    receipt: Option<crate::pages::billing::ReceiptView>,
}

async fn written_opinions(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let f = fields(q.unwrap_or_default().as_bytes());
    opinions_page(&state, &user, &court, &f).await
}

/// CM/ECF's own form post (what juriscraper's `FreeOpinionReport.query` sends).
async fn written_opinions_posted(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let f = fields(&body);
    opinions_page(&state, &user, &court, &f).await
}

/// The form until dates are given; then the report: free (opinions are),
/// recorded as a transaction with its receipt at the foot.
async fn opinions_page(
    state: &AppState,
    user: &PacerUser,
    raw_court: &str,
    f: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let court = load_court(state, raw_court).await?;
    let nav = nav_for(state, &court, user).await?;
    let zone = state.store.court_time_zone(&court.id).await?;
    let typed_from: String = field(f, "filed_from").chars().take(10).collect();
    let typed_to: String = field(f, "filed_to").chars().take(10).collect();
    let form = |nav: CourtNav, error: Option<String>| {
        let today = date(&zone, state.clock.now());
        render(
            crate::view::form_status(error.is_some()),
            OpinionsForm {
                nav,
                error,
                filed_from: if typed_from.is_empty() {
                    today.clone()
                } else {
                    typed_from.clone()
                },
                filed_to: if typed_to.is_empty() { today } else { typed_to.clone() },
            },
        )
    };
    if typed_from.is_empty() && typed_to.is_empty() {
        return Ok(form(nav, None));
    }
    let (Some(from), Some(to)) = (parse_date(&typed_from), parse_date(&typed_to)) else {
        return Ok(form(nav, Some("Type both dates as mm/dd/yyyy.".into())));
    };
    if from > to {
        return Ok(form(
            nav,
            Some("The start date must be less than or equal to the end date.".into()),
        ));
    }
    let Some(after_to) = to.checked_add_days(Days::new(1)) else {
        return Ok(form(nav, Some("Type both dates as mm/dd/yyyy.".into())));
    };
    if (to - from).num_days() > i64::try_from(OPINIONS_MAX_DAYS).unwrap_or(i64::MAX) {
        return Ok(form(
            nav,
            Some(format!("Ask for at most {OPINIONS_MAX_DAYS} days at a time.")),
        ));
    }
    let by_case = field(f, "Key1") == "cs_sort_case_numb";
    let found = state
        .store
        .written_opinions(
            &court.id,
            zone.start_of(from),
            zone.start_of(after_to),
            by_case,
            OPINIONS_LIMIT,
        )
        .await?;
    let prefix = state.store.doc_id_prefix(&court.id).await?;
    let rows = found
        .into_iter()
        .map(|o| OpinionLine {
            date: date(&zone, o.filed_at),
            number: o.case.number.to_string(),
            case_href: format!("/ecf/{}/cgi-bin/DktRpt.pl?{}", court.id, o.case.id),
            doc_href: format!("/ecf/{}/doc1/{}", court.id, doc1_number(&prefix, o.document_id)),
            document_number: o.number,
            text: o.docket_text,
            nature_of_suit: o.case.nature_of_suit,
            cause: o.case.cause,
            title: o.case.title,
        })
        .collect::<Vec<_>>();
    let filed_from = from.format("%m/%d/%Y").to_string();
    let filed_to = to.format("%m/%d/%Y").to_string();
    let mut report = OpinionsReport {
        nav,
        by_case,
        filed_from: filed_from.clone(),
        filed_to: filed_to.clone(),
        rows,
        receipt: None,
    };
    let bytes = i64::try_from(report.render().map_err(|e| AppError::Internal(e.into()))?.len()).unwrap_or(i64::MAX);
    let criteria = format!("Filed from: {filed_from} Filed to: {filed_to}");
    let matched = !report.rows.is_empty();
    let billable = openecf_domain::fees::Billable::Search { bytes, matched };
    let t = charge_report(state, user, &court, "Written Opinions", &criteria, billable, true).await?;
    report.receipt = Some(crate::pages::billing::ReceiptView::of(&t));
    Ok(page(report))
}

// ---------------------------------------------------------------- CalEvents.pl

/// The most hearings one report lists, and the longest span it covers.
const CALENDAR_LIMIT: i64 = 2000;
const CALENDAR_MAX_DAYS: i64 = 366;

#[derive(Template)]
#[template(path = "calendar_form.html")]
struct CalendarForm {
    nav: CourtNav,
    error: Option<String>,
    date_from: String,
    date_to: String,
}

struct HearingLine {
    date: String,
    time: String,
    number: String,
    title: String,
    case_href: String,
    description: String,
    location: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarReport {
    nav: CourtNav,
    date_from: String,
    date_to: String,
    rows: Vec<HearingLine>,
    receipt: Option<crate::pages::billing::ReceiptView>,
}

async fn calendar(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let f = fields(q.unwrap_or_default().as_bytes());
    calendar_page(&state, &user, &court, &f).await
}

async fn calendar_posted(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let f = fields(&body);
    calendar_page(&state, &user, &court, &f).await
}

/// The form until dates are given; then the court's hearings in the range,
/// billed as a search (by the report's bytes, not capped; none found costs a
/// page), with the receipt at the foot.
async fn calendar_page(
    state: &AppState,
    user: &PacerUser,
    raw_court: &str,
    f: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let court = load_court(state, raw_court).await?;
    let nav = nav_for(state, &court, user).await?;
    let zone = state.store.court_time_zone(&court.id).await?;
    let typed_from: String = field(f, "date_from").chars().take(10).collect();
    let typed_to: String = field(f, "date_to").chars().take(10).collect();
    let today = zone.today(state.clock.now());
    let form = |nav: CourtNav, error: Option<String>| {
        let week = today.checked_add_days(Days::new(7)).unwrap_or(today);
        render(
            crate::view::form_status(error.is_some()),
            CalendarForm {
                nav,
                error,
                date_from: if typed_from.is_empty() {
                    today.format("%m/%d/%Y").to_string()
                } else {
                    typed_from.clone()
                },
                date_to: if typed_to.is_empty() {
                    week.format("%m/%d/%Y").to_string()
                } else {
                    typed_to.clone()
                },
            },
        )
    };
    if typed_from.is_empty() && typed_to.is_empty() {
        return Ok(form(nav, None));
    }
    let (Some(from), Some(to)) = (parse_date(&typed_from), parse_date(&typed_to)) else {
        return Ok(form(nav, Some("Type both dates as mm/dd/yyyy.".into())));
    };
    if from > to {
        return Ok(form(
            nav,
            Some("The start date must be less than or equal to the end date.".into()),
        ));
    }
    if (to - from).num_days() > CALENDAR_MAX_DAYS {
        return Ok(form(
            nav,
            Some(format!("Ask for at most {CALENDAR_MAX_DAYS} days at a time.")),
        ));
    }
    let Some(after_to) = to.checked_add_days(Days::new(1)) else {
        return Ok(form(nav, Some("Type both dates as mm/dd/yyyy.".into())));
    };
    let found = state
        .store
        .hearings(&court.id, zone.start_of(from), zone.start_of(after_to), CALENDAR_LIMIT)
        .await?;
    let rows: Vec<HearingLine> = found
        .into_iter()
        .map(|h| {
            let local = zone.local(h.starts_at);
            HearingLine {
                date: local.format("%m/%d/%Y").to_string(),
                time: local.format("%-I:%M %p").to_string(),
                number: h.case.number.to_string(),
                case_href: format!("/ecf/{}/cgi-bin/iquery.pl?{}", court.id, h.case.id),
                title: h.case.title,
                description: h.description,
                location: h.location,
            }
        })
        .collect();
    let date_from = from.format("%m/%d/%Y").to_string();
    let date_to = to.format("%m/%d/%Y").to_string();
    let matched = !rows.is_empty();
    let mut report = CalendarReport {
        nav,
        date_from: date_from.clone(),
        date_to: date_to.clone(),
        rows,
        receipt: None,
    };
    let bytes = i64::try_from(report.render().map_err(|e| AppError::Internal(e.into()))?.len()).unwrap_or(i64::MAX);
    let criteria = format!("From: {date_from} To: {date_to}");
    let t = charge_report(
        state,
        user,
        &court,
        "Calendar Events",
        &criteria,
        openecf_domain::fees::Billable::Search { bytes, matched },
        false,
    )
    .await?;
    report.receipt = Some(crate::pages::billing::ReceiptView::of(&t));
    Ok(page(report))
}

/// Charges a report once per request: the same report asked again within
/// the minute is the same transaction (as the docket report is).
async fn charge_report(
    state: &AppState,
    user: &PacerUser,
    court: &openecf_domain::Court,
    description: &str,
    criteria: &str,
    billable: openecf_domain::fees::Billable,
    opinion: bool,
) -> Result<openecf_store::TransactionRow, AppError> {
    let key = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(user.session.token_hash.as_bytes());
        h.update(description.as_bytes());
        h.update(criteria.as_bytes());
        h.update((state.clock.now().timestamp() / 60).to_le_bytes());
        hex::encode(h.finalize())
    };
    Ok(openecf_app::fees::charge(
        state,
        &user.session.account,
        &user.session.token_hash,
        openecf_app::fees::Charge {
            court: Some(court),
            description,
            criteria,
            billable,
            opinion,
            request_key: &key,
        },
    )
    .await?)
}
