//! Utilities → Maintain Your ECF Account: a linked filer's secondary e-mail
//! addresses for noticing and delivery method at a court. One form address;
//! each change redirects back with what was done; a refusal re-renders the
//! page with what was typed (422).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_app::ecf_account::{self, EcfAccountRefusal};
use openecf_domain::{Court, NoticeDelivery, MAX_SECONDARY_EMAILS};
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerForm, PacerUser, Path, Query};
use crate::paths::see_other;
use crate::view::render;
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/ecf/{court}/utilities/maintain-account", get(show).post(change))
}

#[derive(Template)]
#[template(path = "ecf_account.html")]
struct AccountPage {
    nav: CourtNav,
    login: String,
    primary: String,
    secondary: Vec<String>,
    max: usize,
    deliveries: Vec<(&'static str, &'static str, bool)>,
    notice: Option<&'static str>,
    error: Option<String>,
    email_error: bool,
    typed: String,
}

#[derive(Template)]
#[template(path = "court_info.html")]
struct Refused {
    nav: CourtNav,
    title: &'static str,
    message: String,
}

/// The court, its nav and the linked login; or the 403 page for anyone else.
async fn linked_filer(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
) -> Result<Result<(std::sync::Arc<Court>, CourtNav, String), Response>, AppError> {
    let court = load_court(state, raw).await?;
    let court_user = CourtUser::pacer(state, &user.session, &court).await?;
    let nav = CourtNav::new(&court, &user.visitor, Some(&court_user));
    match court_user {
        CourtUser::Pacer {
            linked: Some(login), ..
        } if court.is_live() => Ok(Ok((court, nav, login))),
        _ => Ok(Err(refused(nav))),
    }
}

fn refused(nav: CourtNav) -> Response {
    render(
        StatusCode::FORBIDDEN,
        Refused {
            nav,
            title: "Maintain Your ECF Account",
            message: EcfAccountRefusal::NotAFiler.to_string(),
        },
    )
}

/// The page, with the filer's current settings; an error keeps what was typed.
async fn account_page(
    state: &AppState,
    user: &PacerUser,
    court: &Court,
    nav: CourtNav,
    login: String,
    notice: Option<&'static str>,
    error: Option<(EcfAccountRefusal, String)>,
) -> Result<Response, AppError> {
    let prefs = match ecf_account::prefs(state, court, &user.session.account).await? {
        Ok(p) => p,
        Err(_) => return Ok(refused(nav)),
    };
    let status = crate::view::form_status(error.is_some());
    let email_error = matches!(error, Some((EcfAccountRefusal::Email(_), _)));
    let (error, typed) = match error {
        Some((e, typed)) => (Some(e.to_string()), typed),
        None => (None, String::new()),
    };
    Ok(render(
        status,
        AccountPage {
            nav,
            login,
            primary: user.session.account.email.to_string(),
            secondary: prefs.secondary,
            max: MAX_SECONDARY_EMAILS,
            deliveries: NoticeDelivery::ALL
                .iter()
                .map(|d| (d.as_str(), d.label(), *d == prefs.delivery))
                .collect(),
            notice,
            error,
            email_error,
            typed,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Done {
    done: String,
}

async fn show(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let (court, nav, login) = match linked_filer(&state, &user, &court).await? {
        Ok(v) => v,
        Err(refusal) => return Ok(refusal),
    };
    let notice = match done.done.as_str() {
        "added" => Some("The secondary e-mail address was added."),
        "removed" => Some("The secondary e-mail address was removed."),
        "delivery" => Some("Your delivery method was saved."),
        _ => None,
    };
    account_page(&state, &user, &court, nav, login, notice, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Change {
    action: String,
    email: String,
    delivery: String,
}

async fn change(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<Change>,
) -> Result<Response, AppError> {
    let PacerForm { user, form } = posted;
    let (court, nav, login) = match linked_filer(&state, &user, &court).await? {
        Ok(v) => v,
        Err(refusal) => return Ok(refusal),
    };
    let account = &user.session.account;
    let typed: String = form.email.chars().filter(|c| !c.is_control()).take(254).collect();
    let (outcome, done) = match form.action.as_str() {
        "add" => (
            ecf_account::add_secondary_email(&state, &court, account, &form.email)
                .await?
                .map(|_| ()),
            "added",
        ),
        "remove" => (
            ecf_account::remove_secondary_email(&state, &court, account, &form.email).await?,
            "removed",
        ),
        "delivery" => match NoticeDelivery::parse(&form.delivery) {
            Ok(d) => (ecf_account::set_delivery(&state, &court, account, d).await?, "delivery"),
            Err(_) => {
                return Err(AppError::BadRequest(
                    "Choose Notice of Electronic Filing for each filing, or Daily summary report.".into(),
                ))
            }
        },
        _ => {
            return Err(AppError::BadRequest(
                "Choose Add, Remove or Save delivery method.".into(),
            ))
        }
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/ecf/{}/utilities/maintain-account?done={done}",
            court.id
        ))),
        Err(EcfAccountRefusal::NotAFiler) => Ok(refused(nav)),
        Err(refusal) => {
            // A refused add keeps what was typed; a refused remove types nothing.
            let typed = if form.action == "add" { typed } else { String::new() };
            account_page(&state, &user, &court, nav, login, None, Some((refusal, typed))).await
        }
    }
}
