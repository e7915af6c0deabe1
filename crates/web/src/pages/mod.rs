//! The pages, one module per part of the site.

mod account;
mod api;
mod court;
mod csologin;
mod link;
mod mfa;
mod portal;
pub(crate) mod signin;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, Utc};
use openecf_domain::{Court, CourtId, EcfAccount, FilingMenu, LinkRefusal, NextGenStatus, Password};
use openecf_store::{Attempt, AttemptOutcome};

use crate::error::render;
use crate::session::{PacerSession, Visitor};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(portal::home))
        .route("/static/style.css", get(stylesheet))
        .route("/csologin/login", get(csologin::form).post(csologin::submit))
        .route("/csologin/logout", post(csologin::logout))
        .route("/csologin/otp", post(csologin::otp))
        .route("/account", get(account::manage))
        .route("/account/register", get(account::register_page).post(account::register))
        .route("/account/upgrade", get(account::upgrade_page).post(account::upgrade))
        .route(
            "/account/password",
            get(account::password_page).post(account::change_password),
        )
        .route("/account/email", get(account::email_page).post(account::change_email))
        .route("/account/sessions/revoke", post(account::revoke))
        .route("/account/sessions/revoke-others", post(account::revoke_others))
        .route("/account/reset", get(account::reset_page).post(account::reset_request))
        .route(
            "/account/reset/{token}",
            get(account::reset_token_page).post(account::reset),
        )
        .route("/account/mfa", get(mfa::overview))
        .route("/account/mfa/add", get(mfa::add_form).post(mfa::add))
        .route("/account/mfa/remove", post(mfa::remove))
        .route("/account/mfa/enrol", get(mfa::enrol))
        .route("/account/mfa/skip", post(mfa::skip))
        .route("/services/cso-auth", post(api::cso_auth).fallback(api::wrong_method))
        .route(
            "/services/cso-logout",
            post(api::cso_logout).fallback(api::wrong_method),
        )
        .route("/openapi.json", get(api::openapi))
        .route("/ecf/{court}", get(court::redirect_home))
        .route("/ecf/{court}/", get(court::home))
        .route("/ecf/{court}/login", get(court::legacy_form).post(court::legacy_submit))
        .route("/ecf/{court}/logout", post(court::logout))
        .route("/ecf/{court}/utilities", get(court::utilities))
        .route("/ecf/{court}/utilities/nextgen-release-1.1", get(court::release_1_1))
        .route("/ecf/{court}/link", get(link::form).post(link::verify))
        .route("/ecf/{court}/link/confirm", post(link::confirm))
        .route("/ecf/{court}/link/done", get(link::done))
        .route("/ecf/{court}/{page}", get(court::menu_page))
        .fallback(|| async { AppError::NotFound })
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

pub(crate) fn page(t: impl Template) -> Response {
    render(StatusCode::OK, t)
}

/// "Monday, March 1, 2027".
pub(crate) fn long_date(d: NaiveDate) -> String {
    d.format("%A, %B %-d, %Y").to_string()
}

pub(crate) fn status_text(status: &NextGenStatus) -> String {
    match status {
        NextGenStatus::Live { since } => format!("Live on NextGen CM/ECF since {}", long_date(since.date_naive())),
        NextGenStatus::NotLive { planned: Some(d) } => {
            format!("Not live on NextGen CM/ECF yet: goes live on {}", long_date(*d))
        }
        NextGenStatus::NotLive { planned: None } => "Not live on NextGen CM/ECF yet: no go-live date set".to_owned(),
    }
}

pub(crate) async fn load_court(state: &AppState, raw: &str) -> Result<Court, AppError> {
    let id = CourtId::parse(raw).map_err(|_| AppError::NotFound)?;
    state.store.court(&id, Utc::now()).await?.ok_or(AppError::NotFound)
}

/// A `next` that stays on this site: a path, never `//host` or a scheme.
pub(crate) fn safe_next(next: &str, default: &str) -> String {
    let ok =
        next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.chars().any(char::is_control);
    if ok {
        next.to_owned()
    } else {
        default.to_owned()
    }
}

