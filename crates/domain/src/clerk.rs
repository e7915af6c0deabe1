//! The clerk console's rules and words: what court staff may do to a court's
//! CM/ECF accounts and why they are refused, E-File Registration, the
//! linking progress series, and the mails each action sends.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::court::Court;
use crate::mail::Mail;
use crate::names::Email;

/// Why the console refused an action; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsoleRefusal {
    #[error("There is no CM/ECF account {0} at this court.")]
    NoSuchAccount(String),
    #[error("The CM/ECF account {0} is not linked to a PACER account.")]
    NotLinked(String),
    #[error("Give a reason: it is kept in the audit trail and sent to the filer.")]
    ReasonRequired,
    #[error("The reason is too long: at most 500 characters.")]
    ReasonTooLong,
    #[error("The CM/ECF account {0} is disabled already.")]
    AlreadyDisabled(String),
    #[error("The CM/ECF account {0} is not disabled.")]
    NotDisabled(String),
    #[error("{0}")]
    Invalid(String),
    #[error("The CM/ECF login {0} is taken at this court: choose another.")]
    LoginTaken(String),
    #[error("This request has been decided already, or is not one of this court's.")]
    RequestGone,
}

/// The longest reason kept.
pub const REASON_MAX: usize = 500;

/// A reason typed by court staff: required, one paragraph, at most [`REASON_MAX`] characters.
pub fn parse_reason(raw: &str) -> Result<String, ConsoleRefusal> {
    let reason: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if reason.is_empty() {
        return Err(ConsoleRefusal::ReasonRequired);
    }
    if reason.chars().count() > REASON_MAX {
        return Err(ConsoleRefusal::ReasonTooLong);
    }
    Ok(reason)
}

/// What an E-File Registration asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EfileKind {
    /// Attorney admission: with a bar id and the bar's state.
    Attorney,
    /// Non-attorney e-file registration (trustee, creditor, pro se party, ...).
    NonAttorney,
}

impl EfileKind {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "attorney" => Some(Self::Attorney),
            "non-attorney" => Some(Self::NonAttorney),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attorney => "attorney",
            Self::NonAttorney => "non-attorney",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Attorney => "Attorney admission",
            Self::NonAttorney => "Non-attorney e-file registration",
        }
    }
}

/// The roles a non-attorney may register for.
pub const NON_ATTORNEY_ROLES: &[&str] = &["non-attorney filer", "trustee", "creditor", "pro se filer"];

/// Two capital letters: a US state or territory's postal code.
pub fn parse_bar_state(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_uppercase();
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())).then_some(s)
}

/// One day of a court's linking progress: its active CM/ECF accounts at the
/// day's end, and how many of them were linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressDay {
    pub day: NaiveDate,
    pub accounts: i64,
    pub linked: i64,
}

impl ProgressDay {
    /// The share linked, 0.0–1.0 (0 with no accounts).
    pub fn share(&self) -> f64 {
        if self.accounts == 0 {
            0.0
        } else {
            self.linked as f64 / self.accounts as f64
        }
    }

    /// The share as a percentage with one decimal, like "37.5%".
    pub fn percent(&self) -> String {
        format!("{:.1}%", self.share() * 100.0)
    }
}

/// The longest series drawn (about ten years of days).
pub const PROGRESS_MAX_DAYS: i64 = 3660;

/// The progress series, one entry per UTC day from `from` to `to` (both
/// included), from counts per day (epoch day → number) of accounts created
/// and links made: each day's totals are everything up to its end.
pub fn progress_series(
    from: NaiveDate,
    to: NaiveDate,
    accounts_by_day: &[(i64, i64)],
    links_by_day: &[(i64, i64)],
) -> Vec<ProgressDay> {
    let base = DateTime::<Utc>::UNIX_EPOCH.date_naive();
    let (first, last) = ((from - base).num_days(), (to - base).num_days());
    let first = first.max(last - PROGRESS_MAX_DAYS + 1);
    // Running totals: each count list is walked once (both come sorted by day,
    // but sorting again costs little and keeps the function total).
    let sorted = |counts: &[(i64, i64)]| {
        let mut v = counts.to_vec();
        v.sort_unstable();
        v
    };
    let (accounts, links) = (sorted(accounts_by_day), sorted(links_by_day));
    let (mut a, mut l) = (accounts.iter().peekable(), links.iter().peekable());
    let (mut total_a, mut total_l) = (0, 0);
    let mut out = Vec::new();
    for day in first..=last {
        while let Some((_, n)) = a.next_if(|(d, _)| *d <= day) {
            total_a += n;
        }
        while let Some((_, n)) = l.next_if(|(d, _)| *d <= day) {
            total_l += n;
        }
        out.push(ProgressDay {
            day: base + Duration::days(day),
            accounts: total_a,
            linked: total_l,
        });
    }
    out
}

/// The progress as CSV: `date,accounts,linked,share` (share with four decimals).
pub fn progress_csv(days: &[ProgressDay]) -> String {
    let mut out = String::from("date,accounts,linked,share\r\n");
    for d in days {
        out.push_str(&format!("{},{},{},{:.4}\r\n", d.day, d.accounts, d.linked, d.share()));
    }
    out
}

fn plain(to: &Email, subject: String, body: String) -> Mail {
    Mail {
        to: to.clone(),
        subject,
        body,
        sensitive: false,
        html: false,
    }
}

