//! The audit trail of security events (ASVS 7.1.3, 7.2.1): who, when, from
//! which address, what, and how it ended. Events that change something are
//! written in the same transaction as the change; a check that changes
//! nothing (a login, a failed passcode) is an event of its own.

use openecf_domain::{AuditAction, AuditOutcome, NewAuditEvent, PacerAccountId, Username};
use openecf_store::{AuditFilter, AuditRow};

use crate::{App, Result};

/// An account's security event, from an address: keyed by the account's id
/// (what its holder's own view reads) and written with its username.
pub(crate) fn account_event(
    action: AuditAction,
    outcome: AuditOutcome,
    account: PacerAccountId,
    username: &Username,
    ip: &str,
) -> NewAuditEvent {
    NewAuditEvent {
        pacer_account: Some(account),
        ..name_event(action, outcome, username, ip)
    }
}

/// An event about a username that may have no account (a failed login for
/// a name nobody holds): it belongs to no account's own view.
pub(crate) fn name_event(action: AuditAction, outcome: AuditOutcome, username: &Username, ip: &str) -> NewAuditEvent {
    NewAuditEvent {
        pacer_username: Some(username.to_string()),
        ip: (!ip.is_empty()).then(|| ip.to_owned()),
        ..NewAuditEvent::new(action, outcome)
    }
}

/// Writes one event of its own.
pub(crate) async fn record(app: &App, event: &NewAuditEvent) -> Result<()> {
    app.store.insert_audit(event, app.clock.now()).await?;
    Ok(())
}

/// Events, newest first (the operator's `openecf audit list`).
pub async fn list(app: &App, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
    Ok(app.store.audit_list(filter).await?)
}

/// An account's own recent security activity (Manage My Account): by the
/// account's id, so neither the events of an earlier holder of its username
/// nor failed logins typed for that name before it existed are shown.
pub async fn recent_for(app: &App, account: PacerAccountId, limit: i64) -> Result<Vec<AuditRow>> {
    list(
        app,
        &AuditFilter {
            account_id: Some(account),
            limit,
            ..AuditFilter::default()
        },
    )
    .await
}
