//! Public access to a court's record, in CM/ECF's own URL shapes and HTML,
//! so that the programs that read CM/ECF (juriscraper, CourtListener) read
//! openecf: the case query (`cgi-bin/iquery.pl`), the docket report
//! (`cgi-bin/DktRpt.pl`), the case-number lookup
//! (`cgi-bin/possible_case_numbers.pl`), a document by its entry number
//! (`cgi-bin/show_case_doc`), the court's RSS feed (`cgi-bin/rss_outside.pl`)
//! and, for `/doc1/` (routed with the filing pages), what a PACER user who is
//! not of record sees: the attachment menu and the View Document page.
//!
//! Every page but the RSS feed needs a PACER login (public access is through
//! PACER, not a CM/ECF account). Queries and reports change nothing, so their
//! forms are plain GETs; CM/ECF's own POST shape (what juriscraper sends) is
//! read the same way. Viewing a document is a POST with the page's CSRF
//! token: the step where PACER's fee confirmation belongs.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawForm, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Days, NaiveDate};
use openecf_app::filing;
use openecf_domain::{doc1_number, CaseQuery, CaseType, Court, CourtKind, CourtZone, Reader};
use openecf_store::{CaseRow, DocketFilter, DocumentRow, ReportEntry as Entry};

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerUser, Path};
use crate::session::Visitor;
use crate::view::{page, render};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ecf/{court}/cgi-bin/iquery.pl", get(iquery).post(iquery_posted))
        .route(
            "/ecf/{court}/cgi-bin/DktRpt.pl",
            get(docket_report).post(docket_report_posted),
        )
        .route(
            "/ecf/{court}/cgi-bin/possible_case_numbers.pl",
            get(possible_case_numbers),
        )
        .route("/ecf/{court}/cgi-bin/show_case_doc", get(show_case_doc))
        .route("/ecf/{court}/cgi-bin/rss_outside.pl", get(rss))
}

/// The most cases a name search lists.
const SEARCH_LIMIT: i64 = 100;
/// How far back the RSS feed reaches, and how many entries it holds at most.
const FEED_HOURS: i64 = 24;
const FEED_LIMIT: i64 = 200;

/// A query string or form body as name → value (the last of a repeated
/// name), with CM/ECF's bare `?123` (a case id) kept under `""`.
pub(super) fn fields(raw: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    // `?123` or `?1-L_1_0-1`: CM/ECF's bare query, a first part without `=`.
    let first = raw.split(|b| *b == b'&').next().unwrap_or_default();
    if !first.is_empty() && !first.contains(&b'=') {
        if let Some((bare, _)) = url::form_urlencoded::parse(first).next() {
            out.insert(String::new(), bare.into_owned());
        }
    }
    for (k, v) in url::form_urlencoded::parse(raw) {
        if !k.is_empty() {
            out.insert(k.into_owned(), v.into_owned());
        }
    }
    out
}

pub(super) fn field<'a>(f: &'a HashMap<String, String>, name: &str) -> &'a str {
    f.get(name).map_or("", |v| v.trim())
}

/// The case id a request names: `?123` as CM/ECF links carry it, or the
/// form's `all_case_ids`.
fn case_id_of(f: &HashMap<String, String>) -> Option<i64> {
    let id = field(f, "all_case_ids");
    let id = if id.is_empty() { field(f, "") } else { id };
    id.parse().ok().filter(|id: &i64| *id > 0)
}

pub(super) async fn nav_for(state: &AppState, court: &Court, user: &PacerUser) -> Result<CourtNav, AppError> {
    let court_user = CourtUser::pacer(state, &user.session, court).await?;
    Ok(CourtNav::new(court, &user.visitor, Some(&court_user)))
}

/// The court's day of an instant, as CM/ECF prints it: `11/26/2026`.
pub(super) fn date(zone: &CourtZone, t: chrono::DateTime<chrono::Utc>) -> String {
    zone.today(t).format("%m/%d/%Y").to_string()
}

/// A date as CM/ECF's forms take it: `mm/dd/yyyy` (one-digit month or day
/// too), or `yyyy-mm-dd`.
pub(super) fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%Y-%m-%d"))
        .ok()
}

/// The judge a case is assigned to, by name, from the court's list.
async fn judge_name(state: &AppState, case: &CaseRow) -> Result<Option<String>, AppError> {
    let Some(initials) = &case.number.judge else {
        return Ok(None);
    };
    let judges = state.store.judges(&case.court).await?;
    Ok(judges.into_iter().find(|(_, i)| i == initials).map(|(name, _)| name))
}

