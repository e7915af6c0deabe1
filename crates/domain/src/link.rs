//! The link rule: one CM/ECF account to one upgraded individual PACER account,
//! within one court, once.

use chrono::NaiveDate;

use crate::account::{AccountKind, PacerAccount};
use crate::court::{Court, NextGenStatus};
use crate::names::{BarId, CourtId, EcfLogin, Email, PersonName, Role};

/// A court's legacy CM/ECF filer account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcfAccount {
    pub id: crate::ids::EcfAccountId,
    pub court: CourtId,
    pub login: EcfLogin,
    pub name: PersonName,
    pub email: Email,
    pub role: Role,
    pub bar_id: Option<BarId>,
}

/// Why a link was refused. Each has its own message; the web layer maps them
/// to pages and status codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefusal {
    #[error("This court is not live on NextGen CM/ECF yet. Linking can be completed only once the court is live.")]
    CourtNotLive { planned: Option<NaiveDate> },
    #[error("Your PACER account was created before August 2014 and must be upgraded before you can link a CM/ECF account to it.")]
    LegacyPacerAccount,
    #[error("Do not log on using a shared firm PACER account. A shared firm account cannot be linked to a CM/ECF account; log in with your individual upgraded PACER account.")]
    SharedFirmAccount,
    #[error("Your PACER account is already linked to the CM/ECF account {ecf_login} at this court. A PACER account can be linked to only one CM/ECF account per court.")]
    PacerAlreadyLinkedHere { ecf_login: String },
    #[error("This CM/ECF account has already been linked to a PACER account. Linking is a one-time process; if the link is wrong, contact the court's clerk's office.")]
    EcfAlreadyLinked,
    #[error("Invalid CM/ECF login or password.")]
    WrongCredentials,
    #[error(
        "This CM/ECF account has been disabled by the court and cannot be linked. Contact the court's clerk's office."
    )]
    EcfDisabled,
    #[error("The verification has expired or was already used. Enter your CM/ECF credentials again.")]
    VerificationExpired,
}

impl LinkRefusal {
    /// A short, stable code for audit events and the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CourtNotLive { .. } => "court_not_live",
            Self::LegacyPacerAccount => "legacy_pacer_account",
            Self::SharedFirmAccount => "shared_firm_account",
            Self::PacerAlreadyLinkedHere { .. } => "pacer_already_linked_here",
            Self::EcfAlreadyLinked => "ecf_already_linked",
            Self::WrongCredentials => "wrong_credentials",
            Self::EcfDisabled => "ecf_disabled",
            Self::VerificationExpired => "verification_expired",
        }
    }
}

/// What the rule needs to know about the PACER account's links at this court.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkState<'a> {
    /// The CM/ECF login this PACER account is already linked to at this court, if any.
    pub pacer_linked_here: Option<&'a str>,
    /// Whether the CM/ECF account (once known) is already linked to any PACER account.
    pub ecf_linked: bool,
}

/// May this PACER user start linking at this court? Checked before the
/// CM/ECF credentials are asked for, so it depends only on the user's own account.
pub fn check_link_start(
    court: &Court,
    pacer: &PacerAccount,
    pacer_linked_here: Option<&str>,
) -> Result<(), LinkRefusal> {
    if let NextGenStatus::NotLive { planned } = court.status {
        return Err(LinkRefusal::CourtNotLive { planned });
    }
    if pacer.kind == AccountKind::SharedFirm {
        return Err(LinkRefusal::SharedFirmAccount);
    }
    if pacer.is_legacy() {
        return Err(LinkRefusal::LegacyPacerAccount);
    }
    if let Some(login) = pacer_linked_here {
        return Err(LinkRefusal::PacerAlreadyLinkedHere {
            ecf_login: login.to_owned(),
        });
    }
    Ok(())
}

