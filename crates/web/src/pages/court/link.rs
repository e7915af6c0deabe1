//! Linking a CM/ECF account to the upgraded PACER account: the form, the
//! verify page, Submit or Cancel, and the success page. Every attempt, success
//! or refusal, is an audit event.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openecf_app::link::{self, Decision, Held, Linker};
use openecf_domain::{Court, EcfAccount, LinkRefusal, PacerAccount};
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerForm, PacerUser, Path, Query};
use crate::paths::{login_href, see_other};
use crate::session::{PacerSession, Visitor};
use crate::view::{long_date, page, render};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ecf/{court}/link", get(form).post(verify))
        .route("/ecf/{court}/link/confirm", post(confirm))
        .route("/ecf/{court}/link/done", get(done))
}

fn refusal_status(r: &LinkRefusal) -> StatusCode {
    match r {
        LinkRefusal::WrongCredentials => StatusCode::UNAUTHORIZED,
        LinkRefusal::VerificationExpired => StatusCode::GONE,
        LinkRefusal::CourtNotLive { .. }
        | LinkRefusal::EcfAlreadyLinked
        | LinkRefusal::PacerAlreadyLinkedHere { .. } => StatusCode::CONFLICT,
        LinkRefusal::LegacyPacerAccount | LinkRefusal::SharedFirmAccount => StatusCode::FORBIDDEN,
    }
}

#[derive(Template)]
#[template(path = "link_form.html")]
struct LinkForm {
    nav: CourtNav,
    pacer_username: String,
    pacer_name: String,
    login: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "link_verify.html")]
struct VerifyPage {
    nav: CourtNav,
    ecf: EcfAccount,
    pacer: PacerAccount,
    pacer_kind: &'static str,
    pending: String,
}

#[derive(Template)]
#[template(path = "link_done.html")]
struct DonePage {
    nav: CourtNav,
    ecf_login: String,
    pacer_username: String,
    menus: String,
}

#[derive(Template)]
#[template(path = "link_message.html")]
struct MessagePage {
    nav: CourtNav,
    title: &'static str,
    message: String,
    refused: bool,
    action: Option<(String, &'static str)>,
}

/// The PACER user as this court's user: with the CM/ECF login linked here, if any.
async fn court_user(state: &AppState, session: &PacerSession, court: &Court) -> Result<CourtUser, AppError> {
    CourtUser::pacer(state, session, court).await
}

fn refusal_page(court: &Court, visitor: &Visitor, user: &CourtUser, refusal: &LinkRefusal) -> Response {
    let mut message = refusal.to_string();
    let mut action = None;
    match refusal {
        LinkRefusal::CourtNotLive { planned: Some(d) } => {
            message.push_str(&format!(" It goes live on {}.", long_date(*d)))
        }
        LinkRefusal::CourtNotLive { planned: None } => {
            message.push_str(" The court has not set its go-live date yet; it will notify users of the date.");
        }
        LinkRefusal::LegacyPacerAccount => action = Some(("/account/upgrade".to_owned(), "Upgrade your PACER account")),
        LinkRefusal::SharedFirmAccount => {
            action = Some((login_href(&format!("/ecf/{}/link", court.id), false), "PACER LOGIN"));
        }
        LinkRefusal::VerificationExpired | LinkRefusal::WrongCredentials => {
            action = Some((
                format!("/ecf/{}/link", court.id),
                "Link a CM/ECF account to my PACER account",
            ));
        }
        LinkRefusal::EcfAlreadyLinked | LinkRefusal::PacerAlreadyLinkedHere { .. } => {}
    }
    render(
        refusal_status(refusal),
        MessagePage {
            nav: CourtNav::new(court, visitor, Some(user)),
            title: "Cannot link this account",
            message,
            refused: true,
            action,
        },
    )
}

fn linker<'a>(session: &'a PacerSession, visitor: &'a Visitor) -> Linker<'a> {
    Linker {
        account: &session.account,
        session_hash: &session.token_hash,
        ip: &visitor.ip,
    }
}

/// What the link form may be filled in with again after an expired session.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LinkQuery {
    login: String,
}

async fn form(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
    Path(court): Path<String>,
    Query(q): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    if let Err(refusal) = link::check_start(&state, &court, linker(&session, &visitor)).await? {
        return Ok(refusal_page(&court, &visitor, &user, &refusal));
    }
    Ok(page(LinkForm {
        nav: CourtNav::new(&court, &visitor, Some(&user)),
        pacer_username: session.account.username.to_string(),
        pacer_name: session.account.name.to_string(),
        login: q.login.trim().chars().filter(|c| !c.is_control()).take(64).collect(),
        error: None,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LinkCredentials {
    login: String,
    password: String,
}

/// Step 4: checks the CM/ECF credentials and shows both accounts to verify.
/// The verified identity is held server-side; the password goes no further.
async fn verify(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<LinkCredentials>,
) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form,
    } = posted;
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    match link::verify_credentials(&state, &court, linker(&session, &visitor), &form.login, &form.password).await? {
        Ok(Held { ecf, pending }) => Ok(page(VerifyPage {
            nav: CourtNav::new(&court, &visitor, Some(&user)),
            pacer_kind: session.account.kind.label(),
            pacer: session.account,
            ecf,
            pending,
        })),
        Err(LinkRefusal::WrongCredentials) => Ok(render(
            StatusCode::UNAUTHORIZED,
            LinkForm {
                nav: CourtNav::new(&court, &visitor, Some(&user)),
                pacer_username: session.account.username.to_string(),
                pacer_name: session.account.name.to_string(),
                login: form.login.trim().chars().filter(|c| !c.is_control()).take(64).collect(),
                error: Some(LinkRefusal::WrongCredentials.to_string()),
            },
        )),
        Err(refusal) => Ok(refusal_page(&court, &visitor, &user, &refusal)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Confirm {
    pending: String,
    action: String,
}

/// Step 5: Submit links the verified accounts; Cancel links nothing.
async fn confirm(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<Confirm>,
) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form,
    } = posted;
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    let submit = match form.action.as_str() {
        "submit" => true,
        "cancel" => false,
        _ => return Err(AppError::BadRequest("Choose Submit or Cancel.".into())),
    };
    match link::decide(&state, &court, linker(&session, &visitor), &form.pending, submit).await? {
        Decision::Linked(_) => Ok(see_other(&format!("/ecf/{}/link/done", court.id))),
        Decision::Cancelled(ecf) => Ok(page(MessagePage {
            nav: CourtNav::new(&court, &visitor, Some(&user)),
            title: "Nothing was linked",
            message: format!(
                "You cancelled. The CM/ECF account {} was not linked to your PACER account.",
                ecf.login
            ),
            refused: false,
            action: None,
        })),
        Decision::Refused(refusal) => Ok(refusal_page(&court, &visitor, &user, &refusal)),
    }
}

/// Step 6: the success page, with the refreshed main menu.
async fn done(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    let CourtUser::Pacer {
        linked: Some(ecf_login),
        ..
    } = &user
    else {
        return Ok(see_other(&format!("/ecf/{}/link", court.id)));
    };
    let menus = court
        .kind
        .filing_menus()
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join(" and ");
    Ok(page(DonePage {
        ecf_login: ecf_login.clone(),
        pacer_username: session.account.username.to_string(),
        menus,
        nav: CourtNav::new(&court, &visitor, Some(&user)),
    }))
}
