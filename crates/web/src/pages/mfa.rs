//! Multi-factor authentication: enrolment of up to five authenticator apps,
//! backup codes, and the rule that filers must enrol (after three skips,
//! before anything else).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openecf_app::signin::{self, current_password, Pending};
use openecf_app::totp;
use openecf_domain::mfa::MAX_AUTHENTICATORS;
use openecf_domain::AuthenticatorId;
use openecf_store::StoreError;
use serde::Deserialize;

use crate::extract::{PacerForm, PacerUser, Query};
use crate::paths::{encode_next, safe_next, see_other};
use crate::view::{page, render, utc_secs, Banner};
use crate::{AppError, AppState};

/// Under `/account/mfa`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview))
        .route("/add", get(add_form).post(add))
        .route("/codes-only", post(codes_only))
        .route("/backup-codes", post(new_backup_codes))
        .route("/remove", post(remove))
        .route("/enrol", get(enrol))
        .route("/skip", post(skip))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NextQuery {
    next: String,
    /// The authenticator's name as typed before a session ran out.
    name: String,
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    banner: Banner,
    authenticators: Vec<(i64, String, String)>,
    codes_left: i64,
    can_add: bool,
    max: i64,
    csrf: String,
    error: Option<&'static str>,
    mfa_on: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct OverviewQuery {
    error: String,
}

async fn overview(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    let list = state.store.authenticators(session.account.id).await?;
    Ok(page(MfaPage {
        banner: Banner::of(&visitor),
        can_add: (list.len() as i64) < MAX_AUTHENTICATORS,
        authenticators: list
            .into_iter()
            .map(|a| (a.id, a.name, utc_secs(a.created_at)))
            .collect(),
        codes_left: state.store.backup_codes_left(session.account.id).await?,
        max: MAX_AUTHENTICATORS,
        csrf: visitor.csrf.value().to_owned(),
        error: match q.error.as_str() {
            "password" => Some("Current password: it is not right. Nothing was removed."),
            "password-codes" => Some("Current password: it is not right. Your backup codes are unchanged."),
            "passcode" => Some("One-time passcode: it does not match. Nothing was removed."),
            _ => None,
        },
        mfa_on: state.store.mfa_state(session.account.id).await?.is_on(),
    }))
}

#[derive(Template)]
#[template(path = "mfa_add.html")]
struct AddPage {
    banner: Banner,
    qr_svg: String,
    secret: String,
    needs_email_code: bool,
    next: String,
    name: String,
    csrf: String,
    error: Option<String>,
    forced: bool,
}

/// The page of the app being added: the server's secret as a QR code and as
/// text, and the fields that confirm it. (A setup that ended meanwhile — a
/// wrong mailed code, or its 15 minutes — starts afresh, with a new code.)
async fn add_page(
    state: &AppState,
    user: &PacerUser,
    next: String,
    name: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let PacerUser { session, visitor } = user;
    let setup = match openecf_app::mfa::begin_enrolment(state, &session.account, &session.token_hash).await? {
        Ok(setup) => setup,
        Err(refusal) => {
            return Err(AppError::Refused {
                status: axum::http::StatusCode::TOO_MANY_REQUESTS,
                message: refusal.to_string(),
            })
        }
    };
    let url = totp::otpauth_url(&setup.secret, session.account.username.as_str())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the server's TOTP secret is not base32")))?;
    let forced = matches!(
        signin::pending(state, &session.account).await?,
        Pending::EnrolMfa { forced: true, .. }
    );
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok(render(
        status,
        AddPage {
            banner: Banner::of(visitor),
            qr_svg: totp::qr_svg(&url).unwrap_or_default(),
            secret: setup.secret,
            needs_email_code: setup.needs_email_code,
            next,
            name,
            csrf: visitor.csrf.value().to_owned(),
            error,
            forced,
        },
    ))
}

async fn add_form(
    State(state): State<AppState>,
    user: PacerUser,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(&q.next, "/account/mfa");
    let name = if q.name.is_empty() {
        "Authenticator app".to_owned()
    } else {
        q.name
    };
    add_page(&state, &user, next, name, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AddForm {
    next: String,
    name: String,
    #[serde(rename = "otpCode")]
    otp_code: String,
    /// The code mailed to the account (its first app only).
    #[serde(rename = "emailCode")]
    email_code: String,
    current: String,
}

#[derive(Template)]
#[template(path = "mfa_codes.html")]
struct CodesPage {
    banner: Banner,
    title: &'static str,
    codes: Vec<String>,
    next: String,
}

async fn add(State(state): State<AppState>, form: PacerForm<AddForm>) -> Result<Response, AppError> {
    let PacerForm { user, form: f } = form;
    let next = safe_next(&f.next, "/account/mfa");
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        let error = Some("Authenticator name: give it a name of 1 to 64 characters.".into());
        return add_page(&state, &user, next, f.name.clone(), error).await;
    }
    if !current_password(&state, &user.session.account, &f.current).await? {
        let error = Some("Current password: it is not right.".into());
        return add_page(&state, &user, next, name.to_owned(), error).await;
    }
    let (account, ip) = (&user.session.account, &user.visitor.ip);
    let session_hash = &user.session.token_hash;
    let done =
        openecf_app::mfa::finish_enrolment(&state, account, session_hash, name, &f.otp_code, &f.email_code, ip).await?;
    let codes = match done {
        Ok(enrolled) => enrolled.backup_codes,
        Err(refusal) => return add_page(&state, &user, next, name.to_owned(), Some(refusal.to_string())).await,
    };
    Ok(page(CodesPage {
        banner: Banner::of(&user.visitor),
        title: "Authenticator app added",
        codes,
        next,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RemoveForm {
    id: i64,
    current: String,
    /// A passcode (or backup code): a password alone does not remove a factor.
    #[serde(rename = "otpCode")]
    otp_code: String,
}

async fn remove(State(state): State<AppState>, form: PacerForm<RemoveForm>) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form: f,
    } = form;
    if !current_password(&state, &session.account, &f.current).await? {
        return Ok(see_other("/account/mfa?error=password"));
    }
    if !signin::second_factor(&state, &session.account, &f.otp_code, &visitor.ip).await? {
        return Ok(see_other("/account/mfa?error=passcode"));
    }
    let id = AuthenticatorId::new(f.id);
    match openecf_app::mfa::remove_authenticator(&state, &session.account, id, &visitor.ip).await {
        Ok(()) | Err(openecf_app::Error::Store(StoreError::NotFound(_))) => Ok(see_other("/account/mfa")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa_enrol.html")]
struct EnrolPage {
    banner: Banner,
    next: String,
    next_encoded: String,
    skips_left: i64,
    forced: bool,
    csrf: String,
}

async fn enrol(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(&q.next, "/");
    match signin::pending(&state, &session.account).await? {
        Pending::EnrolMfa { skips_left, forced } => Ok(page(EnrolPage {
            banner: Banner::of(&visitor),
            next_encoded: encode_next(&next),
            next,
            skips_left,
            forced,
            csrf: visitor.csrf.value().to_owned(),
        })),
        _ => Ok(see_other(&next)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SkipForm {
    next: String,
}

async fn skip(State(state): State<AppState>, form: PacerForm<SkipForm>) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, .. },
        form: f,
    } = form;
    let next = safe_next(&f.next, "/");
    if openecf_app::mfa::skip(&state, &session.account).await? {
        return Ok(see_other(&next));
    }
    Ok(see_other(&format!("/account/mfa/enrol?next={}", encode_next(&next))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CodesOnlyForm {
    next: String,
    current: String,
    #[serde(rename = "emailCode")]
    email_code: String,
}

/// Multi-factor authentication with backup codes alone, for someone who
/// cannot use an authenticator app.
async fn codes_only(State(state): State<AppState>, form: PacerForm<CodesOnlyForm>) -> Result<Response, AppError> {
    let PacerForm { user, form: f } = form;
    let next = safe_next(&f.next, "/account/mfa");
    if !current_password(&state, &user.session.account, &f.current).await? {
        let error = Some("Current password: it is not right.".into());
        return add_page(&state, &user, next, String::new(), error).await;
    }
    let (account, session_hash) = (&user.session.account, &user.session.token_hash);
    match openecf_app::mfa::codes_only(&state, account, session_hash, &f.email_code, &user.visitor.ip).await? {
        Ok(codes) => Ok(page(CodesPage {
            banner: Banner::of(&user.visitor),
            title: "Multi-factor authentication with backup codes",
            codes,
            next,
        })),
        Err(refusal) => add_page(&state, &user, next, String::new(), Some(refusal.to_string())).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NewCodesForm {
    current: String,
}

/// A new batch of backup codes; the old batch ends.
async fn new_backup_codes(State(state): State<AppState>, form: PacerForm<NewCodesForm>) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form: f,
    } = form;
    if !current_password(&state, &session.account, &f.current).await? {
        return Ok(see_other("/account/mfa?error=password-codes"));
    }
    let Some(codes) = openecf_app::mfa::new_backup_codes(&state, &session.account, &visitor.ip).await? else {
        return Ok(see_other("/account/mfa"));
    };
    Ok(page(CodesPage {
        banner: Banner::of(&visitor),
        title: "New backup codes",
        codes,
        next: "/account/mfa".to_owned(),
    }))
}
