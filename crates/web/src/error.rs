//! One error type for every handler. A 500 tells the client only that
//! something went wrong and the operation id to quote; the real error goes to
//! the log under that id.

use std::sync::Mutex;

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection, RawFormRejection};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use openecf_store::StoreError;
use rand::RngCore;

use crate::paths::{encode_next, login_href};
use crate::view::{render, Banner};

/// What the error page knows of the request it answers.
struct RequestContext {
    operation_id: String,
    /// Who is asking, once a handler has looked (so an error page says it too).
    banner: Mutex<Option<Banner>>,
}

tokio::task_local! {
    static REQUEST: RequestContext;
}

/// The id of the request being served, for logs and error pages.
pub fn operation_id_now() -> String {
    REQUEST.try_with(|r| r.operation_id.clone()).unwrap_or_default()
}

/// Remembers who is asking, for an error page later in the same request.
pub(crate) fn remember_banner(banner: Banner) {
    let _ = REQUEST.try_with(|r| {
        if let Ok(mut b) = r.banner.lock() {
            *b = Some(banner);
        }
    });
}

fn banner_now() -> Banner {
    REQUEST
        .try_with(|r| r.banner.lock().ok().and_then(|b| b.clone()))
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Gives each request an operation id: in its trace span, in the
/// `X-Operation-Id` response header, and on any error page.
pub async fn operation_id<F, Fut>(req: Request, run: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let mut bytes = [0u8; 8];
    // A name for the request in logs and error pages, not a secret.
    rand::thread_rng().fill_bytes(&mut bytes);
    let id = openecf_app::tokens::to_hex(&bytes);
    // The span holds the id only: an event inside the request says which
    // request it was, and the access line, which names the method and
    // path, is found by that id.
    let span = tracing::info_span!("request", op = %id);
    let method = req.method().clone();
    let path = loggable_path(req.uri().path()).to_owned();
    let started = std::time::Instant::now();
    let mut response = {
        use tracing::Instrument;
        let context = RequestContext {
            operation_id: id.clone(),
            banner: Mutex::new(None),
        };
        REQUEST.scope(context, run(req)).instrument(span.clone()).await
    };
    span.in_scope(|| {
        crate::access::served(&crate::access::Served {
            op: &id,
            method: &method,
            path: &path,
            status: response.status().as_u16(),
            elapsed_ms: started.elapsed().as_millis() as u64,
        });
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-operation-id", v);
    }
    response
}

/// The path as logged: secrets in paths (password-reset tokens) are left out.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/account/reset/") {
        "/account/reset/{token}"
    } else if path.starts_with("/ecf/") && path.contains("/link/reset/") {
        "/ecf/{court}/link/reset/{token}"
    } else if path.starts_with("/account/email/confirm/") {
        "/account/email/confirm/{token}"
    } else if path.starts_with("/account/email/approve/") {
        "/account/email/approve/{token}"
    } else {
        path
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// A form came without the cookie PACER LOGIN set: the browser refuses cookies.
    #[error("cookies refused")]
    CookiesRefused,
    #[error("the form's security token did not match")]
    Csrf,
    /// Over a per-address rate limit (`limits` adds `Retry-After`).
    #[error("too many requests")]
    TooManyRequests,
    /// The session may only enrol in MFA: go there, then on to `next`.
    #[error("MFA enrolment is due")]
    EnrolMfaFirst { next: String },
    /// The page needs a PACER session: PACER LOGIN, then on to `next`.
    /// `expired`: a form came after the session had ended.
    #[error("PACER LOGIN is needed")]
    LoginFirst { next: String, expired: bool },
    /// The request was refused before its handler (too large, wrong content
    /// type, malformed form or path): the status and what to tell the user.
    #[error("{message}")]
    Rejected { status: StatusCode, message: &'static str },
    /// A use case refused what was asked (a username taken, a court already
    /// live …): the status and the store's own words.
    #[error("{message}")]
    Refused { status: StatusCode, message: String },
    /// Too much work at once (the password-hashing queue is full, or the
    /// database had no connection free in time): 503 with `Retry-After`.
    #[error("busy")]
    Busy(Busy),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Seconds a turned-away request is asked to wait.
pub const BUSY_RETRY_SECS: u32 = 1;

/// What was too busy to take a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// The password-hashing queue is full: turned away at once.
    Passwords,
    /// No database connection (on SQLite, no turn to write) came free within
    /// the pool's wait.
    Database,
}

impl Busy {
    /// What the user is told.
    pub fn message(self) -> &'static str {
        match self {
            Self::Passwords => "The server is checking many passwords right now. Try again in a moment.",
            Self::Database => "The server has more work than it can take right now. Try again in a moment.",
        }
    }
}

/// The one place the store's typed errors become statuses and messages.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let status = match &e {
            StoreError::NotFound(_) => return Self::NotFound,
            StoreError::UsernameTaken(_)
            | StoreError::AlreadyUpgraded
            | StoreError::CourtExists(_)
            | StoreError::EcfLoginTaken { .. }
            | StoreError::Authenticator(_)
            | StoreError::GoLive(_) => StatusCode::CONFLICT,
            _ if e.is_busy() => {
                metrics::counter!("openecf_db_busy_total").increment(1);
                tracing::warn!(op = %operation_id_now(), "no database connection came free in time: answered 503");
                return Self::Busy(Busy::Database);
            }
            StoreError::Config(_) | StoreError::Corrupt(_) | StoreError::Db(_) | StoreError::Migrate(_) => {
                return Self::Internal(anyhow::Error::new(e).context("the database failed"))
            }
        };
        Self::Refused {
            status,
            message: format!("{}.", capitalise(&e.to_string())),
        }
    }
}

