//! Utilities → Maintain Your ECF Account: a linked filer's secondary e-mail
//! addresses for noticing and delivery method at a court; who a notice goes
//! to; and the Daily Summary Report job.

use chrono::{Duration, NaiveDate, NaiveTime};
use openecf_domain::mail::{daily_summary, SummaryItem};
use openecf_domain::{
    check_secondary_email, AuditAction, AuditOutcome, Court, CourtId, Email, NewAuditEvent, NoticeDelivery,
    PacerAccount, PacerAccountId, SecondaryEmailRefusal,
};
use openecf_store::{AttorneyRow, ClaimedJob, NewJob, NoticePrefs, Time, Tx, NEF_DAILY_SUMMARY};

use crate::{App, Result};

/// Why a change was refused; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EcfAccountRefusal {
    #[error("Only filers whose CM/ECF account is linked to their PACER account at this court may maintain their ECF account here.")]
    NotAFiler,
    #[error(transparent)]
    Email(#[from] SecondaryEmailRefusal),
    #[error("{0} is not one of your secondary e-mail addresses.")]
    NotSecondary(String),
}

/// The CM/ECF login linked at this live court, or the refusal.
async fn linked(app: &App, court: &Court, account: &PacerAccount) -> Result<Option<String>> {
    if !court.is_live() {
        return Ok(None);
    }
    Ok(app.store.linked_login(&court.id, account.id).await?)
}

/// The filer's noticing at this court.
pub async fn prefs(
    app: &App,
    court: &Court,
    account: &PacerAccount,
) -> Result<std::result::Result<NoticePrefs, EcfAccountRefusal>> {
    if linked(app, court, account).await?.is_none() {
        return Ok(Err(EcfAccountRefusal::NotAFiler));
    }
    Ok(Ok(app.store.notice_prefs(&court.id, account.id).await?))
}

fn audit(court: &Court, account: &PacerAccount, login: &str, action: AuditAction, detail: String) -> NewAuditEvent {
    NewAuditEvent {
        pacer_account: Some(account.id),
        pacer_username: Some(account.username.to_string()),
        court_id: Some(court.id.to_string()),
        ecf_login: Some(login.to_owned()),
        detail,
        ..NewAuditEvent::new(action, AuditOutcome::Done)
    }
}

/// Adds a secondary address: a valid one, not the primary, not kept
/// already, at most five (counted under the filer's prefs row lock).
pub async fn add_secondary_email(
    app: &App,
    court: &Court,
    account: &PacerAccount,
    raw: &str,
) -> Result<std::result::Result<Email, EcfAccountRefusal>> {
    let Some(login) = linked(app, court, account).await? else {
        return Ok(Err(EcfAccountRefusal::NotAFiler));
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let prefs = tx.lock_notice_prefs(&court.id, account.id, now).await?;
    let email = match check_secondary_email(raw, account.email.as_str(), &prefs.secondary) {
        Ok(e) => e,
        Err(refusal) => {
            tx.rollback().await?;
            return Ok(Err(refusal.into()));
        }
    };
    tx.insert_secondary_email(&court.id, account.id, email.as_str(), now)
        .await?;
    let event = audit(court, account, &login, AuditAction::EcfEmailAdd, email.to_string());
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Ok(email))
}

