//! The PACER Case Locator: its public JSON API (`/pcl-public-api/rest/…`, as
//! PACER documents it and `pacersdk` calls it, with the session token in
//! `X-NEXT-GEN-CSO`) and the `/pcl` search page for people.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use openecf_app::locator::{self, CaseSearch, PartySearch, PAGE_SIZE};
use openecf_domain::{CourtId, PacerAccount, PartyRole};
use openecf_store::{CaseRow, LocatedParty, ReportRow, TransactionRow};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::extract::{PacerUser, Query};
use crate::pages::billing::ReceiptView;
use crate::session::{PacerSession, Visitor, PACER_HEADER};
use crate::view::{render, Banner};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    let api = "/pcl-public-api/rest";
    Router::new()
        .route(&format!("{api}/cases/find"), post(find_cases))
        .route(&format!("{api}/parties/find"), post(find_parties))
        .route(&format!("{api}/cases/download"), post(submit::<false>))
        .route(&format!("{api}/parties/download"), post(submit::<true>))
        .route(&format!("{api}/cases/download/status/{{id}}"), get(status::<false>))
        .route(&format!("{api}/parties/download/status/{{id}}"), get(status::<true>))
        .route(&format!("{api}/cases/download/{{id}}"), get(download::<false>))
        .route(&format!("{api}/parties/download/{{id}}"), get(download::<true>))
        .route(
            &format!("{api}/cases/reports/{{id}}"),
            axum::routing::delete(delete::<false>),
        )
        .route(
            &format!("{api}/parties/reports/{{id}}"),
            axum::routing::delete(delete::<true>),
        )
        .route(&format!("{api}/cases/reports"), get(list::<false>))
        .route(&format!("{api}/parties/reports"), get(list::<true>))
        .route("/pcl", get(search_page))
}

/// An API refusal: its status and message, answered as `{"error": …}`.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError(status, message.into())
}

fn error_response(status: StatusCode, message: impl Into<String>) -> Response {
    error(status, message).into_response()
}

/// The API's caller: a PACER session named by the `X-NEXT-GEN-CSO` header
/// (cookies are not enough: a JSON API is not a browser form).
fn api_session(visitor: &Visitor, headers: &HeaderMap) -> Result<PacerSession, ApiError> {
    if !headers.contains_key(PACER_HEADER) {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "Send the session token of /services/cso-auth in the X-NEXT-GEN-CSO header.",
        ));
    }
    visitor.pacer.clone().ok_or_else(|| {
        error(
            StatusCode::UNAUTHORIZED,
            "The X-NEXT-GEN-CSO token is not a live session: log in again.",
        )
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PageQuery {
    page: String,
}

fn page_number(q: &PageQuery) -> Result<i64, ApiError> {
    if q.page.trim().is_empty() {
        return Ok(0);
    }
    q.page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (0..=100_000).contains(p))
        .ok_or_else(|| error(StatusCode::BAD_REQUEST, "page: a number from 0"))
}

/// A retry of the same request (same session, page and body, within the
/// minute, or the same `Idempotency-Key`) is not charged again.
fn request_key(state: &AppState, session: &PacerSession, headers: &HeaderMap, what: &str, body: &[u8]) -> String {
    if let Some(k) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty())
    {
        return format!("key:{}", k.chars().take(200).collect::<String>());
    }
    let minute = state.clock.now().timestamp() / 60;
    let mut h = Sha256::new();
    h.update(session.token_hash.as_bytes());
    h.update(what.as_bytes());
    h.update(body);
    h.update(minute.to_le_bytes());
    format!("auto:{}", hex::encode(h.finalize()))
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            format!("The search criteria are not valid JSON of the API: {e}"),
        )
    })
}

fn dollars(cents: i64) -> Value {
    json!((cents as f64) / 100.0)
}

fn receipt(t: &TransactionRow, account: &PacerAccount, report: &str) -> Value {
    json!({
        "transactionId": t.id,
        "transactionDate": t.at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "billablePages": t.pages,
        "fee": dollars(t.cost_cents),
        "loginId": account.username.to_string(),
        "clientCode": t.client_code,
        "firmId": "",
        "search": t.criteria,
        "description": t.description,
        "csoId": account.id.get(),
        "juId": "",
        "reportId": report,
    })
}

