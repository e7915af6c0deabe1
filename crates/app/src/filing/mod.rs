//! The filing system: opening cases, filing documents into them, the
//! docket, and the Notice of Electronic Filing to every attorney of record.

pub mod agents;
pub mod catalogue;
pub mod claims;
pub mod docstore;
pub mod pdf;

use chrono::Datelike;
use openecf_domain::mail::{Nef, NefDocument};
use openecf_domain::{
    AuditAction, AuditOutcome, CaseQuery, CaseType, Court, CourtKind, Email, Event, NewAuditEvent, PacerAccount,
    PartyRole, ADVERSARY_COMPLAINT, COMPLAINT, INDICTMENT, PETITION,
};
use openecf_store::{CaseRow, NewCase, NewDocument, NewEntry, Time, Tx};

use crate::{App, Result};
use pdf::PdfRefusal;

/// A file as uploaded. `Debug` shows its size, not its bytes.
#[derive(Clone)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("filename", &self.filename)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Why a filing was refused; nothing of it was kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilingRefusal {
    #[error("Only filers whose CM/ECF account is linked to their PACER account at this court may file here.")]
    NotAFiler,
    #[error("Civil cases are opened at district courts.")]
    WrongCourtKind,
    #[error("{0}")]
    Invalid(String),
    #[error("There is no case {0} at this court.")]
    NoSuchCase(String),
    #[error("{0} may mean several cases: type the whole number, like 1:26-cv-00012.")]
    SeveralCases(String),
    #[error("You are not an attorney of record for this party in this case. File a Notice of Appearance or an Answer for it first.")]
    NotOfRecord,
    #[error("{which}: {refusal}")]
    Pdf { which: String, refusal: PdfRefusal },
    #[error("Criminal cases are opened by the clerk's office: your PACER account is not court staff at this court.")]
    NotStaff,
    #[error("{case} is a {kind} case: file into it from the {menu} menu.")]
    WrongMenu {
        case: String,
        kind: &'static str,
        menu: &'static str,
    },
    #[error("Refers to document {0}: there is no such entry in this case.")]
    NoSuchEntry(i64),
    #[error("You are not a filing agent of that attorney at this court.")]
    NotAnAgent,
    #[error("This filing is no longer waiting for your Submit: it was filed or cancelled, or more than 30 minutes passed. Nothing more was filed; file it again from the events page if you need to.")]
    NotPending,
}

/// What the filer sees after Submit: the case, the entry, and the notice.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub case: CaseRow,
    pub entry_number: i64,
    pub nef: Nef,
}

/// Who files: the attorney in whose name the entry is filed (whose CM/ECF
/// account is linked at the court) and, when a filing agent enters it for
/// them, the agent.
#[derive(Debug, Clone, Copy)]
pub struct Filer<'a> {
    pub attorney: &'a PacerAccount,
    pub agent: Option<&'a PacerAccount>,
}

impl<'a> From<&'a PacerAccount> for Filer<'a> {
    fn from(attorney: &'a PacerAccount) -> Self {
        Self { attorney, agent: None }
    }
}

impl Filer<'_> {
    /// The account that acts: the agent, or the attorney filing themselves.
    fn acting(&self) -> &PacerAccount {
        self.agent.unwrap_or(self.attorney)
    }

    /// "Pat Paralegal on behalf of Jordan Filer", as the notice names who entered it.
    fn entered_by(&self) -> String {
        match self.agent {
            Some(agent) => format!("{} on behalf of {}", agent.name, self.attorney.name),
            None => self.attorney.name.to_string(),
        }
    }
}

/// A new civil case, as the filer entered it.
#[derive(Debug, Clone)]
pub struct NewCivilCase {
    pub plaintiffs: Vec<String>,
    pub defendants: Vec<String>,
    pub nature_of_suit: String,
    pub cause: String,
    pub jurisdiction: String,
    pub jury_demand: String,
    pub complaint: Upload,
    pub attachments: Vec<(String, Upload)>,
}

/// A filing into an existing case.
#[derive(Debug, Clone)]
pub struct NewFiling {
    pub case_number: String,
    pub event: Event,
    /// The party the filer files for (its name, as on the docket).
    pub party: String,
    /// What the filer added to the event's docket text.
    pub docket_text: String,
    /// The event's prompts: Amended, Joint, Refer to existing event.
    pub prompts: Prompts,
    pub main: Upload,
    pub attachments: Vec<(String, Upload)>,
}

/// CM/ECF's prompts of an event: "AMENDED" and "JOINT" before its docket
/// text, and "re 2 …", a link to an entry of the same case, after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompts {
    pub amended: bool,
    pub joint: bool,
    /// The number of the entry this filing refers to, on the same case's docket.
    pub refers_to: Option<i64>,
}

/// The docket text of a filing into a case, as CM/ECF composes it:
/// "AMENDED JOINT MOTION to Dismiss re 2 MOTION for … for Failure to State a
/// Claim filed by Richard Roe." `referred` is the referred entry's number and
/// docket text.
pub fn compose_docket_text(
    event: &Event,
    prompts: Prompts,
    referred: Option<(i64, &str)>,
    added: &str,
    party: &str,
) -> String {
    let mut text = String::new();
    if prompts.amended {
        text.push_str("AMENDED ");
    }
    if prompts.joint {
        text.push_str("JOINT ");
    }
    match referred {
        Some((number, referred_text)) => {
            // "RESPONSE in Opposition re Motion": the reference names the motion.
            text.push_str(
                event
                    .docket_text
                    .strip_suffix(" re Motion")
                    .unwrap_or(&event.docket_text),
            );
            // Cut at the last whole word, as a reader expects.
            let short = openecf_domain::record::reference_quote(referred_text);
            text.push_str(&format!(" re {number} {short}"));
        }
        None => text.push_str(&event.docket_text),
    }
    let added = added.trim();
    if !added.is_empty() {
        text.push(' ');
        text.push_str(added);
    }
    sentence(&format!("{text} filed by {party}"))
}

