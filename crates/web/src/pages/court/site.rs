//! A court's CM/ECF site: Document Filing System, the main menu, Utilities,
//! the legacy CM/ECF login of a court not yet live, and the menus' pages.

use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openecf_domain::{FilingMenu, NextGenStatus};
use openecf_store::Principal;
use serde::Deserialize;

use super::{filing_login_href, load_court, CourtNav, CourtUser};
use crate::extract::{CsrfForm, NoFields, Path};
use crate::menus::MenuCategories;
use crate::paths::see_other;
use crate::session::{clear_cookie, hash_token, set_cookie, Visitor, LEGACY_COOKIE, PACER_COOKIE};
use crate::view::{long_date, page, render, status_text};
use crate::{AppError, AppState};
use openecf_app::signin::ecf_password;
use openecf_domain::{Catalogue, Court};
use std::sync::Arc;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ecf/{court}", get(redirect_home))
        .route("/ecf/{court}/", get(home))
        .route("/ecf/{court}/login", get(legacy_form).post(legacy_submit))
        .route("/ecf/{court}/logout", post(logout))
        .route("/ecf/{court}/utilities", get(utilities))
        .route("/ecf/{court}/utilities/nextgen-release-1.1", get(release_1_1))
        .route("/ecf/{court}/{page}", get(menu_page))
}

async fn redirect_home(Path(court): Path<String>) -> Result<Response, AppError> {
    let id = openecf_domain::CourtId::parse(&court).map_err(|_| AppError::NotFound)?;
    Ok(see_other(&format!("/ecf/{id}/")))
}

#[derive(Template)]
#[template(path = "court_home.html")]
struct CourtHome {
    nav: CourtNav,
    filer: bool,
    live: bool,
    status: String,
    filing_href: String,
}

async fn home(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let user = CourtUser::find(&state, &visitor, &court).await?;
    // At a court not yet live, a PACER login is not a way into the filing system.
    let user = user.filter(|u| court.is_live() || matches!(u, CourtUser::Legacy { .. }));
    Ok(page(CourtHome {
        filer: user.as_ref().is_some_and(|u| u.is_filer(&court)),
        live: court.is_live(),
        status: status_text(&court.status),
        filing_href: filing_login_href(&court, &format!("/ecf/{}/", court.id)),
        nav: CourtNav::new(&court, &visitor, user.as_ref()),
    }))
}

#[derive(Template)]
#[template(path = "ecf_login.html")]
struct EcfLoginPage {
    nav: CourtNav,
    live: bool,
    planned: Option<String>,
    login: String,
    error: Option<String>,
}

fn planned(status: &NextGenStatus) -> Option<String> {
    match status {
        NextGenStatus::NotLive { planned } => planned.map(long_date),
        NextGenStatus::Live { .. } => None,
    }
}

async fn legacy_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    if !court.is_live() && visitor.legacy(&state, &court.id).await?.is_some() {
        return Ok(see_other(&format!("/ecf/{}/", court.id)));
    }
    Ok(page(EcfLoginPage {
        nav: CourtNav::new(&court, &visitor, None),
        live: court.is_live(),
        planned: planned(&court.status),
        login: String::new(),
        error: None,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EcfLoginForm {
    login: String,
    password: String,
}

/// The legacy CM/ECF login. At a court not yet live it logs the filer in; at a
/// live court it is gone for everyone, and says why.
async fn legacy_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
    CsrfForm(form): CsrfForm<EcfLoginForm>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let reply = |status, error: String| {
        render(
            status,
            EcfLoginPage {
                nav: CourtNav::new(&court, &visitor, None),
                live: court.is_live(),
                planned: planned(&court.status),
                login: form.login.chars().take(64).collect(),
                error: Some(error),
            },
        )
    };
    // At a live court no CM/ECF password is checked at all: the form must
    // not serve as a password oracle for the accounts that can still be linked.
    if court.is_live() {
        let message = "This court is live on NextGen CM/ECF, so CM/ECF logins can no longer be used here. Log on with your upgraded individual PACER account, then link this CM/ECF account from Utilities.";
        return Ok(reply(StatusCode::FORBIDDEN, message.to_owned()));
    }
    let account = ecf_password(&state, &court, &form.login, &form.password, None).await?;
    let Some(account) = account else {
        return Ok(reply(
            StatusCode::UNAUTHORIZED,
            openecf_domain::LinkRefusal::WrongCredentials.to_string(),
        ));
    };
    if state.store.is_ecf_disabled(account.id).await? {
        let message = "This CM/ECF account has been disabled by the court. Contact the court's clerk's office.";
        return Ok(reply(StatusCode::FORBIDDEN, message.to_owned()));
    }
    if state.store.is_ecf_linked(account.id).await? {
        let message = "This CM/ECF account has been linked to a PACER account. You now use only your PACER account to access CM/ECF at this court: log on at PACER LOGIN.";
        return Ok(reply(StatusCode::FORBIDDEN, message.to_owned()));
    }
    let token = openecf_app::sessions::start(&state, Principal::Ecf(account.id), &visitor.client()).await?;
    let mut res = see_other(&format!("/ecf/{}/", court.id));
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            LEGACY_COOKIE,
            &token,
            &format!("/ecf/{}", court.id),
            state.config.secure_cookies(),
        ),
    );
    Ok(res)
}

