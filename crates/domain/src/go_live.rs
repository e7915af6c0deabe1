//! A court's move to NextGen, as its CM/ECF account holders hear of it: the
//! court's time zone (its go-live happens at local midnight), the notices
//! (the date set, the date changed, a reminder a week before, "now live"),
//! and their mails, with the seed's linking steps.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::court::{Court, CourtKind, Release};
use crate::mail::Mail;
use crate::names::{Email, InvalidInput};

/// The time zone a court has until staff set another.
pub const DEFAULT_TIME_ZONE: &str = "America/New_York";

/// How many days before its go-live a court's account holders are reminded.
pub const REMINDER_DAYS: u64 = 7;

/// A court's time zone: an IANA name such as `America/Chicago`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CourtZone(Tz);

impl Default for CourtZone {
    fn default() -> Self {
        Self(chrono_tz::America::New_York)
    }
}

impl CourtZone {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        raw.trim().parse::<Tz>().map(Self).map_err(|_| {
            InvalidInput::new(
                "time-zone",
                format!("unknown time zone {raw:?}: use an IANA name like America/New_York, America/Chicago or Pacific/Guam"),
            )
        })
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The day it is at the court at this instant.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.0).date_naive()
    }

    /// The instant of a local time at the court (the earlier one when a
    /// clock change repeats it); `None` when a clock change skips it.
    pub fn instant(&self, local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
        self.0
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// An instant as the court's local time.
    pub fn local(&self, t: DateTime<Utc>) -> chrono::NaiveDateTime {
        t.with_timezone(&self.0).naive_local()
    }

    /// The first instant of `day` at the court: local midnight, or, where a
    /// clock change skips midnight, the first local time that exists.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        (0..=16)
            .map(|quarter| NaiveTime::MIN + chrono::Duration::minutes(15 * quarter))
            .find_map(|t| self.0.from_local_datetime(&day.and_time(t)).earliest())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
    }

    /// "11/26/2026 at 9:41 AM EST": an instant as the court's notices print it.
    pub fn stamp(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.0)
            .format("%-m/%-d/%Y at %-I:%M %p %Z")
            .to_string()
    }

    /// "11/26/2026": the court's day of an instant.
    pub fn date(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.0).format("%-m/%-d/%Y").to_string()
    }

    /// "12:00 a.m. EST (America/New_York)": the start of `day` as the court says it.
    pub fn describe_start(&self, day: NaiveDate) -> String {
        let local = self.start_of(day).with_timezone(&self.0);
        format!(
            "{} {} ({})",
            local
                .format("%-I:%M %P")
                .to_string()
                .replace("am", "a.m.")
                .replace("pm", "p.m."),
            local.format("%Z"),
            self.name()
        )
    }
}

/// The time zone most court seats of a state or territory keep, for seeding
/// a registry (a court whose seat keeps another is set with `court set`).
pub fn zone_of_state(state: &str) -> Option<CourtZone> {
    let name = match state {
        "Alabama" | "Arkansas" | "Illinois" | "Iowa" | "Kansas" | "Louisiana" | "Minnesota" | "Mississippi"
        | "Missouri" | "Nebraska" | "North Dakota" | "Oklahoma" | "South Dakota" | "Texas" | "Wisconsin" => {
            "America/Chicago"
        }
        "Colorado" | "Idaho" | "Montana" | "New Mexico" | "Utah" | "Wyoming" => "America/Denver",
        "Arizona" => "America/Phoenix",
        "California" | "Nevada" | "Oregon" | "Washington" => "America/Los_Angeles",
        "Alaska" => "America/Anchorage",
        "Hawaii" => "Pacific/Honolulu",
        "Guam" => "Pacific/Guam",
        "Northern Mariana Islands" => "Pacific/Saipan",
        "Puerto Rico" => "America/Puerto_Rico",
        "Virgin Islands" => "America/St_Thomas",
        "Connecticut" | "Delaware" | "Florida" | "Georgia" | "Indiana" | "Kentucky" | "Maine" | "Maryland"
        | "Massachusetts" | "Michigan" | "New Hampshire" | "New Jersey" | "New York" | "North Carolina" | "Ohio"
        | "Pennsylvania" | "Rhode Island" | "South Carolina" | "Tennessee" | "Vermont" | "Virginia"
        | "Washington D.C." | "West Virginia" => "America/New_York",
        _ => return None,
    };
    CourtZone::parse(name).ok()
}