fn clean(raw: &str, what: &str, max: usize) -> std::result::Result<String, FilingRefusal> {
    let v: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
    if v.is_empty() {
        return Err(FilingRefusal::Invalid(format!("{what}: it is required.")));
    }
    if v.chars().count() > max {
        return Err(FilingRefusal::Invalid(format!("{what}: at most {max} characters.")));
    }
    Ok(v)
}

/// May this account file at this court? A PACER user whose CM/ECF account
/// is linked here, at a live court.
async fn check_filer(
    app: &App,
    court: &Court,
    account: &PacerAccount,
) -> Result<std::result::Result<(), FilingRefusal>> {
    if !court.is_live() || app.store.linked_login(&court.id, account.id).await?.is_none() {
        return Ok(Err(FilingRefusal::NotAFiler));
    }
    Ok(Ok(()))
}

/// May this filer file here: the attorney is a filer here and, when an agent
/// acts, the attorney named them at this court.
async fn check_filer_for(app: &App, court: &Court, filer: Filer<'_>) -> Result<std::result::Result<(), FilingRefusal>> {
    if let Err(r) = check_filer(app, court, filer.attorney).await? {
        return Ok(Err(r));
    }
    if let Some(agent) = filer.agent {
        let named = app
            .store
            .agent_principals(&court.id, agent.id)
            .await?
            .iter()
            .any(|a| a.account == filer.attorney.id);
        if !named {
            return Ok(Err(FilingRefusal::NotAnAgent));
        }
    }
    Ok(Ok(()))
}

