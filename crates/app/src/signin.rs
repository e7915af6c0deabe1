//! Signing in: checking passwords and second factors against their failure
//! counters, for PACER LOGIN, the Authentication API, the link form and the
//! legacy CM/ECF login alike; and what an account must do first.

use std::time::Duration;

use openecf_domain::mfa::{mfa_due, MfaDue};
use openecf_domain::throttle::Failures;
use openecf_domain::throttle::{Subject, NOTIFY_AT};
use openecf_domain::{mail, Court, EcfAccount, EcfLogin, Mail, PacerAccount, Password, Username};
use openecf_store::{Attempt, AttemptOutcome, AttemptSlot, MfaState, NewSession, Principal, Store};

use crate::audit;
use crate::hasher::Ticket;
use crate::sessions::{self, Client};
use crate::tokens::hash_token;
use crate::{totp, App, Result};
use openecf_domain::{AuditAction, AuditOutcome, NewAuditEvent};

/// A subject's checks, as a task of its own needs them to write a check's
/// end (the request that held the check may be gone by then).
#[derive(Clone)]
struct Checks {
    store: Store,
    clock: crate::Clock,
    subject: Subject,
}

impl Checks {
    fn of(app: &App, subject: &Subject) -> Self {
        Self {
            store: app.store.clone(),
            clock: app.clock.clone(),
            subject: subject.clone(),
        }
    }

    /// Writes the end of the check that `slot` says held a place (none:
    /// nothing to end), on a task of its own: for a request that went away.
    fn end_later(
        &self,
        slot: impl std::future::Future<Output = Option<AttemptSlot>> + Send + 'static,
        outcome: AttemptOutcome,
    ) {
        let Checks { store, clock, subject } = self.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let Some(slot) = slot.await else {
                    return;
                };
                if let Err(e) = store.finish_attempt(&subject, slot, clock.now(), outcome).await {
                    tracing::warn!(subject = %subject, error = %e, "could not end an abandoned password check");
                }
            });
        }
    }
}

/// A password check under way for one subject. It holds one of the subject's
/// few places; if the request is dropped before the check ends (the client
/// went away mid-hash), dropping the guard ends the attempt as a failure, so
/// abandoned guesses can neither jam the places nor go uncounted.
struct AttemptGuard {
    checks: Checks,
    slot: Option<AttemptSlot>,
}

impl AttemptGuard {
    /// Ends the check. Its end is written by a task of its own, which the
    /// guard hands the place to first: dropped while the end is being
    /// written, the guard has nothing left to end, and the place is given
    /// back exactly once.
    async fn finish(mut self, outcome: AttemptOutcome) -> Result<Failures> {
        let Some(slot) = self.slot.take() else {
            return Ok(Failures::default());
        };
        let Checks { store, clock, subject } = self.checks.clone();
        let end = tokio::spawn(async move { store.finish_attempt(&subject, slot, clock.now(), outcome).await });
        match end.await {
            Ok(after) => Ok(after?),
            Err(e) => Err(anyhow::anyhow!("ending a password check failed: {e}").into()),
        }
    }
}

impl Drop for AttemptGuard {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.checks
                .end_later(std::future::ready(Some(slot)), AttemptOutcome::Failed);
        }
    }
}

/// How a password check began.
enum Began {
    Go(AttemptGuard),
    Locked,
}

/// Takes a place for a check of the subject (or learns it is locked or
/// busy): [`taking`] the store's `begin_attempt`.
async fn take_slot(checks: &Checks) -> Result<Attempt> {
    let Checks { store, clock, subject } = checks.clone();
    let ((), attempt) = taking(checks, async move {
        let attempt = store.begin_attempt(&subject, clock.now()).await?;
        Ok(((), attempt))
    })
    .await?;
    Ok(attempt)
}