/// Is this kind of court part of the NextGen CM/ECF linking this service
/// runs? District and bankruptcy courts are; appellate and special courts
/// have systems of their own and are shown as such.
pub fn takes_part_in_linking(kind: CourtKind) -> bool {
    matches!(kind, CourtKind::District | CourtKind::Bankruptcy)
}

/// The notices a court's CM/ECF account holders get about its go-live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// The court's first go-live date was set.
    Scheduled,
    /// The date was moved.
    DateChanged,
    /// A week before the day.
    Reminder,
    /// At the switch: the court is live; link your account.
    NowLive,
}

impl NoticeKind {
    pub const ALL: [Self; 4] = [Self::Scheduled, Self::DateChanged, Self::Reminder, Self::NowLive];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::DateChanged => "date_changed",
            Self::Reminder => "reminder",
            Self::NowLive => "now_live",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| InvalidInput::new("notice", format!("unknown go-live notice {raw:?}")))
    }
}

/// What one go-live notice mail says and to whom.
#[derive(Debug, Clone)]
pub struct GoLiveNotice<'a> {
    pub kind: NoticeKind,
    pub court: &'a Court,
    pub zone: CourtZone,
    /// The go-live day.
    pub day: NaiveDate,
    /// The address, and the CM/ECF logins of the court held under it.
    pub to: &'a Email,
    pub logins: &'a [String],
    /// Where users reach this service, e.g. `https://ecf.example.gov`.
    pub public_url: &'a str,
}

fn long_date(day: NaiveDate) -> String {
    day.format("%A, %B %-d, %Y").to_string()
}

