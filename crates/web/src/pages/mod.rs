//! The pages, one module per flow; each module's `routes()` is composed here.
//! A new part of the site arrives as one more `.merge` or `.nest`: a clerk
//! console, for instance, nested under `/ecf/{court}/admin` behind its role.

pub(crate) mod api;
pub(crate) mod billing;
mod court;
mod courts;
mod csologin;
mod identity;
mod link_center;
mod mfa;
mod paa;
mod pcl;
mod portal;
mod profile;
mod register;
mod reset;
pub(crate) mod signin;
mod upgrade;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::session::Visitor;
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    let account = Router::new()
        .merge(profile::routes())
        .merge(link_center::routes())
        .merge(billing::routes())
        .merge(paa::routes())
        .merge(register::routes())
        .merge(upgrade::routes())
        .merge(reset::routes())
        .nest("/mfa", mfa::routes());
    Router::new()
        .merge(portal::routes())
        .route("/static/style.css", get(stylesheet))
        .merge(csologin::routes())
        .merge(api::routes())
        .merge(pcl::routes())
        .nest("/account", account)
        .merge(court::routes())
        .merge(courts::routes())
        .fallback(not_found)
}

/// No such page; the visitor is looked up so the page still says who is logged in.
async fn not_found(_: Visitor) -> AppError {
    AppError::NotFound
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}
