//! The clerk console's rows: a court's CM/ECF accounts as its staff see them
//! (link, disabled), each account's history, the linking progress counts,
//! E-File Registration requests and CM/ECF password reset links.

use openecf_domain::{CourtId, EcfAccountId, EcfLogin, Email, PacerAccountId};

use crate::{epoch, Result, Store, Time, Tx};

/// A court's CM/ECF account as the clerk console lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsoleAccount {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub bar_id: Option<String>,
    pub created_at: i64,
    /// The PACER account it is linked to, and when.
    pub pacer_username: Option<String>,
    pub linked_at: Option<i64>,
    /// When the court disabled it, by whom and why.
    pub disabled_at: Option<i64>,
    pub disabled_by: Option<String>,
    pub disabled_reason: Option<String>,
}

const CONSOLE_SELECT: &str = "SELECT e.id, e.login, e.name, e.email, e.role, e.bar_id, e.created_at,
            p.username AS pacer_username, l.linked_at,
            d.disabled_at, d.disabled_by, d.reason AS disabled_reason
     FROM ecf_accounts e
     LEFT JOIN links l ON l.ecf_account_id = e.id
     LEFT JOIN pacer_accounts p ON p.id = l.pacer_account_id
     LEFT JOIN ecf_disabled d ON d.ecf_account_id = e.id";

/// One audit event about a CM/ECF account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryRow {
    pub at: i64,
    pub action: String,
    pub outcome: String,
    pub pacer_username: Option<String>,
    pub detail: String,
}

/// A court's counts for its linking progress, each per UTC day
/// (`day` = epoch seconds / 86400): active accounts created, links made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressCounts {
    pub accounts_by_day: Vec<(i64, i64)>,
    pub links_by_day: Vec<(i64, i64)>,
}

/// An E-File Registration request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EfileRequestRow {
    pub id: i64,
    pub court_id: String,
    pub pacer_account_id: i64,
    pub pacer_username: String,
    pub pacer_name: String,
    pub pacer_email: String,
    pub kind: String,
    pub role: String,
    pub bar_id: Option<String>,
    pub bar_state: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub reason: String,
}

impl EfileRequestRow {
    /// What was asked for, in words: an attorney's bar id and state, or the role.
    pub fn details(&self) -> String {
        match (&self.bar_id, &self.bar_state) {
            (Some(b), Some(s)) => format!("bar id {b} ({s})"),
            _ => self.role.clone(),
        }
    }
}

const EFILE_SELECT: &str = "SELECT r.id, r.court_id, r.pacer_account_id, p.username AS pacer_username,
            p.name AS pacer_name, p.email AS pacer_email, r.kind, r.role, r.bar_id, r.bar_state,
            r.status, r.created_at, r.decided_at, r.decided_by, r.reason
     FROM efile_requests r JOIN pacer_accounts p ON p.id = r.pacer_account_id";

/// What a new E-File Registration request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEfileRequest {
    pub court: CourtId,
    pub pacer_account: PacerAccountId,
    /// `attorney` or `non-attorney`.
    pub kind: String,
    pub role: String,
    pub bar_id: Option<String>,
    pub bar_state: Option<String>,
}

/// How court staff decided an E-File Registration request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EfileDecision<'a> {
    pub approve: bool,
    /// The staff member's PACER username.
    pub by: &'a str,
    pub reason: &'a str,
    /// The CM/ECF account an approval created.
    pub ecf: Option<EcfAccountId>,
}

/// `%` and `_` typed by the user match themselves.
fn like_pattern(query: &str) -> String {
    crate::contains_pattern(query)
}