/// Runs `take`, a statement that takes a place for a check of `checks`'
/// subject (with whatever else it reads), as a task of its own: should the
/// request be dropped meanwhile (the client went away), the task still
/// learns whether the place was taken and, if it was, gives it back at
/// once, counting nothing: no guess was checked.
async fn taking<T: Send + 'static>(
    checks: &Checks,
    take: impl std::future::Future<Output = openecf_store::Result<(T, Attempt)>> + Send + 'static,
) -> Result<(T, Attempt)> {
    /// The task taking the place, until its answer is in the request's hands.
    struct Taking<T: Send + 'static> {
        task: Option<tokio::task::JoinHandle<openecf_store::Result<(T, Attempt)>>>,
        checks: Checks,
    }
    impl<T: Send + 'static> Drop for Taking<T> {
        fn drop(&mut self) {
            if let Some(task) = self.task.take() {
                let slot = async move {
                    match task.await {
                        Ok(Ok((_, Attempt::Go(slot)))) => Some(slot),
                        _ => None,
                    }
                };
                self.checks.end_later(slot, AttemptOutcome::Abandoned);
            }
        }
    }
    let mut taking = Taking {
        task: Some(tokio::spawn(take)),
        checks: checks.clone(),
    };
    // (The task is there: it was put in above and only this line takes it.)
    let taken = match taking.task.as_mut() {
        Some(task) => task.await,
        None => return Err(anyhow::anyhow!("no task took the check's place").into()),
    };
    taking.task = None;
    match taken {
        Ok(taken) => Ok(taken?),
        Err(e) => Err(anyhow::anyhow!("taking a check's place failed: {e}").into()),
    }
}

/// Begins a password check for a subject, waiting a little (as the checks
/// under way finish) rather than refusing when too many are already running.
///
/// While it waits, the check gives its place in the hashing queue back
/// (`ticket`) and takes a new one once its turn at the subject has come
/// (turned away then, its slot abandoned, if the queue filled meanwhile):
/// the checks held back at one subject never fill the queue the hashing
/// threads work from.
///
/// `first`: the subject's place, already asked for (by the statement that
/// read the account, at a login).
async fn begin_attempt(
    app: &App,
    subject: &Subject,
    ticket: &mut Option<Ticket>,
    mut first: Option<Attempt>,
) -> Result<Began> {
    // Whether a place given back while waiting must be taken again.
    let mut gave_place_back = false;
    let checks = Checks::of(app, subject);
    for _ in 0..30 {
        let attempt = match first.take() {
            Some(attempt) => attempt,
            None => take_slot(&checks).await?,
        };
        match attempt {
            Attempt::Go(slot) => {
                let guard = AttemptGuard {
                    checks: checks.clone(),
                    slot: Some(slot),
                };
                if gave_place_back {
                    match app.hasher.reserve() {
                        Ok(place) => *ticket = Some(place),
                        Err(e) => {
                            guard.finish(AttemptOutcome::Abandoned).await?;
                            return Err(e.into());
                        }
                    }
                }
                return Ok(Began::Go(guard));
            }
            Attempt::Busy => {
                gave_place_back |= ticket.take().is_some();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Attempt::Locked => {
                if gave_place_back {
                    *ticket = Some(app.hasher.reserve()?);
                }
                return Ok(Began::Locked);
            }
        }
    }
    if gave_place_back {
        *ticket = Some(app.hasher.reserve()?);
    }
    Ok(Began::Locked)
}

/// What a match means to a password check's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guess {
    /// Signing in or re-authenticating: a match succeeds (and clears the
    /// first subject's count), a miss is a failure.
    SignIn,
    /// A new password that must not be the current one (a reset): a match
    /// is a guess of the current password that hit, counted as a failure;
    /// a miss counts nothing.
    NotCurrent,
}

/// A password checked, the places of its subjects' checks still held.
struct Checked {
    ok: bool,
    /// A subject was locked (or stayed busy): nothing was checked.
    locked: bool,
    started: Vec<AttemptGuard>,
}