/// May this verified CM/ECF account be linked to this PACER account now?
/// Called with the state read in the same transaction that writes the link.
pub fn check_verified_link(
    court: &Court,
    pacer: &PacerAccount,
    ecf: &EcfAccount,
    state: LinkState<'_>,
) -> Result<(), LinkRefusal> {
    check_link_start(court, pacer, state.pacer_linked_here)?;
    if ecf.court != court.id {
        return Err(LinkRefusal::WrongCredentials);
    }
    if state.ecf_linked {
        return Err(LinkRefusal::EcfAlreadyLinked);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::{CourtKind, Release};
    use crate::names::Username;
    use proptest::prelude::*;

    fn court(live: bool) -> Court {
        Court {
            id: CourtId::parse("gamb").unwrap(),
            kind: CourtKind::Bankruptcy,
            name: "Georgia Middle Bankruptcy Court".into(),
            location: "Georgia".into(),
            release: Release::V1_0,
            status: if live {
                NextGenStatus::Live {
                    since: chrono::DateTime::UNIX_EPOCH,
                }
            } else {
                NextGenStatus::NotLive { planned: None }
            },
        }
    }

    fn pacer(shared: bool, legacy: bool) -> PacerAccount {
        PacerAccount {
            id: crate::ids::PacerAccountId::new(1),
            username: Username::parse_new("jdoe2026").unwrap(),
            name: PersonName::parse("Jane Doe").unwrap(),
            email: Email::parse("jane@example.com").unwrap(),
            kind: if shared {
                AccountKind::SharedFirm
            } else {
                AccountKind::Individual
            },
            created_on: if legacy {
                NaiveDate::from_ymd_opt(2010, 1, 1).unwrap()
            } else {
                NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
            },
            upgraded: false,
        }
    }

    fn ecf(court: &str) -> EcfAccount {
        EcfAccount {
            id: crate::ids::EcfAccountId::new(7),
            court: CourtId::parse(court).unwrap(),
            login: EcfLogin::parse("jdoe").unwrap(),
            name: PersonName::parse("Jane Doe").unwrap(),
            email: Email::parse("jane@example.com").unwrap(),
            role: Role::parse("attorney").unwrap(),
            bar_id: None,
        }
    }

    proptest! {
        /// A link is allowed exactly when every condition of the seed holds, and
        /// a refusal names the first condition that fails.
        #[test]
        fn link_allowed_iff_every_condition_holds(
            live in any::<bool>(),
            shared in any::<bool>(),
            legacy in any::<bool>(),
            pacer_linked in any::<bool>(),
            ecf_linked in any::<bool>(),
            same_court in any::<bool>(),
        ) {
            let c = court(live);
            let p = pacer(shared, legacy);
            let e = ecf(if same_court { "gamb" } else { "nysd" });
            let state = LinkState { pacer_linked_here: pacer_linked.then_some("other"), ecf_linked };
            let got = check_verified_link(&c, &p, &e, state);
            let expected = if !live {
                Err(LinkRefusal::CourtNotLive { planned: None })
            } else if shared {
                Err(LinkRefusal::SharedFirmAccount)
            } else if legacy {
                Err(LinkRefusal::LegacyPacerAccount)
            } else if pacer_linked {
                Err(LinkRefusal::PacerAlreadyLinkedHere { ecf_login: "other".into() })
            } else if !same_court {
                Err(LinkRefusal::WrongCredentials)
            } else if ecf_linked {
                Err(LinkRefusal::EcfAlreadyLinked)
            } else {
                Ok(())
            };
            prop_assert_eq!(got, expected);
        }

        /// An upgraded legacy account links like any individual account.
        #[test]
        fn upgraded_legacy_accounts_may_link(year in 1995i32..2014) {
            let mut p = pacer(false, true);
            p.created_on = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            p.upgraded = true;
            let state = LinkState { pacer_linked_here: None, ecf_linked: false };
            prop_assert_eq!(check_verified_link(&court(true), &p, &ecf("gamb"), state), Ok(()));
        }
    }
}