impl Store {
    /// The court's CM/ECF accounts whose login, name, email or bar id
    /// contains `query` (without case), by login; at most `limit`.
    #[tracing::instrument(skip(self))]
    pub async fn search_ecf_accounts(&self, court: &CourtId, query: &str, limit: i64) -> Result<Vec<ConsoleAccount>> {
        Ok(sqlx::query_as(&format!(
            "{CONSOLE_SELECT} WHERE e.court_id = $1 AND (LOWER(e.login) LIKE $2 ESCAPE '\\'
                OR LOWER(e.name) LIKE $2 ESCAPE '\\' OR LOWER(e.email) LIKE $2 ESCAPE '\\'
                OR LOWER(COALESCE(e.bar_id, '')) LIKE $2 ESCAPE '\\')
             ORDER BY e.login LIMIT $3"
        ))
        .bind(court.as_str())
        .bind(like_pattern(query.trim()))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One of the court's CM/ECF accounts, as the console shows it.
    #[tracing::instrument(skip(self))]
    pub async fn console_account(&self, court: &CourtId, login: &EcfLogin) -> Result<Option<ConsoleAccount>> {
        Ok(
            sqlx::query_as(&format!("{CONSOLE_SELECT} WHERE e.court_id = $1 AND e.login = $2"))
                .bind(court.as_str())
                .bind(login.as_str())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Every audit event about a CM/ECF account of the court, newest first:
    /// link attempts with their outcomes, removals, the console's actions.
    #[tracing::instrument(skip(self))]
    pub async fn ecf_account_history(&self, court: &CourtId, login: &EcfLogin) -> Result<Vec<HistoryRow>> {
        Ok(sqlx::query_as(
            "SELECT at, action, outcome, pacer_username, detail FROM audit_events
             WHERE court_id = $1 AND ecf_login = $2 ORDER BY at DESC, id DESC LIMIT 500",
        )
        .bind(court.as_str())
        .bind(login.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether the court disabled this CM/ECF account.
    pub async fn is_ecf_disabled(&self, ecf: EcfAccountId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM ecf_disabled WHERE ecf_account_id = $1")
            .bind(ecf.get())
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// The court's active (not disabled) CM/ECF accounts and their links, counted per UTC day.
    #[tracing::instrument(skip(self))]
    pub async fn link_progress_counts(&self, court: &CourtId) -> Result<ProgressCounts> {
        let accounts_by_day: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT e.created_at / 86400 AS day, COUNT(*) FROM ecf_accounts e
             WHERE e.court_id = $1
               AND NOT EXISTS (SELECT 1 FROM ecf_disabled d WHERE d.ecf_account_id = e.id)
             GROUP BY e.created_at / 86400 ORDER BY day",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?;
        let links_by_day: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT l.linked_at / 86400 AS day, COUNT(*) FROM links l
             WHERE l.court_id = $1
               AND NOT EXISTS (SELECT 1 FROM ecf_disabled d WHERE d.ecf_account_id = l.ecf_account_id)
             GROUP BY l.linked_at / 86400 ORDER BY day",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(ProgressCounts {
            accounts_by_day,
            links_by_day,
        })
    }

    /// Every court's active (not disabled) CM/ECF accounts and how many are
    /// linked: (court id, accounts, linked), by court id.
    #[tracing::instrument(skip(self))]
    pub async fn link_shares(&self) -> Result<Vec<(String, i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT e.court_id, COUNT(*), COUNT(l.id) FROM ecf_accounts e
             LEFT JOIN links l ON l.ecf_account_id = e.id
             WHERE NOT EXISTS (SELECT 1 FROM ecf_disabled d WHERE d.ecf_account_id = e.id)
             GROUP BY e.court_id ORDER BY e.court_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The court's E-File Registration requests waiting for a decision, oldest first.
    pub async fn pending_efile_requests(&self, court: &CourtId) -> Result<Vec<EfileRequestRow>> {
        Ok(sqlx::query_as(&format!(
            "{EFILE_SELECT} WHERE r.court_id = $1 AND r.status = 'pending' ORDER BY r.created_at, r.id"
        ))
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    /// A PACER account's E-File Registration requests at every court, newest first.
    pub async fn efile_requests_of(&self, pacer: PacerAccountId) -> Result<Vec<EfileRequestRow>> {
        Ok(sqlx::query_as(&format!(
            "{EFILE_SELECT} WHERE r.pacer_account_id = $1 ORDER BY r.created_at DESC, r.id DESC"
        ))
        .bind(pacer.get())
        .fetch_all(&self.pool)
        .await?)
    }

    /// The CM/ECF account a reset link is for, if it is unused and not expired (it stays unused).
    pub async fn ecf_reset_target(&self, token_hash: &str, now: Time) -> Result<Option<EcfAccountId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT ecf_account_id FROM ecf_password_resets
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(epoch(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(EcfAccountId::new))
    }
}

impl Tx {
    /// A PACER account's email address, read inside the transaction.
    pub async fn pacer_email(&mut self, account: PacerAccountId) -> Result<Option<Email>> {
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM pacer_accounts WHERE id = $1")
            .bind(account.get())
            .fetch_optional(self.conn())
            .await?;
        email
            .map(|e| Email::from_stored(&e).map_err(crate::corrupt))
            .transpose()
    }

    /// Disables a CM/ECF account; false if it was disabled already. Its legacy sessions end.
    pub async fn disable_ecf_account(&mut self, ecf: EcfAccountId, by: &str, reason: &str, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO ecf_disabled (ecf_account_id, disabled_at, disabled_by, reason) VALUES ($1, $2, $3, $4)
             ON CONFLICT (ecf_account_id) DO NOTHING",
        )
        .bind(ecf.get())
        .bind(epoch(now))
        .bind(by)
        .bind(reason)
        .execute(self.conn())
        .await?;
        sqlx::query("DELETE FROM sessions WHERE ecf_account_id = $1")
            .bind(ecf.get())
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM pending_links WHERE ecf_account_id = $1")
            .bind(ecf.get())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Enables a disabled CM/ECF account; false if it was not disabled.
    pub async fn enable_ecf_account(&mut self, ecf: EcfAccountId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM ecf_disabled WHERE ecf_account_id = $1")
            .bind(ecf.get())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether the court disabled this CM/ECF account (inside the transaction).
    pub async fn ecf_disabled(&mut self, ecf: EcfAccountId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM ecf_disabled WHERE ecf_account_id = $1")
            .bind(ecf.get())
            .fetch_optional(self.conn())
            .await?;
        Ok(found.is_some())
    }

    /// Files an E-File Registration request; `None` if one is pending at that court already.
    pub async fn insert_efile_request(&mut self, r: &NewEfileRequest, now: Time) -> Result<Option<i64>> {
        let pending: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM efile_requests WHERE court_id = $1 AND pacer_account_id = $2 AND status = 'pending'",
        )
        .bind(r.court.as_str())
        .bind(r.pacer_account.get())
        .fetch_optional(self.conn())
        .await?;
        if pending.is_some() {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO efile_requests (court_id, pacer_account_id, kind, role, bar_id, bar_state, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(r.court.as_str())
        .bind(r.pacer_account.get())
        .bind(&r.kind)
        .bind(&r.role)
        .bind(r.bar_id.clone())
        .bind(r.bar_state.clone())
        .bind(epoch(now))
        .fetch_one(self.conn())
        .await?;
        Ok(Some(id))
    }

    /// Decides a pending request (once: false if it was decided meanwhile).
    pub async fn decide_efile_request(&mut self, id: i64, d: &EfileDecision<'_>, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE efile_requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4, ecf_account_id = $5
             WHERE id = $6 AND status = 'pending'",
        )
        .bind(if d.approve { "approved" } else { "rejected" })
        .bind(epoch(now))
        .bind(d.by)
        .bind(d.reason)
        .bind(d.ecf.map(|e| e.get()))
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A pending request of the court, read inside the transaction.
    pub async fn pending_efile_request(&mut self, court: &CourtId, id: i64) -> Result<Option<EfileRequestRow>> {
        Ok(sqlx::query_as(&format!(
            "{EFILE_SELECT} WHERE r.id = $1 AND r.court_id = $2 AND r.status = 'pending'"
        ))
        .bind(id)
        .bind(court.as_str())
        .fetch_optional(self.conn())
        .await?)
    }

    /// How many reset links of the CM/ECF account are live now.
    pub async fn live_ecf_resets(&mut self, ecf: EcfAccountId, now: Time) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM ecf_password_resets WHERE ecf_account_id = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(ecf.get())
        .bind(epoch(now))
        .fetch_one(self.conn())
        .await?)
    }

    /// Stores a reset link's hash for a CM/ECF account.
    pub async fn insert_ecf_reset(
        &mut self,
        token_hash: &str,
        ecf: EcfAccountId,
        now: Time,
        expires_at: Time,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO ecf_password_resets (token_hash, ecf_account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(ecf.get())
        .bind(epoch(now))
        .bind(epoch(expires_at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Uses a reset link (once): the CM/ECF account it is for, if it was live.
    /// Every other live link of that account ends with it.
    pub async fn use_ecf_reset(&mut self, token_hash: &str, now: Time) -> Result<Option<EcfAccountId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE ecf_password_resets SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING ecf_account_id",
        )
        .bind(token_hash)
        .bind(epoch(now))
        .fetch_optional(self.conn())
        .await?;
        if let Some(id) = id {
            sqlx::query("UPDATE ecf_password_resets SET used_at = $2 WHERE ecf_account_id = $1 AND used_at IS NULL")
                .bind(id)
                .bind(epoch(now))
                .execute(self.conn())
                .await?;
        }
        Ok(id.map(EcfAccountId::new))
    }

    /// Sets a CM/ECF account's password hash: its legacy sessions and any
    /// identity held for a link end with the old password.
    pub async fn set_ecf_password(&mut self, ecf: EcfAccountId, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE ecf_accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(ecf.get())
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE ecf_account_id = $1")
            .bind(ecf.get())
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM pending_links WHERE ecf_account_id = $1")
            .bind(ecf.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn wildcards_typed_match_themselves() {
        assert_eq!(like_pattern("Ab_c%"), "%ab\\_c\\%%");
    }
}
