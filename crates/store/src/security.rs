use openecf_domain::throttle::{self, Failures, Subject, IN_FLIGHT_SECS, MAX_IN_FLIGHT};
use openecf_domain::{Mail, NewAuditEvent, PacerAccountId};
use sqlx::{Any, Transaction};

use crate::{epoch, Engine, Result, Store, Time, Tx};

/// One entry of the audit trail, as read back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub action: String,
    pub outcome: String,
    pub pacer_username: Option<String>,
    pub court_id: Option<String>,
    pub ecf_login: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

impl Store {
    /// Writes an audit event of its own (a check that changed nothing else):
    /// one statement, atomic by itself.
    pub async fn insert_audit(&self, e: &NewAuditEvent, at: Time) -> Result<()> {
        audit_insert(e, at).execute(&mut *self.writer().await?).await?;
        Ok(())
    }
}

fn audit_insert(e: &NewAuditEvent, at: Time) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments<'static>> {
    bind_audit(sqlx::query(AUDIT_INSERT.as_str()), e, at)
}

/// The INSERT of an audit event, its values the parameters from `$first`
/// on, in the order [`bind_audit`] binds them.
pub(crate) fn audit_insert_sql(first: usize) -> String {
    let values: Vec<String> = (first..first + 9).map(|n| format!("${n}")).collect();
    format!(
        "INSERT INTO audit_events
             (at, action, outcome, pacer_username, court_id, ecf_login, ip, detail, pacer_account_id)
         VALUES ({})",
        values.join(", ")
    )
}

static AUDIT_INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| audit_insert_sql(1));

/// Binds an audit event's values, as [`audit_insert_sql`] takes them.
pub(crate) fn bind_audit<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    e: &NewAuditEvent,
    at: Time,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    q.bind(epoch(at))
        .bind(e.action.as_str())
        .bind(e.outcome.to_string())
        .bind(e.pacer_username.clone())
        .bind(e.court_id.clone())
        .bind(e.ecf_login.clone())
        .bind(e.ip.clone())
        .bind(e.detail.clone())
        .bind(e.pacer_account.map(|a| a.get()))
}

impl Tx {
    /// Forgets a subject's failures (its password was just reset).
    pub async fn clear_failures(&mut self, subject: &Subject) -> Result<()> {
        sqlx::query(CLEAR_FAILURES)
            .bind(subject.to_string())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Writes an audit event in this transaction: it stands or falls with the
    /// change it records.
    pub async fn insert_audit(&mut self, e: &NewAuditEvent, at: Time) -> Result<()> {
        audit_insert(e, at).execute(self.conn()).await?;
        Ok(())
    }
}

/// Forgets a subject's failures, keeping the places of its checks under way
/// (a reset or an unlock does not let more checks run at once).
const CLEAR_FAILURES: &str =
    "UPDATE auth_failures SET count = 0, last_failed_at = 0, locked_until = 0 WHERE subject = $1";

/// What [`Store::begin_attempt`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Check, then end the attempt with [`Store::finish_attempt`] and this slot.
    Go(AttemptSlot),
    Locked,
    Busy,
}

/// A password check under way: its place among the [`MAX_IN_FLIGHT`] of
/// its subject's current run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptSlot {
    /// When the run the place was taken in ends: the place is given back in
    /// that run's count (the current run's or the one before's), and in no
    /// other.
    pub(crate) run_ends: i64,
}

/// How a check begun with [`Store::begin_attempt`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Failed,
    Succeeded { clear: bool },
    Abandoned,
}

