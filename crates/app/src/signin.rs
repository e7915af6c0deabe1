//! Signing in: checking passwords and second factors against their failure
//! counters, for PACER LOGIN, the Authentication API, the link form and the
//! legacy CM/ECF login alike; and what an account must do first.

use std::time::Duration;

use openecf_domain::mfa::{mfa_due, MfaDue};
use openecf_domain::throttle::Failures;
use openecf_domain::throttle::{Subject, NOTIFY_AT};
use openecf_domain::{mail, Court, EcfAccount, EcfLogin, Mail, PacerAccount, Password, Username};
use openecf_store::{Attempt, AttemptOutcome, AttemptSlot, MfaState, Principal, Store};

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
/// busy). The statement runs as a task of its own: should the request be
/// dropped meanwhile (the client went away), the task still learns whether
/// the place was taken and, if it was, gives it back at once, counting
/// nothing: no guess was checked.
async fn take_slot(checks: &Checks) -> Result<Attempt> {
    /// The task taking the place, until its answer is in the request's hands.
    struct Taking {
        task: Option<tokio::task::JoinHandle<openecf_store::Result<Attempt>>>,
        checks: Checks,
    }
    impl Drop for Taking {
        fn drop(&mut self) {
            if let Some(task) = self.task.take() {
                let slot = async move {
                    match task.await {
                        Ok(Ok(Attempt::Go(slot))) => Some(slot),
                        _ => None,
                    }
                };
                self.checks.end_later(slot, AttemptOutcome::Abandoned);
            }
        }
    }
    let Checks { store, clock, subject } = checks.clone();
    let task = tokio::spawn(async move { store.begin_attempt(&subject, clock.now()).await });
    let mut taking = Taking {
        task: Some(task),
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
async fn begin_attempt(app: &App, subject: &Subject, ticket: &mut Option<Ticket>) -> Result<Began> {
    // Whether a place given back while waiting must be taken again.
    let mut gave_place_back = false;
    let checks = Checks::of(app, subject);
    for _ in 0..30 {
        match take_slot(&checks).await? {
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

/// Checks a password for the given subjects' failure counters: a locked
/// subject is answered as a wrong password (after the same hashing time); a
/// failure is counted against every subject, a success clears the first's.
/// When the first subject's failures reach the notification threshold,
/// `lock_notice` is mailed (to the account's owner).
///
/// The check runs in the hashing queue's place `ticket`, which each caller
/// takes before it reads anything: when the queue is full the check is
/// turned away (503) at once, having read and written nothing, and counts
/// against no one.
async fn check_counted(
    app: &App,
    ticket: Ticket,
    subjects: &[Subject],
    hash: Option<&str>,
    password: Option<&Password>,
    lock_notice: Option<&Mail>,
    guess: Guess,
) -> Result<bool> {
    // Each subject allows a few checks at once; a locked one allows none.
    let mut ticket = Some(ticket);
    let mut started = Vec::new();
    let mut locked = false;
    let mut failed = None;
    for s in subjects {
        match begin_attempt(app, s, &mut ticket).await {
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
    let ok = match checked {
        Ok(ok) => ok,
        Err(e) => {
            // The hashing pool stopped (a shutdown): no guess was checked.
            for guard in started {
                guard.finish(AttemptOutcome::Abandoned).await?;
            }
            return Err(e.into());
        }
    };
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
        if first && outcome == AttemptOutcome::Failed && after.count == NOTIFY_AT {
            if let Some(mail) = lock_notice {
                let mut tx = app.store.write().await?;
                tx.enqueue_mail(mail, now).await?;
                tx.commit().await?;
            }
        }
    }
    Ok(ok)
}

/// Checks a PACER username and password, counting failures; the owner of an
/// account that gets locked is told by email. Audited: success, failure, or
/// a failure that locked the account.
/// What a disabled account's holder is told, once the password was right.
pub const DISABLED_MESSAGE: &str =
    "This PACER account is disabled. Contact the PACER Service Center to have it enabled.";

/// What a password check at login found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginCheck {
    Passed(PacerAccount),
    /// Unknown username, wrong password, or locked: one answer for all.
    Wrong,
    /// The right password of an account the PACER Service Center disabled.
    Disabled,
}

impl LoginCheck {
    /// The account, if the check passed.
    pub fn passed(self) -> Option<PacerAccount> {
        match self {
            Self::Passed(a) => Some(a),
            Self::Wrong | Self::Disabled => None,
        }
    }
}

pub async fn pacer_password(
    app: &App,
    login_id: &str,
    password: &str,
    ip: &str,
    device: Option<&str>,
) -> Result<LoginCheck> {
    let ticket = app.hasher.reserve()?;
    let (account, disabled_at_read) = match Username::parse_existing(login_id) {
        Ok(u) => match app.store.pacer_for_login(&u).await? {
            Some((a, hash, disabled)) => (Some((a, hash)), disabled),
            None => (None, false),
        },
        Err(_) => (None, false),
    };
    let notice = account
        .as_ref()
        .map(|(a, _)| mail::account_locked(&a.email, a.username.as_str()));
    // From a browser where this account logged in before, the check counts
    // against that browser, not the account: a lockout caused from elsewhere
    // does not lock the owner out of it.
    let subject = Subject::pacer(login_id);
    let mut counter = subject.clone();
    if let (Some(token), Some((a, _))) = (device, &account) {
        let hash = hash_token(token);
        if app.store.known_device(&hash, app.clock.now()).await? == Some(a.id) {
            counter = Subject::KnownDevice(hash);
        }
    }
    let ok = check_counted(
        app,
        ticket,
        std::slice::from_ref(&counter),
        account.as_ref().map(|(_, h)| h.as_str()),
        Password::attempt(password).as_ref(),
        notice.as_ref(),
        Guess::SignIn,
    )
    .await?;
    // Only the right password learns that an account is disabled (as it
    // stood when the login began; a session made as it is being disabled
    // opens nothing either way: sessions of a disabled account are refused).
    let disabled = ok && account.is_some() && disabled_at_read;
    let label = match (ok, disabled) {
        (true, false) => "success",
        (true, true) => "disabled",
        (false, _) => "failure",
    };
    metrics::counter!("openecf_logins_total", "outcome" => label).increment(1);
    // Only a well-formed username goes into the audit trail.
    if let Subject::PacerPassword(Some(username)) = &subject {
        let outcome = if disabled {
            AuditOutcome::Disabled
        } else if ok {
            AuditOutcome::Succeeded
        } else if app
            .store
            .failures(&counter)
            .await?
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
            pacer_account: account.as_ref().map(|(a, _)| a.id),
            ..audit::name_event(AuditAction::Login, outcome, username, ip)
        };
        audit::record(app, &event).await?;
    }
    Ok(match account {
        Some(_) if disabled => LoginCheck::Disabled,
        Some((a, _)) if ok => LoginCheck::Passed(a),
        _ => LoginCheck::Wrong,
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
    let Began::Go(guard) = begin_attempt(app, &subject, &mut None).await? else {
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

/// Issues a fresh session (ending `old_token`'s, if the client had one). A
/// filer whose MFA enrolment is overdue gets a session that may only enrol.
/// `mfa`: the account's MFA state as this login already read it (and
/// unchanged since: no second factor was used), else `None` to read it now.
pub async fn start_session(
    app: &App,
    account: &PacerAccount,
    client: &Client,
    old_token: Option<&str>,
    mfa: Option<MfaState>,
) -> Result<SignedIn> {
    let mut mfa = match mfa {
        Some(mfa) => mfa,
        None => mfa_state(app, account).await?,
    };
    if let Some(old) = old_token {
        sessions::end(app, &hash_token(old)).await?;
    }
    // Every login of a filer without an authenticator app, browser or API,
    // uses up one postponement of MFA enrolment.
    let mut pending = pending_from(account, &mfa);
    if let Pending::EnrolMfa { .. } = pending {
        mfa.skips = app.store.count_mfa_postponement(account.id).await?;
        pending = pending_from(account, &mfa);
    }
    let enrol_only = matches!(pending, Pending::EnrolMfa { forced: true, .. });
    let token = sessions::start_marked(app, Principal::Pacer(account.id), client, enrol_only).await?;
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
