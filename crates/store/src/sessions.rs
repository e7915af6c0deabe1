use crate::{Result, Store, StoreError};

/// Who a session belongs to: a PACER account (the Central Sign-On, good at
/// every court) or, at a court not yet live, a legacy CM/ECF account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    Pacer(i64),
    Ecf(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: String,
    pub principal: Principal,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: String,
    pub user_agent: String,
    /// Started while MFA enrolment was overdue: may only enrol.
    pub mfa_required: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    token_hash: String,
    pacer_account_id: Option<i64>,
    ecf_account_id: Option<i64>,
    created_at: i64,
    last_seen_at: i64,
    ip: String,
    user_agent: String,
    mfa_required: i64,
}

impl TryFrom<Row> for SessionRow {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let principal = match (r.pacer_account_id, r.ecf_account_id) {
            (Some(id), None) => Principal::Pacer(id),
            (None, Some(id)) => Principal::Ecf(id),
            _ => return Err(StoreError::Corrupt("a session belongs to exactly one account".into())),
        };
        Ok(SessionRow {
            token_hash: r.token_hash,
            principal,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            ip: r.ip,
            user_agent: r.user_agent,
            mfa_required: r.mfa_required != 0,
        })
    }
}

const SESSION_COLUMNS: &str =
    "token_hash, pacer_account_id, ecf_account_id, created_at, last_seen_at, ip, user_agent, mfa_required";

impl Store {
    /// Stores a new session under the hash of its token (the token itself is never stored).
    pub async fn create_session(
        &self,
        token_hash: &str,
        who: Principal,
        now: i64,
        ip: &str,
        user_agent: &str,
    ) -> Result<()> {
        let (pacer, ecf) = match who {
            Principal::Pacer(id) => (Some(id), None),
            Principal::Ecf(id) => (None, Some(id)),
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, pacer_account_id, ecf_account_id, created_at, last_seen_at, ip, user_agent)
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(pacer)
        .bind(ecf)
        .bind(now)
        .bind(ip)
        .bind(user_agent.chars().take(256).collect::<String>())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(SessionRow::try_from).transpose()
    }

    pub async fn pacer_sessions(&self, pacer_id: i64) -> Result<Vec<SessionRow>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE pacer_account_id = $1 ORDER BY created_at DESC"
        ))
        .bind(pacer_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(SessionRow::try_from).collect()
    }

    /// Marks a session as one that may only enrol in MFA.
    pub async fn require_mfa_for_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET mfa_required = 1 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session. Returns whether there was one.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of a PACER account but, optionally, one.
    pub async fn delete_pacer_sessions(&self, pacer_id: i64, except: Option<&str>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE pacer_account_id = $1 AND token_hash <> $2")
            .bind(pacer_id)
            .bind(except.unwrap_or(""))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Removes sessions idle since `idle_before` or created before `created_before`.
    pub async fn purge_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Holds a verified CM/ECF identity for the session until `expires_at`.
    pub async fn create_pending_link(
        &self,
        id_hash: &str,
        session_hash: &str,
        ecf_id: i64,
        expires_at: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // One verification at a time per session.
        sqlx::query("DELETE FROM pending_links WHERE session_hash = $1")
            .bind(session_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO pending_links (id_hash, session_hash, ecf_account_id, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id_hash)
        .bind(session_hash)
        .bind(ecf_id)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The CM/ECF account held for this session, if it has not expired.
    pub async fn pending_link(&self, id_hash: &str, session_hash: &str, now: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT ecf_account_id FROM pending_links WHERE id_hash = $1 AND session_hash = $2 AND expires_at > $3",
        )
        .bind(id_hash)
        .bind(session_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Takes the held identity (once): Submit or Cancel both use it up.
    pub async fn take_pending_link(&self, id_hash: &str, session_hash: &str, now: i64) -> Result<Option<i64>> {
        let id: Option<(i64, i64)> = sqlx::query_as(
            "DELETE FROM pending_links WHERE id_hash = $1 AND session_hash = $2 RETURNING ecf_account_id, expires_at",
        )
        .bind(id_hash)
        .bind(session_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.filter(|(_, expires)| *expires > now).map(|(ecf, _)| ecf))
    }
}