fn heading_of(case_type: CaseType) -> &'static str {
    match case_type {
        CaseType::Bankruptcy => "Bankruptcy Petition #: ",
        CaseType::Adversary => "Adversary Proceeding #: ",
        CaseType::Criminal | CaseType::Magistrate => "CRIMINAL DOCKET FOR CASE #: ",
        CaseType::Civil | CaseType::Miscellaneous => "CIVIL DOCKET FOR CASE #: ",
    }
}

#[derive(Template)]
#[template(path = "court_info.html")]
struct Message {
    nav: CourtNav,
    title: &'static str,
    message: String,
}

// ---------------------------------------------------------------- iquery.pl

struct CaseLine {
    id: i64,
    number: String,
    title: String,
    party: String,
    role: &'static str,
    date_filed: String,
}

/// The query form as filled in, and what it found.
struct QueryPage {
    nav: CourtNav,
    case_num: String,
    last_name: String,
    first_name: String,
    error: Option<String>,
    /// `Some` once a search ran: what it found.
    results: Option<Vec<CaseLine>>,
    /// Where a found case leads: the case query or the docket report.
    target: &'static str,
    /// What a found case's link carries on (the docket report's ranges),
    /// from `&`, URL-encoded.
    carry: String,
}

#[derive(Template)]
#[template(path = "public_query.html")]
struct IqueryPage {
    query: QueryPage,
}

#[derive(Template)]
#[template(path = "public_case.html")]
struct CasePage {
    nav: CourtNav,
    id: i64,
    number: String,
    title: String,
    judge: Option<String>,
    bankruptcy: Option<(String, String)>,
    /// Recorded by court staff: the magistrate judge ("…, referral"), the
    /// days terminated and (bankruptcy) the debtor discharged.
    referred_to: Option<String>,
    date_terminated: Option<String>,
    date_discharged: Option<String>,
    date_filed: String,
    last_filing: Option<String>,
}

async fn iquery(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let f = fields(q.unwrap_or_default().as_bytes());
    iquery_page(&state, &user, &court, &f).await
}

/// CM/ECF's own form post (as juriscraper's `CaseQuery.query` sends it): a
/// query, so read like the GET.
async fn iquery_posted(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let mut f = fields(q.unwrap_or_default().as_bytes());
    f.extend(fields(&body));
    iquery_page(&state, &user, &court, &f).await
}

async fn iquery_page(
    state: &AppState,
    user: &PacerUser,
    raw_court: &str,
    f: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let court = load_court(state, raw_court).await?;
    let nav = nav_for(state, &court, user).await?;
    if let Some(id) = case_id_of(f) {
        let case = state.store.case(&court.id, id).await?.ok_or(AppError::NotFound)?;
        return case_page(state, nav, case).await;
    }
    let p = search(state, &court, nav, f, "iquery.pl").await?;
    if let Some([only]) = p.results.as_deref() {
        if !p.case_num.is_empty() {
            let case = state.store.case(&court.id, only.id).await?.ok_or(AppError::NotFound)?;
            return case_page(state, p.nav, case).await;
        }
    }
    let status = if p.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(status, IqueryPage { query: p }))
}

/// The query form, and what it found when it was filled in: by case number
/// (typed loosely, as filers type it) or by a party's name.
async fn search(
    state: &AppState,
    court: &Court,
    nav: CourtNav,
    f: &HashMap<String, String>,
    target: &'static str,
) -> Result<QueryPage, AppError> {
    let zone = state.store.court_time_zone(&court.id).await?;
    let mut p = QueryPage {
        nav,
        case_num: field(f, "case_num").chars().take(60).collect(),
        last_name: field(f, "last_name").chars().take(100).collect(),
        first_name: field(f, "first_name").chars().take(100).collect(),
        error: None,
        results: None,
        target,
        carry: String::new(),
    };
    if !p.case_num.is_empty() {
        match CaseQuery::parse(&p.case_num) {
            Ok(q) => {
                let found = state.store.find_cases(&court.id, &q).await?;
                p.results = Some(
                    found
                        .into_iter()
                        .map(|c| CaseLine {
                            id: c.id,
                            number: c.number.to_string(),
                            title: c.title,
                            party: String::new(),
                            role: "",
                            date_filed: date(&zone, c.date_filed),
                        })
                        .collect(),
                );
            }
            Err(e) => p.error = Some(e.to_string()),
        }
    } else if !p.last_name.is_empty() {
        let first = p.first_name.to_lowercase();
        let found = state
            .store
            .cases_by_party_name(&court.id, &p.last_name, SEARCH_LIMIT)
            .await?;
        p.results = Some(
            found
                .into_iter()
                .filter(|m| m.party.to_lowercase().contains(&first))
                .map(|m| CaseLine {
                    id: m.case.id,
                    number: m.case.number.to_string(),
                    title: m.case.title,
                    party: m.party,
                    role: m.role.as_str(),
                    date_filed: date(&zone, m.case.date_filed),
                })
                .collect(),
        );
    } else if f.contains_key("case_num") || f.contains_key("last_name") {
        p.error = Some("Enter a case number, or a party's last name.".into());
    }
    Ok(p)
}

