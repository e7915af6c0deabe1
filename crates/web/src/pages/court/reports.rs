//! The Reports menu (`/ecf/{court}/reports`) and its court-wide reports in
//! CM/ECF's URL shapes: Written Opinions (`cgi-bin/WrtOpRpt.pl`, read by
//! juriscraper's `FreeOpinionReport`) and Calendar Events
//! (`cgi-bin/CalEvents.pl`: the hearings staff schedule); at a bankruptcy
//! court the Claims Register (`cgi-bin/SearchClaims.pl`, read by juriscraper's
//! `ClaimsRegister`) and its claims' documents (`cgi-bin/show_doc.pl`, behind
//! View Document as `/doc1/` is). Reports change nothing: their forms
//! are plain GETs, and CM/ECF's POST of them is read the same way.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawForm, RawQuery, State};
use axum::response::{IntoResponse, Response};
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
        .route("/ecf/{court}/cgi-bin/SearchClaims.pl", get(claims).post(claims_posted))
        .route(
            "/ecf/{court}/cgi-bin/show_doc.pl",
            get(claim_document).post(claim_document_view),
        )
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

// ---------------------------------------------------------- SearchClaims.pl

#[derive(Template)]
#[template(path = "claims_form.html")]
struct ClaimsForm {
    nav: CourtNav,
    error: Option<String>,
    case_num: String,
    from: String,
    to: String,
}

struct ClaimLine {
    id: i64,
    number: i64,
    creditor: String,
    address: Vec<String>,
    amount: String,
    date: String,
    filed_by: String,
    doc_href: String,
}

#[derive(Template)]
#[template(path = "claims_register.html")]
struct ClaimsRegister {
    nav: CourtNav,
    court_name: String,
    number: String,
    debtor: String,
    docket_href: String,
    judge: Option<String>,
    chapter: String,
    office: u8,
    date_filed: String,
    date_closed: Option<String>,
    date_converted: Option<String>,
    claims: Vec<ClaimLine>,
    total: String,
    receipt: Option<crate::pages::billing::ReceiptView>,
}

async fn claims(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let f = fields(q.unwrap_or_default().as_bytes());
    claims_page(&state, &user, &court, &f).await
}

/// CM/ECF's POST (what juriscraper's `ClaimsRegister.query` sends:
/// `all_case_ids`, `case_num`, `f_fromdt`, `f_todt`).
async fn claims_posted(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let mut f = fields(q.unwrap_or_default().as_bytes());
    // CM/ECF's `?1-L_1_0-1` on a post names no case.
    f.remove("");
    f.extend(fields(&body));
    claims_page(&state, &user, &court, &f).await
}