impl GoLiveNotice<'_> {
    fn site(&self) -> String {
        format!("{}/ecf/{}/", self.public_url.trim_end_matches('/'), self.court.id)
    }

    /// The direct address of the court's link form.
    pub fn link_url(&self) -> String {
        format!("{}link", self.site())
    }

    fn logins(&self) -> String {
        match self.logins {
            [one] => format!("your CM/ECF account {one}"),
            many => format!("your CM/ECF accounts {}", many.join(", ")),
        }
    }

    pub fn subject(&self) -> String {
        let (court, day) = (&self.court.name, long_date(self.day));
        match self.kind {
            NoticeKind::Scheduled => format!("{court} will go live on NextGen CM/ECF on {day}"),
            NoticeKind::DateChanged => format!("Date changed: {court} will go live on NextGen CM/ECF on {day}"),
            NoticeKind::Reminder => format!("Reminder: {court} goes live on NextGen CM/ECF on {day}"),
            NoticeKind::NowLive => format!("{court} is now live on NextGen CM/ECF: link your CM/ECF account"),
        }
    }

    /// The seed's six steps, for this court's release and site.
    fn steps(&self) -> String {
        let step3 = match self.court.release {
            Release::V1_0 => {
                "STEP 3 Click Utilities, and then click the Link a CM/ECF account to my PACER account link.".to_owned()
            }
            Release::V1_1 => {
                "STEP 3 Click Utilities, and then click the NextGen Release 1.1 Menu Items link; there, click the \
                 Link a CM/ECF account to my PACER account link."
                    .to_owned()
            }
        };
        let menus = match self.court.kind {
            CourtKind::Bankruptcy => "the Bankruptcy and Adversary menu items",
            _ => "the Civil and Criminal menu items",
        };
        format!(
            "Linking Your Account\n\n\
             STEP 1 Go to the court's CM/ECF site ({site}). Click the Document Filing System link.\n\n\
             STEP 2 Log on with your individual upgraded PACER user name and password. \
             Do not log on using a shared firm PACER account.\n\n\
             {step3}\n\n\
             STEP 4 Enter your current CM/ECF credentials in the CM/ECF login and CM/ECF password fields. Click Submit.\n\n\
             STEP 5 Verify that the CM/ECF account and PACER account listed are accurate. If so, click Submit.\n\
             NOTE: Make sure you are linking to your individual PACER account.\n\n\
             STEP 6 You have successfully linked your account. You will now use only your PACER account to access \
             both PACER and CM/ECF for this court, and {menus} for filing.\n\n\
             Once you are logged in with your PACER account, the link form is also at {link}\n",
            site = self.site(),
            link = self.link_url(),
        )
    }

    pub fn mail(&self) -> Mail {
        let court = format!("{} ({})", self.court.name, self.court.id);
        let when = format!("{}, at {}", long_date(self.day), self.zone.describe_start(self.day));
        let must_link = "If you file in this court, you must link your existing CM/ECF account to your upgraded PACER \
             account to access the filing system once the court is live. You must have an upgraded PACER account. \
             If your account was created prior to August 2014, you must first upgrade your account. Linking is a \
             one-time process that can be completed only once the court is live on NextGen CM/ECF.";
        let body = match self.kind {
            NoticeKind::Scheduled => format!(
                "{court} will go live on NextGen CM/ECF on {when}.\n\n\
                 You hold {logins} at this court. {must_link}\n\n\
                 Until then, keep using your CM/ECF login at {site}. You will be told again when the court is live.\n",
                logins = self.logins(),
                site = self.site(),
            ),
            NoticeKind::DateChanged => format!(
                "The go-live date of {court} has changed. The court will now go live on NextGen CM/ECF on {when}.\n\n\
                 This date replaces the one we sent you earlier.\n\n\
                 You hold {logins} at this court. {must_link}\n",
                logins = self.logins(),
            ),
            NoticeKind::Reminder => format!(
                "A reminder: {court} goes live on NextGen CM/ECF in {REMINDER_DAYS} days, on {when}.\n\n\
                 You hold {logins} at this court. {must_link}\n\n\
                 If your PACER account is not upgraded yet, upgrade it now, so you can link on the day.\n",
                logins = self.logins(),
            ),
            NoticeKind::NowLive => format!(
                "{court} is now live on NextGen CM/ECF (since {day}).\n\n\
                 You must link {logins} to your upgraded PACER account to access the filing system. \
                 You must have an upgraded PACER account. If your account was created prior to August 2014, \
                 you must first upgrade your account. Linking is a one-time process.\n\n{steps}",
                logins = self.logins(),
                steps = self.steps(),
                day = long_date(self.day),
            ),
        };
        Mail {
            to: self.to.clone(),
            subject: self.subject(),
            body,
            sensitive: false,
            html: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::NextGenStatus;
    use crate::names::CourtId;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn zones_are_iana_names_and_bad_ones_are_named() {
        assert_eq!(CourtZone::default().name(), "America/New_York");
        assert_eq!(CourtZone::parse(" America/Chicago ").unwrap().name(), "America/Chicago");
        let bad = CourtZone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(bad.field, "time-zone");
        assert!(bad.reason.contains("Mars/Olympus"), "{}", bad.reason);
        assert!(CourtZone::parse("").is_err());
    }

    #[test]
    fn each_state_of_the_registry_has_a_zone() {
        let zone = |s: &str| zone_of_state(s).map(|z| z.name());
        assert_eq!(zone("California"), Some("America/Los_Angeles"));
        assert_eq!(zone("Illinois"), Some("America/Chicago"));
        assert_eq!(zone("Guam"), Some("Pacific/Guam"));
        assert_eq!(zone("Washington D.C."), Some("America/New_York"));
        assert_eq!(zone("Atlantis"), None);
        let registry = include_str!("../../../data/federal-courts.csv");
        for line in registry.lines().skip(1) {
            // The state is the second field from the end (names may hold quoted commas).
            let state = line.rsplit(',').nth(1).unwrap();
            assert!(zone_of_state(state).is_some(), "no zone for {state:?} ({line})");
        }
    }

    #[test]
    fn a_court_goes_live_at_its_local_midnight() {
        let ny = CourtZone::default();
        // Winter: EST, 5 hours behind UTC; summer: EDT, 4.
        assert_eq!(ny.start_of(day(2027, 3, 1)).to_rfc3339(), "2027-03-01T05:00:00+00:00");
        assert_eq!(ny.start_of(day(2027, 7, 1)).to_rfc3339(), "2027-07-01T04:00:00+00:00");
        let guam = CourtZone::parse("Pacific/Guam").unwrap();
        assert_eq!(guam.start_of(day(2027, 3, 1)).to_rfc3339(), "2027-02-28T14:00:00+00:00");
        assert_eq!(ny.describe_start(day(2027, 3, 1)), "12:00 a.m. EST (America/New_York)");
        // At 03:00 UTC on March 1 it is still February 28 in New York.
        let t = DateTime::parse_from_rfc3339("2027-03-01T03:00:00Z").unwrap().to_utc();
        assert_eq!(ny.today(t), day(2027, 2, 28));
        assert_eq!(guam.today(t), day(2027, 3, 1));
    }

    #[test]
    fn a_midnight_skipped_by_a_clock_change_starts_the_day_at_its_first_hour() {
        // Chile moved its clocks from midnight to 1 a.m. on September 8, 2019.
        let santiago = CourtZone::parse("America/Santiago").unwrap();
        let start = santiago.start_of(day(2019, 9, 8));
        assert_eq!(start.to_rfc3339(), "2019-09-08T04:00:00+00:00");
    }

    fn court(release: Release, kind: CourtKind) -> Court {
        Court {
            id: CourtId::parse("gamb").unwrap(),
            kind,
            name: "United States Bankruptcy Court, M.D. Georgia".into(),
            location: "Georgia".into(),
            release,
            status: NextGenStatus::NotLive { planned: None },
        }
    }

    #[test]
    fn the_now_live_notice_carries_the_seeds_steps_and_the_courts_link() {
        let c = court(Release::V1_1, CourtKind::Bankruptcy);
        let to = Email::parse("jf@example.com").unwrap();
        let logins = ["jfiler".to_owned(), "jfiler2".to_owned()];
        let notice = GoLiveNotice {
            kind: NoticeKind::NowLive,
            court: &c,
            zone: CourtZone::default(),
            day: day(2027, 3, 1),
            to: &to,
            logins: &logins,
            public_url: "https://ecf.example.gov/",
        };
        let mail = notice.mail();
        assert!(mail.subject.contains("is now live"), "{}", mail.subject);
        for words in [
            "is now live on NextGen CM/ECF (since Monday, March 1, 2027).",
            "your CM/ECF accounts jfiler, jfiler2",
            "STEP 1 Go to the court's CM/ECF site (https://ecf.example.gov/ecf/gamb/). Click the Document Filing System link.",
            "Do not log on using a shared firm PACER account.",
            "NextGen Release 1.1 Menu Items",
            "CM/ECF login and CM/ECF password",
            "NOTE: Make sure you are linking to your individual PACER account.",
            "You have successfully linked your account.",
            "the Bankruptcy and Adversary menu items",
            "https://ecf.example.gov/ecf/gamb/link",
        ] {
            assert!(mail.body.contains(words), "{words:?} not in:\n{}", mail.body);
        }
        let c10 = court(Release::V1_0, CourtKind::District);
        let mail = GoLiveNotice {
            court: &c10,
            ..notice.clone()
        }
        .mail();
        assert!(!mail.body.contains("1.1 Menu Items"), "{}", mail.body);
        assert!(mail.body.contains("Civil and Criminal"), "{}", mail.body);
    }

    #[test]
    fn each_notice_names_the_day_and_its_local_time() {
        let c = court(Release::V1_0, CourtKind::Bankruptcy);
        let to = Email::parse("jf@example.com").unwrap();
        let logins = ["jfiler".to_owned()];
        let subjects: Vec<_> = [NoticeKind::Scheduled, NoticeKind::DateChanged, NoticeKind::Reminder]
            .into_iter()
            .map(|kind| {
                let mail = GoLiveNotice {
                    kind,
                    court: &c,
                    zone: CourtZone::default(),
                    day: day(2027, 3, 1),
                    to: &to,
                    logins: &logins,
                    public_url: "http://x",
                }
                .mail();
                assert!(
                    mail.body
                        .contains("Monday, March 1, 2027, at 12:00 a.m. EST (America/New_York)"),
                    "{}",
                    mail.body
                );
                assert!(mail.body.contains("your CM/ECF account jfiler"), "{}", mail.body);
                mail.subject
            })
            .collect();
        assert_eq!(
            subjects,
            [
                "United States Bankruptcy Court, M.D. Georgia will go live on NextGen CM/ECF on Monday, March 1, 2027",
                "Date changed: United States Bankruptcy Court, M.D. Georgia will go live on NextGen CM/ECF on Monday, March 1, 2027",
                "Reminder: United States Bankruptcy Court, M.D. Georgia goes live on NextGen CM/ECF on Monday, March 1, 2027",
            ]
        );
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()).unwrap(), kind);
        }
    }
}