/// The case's query page: CM/ECF's summary (number, title, judge, dates)
/// and the reports that can be run on it.
async fn case_page(state: &AppState, nav: CourtNav, case: CaseRow) -> Result<Response, AppError> {
    let judge = judge_name(state, &case).await?;
    let last = state.store.last_filing(case.id).await?;
    let zone = state.store.court_time_zone(&case.court).await?;
    let bankruptcy = (case.number.case_type == CaseType::Bankruptcy).then(|| {
        (
            case.number.case_type.code().to_owned(),
            case.chapter.map(|c| c.to_string()).unwrap_or_default(),
        )
    });
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%m/%d/%Y").to_string());
    Ok(page(CasePage {
        nav,
        referred_to: (!case.details.referred_to.is_empty()).then(|| case.details.referred_to.clone()),
        date_terminated: day(case.details.date_terminated),
        date_discharged: day(case.details.date_discharged),
        id: case.id,
        number: case.number.to_string(),
        title: case.title,
        judge,
        bankruptcy,
        date_filed: date(&zone, case.date_filed),
        last_filing: last.map(|t| date(&zone, t)),
    }))
}

// ---------------------------------------------------------------- DktRpt.pl

#[derive(Template)]
#[template(path = "public_docket_form.html")]
struct DocketFormPage {
    query: QueryPage,
    date_from: String,
    date_to: String,
    doc_from: String,
    doc_to: String,
}

struct Attorney {
    name: String,
    email: String,
    lead: bool,
    noticed: bool,
}

struct PartyBlock {
    role: &'static str,
    name: String,
    /// The lines under the name (a debtor's SSN, last four digits only).
    extra: Vec<String>,
    attorneys: Vec<Attorney>,
}

struct ReportEntry {
    date: String,
    number: i64,
    link: Option<String>,
    text: String,
    /// "re 2": the number referred to, a link to its document, the rest.
    refers: Option<(i64, Option<String>, String)>,
    /// Each attachment: its number, its link (none when restricted from this reader), its description.
    attachments: Vec<(i64, Option<String>, String)>,
    /// Sealed (shown only to the court's staff, marked so).
    sealed: bool,
}

#[derive(Template)]
#[template(path = "public_docket.html")]
struct DocketReportPage {
    nav: CourtNav,
    court_name: String,
    bankruptcy_court: bool,
    heading: &'static str,
    number: String,
    title: String,
    judge: Option<String>,
    chapter: Option<i64>,
    lead_case: Option<(String, String)>,
    /// An adversary proceeding's nature of suit, as CM/ECF prints it: its
    /// code and its words in cells of their own.
    adversary_nature: Option<(String, String)>,
    date_filed: String,
    /// Recorded by court staff: Referred to (a magistrate judge), Date
    /// Terminated; at a bankruptcy court Date Converted and Debtor discharged.
    referred_to: Option<String>,
    date_terminated: Option<String>,
    date_converted: Option<String>,
    date_discharged: Option<String>,
    cause: String,
    nature_of_suit: String,
    jurisdiction: String,
    jury_demand: String,
    show_parties: bool,
    parties: Vec<PartyBlock>,
    entries: Vec<ReportEntry>,
    filtered: bool,
    /// PACER's Transaction Receipt at the foot (set once the report is billed by its size).
    receipt: Option<crate::pages::billing::ReceiptView>,
}

async fn docket_report(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let raw = q.unwrap_or_default();
    let f = fields(raw.as_bytes());
    // A link from another site runs no charged report in the visitor's name:
    // it gets a page whose link (same-site) runs it.
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    if cross_site && case_id_of(&f).is_some() {
        let court = load_court(&state, &court).await?;
        let nav = nav_for(&state, &court, &user).await?;
        return Ok(page(ConfirmReport {
            nav,
            href: format!("/ecf/{}/cgi-bin/DktRpt.pl?{raw}", court.id),
        }));
    }
    docket_report_page(&state, &user, &court, &f).await
}

