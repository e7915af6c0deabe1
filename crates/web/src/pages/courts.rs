//! The NextGen CM/ECF status of every court (`/courts`, filterable by kind,
//! state and status with a plain GET form), and the go-live calendar
//! (`/courts.ics`, `/courts/{court}.ics`, RFC 5545).

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openecf_domain::go_live::takes_part_in_linking;
use openecf_domain::ical::{Calendar, DayEvent};
use openecf_domain::{CourtId, CourtKind, NextGenStatus};
use openecf_store::CourtStatus;
use serde::Deserialize;

use crate::extract::{Path, Query};
use crate::session::Visitor;
use crate::view::{long_date, page, Banner};
use crate::{AppError, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/courts", get(courts))
        .route("/courts.ics", get(calendar_all))
        .route("/courts/{file}", get(calendar_one))
}

/// Where a court stands, as the filters name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    Live,
    Planned,
    NotLive,
    /// Appellate and special courts: not part of NextGen CM/ECF linking here.
    NotApplicable,
}

impl Standing {
    const ALL: [(Self, &'static str, &'static str); 4] = [
        (Self::Live, "live", "Live on NextGen CM/ECF"),
        (Self::Planned, "planned", "Go-live date set"),
        (Self::NotLive, "not-live", "Not live, no date yet"),
        (Self::NotApplicable, "not-applicable", "Appellate and special courts"),
    ];

    pub(crate) fn of(s: &CourtStatus) -> Self {
        if !takes_part_in_linking(s.court.kind) {
            return Self::NotApplicable;
        }
        match s.court.status {
            NextGenStatus::Live { .. } => Self::Live,
            NextGenStatus::NotLive { planned: Some(_) } => Self::Planned,
            NextGenStatus::NotLive { planned: None } => Self::NotLive,
        }
    }

    fn slug(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("", |(_, slug, _)| slug)
    }
}

pub(crate) fn kind_label(kind: CourtKind) -> &'static str {
    match kind {
        CourtKind::District => "District",
        CourtKind::Bankruptcy => "Bankruptcy",
        CourtKind::Appellate => "Appellate",
        CourtKind::Special => "Special",
    }
}

/// The court's NextGen CM/ECF status in words, dates in its own time zone.
pub(crate) fn nextgen_text(s: &CourtStatus) -> String {
    match (Standing::of(s), s.court.status) {
        (Standing::NotApplicable, _) => format!(
            "Not applicable: {} courts are not part of NextGen CM/ECF account linking here",
            kind_label(s.court.kind).to_lowercase()
        ),
        (_, NextGenStatus::Live { since }) => {
            format!("Live on NextGen CM/ECF since {}", long_date(s.zone.today(since)))
        }
        (_, NextGenStatus::NotLive { planned: Some(day) }) => format!(
            "Not live on NextGen CM/ECF yet: goes live on {}, at {}",
            long_date(day),
            s.zone.describe_start(day)
        ),
        (_, NextGenStatus::NotLive { planned: None }) => {
            "Not live on NextGen CM/ECF yet: no go-live date set".to_owned()
        }
    }
}