/// Removes a secondary address.
pub async fn remove_secondary_email(
    app: &App,
    court: &Court,
    account: &PacerAccount,
    email: &str,
) -> Result<std::result::Result<(), EcfAccountRefusal>> {
    let Some(login) = linked(app, court, account).await? else {
        return Ok(Err(EcfAccountRefusal::NotAFiler));
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    tx.lock_notice_prefs(&court.id, account.id, now).await?;
    if !tx.delete_secondary_email(&court.id, account.id, email).await? {
        tx.rollback().await?;
        let shown: String = email.chars().filter(|c| !c.is_control()).take(254).collect();
        return Ok(Err(EcfAccountRefusal::NotSecondary(shown)));
    }
    let event = audit(court, account, &login, AuditAction::EcfEmailRemove, email.to_owned());
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Sets the delivery method (a change only when it differs).
pub async fn set_delivery(
    app: &App,
    court: &Court,
    account: &PacerAccount,
    delivery: NoticeDelivery,
) -> Result<std::result::Result<(), EcfAccountRefusal>> {
    let Some(login) = linked(app, court, account).await? else {
        return Ok(Err(EcfAccountRefusal::NotAFiler));
    };
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let prefs = tx.lock_notice_prefs(&court.id, account.id, now).await?;
    if prefs.delivery == delivery {
        tx.rollback().await?;
        return Ok(Ok(()));
    }
    tx.set_notice_delivery(&court.id, account.id, delivery, now).await?;
    let event = audit(
        court,
        account,
        &login,
        AuditAction::EcfDelivery,
        delivery.label().to_owned(),
    );
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// One address a notice goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recipient {
    pub account: PacerAccountId,
    pub name: String,
    pub email: String,
    pub delivery: NoticeDelivery,
}

/// Every address the attorneys to be noticed get notices at: each one's
/// primary address and secondary addresses at this court, with their
/// delivery method (one per account and address).
pub(crate) async fn recipients(tx: &mut Tx, court: &CourtId, attorneys: &[AttorneyRow]) -> Result<Vec<Recipient>> {
    let mut out: Vec<Recipient> = Vec::new();
    for a in attorneys.iter().filter(|a| a.to_be_noticed != 0) {
        let account = PacerAccountId::new(a.pacer_account_id);
        if out.iter().any(|r| r.account == account) {
            continue;
        }
        let prefs = tx.notice_prefs(court, account).await?;
        for email in std::iter::once(a.email.clone()).chain(prefs.secondary) {
            if !out
                .iter()
                .any(|r| r.account == account && r.email.eq_ignore_ascii_case(&email))
            {
                out.push(Recipient {
                    account,
                    name: a.name.clone(),
                    email,
                    delivery: prefs.delivery,
                });
            }
        }
    }
    Ok(out)
}

/// When a day's summary is sent: the start of the next day (UTC).
fn summary_at(day: NaiveDate) -> Time {
    (day + Duration::days(1)).and_time(NaiveTime::MIN).and_utc()
}

/// Queues the court's Daily Summary Report job for the day of `at` (one per
/// court per day, across nodes: a keyed job).
pub(crate) async fn queue_daily_summary(tx: &mut Tx, court: &CourtId, at: Time, now: Time) -> Result<()> {
    let day = at.date_naive();
    let key = format!("{NEF_DAILY_SUMMARY}:{court}:{day}");
    tx.enqueue_job(
        &NewJob::keyed(NEF_DAILY_SUMMARY, key, format!("{court}|{day}"), summary_at(day)),
        now,
    )
    .await?;
    Ok(())
}

/// Makes sure every court with filings not yet reported has its summary job
/// (the worker runs this at start, as it queues the purge).
pub async fn schedule_daily_summaries(app: &App) -> Result<()> {
    let pending = app.store.pending_summaries().await?;
    if pending.is_empty() {
        return Ok(());
    }
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    for (court, oldest) in pending {
        let Ok(court) = CourtId::parse(&court) else { continue };
        queue_daily_summary(&mut tx, &court, oldest, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The Daily Summary Report job of a court and day: one plain mail per
/// recipient address listing the filings not yet reported, up to the end of
/// the day; the items are marked sent in the transaction that queues the
/// mails and finishes the job, so they are reported once.
pub async fn run_daily_summary(app: &App, job: &ClaimedJob) -> Result<()> {
    let now = app.clock.now();
    let bad = || anyhow::anyhow!("daily summary job with a bad payload {:?}", job.payload);
    let (court, day) = job.payload.split_once('|').ok_or_else(bad)?;
    let court = CourtId::parse(court).map_err(|_| bad())?;
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad())?;
    let until = summary_at(day);
    if until > now {
        // Early (a clock that stepped back): fail, so it runs again later.
        return Err(anyhow::anyhow!("the {day} summary of {court} is due at {until}, not yet").into());
    }
    let court_name = app
        .store
        .court(&court)
        .await?
        .map(|c| c.name)
        .unwrap_or_else(|| court.to_string());
    let mut tx = app.store.write().await?;
    let items = tx.pending_summary_items(&court, until).await?;
    let mut sent = Vec::with_capacity(items.len());
    for group in items.chunk_by(|a, b| a.to_addr == b.to_addr) {
        let ids = group.iter().map(|i| i.id);
        let Ok(to) = Email::from_stored(&group[0].to_addr) else {
            // An address that can take no mail: nothing to send it.
            sent.extend(ids);
            continue;
        };
        let listed: Vec<SummaryItem> = group
            .iter()
            .map(|i| SummaryItem {
                case_number: i.case_number.clone(),
                case_title: i.case_title.clone(),
                document_number: i.document_number,
                docket_text: i.docket_text.clone(),
                link: i.link.clone(),
                filed_on: i.filed_at.format("%-m/%-d/%Y").to_string(),
            })
            .collect();
        tx.enqueue_mail(&daily_summary(&to, &court_name, day, &listed), now)
            .await?;
        sent.extend(ids);
    }
    tx.mark_summary_items_sent(&sent, now).await?;
    if !tx.complete_job(job).await? {
        tx.rollback().await?;
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}