/// A docket report asked for from another site: run it here, knowingly.
#[derive(Template)]
#[template(path = "public_confirm_report.html")]
struct ConfirmReport {
    nav: CourtNav,
    href: String,
}

/// CM/ECF's own form post (as juriscraper's `DocketReport.query` sends it).
async fn docket_report_posted(
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
    docket_report_page(&state, &user, &court, &f).await
}

/// The report's filter from the form: a filing-date range (inclusive) and a
/// document-number range; or what is wrong with it.
fn docket_filter(f: &HashMap<String, String>, zone: &CourtZone) -> Result<DocketFilter, String> {
    let day = |name: &str, label: &str| -> Result<Option<NaiveDate>, String> {
        let raw = field(f, name);
        if raw.is_empty() {
            return Ok(None);
        }
        parse_date(raw)
            .map(Some)
            .ok_or_else(|| format!("{label} {raw:?} is not a date: type it as mm/dd/yyyy."))
    };
    let number = |name: &str, label: &str| -> Result<Option<i64>, String> {
        let raw = field(f, name);
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| format!("{label} {raw:?} is not a document number."))
    };
    let from = day("date_from", "Filed from")?;
    let to = day("date_to", "Filed to")?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err("The start date must be less than or equal to the end date.".into());
        }
    }
    let first = number("documents_numbered_from_", "Documents numbered from")?;
    let last = number("documents_numbered_to_", "Documents numbered to")?;
    if let (Some(a), Some(b)) = (first, last) {
        if a > b {
            return Err(
                "The starting document number must be less than or equal to the ending document number.".into(),
            );
        }
    }
    // The court's days: from its midnight to its next.
    Ok(DocketFilter {
        filed_from: from.map(|d| zone.start_of(d)),
        filed_before: to
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(|d| zone.start_of(d)),
        first_number: first,
        last_number: last,
        include_sealed: false,
    })
}

async fn docket_report_page(
    state: &AppState,
    user: &PacerUser,
    raw_court: &str,
    f: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let court = load_court(state, raw_court).await?;
    let nav = nav_for(state, &court, user).await?;
    let zone = state.store.court_time_zone(&court.id).await?;
    let filter = docket_filter(f, &zone);
    // From the form, parties are listed when asked for; CM/ECF's `?123` link lists them.
    let from_form = f.contains_key("case_num") || f.contains_key("all_case_ids");
    let show_parties = !from_form || field(f, "list_of_parties_and_counsel") == "on";
    let (case_id, nav) = match case_id_of(f) {
        Some(id) => (Some(id), nav),
        None => {
            let mut p = search(state, &court, nav, f, "DktRpt.pl").await?;
            // A case picked from the list keeps the ranges typed in the form.
            let mut carry = url::form_urlencoded::Serializer::new(String::new());
            for name in [
                "date_from",
                "date_to",
                "documents_numbered_from_",
                "documents_numbered_to_",
            ] {
                if !field(f, name).is_empty() {
                    carry.append_pair(name, field(f, name));
                }
            }
            let carry = carry.finish();
            if !carry.is_empty() {
                p.carry = format!("&{carry}");
            }
            let only = match p.results.as_deref() {
                Some([only]) if !p.case_num.is_empty() => Some(only.id),
                _ => None,
            };
            match (only, &filter) {
                (Some(id), Ok(_)) => (Some(id), p.nav),
                _ => {
                    let error = p.error.take().or_else(|| filter.as_ref().err().cloned());
                    let status = crate::view::form_status(error.is_some());
                    p.error = error;
                    return Ok(render(
                        status,
                        DocketFormPage {
                            date_from: field(f, "date_from").chars().take(20).collect(),
                            date_to: field(f, "date_to").chars().take(20).collect(),
                            doc_from: field(f, "documents_numbered_from_").chars().take(12).collect(),
                            doc_to: field(f, "documents_numbered_to_").chars().take(12).collect(),
                            query: p,
                        },
                    ));
                }
            }
        }
    };
    let case = match case_id {
        Some(id) => state.store.case(&court.id, id).await?.ok_or(AppError::NotFound)?,
        None => return Err(AppError::NotFound),
    };
    let reader = filing::reader(state, &court, case.id, Some(&user.session.account)).await?;
    let filter = match filter {
        Ok(filter) => DocketFilter {
            include_sealed: reader.sees_sealed(),
            ..filter
        },
        Err(message) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message {
                    nav,
                    title: "Docket Report",
                    message,
                },
            ))
        }
    };
    let mut report = build_report(state, &court, nav, case, &filter, show_parties, reader).await?;
    // Billed by the report's own bytes (4,320 a page, at most 30 pages), once
    // per request: the same report asked again within the minute is the same charge.
    let bytes = i64::try_from(
        askama::Template::render(&report)
            .map_err(|e| AppError::Internal(e.into()))?
            .len(),
    )
    .unwrap_or(i64::MAX);
    let mut criteria = report.number.clone();
    for (label, name) in [
        ("Filed from", "date_from"),
        ("Filed to", "date_to"),
        ("Documents from", "documents_numbered_from_"),
        ("Documents to", "documents_numbered_to_"),
    ] {
        let v: String = field(f, name).chars().take(20).collect();
        if !v.is_empty() {
            criteria.push_str(&format!(" {label}: {v}"));
        }
    }
    let key = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(user.session.token_hash.as_bytes());
        h.update(criteria.as_bytes());
        h.update(show_parties.to_string().as_bytes());
        h.update((state.clock.now().timestamp() / 60).to_le_bytes());
        hex::encode(h.finalize())
    };
    let t = openecf_app::fees::charge(
        state,
        &user.session.account,
        &user.session.token_hash,
        openecf_app::fees::Charge {
            court: Some(&court),
            description: "Docket Report",
            criteria: &criteria,
            billable: openecf_domain::fees::Billable::CaseReport { bytes },
            opinion: false,
            request_key: &key,
        },
    )
    .await?;
    report.receipt = Some(crate::pages::billing::ReceiptView::of(&t));
    Ok(page(report))
}

