//! Free looks: one view of a filed document per recipient of its notice.

use crate::{epoch, Result, Store, Time, Tx};

/// What became of an attempt to use a free look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeLook {
    /// This view used it.
    Granted,
    /// It was used before.
    Used,
    /// Its 15 days have passed.
    Expired,
    /// No such link for this document.
    Unknown,
}

impl Tx {
    /// Records a recipient's free look at a document (only the token's hash).
    pub async fn insert_free_look(
        &mut self,
        token_hash: &str,
        document_id: i64,
        email: &str,
        now: Time,
        expires_at: Time,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO free_looks (token_hash, document_id, email, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(document_id)
        .bind(email)
        .bind(epoch(now))
        .bind(epoch(expires_at))
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Uses a free look: one statement marks it used only if it is this
    /// document's, unused and unexpired, so two views at once get one grant.
    pub async fn use_free_look(&self, token_hash: &str, document_id: i64, now: Time) -> Result<FreeLook> {
        let done = sqlx::query(
            "UPDATE free_looks SET used_at = $1
             WHERE token_hash = $2 AND document_id = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(epoch(now))
        .bind(token_hash)
        .bind(document_id)
        .execute(&mut *self.writer().await?)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(FreeLook::Granted);
        }
        let row: Option<(Option<i64>, i64)> =
            sqlx::query_as("SELECT used_at, expires_at FROM free_looks WHERE token_hash = $1 AND document_id = $2")
                .bind(token_hash)
                .bind(document_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            None => FreeLook::Unknown,
            Some((Some(_), _)) => FreeLook::Used,
            Some((None, _)) => FreeLook::Expired,
        })
    }

    /// What a free look would give now, without using it.
    pub async fn peek_free_look(&self, token_hash: &str, document_id: i64, now: Time) -> Result<FreeLook> {
        let row: Option<(Option<i64>, i64)> =
            sqlx::query_as("SELECT used_at, expires_at FROM free_looks WHERE token_hash = $1 AND document_id = $2")
                .bind(token_hash)
                .bind(document_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            None => FreeLook::Unknown,
            Some((Some(_), _)) => FreeLook::Used,
            Some((None, expires)) if expires <= epoch(now) => FreeLook::Expired,
            Some((None, _)) => FreeLook::Granted,
        })
    }

    /// Forgets free looks past their 15 days, used or not.
    pub async fn purge_free_looks(&self, now: Time) -> Result<u64> {
        let done = sqlx::query("DELETE FROM free_looks WHERE expires_at <= $1")
            .bind(epoch(now))
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }

    /// A document's free looks: (recipient, used).
    pub async fn free_looks(&self, document_id: i64) -> Result<Vec<(String, bool)>> {
        let rows: Vec<(String, Option<i64>)> =
            sqlx::query_as("SELECT email, used_at FROM free_looks WHERE document_id = $1 ORDER BY email")
                .bind(document_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(e, u)| (e, u.is_some())).collect())
    }
}