/// Logout ends both the court's legacy session and the Central Sign-On session.
async fn logout(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    if let Some((hash, _)) = visitor.legacy(&state, &court.id).await? {
        openecf_app::sessions::end(&state, &hash).await?;
    }
    if let Some(token) = &visitor.sent_pacer_token {
        openecf_app::signin::logout(&state, &hash_token(token), &visitor.ip).await?;
    }
    let mut res = see_other(&format!("/ecf/{}/", court.id));
    res.headers_mut().append(SET_COOKIE, clear_cookie(PACER_COOKIE, "/"));
    res.headers_mut()
        .append(SET_COOKIE, clear_cookie(LEGACY_COOKIE, &format!("/ecf/{}", court.id)));
    Ok(res)
}

#[derive(Template)]
#[template(path = "utilities.html")]
struct Utilities {
    nav: CourtNav,
    /// Court staff: the clerk console.
    staff: bool,
    /// Staff of a live district court: Open a Criminal Case.
    criminal: bool,
    live: bool,
    release_1_1: bool,
    planned: Option<String>,
    /// A linked filer: Maintain Your ECF Account is theirs.
    filer: bool,
    /// A PACER user: client code and transactions.
    pacer: bool,
}

/// The court's user, or where to log in first.
async fn require_user(
    state: &AppState,
    visitor: &Visitor,
    court: &openecf_domain::Court,
    path: &str,
) -> Result<Result<CourtUser, Response>, AppError> {
    match CourtUser::find(state, visitor, court).await? {
        Some(u) => Ok(Ok(u)),
        None => Ok(Err(see_other(&filing_login_href(
            court,
            &format!("/ecf/{}/{path}", court.id),
        )))),
    }
}