/// Sent to the PACER account holder when the court removed their link.
pub fn link_removed(to: &Email, pacer_username: &str, court: &Court, ecf_login: &str, reason: &str) -> Mail {
    plain(
        to,
        format!("CM/ECF link removed at {}", court.name),
        format!(
            "The clerk's office of {court} ({id}) removed the link between the CM/ECF account {ecf_login} \
             and your PACER account {pacer_username}.\n\nReason: {reason}\n\n\
             The CM/ECF account can be linked again: on the court's CM/ECF site, click Utilities, then \
             Link a CM/ECF account to my PACER account. Questions go to the court's clerk's office.\n",
            court = court.name,
            id = court.id,
        ),
    )
}

/// Sent to a CM/ECF account's address when the court disabled or enabled it.
pub fn account_disabled(to: &Email, court: &Court, ecf_login: &str, disabled: bool, reason: &str) -> Mail {
    let (subject, what) = if disabled {
        (
            format!("CM/ECF account disabled at {}", court.name),
            "disabled the CM/ECF account {login}: it can no longer be used to log in or be linked to a PACER account",
        )
    } else {
        (
            format!("CM/ECF account enabled at {}", court.name),
            "enabled the CM/ECF account {login} again",
        )
    };
    plain(
        to,
        subject,
        format!(
            "The clerk's office of {court} ({id}) {what}.\n\nReason: {reason}\n\n\
             Questions go to the court's clerk's office.\n",
            court = court.name,
            id = court.id,
            what = what.replace("{login}", ecf_login),
        ),
    )
}

/// Sent to the requester when the court decided their E-File Registration.
pub fn efile_decided(
    to: &Email,
    pacer_username: &str,
    court: &Court,
    kind: EfileKind,
    approved: Option<&str>,
    reason: &str,
) -> Mail {
    match approved {
        Some(login) => plain(
            to,
            format!("E-File Registration approved at {}", court.name),
            format!(
                "Your request for filing privileges ({kind}) at {court} ({id}) is approved.\n\n\
                 The CM/ECF filer account {login} was created and is linked to your PACER account \
                 {pacer_username}: log on to the court's CM/ECF site with your PACER account to file.\n",
                kind = kind.label(),
                court = court.name,
                id = court.id,
            ),
        ),
        None => plain(
            to,
            format!("E-File Registration rejected at {}", court.name),
            format!(
                "Your request for filing privileges ({kind}) at {court} ({id}) was rejected.\n\n\
                 Reason: {reason}\n\nQuestions go to the court's clerk's office.\n",
                kind = kind.label(),
                court = court.name,
                id = court.id,
            ),
        ),
    }
}

/// How long a CM/ECF password reset link works.
pub const ECF_RESET_SECS: i64 = 30 * 60;
/// At most this many live reset links per CM/ECF account (no inbox flooding).
pub const ECF_RESET_MAX_LIVE: i64 = 3;

/// Carries a single-use link to set a CM/ECF account's password, good for 30 minutes.
pub fn ecf_password_reset(to: &Email, court: &Court, ecf_login: &str, link: &str) -> Mail {
    Mail {
        to: to.clone(),
        subject: format!("Reset your CM/ECF password at {}", court.name),
        body: format!(
            "A new password was asked for the CM/ECF account {ecf_login} at {court} ({id}).\n\n\
             To choose it, open this link within 30 minutes; it works once:\n\n{link}\n\n\
             Then link the CM/ECF account to your upgraded PACER account (Utilities, Link a CM/ECF \
             account to my PACER account). If you did not ask for this, ignore this message: the \
             password has not changed.\n",
            court = court.name,
            id = court.id,
        ),
        sensitive: true,
        html: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn epoch_day(date: NaiveDate) -> i64 {
        (date - d(1970, 1, 1)).num_days()
    }

    #[test]
    fn the_series_counts_up_to_each_days_end() {
        let accounts = [(epoch_day(d(2026, 1, 1)), 4), (epoch_day(d(2026, 3, 2)), 1)];
        let links = [(epoch_day(d(2026, 3, 1)), 1), (epoch_day(d(2026, 3, 3)), 2)];
        let s = progress_series(d(2026, 3, 1), d(2026, 3, 3), &accounts, &links);
        let got: Vec<(NaiveDate, i64, i64)> = s.iter().map(|p| (p.day, p.accounts, p.linked)).collect();
        assert_eq!(
            got,
            vec![(d(2026, 3, 1), 4, 1), (d(2026, 3, 2), 5, 1), (d(2026, 3, 3), 5, 3)]
        );
        assert_eq!(s[2].percent(), "60.0%");
        assert!(progress_csv(&s).starts_with("date,accounts,linked,share\r\n2026-03-01,4,1,0.2500\r\n"));
    }

    #[test]
    fn an_empty_court_has_no_share() {
        let s = progress_series(d(2026, 3, 1), d(2026, 3, 1), &[], &[]);
        assert_eq!(s[0].percent(), "0.0%");
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert_eq!(parse_reason("  "), Err(ConsoleRefusal::ReasonRequired));
        assert_eq!(parse_reason(&"x".repeat(501)), Err(ConsoleRefusal::ReasonTooLong));
        assert_eq!(parse_reason(" wrong\nfiler ").as_deref(), Ok("wrong filer"));
    }

    #[test]
    fn bar_states_are_postal_codes() {
        assert_eq!(parse_bar_state("ga").as_deref(), Some("GA"));
        assert_eq!(parse_bar_state("Georgia"), None);
    }
}