fn page_info(page: i64, total: i64, here: usize) -> Value {
    let total_pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    json!({
        "number": page,
        "size": PAGE_SIZE,
        "totalPages": total_pages,
        "totalElements": total,
        "numberOfElements": here,
        "first": page == 0,
        "last": page + 1 >= total_pages,
    })
}

/// Judges' names by court and initials, for `judgeLastName`.
struct Judges(HashMap<String, Vec<(String, String)>>);

impl Judges {
    async fn of(state: &AppState, cases: impl Iterator<Item = &CaseRow>) -> Result<Self, AppError> {
        let mut map = HashMap::new();
        for c in cases {
            if !map.contains_key(c.court.as_str()) {
                let list = state.store.judges(&c.court).await?;
                map.insert(c.court.to_string(), list);
            }
        }
        Ok(Self(map))
    }

    fn last_name(&self, c: &CaseRow) -> String {
        let Some(initials) = &c.number.judge else {
            return String::new();
        };
        self.0
            .get(c.court.as_str())
            .and_then(|l| l.iter().find(|(_, i)| i == initials))
            .and_then(|(name, _)| name.split_whitespace().last())
            .unwrap_or_default()
            .to_owned()
    }
}

fn case_link(state: &AppState, c: &CaseRow) -> String {
    format!(
        "{}/ecf/{}/cgi-bin/iquery.pl?{}",
        state.settings.public_url.trim_end_matches('/'),
        c.court,
        c.id
    )
}

fn case_json(state: &AppState, judges: &Judges, c: &CaseRow) -> Value {
    let number = &c.number;
    json!({
        "courtId": c.court.as_str(),
        "caseId": c.id,
        "caseYear": 2000 + i64::from(number.year),
        "caseNumber": number.seq,
        "caseNumberFull": number.to_string(),
        "caseOffice": number.office.to_string(),
        "caseType": number.case_type.code(),
        "caseTitle": c.title,
        "dateFiled": c.date_filed.format("%Y-%m-%d").to_string(),
        "dateTermed": Value::Null,
        "dateReopened": Value::Null,
        "dateDismissed": Value::Null,
        "dateDischarged": Value::Null,
        "bankruptcyChapter": c.chapter.map(|ch| ch.to_string()),
        "jointBankruptcyFlag": Value::Null,
        "natureOfSuit": c.nature_of_suit,
        "jurisdictionType": number.case_type.code(),
        "judgeLastName": judges.last_name(c),
        "caseLink": case_link(state, c),
    })
}

/// A party's name as the locator splits it: organisations whole as the last name.
fn split_name(name: &str) -> (String, String, String) {
    let words: Vec<&str> = name.split_whitespace().collect();
    let org = name.contains(',')
        || words.len() > 4
        || words.len() < 2
        || words.iter().any(|w| {
            let w = w.trim_end_matches('.').to_ascii_lowercase();
            matches!(
                w.as_str(),
                "inc" | "llc" | "co" | "corp" | "company" | "bank" | "ltd" | "lp" | "llp" | "na" | "america" | "usa"
            )
        });
    if org {
        return (name.to_owned(), String::new(), String::new());
    }
    let last = words.last().copied().unwrap_or_default().to_owned();
    let first = words.first().copied().unwrap_or_default().to_owned();
    let middle = words
        .get(1..words.len().saturating_sub(1))
        .unwrap_or_default()
        .join(" ");
    (last, first, middle)
}

fn role_code(role: &str) -> &'static str {
    match PartyRole::parse(role) {
        Ok(PartyRole::Plaintiff) => "pla",
        Ok(PartyRole::Defendant) => "dft",
        Ok(PartyRole::Debtor) => "db",
        Ok(PartyRole::Creditor) => "cr",
        Ok(PartyRole::Petitioner) => "pet",
        Ok(PartyRole::Respondent) => "res",
        Err(_) => "pty",
    }
}

fn party_json(state: &AppState, judges: &Judges, p: &LocatedParty) -> Value {
    let (last, first, middle) = split_name(&p.name);
    let mut v = case_json(state, judges, &p.case);
    if let Value::Object(m) = &mut v {
        m.insert("lastName".into(), json!(last));
        m.insert("firstName".into(), json!(first));
        m.insert("middleName".into(), json!(middle));
        m.insert("generation".into(), json!(""));
        m.insert("partyType".into(), json!("pty"));
        m.insert("partyRole".into(), json!(role_code(&p.role)));
        m.insert("disposition".into(), json!(""));
    }
    v
}

