use chrono::{DateTime, Utc};
use openecf_domain::{
    check_verified_link, mail, Court, CourtId, EcfAccount, EcfLogin, LinkRefusal, LinkState, PacerAccount,
};
use sqlx::Any;

use crate::security::{insert_audit, AuditEvent};
use crate::{epoch, Result, Store, StoreError};

/// What became of a link attempt that reached the database.
pub type LinkOutcome = std::result::Result<(), LinkRefusal>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub ecf_login: String,
    pub ecf_name: String,
    pub pacer_username: String,
    pub pacer_name: String,
    pub linked_at: i64,
}

/// The CM/ECF login a PACER account is linked to at a court, read through
/// the pool or inside a transaction.
async fn pacer_linked_here<'e>(
    db: impl sqlx::Executor<'e, Database = Any>,
    court: &CourtId,
    pacer_id: i64,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT e.login FROM links l JOIN ecf_accounts e ON e.id = l.ecf_account_id
         WHERE l.court_id = $1 AND l.pacer_account_id = $2",
    )
    .bind(court.as_str())
    .bind(pacer_id)
    .fetch_optional(db)
    .await?)
}

/// Whether a CM/ECF account is linked, read through the pool or inside a transaction.
async fn ecf_linked<'e>(db: impl sqlx::Executor<'e, Database = Any>, ecf_id: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM links WHERE ecf_account_id = $1")
        .bind(ecf_id)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

impl Store {
    /// The CM/ECF login this PACER account is linked to at this court, if any.
    #[tracing::instrument(skip(self))]
    pub async fn linked_login(&self, court: &CourtId, pacer_id: i64) -> Result<Option<String>> {
        pacer_linked_here(&self.pool, court, pacer_id).await
    }

    /// Whether this CM/ECF account is linked to a PACER account.
    pub async fn is_ecf_linked(&self, ecf_id: i64) -> Result<bool> {
        ecf_linked(&self.pool, ecf_id).await
    }

    /// Links the verified CM/ECF account to the PACER account if the link rule
    /// allows it, reading the rule's facts and writing the link, its
    /// confirmation mail and its audit event in one transaction. The database's
    /// unique constraints settle a race between nodes. A refusal is audited too.
    #[tracing::instrument(skip_all, fields(court = %court.id, pacer = %pacer.username, ecf = %ecf.login))]
    pub async fn link_accounts(
        &self,
        court: &Court,
        pacer: &PacerAccount,
        ecf: &EcfAccount,
        ip: &str,
        now: DateTime<Utc>,
    ) -> Result<LinkOutcome> {
        let mut tx = self.begin_write().await?;
        let here = pacer_linked_here(&mut *tx, &court.id, pacer.id).await?;
        let state = LinkState {
            pacer_linked_here: here.as_deref(),
            ecf_linked: ecf_linked(&mut *tx, ecf.id).await?,
        };
        let mut outcome = check_verified_link(court, pacer, ecf, state);
        if outcome.is_ok() {
            let inserted = sqlx::query(
                "INSERT INTO links (court_id, ecf_account_id, pacer_account_id, linked_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(court.id.as_str())
            .bind(ecf.id)
            .bind(pacer.id)
            .bind(epoch(now))
            .execute(&mut *tx)
            .await;
            if let Err(e) = inserted {
                let Some(constraint) = StoreError::unique_violation(&e) else {
                    return Err(e.into());
                };
                outcome = Err(if constraint.contains("ecf_account") {
                    LinkRefusal::EcfAlreadyLinked
                } else {
                    // Another node linked this PACER account here first: name what it linked.
                    tx.rollback().await?;
                    tx = self.begin_write().await?;
                    let ecf_login = pacer_linked_here(&mut *tx, &court.id, pacer.id)
                        .await?
                        .unwrap_or_default();
                    LinkRefusal::PacerAlreadyLinkedHere { ecf_login }
                });
            }
        }
        let event = AuditEvent {
            action: "link".into(),
            outcome: match &outcome {
                Ok(()) => "linked".into(),
                Err(r) => format!("refused: {}", r.code()),
            },
            pacer_username: Some(pacer.username.to_string()),
            court_id: Some(court.id.to_string()),
            ecf_login: Some(ecf.login.to_string()),
            ip: Some(ip.to_owned()),
            detail: String::new(),
        };
        match outcome {
            Ok(()) => {
                let m = mail::link_confirmation(&pacer.email, pacer.username.as_str(), court, ecf.login.as_str());
                crate::outbox::enqueue(&mut tx, &m, epoch(now)).await?;
                insert_audit(&mut tx, &event, epoch(now)).await?;
                tx.commit().await?;
            }
            Err(_) => {
                tx.rollback().await?;
                self.audit(&event, now).await?;
            }
        }
        Ok(outcome)
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

    /// Undoes a mistaken link (court staff), with the reason in the audit trail.
    /// The CM/ECF account may then be linked again.
    #[tracing::instrument(skip(self, reason))]
    pub async fn remove_link(
        &self,
        court: &CourtId,
        login: &EcfLogin,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<LinkRow> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT l.id, p.username, p.name FROM links l
             JOIN ecf_accounts e ON e.id = l.ecf_account_id
             JOIN pacer_accounts p ON p.id = l.pacer_account_id
             WHERE l.court_id = $1 AND e.login = $2",
        )
        .bind(court.as_str())
        .bind(login.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((link_id, pacer_username, pacer_name)) = row else {
            return Err(StoreError::NotFound(format!(
                "the CM/ECF account {login} at {court} is not linked"
            )));
        };
        let linked_at: i64 = sqlx::query_scalar("DELETE FROM links WHERE id = $1 RETURNING linked_at")
            .bind(link_id)
            .fetch_one(&mut *tx)
            .await?;
        let event = AuditEvent {
            action: "link.remove".into(),
            outcome: "removed".into(),
            pacer_username: Some(pacer_username.clone()),
            court_id: Some(court.to_string()),
            ecf_login: Some(login.to_string()),
            ip: None,
            detail: reason.to_owned(),
        };
        insert_audit(&mut tx, &event, epoch(now)).await?;
        tx.commit().await?;
        Ok(LinkRow {
            ecf_login: login.to_string(),
            ecf_name: String::new(),
            pacer_username,
            pacer_name,
            linked_at,
        })
    }
}