/// The docket report of a case, as this reader may see it: sealed entries
/// only for the court's staff (the filter says), restricted documents linked
/// only for its attorneys of record and staff.
async fn build_report(
    state: &AppState,
    court: &Court,
    nav: CourtNav,
    case: CaseRow,
    filter: &DocketFilter,
    show_parties: bool,
    reader: Reader,
) -> Result<DocketReportPage, AppError> {
    let judge = judge_name(state, &case).await?;
    let parties = if show_parties {
        let attorneys = state.store.attorneys(case.id).await?;
        state
            .store
            .parties(case.id)
            .await?
            .into_iter()
            .map(|p| PartyBlock {
                role: p.role.as_str(),
                // Only ever the last four digits: the full number is sealed.
                extra: p
                    .ssn_last4
                    .iter()
                    .map(|last4| format!("SSN / ITIN: xxx-xx-{last4}"))
                    .collect(),
                attorneys: attorneys
                    .iter()
                    .filter(|a| a.party_id == p.id)
                    .map(|a| Attorney {
                        name: a.name.clone(),
                        email: a.email.clone(),
                        lead: a.lead != 0,
                        noticed: a.to_be_noticed != 0,
                    })
                    .collect(),
                name: p.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let zone = state.store.court_time_zone(&court.id).await?;
    let docket = state.store.docket_report(case.id, filter).await?;
    let entries = report_entries(state, court, &zone, &docket, reader).await?;
    let lead_case = match case.lead_case_id {
        Some(id) => state
            .store
            .case(&court.id, id)
            .await?
            .map(|lead| (lead.number.to_string(), lead.title)),
        None => None,
    };
    let adversary_nature =
        (case.number.case_type == CaseType::Adversary && !case.nature_of_suit.is_empty()).then(|| {
            match case.nature_of_suit.split_once(' ') {
                Some((code, text)) if code.bytes().all(|b| b.is_ascii_digit()) => (code.to_owned(), text.to_owned()),
                _ => (String::new(), case.nature_of_suit.clone()),
            }
        });
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%m/%d/%Y").to_string());
    let details = &case.details;
    Ok(DocketReportPage {
        nav,
        referred_to: (!details.referred_to.is_empty()).then(|| details.referred_to.clone()),
        date_terminated: day(details.date_terminated),
        date_converted: day(details.date_converted),
        date_discharged: day(details.date_discharged),
        adversary_nature,
        court_name: court.name.clone(),
        bankruptcy_court: court.kind == CourtKind::Bankruptcy,
        heading: heading_of(case.number.case_type),
        number: case.number.to_string(),
        title: case.title,
        judge,
        chapter: case.chapter,
        lead_case,
        date_filed: date(&zone, case.date_filed),
        cause: case.cause,
        nature_of_suit: case.nature_of_suit,
        jurisdiction: case.jurisdiction,
        jury_demand: case.jury_demand,
        show_parties,
        parties,
        entries,
        filtered: filter.is_ranged(),
        receipt: None,
    })
}

fn doc_href(court: &Court, prefix: &str, d: &DocumentRow) -> String {
    doc_id_href(court, prefix, d.id)
}

fn doc_id_href(court: &Court, prefix: &str, id: i64) -> String {
    format!("/ecf/{}/doc1/{}", court.id, doc1_number(prefix, id))
}

async fn report_entries(
    state: &AppState,
    court: &Court,
    zone: &CourtZone,
    docket: &[Entry],
    reader: Reader,
) -> Result<Vec<ReportEntry>, AppError> {
    let prefix = state.store.doc_id_prefix(&court.id).await?;
    let prefix = prefix.as_str();
    // A restricted document keeps its number, without a link, from the public.
    let link = |d: &openecf_store::ReportDocument| {
        (!d.restricted || reader.gets_restricted()).then(|| doc_id_href(court, prefix, d.id))
    };
    let mut out = Vec::with_capacity(docket.len());
    for e in docket {
        let referred = match e.refers_to {
            None => None,
            Some(id) => match docket.iter().find(|r| r.id == id) {
                Some(r) => Some((r.number, r.documents.first().and_then(link))),
                // Outside the report's range (or sealed): still the number, and
                // its document when this reader may open it.
                None => match state.store.entry_number(id).await? {
                    None => None,
                    Some((n, doc)) => {
                        let sealed = state.store.entry_sealed(id).await?;
                        let doc = match doc {
                            Some(doc_id) if !sealed || reader.sees_sealed() => {
                                state.store.document(&court.id, doc_id).await?.map(|(d, _)| d)
                            }
                            _ => None,
                        };
                        let href = doc
                            .filter(|d| !d.is_restricted() || reader.gets_restricted())
                            .map(|d| format!("/ecf/{}/doc1/{}", court.id, doc1_number(prefix, d.id)));
                        Some((n, href))
                    }
                },
            },
        };
        let (text, refers) = split_reference(&e.docket_text, referred);
        out.push(ReportEntry {
            date: date(zone, e.filed_at),
            number: e.number,
            link: e.documents.first().and_then(link),
            text,
            refers,
            attachments: e
                .documents
                .iter()
                .skip(1)
                .map(|d| (d.attachment, link(d), d.description.clone()))
                .collect(),
            sealed: e.sealed,
        });
    }
    Ok(out)
}

/// Splits a docket text at its "re N", so that N can link to that entry's
/// document, as on CM/ECF's docket.
fn split_reference(
    text: &str,
    referred: Option<(i64, Option<String>)>,
) -> (String, Option<(i64, Option<String>, String)>) {
    let Some((number, link)) = referred else {
        return (text.to_owned(), None);
    };
    let marker = format!(" re {number}");
    let found = text.match_indices(&marker).find(|(at, _)| {
        text[at + marker.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_digit())
    });
    match found {
        Some((at, _)) => {
            let before = &text[..at + " re ".len()];
            let after = &text[at + marker.len()..];
            (before.to_owned(), Some((number, link, after.to_owned())))
        }
        None => (text.to_owned(), None),
    }
}

// ------------------------------------------------ possible_case_numbers.pl

#[derive(Template)]
#[template(path = "possible_case_numbers.xml")]
struct PossibleCases {
    number: String,
    cases: Vec<(String, i64, String, String)>,
    message: Option<String>,
}

/// The XML CM/ECF's docket report form asks while a case number is typed:
/// `?number=…` or CM/ECF's bare `?1:26-cv-12`.
async fn possible_case_numbers(
    State(state): State<AppState>,
    _: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let f = fields(q.unwrap_or_default().as_bytes());
    let typed = match field(&f, "number") {
        "" => field(&f, ""),
        n => n,
    };
    let typed: String = typed.chars().take(60).collect();
    let found = match CaseQuery::parse(&typed) {
        Ok(q) => state.store.find_cases(&court.id, &q).await?,
        Err(_) => Vec::new(),
    };
    let message = found.is_empty().then(|| format!("Cannot find case {typed}"));
    let cases = found
        .into_iter()
        .map(|c| {
            let number = c.number.to_string();
            let sortable = format!(
                "{}:{:02}-{}-{:05}",
                c.number.office,
                c.number.year,
                c.number.case_type.code(),
                c.number.seq
            );
            let title = format!("{number} {}", c.title);
            (number, c.id, title, sortable)
        })
        .collect();
    let xml = PossibleCases {
        number: typed,
        cases,
        message,
    };
    let body = xml.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response())
}

// ---------------------------------------------------------- show_case_doc

/// `show_case_doc?{doc_num},{case_id},…`: the entry's main document (a
/// sealed entry's only for the court's staff).
async fn show_case_doc(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let q = q.unwrap_or_default();
    let mut parts = q.split(',');
    let number: i64 = parts
        .next()
        .and_then(|n| n.trim().parse().ok())
        .ok_or(AppError::NotFound)?;
    let case_id: i64 = parts
        .next()
        .and_then(|n| n.trim().parse().ok())
        .ok_or(AppError::NotFound)?;
    let case = state.store.case(&court.id, case_id).await?.ok_or(AppError::NotFound)?;
    let (entry_id, _, _) = state
        .store
        .entry_by_number(case.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let reader = filing::reader(&state, &court, case.id, Some(&user.session.account)).await?;
    if state.store.entry_sealed(entry_id).await? && !reader.sees_sealed() {
        return Err(AppError::NotFound);
    }
    let doc = state
        .store
        .entry_documents(entry_id)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let prefix = state.store.doc_id_prefix(&court.id).await?;
    Ok(crate::paths::see_other(&doc_href(&court, &prefix, &doc)))
}

// ------------------------------------------------------------ rss_outside.pl

struct FeedItem {
    title: String,
    link: String,
    pub_date: String,
    description: String,
}

#[derive(Template)]
#[template(path = "rss_outside.xml")]
struct Feed {
    court_name: String,
    link: String,
    items: Vec<FeedItem>,
}

/// The court's RSS 2.0 feed of new entries (the last 24 hours), public as
/// on CM/ECF: each item's title is the case number and title, its link the
/// docket report, its description the event in brackets and a link to the
/// entry's document.
async fn rss(State(state): State<AppState>, Path(court): Path<String>) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let now = state.clock.now();
    let since = now - chrono::Duration::hours(FEED_HOURS);
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    let entries = state.store.new_entries(&court.id, since, FEED_LIMIT).await?;
    let prefix = state.store.doc_id_prefix(&court.id).await?;
    let items = entries
        .into_iter()
        .map(|e| {
            let report = format!("{base}/ecf/{}/cgi-bin/DktRpt.pl?{}", court.id, e.case.id);
            let mut description = String::new();
            // A bankruptcy court's items begin with the case's type, office and chapter.
            if court.kind == CourtKind::Bankruptcy {
                description.push_str(&format!(
                    "Type: {} Office: {} Chapter: {} ",
                    e.case.number.case_type.code(),
                    e.case.number.office,
                    e.case.chapter.map(|c| c.to_string()).unwrap_or_default()
                ));
            }
            description.push_str(&format!("[{}]", e.event));
            if let Some(doc) = e.document_id {
                description.push_str(&format!(
                    " (<a href=\"{base}/ecf/{}/doc1/{}\">{}</a>)",
                    court.id,
                    doc1_number(&prefix, doc),
                    e.number
                ));
            }
            FeedItem {
                title: format!("{} {}", e.case.number, e.case.title),
                link: report,
                pub_date: e.filed_at.to_rfc2822().replace("+0000", "GMT"),
                description,
            }
        })
        .collect();
    let feed = Feed {
        court_name: court.name.clone(),
        link: format!("{base}/ecf/{}/", court.id),
        items,
    };
    let body = feed.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], body).into_response())
}

