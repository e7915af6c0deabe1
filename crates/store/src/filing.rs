//! The filing system's storage: cases, parties, attorneys of record, the
//! docket and its documents (their bytes live in the document store; the
//! rows hold their SHA-256).

use openecf_domain::{CaseNumber, CaseQuery, CaseType, CourtId, PacerAccountId, PartyRole};

use crate::{corrupt, epoch, from_epoch, Result, Store, StoreError, Time, Tx};

/// A case to open; its number's sequence is taken in the same transaction.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub court: CourtId,
    pub office: u8,
    pub year: u8,
    pub case_type: CaseType,
    pub judge_initials: Option<String>,
    pub title: String,
    pub nature_of_suit: String,
    pub cause: String,
    pub jurisdiction: String,
    pub jury_demand: String,
    /// Bankruptcy cases: the chapter.
    pub chapter: Option<i64>,
    /// Adversary proceedings: the lead bankruptcy case.
    pub lead_case_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: i64,
    pub court: CourtId,
    pub number: CaseNumber,
    pub title: String,
    pub nature_of_suit: String,
    pub cause: String,
    pub jurisdiction: String,
    pub jury_demand: String,
    pub date_filed: Time,
    pub chapter: Option<i64>,
    pub lead_case_id: Option<i64>,
    /// What court staff record (`openecf case set`): the magistrate judge the
    /// case is referred to ("" when none), and the court's days it was
    /// terminated, converted (bankruptcy) and the debtor discharged.
    pub details: CaseDetails,
}

/// The case details court staff record; each may be cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseDetails {
    pub referred_to: String,
    pub date_terminated: Option<chrono::NaiveDate>,
    pub date_converted: Option<chrono::NaiveDate>,
    pub date_discharged: Option<chrono::NaiveDate>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CaseRaw {
    id: i64,
    court_id: String,
    office: i64,
    year: i64,
    case_type: String,
    seq: i64,
    judge_initials: Option<String>,
    title: String,
    nature_of_suit: String,
    cause: String,
    jurisdiction: String,
    jury_demand: String,
    date_filed: i64,
    chapter: Option<i64>,
    lead_case_id: Option<i64>,
    referred_to: String,
    date_terminated: Option<String>,
    date_converted: Option<String>,
    date_discharged: Option<String>,
}

pub(crate) const CASE_COLUMNS: &str =
    "id, court_id, office, year, case_type, seq, judge_initials, title, nature_of_suit, cause, \
                            jurisdiction, jury_demand, date_filed, chapter, lead_case_id, referred_to, \
                            date_terminated, date_converted, date_discharged";

/// A stored day (`YYYY-MM-DD`).
fn stored_day(raw: Option<String>) -> Result<Option<chrono::NaiveDate>> {
    raw.map(|d| {
        chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("case day {d:?}")))
    })
    .transpose()
}

