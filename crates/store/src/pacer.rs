//! The central account service's writes: password, upgrade, profile, MFA,
//! password resets. Each change and the notice it sends are one transaction.

use openecf_domain::{Email, Mail, PersonName, Username};

use crate::outbox::enqueue;
use crate::security::{insert_audit, AuditEvent};
use crate::{Result, Store, StoreError};

/// The most authenticator apps one account may enrol.
pub const MAX_AUTHENTICATORS: i64 = 5;
/// The most live password-reset links one account may have at once.
pub const MAX_ACTIVE_RESETS: i64 = 3;

/// Ends every outstanding reset link and pending passcode step of an account
/// (its password or email just changed): what was issued before cannot be used after.
async fn end_resets(tx: &mut sqlx::Transaction<'static, sqlx::Any>, account: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE pacer_account_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(account)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM mfa_challenges WHERE pacer_account_id = $1")
        .bind(account)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Authenticator {
    pub id: i64,
    pub name: String,
    pub secret: String,
    pub created_at: i64,
    pub last_step: i64,
}

/// What MFA asks of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfaState {
    /// Has a CM/ECF account linked at some court: MFA is required.
    pub is_filer: bool,
    pub authenticators: i64,
    pub skips: i64,
}

fn account_event(action: &str, username: &str, detail: &str) -> AuditEvent {
    AuditEvent {
        action: action.to_owned(),
        outcome: "done".into(),
        pacer_username: Some(username.to_owned()),
        court_id: None,
        ecf_login: None,
        ip: None,
        detail: detail.to_owned(),
    }
}

impl Store {
    /// Locks an account's row for the rest of the transaction (PostgreSQL; on
    /// SQLite the write transaction already excludes other writers).
    async fn lock_account(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>, account: i64) -> Result<()> {
        sqlx::query(&format!(
            "SELECT id FROM pacer_accounts WHERE id = $1{}",
            self.for_update()
        ))
        .bind(account)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(())
    }

