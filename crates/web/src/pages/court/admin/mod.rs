//! The clerk console, `/ecf/{court}/admin`: a court's staff search its
//! CM/ECF accounts, see each one's link and history, unlink, disable, enable,
//! add accounts, send password reset links, decide E-File Registration
//! requests and watch the linking progress; and, on its Case record page,
//! seal entries, restrict documents, record case details and schedule hearings.
//!
//! Every route is nested under one router behind one role check
//! ([`staff_only`]): without a PACER session the visitor goes to PACER LOGIN;
//! a PACER user who is not staff of *this* court gets 403; nothing below is
//! reached otherwise. Handlers take the checked [`Staff`] from the request.

mod chart;
mod record;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use openecf_app::console::{self, AccountForm};
use openecf_domain::clerk::{progress_csv, ConsoleRefusal, EfileKind, ProgressDay};
use openecf_domain::{Court, EcfLogin, PacerAccount};
use openecf_store::{ConsoleAccount, EfileRequestRow, HistoryRow};
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{original_uri, CsrfForm, Path, Query};
use crate::paths::see_other;
use crate::session::Visitor;
use crate::view::{render, utc_secs};
use crate::{AppError, AppState};

/// The console's routes, nested under `/ecf/{court}/admin` behind [`staff_only`].
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let console = Router::new()
        .route("/", get(home))
        .route("/progress", get(progress))
        .route("/progress.csv", get(progress_csv_file))
        .route("/accounts/new", get(new_account).post(add_account))
        .route("/account/{login}", get(account))
        .route("/account/{login}/unlink", post(unlink))
        .route("/account/{login}/disable", post(disable))
        .route("/account/{login}/enable", post(enable))
        .route("/account/{login}/reset", post(send_reset))
        .route("/registrations/{id}", post(decide))
        .route("/record", get(record::show))
        .route("/record/seal", post(record::seal))
        .route("/record/restrict", post(record::restrict))
        .route("/record/details", post(record::details))
        .route("/record/hearing", post(record::hearing))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), staff_only));
    Router::new()
        .route("/ecf/{court}/admin/", get(to_home))
        .nest("/ecf/{court}/admin", console)
}

/// `/ecf/{court}/admin/`: the console's home is `/ecf/{court}/admin` (this
/// redirect shows nothing; the home is behind the check).
async fn to_home(Path(court): Path<String>) -> Result<Response, AppError> {
    let id = openecf_domain::CourtId::parse(&court).map_err(|_| AppError::NotFound)?;
    Ok(see_other(&format!("/ecf/{id}/admin")))
}

/// A member of this court's staff, checked by [`staff_only`].
#[derive(Clone)]
pub(crate) struct Staff {
    pub court: std::sync::Arc<Court>,
    pub account: PacerAccount,
    pub visitor: Visitor,
    pub court_user: std::sync::Arc<CourtUser>,
}

impl Staff {
    fn nav(&self) -> CourtNav {
        CourtNav::new(&self.court, &self.visitor, Some(&self.court_user))
    }

    fn operator(&self) -> &str {
        self.account.username.as_str()
    }

    fn base(&self) -> String {
        format!("/ecf/{}/admin", self.court.id)
    }
}

#[derive(Template)]
#[template(path = "court_info.html")]
struct Refused {
    nav: CourtNav,
    title: &'static str,
    message: String,
}

/// The one role check in front of the whole console.
async fn staff_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match check(&state, &mut parts).await {
        Ok(Ok(staff)) => {
            parts.extensions.insert(staff);
            next.run(Request::from_parts(parts, body)).await
        }
        Ok(Err(refused)) => refused,
        Err(e) => e.into_response(),
    }
}

