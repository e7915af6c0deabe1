//! The PACER Case Locator: a national index of every court's cases and
//! parties, searched by the public JSON API (`/pcl-public-api/rest/…`) and the
//! `/pcl` page; each page of results is billed ($0.10 a page of 54 records).

use chrono::NaiveDate;
use openecf_domain::fees::{Billable, LOCATOR_PAGE_RECORDS};
use openecf_domain::{CaseQuery, InvalidInput, PacerAccount};
use openecf_store::{CaseRow, LocatedParty, LocatorCriteria, ReportRow, TransactionRow};
use serde::{Deserialize, Serialize};

use crate::fees::{self, Charge};
use crate::{App, Result};

/// Results on a page, as PACER's locator pages them.
pub const PAGE_SIZE: i64 = LOCATOR_PAGE_RECORDS;
/// The most records a batch search keeps.
pub const BATCH_MAX: i64 = 10_000;

/// Case criteria, as the API takes them (camelCase JSON; every part optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CaseSearch {
    pub court_id: Vec<String>,
    pub case_number_full: String,
    pub case_title: String,
    pub case_type: Vec<String>,
    pub case_year: Option<i64>,
    pub case_number: Option<i64>,
    pub case_office: String,
    pub date_filed_from: String,
    pub date_filed_to: String,
    pub federal_bankruptcy_chapter: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<Box<PartySearch>>,
}

/// Party criteria, as the API takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PartySearch {
    pub last_name: String,
    pub first_name: String,
    pub exact_name_match: bool,
    pub role: Vec<String>,
    pub court_id: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub court_case: Option<Box<CaseSearch>>,
}

fn text(field: &'static str, raw: &str) -> std::result::Result<Option<String>, InvalidInput> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > 200 || v.chars().any(char::is_control) {
        return Err(InvalidInput::new(field, "at most 200 characters, on one line"));
    }
    Ok(Some(v.to_owned()))
}

fn date(field: &'static str, raw: &str) -> std::result::Result<Option<NaiveDate>, InvalidInput> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%Y/%m/%d"))
        .map(Some)
        .map_err(|_| InvalidInput::new(field, format!("{v:?} is not a date: use YYYY-MM-DD")))
}

fn words(field: &'static str, list: &[String]) -> std::result::Result<Vec<String>, InvalidInput> {
    if list.len() > 300 {
        return Err(InvalidInput::new(field, "at most 300 values"));
    }
    let mut out = Vec::new();
    for item in list {
        if let Some(v) = text(field, item)? {
            out.push(v.to_lowercase());
        }
    }
    Ok(out)
}

