//! E-File Registration, from Manage My Account (`/account/efile`): a PACER
//! user asks a court live on NextGen CM/ECF for filing privileges, as an
//! attorney (admission, with bar id and bar state) or a non-attorney (e-file
//! registration, with a role), when they have no legacy CM/ECF account to
//! link. The court's staff approve or reject it in the clerk console.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_domain::clerk::{EfileKind, NON_ATTORNEY_ROLES};
use openecf_domain::{CourtId, CourtKind};
use serde::Deserialize;

use crate::extract::{PacerForm, PacerUser, Query};
use crate::paths::see_other;
use crate::view::{render, utc_secs, Banner};
use crate::{AppError, AppState};

/// Under `/account`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/efile", get(show).post(request))
}

struct CourtChoice {
    id: String,
    name: String,
    selected: bool,
}

struct Mine {
    court: String,
    kind: &'static str,
    details: String,
    status: String,
    asked: String,
}

#[derive(Template)]
#[template(path = "efile.html")]
struct EfilePage {
    banner: Banner,
    csrf: String,
    courts: Vec<CourtChoice>,
    roles: Vec<(&'static str, bool)>,
    attorney: bool,
    bar_id: String,
    bar_state: String,
    mine: Vec<Mine>,
    notice: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct EfileForm {
    court: String,
    kind: String,
    role: String,
    bar_id: String,
    bar_state: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn efile_page(
    state: &AppState,
    user: &PacerUser,
    typed: &EfileForm,
    notice: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let courts = state
        .store
        .court_statuses()
        .await?
        .into_iter()
        .filter(|s| s.court.is_live() && matches!(s.court.kind, CourtKind::District | CourtKind::Bankruptcy))
        .map(|s| CourtChoice {
            selected: s.court.id.as_str() == typed.court,
            id: s.court.id.to_string(),
            name: s.court.name,
        })
        .collect();
    let mine = state
        .store
        .efile_requests_of(user.session.account.id)
        .await?
        .into_iter()
        .map(|r| Mine {
            court: r.court_id.clone(),
            kind: EfileKind::parse(&r.kind).unwrap_or(EfileKind::NonAttorney).label(),
            details: r.details(),
            status: match r.status.as_str() {
                "approved" => format!("Approved {}", r.decided_at.map(utc_secs).unwrap_or_default()),
                "rejected" => format!(
                    "Rejected {}: {}",
                    r.decided_at.map(utc_secs).unwrap_or_default(),
                    r.reason
                ),
                _ => "Waiting for the clerk's office".to_owned(),
            },
            asked: utc_secs(r.created_at),
        })
        .collect();
    let clip = |s: &str, n: usize| s.chars().filter(|c| !c.is_control()).take(n).collect::<String>();
    let status = crate::view::form_status(error.is_some());
    Ok(render(
        status,
        EfilePage {
            banner: Banner::of(&user.visitor),
            csrf: user.visitor.csrf.value().to_owned(),
            courts,
            roles: NON_ATTORNEY_ROLES.iter().map(|r| (*r, *r == typed.role)).collect(),
            attorney: typed.kind != "non-attorney",
            bar_id: clip(&typed.bar_id, 32),
            bar_state: clip(&typed.bar_state, 2),
            mine,
            notice,
            error,
        },
    ))
}

async fn show(State(state): State<AppState>, user: PacerUser, Query(done): Query<Done>) -> Result<Response, AppError> {
    efile_page(&state, &user, &EfileForm::default(), done.done == "requested", None).await
}

async fn request(State(state): State<AppState>, posted: PacerForm<EfileForm>) -> Result<Response, AppError> {
    let PacerForm { user, form } = posted;
    let court = match CourtId::parse(&form.court) {
        Ok(id) => state.store.court(&id).await?,
        Err(_) => None,
    };
    let Some(court) = court else {
        return efile_page(
            &state,
            &user,
            &form,
            false,
            Some("Choose the court where you ask for filing privileges.".into()),
        )
        .await;
    };
    match openecf_app::console::request_efile(
        &state,
        &court,
        &user.session.account,
        &form.kind,
        &form.role,
        &form.bar_id,
        &form.bar_state,
    )
    .await?
    {
        Ok(()) => Ok(see_other("/account/efile?done=requested")),
        Err(refusal) => efile_page(&state, &user, &form, false, Some(refusal.to_string())).await,
    }
}
