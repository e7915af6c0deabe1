//! Court staff: the PACER accounts of a court's clerk's office.

use openecf_domain::{CourtId, PacerAccountId};

use crate::{epoch, Result, Store, Time, Tx};

impl Tx {
    /// Grants staff rights at a court; false if the account had them already.
    pub async fn add_staff(&mut self, court: &CourtId, account: PacerAccountId, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO court_staff (court_id, pacer_account_id, added_at) VALUES ($1, $2, $3)
             ON CONFLICT (court_id, pacer_account_id) DO NOTHING",
        )
        .bind(court.as_str())
        .bind(account.get())
        .bind(epoch(now))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends staff rights at a court; false if the account had none.
    pub async fn remove_staff(&mut self, court: &CourtId, account: PacerAccountId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM court_staff WHERE court_id = $1 AND pacer_account_id = $2")
            .bind(court.as_str())
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// Whether the account is staff of the court's clerk's office.
    pub async fn is_staff(&self, court: &CourtId, account: PacerAccountId) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM court_staff WHERE court_id = $1 AND pacer_account_id = $2")
                .bind(court.as_str())
                .bind(account.get())
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// The usernames of a court's staff, in order.
    pub async fn staff(&self, court: &CourtId) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT p.username FROM court_staff s JOIN pacer_accounts p ON p.id = s.pacer_account_id
             WHERE s.court_id = $1 ORDER BY p.username",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?)
    }
}