fn midnight(d: NaiveDate) -> openecf_store::Time {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

impl CaseSearch {
    fn apply(&self, c: &mut LocatorCriteria) -> std::result::Result<(), InvalidInput> {
        c.courts.extend(words("courtId", &self.court_id)?);
        c.case_types.extend(words("caseType", &self.case_type)?);
        c.title = text("caseTitle", &self.case_title)?;
        if let Some(full) = text("caseNumberFull", &self.case_number_full)? {
            let q = CaseQuery::parse(&full).map_err(|e| InvalidInput::new("caseNumberFull", e.reason))?;
            c.year = Some(i64::from(q.year));
            c.seq = Some(i64::from(q.seq));
            c.office = q.office.map(i64::from);
            if let Some(t) = q.case_type {
                c.case_types = vec![t.code().to_owned()];
            }
        }
        if let Some(y) = self.case_year {
            if !(0..=9999).contains(&y) {
                return Err(InvalidInput::new("caseYear", "a year, like 2026"));
            }
            c.year = Some(y % 100);
        }
        if let Some(n) = self.case_number {
            if n <= 0 {
                return Err(InvalidInput::new("caseNumber", "a positive number"));
            }
            c.seq = Some(n);
        }
        if let Some(o) = text("caseOffice", &self.case_office)? {
            c.office = Some(
                o.parse()
                    .map_err(|_| InvalidInput::new("caseOffice", "a number, like 1"))?,
            );
        }
        c.filed_from = date("dateFiledFrom", &self.date_filed_from)?.map(midnight);
        c.filed_until = date("dateFiledTo", &self.date_filed_to)?
            .and_then(|d| d.succ_opt())
            .map(midnight);
        for ch in words("federalBankruptcyChapter", &self.federal_bankruptcy_chapter)? {
            c.chapters.push(
                ch.parse()
                    .map_err(|_| InvalidInput::new("federalBankruptcyChapter", "chapter numbers, like 7"))?,
            );
        }
        Ok(())
    }
}

impl PartySearch {
    fn apply(&self, c: &mut LocatorCriteria) -> std::result::Result<(), InvalidInput> {
        c.courts.extend(words("courtId", &self.court_id)?);
        c.last_name = text("lastName", &self.last_name)?;
        c.first_name = text("firstName", &self.first_name)?;
        c.exact = self.exact_name_match;
        c.roles = words("role", &self.role)?;
        Ok(())
    }
}

fn is_empty(c: &LocatorCriteria) -> bool {
    LocatorCriteria {
        courts: Vec::new(),
        ..c.clone()
    } == LocatorCriteria::default()
}

/// The criteria of a case search, checked: at least one besides the court.
pub fn case_criteria(s: &CaseSearch) -> std::result::Result<LocatorCriteria, InvalidInput> {
    let mut c = LocatorCriteria::default();
    s.apply(&mut c)?;
    if let Some(p) = &s.party {
        p.apply(&mut c)?;
    }
    if is_empty(&c) {
        return Err(InvalidInput::new(
            "criteria",
            "give at least one search criterion besides the court",
        ));
    }
    Ok(c)
}

/// The criteria of a party search, checked: a last name is required.
pub fn party_criteria(s: &PartySearch) -> std::result::Result<LocatorCriteria, InvalidInput> {
    let mut c = LocatorCriteria::default();
    if let Some(case) = &s.court_case {
        case.apply(&mut c)?;
    }
    s.apply(&mut c)?;
    if c.last_name.is_none() {
        return Err(InvalidInput::new("lastName", "a party search needs a last name"));
    }
    Ok(c)
}

/// The receipt's "search" line.
fn summary(c: &LocatorCriteria) -> String {
    let mut parts = Vec::new();
    if !c.courts.is_empty() {
        parts.push(format!("Court: {}", c.courts.join(",")));
    }
    if let Some(t) = &c.title {
        parts.push(format!("Case Title: {t}"));
    }
    if let (Some(y), Some(n)) = (c.year, c.seq) {
        parts.push(format!("Case Number: {y:02}-{n}"));
    }
    if !c.case_types.is_empty() {
        parts.push(format!("Case Type: {}", c.case_types.join(",")));
    }
    if let Some(l) = &c.last_name {
        parts.push(format!("Last Name: {l}"));
    }
    if let Some(f) = &c.first_name {
        parts.push(format!("First Name: {f}"));
    }
    if parts.is_empty() {
        parts.push("All".to_owned());
    }
    parts.join("; ")
}

/// What who searches the locator: the account, its session, and the request's own key.
#[derive(Debug, Clone, Copy)]
pub struct Searcher<'a> {
    pub account: &'a PacerAccount,
    pub session_hash: &'a str,
    pub request_key: &'a str,
}

/// Charges one page of results: a page per 54 records (no match: one page),
/// once per request. The key covers every criterion and the page, so a key
/// reused for another search is another charge.
async fn charge_page(
    app: &App,
    who: Searcher<'_>,
    description: &str,
    criteria: &LocatorCriteria,
    page: i64,
    records: usize,
) -> Result<TransactionRow> {
    let search = format!("{} (page {})", summary(criteria), page + 1);
    let request_key = format!("{}|{criteria:?}|{page}", who.request_key);
    let charge = Charge {
        court: None,
        description,
        criteria: &search,
        billable: Billable::Locator {
            records: i64::try_from(records).unwrap_or(PAGE_SIZE),
        },
        opinion: false,
        request_key: &request_key,
    };
    fees::charge(app, who.account, who.session_hash, charge).await
}