/// Checks a password for the given subjects' failure counters: a locked
/// subject is answered as a wrong password (after the same hashing time).
/// The checks' ends are [`settle`]d after.
///
/// The check runs in the hashing queue's place `ticket`, which each caller
/// takes before it reads anything: when the queue is full the check is
/// turned away (503) at once, having read and written nothing, and counts
/// against no one.
async fn check(
    app: &App,
    ticket: Ticket,
    subjects: &[Subject],
    hash: Option<&str>,
    password: Option<&Password>,
    mut first: Option<Attempt>,
) -> Result<Checked> {
    // Each subject allows a few checks at once; a locked one allows none.
    let mut ticket = Some(ticket);
    let mut started = Vec::new();
    let mut locked = false;
    let mut failed = None;
    for s in subjects {
        match begin_attempt(app, s, &mut ticket, first.take()).await {
            Ok(Began::Go(guard)) => started.push(guard),
            Ok(Began::Locked) => locked = true,
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let ticket = match (failed, ticket) {
        (None, Some(ticket)) => ticket,
        // Turned away (the queue filled while a subject's checks held this
        // one back) or a database error: no guess was checked.
        (failed, _) => {
            for guard in started {
                guard.finish(AttemptOutcome::Abandoned).await?;
            }
            return Err(failed.unwrap_or_else(|| crate::HasherError::Busy.into()));
        }
    };
    let fallback;
    let password = match password {
        Some(p) => p,
        None => {
            fallback = Password::attempt("-").ok_or_else(|| anyhow::anyhow!("the fallback password is refused"))?;
            &fallback
        }
    };
    // A locked subject spends the same hashing time and is answered as a wrong password.
    let checked = if locked {
        ticket.verify(None, password).await.map(|_| false)
    } else {
        ticket.verify(hash, password).await
    };
    match checked {
        Ok(ok) => Ok(Checked { ok, locked, started }),
        Err(e) => {
            // The hashing pool stopped (a shutdown): no guess was checked.
            for guard in started {
                guard.finish(AttemptOutcome::Abandoned).await?;
            }
            Err(e.into())
        }
    }
}

/// Ends the checks of a [`check`]: a failure is counted against every
/// subject, a success clears the first's. When the first subject's failures
/// reach the notification threshold, `lock_notice` is mailed (to the
/// account's owner). Whether the password matched, and the first subject's
/// failures after.
async fn settle(
    app: &App,
    checked: Checked,
    subjects: &[Subject],
    lock_notice: Option<&Mail>,
    guess: Guess,
) -> Result<(bool, Failures)> {
    let Checked { ok, locked, started } = checked;
    let mut first_after = Failures::default();
    for guard in started {
        let first = subjects.first() == Some(&guard.checks.subject);
        let outcome = match (locked, ok, guess) {
            (true, _, _) => AttemptOutcome::Abandoned,
            // The credentials' own counter is cleared; the others keep theirs.
            (false, true, Guess::SignIn) => AttemptOutcome::Succeeded { clear: first },
            (false, false, Guess::SignIn) | (false, true, Guess::NotCurrent) => AttemptOutcome::Failed,
            (false, false, Guess::NotCurrent) => AttemptOutcome::Succeeded { clear: false },
        };
        let now = app.clock.now();
        let after = guard.finish(outcome).await?;
        if first {
            first_after = after;
            if outcome == AttemptOutcome::Failed && after.count == NOTIFY_AT {
                if let Some(mail) = lock_notice {
                    let mut tx = app.store.write().await?;
                    tx.enqueue_mail(mail, now).await?;
                    tx.commit().await?;
                }
            }
        }
    }
    Ok((ok, first_after))
}

/// [`check`], then [`settle`]: whether the password matched.
async fn check_counted(
    app: &App,
    ticket: Ticket,
    subjects: &[Subject],
    hash: Option<&str>,
    password: Option<&Password>,
    lock_notice: Option<&Mail>,
    guess: Guess,
) -> Result<bool> {
    let checked = check(app, ticket, subjects, hash, password, None).await?;
    Ok(settle(app, checked, subjects, lock_notice, guess).await?.0)
}

/// What a disabled account's holder is told, once the password was right.
pub const DISABLED_MESSAGE: &str =
    "This PACER account is disabled. Contact the PACER Service Center to have it enabled.";

/// What a password check at login found.
#[derive(Debug)]
pub enum LoginCheck {
    Passed(Verified),
    /// Unknown username, wrong password, or locked: one answer for all.
    Wrong,
    /// The right password of an account the PACER Service Center disabled.
    Disabled,
}

impl LoginCheck {
    /// The right password, if the check passed.
    pub fn passed(self) -> Option<Verified> {
        match self {
            Self::Passed(v) => Some(v),
            Self::Wrong | Self::Disabled => None,
        }
    }

    pub fn is_disabled(&self) -> bool {
        matches!(self, Self::Disabled)
    }
}

/// A right password at login, of an account not disabled. What the check
/// writes (its end, which clears the failure count and gives the check's
/// place back, and the login's audit event) waits to be written with the
/// session the login starts ([`start_session`]), or on its own
/// ([`Verified::settle`], when a passcode comes first); should the request
/// go away before either, a task of its own writes it.
#[derive(Debug)]
pub struct Verified {
    account: PacerAccount,
    mfa: MfaState,
    end: CheckEnd,
}

impl Verified {
    pub fn account(&self) -> &PacerAccount {
        &self.account
    }

    /// The account's MFA state, as the login read it with the account.
    pub fn mfa(&self) -> MfaState {
        self.mfa
    }

    /// Writes the check's end and its audit event on their own (the login
    /// waits for a passcode before any session); the account.
    pub async fn settle(self) -> Result<PacerAccount> {
        let Verified { account, end, .. } = self;
        if let Some(ending) = end.take() {
            match tokio::spawn(ending.write_alone()).await {
                Ok(written) => written?,
                Err(e) => return Err(anyhow::anyhow!("ending a password check failed: {e}").into()),
            }
        }
        Ok(account)
    }
}

/// The end of a right password's check, not yet written: written by a task
/// of its own if dropped unwritten.
struct CheckEnd(Option<Box<Ending>>);

impl std::fmt::Debug for CheckEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CheckEnd").field(&self.0.is_some()).finish()
    }
}