async fn find_cases(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let session = match api_session(&visitor, &headers) {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let (page, search) = match page_number(&q).and_then(|p| parse::<CaseSearch>(&body).map(|s| (p, s))) {
        Ok(v) => v,
        Err(r) => return Ok(r.into_response()),
    };
    let criteria = match locator::case_criteria(&search) {
        Ok(c) => c,
        Err(e) => return Ok(error_response(StatusCode::BAD_REQUEST, e.to_string())),
    };
    let key = request_key(&state, &session, &headers, &format!("cases/find?page={page}"), &body);
    let who = locator::Searcher {
        account: &session.account,
        session_hash: &session.token_hash,
        request_key: &key,
    };
    let (cases, total, t) = locator::find_cases(&state, who, &criteria, page).await?;
    let judges = Judges::of(&state, cases.iter()).await?;
    Ok(Json(json!({
        "receipt": receipt(&t, &session.account, ""),
        "pageInfo": page_info(page, total, cases.len()),
        "content": cases.iter().map(|c| case_json(&state, &judges, c)).collect::<Vec<_>>(),
    }))
    .into_response())
}

async fn find_parties(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let session = match api_session(&visitor, &headers) {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let (page, search) = match page_number(&q).and_then(|p| parse::<PartySearch>(&body).map(|s| (p, s))) {
        Ok(v) => v,
        Err(r) => return Ok(r.into_response()),
    };
    let criteria = match locator::party_criteria(&search) {
        Ok(c) => c,
        Err(e) => return Ok(error_response(StatusCode::BAD_REQUEST, e.to_string())),
    };
    let key = request_key(&state, &session, &headers, &format!("parties/find?page={page}"), &body);
    let who = locator::Searcher {
        account: &session.account,
        session_hash: &session.token_hash,
        request_key: &key,
    };
    let (parties, total, t) = locator::find_parties(&state, who, &criteria, page).await?;
    let judges = Judges::of(&state, parties.iter().map(|p| &p.case)).await?;
    Ok(Json(json!({
        "receipt": receipt(&t, &session.account, ""),
        "pageInfo": page_info(page, total, parties.len()),
        "content": parties.iter().map(|p| party_json(&state, &judges, p)).collect::<Vec<_>>(),
    }))
    .into_response())
}

fn report_info(r: &ReportRow) -> Value {
    let criteria: Value = serde_json::from_str(&r.criteria).unwrap_or(Value::Null);
    let pages = openecf_domain::fees::Billable::Locator {
        records: r.record_count,
    }
    .pages();
    let (case_criteria, party_criteria, search_type) = if r.search_type == "party" {
        (Value::Null, criteria, "PARTY")
    } else {
        (criteria, Value::Null, "COURT_CASE")
    };
    json!({
        "reportId": r.id,
        "status": r.status,
        "startTime": r.started_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "endTime": r.finished_at.map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        "recordCount": r.record_count,
        "unbilledPageCount": pages,
        "downloadFee": dollars(pages * openecf_domain::fees::PAGE_CENTS),
        "pages": pages,
        "caseCriteria": case_criteria,
        "partyCriteria": party_criteria,
        "searchType": search_type,
        "sort": [],
    })
}

fn kind(party: bool) -> &'static str {
    if party {
        "party"
    } else {
        "case"
    }
}

/// Each batch handler serves cases (`PARTY` false) or parties (true).
async fn submit<const PARTY: bool>(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let party = PARTY;
    let session = match api_session(&visitor, &headers) {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let bad = |e: openecf_domain::InvalidInput| error(StatusCode::BAD_REQUEST, e.to_string());
    let criteria = if party {
        parse::<PartySearch>(&body).and_then(|s| locator::party_criteria(&s).map_err(bad))
    } else {
        parse::<CaseSearch>(&body).and_then(|s| locator::case_criteria(&s).map_err(bad))
    };
    let criteria = match criteria {
        Ok(c) => c,
        Err(r) => return Ok(r.into_response()),
    };
    let (cases, parties) = match locator::run_batch(&state, &session.account, party, &criteria).await? {
        Ok(found) => found,
        Err(refusal) => return Ok(error_response(StatusCode::BAD_REQUEST, refusal.to_string())),
    };
    let judges = Judges::of(&state, cases.iter().chain(parties.iter().map(|p| &p.case))).await?;
    let results: Vec<Value> = if party {
        parties.iter().map(|p| party_json(&state, &judges, p)).collect()
    } else {
        cases.iter().map(|c| case_json(&state, &judges, c)).collect()
    };
    let count = i64::try_from(results.len()).unwrap_or(i64::MAX);
    let results = serde_json::to_string(&results).map_err(|e| AppError::Internal(e.into()))?;
    let criteria_json = String::from_utf8_lossy(&body).into_owned();
    let report = locator::keep_batch(&state, &session.account, party, &criteria_json, &results, count).await?;
    Ok(Json(report_info(&report)).into_response())
}

/// The caller's report of this kind, or the answer that says why not.
async fn own_report(
    state: &AppState,
    visitor: &Visitor,
    headers: &HeaderMap,
    id: &str,
    party: bool,
) -> Result<Result<(PacerSession, ReportRow), ApiError>, AppError> {
    let session = match api_session(visitor, headers) {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(Err(error(StatusCode::NOT_FOUND, "No such report.")));
    };
    match state.store.report(session.account.id, kind(party), id).await? {
        Some(r) => Ok(Ok((session, r))),
        None => Ok(Err(error(StatusCode::NOT_FOUND, "No such report."))),
    }
}

async fn status<const PARTY: bool>(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let party = PARTY;
    let (_, report) = match own_report(&state, &visitor, &headers, &id, party).await? {
        Ok(v) => v,
        Err(r) => return Ok(r.into_response()),
    };
    Ok(Json(json!({
        "receipt": Value::Null,
        "pageInfo": page_info(0, 1, 1),
        "content": [report_info(&report)],
    }))
    .into_response())
}

async fn download<const PARTY: bool>(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let party = PARTY;
    let (session, report) = match own_report(&state, &visitor, &headers, &id, party).await? {
        Ok(v) => v,
        Err(r) => return Ok(r.into_response()),
    };
    let t = locator::download_batch(&state, &session.account, &session.token_hash, &report).await?;
    let content: Value = serde_json::from_str(&report.results).map_err(|e| AppError::Internal(e.into()))?;
    let here = content.as_array().map_or(0, Vec::len);
    Ok(Json(json!({
        "receipt": receipt(&t, &session.account, &report.id.to_string()),
        "pageInfo": page_info(0, report.record_count, here),
        "content": content,
    }))
    .into_response())
}

async fn delete<const PARTY: bool>(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let party = PARTY;
    let (session, report) = match own_report(&state, &visitor, &headers, &id, party).await? {
        Ok(v) => v,
        Err(r) => return Ok(r.into_response()),
    };
    state
        .store
        .delete_report(session.account.id, kind(party), report.id)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list<const PARTY: bool>(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let party = PARTY;
    let session = match api_session(&visitor, &headers) {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let reports = state.store.reports(session.account.id, kind(party)).await?;
    let n = i64::try_from(reports.len()).unwrap_or(i64::MAX);
    Ok(Json(json!({
        "receipt": Value::Null,
        "pageInfo": page_info(0, n, reports.len()),
        "content": reports.iter().map(report_info).collect::<Vec<_>>(),
    }))
    .into_response())
}

// ---- The /pcl page: the same search, for people. ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PclForm {
    court: String,
    case_number: String,
    case_title: String,
    last_name: String,
    first_name: String,
    filed_from: String,
    filed_to: String,
    page: String,
    /// The search form's own number: a reload of its results within the hour is not charged again.
    k: String,
}

pub(crate) struct ResultLine {
    court: String,
    case_number: String,
    title: String,
    party: String,
    filed: String,
    link: String,
}

#[derive(Template)]
#[template(path = "pcl.html")]
struct PclPage {
    banner: Banner,
    form: PclForm,
    fresh_key: String,
    error: Option<String>,
    searched: bool,
    results: Vec<ResultLine>,
    total: i64,
    page: i64,
    next_page: Option<String>,
    receipt: Option<ReceiptView>,
}

async fn search_page(
    State(state): State<AppState>,
    user: PacerUser,
    Query(form): Query<PclForm>,
) -> Result<Response, AppError> {
    let fresh_key = crate::search_key::issue(&state, &user.session.token_hash);
    let party_search = !form.last_name.trim().is_empty() || !form.first_name.trim().is_empty();
    let searched = party_search
        || [&form.case_number, &form.case_title, &form.filed_from, &form.filed_to]
            .iter()
            .any(|v| !v.trim().is_empty());
    let mut page = PclPage {
        banner: Banner::of(&user.visitor),
        form,
        fresh_key,
        error: None,
        searched: false,
        results: Vec::new(),
        total: 0,
        page: 0,
        next_page: None,
        receipt: None,
    };
    if searched && !crate::search_key::verify(&state, &user.session.token_hash, &page.form.k) {
        // Not this session's own form (a link from elsewhere): nothing runs, nothing is charged.
        page.error = Some("Click Search to run this search (searches are charged).".into());
        return Ok(render(StatusCode::OK, page));
    }
    if !searched {
        if !page.form.court.trim().is_empty() || !page.form.k.is_empty() {
            page.error = Some("Give a case number, a case title, a party's name or a date range.".into());
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
        return Ok(render(StatusCode::OK, page));
    }
    let f = &page.form;
    let courts: Vec<String> = f
        .court
        .split(',')
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(bad) = courts.iter().find(|c| CourtId::parse(c).is_err()) {
        page.error = Some(format!("Court: {bad:?} is not a court id, like nysd."));
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let case = CaseSearch {
        court_id: courts.clone(),
        case_number_full: f.case_number.clone(),
        case_title: f.case_title.clone(),
        date_filed_from: f.filed_from.clone(),
        date_filed_to: f.filed_to.clone(),
        ..CaseSearch::default()
    };
    let number: i64 = f.page.trim().parse().unwrap_or(0).clamp(0, 100_000);
    // A reload within the hour is the same request: not charged again.
    let key = format!(
        "pcl-page:{}:{}:{}",
        f.k.chars().take(64).collect::<String>(),
        number,
        state.clock.now().timestamp() / 3600
    );
    let account = user.session.account.clone();
    let hash = user.session.token_hash.clone();
    if party_search {
        let search = PartySearch {
            last_name: f.last_name.clone(),
            first_name: f.first_name.clone(),
            court_case: Some(Box::new(case)),
            ..PartySearch::default()
        };
        let criteria = match locator::party_criteria(&search) {
            Ok(c) => c,
            Err(e) => {
                page.error = Some(format!("{}.", e));
                return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
            }
        };
        let who = locator::Searcher {
            account: &account,
            session_hash: &hash,
            request_key: &key,
        };
        let (parties, total, t) = locator::find_parties(&state, who, &criteria, number).await?;
        page.results = parties
            .iter()
            .map(|p| ResultLine {
                court: p.case.court.to_string(),
                case_number: p.case.number.to_string(),
                title: p.case.title.clone(),
                party: format!("{} ({})", p.name, p.role),
                filed: p.case.date_filed.format("%m/%d/%Y").to_string(),
                link: format!("/ecf/{}/cgi-bin/iquery.pl?{}", p.case.court, p.case.id),
            })
            .collect();
        page.total = total;
        page.receipt = Some(ReceiptView::of(&t));
    } else {
        let criteria = match locator::case_criteria(&case) {
            Ok(c) => c,
            Err(e) => {
                page.error = Some(format!("{}.", e));
                return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
            }
        };
        let who = locator::Searcher {
            account: &account,
            session_hash: &hash,
            request_key: &key,
        };
        let (cases, total, t) = locator::find_cases(&state, who, &criteria, number).await?;
        page.results = cases
            .iter()
            .map(|c| ResultLine {
                court: c.court.to_string(),
                case_number: c.number.to_string(),
                title: c.title.clone(),
                party: String::new(),
                filed: c.date_filed.format("%m/%d/%Y").to_string(),
                link: format!("/ecf/{}/cgi-bin/iquery.pl?{}", c.court, c.id),
            })
            .collect();
        page.total = total;
        page.receipt = Some(ReceiptView::of(&t));
    }
    page.searched = true;
    page.page = number;
    if (number + 1) * PAGE_SIZE < page.total {
        let f = &page.form;
        let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        page.next_page = Some(format!(
            "/pcl?court={}&case_number={}&case_title={}&last_name={}&first_name={}&filed_from={}&filed_to={}&k={}&page={}",
            enc(&f.court), enc(&f.case_number), enc(&f.case_title), enc(&f.last_name), enc(&f.first_name),
            enc(&f.filed_from), enc(&f.filed_to), enc(&f.k), number + 1
        ));
    }
    Ok(render(StatusCode::OK, page))
}
