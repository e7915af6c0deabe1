//! Maintain Your ECF Account: each filer's secondary addresses and delivery
//! method at a court, and the filings waiting for a Daily Summary Report.

use openecf_domain::{CourtId, NoticeDelivery, PacerAccountId};

use crate::{corrupt, epoch, from_epoch, Result, Store, Time, Tx};

/// How a filer is noticed at a court.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoticePrefs {
    pub delivery: NoticeDelivery,
    /// In the order they were added.
    pub secondary: Vec<String>,
}

/// A filing to list in a recipient's Daily Summary Report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSummaryItem {
    pub court: CourtId,
    pub account: PacerAccountId,
    pub to_addr: String,
    pub case_number: String,
    pub case_title: String,
    pub document_number: i64,
    pub docket_text: String,
    pub link: String,
}

/// A filing waiting for (or listed in) a Daily Summary Report.
#[derive(Clone, PartialEq, Eq)]
pub struct SummaryItemRow {
    pub id: i64,
    pub to_addr: String,
    pub case_number: String,
    pub case_title: String,
    pub document_number: i64,
    pub docket_text: String,
    /// Holds a free-look token until the report is queued (then blank).
    pub link: String,
    pub filed_at: Time,
    pub sent_at: Option<Time>,
}

impl std::fmt::Debug for SummaryItemRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SummaryItemRow")
            .field("id", &self.id)
            .field("to_addr", &self.to_addr)
            .field("case_number", &self.case_number)
            .field("document_number", &self.document_number)
            .field("filed_at", &self.filed_at)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

type ItemRaw = (i64, String, String, String, i64, String, String, i64, Option<i64>);

fn item(r: ItemRaw) -> Result<SummaryItemRow> {
    let (id, to_addr, case_number, case_title, document_number, docket_text, link, filed_at, sent_at) = r;
    Ok(SummaryItemRow {
        id,
        to_addr,
        case_number,
        case_title,
        document_number,
        docket_text,
        link,
        filed_at: from_epoch(filed_at)?,
        sent_at: sent_at.map(from_epoch).transpose()?,
    })
}

const ITEM_COLUMNS: &str =
    "id, to_addr, case_number, case_title, document_number, docket_text, link, filed_at, sent_at";

async fn prefs(conn: &mut sqlx::AnyConnection, court: &CourtId, account: PacerAccountId) -> Result<NoticePrefs> {
    let delivery: Option<String> =
        sqlx::query_scalar("SELECT delivery FROM ecf_notice_prefs WHERE court_id = $1 AND pacer_account_id = $2")
            .bind(court.as_str())
            .bind(account.get())
            .fetch_optional(&mut *conn)
            .await?;
    let secondary: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM ecf_secondary_emails WHERE court_id = $1 AND pacer_account_id = $2
         ORDER BY created_at, email",
    )
    .bind(court.as_str())
    .bind(account.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(NoticePrefs {
        delivery: delivery
            .map(|d| NoticeDelivery::parse(&d).map_err(corrupt))
            .transpose()?
            .unwrap_or_default(),
        secondary,
    })
}

impl Tx {
    /// A filer's noticing at a court, its row locked for a change (made
    /// first if there was none), so two changes at once take turns.
    pub async fn lock_notice_prefs(
        &mut self,
        court: &CourtId,
        account: PacerAccountId,
        now: Time,
    ) -> Result<NoticePrefs> {
        sqlx::query(
            "INSERT INTO ecf_notice_prefs (court_id, pacer_account_id, delivery, updated_at) VALUES ($1, $2, 'each', $3)
             ON CONFLICT (court_id, pacer_account_id) DO NOTHING",
        )
        .bind(court.as_str())
        .bind(account.get())
        .bind(epoch(now))
        .execute(self.conn())
        .await?;
        let lock = self.for_update();
        sqlx::query(&format!(
            "SELECT delivery FROM ecf_notice_prefs WHERE court_id = $1 AND pacer_account_id = $2{lock}"
        ))
        .bind(court.as_str())
        .bind(account.get())
        .fetch_one(self.conn())
        .await?;
        prefs(self.conn(), court, account).await
    }

    /// A filer's noticing at a court, as a notice reads it.
    pub async fn notice_prefs(&mut self, court: &CourtId, account: PacerAccountId) -> Result<NoticePrefs> {
        prefs(self.conn(), court, account).await
    }