/// The form until a case is named; then the case's claims register, billed
/// as a case's report (by its bytes, at most 30 pages) with the receipt.
async fn claims_page(
    state: &AppState,
    user: &PacerUser,
    raw_court: &str,
    f: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let court = load_court(state, raw_court).await?;
    if court.kind != CourtKind::Bankruptcy {
        return Err(AppError::NotFound);
    }
    let nav = nav_for(state, &court, user).await?;
    let zone = state.store.court_time_zone(&court.id).await?;
    let case_num: String = field(f, "case_num").chars().take(40).collect();
    let typed_from: String = field(f, "f_fromdt").chars().take(10).collect();
    let typed_to: String = field(f, "f_todt").chars().take(10).collect();
    let form = |nav: CourtNav, error: Option<String>| {
        render(
            crate::view::form_status(error.is_some()),
            ClaimsForm {
                nav,
                error,
                case_num: case_num.clone(),
                from: typed_from.clone(),
                to: typed_to.clone(),
            },
        )
    };
    // The case: CM/ECF's bare `?{id}` or `all_case_ids`, else the number typed.
    let by_id = [field(f, "all_case_ids"), field(f, "")]
        .into_iter()
        .find_map(|v| v.parse::<i64>().ok().filter(|id| *id > 0));
    let case = match by_id {
        Some(id) => state.store.case(&court.id, id).await?,
        None if case_num.is_empty() => return Ok(form(nav, None)),
        None => match openecf_domain::CaseQuery::parse(&case_num) {
            Err(e) => return Ok(form(nav, Some(format!("Case number: {}", e.reason)))),
            Ok(q) => {
                let mut found = state.store.find_cases(&court.id, &q).await?;
                found.retain(|c| c.number.case_type == openecf_domain::CaseType::Bankruptcy);
                match found.len() {
                    1 => found.pop(),
                    0 => {
                        return Ok(form(
                            nav,
                            Some(format!("There is no bankruptcy case {case_num} at this court.")),
                        ))
                    }
                    _ => {
                        return Ok(form(
                            nav,
                            Some(format!("{case_num} may mean several cases: type the whole number.")),
                        ))
                    }
                }
            }
        },
    };
    let Some(case) = case.filter(|c| c.number.case_type == openecf_domain::CaseType::Bankruptcy) else {
        return Err(AppError::NotFound);
    };
    let day = |raw: &str| -> Result<Option<chrono::NaiveDate>, ()> {
        if raw.is_empty() {
            Ok(None)
        } else {
            parse_date(raw).map(Some).ok_or(())
        }
    };
    let (Ok(from), Ok(to)) = (day(&typed_from), day(&typed_to)) else {
        return Ok(form(nav, Some("Type the dates as mm/dd/yyyy.".into())));
    };
    let from_at = from.map_or(chrono::DateTime::<chrono::Utc>::MIN_UTC, |d| zone.start_of(d));
    let before_at = to
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .map_or(chrono::DateTime::<chrono::Utc>::MAX_UTC, |d| zone.start_of(d));
    let found = state.store.claims(case.id, from_at, before_at).await?;
    let judge = match &case.number.judge {
        Some(initials) => state
            .store
            .judges(&court.id)
            .await?
            .into_iter()
            .find(|(_, i)| i == initials)
            .map(|(name, _)| name),
        None => None,
    };
    let debtor = state
        .store
        .parties(case.id)
        .await?
        .into_iter()
        .find(|p| p.role == openecf_domain::PartyRole::Debtor)
        .map_or_else(|| case.title.clone(), |p| p.name);
    let total: i64 = found.iter().map(|c| c.amount_cents).sum();
    let lines = found
        .into_iter()
        .map(|c| ClaimLine {
            doc_href: format!(
                "/ecf/{}/cgi-bin/show_doc.pl?caseid={}&claim_id={}&claim_num={}-1",
                court.id, case.id, c.id, c.claim_number
            ),
            id: c.id,
            number: c.claim_number,
            amount: openecf_domain::fees::money(c.amount_cents),
            date: date(&zone, c.filed_at),
            creditor: c.creditor_name,
            address: c.creditor_address,
            filed_by: c.filed_by,
        })
        .collect();
    let mdy = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%m/%d/%Y").to_string());
    let mut report = ClaimsRegister {
        nav,
        court_name: court.name.clone(),
        number: case.number.to_string(),
        debtor,
        docket_href: format!("/ecf/{}/cgi-bin/DktRpt.pl?{}", court.id, case.id),
        judge,
        chapter: case.chapter.map(|c| c.to_string()).unwrap_or_default(),
        office: case.number.office,
        date_filed: date(&zone, case.date_filed),
        date_closed: mdy(case.details.date_terminated),
        date_converted: mdy(case.details.date_converted),
        claims: lines,
        total: openecf_domain::fees::money(total),
        receipt: None,
    };
    let bytes = i64::try_from(report.render().map_err(|e| AppError::Internal(e.into()))?.len()).unwrap_or(i64::MAX);
    let mut criteria = report.number.clone();
    if let Some(d) = from {
        criteria.push_str(&format!(" Filed From: {}", d.format("%m/%d/%Y")));
    }
    if let Some(d) = to {
        criteria.push_str(&format!(" Filed To: {}", d.format("%m/%d/%Y")));
    }
    let billable = openecf_domain::fees::Billable::CaseReport { bytes };
    let t = charge_report(state, user, &court, "Claims Register", &criteria, billable, false).await?;
    report.receipt = Some(crate::pages::billing::ReceiptView::of(&t));
    Ok(page(report))
}

