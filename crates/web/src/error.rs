//! One error type for every handler. A 500 tells the client only that
//! something went wrong and the operation id to quote; the real error goes to
//! the log under that id.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use rand::RngCore;

tokio::task_local! {
    static OPERATION_ID: String;
}

/// The id of the request being served, for logs and error pages.
pub fn operation_id_now() -> String {
    OPERATION_ID.try_with(Clone::clone).unwrap_or_default()
}

/// Gives each request an operation id: in its trace span, in the
/// `X-Operation-Id` response header, and on any error page.
pub async fn operation_id(req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let id = hex::encode(bytes);
    let span =
        tracing::info_span!("request", op = %id, method = %req.method(), path = %loggable_path(req.uri().path()));
    let started = std::time::Instant::now();
    let mut response = {
        use tracing::Instrument;
        OPERATION_ID
            .scope(id.clone(), next.run(req))
            .instrument(span.clone())
            .await
    };
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "served"
        );
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
    /// The session may only enrol in MFA: go there, then on to `next`.
    #[error("MFA enrolment is due")]
    EnrolMfaFirst { next: String },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<openecf_store::StoreError> for AppError {
    fn from(e: openecf_store::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<crate::HasherError> for AppError {
    fn from(e: crate::HasherError) -> Self {
        Self::Internal(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub message: String,
    pub cookie_help: bool,
    pub operation_id: String,
}

pub fn render(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response()
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let operation_id = operation_id_now();
        let (status, title, message, cookie_help) = match &self {
            Self::EnrolMfaFirst { next } => {
                let to = format!("/account/mfa/add?next={}", crate::pages::encode_next(next));
                return axum::response::Redirect::to(&to).into_response();
            }
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such page.".to_owned(),
                false,
            ),
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m.clone(), false),
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
        assert_eq!(super::loggable_path("/ecf/gamb/"), "/ecf/gamb/");
    }
}
