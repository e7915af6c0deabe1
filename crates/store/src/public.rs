//! Public access to the record: finding a court's cases by a party's name,
//! the docket report (with its date and document-number ranges), a case's
//! last filing, and the court's new entries (its RSS feed).

use std::collections::HashMap;

use openecf_domain::record::redact_reference;
use openecf_domain::{CourtId, CourtZone, PartyRole};

use crate::filing::{CaseRaw, CASE_COLUMNS, DOCUMENT_COLUMNS};
use crate::{corrupt, epoch, from_epoch, CaseRow, DocumentRow, Result, Store, Time, Tx};

/// Which entries a docket report shows: filed on or after `filed_from` and
/// before `filed_before`, numbered `first_number` to `last_number`; each
/// bound is open when `None`. Sealed entries are left out unless
/// `include_sealed` (the court's staff see them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocketFilter {
    pub filed_from: Option<Time>,
    pub filed_before: Option<Time>,
    pub first_number: Option<i64>,
    pub last_number: Option<i64>,
    pub include_sealed: bool,
}

impl DocketFilter {
    /// Whether it narrows the docket (a date or number range).
    pub fn is_ranged(&self) -> bool {
        self.filed_from.is_some()
            || self.filed_before.is_some()
            || self.first_number.is_some()
            || self.last_number.is_some()
    }
}

/// A case found by one of its parties' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyMatch {
    pub case: CaseRow,
    pub party: String,
    pub role: PartyRole,
}

/// A new docket entry of a court, as its RSS feed lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub case: CaseRow,
    pub number: i64,
    pub event: String,
    pub filed_at: Time,
    /// The entry's main document, if it has one.
    pub document_id: Option<i64>,
}

/// An entry as the docket report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportEntry {
    pub id: i64,
    pub number: i64,
    pub docket_text: String,
    pub filed_at: Time,
    /// The entry (its id) this one refers to: "re 2".
    pub refers_to: Option<i64>,
    /// Sealed (listed only when the filter includes sealed entries).
    pub sealed: bool,
    /// Main document first, then the attachments.
    pub documents: Vec<ReportDocument>,
}

/// A document as the docket report links it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDocument {
    pub id: i64,
    /// 0 is the main document; 1, 2 … its attachments.
    pub attachment: i64,
    pub description: String,
    /// Kept from the public (its entry still shows).
    pub restricted: bool,
}

#[derive(sqlx::FromRow)]
struct PartyCaseRaw {
    #[sqlx(flatten)]
    case: CaseRaw,
    party_name: String,
    party_role: String,
}

#[derive(sqlx::FromRow)]
struct FeedRaw {
    #[sqlx(flatten)]
    case: CaseRaw,
    entry_number: i64,
    entry_event: String,
    entry_filed_at: i64,
    document_id: Option<i64>,
}

/// The case columns, each prefixed by a table alias (`c.id, c.court_id, …`).
fn case_columns(alias: &str) -> String {
    CASE_COLUMNS
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `%text%` for LIKE, with LIKE's own characters escaped (by `\`).
fn contains_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The court's prefix of CM/ECF document numbers (`127` for nysd), or ""
/// when it has none recorded.
async fn doc_id_prefix<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>, court: &CourtId) -> Result<String> {
    let prefix: Option<String> = sqlx::query_scalar("SELECT doc_id_prefix FROM courts WHERE id = $1")
        .bind(court.as_str())
        .fetch_optional(db)
        .await?;
    Ok(prefix.unwrap_or_default())
}

impl Tx {
    pub async fn doc_id_prefix(&mut self, court: &CourtId) -> Result<String> {
        doc_id_prefix(self.conn(), court).await
    }
}

impl Store {
    /// The court's time zone (its dockets print dates in it).
    pub async fn court_time_zone(&self, court: &CourtId) -> Result<CourtZone> {
        let zone: Option<String> = sqlx::query_scalar("SELECT time_zone FROM courts WHERE id = $1")
            .bind(court.as_str())
            .fetch_optional(&self.pool)
            .await?;
        CourtZone::parse(&zone.unwrap_or_default()).map_err(corrupt)
    }

