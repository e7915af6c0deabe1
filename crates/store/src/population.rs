//! A generated population for measurements (`openecf dev generate`): PACER
//! accounts, CM/ECF accounts, links and sessions written with multi-row
//! INSERTs, many rows a statement and many statements a transaction. A dev
//! tool's SQL: built only with the `population` feature, and no request path
//! calls it.
//!
//! Every generated account's email ends in `@generated.invalid`
//! ([`GENERATED_EMAIL_DOMAIN`]): that is how the generator tells its own rows
//! from real ones.

use std::collections::HashMap;

use crate::courts::NewCourt;
use crate::{epoch, Result, Store, StoreError, Time, Tx};

/// The email domain of every generated account (`.invalid` is reserved: no mail
/// to it can ever be delivered).
pub const GENERATED_EMAIL_DOMAIN: &str = "generated.invalid";

/// One generated PACER account (individual, upgraded, email confirmed).
#[derive(Debug, Clone)]
pub struct GeneratedPacer {
    pub username: String,
    pub name: String,
    pub email: String,
    /// YYYY-MM-DD
    pub created_on: String,
}

/// One generated CM/ECF account.
#[derive(Debug, Clone)]
pub struct GeneratedEcf {
    pub court: String,
    pub login: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub bar_id: Option<String>,
}

/// How many accounts a database holds, and how many of them were generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationCounts {
    pub pacer: i64,
    pub ecf: i64,
    pub generated_pacer: i64,
    pub generated_ecf: i64,
}

impl PopulationCounts {
    /// Accounts the generator did not make.
    pub fn real(&self) -> i64 {
        (self.pacer - self.generated_pacer) + (self.ecf - self.generated_ecf)
    }
}

/// What a generated database holds, and whether its links obey the rules
/// (each count of a broken rule is zero in a sound database).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationCheck {
    pub courts: i64,
    pub pacer: i64,
    pub ecf: i64,
    pub links: i64,
    pub sessions: i64,
    /// CM/ECF accounts linked more than once.
    pub ecf_linked_twice: i64,
    /// (court, PACER account) pairs with more than one link.
    pub pacer_linked_twice_at_a_court: i64,
    /// Links whose court is not their CM/ECF account's court.
    pub links_at_another_court: i64,
}

/// A multi-row `VALUES` list: `rows` tuples of `columns` markers each, the
/// markers numbered from `first`; `shared` markers (`$1`… bound once for the
/// statement) are put at the start of each tuple.
fn values(rows: usize, shared: &[&str], columns: usize, first: usize) -> String {
    let mut sql = String::with_capacity(rows * (columns * 6 + shared.len() * 4 + 4));
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        for (j, s) in shared.iter().enumerate() {
            if j > 0 {
                sql.push(',');
            }
            sql.push_str(s);
        }
        for c in 0..columns {
            if c > 0 || !shared.is_empty() {
                sql.push(',');
            }
            sql.push('$');
            sql.push_str(&(first + i * columns + c).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Matches the ids a multi-row INSERT returned to its rows, by their unique key.
fn in_row_order<'a>(keys: impl Iterator<Item = &'a str>, returned: Vec<(i64, String)>) -> Result<Vec<i64>> {
    let by_key: HashMap<String, i64> = returned.into_iter().map(|(id, k)| (k, id)).collect();
    keys.map(|k| {
        by_key
            .get(k)
            .copied()
            .ok_or_else(|| StoreError::Corrupt(format!("the generated row {k} was not inserted")))
    })
    .collect()
}

impl Store {
    /// Gathers the query planner's statistics (PostgreSQL's `ANALYZE`; SQLite
    /// is left as a server finds it, without `sqlite_stat1`).
    pub async fn analyze(&self) -> Result<()> {
        if self.engine == crate::Engine::Postgres {
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// How many PACER and CM/ECF accounts there are, and how many are generated.
    pub async fn population_counts(&self) -> Result<PopulationCounts> {
        let like = format!("%@{GENERATED_EMAIL_DOMAIN}");
        let (pacer, generated_pacer): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN email LIKE $1 THEN 1 ELSE 0 END), 0) FROM pacer_accounts",
        )
        .bind(&like)
        .fetch_one(&self.pool)
        .await?;
        let (ecf, generated_ecf): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN email LIKE $1 THEN 1 ELSE 0 END), 0) FROM ecf_accounts",
        )
        .bind(&like)
        .fetch_one(&self.pool)
        .await?;
        Ok(PopulationCounts {
            pacer,
            ecf,
            generated_pacer,
            generated_ecf,
        })
    }

    /// Row counts and the link rules, checked over the whole database.
    pub async fn population_check(&self) -> Result<PopulationCheck> {
        let count = |sql: &'static str| async move {
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&self.pool).await?;
            Ok::<i64, StoreError>(n)
        };
        Ok(PopulationCheck {
            courts: count("SELECT COUNT(*) FROM courts").await?,
            pacer: count("SELECT COUNT(*) FROM pacer_accounts").await?,
            ecf: count("SELECT COUNT(*) FROM ecf_accounts").await?,
            links: count("SELECT COUNT(*) FROM links").await?,
            sessions: count("SELECT COUNT(*) FROM sessions").await?,
            ecf_linked_twice: count(
                "SELECT COUNT(*) FROM (SELECT ecf_account_id FROM links GROUP BY ecf_account_id HAVING COUNT(*) > 1) t",
            )
            .await?,
            pacer_linked_twice_at_a_court: count(
                "SELECT COUNT(*) FROM (SELECT court_id, pacer_account_id FROM links
                                       GROUP BY court_id, pacer_account_id HAVING COUNT(*) > 1) t",
            )
            .await?,
            links_at_another_court: count(
                "SELECT COUNT(*) FROM links l JOIN ecf_accounts e ON e.id = l.ecf_account_id WHERE e.court_id <> l.court_id",
            )
            .await?,
        })
    }
}