// ------------------------------------------------------------------- doc1

struct AttachmentLine {
    part: String,
    /// None when the document is restricted.
    href: Option<String>,
    description: String,
    pages: i64,
}

#[derive(Template)]
#[template(path = "public_attachments.html")]
struct AttachmentMenu {
    nav: CourtNav,
    number: String,
    entry_number: i64,
    lines: Vec<AttachmentLine>,
}

#[derive(Template)]
#[template(path = "public_document.html")]
struct ViewDocumentPage {
    nav: CourtNav,
    csrf: String,
    action: String,
    number: String,
    entry_number: i64,
    part: String,
    /// Billable pages (at most 30) and their cost: what View Document charges.
    pages: i64,
    cost: String,
    exempt: Option<&'static str>,
    filename: String,
    /// The page's own number: a second click (a retry) is not charged again.
    k: String,
}

/// The page a restricted document gives the public in place of it, with
/// nothing charged.
pub(super) fn restricted(court: &Court, nav: CourtNav) -> Response {
    render(
        StatusCode::FORBIDDEN,
        Message {
            nav,
            title: "Document restricted",
            message: format!(
                "This document is restricted by the court ({}): it is available only to the \
                 case's attorneys of record and the court. No fee was charged.",
                court.name
            ),
        },
    )
}