    /// Sets a new password hash, ends every other session of the account, and
    /// queues the notice.
    pub async fn set_pacer_password(
        &self,
        id: i64,
        hash: &str,
        keep_session: Option<&str>,
        notice: &Mail,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let username: Option<String> =
            sqlx::query_scalar("UPDATE pacer_accounts SET password_hash = $1 WHERE id = $2 RETURNING username")
                .bind(hash)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let username = username.ok_or_else(|| StoreError::NotFound("no such account".into()))?;
        sqlx::query("DELETE FROM sessions WHERE pacer_account_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        end_resets(&mut tx, id, now).await?;
        enqueue(&mut tx, notice, now).await?;
        insert_audit(&mut tx, &account_event("account.password", &username, ""), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Upgrades a legacy account: a username of at least 8 characters, a
    /// password that meets the standard, confirmed name and email.
    #[allow(clippy::too_many_arguments)]
    pub async fn upgrade_pacer(
        &self,
        id: i64,
        username: &Username,
        hash: &str,
        name: &PersonName,
        email: &Email,
        keep_session: Option<&str>,
        notices: &[Mail],
        now: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM pacer_accounts WHERE username = $1 AND id <> $2")
            .bind(username.as_str())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("the PACER username {username} is taken")));
        }
        let updated = sqlx::query(
            "UPDATE pacer_accounts SET username = $1, password_hash = $2, name = $3, email = $4, upgraded_at = $5
             WHERE id = $6 AND upgraded_at IS NULL",
        )
        .bind(username.as_str())
        .bind(hash)
        .bind(name.as_str())
        .bind(email.as_str())
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await;
        match updated {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => return Err(StoreError::Conflict("this account is already upgraded".into())),
            Err(e) if StoreError::unique_violation(&e).is_some() => {
                return Err(StoreError::Conflict(format!("the PACER username {username} is taken")))
            }
            Err(e) => return Err(e.into()),
        }
        sqlx::query("DELETE FROM sessions WHERE pacer_account_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        end_resets(&mut tx, id, now).await?;
        for notice in notices {
            enqueue(&mut tx, notice, now).await?;
        }
        insert_audit(&mut tx, &account_event("account.upgrade", username.as_str(), ""), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the email address; the notice goes to the old address.
    pub async fn set_pacer_email(&self, id: i64, email: &Email, notice: &Mail, now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let username: Option<String> =
            sqlx::query_scalar("UPDATE pacer_accounts SET email = $1 WHERE id = $2 RETURNING username")
                .bind(email.as_str())
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let username = username.ok_or_else(|| StoreError::NotFound("no such account".into()))?;
        end_resets(&mut tx, id, now).await?;
        enqueue(&mut tx, notice, now).await?;
        insert_audit(&mut tx, &account_event("account.email", &username, ""), now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn mfa_state(&self, id: i64) -> Result<MfaState> {
        let (links, authenticators, skips): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM links WHERE pacer_account_id = $1),
                    (SELECT COUNT(*) FROM mfa_authenticators WHERE pacer_account_id = $1),
                    (SELECT mfa_skips FROM pacer_accounts WHERE id = $1)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(MfaState {
            is_filer: links > 0,
            authenticators,
            skips,
        })
    }

    /// Counts one more "not now" to MFA enrolment; returns the new count.
    pub async fn skip_mfa(&self, id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("UPDATE pacer_accounts SET mfa_skips = mfa_skips + 1 WHERE id = $1 RETURNING mfa_skips")
                .bind(id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn authenticators(&self, id: i64) -> Result<Vec<Authenticator>> {
        Ok(sqlx::query_as(
            "SELECT id, name, secret, created_at, last_step FROM mfa_authenticators WHERE pacer_account_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Enrols an authenticator app whose first passcode (at `step`) was checked;
    /// if it is the account's first, `backup_codes_if_first` become its backup
    /// codes. At most five per account. Returns the id and whether the codes were stored.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_authenticator(
        &self,
        account: i64,
        name: &str,
        secret: &str,
        step: i64,
        backup_codes_if_first: &[String],
        notice: &Mail,
        now: i64,
    ) -> Result<(i64, bool)> {
        let mut tx = self.begin_write().await?;
        // Two enrolments at once must count each other.
        self.lock_account(&mut tx, account).await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mfa_authenticators WHERE pacer_account_id = $1")
            .bind(account)
            .fetch_one(&mut *tx)
            .await?;
        let same: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM mfa_authenticators WHERE pacer_account_id = $1 AND secret = $2")
                .bind(account)
                .bind(secret)
                .fetch_one(&mut *tx)
                .await?;
        if same > 0 {
            // The same secret twice would accept each passcode once per copy.
            return Err(StoreError::Conflict("this authenticator app is already added".into()));
        }
        if count >= MAX_AUTHENTICATORS {
            return Err(StoreError::Conflict(format!(
                "an account may have at most {MAX_AUTHENTICATORS} authenticator apps; remove one first"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mfa_authenticators (pacer_account_id, name, secret, created_at, last_step)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(account)
        .bind(name)
        .bind(secret)
        .bind(now)
        .bind(step)
        .fetch_one(&mut *tx)
        .await?;
        let first = count == 0;
        if first {
            sqlx::query("DELETE FROM mfa_backup_codes WHERE pacer_account_id = $1")
                .bind(account)
                .execute(&mut *tx)
                .await?;
            for h in backup_codes_if_first {
                sqlx::query("INSERT INTO mfa_backup_codes (pacer_account_id, code_hash) VALUES ($1, $2)")
                    .bind(account)
                    .bind(h)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        enqueue(&mut tx, notice, now).await?;
        let username: String = sqlx::query_scalar("SELECT username FROM pacer_accounts WHERE id = $1")
            .bind(account)
            .fetch_one(&mut *tx)
            .await?;
        insert_audit(&mut tx, &account_event("account.mfa.add", &username, name), now).await?;
        tx.commit().await?;
        Ok((id, first))
    }

    /// Removes an authenticator; removing the last one also removes the backup codes.
    pub async fn remove_authenticator(&self, account: i64, id: i64, notice: &Mail, now: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM mfa_authenticators WHERE id = $1 AND pacer_account_id = $2")
            .bind(id)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("no such authenticator".into()));
        }
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mfa_authenticators WHERE pacer_account_id = $1")
            .bind(account)
            .fetch_one(&mut *tx)
            .await?;
        if left == 0 {
            sqlx::query("DELETE FROM mfa_backup_codes WHERE pacer_account_id = $1")
                .bind(account)
                .execute(&mut *tx)
                .await?;
        }
        enqueue(&mut tx, notice, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Accepts a passcode's time step for an authenticator only if it is later
    /// than every step accepted before: a passcode is never accepted twice.
    pub async fn accept_totp_step(&self, authenticator: i64, step: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE mfa_authenticators SET last_step = $1 WHERE id = $2 AND last_step < $1")
            .bind(step)
            .bind(authenticator)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses up a backup code; false if unknown or used.
    pub async fn use_backup_code(&self, account: i64, code_hash: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE mfa_backup_codes SET used_at = $1 WHERE pacer_account_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(account)
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn backup_codes_left(&self, account: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM mfa_backup_codes WHERE pacer_account_id = $1 AND used_at IS NULL")
                .bind(account)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn create_mfa_challenge(
        &self,
        token_hash: &str,
        account: i64,
        next: &str,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO mfa_challenges (token_hash, pacer_account_id, next_path, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(next)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account and destination of a pending passcode step, if not expired.
    pub async fn mfa_challenge(&self, token_hash: &str, now: i64) -> Result<Option<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT pacer_account_id, next_path FROM mfa_challenges WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn delete_mfa_challenge(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM mfa_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a reset token's hash and queues the mail that carries the token;
    /// returns false (and sends nothing) while the account already has
    /// [`MAX_ACTIVE_RESETS`] live reset links, so nobody can flood its inbox.
    pub async fn create_password_reset(
        &self,
        token_hash: &str,
        account: i64,
        expires_at: i64,
        mail: &Mail,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        // Two requests at once must count each other.
        self.lock_account(&mut tx, account).await?;
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_resets WHERE pacer_account_id = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(account)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if active >= MAX_ACTIVE_RESETS {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("INSERT INTO password_resets (token_hash, pacer_account_id, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(account)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        enqueue(&mut tx, mail, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The account a reset token is for, if it is unused and unexpired.
    pub async fn password_reset(&self, token_hash: &str, now: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT pacer_account_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Uses a reset token (once) to set a new password; ends every session.
    pub async fn redeem_password_reset(&self, token_hash: &str, hash: &str, notice: &Mail, now: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let account: Option<i64> = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING pacer_account_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(account) = account else {
            return Ok(false);
        };
        let username: String =
            sqlx::query_scalar("UPDATE pacer_accounts SET password_hash = $1 WHERE id = $2 RETURNING username")
                .bind(hash)
                .bind(account)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM sessions WHERE pacer_account_id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await?;
        end_resets(&mut tx, account, now).await?;
        enqueue(&mut tx, notice, now).await?;
        insert_audit(&mut tx, &account_event("account.password.reset", &username, ""), now).await?;
        tx.commit().await?;
        Ok(true)
    }
}
