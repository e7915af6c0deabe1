//! Filing at a district court: Open a Civil Case, Civil Events (filing into
//! an existing case), the notice as the receipt, the docket, and the
//! documents. Uploads are multipart forms; the CSRF token is one of their
//! fields, checked before anything is read further.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openecf_app::filing::{self, FilingRefusal, NewCivilCase, NewFiling, Prompts, Upload};
use openecf_domain::{Catalogue, Court, CourtKind, Event, EventMenu, PacerAccount};
use openecf_store::FreeLook;
use serde::Deserialize;

use super::{load_court, CourtNav, CourtUser};
use crate::extract::{PacerUser, Path, Query};
use crate::view::{page, render};
use crate::{AppError, AppState};

/// The largest upload a filing form accepts (its documents together).
const FORM_LIMIT: usize = 120 * 1024 * 1024;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/ecf/{court}/civil/open",
            get(open_form).post(open).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/ecf/{court}/civil/file",
            get(file_form).post(file).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/ecf/{court}/bankruptcy/open",
            get(petition_form)
                .post(petition)
                .layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/ecf/{court}/adversary/open",
            get(adversary_form)
                .post(adversary)
                .layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/ecf/{court}/bankruptcy/file",
            get(file_form).post(file).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/ecf/{court}/criminal/file",
            get(file_form).post(file).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route("/ecf/{court}/civil/file/submit", axum::routing::post(review_submit))
        .route("/ecf/{court}/criminal/file/submit", axum::routing::post(review_submit))
        .route(
            "/ecf/{court}/bankruptcy/file/submit",
            axum::routing::post(review_submit),
        )
        .route(
            "/ecf/{court}/criminal/open",
            get(criminal_form)
                .post(criminal)
                .layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/ecf/{court}/utilities/check-pdf",
            get(check_pdf_form)
                .post(check_pdf)
                .layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/ecf/{court}/bankruptcy/claim",
            get(claim_form).post(claim).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route("/ecf/{court}/redaction", axum::routing::post(acknowledge))
        .route("/ecf/{court}/case/{id}", get(docket))
        .route("/ecf/{court}/doc1/{id}", get(document).post(document_view))
}

/// The court and its linked filer, or the page that says why not.
async fn filer_at(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
) -> Result<Result<(std::sync::Arc<Court>, CourtNav), Response>, AppError> {
    Ok(acting_at(state, user, raw, false)
        .await?
        .map(|(court, nav, _)| (court, nav)))
}

/// Whom a filing form files for: the user themself (when linked here), or
/// an attorney who named them filing agent here.
pub(crate) struct Acting {
    linked: bool,
    attorneys: Vec<openecf_store::AgentRow>,
}

/// The court, its nav and whom the user files for; agents too when
/// `agents` (filing into an existing case; opening a case is the attorney's).
async fn acting_at(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
    agents: bool,
) -> Result<Result<(std::sync::Arc<Court>, CourtNav, Acting), Response>, AppError> {
    let court = load_court(state, raw).await?;
    let court_user = CourtUser::pacer(state, &user.session, &court).await?;
    let nav = CourtNav::new(&court, &user.visitor, Some(&court_user));
    let (linked, agent) = match &court_user {
        CourtUser::Pacer { linked, agent, .. } => (linked.is_some(), *agent),
        CourtUser::Legacy { .. } => (false, false),
    };
    if !court_user.is_filer(&court) || (!linked && !agents) {
        let message = if agent {
            "Filing agents file into existing cases in their attorney's name, from the Civil, Criminal or Bankruptcy menu; opening a case is the attorney's.".to_owned()
        } else {
            FilingRefusal::NotAFiler.to_string()
        };
        return Ok(Err(render(
            StatusCode::FORBIDDEN,
            Message {
                nav,
                title: "Filing",
                message,
            },
        )));
    }
    let attorneys = if agents {
        filing::agents::principals(state, &court, &user.session.account).await?
    } else {
        Vec::new()
    };
    Ok(Ok((court, nav, Acting { linked, attorneys })))
}

impl Acting {
    /// Who files, for the form's "Filing for" choice: empty is the user themself.
    async fn filer(&self, state: &AppState, chosen: &str) -> Result<Result<Option<PacerAccount>, String>, AppError> {
        let chosen = chosen.trim();
        if chosen.is_empty() {
            return Ok(if self.linked {
                Ok(None)
            } else {
                Err("Filing for: choose the attorney you file for.".to_owned())
            });
        }
        let Some(row) = self.attorneys.iter().find(|a| a.username == chosen) else {
            return Ok(Err(
                "Filing for: you are not a filing agent of that attorney at this court.".to_owned(),
            ));
        };
        Ok(state
            .store
            .pacer_by_id(row.account)
            .await?
            .map(Some)
            .ok_or_else(|| "Filing for: you are not a filing agent of that attorney at this court.".to_owned()))
    }

