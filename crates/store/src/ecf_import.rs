//! A court's legacy CM/ECF accounts imported in bulk (`ecf import`): what an
//! import compares a file against, the rows it adds and changes in one
//! transaction, and the hash an imported password gets at its first use.

use openecf_domain::{BarId, CourtId, EcfAccountId, EcfLogin, Email, PersonName, Role};

use crate::{epoch, Engine, Missing, Result, Store, StoreError, Time, Tx};

/// One account of an import file, as it is to be stored. `Debug` leaves the
/// hash and fingerprint out.
#[derive(Clone)]
pub struct ImportedEcf {
    pub login: EcfLogin,
    pub name: PersonName,
    pub email: Email,
    pub role: Role,
    pub bar_id: Option<BarId>,
    /// The password hash to store; `None` keeps the account's own (an
    /// existing account whose password cell did not change).
    pub password_hash: Option<String>,
    /// The keyed fingerprint of the file's password cell.
    pub fingerprint: String,
}

impl std::fmt::Debug for ImportedEcf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportedEcf")
            .field("login", &self.login)
            .field("password_hash", &self.password_hash.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// A court's CM/ECF account as an import compares it with a file row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportBaseline {
    pub login: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub bar_id: Option<String>,
    /// `None`: the account was never imported with a fingerprint (added by
    /// hand, or by an older version).
    pub import_fingerprint: Option<String>,
}

/// The columns one inserted row binds.
const INSERT_COLUMNS: usize = 9;

/// Rows per multi-row statement (INSERT, UPDATE … FROM VALUES): the
/// statement is the same on both engines, only how many rows one should
/// carry differs. Measured (`cargo bench -p openecf-app --bench import`):
/// SQLite slows down past a few dozen rows a statement (it looks up each
/// `$N` marker by name: 500 rows took 2.2 s for 20,000, 50 rows 0.3 s);
/// PostgreSQL gains from fewer round trips.
pub(crate) fn rows_per_insert(engine: Engine) -> usize {
    match engine {
        Engine::Sqlite => 50,
        Engine::Postgres => 500,
    }
}

impl Tx {
    /// Adds new accounts of one court with multi-row INSERTs; a login taken
    /// meanwhile (another import, `ecf add`) is `EcfLoginTaken` and the caller's
    /// transaction is to be rolled back. Each row must carry its hash.
    pub async fn insert_imported_ecf_accounts(
        &mut self,
        court: &CourtId,
        rows: &[ImportedEcf],
        now: Time,
    ) -> Result<()> {
        let per = rows_per_insert(self.engine);
        for chunk in rows.chunks(per) {
            let mut sql = String::with_capacity(64 + chunk.len() * 48);
            sql.push_str(
                "INSERT INTO ecf_accounts (court_id, login, password_hash, name, email, role, bar_id, created_at, import_fingerprint) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                let b = i * INSERT_COLUMNS;
                sql.push('(');
                for c in 1..=INSERT_COLUMNS {
                    if c > 1 {
                        sql.push(',');
                    }
                    sql.push('$');
                    sql.push_str(&(b + c).to_string());
                }
                sql.push(')');
            }
            sql.push_str(" ON CONFLICT (court_id, login) DO NOTHING RETURNING login");
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for r in chunk {
                let hash = r.password_hash.as_deref().ok_or_else(|| {
                    StoreError::Corrupt(format!("the new CM/ECF account {} has no password hash", r.login))
                })?;
                q = q
                    .bind(court.as_str())
                    .bind(r.login.as_str())
                    .bind(hash)
                    .bind(r.name.as_str())
                    .bind(r.email.as_str())
                    .bind(r.role.as_str())
                    .bind(r.bar_id.as_ref().map(|b| b.as_str().to_owned()))
                    .bind(epoch(now))
                    .bind(r.fingerprint.as_str());
            }
            let inserted = q.fetch_all(self.conn()).await?;
            if inserted.len() != chunk.len() {
                let taken = chunk
                    .iter()
                    .find(|r| !inserted.iter().any(|l| l == r.login.as_str()))
                    .map(|r| r.login.clone());
                return match taken {
                    Some(login) => Err(StoreError::EcfLoginTaken {
                        court: court.clone(),
                        login,
                    }),
                    None => Err(StoreError::Corrupt("an import inserted a row twice".into())),
                };
            }
        }
        Ok(())
    }