async fn write_failures(tx: &mut Transaction<'static, Any>, subject: &str, f: &Failures) -> Result<()> {
    sqlx::query("UPDATE auth_failures SET count = $2, last_failed_at = $3, locked_until = $4 WHERE subject = $1")
        .bind(subject)
        .bind(f.count)
        .bind(f.last_failed_at)
        .bind(f.locked_until)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct FailureRow {
    count: i64,
    last_failed_at: i64,
    locked_until: i64,
}

impl From<FailureRow> for Failures {
    fn from(r: FailureRow) -> Self {
        Self {
            count: r.count,
            last_failed_at: r.last_failed_at,
            locked_until: r.locked_until,
        }
    }
}

/// Which audit events to list. `account` and `account_id` together match
/// an event that has either; with neither, every account's events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    /// Events written with this PACER username (whoever held it).
    pub account: Option<String>,
    /// Events of this PACER account (under any username it had).
    pub account_id: Option<PacerAccountId>,
    pub court: Option<String>,
    pub since: Option<Time>,
    pub limit: i64,
}

/// An audit event with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at: Time,
    pub event: AuditEvent,
}

#[derive(sqlx::FromRow)]
struct AuditRowRaw {
    at: i64,
    action: String,
    outcome: String,
    pacer_username: Option<String>,
    court_id: Option<String>,
    ecf_login: Option<String>,
    ip: Option<String>,
    detail: String,
}