impl Tx {
    /// Adds the courts not there yet, live on NextGen since `now` (no go-live
    /// notice: there is nobody to tell yet). Returns the ids added.
    pub async fn add_generated_courts(&mut self, courts: &[NewCourt], now: Time) -> Result<Vec<String>> {
        let mut added = Vec::new();
        for c in courts {
            let inserted: Option<String> = sqlx::query_scalar(
                "INSERT INTO courts (id, kind, name, location, doc_id_prefix, nextgen_release, live_since)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id",
            )
            .bind(c.id.as_str())
            .bind(c.kind.as_str())
            .bind(&c.name)
            .bind(&c.location)
            .bind(&c.doc_id_prefix)
            .bind(c.release.as_str())
            .bind(epoch(now))
            .fetch_optional(self.conn())
            .await?;
            added.extend(inserted);
        }
        Ok(added)
    }

    /// Inserts PACER accounts, all with the one `password_hash`; returns their
    /// ids in the order of `rows`.
    pub async fn insert_generated_pacer(
        &mut self,
        rows: &[GeneratedPacer],
        password_hash: &str,
        now: Time,
    ) -> Result<Vec<i64>> {
        const COLUMNS: usize = 4;
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(crate::ecf_import::rows_per_insert(self.engine)) {
            let sql = format!(
                "INSERT INTO pacer_accounts (password_hash, kind, upgraded_at, created_at, email_verified_at,
                                             username, name, email, created_on)
                 VALUES {} RETURNING id, username",
                values(chunk.len(), &["$1", "'individual'", "$2", "$2", "$2"], COLUMNS, 3)
            );
            let mut q = sqlx::query_as::<_, (i64, String)>(&sql)
                .bind(password_hash)
                .bind(epoch(now));
            for r in chunk {
                q = q
                    .bind(r.username.as_str())
                    .bind(r.name.as_str())
                    .bind(r.email.as_str())
                    .bind(r.created_on.as_str());
            }
            let returned = q.fetch_all(self.conn()).await?;
            ids.extend(in_row_order(chunk.iter().map(|r| r.username.as_str()), returned)?);
        }
        Ok(ids)
    }

    /// Inserts CM/ECF accounts, all with the one `password_hash`; returns
    /// their ids in the order of `rows` (each row's login must be unique
    /// among `rows`).
    pub async fn insert_generated_ecf(
        &mut self,
        rows: &[GeneratedEcf],
        password_hash: &str,
        now: Time,
    ) -> Result<Vec<i64>> {
        const COLUMNS: usize = 6;
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(crate::ecf_import::rows_per_insert(self.engine)) {
            let sql = format!(
                "INSERT INTO ecf_accounts (password_hash, created_at, court_id, login, name, email, role, bar_id)
                 VALUES {} RETURNING id, login",
                values(chunk.len(), &["$1", "$2"], COLUMNS, 3)
            );
            let mut q = sqlx::query_as::<_, (i64, String)>(&sql)
                .bind(password_hash)
                .bind(epoch(now));
            for r in chunk {
                q = q
                    .bind(r.court.as_str())
                    .bind(r.login.as_str())
                    .bind(r.name.as_str())
                    .bind(r.email.as_str())
                    .bind(r.role.as_str())
                    .bind(r.bar_id.clone());
            }
            let returned = q.fetch_all(self.conn()).await?;
            ids.extend(in_row_order(chunk.iter().map(|r| r.login.as_str()), returned)?);
        }
        Ok(ids)
    }

    /// Inserts links `(court, CM/ECF account id, PACER account id)`; the
    /// database's unique constraints refuse any that breaks a rule.
    pub async fn insert_generated_links(&mut self, rows: &[(String, i64, i64)], now: Time) -> Result<()> {
        const COLUMNS: usize = 3;
        for chunk in rows.chunks(crate::ecf_import::rows_per_insert(self.engine)) {
            let sql = format!(
                "INSERT INTO links (linked_at, court_id, ecf_account_id, pacer_account_id) VALUES {}",
                values(chunk.len(), &["$1"], COLUMNS, 2)
            );
            let mut q = sqlx::query(&sql).bind(epoch(now));
            for (court, ecf, pacer) in chunk {
                q = q.bind(court.as_str()).bind(*ecf).bind(*pacer);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// Inserts sessions `(SHA-256 of the token, PACER account id)` started
    /// and last seen at `now`.
    pub async fn insert_generated_sessions(
        &mut self,
        rows: &[(String, i64)],
        now: Time,
        ip: &str,
        user_agent: &str,
    ) -> Result<()> {
        const COLUMNS: usize = 2;
        for chunk in rows.chunks(crate::ecf_import::rows_per_insert(self.engine)) {
            let sql = format!(
                "INSERT INTO sessions (created_at, last_seen_at, ip, user_agent, token_hash, pacer_account_id) VALUES {}",
                values(chunk.len(), &["$1", "$1", "$2", "$3"], COLUMNS, 4)
            );
            let mut q = sqlx::query(&sql).bind(epoch(now)).bind(ip).bind(user_agent);
            for (hash, pacer) in chunk {
                q = q.bind(hash.as_str()).bind(*pacer);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::values;

    #[test]
    fn values_put_the_shared_markers_first_and_number_the_rest() {
        assert_eq!(values(2, &["$1", "'x'"], 2, 2), "($1,'x',$2,$3),($1,'x',$4,$5)");
        assert_eq!(values(1, &[], 3, 1), "($1,$2,$3)");
    }
}
