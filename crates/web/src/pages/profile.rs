//! Manage My Account: the account's details, its sessions (revoke one, or all
//! the others), and changes of password and email address.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openecf_domain::Email;
use serde::Deserialize;

use super::identity::{new_password, PASSWORD_RULES};
use crate::extract::{NoFields, PacerForm, PacerUser, Path, Query};
use crate::paths::see_other;
use crate::session::Visitor;
use crate::view::{form_response, page, render, utc, Banner, Field, FormView, MessagePage};
use crate::{AppError, AppState};
use openecf_app::signin::{current_password, has_mfa, second_factor};

/// Under `/account`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(manage))
        .route("/password", get(password_page).post(change_password))
        .route("/email", get(email_page).post(change_email))
        .route("/email/confirm/{token}", get(confirm_email))
        .route("/email/approve/{token}", get(approve_email))
        .route("/sessions/revoke", post(revoke))
        .route("/sessions/revoke-others", post(revoke_others))
}

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
    banner: Banner,
    account: openecf_domain::PacerAccount,
    kind: &'static str,
    legacy: bool,
    mfa: String,
    sessions: Vec<SessionLine>,
    activity: Vec<ActivityLine>,
    csrf: String,
    notice: Option<String>,
}

/// One line of "Recent security activity".
pub(crate) struct ActivityLine {
    pub at: String,
    pub what: &'static str,
    pub outcome: String,
    pub ip: String,
    pub detail: String,
}

/// How many security events Manage My Account shows.
const RECENT_ACTIVITY: i64 = 20;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NoticeQuery {
    done: String,
}

async fn manage(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
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
        "email" => Some("We have emailed a confirmation link to the new address and an approval link to your current address. Your email address changes once both are opened (within 24 hours); until then it stays as it is."),
        "revoked" => Some("The session has been logged out."),
        "revoked-others" => Some("All your other sessions have been logged out."),
        _ => None,
    };
    let activity = openecf_app::audit::recent_for(&state, a.id, RECENT_ACTIVITY)
        .await?
        .into_iter()
        .map(|r| ActivityLine {
            at: utc(r.at),
            what: openecf_domain::AuditAction::describe(&r.event.action),
            outcome: r.event.outcome,
            ip: r.event.ip.unwrap_or_default(),
            detail: r.event.detail,
        })
        .collect();
    Ok(page(AccountPage {
        banner: Banner::of(&visitor),
        activity,
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
    session: String,
}

async fn revoke(State(state): State<AppState>, form: PacerForm<RevokeForm>) -> Result<Response, AppError> {
    let PacerForm { user, form: f } = form;
    // Only the account's own sessions can be revoked.
    openecf_app::sessions::revoke(&state, &user.session.account, &f.session, &user.visitor.ip).await?;
    Ok(see_other("/account?done=revoked"))
}

async fn revoke_others(State(state): State<AppState>, form: PacerForm<NoFields>) -> Result<Response, AppError> {
    let PacerUser { session, visitor } = form.user;
    openecf_app::sessions::revoke_others(&state, &session.account, &session.token_hash, &visitor.ip).await?;
    Ok(see_other("/account?done=revoked-others"))
}

// ---- Password and email changes ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PasswordForm {
    current: String,
    password: String,
    confirm: String,
}

fn password_form(visitor: &Visitor, errors: Vec<String>) -> Response {
    form_response(
        Banner::of(visitor),
        FormView {
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
        },
    )
}

async fn password_page(user: PacerUser) -> Response {
    password_form(&user.visitor, vec![])
}

async fn change_password(State(state): State<AppState>, form: PacerForm<PasswordForm>) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form: f,
    } = form;
    let a = &session.account;
    if !current_password(&state, &session.account, &f.current).await? {
        return Ok(password_form(
            &visitor,
            vec!["Current password: it is not right.".into()],
        ));
    }
    if f.password == f.current {
        return Ok(password_form(
            &visitor,
            vec!["New password: it must differ from your current password.".into()],
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
    openecf_app::accounts::change_password(&state, a, &session.token_hash, &password, &visitor.ip).await?;
    Ok(see_other("/account?done=password"))
}

/// The form's fields; also the query that fills the form in again after an
/// expired session (the email only: never the password or passcode).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EmailForm {
    current: String,
    email: String,
    /// With MFA on: a one-time passcode or backup code as well.
    #[serde(rename = "otpCode")]
    otp_code: String,
}

fn email_form(visitor: &Visitor, value: &str, mfa: bool, errors: Vec<String>) -> Response {
    let mut fields = vec![Field::password("current", "Current password", "current-password")];
    if mfa {
        fields.push(Field::text(
            "otpCode",
            "One-time passcode or backup code",
            "",
            "one-time-code",
        ));
    }
    fields.push(Field::email("email", "New email", value));
    form_response(
        Banner::of(visitor),
        FormView {
            title: "Change email address",
            intro: vec![
                "The change takes effect once the new address confirms it and your current address approves it: each gets a link, good for 24 hours.".into(),
            ],
            action: "/account/email".into(),
            csrf: visitor.csrf.value().to_owned(),
            hidden: vec![],
            fields,
            submit: "Change email address",
            errors,
            links: vec![("/account".into(), "Manage My Account")],
        },
    )
}

async fn email_page(
    State(state): State<AppState>,
    user: PacerUser,
    Query(q): Query<EmailForm>,
) -> Result<Response, AppError> {
    let mfa = has_mfa(&state, &user.session.account).await?;
    Ok(email_form(&user.visitor, &q.email, mfa, vec![]))
}

async fn change_email(State(state): State<AppState>, form: PacerForm<EmailForm>) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form: f,
    } = form;
    let mfa = has_mfa(&state, &session.account).await?;
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => {
            return Ok(email_form(
                &visitor,
                &f.email,
                mfa,
                vec![format!("New email: {}", e.reason)],
            ))
        }
    };
    if !current_password(&state, &session.account, &f.current).await? {
        return Ok(email_form(
            &visitor,
            &f.email,
            mfa,
            vec!["Current password: it is not right.".into()],
        ));
    }
    // With MFA on, a password alone does not move the account's mail.
    if mfa && !second_factor(&state, &session.account, &f.otp_code, &visitor.ip).await? {
        return Ok(email_form(
            &visitor,
            &f.email,
            mfa,
            vec!["One-time passcode: it does not match.".into()],
        ));
    }
    let url = &state.config.public_url;
    openecf_app::accounts::request_email_change(&state, &session.account, &email, url, &visitor.ip).await?;
    Ok(see_other("/account?done=email"))
}

