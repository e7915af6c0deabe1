//! What the PACER Service Center's operators read and change: the list of
//! accounts, one account's whole state, disabling and enabling.

use openecf_domain::PacerAccountId;
use sqlx::Row;

use crate::accounts::{PacerRow, PACER_COLUMNS};
use crate::{epoch, from_epoch, Result, Store, Time, Tx};

/// One line of the operator's account list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    pub id: PacerAccountId,
    pub username: String,
    pub name: String,
    pub email: String,
    pub kind: String,
    pub disabled: bool,
    pub links: i64,
}

impl Store {
    /// Accounts whose username, name or email contains `search` (case aside), by username.
    pub async fn list_pacer_accounts(&self, search: &str, limit: i64) -> Result<Vec<AccountLine>> {
        let pattern = crate::contains_pattern(search);
        sqlx::query(
            "SELECT a.id, a.username, a.name, a.email, a.kind, a.disabled_at,
                    (SELECT COUNT(*) FROM links l WHERE l.pacer_account_id = a.id) AS links
             FROM pacer_accounts a
             WHERE LOWER(a.username) LIKE $1 ESCAPE '\\' OR LOWER(a.name) LIKE $1 ESCAPE '\\' OR LOWER(a.email) LIKE $1 ESCAPE '\\'
             ORDER BY a.username LIMIT $2",
        )
        .bind(pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            Ok(AccountLine {
                id: PacerAccountId::new(r.try_get("id")?),
                username: r.try_get("username")?,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                kind: r.try_get("kind")?,
                disabled: r.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
                links: r.try_get("links")?,
            })
        })
        .collect()
    }

    /// Whether (since when, and why) the account is disabled.
    pub async fn pacer_disabled(&self, id: PacerAccountId) -> Result<Option<(Time, String)>> {
        let row = sqlx::query("SELECT disabled_at, disabled_reason FROM pacer_accounts WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        match row.try_get::<Option<i64>, _>("disabled_at")? {
            Some(at) => Ok(Some((from_epoch(at)?, row.try_get("disabled_reason")?))),
            None => Ok(None),
        }
    }

    /// The account by username, disabled or not, with its password hash.
    pub async fn pacer_for_operator(&self, username: &str) -> Result<Option<openecf_domain::PacerAccount>> {
        let row: Option<PacerRow> = sqlx::query_as(&format!(
            "SELECT {PACER_COLUMNS} FROM pacer_accounts WHERE LOWER(username) = LOWER($1)"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(PacerRow::into_account).transpose()?.map(|(a, _)| a))
    }
}

impl Tx {
    /// Disables (with why) or enables an account; false if it was so already.
    pub async fn set_pacer_disabled(&mut self, id: PacerAccountId, disabled: Option<&str>, now: Time) -> Result<bool> {
        let done = match disabled {
            Some(reason) => {
                sqlx::query(
                    "UPDATE pacer_accounts SET disabled_at = $1, disabled_reason = $2 WHERE id = $3 AND disabled_at IS NULL",
                )
                .bind(epoch(now))
                .bind(reason)
                .bind(id.get())
                .execute(self.conn())
                .await?
            }
            None => {
                sqlx::query(
                    "UPDATE pacer_accounts SET disabled_at = NULL, disabled_reason = '' WHERE id = $1 AND disabled_at IS NOT NULL",
                )
                .bind(id.get())
                .execute(self.conn())
                .await?
            }
        };
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// Every court where the account is linked, with the CM/ECF login there, by court.
    pub async fn links_of_pacer(&self, account: PacerAccountId) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT l.court_id, e.login FROM links l JOIN ecf_accounts e ON e.id = l.ecf_account_id
             WHERE l.pacer_account_id = $1 ORDER BY l.court_id",
        )
        .bind(account.get())
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Tx {
    /// Sets a CM/ECF account's name, email, role and bar id (the operator's correction).
    pub async fn update_ecf_details(
        &mut self,
        ecf: openecf_domain::EcfAccountId,
        name: &str,
        email: &str,
        role: &str,
        bar_id: Option<&str>,
    ) -> Result<()> {
        sqlx::query("UPDATE ecf_accounts SET name = $1, email = $2, role = $3, bar_id = $4 WHERE id = $5")
            .bind(name)
            .bind(email)
            .bind(role)
            .bind(bar_id)
            .bind(ecf.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Removes a CM/ECF account that is not linked (its sessions, pending
    /// links and reset links go with it); false if it is linked or gone.
    pub async fn remove_unlinked_ecf(&mut self, ecf: openecf_domain::EcfAccountId) -> Result<bool> {
        let done = sqlx::query(
            "DELETE FROM ecf_accounts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM links WHERE ecf_account_id = $1)",
        )
        .bind(ecf.get())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
