//! How a filer is noticed at a court (Utilities → Maintain Your ECF Account):
//! secondary e-mail addresses and the delivery method.

use crate::names::{Email, InvalidInput};

/// At most this many secondary addresses per filer per court.
pub const MAX_SECONDARY_EMAILS: usize = 5;

/// How a filer receives notices of filings at a court.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoticeDelivery {
    /// A Notice of Electronic Filing for each filing (the default).
    #[default]
    EachFiling,
    /// One Daily Summary Report of the day's filings.
    DailySummary,
}

impl NoticeDelivery {
    pub const ALL: [Self; 2] = [Self::EachFiling, Self::DailySummary];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EachFiling => "each",
            Self::DailySummary => "daily",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "each" => Ok(Self::EachFiling),
            "daily" => Ok(Self::DailySummary),
            _ => Err(InvalidInput::new(
                "delivery",
                "choose Notice of Electronic Filing for each filing, or Daily summary report",
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::EachFiling => "Notice of Electronic Filing for each filing",
            Self::DailySummary => "Daily summary report",
        }
    }
}

/// Why a secondary address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecondaryEmailRefusal {
    #[error("Secondary e-mail address: {0}.")]
    Invalid(String),
    #[error("{0} is your primary e-mail address; it already receives your notices.")]
    IsPrimary(String),
    #[error("{0} is already one of your secondary e-mail addresses.")]
    Duplicate(String),
    #[error("You may have at most 5 secondary e-mail addresses; remove one first.")]
    TooMany,
}

/// Checks a secondary address to add, against the primary and those kept.
/// Addresses are compared without regard to case.
pub fn check_secondary_email(raw: &str, primary: &str, existing: &[String]) -> Result<Email, SecondaryEmailRefusal> {
    let email = Email::parse(raw).map_err(|e| SecondaryEmailRefusal::Invalid(e.reason))?;
    let same = |other: &str| other.eq_ignore_ascii_case(email.as_str());
    if same(primary) {
        return Err(SecondaryEmailRefusal::IsPrimary(email.to_string()));
    }
    if existing.iter().any(|e| same(e)) {
        return Err(SecondaryEmailRefusal::Duplicate(email.to_string()));
    }
    if existing.len() >= MAX_SECONDARY_EMAILS {
        return Err(SecondaryEmailRefusal::TooMany);
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secondary_addresses_are_checked() {
        let kept: Vec<String> = vec!["b@example.com".into()];
        assert!(check_secondary_email("c@example.com", "a@example.com", &kept).is_ok());
        assert!(matches!(
            check_secondary_email("not an address", "a@example.com", &kept),
            Err(SecondaryEmailRefusal::Invalid(_))
        ));
        assert!(matches!(
            check_secondary_email("A@Example.com", "a@example.com", &kept),
            Err(SecondaryEmailRefusal::IsPrimary(_))
        ));
        assert!(matches!(
            check_secondary_email("B@example.com", "a@example.com", &kept),
            Err(SecondaryEmailRefusal::Duplicate(_))
        ));
        let full: Vec<String> = (1..=5).map(|n| format!("s{n}@example.com")).collect();
        assert_eq!(
            check_secondary_email("z@example.com", "a@example.com", &full),
            Err(SecondaryEmailRefusal::TooMany)
        );
        assert_eq!(NoticeDelivery::parse("daily").unwrap(), NoticeDelivery::DailySummary);
        assert!(NoticeDelivery::parse("weekly").is_err());
    }
}
