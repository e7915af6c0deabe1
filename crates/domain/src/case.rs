//! Cases and their numbers, as CM/ECF writes them: district
//! `O:YY-TT-NNNNN` (with the assigned judge's initials once assigned,
//! `1:26-cv-00012-ABC`), bankruptcy `O:YY-bk-NNNNN`, adversary `O:YY-ap-NNNNN`.

use std::borrow::Cow;
use std::fmt;

use crate::court::CourtKind;
use crate::names::InvalidInput;

/// The kind of a case, as its number spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseType {
    Civil,
    Criminal,
    Magistrate,
    Miscellaneous,
    Bankruptcy,
    Adversary,
}

impl CaseType {
    pub fn code(self) -> &'static str {
        match self {
            Self::Civil => "cv",
            Self::Criminal => "cr",
            Self::Magistrate => "mj",
            Self::Miscellaneous => "mc",
            Self::Bankruptcy => "bk",
            Self::Adversary => "ap",
        }
    }

    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        match code.trim().to_ascii_lowercase().as_str() {
            "cv" => Ok(Self::Civil),
            "cr" => Ok(Self::Criminal),
            "mj" => Ok(Self::Magistrate),
            "mc" => Ok(Self::Miscellaneous),
            "bk" => Ok(Self::Bankruptcy),
            "ap" => Ok(Self::Adversary),
            other => Err(InvalidInput::new(
                "case type",
                format!("unknown case type {other:?}: use cv, cr, mj, mc, bk or ap"),
            )),
        }
    }
}

/// A case number. `seq` is never reused and never skipped within its
/// court, office, year and type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseNumber {
    pub office: u8,
    /// Two digits: 26 for 2026.
    pub year: u8,
    pub case_type: CaseType,
    pub seq: u32,
    /// The assigned judge's initials (district courts), shown as a suffix.
    pub judge: Option<String>,
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{:02}-{}-{:05}",
            self.office,
            self.year,
            self.case_type.code(),
            self.seq
        )?;
        if let Some(j) = &self.judge {
            write!(f, "-{j}")?;
        }
        Ok(())
    }
}

/// A case number as a filer types it: `26-567`, `1:26-567`, `1-26-cv-567`,
/// `26cv567`, `1:26-cv-00567-ABC`. Parts not typed are `None` (the caller
/// fills them from the court, or asks which case was meant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseQuery {
    pub office: Option<u8>,
    pub year: u8,
    pub case_type: Option<CaseType>,
    pub seq: u32,
}

impl CaseQuery {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let bad = || {
            InvalidInput::new(
                "case number",
                format!(
                    "{:?} is not a case number: type it like 26-567 or 1:26-cv-00567",
                    raw.trim()
                ),
            )
        };
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() || s.len() > 40 || !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-')) {
            return Err(bad());
        }
        // An office before ':' (or as the first of four '-' parts).
        let (office, rest) = match s.split_once(':') {
            Some((o, r)) => (Some(o.parse::<u8>().map_err(|_| bad())?), r.to_owned()),
            None => (None, s.clone()),
        };
        // Split digits from letters: 26cv567 → 26, cv, 567.
        let mut parts: Vec<String> = Vec::new();
        for chunk in rest.split('-').filter(|p| !p.is_empty()) {
            let mut cur = String::new();
            for c in chunk.chars() {
                if !cur.is_empty() && cur.chars().last().is_some_and(|l| l.is_ascii_digit()) != c.is_ascii_digit() {
                    parts.push(std::mem::take(&mut cur));
                }
                cur.push(c);
            }
            if !cur.is_empty() {
                parts.push(cur);
            }
        }
        let mut office = office;
        if office.is_none()
            && parts.len() >= 3
            && parts[0].len() == 1
            && parts[1].chars().all(|c| c.is_ascii_digit())
            && parts[2].chars().all(|c| c.is_ascii_alphabetic())
        {
            office = Some(parts.remove(0).parse().map_err(|_| bad())?);
        }
        // year, [type], seq, [judge]
        let year: u8 = parts.first().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let (case_type, seq_at) = match parts.get(1) {
            Some(p) if p.chars().all(|c| c.is_ascii_alphabetic()) => (Some(CaseType::parse(p).map_err(|_| bad())?), 2),
            _ => (None, 1),
        };
        let seq: u32 = parts.get(seq_at).ok_or_else(bad)?.parse().map_err(|_| bad())?;
        // A judge's initials may follow; anything else may not.
        match parts.get(seq_at + 1) {
            None => {}
            Some(j) if j.chars().all(|c| c.is_ascii_alphabetic()) && parts.len() == seq_at + 2 => {}
            Some(_) => return Err(bad()),
        }
        if year > 99 || seq == 0 {
            return Err(bad());
        }
        Ok(Self {
            office,
            year,
            case_type,
            seq,
        })
    }

    /// Whether a case number is one this query may mean.
    pub fn matches(&self, n: &CaseNumber) -> bool {
        self.year == n.year
            && self.seq == n.seq
            && self.office.is_none_or(|o| o == n.office)
            && self.case_type.is_none_or(|t| t == n.case_type)
    }
}