async fn check(state: &AppState, parts: &mut Parts) -> Result<Result<Staff, Response>, AppError> {
    use axum::extract::FromRequestParts;
    let visitor = Visitor::from_request_parts(parts, state).await?;
    let uri = original_uri(parts);
    // The court is the path's second segment: /ecf/{court}/admin/...
    let raw = uri.split('/').nth(2).unwrap_or_default();
    let court = load_court(state, raw).await?;
    let Some(session) = visitor.pacer.clone() else {
        return Err(AppError::LoginFirst {
            next: uri,
            expired: false,
        });
    };
    let court_user = CourtUser::pacer(state, &session, &court).await?;
    if !state.store.is_staff(&court.id, session.account.id).await? {
        let nav = CourtNav::new(&court, &visitor, Some(&court_user));
        return Ok(Err(render(
            StatusCode::FORBIDDEN,
            Refused {
                nav,
                title: "Clerk console",
                message: format!(
                    "The clerk console of {} is for the court's staff only. Your PACER account {} is not court staff here.",
                    court.name, session.account.username
                ),
            },
        )));
    }
    Ok(Ok(Staff {
        court,
        account: session.account,
        visitor,
        court_user: std::sync::Arc::new(court_user),
    }))
}

// ---------------------------------------------------------------- home

struct PendingRequest {
    id: i64,
    who: String,
    kind: &'static str,
    details: String,
    asked: String,
}

fn request_line(r: &EfileRequestRow) -> PendingRequest {
    let kind = EfileKind::parse(&r.kind).unwrap_or(EfileKind::NonAttorney);
    PendingRequest {
        id: r.id,
        who: format!("{} ({}), {}", r.pacer_name, r.pacer_username, r.pacer_email),
        kind: kind.label(),
        details: r.details(),
        asked: utc_secs(r.created_at),
    }
}

struct Line {
    login: String,
    name: String,
    email: String,
    bar_id: String,
    status: String,
}