/// Text ending in one full stop ("… filed by Beta Supply Co." takes none more).
fn sentence(text: &str) -> String {
    if text.ends_with('.') {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

const PDF: &str = "application/pdf";

/// Checks every document of a filing, then stores them all (before the
/// transaction: the bytes are durable before the entry that names them
/// commits). A refused document stores nothing, its siblings included.
async fn store_documents(
    app: &App,
    main: &Upload,
    main_description: &str,
    attachments: &[(String, Upload)],
) -> Result<std::result::Result<Vec<(NewDocument, u32)>, FilingRefusal>> {
    let mut checked = Vec::new();
    let all =
        std::iter::once((main_description.to_owned(), main)).chain(attachments.iter().map(|(d, u)| (d.clone(), u)));
    for (n, (description, upload)) in all.enumerate() {
        let which = if n == 0 {
            "Main document".to_owned()
        } else {
            format!("Attachment {n}")
        };
        // A creditor matrix is the one document filed as plain text.
        let matrix = n == 0 && main_description == openecf_domain::CREDITOR_MATRIX.name;
        let (pages, media_type) = if matrix {
            if upload.bytes.len() as u64 > app.settings.max_document_bytes {
                return Ok(Err(FilingRefusal::Invalid(format!(
                    "Creditor matrix: the file is larger than {} MB.",
                    app.settings.max_document_bytes / (1024 * 1024)
                ))));
            }
            match openecf_domain::check_creditor_matrix(&upload.bytes) {
                Ok(_) => (0, "text/plain"),
                Err(why) => return Ok(Err(FilingRefusal::Invalid(format!("Creditor matrix: {why}.")))),
            }
        } else {
            // Parsing a PDF is CPU work: off the async workers.
            let (bytes, limit) = (upload.bytes.clone(), app.settings.max_document_bytes);
            let verdict = tokio::task::spawn_blocking(move || pdf::check(&bytes, limit))
                .await
                .map_err(|e| crate::Error::Internal(anyhow::anyhow!("the PDF check stopped: {e}")))?;
            match verdict {
                Ok(c) => (c.pages, PDF),
                Err(refusal) => return Ok(Err(FilingRefusal::Pdf { which, refusal })),
            }
        };
        let description = match clean(&description, &format!("{which} description"), 200) {
            Ok(d) => d,
            Err(e) => return Ok(Err(e)),
        };
        let filename: String = upload
            .filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let document = NewDocument {
            attachment: i64::try_from(n).unwrap_or(i64::MAX),
            description,
            original_filename: if !filename.is_empty() {
                filename
            } else if matrix {
                "creditor-matrix.txt".into()
            } else {
                "document.pdf".into()
            },
            size_bytes: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
            pages: i64::from(pages),
            stamp: String::new(),
            sha256: String::new(),
            media_type: media_type.to_owned(),
        };
        checked.push((document, pages, upload));
    }
    let mut out = Vec::with_capacity(checked.len());
    for (mut document, pages, upload) in checked {
        document.sha256 = app.settings.documents.put(&upload.bytes).await?;
        out.push((document, pages));
    }
    Ok(Ok(out))
}

/// The electronic document stamp, as CM/ECF prints it in the notice.
fn stamp(court: &Court, now: Time, entry_id: i64, attachment: i64, sha: &str) -> String {
    let kind = if court.kind == CourtKind::Bankruptcy {
        "bkecfStamp_ID"
    } else {
        "dcecfStamp_ID"
    };
    format!(
        "[STAMP {kind}=1045387{} [Date={}] [FileNumber={entry_id}-{attachment}] [{}]]",
        court.id,
        now.format("%-m/%-d/%Y"),
        sha.get(..64).unwrap_or(sha)
    )
}

/// Writes an entry with its documents, in the transaction that holds the
/// case's lock; returns its number and the notice's documents.
#[allow(clippy::too_many_arguments)]
async fn write_entry(
    app: &App,
    tx: &mut Tx,
    court: &Court,
    case: &CaseRow,
    event: &Event,
    docket_text: &str,
    refers_to: Option<i64>,
    filer: Filer<'_>,
    documents: &[(NewDocument, u32)],
    now: Time,
) -> Result<(i64, Vec<NefDocument>)> {
    let number = tx.next_entry_number(case.id).await?;
    let entry = NewEntry {
        case_id: case.id,
        number,
        event: &event.name,
        docket_text,
        refers_to,
        filed_by: filer.attorney.id,
        entered_by: filer.agent.map(|a| a.id),
    };
    let entry_id = tx.insert_entry(&entry, now).await?;
    let base = app.settings.public_url.trim_end_matches('/');
    let prefix = tx.doc_id_prefix(&court.id).await?;
    let mut nef_docs = Vec::new();
    for (d, _) in documents {
        let mut d = d.clone();
        d.stamp = stamp(court, now, entry_id, d.attachment, &d.sha256);
        let doc_id = tx.insert_document(entry_id, &d).await?;
        nef_docs.push(NefDocument {
            description: if d.attachment == 0 {
                "Main Document".into()
            } else {
                format!("Exhibit {} {}", d.attachment, d.description)
            },
            original_filename: d.original_filename.clone(),
            stamp: d.stamp.clone(),
            link: format!(
                "{base}/ecf/{}/doc1/{}",
                court.id,
                openecf_domain::doc1_number(&prefix, doc_id)
            ),
            document_id: doc_id,
        });
    }
    Ok((number, nef_docs))
}

/// Queues the notice to every attorney of record to be noticed, in the
/// entry's transaction, and audits the filing.
#[allow(clippy::too_many_arguments)]
async fn notify(
    app: &App,
    tx: &mut Tx,
    court: &Court,
    case: &CaseRow,
    event: &Event,
    docket_text: &str,
    filer: Filer<'_>,
    party: &str,
    number: i64,
    documents: Vec<NefDocument>,
    now: Time,
) -> Result<Nef> {
    let attorneys = tx.attorneys_of(case.id).await?;
    // Each attorney's primary and secondary addresses, with their delivery method.
    let recipients = crate::ecf_account::recipients(tx, &court.id, &attorneys).await?;
    let mut noticed: Vec<(String, String)> = recipients.iter().map(|r| (r.name.clone(), r.email.clone())).collect();
    noticed.sort();
    noticed.dedup();
    let base = app.settings.public_url.trim_end_matches('/');
    // Times as the court keeps them: "11/26/2026 at 9:41 AM EST".
    let zone = tx.court_zone(&court.id).await?;
    let nef = Nef {
        court_name: court.name.clone(),
        district: court.kind != CourtKind::Bankruptcy,
        case_title: case.title.clone(),
        case_number: case.number.to_string(),
        // As CM/ECF's notices link the case: its docket report.
        docket_link: format!("{base}/ecf/{}/cgi-bin/DktRpt.pl?{}", court.id, case.id),
        event: event.name.to_string(),
        entered_by: filer.entered_by(),
        entered_at: zone.stamp(now),
        filed_on: zone.date(now),
        filer: party.to_owned(),
        chapter: case.chapter,
        document_number: number,
        docket_text: docket_text.to_owned(),
        noticed: noticed.clone(),
        documents,
    };
    // Each recipient's notice links the main document with a free look of
    // their own: one view without logging in, within 15 days.
    let expires = now + chrono::Duration::seconds(openecf_domain::FREE_LOOK_SECS);
    let mut daily = false;
    for r in &recipients {
        let Ok(to) = Email::from_stored(&r.email) else { continue };
        let mut own = nef.clone();
        if let Some(main) = own.documents.first_mut() {
            // Digits, as CM/ECF's magic numbers are (programs that read NEFs expect them).
            let token = crate::tokens::random_digits_token();
            tx.insert_free_look(
                &crate::tokens::hash_token(&token),
                main.document_id,
                to.as_str(),
                now,
                expires,
            )
            .await?;
            main.link = format!("{}?magic_num={token}", main.link);
        }
        if r.delivery == openecf_domain::NoticeDelivery::DailySummary {
            // Listed in the recipient's Daily Summary Report instead.
            let link = own
                .documents
                .first()
                .map_or(own.docket_link.clone(), |d| d.link.clone());
            let item = openecf_store::NewSummaryItem {
                court: court.id.clone(),
                account: r.account,
                to_addr: to.to_string(),
                case_number: own.case_number.clone(),
                case_title: own.case_title.clone(),
                document_number: number,
                docket_text: own.docket_text.clone(),
                link,
            };
            tx.insert_summary_item(&item, now).await?;
            daily = true;
            continue;
        }
        let mut mail = own.mail(&to);
        // The link is a secret: the stored copy is blanked once delivered.
        mail.sensitive = true;
        tx.enqueue_mail(&mail, now).await?;
    }
    if daily {
        crate::ecf_account::queue_daily_summary(tx, &court.id, now, now).await?;
    }
    let event_row = NewAuditEvent {
        pacer_account: Some(filer.acting().id),
        pacer_username: Some(filer.acting().username.to_string()),
        court_id: Some(court.id.to_string()),
        detail: match filer.agent {
            Some(_) => format!(
                "{} #{number} in {} as filing agent of {}",
                event.name, case.number, filer.attorney.username
            ),
            None => format!("{} #{number} in {}", event.name, case.number),
        },
        ..NewAuditEvent::new(AuditAction::Filing, AuditOutcome::Done)
    };
    tx.insert_audit(&event_row, now).await?;
    Ok(nef)
}

/// One docket entry to write and notice.
struct Entry<'a> {
    court: &'a Court,
    case: CaseRow,
    event: &'a Event,
    docket_text: &'a str,
    refers_to: Option<i64>,
    filer: Filer<'a>,
    /// The party (or parties) it is filed for, as the notice names them.
    party: &'a str,
    documents: &'a [(NewDocument, u32)],
}

/// Writes the entry and queues its notices, then commits the transaction.
async fn enter_and_notice(app: &App, mut tx: Tx, e: Entry<'_>, now: Time) -> Result<Receipt> {
    let (number, nef_docs) = write_entry(
        app,
        &mut tx,
        e.court,
        &e.case,
        e.event,
        e.docket_text,
        e.refers_to,
        e.filer,
        e.documents,
        now,
    )
    .await?;
    let nef = notify(
        app,
        &mut tx,
        e.court,
        &e.case,
        e.event,
        e.docket_text,
        e.filer,
        e.party,
        number,
        nef_docs,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Receipt {
        case: e.case,
        entry_number: number,
        nef,
    })
}

/// The parties named in a list (blank lines aside): at least one, each clean.
fn names(list: &[String], what: &str) -> std::result::Result<Vec<String>, FilingRefusal> {
    let v: Vec<String> = list
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| clean(n, what, 200))
        .collect::<std::result::Result<_, _>>()?;
    if v.is_empty() {
        return Err(FilingRefusal::Invalid(format!("{what}: name at least one.")));
    }
    Ok(v)
}

