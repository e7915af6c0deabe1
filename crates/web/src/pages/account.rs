//! The central account service at the portal: register, upgrade a legacy
//! account, Manage My Account (sessions, password, email), password reset.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use openecf_domain::{mail, AccountKind, Email, Password, PasswordContext, PersonName, Username};
use openecf_store::{NewPacerAccount, StoreError};
use serde::Deserialize;

use super::{check_password, page, safe_next, see_other, signin};
use crate::error::render;
use crate::session::{hash_token, random_token, PacerSession, Visitor};
use crate::{is_common_password, AppError, AppState};

pub(crate) struct Field {
    pub id: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub autocomplete: &'static str,
    pub required: bool,
}

impl Field {
    fn text(id: &'static str, label: &'static str, value: &str, autocomplete: &'static str) -> Self {
        Self {
            id,
            label,
            kind: "text",
            value: value.chars().take(200).collect(),
            autocomplete,
            required: true,
        }
    }
    fn email(id: &'static str, label: &'static str, value: &str) -> Self {
        Self {
            kind: "email",
            ..Self::text(id, label, value, "email")
        }
    }
    fn password(id: &'static str, label: &'static str, autocomplete: &'static str) -> Self {
        Self {
            kind: "password",
            ..Self::text(id, label, "", autocomplete)
        }
    }
    fn checkbox(id: &'static str, label: &'static str, on: bool) -> Self {
        Self {
            kind: "checkbox",
            required: false,
            ..Self::text(id, label, if on { "on" } else { "" }, "off")
        }
    }
}

pub(crate) struct FormView {
    pub title: &'static str,
    pub intro: Vec<String>,
    pub action: String,
    pub csrf: String,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<Field>,
    pub submit: &'static str,
    pub errors: Vec<String>,
    pub links: Vec<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "form.html")]
pub(crate) struct FormPage {
    pub form: FormView,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub title: &'static str,
    pub paragraphs: Vec<String>,
    pub links: Vec<(String, &'static str)>,
}

fn form_response(form: FormView) -> Response {
    let status = if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(status, FormPage { form })
}

/// The PACER session, or PACER LOGIN with the way back.
pub(crate) fn require_pacer(visitor: &Visitor, back: &str) -> Result<PacerSession, Redirect> {
    visitor
        .pacer
        .clone()
        .ok_or_else(|| Redirect::to(&format!("/csologin/login?next={}", super::encode_next(back))))
}

/// A new password: both copies equal and the PACER password standard met.
fn new_password(raw: &str, confirm: &str, username: &str, name: &str, email: &str) -> Result<Password, String> {
    if raw != confirm {
        return Err("The two passwords do not match.".into());
    }
    let ctx = PasswordContext { username, name, email };
    Password::new_checked(raw, ctx, is_common_password).map_err(|e| e.to_string())
}

/// What registration and upgrade both ask for, each field checked, every
/// problem reported at once.
struct Identity {
    username: Username,
    name: PersonName,
    email: Email,
    password: Password,
}

impl Identity {
    fn parse(username: &str, name: &str, email: &str, password: &str, confirm: &str) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let u = Username::parse_new(username)
            .map_err(|e| errors.push(format!("Username: {}", e.reason)))
            .ok();
        let n = PersonName::parse(name)
            .map_err(|e| errors.push(format!("Full name: {}", e.reason)))
            .ok();
        let e = Email::parse(email)
            .map_err(|e| errors.push(format!("Email: {}", e.reason)))
            .ok();
        let p = new_password(password, confirm, username, name, email)
            .map_err(|e| errors.push(format!("Password: {e}")))
            .ok();
        match (u, n, e, p) {
            (Some(username), Some(name), Some(email), Some(password)) => Ok(Self {
                username,
                name,
                email,
                password,
            }),
            _ => Err(errors),
        }
    }
}

const PASSWORD_RULES: &str = "A password has 14 to 45 characters, with at least one lowercase letter, one uppercase letter and one special character; it may not contain your name, username or email address, and may not be a commonly used password.";

// ---- Registration ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RegisterForm {
    csrf: String,
    username: String,
    name: String,
    email: String,
    password: String,
    confirm: String,
    shared_firm: Option<String>,
}