impl TryFrom<CaseRaw> for CaseRow {
    type Error = StoreError;
    fn try_from(r: CaseRaw) -> Result<Self> {
        let small = |v: i64| u8::try_from(v).map_err(|_| StoreError::Corrupt(format!("case number part {v}")));
        Ok(Self {
            id: r.id,
            court: CourtId::parse(&r.court_id).map_err(corrupt)?,
            number: CaseNumber {
                office: small(r.office)?,
                year: small(r.year)?,
                case_type: CaseType::parse(&r.case_type).map_err(corrupt)?,
                seq: u32::try_from(r.seq).map_err(|_| StoreError::Corrupt(format!("case sequence {}", r.seq)))?,
                judge: r.judge_initials,
            },
            title: r.title,
            nature_of_suit: r.nature_of_suit,
            cause: r.cause,
            jurisdiction: r.jurisdiction,
            jury_demand: r.jury_demand,
            date_filed: from_epoch(r.date_filed)?,
            chapter: r.chapter,
            lead_case_id: r.lead_case_id,
            details: CaseDetails {
                referred_to: r.referred_to,
                date_terminated: stored_day(r.date_terminated)?,
                date_converted: stored_day(r.date_converted)?,
                date_discharged: stored_day(r.date_discharged)?,
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRow {
    pub id: i64,
    pub name: String,
    pub role: PartyRole,
    /// A debtor's SSN or ITIN: its last four digits (the only part ever shown).
    pub ssn_last4: Option<String>,
}

/// An attorney of record, with what a notice needs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttorneyRow {
    pub party_id: i64,
    pub pacer_account_id: i64,
    pub name: String,
    pub email: String,
    pub lead: i64,
    pub to_be_noticed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub entry_id: i64,
    pub attachment: i64,
    pub description: String,
    pub original_filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub pages: i64,
    pub stamp: String,
    /// `application/pdf`, or `text/plain` (a creditor matrix).
    pub media_type: String,
    /// 1 when court staff restricted it: kept from the public (its entry
    /// still shows); the case's attorneys of record and the court's staff
    /// still get it.
    pub restricted: i64,
}

impl DocumentRow {
    pub fn is_restricted(&self) -> bool {
        self.restricted != 0
    }
}

/// A document to record (its bytes already in the document store).
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub attachment: i64,
    pub description: String,
    pub original_filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub pages: i64,
    pub stamp: String,
    pub media_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub id: i64,
    pub number: i64,
    pub event: String,
    pub docket_text: String,
    pub filed_at: Time,
    pub filed_by: String,
    /// The entry (its id) this one refers to: "re 2".
    pub refers_to: Option<i64>,
    /// Sealed by court staff: only they see it.
    pub sealed: bool,
    pub documents: Vec<DocumentRow>,
}

/// A docket entry to write, under its case's lock.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub case_id: i64,
    pub number: i64,
    pub event: &'a str,
    pub docket_text: &'a str,
    /// The entry (its id) of the same case this one refers to ("re 2").
    pub refers_to: Option<i64>,
    pub filed_by: PacerAccountId,
    /// The filing agent who entered it for `filed_by`, if one did.
    pub entered_by: Option<PacerAccountId>,
}

#[derive(sqlx::FromRow)]
struct EntryRaw {
    id: i64,
    number: i64,
    event: String,
    docket_text: String,
    filed_at: i64,
    filed_by: String,
    refers_to_entry: Option<i64>,
    sealed: i64,
}

pub(crate) const DOCUMENT_COLUMNS: &str =
    "id, entry_id, attachment, description, original_filename, sha256, size_bytes, pages, stamp, media_type, restricted";

impl Tx {
    /// Every party's sealed SSN/ITIN (for a key rotation): (party id, sealed).
    pub async fn all_sealed_tax_ids(&mut self) -> Result<Vec<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, ssn_sealed FROM parties WHERE ssn_sealed IS NOT NULL ORDER BY id")
                .fetch_all(self.conn())
                .await?,
        )
    }

