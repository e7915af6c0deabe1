//! Upgrade of a legacy PACER account (created before August 2014): a new
//! username if the old one is short, a new password, name and email confirmed.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_store::StoreError;
use serde::Deserialize;

use super::identity::{parse_identity, PASSWORD_RULES};
use crate::extract::{PacerForm, PacerUser, Query};
use crate::paths::{safe_next, see_other};
use crate::session::Visitor;
use crate::view::{form_response, page, Banner, Field, FormView, MessagePage};
use crate::{AppError, AppState};
use openecf_app::signin::current_password;

/// Under `/account`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/upgrade", get(upgrade_page).post(upgrade))
}

/// The form's fields; also the query that fills the form in again (after
/// PACER LOGIN, when the session ran out while it was being filled in).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct UpgradeForm {
    next: String,
    current: String,
    username: String,
    name: String,
    email: String,
    password: String,
    confirm: String,
}

fn upgrade_form(visitor: &Visitor, f: &UpgradeForm, errors: Vec<String>) -> Response {
    form_response(Banner::of(visitor), FormView {
        title: "Upgrade your PACER account",
        intro: vec![
            "Your PACER account was created before August 2014. Upgrade it to link it to your CM/ECF accounts and file.".into(),
            "Choose a username of at least 8 characters (keep yours if it is long enough), a new password, and confirm your name and email address.".into(),
            PASSWORD_RULES.into(),
        ],
        action: "/account/upgrade".into(),
        csrf: visitor.csrf.value().to_owned(),
        hidden: vec![("next", f.next.clone())],
        fields: vec![
            Field::password("current", "Current password", "current-password"),
            Field::text("username", "Username", &f.username, "username"),
            Field::text("name", "Full name", &f.name, "name"),
            Field::email("email", "Email", &f.email),
            Field::password("password", "New password", "new-password"),
            Field::password("confirm", "Confirm new password", "new-password"),
        ],
        submit: "Upgrade",
        errors,
        links: vec![],
    })
}

async fn upgrade_page(user: PacerUser, Query(q): Query<UpgradeForm>) -> Response {
    let PacerUser { session, visitor } = user;
    if !session.account.is_legacy() {
        return page(MessagePage {
            banner: Banner::of(&visitor),
            title: "Your account is upgraded",
            paragraphs: vec!["Your PACER account is already upgraded.".into()],
            links: vec![("/account".into(), "Manage My Account")],
        });
    }
    let a = &session.account;
    let or = |typed: String, kept: String| if typed.is_empty() { kept } else { typed };
    let f = UpgradeForm {
        next: safe_next(&q.next, "/"),
        username: or(q.username, a.username.to_string()),
        name: or(q.name, a.name.to_string()),
        email: or(q.email, a.email.to_string()),
        ..Default::default()
    };
    upgrade_form(&visitor, &f, vec![])
}

async fn upgrade(State(state): State<AppState>, form: PacerForm<UpgradeForm>) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form: f,
    } = form;
    if !session.account.is_legacy() {
        return Ok(see_other("/account"));
    }
    if !current_password(&state, &session.account, &f.current).await? {
        return Ok(upgrade_form(
            &visitor,
            &f,
            vec!["Current password: it is not right.".into()],
        ));
    }
    let identity = match parse_identity(&f.username, &f.name, &f.email, &f.password, &f.confirm) {
        Ok(id) => id,
        Err(errors) => return Ok(upgrade_form(&visitor, &f, errors)),
    };
    match openecf_app::accounts::upgrade(&state, &session.account, &session.token_hash, &identity, &visitor.ip).await {
        Ok(()) => {}
        Err(openecf_app::Error::Store(e @ (StoreError::UsernameTaken(_) | StoreError::AlreadyUpgraded))) => {
            return Ok(upgrade_form(&visitor, &f, vec![format!("Username: {e}.")]))
        }
        Err(e) => return Err(e.into()),
    }
    let username = identity.username;
    let next = safe_next(&f.next, "/");
    Ok(page(MessagePage {
        banner: Banner::of(&visitor),
        title: "Account upgraded",
        paragraphs: vec![format!(
            "Your PACER account is upgraded. Your username is now {username}. You can now link your CM/ECF accounts to it."
        )],
        links: vec![(next, "Continue")],
    }))
}