impl Store {
    /// Audit events, newest first, filtered.
    pub async fn audit_list(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        let rows: Vec<AuditRowRaw> = sqlx::query_as(
            "SELECT at, action, outcome, pacer_username, court_id, ecf_login, ip, detail FROM audit_events
             WHERE ((CAST($1 AS TEXT) IS NULL AND CAST($5 AS BIGINT) IS NULL)
                    OR pacer_username = CAST($1 AS TEXT) OR pacer_account_id = CAST($5 AS BIGINT))
               AND (CAST($2 AS TEXT) IS NULL OR court_id = CAST($2 AS TEXT))
               AND at >= $3
             ORDER BY at DESC, id DESC LIMIT $4",
        )
        .bind(f.account.clone())
        .bind(f.court.clone())
        .bind(f.since.map_or(i64::MIN, epoch))
        .bind(f.limit)
        .bind(f.account_id.map(|a| a.get()))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditRow {
                    at: crate::from_epoch(r.at)?,
                    event: AuditEvent {
                        action: r.action,
                        outcome: r.outcome,
                        pacer_username: r.pacer_username,
                        court_id: r.court_id,
                        ecf_login: r.ecf_login,
                        ip: r.ip,
                        detail: r.detail,
                    },
                })
            })
            .collect()
    }

    /// The audit trail, oldest first, optionally for one court.
    pub async fn audit_events(&self, court: Option<&str>) -> Result<Vec<AuditEvent>> {
        Ok(sqlx::query_as(
            "SELECT action, outcome, pacer_username, court_id, ecf_login, ip, detail FROM audit_events
             WHERE CAST($1 AS TEXT) IS NULL OR court_id = CAST($1 AS TEXT) ORDER BY id",
        )
        .bind(court.map(str::to_owned))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The failures counted against a subject such as `pacer:jdoe2026` or `ecf:gamb:jdoe`.
    pub async fn failures(&self, subject: &Subject) -> Result<Failures> {
        let row: Option<FailureRow> =
            sqlx::query_as("SELECT count, last_failed_at, locked_until FROM auth_failures WHERE subject = $1")
                .bind(subject.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(Failures::from).unwrap_or_default())
    }

    /// Counts one more failure against the subject and returns the new state.
    /// When the count reaches [`throttle::NOTIFY_AT`], `lock_notice` (for the
    /// account's owner) is queued in the same transaction.
    pub async fn record_failure(&self, subject: &Subject, now: Time, lock_notice: Option<&Mail>) -> Result<Failures> {
        let subject = subject.to_string();
        let mut tx = self.write().await?;
        let before = lock_failure_row(&mut tx, &subject).await?;
        let after = before.after_failure(epoch(now));
        write_failures(&mut tx.inner, &subject, &after).await?;
        if let Some(mail) = lock_notice.filter(|_| after.count == throttle::NOTIFY_AT) {
            tx.enqueue_mail(mail, now).await?;
        }
        tx.commit_leaving_cache().await?;
        Ok(after)
    }

    /// Starts a password check for the subject. `Locked`: answer as a wrong
    /// password and check nothing. `Busy`: [`MAX_IN_FLIGHT`] checks are already
    /// under way; try again shortly. `Go`: check, then call [`Store::finish_attempt`].
    /// Bounding the checks under way bounds how far a burst of concurrent guesses
    /// can run past the lock, without counting right passwords as failures.
    ///
    /// One statement, atomic on both engines ([`BEGIN_ATTEMPT`]).
    pub async fn begin_attempt(&self, subject: &Subject, now: Time) -> Result<Attempt> {
        let id = attempt_id();
        let now = epoch(now);
        let sql = match self.engine {
            Engine::Sqlite => BEGIN_ATTEMPT.as_str(),
            Engine::Postgres => BEGIN_ATTEMPT_UNFLUSHED.as_str(),
        };
        let (locked_until, in_flight_last, run_ends): (i64, i64, i64) = sqlx::query_as(sql)
            .bind(subject.to_string())
            .bind(id)
            .bind(now)
            .bind(MAX_IN_FLIGHT)
            .fetch_one(&mut *self.writer().await?)
            .await?;
        Ok(attempt_of(now, id, locked_until, in_flight_last, run_ends))
    }

    /// Ends a check begun with [`Store::begin_attempt`], giving its place
    /// back (if its run is still going): a failure is counted, a success
    /// clears the count if `clear` (else leaves it), an abandoned check
    /// changes nothing. Returns the state after.
    pub async fn finish_attempt(
        &self,
        subject: &Subject,
        slot: AttemptSlot,
        now: Time,
        outcome: AttemptOutcome,
    ) -> Result<Failures> {
        let subject = subject.to_string();
        let now = epoch(now);
        match outcome {
            AttemptOutcome::Failed => {
                let mut tx = self.write().await?;
                let before = lock_failure_row(&mut tx, &subject).await?;
                let after = before.after_failure(now);
                sqlx::query(&format!(
                    "UPDATE auth_failures SET count = $2, last_failed_at = $3, locked_until = $4, {}
                     WHERE subject = $1",
                    give_back("$5")
                ))
                .bind(&subject)
                .bind(after.count)
                .bind(after.last_failed_at)
                .bind(after.locked_until)
                .bind(slot.run_ends)
                .execute(tx.conn())
                .await?;
                tx.commit_leaving_cache().await?;
                Ok(after)
            }
            // The common end, a right password: the count is cleared
            // whatever it was, so nothing is read first. One statement.
            AttemptOutcome::Succeeded { clear: true } => {
                sqlx::query(END_RIGHT_CHECK.as_str())
                    .bind(&subject)
                    .bind(slot.run_ends)
                    .execute(&mut *self.writer().await?)
                    .await?;
                Ok(Failures::default())
            }
            AttemptOutcome::Succeeded { clear: false } | AttemptOutcome::Abandoned => {
                let row: Option<FailureRow> = sqlx::query_as(&format!(
                    "UPDATE auth_failures SET {} WHERE subject = $1
                     RETURNING count, last_failed_at, locked_until",
                    give_back("$2")
                ))
                .bind(&subject)
                .bind(slot.run_ends)
                .fetch_optional(&mut *self.writer().await?)
                .await?;
                Ok(row.map(Failures::from).unwrap_or_default())
            }
        }
    }
}

/// A check's id, which names it in `in_flight_last` when it takes a place.
pub(crate) fn attempt_id() -> i64 {
    rand::Rng::gen_range(&mut rand::rngs::OsRng, 1..i64::MAX)
}

/// What [`BEGIN_ATTEMPT`]'s answer means for the check `id` at `now`.
pub(crate) fn attempt_of(now: i64, id: i64, locked_until: i64, in_flight_last: i64, run_ends: i64) -> Attempt {
    if now < locked_until {
        Attempt::Locked
    } else if in_flight_last == id {
        Attempt::Go(AttemptSlot { run_ends })
    } else {
        Attempt::Busy
    }
}

/// Takes a place for a check: an upsert of the subject's counter row whose
/// `DO UPDATE` (on PostgreSQL, under the row's lock, on its latest version;
/// every expression reads the row as it was) reads the lock and takes one
/// of [`MAX_IN_FLIGHT`] places if one is free. Parameters: $1 subject, $2
/// the check's id, $3 now, $4 [`MAX_IN_FLIGHT`].
///
/// Places are counted by runs. A run begins at a check when the last run's
/// time is up and ends [`IN_FLIGHT_SECS`] later, however many checks come
/// meanwhile (`in_flight`, until `in_flight_until`). The run before's
/// places still held when a run begins go on counting (`in_flight_prev`)
/// until its youngest place is [`IN_FLIGHT_SECS`] old
/// (`in_flight_prev_until`). So every check holds its place for at least
/// [`IN_FLIGHT_SECS`] (never more than [`MAX_IN_FLIGHT`] at once), and a
/// place whose node died mid-check is free within twice that, whatever
/// other checks come. `in_flight_last` names the check that took the last
/// place: the caller got one if it is its own id.
pub(crate) static BEGIN_ATTEMPT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let f = "auth_failures";
    let run_over = format!("{f}.in_flight_until <= $3");
    let held = places_held(&format!("{f}."), "$3");
    let take = format!("({f}.locked_until <= $3 AND ({held}) < $4)");
    let new_run = format!("({take} AND {run_over})");
    format!(
        "INSERT INTO {f} (subject, count, last_failed_at, locked_until,
                          in_flight, in_flight_until, in_flight_prev, in_flight_prev_until, in_flight_last)
         VALUES ($1, 0, 0, 0, 1, $3 + {IN_FLIGHT_SECS}, 0, 0, $2)
         ON CONFLICT (subject) DO UPDATE SET
             in_flight = CASE WHEN {new_run} THEN 1 WHEN {take} THEN {f}.in_flight + 1 ELSE {f}.in_flight END,
             in_flight_until = CASE WHEN {new_run} THEN $3 + {IN_FLIGHT_SECS} ELSE {f}.in_flight_until END,
             in_flight_prev = CASE WHEN {new_run} THEN {f}.in_flight ELSE {f}.in_flight_prev END,
             in_flight_prev_until = CASE WHEN {new_run} THEN {f}.in_flight_until + {IN_FLIGHT_SECS}
                                         ELSE {f}.in_flight_prev_until END,
             in_flight_last = CASE WHEN {take} THEN $2 ELSE {f}.in_flight_last END
         RETURNING locked_until, in_flight_last, in_flight_until"
    )
});