    pub async fn set_sealed_tax_id(&mut self, party_id: i64, sealed: &str) -> Result<()> {
        sqlx::query("UPDATE parties SET ssn_sealed = $1 WHERE id = $2")
            .bind(sealed)
            .bind(party_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The next sequence number of a court's cases of one office, year and
    /// type, taken under the counter row's lock.
    pub async fn next_case_seq(&mut self, court: &CourtId, office: u8, year: u8, case_type: CaseType) -> Result<u32> {
        sqlx::query(
            "INSERT INTO case_counters (court_id, office, year, case_type, next_seq) VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (court_id, office, year, case_type) DO NOTHING",
        )
        .bind(court.as_str())
        .bind(i64::from(office))
        .bind(i64::from(year))
        .bind(case_type.code())
        .execute(self.conn())
        .await?;
        let lock = self.for_update();
        let next: i64 = sqlx::query_scalar(&format!(
            "SELECT next_seq FROM case_counters WHERE court_id = $1 AND office = $2 AND year = $3 AND case_type = $4{lock}"
        ))
        .bind(court.as_str())
        .bind(i64::from(office))
        .bind(i64::from(year))
        .bind(case_type.code())
        .fetch_one(self.conn())
        .await?;
        sqlx::query(
            "UPDATE case_counters SET next_seq = next_seq + 1
             WHERE court_id = $1 AND office = $2 AND year = $3 AND case_type = $4",
        )
        .bind(court.as_str())
        .bind(i64::from(office))
        .bind(i64::from(year))
        .bind(case_type.code())
        .execute(self.conn())
        .await?;
        u32::try_from(next).map_err(|_| StoreError::Corrupt(format!("case counter {next}")))
    }

    pub async fn insert_case(&mut self, c: &NewCase, seq: u32, now: Time) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO cases (court_id, office, year, case_type, seq, judge_initials, title, nature_of_suit, cause,
                                jurisdiction, jury_demand, date_filed, chapter, lead_case_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(c.court.as_str())
        .bind(i64::from(c.office))
        .bind(i64::from(c.year))
        .bind(c.case_type.code())
        .bind(i64::from(seq))
        .bind(c.judge_initials.clone())
        .bind(&c.title)
        .bind(&c.nature_of_suit)
        .bind(&c.cause)
        .bind(&c.jurisdiction)
        .bind(&c.jury_demand)
        .bind(epoch(now))
        .bind(c.chapter)
        .bind(c.lead_case_id)
        .fetch_one(self.conn())
        .await?)
    }

    pub async fn insert_party(&mut self, case_id: i64, name: &str, role: PartyRole) -> Result<i64> {
        self.insert_party_with_ssn(case_id, name, role, None).await
    }

    /// A party with an SSN or ITIN: `(sealed, last four)`.
    pub async fn insert_party_with_ssn(
        &mut self,
        case_id: i64,
        name: &str,
        role: PartyRole,
        ssn: Option<(&str, &str)>,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO parties (case_id, name, role, ssn_sealed, ssn_last4) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(case_id)
        .bind(name)
        .bind(role.as_str())
        .bind(ssn.map(|(sealed, _)| sealed.to_owned()))
        .bind(ssn.map(|(_, last4)| last4.to_owned()))
        .fetch_one(self.conn())
        .await?)
    }

    /// Records an attorney of record for a party (again: nothing changes).
    /// Whether the party has an attorney of record yet (read under the case's lock).
    pub async fn party_represented(&mut self, case_id: i64, party_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attorneys WHERE case_id = $1 AND party_id = $2")
            .bind(case_id)
            .bind(party_id)
            .fetch_one(self.conn())
            .await?;
        Ok(n > 0)
    }