    /// The form's choices: (username, "Name (username)", selected).
    fn choices(&self, chosen: &str) -> Vec<(String, String, bool)> {
        self.attorneys
            .iter()
            .map(|a| {
                (
                    a.username.clone(),
                    format!("{} ({})", a.name, a.username),
                    a.username == chosen,
                )
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "court_info.html")]
struct Message {
    nav: CourtNav,
    title: &'static str,
    message: String,
}

/// A form page's status: 422 when it comes back with a refusal.
fn form_status(error: Option<&str>) -> StatusCode {
    crate::view::form_status(error.is_some())
}

/// The largest document the court takes, in MB, as its forms say.
fn limit_mb(state: &AppState) -> u64 {
    state.settings.max_document_bytes / (1024 * 1024)
}

/// A multipart form: its text fields and its files.
struct Posted {
    fields: HashMap<String, String>,
    files: HashMap<String, Upload>,
}

impl Posted {
    fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// The longest text field a filing form takes (its docket text, parties, …).
const TEXT_FIELD_LIMIT: usize = 64 * 1024;

/// Reads a multipart form whose first field is its CSRF token, checked before
/// anything else of the form is read. Text fields are capped.
async fn read_multipart(user: &PacerUser, mut form: Multipart) -> Result<Posted, AppError> {
    let unreadable = |_| AppError::Rejected {
        status: StatusCode::BAD_REQUEST,
        message: "The form could not be read. Go back, reload the page and try again.",
    };
    let mut posted = Posted {
        fields: HashMap::new(),
        files: HashMap::new(),
    };
    let mut first = true;
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if std::mem::take(&mut first) {
            // A form whose token is not its first field is not one of ours.
            let token = if name == "csrf" && field.file_name().is_none() {
                field.text().await.map_err(unreadable)?
            } else {
                String::new()
            };
            user.visitor.csrf.check(&token)?;
            posted.fields.insert(name, token);
            continue;
        }
        match field.file_name().map(str::to_owned) {
            Some(filename) => {
                let bytes = field.bytes().await.map_err(unreadable)?;
                if !bytes.is_empty() {
                    posted.files.insert(
                        name,
                        Upload {
                            filename,
                            bytes: Vec::from(bytes),
                        },
                    );
                }
            }
            None => {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if text.len() + chunk.len() > TEXT_FIELD_LIMIT {
                        return Err(AppError::Rejected {
                            status: StatusCode::PAYLOAD_TOO_LARGE,
                            message: "A text field of the form is too long (at most 64 KB). Go back and shorten it.",
                        });
                    }
                    text.extend_from_slice(&chunk);
                }
                let text = String::from_utf8(text).map_err(|_| AppError::Rejected {
                    status: StatusCode::BAD_REQUEST,
                    message: "The form could not be read. Go back, reload the page and try again.",
                })?;
                posted.fields.insert(name, text);
            }
        }
    }
    if first {
        // An empty form carries no token either.
        user.visitor.csrf.check("")?;
    }
    Ok(posted)
}

#[derive(Template)]
#[template(path = "filing_open.html")]
struct OpenPage {
    nav: CourtNav,
    csrf: String,
    error: Option<String>,
    limit_mb: u64,
    plaintiffs: String,
    defendants: String,
    nature_of_suit: String,
    cause: String,
    jurisdictions: Vec<(&'static str, bool)>,
    jury_demands: Vec<(&'static str, bool)>,
}

const JURISDICTIONS: &[&str] = &[
    "Federal Question",
    "Diversity",
    "U.S. Government Plaintiff",
    "U.S. Government Defendant",
];
const JURY_DEMANDS: &[&str] = &["None", "Plaintiff", "Defendant", "Both"];

fn open_page(state: &AppState, nav: CourtNav, user: &PacerUser, p: Option<&Posted>, error: Option<String>) -> Response {
    let get = |k: &str| p.map(|p| p.text(k)).unwrap_or_default();
    let status = form_status(error.as_deref());
    render(
        status,
        OpenPage {
            nav,
            csrf: user.visitor.csrf.value().to_owned(),
            error,
            limit_mb: limit_mb(state),
            plaintiffs: get("plaintiffs"),
            defendants: get("defendants"),
            nature_of_suit: get("nature_of_suit"),
            cause: get("cause"),
            jurisdictions: JURISDICTIONS.iter().map(|j| (*j, get("jurisdiction") == *j)).collect(),
            jury_demands: JURY_DEMANDS.iter().map(|j| (*j, get("jury_demand") == *j)).collect(),
        },
    )
}

async fn open_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    let (court, nav) = match filer_at(&state, &user, &court).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    if !filing::redaction_acknowledged(&state, &user.session.token_hash).await? {
        return Ok(redaction_page(
            nav,
            &user,
            &format!("/ecf/{}/civil/open", court.id),
            false,
        ));
    }
    Ok(open_page(&state, nav, &user, None, None))
}

fn lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn attachments(p: &mut Posted) -> Vec<(String, Upload)> {
    p.files
        .remove("attachment")
        .map(|u| vec![(p.text("attachment_description"), u)])
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "filing_receipt.html")]
struct ReceiptPage {
    nav: CourtNav,
    entry_number: i64,
    case_id: i64,
    case_number: String,
    nef: String,
}

fn receipt(nav: CourtNav, r: &filing::Receipt) -> Response {
    page(ReceiptPage {
        nav,
        entry_number: r.entry_number,
        case_id: r.case.id,
        case_number: r.case.number.to_string(),
        nef: r.nef.fragment(),
    })
}

async fn open(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (court, nav) = match filer_at(&state, &user, &court).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    if !filing::redaction_acknowledged(&state, &user.session.token_hash).await? {
        return Ok(redaction_page(
            nav,
            &user,
            &format!("/ecf/{}/civil/open", court.id),
            true,
        ));
    }
    // Who may post is known before the body is read.
    let mut posted = read_multipart(&user, form).await?;
    let Some(complaint) = posted.files.remove("main") else {
        return Ok(open_page(
            &state,
            nav,
            &user,
            Some(&posted),
            Some("Complaint: choose the PDF to file.".into()),
        ));
    };
    let new = NewCivilCase {
        plaintiffs: lines(&posted.text("plaintiffs")),
        defendants: lines(&posted.text("defendants")),
        nature_of_suit: posted.text("nature_of_suit"),
        cause: posted.text("cause"),
        jurisdiction: posted.text("jurisdiction"),
        jury_demand: posted.text("jury_demand"),
        complaint,
        attachments: attachments(&mut posted),
    };
    match filing::open_civil_case(&state, &court, &user.session.account, &new).await? {
        Ok(r) => Ok(receipt(nav, &r)),
        Err(refusal) => Ok(open_page(&state, nav, &user, Some(&posted), Some(refusal.to_string()))),
    }
}

#[derive(Template)]
#[template(path = "filing_file.html")]
struct FilePage {
    nav: CourtNav,
    heading: &'static str,
    action: String,
    csrf: String,
    error: Option<String>,
    limit_mb: u64,
    values: FileValues,
    events: Vec<(String, String, bool)>,
    /// "Filing for": the attorneys who named the user their filing agent here.
    attorneys: Vec<(String, String, bool)>,
    /// The user may file as themself (linked here).
    linked: bool,
}

/// What the file form holds: as typed, or as asked for in its address.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct FileValues {
    case_number: String,
    event: String,
    party: String,
    docket_text: String,
    amended: String,
    joint: String,
    refers_to: String,
    /// Narrows the event list to names containing it (any case).
    filter: String,
    /// Narrows the event list to one category of the filing menu.
    category: String,
    /// "Filing for": an attorney's username when filing as their agent.
    attorney: String,
}

