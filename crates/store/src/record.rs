//! Court staff's changes to the record: an entry sealed or unsealed, a
//! document restricted or released, the case details staff record
//! (Referred to, Date Terminated, Date Converted, Debtor discharged).

use crate::filing::CaseDetails;
use crate::{Result, Tx};

fn day(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl Tx {
    /// Seals (or unseals) the entry numbered `number` of a case. False when
    /// there is no such entry or it already was so.
    #[tracing::instrument(skip(self))]
    pub async fn set_entry_sealed(&mut self, case_id: i64, number: i64, sealed: bool) -> Result<bool> {
        let done =
            sqlx::query("UPDATE docket_entries SET sealed = $1 WHERE case_id = $2 AND number = $3 AND sealed <> $1")
                .bind(i64::from(sealed))
                .bind(case_id)
                .bind(number)
                .execute(self.conn())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Restricts (or releases) a document of an entry (0 its main document,
    /// 1, 2 … its attachments). False when there is no such document or it
    /// already was so.
    #[tracing::instrument(skip(self))]
    pub async fn set_document_restricted(&mut self, entry_id: i64, attachment: i64, restricted: bool) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE documents SET restricted = $1 WHERE entry_id = $2 AND attachment = $3 AND restricted <> $1",
        )
        .bind(i64::from(restricted))
        .bind(entry_id)
        .bind(attachment)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Writes the case details staff record, all at once.
    #[tracing::instrument(skip(self))]
    pub async fn set_case_details(&mut self, case_id: i64, d: &CaseDetails) -> Result<()> {
        sqlx::query(
            "UPDATE cases SET referred_to = $1, date_terminated = $2, date_converted = $3, date_discharged = $4
             WHERE id = $5",
        )
        .bind(d.referred_to.as_str())
        .bind(day(d.date_terminated))
        .bind(day(d.date_converted))
        .bind(day(d.date_discharged))
        .bind(case_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
