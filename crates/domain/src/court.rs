//! Courts, their NextGen status and the menus of their CM/ECF sites.

use chrono::{DateTime, NaiveDate, Utc};

use crate::names::{CourtId, InvalidInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CourtKind {
    District,
    Bankruptcy,
    Appellate,
    Special,
}

impl CourtKind {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw.trim() {
            "district" => Ok(Self::District),
            "bankruptcy" => Ok(Self::Bankruptcy),
            "appellate" => Ok(Self::Appellate),
            "special" => Ok(Self::Special),
            other => Err(InvalidInput::new(
                "kind",
                format!("unknown court kind {other:?}: use district, bankruptcy, appellate or special"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Bankruptcy => "bankruptcy",
            Self::Appellate => "appellate",
            Self::Special => "special",
        }
    }

    /// The filing menus this kind of court shows a linked filer.
    pub fn filing_menus(self) -> &'static [FilingMenu] {
        match self {
            Self::District => &[FilingMenu::Civil, FilingMenu::Criminal],
            Self::Bankruptcy => &[FilingMenu::Bankruptcy, FilingMenu::Adversary],
            // Appellate and special courts come later; they have no filing menus yet.
            Self::Appellate | Self::Special => &[],
        }
    }
}

/// The NextGen CM/ECF release a court runs: it decides where the link page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Release {
    /// The link is on the Utilities page.
    V1_0,
    /// The link is on the "NextGen Release 1.1 Menu Items" page reached from Utilities.
    V1_1,
}

impl Release {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw.trim() {
            "1.0" => Ok(Self::V1_0),
            "1.1" => Ok(Self::V1_1),
            other => Err(InvalidInput::new(
                "nextgen-release",
                format!("unknown NextGen release {other:?}: use 1.0 or 1.1"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_0 => "1.0",
            Self::V1_1 => "1.1",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextGenStatus {
    /// Still on the court's legacy CM/ECF logins, maybe with a planned go-live date.
    NotLive { planned: Option<NaiveDate> },
    /// Live on NextGen: filers log in with their PACER account.
    Live { since: DateTime<Utc> },
}

impl NextGenStatus {
    pub fn is_live(&self) -> bool {
        matches!(self, Self::Live { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Court {
    pub id: CourtId,
    pub kind: CourtKind,
    pub name: String,
    pub location: String,
    pub release: Release,
    pub status: NextGenStatus,
}

impl Court {
    pub fn is_live(&self) -> bool {
        self.status.is_live()
    }

    /// A court's status as recorded: live once its go-live has happened (an
    /// event, written by the go-live switch), else its planned date if any.
    pub fn status_of(planned: Option<NaiveDate>, live_since: Option<DateTime<Utc>>) -> NextGenStatus {
        match live_since {
            Some(since) => NextGenStatus::Live { since },
            None => NextGenStatus::NotLive { planned },
        }
    }

    /// May this court's go-live be set or moved? Not once it is live: linked
    /// filers have given up their CM/ECF logins, and going live again would
    /// notify everyone again.
    pub fn check_go_live_change(&self) -> Result<(), GoLiveRefusal> {
        if !crate::go_live::takes_part_in_linking(self.kind) {
            return Err(GoLiveRefusal::NotLinkingCourt {
                court: self.id.clone(),
                kind: match self.kind {
                    CourtKind::Appellate => "an appellate court",
                    _ => "a special court",
                },
            });
        }
        match self.status {
            NextGenStatus::Live { .. } => Err(GoLiveRefusal::AlreadyLive { court: self.id.clone() }),
            NextGenStatus::NotLive { .. } => Ok(()),
        }
    }
}

/// The instant a court planned for `day` goes live: the start of that day (UTC).
pub fn go_live_instant(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Why a court's go-live cannot be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoLiveRefusal {
    #[error("court {court} is already live on NextGen CM/ECF; its go-live cannot be changed")]
    AlreadyLive { court: CourtId },
    #[error("court {court} is {kind}: NextGen CM/ECF go-live and linking are for district and bankruptcy courts")]
    NotLinkingCourt { court: CourtId, kind: &'static str },
}

/// The menus that hold a court's filing events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilingMenu {
    Civil,
    Criminal,
    Bankruptcy,
    Adversary,
}

impl FilingMenu {
    pub fn label(self) -> &'static str {
        match self {
            Self::Civil => "Civil",
            Self::Criminal => "Criminal",
            Self::Bankruptcy => "Bankruptcy",
            Self::Adversary => "Adversary",
        }
    }

    /// The path segment of the menu's page under `/ecf/{court}/`.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Civil => "civil",
            Self::Criminal => "criminal",
            Self::Bankruptcy => "bankruptcy",
            Self::Adversary => "adversary",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        [Self::Civil, Self::Criminal, Self::Bankruptcy, Self::Adversary]
            .into_iter()
            .find(|m| m.slug() == slug)
    }

    /// The filing categories listed on the menu's page, as CM/ECF groups its events.
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            Self::Civil => &[
                "Open a Civil Case",
                "Complaints and Other Initiating Documents",
                "Answers to Complaints",
                "Motions and Related Filings",
                "Responses and Replies",
                "Notices",
                "Discovery Documents",
                "Trial Documents",
                "Judgments and Settlements",
                "Appeal Documents",
                "Other Filings",
            ],
            Self::Criminal => &[
                "Indictments and Informations",
                "Motions",
                "Responses and Replies",
                "Notices",
                "Plea Agreements",
                "Sentencing Documents",
                "Trial Documents",
                "Appeal Documents",
                "Other Filings",
            ],
            Self::Bankruptcy => &[
                "Open a Bankruptcy Case",
                "Motions/Applications",
                "Answer/Response",
                "Claim Actions",
                "Plan",
                "Creditor Maintenance",
                "Trustee/U.S. Trustee",
                "Notices",
                "Appeal",
                "Other",
            ],
            Self::Adversary => &[
                "Open an Adversary Proceeding",
                "Complaint",
                "Answer/Response",
                "Motions/Applications",
                "Notices",
                "Trial/Pretrial",
                "Appeal",
                "Other",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_the_seeds_menus() {
        assert_eq!(
            CourtKind::District.filing_menus(),
            &[FilingMenu::Civil, FilingMenu::Criminal]
        );
        assert_eq!(
            CourtKind::Bankruptcy.filing_menus(),
            &[FilingMenu::Bankruptcy, FilingMenu::Adversary]
        );
    }

    #[test]
    fn a_court_is_live_once_it_went_live_and_then_for_good() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(go_live_instant(day).to_rfc3339(), "2027-03-01T00:00:00+00:00");
        let planned = Court::status_of(Some(day), None);
        assert!(
            !planned.is_live(),
            "a planned date is not live until the switch happens"
        );
        let live = Court::status_of(None, Some(go_live_instant(day)));
        assert!(live.is_live());
        let court = Court {
            id: CourtId::parse("gamb").unwrap(),
            kind: CourtKind::Bankruptcy,
            name: String::new(),
            location: String::new(),
            release: Release::V1_0,
            status: live,
        };
        assert!(court.check_go_live_change().is_err());
        assert!(Court {
            status: planned,
            ..court
        }
        .check_go_live_change()
        .is_ok());
    }
}
