//! PACER LOGIN: the Central Sign-On. One session token works at every court.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use openecf_domain::{Password, Username};
use openecf_store::Principal;
use serde::Deserialize;

use super::{check_password, safe_next, see_other};
use crate::error::render;
use crate::session::{self, clear_cookie, hash_token, set_cookie, Visitor, PACER_COOKIE};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    /// Whether the user is on the way to a court's filing system.
    filing: bool,
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
}

pub(crate) const WRONG_CREDENTIALS: &str = "Invalid username or password.";

pub(crate) async fn form(visitor: Visitor, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(&q.next, "/");
    if visitor.pacer.is_some() {
        // Central Sign-On: already logged in, go straight on.
        return see_other(&next);
    }
    render(
        StatusCode::OK,
        LoginPage {
            csrf: visitor.csrf.value().to_owned(),
            filing: next.starts_with("/ecf/"),
            next,
            username: String::new(),
            error: None,
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
    #[serde(default, rename = "loginId")]
    login_id: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&form.csrf)?;
    let next = safe_next(&form.next, "/");
    let username = Username::parse_existing(&form.login_id).ok();
    let account = match &username {
        Some(u) => state.store.pacer_by_username(u).await?,
        None => None,
    };
    let subject = format!("pacer:{}", form.login_id.trim().to_ascii_lowercase());
    let password = Password::attempt(&form.password);
    let ok = check_password(
        &state,
        &[subject],
        account.as_ref().map(|(_, h)| h.as_str()),
        password.as_ref(),
    )
    .await?;
    let Some((account, _)) = account.filter(|_| ok) else {
        return Ok(render(
            StatusCode::UNAUTHORIZED,
            LoginPage {
                csrf: visitor.csrf.value().to_owned(),
                filing: next.starts_with("/ecf/"),
                next,
                username: form.login_id.chars().take(64).collect(),
                error: Some(WRONG_CREDENTIALS.to_owned()),
            },
        ));
    };
    // A fresh token at every login; whatever token the browser had is ended.
    if let Some(old) = &visitor.sent_pacer_token {
        state.store.delete_session(&hash_token(old)).await?;
    }
    let token = session::start(&state, Principal::Pacer(account.id), &visitor).await?;
    let mut res = see_other(&next);
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(PACER_COOKIE, &token, "/", state.config.secure_cookies()),
    );
    Ok(res)
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&form.csrf)?;
    if let Some(old) = &visitor.sent_pacer_token {
        state.store.delete_session(&hash_token(old)).await?;
    }
    let mut res = see_other("/").into_response();
    res.headers_mut().append(SET_COOKIE, clear_cookie(PACER_COOKIE, "/"));
    Ok(res)
}
