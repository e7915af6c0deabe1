//! PACER accounts.

use chrono::NaiveDate;

use crate::names::{Email, InvalidInput, PersonName, Username};

/// Accounts created before this day are legacy until their owner upgrades them.
pub const LEGACY_CUTOFF: NaiveDate = match NaiveDate::from_ymd_opt(2014, 8, 11) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// One person's account: may link and file once upgraded.
    Individual,
    /// Used by several people at a firm: may search PACER, never link or file.
    SharedFirm,
}

impl AccountKind {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "individual" => Ok(Self::Individual),
            "shared_firm" => Ok(Self::SharedFirm),
            other => Err(InvalidInput::new("kind", format!("unknown account kind {other:?}"))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::SharedFirm => "shared_firm",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Individual => "Individual",
            Self::SharedFirm => "Shared firm",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacerAccount {
    pub id: crate::ids::PacerAccountId,
    pub username: Username,
    pub name: PersonName,
    pub email: Email,
    pub kind: AccountKind,
    pub created_on: NaiveDate,
    /// Whether a legacy account has been upgraded.
    pub upgraded: bool,
}

impl PacerAccount {
    /// Legacy: created before 11 August 2014 and not upgraded since.
    pub fn is_legacy(&self) -> bool {
        is_legacy(self.created_on, self.upgraded)
    }
}

pub fn is_legacy(created_on: NaiveDate, upgraded: bool) -> bool {
    created_on < LEGACY_CUTOFF && !upgraded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_the_eleventh_of_august_2014() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
        assert!(is_legacy(d(2014, 8, 10), false));
        assert!(!is_legacy(d(2014, 8, 11), false));
        assert!(!is_legacy(d(2010, 1, 1), true));
    }
}
