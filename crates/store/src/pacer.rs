//! The central account service's storage: password, upgrade, profile, MFA,
//! password resets, as small operations on a [`Tx`]; the rules that decide
//! them are the domain's, strung together by the application's use cases.

use openecf_domain::throttle::KNOWN_DEVICE_TTL_SECS;
use openecf_domain::{AuthenticatorId, Email, PacerAccountId, PersonName, Username};

use crate::{epoch, Missing, Result, Store, StoreError, Time, Tx};

/// `Debug` leaves the secret out.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Authenticator {
    pub id: i64,
    pub name: String,
    pub secret: String,
    pub created_at: i64,
    pub last_step: i64,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    pub fn id(&self) -> AuthenticatorId {
        AuthenticatorId::new(self.id)
    }
}

/// What MFA asks of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfaState {
    /// Has a CM/ECF account linked at some court, is court staff, or files as an
    /// attorney's filing agent: MFA is required.
    pub is_filer: bool,
    pub authenticators: i64,
    /// Unused backup codes: on their own, they are a second factor too.
    pub backup_codes: i64,
    pub skips: i64,
}

impl MfaState {
    /// A second factor is set up: an authenticator app, or backup codes.
    pub fn is_on(&self) -> bool {
        self.authenticators > 0 || self.backup_codes > 0
    }
}

/// The columns of an account's MFA state ([`MfaRow`]), for the account
/// whose id is `id` (a parameter, or a column of the query's `pacer_accounts`).
pub(crate) fn mfa_columns(id: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM links WHERE pacer_account_id = {id})
           + (SELECT COUNT(*) FROM court_staff WHERE pacer_account_id = {id})
           + (SELECT COUNT(*) FROM filing_agents WHERE agent_id = {id} AND accepted_at IS NOT NULL) AS filer_roles,
         (SELECT COUNT(*) FROM mfa_authenticators WHERE pacer_account_id = {id}) AS authenticators,
         (SELECT COUNT(*) FROM mfa_backup_codes WHERE pacer_account_id = {id} AND used_at IS NULL) AS backup_codes,
         (SELECT mfa_skips FROM pacer_accounts AS skipped WHERE skipped.id = {id}) AS mfa_skips"
    )
}

/// An account's MFA state as [`mfa_columns`] reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct MfaRow {
    filer_roles: i64,
    authenticators: i64,
    backup_codes: i64,
    mfa_skips: i64,
}

impl From<MfaRow> for MfaState {
    fn from(r: MfaRow) -> Self {
        Self {
            is_filer: r.filer_roles > 0,
            authenticators: r.authenticators,
            backup_codes: r.backup_codes,
            skips: r.mfa_skips,
        }
    }
}

static MFA_STATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("SELECT {}", mfa_columns("$1")));

async fn mfa_state<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>, id: PacerAccountId) -> Result<MfaState> {
    let row: MfaRow = sqlx::query_as(MFA_STATE.as_str()).bind(id.get()).fetch_one(db).await?;
    Ok(row.into())
}

async fn authenticators<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: PacerAccountId,
) -> Result<Vec<Authenticator>> {
    Ok(sqlx::query_as(
        "SELECT id, name, secret, created_at, last_step FROM mfa_authenticators WHERE pacer_account_id = $1 ORDER BY id",
    )
    .bind(id.get())
    .fetch_all(db)
    .await?)
}

impl Tx {
    /// Locks an account's row for the rest of the transaction and returns its
    /// username and email address as they are now (PostgreSQL; on SQLite the
    /// write transaction already excludes other writers). `NotFound` if there
    /// is no such account.
    pub async fn lock_account(&mut self, account: PacerAccountId) -> Result<(Username, Email)> {
        let lock = self.for_update();
        let row: Option<(String, String)> = sqlx::query_as(&format!(
            "SELECT username, email FROM pacer_accounts WHERE id = $1{lock}"
        ))
        .bind(account.get())
        .fetch_optional(self.conn())
        .await?;
        let (name, email) = row.ok_or(StoreError::NotFound(Missing::PacerAccount))?;
        Ok((
            Username::parse_existing(&name).map_err(crate::corrupt)?,
            Email::from_stored(&email).map_err(crate::corrupt)?,
        ))
    }