    pub async fn insert_attorney(
        &mut self,
        case_id: i64,
        party_id: i64,
        account: PacerAccountId,
        lead: bool,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO attorneys (case_id, party_id, pacer_account_id, lead, to_be_noticed) VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (case_id, party_id, pacer_account_id) DO NOTHING",
        )
        .bind(case_id)
        .bind(party_id)
        .bind(account.get())
        .bind(i64::from(lead))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The case, locked for the rest of the transaction (its docket numbers
    /// are taken one writer at a time).
    pub async fn lock_case(&mut self, case_id: i64) -> Result<CaseRow> {
        let lock = self.for_update();
        let row: Option<CaseRaw> = sqlx::query_as(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1{lock}"))
            .bind(case_id)
            .fetch_optional(self.conn())
            .await?;
        row.ok_or_else(|| StoreError::Corrupt(format!("no case {case_id}")))?
            .try_into()
    }

    /// The next docket number of a locked case: one more than the last.
    pub async fn next_entry_number(&mut self, case_id: i64) -> Result<i64> {
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(number) FROM docket_entries WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(self.conn())
            .await?;
        Ok(last.unwrap_or(0) + 1)
    }

    pub async fn insert_entry(&mut self, e: &NewEntry<'_>, now: Time) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO docket_entries (case_id, number, event, docket_text, refers_to_entry, filed_at, filed_by, entered_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(e.case_id)
        .bind(e.number)
        .bind(e.event)
        .bind(e.docket_text)
        .bind(e.refers_to)
        .bind(epoch(now))
        .bind(e.filed_by.get())
        .bind(e.entered_by.map(PacerAccountId::get))
        .fetch_one(self.conn())
        .await?)
    }

    pub async fn insert_document(&mut self, entry_id: i64, d: &NewDocument) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO documents (entry_id, attachment, description, original_filename, sha256, size_bytes, pages, stamp, media_type)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(entry_id)
        .bind(d.attachment)
        .bind(&d.description)
        .bind(&d.original_filename)
        .bind(&d.sha256)
        .bind(d.size_bytes)
        .bind(d.pages)
        .bind(&d.stamp)
        .bind(&d.media_type)
        .fetch_one(self.conn())
        .await?)
    }

    /// Holds a filing for its filer's Submit on the review page (the
    /// filing's JSON), until `expires_at`; filings held past their time are
    /// dropped meanwhile.
    pub async fn hold_pending_filing(
        &mut self,
        token_hash: &str,
        session_hash: &str,
        court: &CourtId,
        filing: &str,
        now: Time,
        expires_at: Time,
    ) -> Result<()> {
        sqlx::query("DELETE FROM pending_filings WHERE expires_at <= $1")
            .bind(epoch(now))
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO pending_filings (token_hash, session_hash, court_id, filing, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(session_hash)
        .bind(court.as_str())
        .bind(filing)
        .bind(epoch(expires_at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Takes a held filing (once), if it is this session's, at this court,
    /// and still waiting: Submit and Cancel both use it up.
    pub async fn take_pending_filing(
        &mut self,
        token_hash: &str,
        session_hash: &str,
        court: &CourtId,
        now: Time,
    ) -> Result<Option<String>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "DELETE FROM pending_filings WHERE token_hash = $1 AND session_hash = $2 AND court_id = $3
             RETURNING filing, expires_at",
        )
        .bind(token_hash)
        .bind(session_hash)
        .bind(court.as_str())
        .fetch_optional(self.conn())
        .await?;
        Ok(row.filter(|(_, expires)| *expires > epoch(now)).map(|(f, _)| f))
    }

    pub async fn parties_of(&mut self, case_id: i64) -> Result<Vec<PartyRow>> {
        parties(self.conn(), case_id).await
    }

    pub async fn attorneys_of(&mut self, case_id: i64) -> Result<Vec<AttorneyRow>> {
        attorneys(self.conn(), case_id).await
    }
}

async fn parties<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>, case_id: i64) -> Result<Vec<PartyRow>> {
    let rows: Vec<(i64, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, role, ssn_last4 FROM parties WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(db)
            .await?;
    rows.into_iter()
        .map(|(id, name, role, ssn_last4)| {
            Ok(PartyRow {
                id,
                name,
                role: PartyRole::parse(&role).map_err(corrupt)?,
                ssn_last4,
            })
        })
        .collect()
}

async fn attorneys<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>, case_id: i64) -> Result<Vec<AttorneyRow>> {
    Ok(sqlx::query_as(
        "SELECT a.party_id, a.pacer_account_id, p.name, p.email, a.lead, a.to_be_noticed
         FROM attorneys a JOIN pacer_accounts p ON p.id = a.pacer_account_id
         WHERE a.case_id = $1 ORDER BY a.party_id, p.name",
    )
    .bind(case_id)
    .fetch_all(db)
    .await?)
}