/// A party's role in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartyRole {
    Plaintiff,
    Defendant,
    Debtor,
    Creditor,
    Petitioner,
    Respondent,
}

impl PartyRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plaintiff => "Plaintiff",
            Self::Defendant => "Defendant",
            Self::Debtor => "Debtor",
            Self::Creditor => "Creditor",
            Self::Petitioner => "Petitioner",
            Self::Respondent => "Respondent",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "plaintiff" => Ok(Self::Plaintiff),
            "defendant" => Ok(Self::Defendant),
            "debtor" => Ok(Self::Debtor),
            "creditor" => Ok(Self::Creditor),
            "petitioner" => Ok(Self::Petitioner),
            "respondent" => Ok(Self::Respondent),
            other => Err(InvalidInput::new("role", format!("unknown party role {other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(seq: u32, judge: Option<&str>) -> CaseNumber {
        CaseNumber {
            office: 1,
            year: 26,
            case_type: CaseType::Civil,
            seq,
            judge: judge.map(str::to_owned),
        }
    }

    #[test]
    fn numbers_read_as_cmecf_writes_them() {
        assert_eq!(n(12, Some("ABC")).to_string(), "1:26-cv-00012-ABC");
        assert_eq!(n(567, None).to_string(), "1:26-cv-00567");
    }

    #[test]
    fn the_loose_forms_filers_type_are_understood() {
        let full = n(567, Some("ABC"));
        for typed in [
            "26-567",
            "1:26-567",
            "1-26-cv-567",
            "26cv567",
            "1:26-cv-00567",
            "1:26-cv-00567-ABC",
            " 26-CV-567 ",
        ] {
            let q = CaseQuery::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert!(q.matches(&full), "{typed} → {q:?}");
        }
        assert!(!CaseQuery::parse("26-568").unwrap().matches(&full));
        assert!(!CaseQuery::parse("1:26-cr-567").unwrap().matches(&full));
        for junk in [
            "",
            "abc",
            "26",
            "26-0",
            "1:26-cv-567-ABC-x",
            "26-567; drop",
            "1:26-zz-567",
        ] {
            assert!(CaseQuery::parse(junk).is_err(), "{junk}");
        }
    }
}

/// A filing event of a court's catalogue: its category (as the menu groups
/// them), its name, and the docket text it begins with. The built-in events
/// borrow their words; those a court adds own theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub category: Cow<'static, str>,
    pub name: Cow<'static, str>,
    pub docket_text: Cow<'static, str>,
    /// Makes the filer an attorney of record for their party (a first appearance).
    pub appearance: bool,
}

impl Event {
    /// A built-in event of the catalogue.
    pub const fn builtin(
        category: &'static str,
        name: &'static str,
        docket_text: &'static str,
        appearance: bool,
    ) -> Self {
        Self {
            category: Cow::Borrowed(category),
            name: Cow::Borrowed(name),
            docket_text: Cow::Borrowed(docket_text),
            appearance,
        }
    }
}

/// How long a notice's free look at its document lasts (one view, within this).
pub const FREE_LOOK_SECS: i64 = 15 * 24 * 60 * 60;