fn status_of(a: &ConsoleAccount) -> String {
    let link = match (&a.pacer_username, a.linked_at) {
        (Some(p), Some(at)) => format!("Linked to {p} since {}", utc_secs(at)),
        _ => "Not linked".to_owned(),
    };
    if a.disabled_at.is_some() {
        format!("Disabled; {}", link.to_lowercase())
    } else {
        link
    }
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    nav: CourtNav,
    base: String,
    q: String,
    searched: bool,
    lines: Vec<Line>,
    more: bool,
    requests: Vec<PendingRequest>,
    today: ProgressDay,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Search {
    q: String,
    done: String,
}

const SHOWN: i64 = 50;

async fn home(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Query(search): Query<Search>,
) -> Result<Response, AppError> {
    home_page(&state, &staff, &search.q, notice(&search.done), None).await
}

fn notice(done: &str) -> Option<String> {
    let text = match done {
        "approved" => "The request is approved: the filer's CM/ECF account was created, linked, and the filer emailed.",
        "rejected" => "The request is rejected, and the filer emailed the reason.",
        _ => return None,
    };
    Some(text.to_owned())
}

async fn home_page(
    state: &AppState,
    staff: &Staff,
    q: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let q: String = q.chars().filter(|c| !c.is_control()).take(100).collect();
    let searched = !q.trim().is_empty();
    let (lines, more) = if searched {
        let mut found = state.store.search_ecf_accounts(&staff.court.id, &q, SHOWN + 1).await?;
        let more = found.len() as i64 > SHOWN;
        found.truncate(SHOWN as usize);
        let lines = found
            .iter()
            .map(|a| Line {
                status: status_of(a),
                login: a.login.clone(),
                name: a.name.clone(),
                email: a.email.clone(),
                bar_id: a.bar_id.clone().unwrap_or_default(),
            })
            .collect();
        (lines, more)
    } else {
        (Vec::new(), false)
    };
    let requests = state
        .store
        .pending_efile_requests(&staff.court.id)
        .await?
        .iter()
        .map(request_line)
        .collect();
    let days = console::progress(state, &staff.court).await?;
    let today = days.last().copied().unwrap_or(ProgressDay {
        day: state.clock.now().date_naive(),
        accounts: 0,
        linked: 0,
    });
    let status = crate::view::form_status(error.is_some());
    Ok(render(
        status,
        HomePage {
            nav: staff.nav(),
            base: staff.base(),
            q,
            searched,
            lines,
            more,
            requests,
            today,
            notice,
            error,
        },
    ))
}

// ---------------------------------------------------------------- one account

#[derive(Template)]
#[template(path = "admin_account.html")]
struct AccountPage {
    nav: CourtNav,
    base: String,
    a: ConsoleAccount,
    status: String,
    linked: bool,
    disabled: bool,
    disabled_text: String,
    history: Vec<HistoryLine>,
    notice: Option<&'static str>,
    error: Option<String>,
}

struct HistoryLine {
    at: String,
    what: &'static str,
    outcome: String,
    pacer: String,
    detail: String,
}

fn history_line(h: &HistoryRow) -> HistoryLine {
    HistoryLine {
        at: utc_secs(h.at),
        what: openecf_domain::AuditAction::describe(&h.action),
        outcome: h.outcome.clone(),
        pacer: h.pacer_username.clone().unwrap_or_default(),
        detail: h.detail.clone(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

async fn account(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Path((_, login)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = match done.done.as_str() {
        "unlinked" => Some("The link is removed and the filer emailed. The CM/ECF account may be linked again."),
        "disabled" => Some("The CM/ECF account is disabled: it cannot log in, be linked or get go-live notices. Its holder was emailed."),
        "enabled" => Some("The CM/ECF account is enabled again. Its holder was emailed."),
        "reset" => Some("A password reset link (single use, 30 minutes) was mailed to the account's address."),
        "added" => Some("The CM/ECF account is added. A link to choose its password (single use, 30 minutes) was mailed to its address."),
        _ => None,
    };
    account_page(&state, &staff, &login, notice, None).await
}

async fn account_page(
    state: &AppState,
    staff: &Staff,
    login: &str,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let login = EcfLogin::parse(login).map_err(|_| AppError::NotFound)?;
    let a = state
        .store
        .console_account(&staff.court.id, &login)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = state
        .store
        .ecf_account_history(&staff.court.id, &login)
        .await?
        .iter()
        .map(history_line)
        .collect();
    let disabled_text = match (&a.disabled_at, &a.disabled_by, &a.disabled_reason) {
        (Some(at), Some(by), Some(why)) => format!("Disabled {} by {by}: {why}", utc_secs(*at)),
        _ => String::new(),
    };
    let status = crate::view::form_status(error.is_some());
    Ok(render(
        status,
        AccountPage {
            nav: staff.nav(),
            base: staff.base(),
            status: status_of(&a),
            linked: a.pacer_username.is_some(),
            disabled: a.disabled_at.is_some(),
            disabled_text,
            a,
            history,
            notice,
            error,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Reason {
    reason: String,
}

/// After an action on one account: its page with what was done, or the refusal (422).
async fn after(
    state: &AppState,
    staff: &Staff,
    login: &str,
    outcome: Result<(), ConsoleRefusal>,
    done: &str,
) -> Result<Response, AppError> {
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "{}/account/{}?done={done}",
            staff.base(),
            crate::paths::encode_next(login)
        ))),
        Err(ConsoleRefusal::NoSuchAccount(_)) => Err(AppError::NotFound),
        Err(refusal) => account_page(state, staff, login, None, Some(refusal.to_string())).await,
    }
}

async fn unlink(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Path((_, login)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Reason>,
) -> Result<Response, AppError> {
    let outcome = console::unlink(&state, &staff.court, &login, &form.reason, staff.operator())
        .await?
        .map(|_| ());
    after(&state, &staff, &login, outcome, "unlinked").await
}

async fn disable(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Path((_, login)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Reason>,
) -> Result<Response, AppError> {
    let outcome = console::set_disabled(&state, &staff.court, &login, true, &form.reason, staff.operator()).await?;
    after(&state, &staff, &login, outcome, "disabled").await
}

async fn enable(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Path((_, login)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Reason>,
) -> Result<Response, AppError> {
    let outcome = console::set_disabled(&state, &staff.court, &login, false, &form.reason, staff.operator()).await?;
    after(&state, &staff, &login, outcome, "enabled").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Nothing {}

async fn send_reset(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Path((_, login)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    let parsed = EcfLogin::parse(&login).map_err(|_| AppError::NotFound)?;
    if state.store.console_account(&staff.court.id, &parsed).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let sent = console::request_ecf_reset(
        &state,
        &staff.court,
        &login,
        Some(staff.operator()),
        &state.config.public_url,
    )
    .await?;
    let outcome = if sent {
        Ok(())
    } else {
        Err(ConsoleRefusal::Invalid(
            "No reset link was sent: the account is linked or disabled (a linked filer uses their PACER password), or it has 3 live links already."
                .to_owned(),
        ))
    };
    after(&state, &staff, &login, outcome, "reset").await
}

// ---------------------------------------------------------------- add an account

#[derive(Template)]
#[template(path = "admin_new_account.html")]
struct NewAccountPage {
    nav: CourtNav,
    base: String,
    form: AccountFields,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AccountFields {
    login: String,
    name: String,
    email: String,
    role: String,
    bar_id: String,
    reason: String,
}

async fn new_account(Extension(staff): Extension<Staff>) -> Response {
    render(
        StatusCode::OK,
        NewAccountPage {
            nav: staff.nav(),
            base: staff.base(),
            form: AccountFields {
                role: "attorney".to_owned(),
                ..AccountFields::default()
            },
            error: None,
        },
    )
}

async fn add_account(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    CsrfForm(form): CsrfForm<AccountFields>,
) -> Result<Response, AppError> {
    let typed = AccountForm {
        login: form.login.clone(),
        name: form.name.clone(),
        email: form.email.clone(),
        role: form.role.clone(),
        bar_id: form.bar_id.clone(),
    };
    match console::add_account(
        &state,
        &staff.court,
        &typed,
        &form.reason,
        staff.operator(),
        &state.config.public_url,
    )
    .await?
    {
        Ok(login) => Ok(see_other(&format!("{}/account/{login}?done=added", staff.base()))),
        Err(refusal) => {
            let clip = |s: &str| s.chars().filter(|c| !c.is_control()).take(254).collect::<String>();
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                NewAccountPage {
                    nav: staff.nav(),
                    base: staff.base(),
                    form: AccountFields {
                        login: clip(&form.login),
                        name: clip(&form.name),
                        email: clip(&form.email),
                        role: clip(&form.role),
                        bar_id: clip(&form.bar_id),
                        reason: clip(&form.reason),
                    },
                    error: Some(refusal.to_string()),
                },
            ))
        }
    }
}

// ---------------------------------------------------------------- E-File Registration

#[derive(Deserialize, Default)]
#[serde(default)]
struct Decision {
    action: String,
    reason: String,
}

async fn decide(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Decision>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let approve = match form.action.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("Choose Approve or Reject.".into())),
    };
    match console::decide_efile(&state, &staff.court, id, approve, &form.reason, staff.operator()).await? {
        Ok(_) => Ok(see_other(&format!(
            "{}?done={}",
            staff.base(),
            if approve { "approved" } else { "rejected" }
        ))),
        Err(refusal) => home_page(&state, &staff, "", None, Some(refusal.to_string())).await,
    }
}

// ---------------------------------------------------------------- progress

#[derive(Template)]
#[template(path = "admin_progress.html")]
struct ProgressPage {
    nav: CourtNav,
    base: String,
    svg: String,
    days: Vec<ProgressDay>,
    today: Option<ProgressDay>,
}

async fn progress(State(state): State<AppState>, Extension(staff): Extension<Staff>) -> Result<Response, AppError> {
    let days = console::progress(&state, &staff.court).await?;
    let svg = chart::progress_svg(staff.court.id.as_str(), &days)?;
    let today = days.last().copied();
    let mut days = days;
    days.reverse();
    Ok(render(
        StatusCode::OK,
        ProgressPage {
            nav: staff.nav(),
            base: staff.base(),
            svg,
            days,
            today,
        },
    ))
}

async fn progress_csv_file(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
) -> Result<Response, AppError> {
    let days = console::progress(&state, &staff.court).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-linking-progress.csv\"", staff.court.id),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        progress_csv(&days),
    )
        .into_response())
}
