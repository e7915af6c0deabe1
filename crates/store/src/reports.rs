//! The Reports menu's court-wide reports: Written Opinions (the entries of a
//! court's opinion events) and Calendar Events (hearings staff schedule).

use openecf_domain::CourtId;

use crate::filing::{CaseRaw, CASE_COLUMNS};
use crate::{epoch, from_epoch, CaseRow, Result, Store, Time, Tx};

/// An opinion as the Written Opinions report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionRow {
    pub case: CaseRow,
    pub number: i64,
    pub docket_text: String,
    pub filed_at: Time,
    /// Its main document (the report lists only opinions the public may open).
    pub document_id: i64,
}

#[derive(sqlx::FromRow)]
struct OpinionRaw {
    #[sqlx(flatten)]
    case: CaseRaw,
    entry_number: i64,
    entry_text: String,
    entry_filed_at: i64,
    document_id: i64,
    /// The entry it refers to, when sealed: its number and text (whose quote is not shown).
    sealed_number: Option<i64>,
    sealed_text: Option<String>,
}

/// A hearing scheduled on a case, with its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HearingRow {
    pub id: i64,
    pub case: CaseRow,
    pub starts_at: Time,
    pub description: String,
    pub location: String,
}

#[derive(sqlx::FromRow)]
struct HearingRaw {
    #[sqlx(flatten)]
    case: CaseRaw,
    hearing_id: i64,
    hearing_starts_at: i64,
    hearing_description: String,
    hearing_location: String,
}

fn case_columns() -> String {
    CASE_COLUMNS
        .split(',')
        .map(|c| format!("c.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Tx {
    /// Schedules a hearing on a case; its id.
    #[tracing::instrument(skip(self))]
    pub async fn insert_hearing(
        &mut self,
        case_id: i64,
        starts_at: Time,
        description: &str,
        location: &str,
        now: Time,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO hearings (case_id, starts_at, description, location, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(case_id)
        .bind(epoch(starts_at))
        .bind(description)
        .bind(location)
        .bind(epoch(now))
        .fetch_one(self.conn())
        .await?)
    }

    /// Cancels a court's hearing; false when it has no such hearing, or it
    /// was cancelled already.
    #[tracing::instrument(skip(self))]
    pub async fn cancel_hearing(&mut self, court: &CourtId, id: i64, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE hearings SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL
               AND case_id IN (SELECT id FROM cases WHERE court_id = $3)",
        )
        .bind(epoch(now))
        .bind(id)
        .bind(court.as_str())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks (or unmarks) a court's event, by name, as a written opinion.
    /// False when it already was so.
    #[tracing::instrument(skip(self))]
    pub async fn set_opinion_event(&mut self, court: &CourtId, event: &str, opinion: bool, now: Time) -> Result<bool> {
        let done = if opinion {
            sqlx::query(
                "INSERT INTO opinion_events (court_id, event, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (court_id, event) DO NOTHING",
            )
            .bind(court.as_str())
            .bind(event)
            .bind(epoch(now))
            .execute(self.conn())
            .await?
        } else {
            sqlx::query("DELETE FROM opinion_events WHERE court_id = $1 AND event = $2")
                .bind(court.as_str())
                .bind(event)
                .execute(self.conn())
                .await?
        };
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// The names of a court's opinion events.
    pub async fn opinion_events(&self, court: &CourtId) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT event FROM opinion_events WHERE court_id = $1 ORDER BY event")
                .bind(court.as_str())
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Whether this entry is of one of its court's opinion events (its documents are free).
    pub async fn entry_is_opinion(&self, entry_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM docket_entries e JOIN cases c ON c.id = e.case_id
             JOIN opinion_events o ON o.court_id = c.court_id AND o.event = e.event
             WHERE e.id = $1",
        )
        .bind(entry_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// A court's written opinions filed in [from, before): entries of its
    /// opinion events, not sealed, whose main document is not restricted;
    /// by filing time (or by case number when `by_case`); at most `limit`.
    pub async fn written_opinions(
        &self,
        court: &CourtId,
        from: Time,
        before: Time,
        by_case: bool,
        limit: i64,
    ) -> Result<Vec<OpinionRow>> {
        let order = if by_case {
            "c.year, c.case_type, c.seq, c.office, e.number"
        } else {
            "e.filed_at, e.id"
        };
        let columns = case_columns();
        let rows: Vec<OpinionRaw> = sqlx::query_as(&format!(
            "SELECT {columns}, e.number AS entry_number, e.docket_text AS entry_text,
                    e.filed_at AS entry_filed_at, d.id AS document_id, r.number AS sealed_number,
                    r.docket_text AS sealed_text
             FROM docket_entries e JOIN cases c ON c.id = e.case_id
             JOIN opinion_events o ON o.court_id = c.court_id AND o.event = e.event
             JOIN documents d ON d.entry_id = e.id AND d.attachment = 0 AND d.restricted = 0
             LEFT JOIN docket_entries r ON r.id = e.refers_to_entry AND r.sealed = 1
             WHERE c.court_id = $1 AND e.sealed = 0 AND e.filed_at >= $2 AND e.filed_at < $3
             ORDER BY {order} LIMIT $4"
        ))
        .bind(court.as_str())
        .bind(epoch(from))
        .bind(epoch(before))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(OpinionRow {
                    case: r.case.try_into()?,
                    number: r.entry_number,
                    docket_text: match (r.sealed_number, r.sealed_text) {
                        (Some(n), Some(sealed)) => openecf_domain::record::redact_reference(&r.entry_text, n, &sealed),
                        _ => r.entry_text,
                    },
                    filed_at: from_epoch(r.entry_filed_at)?,
                    document_id: r.document_id,
                })
            })
            .collect()
    }

    /// A court's hearings (not cancelled) starting in [from, before), by
    /// their start; at most `limit`.
    pub async fn hearings(&self, court: &CourtId, from: Time, before: Time, limit: i64) -> Result<Vec<HearingRow>> {
        let rows: Vec<HearingRaw> = sqlx::query_as(&format!(
            "SELECT {}, h.id AS hearing_id, h.starts_at AS hearing_starts_at,
                    h.description AS hearing_description, h.location AS hearing_location
             FROM hearings h JOIN cases c ON c.id = h.case_id
             WHERE c.court_id = $1 AND h.cancelled_at IS NULL AND h.starts_at >= $2 AND h.starts_at < $3
             ORDER BY h.starts_at, h.id LIMIT $4",
            case_columns()
        ))
        .bind(court.as_str())
        .bind(epoch(from))
        .bind(epoch(before))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(HearingRow {
                    id: r.hearing_id,
                    case: r.case.try_into()?,
                    starts_at: from_epoch(r.hearing_starts_at)?,
                    description: r.hearing_description,
                    location: r.hearing_location,
                })
            })
            .collect()
    }
}
