//! Utilities → Your PACER Account at a court: Change Client Code (the code
//! this session's searches and documents bill to) and View Your Transactions
//! (this quarter's, at this court).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_app::fees;
use openecf_domain::fees::Quarter;
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerForm, PacerUser, Path, Query};
use crate::pages::billing::TransactionLine;
use crate::paths::see_other;
use crate::view::render;
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/ecf/{court}/utilities/client-code",
            get(client_code_form).post(change_client_code),
        )
        .route("/ecf/{court}/utilities/transactions", get(transactions))
        .route(
            "/ecf/{court}/utilities/exemption",
            get(exemption_page).post(set_exemption),
        )
}

#[derive(Template)]
#[template(path = "client_code.html")]
struct ClientCodePage {
    nav: CourtNav,
    current: String,
    typed: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Done {
    done: String,
}

async fn nav_for(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
) -> Result<(std::sync::Arc<openecf_domain::Court>, CourtNav), AppError> {
    let court = load_court(state, raw).await?;
    let court_user = CourtUser::pacer(state, &user.session, &court).await?;
    let nav = CourtNav::new(&court, &user.visitor, Some(&court_user));
    Ok((court, nav))
}

async fn client_code_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let (_, nav) = nav_for(&state, &user, &court).await?;
    let current = state.store.session_client_code(&user.session.token_hash).await?;
    Ok(render(
        StatusCode::OK,
        ClientCodePage {
            nav,
            typed: current.clone(),
            current,
            notice: (done.done == "saved").then_some("Your client code was changed."),
            error: None,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ClientCodeForm {
    #[serde(rename = "clientCode")]
    client_code: String,
}

async fn change_client_code(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<ClientCodeForm>,
) -> Result<Response, AppError> {
    let PacerForm { user, form } = posted;
    let (court, nav) = nav_for(&state, &user, &court).await?;
    match fees::set_client_code(&state, &user.session.token_hash, &form.client_code).await? {
        Ok(_) => Ok(see_other(&format!(
            "/ecf/{}/utilities/client-code?done=saved",
            court.id
        ))),
        Err(e) => {
            let current = state.store.session_client_code(&user.session.token_hash).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                ClientCodePage {
                    nav,
                    current,
                    typed: form.client_code.chars().filter(|c| !c.is_control()).take(64).collect(),
                    notice: None,
                    error: Some(format!("Client code: {}.", e.reason)),
                },
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "court_transactions.html")]
struct TransactionsPage {
    nav: CourtNav,
    quarter: String,
    transactions: Vec<TransactionLine>,
}

async fn transactions(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let (court, nav) = nav_for(&state, &user, &court).await?;
    let quarter = Quarter::of(state.clock.now());
    let transactions = fees::transactions(&state, &user.session.account, quarter)
        .await?
        .iter()
        .filter(|t| t.court == court.id.as_str())
        .map(TransactionLine::of)
        .collect();
    Ok(render(
        StatusCode::OK,
        TransactionsPage {
            nav,
            quarter: quarter.to_string(),
            transactions,
        },
    ))
}

#[derive(Template)]
#[template(path = "exemption.html")]
struct ExemptionPage {
    nav: CourtNav,
    /// The court's grant: its reason and who granted it.
    grant: Option<(String, String)>,
    on: bool,
    notice: Option<&'static str>,
}

async fn exemption_page(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let (court, nav) = nav_for(&state, &user, &court).await?;
    let (grant, on) =
        openecf_app::paa::exemption_status(&state, &court, &user.session.account, &user.session.token_hash).await?;
    let notice = match done.done.as_str() {
        "on" => Some("Your CJA exemption is on for this session at this court: use it for CJA work only."),
        "off" => Some("Your CJA exemption is off: your searches and documents are charged."),
        _ => None,
    };
    Ok(render(
        StatusCode::OK,
        ExemptionPage {
            nav,
            grant: grant.map(|g| (g.reason, g.granted_by)),
            on,
            notice,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ExemptionForm {
    exempt: String,
}

async fn set_exemption(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<ExemptionForm>,
) -> Result<Response, AppError> {
    let PacerForm { user, form } = posted;
    let (court, nav) = nav_for(&state, &user, &court).await?;
    let on = match form.exempt.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::BadRequest("Choose Turn on or Turn off.".into())),
    };
    match openecf_app::paa::use_exemption(&state, &court, &user.session.account, &user.session.token_hash, on).await? {
        Ok(()) => Ok(see_other(&format!(
            "/ecf/{}/utilities/exemption?done={}",
            court.id,
            if on { "on" } else { "off" }
        ))),
        // No grant at this court: the page says so.
        Err(_) => Ok(render(
            StatusCode::FORBIDDEN,
            ExemptionPage {
                nav,
                grant: None,
                on: false,
                notice: None,
            },
        )),
    }
}
