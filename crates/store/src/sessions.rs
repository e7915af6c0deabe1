use openecf_domain::{EcfAccountId, PacerAccountId};

use crate::{epoch, from_epoch, Result, Store, StoreError, Time};

/// Who a session belongs to: a PACER account (the Central Sign-On, good at
/// every court) or, at a court not yet live, a legacy CM/ECF account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    Pacer(PacerAccountId),
    Ecf(EcfAccountId),
}

/// `Debug` leaves the token's hash out (it names the session).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: String,
    pub principal: Principal,
    pub created_at: Time,
    pub last_seen_at: Time,
    pub ip: String,
    pub user_agent: String,
    /// Started while MFA enrolment was overdue: may only enrol.
    pub mfa_required: bool,
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("token_hash", &"[redacted]")
            .field("principal", &self.principal)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("ip", &self.ip)
            .field("mfa_required", &self.mfa_required)
            .finish_non_exhaustive()
    }
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
            (Some(id), None) => Principal::Pacer(PacerAccountId::new(id)),
            (None, Some(id)) => Principal::Ecf(EcfAccountId::new(id)),
            _ => return Err(StoreError::Corrupt("a session belongs to exactly one account".into())),
        };
        Ok(SessionRow {
            token_hash: r.token_hash,
            principal,
            created_at: from_epoch(r.created_at)?,
            last_seen_at: from_epoch(r.last_seen_at)?,
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
        now: Time,
        ip: &str,
        user_agent: &str,
    ) -> Result<()> {
        self.create_session_marked(token_hash, who, now, ip, user_agent, false)
            .await
    }

    /// [`Store::create_session`], marked (or not) as a session that may only
    /// enrol in MFA, in the same statement.
    pub async fn create_session_marked(
        &self,
        token_hash: &str,
        who: Principal,
        now: Time,
        ip: &str,
        user_agent: &str,
        mfa_required: bool,
    ) -> Result<()> {
        let (pacer, ecf) = match who {
            Principal::Pacer(id) => (Some(id.get()), None),
            Principal::Ecf(id) => (None, Some(id.get())),
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, pacer_account_id, ecf_account_id, created_at, last_seen_at, ip, user_agent, mfa_required)
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(token_hash)
        .bind(pacer)
        .bind(ecf)
        .bind(epoch(now))
        .bind(ip)
        .bind(user_agent.chars().take(256).collect::<String>())
        .bind(i64::from(mfa_required))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// The session of this token, unless its PACER account is disabled (a
    /// session made while the account was being disabled opens nothing).
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1
               AND NOT EXISTS (SELECT 1 FROM pacer_accounts a
                               WHERE a.id = sessions.pacer_account_id AND a.disabled_at IS NOT NULL)"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(SessionRow::try_from).transpose()
    }

    pub async fn pacer_sessions(&self, pacer_id: PacerAccountId) -> Result<Vec<SessionRow>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE pacer_account_id = $1 ORDER BY created_at DESC"
        ))
        .bind(pacer_id.get())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(SessionRow::try_from).collect()
    }

    pub async fn touch_session(&self, token_hash: &str, now: Time) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(epoch(now))
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Ends a session. Returns whether there was one.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        self.wrote();
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of a PACER account but, optionally, one.
    pub async fn delete_pacer_sessions(&self, pacer_id: PacerAccountId, except: Option<&str>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE pacer_account_id = $1 AND token_hash <> $2")
            .bind(pacer_id.get())
            .bind(except.unwrap_or(""))
            .execute(&mut *self.writer().await?)
            .await?;
        self.wrote();
        Ok(done.rows_affected())
    }

    /// Removes sessions idle since `idle_before` or created before
    /// `created_before`, and every expired step that waits on a session or
    /// account (held link verifications, filings held for review, passcode
    /// steps, reset links).
    pub async fn purge_sessions(&self, idle_before: Time, created_before: Time, now: Time) -> Result<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(epoch(idle_before))
            .bind(epoch(created_before))
            .execute(tx.conn())
            .await?;
        for table in [
            "pending_links",
            "pending_filings",
            "mfa_challenges",
            "password_resets",
            "email_confirmations",
            "email_changes",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE expires_at <= $1"))
                .bind(epoch(now))
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Records that the session's filer acknowledged the redaction rules.
    pub async fn acknowledge_redaction(&self, token_hash: &str, now: Time) -> Result<()> {
        sqlx::query("UPDATE sessions SET redaction_ack_at = $1 WHERE token_hash = $2")
            .bind(epoch(now))
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        self.wrote();
        Ok(())
    }

    /// Whether the session's filer has acknowledged the redaction rules.
    pub async fn redaction_acknowledged(&self, token_hash: &str) -> Result<bool> {
        let at: Option<Option<i64>> = sqlx::query_scalar("SELECT redaction_ack_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(at.flatten().is_some())
    }
}
