//! Registration of a new PACER account, individual or shared firm.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_domain::AccountKind;
use openecf_store::StoreError;
use serde::Deserialize;

use super::identity::{parse_identity, PASSWORD_RULES};
use crate::extract::CsrfForm;
use crate::session::Visitor;
use crate::view::{form_response, page, Banner, Field, FormView, MessagePage};
use crate::{AppError, AppState};

/// Under `/account`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/register", get(register_page).post(register))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RegisterForm {
    username: String,
    name: String,
    email: String,
    password: String,
    confirm: String,
    shared_firm: Option<String>,
}

fn register_form(visitor: &Visitor, f: &RegisterForm, errors: Vec<String>) -> Response {
    form_response(Banner::of(visitor), FormView {
        title: "Register for a PACER account",
        intro: vec![
            "Register an individual account for yourself, or a shared firm account used by several people at a firm. A shared firm account may search PACER but can never be linked to a CM/ECF account or file.".into(),
            "A username has at least 8 characters (letters, digits and . _ - @).".into(),
            PASSWORD_RULES.into(),
        ],
        action: "/account/register".into(),
        csrf: visitor.csrf.value().to_owned(),
        hidden: vec![],
        fields: vec![
            Field::text("username", "Username", &f.username, "username"),
            Field::text("name", "Full name", &f.name, "name"),
            Field::email("email", "Email", &f.email),
            Field::password("password", "Password", "new-password"),
            Field::password("confirm", "Confirm password", "new-password"),
            Field::checkbox("shared_firm", "This is a shared firm account", f.shared_firm.is_some()),
        ],
        submit: "Register",
        errors,
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    })
}

async fn register_page(visitor: Visitor) -> Response {
    register_form(&visitor, &RegisterForm::default(), vec![])
}

async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(f): CsrfForm<RegisterForm>,
) -> Result<Response, AppError> {
    let identity = match parse_identity(&f.username, &f.name, &f.email, &f.password, &f.confirm) {
        Ok(id) => id,
        Err(errors) => return Ok(register_form(&visitor, &f, errors)),
    };
    let kind = if f.shared_firm.is_some() {
        AccountKind::SharedFirm
    } else {
        AccountKind::Individual
    };
    match openecf_app::accounts::register(&state, &identity, kind, &state.config.public_url).await {
        Ok(_) => {}
        Err(openecf_app::Error::Store(StoreError::UsernameTaken(_))) => {
            return Ok(register_form(
                &visitor,
                &f,
                vec!["Username: that username is taken; choose another.".into()],
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let username = identity.username;
    Ok(page(MessagePage {
        banner: Banner::of(&visitor),
        title: "Account registered",
        paragraphs: vec![format!(
            "Your PACER account {username} ({}) has been registered. Log in with it at PACER LOGIN.",
            kind.label().to_lowercase()
        )],
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    }))
}
