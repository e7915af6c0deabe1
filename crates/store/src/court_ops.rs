//! Court operations' storage: each court's time zone and go-live plan, the
//! go-live notices already sent (the key that makes each notice go once),
//! the courts' NextGen status for the public, and a filer's link center.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use openecf_domain::{Court, CourtId, CourtZone, Email, NoticeKind, PacerAccountId};
use sqlx::{FromRow, Row};

use crate::courts::{CourtRow, COURT_COLUMNS};
use crate::{corrupt, epoch, from_epoch, parse_date, Missing, Result, Store, StoreError, Time, Tx};

/// Tells a court's CM/ECF account holders of its go-live; the payload is
/// `court|kind|YYYY-MM-DD|change` (see [`NoticeJob`]).
pub const COURT_GO_LIVE_NOTICE: &str = "court.go_live_notice";

/// One go-live notice to send, as a job carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeJob {
    pub court: CourtId,
    pub kind: NoticeKind,
    pub day: NaiveDate,
    /// The court's plan this notice belongs to (its count of date changes).
    pub change: i64,
}

impl NoticeJob {
    pub fn payload(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.court,
            self.kind.as_str(),
            self.day.format("%Y-%m-%d"),
            self.change
        )
    }

    pub fn parse(payload: &str) -> Result<Self> {
        let bad = || StoreError::Corrupt(format!("go-live notice job {payload:?}"));
        let mut parts = payload.split('|');
        let (Some(court), Some(kind), Some(day), Some(change), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        Ok(Self {
            court: CourtId::parse(court).map_err(corrupt)?,
            kind: NoticeKind::parse(kind).map_err(corrupt)?,
            day: parse_date(day)?,
            change: change.parse().map_err(|_| bad())?,
        })
    }

    /// The job's key: one queued job per notice (the reminder: one per court,
    /// so a new date moves it).
    pub fn dedupe_key(&self) -> String {
        match self.kind {
            NoticeKind::Reminder => format!("{COURT_GO_LIVE_NOTICE}:{}:reminder", self.court),
            _ => format!("{COURT_GO_LIVE_NOTICE}:{}", self.payload()),
        }
    }
}

/// A court's go-live plan beyond its status: its time zone and how many
/// times its day was moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoLivePlan {
    pub zone: CourtZone,
    pub changes: i64,
}

/// The holders of a court's CM/ECF accounts, one per address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRecipient {
    /// As first written (addresses are compared without case).
    pub email: Email,
    pub logins: Vec<String>,
}

/// A go-live notice as recorded.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct NoticeRow {
    pub kind: String,
    pub go_live_on: String,
    pub change_no: i64,
    pub address: String,
    pub sent_at: i64,
}

/// A court with its time zone, as `/courts` and the calendar show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtStatus {
    pub court: Court,
    pub zone: CourtZone,
    /// How many times its go-live day was moved.
    pub changes: i64,
}

/// One court of a filer's link center: a court live or with a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCenterRow {
    pub court: Court,
    pub zone: CourtZone,
    /// The CM/ECF login linked to the filer's PACER account here, and when.
    pub linked: Option<(String, Time)>,
    /// Unlinked CM/ECF accounts here with the filer's email address or one of
    /// the bar ids of the CM/ECF accounts the filer has linked. An empty login:
    /// one with the filer's email, which is not confirmed yet.
    pub unlinked_matches: Vec<String>,
}

fn zone_of(raw: &str) -> Result<CourtZone> {
    CourtZone::parse(raw).map_err(corrupt)
}

async fn courts_with_zones(
    db: impl sqlx::Executor<'_, Database = sqlx::Any>,
    filter: &str,
    bind: Option<&str>,
) -> Result<Vec<CourtStatus>> {
    let sql = format!("SELECT {COURT_COLUMNS}, time_zone, go_live_changes FROM courts{filter} ORDER BY id");
    let mut query = sqlx::query(&sql);
    if let Some(b) = bind {
        query = query.bind(b.to_owned());
    }
    let rows = query.fetch_all(db).await?;
    rows.iter()
        .map(|row| {
            let zone: String = row.try_get("time_zone")?;
            Ok(CourtStatus {
                court: CourtRow::from_row(row)?.into_court()?,
                zone: zone_of(&zone)?,
                changes: row.try_get("go_live_changes")?,
            })
        })
        .collect()
}

impl Store {
    /// Every court with its time zone, by id.
    #[tracing::instrument(skip(self))]
    pub async fn court_statuses(&self) -> Result<Vec<CourtStatus>> {
        courts_with_zones(&self.pool, "", None).await
    }

    /// One court with its time zone.
    #[tracing::instrument(skip(self))]
    pub async fn court_status(&self, id: &CourtId) -> Result<Option<CourtStatus>> {
        Ok(courts_with_zones(&self.pool, " WHERE id = $1", Some(id.as_str()))
            .await?
            .pop())
    }