    /// Updates existing accounts of one court from their import rows: name,
    /// email, role, bar id and fingerprint, and the password hash when a row
    /// carries one (`UPDATE … FROM (VALUES …)`, a chunk of rows a statement).
    /// The number of accounts updated (fewer than the rows if a login went away).
    pub async fn update_imported_ecf_accounts(&mut self, court: &CourtId, rows: &[ImportedEcf]) -> Result<u64> {
        const COLUMNS: usize = 7;
        let mut updated = 0;
        for chunk in rows.chunks(rows_per_insert(self.engine)) {
            let mut sql = String::with_capacity(256 + chunk.len() * 40);
            sql.push_str(
                "UPDATE ecf_accounts SET name = v.column2, email = v.column3, role = v.column4, bar_id = v.column5,
                     import_fingerprint = v.column6, password_hash = COALESCE(v.column7, ecf_accounts.password_hash)
                 FROM (VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 1..=COLUMNS {
                    if c > 1 {
                        sql.push(',');
                    }
                    sql.push('$');
                    sql.push_str(&(1 + i * COLUMNS + c).to_string());
                }
                sql.push(')');
            }
            sql.push_str(") AS v WHERE ecf_accounts.court_id = $1 AND ecf_accounts.login = v.column1");
            let mut q = sqlx::query(&sql).bind(court.as_str());
            for r in chunk {
                q = q
                    .bind(r.login.as_str())
                    .bind(r.name.as_str())
                    .bind(r.email.as_str())
                    .bind(r.role.as_str())
                    .bind(r.bar_id.as_ref().map(|b| b.as_str().to_owned()))
                    .bind(r.fingerprint.as_str())
                    .bind(r.password_hash.clone());
            }
            updated += q.execute(self.conn()).await?.rows_affected();
        }
        Ok(updated)
    }
}

impl Store {
    /// Every CM/ECF account of a court as an import compares it with its file.
    #[tracing::instrument(skip(self))]
    pub async fn ecf_import_baseline(&self, court: &CourtId) -> Result<Vec<ImportBaseline>> {
        Ok(sqlx::query_as(
            "SELECT login, name, email, role, bar_id, import_fingerprint FROM ecf_accounts WHERE court_id = $1",
        )
        .bind(court.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Writes an import in one transaction: the new accounts, then the
    /// changed ones. All or nothing: a login added meanwhile
    /// (`EcfLoginTaken`) or one gone meanwhile (`NotFound`) writes nothing.
    #[tracing::instrument(skip(self, new, changed), fields(new = new.len(), changed = changed.len()))]
    pub async fn import_ecf(
        &self,
        court: &CourtId,
        new: &[ImportedEcf],
        changed: &[ImportedEcf],
        now: Time,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let known: Option<String> = sqlx::query_scalar("SELECT id FROM courts WHERE id = $1")
            .bind(court.as_str())
            .fetch_optional(tx.conn())
            .await?;
        if known.is_none() {
            return Err(StoreError::NotFound(Missing::Court(court.clone())));
        }
        tx.insert_imported_ecf_accounts(court, new, now).await?;
        let updated = tx.update_imported_ecf_accounts(court, changed).await?;
        if updated != changed.len() as u64 {
            return Err(StoreError::Corrupt(format!(
                "{} of the CM/ECF accounts to update at {court} went away during the import",
                changed.len() as u64 - updated.min(changed.len() as u64)
            )));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces an account's password hash by a new one (the password
    /// hashed again at its first successful check), unless the hash changed
    /// meanwhile (then the newer one stays). True if replaced.
    #[tracing::instrument(skip(self, old, new))]
    pub async fn rehash_ecf_password(&self, id: EcfAccountId, old: &str, new: &str) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE ecf_accounts SET password_hash = $2 WHERE id = $1 AND password_hash = $3")
            .bind(id.get())
            .bind(new)
            .bind(old)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