/// What a right password's check writes at its end.
struct Ending {
    checks: Checks,
    slot: AttemptSlot,
    event: NewAuditEvent,
}

impl Ending {
    /// Writes the end on its own: the count cleared and the place given
    /// back, then the audit event.
    async fn write_alone(self: Box<Self>) -> Result<()> {
        let Ending { checks, slot, event } = *self;
        let Checks { store, clock, subject } = checks;
        store
            .finish_attempt(&subject, slot, clock.now(), AttemptOutcome::Succeeded { clear: true })
            .await?;
        store.insert_audit(&event, clock.now()).await?;
        Ok(())
    }
}

impl CheckEnd {
    /// What is to be written, which the caller then writes (nothing if it
    /// was written already).
    fn take(mut self) -> Option<Box<Ending>> {
        self.0.take()
    }
}

impl Drop for CheckEnd {
    fn drop(&mut self) {
        if let Some(ending) = self.0.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(e) = ending.write_alone().await {
                        tracing::warn!(error = %e, "could not end an abandoned login's password check");
                    }
                });
            }
        }
    }
}

/// Checks a PACER username and password at login, counting failures; the
/// owner of an account that gets locked is told by email. Audited: success
/// (written with the session, see [`Verified`]), failure, or a failure that
/// locked the account.
pub async fn pacer_password(
    app: &App,
    login_id: &str,
    password: &str,
    ip: &str,
    device: Option<&str>,
) -> Result<LoginCheck> {
    let ticket = app.hasher.reserve()?;
    let subject = Subject::pacer(login_id);
    // Without a known browser to count against, the account's own counter:
    // its place is taken by the statement that reads the account.
    let (read, first) = match (Username::parse_existing(login_id), device) {
        (Ok(username), None) => {
            let checks = Checks::of(app, &subject);
            let Checks { store, clock, subject } = checks.clone();
            let (read, attempt) = taking(&checks, async move {
                store
                    .pacer_for_login_taking_place(&username, &subject, clock.now())
                    .await
            })
            .await?;
            (read, Some(attempt))
        }
        (Ok(username), Some(_)) => (app.store.pacer_for_login(&username).await?, None),
        (Err(_), _) => (None, None),
    };
    let notice = read
        .as_ref()
        .map(|r| mail::account_locked(&r.account.email, r.account.username.as_str()));
    // From a browser where this account logged in before, the check counts
    // against that browser, not the account: a lockout caused from elsewhere
    // does not lock the owner out of it.
    let mut counter = subject.clone();
    if let (Some(token), Some(r)) = (device, &read) {
        let hash = hash_token(token);
        if app.store.known_device(&hash, app.clock.now()).await? == Some(r.account.id) {
            counter = Subject::KnownDevice(hash);
        }
    }
    let counters = std::slice::from_ref(&counter);
    // `first` is the account counter's place, taken with the read: there is
    // no device then, so that counter is the check's one subject. (No
    // `await` between the read and `check`: a request dropped there would
    // hold the place until its run ends.)
    debug_assert!(first.is_none() || counter == subject);
    let checked = check(
        app,
        ticket,
        counters,
        read.as_ref().map(|r| r.password_hash.as_str()),
        Password::attempt(password).as_ref(),
        first,
    )
    .await?;
    // Only a well-formed username goes into the audit trail.
    let username = match &subject {
        Subject::PacerPassword(Some(username)) => Some(username),
        _ => None,
    };
    // The right password of an account not disabled (as it stood when the
    // login began; a session made as it is being disabled opens nothing
    // either way: sessions of a disabled account are refused): the login
    // goes on, and the check ends with what it does next.
    if let (true, Some(read), Some(username)) = (checked.ok, &read, username) {
        if !read.disabled {
            let mut started = checked.started;
            if let Some(mut guard) = started.pop() {
                if let Some(slot) = guard.slot.take() {
                    metrics::counter!("openecf_logins_total", "outcome" => "success").increment(1);
                    let event = NewAuditEvent {
                        pacer_account: Some(read.account.id),
                        ..audit::name_event(AuditAction::Login, AuditOutcome::Succeeded, username, ip)
                    };
                    return Ok(LoginCheck::Passed(Verified {
                        account: read.account.clone(),
                        mfa: read.mfa,
                        end: CheckEnd(Some(Box::new(Ending {
                            checks: guard.checks.clone(),
                            slot,
                            event,
                        }))),
                    }));
                }
            }
            return Err(anyhow::anyhow!("a right password's check held no place").into());
        }
    }
    let locked_at_start = checked.locked;
    let (ok, after) = settle(app, checked, counters, notice.as_ref(), Guess::SignIn).await?;
    // Only the right password learns that an account is disabled.
    let disabled = ok && read.as_ref().is_some_and(|r| r.disabled);
    let label = if disabled { "disabled" } else { "failure" };
    metrics::counter!("openecf_logins_total", "outcome" => label).increment(1);
    if let Some(username) = username {
        let outcome = if disabled {
            AuditOutcome::Disabled
        } else if if locked_at_start {
            // Locked, or held back busy until the check gave up: the counter says which.
            app.store.failures(&counter).await?
        } else {
            after
        }
        .is_locked(app.clock.now().timestamp())
        {
            AuditOutcome::Locked
        } else {
            AuditOutcome::Failed
        };
        // Keyed by the account when there is one: a failure typed for a name
        // nobody holds belongs to no account's own view, not even to
        // whoever registers that name later.
        let event = NewAuditEvent {
            pacer_account: read.as_ref().map(|r| r.account.id),
            ..audit::name_event(AuditAction::Login, outcome, username, ip)
        };
        audit::record(app, &event).await?;
    }
    Ok(if disabled {
        LoginCheck::Disabled
    } else {
        LoginCheck::Wrong
    })
}

