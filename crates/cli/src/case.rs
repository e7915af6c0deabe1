//! `openecf case …`: court staff's changes to a case's record — seal or
//! unseal a docket entry, restrict or release a document, record the
//! details the docket report prints (each with a required reason), schedule
//! or cancel a hearing — audited with the operator. A refusal says why and
//! changes nothing.

use anyhow::anyhow;
use clap::Subcommand;
use openecf_app::record::{self, DetailChanges, NewHearing};
use openecf_app::App;
use openecf_domain::record::{parse_day, parse_hearing_time};
use openecf_domain::{CourtId, RecordRefusal};
use openecf_store::CaseRow;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Seal a docket entry: its text and documents are then the court's
    /// staff's alone (the public and the case's attorneys no longer see it)
    Seal {
        court: String,
        /// The case number, e.g. 1:26-cv-00012 or 26-12
        case: String,
        /// The entry's number on the docket
        entry: i64,
        /// Why (kept in the audit trail)
        #[arg(long)]
        reason: String,
        /// Who does it (kept in the audit trail)
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Unseal a sealed docket entry
    Unseal {
        court: String,
        case: String,
        entry: i64,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Restrict a document: the public no longer gets it (its entry still
    /// shows); the case's attorneys of record and the court's staff do
    Restrict {
        court: String,
        case: String,
        entry: i64,
        /// One of the entry's attachments (by default its main document)
        #[arg(long, default_value_t = 0)]
        attachment: i64,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Release a restricted document to the public again
    Unrestrict {
        court: String,
        case: String,
        entry: i64,
        #[arg(long, default_value_t = 0)]
        attachment: i64,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Schedule a hearing on the case: the Calendar Events report
    /// (cgi-bin/CalEvents.pl) lists it
    Hearing {
        court: String,
        case: String,
        /// The court's local date and time: YYYY-MM-DD HH:MM
        #[arg(long)]
        at: String,
        /// What is heard, like "Motion Hearing re 12 Motion to Dismiss"
        #[arg(long)]
        description: String,
        /// Where, like "Courtroom 5A"
        #[arg(long)]
        location: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Cancel a hearing (by the id `case hearing` printed)
    CancelHearing {
        court: String,
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Record the case's details the docket report prints; each option left
    /// out stays as it is, "none" (or "") clears it
    Set {
        court: String,
        case: String,
        /// The magistrate judge the case is referred to (the name only: Sarah Netburn)
        #[arg(long)]
        referred_to: Option<String>,
        /// Date Terminated (YYYY-MM-DD, the court's day)
        #[arg(long)]
        terminated: Option<String>,
        /// Bankruptcy: Date Converted (YYYY-MM-DD)
        #[arg(long)]
        converted: Option<String>,
        /// Bankruptcy: Debtor discharged (YYYY-MM-DD)
        #[arg(long)]
        discharged: Option<String>,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
}

fn refused(r: RecordRefusal) -> anyhow::Error {
    anyhow!("refused: {r}; nothing changed")
}

fn day_change(field: &'static str, raw: Option<&str>) -> anyhow::Result<Option<Option<chrono::NaiveDate>>> {
    raw.map(|r| parse_day(field, r).map_err(|e| refused(e.into())))
        .transpose()
}

fn show(case: &CaseRow) -> String {
    let d = &case.details;
    let day = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
    format!(
        "{}: Referred to {}; Date Terminated {}; Date Converted {}; Debtor discharged {}",
        case.number,
        if d.referred_to.is_empty() { "-" } else { &d.referred_to },
        day(d.date_terminated),
        day(d.date_converted),
        day(d.date_discharged)
    )
}

pub async fn run(app: &App, cmd: CaseCommand) -> anyhow::Result<()> {
    match cmd {
        CaseCommand::Seal {
            court,
            case,
            entry,
            reason,
            operator,
        } => seal(app, &court, &case, entry, true, &reason, &operator).await,
        CaseCommand::Unseal {
            court,
            case,
            entry,
            reason,
            operator,
        } => seal(app, &court, &case, entry, false, &reason, &operator).await,
        CaseCommand::Restrict {
            court,
            case,
            entry,
            attachment,
            reason,
            operator,
        } => restrict(app, &court, &case, (entry, attachment), true, &reason, &operator).await,
        CaseCommand::Unrestrict {
            court,
            case,
            entry,
            attachment,
            reason,
            operator,
        } => restrict(app, &court, &case, (entry, attachment), false, &reason, &operator).await,
        CaseCommand::Hearing {
            court,
            case,
            at,
            description,
            location,
            operator,
        } => {
            let court = CourtId::parse(&court)?;
            let at = parse_hearing_time(&at).map_err(|e| refused(e.into()))?;
            let hearing = NewHearing {
                at,
                description,
                location,
            };
            let (case, id) = record::schedule_hearing(app, &court, &case, &hearing, &operator)
                .await?
                .map_err(refused)?;
            println!(
                "hearing {id} scheduled at {court} in {} for {} ({}): {}",
                case.number,
                hearing.at.format("%Y-%m-%d %H:%M"),
                hearing.location.trim(),
                hearing.description.trim()
            );
            Ok(())
        }
        CaseCommand::CancelHearing {
            court,
            id,
            reason,
            operator,
        } => {
            let court = CourtId::parse(&court)?;
            record::cancel_hearing(app, &court, id, &reason, &operator)
                .await?
                .map_err(refused)?;
            println!("hearing {id} at {court} cancelled");
            Ok(())
        }
        CaseCommand::Set {
            court,
            case,
            referred_to,
            terminated,
            converted,
            discharged,
            reason,
            operator,
        } => {
            let court = CourtId::parse(&court)?;
            let changes = DetailChanges {
                referred_to: referred_to.map(|r| {
                    if r.trim().eq_ignore_ascii_case("none") {
                        String::new()
                    } else {
                        r
                    }
                }),
                date_terminated: day_change("Date Terminated", terminated.as_deref())?,
                date_converted: day_change("Date Converted", converted.as_deref())?,
                date_discharged: day_change("Debtor discharged", discharged.as_deref())?,
            };
            let case = record::set_details(app, &court, &case, &changes, &reason, &operator)
                .await?
                .map_err(refused)?;
            println!("recorded at {court}: {}", show(&case));
            Ok(())
        }
    }
}

async fn seal(
    app: &App,
    court: &str,
    case: &str,
    entry: i64,
    seal: bool,
    reason: &str,
    operator: &str,
) -> anyhow::Result<()> {
    let court = CourtId::parse(court)?;
    let case = record::seal_entry(app, &court, case, entry, seal, reason, operator)
        .await?
        .map_err(refused)?;
    let what = if seal {
        "sealed: only the court's staff see its text and documents"
    } else {
        "unsealed: the public sees it again"
    };
    println!("entry {entry} of {} at {court} {what}", case.number);
    Ok(())
}

async fn restrict(
    app: &App,
    court: &str,
    case: &str,
    (entry, attachment): (i64, i64),
    restrict: bool,
    reason: &str,
    operator: &str,
) -> anyhow::Result<()> {
    let court = CourtId::parse(court)?;
    let case = record::restrict_document(app, &court, case, entry, attachment, restrict, reason, operator)
        .await?
        .map_err(refused)?;
    let doc = if attachment == 0 {
        format!("document {entry}")
    } else {
        format!("document {entry}, attachment {attachment},")
    };
    let what = if restrict {
        "restricted: only the case's attorneys of record and the court's staff get it"
    } else {
        "released to the public"
    };
    println!("{doc} of {} at {court} {what}", case.number);
    Ok(())
}