/// The day a court went or goes live, in its time zone, if it has one.
fn go_live_day(s: &CourtStatus) -> Option<chrono::NaiveDate> {
    if !takes_part_in_linking(s.court.kind) {
        return None;
    }
    match s.court.status {
        NextGenStatus::Live { since } => Some(s.zone.today(since)),
        NextGenStatus::NotLive { planned } => planned,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filter {
    kind: String,
    state: String,
    status: String,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices(options: impl IntoIterator<Item = (String, String)>, current: &str, all: &str) -> Vec<Choice> {
    std::iter::once((String::new(), all.to_owned()))
        .chain(options)
        .map(|(value, label)| Choice {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

struct Line {
    id: String,
    name: String,
    site: bool,
    kind: &'static str,
    state: String,
    status: String,
    calendar: bool,
}

#[derive(Template)]
#[template(path = "courts.html")]
struct CourtsPage {
    banner: Banner,
    kinds: Vec<Choice>,
    states: Vec<Choice>,
    statuses: Vec<Choice>,
    lines: Vec<Line>,
    total: usize,
    live: usize,
    filtered: bool,
}

async fn courts(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(f): Query<Filter>,
) -> Result<Response, AppError> {
    let kind = match f.kind.as_str() {
        "" => None,
        k => Some(CourtKind::parse(k).map_err(|_| AppError::BadRequest(format!("There is no kind of court “{k}”.")))?),
    };
    let standing = match f.status.as_str() {
        "" => None,
        s => Some(
            Standing::ALL
                .iter()
                .find(|(_, slug, _)| *slug == s)
                .map(|(st, _, _)| *st)
                .ok_or_else(|| AppError::BadRequest(format!("There is no NextGen status “{s}”.")))?,
        ),
    };
    let all = state.store.court_statuses().await?;
    let mut states: Vec<String> = all
        .iter()
        .map(|s| s.court.location.clone())
        .filter(|l| !l.is_empty())
        .collect();
    states.sort();
    states.dedup();
    if !f.state.is_empty() && !states.contains(&f.state) {
        return Err(AppError::BadRequest(format!("There is no court in “{}”.", f.state)));
    }
    let live = all.iter().filter(|s| Standing::of(s) == Standing::Live).count();
    let total = all.len();
    let mut shown: Vec<&CourtStatus> = all
        .iter()
        .filter(|s| kind.is_none_or(|k| s.court.kind == k))
        .filter(|s| f.state.is_empty() || s.court.location == f.state)
        .filter(|s| standing.is_none_or(|st| Standing::of(s) == st))
        .collect();
    shown.sort_by(|a, b| {
        a.court
            .name
            .cmp(&b.court.name)
            .then(a.court.id.as_str().cmp(b.court.id.as_str()))
    });
    let lines = shown
        .into_iter()
        .map(|s| Line {
            id: s.court.id.to_string(),
            name: s.court.name.clone(),
            site: takes_part_in_linking(s.court.kind),
            kind: kind_label(s.court.kind),
            state: s.court.location.clone(),
            status: nextgen_text(s),
            calendar: go_live_day(s).is_some(),
        })
        .collect();
    let kinds = [
        CourtKind::District,
        CourtKind::Bankruptcy,
        CourtKind::Appellate,
        CourtKind::Special,
    ]
    .into_iter()
    .map(|k| (k.as_str().to_owned(), kind_label(k).to_owned()));
    let statuses = Standing::ALL
        .iter()
        .map(|(st, _, label)| (st.slug().to_owned(), (*label).to_owned()));
    Ok(page(CourtsPage {
        banner: Banner::of(&visitor),
        kinds: choices(kinds, &f.kind, "All kinds"),
        states: choices(states.into_iter().map(|s| (s.clone(), s)), &f.state, "All states"),
        statuses: choices(statuses, &f.status, "Any status"),
        filtered: kind.is_some() || standing.is_some() || !f.state.is_empty(),
        lines,
        total,
        live,
    }))
}

/// The public URL's host, for the events' UIDs.
fn uid_host(public_url: &str) -> String {
    let rest = public_url.split_once("://").map_or(public_url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if host.is_empty() {
        "openecf".to_owned()
    } else {
        host.to_ascii_lowercase()
    }
}

fn event(s: &CourtStatus, public_url: &str) -> Option<DayEvent> {
    let day = go_live_day(s)?;
    let base = public_url.trim_end_matches('/');
    let c = &s.court;
    let (summary, description) = match c.status {
        NextGenStatus::Live { .. } => (
            format!("{} went live on NextGen CM/ECF", c.name),
            format!(
                "{} ({}) is live on NextGen CM/ECF since {}. Link your CM/ECF account to your upgraded PACER account at the court's CM/ECF site: Document Filing System, then Utilities.",
                c.name,
                c.id,
                long_date(day)
            ),
        ),
        NextGenStatus::NotLive { .. } => (
            format!("{} goes live on NextGen CM/ECF", c.name),
            format!(
                "{} ({}) goes live on NextGen CM/ECF at {}. From then on, link your CM/ECF account to your upgraded PACER account to file there.",
                c.name,
                c.id,
                s.zone.describe_start(day)
            ),
        ),
    };
    Some(DayEvent {
        uid: format!("nextgen-go-live-{}@{}", c.id, uid_host(public_url)),
        day,
        summary,
        description,
        url: format!("{base}/ecf/{}/", c.id),
        sequence: s.changes,
    })
}

fn ics_response(calendar: &Calendar, stamp: chrono::DateTime<chrono::Utc>, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}\"")),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
        ],
        calendar.to_ics(stamp),
    )
        .into_response()
}

const PRODID: &str = "-//openecf//NextGen CM/ECF go-live calendar//EN";

async fn calendar_all(State(state): State<AppState>) -> Result<Response, AppError> {
    let all = state.store.court_statuses().await?;
    let public_url = &state.config.public_url;
    let calendar = Calendar {
        prodid: PRODID.to_owned(),
        name: "NextGen CM/ECF go-live dates".to_owned(),
        events: all.iter().filter_map(|s| event(s, public_url)).collect(),
    };
    Ok(ics_response(&calendar, state.clock.now(), "courts.ics"))
}

/// `/courts/{court}.ics`: one court's go-live; a court with no date has none (404).
async fn calendar_one(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, AppError> {
    let id = file
        .strip_suffix(".ics")
        .and_then(|id| CourtId::parse(id).ok())
        .ok_or(AppError::NotFound)?;
    let status = state.store.court_status(&id).await?.ok_or(AppError::NotFound)?;
    let event = event(&status, &state.config.public_url).ok_or(AppError::NotFound)?;
    let calendar = Calendar {
        prodid: PRODID.to_owned(),
        name: format!("{}: NextGen CM/ECF go-live", status.court.name),
        events: vec![event],
    };
    Ok(ics_response(&calendar, state.clock.now(), &format!("{id}.ics")))
}
