//! A bankruptcy case's Claims Register: proofs of claim, numbered per case.

use openecf_domain::CourtId;

use crate::{epoch, from_epoch, Result, Store, Time, Tx};

/// A proof of claim to record (its PDF already in the document store).
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub case_id: i64,
    pub creditor_name: String,
    pub creditor_address: Vec<String>,
    pub amount_cents: i64,
    pub filed_by: openecf_domain::PacerAccountId,
    pub original_filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub pages: i64,
}

/// A claim as the register lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub id: i64,
    pub case_id: i64,
    pub claim_number: i64,
    pub creditor_name: String,
    pub creditor_address: Vec<String>,
    pub amount_cents: i64,
    pub filed_at: Time,
    /// The filer's PACER username.
    pub filed_by: String,
    pub original_filename: String,
    pub sha256: String,
    pub pages: i64,
}

type ClaimRaw = (i64, i64, i64, String, String, i64, i64, String, String, String, i64);

const CLAIM_COLUMNS: &str = "cl.id, cl.case_id, cl.claim_number, cl.creditor_name, cl.creditor_address, \
     cl.amount_cents, cl.filed_at, p.username, cl.original_filename, cl.sha256, cl.pages";

fn row(r: ClaimRaw) -> Result<ClaimRow> {
    Ok(ClaimRow {
        id: r.0,
        case_id: r.1,
        claim_number: r.2,
        creditor_name: r.3,
        creditor_address: r.4.lines().map(str::to_owned).collect(),
        amount_cents: r.5,
        filed_at: from_epoch(r.6)?,
        filed_by: r.7,
        original_filename: r.8,
        sha256: r.9,
        pages: r.10,
    })
}

impl Tx {
    /// Records a claim with the case's next claim number (the caller holds
    /// the case's lock: `lock_case`); its (id, number).
    #[tracing::instrument(skip(self, c), fields(case_id = c.case_id))]
    pub async fn insert_claim(&mut self, c: &NewClaim, now: Time) -> Result<(i64, i64)> {
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(claim_number) FROM claims WHERE case_id = $1")
            .bind(c.case_id)
            .fetch_one(self.conn())
            .await?;
        let number = last.unwrap_or(0) + 1;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO claims (case_id, claim_number, creditor_name, creditor_address, amount_cents, filed_at,
                                 filed_by, original_filename, sha256, size_bytes, pages)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(c.case_id)
        .bind(number)
        .bind(c.creditor_name.as_str())
        .bind(c.creditor_address.join("\n"))
        .bind(c.amount_cents)
        .bind(epoch(now))
        .bind(c.filed_by.get())
        .bind(c.original_filename.as_str())
        .bind(c.sha256.as_str())
        .bind(c.size_bytes)
        .bind(c.pages)
        .fetch_one(self.conn())
        .await?;
        Ok((id, number))
    }
}

impl Store {
    /// A case's claims filed in [from, before), by claim number.
    pub async fn claims(&self, case_id: i64, from: Time, before: Time) -> Result<Vec<ClaimRow>> {
        let rows: Vec<ClaimRaw> = sqlx::query_as(&format!(
            "SELECT {CLAIM_COLUMNS} FROM claims cl JOIN pacer_accounts p ON p.id = cl.filed_by
             WHERE cl.case_id = $1 AND cl.filed_at >= $2 AND cl.filed_at < $3 ORDER BY cl.claim_number"
        ))
        .bind(case_id)
        .bind(epoch(from))
        .bind(epoch(before))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(row).collect()
    }

    /// A claim of this court, by its id.
    pub async fn claim(&self, court: &CourtId, id: i64) -> Result<Option<ClaimRow>> {
        let r: Option<ClaimRaw> = sqlx::query_as(&format!(
            "SELECT {CLAIM_COLUMNS} FROM claims cl JOIN pacer_accounts p ON p.id = cl.filed_by
             JOIN cases c ON c.id = cl.case_id WHERE cl.id = $1 AND c.court_id = $2"
        ))
        .bind(id)
        .bind(court.as_str())
        .fetch_optional(&self.pool)
        .await?;
        r.map(row).transpose()
    }
}