/// [`BEGIN_ATTEMPT`] on PostgreSQL, committed without waiting for the disk:
/// `synchronous_commit` is off for this statement's own transaction only.
/// A place taken is bookkeeping that a database crash may lose, and then
/// it is simply free again; the next durable commit flushes it anyway, as
/// the write-ahead log is flushed in order. It spares every login one of
/// its two disk flushes (a flush was a tenth of PostgreSQL's work for a
/// login). SQLite commits in WAL mode with `synchronous = NORMAL`, without
/// a flush already.
static BEGIN_ATTEMPT_UNFLUSHED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH taken AS ({}) SELECT taken.* FROM taken {UNFLUSHED}",
        *BEGIN_ATTEMPT
    )
});

/// Joined into a PostgreSQL statement whose place-taking `taken` must not
/// wait for the disk: `synchronous_commit` off for that statement's own
/// transaction ([`BEGIN_ATTEMPT_UNFLUSHED`]).
pub(crate) const UNFLUSHED: &str = "CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS unflushed";

/// The places held at `now`, in SQL: the current (or last) run's until its
/// youngest place could be [`IN_FLIGHT_SECS`] old, and the run before's
/// until its own such time (`prev` columns; always over by the time the
/// current run is: it ended before the current run began). `row` qualifies
/// the columns ("auth_failures." or "").
fn places_held(row: &str, now: &str) -> String {
    format!(
        "(CASE WHEN {row}in_flight_until + {IN_FLIGHT_SECS} > {now} THEN {row}in_flight ELSE 0 END
          + CASE WHEN {row}in_flight_prev_until > {now} THEN {row}in_flight_prev ELSE 0 END)"
    )
}

