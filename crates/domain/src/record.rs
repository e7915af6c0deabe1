//! Court staff's changes to a case's record: sealing an entry, restricting
//! a document, and the case details the docket report prints (Referred to,
//! Date Terminated; at a bankruptcy court Date Converted and Debtor
//! discharged). Who sees what:
//!
//! | | the public | attorneys of record | the court's staff |
//! | --- | --- | --- | --- |
//! | a sealed entry (text and documents) | no | no | yes |
//! | a restricted document | no (its entry shows) | yes | yes |

use chrono::NaiveDate;

use crate::CaseType;

/// Who reads a case's record, as the table above has it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reader {
    /// Court staff of the case's court.
    pub staff: bool,
    /// An attorney of record in the case.
    pub attorney: bool,
}

impl Reader {
    /// Sealed entries: the court's staff only.
    pub fn sees_sealed(self) -> bool {
        self.staff
    }

    /// Restricted documents: the case's attorneys of record and the court's staff.
    pub fn gets_restricted(self) -> bool {
        self.staff || self.attorney
    }

    /// Whether a document may be opened: not of a sealed entry (unless staff),
    /// not restricted (unless of record).
    pub fn may_open(self, entry_sealed: bool, restricted: bool) -> bool {
        (!entry_sealed || self.sees_sealed()) && (!restricted || self.gets_restricted())
    }
}

/// How much of a referred entry's docket text a later entry quotes after its
/// number (at most): "RESPONSE in Opposition re 2 MOTION for …".
pub const REFERENCE_CHARS: usize = 60;

/// The quote of a referred entry's docket text that a later entry carries
/// after "re N": its first [`REFERENCE_CHARS`] characters, cut at a whole word.
pub fn reference_quote(referred_text: &str) -> String {
    let referred_text = referred_text.trim().trim_end_matches('.');
    let mut short: String = referred_text.chars().take(REFERENCE_CHARS).collect();
    if short.len() < referred_text.len() {
        if let Some(space) = short.rfind(' ') {
            short.truncate(space);
        }
        short = format!("{}...", short.trim_end());
    }
    short
}

/// What the placeholder of a sealed entry's quote reads.
pub const SEALED_QUOTE: &str = "[sealed]";

/// A docket text with its quote of a sealed entry ("re 2 MOTION for …")
/// replaced by [`SEALED_QUOTE`], for readers who may not see that entry.
pub fn redact_reference(text: &str, number: i64, referred_text: &str) -> String {
    let quoted = format!(" re {number} {}", reference_quote(referred_text));
    text.replacen(&quoted, &format!(" re {number} {SEALED_QUOTE}"), 1)
}

/// The longest magistrate judge's name kept.
pub const REFERRED_TO_MAX: usize = 100;
/// The longest reason kept (in the audit trail).
pub const REASON_MAX: usize = 500;