fn register_form(visitor: &Visitor, f: &RegisterForm, errors: Vec<String>) -> Response {
    form_response(FormView {
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

pub(crate) async fn register_page(visitor: Visitor) -> Response {
    register_form(&visitor, &RegisterForm::default(), vec![])
}

pub(crate) async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<RegisterForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let Identity {
        username,
        name,
        email,
        password,
    } = match Identity::parse(&f.username, &f.name, &f.email, &f.password, &f.confirm) {
        Ok(id) => id,
        Err(errors) => return Ok(register_form(&visitor, &f, errors)),
    };
    let kind = if f.shared_firm.is_some() {
        AccountKind::SharedFirm
    } else {
        AccountKind::Individual
    };
    let now = Utc::now();
    let account = NewPacerAccount {
        username: username.clone(),
        password_hash: state.hasher.hash(&password).await?,
        name,
        email: email.clone(),
        kind,
        created_on: now.date_naive(),
    };
    let welcome = mail::welcome(&email, username.as_str());
    match state
        .store
        .register_pacer_account(&account, &welcome, now.timestamp())
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            return Ok(register_form(
                &visitor,
                &f,
                vec!["Username: that username is taken; choose another.".into()],
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(page(MessagePage {
        title: "Account registered",
        paragraphs: vec![format!(
            "Your PACER account {username} ({}) has been registered. Log in with it at PACER LOGIN.",
            kind.label().to_lowercase()
        )],
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    }))
}

// ---- Upgrade of a legacy account ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct UpgradeForm {
    csrf: String,
    next: String,
    current: String,
    username: String,
    name: String,
    email: String,
    password: String,
    confirm: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NextQuery {
    pub next: String,
}

fn upgrade_form(visitor: &Visitor, f: &UpgradeForm, errors: Vec<String>) -> Response {
    form_response(FormView {
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

pub(crate) async fn upgrade_page(visitor: Visitor, Query(q): Query<NextQuery>) -> Response {
    let session = match require_pacer(&visitor, "/account/upgrade") {
        Ok(s) => s,
        Err(r) => return r.into_response(),
    };
    if !session.account.is_legacy() {
        return page(MessagePage {
            title: "Your account is upgraded",
            paragraphs: vec!["Your PACER account is already upgraded.".into()],
            links: vec![("/account".into(), "Manage My Account")],
        });
    }
    let a = &session.account;
    let f = UpgradeForm {
        next: safe_next(&q.next, "/"),
        username: a.username.to_string(),
        name: a.name.to_string(),
        email: a.email.to_string(),
        ..Default::default()
    };
    upgrade_form(&visitor, &f, vec![])
}

pub(crate) async fn upgrade(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<UpgradeForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account/upgrade") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    if !session.account.is_legacy() {
        return Ok(see_other("/account"));
    }
    if !current_password_ok(&state, &session, &f.current).await? {
        return Ok(upgrade_form(
            &visitor,
            &f,
            vec!["Current password: it is not right.".into()],
        ));
    }
    let Identity {
        username,
        name,
        email,
        password,
    } = match Identity::parse(&f.username, &f.name, &f.email, &f.password, &f.confirm) {
        Ok(id) => id,
        Err(errors) => return Ok(upgrade_form(&visitor, &f, errors)),
    };
    let hash = state.hasher.hash(&password).await?;
    // The notice goes to the address the account had, and to the new one if it changed.
    let what = "account upgraded (new username, password and contact details)";
    let mut notices = vec![mail::security_notice(&session.account.email, username.as_str(), what)];
    if email != session.account.email {
        notices.push(mail::security_notice(&email, username.as_str(), what));
    }
    let now = Utc::now().timestamp();
    match state
        .store
        .upgrade_pacer(
            session.account.id,
            &username,
            &hash,
            &name,
            &email,
            Some(&session.token_hash),
            &notices,
            now,
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(m)) => return Ok(upgrade_form(&visitor, &f, vec![format!("Username: {m}.")])),
        Err(e) => return Err(e.into()),
    }
    let next = safe_next(&f.next, "/");
    Ok(page(MessagePage {
        title: "Account upgraded",
        paragraphs: vec![format!(
            "Your PACER account is upgraded. Your username is now {username}. You can now link your CM/ECF accounts to it."
        )],
        links: vec![(next, "Continue")],
    }))
}

// ---- Manage My Account ----

pub(crate) struct SessionLine {
    id: String,
    started: String,
    last_seen: String,
    ip: String,
    user_agent: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    account: openecf_domain::PacerAccount,
    kind: &'static str,
    legacy: bool,
    mfa: String,
    sessions: Vec<SessionLine>,
    csrf: String,
    notice: Option<String>,
}

pub(crate) fn utc(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NoticeQuery {
    done: String,
}

pub(crate) async fn manage(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let session = match require_pacer(&visitor, "/account") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let a = session.account.clone();
    let mfa = state.store.mfa_state(a.id).await?;
    let sessions = state
        .store
        .pacer_sessions(a.id)
        .await?
        .into_iter()
        .map(|s| SessionLine {
            current: s.token_hash == session.token_hash,
            id: s.token_hash,
            started: utc(s.created_at),
            last_seen: utc(s.last_seen_at),
            ip: s.ip,
            user_agent: s.user_agent.chars().take(80).collect(),
        })
        .collect();
    let notice = match q.done.as_str() {
        "password" => Some("Your password has been changed. Your other sessions have been logged out."),
        "email" => Some("Your email address has been changed."),
        "revoked" => Some("The session has been logged out."),
        "revoked-others" => Some("All your other sessions have been logged out."),
        _ => None,
    };
    Ok(page(AccountPage {
        kind: a.kind.label(),
        legacy: a.is_legacy(),
        mfa: match (mfa.authenticators, mfa.is_filer) {
            (0, true) => "Off: required for filers; set it up".into(),
            (0, false) => "Off".into(),
            (n, _) => format!("On ({n} authenticator app{})", if n == 1 { "" } else { "s" }),
        },
        account: a,
        sessions,
        csrf: visitor.csrf.value().to_owned(),
        notice: notice.map(str::to_owned),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RevokeForm {
    csrf: String,
    session: String,
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<RevokeForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    // Only the account's own sessions can be revoked.
    let own = state.store.pacer_sessions(session.account.id).await?;
    if own.iter().any(|s| s.token_hash == f.session) {
        state.store.delete_session(&f.session).await?;
    }
    Ok(see_other("/account?done=revoked"))
}

pub(crate) async fn revoke_others(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<super::csologin::CsrfForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    state
        .store
        .delete_pacer_sessions(session.account.id, Some(&session.token_hash))
        .await?;
    Ok(see_other("/account?done=revoked-others"))
}

// ---- Password and email changes ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PasswordForm {
    csrf: String,
    current: String,
    password: String,
    confirm: String,
}

fn password_form(visitor: &Visitor, errors: Vec<String>) -> Response {
    form_response(FormView {
        title: "Change password",
        intro: vec![
            PASSWORD_RULES.into(),
            "Changing your password logs out your other sessions.".into(),
        ],
        action: "/account/password".into(),
        csrf: visitor.csrf.value().to_owned(),
        hidden: vec![],
        fields: vec![
            Field::password("current", "Current password", "current-password"),
            Field::password("password", "New password", "new-password"),
            Field::password("confirm", "Confirm new password", "new-password"),
        ],
        submit: "Change password",
        errors,
        links: vec![("/account".into(), "Manage My Account")],
    })
}

pub(crate) async fn password_page(visitor: Visitor) -> Response {
    match require_pacer(&visitor, "/account/password") {
        Ok(_) => password_form(&visitor, vec![]),
        Err(r) => r.into_response(),
    }
}

/// The current password, checked against the account's failure counter.
pub(crate) async fn current_password_ok(
    state: &AppState,
    session: &PacerSession,
    current: &str,
) -> Result<bool, AppError> {
    let hash = state
        .store
        .pacer_by_username(&session.account.username)
        .await?
        .map(|(_, h)| h);
    check_password(
        state,
        &[signin::subject(session.account.username.as_str())],
        hash.as_deref(),
        Password::attempt(current).as_ref(),
    )
    .await
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account/password") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let a = &session.account;
    if !current_password_ok(&state, &session, &f.current).await? {
        return Ok(password_form(
            &visitor,
            vec!["Current password: it is not right.".into()],
        ));
    }
    let password = match new_password(
        &f.password,
        &f.confirm,
        a.username.as_str(),
        a.name.as_str(),
        a.email.as_str(),
    ) {
        Ok(p) => p,
        Err(e) => return Ok(password_form(&visitor, vec![format!("New password: {e}")])),
    };
    let hash = state.hasher.hash(&password).await?;
    let notice = mail::security_notice(&a.email, a.username.as_str(), "password changed");
    state
        .store
        .set_pacer_password(a.id, &hash, Some(&session.token_hash), &notice, Utc::now().timestamp())
        .await?;
    Ok(see_other("/account?done=password"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EmailForm {
    csrf: String,
    current: String,
    email: String,
}

fn email_form(visitor: &Visitor, value: &str, errors: Vec<String>) -> Response {
    form_response(FormView {
        title: "Change email address",
        intro: vec!["A notice of the change goes to your current address.".into()],
        action: "/account/email".into(),
        csrf: visitor.csrf.value().to_owned(),
        hidden: vec![],
        fields: vec![
            Field::password("current", "Current password", "current-password"),
            Field::email("email", "New email", value),
        ],
        submit: "Change email address",
        errors,
        links: vec![("/account".into(), "Manage My Account")],
    })
}

pub(crate) async fn email_page(visitor: Visitor) -> Response {
    match require_pacer(&visitor, "/account/email") {
        Ok(_) => email_form(&visitor, "", vec![]),
        Err(r) => r.into_response(),
    }
}

pub(crate) async fn change_email(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<EmailForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let session = match require_pacer(&visitor, "/account/email") {
        Ok(s) => s,
        Err(r) => return Ok(r.into_response()),
    };
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => return Ok(email_form(&visitor, &f.email, vec![format!("New email: {}", e.reason)])),
    };
    if !current_password_ok(&state, &session, &f.current).await? {
        return Ok(email_form(
            &visitor,
            &f.email,
            vec!["Current password: it is not right.".into()],
        ));
    }
    let a = &session.account;
    let notice = mail::security_notice(
        &a.email,
        a.username.as_str(),
        &format!("email address changed to {email}"),
    );
    state
        .store
        .set_pacer_email(a.id, &email, &notice, Utc::now().timestamp())
        .await?;
    Ok(see_other("/account?done=email"))
}

// ---- Password reset ----

/// How long a reset link works.
const RESET_SECS: i64 = 30 * 60;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ResetRequest {
    csrf: String,
    username: String,
}

fn reset_request_form(visitor: &Visitor, errors: Vec<String>) -> Response {
    form_response(FormView {
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

pub(crate) async fn reset_page(visitor: Visitor) -> Response {
    reset_request_form(&visitor, vec![])
}

pub(crate) async fn reset_request(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<ResetRequest>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
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
        title: "Check your email",
        paragraphs: vec!["If an account with that username exists, a link to reset its password has been sent to its email address. The link works once, within 30 minutes.".into()],
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ResetForm {
    csrf: String,
    password: String,
    confirm: String,
}

fn reset_form(visitor: &Visitor, token: &str, errors: Vec<String>) -> Response {
    form_response(FormView {
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
    })
}

fn reset_expired() -> Response {
    render(
        StatusCode::GONE,
        MessagePage {
            title: "Reset link expired",
            paragraphs: vec![
                "This password reset link has expired or has already been used. Ask for a new one.".into(),
            ],
            links: vec![("/account/reset".into(), "Reset your password")],
        },
    )
}

pub(crate) async fn reset_token_page(
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
        None => Ok(reset_expired()),
    }
}

pub(crate) async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(f): Form<ResetForm>,
) -> Result<Response, AppError> {
    visitor.csrf.check(&f.csrf)?;
    let now = Utc::now().timestamp();
    let hash = hash_token(&token);
    let Some(account_id) = state.store.password_reset(&hash, now).await? else {
        return Ok(reset_expired());
    };
    let Some(a) = state.store.pacer_by_id(account_id).await? else {
        return Ok(reset_expired());
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
        return Ok(reset_expired());
    }
    state
        .store
        .clear_failures(&signin::subject(a.username.as_str()))
        .await?;
    Ok(page(MessagePage {
        title: "Password changed",
        paragraphs: vec!["Your password has been changed and every session of your account has been logged out. Log in with your new password.".into()],
        links: vec![("/csologin/login".into(), "PACER LOGIN")],
    }))
}
