//! Linking a CM/ECF account to the upgraded PACER account: the form, the
//! verify page, Submit or Cancel, and the success page. Every attempt, success
//! or refusal, is an audit event.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use openecf_domain::{check_link_start, Court, EcfAccount, LinkRefusal, PacerAccount};
use openecf_store::AuditEvent;
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerForm, PacerUser, Path, Query};
use crate::pages::credentials::ecf_credentials_ok;
use crate::paths::{login_href, see_other};
use crate::session::{hash_token, random_token, PacerSession, Visitor};
use crate::view::{long_date, page, render};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ecf/{court}/link", get(form).post(verify))
        .route("/ecf/{court}/link/confirm", post(confirm))
        .route("/ecf/{court}/link/done", get(done))
}

fn refusal_status(r: &LinkRefusal) -> StatusCode {
    match r {
        LinkRefusal::WrongCredentials => StatusCode::UNAUTHORIZED,
        LinkRefusal::VerificationExpired => StatusCode::GONE,
        LinkRefusal::CourtNotLive { .. }
        | LinkRefusal::EcfAlreadyLinked
        | LinkRefusal::PacerAlreadyLinkedHere { .. } => StatusCode::CONFLICT,
        LinkRefusal::LegacyPacerAccount | LinkRefusal::SharedFirmAccount => StatusCode::FORBIDDEN,
    }
}

#[derive(Template)]
#[template(path = "link_form.html")]
struct LinkForm {
    nav: CourtNav,
    pacer_username: String,
    pacer_name: String,
    login: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "link_verify.html")]
struct VerifyPage {
    nav: CourtNav,
    ecf: EcfAccount,
    pacer: PacerAccount,
    pacer_kind: &'static str,
    pending: String,
}

#[derive(Template)]
#[template(path = "link_done.html")]
struct DonePage {
    nav: CourtNav,
    ecf_login: String,
    pacer_username: String,
    menus: String,
}

#[derive(Template)]
#[template(path = "link_message.html")]
struct MessagePage {
    nav: CourtNav,
    title: &'static str,
    message: String,
    refused: bool,
    action: Option<(String, &'static str)>,
}

/// The PACER user as this court's user: with the CM/ECF login linked here, if any.
async fn court_user(state: &AppState, session: &PacerSession, court: &Court) -> Result<CourtUser, AppError> {
    let linked = state.store.linked_login(&court.id, session.account.id).await?;
    Ok(CourtUser::Pacer {
        session: session.clone(),
        linked,
    })
}

fn refusal_page(court: &Court, visitor: &Visitor, user: &CourtUser, refusal: &LinkRefusal) -> Response {
    let mut message = refusal.to_string();
    let mut action = None;
    match refusal {
        LinkRefusal::CourtNotLive { planned: Some(d) } => {
            message.push_str(&format!(" It goes live on {}.", long_date(*d)))
        }
        LinkRefusal::CourtNotLive { planned: None } => {
            message.push_str(" The court has not set its go-live date yet; it will notify users of the date.");
        }
        LinkRefusal::LegacyPacerAccount => action = Some(("/account/upgrade".to_owned(), "Upgrade your PACER account")),
        LinkRefusal::SharedFirmAccount => {
            action = Some((login_href(&format!("/ecf/{}/link", court.id), false), "PACER LOGIN"));
        }
        LinkRefusal::VerificationExpired | LinkRefusal::WrongCredentials => {
            action = Some((
                format!("/ecf/{}/link", court.id),
                "Link a CM/ECF account to my PACER account",
            ));
        }
        LinkRefusal::EcfAlreadyLinked | LinkRefusal::PacerAlreadyLinkedHere { .. } => {}
    }
    render(
        refusal_status(refusal),
        MessagePage {
            nav: CourtNav::new(court, visitor, Some(user)),
            title: "Cannot link this account",
            message,
            refused: true,
            action,
        },
    )
}

async fn audit(
    state: &AppState,
    visitor: &Visitor,
    court: &Court,
    pacer: &PacerAccount,
    ecf_login: Option<&str>,
    outcome: String,
) -> Result<(), AppError> {
    let event = AuditEvent {
        action: "link".into(),
        outcome,
        pacer_username: Some(pacer.username.to_string()),
        court_id: Some(court.id.to_string()),
        ecf_login: ecf_login.map(str::to_owned),
        ip: Some(visitor.ip.clone()),
        detail: String::new(),
    };
    state.store.audit(&event, Utc::now()).await?;
    Ok(())
}

/// The refusal of the user's own account at this court, before any CM/ECF credentials.
fn start_refusal(court: &Court, session: &PacerSession, user: &CourtUser) -> Option<LinkRefusal> {
    let linked = match user {
        CourtUser::Pacer { linked, .. } => linked.as_deref(),
        CourtUser::Legacy { .. } => None,
    };
    check_link_start(court, &session.account, linked).err()
}

/// What the link form may be filled in with again after an expired session.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LinkQuery {
    login: String,
}

