use openecf_domain::{EcfAccountId, PacerAccountId};

use openecf_domain::throttle::Subject;
use openecf_domain::NewAuditEvent;
use sqlx::any::AnyArguments;
use sqlx::Any;

use crate::pacer::postpone_mfa_sql;
use crate::security::{audit_insert_sql, bind_audit, end_right_check, AttemptSlot, END_RIGHT_CHECK};
use crate::{epoch, from_epoch, Engine, Result, Store, StoreError, Time};

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

/// A session to start ([`Store::start_session`]).
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    /// The hash of its token (the token itself is never stored).
    pub token_hash: &'a str,
    pub who: Principal,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// May only enrol in MFA.
    pub mfa_required: bool,
    /// The login's password check, whose password was right: its subject's
    /// count is cleared and its place given back.
    pub check: Option<(&'a Subject, AttemptSlot)>,
    /// The login's audit event.
    pub event: Option<&'a NewAuditEvent>,
    /// Counts one more postponement of MFA enrolment for the PACER account.
    pub postpone_mfa: bool,
}

/// The INSERT of a session, its values the parameters from `$first` on, as
/// [`bind_session`] binds them.
fn session_insert_sql(first: usize) -> String {
    let n: Vec<String> = (first..first + 7).map(|n| format!("${n}")).collect();
    format!(
        "INSERT INTO sessions (token_hash, pacer_account_id, ecf_account_id, created_at, last_seen_at, ip, user_agent, mfa_required)
         VALUES ({0}, {1}, {2}, {3}, {3}, {4}, {5}, {6})",
        n[0], n[1], n[2], n[3], n[4], n[5], n[6]
    )
}

static SESSION_INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| session_insert_sql(1));

fn bind_session<'q>(
    q: sqlx::query::Query<'q, Any, AnyArguments<'q>>,
    s: &NewSession<'_>,
    user_agent: &str,
    now: Time,
) -> sqlx::query::Query<'q, Any, AnyArguments<'q>> {
    let (pacer, ecf) = match s.who {
        Principal::Pacer(id) => (Some(id.get()), None),
        Principal::Ecf(id) => (None, Some(id.get())),
    };
    q.bind(s.token_hash.to_owned())
        .bind(pacer)
        .bind(ecf)
        .bind(epoch(now))
        .bind(s.ip.to_owned())
        .bind(user_agent.to_owned())
        .bind(i64::from(s.mfa_required))
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
        let session = NewSession {
            token_hash,
            who,
            ip,
            user_agent,
            mfa_required: false,
            check: None,
            event: None,
            postpone_mfa: false,
        };
        self.start_session(&session, now).await.map(|_| ())
    }

    /// Starts a session, with what the login that starts it writes beside
    /// it: the end of its password check, its audit event, one more
    /// postponement of MFA enrolment. All or nothing: on SQLite one
    /// transaction, on PostgreSQL one statement (one round trip, one commit;
    /// the common login's writes after the hash). Returns the postponements
    /// counted with this one, if one was.
    pub async fn start_session(&self, s: &NewSession<'_>, now: Time) -> Result<Option<i64>> {
        let postpone = match s.who {
            Principal::Pacer(id) if s.postpone_mfa => Some(id),
            _ => None,
        };
        let user_agent: String = s.user_agent.chars().take(256).collect();
        let check = s.check.map(|(subject, slot)| (subject.to_string(), slot.run_ends));
        if check.is_none() && s.event.is_none() && postpone.is_none() {
            // A session alone: one statement, atomic by itself.
            bind_session(sqlx::query(SESSION_INSERT.as_str()), s, &user_agent, now)
                .execute(&mut *self.writer().await?)
                .await?;
            return Ok(None);
        }
        match self.engine {
            Engine::Sqlite => {
                let mut tx = self.write().await?;
                if let Some((subject, run_ends)) = &check {
                    sqlx::query(END_RIGHT_CHECK.as_str())
                        .bind(subject)
                        .bind(*run_ends)
                        .execute(tx.conn())
                        .await?;
                }
                if let Some(event) = s.event {
                    tx.insert_audit(event, now).await?;
                }
                let skips = match postpone {
                    Some(id) => Some(
                        sqlx::query_scalar(&postpone_mfa_sql("$1"))
                            .bind(id.get())
                            .fetch_one(tx.conn())
                            .await?,
                    ),
                    None => None,
                };
                bind_session(sqlx::query(SESSION_INSERT.as_str()), s, &user_agent, now)
                    .execute(tx.conn())
                    .await?;
                tx.commit_leaving_cache().await?;
                Ok(skips)
            }
            Engine::Postgres => {
                // Data-modifying CTEs, each run once and to completion; the
                // parameters numbered in the order they are bound below.
                let mut ctes = Vec::new();
                let mut next = 1;
                if check.is_some() {
                    ctes.push(format!(
                        "checked AS ({})",
                        end_right_check(&format!("${next}"), &format!("${}", next + 1))
                    ));
                    next += 2;
                }
                if s.event.is_some() {
                    ctes.push(format!("audited AS ({})", audit_insert_sql(next)));
                    next += 9;
                }
                if postpone.is_some() {
                    ctes.push(format!("postponed AS ({})", postpone_mfa_sql(&format!("${next}"))));
                    next += 1;
                }
                ctes.push(format!("started AS ({})", session_insert_sql(next)));
                let skips = if postpone.is_some() {
                    "(SELECT mfa_skips FROM postponed)"
                } else {
                    "CAST(NULL AS BIGINT)"
                };
                let sql = format!("WITH {} SELECT {skips}", ctes.join(", "));
                let mut q = sqlx::query(&sql);
                if let Some((subject, run_ends)) = &check {
                    q = q.bind(subject.clone()).bind(*run_ends);
                }
                if let Some(event) = s.event {
                    q = bind_audit(q, event, now);
                }
                if let Some(id) = postpone {
                    q = q.bind(id.get());
                }
                let row = bind_session(q, s, &user_agent, now)
                    .fetch_one(&mut *self.writer().await?)
                    .await?;
                Ok(sqlx::Row::try_get::<Option<i64>, _>(&row, 0)?)
            }
        }
    }

    /// Marks a session (not yet handed out) as one that may only enrol in
    /// MFA, or not: for a login whose postponements were counted otherwise
    /// than it foresaw (another login of the account's at the same time).
    pub async fn mark_session_mfa_required(&self, token_hash: &str, mfa_required: bool) -> Result<()> {
        sqlx::query("UPDATE sessions SET mfa_required = $1 WHERE token_hash = $2")
            .bind(i64::from(mfa_required))
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        // Cached sessions are stale from now on, should it be one already read.
        self.wrote();
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

    /// Marks a session seen now; whether it is still there.
    pub async fn touch_session(&self, token_hash: &str, now: Time) -> Result<bool> {
        let done = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(epoch(now))
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected() == 1)
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
