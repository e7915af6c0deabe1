//! Search: the court's docket entries found by a keyword of their text and
//! a filing-date range, billed as PACER bills a search (4,320 bytes of
//! results a page, not capped; a search that finds nothing costs a page),
//! with the Transaction Receipt.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use openecf_app::fees::{self, Charge};
use openecf_domain::fees::Billable;
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerUser, Path, Query};
use crate::pages::billing::ReceiptView;
use crate::view::render;
use crate::{AppError, AppState};

/// The most entries one search lists.
const LIMIT: i64 = 500;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/ecf/{court}/search", get(search))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SearchForm {
    keyword: String,
    filed_from: String,
    filed_to: String,
    /// The form's own number: a reload of its results within the hour is not charged again.
    k: String,
}

pub(crate) struct Found {
    case_number: String,
    case_title: String,
    report: String,
    number: i64,
    filed: String,
    text: String,
}

#[derive(Template)]
#[template(path = "search_results.html")]
struct ResultsTable {
    found: Vec<Found>,
    keyword: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    nav: CourtNav,
    form: SearchForm,
    fresh_key: String,
    error: Option<String>,
    /// The results table, rendered (and escaped) before it was billed by its bytes.
    results: Option<String>,
    count: usize,
    receipt: Option<ReceiptView>,
}

fn day(field: &str, raw: &str) -> Result<Option<NaiveDate>, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%m/%d/%Y"))
        .map(Some)
        .map_err(|_| format!("{field}: {v:?} is not a date; write it like 2026-11-26 or 11/26/2026."))
}

async fn search(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    Query(form): Query<SearchForm>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let court_user = CourtUser::pacer(&state, &user.session, &court).await?;
    let nav = CourtNav::new(&court, &user.visitor, Some(&court_user));
    let mut page = SearchPage {
        nav,
        fresh_key: crate::search_key::issue(&state, &user.session.token_hash),
        error: None,
        results: None,
        count: 0,
        receipt: None,
        form,
    };
    let keyword: String = page
        .form
        .keyword
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if !keyword.is_empty() && !crate::search_key::verify(&state, &user.session.token_hash, &page.form.k) {
        // Not this session's own form (a link from elsewhere): nothing runs, nothing is charged.
        page.error = Some("Click Search to run this search (searches are charged).".into());
        return Ok(render(StatusCode::OK, page));
    }
    if keyword.is_empty() {
        if !page.form.k.is_empty() {
            page.error = Some("Keyword: type a word of the docket text to search for.".into());
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
        return Ok(render(StatusCode::OK, page));
    }
    let (from, to) = match (
        day("Filed from", &page.form.filed_from),
        day("Filed to", &page.form.filed_to),
    ) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => {
            page.error = Some(e);
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            page.error = Some("Filed to: a day on or after Filed from.".into());
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    }
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let found = state
        .store
        .search_entries(
            &court.id,
            &keyword,
            from.map(start),
            to.and_then(|d| d.succ_opt()).map(start),
            LIMIT,
        )
        .await?;
    let mut rows = Vec::with_capacity(found.len());
    let mut cases = std::collections::HashMap::new();
    for f in &found {
        if let std::collections::hash_map::Entry::Vacant(slot) = cases.entry(f.case_id) {
            slot.insert(state.store.case(&court.id, f.case_id).await?);
        }
        let Some(Some(case)) = cases.get(&f.case_id) else {
            continue;
        };
        rows.push(Found {
            case_number: case.number.to_string(),
            case_title: case.title.clone(),
            report: format!("/ecf/{}/cgi-bin/DktRpt.pl?{}", court.id, case.id),
            number: f.number,
            filed: f.filed_at.format("%m/%d/%Y").to_string(),
            text: f.docket_text.clone(),
        });
    }
    let count = rows.len();
    let table = ResultsTable {
        found: rows,
        keyword: keyword.clone(),
    }
    .render()
    .map_err(|e| AppError::Internal(e.into()))?;
    let bytes = i64::try_from(table.len()).unwrap_or(i64::MAX);
    let mut criteria = format!("Keyword: {keyword}");
    if let Some(f) = from {
        criteria.push_str(&format!("; Filed from: {}", f.format("%m/%d/%Y")));
    }
    if let Some(t) = to {
        criteria.push_str(&format!("; Filed to: {}", t.format("%m/%d/%Y")));
    }
    let key = format!(
        "search:{}:{}",
        page.form.k.chars().take(64).collect::<String>(),
        state.clock.now().timestamp() / 3600
    );
    let t = fees::charge(
        &state,
        &user.session.account,
        &user.session.token_hash,
        Charge {
            court: Some(&court),
            description: "Search",
            criteria: &criteria,
            billable: Billable::Search {
                bytes,
                matched: count > 0,
            },
            opinion: false,
            request_key: &key,
        },
    )
    .await?;
    page.results = Some(table);
    page.count = count;
    page.receipt = Some(ReceiptView::of(&t));
    Ok(render(StatusCode::OK, page))
}