impl FileValues {
    fn from_posted(p: &Posted) -> Self {
        Self {
            case_number: p.text("case_number"),
            event: p.text("event"),
            party: p.text("party"),
            docket_text: p.text("docket_text"),
            amended: p.text("amended"),
            joint: p.text("joint"),
            refers_to: p.text("refers_to"),
            filter: String::new(),
            category: String::new(),
            attorney: p.text("attorney"),
        }
    }

    fn amended(&self) -> bool {
        !self.amended.is_empty()
    }

    fn joint(&self) -> bool {
        !self.joint.is_empty()
    }
}

/// The events the form offers: those of the category asked for (when it is
/// one of them), whose names contain the filter, case aside.
fn offered_events<'a>(menu: &'a FileMenu, category: &str, filter: &str) -> Vec<&'a Event> {
    let category = category.trim();
    let known = menu.events().any(|e| e.category == category);
    let filter = filter.trim().to_lowercase();
    menu.events()
        .filter(|e| !known || e.category == category)
        .filter(|e| e.name.to_lowercase().contains(&filter))
        .collect()
}

fn file_page(
    state: &AppState,
    nav: CourtNav,
    (menu, acting): (&FileMenu, &Acting),
    user: &PacerUser,
    values: FileValues,
    error: Option<String>,
) -> Response {
    let court_id = nav.court_id.clone();
    let status = form_status(error.as_deref());
    let events = offered_events(menu, &values.category, &values.filter)
        .into_iter()
        .map(|e| (e.category.to_string(), e.name.to_string(), e.name == values.event))
        .collect();
    render(
        status,
        FilePage {
            nav,
            heading: menu.heading(),
            action: menu.path(&court_id),
            csrf: user.visitor.csrf.value().to_owned(),
            error,
            limit_mb: limit_mb(state),
            attorneys: acting.choices(&values.attorney),
            linked: acting.linked,
            values,
            events,
        },
    )
}

async fn file_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    Query(q): Query<FileValues>,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    let (court, nav, acting) = match acting_at(&state, &user, &court, true).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let menu = FileMenu::of(&state, &court, &uri).await?;
    if !filing::redaction_acknowledged(&state, &user.session.token_hash).await? {
        return Ok(redaction_page(nav, &user, &menu.path(court.id.as_str()), false));
    }
    let values = FileValues {
        case_number: q.case_number,
        event: q.event,
        filter: q.filter.chars().filter(|c| !c.is_control()).take(100).collect(),
        category: q.category,
        attorney: q.attorney,
        ..FileValues::default()
    };
    Ok(file_page(&state, nav, (&menu, &acting), &user, values, None))
}

/// "Refer to existing event": empty, or a document number.
fn refers_to(raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>().map(Some).map_err(|_| {
        format!("Refers to document “{raw}”: type the number of an entry on the docket of this case, like 2.")
    })
}

async fn file(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    uri: axum::http::Uri,
    form: Multipart,
) -> Result<Response, AppError> {
    let (court, nav, acting) = match acting_at(&state, &user, &court, true).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let menu = FileMenu::of(&state, &court, &uri).await?;
    if !filing::redaction_acknowledged(&state, &user.session.token_hash).await? {
        return Ok(redaction_page(nav, &user, &menu.path(court.id.as_str()), true));
    }
    // Who may post is known before the body is read.
    let mut posted = read_multipart(&user, form).await?;
    let values = FileValues::from_posted(&posted);
    let Some(event) = menu.events().find(|e| e.name == values.event).cloned() else {
        return Ok(file_page(
            &state,
            nav,
            (&menu, &acting),
            &user,
            values,
            Some("Event: choose one from the list.".into()),
        ));
    };
    let attorney = match acting.filer(&state, &values.attorney).await? {
        Ok(a) => a,
        Err(message) => return Ok(file_page(&state, nav, (&menu, &acting), &user, values, Some(message))),
    };
    let filer = match &attorney {
        Some(a) => filing::Filer {
            attorney: a,
            agent: Some(&user.session.account),
        },
        None => filing::Filer::from(&user.session.account),
    };
    let refers = match refers_to(&values.refers_to) {
        Ok(r) => r,
        Err(message) => return Ok(file_page(&state, nav, (&menu, &acting), &user, values, Some(message))),
    };
    let Some(main) = posted.files.remove("main") else {
        return Ok(file_page(
            &state,
            nav,
            (&menu, &acting),
            &user,
            values,
            Some("Main document: choose the PDF to file.".into()),
        ));
    };
    let new = NewFiling {
        case_number: values.case_number.clone(),
        event,
        party: values.party.trim().to_owned(),
        docket_text: values.docket_text.clone(),
        prompts: Prompts {
            amended: values.amended(),
            joint: values.joint(),
            refers_to: refers,
        },
        main,
        attachments: attachments(&mut posted),
    };
    // Checked and its documents stored, the filing waits for Submit on the review page.
    match filing::hold_filing(&state, &court, filer, &user.session.token_hash, &new).await? {
        Ok(review) => Ok(review_page(nav, &menu, &user, &review, &values.attorney)),
        Err(refusal) => Ok(file_page(
            &state,
            nav,
            (&menu, &acting),
            &user,
            values,
            Some(refusal.to_string()),
        )),
    }
}

#[derive(Template)]
#[template(path = "filing_review.html")]
struct ReviewPage {
    nav: CourtNav,
    action: String,
    csrf: String,
    token: String,
    case_number: String,
    title: String,
    event: String,
    docket_text: String,
    documents: Vec<(String, String, i64)>,
    minutes: i64,
    /// The attorney filed for, as their agent (empty: the user themself).
    attorney: String,
}

