use chrono::{DateTime, NaiveDate, Utc};
use openecf_domain::{mail, Court, CourtId, CourtKind, EcfAccount, Mail, Release};

use crate::{corrupt, epoch, from_epoch, parse_date, Result, Store, StoreError};

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
    pub(crate) fn into_court(self, now: DateTime<Utc>) -> Result<Court> {
        let planned = self.go_live_on.as_deref().map(parse_date).transpose()?;
        let live_since = self.live_since.map(from_epoch).transpose()?;
        Ok(Court {
            id: CourtId::parse(&self.id).map_err(corrupt)?,
            kind: CourtKind::parse(&self.kind).map_err(corrupt)?,
            name: self.name,
            location: self.location,
            release: Release::parse(&self.nextgen_release).map_err(corrupt)?,
            status: Court::status_at(planned, live_since, now),
        })
    }
}

/// When a court goes live on NextGen.
#[derive(Debug, Clone, Copy)]
pub enum GoLive {
    Now(DateTime<Utc>),
    On(NaiveDate),
}

impl Store {
    #[tracing::instrument(skip(self, courts), fields(count = courts.len()))]
    pub async fn add_courts(&self, courts: &[NewCourt]) -> Result<()> {
        let mut tx = self.begin_write().await?;
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
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!("court {} already exists", c.id)));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    pub async fn court(&self, id: &CourtId, now: DateTime<Utc>) -> Result<Option<Court>> {
        let row: Option<CourtRow> = sqlx::query_as(&format!("SELECT {COURT_COLUMNS} FROM courts WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.into_court(now)).transpose()
    }

    #[tracing::instrument(skip(self))]
    pub async fn courts(&self, now: DateTime<Utc>) -> Result<Vec<Court>> {
        let rows: Vec<CourtRow> = sqlx::query_as(&format!("SELECT {COURT_COLUMNS} FROM courts ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(|r| r.into_court(now)).collect()
    }

    pub async fn count_courts(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM courts")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Sets when a court goes live and, in the same transaction, writes a notice
    /// to every CM/ECF account holder of the court. Returns how many were notified.
    #[tracing::instrument(skip(self))]
    pub async fn schedule_go_live(&self, id: &CourtId, when: GoLive, now: DateTime<Utc>) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let before: Option<CourtRow> = sqlx::query_as(&format!(
            "SELECT {COURT_COLUMNS} FROM courts WHERE id = $1{}",
            self.for_update()
        ))
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound(format!("no court {id}")));
        };
        if before.into_court(now)?.is_live() {
            // Linked filers have given up their CM/ECF logins: there is no going
            // back, and going live again would notify everyone again.
            return Err(StoreError::Conflict(format!(
                "court {id} is already live on NextGen CM/ECF; its go-live cannot be changed"
            )));
        }
        let updated = match when {
            GoLive::Now(at) => {
                sqlx::query("UPDATE courts SET live_since = $1, go_live_on = NULL WHERE id = $2")
                    .bind(epoch(at))
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?
            }
            GoLive::On(day) => {
                sqlx::query("UPDATE courts SET go_live_on = $1, live_since = NULL WHERE id = $2")
                    .bind(day.format("%Y-%m-%d").to_string())
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?
            }
        };
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("no court {id}")));
        }
        let row: CourtRow = sqlx::query_as(&format!("SELECT {COURT_COLUMNS} FROM courts WHERE id = $1"))
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let court = row.into_court(now)?;
        let holders: Vec<crate::accounts::EcfRow> = sqlx::query_as(&format!(
            "SELECT {} FROM ecf_accounts WHERE court_id = $1 ORDER BY id",
            crate::accounts::ECF_COLUMNS
        ))
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        let on = match when {
            GoLive::Now(_) => None,
            GoLive::On(day) => Some(day),
        };
        let mut notified = 0;
        for holder in holders {
            let (ecf, _hash): (EcfAccount, String) = holder.into_account()?;
            let m: Mail = mail::go_live_notice(&ecf.email, ecf.login.as_str(), &court, on);
            crate::outbox::enqueue(&mut tx, &m, epoch(now)).await?;
            notified += 1;
        }
        tx.commit().await?;
        Ok(notified)
    }
}
