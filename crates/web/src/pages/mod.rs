//! The pages, one module per flow; each module's `routes()` is composed here.
//! A new part of the site arrives as one more `.merge` or `.nest`. The clerk
//! console's router is built with the state (its role check needs it) and
//! merged in `app()`.

pub(crate) mod api;
pub(crate) mod billing;
mod court;
pub(crate) use court::console_routes;
mod courts;
mod csologin;
mod efile;
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
        .merge(efile::routes())
        .merge(billing::routes())
        .merge(paa::routes())
        .merge(register::routes())
        .merge(upgrade::routes())
        .merge(reset::routes())
        .nest("/mfa", mfa::routes());
    Router::new()
        .merge(portal::routes())
        .merge(csologin::routes())
        .merge(api::routes())
        .merge(pcl::routes())
        .nest("/account", account)
        .merge(court::routes())
        .merge(courts::routes())
        .fallback(not_found)
}

/// The server's own files: the same for everyone, no session, no form, no
/// database. They skip the per-request work of pages (CSRF cookie, rate
/// limits, the request span and access log, the detached task): only the
/// security headers and the metrics wrap them.
pub fn static_routes() -> Router<AppState> {
    Router::new().route("/static/style.css", get(stylesheet))
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
