//! PACER fees: each billable view is charged once, to the session's client
//! code, at $0.10 a page with PACER's caps; the court's own staff and written
//! opinions are recorded free; a quarter's total of $30 or less is waived.

use openecf_domain::fees::{cost_cents, quarter_due_cents, Billable, Exemption, Quarter};
use openecf_domain::{Court, PacerAccount};
use openecf_store::{NewTransaction, TransactionRow};
use sha2::{Digest, Sha256};

use crate::{App, Result};

/// A billable view, as the page that serves it describes it.
#[derive(Debug, Clone, Copy)]
pub struct Charge<'a> {
    /// None for the PACER Case Locator, which searches every court.
    pub court: Option<&'a Court>,
    /// "Docket Report", "Image 12-0", "Search", as PACER's receipt names it.
    pub description: &'a str,
    /// The search criteria, as the receipt shows them.
    pub criteria: &'a str,
    pub billable: Billable,
    /// A written opinion: free to all.
    pub opinion: bool,
    /// The request's own key (the one-time number in the form's address or the
    /// confirmation page's button): a retry of it is not charged again.
    pub request_key: &'a str,
}

/// Charges a view, once (free for the court's staff, opinions, and a CJA
/// exemption the session turned on at the court): a retry of the same request (same key, same
/// description and criteria) returns the transaction first recorded. A key
/// reused for another view is another transaction.
pub async fn charge(app: &App, account: &PacerAccount, session_hash: &str, c: Charge<'_>) -> Result<TransactionRow> {
    let exempt = if c.opinion {
        Some(Exemption::Opinion)
    } else if let Some(court) = c.court {
        if app.store.is_staff(&court.id, account.id).await? {
            Some(Exemption::CourtUser)
        } else if app.store.session_exempt(session_hash, &court.id).await? {
            Some(Exemption::Cja)
        } else {
            None
        }
    } else {
        None
    };
    let pages = c.billable.pages();
    let key = hex::encode(Sha256::digest(
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            c.court.map_or("PCL", |court| court.id.as_str()),
            c.description,
            c.criteria,
            c.request_key
        )
        .as_bytes(),
    ));
    let client_code = app.store.session_client_code(session_hash).await?;
    let t = NewTransaction {
        account: account.id,
        court: c.court.map(|court| &court.id),
        client_code: &client_code,
        description: c.description,
        criteria: c.criteria,
        pages,
        cost_cents: cost_cents(pages, exempt),
        exempt: exempt.map_or("", Exemption::as_str),
        request_key: &key,
    };
    Ok(app.store.record_transaction(&t, app.clock.now()).await?)
}

/// The client code a session bills to, checked; the refusal says why.
pub async fn set_client_code(
    app: &App,
    session_hash: &str,
    raw: &str,
) -> Result<std::result::Result<String, openecf_domain::InvalidInput>> {
    let code = match openecf_domain::fees::check_client_code(raw) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    app.store.set_session_client_code(session_hash, &code).await?;
    Ok(Ok(code))
}

/// One quarter of an account's usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterUsage {
    pub quarter: Quarter,
    pub transactions: i64,
    pub pages: i64,
    pub cents: i64,
    /// What is billed: nothing when the quarter's total is $30 or less.
    pub due_cents: i64,
}

/// An account's usage in each of the last four quarters, newest first.
pub async fn usage_by_quarter(app: &App, account: &PacerAccount) -> Result<Vec<QuarterUsage>> {
    let mut q = Quarter::of(app.clock.now());
    let mut out = Vec::new();
    for _ in 0..4 {
        let (from, to) = q.range();
        let list = app.store.transactions(account.id, from, to).await?;
        let cents: i64 = list.iter().map(|t| t.cost_cents).sum();
        out.push(QuarterUsage {
            quarter: q,
            transactions: i64::try_from(list.len()).unwrap_or(i64::MAX),
            pages: list.iter().map(|t| t.pages).sum(),
            cents,
            due_cents: quarter_due_cents(cents),
        });
        q = Quarter {
            year: if q.q == 1 { q.year - 1 } else { q.year },
            q: if q.q == 1 { 4 } else { q.q - 1 },
        };
    }
    Ok(out)
}

/// An account's transactions in a quarter, oldest first.
pub async fn transactions(app: &App, account: &PacerAccount, quarter: Quarter) -> Result<Vec<TransactionRow>> {
    let (from, to) = quarter.range();
    Ok(app.store.transactions(account.id, from, to).await?)
}

/// What each account owes for a quarter: (username, name, transactions,
/// pages, total, due), by username; every account with a transaction is listed.
pub async fn quarter_report(app: &App, quarter: Quarter) -> Result<Vec<(String, String, i64, i64, i64, i64)>> {
    let (from, to) = quarter.range();
    Ok(app
        .store
        .usage_by_account(from, to)
        .await?
        .into_iter()
        .map(|(_, user, name, n, pages, cents)| (user, name, n, pages, cents, quarter_due_cents(cents)))
        .collect())
}

/// A CSV of transactions, with a header row (RFC 4180 quoting).
pub fn transactions_csv(list: &[TransactionRow]) -> String {
    let field = |s: &str| {
        // A leading =, +, - or @ would be a formula in a spreadsheet: quote it away.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out =
        String::from("date,court,pacer_login,client_code,description,search_criteria,billable_pages,cost,exempt\r\n");
    for t in list {
        out.push_str(
            &[
                t.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                field(&t.court),
                field(&t.username),
                field(&t.client_code),
                field(&t.description),
                field(&t.criteria),
                t.pages.to_string(),
                format!("{}.{:02}", t.cost_cents / 100, t.cost_cents % 100),
                field(&t.exempt),
            ]
            .join(","),
        );
        out.push_str("\r\n");
    }
    out
}
