//! Manage My Account → PACER Administrative Account: a firm's administrator
//! invites the members' individual accounts, sees each one's usage this
//! quarter and what the firm owes; a member accepts, or leaves.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_app::paa::{self, PaaRefusal, PaaView};
use openecf_domain::fees::{money, Quarter};
use serde::Deserialize;

use crate::extract::{PacerForm, PacerUser, Query};
use crate::paths::see_other;
use crate::view::{render, Banner};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/paa", get(show).post(change))
}

pub(crate) struct UsageLine {
    username: String,
    name: String,
    role: String,
    transactions: i64,
    pages: i64,
    total: String,
    due: String,
}

#[derive(Template)]
#[template(path = "paa.html")]
struct PaaPage {
    banner: Banner,
    csrf: String,
    quarter: String,
    notice: Option<&'static str>,
    error: Option<String>,
    /// Administrator: the firm's name, its members' usage, the invited, the firm's due.
    firm: Option<String>,
    usage: Vec<UsageLine>,
    invited: Vec<(String, String)>,
    due: String,
    /// Member: the firm billing them.
    member_of: Option<(String, String)>,
    invitations: Vec<(i64, String, String)>,
    typed: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Done {
    done: String,
}

async fn page(
    state: &AppState,
    user: &PacerUser,
    notice: Option<&'static str>,
    error: Option<(PaaRefusal, String)>,
) -> Result<Response, AppError> {
    let quarter = Quarter::of(state.clock.now());
    let view = paa::view(state, &user.session.account, quarter).await?;
    let status = crate::view::form_status(error.is_some());
    let (error, typed) = match error {
        Some((e, t)) => (Some(e.to_string()), t),
        None => (None, String::new()),
    };
    let mut p = PaaPage {
        banner: Banner::of(&user.visitor),
        csrf: user.visitor.csrf.value().to_owned(),
        quarter: quarter.to_string(),
        notice,
        error,
        firm: None,
        usage: Vec::new(),
        invited: Vec::new(),
        due: String::new(),
        member_of: None,
        invitations: Vec::new(),
        typed,
    };
    match view {
        PaaView::Admin {
            firm,
            usage,
            invited,
            due_cents,
        } => {
            p.firm = Some(firm.name);
            p.usage = usage
                .into_iter()
                .map(|u| UsageLine {
                    username: u.member.username,
                    name: u.member.name,
                    role: u.member.status,
                    transactions: u.transactions,
                    pages: u.pages,
                    total: money(u.cents),
                    due: money(u.due_cents),
                })
                .collect();
            p.invited = invited.into_iter().map(|m| (m.username, m.name)).collect();
            p.due = money(due_cents);
        }
        PaaView::Member { firm } => p.member_of = Some((firm.name, firm.admin_username)),
        PaaView::None { invitations } => {
            p.invitations = invitations
                .into_iter()
                .map(|f| (f.id, f.name, f.admin_username))
                .collect();
        }
    }
    Ok(render(status, p))
}

async fn show(State(state): State<AppState>, user: PacerUser, Query(done): Query<Done>) -> Result<Response, AppError> {
    let notice = match done.done.as_str() {
        "created" => Some("Your firm's PACER Administrative Account was made: invite its members."),
        "invited" => {
            Some("The invitation was sent: the account joins when its holder accepts it in Manage My Account.")
        }
        "removed" => Some("The account is no longer a member of your firm."),
        "joined" => Some("You joined the firm: your PACER usage is billed through it."),
        "declined" => Some("You declined the invitation."),
        "left" => Some("You left the firm: your PACER usage is billed to you."),
        _ => None,
    };
    page(&state, &user, notice, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Change {
    action: String,
    name: String,
    username: String,
    firm: String,
}

async fn change(State(state): State<AppState>, posted: PacerForm<Change>) -> Result<Response, AppError> {
    let PacerForm { user, form } = posted;
    let account = &user.session.account;
    let firm_id = || form.firm.trim().parse::<i64>().unwrap_or(0);
    let (outcome, done, typed) = match form.action.as_str() {
        "create" => (
            paa::create_firm(&state, account, &form.name).await?.map(|_| ()),
            "created",
            form.name.clone(),
        ),
        "invite" => (
            paa::invite(&state, account, &form.username).await?,
            "invited",
            form.username.clone(),
        ),
        "remove" => (
            paa::remove(&state, account, &form.username).await?,
            "removed",
            String::new(),
        ),
        "accept" => (
            paa::answer(&state, account, firm_id(), true).await?,
            "joined",
            String::new(),
        ),
        "decline" => (
            paa::answer(&state, account, firm_id(), false).await?,
            "declined",
            String::new(),
        ),
        "leave" => (paa::leave(&state, account).await?, "left", String::new()),
        _ => return Err(AppError::BadRequest("Choose one of the page's buttons.".into())),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!("/account/paa?done={done}"))),
        Err(refusal) => {
            let typed = typed.chars().filter(|c| !c.is_control()).take(120).collect();
            page(&state, &user, None, Some((refusal, typed))).await
        }
    }
}