/// The account's current password (asked before a sensitive change), checked
/// against the account's failure counter.
pub async fn current_password(app: &App, account: &PacerAccount, password: &str) -> Result<bool> {
    let ticket = app.hasher.reserve()?;
    let hash = app.store.pacer_by_username(&account.username).await?.map(|(_, h)| h);
    check_counted(
        app,
        ticket,
        &[Subject::PacerPassword(Some(account.username.clone()))],
        hash.as_deref(),
        Password::attempt(password).as_ref(),
        None,
        Guess::SignIn,
    )
    .await
}

/// Whether a reset's new password is the account's current one. It is
/// checked against the account's password counter, and a match counts as a
/// failure there: a reset link is no way to test guesses of the current
/// password without limit. While the counter is locked the answer is "no"
/// (after the same hashing time), whatever the password: the reset goes on,
/// so a lock caused by someone else never blocks the owner's reset.
pub async fn is_current_password(app: &App, account: &PacerAccount, password: &Password) -> Result<bool> {
    let ticket = app.hasher.reserve()?;
    let hash = app.store.pacer_by_username(&account.username).await?.map(|(_, h)| h);
    let notice = mail::account_locked(&account.email, account.username.as_str());
    check_counted(
        app,
        ticket,
        &[Subject::PacerPassword(Some(account.username.clone()))],
        hash.as_deref(),
        Some(password),
        Some(&notice),
        Guess::NotCurrent,
    )
    .await
}