async fn utilities(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let user = match require_user(&state, &visitor, &court, "utilities").await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let staff = match &visitor.pacer {
        Some(session) => state.store.is_staff(&court.id, session.account.id).await?,
        None => false,
    };
    // Criminal cases are opened by a live district court's staff.
    let criminal = staff && court.is_live() && court.kind == openecf_domain::CourtKind::District;
    Ok(page(Utilities {
        nav: CourtNav::new(&court, &visitor, Some(&user)),
        staff,
        criminal,
        live: court.is_live(),
        release_1_1: court.release == openecf_domain::Release::V1_1,
        planned: planned(&court.status),
        // Maintain Your ECF Account is the linked filer's (not an agent's).
        filer: court.is_live() && matches!(&user, CourtUser::Pacer { linked: Some(_), .. }),
        pacer: visitor.pacer.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "release11.html")]
struct Release11 {
    nav: CourtNav,
}

async fn release_1_1(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    if court.release != openecf_domain::Release::V1_1 || !court.is_live() {
        return Ok(see_other(&format!("/ecf/{}/utilities", court.id)));
    }
    let user = match require_user(&state, &visitor, &court, "utilities/nextgen-release-1.1").await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    Ok(page(Release11 {
        nav: CourtNav::new(&court, &visitor, Some(&user)),
    }))
}

#[derive(Template)]
#[template(path = "filing_menu.html")]
struct FilingMenuPage {
    nav: CourtNav,
    menu: &'static str,
    /// The list of categories, each linking to the page that files its
    /// events (where filing is built), as HTML: [`CategoryList`], rendered
    /// once a court, menu and catalogue.
    categories: Arc<str>,
}

/// A filing menu's `<li>` items, escaped by askama as any page is.
#[derive(Template)]
#[template(path = "menu_categories.html")]
struct CategoryList<'a> {
    categories: &'a MenuCategories,
}

#[derive(Template)]
#[template(path = "court_info.html")]
struct CourtInfo {
    nav: CourtNav,
    title: &'static str,
    message: String,
}

/// The pages behind the main menu: the filing menus, Query, Reports and Search.
async fn menu_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((court, page_name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let known = FilingMenu::from_slug(&page_name).filter(|m| court.kind.filing_menus().contains(m));
    let info = match page_name.as_str() {
        // Query is CM/ECF's own page now (the menu bar links it).
        "query" => return Ok(crate::paths::see_other(&format!("/ecf/{}/cgi-bin/iquery.pl", court.id))),
        // Reports is its own page now (pages/court/reports.rs).
        "reports" => return Ok(crate::paths::see_other(&format!("/ecf/{}/reports", court.id))),
        "search" => Some(("Search", "Searching this court's cases and documents arrives with public access to the record in a later release of openecf.")),
        _ => None,
    };
    if known.is_none() && info.is_none() {
        return Err(AppError::NotFound);
    }
    let user = match require_user(&state, &visitor, &court, &page_name).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let nav = CourtNav::new(&court, &visitor, Some(&user));
    if let Some((title, message)) = info {
        return Ok(page(CourtInfo {
            nav,
            title,
            message: message.to_owned(),
        }));
    }
    let Some(menu) = known else {
        return Err(AppError::NotFound);
    };
    if !user.is_filer(&court) {
        return Ok(render(
            StatusCode::FORBIDDEN,
            CourtInfo {
                nav,
                title: menu.label(),
                message: "The filing menus are for filers whose CM/ECF account is linked to their PACER account at this court. Click Utilities, then Link a CM/ECF account to my PACER account.".to_owned(),
            },
        ));
    }
    let catalogue = openecf_app::filing::catalogue::catalogue(&state, &court).await?;
    let categories = state
        .menus
        .list(&court, menu, &catalogue, || {
            CategoryList {
                categories: &menu_categories(&court, menu, &catalogue),
            }
            .render()
        })
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(page(FilingMenuPage {
        nav,
        menu: menu.label(),
        categories,
    }))
}

/// A filing menu's categories at a court, each linking to the page that
/// files its events where there is one; the categories of events the court
/// added follow CM/ECF's own.
fn menu_categories(court: &Court, menu: FilingMenu, catalogue: &Catalogue) -> MenuCategories {
    let event_menu = match menu {
        FilingMenu::Civil => openecf_domain::EventMenu::Civil,
        FilingMenu::Criminal => openecf_domain::EventMenu::Criminal,
        FilingMenu::Bankruptcy | FilingMenu::Adversary => openecf_domain::EventMenu::Bankruptcy,
    };
    let with_events = catalogue.categories(event_menu);
    let opens = [
        (openecf_domain::COMPLAINT.category, "civil/open"),
        (openecf_domain::PETITION.category, "bankruptcy/open"),
        (openecf_domain::ADVERSARY_COMPLAINT.category, "adversary/open"),
    ];
    let mut listed: Vec<&str> = menu.categories().to_vec();
    listed.extend(with_events.iter().filter(|c| !menu.categories().contains(c)));
    let mut categories: MenuCategories = listed
        .into_iter()
        .map(|c| {
            let href = if let Some((_, path)) = opens.iter().find(|(cat, _)| cat == c) {
                Some(format!("/ecf/{}/{path}", court.id))
            } else {
                with_events.contains(&c).then(|| {
                    let category: String = url::form_urlencoded::byte_serialize(c.as_bytes()).collect();
                    format!("/ecf/{}/{}/file?category={category}", court.id, event_menu.code())
                })
            };
            (c.to_owned(), href)
        })
        .collect();
    // Proofs of claim go on the Claims Register, not the docket: their own form.
    if menu == FilingMenu::Bankruptcy {
        let at = categories
            .iter()
            .position(|(c, _)| c == "Claim Actions")
            .map_or(categories.len(), |i| i + 1);
        categories.insert(
            at,
            (
                "File a Proof of Claim".to_owned(),
                Some(format!("/ecf/{}/bankruptcy/claim", court.id)),
            ),
        );
    }
    categories
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The category list is inserted into the page as it was rendered
    /// (`|safe`): its own template must have escaped a court's category
    /// names and links.
    #[test]
    fn a_category_list_escapes_what_a_court_named() {
        let categories: MenuCategories = vec![
            ("<script>alert(1)</script> & \"more\"".to_owned(), None),
            (
                "Motions".to_owned(),
                Some("/ecf/gamb/bk/file?category=a&b=\"c\"".to_owned()),
            ),
        ];
        let html = CategoryList {
            categories: &categories,
        }
        .render()
        .unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;more&#34;"),
            "{html}"
        );
        assert!(
            html.contains(r#"<li><a href="/ecf/gamb/bk/file?category=a&#38;b=&#34;c&#34;">Motions</a></li>"#),
            "{html}"
        );
    }
}