/// An email confirmation link: at registration it confirms the address; for
/// a change, it is the new address's half. Works without a login (it is
/// opened from the mailbox, often in another browser).
async fn confirm_email(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let done = openecf_app::accounts::confirm_email(&state, &token, &visitor.ip).await?;
    Ok(confirmed_page(&visitor, done))
}

/// The current address's approval of an email change (its half). Works
/// without a login, like the confirmation link.
async fn approve_email(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let done = openecf_app::accounts::approve_email_change(&state, &token, &visitor.ip).await?;
    Ok(confirmed_page(&visitor, done))
}

fn confirmed_page(visitor: &Visitor, done: openecf_app::accounts::Confirmed) -> Response {
    use openecf_app::accounts::Confirmed;
    let (title, text) = match done {
        Confirmed::Registered => (
            "Email address confirmed",
            "Thank you: your email address is confirmed.".to_owned(),
        ),
        Confirmed::AwaitingApproval(email) => (
            "New email address confirmed",
            format!("Thank you: {email} is confirmed. Your PACER account's email address changes to it once the change is approved with the link we emailed to your current address (within 24 hours)."),
        ),
        Confirmed::AwaitingConfirmation(email) => (
            "Email address change approved",
            format!("Thank you: the change to {email} is approved. Your PACER account's email address changes once that address confirms it with the link we emailed there (within 24 hours)."),
        ),
        Confirmed::Changed(email) => (
            "Email address changed",
            format!("Your PACER account's email address is now {email}. A notice went to the old address."),
        ),
        Confirmed::Expired => {
            return render(
                axum::http::StatusCode::GONE,
                MessagePage {
                    banner: Banner::of(visitor),
                    title: "Confirmation link expired",
                    paragraphs: vec!["This confirmation link has expired or has already been used.".into()],
                    links: vec![("/account/email".into(), "Change email address")],
                },
            )
        }
    };
    page(MessagePage {
        banner: Banner::of(visitor),
        title,
        paragraphs: vec![text],
        links: vec![("/account".into(), "Manage My Account")],
    })
}