    /// The go-live notices recorded for a court, oldest first.
    #[tracing::instrument(skip(self))]
    pub async fn go_live_notices(&self, court: &CourtId) -> Result<Vec<NoticeRow>> {
        Ok(sqlx::query_as(
            "SELECT kind, go_live_on, change_no, address, sent_at FROM go_live_notices
             WHERE court_id = $1 ORDER BY sent_at, kind, address",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    /// A filer's link center: every court that is live or has a go-live date,
    /// by name, with the filer's link there and the unlinked CM/ECF accounts
    /// there that carry the filer's email address or a bar id of one of the
    /// CM/ECF accounts the filer has linked.
    #[tracing::instrument(skip(self, email))]
    pub async fn link_center(&self, pacer: PacerAccountId, email: &Email) -> Result<Vec<LinkCenterRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COURT_COLUMNS}, time_zone, l.login, l.linked_at FROM courts
             LEFT JOIN (SELECT k.court_id, e.login, k.linked_at FROM links k
                        JOIN ecf_accounts e ON e.id = k.ecf_account_id
                        WHERE k.pacer_account_id = $1) l ON l.court_id = courts.id
             WHERE courts.live_since IS NOT NULL OR courts.go_live_on IS NOT NULL
             ORDER BY courts.name, courts.id"
        ))
        .bind(pacer.get())
        .fetch_all(&self.pool)
        .await?;
        // By bar id: of the CM/ECF accounts the filer has linked (proven).
        let by_bar: Vec<(String, String)> = sqlx::query_as(
            "SELECT e.court_id, e.login FROM ecf_accounts e
             WHERE NOT EXISTS (SELECT 1 FROM links k WHERE k.ecf_account_id = e.id)
               AND e.bar_id IN (SELECT m.bar_id FROM links k JOIN ecf_accounts m ON m.id = k.ecf_account_id
                                WHERE k.pacer_account_id = $1 AND m.bar_id IS NOT NULL)
             ORDER BY e.court_id, e.login",
        )
        .bind(pacer.get())
        .fetch_all(&self.pool)
        .await?;
        // By email: the login is shown only once the account's address is
        // confirmed (anyone may register with someone else's address); until
        // then the court is flagged with an empty login.
        let verified: Option<Option<i64>> =
            sqlx::query_scalar("SELECT email_verified_at FROM pacer_accounts WHERE id = $1")
                .bind(pacer.get())
                .fetch_optional(&self.pool)
                .await?;
        let verified = verified.flatten().is_some();
        let by_email: Vec<(String, String)> = sqlx::query_as(
            "SELECT e.court_id, e.login FROM ecf_accounts e
             WHERE NOT EXISTS (SELECT 1 FROM links k WHERE k.ecf_account_id = e.id)
               AND LOWER(e.email) = LOWER($1)
             ORDER BY e.court_id, e.login",
        )
        .bind(email.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut matches = by_bar;
        for (court, login) in by_email {
            let shown = if verified { login } else { String::new() };
            if !matches.iter().any(|(c, l)| *c == court && *l == shown) {
                matches.push((court, shown));
            }
        }
        matches.sort();
        let mut by_court: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (court, login) in matches {
            by_court.entry(court).or_default().push(login);
        }
        rows.iter()
            .map(|row| {
                let zone: String = row.try_get("time_zone")?;
                let court = CourtRow::from_row(row)?.into_court()?;
                let login: Option<String> = row.try_get("login")?;
                let linked_at: Option<i64> = row.try_get("linked_at")?;
                let linked = match (login, linked_at) {
                    (Some(login), Some(at)) => Some((login, from_epoch(at)?)),
                    _ => None,
                };
                Ok(LinkCenterRow {
                    unlinked_matches: by_court.remove(court.id.as_str()).unwrap_or_default(),
                    zone: zone_of(&zone)?,
                    linked,
                    court,
                })
            })
            .collect()
    }
}