/// The two-digit year of a case number.
fn case_year(now: Time) -> u8 {
    u8::try_from(now.year().rem_euclid(100)).unwrap_or(0)
}

/// The judge a new district case is assigned: the court's judges in turn.
fn assigned_judge(judges: &[(String, String)], seq: u32) -> Option<String> {
    (!judges.is_empty()).then(|| judges[usize::try_from(seq).unwrap_or(0) % judges.len()].1.clone())
}

/// Opens a civil case at a district court: its number (never reused, never
/// skipped), its parties, the filer as lead attorney of the plaintiffs, the
/// complaint as entry 1, and the notice, in one transaction.
pub async fn open_civil_case(
    app: &App,
    court: &Court,
    filer: &PacerAccount,
    new: &NewCivilCase,
) -> Result<std::result::Result<Receipt, FilingRefusal>> {
    if court.kind != CourtKind::District {
        return Ok(Err(FilingRefusal::WrongCourtKind));
    }
    if let Err(r) = check_filer(app, court, filer).await? {
        return Ok(Err(r));
    }
    let checked = (|| {
        Ok::<_, FilingRefusal>((
            names(&new.plaintiffs, "Plaintiff")?,
            names(&new.defendants, "Defendant")?,
            clean(&new.nature_of_suit, "Nature of suit", 120)?,
            clean(&new.cause, "Cause", 200)?,
            clean(&new.jurisdiction, "Jurisdiction", 80)?,
            clean(&new.jury_demand, "Jury demand", 40)?,
        ))
    })();
    let (plaintiffs, defendants, nature_of_suit, cause, jurisdiction, jury_demand) = match checked {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let documents = match store_documents(app, &new.complaint, "Complaint", &new.attachments).await? {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let title = format!(
        "{}{} v. {}{}",
        plaintiffs[0],
        if plaintiffs.len() > 1 { " et al" } else { "" },
        defendants[0],
        if defendants.len() > 1 { " et al" } else { "" }
    );
    let judges = app.store.judges(&court.id).await?;
    let year = case_year(now);
    let mut tx = app.store.write().await?;
    let seq = tx.next_case_seq(&court.id, 1, year, CaseType::Civil).await?;
    let judge = assigned_judge(&judges, seq);
    let new_case = NewCase {
        court: court.id.clone(),
        office: 1,
        year,
        case_type: CaseType::Civil,
        judge_initials: judge,
        title,
        nature_of_suit,
        cause,
        jurisdiction,
        jury_demand,
        chapter: None,
        lead_case_id: None,
    };
    let case_id = tx.insert_case(&new_case, seq, now).await?;
    // The opener is each plaintiff's first, so lead, attorney.
    for name in &plaintiffs {
        let party = tx.insert_party(case_id, name, PartyRole::Plaintiff).await?;
        tx.insert_attorney(case_id, party, filer.id, true).await?;
    }
    for name in &defendants {
        tx.insert_party(case_id, name, PartyRole::Defendant).await?;
    }
    let case = tx.lock_case(case_id).await?;
    let docket_text = sentence(&format!(
        "COMPLAINT against {} filed by {}",
        defendants.join(", "),
        plaintiffs.join(", ")
    ));
    let entry = Entry {
        court,
        case,
        event: &COMPLAINT,
        docket_text: &docket_text,
        refers_to: None,
        filer: filer.into(),
        party: &plaintiffs.join(", "),
        documents: &documents,
    };
    Ok(Ok(enter_and_notice(app, tx, entry, now).await?))
}

/// The case a typed number means at this court.
pub async fn find_case(app: &App, court: &Court, typed: &str) -> Result<std::result::Result<CaseRow, FilingRefusal>> {
    let q = match CaseQuery::parse(typed) {
        Ok(q) => q,
        Err(e) => return Ok(Err(FilingRefusal::Invalid(format!("Case number: {}", e.reason)))),
    };
    let mut found = app.store.find_cases(&court.id, &q).await?;
    Ok(match found.len() {
        0 => Err(FilingRefusal::NoSuchCase(typed.trim().to_owned())),
        1 => Ok(found.remove(0)),
        _ => Err(FilingRefusal::SeveralCases(typed.trim().to_owned())),
    })
}

/// A filing into an existing case, checked, its documents stored, its docket
/// text composed: what the entry will be. Kept as JSON while it waits for the
/// filer's Submit on the review page.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Prepared {
    /// The attorney it is filed for (the filer, or the agent's attorney).
    #[serde(default)]
    attorney: Option<i64>,
    case_id: i64,
    event: String,
    party_id: i64,
    party: String,
    docket_text: String,
    /// The id of the entry referred to ("re 2").
    refers_to: Option<i64>,
    documents: Vec<PreparedDocument>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PreparedDocument {
    attachment: i64,
    description: String,
    original_filename: String,
    sha256: String,
    size_bytes: i64,
    pages: i64,
    #[serde(default = "pdf_type")]
    media_type: String,
}

fn pdf_type() -> String {
    PDF.to_owned()
}

impl PreparedDocument {
    fn of(d: &NewDocument) -> Self {
        Self {
            attachment: d.attachment,
            description: d.description.clone(),
            original_filename: d.original_filename.clone(),
            sha256: d.sha256.clone(),
            size_bytes: d.size_bytes,
            pages: d.pages,
            media_type: d.media_type.clone(),
        }
    }

    fn document(&self) -> (NewDocument, u32) {
        (
            NewDocument {
                attachment: self.attachment,
                description: self.description.clone(),
                original_filename: self.original_filename.clone(),
                sha256: self.sha256.clone(),
                size_bytes: self.size_bytes,
                pages: self.pages,
                stamp: String::new(),
                media_type: self.media_type.clone(),
            },
            u32::try_from(self.pages).unwrap_or(0),
        )
    }
}

/// Checks a filing into an existing case and stores its documents (no entry
/// is written): the filer must be an attorney of record, or the event is
/// their first appearance for a party of the case.
async fn prepare(
    app: &App,
    court: &Court,
    filer: Filer<'_>,
    new: &NewFiling,
) -> Result<std::result::Result<(CaseRow, Prepared), FilingRefusal>> {
    if let Err(r) = check_filer_for(app, court, filer).await? {
        return Ok(Err(r));
    }
    let case = match find_case(app, court, &new.case_number).await? {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let catalogue = catalogue::catalogue(app, court).await?;
    // The court's own event of that name: the form's words are not trusted.
    let Some((_, event)) = catalogue.named(&new.event.name) else {
        return Ok(Err(FilingRefusal::Invalid("Event: choose one from the list.".into())));
    };
    if !catalogue.fits(&event.name, case.number.case_type) {
        let (kind, menu) = match case.number.case_type {
            CaseType::Criminal | CaseType::Magistrate => ("criminal", "Criminal"),
            CaseType::Bankruptcy => ("bankruptcy", "Bankruptcy"),
            CaseType::Adversary => ("adversary", "Adversary"),
            CaseType::Civil | CaseType::Miscellaneous => ("civil", "Civil"),
        };
        return Ok(Err(FilingRefusal::WrongMenu {
            case: case.number.to_string(),
            kind,
            menu,
        }));
    }
    let parties = app.store.parties(case.id).await?;
    let Some(party) = parties.iter().find(|p| p.name == new.party) else {
        return Ok(Err(FilingRefusal::Invalid(
            "Filer: choose the party you file for.".into(),
        )));
    };
    // Counsel file for the parties they represent; an appearance makes them so.
    let for_party = app.store.is_attorney_for(case.id, party.id, filer.attorney.id).await?;
    if !for_party && !event.appearance {
        return Ok(Err(FilingRefusal::NotOfRecord));
    }
    let added = new.docket_text.trim();
    if added.chars().count() > 500 || added.chars().any(char::is_control) {
        return Ok(Err(FilingRefusal::Invalid(
            "Docket text: at most 500 characters, on one line.".into(),
        )));
    }
    // Entries are never removed, so the one referred to is still there when the entry is written.
    let referred = match new.prompts.refers_to {
        None => None,
        Some(number) => match app.store.entry_by_number(case.id, number).await? {
            Some(entry) => Some(entry),
            None => return Ok(Err(FilingRefusal::NoSuchEntry(number))),
        },
    };
    let documents = match store_documents(app, &new.main, &event.name, &new.attachments).await? {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let docket_text = compose_docket_text(
        event,
        new.prompts,
        referred.as_ref().map(|(_, number, text)| (*number, text.as_str())),
        added,
        &party.name,
    );
    let prepared = Prepared {
        attorney: Some(filer.attorney.id.get()),
        case_id: case.id,
        event: event.name.to_string(),
        party_id: party.id,
        party: party.name.clone(),
        docket_text,
        refers_to: referred.as_ref().map(|(id, _, _)| *id),
        documents: documents.iter().map(|(d, _)| PreparedDocument::of(d)).collect(),
    };
    Ok(Ok((case, prepared)))
}

/// Writes a prepared filing: the entry takes the next number of the case
/// (under its lock, so two nodes filing at once get consecutive numbers), and
/// the notice goes to every attorney of record, in one transaction. A held
/// filing (`held`: its token's hash and the session's) is taken in the same
/// transaction, so it is filed once.
async fn enter(
    app: &App,
    court: &Court,
    filer: Filer<'_>,
    prepared: &Prepared,
    held: Option<(&str, &str)>,
) -> Result<std::result::Result<Receipt, FilingRefusal>> {
    let catalogue = catalogue::catalogue(app, court).await?;
    let Some((_, event)) = catalogue.named(&prepared.event) else {
        // Removed from the catalogue while the filing waited for Submit.
        return Ok(Err(FilingRefusal::Invalid("Event: choose one from the list.".into())));
    };
    if prepared.attorney.is_some_and(|a| a != filer.attorney.id.get()) {
        // Held for one attorney, submitted for another: not this filing.
        return Ok(Err(FilingRefusal::NotPending));
    }
    let for_party = app
        .store
        .is_attorney_for(prepared.case_id, prepared.party_id, filer.attorney.id)
        .await?;
    if !for_party && !event.appearance {
        return Ok(Err(FilingRefusal::NotOfRecord));
    }
    let documents: Vec<(NewDocument, u32)> = prepared.documents.iter().map(PreparedDocument::document).collect();
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    if let Some((token_hash, session_hash)) = held {
        if tx
            .take_pending_filing(token_hash, session_hash, &court.id, now)
            .await?
            .is_none()
        {
            return Ok(Err(FilingRefusal::NotPending));
        }
    }
    if let Some(agent) = filer.agent {
        // Read where the entry is written: a removal that committed first wins.
        if !tx.is_filing_agent(&court.id, filer.attorney.id, agent.id).await? {
            return Ok(Err(FilingRefusal::NotAnAgent));
        }
    }
    let case = tx.lock_case(prepared.case_id).await?;
    if event.appearance {
        // The party's first attorney is its lead attorney.
        let lead = !tx.party_represented(case.id, prepared.party_id).await?;
        tx.insert_attorney(case.id, prepared.party_id, filer.attorney.id, lead)
            .await?;
    }
    let entry = Entry {
        court,
        case,
        event,
        docket_text: &prepared.docket_text,
        refers_to: prepared.refers_to,
        filer,
        party: &prepared.party,
        documents: &documents,
    };
    Ok(Ok(enter_and_notice(app, tx, entry, now).await?))
}

/// Files a document into an existing case at once (the web form holds it
/// for the filer's review first: [`hold_filing`]).
pub async fn file_document<'a>(
    app: &App,
    court: &Court,
    filer: impl Into<Filer<'a>>,
    new: &NewFiling,
) -> Result<std::result::Result<Receipt, FilingRefusal>> {
    let filer = filer.into();
    match prepare(app, court, filer, new).await? {
        Ok((_, prepared)) => enter(app, court, filer, &prepared, None).await,
        Err(e) => Ok(Err(e)),
    }
}

/// How long a filing waits for the filer's Submit on the review page.
pub const HOLD_MINUTES: i64 = 30;

/// What the review page shows ("Docket Text: Final Text") before Submit.
/// `Debug` leaves the token out.
#[derive(Clone)]
pub struct Review {
    /// The held filing's token, for Submit or Cancel (from the same session only).
    pub token: String,
    pub case: CaseRow,
    pub event: String,
    pub docket_text: String,
    /// Each document: its description, original filename and pages.
    pub documents: Vec<(String, String, i64)>,
}

/// Checks a filing into an existing case and stores its documents, then holds
/// it, for this session, for [`HOLD_MINUTES`]: the filer reviews the final
/// docket text and submits it ([`submit_held_filing`]) or cancels it. Nothing
/// is on the docket, and no one is noticed, until Submit.
pub async fn hold_filing<'a>(
    app: &App,
    court: &Court,
    filer: impl Into<Filer<'a>>,
    session_hash: &str,
    new: &NewFiling,
) -> Result<std::result::Result<Review, FilingRefusal>> {
    let filer = filer.into();
    let (case, prepared) = match prepare(app, court, filer, new).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let token = crate::tokens::random_token();
    let json = serde_json::to_string(&prepared).map_err(|e| crate::Error::Internal(e.into()))?;
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    tx.hold_pending_filing(
        &crate::tokens::hash_token(&token),
        session_hash,
        &court.id,
        &json,
        now,
        now + chrono::Duration::minutes(HOLD_MINUTES),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Review {
        token,
        case,
        event: prepared.event,
        docket_text: prepared.docket_text,
        documents: prepared
            .documents
            .into_iter()
            .map(|d| (d.description, d.original_filename, d.pages))
            .collect(),
    }))
}

/// Submit on the review page: files the held filing, once, from the session
/// that held it, within [`HOLD_MINUTES`].
pub async fn submit_held_filing<'a>(
    app: &App,
    court: &Court,
    filer: impl Into<Filer<'a>>,
    session_hash: &str,
    token: &str,
) -> Result<std::result::Result<Receipt, FilingRefusal>> {
    let filer = filer.into();
    if let Err(r) = check_filer_for(app, court, filer).await? {
        return Ok(Err(r));
    }
    let token_hash = crate::tokens::hash_token(token);
    let Some(json) = app
        .store
        .pending_filing(&token_hash, session_hash, &court.id, app.clock.now())
        .await?
    else {
        return Ok(Err(FilingRefusal::NotPending));
    };
    let prepared: Prepared = serde_json::from_str(&json).map_err(|e| crate::Error::Internal(e.into()))?;
    enter(app, court, filer, &prepared, Some((&token_hash, session_hash))).await
}

