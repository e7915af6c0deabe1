//! Utilities → Maintain Your ECF Account → Filing Agents: an attorney names
//! the staff (each with an individual PACER account) who file in the
//! attorney's name at this court, and removes them. Each change redirects
//! back with what was done; a refusal re-renders the page (422).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_app::filing::agents::{self, AgentRefusal};
use openecf_domain::Court;
use openecf_store::AgentRow;
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerForm, PacerUser, Path, Query};
use crate::paths::see_other;
use crate::view::render;
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/ecf/{court}/utilities/filing-agents", get(show).post(change))
}

#[derive(Template)]
#[template(path = "filing_agents.html")]
struct AgentsPage {
    nav: CourtNav,
    agents: Vec<AgentRow>,
    notice: Option<&'static str>,
    error: Option<String>,
    typed: String,
}

/// What a PACER user who is not linked here sees: the attorneys waiting for
/// them to accept being their filing agent.
#[derive(Template)]
#[template(path = "filing_agent_invitations.html")]
struct InvitationsPage {
    nav: CourtNav,
    invitations: Vec<AgentRow>,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "court_info.html")]
struct Refused {
    nav: CourtNav,
    title: &'static str,
    message: String,
}

/// The court, its nav, and whether the user is a filer linked there (who
/// names agents); anyone else sees their invitations.
async fn at_court(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
) -> Result<(std::sync::Arc<Court>, CourtNav, bool), AppError> {
    let court = load_court(state, raw).await?;
    let court_user = CourtUser::pacer(state, &user.session, &court).await?;
    let linked = matches!(&court_user, CourtUser::Pacer { linked: Some(_), .. });
    let nav = CourtNav::new(&court, &user.visitor, Some(&court_user));
    let attorney = linked && court.is_live();
    Ok((court, nav, attorney))
}

/// The 403 page for naming agents without being a filer here.
fn refused(nav: CourtNav) -> Response {
    render(
        StatusCode::FORBIDDEN,
        Refused {
            nav,
            title: "Filing Agents",
            message: AgentRefusal::NotAFiler.to_string(),
        },
    )
}

async fn agents_page(
    state: &AppState,
    user: &PacerUser,
    court: &Court,
    nav: CourtNav,
    notice: Option<&'static str>,
    error: Option<(AgentRefusal, String)>,
) -> Result<Response, AppError> {
    let agents = agents::agents(state, court, &user.session.account)
        .await?
        .unwrap_or_default();
    let status = crate::view::form_status(error.is_some());
    let (error, typed) = match error {
        Some((e, typed)) => (Some(e.to_string()), typed),
        None => (None, String::new()),
    };
    Ok(render(
        status,
        AgentsPage {
            nav,
            agents,
            notice,
            error,
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
    let notice = match done.done.as_str() {
        "added" => Some("The filing agent was named. Once they accept, at this court's Filing Agents page, they file in your name from its filing menus."),
        "removed" => Some("The filing agent was removed. They can no longer file in your name here."),
        "accepted" => Some("You accepted: you file for that attorney from this court's filing menus (Filing for)."),
        "declined" => Some("You declined: the naming is gone."),
        _ => None,
    };
    let (court, nav, attorney) = at_court(&state, &user, &court).await?;
    if !attorney {
        return invitations_page(&state, &user, &court, nav, notice, None).await;
    }
    agents_page(&state, &user, &court, nav, notice, None).await
}

/// The invitations page of a PACER user not linked at the court.
async fn invitations_page(
    state: &AppState,
    user: &PacerUser,
    court: &Court,
    nav: CourtNav,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let invitations = agents::invitations(state, court, &user.session.account).await?;
    let status = crate::view::form_status(error.is_some());
    Ok(render(
        status,
        InvitationsPage {
            nav,
            invitations,
            notice,
            error,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Change {
    action: String,
    username: String,
}

async fn change(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<Change>,
) -> Result<Response, AppError> {
    let PacerForm { user, form } = posted;
    let (court, nav, attorney) = at_court(&state, &user, &court).await?;
    if matches!(form.action.as_str(), "accept" | "decline") {
        // The named agent's answer (any PACER user, linked here or not).
        let accept = form.action == "accept";
        return match agents::answer_naming(&state, &court, &user.session.account, &form.username, accept).await? {
            Ok(()) => Ok(see_other(&format!(
                "/ecf/{}/utilities/filing-agents?done={}",
                court.id,
                if accept { "accepted" } else { "declined" }
            ))),
            Err(refusal) => invitations_page(&state, &user, &court, nav, None, Some(refusal.to_string())).await,
        };
    }
    if !attorney {
        return Ok(refused(nav));
    }
    let account = &user.session.account;
    let typed: String = form.username.chars().filter(|c| !c.is_control()).take(64).collect();
    let (outcome, done) = match form.action.as_str() {
        "add" => (
            agents::name_agent(&state, &court, account, &form.username)
                .await?
                .map(|_| ()),
            "added",
        ),
        "remove" => (
            agents::remove_agent(&state, &court, account, &form.username).await?,
            "removed",
        ),
        _ => return Err(AppError::BadRequest("Choose Add filing agent or Remove.".into())),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/ecf/{}/utilities/filing-agents?done={done}",
            court.id
        ))),
        Err(refusal) => {
            let typed = if form.action == "add" { typed } else { String::new() };
            agents_page(&state, &user, &court, nav, None, Some((refusal, typed))).await
        }
    }
}