async fn form(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
    Path(court): Path<String>,
    Query(q): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    if let Some(refusal) = start_refusal(&court, &session, &user) {
        audit(
            &state,
            &visitor,
            &court,
            &session.account,
            None,
            format!("refused: {}", refusal.code()),
        )
        .await?;
        return Ok(refusal_page(&court, &visitor, &user, &refusal));
    }
    Ok(page(LinkForm {
        nav: CourtNav::new(&court, &visitor, Some(&user)),
        pacer_username: session.account.username.to_string(),
        pacer_name: session.account.name.to_string(),
        login: q.login.trim().chars().filter(|c| !c.is_control()).take(64).collect(),
        error: None,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LinkCredentials {
    login: String,
    password: String,
}

/// Step 4: checks the CM/ECF credentials and shows both accounts to verify.
/// The verified identity is held server-side; the password goes no further.
async fn verify(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<LinkCredentials>,
) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form,
    } = posted;
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    if let Some(refusal) = start_refusal(&court, &session, &user) {
        audit(
            &state,
            &visitor,
            &court,
            &session.account,
            None,
            format!("refused: {}", refusal.code()),
        )
        .await?;
        return Ok(refusal_page(&court, &visitor, &user, &refusal));
    }
    // The link form is a password oracle for CM/ECF accounts: count failures
    // against the CM/ECF login and against the PACER account using the form.
    let more = Some(format!("link:{}", session.account.username));
    let account = ecf_credentials_ok(&state, &court, &form.login, &form.password, more).await?;
    let Some(ecf) = account else {
        // Only a well-formed login goes into the audit trail; anything else is "<invalid>".
        let audited =
            openecf_domain::EcfLogin::parse(&form.login).map_or_else(|_| "<invalid>".to_owned(), |l| l.to_string());
        let shown_login: String = form.login.trim().chars().filter(|c| !c.is_control()).take(64).collect();
        audit(
            &state,
            &visitor,
            &court,
            &session.account,
            Some(&audited),
            "refused: wrong_credentials".into(),
        )
        .await?;
        return Ok(render(
            StatusCode::UNAUTHORIZED,
            LinkForm {
                nav: CourtNav::new(&court, &visitor, Some(&user)),
                pacer_username: session.account.username.to_string(),
                pacer_name: session.account.name.to_string(),
                login: shown_login,
                error: Some(LinkRefusal::WrongCredentials.to_string()),
            },
        ));
    };
    if state.store.is_ecf_linked(ecf.id).await? {
        let refusal = LinkRefusal::EcfAlreadyLinked;
        audit(
            &state,
            &visitor,
            &court,
            &session.account,
            Some(ecf.login.as_str()),
            format!("refused: {}", refusal.code()),
        )
        .await?;
        return Ok(refusal_page(&court, &visitor, &user, &refusal));
    }
    let pending = random_token();
    let expires = Utc::now().timestamp() + state.config.verify_ttl.as_secs() as i64;
    state
        .store
        .create_pending_link(&hash_token(&pending), &session.token_hash, ecf.id, expires)
        .await?;
    Ok(page(VerifyPage {
        nav: CourtNav::new(&court, &visitor, Some(&user)),
        pacer_kind: session.account.kind.label(),
        pacer: session.account,
        ecf,
        pending,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Confirm {
    pending: String,
    action: String,
}

/// Step 5: Submit links the verified accounts; Cancel links nothing.
async fn confirm(
    State(state): State<AppState>,
    Path(court): Path<String>,
    posted: PacerForm<Confirm>,
) -> Result<Response, AppError> {
    let PacerForm {
        user: PacerUser { session, visitor },
        form,
    } = posted;
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    let submit = match form.action.as_str() {
        "submit" => true,
        "cancel" => false,
        _ => return Err(AppError::BadRequest("Choose Submit or Cancel.".into())),
    };
    let now = Utc::now();
    let held = state
        .store
        .take_pending_link(&hash_token(&form.pending), &session.token_hash, now.timestamp())
        .await?;
    let ecf = match held {
        Some(id) => state.store.ecf_by_id(id).await?,
        None => None,
    };
    let Some(ecf) = ecf.filter(|e| e.court == court.id) else {
        let refusal = LinkRefusal::VerificationExpired;
        audit(
            &state,
            &visitor,
            &court,
            &session.account,
            None,
            format!("refused: {}", refusal.code()),
        )
        .await?;
        return Ok(refusal_page(&court, &visitor, &user, &refusal));
    };
    if !submit {
        audit(
            &state,
            &visitor,
            &court,
            &session.account,
            Some(ecf.login.as_str()),
            "cancelled".into(),
        )
        .await?;
        return Ok(page(MessagePage {
            nav: CourtNav::new(&court, &visitor, Some(&user)),
            title: "Nothing was linked",
            message: format!(
                "You cancelled. The CM/ECF account {} was not linked to your PACER account.",
                ecf.login
            ),
            refused: false,
            action: None,
        }));
    }
    match state
        .store
        .link_accounts(&court, &session.account, &ecf, &visitor.ip, now)
        .await?
    {
        Ok(()) => Ok(see_other(&format!("/ecf/{}/link/done", court.id))),
        Err(refusal) => Ok(refusal_page(&court, &visitor, &user, &refusal)),
    }
}

/// Step 6: the success page, with the refreshed main menu.
async fn done(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let user = court_user(&state, &session, &court).await?;
    let CourtUser::Pacer {
        linked: Some(ecf_login),
        ..
    } = &user
    else {
        return Ok(see_other(&format!("/ecf/{}/link", court.id)));
    };
    let menus = court
        .kind
        .filing_menus()
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join(" and ");
    Ok(page(DonePage {
        ecf_login: ecf_login.clone(),
        pacer_username: session.account.username.to_string(),
        menus,
        nav: CourtNav::new(&court, &visitor, Some(&user)),
    }))
}
