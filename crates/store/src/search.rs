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
        let needle = keyword.trim().to_lowercase();
        // With each entry, the number and text of the entry it refers to when
        // that one is sealed: its quote is not searched nor shown.
        let rows = sqlx::query(
            "SELECT e.case_id, e.number, e.docket_text, e.filed_at, r.number AS r_number, r.docket_text AS r_text
             FROM docket_entries e JOIN cases c ON c.id = e.case_id
             LEFT JOIN docket_entries r ON r.id = e.refers_to_entry AND r.sealed = 1
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
        .await?;
        let mut found = Vec::with_capacity(rows.len());
        for r in rows {
            let text: String = r.try_get("docket_text")?;
            let quoted: (Option<i64>, Option<String>) = (r.try_get("r_number")?, r.try_get("r_text")?);
            let docket_text = match quoted {
                (Some(n), Some(sealed)) => {
                    let redacted = openecf_domain::record::redact_reference(&text, n, &sealed);
                    if !redacted.to_lowercase().contains(&needle) {
                        continue;
                    }
                    redacted
                }
                _ => text,
            };
            found.push(FoundEntry {
                case_id: r.try_get("case_id")?,
                number: r.try_get("number")?,
                docket_text,
                filed_at: from_epoch(r.try_get("filed_at")?)?,
            });
        }
        Ok(found)
    }
}