// --------------------------------------------------------------- show_doc.pl

#[derive(Template)]
#[template(path = "public_document.html")]
struct ClaimDocumentPage {
    nav: CourtNav,
    csrf: String,
    action: String,
    number: String,
    entry_number: String,
    part: String,
    pages: i64,
    cost: String,
    exempt: Option<&'static str>,
    filename: String,
    k: String,
}

/// The claim a `show_doc.pl?caseid=…&claim_id=…` link names, with its case.
async fn named_claim(
    state: &AppState,
    court: &openecf_domain::Court,
    f: &HashMap<String, String>,
) -> Result<(openecf_store::ClaimRow, openecf_store::CaseRow), AppError> {
    let id: i64 = field(f, "claim_id").parse().map_err(|_| AppError::NotFound)?;
    let claim = state.store.claim(&court.id, id).await?.ok_or(AppError::NotFound)?;
    let case = state
        .store
        .case(&court.id, claim.case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((claim, case))
}

/// A claim's document: the View Document page with the fee it will charge
/// (its pages, at most 30; free to the court's staff).
async fn claim_document(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let raw = q.unwrap_or_default();
    let f = fields(raw.as_bytes());
    let court = load_court(&state, &court).await?;
    let (claim, case) = named_claim(&state, &court, &f).await?;
    let nav = nav_for(&state, &court, &user).await?;
    let pages = openecf_domain::fees::Billable::Document { pages: claim.pages }.pages();
    let staff = state.store.is_staff(&court.id, user.session.account.id).await?;
    let cost = if staff {
        0
    } else {
        pages * openecf_domain::fees::PAGE_CENTS
    };
    Ok(page(ClaimDocumentPage {
        nav,
        csrf: user.visitor.csrf.value().to_owned(),
        action: format!(
            "/ecf/{}/cgi-bin/show_doc.pl?caseid={}&claim_id={}&claim_num={}-1",
            court.id, case.id, claim.id, claim.claim_number
        ),
        number: case.number.to_string(),
        entry_number: format!("Claim {}-1", claim.claim_number),
        part: "Proof of Claim".into(),
        pages,
        cost: format!("{}.{:02}", cost / 100, cost % 100),
        exempt: staff.then_some("court user"),
        filename: claim.original_filename,
        k: crate::search_key::issue(&state, &user.session.token_hash),
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ViewForm {
    k: String,
}

/// View Document on a claim's page: charges its pages once (the page's own
/// number keeps a second click from charging again) and opens the PDF.
async fn claim_document_view(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
    crate::extract::CsrfForm(form): crate::extract::CsrfForm<ViewForm>,
) -> Result<Response, AppError> {
    let f = fields(q.unwrap_or_default().as_bytes());
    let court = load_court(&state, &court).await?;
    let (claim, case) = named_claim(&state, &court, &f).await?;
    let key = if crate::search_key::verify(&state, &user.session.token_hash, &form.k) {
        form.k.clone()
    } else {
        format!("minute:{}", state.clock.now().timestamp() / 60)
    };
    openecf_app::filing::charge_document(
        &state,
        &court,
        &user.session.account,
        &user.session.token_hash,
        &format!("Claim {}-1", claim.claim_number),
        &case.number.to_string(),
        claim.pages,
        false,
        &key,
    )
    .await?;
    let bytes = state
        .settings
        .documents
        .get(&claim.sha256)
        .await
        .map_err(AppError::Internal)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                super::filing::content_disposition(&claim.original_filename),
            ),
            (axum::http::header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
