//! A small iCalendar (RFC 5545) writer for the courts' go-live calendar:
//! one `VCALENDAR` of all-day `VEVENT`s. Lines end in CRLF and are folded at
//! 75 octets (never inside a UTF-8 character); TEXT values are escaped.

use chrono::{DateTime, NaiveDate, Utc};

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayEvent {
    /// Globally unique and stable: the same event keeps it when its day moves.
    pub uid: String,
    pub day: NaiveDate,
    pub summary: String,
    pub description: String,
    pub url: String,
    /// Bumped each time the event changes, so calendars replace their copy.
    pub sequence: i64,
}

/// A calendar of all-day events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// `-//vendor//product//EN`.
    pub prodid: String,
    pub name: String,
    pub events: Vec<DayEvent>,
}

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and
/// line breaks; other control characters are dropped.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line (RFC 5545 3.1): at most 75 octets a line, each
/// continuation starting with a space; CRLF after each. A UTF-8 character is
/// never split.
pub fn fold_line(line: &str) -> String {
    const MAX: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / MAX * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > MAX {
            out.push_str("\r\n ");
            // The leading space counts toward the continuation line's 75.
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

impl Calendar {
    /// The calendar as an `.ics` file; `stamp` is when it was made (DTSTAMP).
    pub fn to_ics(&self, stamp: DateTime<Utc>) -> String {
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            format!("PRODID:{}", self.prodid),
            "CALSCALE:GREGORIAN".to_owned(),
            "METHOD:PUBLISH".to_owned(),
            format!("NAME:{}", escape_text(&self.name)),
            format!("X-WR-CALNAME:{}", escape_text(&self.name)),
        ];
        for e in &self.events {
            lines.extend([
                "BEGIN:VEVENT".to_owned(),
                format!("UID:{}", e.uid),
                format!("DTSTAMP:{}", utc_stamp(stamp)),
                format!("DTSTART;VALUE=DATE:{}", e.day.format("%Y%m%d")),
                format!("SEQUENCE:{}", e.sequence.max(0)),
                format!("SUMMARY:{}", escape_text(&e.summary)),
                format!("DESCRIPTION:{}", escape_text(&e.description)),
                format!("URL;VALUE=URI:{}", e.url),
                "TRANSP:TRANSPARENT".to_owned(),
                "END:VEVENT".to_owned(),
            ]);
        }
        lines.push("END:VCALENDAR".to_owned());
        lines.iter().map(|l| fold_line(l)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unfold(ics: &str) -> String {
        ics.replace("\r\n ", "")
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("Court, S.D. New York; a\\b\nnext\r\nline\u{7}"),
            "Court\\, S.D. New York\\; a\\\\b\\nnext\\nline"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let line = format!("SUMMARY:{}", "x".repeat(200));
        let folded = fold_line(&line);
        assert!(folded.ends_with("\r\n"));
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l:?}", l.len());
        }
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
        // Two-octet characters straddling the boundary: each stays whole.
        let wide = format!("SUMMARY:{}", "é".repeat(80));
        let folded = fold_line(&wide);
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
            assert!(std::str::from_utf8(l.as_bytes()).is_ok());
        }
        assert_eq!(unfold(&folded), format!("{wide}\r\n"));
        // Exactly 75 octets: not folded.
        let exact = "X".repeat(75);
        assert_eq!(fold_line(&exact), format!("{exact}\r\n"));
        assert_eq!(fold_line(&"X".repeat(76)), format!("{}\r\n X\r\n", "X".repeat(75)));
    }

    #[test]
    fn a_calendar_has_its_properties_and_all_day_events_in_crlf_lines() {
        let cal = Calendar {
            prodid: "-//openecf//NextGen CM/ECF go-live calendar//EN".into(),
            name: "NextGen CM/ECF go-live dates".into(),
            events: vec![DayEvent {
                uid: "nextgen-go-live-gamb@ecf.example.gov".into(),
                day: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
                summary: "United States Bankruptcy Court, M.D. Georgia goes live on NextGen CM/ECF".into(),
                description: "Link your CM/ECF account; see the court's site.".into(),
                url: "https://ecf.example.gov/ecf/gamb/".into(),
                sequence: 2,
            }],
        };
        let stamp = DateTime::parse_from_rfc3339("2026-11-26T11:19:41Z").unwrap().to_utc();
        let ics = cal.to_ics(stamp);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openecf//"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
        let body = unfold(&ics);
        for line in [
            "BEGIN:VEVENT\r\n",
            "UID:nextgen-go-live-gamb@ecf.example.gov\r\n",
            "DTSTAMP:20261126T111941Z\r\n",
            "DTSTART;VALUE=DATE:20270301\r\n",
            "SEQUENCE:2\r\n",
            "SUMMARY:United States Bankruptcy Court\\, M.D. Georgia goes live on NextGen CM/ECF\r\n",
            "DESCRIPTION:Link your CM/ECF account\\; see the court's site.\r\n",
            "URL;VALUE=URI:https://ecf.example.gov/ecf/gamb/\r\n",
            "END:VEVENT\r\n",
        ] {
            assert!(body.contains(line), "{line:?} not in:\n{body}");
        }
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l:?}");
        }
    }
}
