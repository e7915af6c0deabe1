//! Password reset by email: ask for a link, then choose a new password with it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use openecf_domain::{mail, Username};
use serde::Deserialize;

use super::identity::{new_password, PASSWORD_RULES};
use super::signin;
use crate::extract::{CsrfForm, Path};
use crate::session::{hash_token, random_token, Visitor};
use crate::view::{form_response, page, render, Banner, Field, FormView, MessagePage};
use crate::{AppError, AppState};

/// Under `/account`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reset", get(reset_page).post(reset_request))
        .route("/reset/{token}", get(reset_token_page).post(reset))
}

/// How long a reset link works.
const RESET_SECS: i64 = 30 * 60;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ResetRequest {
    username: String,
}

fn reset_request_form(visitor: &Visitor, errors: Vec<String>) -> Response {
    form_response(Banner::of(visitor), FormView {
        title: "Reset your password",
        intro: vec!["Enter your username. We will email a link to reset your password to the address on the account; it works once, within 30 minutes.".into()],
        action: "/account/reset".into(),
        csrf: visitor.csrf.value().to_owned(),
        hidden: vec![],
        fields: vec![Field::text("username", "Username", "", "username")],
        submit: "Send reset link",
        errors,
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    })
}

async fn reset_page(visitor: Visitor) -> Response {
    reset_request_form(&visitor, vec![])
}

async fn reset_request(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(f): CsrfForm<ResetRequest>,
) -> Result<Response, AppError> {
    if let Ok(username) = Username::parse_existing(&f.username) {
        if let Some((account, _)) = state.store.pacer_by_username(&username).await? {
            let token = random_token();
            let link = format!(
                "{}/account/reset/{token}",
                state.config.public_url.trim_end_matches('/')
            );
            let now = Utc::now().timestamp();
            let m = mail::password_reset(&account.email, account.username.as_str(), &link);
            state
                .store
                .create_password_reset(&hash_token(&token), account.id, now + RESET_SECS, &m, now)
                .await?;
        }
    }
    // The same answer whether or not the account exists.
    Ok(page(MessagePage {
        banner: Banner::of(&visitor),
        title: "Check your email",
        paragraphs: vec!["If an account with that username exists, a link to reset its password has been sent to its email address. The link works once, within 30 minutes.".into()],
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ResetForm {
    password: String,
    confirm: String,
}

fn reset_form(visitor: &Visitor, token: &str, errors: Vec<String>) -> Response {
    form_response(
        Banner::of(visitor),
        FormView {
            title: "Choose a new password",
            intro: vec![PASSWORD_RULES.into()],
            action: format!("/account/reset/{token}"),
            csrf: visitor.csrf.value().to_owned(),
            hidden: vec![],
            fields: vec![
                Field::password("password", "New password", "new-password"),
                Field::password("confirm", "Confirm new password", "new-password"),
            ],
            submit: "Set password",
            errors,
            links: vec![],
        },
    )
}

fn reset_expired(visitor: &Visitor) -> Response {
    render(
        StatusCode::GONE,
        MessagePage {
            banner: Banner::of(visitor),
            title: "Reset link expired",
            paragraphs: vec![
                "This password reset link has expired or has already been used. Ask for a new one.".into(),
            ],
            links: vec![("/account/reset".into(), "Reset your password")],
        },
    )
}

async fn reset_token_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match state
        .store
        .password_reset(&hash_token(&token), Utc::now().timestamp())
        .await?
    {
        Some(_) => Ok(reset_form(&visitor, &token, vec![])),
        None => Ok(reset_expired(&visitor)),
    }
}

async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<ResetForm>,
) -> Result<Response, AppError> {
    let now = Utc::now().timestamp();
    let hash = hash_token(&token);
    let Some(account_id) = state.store.password_reset(&hash, now).await? else {
        return Ok(reset_expired(&visitor));
    };
    let Some(a) = state.store.pacer_by_id(account_id).await? else {
        return Ok(reset_expired(&visitor));
    };
    let password = match new_password(
        &f.password,
        &f.confirm,
        a.username.as_str(),
        a.name.as_str(),
        a.email.as_str(),
    ) {
        Ok(p) => p,
        Err(e) => return Ok(reset_form(&visitor, &token, vec![format!("New password: {e}")])),
    };
    let pw_hash = state.hasher.hash(&password).await?;
    let notice = mail::security_notice(&a.email, a.username.as_str(), "password reset");
    if !state.store.redeem_password_reset(&hash, &pw_hash, &notice, now).await? {
        return Ok(reset_expired(&visitor));
    }
    state
        .store
        .clear_failures(&signin::subject(a.username.as_str()))
        .await?;
    Ok(page(MessagePage {
        banner: Banner::of(&visitor),
        title: "Password changed",
        paragraphs: vec!["Your password has been changed and every session of your account has been logged out. Log in with your new password.".into()],
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    }))
}
