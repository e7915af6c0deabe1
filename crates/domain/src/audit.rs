//! The audit trail's vocabulary: what was done and how it ended, as types, so
//! no layer spells an outcome by hand.

use std::fmt;

use crate::ids::PacerAccountId;
use crate::link::LinkRefusal;

/// What an audit event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A link attempt at any step (form, credentials, Submit, Cancel).
    Link,
    /// Court staff removed a link.
    LinkRemove,
    /// Court staff disabled a CM/ECF account (the clerk console).
    EcfDisable,
    /// Court staff enabled a disabled CM/ECF account.
    EcfEnable,
    /// Court staff added a CM/ECF account by hand.
    EcfAccountAdd,
    /// A CM/ECF password reset link asked for (by the filer or staff), or used.
    EcfPasswordReset,
    /// An E-File Registration requested, approved or rejected.
    EfileRegistration,
    /// A court went live on NextGen CM/ECF.
    CourtGoLive,
    AccountPassword,
    AccountPasswordReset,
    AccountUpgrade,
    AccountEmail,
    AccountMfaAdd,
    AccountMfaRemove,
    /// A new batch of backup codes (or MFA with backup codes alone).
    AccountMfaBackupCodes,
    /// The operator removed every second factor (the recovery path).
    AccountMfaReset,
    /// A case opened or a document filed.
    Filing,
    /// The operator granted or ended court-staff rights.
    CourtStaff,
    /// The operator added or removed an event of a court's catalogue.
    CourtEvent,
    /// Maintain Your ECF Account: a filing agent named or removed.
    EcfFilingAgent,
    /// A PACER Administrative Account: a firm made, a member invited, joined, removed or gone.
    AccountPaa,
    /// A court's CJA exemption of an account granted or ended, or turned on or off for a session.
    CjaExemption,
    /// The operator disabled, enabled or unlocked a PACER account.
    AccountOperator,
    /// Court staff sealed or unsealed an entry, restricted or released a document.
    CaseSeal,
    /// Court staff recorded a case's details (Referred to, Date Terminated, …).
    CaseDetails,
    /// Court staff scheduled or cancelled a hearing.
    CaseHearing,
    /// The operator corrected or removed a CM/ECF account.
    EcfOperator,
    /// Maintain Your ECF Account: a secondary e-mail address added.
    EcfEmailAdd,
    /// Maintain Your ECF Account: a secondary e-mail address removed.
    EcfEmailRemove,
    /// Maintain Your ECF Account: the delivery method changed.
    EcfDelivery,
    /// A password check at PACER LOGIN or the Authentication API.
    Login,
    /// A one-time passcode or backup code at login.
    SecondFactor,
    Logout,
    /// A session ended from Manage My Account.
    SessionRevoke,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::LinkRemove => "link.remove",
            Self::EcfDisable => "ecf.disable",
            Self::EcfEnable => "ecf.enable",
            Self::EcfAccountAdd => "ecf.add",
            Self::EcfPasswordReset => "ecf.password_reset",
            Self::EfileRegistration => "efile.registration",
            Self::CourtGoLive => "court.go_live",
            Self::AccountPassword => "account.password",
            Self::AccountPasswordReset => "account.password.reset",
            Self::AccountUpgrade => "account.upgrade",
            Self::AccountEmail => "account.email",
            Self::AccountMfaAdd => "account.mfa.add",
            Self::AccountMfaRemove => "account.mfa.remove",
            Self::AccountMfaBackupCodes => "account.mfa.backup_codes",
            Self::AccountMfaReset => "account.mfa.reset",
            Self::Filing => "filing",
            Self::CourtStaff => "court.staff",
            Self::CourtEvent => "court.event",
            Self::EcfFilingAgent => "ecf.filing_agent",
            Self::AccountPaa => "account.paa",
            Self::CjaExemption => "billing.cja_exemption",
            Self::AccountOperator => "account.operator",
            Self::CaseSeal => "case.seal",
            Self::CaseDetails => "case.details",
            Self::CaseHearing => "case.hearing",
            Self::EcfOperator => "ecf.operator",
            Self::EcfEmailAdd => "ecf.email.add",
            Self::EcfEmailRemove => "ecf.email.remove",
            Self::EcfDelivery => "ecf.delivery",
            Self::Login => "login",
            Self::SecondFactor => "login.second_factor",
            Self::Logout => "logout",
            Self::SessionRevoke => "session.revoke",
        }
    }

    /// What it was, in words for the account holder.
    pub fn describe(action: &str) -> &'static str {
        match action {
            "link" => "CM/ECF account link",
            "link.remove" => "CM/ECF link removed by the court",
            "ecf.disable" => "CM/ECF account disabled by the court",
            "ecf.enable" => "CM/ECF account enabled by the court",
            "ecf.add" => "CM/ECF account added by the court",
            "ecf.password_reset" => "CM/ECF password reset",
            "efile.registration" => "E-File Registration",
            "court.go_live" => "Court went live",
            "account.password" => "Password changed",
            "account.password.reset" => "Password reset",
            "account.upgrade" => "Account upgraded",
            "account.email" => "Email address changed",
            "account.mfa.add" => "Authenticator app added",
            "account.mfa.remove" => "Authenticator app removed",
            "account.mfa.backup_codes" => "New backup codes",
            "account.mfa.reset" => "Multi-factor authentication reset by the PACER Service Center",
            "filing" => "Filing",
            "court.staff" => "Court staff rights changed",
            "court.event" => "Court's event catalogue changed",
            "ecf.filing_agent" => "Filing agent named or removed",
            "account.paa" => "PACER Administrative Account changed",
            "billing.cja_exemption" => "CJA exemption changed",
            "ecf.operator" => "CM/ECF account corrected or removed by the operator",
            "case.seal" => "Docket entry sealed or document restricted by the court",
            "case.details" => "Case details recorded by the court",
            "case.hearing" => "Hearing scheduled or cancelled by the court",
            "account.operator" => "Account disabled, enabled or unlocked by the PACER Service Center",
            "ecf.email.add" => "Secondary e-mail address added",
            "ecf.email.remove" => "Secondary e-mail address removed",
            "ecf.delivery" => "Notice delivery method changed",
            "login" => "Login",
            "login.second_factor" => "One-time passcode",
            "logout" => "Logout",
            "session.revoke" => "Session logged out from Manage My Account",
            _ => "Other",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the audited action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditOutcome {
    Linked,
    Refused(LinkRefusal),
    Cancelled,
    Removed,
    Live,
    Done,
    Succeeded,
    Failed,
    /// A failure that locked the account for a while.
    Locked,
    /// Asked for; takes effect once confirmed.
    Requested,
    /// Approved (an E-File Registration).
    Approved,
    /// Rejected (an E-File Registration).
    Rejected,
    /// The right password of a disabled account: no session.
    Disabled,
}

impl fmt::Display for AuditOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Linked => f.write_str("linked"),
            Self::Refused(r) => write!(f, "refused: {}", r.code()),
            Self::Cancelled => f.write_str("cancelled"),
            Self::Removed => f.write_str("removed"),
            Self::Live => f.write_str("live"),
            Self::Done => f.write_str("done"),
            Self::Succeeded => f.write_str("succeeded"),
            Self::Failed => f.write_str("failed"),
            Self::Locked => f.write_str("failed: locked"),
            Self::Requested => f.write_str("requested"),
            Self::Approved => f.write_str("approved"),
            Self::Rejected => f.write_str("rejected"),
            Self::Disabled => f.write_str("refused: disabled"),
        }
    }
}

/// One entry of the audit trail, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    pub action: AuditAction,
    pub outcome: AuditOutcome,
    /// The PACER account, when there is one: what an account holder's own
    /// view of the trail is keyed by (a username can change hands).
    pub pacer_account: Option<PacerAccountId>,
    /// The PACER username as given (also for a name that has no account).
    pub pacer_username: Option<String>,
    pub court_id: Option<String>,
    pub ecf_login: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

impl NewAuditEvent {
    pub fn new(action: AuditAction, outcome: AuditOutcome) -> Self {
        Self {
            action,
            outcome,
            pacer_account: None,
            pacer_username: None,
            court_id: None,
            ecf_login: None,
            ip: None,
            detail: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_as_stored() {
        assert_eq!(
            AuditOutcome::Refused(LinkRefusal::EcfAlreadyLinked).to_string(),
            "refused: ecf_already_linked"
        );
        assert_eq!(AuditOutcome::Linked.to_string(), "linked");
        assert_eq!(AuditAction::LinkRemove.to_string(), "link.remove");
    }
}
