//! PACER LOGIN: the Central Sign-On. One session token works at every court.

use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::signin;
use crate::extract::{CsrfForm, NoFields, Query};
use crate::paths::{safe_next, see_other};
use crate::session::{clear_cookie, hash_token, Visitor, PACER_COOKIE};
use crate::view::{page, render, Banner};
use crate::{AppError, AppState};
use openecf_app::signin::Proof;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/csologin/login", get(form).post(submit))
        .route("/csologin/logout", post(logout))
        .route("/csologin/otp", post(otp))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    banner: Banner,
    /// The session ended while a form was being filled in.
    expired: bool,
    csrf: String,
    next: String,
    username: String,
    client_code: String,
    error: Option<String>,
    /// Whether the user is on the way to a court's filing system.
    filing: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NextQuery {
    next: String,
    expired: String,
}

pub(crate) const WRONG_CREDENTIALS: &str = "Invalid username or password.";

async fn form(visitor: Visitor, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(&q.next, "/");
    if visitor.pacer.is_some() {
        // Central Sign-On: already logged in, go straight on.
        return see_other(&next);
    }
    render(
        StatusCode::OK,
        LoginPage {
            banner: Banner::of(&visitor),
            expired: !q.expired.is_empty(),
            csrf: visitor.csrf.value().to_owned(),
            filing: next.starts_with("/ecf/"),
            next,
            username: String::new(),
            client_code: String::new(),
            error: None,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LoginForm {
    next: String,
    #[serde(rename = "loginId")]
    login_id: String,
    password: String,
    /// Bills the session's searches and documents to a client (optional).
    #[serde(rename = "clientCode")]
    client_code: String,
}

async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(&form.next, "/");
    let client_code = match openecf_domain::fees::check_client_code(&form.client_code) {
        Ok(c) => c,
        Err(e) => {
            // Refused before the password is checked: no attempt is spent.
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                LoginPage {
                    banner: Banner::of(&visitor),
                    expired: false,
                    csrf: visitor.csrf.value().to_owned(),
                    filing: next.starts_with("/ecf/"),
                    next,
                    username: form.login_id.chars().take(64).collect(),
                    client_code: String::new(),
                    error: Some(format!("Client code: {}.", e.reason)),
                },
            ));
        }
    };
    let check = openecf_app::signin::pacer_password(
        &state,
        &form.login_id,
        &form.password,
        &visitor.ip,
        visitor.device.as_deref(),
    )
    .await?;
    let disabled = check.is_disabled();
    let Some(verified) = check.passed() else {
        let (status, message) = if disabled {
            (StatusCode::FORBIDDEN, openecf_app::signin::DISABLED_MESSAGE)
        } else {
            (StatusCode::UNAUTHORIZED, WRONG_CREDENTIALS)
        };
        return Ok(render(
            status,
            LoginPage {
                banner: Banner::of(&visitor),
                expired: false,
                csrf: visitor.csrf.value().to_owned(),
                filing: next.starts_with("/ecf/"),
                next,
                username: form.login_id.chars().take(64).collect(),
                client_code,
                error: Some(message.to_owned()),
            },
        ));
    };
    // Read with the account: whether a passcode is due, and what the
    // session must do first.
    if verified.mfa().is_on() {
        // The password was right; the session waits for the one-time passcode.
        let account = verified.settle().await?;
        let challenge = openecf_app::signin::begin_second_factor(&state, &account, &next).await?;
        return Ok(page(OtpPage {
            banner: Banner::of(&visitor),
            csrf: visitor.csrf.value().to_owned(),
            challenge,
            client_code,
            error: None,
        }));
    }
    signin::finish(&state, &visitor, Proof::Password(verified), &next, &client_code).await
}

#[derive(Template)]
#[template(path = "otp.html")]
struct OtpPage {
    banner: Banner,
    csrf: String,
    challenge: String,
    client_code: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct OtpForm {
    challenge: String,
    #[serde(rename = "otpCode")]
    otp_code: String,
    #[serde(rename = "clientCode")]
    client_code: String,
}

/// The second step of PACER LOGIN for an account with MFA.
async fn otp(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<OtpForm>,
) -> Result<Response, AppError> {
    let Some((account, next)) = openecf_app::signin::waiting_second_factor(&state, &form.challenge).await? else {
        return Ok(see_other("/csologin/login"));
    };
    if !openecf_app::signin::second_factor(&state, &account, &form.otp_code, &visitor.ip).await? {
        return Ok(render(
            StatusCode::UNAUTHORIZED,
            OtpPage {
                banner: Banner::of(&visitor),
                csrf: visitor.csrf.value().to_owned(),
                challenge: form.challenge,
                client_code: form.client_code,
                error: Some("Invalid one-time passcode.".to_owned()),
            },
        ));
    }
    openecf_app::signin::end_second_factor(&state, &form.challenge).await?;
    let client_code = openecf_domain::fees::check_client_code(&form.client_code).unwrap_or_default();
    signin::finish(&state, &visitor, Proof::SecondFactor(account), &next, &client_code).await
}

async fn logout(State(state): State<AppState>, visitor: Visitor, _: CsrfForm<NoFields>) -> Result<Response, AppError> {
    if let Some(old) = &visitor.sent_pacer_token {
        openecf_app::signin::logout(&state, &hash_token(old), &visitor.ip).await?;
    }
    let mut res = see_other("/").into_response();
    res.headers_mut().append(SET_COOKIE, clear_cookie(PACER_COOKIE, "/"));
    Ok(res)
}