/// Why a change to a case's record was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordRefusal {
    #[error("no court {0}")]
    NoSuchCourt(String),
    #[error("{0} is not a case number (e.g. 1:26-cv-00012 or 26-12)")]
    BadCaseNumber(String),
    #[error("the court has no case {0}")]
    NoSuchCase(String),
    #[error("{0} matches more than one case: give its office and type (e.g. 1:26-cv-00012)")]
    AmbiguousCase(String),
    #[error("case {case} has no entry {number}")]
    NoSuchEntry { case: String, number: i64 },
    #[error("entry {number} of case {case} has no attachment {attachment}")]
    NoSuchDocument { case: String, number: i64, attachment: i64 },
    #[error("entry {number} of case {case} is {state} already")]
    Unchanged {
        case: String,
        number: i64,
        state: &'static str,
    },
    #[error("--reason: say why (kept in the audit trail), at most 500 characters")]
    NoReason,
    #[error("{0}: type a number")]
    BadNumber(&'static str),
    #[error("{0}")]
    Details(#[from] DetailsRefusal),
    #[error("{0}")]
    Hearing(#[from] HearingRefusal),
}

/// Why case details were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetailsRefusal {
    #[error("Referred to: type the magistrate judge's name only (e.g. Sarah Netburn), at most 100 characters")]
    BadReferredTo,
    #[error("Referred to: a bankruptcy case is not referred to a magistrate judge")]
    ReferredInBankruptcy,
    #[error("{field}: {day} is before the case was filed ({filed})")]
    BeforeFiling {
        field: &'static str,
        day: NaiveDate,
        filed: NaiveDate,
    },
    #[error("{field}: {day} is after today at the court ({today})")]
    InTheFuture {
        field: &'static str,
        day: NaiveDate,
        today: NaiveDate,
    },
    #[error("{0}: only a bankruptcy case has one")]
    BankruptcyOnly(&'static str),
    #[error("{0}: type the day as YYYY-MM-DD (or none to clear it)")]
    BadDay(&'static str),
}

/// The longest hearing description or location kept.
pub const HEARING_TEXT_MAX: usize = 200;

/// Why a hearing was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HearingRefusal {
    #[error("--at: type the court's local date and time as YYYY-MM-DD HH:MM (e.g. 2027-01-12 09:30)")]
    BadTime,
    #[error("--at: {0} is not a time at the court (a clock change skips it)")]
    NoSuchTime(String),
    #[error("--at: {0} has passed at the court")]
    Passed(String),
    #[error("--{0}: required, on one line, at most 200 characters")]
    BadText(&'static str),
    #[error("the court has no hearing {0} (or it was cancelled already)")]
    NoSuchHearing(i64),
}

/// A hearing's local time as staff type it: `YYYY-MM-DD HH:MM`.
pub fn parse_hearing_time(raw: &str) -> Result<chrono::NaiveDateTime, HearingRefusal> {
    chrono::NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%d %H:%M").map_err(|_| HearingRefusal::BadTime)
}

/// A hearing's description and location: present, one line, not too long.
pub fn check_hearing_text(field: &'static str, text: &str) -> Result<(), HearingRefusal> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > HEARING_TEXT_MAX || t.chars().any(char::is_control) {
        return Err(HearingRefusal::BadText(field));
    }
    Ok(())
}

/// A case's details as staff would have them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// The magistrate judge's name ("" when none).
    pub referred_to: String,
    pub date_terminated: Option<NaiveDate>,
    pub date_converted: Option<NaiveDate>,
    pub date_discharged: Option<NaiveDate>,
}

/// The reason, trimmed; `None` when empty, too long or holding control characters.
pub fn reason(raw: &str) -> Option<&str> {
    let r = raw.trim();
    (!r.is_empty() && r.chars().count() <= REASON_MAX && !r.chars().any(char::is_control)).then_some(r)
}

/// A day typed by staff: `Some(None)` for `none` (clear it).
pub fn parse_day(field: &'static str, raw: &str) -> Result<Option<NaiveDate>, DetailsRefusal> {
    let raw = raw.trim();
    if raw.is_empty() || raw.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%m/%d/%Y"))
        .map(Some)
        .map_err(|_| DetailsRefusal::BadDay(field))
}

/// Checks a case's details: a magistrate judge's bare name (not at a
/// bankruptcy case); each day neither before the case was filed nor after
/// the court's today; converted and discharged only in a bankruptcy case.
pub fn check_details(
    case_type: CaseType,
    filed: NaiveDate,
    today: NaiveDate,
    d: &Details,
) -> Result<(), DetailsRefusal> {
    let bankruptcy = matches!(case_type, CaseType::Bankruptcy);
    let name = d.referred_to.as_str();
    if !name.is_empty() {
        if matches!(case_type, CaseType::Bankruptcy | CaseType::Adversary) {
            return Err(DetailsRefusal::ReferredInBankruptcy);
        }
        let lower = name.to_ascii_lowercase();
        if name.trim() != name
            || name.chars().count() > REFERRED_TO_MAX
            || name.chars().any(|c| c.is_control() || c == '<' || c == '>')
            || !name.chars().any(char::is_alphabetic)
            || lower.starts_with("judge ")
            || lower.starts_with("magistrate")
        {
            return Err(DetailsRefusal::BadReferredTo);
        }
    }
    for (field, day, bankruptcy_only) in [
        ("Date Terminated", d.date_terminated, false),
        ("Date Converted", d.date_converted, true),
        ("Debtor discharged", d.date_discharged, true),
    ] {
        let Some(day) = day else { continue };
        if bankruptcy_only && !bankruptcy {
            return Err(DetailsRefusal::BankruptcyOnly(field));
        }
        if day < filed {
            return Err(DetailsRefusal::BeforeFiling { field, day, filed });
        }
        if day > today {
            return Err(DetailsRefusal::InTheFuture { field, day, today });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_terminated_day_before_filing_or_after_today_is_refused() {
        let (filed, today) = (day("2026-03-02"), day("2026-12-06"));
        let ok = Details {
            referred_to: "Sarah Netburn".into(),
            date_terminated: Some(day("2026-03-02")),
            ..Details::default()
        };
        assert_eq!(check_details(CaseType::Civil, filed, today, &ok), Ok(()));
        let early = Details {
            date_terminated: Some(day("2026-03-01")),
            ..Details::default()
        };
        assert!(matches!(
            check_details(CaseType::Civil, filed, today, &early),
            Err(DetailsRefusal::BeforeFiling {
                field: "Date Terminated",
                ..
            })
        ));
        let late = Details {
            date_terminated: Some(day("2026-12-07")),
            ..Details::default()
        };
        assert!(matches!(
            check_details(CaseType::Civil, filed, today, &late),
            Err(DetailsRefusal::InTheFuture { .. })
        ));
    }

    #[test]
    fn conversion_and_discharge_belong_to_bankruptcy_and_referral_to_district_cases() {
        let (filed, today) = (day("2026-03-02"), day("2026-12-06"));
        let discharged = Details {
            date_discharged: Some(day("2026-06-01")),
            ..Details::default()
        };
        assert_eq!(check_details(CaseType::Bankruptcy, filed, today, &discharged), Ok(()));
        assert_eq!(
            check_details(CaseType::Civil, filed, today, &discharged),
            Err(DetailsRefusal::BankruptcyOnly("Debtor discharged"))
        );
        let referred = Details {
            referred_to: "Sarah Netburn".into(),
            ..Details::default()
        };
        assert_eq!(
            check_details(CaseType::Bankruptcy, filed, today, &referred),
            Err(DetailsRefusal::ReferredInBankruptcy)
        );
        for bad in [
            "Magistrate Judge Sarah Netburn",
            "Judge Netburn",
            "<b>x</b>",
            " x",
            "123",
        ] {
            let d = Details {
                referred_to: bad.into(),
                ..Details::default()
            };
            assert_eq!(
                check_details(CaseType::Civil, filed, today, &d),
                Err(DetailsRefusal::BadReferredTo),
                "{bad}"
            );
        }
    }

    #[test]
    fn staff_see_sealed_entries_and_attorneys_of_record_get_restricted_documents() {
        let public = Reader::default();
        let attorney = Reader {
            attorney: true,
            ..Reader::default()
        };
        let staff = Reader {
            staff: true,
            ..Reader::default()
        };
        assert!(public.may_open(false, false));
        assert!(!public.may_open(false, true) && !public.may_open(true, false));
        assert!(attorney.may_open(false, true) && !attorney.may_open(true, false));
        assert!(staff.may_open(true, true));
    }

    #[test]
    fn a_hearing_is_typed_as_the_courts_local_time_and_described_on_one_line() {
        assert_eq!(
            parse_hearing_time("2027-01-12 09:30").map(|t| t.to_string()),
            Ok("2027-01-12 09:30:00".to_owned())
        );
        assert_eq!(parse_hearing_time("Jan 12"), Err(HearingRefusal::BadTime));
        assert_eq!(check_hearing_text("location", "Courtroom 5A"), Ok(()));
        assert_eq!(
            check_hearing_text("location", " "),
            Err(HearingRefusal::BadText("location"))
        );
        assert_eq!(
            check_hearing_text("description", "a\nb"),
            Err(HearingRefusal::BadText("description"))
        );
    }

    #[test]
    fn a_sealed_entrys_quote_in_a_later_entry_is_replaced() {
        let sealed = "MOTION for Extension of Time to Serve the Summons filed by Jordan Filer.";
        let quote = reference_quote(sealed);
        assert_eq!(quote, "MOTION for Extension of Time to Serve the Summons filed by...");
        let later = format!("RESPONSE in Opposition re 2 {quote} filed by Acme.");
        assert_eq!(
            redact_reference(&later, 2, sealed),
            "RESPONSE in Opposition re 2 [sealed] filed by Acme."
        );
        assert_eq!(redact_reference("no reference", 2, sealed), "no reference");
    }

    #[test]
    fn days_are_typed_iso_or_as_cmecf_prints_them_and_none_clears() {
        assert_eq!(parse_day("x", "2026-05-01"), Ok(Some(day("2026-05-01"))));
        assert_eq!(parse_day("x", "05/01/2026"), Ok(Some(day("2026-05-01"))));
        assert_eq!(parse_day("x", "none"), Ok(None));
        assert_eq!(parse_day("x", "May 1"), Err(DetailsRefusal::BadDay("x")));
        assert_eq!(reason("  "), None);
        assert_eq!(reason(" sealed by order "), Some("sealed by order"));
    }
}
