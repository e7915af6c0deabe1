//! Multi-factor authentication: enrolment of up to five authenticator apps,
//! backup codes, and the rule that filers must enrol (after three skips,
//! before anything else).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use openecf_domain::mail;
use openecf_store::{StoreError, MAX_AUTHENTICATORS};
use serde::Deserialize;

use super::account::{current_password_ok, require_pacer, utc, NextQuery};
use super::signin::{self, Pending};
use super::{encode_next, page, safe_next, see_other};
use crate::session::Visitor;
use crate::totp;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    authenticators: Vec<(i64, String, String)>,
    codes_left: i64,
    can_add: bool,
    max: i64,
    csrf: String,
    error: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct OverviewQuery {
    error: String,
}

pub(crate) async fn overview(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    let session = match require_pacer(&visitor, "/account/mfa") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let list = state.store.authenticators(session.account.id).await?;
    Ok(page(MfaPage {
        can_add: (list.len() as i64) < MAX_AUTHENTICATORS,
        authenticators: list.into_iter().map(|a| (a.id, a.name, utc(a.created_at))).collect(),
        codes_left: state.store.backup_codes_left(session.account.id).await?,
        max: MAX_AUTHENTICATORS,
        csrf: visitor.csrf.value().to_owned(),
        error: (q.error == "password").then_some("Current password: it is not right. Nothing was removed."),
    }))
}

#[derive(Template)]
#[template(path = "mfa_add.html")]
struct AddPage {
    qr_svg: String,
    secret: String,
    next: String,
    name: String,
    csrf: String,
    error: Option<String>,
    forced: bool,
}

async fn add_page(
    state: &AppState,
    visitor: &Visitor,
    secret: String,
    next: String,
    name: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let Some(session) = &visitor.pacer else {
        return Ok(see_other("/csologin/login?next=/account/mfa/add"));
    };
    let url = totp::otpauth_url(&secret, session.account.username.as_str())
        .ok_or_else(|| AppError::BadRequest("The secret key is not valid; start again.".into()))?;
    let forced = matches!(
        signin::pending(state, &session.account).await?,
        Pending::EnrolMfa { forced: true, .. }
    );
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok(crate::error::render(
        status,
        AddPage {
            qr_svg: totp::qr_svg(&url).unwrap_or_default(),
            secret,
            next,
            name,
            csrf: visitor.csrf.value().to_owned(),
            error,
            forced,
        },
    ))
}

pub(crate) async fn add_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if let Err(r) = require_pacer(&visitor, "/account/mfa/add") {
        return Ok(r.into_response());
    }
    let next = safe_next(&q.next, "/account/mfa");
    add_page(
        &state,
        &visitor,
        totp::new_secret(),
        next,
        "Authenticator app".into(),
        None,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AddForm {
    csrf: String,
    secret: String,
    next: String,
    name: String,
    #[serde(rename = "otpCode")]
    otp_code: String,
    current: String,
}

#[derive(Template)]
#[template(path = "mfa_codes.html")]
struct CodesPage {
    codes: Vec<String>,
    next: String,
}

fn valid_secret(s: &str) -> bool {
    (26..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b) || b == b'=')
}

pub(crate) async fn add(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<AddForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account/mfa/add") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let next = safe_next(&f.next, "/account/mfa");
    if !valid_secret(&f.secret) {
        return Err(AppError::BadRequest("The secret key is not valid; start again.".into()));
    }
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        let error = Some("Authenticator name: give it a name of 1 to 64 characters.".into());
        return add_page(&state, &visitor, f.secret.clone(), next, f.name.clone(), error).await;
    }
    if !current_password_ok(&state, &session, &f.current).await? {
        let error = Some("Current password: it is not right.".into());
        return add_page(&state, &visitor, f.secret.clone(), next, name.to_owned(), error).await;
    }
    let now = Utc::now().timestamp();
    let Some(step) = totp::matching_step(&f.secret, &f.otp_code, now) else {
        let error =
            Some("One-time passcode: it does not match. Check the app's clock and enter the current passcode.".into());
        return add_page(&state, &visitor, f.secret.clone(), next, name.to_owned(), error).await;
    };
    let a = &session.account;
    let codes = totp::backup_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::hash_backup_code(c)).collect();
    let notice = mail::security_notice(
        &a.email,
        a.username.as_str(),
        &format!("authenticator app \"{name}\" added for multi-factor authentication"),
    );
    let codes = match state
        .store
        .add_authenticator(a.id, name, &f.secret, step, &hashes, &notice, now)
        .await
    {
        Ok((_, true)) => codes,
        Ok((_, false)) => Vec::new(),
        Err(StoreError::Conflict(m)) => {
            return add_page(
                &state,
                &visitor,
                f.secret.clone(),
                next,
                name.to_owned(),
                Some(format!("{m}.")),
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    Ok(page(CodesPage { codes, next }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RemoveForm {
    csrf: String,
    id: i64,
    current: String,
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account/mfa") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    if !current_password_ok(&state, &session, &f.current).await? {
        return Ok(see_other("/account/mfa?error=password"));
    }
    let a = &session.account;
    let notice = mail::security_notice(
        &a.email,
        a.username.as_str(),
        "an authenticator app was removed from multi-factor authentication",
    );
    match state
        .store
        .remove_authenticator(a.id, f.id, &notice, Utc::now().timestamp())
        .await
    {
        Ok(()) | Err(StoreError::NotFound(_)) => Ok(see_other("/account/mfa")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa_enrol.html")]
struct EnrolPage {
    next: String,
    next_encoded: String,
    skips_left: i64,
    csrf: String,
}

pub(crate) async fn enrol(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let session = match require_pacer(&visitor, "/account/mfa/enrol") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let next = safe_next(&q.next, "/");
    match signin::pending(&state, &session.account).await? {
        Pending::EnrolMfa { skips_left, .. } => Ok(page(EnrolPage {
            next_encoded: encode_next(&next),
            next,
            skips_left,
            csrf: visitor.csrf.value().to_owned(),
        })),
        _ => Ok(see_other(&next)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SkipForm {
    csrf: String,
    next: String,
}

pub(crate) async fn skip(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<SkipForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account/mfa/enrol") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let next = safe_next(&f.next, "/");
    if let Pending::EnrolMfa { forced: false, .. } = signin::pending(&state, &session.account).await? {
        state.store.skip_mfa(session.account.id).await?;
        return Ok(see_other(&next));
    }
    Ok(see_other(&format!("/account/mfa/enrol?next={}", encode_next(&next))))
}