/// Checks a court's CM/ECF credentials against the CM/ECF login's failure
/// counter (and `also`, when given); the account if they are right.
pub async fn ecf_password(
    app: &App,
    court: &Court,
    login: &str,
    password: &str,
    also: Option<Subject>,
) -> Result<Option<EcfAccount>> {
    let ticket = app.hasher.reserve()?;
    let account = match EcfLogin::parse(login) {
        Ok(l) => app.store.ecf_by_login(&court.id, &l).await?,
        Err(_) => None,
    };
    let mut subjects = vec![Subject::ecf(&court.id, login)];
    subjects.extend(also);
    let attempt = Password::attempt(password);
    let ok = check_counted(
        app,
        ticket,
        &subjects,
        account.as_ref().map(|(_, h)| h.as_str()),
        attempt.as_ref(),
        None,
        Guess::SignIn,
    )
    .await?;
    let account = account.filter(|_| ok);
    if let (Some((a, hash)), Some(attempt)) = (&account, &attempt) {
        crate::ecf_import::rehash_if_needed(app, a, hash, attempt).await;
    }
    Ok(account.map(|(a, _)| a))
}

/// Checks a one-time passcode (or a backup code). Each is accepted once;
/// failures are counted (and lock) like wrong passwords, on their own counter.
/// Audited, saying when a backup code was used.
pub async fn second_factor(app: &App, account: &PacerAccount, code: &str, ip: &str) -> Result<bool> {
    let now = app.clock.now();
    let subject = Subject::SecondFactor(account.id);
    let Began::Go(guard) = begin_attempt(app, &subject, &mut None, None).await? else {
        return Ok(false);
    };
    let mut ok = false;
    for auth in app.store.authenticators(account.id).await? {
        let secret = crate::seal::open(&app.settings.secret_key, &auth.secret)?;
        if let Some(step) = totp::matching_step(&secret, code, now.timestamp()) {
            if app.store.accept_totp_step(auth.id(), step).await? {
                ok = true;
                break;
            }
        }
    }
    let trimmed = code.trim();
    let mut backup = false;
    if !ok && (8..=24).contains(&trimmed.len()) {
        ok = app
            .store
            .use_backup_code(
                account.id,
                &totp::hash_backup_code(&app.settings.secret_key, trimmed),
                now,
            )
            .await?;
        backup = ok;
    }
    let outcome = if ok {
        AuditOutcome::Succeeded
    } else {
        AuditOutcome::Failed
    };
    let mut event = audit::account_event(AuditAction::SecondFactor, outcome, account.id, &account.username, ip);
    if backup {
        let left = app.store.backup_codes_left(account.id).await?;
        event.detail = format!("backup code used; {left} left");
    }
    audit::record(app, &event).await?;
    let outcome = if ok {
        AttemptOutcome::Succeeded { clear: true }
    } else {
        AttemptOutcome::Failed
    };
    let after = guard.finish(outcome).await?;
    if !ok && after.count == NOTIFY_AT {
        let notice = mail::account_locked(&account.email, account.username.as_str());
        let mut tx = app.store.write().await?;
        tx.enqueue_mail(&notice, now).await?;
        tx.commit().await?;
    }
    Ok(ok)
}