/// The district courts' civil events that can be filed into an existing case.
pub const CIVIL_EVENTS: &[Event] = &[
    Event::builtin(
        "Answers to Complaints",
        "Answer to Complaint",
        "ANSWER to Complaint",
        true,
    ),
    Event::builtin(
        "Motions and Related Filings",
        "Motion to Dismiss",
        "MOTION to Dismiss",
        false,
    ),
    Event::builtin(
        "Motions and Related Filings",
        "Motion for Extension of Time",
        "MOTION for Extension of Time",
        false,
    ),
    Event::builtin(
        "Motions and Related Filings",
        "Motion for Summary Judgment",
        "MOTION for Summary Judgment",
        false,
    ),
    Event::builtin(
        "Responses and Replies",
        "Response in Opposition to Motion",
        "RESPONSE in Opposition re Motion",
        false,
    ),
    Event::builtin("Notices", "Notice of Appearance", "NOTICE of Appearance", true),
    Event::builtin("Other Filings", "Memorandum of Law", "MEMORANDUM OF LAW", false),
];

/// The event that opens a civil case.
pub const COMPLAINT: Event = Event::builtin("Open a Civil Case", "Complaint", "COMPLAINT", true);

/// A civil event by its name.
pub fn civil_event(name: &str) -> Option<Event> {
    CIVIL_EVENTS.iter().find(|e| e.name == name).cloned()
}

/// The district courts' criminal events that filers (prosecutors and defence
/// counsel) file into a criminal case the clerk's office opened.
pub const CRIMINAL_EVENTS: &[Event] = &[
    Event::builtin(
        "Notices",
        "Notice of Attorney Appearance",
        "NOTICE OF ATTORNEY APPEARANCE",
        true,
    ),
    Event::builtin("Motions", "Motion to Continue", "MOTION to Continue", false),
    Event::builtin("Motions", "Motion to Suppress", "MOTION to Suppress", false),
    Event::builtin(
        "Responses and Replies",
        "Response to Motion",
        "RESPONSE to Motion",
        false,
    ),
    Event::builtin(
        "Sentencing Documents",
        "Sentencing Memorandum",
        "SENTENCING MEMORANDUM",
        false,
    ),
];

/// A criminal event by its name.
pub fn criminal_event(name: &str) -> Option<Event> {
    CRIMINAL_EVENTS.iter().find(|e| e.name == name).cloned()
}

/// The clerk's office's event that opens a criminal case.
pub const INDICTMENT: Event = Event::builtin("Indictments and Informations", "Indictment", "INDICTMENT", false);

/// The list of creditors a debtor files: plain text, not PDF.
pub const CREDITOR_MATRIX: Event = Event::builtin("Creditor Maintenance", "Creditor Matrix", "Creditor Matrix", false);

/// The longest line of a creditor matrix, as bankruptcy courts require.
pub const MATRIX_LINE_CHARS: usize = 40;

/// Checks a creditor matrix: plain text (printable characters, one creditor's
/// name and address lines, a blank line between creditors), each line at
/// most 40 characters. Returns how many creditors it lists.
pub fn check_creditor_matrix(bytes: &[u8]) -> Result<usize, String> {
    if bytes.starts_with(b"%PDF") {
        return Err("the creditor matrix must be a plain text file (.txt), not a PDF".to_owned());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "the creditor matrix must be a plain text file (.txt), not a PDF or word-processor file".to_owned()
    })?;
    let mut creditors = 0;
    let mut in_creditor = false;
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
            return Err(format!(
                "line {} has a control character ({:?}); the matrix must be plain text",
                n + 1,
                c
            ));
        }
        let chars = line.chars().count();
        if chars > MATRIX_LINE_CHARS {
            return Err(format!(
                "line {} has {chars} characters; a creditor matrix allows at most {MATRIX_LINE_CHARS} a line",
                n + 1
            ));
        }
        let blank = line.trim().is_empty();
        if !blank && !in_creditor {
            creditors += 1;
        }
        in_creditor = !blank;
    }
    if creditors == 0 {
        return Err("the creditor matrix lists no creditor".to_owned());
    }
    Ok(creditors)
}

