//! Password reset by email: ask for a link, then choose a new password with it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::identity::{new_password, PASSWORD_RULES};
use crate::extract::{CsrfForm, Path};
use crate::session::Visitor;
use crate::view::{form_response, page, render, Banner, Field, FormView, MessagePage};
use crate::{AppError, AppState};
use openecf_app::accounts::ResetOutcome;

/// Under `/account`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reset", get(reset_page).post(reset_request))
        .route("/reset/{token}", get(reset_token_page).post(reset))
}

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
    openecf_app::accounts::request_reset(&state, &f.username, &state.config.public_url).await?;
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
    match openecf_app::accounts::reset_target(&state, &token).await? {
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
    let Some(a) = openecf_app::accounts::reset_target(&state, &token).await? else {
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
    match openecf_app::accounts::reset_password(&state, &token, &a, &password, &visitor.ip).await? {
        ResetOutcome::Done => {}
        ResetOutcome::Expired => return Ok(reset_expired(&visitor)),
        ResetOutcome::SamePassword => {
            return Ok(reset_form(
                &visitor,
                &token,
                vec!["New password: it must differ from your current password.".into()],
            ))
        }
    }
    Ok(page(MessagePage {
        banner: Banner::of(&visitor),
        title: "Password changed",
        paragraphs: vec!["Your password has been changed and every session of your account has been logged out. Log in with your new password.".into()],
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    }))
}