/// One page of cases found, how many in all, and its transaction.
pub async fn find_cases(
    app: &App,
    who: Searcher<'_>,
    criteria: &LocatorCriteria,
    page: i64,
) -> Result<(Vec<CaseRow>, i64, TransactionRow)> {
    let (cases, total) = app.store.locate_cases(criteria, page, PAGE_SIZE).await?;
    let t = charge_page(app, who, "All Court Types Case Search", criteria, page, cases.len()).await?;
    Ok((cases, total, t))
}

/// One page of parties found, how many in all, and its transaction.
pub async fn find_parties(
    app: &App,
    who: Searcher<'_>,
    criteria: &LocatorCriteria,
    page: i64,
) -> Result<(Vec<LocatedParty>, i64, TransactionRow)> {
    let (parties, total) = app.store.locate_parties(criteria, page, PAGE_SIZE).await?;
    let t = charge_page(app, who, "All Court Types Party Search", criteria, page, parties.len()).await?;
    Ok((parties, total, t))
}

/// Why a batch search was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchRefusal {
    #[error("{0} records match: a batch search keeps at most 10,000; narrow the criteria")]
    TooMany(i64),
    #[error("you keep {0} batch searches: download and delete some first (at most 20; each is kept 7 days)")]
    TooManyReports(i64),
}

/// The most batch searches an account keeps at once.
pub const REPORTS_KEPT: i64 = 20;

/// A batch search's matches (at most [`BATCH_MAX`]): cases, or parties when `party`.
pub async fn run_batch(
    app: &App,
    account: &PacerAccount,
    party: bool,
    criteria: &LocatorCriteria,
) -> Result<std::result::Result<(Vec<CaseRow>, Vec<LocatedParty>), BatchRefusal>> {
    let kept = app.store.report_count(account.id).await?;
    if kept >= REPORTS_KEPT {
        return Ok(Err(BatchRefusal::TooManyReports(kept)));
    }
    let (cases, parties, total) = if party {
        let (p, n) = app.store.locate_parties(criteria, 0, BATCH_MAX + 1).await?;
        (Vec::new(), p, n)
    } else {
        let (c, n) = app.store.locate_cases(criteria, 0, BATCH_MAX + 1).await?;
        (c, Vec::new(), n)
    };
    if total > BATCH_MAX {
        return Ok(Err(BatchRefusal::TooMany(total)));
    }
    Ok(Ok((cases, parties)))
}

/// Keeps a batch search's results (rendered as the API serves them) until
/// downloaded or deleted. Nothing is charged until the download.
pub async fn keep_batch(
    app: &App,
    account: &PacerAccount,
    party: bool,
    criteria_json: &str,
    results_json: &str,
    record_count: i64,
) -> Result<ReportRow> {
    let kind = if party { "party" } else { "case" };
    let id = app
        .store
        .insert_report(
            account.id,
            kind,
            criteria_json,
            results_json,
            record_count,
            app.clock.now(),
        )
        .await?;
    app.store
        .report(account.id, kind, id)
        .await?
        .ok_or_else(|| crate::Error::Internal(anyhow::anyhow!("batch report {id} vanished")))
}

/// A batch search's results, charged once (a page per 54 records) at the first download.
pub async fn download_batch(
    app: &App,
    account: &PacerAccount,
    session_hash: &str,
    report: &ReportRow,
) -> Result<TransactionRow> {
    let description = if report.search_type == "party" {
        "All Court Types Party Search (batch)"
    } else {
        "All Court Types Case Search (batch)"
    };
    let criteria = format!("Report {}", report.id);
    let key = format!("pcl-report-{}", report.id);
    let charge = Charge {
        court: None,
        description,
        criteria: &criteria,
        billable: Billable::Locator {
            records: report.record_count,
        },
        opinion: false,
        request_key: &key,
    };
    fees::charge(app, account, session_hash, charge).await
}