/// "Docket Text: Final Text": the entry as it will be, its documents, and Submit or Cancel.
fn review_page(nav: CourtNav, menu: &FileMenu, user: &PacerUser, r: &filing::Review, attorney: &str) -> Response {
    let action = format!("{}/submit", menu.path(&nav.court_id));
    page(ReviewPage {
        nav,
        action,
        csrf: user.visitor.csrf.value().to_owned(),
        token: r.token.clone(),
        case_number: r.case.number.to_string(),
        title: r.case.title.clone(),
        event: r.event.clone(),
        docket_text: r.docket_text.clone(),
        documents: r.documents.clone(),
        minutes: filing::HOLD_MINUTES,
        attorney: attorney.trim().to_owned(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReviewForm {
    token: String,
    /// "submit" or "cancel": the button clicked.
    action: String,
    /// The attorney it is filed for, as their agent (empty: the user themself).
    attorney: String,
}

/// The review page's Submit (files the held filing) or Cancel (drops it).
async fn review_submit(
    State(state): State<AppState>,
    Path(court): Path<String>,
    form: crate::extract::PacerForm<ReviewForm>,
) -> Result<Response, AppError> {
    let crate::extract::PacerForm { user, form } = form;
    let (court, nav, acting) = match acting_at(&state, &user, &court, true).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let session = &user.session.token_hash;
    if form.action == "cancel" {
        filing::cancel_held_filing(&state, &court, session, &form.token).await?;
        return Ok(render(
            StatusCode::OK,
            Message {
                nav,
                title: "Filing cancelled",
                message: "The filing was cancelled: nothing was filed, and no one was noticed.".into(),
            },
        ));
    }
    let attorney = match acting.filer(&state, &form.attorney).await? {
        Ok(a) => a,
        Err(message) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message {
                    nav,
                    title: "Filing",
                    message,
                },
            ))
        }
    };
    let filer = match &attorney {
        Some(a) => filing::Filer {
            attorney: a,
            agent: Some(&user.session.account),
        },
        None => filing::Filer::from(&user.session.account),
    };
    match filing::submit_held_filing(&state, &court, filer, session, &form.token).await? {
        Ok(r) => Ok(receipt(nav, &r)),
        Err(refusal) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            Message {
                nav,
                title: "Filing",
                message: refusal.to_string(),
            },
        )),
    }
}

struct EntryLine {
    date: String,
    number: i64,
    link: Option<String>,
    text: String,
    /// "re 2": the number of the entry referred to, a link to its document,
    /// and the text after it.
    refers: Option<(i64, Option<String>, String)>,
    attachments: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "docket.html")]
