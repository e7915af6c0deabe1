use chrono::NaiveDate;
use openecf_domain::{Court, CourtId, CourtKind, EcfAccount, Release};

use crate::{corrupt, epoch, from_epoch, parse_date, Missing, Result, Store, StoreError, Time, Tx};

#[derive(Debug, Clone)]
pub struct NewCourt {
    pub id: CourtId,
    pub kind: CourtKind,
    pub name: String,
    pub location: String,
    pub doc_id_prefix: String,
    pub release: Release,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CourtRow {
    id: String,
    kind: String,
    name: String,
    location: String,
    nextgen_release: String,
    go_live_on: Option<String>,
    live_since: Option<i64>,
}

pub(crate) const COURT_COLUMNS: &str = "id, kind, name, location, nextgen_release, go_live_on, live_since";

impl CourtRow {
    pub(crate) fn into_court(self) -> Result<Court> {
        let planned = self.go_live_on.as_deref().map(parse_date).transpose()?;
        let live_since = self.live_since.map(from_epoch).transpose()?;
        Ok(Court {
            id: CourtId::parse(&self.id).map_err(corrupt)?,
            kind: CourtKind::parse(&self.kind).map_err(corrupt)?,
            name: self.name,
            location: self.location,
            release: Release::parse(&self.nextgen_release).map_err(corrupt)?,
            status: Court::status_of(planned, live_since),
        })
    }
}

/// When a court goes live on NextGen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoLive {
    /// At once.
    Now,
    /// At the start of this day.
    On(NaiveDate),
}

impl Store {
    #[tracing::instrument(skip(self, courts), fields(count = courts.len()))]
    pub async fn add_courts(&self, courts: &[NewCourt]) -> Result<()> {
        let mut tx = self.write().await?;
        for c in courts {
            let inserted = sqlx::query(
                "INSERT INTO courts (id, kind, name, location, doc_id_prefix, nextgen_release)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(c.id.as_str())
            .bind(c.kind.as_str())
            .bind(&c.name)
            .bind(&c.location)
            .bind(&c.doc_id_prefix)
            .bind(c.release.as_str())
            .execute(tx.conn())
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::CourtExists(c.id.clone()));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    pub async fn court(&self, id: &CourtId) -> Result<Option<Court>> {
        let row: Option<CourtRow> = sqlx::query_as(&format!("SELECT {COURT_COLUMNS} FROM courts WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(CourtRow::into_court).transpose()
    }

    #[tracing::instrument(skip(self))]
    pub async fn courts(&self) -> Result<Vec<Court>> {
        let rows: Vec<CourtRow> = sqlx::query_as(&format!("SELECT {COURT_COLUMNS} FROM courts ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(CourtRow::into_court).collect()
    }

    pub async fn count_courts(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM courts")
            .fetch_one(&self.pool)
            .await?)
    }
}

impl Tx {
    /// The court, locked for the rest of the transaction.
    pub async fn court_for_update(&mut self, id: &CourtId) -> Result<Court> {
        let lock = self.for_update();
        let row: Option<CourtRow> = sqlx::query_as(&format!("SELECT {COURT_COLUMNS} FROM courts WHERE id = $1{lock}"))
            .bind(id.as_str())
            .fetch_optional(self.conn())
            .await?;
        row.ok_or_else(|| StoreError::NotFound(Missing::Court(id.clone())))?
            .into_court()
    }

    /// Records the day a court plans to go live (or none).
    pub async fn set_planned_go_live(&mut self, id: &CourtId, day: Option<NaiveDate>) -> Result<()> {
        sqlx::query("UPDATE courts SET go_live_on = $1 WHERE id = $2")
            .bind(day.map(|d| d.format("%Y-%m-%d").to_string()))
            .bind(id.as_str())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Records that a court went live.
    pub async fn set_live(&mut self, id: &CourtId, since: Time) -> Result<()> {
        sqlx::query("UPDATE courts SET live_since = $1 WHERE id = $2")
            .bind(epoch(since))
            .bind(id.as_str())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Every CM/ECF account of a court.
    pub async fn ecf_accounts_of(&mut self, court: &CourtId) -> Result<Vec<EcfAccount>> {
        let rows: Vec<crate::accounts::EcfRow> = sqlx::query_as(&format!(
            "SELECT {} FROM ecf_accounts WHERE court_id = $1 ORDER BY id",
            crate::accounts::ECF_COLUMNS
        ))
        .bind(court.as_str())
        .fetch_all(self.conn())
        .await?;
        rows.into_iter().map(|r| r.into_account().map(|(a, _)| a)).collect()
    }
}