/// `/doc1/` for a PACER user who is not of record: the attachment menu when
/// the entry has attachments (and the main document was asked for), else
/// the page whose **View Document** button opens the document. Fees, when
/// they come, are shown on that page and charged by its POST.
pub(super) async fn document_for_pacer_user(
    state: &AppState,
    court: &Court,
    visitor: &Visitor,
    doc: &DocumentRow,
    case_id: i64,
    show_main: bool,
) -> Result<Response, AppError> {
    let case = state.store.case(&court.id, case_id).await?.ok_or(AppError::NotFound)?;
    let user = visitor.pacer.clone().ok_or(AppError::NotFound)?;
    let user = PacerUser {
        session: user,
        visitor: visitor.clone(),
    };
    let nav = nav_for(state, court, &user).await?;
    // Reached only by a reader who is neither staff nor of record.
    if state.store.entry_sealed(doc.entry_id).await? {
        return Err(AppError::NotFound);
    }
    let entry_number = state.store.entry_number(doc.entry_id).await?.map_or(0, |(n, _)| n);
    let documents = state.store.entry_documents(doc.entry_id).await?;
    let prefix = state.store.doc_id_prefix(&court.id).await?;
    let prefix = prefix.as_str();
    if doc.attachment == 0 && documents.len() > 1 && !show_main {
        let lines = documents
            .iter()
            .map(|d| AttachmentLine {
                part: if d.attachment == 0 {
                    "Main Document".to_owned()
                } else {
                    format!("Attachment {}", d.attachment)
                },
                href: (!d.is_restricted()).then(|| {
                    if d.attachment == 0 {
                        format!("{}?main=1", doc_href(court, prefix, d))
                    } else {
                        doc_href(court, prefix, d)
                    }
                }),
                description: d.description.clone(),
                pages: d.pages,
            })
            .collect();
        return Ok(page(AttachmentMenu {
            nav,
            number: case.number.to_string(),
            entry_number,
            lines,
        }));
    }
    if doc.is_restricted() {
        return Ok(restricted(court, nav));
    }
    // What View Document will charge, shown before it is accepted.
    let pages = openecf_domain::fees::Billable::Document { pages: doc.pages }.pages();
    let exempt = if state.store.entry_is_opinion(doc.entry_id).await? {
        Some("opinion")
    } else if state.store.is_staff(&court.id, user.session.account.id).await? {
        Some("court user")
    } else if state.store.session_exempt(&user.session.token_hash, &court.id).await? {
        Some("cja")
    } else {
        None
    };
    let cost = if exempt.is_some() {
        0
    } else {
        pages * openecf_domain::fees::PAGE_CENTS
    };
    Ok(page(ViewDocumentPage {
        nav,
        csrf: visitor.csrf.value().to_owned(),
        action: doc_href(court, prefix, doc),
        number: case.number.to_string(),
        entry_number,
        part: if doc.attachment == 0 {
            "Main Document".to_owned()
        } else {
            format!("Attachment {}", doc.attachment)
        },
        pages,
        cost: format!("{}.{:02}", cost / 100, cost % 100),
        exempt,
        filename: doc.original_filename.clone(),
        k: crate::search_key::issue(state, &user.session.token_hash),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmecfs_bare_query_names_the_case() {
        let f = fields(b"123");
        assert_eq!(case_id_of(&f), Some(123));
        let f = fields(b"all_case_ids=7&case_num=+");
        assert_eq!(case_id_of(&f), Some(7));
        assert_eq!(case_id_of(&fields(b"1-L_1_0-1")), None);
        // An empty field is not a bare query.
        assert_eq!(field(&fields(b"case_num=&last_name=Roe"), ""), "");
        assert_eq!(field(&fields(b"1%3A26-cv-1"), ""), "1:26-cv-1");
    }

    #[test]
    fn a_docket_filter_takes_cmecfs_dates_and_refuses_backward_ranges() {
        let f = fields(b"date_from=1/1/1960&date_to=11%2F26%2F2026&documents_numbered_from_=2");
        let ny = CourtZone::default();
        let filter = docket_filter(&f, &ny).unwrap();
        assert_eq!(filter.first_number, Some(2));
        assert_eq!(
            filter.filed_before.map(|t| t.to_rfc3339()),
            // The end of 11/26/2026 in New York.
            Some("2026-11-27T05:00:00+00:00".to_owned())
        );
        assert!(docket_filter(&fields(b"date_from=11/27/2026&date_to=11/26/2026"), &ny).is_err());
        assert!(docket_filter(&fields(b"documents_numbered_from_=5&documents_numbered_to_=2"), &ny).is_err());
        assert!(docket_filter(&fields(b"date_from=yesterday"), &ny).is_err());
    }
}
