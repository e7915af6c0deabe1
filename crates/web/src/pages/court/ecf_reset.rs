//! "Forgot your CM/ECF password?" on the court's link form page: a filer who
//! cannot link because they forgot a legacy CM/ECF password asks for a reset
//! link, mailed to that CM/ECF account's own address (single use, 30
//! minutes; only the token's hash is stored). The answer is the same whether
//! or not the login exists. Court staff send the same link from the console.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_app::console::EcfResetOutcome;
use openecf_domain::Court;
use serde::Deserialize;

use super::super::identity::PASSWORD_RULES;
use super::load_court;
use crate::extract::{CsrfForm, Path};
use crate::session::Visitor;
use crate::view::{form_response, page, render, Banner, Field, FormView, MessagePage};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ecf/{court}/link/forgot", get(forgot_page).post(forgot))
        .route("/ecf/{court}/link/reset/{token}", get(reset_page).post(reset))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ForgotForm {
    login: String,
}

fn forgot_form(visitor: &Visitor, court: &Court, errors: Vec<String>) -> Response {
    form_response(
        Banner::of(visitor),
        FormView {
            title: "Forgot your CM/ECF password?",
            intro: vec![format!(
                "Enter your CM/ECF login at {}. We will email a link to choose a new CM/ECF password to the address on that CM/ECF account; it works once, within 30 minutes. Then link the account to your upgraded PACER account.",
                court.name
            )],
            action: format!("/ecf/{}/link/forgot", court.id),
            csrf: visitor.csrf.value().to_owned(),
            hidden: vec![],
            fields: vec![Field::text("login", "CM/ECF login", "", "off")],
            submit: "Send reset link",
            errors,
            links: vec![(
                format!("/ecf/{}/link", court.id),
                "Link a CM/ECF account to my PACER account",
            )],
        },
    )
}

async fn forgot_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    Ok(forgot_form(&visitor, &court, vec![]))
}

async fn forgot(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
    CsrfForm(f): CsrfForm<ForgotForm>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    if f.login.trim().is_empty() {
        return Ok(forgot_form(&visitor, &court, vec!["CM/ECF login: enter it.".into()]));
    }
    openecf_app::console::request_ecf_reset(&state, &court, f.login.trim(), None, &state.config.public_url).await?;
    // The same answer whether or not the login exists.
    Ok(page(MessagePage {
        banner: Banner::of(&visitor),
        title: "Check your email",
        paragraphs: vec![format!(
            "If {} has a CM/ECF account with that login that can still be linked, a link to choose a new CM/ECF password has been sent to its email address. The link works once, within 30 minutes.",
            court.name
        )],
        links: vec![(format!("/ecf/{}/link", court.id), "Link a CM/ECF account to my PACER account")],
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    password: String,
    confirm: String,
}

fn reset_form(visitor: &Visitor, court: &Court, login: &str, token: &str, errors: Vec<String>) -> Response {
    form_response(
        Banner::of(visitor),
        FormView {
            title: "Choose a new CM/ECF password",
            intro: vec![
                format!("CM/ECF account {login} at {}.", court.name),
                PASSWORD_RULES.into(),
            ],
            action: format!("/ecf/{}/link/reset/{token}", court.id),
            csrf: visitor.csrf.value().to_owned(),
            hidden: vec![],
            fields: vec![
                Field::password("password", "New CM/ECF password", "new-password"),
                Field::password("confirm", "Confirm new CM/ECF password", "new-password"),
            ],
            submit: "Set password",
            errors,
            links: vec![],
        },
    )
}

fn expired(visitor: &Visitor, court: &Court) -> Response {
    render(
        StatusCode::GONE,
        MessagePage {
            banner: Banner::of(visitor),
            title: "Reset link expired",
            paragraphs: vec![
                "This CM/ECF password reset link has expired or has already been used. Ask for a new one.".into(),
            ],
            links: vec![(format!("/ecf/{}/link/forgot", court.id), "Forgot your CM/ECF password?")],
        },
    )
}

async fn reset_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((court, token)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    match openecf_app::console::ecf_reset_target(&state, &court, &token).await? {
        Some(a) => Ok(reset_form(&visitor, &court, a.login.as_str(), &token, vec![])),
        None => Ok(expired(&visitor, &court)),
    }
}

async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((court, token)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ResetForm>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let Some(account) = openecf_app::console::ecf_reset_target(&state, &court, &token).await? else {
        return Ok(expired(&visitor, &court));
    };
    if f.password != f.confirm {
        return Ok(reset_form(
            &visitor,
            &court,
            account.login.as_str(),
            &token,
            vec!["Confirm new CM/ECF password: the two passwords differ.".into()],
        ));
    }
    match openecf_app::console::reset_ecf_password(&state, &court, &token, &f.password).await? {
        EcfResetOutcome::Done(login) => Ok(page(MessagePage {
            banner: Banner::of(&visitor),
            title: "CM/ECF password changed",
            paragraphs: vec![format!(
                "The CM/ECF account {login} has its new password. Now link it to your upgraded PACER account: log on with your PACER account, click Utilities, then Link a CM/ECF account to my PACER account."
            )],
            links: vec![(format!("/ecf/{}/link", court.id), "Link a CM/ECF account to my PACER account")],
        })),
        EcfResetOutcome::Expired => Ok(expired(&visitor, &court)),
        EcfResetOutcome::Refused(r) => Ok(reset_form(
            &visitor,
            &court,
            account.login.as_str(),
            &token,
            vec![format!("New CM/ECF password: {r}")],
        )),
    }
}
