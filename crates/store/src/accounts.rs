use chrono::NaiveDate;

use openecf_domain::{
    AccountKind, BarId, CourtId, EcfAccount, EcfAccountId, EcfLogin, Email, PacerAccount, PacerAccountId, PersonName,
    Role, Username,
};

use openecf_domain::throttle::{Subject, MAX_IN_FLIGHT};
use sqlx::{FromRow, Row};

use crate::pacer::{mfa_columns, MfaRow, MfaState};
use crate::security::Attempt;
use crate::{corrupt, epoch, parse_date, Engine, Missing, Result, Store, StoreError, Time, Tx};

/// `Debug` leaves the password hash out.
#[derive(Clone)]
pub struct NewPacerAccount {
    pub username: Username,
    pub password_hash: String,
    pub name: PersonName,
    pub email: Email,
    pub kind: AccountKind,
    pub created_on: NaiveDate,
}

/// `Debug` leaves the password hash out.
#[derive(Clone)]
pub struct NewEcfAccount {
    pub court: CourtId,
    pub login: EcfLogin,
    pub password_hash: String,
    pub name: PersonName,
    pub email: Email,
    pub role: Role,
    pub bar_id: Option<BarId>,
}

impl std::fmt::Debug for NewPacerAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewPacerAccount")
            .field("username", &self.username)
            .field("password_hash", &"[redacted]")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for NewEcfAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewEcfAccount")
            .field("court", &self.court)
            .field("login", &self.login)
            .field("password_hash", &"[redacted]")
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PacerRow {
    id: i64,
    username: String,
    password_hash: String,
    name: String,
    email: String,
    kind: String,
    created_on: String,
    upgraded_at: Option<i64>,
}

/// A login's read of an account, as [`login_read_sql`] selects it.
#[derive(sqlx::FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    account: PacerRow,
    disabled: i64,
    #[sqlx(flatten)]
    mfa: MfaRow,
}

impl LoginRow {
    fn into_read(self) -> Result<LoginRead> {
        let (account, password_hash) = self.account.into_account()?;
        Ok(LoginRead {
            account,
            password_hash,
            disabled: self.disabled != 0,
            mfa: self.mfa.into(),
        })
    }
}

/// The account a login names (`username` is the parameter holding its
/// username), with whether it is disabled and its MFA state: a [`LoginRow`].
fn login_read_sql(username: &str) -> String {
    format!(
        "SELECT {PACER_COLUMNS}, CASE WHEN disabled_at IS NULL THEN 0 ELSE 1 END AS disabled, {}
         FROM pacer_accounts WHERE username = {username}",
        mfa_columns("pacer_accounts.id")
    )
}

/// What a password login reads of an account ([`Store::pacer_for_login`]).
/// `Debug` leaves the password hash out.
#[derive(Clone)]
pub struct LoginRead {
    pub account: PacerAccount,
    pub password_hash: String,
    /// The PACER Service Center disabled it.
    pub disabled: bool,
    pub mfa: MfaState,
}

impl std::fmt::Debug for LoginRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRead")
            .field("account", &self.account)
            .field("password_hash", &"[redacted]")
            .field("disabled", &self.disabled)
            .field("mfa", &self.mfa)
            .finish()
    }
}

pub(crate) const PACER_COLUMNS: &str = "id, username, password_hash, name, email, kind, created_on, upgraded_at";

