//! The seed's workflow: linking a court's CM/ECF account to the upgraded
//! individual PACER account. Every attempt, at every step, is an audit event.
//!
//! 1. [`check_start`]: may this PACER user link here at all (the form)?
//! 2. [`verify_credentials`]: the CM/ECF login and password; the verified
//!    identity is held on the server for the user's Submit.
//! 3. [`decide`]: Submit links (the rule, the link, its mail and audit event,
//!    in one transaction); Cancel links nothing. Both use up the held identity.

use openecf_domain::throttle::Subject;
use openecf_domain::{
    check_link_start, check_verified_link, mail, AuditAction, AuditOutcome, Court, EcfAccount, EcfLogin, LinkRefusal,
    LinkState, NewAuditEvent, PacerAccount,
};
use openecf_store::{LinkConflict, Time, Tx};

use crate::tokens::{hash_token, random_token};
use crate::{secs, signin, App, Result};

/// Who is linking: the PACER account, its session, its address.
#[derive(Debug, Clone, Copy)]
pub struct Linker<'a> {
    pub account: &'a PacerAccount,
    pub session_hash: &'a str,
    pub ip: &'a str,
}

impl Linker<'_> {
    fn event(&self, court: &Court, ecf_login: Option<&str>, outcome: AuditOutcome) -> NewAuditEvent {
        NewAuditEvent {
            pacer_account: Some(self.account.id),
            pacer_username: Some(self.account.username.to_string()),
            court_id: Some(court.id.to_string()),
            ecf_login: ecf_login.map(str::to_owned),
            ip: Some(self.ip.to_owned()),
            ..NewAuditEvent::new(AuditAction::Link, outcome)
        }
    }
}