impl From<openecf_app::Error> for AppError {
    fn from(e: openecf_app::Error) -> Self {
        match e {
            openecf_app::Error::Store(e) => e.into(),
            openecf_app::Error::Hasher(openecf_app::HasherError::Busy) => Self::Busy(Busy::Passwords),
            openecf_app::Error::Hasher(e) => Self::Internal(anyhow::Error::new(e).context("password hashing failed")),
            openecf_app::Error::Internal(e) => Self::Internal(e),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl From<RawFormRejection> for AppError {
    fn from(r: RawFormRejection) -> Self {
        let status = r.status();
        let message = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "The form you sent is too large. Go back, shorten what you typed and try again.",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "The form was not sent as a web form (application/x-www-form-urlencoded). Go back, reload the page and try again."
            }
            _ => "The form could not be read. Go back, reload the page and try again.",
        };
        Self::Rejected { status, message }
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        if r.status().is_server_error() {
            return Self::Internal(anyhow::anyhow!("path: {}", r.body_text()));
        }
        Self::Rejected {
            status: StatusCode::BAD_REQUEST,
            message: "The address of this page is not valid. Check it, or start again from the home page.",
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(_: QueryRejection) -> Self {
        Self::Rejected {
            status: StatusCode::BAD_REQUEST,
            message: "The address of this page is not valid. Check it, or start again from the home page.",
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub banner: Banner,
    pub title: String,
    pub message: String,
    pub cookie_help: bool,
    pub operation_id: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let operation_id = operation_id_now();
        let (status, title, message, cookie_help) = match &self {
            Self::EnrolMfaFirst { next } => {
                let to = format!("/account/mfa/add?next={}", encode_next(next));
                return Redirect::to(&to).into_response();
            }
            Self::LoginFirst { next, expired } => return Redirect::to(&login_href(next, *expired)).into_response(),
            Self::Rejected { status, message } => {
                let title = match *status {
                    StatusCode::PAYLOAD_TOO_LARGE => "Form too large",
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => "Form not accepted",
                    StatusCode::FORBIDDEN => "Request refused",
                    _ => "Bad request",
                };
                (*status, title, (*message).to_owned(), false)
            }
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such page.".to_owned(),
                false,
            ),
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m.clone(), false),
            Self::Refused { status, message } => (*status, "Not done", message.clone(), false),
            Self::CookiesRefused => (
                StatusCode::BAD_REQUEST,
                "Cookies are required",
                "Your browser did not send back the cookie this site set, so you could not be logged in.".to_owned(),
                true,
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "Form expired",
                "The form's security token did not match. Go back, reload the page and try again.".to_owned(),
                false,
            ),
            Self::Busy(why) => {
                let mut res = render(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorPage {
                        banner: banner_now(),
                        title: "Busy".to_owned(),
                        message: why.message().to_owned(),
                        cookie_help: false,
                        operation_id,
                    },
                );
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, BUSY_RETRY_SECS.into());
                return res;
            }
            Self::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
                "Too many requests came from your address. Wait a while (the Retry-After header says how long) and try again.".to_owned(),
                false,
            ),
            Self::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), op = %operation_id, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on our side. If it goes on, tell the court the operation id below."
                        .to_owned(),
                    false,
                )
            }
        };
        render(
            status,
            ErrorPage {
                banner: banner_now(),
                title: title.to_owned(),
                message,
                cookie_help,
                operation_id,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reset_tokens_stay_out_of_the_log() {
        assert_eq!(super::loggable_path("/account/reset/abc123"), "/account/reset/{token}");
        assert_eq!(
            super::loggable_path("/ecf/gamb/link/reset/abc123"),
            "/ecf/{court}/link/reset/{token}"
        );
        assert_eq!(
            super::loggable_path("/account/email/confirm/abc123"),
            "/account/email/confirm/{token}"
        );
        assert_eq!(
            super::loggable_path("/account/email/approve/abc123"),
            "/account/email/approve/{token}"
        );
        assert_eq!(super::loggable_path("/ecf/gamb/"), "/ecf/gamb/");
    }
}