/// Ends a check whose password was right: clears the subject's count
/// whatever it was (so nothing is read first) and gives the place back.
/// Parameters: the subject, the slot's `run_ends`.
pub(crate) fn end_right_check(subject: &str, run_ends: &str) -> String {
    format!(
        "UPDATE auth_failures SET count = 0, last_failed_at = 0, locked_until = 0, {}
         WHERE subject = {subject}",
        give_back(run_ends)
    )
}

/// [`end_right_check`] with the subject `$1` and the slot's `run_ends` `$2`.
pub(crate) static END_RIGHT_CHECK: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| end_right_check("$1", "$2"));

/// The SET clause that gives a check's place back, in the run it was taken
/// in (whose end is the parameter `run_ends`): the current run or the one
/// before. A place of an older run was let go when that run's count ended.
fn give_back(run_ends: &str) -> String {
    format!(
        "in_flight = CASE WHEN in_flight_until = {run_ends} AND in_flight > 0
                          THEN in_flight - 1 ELSE in_flight END,
         in_flight_prev = CASE WHEN in_flight_prev_until = {run_ends} + {IN_FLIGHT_SECS} AND in_flight_prev > 0
                               THEN in_flight_prev - 1 ELSE in_flight_prev END"
    )
}

/// The subject's row, created if need be and locked for this transaction
/// (one statement: an upsert that returns the row; on PostgreSQL its
/// `ON CONFLICT DO UPDATE` takes the row lock).
async fn lock_failure_row(tx: &mut Tx, subject: &str) -> Result<Failures> {
    let (count, last_failed_at, locked_until): (i64, i64, i64) = sqlx::query_as(
        "INSERT INTO auth_failures (subject, count, last_failed_at, locked_until) VALUES ($1, 0, 0, 0)
             ON CONFLICT (subject) DO UPDATE SET subject = excluded.subject
             RETURNING count, last_failed_at, locked_until",
    )
    .bind(subject)
    .fetch_one(tx.conn())
    .await?;
    Ok(Failures {
        count,
        last_failed_at,
        locked_until,
    })
}

impl Store {
    /// How many password checks are under way for a subject now.
    pub async fn attempts_under_way(&self, subject: &Subject, now: Time) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>(&format!(
            "SELECT {} FROM auth_failures WHERE subject = $1",
            places_held("", "$2")
        ))
        .bind(subject.to_string())
        .bind(epoch(now))
        .fetch_optional(&self.pool)
        .await?
        .unwrap_or(0))
    }

    /// Forgets failure rows that can no longer lock anything.
    pub async fn purge_failures(&self, now: Time) -> Result<u64> {
        let now = epoch(now);
        let done = sqlx::query(
            "DELETE FROM auth_failures WHERE locked_until < $1 AND last_failed_at < $2 AND in_flight_until < $1",
        )
        .bind(now)
        .bind(now - throttle::FORGET_AFTER_SECS)
        .execute(&mut *self.writer().await?)
        .await?;
        // Slots an older node took (this version keeps them in the counter rows).
        sqlx::query("DELETE FROM auth_attempts WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn clear_failures(&self, subject: &Subject) -> Result<()> {
        sqlx::query(CLEAR_FAILURES)
            .bind(subject.to_string())
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }
}
