//! PACER transactions: what each account was charged, once per request.

use openecf_domain::{CourtId, PacerAccountId};
use sqlx::Row;

use crate::{epoch, from_epoch, Result, Store, Time};

/// A transaction to record.
#[derive(Debug, Clone)]
pub struct NewTransaction<'a> {
    pub account: PacerAccountId,
    /// None for the PACER Case Locator (every court).
    pub court: Option<&'a CourtId>,
    pub client_code: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub pages: i64,
    pub cost_cents: i64,
    pub exempt: &'a str,
    /// The request's own key: a retry of it records nothing new.
    pub request_key: &'a str,
}

/// A recorded transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRow {
    pub id: i64,
    pub account: PacerAccountId,
    pub username: String,
    /// The court's id, or "PCL" for the PACER Case Locator.
    pub court: String,
    pub at: Time,
    pub client_code: String,
    pub description: String,
    pub criteria: String,
    pub pages: i64,
    pub cost_cents: i64,
    pub exempt: String,
}

const COLUMNS: &str = "t.id, t.pacer_account_id, p.username, t.court_id, t.at, t.client_code, t.description, t.criteria, t.pages, t.cost_cents, t.exempt";

fn row(r: sqlx::any::AnyRow) -> Result<TransactionRow> {
    Ok(TransactionRow {
        id: r.try_get("id")?,
        account: PacerAccountId::new(r.try_get("pacer_account_id")?),
        username: r.try_get("username")?,
        court: r
            .try_get::<Option<String>, _>("court_id")?
            .unwrap_or_else(|| "PCL".to_owned()),
        at: from_epoch(r.try_get("at")?)?,
        client_code: r.try_get("client_code")?,
        description: r.try_get("description")?,
        criteria: r.try_get("criteria")?,
        pages: r.try_get("pages")?,
        cost_cents: r.try_get("cost_cents")?,
        exempt: r.try_get("exempt")?,
    })
}

impl Store {
    /// Records a transaction, once per (account, request key): a retry gets
    /// the transaction first recorded, and is not charged again.
    pub async fn record_transaction(&self, t: &NewTransaction<'_>, now: Time) -> Result<TransactionRow> {
        sqlx::query(
            "INSERT INTO pacer_transactions
                 (pacer_account_id, court_id, at, client_code, description, criteria, pages, cost_cents, exempt, request_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (pacer_account_id, request_key) DO NOTHING",
        )
        .bind(t.account.get())
        .bind(t.court.map(|c| c.as_str().to_owned()))
        .bind(epoch(now))
        .bind(t.client_code)
        .bind(t.description)
        .bind(t.criteria)
        .bind(t.pages)
        .bind(t.cost_cents)
        .bind(t.exempt)
        .bind(t.request_key)
        .execute(&mut *self.writer().await?)
        .await?;
        let found = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM pacer_transactions t JOIN pacer_accounts p ON p.id = t.pacer_account_id
             WHERE t.pacer_account_id = $1 AND t.request_key = $2"
        ))
        .bind(t.account.get())
        .bind(t.request_key)
        .fetch_one(&self.pool)
        .await?;
        row(found)
    }

    /// An account's transactions from `from` (inclusive) to `to` (exclusive), oldest first.
    pub async fn transactions(&self, account: PacerAccountId, from: Time, to: Time) -> Result<Vec<TransactionRow>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM pacer_transactions t JOIN pacer_accounts p ON p.id = t.pacer_account_id
             WHERE t.pacer_account_id = $1 AND t.at >= $2 AND t.at < $3 ORDER BY t.at, t.id"
        ))
        .bind(account.get())
        .bind(epoch(from))
        .bind(epoch(to))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(row)
        .collect()
    }

    /// A court's free transactions (its staff's, opinions, CJA) from `from` to `to`, oldest first.
    pub async fn exempt_transactions(&self, court: &CourtId, from: Time, to: Time) -> Result<Vec<TransactionRow>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM pacer_transactions t JOIN pacer_accounts p ON p.id = t.pacer_account_id
             WHERE t.court_id = $1 AND t.exempt <> '' AND t.at >= $2 AND t.at < $3 ORDER BY t.at, t.id"
        ))
        .bind(court.as_str())
        .bind(epoch(from))
        .bind(epoch(to))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(row)
        .collect()
    }

    /// Each account's pages and cost from `from` to `to`: (account, username,
    /// name, transactions, pages, cents), by username.
    pub async fn usage_by_account(
        &self,
        from: Time,
        to: Time,
    ) -> Result<Vec<(PacerAccountId, String, String, i64, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT p.id, p.username, p.name, COUNT(*) AS n, CAST(SUM(t.pages) AS BIGINT) AS pages, CAST(SUM(t.cost_cents) AS BIGINT) AS cents
             FROM pacer_transactions t JOIN pacer_accounts p ON p.id = t.pacer_account_id
             WHERE t.at >= $1 AND t.at < $2 GROUP BY p.id, p.username, p.name ORDER BY p.username",
        )
        .bind(epoch(from))
        .bind(epoch(to))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    PacerAccountId::new(r.try_get("id")?),
                    r.try_get("username")?,
                    r.try_get("name")?,
                    r.try_get("n")?,
                    r.try_get("pages")?,
                    r.try_get("cents")?,
                ))
            })
            .collect()
    }

    /// The client code a session bills to.
    pub async fn session_client_code(&self, session_hash: &str) -> Result<String> {
        let code: Option<String> = sqlx::query_scalar("SELECT client_code FROM sessions WHERE token_hash = $1")
            .bind(session_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(code.unwrap_or_default())
    }

    /// Sets the client code a session bills to.
    pub async fn set_session_client_code(&self, session_hash: &str, code: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET client_code = $1 WHERE token_hash = $2")
            .bind(code)
            .bind(session_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }
}