impl Store {
    /// A court's cases that a typed case number may mean.
    pub async fn find_cases(&self, court: &CourtId, q: &CaseQuery) -> Result<Vec<CaseRow>> {
        let rows: Vec<CaseRaw> = sqlx::query_as(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE court_id = $1 AND year = $2 AND seq = $3 ORDER BY id"
        ))
        .bind(court.as_str())
        .bind(i64::from(q.year))
        .bind(i64::from(q.seq))
        .fetch_all(&self.pool)
        .await?;
        let cases: Vec<CaseRow> = rows.into_iter().map(CaseRow::try_from).collect::<Result<_>>()?;
        Ok(cases.into_iter().filter(|c| q.matches(&c.number)).collect())
    }

    pub async fn case(&self, court: &CourtId, id: i64) -> Result<Option<CaseRow>> {
        let row: Option<CaseRaw> = sqlx::query_as(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE id = $1 AND court_id = $2"
        ))
        .bind(id)
        .bind(court.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(CaseRow::try_from).transpose()
    }

    pub async fn parties(&self, case_id: i64) -> Result<Vec<PartyRow>> {
        parties(&self.pool, case_id).await
    }

    pub async fn attorneys(&self, case_id: i64) -> Result<Vec<AttorneyRow>> {
        attorneys(&self.pool, case_id).await
    }

    /// Whether the account is an attorney of record in the case.
    pub async fn is_attorney(&self, case_id: i64, account: PacerAccountId) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attorneys WHERE case_id = $1 AND pacer_account_id = $2")
            .bind(case_id)
            .bind(account.get())
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Whether the account is an attorney of record for this party of the case.
    pub async fn is_attorney_for(&self, case_id: i64, party_id: i64, account: PacerAccountId) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM attorneys WHERE case_id = $1 AND party_id = $2 AND pacer_account_id = $3",
        )
        .bind(case_id)
        .bind(party_id)
        .bind(account.get())
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// The docket of a case, oldest entry first, with each entry's documents.
    pub async fn docket(&self, case_id: i64) -> Result<Vec<EntryRow>> {
        let entries: Vec<EntryRaw> = sqlx::query_as(
            "SELECT e.id, e.number, e.event, e.docket_text, e.filed_at, p.name AS filed_by, e.refers_to_entry, e.sealed
             FROM docket_entries e JOIN pacer_accounts p ON p.id = e.filed_by
             WHERE e.case_id = $1 ORDER BY e.number",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        let docs: Vec<DocumentRow> = sqlx::query_as(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE entry_id IN
               (SELECT id FROM docket_entries WHERE case_id = $1) ORDER BY entry_id, attachment"
        ))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        entries
            .into_iter()
            .map(|e| {
                Ok(EntryRow {
                    id: e.id,
                    number: e.number,
                    event: e.event,
                    docket_text: e.docket_text,
                    filed_at: from_epoch(e.filed_at)?,
                    filed_by: e.filed_by,
                    refers_to: e.refers_to_entry,
                    sealed: e.sealed != 0,
                    documents: docs.iter().filter(|d| d.entry_id == e.id).cloned().collect(),
                })
            })
            .collect()
    }

    /// A held filing's JSON, if it is this session's, at this court, and still waiting.
    pub async fn pending_filing(
        &self,
        token_hash: &str,
        session_hash: &str,
        court: &CourtId,
        now: Time,
    ) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT filing FROM pending_filings
             WHERE token_hash = $1 AND session_hash = $2 AND court_id = $3 AND expires_at > $4",
        )
        .bind(token_hash)
        .bind(session_hash)
        .bind(court.as_str())
        .bind(epoch(now))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// An entry of a case by its number: (id, number, docket text).
    pub async fn entry_by_number(&self, case_id: i64, number: i64) -> Result<Option<(i64, i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, number, docket_text FROM docket_entries WHERE case_id = $1 AND number = $2")
                .bind(case_id)
                .bind(number)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// A document and the id of its case, if it is this court's.
    pub async fn document(&self, court: &CourtId, id: i64) -> Result<Option<(DocumentRow, i64)>> {
        let row: Option<DocumentRow> =
            sqlx::query_as(&format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(doc) = row else { return Ok(None) };
        let case: Option<i64> = sqlx::query_scalar(
            "SELECT c.id FROM docket_entries e JOIN cases c ON c.id = e.case_id WHERE e.id = $1 AND c.court_id = $2",
        )
        .bind(doc.entry_id)
        .bind(court.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(case.map(|c| (doc, c)))
    }

    /// The court's judges: (name, initials).
    pub async fn judges(&self, court: &CourtId) -> Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT name, initials FROM judges WHERE court_id = $1 ORDER BY initials")
                .bind(court.as_str())
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn add_judge(&self, court: &CourtId, name: &str, initials: &str) -> Result<()> {
        sqlx::query("INSERT INTO judges (court_id, name, initials) VALUES ($1, $2, $3) ON CONFLICT (court_id, initials) DO NOTHING")
            .bind(court.as_str())
            .bind(name)
            .bind(initials)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }
}