/// Whether the account has MFA turned on.
pub async fn has_mfa(app: &App, account: &PacerAccount) -> Result<bool> {
    Ok(mfa_state(app, account).await?.is_on())
}

/// What the account must do before anything else, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Nothing,
    Upgrade,
    EnrolMfa { forced: bool, skips_left: i64 },
}

pub async fn pending(app: &App, account: &PacerAccount) -> Result<Pending> {
    if account.is_legacy() {
        return Ok(Pending::Upgrade);
    }
    Ok(pending_from(account, &mfa_state(app, account).await?))
}

/// What the account must do first, from its MFA state as read.
fn pending_from(account: &PacerAccount, mfa: &MfaState) -> Pending {
    if account.is_legacy() {
        return Pending::Upgrade;
    }
    match mfa_due(mfa.is_filer, i64::from(mfa.is_on()), mfa.skips) {
        MfaDue::No => Pending::Nothing,
        MfaDue::Enrol { forced, skips_left } => Pending::EnrolMfa { forced, skips_left },
    }
}

/// The account's MFA state (whether a second factor is set up, whether it
/// must be), read once for a login's several questions.
pub async fn mfa_state(app: &App, account: &PacerAccount) -> Result<MfaState> {
    Ok(app.store.mfa_state(account.id).await?)
}

/// A signed-in session: its token and what the account must do first.
pub struct SignedIn {
    pub token: String,
    pub pending: Pending,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("token", &"[redacted]")
            .field("pending", &self.pending)
            .finish()
    }
}

/// How a login proved who it is, for the session it starts.
#[derive(Debug)]
pub enum Proof {
    /// The right password, no passcode due: the check's end and audit event
    /// are written with the session.
    Password(Verified),
    /// A passcode (or backup code) after the password.
    SecondFactor(PacerAccount),
}

impl Proof {
    pub fn account(&self) -> &PacerAccount {
        match self {
            Self::Password(v) => &v.account,
            Self::SecondFactor(a) => a,
        }
    }
}

