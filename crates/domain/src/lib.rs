//! openecf's domain: the types and rules of the PACER Central Sign-On and the
//! courts' CM/ECF sites. No I/O, no async: every rule is a plain function over
//! plain data that returns a value or a typed refusal.

pub mod account;
pub mod audit;
pub mod case;
pub mod claims;
pub mod clerk;
pub mod court;
pub mod fees;
pub mod go_live;
pub mod ical;
pub mod ids;
pub mod link;
pub mod mail;
pub mod mfa;
pub mod names;
pub mod notice;
pub mod password;
pub mod public;
pub mod record;
pub mod throttle;

pub use account::{AccountKind, PacerAccount, LEGACY_CUTOFF};
pub use audit::{AuditAction, AuditOutcome, NewAuditEvent};
pub use case::{
    bankruptcy_event, check_creditor_matrix, civil_event, criminal_event, dollars, petition_fee_cents, CaseNumber,
    CaseQuery, CaseType, Catalogue, Event, EventMenu, PartyRole, TaxId, ADVERSARY_COMPLAINT, BANKRUPTCY_EVENTS,
    CIVIL_EVENTS, COMPLAINT, CREDITOR_MATRIX, CRIMINAL_EVENTS, EVENT_WORDS_MAX, FREE_LOOK_SECS, INDICTMENT,
    MATRIX_LINE_CHARS, PETITION,
};
pub use court::{go_live_instant, Court, CourtKind, FilingMenu, GoLiveRefusal, NextGenStatus, Release};
pub use go_live::{CourtZone, GoLiveNotice, NoticeKind};
pub use ids::{AuthenticatorId, EcfAccountId, JobId, PacerAccountId};
pub use link::{check_link_start, check_verified_link, EcfAccount, LinkRefusal, LinkState};
pub use mail::Mail;
pub use names::{BarId, CourtId, EcfLogin, Email, InvalidInput, PersonName, Role, Username};
pub use notice::{check_secondary_email, NoticeDelivery, SecondaryEmailRefusal, MAX_SECONDARY_EMAILS};
pub use password::{Password, PasswordContext, PasswordRefusal};
pub use public::{doc1_number, parse_doc1_number};
pub use record::{DetailsRefusal, HearingRefusal, Reader, RecordRefusal};
pub use throttle::Subject;
