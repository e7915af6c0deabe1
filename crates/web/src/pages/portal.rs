use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;

use super::{page, status_text};
use crate::session::Visitor;
use crate::{AppError, AppState};

pub(crate) struct CourtLine {
    id: String,
    name: String,
    kind: &'static str,
    status: String,
}

#[derive(Template)]
#[template(path = "portal.html")]
struct Portal {
    user: Option<String>,
    csrf: String,
    courts: Vec<CourtLine>,
    live_count: usize,
}

pub(crate) async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let courts = state.store.courts(Utc::now()).await?;
    let live_count = courts.iter().filter(|c| c.is_live()).count();
    Ok(page(Portal {
        user: visitor
            .pacer
            .as_ref()
            .map(|s| format!("{} ({})", s.account.name, s.account.username)),
        csrf: visitor.csrf.value().to_owned(),
        live_count,
        courts: courts
            .into_iter()
            .map(|c| CourtLine {
                id: c.id.to_string(),
                kind: c.kind.as_str(),
                status: status_text(&c.status),
                name: c.name,
            })
            .collect(),
    }))
}
