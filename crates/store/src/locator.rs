//! The PACER Case Locator's index: cases and parties of every court, found by
//! number, title, type, dates and party name.

use sqlx::Row;

use crate::filing::{CaseRaw, CASE_COLUMNS};
use crate::{epoch, CaseRow, Result, Store, Time};

/// What a locator search asks; every part given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocatorCriteria {
    pub courts: Vec<String>,
    /// Case types: cv, cr, mj, mc, bk, ap.
    pub case_types: Vec<String>,
    /// Part of the case title, case aside.
    pub title: Option<String>,
    /// Two-digit year, sequence and office of the case number.
    pub year: Option<i64>,
    pub seq: Option<i64>,
    pub office: Option<i64>,
    pub filed_from: Option<Time>,
    /// Exclusive.
    pub filed_until: Option<Time>,
    pub chapters: Vec<i64>,
    /// A word of a party's name begins with it (or is it, when `exact`).
    pub last_name: Option<String>,
    /// A party's name begins with it.
    pub first_name: Option<String>,
    pub exact: bool,
    /// Party roles (Plaintiff, Debtor…), case aside.
    pub roles: Vec<String>,
}

/// A party found, with its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedParty {
    pub name: String,
    pub role: String,
    pub case: CaseRow,
}

enum Bind {
    Text(String),
    Int(i64),
}

use crate::like_escaped as like;

/// The next `$n` marker, for this bind.
fn param(binds: &mut Vec<Bind>, b: Bind) -> String {
    binds.push(b);
    format!("${}", binds.len())
}

/// `AND column IN (…)`, when there are items.
fn list(sql: &mut String, binds: &mut Vec<Bind>, column: &str, items: Vec<Bind>) {
    if items.is_empty() {
        return;
    }
    let marks: Vec<String> = items.into_iter().map(|b| param(binds, b)).collect();
    sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
}

/// The WHERE clause over `cases c` (and `parties p` for the party parts when
/// `party_in_from`, else through EXISTS), with its binds.
fn filter(c: &LocatorCriteria, party_in_from: bool) -> (String, Vec<Bind>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds: Vec<Bind> = Vec::new();
    list(
        &mut sql,
        &mut binds,
        "c.court_id",
        c.courts.iter().cloned().map(Bind::Text).collect(),
    );
    list(
        &mut sql,
        &mut binds,
        "c.case_type",
        c.case_types.iter().cloned().map(Bind::Text).collect(),
    );
    list(
        &mut sql,
        &mut binds,
        "c.chapter",
        c.chapters.iter().copied().map(Bind::Int).collect(),
    );
    if let Some(t) = &c.title {
        let m = param(&mut binds, Bind::Text(format!("%{}%", like(t))));
        sql.push_str(&format!(" AND LOWER(c.title) LIKE {m} ESCAPE '\\'"));
    }
    for (column, value) in [("c.year", c.year), ("c.seq", c.seq), ("c.office", c.office)] {
        if let Some(v) = value {
            let m = param(&mut binds, Bind::Int(v));
            sql.push_str(&format!(" AND {column} = {m}"));
        }
    }
    if let Some(t) = c.filed_from {
        let m = param(&mut binds, Bind::Int(epoch(t)));
        sql.push_str(&format!(" AND c.date_filed >= {m}"));
    }
    if let Some(t) = c.filed_until {
        let m = param(&mut binds, Bind::Int(epoch(t)));
        sql.push_str(&format!(" AND c.date_filed < {m}"));
    }
    let mut party = String::new();
    if let Some(last) = &c.last_name {
        let words = "(' ' || LOWER(REPLACE(p.name, ',', ' ')) || ' ')";
        let pattern = if c.exact {
            format!("% {} %", like(last))
        } else {
            format!("% {}%", like(last))
        };
        let m = param(&mut binds, Bind::Text(pattern));
        party.push_str(&format!(" AND {words} LIKE {m} ESCAPE '\\'"));
    }
    if let Some(first) = &c.first_name {
        let m = param(&mut binds, Bind::Text(format!("{}%", like(first))));
        party.push_str(&format!(" AND LOWER(p.name) LIKE {m} ESCAPE '\\'"));
    }
    if !c.roles.is_empty() {
        let marks: Vec<String> = c
            .roles
            .iter()
            .map(|r| param(&mut binds, Bind::Text(r.to_lowercase())))
            .collect();
        party.push_str(&format!(" AND LOWER(p.role) IN ({})", marks.join(", ")));
    }
    if party_in_from {
        sql.push_str(&party);
    } else if !party.is_empty() {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id{party})"
        ));
    }
    (sql, binds)
}

fn bound<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