/// The menu an event is filed from: a district court's Civil and Criminal
/// menus, a bankruptcy court's Bankruptcy menu (its adversary proceedings too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventMenu {
    Civil,
    Criminal,
    Bankruptcy,
}

impl EventMenu {
    pub const ALL: [Self; 3] = [Self::Civil, Self::Criminal, Self::Bankruptcy];

    /// As the menu's path and the CLI spell it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Civil => "civil",
            Self::Criminal => "criminal",
            Self::Bankruptcy => "bankruptcy",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "civil" => Ok(Self::Civil),
            "criminal" => Ok(Self::Criminal),
            "bankruptcy" => Ok(Self::Bankruptcy),
            other => Err(InvalidInput::new(
                "menu",
                format!("unknown menu {other:?}: use civil, criminal or bankruptcy"),
            )),
        }
    }

    /// The menu whose events are filed into a case of this type.
    pub fn of_case(case_type: CaseType) -> Self {
        match case_type {
            CaseType::Civil | CaseType::Miscellaneous => Self::Civil,
            CaseType::Criminal | CaseType::Magistrate => Self::Criminal,
            CaseType::Bankruptcy | CaseType::Adversary => Self::Bankruptcy,
        }
    }

    /// Whether a court of this kind has the menu.
    pub fn at(self, kind: CourtKind) -> bool {
        match self {
            Self::Civil | Self::Criminal => kind == CourtKind::District,
            Self::Bankruptcy => kind == CourtKind::Bankruptcy,
        }
    }

    /// The events every court with this menu has.
    pub fn builtin(self) -> &'static [Event] {
        match self {
            Self::Civil => CIVIL_EVENTS,
            Self::Criminal => CRIMINAL_EVENTS,
            Self::Bankruptcy => BANKRUPTCY_EVENTS,
        }
    }
}

/// The longest category, name and docket text of an event a court adds.
pub const EVENT_WORDS_MAX: usize = 120;

/// A court's event catalogue: the built-in events of its kind, then those the
/// court added. Each name means one event at the court (held filings and
/// docket entries keep the event by its name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    events: Vec<(EventMenu, Event)>,
}

impl Catalogue {
    /// The built-in events of a court of this kind, and those it `added`.
    pub fn new(kind: CourtKind, added: Vec<(EventMenu, Event)>) -> Self {
        let mut events: Vec<(EventMenu, Event)> = EventMenu::ALL
            .into_iter()
            .filter(|m| m.at(kind))
            .flat_map(|m| m.builtin().iter().map(move |e| (m, e.clone())))
            .collect();
        events.extend(added.into_iter().filter(|(m, _)| m.at(kind)));
        Self { events }
    }

    /// The events of one menu, in the catalogue's order.
    pub fn menu(&self, menu: EventMenu) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |(m, _)| *m == menu).map(|(_, e)| e)
    }

    /// The menu's categories, each once, in the catalogue's order.
    pub fn categories(&self, menu: EventMenu) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for e in self.menu(menu) {
            if !seen.contains(&e.category.as_ref()) {
                seen.push(&e.category);
            }
        }
        seen
    }

    /// The court's event of this name, with its menu.
    pub fn named(&self, name: &str) -> Option<(EventMenu, &Event)> {
        self.events.iter().find(|(_, e)| e.name == name).map(|(m, e)| (*m, e))
    }

    /// Whether the event of this name may be filed into a case of this type
    /// (a civil event into a civil case, a criminal one into a criminal case…).
    pub fn fits(&self, name: &str, case_type: CaseType) -> bool {
        self.named(name)
            .is_some_and(|(m, _)| m == EventMenu::of_case(case_type))
    }

    /// Checks an event the court would add to a menu: its words present, on
    /// one line and not too long, and its name not already an event here.
    pub fn check_new(&self, kind: CourtKind, menu: EventMenu, event: &Event) -> Result<(), InvalidInput> {
        if !menu.at(kind) {
            return Err(InvalidInput::new(
                "menu",
                format!("a {} court has no {} menu", kind.as_str(), menu.code()),
            ));
        }
        for (field, value) in [
            ("category", &event.category),
            ("name", &event.name),
            ("docket text", &event.docket_text),
        ] {
            let v = value.trim();
            if v.is_empty() || v.len() != value.len() {
                return Err(InvalidInput::new(field, "required, without leading or trailing spaces"));
            }
            if v.chars().count() > EVENT_WORDS_MAX || v.chars().any(char::is_control) {
                return Err(InvalidInput::new(
                    field,
                    format!("at most {EVENT_WORDS_MAX} characters, on one line"),
                ));
            }
        }
        if self.named(&event.name).is_some() {
            return Err(InvalidInput::new(
                "name",
                format!("the court already has an event named {:?}", event.name),
            ));
        }
        Ok(())
    }
}

