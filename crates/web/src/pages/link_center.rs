//! The filer's link center (`/account/links`, from Manage My Account): every
//! court that is live on NextGen CM/ECF or has a go-live date, with the
//! filer's link there, a direct way to each live court's link form, and a
//! flag on each live court where a CM/ECF account with the filer's email
//! address or bar id is not linked yet.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openecf_domain::{AccountKind, NextGenStatus};
use openecf_store::CourtStatus;

use super::courts::{kind_label, nextgen_text};
use crate::extract::PacerUser;
use crate::view::{long_date, page, utc, Banner};
use crate::{AppError, AppState};

/// Under `/account`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/links", get(link_center))
}

/// Where the filer stands at one court.
enum Standing {
    Linked {
        login: String,
        at: String,
    },
    /// Live, not linked; the unlinked CM/ECF logins here with the filer's email or bar id.
    LinkNow {
        matches: Vec<String>,
        /// One has the filer's email, not yet confirmed: its login is not shown.
        unconfirmed: bool,
    },
    NotLiveYet {
        day: String,
    },
}

struct Line {
    id: String,
    name: String,
    kind: &'static str,
    status: String,
    standing: Standing,
}

#[derive(Template)]
#[template(path = "link_center.html")]
struct LinkCenterPage {
    banner: Banner,
    lines: Vec<Line>,
    /// Live courts with an unlinked CM/ECF account of the filer's: (court id, name, logins).
    flagged: Vec<(String, String, String)>,
    linked: usize,
    legacy: bool,
    shared: bool,
}

async fn link_center(
    State(state): State<AppState>,
    PacerUser { session, visitor }: PacerUser,
) -> Result<Response, AppError> {
    let account = &session.account;
    let rows = state.store.link_center(account.id, &account.email).await?;
    let mut flagged = Vec::new();
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|r| {
            let status = nextgen_text(&CourtStatus {
                court: r.court.clone(),
                zone: r.zone,
                changes: 0,
            });
            let standing = match (r.linked, r.court.status) {
                (Some((login, at)), _) => Standing::Linked { login, at: utc(at) },
                (None, NextGenStatus::Live { .. }) => {
                    let unconfirmed = r.unlinked_matches.iter().any(String::is_empty);
                    let matches: Vec<String> = r.unlinked_matches.into_iter().filter(|m| !m.is_empty()).collect();
                    if !matches.is_empty() || unconfirmed {
                        let shown = if matches.is_empty() {
                            "(confirm your email address to see it)".to_owned()
                        } else {
                            matches.join(", ")
                        };
                        flagged.push((r.court.id.to_string(), r.court.name.clone(), shown));
                    }
                    Standing::LinkNow { matches, unconfirmed }
                }
                (None, NextGenStatus::NotLive { planned }) => Standing::NotLiveYet {
                    day: planned.map(long_date).unwrap_or_default(),
                },
            };
            Line {
                id: r.court.id.to_string(),
                kind: kind_label(r.court.kind),
                name: r.court.name,
                status,
                standing,
            }
        })
        .collect();
    Ok(page(LinkCenterPage {
        banner: Banner::of(&visitor),
        linked: lines
            .iter()
            .filter(|l| matches!(l.standing, Standing::Linked { .. }))
            .count(),
        lines,
        flagged,
        legacy: account.is_legacy(),
        shared: account.kind == AccountKind::SharedFirm,
    }))
}