    /// The court's prefix of CM/ECF document numbers (`127` for nysd), or "".
    pub async fn doc_id_prefix(&self, court: &CourtId) -> Result<String> {
        doc_id_prefix(&self.pool, court).await
    }

    /// A court's cases with a party whose name contains `name` (in any
    /// case), newest case first; at most `limit`.
    pub async fn cases_by_party_name(&self, court: &CourtId, name: &str, limit: i64) -> Result<Vec<PartyMatch>> {
        let rows: Vec<PartyCaseRaw> = sqlx::query_as(&format!(
            "SELECT {}, p.name AS party_name, p.role AS party_role
             FROM parties p JOIN cases c ON c.id = p.case_id
             WHERE c.court_id = $1 AND LOWER(p.name) LIKE $2 ESCAPE '\\'
             ORDER BY c.date_filed DESC, c.id DESC, p.id LIMIT $3",
            case_columns("c")
        ))
        .bind(court.as_str())
        .bind(contains_pattern(name))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PartyMatch {
                    role: PartyRole::parse(&r.party_role).map_err(corrupt)?,
                    party: r.party_name,
                    case: r.case.try_into()?,
                })
            })
            .collect()
    }

    /// The entries of a case's docket that the filter lets through, oldest
    /// first, each with its documents (main document first): what a docket
    /// report shows, read in two queries (entries with their main documents;
    /// then the attachments).
    pub async fn docket_report(&self, case_id: i64, filter: &DocketFilter) -> Result<Vec<ReportEntry>> {
        let from = filter.filed_from.map_or(i64::MIN, epoch);
        let before = filter.filed_before.map_or(i64::MAX, epoch);
        let first = filter.first_number.unwrap_or(i64::MIN);
        let last = filter.last_number.unwrap_or(i64::MAX);
        // Sealed entries (1) are let through only when asked for.
        let sealed_max = i64::from(filter.include_sealed);
        type Line = (
            i64,
            i64,
            String,
            i64,
            Option<i64>,
            i64,
            Option<i64>,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<String>,
        );
        // With each entry, the number and text of the entry it refers to when that one is sealed.
        let lines: Vec<Line> = sqlx::query_as(
            "SELECT e.id, e.number, e.docket_text, e.filed_at, e.refers_to_entry, e.sealed, d.id, d.description,
                    d.restricted, r.number, r.docket_text
             FROM docket_entries e LEFT JOIN documents d ON d.entry_id = e.id AND d.attachment = 0
             LEFT JOIN docket_entries r ON r.id = e.refers_to_entry AND r.sealed = 1
             WHERE e.case_id = $1 AND e.filed_at >= $2 AND e.filed_at < $3 AND e.number >= $4 AND e.number <= $5
               AND e.sealed <= $6
             ORDER BY e.number",
        )
        .bind(case_id)
        .bind(from)
        .bind(before)
        .bind(first)
        .bind(last)
        .bind(sealed_max)
        .fetch_all(&self.pool)
        .await?;
        let attachments: Vec<(i64, i64, i64, String, i64)> = sqlx::query_as(
            "SELECT d.entry_id, d.id, d.attachment, d.description, d.restricted
             FROM documents d JOIN docket_entries e ON e.id = d.entry_id
             WHERE e.case_id = $1 AND e.filed_at >= $2 AND e.filed_at < $3 AND e.number >= $4 AND e.number <= $5
               AND e.sealed <= $6 AND d.attachment > 0
             ORDER BY d.entry_id, d.attachment",
        )
        .bind(case_id)
        .bind(from)
        .bind(before)
        .bind(first)
        .bind(last)
        .bind(sealed_max)
        .fetch_all(&self.pool)
        .await?;
        let mut by_entry: HashMap<i64, Vec<ReportDocument>> = HashMap::new();
        for (entry_id, id, attachment, description, restricted) in attachments {
            by_entry.entry(entry_id).or_default().push(ReportDocument {
                id,
                attachment,
                description,
                restricted: restricted != 0,
            });
        }
        lines
            .into_iter()
            .map(
                |(id, number, text, filed_at, refers_to, sealed, main, description, restricted, r_number, r_text)| {
                    // A sealed entry's quote in this one is not for those who may not see it.
                    let docket_text = match (r_number, r_text) {
                        (Some(n), Some(quoted)) if !filter.include_sealed => redact_reference(&text, n, &quoted),
                        _ => text,
                    };
                    let mut documents = Vec::new();
                    if let Some(main) = main {
                        documents.push(ReportDocument {
                            id: main,
                            attachment: 0,
                            description: description.unwrap_or_default(),
                            restricted: restricted.unwrap_or(0) != 0,
                        });
                        documents.extend(by_entry.remove(&id).unwrap_or_default());
                    }
                    Ok(ReportEntry {
                        id,
                        number,
                        docket_text,
                        filed_at: from_epoch(filed_at)?,
                        refers_to,
                        sealed: sealed != 0,
                        documents,
                    })
                },
            )
            .collect()
    }

    /// Numbers of the entries with these ids (a docket report's "re 2"
    /// links, when the entry referred to is outside the report's range).
    pub async fn entry_number(&self, entry_id: i64) -> Result<Option<(i64, Option<i64>)>> {
        let number: Option<i64> = sqlx::query_scalar("SELECT number FROM docket_entries WHERE id = $1")
            .bind(entry_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(number) = number else { return Ok(None) };
        let doc: Option<i64> =
            sqlx::query_scalar("SELECT id FROM documents WHERE entry_id = $1 ORDER BY attachment LIMIT 1")
                .bind(entry_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(Some((number, doc)))
    }

    /// When the case's latest entry that is not sealed was filed (the
    /// public's "Date of last filing").
    pub async fn last_filing(&self, case_id: i64) -> Result<Option<Time>> {
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(filed_at) FROM docket_entries WHERE case_id = $1 AND sealed = 0")
                .bind(case_id)
                .fetch_one(&self.pool)
                .await?;
        last.map(from_epoch).transpose()
    }

    /// The documents of the entry a document belongs to, main document first.
    pub async fn entry_documents(&self, entry_id: i64) -> Result<Vec<DocumentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE entry_id = $1 ORDER BY attachment"
        ))
        .bind(entry_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether court staff sealed this entry.
    pub async fn entry_sealed(&self, entry_id: i64) -> Result<bool> {
        let sealed: Option<i64> = sqlx::query_scalar("SELECT sealed FROM docket_entries WHERE id = $1")
            .bind(entry_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(sealed.unwrap_or(0) != 0)
    }

    /// A court's entries filed since `since`, newest first; at most `limit`.
    /// Sealed entries are left out, and a restricted main document is not linked.
    pub async fn new_entries(&self, court: &CourtId, since: Time, limit: i64) -> Result<Vec<FeedEntry>> {
        let rows: Vec<FeedRaw> = sqlx::query_as(&format!(
            "SELECT {}, e.number AS entry_number, e.event AS entry_event, e.filed_at AS entry_filed_at,
                    d.id AS document_id
             FROM docket_entries e JOIN cases c ON c.id = e.case_id
             LEFT JOIN documents d ON d.entry_id = e.id AND d.attachment = 0 AND d.restricted = 0
             WHERE c.court_id = $1 AND e.filed_at >= $2 AND e.sealed = 0
             ORDER BY e.filed_at DESC, e.id DESC LIMIT $3",
            case_columns("c")
        ))
        .bind(court.as_str())
        .bind(epoch(since))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(FeedEntry {
                    case: r.case.try_into()?,
                    number: r.entry_number,
                    event: r.entry_event,
                    filed_at: from_epoch(r.entry_filed_at)?,
                    document_id: r.document_id,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn a_name_is_searched_for_as_typed_with_like_characters_taken_literally() {
        assert_eq!(contains_pattern(" Acme "), "%acme%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
