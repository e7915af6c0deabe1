//! A court's CM/ECF site under `/ecf/{court}/`: the site itself (`site`) and
//! the linking of a CM/ECF account (`link`), with what both share: who is
//! using the court's site, and its menu bar. The clerk console (`admin`) is
//! nested under `/ecf/{court}/admin` behind its role check.

mod admin;
mod agents;
mod ecf_account;
mod ecf_reset;
mod filing;
mod link;
mod pacer_utilities;
mod public;
mod reports;
mod search;
mod site;

use axum::Router;
use openecf_domain::{Court, CourtId, EcfAccount, FilingMenu};

use crate::paths::login_href;
use crate::session::{PacerSession, Visitor};
use crate::view::Banner;
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(site::routes())
        .merge(link::routes())
        .merge(filing::routes())
        .merge(ecf_account::routes())
        .merge(ecf_reset::routes())
        .merge(public::routes())
        .merge(reports::routes())
        .merge(agents::routes())
        .merge(pacer_utilities::routes())
        .merge(search::routes())
}

/// The clerk console: its router carries its own role check, made with the state.
pub(crate) fn console_routes(state: &AppState) -> Router<AppState> {
    admin::routes(state)
}

pub(crate) async fn load_court(state: &AppState, raw: &str) -> Result<std::sync::Arc<Court>, AppError> {
    let id = CourtId::parse(raw).map_err(|_| AppError::NotFound)?;
    state.app.court(&id).await?.ok_or(AppError::NotFound)
}

/// Who is using a court's site.
pub(crate) enum CourtUser {
    /// A PACER user (Central Sign-On), with the CM/ECF login linked at this court if any.
    Pacer {
        session: PacerSession,
        linked: Option<String>,
        /// Not linked here, but a filing agent of an attorney who is: files in their name.
        agent: bool,
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
        Ok(Some(Self::pacer(state, &session, court).await?))
    }

    /// The PACER user at this court: the CM/ECF login linked here, if any;
    /// if none, whether they file here as an attorney's filing agent.
    pub(crate) async fn pacer(state: &AppState, session: &PacerSession, court: &Court) -> Result<Self, AppError> {
        let openecf_app::cache::Standing { linked, agent } = state.app.standing(court, session.account.id).await?;
        Ok(Self::Pacer {
            session: session.clone(),
            linked,
            agent,
        })
    }

    /// May file here: a linked PACER user (or an attorney's filing agent) at
    /// a live court, or a legacy login at a court not yet live.
    pub(crate) fn is_filer(&self, court: &Court) -> bool {
        match self {
            Self::Pacer { linked, agent, .. } => court.is_live() && (linked.is_some() || *agent),
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

/// A link of the court's menu bar, to `/ecf/{court}/{slug}`.
pub(crate) struct MenuItem {
    pub label: &'static str,
    pub slug: &'static str,
}

/// The court's menu bar, and the banner above it.
pub(crate) struct CourtNav {
    pub banner: Banner,
    pub court_id: String,
    pub court_name: String,
    pub menus: Vec<MenuItem>,
    pub logged_in: bool,
}

impl CourtNav {
    pub(crate) fn new(court: &Court, visitor: &Visitor, user: Option<&CourtUser>) -> Self {
        let id = court.id.as_str();
        let mut menus = Vec::with_capacity(8);
        if user.is_some_and(|u| u.is_filer(court)) {
            menus.extend(court.kind.filing_menus().iter().map(|m: &FilingMenu| MenuItem {
                label: m.label(),
                slug: m.slug(),
            }));
        }
        for (label, slug) in [
            ("Query", "cgi-bin/iquery.pl"),
            ("Reports", "reports"),
            ("Utilities", "utilities"),
            ("Search", "search"),
        ] {
            menus.push(MenuItem { label, slug });
        }
        let mut banner = Banner::of(visitor);
        if let Some(u @ CourtUser::Legacy { .. }) = user {
            banner.legacy = Some((id.to_owned(), u.display_name()));
        }
        Self {
            banner,
            court_id: id.to_owned(),
            court_name: court.name.clone(),
            menus,
            logged_in: user.is_some(),
        }
    }
}

/// Where the Document Filing System link leads: PACER LOGIN at a live court,
/// the court's own CM/ECF login at a court not yet live.
pub(crate) fn filing_login_href(court: &Court, then: &str) -> String {
    if court.is_live() {
        login_href(then, false)
    } else {
        format!("/ecf/{}/login", court.id)
    }
}