impl Store {
    /// Cases of every court that match, in court and number order: one page
    /// (`page` from 0) of `size`, and how many match in all.
    pub async fn locate_cases(&self, c: &LocatorCriteria, page: i64, size: i64) -> Result<(Vec<CaseRow>, i64)> {
        let (filter, binds) = filter(c, false);
        let total: i64 = {
            let sql = format!("SELECT COUNT(*) AS n FROM cases c{filter}");
            bound(sqlx::query(&sql), &binds)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?
        };
        let columns: String = CASE_COLUMNS
            .split(", ")
            .map(|col| format!("c.{}", col.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM cases c{filter} ORDER BY c.court_id, c.year, c.case_type, c.seq LIMIT {size} OFFSET {}",
            page.max(0).saturating_mul(size)
        );
        let rows = bound(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        let cases = rows
            .into_iter()
            .map(|r| {
                use sqlx::FromRow;
                CaseRow::try_from(CaseRaw::from_row(&r)?)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((cases, total))
    }

    /// Parties of every court's cases that match, in court, case and name
    /// order: one page of `size`, and how many match in all.
    pub async fn locate_parties(&self, c: &LocatorCriteria, page: i64, size: i64) -> Result<(Vec<LocatedParty>, i64)> {
        let (filter, binds) = filter(c, true);
        let from = "FROM parties p JOIN cases c ON c.id = p.case_id";
        let total: i64 = {
            let sql = format!("SELECT COUNT(*) AS n {from}{filter}");
            bound(sqlx::query(&sql), &binds)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?
        };
        let columns: String = CASE_COLUMNS
            .split(", ")
            .map(|col| format!("c.{}", col.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, p.name AS party_name, p.role AS party_role {from}{filter}
             ORDER BY c.court_id, c.year, c.case_type, c.seq, p.id LIMIT {size} OFFSET {}",
            page.max(0).saturating_mul(size)
        );
        let rows = bound(sqlx::query(&sql), &binds).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            use sqlx::FromRow;
            out.push(LocatedParty {
                name: r.try_get("party_name")?,
                role: r.try_get("party_role")?,
                case: CaseRow::try_from(CaseRaw::from_row(&r)?)?,
            });
        }
        Ok((out, total))
    }
}

/// A batch search of the locator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    pub account: openecf_domain::PacerAccountId,
    pub search_type: String,
    pub criteria: String,
    pub status: String,
    pub record_count: i64,
    pub results: String,
    pub started_at: Time,
    pub finished_at: Option<Time>,
}

fn report(r: sqlx::any::AnyRow) -> Result<ReportRow> {
    Ok(ReportRow {
        id: r.try_get("id")?,
        account: openecf_domain::PacerAccountId::new(r.try_get("pacer_account_id")?),
        search_type: r.try_get("search_type")?,
        criteria: r.try_get("criteria")?,
        status: r.try_get("status")?,
        record_count: r.try_get("record_count")?,
        results: r.try_get("results")?,
        started_at: crate::from_epoch(r.try_get("started_at")?)?,
        finished_at: r
            .try_get::<Option<i64>, _>("finished_at")?
            .map(crate::from_epoch)
            .transpose()?,
    })
}

impl Store {
    /// Records a finished batch search with its results; returns its id.
    pub async fn insert_report(
        &self,
        account: openecf_domain::PacerAccountId,
        search_type: &str,
        criteria: &str,
        results: &str,
        record_count: i64,
        now: Time,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO pcl_reports (pacer_account_id, search_type, criteria, status, record_count, results, started_at, finished_at)
             VALUES ($1, $2, $3, 'COMPLETED', $4, $5, $6, $6) RETURNING id",
        )
        .bind(account.get())
        .bind(search_type)
        .bind(criteria)
        .bind(record_count)
        .bind(results)
        .bind(epoch(now))
        .fetch_one(&mut *self.writer().await?)
        .await?)
    }

    /// A batch search of this account's, of this type.
    pub async fn report(
        &self,
        account: openecf_domain::PacerAccountId,
        search_type: &str,
        id: i64,
    ) -> Result<Option<ReportRow>> {
        sqlx::query(
            "SELECT id, pacer_account_id, search_type, criteria, status, record_count, results, started_at, finished_at
             FROM pcl_reports WHERE id = $1 AND pacer_account_id = $2 AND search_type = $3",
        )
        .bind(id)
        .bind(account.get())
        .bind(search_type)
        .fetch_optional(&self.pool)
        .await?
        .map(report)
        .transpose()
    }

    /// This account's batch searches of a type, newest first (without their results).
    pub async fn reports(&self, account: openecf_domain::PacerAccountId, search_type: &str) -> Result<Vec<ReportRow>> {
        sqlx::query(
            "SELECT id, pacer_account_id, search_type, criteria, status, record_count, '' AS results, started_at, finished_at
             FROM pcl_reports WHERE pacer_account_id = $1 AND search_type = $2 ORDER BY id DESC",
        )
        .bind(account.get())
        .bind(search_type)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(report)
        .collect()
    }

    /// How many batch searches the account keeps.
    pub async fn report_count(&self, account: openecf_domain::PacerAccountId) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM pcl_reports WHERE pacer_account_id = $1")
                .bind(account.get())
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Forgets batch searches started before `before`; returns how many.
    pub async fn purge_reports(&self, before: Time) -> Result<u64> {
        let done = sqlx::query("DELETE FROM pcl_reports WHERE started_at < $1")
            .bind(epoch(before))
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }

    /// Deletes a batch search of this account's; false if there was none.
    pub async fn delete_report(
        &self,
        account: openecf_domain::PacerAccountId,
        search_type: &str,
        id: i64,
    ) -> Result<bool> {
        let done = sqlx::query("DELETE FROM pcl_reports WHERE id = $1 AND pacer_account_id = $2 AND search_type = $3")
            .bind(id)
            .bind(account.get())
            .bind(search_type)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