/// The bankruptcy courts' events that can be filed into a bankruptcy case
/// or an adversary proceeding.
pub const BANKRUPTCY_EVENTS: &[Event] = &[
    Event::builtin(
        "Motions/Applications",
        "Motion for Relief from Stay",
        "MOTION for Relief from Stay",
        false,
    ),
    Event::builtin("Answer/Response", "Answer to Complaint", "ANSWER to Complaint", true),
    Event::builtin("Claim Actions", "Objection to Claim", "OBJECTION to Claim", false),
    CREDITOR_MATRIX,
    Event::builtin(
        "Notices",
        "Notice of Appearance and Request for Notice",
        "NOTICE of Appearance and Request for Notice",
        true,
    ),
];

/// The event that opens a bankruptcy case (its docket text names the chapter).
pub const PETITION: Event = Event::builtin(
    "Open a Bankruptcy Case",
    "Voluntary Petition",
    "Voluntary Petition",
    true,
);

/// The event that opens an adversary proceeding.
pub const ADVERSARY_COMPLAINT: Event = Event::builtin(
    "Open an Adversary Proceeding",
    "Adversary Complaint",
    "ADVERSARY COMPLAINT",
    true,
);

/// A bankruptcy event by its name.
pub fn bankruptcy_event(name: &str) -> Option<Event> {
    BANKRUPTCY_EVENTS.iter().find(|e| e.name == name).cloned()
}

/// The filing fee of a voluntary petition, in cents, by chapter.
pub fn petition_fee_cents(chapter: i64) -> Option<i64> {
    match chapter {
        7 => Some(33_800),
        11 | 15 => Some(173_800),
        12 => Some(27_800),
        13 => Some(31_300),
        _ => None,
    }
}

/// "$338.00".
pub fn dollars(cents: i64) -> String {
    crate::fees::money(cents)
}

/// A Social Security number or ITIN. `Debug` never shows it; only its last
/// four digits are ever shown on a page, notice or report.
#[derive(Clone, PartialEq, Eq)]
pub struct TaxId(String);

impl fmt::Debug for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaxId(xxx-xx-{})", self.last4())
    }
}

impl TaxId {
    /// Nine digits, with or without dashes or spaces; not all zeros, no area 000 or 666.
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        let bad = || InvalidInput::new("SSN/ITIN", "nine digits, like 123-45-6789");
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if digits.starts_with("000") || digits.starts_with("666") || digits.ends_with("0000") || &digits[3..5] == "00" {
            return Err(bad());
        }
        Ok(Self(digits))
    }

    /// The whole number, to seal for storage.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn last4(&self) -> &str {
        self.0.get(5..).unwrap_or("")
    }

    /// "xxx-xx-6789", as pages show it.
    pub fn masked(&self) -> String {
        format!("xxx-xx-{}", self.last4())
    }
}

#[cfg(test)]
mod bankruptcy_tests {
    use super::*;

    #[test]
    fn a_creditor_matrix_is_plain_text_of_short_lines() {
        let ok = b"First Bank\n100 Main Street\nMacon, GA 31201\n\nQuick Loans LLC\nPO Box 7\nAtlanta, GA 30301\n";
        assert_eq!(check_creditor_matrix(ok), Ok(2));
        let long = format!("{}\n", "x".repeat(41));
        assert_eq!(
            check_creditor_matrix(long.as_bytes()).unwrap_err(),
            "line 1 has 41 characters; a creditor matrix allows at most 40 a line"
        );
        assert!(check_creditor_matrix(&"x".repeat(40).into_bytes()).is_ok());
        assert!(check_creditor_matrix(b"%PDF-1.7\n\xff\xfe")
            .unwrap_err()
            .contains("plain text file"));
        assert!(check_creditor_matrix(b"Bank\x07\n")
            .unwrap_err()
            .contains("control character"));
        assert_eq!(
            check_creditor_matrix(b"\n  \n").unwrap_err(),
            "the creditor matrix lists no creditor"
        );
    }

