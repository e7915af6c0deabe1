//! The PACER portal: log in, register, Manage My Account, and the NextGen
//! status of every court.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::session::Visitor;
use crate::view::{page, Banner};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub(crate) struct CourtLine {
    id: String,
    name: String,
    kind: &'static str,
    status: String,
}

#[derive(Template)]
#[template(path = "portal.html")]
struct Portal {
    banner: Banner,
    courts: Vec<CourtLine>,
    live_count: usize,
}

async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let courts = state.store.court_statuses().await?;
    let live_count = courts.iter().filter(|s| s.court.is_live()).count();
    Ok(page(Portal {
        banner: Banner::of(&visitor),
        live_count,
        courts: courts
            .into_iter()
            .map(|s| CourtLine {
                id: s.court.id.to_string(),
                kind: s.court.kind.as_str(),
                status: super::courts::nextgen_text(&s),
                name: s.court.name,
            })
            .collect(),
    }))
}