/// Issues a fresh session (ending `old_token`'s, if the client had one). A
/// filer whose MFA enrolment is overdue gets a session that may only enrol.
///
/// The session, the end of the password check, the login's audit event and
/// the postponement of MFA enrolment it uses are written together, all or
/// nothing ([`openecf_store::Store::start_session`]), by a task of their
/// own: a request that goes away meanwhile leaves them whole.
pub async fn start_session(app: &App, proof: Proof, client: &Client, old_token: Option<&str>) -> Result<SignedIn> {
    let (account, mut mfa, end) = match proof {
        Proof::Password(verified) => (verified.account, verified.mfa, Some(verified.end)),
        Proof::SecondFactor(account) => {
            // A backup code used may have changed it: read anew.
            let mfa = mfa_state(app, &account).await?;
            (account, mfa, None)
        }
    };
    if let Some(old) = old_token {
        sessions::end(app, &hash_token(old)).await?;
    }
    // Every login of a filer without an authenticator app, browser or API,
    // uses up one postponement of MFA enrolment.
    let postpone_mfa = matches!(pending_from(&account, &mfa), Pending::EnrolMfa { .. });
    let enrol_only = |mfa: &MfaState| matches!(pending_from(&account, mfa), Pending::EnrolMfa { forced: true, .. });
    let foreseen = MfaState {
        skips: mfa.skips + i64::from(postpone_mfa),
        ..mfa
    };
    let token = crate::tokens::random_token();
    let token_hash = hash_token(&token);
    let mfa_required = enrol_only(&foreseen);
    let store = app.store.clone();
    let now = app.clock.now();
    let who = Principal::Pacer(account.id);
    let (ip, user_agent, hash) = (client.ip.clone(), client.user_agent.clone(), token_hash.clone());
    // Taken here, with no wait before the task owns it.
    let ending = end.and_then(CheckEnd::take);
    let written = tokio::spawn(async move {
        let session = NewSession {
            token_hash: &hash,
            who,
            ip: &ip,
            user_agent: &user_agent,
            mfa_required,
            check: ending.as_ref().map(|e| (&e.checks.subject, e.slot)),
            event: ending.as_ref().map(|e| &e.event),
            postpone_mfa,
        };
        // On an error nothing more is written: the statement may have
        // committed before its answer was lost, and a second end would give
        // back a place another check holds. Unwritten, the check's place
        // ends with its run.
        store.start_session(&session, now).await
    });
    let skips = match written.await {
        Ok(started) => started?,
        Err(e) => return Err(anyhow::anyhow!("starting a session failed: {e}").into()),
    };
    mfa.skips = skips.unwrap_or(mfa.skips);
    let pending = pending_from(&account, &mfa);
    // Another login of the account's counted a postponement meanwhile: the
    // session (not yet handed out) is marked as the count says.
    if enrol_only(&mfa) != mfa_required {
        app.store
            .mark_session_mfa_required(&token_hash, enrol_only(&mfa))
            .await?;
    }
    Ok(SignedIn { token, pending })
}

/// A right password on an account with MFA: the login waits for the
/// one-time passcode (five minutes). Returns the step's token.
pub async fn begin_second_factor(app: &App, account: &PacerAccount, next: &str) -> Result<String> {
    let token = crate::tokens::random_token();
    let expires = app.clock.now() + chrono::Duration::seconds(openecf_domain::mfa::CHALLENGE_TTL_SECS);
    app.store
        .create_mfa_challenge(&hash_token(&token), account.id, next, expires)
        .await?;
    Ok(token)
}

/// The account and destination of a passcode step still waiting.
pub async fn waiting_second_factor(app: &App, token: &str) -> Result<Option<(PacerAccount, String)>> {
    let Some((id, next)) = app.store.mfa_challenge(&hash_token(token), app.clock.now()).await? else {
        return Ok(None);
    };
    // Disabled between the password and the passcode: the step opens nothing.
    if app.store.pacer_disabled(id).await?.is_some() {
        return Ok(None);
    }
    Ok(app.store.pacer_by_id(id).await?.map(|a| (a, next)))
}

/// Ends a passcode step (its passcode was right).
pub async fn end_second_factor(app: &App, token: &str) -> Result<()> {
    Ok(app.store.delete_mfa_challenge(&hash_token(token)).await?)
}

/// Logout: ends the session, audited.
pub async fn logout(app: &App, token_hash: &str, ip: &str) -> Result<()> {
    let who = app.store.session(token_hash).await?;
    if sessions::end(app, token_hash).await? {
        if let Some(Principal::Pacer(id)) = who.map(|s| s.principal) {
            if let Some(account) = app.store.pacer_by_id(id).await? {
                let event = audit::account_event(
                    AuditAction::Logout,
                    AuditOutcome::Done,
                    account.id,
                    &account.username,
                    ip,
                );
                audit::record(app, &event).await?;
            }
        }
    }
    Ok(())
}

/// After a successful login in a browser: the browser's device token, if it
/// already is one of this account's known devices, else a new one to set.
pub async fn remember_device(app: &App, account: &PacerAccount, current: Option<&str>) -> Result<Option<String>> {
    let now = app.clock.now();
    if let Some(token) = current {
        if app.store.known_device(&hash_token(token), now).await? == Some(account.id) {
            return Ok(None);
        }
    }
    let token = crate::tokens::random_token();
    app.store.add_known_device(&hash_token(&token), account.id, now).await?;
    Ok(Some(token))
}