    pub async fn set_notice_delivery(
        &mut self,
        court: &CourtId,
        account: PacerAccountId,
        delivery: NoticeDelivery,
        now: Time,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE ecf_notice_prefs SET delivery = $1, updated_at = $2 WHERE court_id = $3 AND pacer_account_id = $4",
        )
        .bind(delivery.as_str())
        .bind(epoch(now))
        .bind(court.as_str())
        .bind(account.get())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn insert_secondary_email(
        &mut self,
        court: &CourtId,
        account: PacerAccountId,
        email: &str,
        now: Time,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO ecf_secondary_emails (court_id, pacer_account_id, email, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(court.as_str())
        .bind(account.get())
        .bind(email)
        .bind(epoch(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes a secondary address; false if it was not one.
    pub async fn delete_secondary_email(
        &mut self,
        court: &CourtId,
        account: PacerAccountId,
        email: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "DELETE FROM ecf_secondary_emails WHERE court_id = $1 AND pacer_account_id = $2 AND email = $3",
        )
        .bind(court.as_str())
        .bind(account.get())
        .bind(email)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a filing for a recipient's next Daily Summary Report.
    pub async fn insert_summary_item(&mut self, item: &NewSummaryItem, now: Time) -> Result<()> {
        sqlx::query(
            "INSERT INTO nef_summary_items (court_id, pacer_account_id, to_addr, case_number, case_title,
                                            document_number, docket_text, link, filed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(item.court.as_str())
        .bind(item.account.get())
        .bind(&item.to_addr)
        .bind(&item.case_number)
        .bind(&item.case_title)
        .bind(item.document_number)
        .bind(&item.docket_text)
        .bind(&item.link)
        .bind(epoch(now))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// A court's filings filed before `before` and not yet reported, locked,
    /// by recipient and time.
    pub async fn pending_summary_items(&mut self, court: &CourtId, before: Time) -> Result<Vec<SummaryItemRow>> {
        let lock = self.for_update();
        let rows: Vec<ItemRaw> = sqlx::query_as(&format!(
            "SELECT {ITEM_COLUMNS} FROM nef_summary_items
             WHERE court_id = $1 AND sent_at IS NULL AND filed_at < $2
             ORDER BY to_addr, filed_at, id{lock}"
        ))
        .bind(court.as_str())
        .bind(epoch(before))
        .fetch_all(self.conn())
        .await?;
        rows.into_iter().map(item).collect()
    }

    /// Marks items reported; their links (free-look tokens) are blanked.
    pub async fn mark_summary_items_sent(&mut self, ids: &[i64], now: Time) -> Result<()> {
        for id in ids {
            sqlx::query("UPDATE nef_summary_items SET sent_at = $1, link = '' WHERE id = $2")
                .bind(epoch(now))
                .bind(*id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }
}

impl Store {
    /// A filer's noticing at a court (the default when never changed).
    pub async fn notice_prefs(&self, court: &CourtId, account: PacerAccountId) -> Result<NoticePrefs> {
        let mut conn = self.pool.acquire().await?;
        prefs(&mut conn, court, account).await
    }

    /// Forgets summary items reported more than 30 days before `now`.
    pub async fn purge_sent_summary_items(&self, now: Time) -> Result<u64> {
        let done = sqlx::query("DELETE FROM nef_summary_items WHERE sent_at IS NOT NULL AND sent_at <= $1")
            .bind(epoch(now) - 30 * 24 * 60 * 60)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }

    /// Every summary item of a court, oldest first (for tests and the operator).
    pub async fn summary_items(&self, court: &CourtId) -> Result<Vec<SummaryItemRow>> {
        let rows: Vec<ItemRaw> = sqlx::query_as(&format!(
            "SELECT {ITEM_COLUMNS} FROM nef_summary_items WHERE court_id = $1 ORDER BY id"
        ))
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(item).collect()
    }

    /// The courts with filings not yet reported, with the oldest one's time
    /// (the worker makes sure each has its summary job).
    pub async fn pending_summaries(&self) -> Result<Vec<(String, Time)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT court_id, MIN(filed_at) FROM nef_summary_items WHERE sent_at IS NULL GROUP BY court_id ORDER BY court_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(c, t)| Ok((c, from_epoch(t)?))).collect()
    }
}