impl PacerRow {
    pub(crate) fn into_account(self) -> Result<(PacerAccount, String)> {
        Ok((
            PacerAccount {
                id: PacerAccountId::new(self.id),
                username: Username::parse_existing(&self.username).map_err(corrupt)?,
                name: PersonName::parse(&self.name).map_err(corrupt)?,
                email: Email::from_stored(&self.email).map_err(corrupt)?,
                kind: AccountKind::parse(&self.kind).map_err(corrupt)?,
                created_on: parse_date(&self.created_on)?,
                upgraded: self.upgraded_at.is_some(),
            },
            self.password_hash,
        ))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EcfRow {
    id: i64,
    court_id: String,
    login: String,
    password_hash: String,
    name: String,
    email: String,
    role: String,
    bar_id: Option<String>,
}

pub(crate) const ECF_COLUMNS: &str = "id, court_id, login, password_hash, name, email, role, bar_id";

impl EcfRow {
    pub(crate) fn into_account(self) -> Result<(EcfAccount, String)> {
        Ok((
            EcfAccount {
                id: EcfAccountId::new(self.id),
                court: CourtId::parse(&self.court_id).map_err(corrupt)?,
                login: EcfLogin::parse(&self.login).map_err(corrupt)?,
                name: PersonName::parse(&self.name).map_err(corrupt)?,
                email: Email::from_stored(&self.email).map_err(corrupt)?,
                role: Role::parse(&self.role).map_err(corrupt)?,
                bar_id: self.bar_id.as_deref().map(BarId::parse).transpose().map_err(corrupt)?,
            },
            self.password_hash,
        ))
    }
}

impl Tx {
    /// Adds a PACER account; `UsernameTaken` if its username is.
    pub async fn insert_pacer(&mut self, account: &NewPacerAccount, now: Time) -> Result<PacerAccountId> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO pacer_accounts (username, password_hash, name, email, kind, created_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(account.username.as_str())
        .bind(&account.password_hash)
        .bind(account.name.as_str())
        .bind(account.email.as_str())
        .bind(account.kind.as_str())
        .bind(account.created_on.format("%Y-%m-%d").to_string())
        .bind(epoch(now))
        .fetch_optional(self.conn())
        .await?;
        id.map(PacerAccountId::new)
            .ok_or_else(|| StoreError::UsernameTaken(account.username.clone()))
    }

    /// Adds a court's CM/ECF accounts, all or none: the first that cannot be
    /// added (an unknown court, a login taken) fails the transaction.
    pub async fn insert_ecf_accounts(&mut self, accounts: &[NewEcfAccount], now: Time) -> Result<Vec<EcfAccountId>> {
        let mut ids = Vec::with_capacity(accounts.len());
        for a in accounts {
            let court: Option<String> = sqlx::query_scalar("SELECT id FROM courts WHERE id = $1")
                .bind(a.court.as_str())
                .fetch_optional(self.conn())
                .await?;
            if court.is_none() {
                return Err(StoreError::NotFound(Missing::Court(a.court.clone())));
            }
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO ecf_accounts (court_id, login, password_hash, name, email, role, bar_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (court_id, login) DO NOTHING RETURNING id",
            )
            .bind(a.court.as_str())
            .bind(a.login.as_str())
            .bind(&a.password_hash)
            .bind(a.name.as_str())
            .bind(a.email.as_str())
            .bind(a.role.as_str())
            .bind(a.bar_id.as_ref().map(|b| b.as_str().to_owned()))
            .bind(epoch(now))
            .fetch_optional(self.conn())
            .await?;
            let id = id.ok_or_else(|| StoreError::EcfLoginTaken {
                court: a.court.clone(),
                login: a.login.clone(),
            })?;
            ids.push(EcfAccountId::new(id));
        }
        Ok(ids)
    }

    pub async fn ecf_by_id(&mut self, id: EcfAccountId) -> Result<Option<EcfAccount>> {
        ecf_by_id(self.conn(), id).await
    }
}

async fn ecf_by_id<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: EcfAccountId,
) -> Result<Option<EcfAccount>> {
    let row: Option<EcfRow> = sqlx::query_as(&format!("SELECT {ECF_COLUMNS} FROM ecf_accounts WHERE id = $1"))
        .bind(id.get())
        .fetch_optional(db)
        .await?;
    Ok(row.map(EcfRow::into_account).transpose()?.map(|(a, _)| a))
}

impl Store {
    /// Adds one PACER account (operators, tests, the demo).
    #[tracing::instrument(skip(self, account), fields(username = %account.username))]
    pub async fn add_pacer_account(&self, account: &NewPacerAccount, now: Time) -> Result<PacerAccountId> {
        let mut tx = self.write().await?;
        let id = tx.insert_pacer(account, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn count_pacer_accounts(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM pacer_accounts")
            .fetch_one(&self.pool)
            .await?)
    }

    #[tracing::instrument(skip(self, account), fields(court = %account.court, login = %account.login))]
    pub async fn add_ecf_account(&self, account: &NewEcfAccount, now: Time) -> Result<EcfAccountId> {
        self.import_ecf_accounts(std::slice::from_ref(account), now)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Corrupt("insert returned no id".into()))
    }