/// Writes one audit event of its own (a refusal that changed nothing else).
async fn audit_alone(app: &App, event: &NewAuditEvent, now: Time) -> Result<()> {
    let mut tx = app.store.write().await?;
    tx.insert_audit(event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// May this PACER user start linking at this court? Refused (and audited) if
/// the court is not live, the account is a shared firm or legacy one, or it
/// is linked here already.
pub async fn check_start(app: &App, court: &Court, who: Linker<'_>) -> Result<Result<(), LinkRefusal>> {
    let now = app.clock.now();
    let linked = app.store.linked_login(&court.id, who.account.id).await?;
    let verdict = check_link_start(court, who.account, linked.as_deref());
    if let Err(refusal) = &verdict {
        audit_alone(
            app,
            &who.event(court, None, AuditOutcome::Refused(refusal.clone())),
            now,
        )
        .await?;
    }
    Ok(verdict)
}

/// A verified CM/ECF identity, held on the server for the user's Submit.
/// `Debug` leaves the token out.
#[derive(Clone)]
pub struct Held {
    pub ecf: EcfAccount,
    /// The single-use token the verify page's Submit carries (only its hash is stored).
    pub pending: String,
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Held")
            .field("ecf", &self.ecf.login)
            .field("pending", &"[redacted]")
            .finish()
    }
}

/// Step 4: checks the CM/ECF credentials (counted against the CM/ECF login
/// and against the PACER account using the form: the form is a password
/// oracle) and holds the verified identity. The password goes no further.
pub async fn verify_credentials(
    app: &App,
    court: &Court,
    who: Linker<'_>,
    login: &str,
    password: &str,
) -> Result<Result<Held, LinkRefusal>> {
    if let Err(refusal) = check_start(app, court, who).await? {
        return Ok(Err(refusal));
    }
    let also = Subject::LinkForm(who.account.username.clone());
    let account = signin::ecf_password(app, court, login, password, Some(also)).await?;
    let now = app.clock.now();
    let Some(ecf) = account else {
        // Only a well-formed login goes into the audit trail; anything else is "<invalid>".
        let audited = EcfLogin::parse(login).map_or_else(|_| "<invalid>".to_owned(), |l| l.to_string());
        let refusal = LinkRefusal::WrongCredentials;
        audit_alone(
            app,
            &who.event(court, Some(&audited), AuditOutcome::Refused(refusal.clone())),
            now,
        )
        .await?;
        return Ok(Err(refusal));
    };
    let mut tx = app.store.write().await?;
    if tx.ecf_linked(ecf.id).await? {
        let refusal = LinkRefusal::EcfAlreadyLinked;
        tx.insert_audit(
            &who.event(court, Some(ecf.login.as_str()), AuditOutcome::Refused(refusal.clone())),
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(Err(refusal));
    }
    let pending = random_token();
    let expires = now + secs(app.settings.verify_ttl);
    tx.hold_pending_link(&hash_token(&pending), who.session_hash, ecf.id, expires)
        .await?;
    tx.commit().await?;
    Ok(Ok(Held { ecf, pending }))
}

/// What the user's Submit or Cancel came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Linked(EcfAccount),
    Cancelled(EcfAccount),
    Refused(LinkRefusal),
}

/// Takes the held identity for this session (once) and the CM/ECF account it names.
async fn take_held(
    tx: &mut Tx,
    court: &Court,
    who: Linker<'_>,
    pending: &str,
    now: Time,
) -> Result<Option<EcfAccount>> {
    let held = tx
        .take_pending_link(&hash_token(pending), who.session_hash, now)
        .await?;
    let ecf = match held {
        Some(id) => tx.ecf_by_id(id).await?,
        None => None,
    };
    Ok(ecf.filter(|e| e.court == court.id))
}

/// Step 5: Submit links the verified accounts if the link rule allows it,
/// reading the rule's facts and writing the link, its confirmation mail and
/// its audit event in one transaction; the database's unique constraints
/// settle a race between nodes. Cancel links nothing. Either uses up the
/// held identity; a refusal is audited too.
pub async fn decide(app: &App, court: &Court, who: Linker<'_>, pending: &str, submit: bool) -> Result<Decision> {
    let decision = decide_once(app, court, who, pending, submit).await?;
    let outcome = match &decision {
        Decision::Linked(_) => "linked",
        Decision::Cancelled(_) => "cancelled",
        Decision::Refused(_) => "refused",
    };
    metrics::counter!("openecf_link_decisions_total", "outcome" => outcome).increment(1);
    Ok(decision)
}

async fn decide_once(app: &App, court: &Court, who: Linker<'_>, pending: &str, submit: bool) -> Result<Decision> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let Some(ecf) = take_held(&mut tx, court, who, pending, now).await? else {
        let refusal = LinkRefusal::VerificationExpired;
        tx.insert_audit(&who.event(court, None, AuditOutcome::Refused(refusal.clone())), now)
            .await?;
        tx.commit().await?;
        return Ok(Decision::Refused(refusal));
    };
    if !submit {
        tx.insert_audit(
            &who.event(court, Some(ecf.login.as_str()), AuditOutcome::Cancelled),
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(Decision::Cancelled(ecf));
    }
    match write_link(app, tx, court, who, &ecf, now).await? {
        Ok(()) => Ok(Decision::Linked(ecf)),
        Err(refusal) => {
            // Nothing of the attempt stands but its audit event and the used-up verification.
            let mut tx = app.store.write().await?;
            tx.take_pending_link(&hash_token(pending), who.session_hash, now)
                .await?;
            tx.insert_audit(
                &who.event(court, Some(ecf.login.as_str()), AuditOutcome::Refused(refusal.clone())),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Decision::Refused(refusal))
        }
    }
}

/// Links a verified CM/ECF account if the link rule allows it: the rule's
/// facts are read, and the link, its confirmation mail and its audit event
/// written, in `tx`, which this commits. The database's unique constraints
/// settle a race between nodes. A refusal rolls `tx` back (the caller audits it).
async fn write_link(
    app: &App,
    mut tx: Tx,
    court: &Court,
    who: Linker<'_>,
    ecf: &EcfAccount,
    now: Time,
) -> Result<Result<(), LinkRefusal>> {
    let here = tx.pacer_linked_here(&court.id, who.account.id).await?;
    let state = LinkState {
        pacer_linked_here: here.as_deref(),
        ecf_linked: tx.ecf_linked(ecf.id).await?,
    };
    let refusal = match check_verified_link(court, who.account, ecf, state) {
        Err(refusal) => refusal,
        Ok(()) => match tx.insert_link(&court.id, ecf.id, who.account.id, now).await? {
            Ok(()) => {
                let m = mail::link_confirmation(
                    &who.account.email,
                    who.account.username.as_str(),
                    court,
                    ecf.login.as_str(),
                );
                tx.enqueue_mail(&m, now).await?;
                tx.insert_audit(&who.event(court, Some(ecf.login.as_str()), AuditOutcome::Linked), now)
                    .await?;
                tx.commit().await?;
                return Ok(Ok(()));
            }
            Err(LinkConflict::EcfLinked) => LinkRefusal::EcfAlreadyLinked,
            Err(LinkConflict::PacerLinkedHere) => {
                // Another node linked this PACER account here first: name what it linked.
                tx.rollback().await?;
                tx = app.store.write().await?;
                let ecf_login = tx
                    .pacer_linked_here(&court.id, who.account.id)
                    .await?
                    .unwrap_or_default();
                LinkRefusal::PacerAlreadyLinkedHere { ecf_login }
            }
        },
    };
    tx.rollback().await?;
    Ok(Err(refusal))
}

/// Links a CM/ECF account whose holder was verified some other way (the demo's
/// seeding): the same rule, link, mail and audit event as a Submit.
pub async fn link_verified(
    app: &App,
    court: &Court,
    who: Linker<'_>,
    ecf: &EcfAccount,
) -> Result<Result<(), LinkRefusal>> {
    let now = app.clock.now();
    let tx = app.store.write().await?;
    let verdict = write_link(app, tx, court, who, ecf, now).await?;
    if let Err(refusal) = &verdict {
        audit_alone(
            app,
            &who.event(court, Some(ecf.login.as_str()), AuditOutcome::Refused(refusal.clone())),
            now,
        )
        .await?;
    }
    Ok(verdict)
}

/// Court staff undo a mistaken link, with the reason in the audit trail. The
/// CM/ECF account may then be linked again.
pub async fn remove(app: &App, court: &Court, login: &EcfLogin, reason: &str) -> Result<openecf_store::LinkRow> {
    let now = app.clock.now();
    let mut tx = app.store.write().await?;
    let (row, pacer_account) = tx.delete_link(&court.id, login).await?;
    let event = NewAuditEvent {
        pacer_account: Some(pacer_account),
        pacer_username: Some(row.pacer_username.clone()),
        court_id: Some(court.id.to_string()),
        ecf_login: Some(login.to_string()),
        detail: reason.to_owned(),
        ..NewAuditEvent::new(AuditAction::LinkRemove, AuditOutcome::Removed)
    };
    tx.insert_audit(&event, now).await?;
    tx.commit().await?;
    Ok(row)
}