    #[test]
    fn a_district_court_finds_each_event_by_its_name_alone() {
        // Held filings keep the event's name: no name may mean two events.
        let district = Catalogue::new(CourtKind::District, vec![]);
        for civil in CIVIL_EVENTS {
            assert!(CRIMINAL_EVENTS.iter().all(|c| c.name != civil.name), "{}", civil.name);
            assert!(district.fits(&civil.name, CaseType::Civil) && !district.fits(&civil.name, CaseType::Criminal));
        }
        for criminal in CRIMINAL_EVENTS {
            assert!(
                district.fits(&criminal.name, CaseType::Magistrate) && !district.fits(&criminal.name, CaseType::Civil)
            );
        }
        let bankruptcy = Catalogue::new(CourtKind::Bankruptcy, vec![]);
        assert!(BANKRUPTCY_EVENTS
            .iter()
            .all(|e| bankruptcy.fits(&e.name, CaseType::Adversary)));
        assert!(
            bankruptcy.named("Motion to Dismiss").is_none(),
            "a district event at a bankruptcy court"
        );
    }

    #[test]
    fn a_court_extends_its_catalogue_with_events_of_its_own() {
        let compel = Event {
            category: "Motions and Related Filings".into(),
            name: "Motion to Compel".into(),
            docket_text: "MOTION to Compel".into(),
            appearance: false,
        };
        let district = Catalogue::new(CourtKind::District, vec![]);
        assert!(district
            .check_new(CourtKind::District, EventMenu::Civil, &compel)
            .is_ok());
        assert!(district
            .check_new(CourtKind::District, EventMenu::Bankruptcy, &compel)
            .is_err());
        let extended = Catalogue::new(CourtKind::District, vec![(EventMenu::Civil, compel.clone())]);
        assert!(extended.fits("Motion to Compel", CaseType::Civil));
        assert!(!extended.fits("Motion to Compel", CaseType::Criminal));
        assert_eq!(
            extended
                .check_new(CourtKind::District, EventMenu::Criminal, &compel)
                .unwrap_err()
                .reason,
            "the court already has an event named \"Motion to Compel\""
        );
        let dup_builtin = Event {
            name: "Motion to Dismiss".into(),
            ..compel.clone()
        };
        assert!(district
            .check_new(CourtKind::District, EventMenu::Civil, &dup_builtin)
            .is_err());
        let blank = Event {
            docket_text: " ".into(),
            ..compel.clone()
        };
        assert!(district
            .check_new(CourtKind::District, EventMenu::Civil, &blank)
            .is_err());
        let long = Event {
            category: "x".repeat(121).into(),
            ..compel
        };
        assert!(district
            .check_new(CourtKind::District, EventMenu::Civil, &long)
            .is_err());
        // The category shows among the menu's categories, once.
        let cats = extended.categories(EventMenu::Civil);
        assert_eq!(cats.iter().filter(|c| **c == "Motions and Related Filings").count(), 1);
    }

    #[test]
    fn tax_ids_show_only_their_last_four_digits() {
        let id = TaxId::parse("123-45-6789").unwrap();
        assert_eq!(id.masked(), "xxx-xx-6789");
        assert_eq!(format!("{id:?}"), "TaxId(xxx-xx-6789)");
        assert_eq!(TaxId::parse("923 70 1234").unwrap().last4(), "1234");
        for bad in [
            "12345678",
            "000-12-3456",
            "666-12-3456",
            "123-00-4567",
            "123-45-0000",
            "12a-45-6789",
        ] {
            assert!(TaxId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(petition_fee_cents(7).map(dollars).as_deref(), Some("$338.00"));
        assert_eq!(petition_fee_cents(9), None);
    }
}