struct DocketPage {
    nav: CourtNav,
    heading: &'static str,
    chapter: Option<i64>,
    case_number: String,
    title: String,
    date_filed: String,
    cause: String,
    nature_of_suit: String,
    jurisdiction: String,
    jury_demand: String,
    parties: Vec<(&'static str, String, String)>,
    entries: Vec<EntryLine>,
}

/// A case's docket, for its attorneys of record.
async fn docket(
    State(state): State<AppState>,
    user: PacerUser,
    Path((court, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let case = state.store.case(&court.id, id).await?.ok_or(AppError::NotFound)?;
    let nav = CourtNav::new(
        &court,
        &user.visitor,
        Some(&CourtUser::pacer(&state, &user.session, &court).await?),
    );
    if !filing::may_read(&state, &court, case.id, &user.session.account).await? {
        // The public reads the docket as the docket report.
        return Ok(crate::paths::see_other(&format!(
            "/ecf/{}/cgi-bin/DktRpt.pl?{}",
            court.id, case.id
        )));
    }
    let attorneys = state.store.attorneys(case.id).await?;
    let parties = state
        .store
        .parties(case.id)
        .await?
        .into_iter()
        .map(|p| {
            let counsel: Vec<String> = attorneys
                .iter()
                .filter(|a| a.party_id == p.id)
                .map(|a| {
                    format!(
                        "{}{}",
                        a.name,
                        if a.lead != 0 {
                            " (LEAD ATTORNEY)"
                        } else {
                            " (ATTORNEY TO BE NOTICED)"
                        }
                    )
                })
                .collect();
            let name = match &p.ssn_last4 {
                Some(last4) => format!("{} (SSN / ITIN: xxx-xx-{last4})", p.name),
                None => p.name,
            };
            (p.role.as_str(), name, counsel.join("; "))
        })
        .collect();
    // Sealed entries are the court's staff's alone (attorneys of record do not
    // see them), nor their quote in a later entry ("re 2 [sealed]").
    let staff = filing::reader(&state, &court, case.id, Some(&user.session.account))
        .await?
        .sees_sealed();
    let full = state.store.docket(case.id).await?;
    let sealed: Vec<(i64, i64, String)> = full
        .iter()
        .filter(|e| e.sealed && !staff)
        .map(|e| (e.id, e.number, e.docket_text.clone()))
        .collect();
    let docket: Vec<_> = full
        .into_iter()
        .filter(|e| staff || !e.sealed)
        .map(|mut e| {
            if let Some((_, n, text)) = sealed.iter().find(|(id, _, _)| Some(*id) == e.refers_to) {
                e.docket_text = openecf_domain::record::redact_reference(&e.docket_text, *n, text);
            }
            e
        })
        .collect();
    let prefix = state.store.doc_id_prefix(&court.id).await?;
    let doc_link = |d: &openecf_store::DocumentRow| {
        format!("/ecf/{}/doc1/{}", court.id, openecf_domain::doc1_number(&prefix, d.id))
    };
    let entries = docket
        .iter()
        .map(|e| {
            let referred = e
                .refers_to
                .and_then(|id| docket.iter().find(|r| r.id == id))
                .map(|r| (r.number, r.documents.first().map(doc_link)));
            let (text, refers) = split_reference(&e.docket_text, referred);
            EntryLine {
                date: e.filed_at.format("%m/%d/%Y").to_string(),
                number: e.number,
                link: e.documents.first().map(doc_link),
                text,
                refers,
                attachments: e
                    .documents
                    .iter()
                    .skip(1)
                    .map(|d| (doc_link(d), format!("# {} {}", d.attachment, d.description)))
                    .collect(),
            }
        })
        .collect();
    let heading = match case.number.case_type {
        openecf_domain::CaseType::Bankruptcy => "Bankruptcy Petition #: ",
        openecf_domain::CaseType::Adversary => "Adversary Proceeding #: ",
        openecf_domain::CaseType::Criminal | openecf_domain::CaseType::Magistrate => "CRIMINAL DOCKET FOR CASE #: ",
        _ => "CIVIL DOCKET FOR CASE #: ",
    };
    Ok(page(DocketPage {
        nav,
        heading,
        chapter: case.chapter,
        case_number: case.number.to_string(),
        title: case.title,
        date_filed: case.date_filed.format("%m/%d/%Y").to_string(),
        cause: case.cause,
        nature_of_suit: case.nature_of_suit,
        jurisdiction: case.jurisdiction,
        jury_demand: case.jury_demand,
        parties,
        entries,
    }))
}

/// Splits a docket text at its "re N" (the entry it refers to), so the
/// number can be a link to that entry's document, as on CM/ECF's docket.
fn split_reference(
    text: &str,
    referred: Option<(i64, Option<String>)>,
) -> (String, Option<(i64, Option<String>, String)>) {
    let Some((number, link)) = referred else {
        return (text.to_owned(), None);
    };
    let marker = format!(" re {number}");
    let found = text.match_indices(&marker).find(|(at, _)| {
        text[at + marker.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_digit())
    });
    match found {
        Some((at, _)) => {
            let before = &text[..at + " re ".len()];
            let after = &text[at + marker.len()..];
            (before.to_owned(), Some((number, link, after.to_owned())))
        }
        None => (text.to_owned(), None),
    }
}

#[derive(Deserialize)]
pub(crate) struct DocumentQuery {
    /// A notice's free-look token (CM/ECF's NEF links carry `magic_num`).
    magic_num: Option<String>,
    /// The main document itself rather than its entry's attachment menu.
    main: Option<String>,
}

/// The document a `/doc1/` path names: CM/ECF's twelve digits, or a plain id.
/// The View Document form: its own number, so a second click is not charged again.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct ViewForm {
    k: String,
}

fn doc1_id(raw: &str) -> Result<i64, AppError> {
    openecf_domain::parse_doc1_number(raw).ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "free_look.html")]
struct FreeLookPage {
    nav: CourtNav,
    csrf: String,
    action: String,
    filename: String,
}

fn free_look_spent(court: &Court, visitor: &crate::session::Visitor) -> Response {
    render(
        StatusCode::GONE,
        Message {
            nav: CourtNav::new(court, visitor, None),
            title: "Free look used",
            message: "This notice's free look at the document has been used or has expired: \
                      each recipient may open it once, within 15 days of the notice. \
                      Log in with PACER to see it again."
                .into(),
        },
    )
}

/// A filed document: for the case's attorneys of record and court staff; or,
/// through the link in a recipient's notice, a page whose **View Document**
/// button spends the free look (so a mail scanner fetching the link spends
/// nothing).
async fn document(
    State(state): State<AppState>,
    visitor: crate::session::Visitor,
    Path((court, id)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let id = doc1_id(&id)?;
    let (doc, case_id) = state.store.document(&court.id, id).await?.ok_or(AppError::NotFound)?;
    let reader = filing::reader(&state, &court, case_id, visitor.pacer.as_ref().map(|s| &s.account)).await?;
    // A sealed entry's documents are the court's staff's alone: to anyone
    // else, as if there were none.
    if state.store.entry_sealed(doc.entry_id).await? && !reader.sees_sealed() {
        return Err(AppError::NotFound);
    }
    if reader.gets_restricted() {
        return serve_document(&state, &doc).await;
    }
    match q.magic_num.as_deref().filter(|t| !t.is_empty()) {
        // A notice's free look does not open a restricted document.
        Some(_) if doc.is_restricted() => Ok(super::public::restricted(&court, CourtNav::new(&court, &visitor, None))),
        Some(token) => match filing::peek_free_look(&state, doc.id, token).await? {
            FreeLook::Granted => Ok(page(FreeLookPage {
                nav: CourtNav::new(&court, &visitor, None),
                csrf: visitor.csrf.value().to_owned(),
                action: format!("{}?magic_num={token}", uri.path()),
                filename: doc.original_filename.clone(),
            })),
            FreeLook::Used | FreeLook::Expired => Ok(free_look_spent(&court, &visitor)),
            FreeLook::Unknown => Err(AppError::NotFound),
        },
        None if visitor.pacer.is_none() => Err(AppError::LoginFirst {
            next: uri.path().to_owned(),
            expired: false,
        }),
        // Any PACER user: the attachment menu or the View Document page.
        None => super::public::document_for_pacer_user(&state, &court, &visitor, &doc, case_id, q.main.is_some()).await,
    }
}

/// **View Document** on the free-look page: spends the recipient's free look.
async fn document_view(
    State(state): State<AppState>,
    visitor: crate::session::Visitor,
    Path((court, id)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
    uri: axum::http::Uri,
    crate::extract::CsrfForm(form): crate::extract::CsrfForm<ViewForm>,
) -> Result<Response, AppError> {
    let court = load_court(&state, &court).await?;
    let id = doc1_id(&id)?;
    let (doc, case_id) = state.store.document(&court.id, id).await?.ok_or(AppError::NotFound)?;
    // Refused before any fee: a sealed entry's document (as if there were
    // none), a restricted one (its page), unless this reader may open it.
    let reader = filing::reader(&state, &court, case_id, visitor.pacer.as_ref().map(|s| &s.account)).await?;
    if state.store.entry_sealed(doc.entry_id).await? && !reader.sees_sealed() {
        return Err(AppError::NotFound);
    }
    if doc.is_restricted() && !reader.gets_restricted() {
        return Ok(super::public::restricted(&court, CourtNav::new(&court, &visitor, None)));
    }
    let Some(token) = q.magic_num.as_deref().filter(|t| !t.is_empty()) else {
        // Public access: any PACER user views the document, charged here by
        // its pages (at most 30), once per View Document page.
        let Some(session) = &visitor.pacer else {
            return Err(AppError::LoginFirst {
                next: uri.path().to_owned(),
                expired: true,
            });
        };
        let key = if crate::search_key::verify(&state, &session.token_hash, &form.k) {
            form.k.clone()
        } else {
            format!("minute:{}", state.clock.now().timestamp() / 60)
        };
        let case = state.store.case(&court.id, case_id).await?.ok_or(AppError::NotFound)?;
        let entry = state.store.entry_number(doc.entry_id).await?.map_or(0, |(n, _)| n);
        let description = format!("Image {entry}-{}", doc.attachment);
        let criteria = case.number.to_string();
        filing::charge_document(
            &state,
            &court,
            &session.account,
            &session.token_hash,
            &description,
            &criteria,
            doc.pages,
            state.store.entry_is_opinion(doc.entry_id).await?,
            &key,
        )
        .await?;
        return serve_document(&state, &doc).await;
    };
    match filing::free_look(&state, doc.id, token).await? {
        FreeLook::Granted => serve_document(&state, &doc).await,
        FreeLook::Used | FreeLook::Expired => Ok(free_look_spent(&court, &visitor)),
        FreeLook::Unknown => Err(AppError::NotFound),
    }
}

/// `inline` with the original filename: an ASCII fallback and, for any
/// other name, its UTF-8 form (RFC 6266, RFC 5987).
pub(super) fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii == name {
        return format!("inline; filename=\"{ascii}\"");
    }
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn serve_document(state: &AppState, doc: &openecf_store::DocumentRow) -> Result<Response, AppError> {
    let bytes = state
        .settings
        .documents
        .get(&doc.sha256)
        .await
        .map_err(AppError::Internal)?;
    // Only the two kinds a filing may hold, whatever the row says.
    let media_type = if doc.media_type == "text/plain" {
        "text/plain; charset=utf-8"
    } else {
        "application/pdf"
    };
    let disposition = content_disposition(&doc.original_filename);
    Ok((
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "check_pdf.html")]
struct CheckPdfPage {
    nav: CourtNav,
    csrf: String,
    limit_mb: u64,
    result: Option<String>,
    ok: bool,
}

async fn check_pdf_page(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
    result: Option<(bool, String)>,
) -> Result<Response, AppError> {
    let court = load_court(state, raw).await?;
    let nav = CourtNav::new(
        &court,
        &user.visitor,
        Some(&CourtUser::pacer(state, &user.session, &court).await?),
    );
    let status = match &result {
        Some((false, _)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    Ok(render(
        status,
        CheckPdfPage {
            nav,
            csrf: user.visitor.csrf.value().to_owned(),
            limit_mb: limit_mb(state),
            ok: result.as_ref().is_some_and(|(ok, _)| *ok),
            result: result.map(|(_, r)| r),
        },
    ))
}

/// Utilities → Check PDF Document: the NextGen PDF check on its own; nothing is kept.
async fn check_pdf_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    check_pdf_page(&state, &user, &court, None).await
}

async fn check_pdf(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let mut posted = read_multipart(&user, form).await?;
    let result = match posted.files.remove("document") {
        None => (false, "Choose the PDF document to check.".to_owned()),
        Some(doc) => {
            // Parsing a PDF is CPU work: off the async workers.
            let limit = state.settings.max_document_bytes;
            let verdict = tokio::task::spawn_blocking(move || filing::pdf::check(&doc.bytes, limit))
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("the PDF check stopped: {e}")))?;
            match verdict {
                Ok(checked) => (
                    true,
                    format!(
                        "This PDF document can be filed: {} page{}.",
                        checked.pages,
                        if checked.pages == 1 { "" } else { "s" }
                    ),
                ),
                Err(refusal) => (false, refusal.to_string()),
            }
        }
    };
    check_pdf_page(&state, &user, &court, Some(result)).await
}

#[derive(Template)]
#[template(path = "redaction.html")]
struct RedactionPage {
    nav: CourtNav,
    csrf: String,
    next: String,
    refused: bool,
}

fn redaction_page(nav: CourtNav, user: &PacerUser, next: &str, refused: bool) -> Response {
    render(
        if refused { StatusCode::CONFLICT } else { StatusCode::OK },
        RedactionPage {
            nav,
            csrf: user.visitor.csrf.value().to_owned(),
            next: next.to_owned(),
            refused,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AcknowledgeForm {
    next: String,
    understand: String,
}

/// The filer acknowledges the redaction rules, for this session.
async fn acknowledge(
    State(state): State<AppState>,
    Path(court): Path<String>,
    form: crate::extract::PacerForm<AcknowledgeForm>,
) -> Result<Response, AppError> {
    let crate::extract::PacerForm { user, form } = form;
    // Agents acknowledge too, before their first filing of the session.
    let (court, nav, _) = match acting_at(&state, &user, &court, true).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let next = crate::paths::safe_next(&form.next, &format!("/ecf/{}/civil", court.id));
    if form.understand != "yes" {
        return Ok(redaction_page(nav, &user, &next, true));
    }
    filing::acknowledge_redaction(&state, &user.session.token_hash).await?;
    Ok(crate::paths::see_other(&next))
}

/// The menu a filing into an existing case comes from, and the court's
/// catalogue of events.
struct FileMenu {
    menu: EventMenu,
    catalogue: std::sync::Arc<Catalogue>,
}

impl FileMenu {
    /// The menu of a `/ecf/{court}/{menu}/file…` path, if the court has it.
    async fn of(state: &AppState, court: &Court, uri: &axum::http::Uri) -> Result<Self, AppError> {
        let menu = uri
            .path()
            .split('/')
            .nth(3)
            .and_then(|slug| EventMenu::parse(slug).ok())
            .filter(|m| m.at(court.kind))
            .ok_or(AppError::NotFound)?;
        let catalogue = filing::catalogue::catalogue(state, court).await?;
        Ok(Self { menu, catalogue })
    }

    fn events(&self) -> impl Iterator<Item = &Event> {
        self.catalogue.menu(self.menu)
    }

    fn heading(&self) -> &'static str {
        match self.menu {
            EventMenu::Civil => "Civil Events",
            EventMenu::Criminal => "Criminal Events",
            EventMenu::Bankruptcy => "Bankruptcy Events",
        }
    }

    /// Where its events are filed.
    fn path(&self, court: &str) -> String {
        format!("/ecf/{court}/{}/file", self.menu.code())
    }
}

#[derive(Template)]
#[template(path = "petition_open.html")]
struct PetitionPage {
    nav: CourtNav,
    csrf: String,
    error: Option<String>,
    limit_mb: u64,
    chapters: Vec<(i64, String, bool)>,
    debtor: String,
    joint: String,
}

fn petition_page(
    state: &AppState,
    nav: CourtNav,
    user: &PacerUser,
    p: Option<&Posted>,
    error: Option<String>,
) -> Response {
    let get = |k: &str| p.map(|p| p.text(k)).unwrap_or_default();
    let chosen = get("chapter");
    render(
        form_status(error.as_deref()),
        PetitionPage {
            nav,
            csrf: user.visitor.csrf.value().to_owned(),
            error,
            limit_mb: limit_mb(state),
            chapters: [7, 11, 12, 13, 15]
                .into_iter()
                .map(|c| {
                    let fee = openecf_domain::petition_fee_cents(c)
                        .map(openecf_domain::dollars)
                        .unwrap_or_default();
                    (c, fee, chosen == c.to_string())
                })
                .collect(),
            debtor: get("debtor"),
            joint: get("joint"),
        },
    )
}

/// The court and its filer, and the redaction acknowledgment, before a bankruptcy form.
async fn bankruptcy_gate(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
    path: &str,
    posted: bool,
) -> Result<Result<(std::sync::Arc<Court>, CourtNav), Response>, AppError> {
    let (court, nav) = match filer_at(state, user, raw).await? {
        Ok(found) => found,
        Err(refused) => return Ok(Err(refused)),
    };
    if court.kind != CourtKind::Bankruptcy {
        return Err(AppError::NotFound);
    }
    if !filing::redaction_acknowledged(state, &user.session.token_hash).await? {
        let next = format!("/ecf/{}/{path}", court.id);
        return Ok(Err(redaction_page(nav, user, &next, posted)));
    }
    Ok(Ok((court, nav)))
}

async fn petition_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    match bankruptcy_gate(&state, &user, &court, "bankruptcy/open", false).await? {
        Ok((_, nav)) => Ok(petition_page(&state, nav, &user, None, None)),
        Err(page) => Ok(page),
    }
}

async fn petition(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (court, nav) = match bankruptcy_gate(&state, &user, &court, "bankruptcy/open", true).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    // Who may post is known before the body is read.
    let mut posted = read_multipart(&user, form).await?;
    let Some(petition) = posted.files.remove("main") else {
        return Ok(petition_page(
            &state,
            nav,
            &user,
            Some(&posted),
            Some("Voluntary petition: choose the PDF to file.".into()),
        ));
    };
    let mut debtors = vec![(posted.text("debtor"), posted.text("debtor_ssn"))];
    if !posted.text("joint").trim().is_empty() || !posted.text("joint_ssn").trim().is_empty() {
        debtors.push((posted.text("joint"), posted.text("joint_ssn")));
    }
    let new = filing::NewPetition {
        chapter: posted.text("chapter").trim().parse().unwrap_or(0),
        debtors,
        petition,
        attachments: attachments(&mut posted),
    };
    match filing::open_bankruptcy_case(&state, &court, &user.session.account, &new).await? {
        Ok(r) => Ok(receipt(nav, &r)),
        Err(refusal) => Ok(petition_page(
            &state,
            nav,
            &user,
            Some(&posted),
            Some(refusal.to_string()),
        )),
    }
}

#[derive(Template)]
#[template(path = "adversary_open.html")]
struct AdversaryPage {
    nav: CourtNav,
    csrf: String,
    error: Option<String>,
    lead_case: String,
    plaintiffs: String,
    defendants: String,
    nature_of_suit: String,
}

fn adversary_page(nav: CourtNav, user: &PacerUser, p: Option<&Posted>, error: Option<String>) -> Response {
    let get = |k: &str| p.map(|p| p.text(k)).unwrap_or_default();
    render(
        form_status(error.as_deref()),
        AdversaryPage {
            nav,
            csrf: user.visitor.csrf.value().to_owned(),
            error,
            lead_case: get("lead_case"),
            plaintiffs: get("plaintiffs"),
            defendants: get("defendants"),
            nature_of_suit: get("nature_of_suit"),
        },
    )
}

async fn adversary_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    match bankruptcy_gate(&state, &user, &court, "adversary/open", false).await? {
        Ok((_, nav)) => Ok(adversary_page(nav, &user, None, None)),
        Err(page) => Ok(page),
    }
}

async fn adversary(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (court, nav) = match bankruptcy_gate(&state, &user, &court, "adversary/open", true).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    // Who may post is known before the body is read.
    let mut posted = read_multipart(&user, form).await?;
    let Some(complaint) = posted.files.remove("main") else {
        return Ok(adversary_page(
            nav,
            &user,
            Some(&posted),
            Some("Complaint: choose the PDF to file.".into()),
        ));
    };
    let new = filing::NewAdversary {
        lead_case_number: posted.text("lead_case"),
        plaintiffs: lines(&posted.text("plaintiffs")),
        defendants: lines(&posted.text("defendants")),
        nature_of_suit: posted.text("nature_of_suit"),
        complaint,
        attachments: vec![],
    };
    match filing::open_adversary(&state, &court, &user.session.account, &new).await? {
        Ok(r) => Ok(receipt(nav, &r)),
        Err(refusal) => Ok(adversary_page(nav, &user, Some(&posted), Some(refusal.to_string()))),
    }
}

#[derive(Template)]
#[template(path = "criminal_open.html")]
struct CriminalOpenPage {
    nav: CourtNav,
    csrf: String,
    error: Option<String>,
    limit_mb: u64,
    case_types: Vec<(&'static str, &'static str, bool)>,
    defendants: String,
    cause: String,
}

fn criminal_page(
    state: &AppState,
    nav: CourtNav,
    user: &PacerUser,
    p: Option<&Posted>,
    error: Option<String>,
) -> Response {
    let get = |k: &str| p.map(|p| p.text(k)).unwrap_or_default();
    let chosen = get("case_type");
    render(
        form_status(error.as_deref()),
        CriminalOpenPage {
            nav,
            csrf: user.visitor.csrf.value().to_owned(),
            error,
            limit_mb: limit_mb(state),
            case_types: [("cr", "Criminal (cr)"), ("mj", "Magistrate judge (mj)")]
                .into_iter()
                .map(|(code, label)| (code, label, chosen == code))
                .collect(),
            defendants: get("defendants"),
            cause: get("cause"),
        },
    )
}

/// The court, for its staff: a district court's clerk's office.
async fn staff_at(
    state: &AppState,
    user: &PacerUser,
    raw: &str,
) -> Result<Result<(std::sync::Arc<Court>, CourtNav), Response>, AppError> {
    let court = load_court(state, raw).await?;
    if court.kind != CourtKind::District {
        return Err(AppError::NotFound);
    }
    let court_user = CourtUser::pacer(state, &user.session, &court).await?;
    let nav = CourtNav::new(&court, &user.visitor, Some(&court_user));
    if !state.store.is_staff(&court.id, user.session.account.id).await? {
        return Ok(Err(render(
            StatusCode::FORBIDDEN,
            Message {
                nav,
                title: "Open a Criminal Case",
                message: FilingRefusal::NotStaff.to_string(),
            },
        )));
    }
    Ok(Ok((court, nav)))
}

async fn criminal_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    match staff_at(&state, &user, &court).await? {
        Ok((_, nav)) => Ok(criminal_page(&state, nav, &user, None, None)),
        Err(refused) => Ok(refused),
    }
}

async fn criminal(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (court, nav) = match staff_at(&state, &user, &court).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    // Who may post is known before the body is read.
    let mut posted = read_multipart(&user, form).await?;
    let Some(indictment) = posted.files.remove("main") else {
        return Ok(criminal_page(
            &state,
            nav,
            &user,
            Some(&posted),
            Some("Indictment or information: choose the PDF to file.".into()),
        ));
    };
    let case_type = match posted.text("case_type").as_str() {
        "mj" => openecf_domain::CaseType::Magistrate,
        _ => openecf_domain::CaseType::Criminal,
    };
    let new = filing::NewCriminalCase {
        case_type,
        defendants: lines(&posted.text("defendants")),
        cause: posted.text("cause"),
        indictment,
        attachments: attachments(&mut posted),
    };
    match filing::open_criminal_case(&state, &court, &user.session.account, &new).await? {
        Ok(r) => Ok(receipt(nav, &r)),
        Err(refusal) => Ok(criminal_page(
            &state,
            nav,
            &user,
            Some(&posted),
            Some(refusal.to_string()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn a_filename_is_sent_safely_in_ascii_and_in_full() {
        assert_eq!(content_disposition("motion.pdf"), "inline; filename=\"motion.pdf\"");
        assert_eq!(
            content_disposition("Résumé \"A\".pdf"),
            "inline; filename=\"R_sum_ _A_.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22A%22.pdf"
        );
        assert!(!content_disposition("a\r\nSet-Cookie: x").contains('\n'));
    }
}

// ------------------------------------------------------------ Proof of Claim

#[derive(Template)]
#[template(path = "claim_file.html")]
struct ClaimPage {
    nav: CourtNav,
    csrf: String,
    error: Option<String>,
    limit_mb: u64,
    case_number: String,
    creditor_name: String,
    creditor_address: String,
    amount: String,
}

fn claim_page(
    state: &AppState,
    nav: CourtNav,
    user: &PacerUser,
    p: Option<&Posted>,
    error: Option<String>,
) -> Response {
    let get = |k: &str| p.map(|p| p.text(k)).unwrap_or_default();
    render(
        form_status(error.as_deref()),
        ClaimPage {
            nav,
            csrf: user.visitor.csrf.value().to_owned(),
            error,
            limit_mb: limit_mb(state),
            case_number: get("case_number"),
            creditor_name: get("creditor_name"),
            creditor_address: get("creditor_address"),
            amount: get("amount"),
        },
    )
}

#[derive(Template)]
#[template(path = "claim_receipt.html")]
struct ClaimReceiptPage {
    nav: CourtNav,
    claim_number: i64,
    case_number: String,
    creditor: String,
    amount: String,
    register: String,
}

async fn claim_form(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
) -> Result<Response, AppError> {
    match bankruptcy_gate(&state, &user, &court, "bankruptcy/claim", false).await? {
        Ok((_, nav)) => Ok(claim_page(&state, nav, &user, None, None)),
        Err(page) => Ok(page),
    }
}

/// Files a Proof of Claim: onto the case's Claims Register, not the docket.
async fn claim(
    State(state): State<AppState>,
    user: PacerUser,
    Path(court): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (court, nav) = match bankruptcy_gate(&state, &user, &court, "bankruptcy/claim", true).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let mut posted = read_multipart(&user, form).await?;
    let Some(pdf) = posted.files.remove("main") else {
        return Ok(claim_page(
            &state,
            nav,
            &user,
            Some(&posted),
            Some("Proof of Claim: choose the PDF to file.".into()),
        ));
    };
    let new = filing::claims::NewProofOfClaim {
        case_number: posted.text("case_number"),
        creditor_name: posted.text("creditor_name"),
        creditor_address: posted.text("creditor_address"),
        amount: posted.text("amount"),
        claim: pdf,
    };
    match filing::claims::file_claim(&state, &court, &user.session.account, &new).await? {
        Ok(r) => Ok(page(ClaimReceiptPage {
            nav,
            claim_number: r.claim.claim_number,
            case_number: r.case.number.to_string(),
            creditor: r.claim.creditor_name,
            amount: openecf_domain::fees::money(r.claim.amount_cents),
            register: format!("/ecf/{}/cgi-bin/SearchClaims.pl?{}", court.id, r.case.id),
        })),
        Err(refusal) => Ok(claim_page(&state, nav, &user, Some(&posted), Some(refusal.to_string()))),
    }
}