    /// Adds all the accounts or none.
    #[tracing::instrument(skip(self, accounts), fields(count = accounts.len()))]
    pub async fn import_ecf_accounts(&self, accounts: &[NewEcfAccount], now: Time) -> Result<Vec<EcfAccountId>> {
        let mut tx = self.write().await?;
        let ids = tx.insert_ecf_accounts(accounts, now).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The account and its password hash.
    #[tracing::instrument(skip(self))]
    pub async fn pacer_by_username(&self, username: &Username) -> Result<Option<(PacerAccount, String)>> {
        let row: Option<PacerRow> = sqlx::query_as(&format!(
            "SELECT {PACER_COLUMNS} FROM pacer_accounts WHERE username = $1"
        ))
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(PacerRow::into_account).transpose()
    }

    /// What a password login reads of an account, in one statement: the
    /// account, its password hash, whether the PACER Service Center
    /// disabled it, and its MFA state (what the login asks next).
    pub async fn pacer_for_login(&self, username: &Username) -> Result<Option<LoginRead>> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| login_read_sql("$1"));
        let row: Option<LoginRow> = sqlx::query_as(SQL.as_str())
            .bind(username.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(LoginRow::into_read).transpose()
    }

    /// [`Store::pacer_for_login`], then [`Store::begin_attempt`] for the
    /// login's counter (`subject`), in one statement on PostgreSQL: a
    /// login's first round trip does both. (On SQLite, where a read costs
    /// no round trip and a write waits its turn, the two as they are.)
    pub async fn pacer_for_login_taking_place(
        &self,
        username: &Username,
        subject: &Subject,
        now: Time,
    ) -> Result<(Option<LoginRead>, Attempt)> {
        if self.engine == Engine::Sqlite {
            let read = self.pacer_for_login(username).await?;
            return Ok((read, self.begin_attempt(subject, now).await?));
        }
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "WITH taken AS ({}) SELECT taken.locked_until AS taken_locked_until,
                        taken.in_flight_last AS taken_in_flight_last, taken.in_flight_until AS taken_run_ends, found.*
                 FROM taken {}
                 LEFT JOIN ({}) AS found ON true",
                *crate::security::BEGIN_ATTEMPT,
                crate::security::UNFLUSHED,
                login_read_sql("$5")
            )
        });
        let id = crate::security::attempt_id();
        let epoch_now = epoch(now);
        let row = sqlx::query(SQL.as_str())
            .bind(subject.to_string())
            .bind(id)
            .bind(epoch_now)
            .bind(MAX_IN_FLIGHT)
            .bind(username.as_str())
            .fetch_one(&mut *self.writer().await?)
            .await?;
        let attempt = crate::security::attempt_of(
            epoch_now,
            id,
            row.try_get("taken_locked_until")?,
            row.try_get("taken_in_flight_last")?,
            row.try_get("taken_run_ends")?,
        );
        let read = (|| {
            let found: Option<i64> = row.try_get("id")?;
            found.map(|_| LoginRow::from_row(&row)?.into_read()).transpose()
        })();
        match (read, attempt) {
            (Ok(read), attempt) => Ok((read, attempt)),
            // The place is taken but the account cannot be read: give the
            // place back, counting nothing, before saying so.
            (Err(e), Attempt::Go(slot)) => {
                self.finish_attempt(subject, slot, now, crate::AttemptOutcome::Abandoned)
                    .await?;
                Err(e)
            }
            (Err(e), _) => Err(e),
        }
    }

    #[tracing::instrument(skip(self))]
    pub async fn pacer_by_id(&self, id: PacerAccountId) -> Result<Option<PacerAccount>> {
        let row: Option<PacerRow> =
            sqlx::query_as(&format!("SELECT {PACER_COLUMNS} FROM pacer_accounts WHERE id = $1"))
                .bind(id.get())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(PacerRow::into_account).transpose()?.map(|(a, _)| a))
    }

    /// The court's CM/ECF account and its password hash.
    #[tracing::instrument(skip(self))]
    pub async fn ecf_by_login(&self, court: &CourtId, login: &EcfLogin) -> Result<Option<(EcfAccount, String)>> {
        let row: Option<EcfRow> = sqlx::query_as(&format!(
            "SELECT {ECF_COLUMNS} FROM ecf_accounts WHERE court_id = $1 AND login = $2"
        ))
        .bind(court.as_str())
        .bind(login.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(EcfRow::into_account).transpose()
    }

    #[tracing::instrument(skip(self))]
    pub async fn ecf_by_id(&self, id: EcfAccountId) -> Result<Option<EcfAccount>> {
        ecf_by_id(&self.pool, id).await
    }
}
