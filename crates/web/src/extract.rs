//! Extractors: who may enter a page, and forms whose CSRF token has been
//! checked. Whatever they refuse is answered by `AppError`: the app's own
//! error page with an operation id, or a redirect to PACER LOGIN.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, RawForm, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use axum::Form;
use serde::de::DeserializeOwned;

use crate::csrf::CsrfToken;
use crate::paths::{encode_next, percent_decode};
use crate::session::{PacerSession, Visitor};
use crate::{AppError, AppState};

/// `axum::extract::Path` whose rejection is the app's error page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub(crate) struct Path<T>(pub T);

/// `axum::extract::Query` whose rejection is the app's error page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub(crate) struct Query<T>(pub T);

/// The path and query the user asked for (a nested router sees less of it).
pub(crate) fn original_uri(parts: &Parts) -> String {
    let uri = parts.extensions.get::<OriginalUri>().map_or(&parts.uri, |o| &o.0);
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned())
}

/// A form with nothing but its CSRF token (a Logout button, say).
#[derive(serde::Deserialize)]
pub(crate) struct NoFields {}

/// A logged-in PACER user (the Central Sign-On), with the visitor's details.
/// Without a session the request goes to PACER LOGIN, and back here after.
pub(crate) struct PacerUser {
    pub session: PacerSession,
    pub visitor: Visitor,
}

impl FromRequestParts<AppState> for PacerUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        match visitor.pacer.clone() {
            Some(session) => Ok(Self { session, visitor }),
            None => Err(AppError::LoginFirst {
                next: original_uri(parts),
                expired: false,
            }),
        }
    }
}

/// A form whose `csrf` field matched the browser's token. A form that came
/// without the token's cookie means the browser refuses cookies, and says so.
pub(crate) struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let csrf = CsrfToken::from_request_parts(&mut parts, state).await?;
        let (form, _) = read_form(Request::from_parts(parts, body), state, &csrf).await?;
        Ok(Self(form))
    }
}

/// A CSRF-checked form from a logged-in PACER user. When the session has
/// ended meanwhile, PACER LOGIN says so and then returns the user to the
/// form's page with what they had typed, passwords and tokens left out.
pub(crate) struct PacerForm<T> {
    pub user: PacerUser,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for PacerForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let uri = original_uri(&parts);
        let (form, pairs) = read_form(Request::from_parts(parts, body), state, &visitor.csrf).await?;
        match visitor.pacer.clone() {
            Some(session) => Ok(Self {
                user: PacerUser { session, visitor },
                form,
            }),
            None => Err(AppError::LoginFirst {
                next: form_page(uri.split('?').next().unwrap_or_default(), &pairs),
                expired: true,
            }),
        }
    }
}

/// The fields a form page may be filled in again from its query: never
/// passwords, passcodes, secrets or tokens.
const KEPT_FIELDS: &[&str] = &["login", "username", "name", "email", "next"];

/// The page a form was posted from, with the kept fields as its query.
fn form_page(posted_to: &str, pairs: &[(String, String)]) -> String {
    let page = match posted_to {
        "/account/sessions/revoke" | "/account/sessions/revoke-others" => "/account".to_owned(),
        "/account/mfa/remove" => "/account/mfa".to_owned(),
        "/account/mfa/skip" => "/account/mfa/enrol".to_owned(),
        p => match p.strip_suffix("/link/confirm") {
            Some(court) => format!("{court}/link"),
            None => p.to_owned(),
        },
    };
    let kept: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| KEPT_FIELDS.contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_next(v)))
        .collect();
    if kept.is_empty() {
        page
    } else {
        format!("{page}?{}", kept.join("&"))
    }
}

/// Reads a form body: a web form's content type (else 415), within the body
/// limit (else 413), UTF-8 throughout (else 400), into `T` (else 400); then
/// checks its `csrf` field. Returns the form and its fields as sent.
async fn read_form<T: DeserializeOwned>(
    req: Request,
    state: &AppState,
    csrf: &CsrfToken,
) -> Result<(T, Vec<(String, String)>), AppError> {
    let RawForm(bytes) = RawForm::from_request(req, state).await?;
    let malformed = AppError::Rejected {
        status: axum::http::StatusCode::BAD_REQUEST,
        message: "The form could not be read: it is not valid text. Go back, reload the page and try again.",
    };
    let mut pairs = Vec::new();
    for pair in bytes.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut kv = pair.splitn(2, |b| *b == b'=');
        let key = kv.next().unwrap_or_default();
        let value = kv.next().unwrap_or_default();
        match (percent_decode(key, true), percent_decode(value, true)) {
            (Some(k), Some(v)) => pairs.push((k, v)),
            _ => return Err(malformed),
        }
    }
    let mut again = Request::new(Body::from(bytes));
    *again.method_mut() = Method::POST;
    again.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let Form(form) = Form::<T>::from_request(again, state)
        .await
        .map_err(|_| AppError::Rejected {
            status: axum::http::StatusCode::BAD_REQUEST,
            message: "The form could not be read. Go back, reload the page and try again.",
        })?;
    let sent = pairs.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v.as_str());
    csrf.check(sent)?;
    Ok((form, pairs))
}

#[cfg(test)]
mod tests {
    use super::form_page;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn an_expired_form_returns_to_its_page_without_secrets() {
        let sent = pairs(&[("csrf", "t"), ("login", "jfiler"), ("password", "secret")]);
        assert_eq!(form_page("/ecf/gamb/link", &sent), "/ecf/gamb/link?login=jfiler");
        let sent = pairs(&[("current", "pw"), ("email", "a+b@example.com")]);
        assert_eq!(
            form_page("/account/email", &sent),
            "/account/email?email=a%2Bb%40example.com"
        );
        assert_eq!(
            form_page("/ecf/gamb/link/confirm", &pairs(&[("pending", "x")])),
            "/ecf/gamb/link"
        );
        assert_eq!(
            form_page("/account/sessions/revoke", &pairs(&[("session", "x")])),
            "/account"
        );
    }
}