/// A path made fit for a `?next=` query value: everything but unreserved
/// characters and `/` is percent-encoded.
pub(crate) fn encode_next(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Who is using a court's site.
pub(crate) enum CourtUser {
    /// A PACER user (Central Sign-On), with the CM/ECF login linked at this court if any.
    Pacer {
        session: PacerSession,
        linked: Option<String>,
    },
    /// A legacy CM/ECF login, at a court not yet live.
    Legacy { account: EcfAccount },
}

impl CourtUser {
    pub(crate) async fn find(state: &AppState, visitor: &Visitor, court: &Court) -> Result<Option<Self>, AppError> {
        if !court.is_live() {
            if let Some((_, account)) = visitor.legacy(state, &court.id).await? {
                return Ok(Some(Self::Legacy { account }));
            }
        }
        let Some(session) = visitor.pacer.clone() else {
            return Ok(None);
        };
        let linked = state.store.linked_login(&court.id, session.account.id).await?;
        Ok(Some(Self::Pacer { session, linked }))
    }

    /// May file here: a linked PACER user at a live court, or a legacy login at a court not yet live.
    pub(crate) fn is_filer(&self, court: &Court) -> bool {
        match self {
            Self::Pacer { linked, .. } => court.is_live() && linked.is_some(),
            Self::Legacy { .. } => !court.is_live(),
        }
    }

    pub(crate) fn display_name(&self) -> String {
        match self {
            Self::Pacer { session, .. } => format!("{} ({})", session.account.name, session.account.username),
            Self::Legacy { account, .. } => format!("{} ({}, CM/ECF login)", account.name, account.login),
        }
    }
}

pub(crate) struct MenuItem {
    pub label: &'static str,
    pub href: String,
}

/// The court's menu bar.
pub(crate) struct CourtNav {
    pub court_id: String,
    pub court_name: String,
    pub menus: Vec<MenuItem>,
    pub csrf: String,
    pub logged_in: bool,
}

impl CourtNav {
    pub(crate) fn new(court: &Court, visitor: &Visitor, user: Option<&CourtUser>) -> Self {
        let id = court.id.as_str();
        let mut menus = Vec::new();
        if user.is_some_and(|u| u.is_filer(court)) {
            menus.extend(court.kind.filing_menus().iter().map(|m: &FilingMenu| MenuItem {
                label: m.label(),
                href: format!("/ecf/{id}/{}", m.slug()),
            }));
        }
        for (label, slug) in [
            ("Query", "query"),
            ("Reports", "reports"),
            ("Utilities", "utilities"),
            ("Search", "search"),
        ] {
            menus.push(MenuItem {
                label,
                href: format!("/ecf/{id}/{slug}"),
            });
        }
        Self {
            court_id: id.to_owned(),
            court_name: court.name.clone(),
            menus,
            csrf: visitor.csrf.value().to_owned(),
            logged_in: user.is_some(),
        }
    }
}

/// Where the Document Filing System link leads: PACER LOGIN at a live court,
/// the court's own CM/ECF login at a court not yet live.
pub(crate) fn filing_login_href(court: &Court, then: &str) -> String {
    if court.is_live() {
        format!("/csologin/login?next={}", encode_next(then))
    } else {
        format!("/ecf/{}/login", court.id)
    }
}

pub(crate) fn refusal_status(r: &LinkRefusal) -> StatusCode {
    match r {
        LinkRefusal::WrongCredentials => StatusCode::UNAUTHORIZED,
        LinkRefusal::VerificationExpired => StatusCode::GONE,
        LinkRefusal::CourtNotLive { .. }
        | LinkRefusal::EcfAlreadyLinked
        | LinkRefusal::PacerAlreadyLinkedHere { .. } => StatusCode::CONFLICT,
        LinkRefusal::LegacyPacerAccount | LinkRefusal::SharedFirmAccount => StatusCode::FORBIDDEN,
    }
}

/// Begins a password check for a subject, waiting a little (as the checks
/// under way finish) rather than refusing when too many are already running.
pub(crate) async fn begin_attempt(state: &AppState, subject: &str) -> Result<Attempt, AppError> {
    for _ in 0..30 {
        match state.store.begin_attempt(subject, Utc::now()).await? {
            Attempt::Busy => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            other => return Ok(other),
        }
    }
    Ok(Attempt::Busy)
}

/// The subject of a CM/ECF login's failure counter.
/// Input that is no valid CM/ECF login shares one counter per court.
pub(crate) fn ecf_subject(court: &Court, login: &str) -> String {
    match openecf_domain::EcfLogin::parse(login) {
        Ok(l) => format!("ecf:{}:{l}", court.id),
        Err(_) => format!("ecf:{}:<invalid>", court.id),
    }
}

/// Checks a court's CM/ECF credentials against the CM/ECF login's failure
/// counter (and any `more` subjects); the account if they are right.
pub(crate) async fn ecf_credentials_ok(
    state: &AppState,
    court: &Court,
    login: &str,
    password: &str,
    more: Option<String>,
) -> Result<Option<EcfAccount>, AppError> {
    let account = match openecf_domain::EcfLogin::parse(login) {
        Ok(l) => state.store.ecf_by_login(&court.id, &l).await?,
        Err(_) => None,
    };
    let mut subjects = vec![ecf_subject(court, login)];
    subjects.extend(more);
    let ok = check_password(
        state,
        &subjects,
        account.as_ref().map(|(_, h)| h.as_str()),
        Password::attempt(password).as_ref(),
    )
    .await?;
    Ok(account.filter(|_| ok).map(|(a, _)| a))
}

/// Checks a password for the given subjects' failure counters: a locked
/// subject is answered as a wrong password (after the same hashing time); a
/// failure is counted against every subject, a success clears them.
pub(crate) async fn check_password(
    state: &AppState,
    subjects: &[String],
    hash: Option<&str>,
    password: Option<&Password>,
) -> Result<bool, AppError> {
    check_password_notify(state, subjects, hash, password, None).await
}

/// As [`check_password`]; when the first subject's failures reach the
/// notification threshold, `lock_notice` is mailed (to the account's owner).
pub(crate) async fn check_password_notify(
    state: &AppState,
    subjects: &[String],
    hash: Option<&str>,
    password: Option<&Password>,
    lock_notice: Option<&openecf_domain::Mail>,
) -> Result<bool, AppError> {
    let now = Utc::now();
    // Each subject allows a few checks at once; a locked one allows none.
    let mut started = Vec::new();
    let mut locked = false;
    for s in subjects {
        match begin_attempt(state, s).await? {
            Attempt::Go => started.push(s),
            Attempt::Locked | Attempt::Busy => locked = true,
        }
    }
    let fallback;
    let password = match password {
        Some(p) => p,
        None => {
            fallback =
                Password::attempt("-").ok_or_else(|| AppError::Internal(anyhow::anyhow!("fallback password")))?;
            &fallback
        }
    };
    // A locked subject spends the same hashing time and is answered as a wrong password.
    let ok = !locked && state.hasher.verify(hash, password).await?;
    if locked {
        state.hasher.verify(None, password).await?;
    }
    for s in started {
        let first = subjects.first() == Some(s);
        let outcome = match (locked, ok) {
            (true, _) => AttemptOutcome::Abandoned,
            // The credentials' own counter is cleared; the others keep theirs.
            (false, true) => AttemptOutcome::Succeeded { clear: first },
            (false, false) => AttemptOutcome::Failed,
        };
        let after = state.store.finish_attempt(s, Utc::now(), outcome).await?;
        if first && outcome == AttemptOutcome::Failed && after.count == openecf_domain::throttle::NOTIFY_AT {
            if let Some(mail) = lock_notice {
                state.store.enqueue_mail(mail, now.timestamp()).await?;
            }
        }
    }
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_encoded_for_a_query_and_kept_on_the_site() {
        assert_eq!(encode_next("/ecf/gamb/"), "/ecf/gamb/");
        assert_eq!(encode_next("/a?x=1&y=2#f"), "/a%3Fx%3D1%26y%3D2%23f");
        assert_eq!(safe_next("//evil.example.com", "/"), "/");
        assert_eq!(safe_next("https://evil.example.com", "/"), "/");
        assert_eq!(safe_next("/\\evil", "/"), "/");
        assert_eq!(safe_next("/ecf/gamb/", "/"), "/ecf/gamb/");
    }
}
