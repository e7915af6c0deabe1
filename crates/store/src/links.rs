use openecf_domain::{CourtId, EcfAccountId, EcfLogin, PacerAccountId};
use sqlx::Any;

use crate::{epoch, Missing, Result, Store, StoreError, Time, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub ecf_login: String,
    pub ecf_name: String,
    pub pacer_username: String,
    pub pacer_name: String,
    pub linked_at: i64,
}

/// Which uniqueness rule refused a link: the database settles races between nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkConflict {
    /// The CM/ECF account is linked already.
    EcfLinked,
    /// The PACER account has a link at this court already.
    PacerLinkedHere,
}

/// The CM/ECF login a PACER account is linked to at a court, read through
/// the pool or inside a transaction.
async fn pacer_linked_here<'e>(
    db: impl sqlx::Executor<'e, Database = Any>,
    court: &CourtId,
    pacer: PacerAccountId,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT e.login FROM links l JOIN ecf_accounts e ON e.id = l.ecf_account_id
         WHERE l.court_id = $1 AND l.pacer_account_id = $2",
    )
    .bind(court.as_str())
    .bind(pacer.get())
    .fetch_optional(db)
    .await?)
}

/// Whether a CM/ECF account is linked, read through the pool or inside a transaction.
async fn ecf_linked<'e>(db: impl sqlx::Executor<'e, Database = Any>, ecf: EcfAccountId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM links WHERE ecf_account_id = $1")
        .bind(ecf.get())
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

impl Tx {
    /// The CM/ECF login this PACER account is linked to at this court, if any.
    pub async fn pacer_linked_here(&mut self, court: &CourtId, pacer: PacerAccountId) -> Result<Option<String>> {
        pacer_linked_here(self.conn(), court, pacer).await
    }

    pub async fn ecf_linked(&mut self, ecf: EcfAccountId) -> Result<bool> {
        ecf_linked(self.conn(), ecf).await
    }

    /// Writes a link. A unique violation comes back as the rule it broke; the
    /// transaction is then spent (PostgreSQL aborts it): roll it back.
    pub async fn insert_link(
        &mut self,
        court: &CourtId,
        ecf: EcfAccountId,
        pacer: PacerAccountId,
        now: Time,
    ) -> Result<std::result::Result<(), LinkConflict>> {
        let inserted = sqlx::query(
            "INSERT INTO links (court_id, ecf_account_id, pacer_account_id, linked_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(court.as_str())
        .bind(ecf.get())
        .bind(pacer.get())
        .bind(epoch(now))
        .execute(self.conn())
        .await;
        match inserted {
            Ok(_) => Ok(Ok(())),
            Err(e) => match StoreError::unique_violation(&e) {
                Some(c) if c.contains("ecf_account") => Ok(Err(LinkConflict::EcfLinked)),
                Some(_) => Ok(Err(LinkConflict::PacerLinkedHere)),
                None => Err(e.into()),
            },
        }
    }

    /// Removes a link; what it linked (and the PACER account's id), or `NotFound`.
    pub async fn delete_link(&mut self, court: &CourtId, login: &EcfLogin) -> Result<(LinkRow, PacerAccountId)> {
        let row: Option<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT l.id, e.name, p.username, p.name, p.id FROM links l
             JOIN ecf_accounts e ON e.id = l.ecf_account_id
             JOIN pacer_accounts p ON p.id = l.pacer_account_id
             WHERE l.court_id = $1 AND e.login = $2",
        )
        .bind(court.as_str())
        .bind(login.as_str())
        .fetch_optional(self.conn())
        .await?;
        let Some((link_id, ecf_name, pacer_username, pacer_name, pacer_id)) = row else {
            return Err(StoreError::NotFound(Missing::Link {
                court: court.clone(),
                login: login.clone(),
            }));
        };
        // Another node may have removed it meanwhile.
        let linked_at: Option<i64> = sqlx::query_scalar("DELETE FROM links WHERE id = $1 RETURNING linked_at")
            .bind(link_id)
            .fetch_optional(self.conn())
            .await?;
        let Some(linked_at) = linked_at else {
            return Err(StoreError::NotFound(Missing::Link {
                court: court.clone(),
                login: login.clone(),
            }));
        };
        let row = LinkRow {
            ecf_login: login.to_string(),
            ecf_name,
            pacer_username,
            pacer_name,
            linked_at,
        };
        Ok((row, PacerAccountId::new(pacer_id)))
    }

    /// Holds a verified CM/ECF identity for the session until `expires_at`
    /// (one at a time per session).
    pub async fn hold_pending_link(
        &mut self,
        id_hash: &str,
        session_hash: &str,
        ecf: EcfAccountId,
        expires_at: Time,
    ) -> Result<()> {
        sqlx::query("DELETE FROM pending_links WHERE session_hash = $1")
            .bind(session_hash)
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO pending_links (id_hash, session_hash, ecf_account_id, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id_hash)
        .bind(session_hash)
        .bind(ecf.get())
        .bind(epoch(expires_at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Takes the held identity (once): Submit or Cancel both use it up.
    pub async fn take_pending_link(
        &mut self,
        id_hash: &str,
        session_hash: &str,
        now: Time,
    ) -> Result<Option<EcfAccountId>> {
        let id: Option<(i64, i64)> = sqlx::query_as(
            "DELETE FROM pending_links WHERE id_hash = $1 AND session_hash = $2 RETURNING ecf_account_id, expires_at",
        )
        .bind(id_hash)
        .bind(session_hash)
        .fetch_optional(self.conn())
        .await?;
        Ok(id
            .filter(|(_, expires)| *expires > epoch(now))
            .map(|(ecf, _)| EcfAccountId::new(ecf)))
    }
}

impl Store {
    /// The CM/ECF login this PACER account is linked to at this court, if any.
    #[tracing::instrument(skip(self))]
    pub async fn linked_login(&self, court: &CourtId, pacer: PacerAccountId) -> Result<Option<String>> {
        pacer_linked_here(&self.pool, court, pacer).await
    }

    /// Whether this CM/ECF account is linked to a PACER account.
    pub async fn is_ecf_linked(&self, ecf: EcfAccountId) -> Result<bool> {
        ecf_linked(&self.pool, ecf).await
    }

    #[tracing::instrument(skip(self))]
    pub async fn links(&self, court: &CourtId) -> Result<Vec<LinkRow>> {
        Ok(sqlx::query_as(
            "SELECT e.login AS ecf_login, e.name AS ecf_name, p.username AS pacer_username,
                    p.name AS pacer_name, l.linked_at
             FROM links l
             JOIN ecf_accounts e ON e.id = l.ecf_account_id
             JOIN pacer_accounts p ON p.id = l.pacer_account_id
             WHERE l.court_id = $1 ORDER BY e.login",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?)
    }
}