/// Cancel on the review page: the held filing is dropped; nothing was filed.
pub async fn cancel_held_filing(app: &App, court: &Court, session_hash: &str, token: &str) -> Result<()> {
    let mut tx = app.store.write().await?;
    tx.take_pending_filing(
        &crate::tokens::hash_token(token),
        session_hash,
        &court.id,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the account may read a case's docket and its documents, restricted
/// ones too: an attorney of record, or the court's staff (the public reads
/// the docket report, with its fees).
pub async fn may_read(app: &App, court: &Court, case_id: i64, account: &PacerAccount) -> Result<bool> {
    Ok(reader(app, court, case_id, Some(account)).await?.gets_restricted())
}

/// Who is reading a case's record (the public when `None`): court staff of
/// its court, an attorney of record in it, or neither.
pub async fn reader(
    app: &App,
    court: &Court,
    case_id: i64,
    account: Option<&PacerAccount>,
) -> Result<openecf_domain::Reader> {
    let Some(account) = account else {
        return Ok(openecf_domain::Reader::default());
    };
    Ok(openecf_domain::Reader {
        staff: app.store.is_staff(&court.id, account.id).await?,
        attorney: app.store.is_attorney(case_id, account.id).await?,
    })
}

/// A free look at a document through the link in a recipient's notice: the
/// first view within 15 days is granted; the link is spent by it.
pub async fn free_look(app: &App, document_id: i64, token: &str) -> Result<openecf_store::FreeLook> {
    let now = app.clock.now();
    Ok(app
        .store
        .use_free_look(&crate::tokens::hash_token(token), document_id, now)
        .await?)
}

/// Whether a notice's free look is still there to use (`Granted`), without using it.
pub async fn peek_free_look(app: &App, document_id: i64, token: &str) -> Result<openecf_store::FreeLook> {
    let now = app.clock.now();
    Ok(app
        .store
        .peek_free_look(&crate::tokens::hash_token(token), document_id, now)
        .await?)
}

/// Whether this session's filer has acknowledged the redaction rules (CM/ECF
/// asks before the first filing of each session).
pub async fn redaction_acknowledged(app: &App, session_hash: &str) -> Result<bool> {
    Ok(app.store.redaction_acknowledged(session_hash).await?)
}

/// "I understand that, if I file, I must comply with the redaction rules."
pub async fn acknowledge_redaction(app: &App, session_hash: &str) -> Result<()> {
    Ok(app.store.acknowledge_redaction(session_hash, app.clock.now()).await?)
}

/// A voluntary petition, as the filer entered it. `Debug` leaves the SSNs out.
#[derive(Clone)]
pub struct NewPetition {
    /// 7, 11, 12, 13 or 15.
    pub chapter: i64,
    /// One debtor, or two for a joint petition: (name, SSN or ITIN as typed).
    pub debtors: Vec<(String, String)>,
    pub petition: Upload,
    pub attachments: Vec<(String, Upload)>,
}

/// Opens a bankruptcy case by voluntary petition at a bankruptcy court: the
/// debtors (their SSN or ITIN sealed under the server key; only the last four
/// digits are kept in the clear), the filer as their lead attorney, the
/// petition as entry 1 with its filing fee, and the notice.
pub async fn open_bankruptcy_case(
    app: &App,
    court: &Court,
    filer: &PacerAccount,
    new: &NewPetition,
) -> Result<std::result::Result<Receipt, FilingRefusal>> {
    if court.kind != CourtKind::Bankruptcy {
        return Ok(Err(FilingRefusal::Invalid(
            "Bankruptcy cases are opened at bankruptcy courts.".into(),
        )));
    }
    if let Err(r) = check_filer(app, court, filer).await? {
        return Ok(Err(r));
    }
    let Some(fee) = openecf_domain::petition_fee_cents(new.chapter) else {
        return Ok(Err(FilingRefusal::Invalid(
            "Chapter: choose 7, 11, 12, 13 or 15.".into(),
        )));
    };
    if new.debtors.is_empty() || new.debtors.len() > 2 {
        return Ok(Err(FilingRefusal::Invalid(
            "Debtor: one debtor, or two for a joint petition.".into(),
        )));
    }
    let mut debtors = Vec::new();
    for (n, (name, ssn)) in new.debtors.iter().enumerate() {
        let which = if n == 0 { "Debtor" } else { "Joint debtor" };
        let name = match clean(name, &format!("{which} name"), 200) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        let id = match openecf_domain::TaxId::parse(ssn) {
            Ok(id) => id,
            Err(e) => return Ok(Err(FilingRefusal::Invalid(format!("{which} SSN/ITIN: {}", e.reason)))),
        };
        debtors.push((name, id));
    }
    let documents = match store_documents(app, &new.petition, "Voluntary Petition", &new.attachments).await? {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let year = case_year(now);
    let names: Vec<&str> = debtors.iter().map(|(n, _)| n.as_str()).collect();
    let title = names.join(" and ");
    let mut tx = app.store.write().await?;
    let seq = tx.next_case_seq(&court.id, 1, year, CaseType::Bankruptcy).await?;
    let new_case = NewCase {
        court: court.id.clone(),
        office: 1,
        year,
        case_type: CaseType::Bankruptcy,
        judge_initials: None,
        title: title.clone(),
        nature_of_suit: String::new(),
        cause: String::new(),
        jurisdiction: String::new(),
        jury_demand: "None".into(),
        chapter: Some(new.chapter),
        lead_case_id: None,
    };
    let case_id = tx.insert_case(&new_case, seq, now).await?;
    for (name, id) in &debtors {
        let sealed = crate::seal::seal_tax_id(&app.settings.secret_key, id.expose())?;
        let party = tx
            .insert_party_with_ssn(case_id, name, PartyRole::Debtor, Some((&sealed, id.last4())))
            .await?;
        tx.insert_attorney(case_id, party, filer.id, true).await?;
    }
    let case = tx.lock_case(case_id).await?;
    let docket_text = sentence(&format!(
        "Chapter {} Voluntary Petition{}. Fee Amount {} Filed by {}",
        new.chapter,
        if debtors.len() > 1 { " (Joint)" } else { "" },
        openecf_domain::dollars(fee),
        title
    ));
    let entry = Entry {
        court,
        case,
        event: &PETITION,
        docket_text: &docket_text,
        refers_to: None,
        filer: filer.into(),
        party: &title,
        documents: &documents,
    };
    Ok(Ok(enter_and_notice(app, tx, entry, now).await?))
}

/// An adversary proceeding, as the filer entered it.
#[derive(Debug, Clone)]
pub struct NewAdversary {
    /// The lead bankruptcy case, as typed.
    pub lead_case_number: String,
    pub plaintiffs: Vec<String>,
    pub defendants: Vec<String>,
    pub nature_of_suit: String,
    pub complaint: Upload,
    pub attachments: Vec<(String, Upload)>,
}

/// Opens an adversary proceeding in a bankruptcy case: its own number
/// (`1:26-ap-00005`), tied to the lead case, the filer as lead attorney of
/// the plaintiffs, the complaint as entry 1, and an entry on the lead case's
/// docket that names it; notices for both, in one transaction.
pub async fn open_adversary(
    app: &App,
    court: &Court,
    filer: &PacerAccount,
    new: &NewAdversary,
) -> Result<std::result::Result<Receipt, FilingRefusal>> {
    if court.kind != CourtKind::Bankruptcy {
        return Ok(Err(FilingRefusal::Invalid(
            "Adversary proceedings are opened at bankruptcy courts.".into(),
        )));
    }
    if let Err(r) = check_filer(app, court, filer).await? {
        return Ok(Err(r));
    }
    let lead = match find_case(app, court, &new.lead_case_number).await? {
        Ok(c) if c.number.case_type == CaseType::Bankruptcy => c,
        Ok(_) => {
            return Ok(Err(FilingRefusal::Invalid(
                "Lead case: name the bankruptcy case (its number has -bk-).".into(),
            )))
        }
        Err(e) => return Ok(Err(e)),
    };
    let (plaintiffs, defendants, nature_of_suit) = match (|| {
        Ok::<_, FilingRefusal>((
            names(&new.plaintiffs, "Plaintiff")?,
            names(&new.defendants, "Defendant")?,
            clean(&new.nature_of_suit, "Nature of suit", 120)?,
        ))
    })() {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let documents = match store_documents(app, &new.complaint, "Adversary Complaint", &new.attachments).await? {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let year = case_year(now);
    let title = format!("{} v. {}", plaintiffs.join(", "), defendants.join(", "));
    let mut tx = app.store.write().await?;
    let lead = tx.lock_case(lead.id).await?;
    let seq = tx.next_case_seq(&court.id, 1, year, CaseType::Adversary).await?;
    let new_case = NewCase {
        court: court.id.clone(),
        office: 1,
        year,
        case_type: CaseType::Adversary,
        judge_initials: None,
        title: title.clone(),
        nature_of_suit,
        cause: String::new(),
        jurisdiction: String::new(),
        jury_demand: "None".into(),
        chapter: None,
        lead_case_id: Some(lead.id),
    };
    let case_id = tx.insert_case(&new_case, seq, now).await?;
    for name in &plaintiffs {
        let party = tx.insert_party(case_id, name, PartyRole::Plaintiff).await?;
        tx.insert_attorney(case_id, party, filer.id, true).await?;
    }
    for name in &defendants {
        tx.insert_party(case_id, name, PartyRole::Defendant).await?;
    }
    let case = tx.lock_case(case_id).await?;
    let docket_text = sentence(&format!(
        "Adversary case {}. Complaint by {} against {}",
        case.number,
        plaintiffs.join(", "),
        defendants.join(", ")
    ));
    // The lead case's docket names the new proceeding.
    let lead_number = tx.next_entry_number(lead.id).await?;
    let lead_entry = NewEntry {
        case_id: lead.id,
        number: lead_number,
        event: &ADVERSARY_COMPLAINT.name,
        docket_text: &docket_text,
        refers_to: None,
        filed_by: filer.id,
        entered_by: None,
    };
    tx.insert_entry(&lead_entry, now).await?;
    let party = plaintiffs.join(", ");
    let entry = Entry {
        court,
        case,
        event: &ADVERSARY_COMPLAINT,
        docket_text: &docket_text,
        refers_to: None,
        filer: filer.into(),
        party: &party,
        documents: &documents,
    };
    Ok(Ok(enter_and_notice(app, tx, entry, now).await?))
}

/// A new criminal case, as the clerk's office entered it.
#[derive(Debug, Clone)]
pub struct NewCriminalCase {
    /// Criminal (`cr`) or magistrate judge (`mj`).
    pub case_type: CaseType,
    pub defendants: Vec<String>,
    /// The offence, like "18:1343 Wire Fraud".
    pub cause: String,
    pub indictment: Upload,
    pub attachments: Vec<(String, Upload)>,
}

/// Opens a criminal case at a district court, by the clerk's office (court
/// staff, not filers): United States of America against the defendants,
/// numbered `1:26-cr-00012-ABC` with the assigned judge, the charging
/// document as entry 1. Prosecutors and defence counsel then appear by a
/// Notice of Attorney Appearance from the Criminal menu.
pub async fn open_criminal_case(
    app: &App,
    court: &Court,
    staff: &PacerAccount,
    new: &NewCriminalCase,
) -> Result<std::result::Result<Receipt, FilingRefusal>> {
    if court.kind != CourtKind::District {
        return Ok(Err(FilingRefusal::WrongCourtKind));
    }
    if !court.is_live() || !app.store.is_staff(&court.id, staff.id).await? {
        return Ok(Err(FilingRefusal::NotStaff));
    }
    if !matches!(new.case_type, CaseType::Criminal | CaseType::Magistrate) {
        return Ok(Err(FilingRefusal::Invalid("Case type: cr or mj.".into())));
    }
    let checked =
        (|| Ok::<_, FilingRefusal>((names(&new.defendants, "Defendant")?, clean(&new.cause, "Cause", 200)?)))();
    let (defendants, cause) = match checked {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let documents = match store_documents(app, &new.indictment, &INDICTMENT.name, &new.attachments).await? {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let title = format!(
        "USA v. {}{}",
        defendants[0],
        if defendants.len() > 1 { " et al" } else { "" }
    );
    let judges = app.store.judges(&court.id).await?;
    let year = case_year(now);
    let mut tx = app.store.write().await?;
    let seq = tx.next_case_seq(&court.id, 1, year, new.case_type).await?;
    let judge = assigned_judge(&judges, seq);
    let new_case = NewCase {
        court: court.id.clone(),
        office: 1,
        year,
        case_type: new.case_type,
        judge_initials: judge,
        title,
        nature_of_suit: String::new(),
        cause,
        jurisdiction: "U.S. Government Plaintiff".into(),
        jury_demand: String::new(),
        chapter: None,
        lead_case_id: None,
    };
    let case_id = tx.insert_case(&new_case, seq, now).await?;
    tx.insert_party(case_id, "USA", PartyRole::Plaintiff).await?;
    for name in &defendants {
        tx.insert_party(case_id, name, PartyRole::Defendant).await?;
    }
    let case = tx.lock_case(case_id).await?;
    let named: Vec<String> = defendants
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{d} ({})", i + 1))
        .collect();
    let docket_text = sentence(&format!("{} as to {}", INDICTMENT.docket_text, named.join(", ")));
    let entry = Entry {
        court,
        case,
        event: &INDICTMENT,
        docket_text: &docket_text,
        refers_to: None,
        filer: staff.into(),
        party: "USA",
        documents: &documents,
    };
    Ok(Ok(enter_and_notice(app, tx, entry, now).await?))
}

impl std::fmt::Debug for NewPetition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let debtors: Vec<(&str, &str)> = self
            .debtors
            .iter()
            .map(|(name, _)| (name.as_str(), "[redacted]"))
            .collect();
        f.debug_struct("NewPetition")
            .field("chapter", &self.chapter)
            .field("debtors", &debtors)
            .field("petition", &self.petition)
            .field("attachments", &self.attachments)
            .finish()
    }
}

impl std::fmt::Debug for Review {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Review")
            .field("token", &"[redacted]")
            .field("case", &self.case.number)
            .field("event", &self.event)
            .field("docket_text", &self.docket_text)
            .field("documents", &self.documents)
            .finish()
    }
}

/// Charges a PACER user for viewing a document: its pages at $0.10, at most
/// 30 pages; free for the court's own staff and under a CJA exemption. Once
/// per `request_key` (the View Document page's own number).
#[allow(clippy::too_many_arguments)]
pub async fn charge_document(
    app: &App,
    court: &Court,
    account: &PacerAccount,
    session_hash: &str,
    description: &str,
    criteria: &str,
    pages: i64,
    opinion: bool,
    request_key: &str,
) -> Result<openecf_store::TransactionRow> {
    crate::fees::charge(
        app,
        account,
        session_hash,
        crate::fees::Charge {
            court: Some(court),
            description,
            criteria,
            billable: openecf_domain::fees::Billable::Document { pages },
            opinion,
            request_key,
        },
    )
    .await
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn a_petitions_debug_output_leaves_the_ssns_out() {
        let p = NewPetition {
            chapter: 7,
            debtors: vec![("Jane Debtor".into(), "123-45-6789".into())],
            petition: Upload {
                filename: "p.pdf".into(),
                bytes: vec![],
            },
            attachments: vec![],
        };
        let shown = format!("{p:?}");
        assert!(shown.contains("Jane Debtor") && !shown.contains("6789"), "{shown}");
    }
}
