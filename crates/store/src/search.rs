//! A court's Search: docket entries found by a keyword of their text.

use sqlx::Row;

use crate::{epoch, from_epoch, Result, Store, Time};

/// An entry found, with its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEntry {
    pub case_id: i64,
    pub number: i64,
    pub docket_text: String,
    pub filed_at: Time,
}

impl Store {
    /// The court's entries whose docket text contains `keyword` (case aside),
    /// filed in [from, until), newest first, at most `limit`.
    pub async fn search_entries(
        &self,
        court: &openecf_domain::CourtId,
        keyword: &str,
        from: Option<Time>,
        until: Option<Time>,
        limit: i64,
    ) -> Result<Vec<FoundEntry>> {
        let pattern = crate::contains_pattern(keyword);
        sqlx::query(
            "SELECT e.case_id, e.number, e.docket_text, e.filed_at FROM docket_entries e JOIN cases c ON c.id = e.case_id
             WHERE c.court_id = $1 AND e.sealed = 0 AND LOWER(e.docket_text) LIKE $2 ESCAPE '\\'
               AND e.filed_at >= $3 AND e.filed_at < $4
             ORDER BY e.filed_at DESC, e.id DESC LIMIT $5",
        )
        .bind(court.as_str())
        .bind(pattern)
        .bind(from.map_or(i64::MIN, epoch))
        .bind(until.map_or(i64::MAX, epoch))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            Ok(FoundEntry {
                case_id: r.try_get("case_id")?,
                number: r.try_get("number")?,
                docket_text: r.try_get("docket_text")?,
                filed_at: from_epoch(r.try_get("filed_at")?)?,
            })
        })
        .collect()
    }
}
