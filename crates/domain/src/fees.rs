//! PACER's fees, exact to the cent: $0.10 a billable page; an HTML report is
//! one page per 4,320 bytes, a PDF its pages; a document or case-specific
//! report is capped at 30 pages ($3.00), a name search is not; a search that
//! finds nothing costs one page; a quarter's total of $30 or less is waived.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

use crate::names::InvalidInput;

/// Cents a billable page.
pub const PAGE_CENTS: i64 = 10;
/// Bytes of an HTML report a billable page.
pub const HTML_BYTES_PER_PAGE: i64 = 4_320;
/// The most pages charged for one document or case-specific report.
pub const CAP_PAGES: i64 = 30;
/// Records on a billable page of PACER Case Locator results.
pub const LOCATOR_PAGE_RECORDS: i64 = 54;
/// A quarter's total at or under this is not billed.
pub const QUARTER_WAIVER_CENTS: i64 = 3_000;

/// What was served, as PACER bills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billable {
    /// A document (PDF), by its pages.
    Document { pages: i64 },
    /// A report about one case (docket report, case query, claims register…), by its HTML bytes.
    CaseReport { bytes: i64 },
    /// A search across cases (by party name…): not capped; no match costs one page.
    Search { bytes: i64, matched: bool },
    /// PACER Case Locator results: a page per 54 records (at least one), not capped.
    Locator { records: i64 },
}

impl Billable {
    /// The pages billed for it.
    pub fn pages(self) -> i64 {
        let html = |bytes: i64| ((bytes.max(0) + HTML_BYTES_PER_PAGE - 1) / HTML_BYTES_PER_PAGE).max(1);
        match self {
            Self::Document { pages } => pages.clamp(1, CAP_PAGES),
            Self::CaseReport { bytes } => html(bytes).min(CAP_PAGES),
            Self::Search { matched: false, .. } => 1,
            Self::Search { bytes, matched: true } => html(bytes),
            Self::Locator { records } => ((records.max(0) + LOCATOR_PAGE_RECORDS - 1) / LOCATOR_PAGE_RECORDS).max(1),
        }
    }
}

/// Why a transaction costs nothing, though recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exemption {
    /// The court's own staff, at their court.
    CourtUser,
    /// Written opinions are free to all.
    Opinion,
    /// A CJA panel attorney's work, under the court's exemption, turned on for the session.
    Cja,
}

impl Exemption {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CourtUser => "court user",
            Self::Opinion => "opinion",
            Self::Cja => "cja",
        }
    }
}

/// The cost of billable pages, unless exempt.
pub fn cost_cents(pages: i64, exempt: Option<Exemption>) -> i64 {
    if exempt.is_some() {
        0
    } else {
        pages * PAGE_CENTS
    }
}

/// "$3.00", "$0.10".
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.abs();
    format!("{sign}${}.{:02}", c / 100, c % 100)
}

/// What a quarter's usage is billed: nothing at or under $30, else all of it.
pub fn quarter_due_cents(total_cents: i64) -> i64 {
    if total_cents <= QUARTER_WAIVER_CENTS {
        0
    } else {
        total_cents
    }
}

/// A calendar quarter, `2026Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u32,
}

impl Quarter {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let bad = || {
            InvalidInput::new(
                "quarter",
                format!("{:?} is not a quarter: write it like 2026Q4", raw.trim()),
            )
        };
        let s = raw.trim().to_ascii_uppercase();
        let (y, q) = s.split_once('Q').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || !(2000..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, q })
    }

    pub fn of(t: DateTime<Utc>) -> Self {
        Self {
            year: t.year(),
            q: (t.month() - 1) / 3 + 1,
        }
    }

    fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The next quarter.
    pub fn next(self) -> Self {
        if self.q == 4 {
            Self {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Self { q: self.q + 1, ..self }
        }
    }

    /// Its first instant and the next quarter's, UTC.
    pub fn range(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
        (at(self.first_day()), at(self.next().first_day()))
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// A client code as PACER takes it: at most 32 characters, no spaces or commas.
pub fn check_client_code(raw: &str) -> Result<String, InvalidInput> {
    let code = raw.trim();
    if code.chars().count() > 32 || code.chars().any(|c| c.is_whitespace() || c == ',' || c.is_control()) {
        return Err(InvalidInput::new(
            "client code",
            "at most 32 characters, with no spaces or commas",
        ));
    }
    Ok(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_billed_as_pacer_bills_them() {
        assert_eq!(Billable::Document { pages: 4 }.pages(), 4);
        assert_eq!(Billable::Document { pages: 31 }.pages(), 30);
        assert_eq!(Billable::Document { pages: 0 }.pages(), 1);
        assert_eq!(Billable::CaseReport { bytes: 1 }.pages(), 1);
        assert_eq!(Billable::CaseReport { bytes: 4_320 }.pages(), 1);
        assert_eq!(Billable::CaseReport { bytes: 4_321 }.pages(), 2);
        assert_eq!(Billable::CaseReport { bytes: 10_000_000 }.pages(), 30);
        // A name search is not capped; a search that finds nothing is one page.
        assert_eq!(
            Billable::Search {
                bytes: 200_000,
                matched: true
            }
            .pages(),
            47
        );
        assert_eq!(
            Billable::Search {
                bytes: 200_000,
                matched: false
            }
            .pages(),
            1
        );
        assert_eq!(Billable::Locator { records: 0 }.pages(), 1);
        assert_eq!(Billable::Locator { records: 54 }.pages(), 1);
        assert_eq!(Billable::Locator { records: 55 }.pages(), 2);
        assert_eq!(Billable::Locator { records: 10_000 }.pages(), 186);
        assert_eq!(cost_cents(30, None), 300);
        assert_eq!(cost_cents(30, Some(Exemption::CourtUser)), 0);
        assert_eq!(money(300), "$3.00");
        assert_eq!(money(10), "$0.10");
        assert_eq!(money(12_345), "$123.45");
    }

    #[test]
    fn thirty_dollars_a_quarter_is_waived() {
        assert_eq!(quarter_due_cents(3_000), 0);
        assert_eq!(quarter_due_cents(3_010), 3_010);
        assert_eq!(quarter_due_cents(0), 0);
    }

    #[test]
    fn quarters_read_and_bound() {
        let q = Quarter::parse("2026q4").unwrap();
        assert_eq!(q.to_string(), "2026Q4");
        let (from, to) = q.range();
        assert_eq!(from.to_rfc3339(), "2026-10-01T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert_eq!(Quarter::of(to), Quarter::parse("2027Q1").unwrap());
        for bad in ["2026Q5", "2026", "Q4", "26Q4", "2026Q0", "x"] {
            assert!(Quarter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn client_codes_have_no_spaces_or_commas() {
        assert_eq!(check_client_code(" matter-42 ").unwrap(), "matter-42");
        assert_eq!(check_client_code("").unwrap(), "");
        assert!(check_client_code("a b").is_err());
        assert!(check_client_code("a,b").is_err());
        assert!(check_client_code(&"x".repeat(33)).is_err());
    }
}