    pub async fn set_password_hash(&mut self, account: PacerAccountId, hash: &str) -> Result<()> {
        sqlx::query("UPDATE pacer_accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Ends every session of the account but, optionally, one.
    pub async fn end_sessions(&mut self, account: PacerAccountId, except: Option<&str>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE pacer_account_id = $1 AND token_hash <> $2")
            .bind(account.get())
            .bind(except.unwrap_or(""))
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }

    /// Ends one session; whether there was one.
    pub async fn end_session(&mut self, token_hash: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every outstanding reset link and pending passcode step of an
    /// account (its password or email just changed): what was issued before
    /// cannot be used after.
    pub async fn end_resets(&mut self, account: PacerAccountId, now: Time) -> Result<()> {
        sqlx::query("UPDATE password_resets SET used_at = $1 WHERE pacer_account_id = $2 AND used_at IS NULL")
            .bind(epoch(now))
            .bind(account.get())
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM mfa_challenges WHERE pacer_account_id = $1")
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn username_taken_by_other(&mut self, username: &Username, account: PacerAccountId) -> Result<bool> {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM pacer_accounts WHERE username = $1 AND id <> $2")
            .bind(username.as_str())
            .bind(account.get())
            .fetch_optional(self.conn())
            .await?;
        Ok(taken.is_some())
    }

    /// Upgrades a legacy account: `AlreadyUpgraded` if it was, `UsernameTaken`
    /// if another node took the username first.
    pub async fn upgrade_account(
        &mut self,
        account: PacerAccountId,
        username: &Username,
        hash: &str,
        name: &PersonName,
        email: &Email,
        now: Time,
    ) -> Result<()> {
        let updated = sqlx::query(
            "UPDATE pacer_accounts SET username = $1, password_hash = $2, name = $3, email = $4, upgraded_at = $5
             WHERE id = $6 AND upgraded_at IS NULL",
        )
        .bind(username.as_str())
        .bind(hash)
        .bind(name.as_str())
        .bind(email.as_str())
        .bind(epoch(now))
        .bind(account.get())
        .execute(self.conn())
        .await;
        match updated {
            Ok(done) if done.rows_affected() == 1 => Ok(()),
            Ok(_) => Err(StoreError::AlreadyUpgraded),
            Err(e) if StoreError::unique_violation(&e).is_some() => Err(StoreError::UsernameTaken(username.clone())),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn set_email(&mut self, account: PacerAccountId, email: &Email) -> Result<()> {
        sqlx::query("UPDATE pacer_accounts SET email = $1 WHERE id = $2")
            .bind(email.as_str())
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn mfa_state(&mut self, account: PacerAccountId) -> Result<MfaState> {
        mfa_state(self.conn(), account).await
    }

    /// The account's authenticators (their secrets as stored).
    pub async fn authenticators(&mut self, account: PacerAccountId) -> Result<Vec<Authenticator>> {
        authenticators(self.conn(), account).await
    }

    /// Authenticators whose secret is stored as plain text (written before
    /// secrets were sealed), with that text.
    pub async fn plain_authenticator_secrets(&mut self) -> Result<Vec<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, secret FROM mfa_authenticators WHERE secret NOT LIKE 'v1:%'")
                .fetch_all(self.conn())
                .await?,
        )
    }

    pub async fn set_authenticator_secret(&mut self, id: i64, sealed: &str) -> Result<()> {
        sqlx::query("UPDATE mfa_authenticators SET secret = $1 WHERE id = $2")
            .bind(sealed)
            .bind(id)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM mfa_enrolments WHERE secret NOT LIKE 'v1:%'")
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Every authenticator's secret as stored.
    pub async fn all_authenticator_secrets(&mut self) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as("SELECT id, secret FROM mfa_authenticators ORDER BY id")
            .fetch_all(self.conn())
            .await?)
    }

    pub async fn end_all_enrolments(&mut self) -> Result<()> {
        sqlx::query("DELETE FROM mfa_enrolments").execute(self.conn()).await?;
        Ok(())
    }

    /// Holds an address to confirm (`purpose`: `register` or `change`); a
    /// newer one of the same purpose replaces it.
    pub async fn insert_email_confirmation(
        &mut self,
        token_hash: &str,
        account: PacerAccountId,
        email: &Email,
        purpose: &str,
        expires_at: Time,
    ) -> Result<()> {
        sqlx::query("DELETE FROM email_confirmations WHERE pacer_account_id = $1 AND purpose = $2")
            .bind(account.get())
            .bind(purpose)
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO email_confirmations (token_hash, pacer_account_id, email, purpose, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(account.get())
        .bind(email.as_str())
        .bind(purpose)
        .bind(epoch(expires_at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Uses a confirmation link (once): its account, address and purpose, if it was live.
    pub async fn take_email_confirmation(
        &mut self,
        token_hash: &str,
        now: Time,
    ) -> Result<Option<(PacerAccountId, Email, String)>> {
        let row: Option<(i64, String, String, i64)> = sqlx::query_as(
            "DELETE FROM email_confirmations WHERE token_hash = $1
             RETURNING pacer_account_id, email, purpose, expires_at",
        )
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?;
        let Some((account, email, purpose, expires)) = row.filter(|r| r.3 > epoch(now)) else {
            return Ok(None);
        };
        let _ = expires;
        Ok(Some((
            PacerAccountId::new(account),
            Email::from_stored(&email).map_err(crate::corrupt)?,
            purpose,
        )))
    }

    /// Holds a change of the account's address to `email`, waiting for the
    /// new address's confirmation and the current address's (`old_email`)
    /// approval, each by its own link (hashes); replaces any earlier change.
    pub async fn insert_email_change(
        &mut self,
        account: PacerAccountId,
        email: &Email,
        old_email: &Email,
        confirm_hash: &str,
        approve_hash: &str,
        expires_at: Time,
    ) -> Result<()> {
        self.end_email_change(account).await?;
        sqlx::query(
            "INSERT INTO email_changes (pacer_account_id, email, old_email, confirm_hash, approve_hash, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(account.get())
        .bind(email.as_str())
        .bind(old_email.as_str())
        .bind(confirm_hash)
        .bind(approve_hash)
        .bind(epoch(expires_at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Uses the new address's confirmation link of a live email change
    /// (once): the account, the new address, the address that must approve,
    /// and whether that approval is still to come.
    pub async fn use_email_change_confirmation(
        &mut self,
        token_hash: &str,
        now: Time,
    ) -> Result<Option<(PacerAccountId, Email, Email, bool)>> {
        self.use_email_change_link("confirm_hash", "approve_hash", token_hash, now)
            .await
    }

    /// Uses the current address's approval link of a live email change
    /// (once): the account, the new address, the address that approved, and
    /// whether the new address's confirmation is still to come.
    pub async fn use_email_change_approval(
        &mut self,
        token_hash: &str,
        now: Time,
    ) -> Result<Option<(PacerAccountId, Email, Email, bool)>> {
        self.use_email_change_link("approve_hash", "confirm_hash", token_hash, now)
            .await
    }

    async fn use_email_change_link(
        &mut self,
        this: &str,
        other: &str,
        token_hash: &str,
        now: Time,
    ) -> Result<Option<(PacerAccountId, Email, Email, bool)>> {
        // Row-locking: of two links opened at once, the second sees the first's use.
        let row: Option<(i64, String, String, Option<String>)> = sqlx::query_as(&format!(
            "UPDATE email_changes SET {this} = NULL WHERE {this} = $1 AND expires_at > $2
             RETURNING pacer_account_id, email, old_email, {other}"
        ))
        .bind(token_hash)
        .bind(epoch(now))
        .fetch_optional(self.conn())
        .await?;
        let Some((account, email, old_email, other_hash)) = row else {
            return Ok(None);
        };
        Ok(Some((
            PacerAccountId::new(account),
            Email::from_stored(&email).map_err(crate::corrupt)?,
            Email::from_stored(&old_email).map_err(crate::corrupt)?,
            other_hash.is_some(),
        )))
    }

    /// Drops the account's pending email change, if any.
    pub async fn end_email_change(&mut self, account: PacerAccountId) -> Result<()> {
        sqlx::query("DELETE FROM email_changes WHERE pacer_account_id = $1")
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Records that the account's address is confirmed.
    pub async fn set_email_verified(&mut self, account: PacerAccountId, now: Time) -> Result<()> {
        sqlx::query("UPDATE pacer_accounts SET email_verified_at = $1 WHERE id = $2")
            .bind(epoch(now))
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Forgets every browser the account logged in from (its password changed).
    pub async fn forget_devices(&mut self, account: PacerAccountId) -> Result<()> {
        sqlx::query("DELETE FROM known_devices WHERE pacer_account_id = $1")
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Removes every backup code; returns the accounts that had some unused.
    pub async fn remove_all_backup_codes(&mut self) -> Result<Vec<PacerAccountId>> {
        let ids: Vec<i64> = sqlx::query_scalar("DELETE FROM mfa_backup_codes RETURNING pacer_account_id")
            .fetch_all(self.conn())
            .await?;
        let mut ids: Vec<PacerAccountId> = ids.into_iter().map(PacerAccountId::new).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The stored hashes of the account's unused backup codes.
    pub async fn backup_code_hashes(&mut self, account: PacerAccountId) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar(
                "SELECT code_hash FROM mfa_backup_codes WHERE pacer_account_id = $1 AND used_at IS NULL",
            )
            .bind(account.get())
            .fetch_all(self.conn())
            .await?,
        )
    }

    /// Removes backup codes stored the old way (unkeyed SHA-256 of a short
    /// code); returns the accounts that had some.
    pub async fn remove_legacy_backup_codes(&mut self) -> Result<Vec<PacerAccountId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "DELETE FROM mfa_backup_codes WHERE code_hash NOT LIKE 'h1:%' RETURNING pacer_account_id",
        )
        .fetch_all(self.conn())
        .await?;
        let mut ids: Vec<PacerAccountId> = ids.into_iter().map(PacerAccountId::new).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Whether the account already has an authenticator with this secret.
    pub async fn has_authenticator_secret(&mut self, account: PacerAccountId, secret: &str) -> Result<bool> {
        let same: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM mfa_authenticators WHERE pacer_account_id = $1 AND secret = $2")
                .bind(account.get())
                .bind(secret)
                .fetch_one(self.conn())
                .await?;
        Ok(same > 0)
    }

    /// Enrols an authenticator app whose first passcode (at `step`) was checked.
    pub async fn insert_authenticator(
        &mut self,
        account: PacerAccountId,
        name: &str,
        secret: &str,
        step: i64,
        now: Time,
    ) -> Result<AuthenticatorId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mfa_authenticators (pacer_account_id, name, secret, created_at, last_step)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(account.get())
        .bind(name)
        .bind(secret)
        .bind(epoch(now))
        .bind(step)
        .fetch_one(self.conn())
        .await?;
        Ok(AuthenticatorId::new(id))
    }

    /// Removes an authenticator: `NotFound` if the account has no such one.
    /// Returns how many are left.
    pub async fn delete_authenticator(&mut self, account: PacerAccountId, id: AuthenticatorId) -> Result<i64> {
        let done = sqlx::query("DELETE FROM mfa_authenticators WHERE id = $1 AND pacer_account_id = $2")
            .bind(id.get())
            .bind(account.get())
            .execute(self.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(Missing::Authenticator));
        }
        Ok(mfa_state(self.conn(), account).await?.authenticators)
    }

    /// Replaces the account's backup codes (hashes) with these; none removes them.
    pub async fn replace_backup_codes(&mut self, account: PacerAccountId, code_hashes: &[String]) -> Result<()> {
        sqlx::query("DELETE FROM mfa_backup_codes WHERE pacer_account_id = $1")
            .bind(account.get())
            .execute(self.conn())
            .await?;
        for h in code_hashes {
            sqlx::query("INSERT INTO mfa_backup_codes (pacer_account_id, code_hash) VALUES ($1, $2)")
                .bind(account.get())
                .bind(h)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// How many reset links of the account are live now.
    pub async fn live_resets(&mut self, account: PacerAccountId, now: Time) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_resets WHERE pacer_account_id = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(account.get())
        .bind(epoch(now))
        .fetch_one(self.conn())
        .await?)
    }

    pub async fn insert_reset(&mut self, token_hash: &str, account: PacerAccountId, expires_at: Time) -> Result<()> {
        sqlx::query("INSERT INTO password_resets (token_hash, pacer_account_id, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(account.get())
            .bind(epoch(expires_at))
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Uses a reset token (once): the account it is for, if it was live.
    pub async fn use_reset(&mut self, token_hash: &str, now: Time) -> Result<Option<PacerAccountId>> {
        let account: Option<i64> = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING pacer_account_id",
        )
        .bind(epoch(now))
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?;
        Ok(account.map(PacerAccountId::new))
    }
}

/// An authenticator app being added: the secret the server chose, and the
/// hash of the code mailed to the account (its first app only).
#[derive(Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub secret: String,
    pub email_code_hash: Option<String>,
    pub expires_at: Time,
    /// The session that began it: only that one may see or finish it.
    pub session_hash: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("secret", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Tx {
    /// The account's enrolment under way, if it has not expired.
    pub async fn enrolment(&mut self, account: PacerAccountId, now: Time) -> Result<Option<Enrolment>> {
        let row: Option<(String, Option<String>, i64, String)> = sqlx::query_as(
            "SELECT secret, email_code_hash, expires_at, session_hash FROM mfa_enrolments
             WHERE pacer_account_id = $1 AND expires_at > $2",
        )
        .bind(account.get())
        .bind(epoch(now))
        .fetch_optional(self.conn())
        .await?;
        row.map(|(secret, email_code_hash, expires_at, session_hash)| {
            Ok(Enrolment {
                secret,
                email_code_hash,
                session_hash,
                expires_at: crate::from_epoch(expires_at)?,
            })
        })
        .transpose()
    }

    /// Starts (or restarts) the account's enrolment.
    pub async fn put_enrolment(&mut self, account: PacerAccountId, e: &Enrolment) -> Result<()> {
        self.delete_enrolment(account).await?;
        sqlx::query(
            "INSERT INTO mfa_enrolments (pacer_account_id, secret, email_code_hash, expires_at, session_hash)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account.get())
        .bind(&e.secret)
        .bind(e.email_code_hash.clone())
        .bind(epoch(e.expires_at))
        .bind(&e.session_hash)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn delete_enrolment(&mut self, account: PacerAccountId) -> Result<()> {
        sqlx::query("DELETE FROM mfa_enrolments WHERE pacer_account_id = $1")
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Removes every second factor of an account (apps, backup codes, a setup
    /// under way) and sets its postponements: the operator's recovery path.
    pub async fn reset_mfa(&mut self, account: PacerAccountId, skips: i64) -> Result<()> {
        for table in [
            "mfa_authenticators",
            "mfa_backup_codes",
            "mfa_enrolments",
            "mfa_challenges",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE pacer_account_id = $1"))
                .bind(account.get())
                .execute(self.conn())
                .await?;
        }
        sqlx::query("UPDATE pacer_accounts SET mfa_skips = $1 WHERE id = $2")
            .bind(skips)
            .bind(account.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// Counts one more postponement of MFA enrolment for the account (the
/// parameter `id`), returning the count after. No cached row holds the
/// count (the read cache keeps sessions, accounts without their MFA state,
/// courts, standing): every login of a filer without MFA writes it, and
/// must not make the cache stale.
pub(crate) fn postpone_mfa_sql(id: &str) -> String {
    format!("UPDATE pacer_accounts SET mfa_skips = mfa_skips + 1 WHERE id = {id} RETURNING mfa_skips")
}

impl Store {
    /// The account a known device's token (hash) belongs to, marking it used;
    /// none once it went unused for [`KNOWN_DEVICE_TTL_SECS`].
    pub async fn known_device(&self, token_hash: &str, now: Time) -> Result<Option<PacerAccountId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE known_devices SET last_used_at = $1 WHERE token_hash = $2 AND last_used_at > $3
             RETURNING pacer_account_id",
        )
        .bind(epoch(now))
        .bind(token_hash)
        .bind(epoch(now) - KNOWN_DEVICE_TTL_SECS)
        .fetch_optional(&mut *self.writer().await?)
        .await?;
        Ok(id.map(PacerAccountId::new))
    }

    /// How many known devices the account has, used or not.
    pub async fn known_device_count(&self, account: PacerAccountId) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM known_devices WHERE pacer_account_id = $1")
                .bind(account.get())
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Forgets known devices unused for [`KNOWN_DEVICE_TTL_SECS`]; how many.
    pub async fn purge_known_devices(&self, now: Time) -> Result<u64> {
        let done = sqlx::query("DELETE FROM known_devices WHERE last_used_at <= $1")
            .bind(epoch(now) - KNOWN_DEVICE_TTL_SECS)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }

    /// Remembers a browser in which the account logged in.
    pub async fn add_known_device(&self, token_hash: &str, account: PacerAccountId, now: Time) -> Result<()> {
        sqlx::query(
            "INSERT INTO known_devices (token_hash, pacer_account_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash)
        .bind(account.get())
        .bind(epoch(now))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    pub async fn mfa_state(&self, id: PacerAccountId) -> Result<MfaState> {
        mfa_state(&self.pool, id).await
    }

    pub async fn authenticators(&self, id: PacerAccountId) -> Result<Vec<Authenticator>> {
        authenticators(&self.pool, id).await
    }

    /// Accepts a passcode's time step for an authenticator only if it is later
    /// than every step accepted before: a passcode is never accepted twice.
    pub async fn accept_totp_step(&self, authenticator: AuthenticatorId, step: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE mfa_authenticators SET last_step = $1 WHERE id = $2 AND last_step < $1")
            .bind(step)
            .bind(authenticator.get())
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses up a backup code; false if unknown or used.
    pub async fn use_backup_code(&self, account: PacerAccountId, code_hash: &str, now: Time) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE mfa_backup_codes SET used_at = $1 WHERE pacer_account_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(epoch(now))
        .bind(account.get())
        .bind(code_hash)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn backup_codes_left(&self, account: PacerAccountId) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM mfa_backup_codes WHERE pacer_account_id = $1 AND used_at IS NULL")
                .bind(account.get())
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn create_mfa_challenge(
        &self,
        token_hash: &str,
        account: PacerAccountId,
        next: &str,
        expires_at: Time,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO mfa_challenges (token_hash, pacer_account_id, next_path, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(account.get())
        .bind(next)
        .bind(epoch(expires_at))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// The account and destination of a pending passcode step, if not expired.
    pub async fn mfa_challenge(&self, token_hash: &str, now: Time) -> Result<Option<(PacerAccountId, String)>> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT pacer_account_id, next_path FROM mfa_challenges WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(epoch(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, next)| (PacerAccountId::new(id), next)))
    }

    pub async fn delete_mfa_challenge(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM mfa_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// The account a reset token is for, if it is unused and unexpired.
    pub async fn password_reset(&self, token_hash: &str, now: Time) -> Result<Option<PacerAccountId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT pacer_account_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(epoch(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(PacerAccountId::new))
    }
}
