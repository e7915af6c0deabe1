//! What every page shares: rendering, the banner that says who you are, the
//! generic form and message pages, and the words for dates and statuses.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use openecf_domain::NextGenStatus;

use crate::session::Visitor;

pub(crate) fn render(status: StatusCode, page: impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response()
        }
    }
}

pub(crate) fn page(t: impl Template) -> Response {
    render(StatusCode::OK, t)
}

/// Who is logged in, shown at the top of every page (layout.html): the PACER
/// account with Manage My Account and Logout, and on a court's pages the
/// court's legacy CM/ECF login with its own Logout.
#[derive(Debug, Clone, Default)]
pub(crate) struct Banner {
    /// "Name (username)" of the PACER session.
    pub pacer: Option<String>,
    /// The court id and "Name (login, CM/ECF login)" of a legacy CM/ECF session.
    pub legacy: Option<(String, String)>,
    pub csrf: String,
}

impl Banner {
    pub(crate) fn of(visitor: &Visitor) -> Self {
        Self {
            pacer: visitor
                .pacer
                .as_ref()
                .map(|s| format!("{} ({})", s.account.name, s.account.username)),
            legacy: None,
            csrf: visitor.csrf.value().to_owned(),
        }
    }
}

pub(crate) struct Field {
    pub id: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub autocomplete: &'static str,
    pub required: bool,
}

impl Field {
    pub(crate) fn text(id: &'static str, label: &'static str, value: &str, autocomplete: &'static str) -> Self {
        Self {
            id,
            label,
            kind: "text",
            value: value.chars().take(200).collect(),
            autocomplete,
            required: true,
        }
    }
    pub(crate) fn email(id: &'static str, label: &'static str, value: &str) -> Self {
        Self {
            kind: "email",
            ..Self::text(id, label, value, "email")
        }
    }
    pub(crate) fn password(id: &'static str, label: &'static str, autocomplete: &'static str) -> Self {
        Self {
            kind: "password",
            ..Self::text(id, label, "", autocomplete)
        }
    }
    pub(crate) fn checkbox(id: &'static str, label: &'static str, on: bool) -> Self {
        Self {
            kind: "checkbox",
            value: if on { "on".into() } else { String::new() },
            required: false,
            ..Self::text(id, label, "", "off")
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
    pub banner: Banner,
    pub form: FormView,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub banner: Banner,
    pub title: &'static str,
    pub paragraphs: Vec<String>,
    pub links: Vec<(String, &'static str)>,
}

/// A form page: 200, or 422 with its errors.
pub(crate) fn form_response(banner: Banner, form: FormView) -> Response {
    let status = if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(status, FormPage { banner, form })
}

/// "Monday, March 1, 2027".
pub(crate) fn long_date(d: NaiveDate) -> String {
    d.format("%A, %B %-d, %Y").to_string()
}

/// "2027-03-01 14:05" (UTC).
/// A time as pages show it: "2026-11-26 14:05" (UTC).
pub(crate) fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Seconds since the epoch as pages show them.
pub(crate) fn utc_secs(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0).map(utc).unwrap_or_default()
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

/// A form page's status: 422 when it comes back with a refusal, else 200.
pub(crate) fn form_status(refused: bool) -> axum::http::StatusCode {
    if refused {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    }
}
