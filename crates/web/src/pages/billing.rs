//! Manage My Account → Review Billing History: the account's PACER usage by
//! quarter (with the $30 waiver), its transactions, and a CSV of them.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openecf_app::fees;
use openecf_domain::fees::{money, Quarter};
use serde::Deserialize;

use crate::extract::{PacerUser, Query};
use crate::view::{page, Banner};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/billing", get(history))
        .route("/billing.csv", get(csv))
}

pub(crate) struct QuarterLine {
    pub quarter: String,
    pub transactions: i64,
    pub pages: i64,
    pub total: String,
    pub due: String,
    pub waived: bool,
}

pub(crate) struct TransactionLine {
    pub date: String,
    pub court: String,
    pub client_code: String,
    pub description: String,
    pub criteria: String,
    pub pages: i64,
    pub cost: String,
    pub exempt: String,
}

impl TransactionLine {
    pub(crate) fn of(t: &openecf_store::TransactionRow) -> Self {
        Self {
            date: t.at.format("%m/%d/%Y %H:%M:%S").to_string(),
            court: t.court.clone(),
            client_code: t.client_code.clone(),
            description: t.description.clone(),
            criteria: t.criteria.clone(),
            pages: t.pages,
            cost: money(t.cost_cents),
            exempt: t.exempt.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "billing.html")]
struct BillingPage {
    banner: Banner,
    quarters: Vec<QuarterLine>,
    shown: String,
    transactions: Vec<TransactionLine>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct QuarterQuery {
    quarter: String,
}

fn quarter_asked(state: &AppState, raw: &str) -> Result<Quarter, AppError> {
    if raw.trim().is_empty() {
        return Ok(Quarter::of(state.clock.now()));
    }
    Quarter::parse(raw).map_err(|e| AppError::BadRequest(format!("Quarter: {}.", e.reason)))
}

async fn history(
    State(state): State<AppState>,
    user: PacerUser,
    Query(q): Query<QuarterQuery>,
) -> Result<Response, AppError> {
    let account = &user.session.account;
    let shown = quarter_asked(&state, &q.quarter)?;
    let quarters = fees::usage_by_quarter(&state, account)
        .await?
        .into_iter()
        .map(|u| QuarterLine {
            quarter: u.quarter.to_string(),
            transactions: u.transactions,
            pages: u.pages,
            total: money(u.cents),
            due: money(u.due_cents),
            waived: u.cents > 0 && u.due_cents == 0,
        })
        .collect();
    let transactions = fees::transactions(&state, account, shown)
        .await?
        .iter()
        .map(TransactionLine::of)
        .collect();
    Ok(page(BillingPage {
        banner: Banner::of(&user.visitor),
        quarters,
        shown: shown.to_string(),
        transactions,
    }))
}

async fn csv(
    State(state): State<AppState>,
    user: PacerUser,
    Query(q): Query<QuarterQuery>,
) -> Result<Response, AppError> {
    let quarter = quarter_asked(&state, &q.quarter)?;
    let list = fees::transactions(&state, &user.session.account, quarter).await?;
    let filename = format!("pacer-transactions-{quarter}.csv");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        fees::transactions_csv(&list),
    )
        .into_response())
}

/// The Transaction Receipt at the foot of a billable page, as PACER prints it.
pub(crate) struct ReceiptView {
    pub when: String,
    pub login: String,
    pub client_code: String,
    pub description: String,
    pub criteria: String,
    pub pages: i64,
    /// "0.30", as the receipt prints it.
    pub cost: String,
}

impl ReceiptView {
    pub(crate) fn of(t: &openecf_store::TransactionRow) -> Self {
        Self {
            when: t.at.format("%m/%d/%Y %H:%M:%S").to_string(),
            login: t.username.clone(),
            client_code: t.client_code.clone(),
            description: t.description.clone(),
            criteria: t.criteria.clone(),
            pages: t.pages,
            cost: format!("{}.{:02}", t.cost_cents / 100, t.cost_cents % 100),
        }
    }
}