impl Tx {
    /// The go-live plan of a court (lock the court first: `court_for_update`).
    pub async fn go_live_plan(&mut self, id: &CourtId) -> Result<GoLivePlan> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT time_zone, go_live_changes FROM courts WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(self.conn())
            .await?;
        let (zone, changes) = row.ok_or_else(|| StoreError::NotFound(Missing::Court(id.clone())))?;
        Ok(GoLivePlan {
            zone: zone_of(&zone)?,
            changes,
        })
    }

    /// The court's time zone (its notices print times in it).
    pub async fn court_zone(&mut self, id: &CourtId) -> Result<CourtZone> {
        let zone: Option<String> = sqlx::query_scalar("SELECT time_zone FROM courts WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(self.conn())
            .await?;
        zone_of(&zone.ok_or_else(|| StoreError::NotFound(Missing::Court(id.clone())))?)
    }

    pub async fn set_court_time_zone(&mut self, id: &CourtId, zone: CourtZone) -> Result<()> {
        sqlx::query("UPDATE courts SET time_zone = $1 WHERE id = $2")
            .bind(zone.name())
            .bind(id.as_str())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Counts one more move of the court's go-live day; returns the new count.
    pub async fn count_go_live_change(&mut self, id: &CourtId) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "UPDATE courts SET go_live_changes = go_live_changes + 1 WHERE id = $1 RETURNING go_live_changes",
        )
        .bind(id.as_str())
        .fetch_one(self.conn())
        .await?)
    }

    /// The holders of the court's CM/ECF accounts, one per address (compared
    /// without case), each with the logins held under it.
    pub async fn go_live_recipients(&mut self, court: &CourtId) -> Result<Vec<NoticeRecipient>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT email, login FROM ecf_accounts WHERE court_id = $1 ORDER BY LOWER(email), login")
                .bind(court.as_str())
                .fetch_all(self.conn())
                .await?;
        let mut out: Vec<NoticeRecipient> = Vec::new();
        for (email, login) in rows {
            match out.last_mut() {
                Some(last) if last.email.as_str().eq_ignore_ascii_case(&email) => last.logins.push(login),
                _ => out.push(NoticeRecipient {
                    email: Email::from_stored(&email).map_err(corrupt)?,
                    logins: vec![login],
                }),
            }
        }
        Ok(out)
    }

    /// Records that this notice goes to this address. False if it was
    /// recorded before (by this node or another): then it is not sent again.
    pub async fn record_go_live_notice(&mut self, notice: &NoticeJob, address: &Email, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO go_live_notices (court_id, kind, go_live_on, change_no, address, sent_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(notice.court.as_str())
        .bind(notice.kind.as_str())
        .bind(notice.day.format("%Y-%m-%d").to_string())
        .bind(notice.change)
        .bind(address.as_str().to_ascii_lowercase())
        .bind(epoch(now))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Moves a job this worker holds to a later time, releasing its lease
    /// (a court's switch claimed before its instant). False if the lease was lost.
    pub async fn postpone_job(&mut self, job: &crate::ClaimedJob, run_at: Time) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET run_at = $1, locked_until = 0, lease_id = 0, attempts = 0 WHERE id = $2 AND lease_id = $3",
        )
        .bind(epoch(run_at))
        .bind(job.id.get())
        .bind(job.lease_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testkit::TestDb;
    use crate::NewCourt;
    use openecf_domain::{CourtKind, Release};

    /// Runs the registry migration again over courts an earlier registry
    /// seeded, and one an operator renamed: only the former change.
    async fn the_registry_migration_renames_only_what_it_seeded(db: TestDb, sql: &str) {
        let court = |id: &str, kind, name: &str, location: &str| NewCourt {
            id: CourtId::parse(id).unwrap(),
            kind,
            name: name.into(),
            location: location.into(),
            doc_id_prefix: String::new(),
            release: Release::V1_0,
        };
        db.store
            .add_courts(&[
                court("neb", CourtKind::Appellate, "Nebraska Supreme Court", "Nebraska"),
                court(
                    "azb",
                    CourtKind::Bankruptcy,
                    "United States Bankruptcy Court, D. Arizona",
                    "",
                ),
                court("nysd", CourtKind::District, "S.D.N.Y. (our own name)", "New York"),
            ])
            .await
            .unwrap();
        for statement in sql.split(";\n").filter(|s| s.contains("UPDATE")) {
            let statement = statement
                .lines()
                .filter(|l| !l.starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            sqlx::query(&statement).execute(&db.store.pool).await.unwrap();
        }
        let get = |id: &str| {
            let store = db.store.clone();
            let id = CourtId::parse(id).unwrap();
            async move { store.court(&id).await.unwrap().unwrap() }
        };
        let neb = get("neb").await;
        assert_eq!(
            (neb.kind, neb.name.as_str()),
            (CourtKind::Bankruptcy, "United States Bankruptcy Court, D. Nebraska")
        );
        assert_eq!(get("azb").await.location, "Arizona");
        assert_eq!(
            get("nysd").await.name,
            "S.D.N.Y. (our own name)",
            "renamed by hand: left alone"
        );
        db.finish().await;
    }

    #[tokio::test]
    async fn the_registry_migration_on_sqlite() {
        let db = TestDb::sqlite().await.unwrap();
        the_registry_migration_renames_only_what_it_seeded(
            db,
            include_str!("../migrations/sqlite/0021_court_registry.sql"),
        )
        .await;
    }

    #[tokio::test]
    async fn the_registry_migration_on_postgres() {
        let Some(db) = TestDb::postgres().await else { return };
        the_registry_migration_renames_only_what_it_seeded(
            db,
            include_str!("../migrations/postgres/0021_court_registry.sql"),
        )
        .await;
    }
}
