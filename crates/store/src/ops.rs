//! What operations watch: whether the database answers and its schema is
//! current, the job queue's depth and age, the connection pool's use.

use sqlx::Row;

use crate::{epoch, Engine, Result, Store, Time, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

/// Why the server is not ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The database does not answer.
    Database(String),
    /// The schema lacks migrations this build has (run `openecf migrate`).
    Migrations { applied: i64, known: i64 },
}

/// The job queue now: jobs due and waiting, and the age of the oldest (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueDepth {
    pub due: i64,
    pub oldest_due_secs: i64,
    /// Jobs that failed for good.
    pub failed: i64,
}

impl Store {
    /// Whether the database answers and every migration of this build is applied.
    pub async fn readiness(&self) -> std::result::Result<(), NotReady> {
        let applied: i64 =
            match sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await
            {
                Ok(n) => n,
                Err(e) => return Err(NotReady::Database(e.to_string())),
            };
        let known = match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.iter().count(),
            Engine::Postgres => POSTGRES_MIGRATIONS.iter().count(),
        };
        let known = i64::try_from(known).unwrap_or(i64::MAX);
        if applied < known {
            return Err(NotReady::Migrations { applied, known });
        }
        Ok(())
    }

    /// The job queue's depth at `now`.
    pub async fn queue_depth(&self, now: Time) -> Result<QueueDepth> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS due, COALESCE(MIN(run_at), $1) AS oldest FROM jobs WHERE failed_at IS NULL AND run_at <= $1",
        )
        .bind(epoch(now))
        .fetch_one(&self.pool)
        .await?;
        let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE failed_at IS NOT NULL")
            .fetch_one(&self.pool)
            .await?;
        let oldest: i64 = row.try_get("oldest")?;
        Ok(QueueDepth {
            due: row.try_get("due")?,
            oldest_due_secs: (epoch(now) - oldest).max(0),
            failed,
        })
    }

    /// Forgets the newest applied migration, as a database an older version
    /// migrated would look (for readiness tests only).
    #[doc(hidden)]
    pub async fn forget_last_migration_for_tests(&self) -> Result<()> {
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Connections of the pool: (open, idle).
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }
}

impl Store {
    /// Writes a consistent copy of the SQLite database to `path` (which must
    /// not exist), safe while the server serves: `VACUUM INTO` reads one
    /// snapshot and writes a compact file. PostgreSQL is backed up with its
    /// own tools (`pg_dump`): the error says how.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        match self.engine {
            Engine::Sqlite => {
                let target = path
                    .to_str()
                    .ok_or_else(|| crate::StoreError::Config(format!("{} is not a UTF-8 path", path.display())))?;
                sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
                Ok(())
            }
            Engine::Postgres => Err(crate::StoreError::Config(
                "a PostgreSQL database is backed up with pg_dump: pg_dump --format=custom --file FILE DATABASE_URL \
                 (and restored with pg_restore --clean --if-exists --dbname DATABASE_URL FILE)"
                    .into(),
            )),
        }
    }

    /// How many migrations the database has applied (a backup's schema check).
    pub async fn applied_migrations(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

impl Store {
    /// Forgets mail delivered before `before`; returns how many.
    pub async fn purge_delivered_mail(&self, before: Time) -> Result<u64> {
        let done = sqlx::query("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1")
            .bind(epoch(before))
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }

    /// Forgets audit events written before `before`; returns how many.
    pub async fn purge_audit(&self, before: Time) -> Result<u64> {
        let done = sqlx::query("DELETE FROM audit_events WHERE at < $1")
            .bind(epoch(before))
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }
}
