//! The access log: one line for each page, API and service request (the
//! static files are not logged), under the target `openecf::access`
//! (`OPENECF_LOG=info,openecf::access=off` silences it).
//!
//! A busy court serves tens of thousands of pages a second, and the log
//! line was a tenth of a page's work when `tracing`'s formatter wrote it
//! (fields visited one by one through `dyn` calls, the span's fields
//! formatted again for every event). So the binary hands this module its
//! log writer ([`install`]) and the line is written here, in one pass, in
//! the same shape as the formatter's: text
//!
//! ```text
//! 2026-12-06T14:06:10.878380Z  INFO request{op=487f1c1f9c8b7b0e}: openecf::access: served method=GET path=/ecf/gamb/bankruptcy status=200 elapsed_ms=1
//! ```
//!
//! or, with `--log-format json`, an object with `timestamp`, `level`,
//! `fields`, `target` and `span` as `tracing_subscriber`'s JSON lines have.
//! Whether the line is written is still the subscriber's filter's call.
//! Without [`install`] (the tests), the line is an ordinary `tracing` event.

use std::cell::RefCell;
use std::io::Write as _;
use std::sync::OnceLock;

use axum::http::Method;
use chrono::{DateTime, Utc};

/// How the lines are written, set once by the binary.
pub struct AccessLog {
    /// JSON lines rather than text.
    pub json: bool,
    /// Colour codes in text lines (only for a person at a terminal).
    pub ansi: bool,
    /// Takes one whole line, newline included.
    pub sink: Sink,
}

/// Where the lines go: a function given each whole line.
pub type Sink = Box<dyn Fn(&[u8]) + Send + Sync>;

static LOG: OnceLock<AccessLog> = OnceLock::new();

/// Sends the access log to `log` rather than through `tracing`'s formatter.
/// The first call wins; it says whether it was the first.
pub fn install(log: AccessLog) -> bool {
    LOG.set(log).is_ok()
}

/// What one line tells.
pub(crate) struct Served<'a> {
    pub op: &'a str,
    pub method: &'a Method,
    pub path: &'a str,
    pub status: u16,
    pub elapsed_ms: u64,
}

/// Logs a request served, if the subscriber's filter lets `openecf::access` through.
pub(crate) fn served(line: &Served<'_>) {
    if !tracing::enabled!(target: "openecf::access", tracing::Level::INFO) {
        return;
    }
    let Some(log) = LOG.get() else {
        tracing::info!(
            target: "openecf::access",
            method = %line.method,
            path = %line.path,
            status = line.status,
            elapsed_ms = line.elapsed_ms,
            "served"
        );
        return;
    };
    BUFFER.with_borrow_mut(|buf| {
        buf.clear();
        #[allow(
            clippy::disallowed_methods,
            reason = "a log line's time is the wall clock's, as every other line's (tracing's formatter reads it too)"
        )]
        let now = Utc::now();
        if log.json {
            write_json(buf, now, line);
        } else {
            write_text(buf, now, line, log.ansi);
        }
        (log.sink)(buf);
    });
}

thread_local! {
    /// Each worker thread's line, kept for the next (the writer's queue copies it).
    static BUFFER: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(256));
    /// The second the last timestamp of this thread fell in, and its text up to the seconds.
    static SECOND: RefCell<(i64, [u8; 19])> = const { RefCell::new((i64::MIN, [0; 19])) };
}

/// `2026-12-06T14:06:10.878380Z`, as `tracing_subscriber` writes it.
fn write_timestamp(buf: &mut Vec<u8>, now: DateTime<Utc>) {
    let secs = now.timestamp();
    SECOND.with_borrow_mut(|(second, text)| {
        if *second != secs {
            let mut cursor = std::io::Cursor::new(&mut text[..]);
            let _ = write!(cursor, "{}", now.format("%Y-%m-%dT%H:%M:%S"));
            *second = secs;
        }
        buf.extend_from_slice(&text[..]);
    });
    let _ = write!(buf, ".{:06}Z", now.timestamp_subsec_micros().min(999_999));
}

fn write_text(buf: &mut Vec<u8>, now: DateTime<Utc>, line: &Served<'_>, ansi: bool) {
    if ansi {
        buf.extend_from_slice(b"\x1b[2m");
    }
    write_timestamp(buf, now);
    if ansi {
        buf.extend_from_slice(b"\x1b[0m \x1b[32m INFO\x1b[0m \x1b[1mrequest\x1b[0m{op=");
    } else {
        buf.extend_from_slice(b"  INFO request{op=");
    }
    buf.extend_from_slice(line.op.as_bytes());
    buf.extend_from_slice(b"}: openecf::access: served method=");
    buf.extend_from_slice(line.method.as_str().as_bytes());
    buf.extend_from_slice(b" path=");
    write_path(buf, line.path);
    let _ = writeln!(buf, " status={} elapsed_ms={}", line.status, line.elapsed_ms);
}

/// The path as the text line shows it: printable ASCII as it came, every
/// other byte percent-encoded. (The HTTP parser refuses control bytes and
/// spaces, but lets raw UTF-8 through: U+2028 or U+0085, which some log
/// viewers take for a line break, or U+202E, which turns the rest of the
/// line around, would otherwise forge or hide what follows.)
fn write_path(buf: &mut Vec<u8>, path: &str) {
    for &b in path.as_bytes() {
        if b.is_ascii_graphic() {
            buf.push(b);
        } else {
            let _ = write!(buf, "%{b:02X}");
        }
    }
}

fn write_json(buf: &mut Vec<u8>, now: DateTime<Utc>, line: &Served<'_>) {
    buf.extend_from_slice(b"{\"timestamp\":\"");
    write_timestamp(buf, now);
    buf.extend_from_slice(b"\",\"level\":\"INFO\",\"fields\":{\"message\":\"served\",\"method\":");
    json_string(buf, line.method.as_str());
    buf.extend_from_slice(b",\"path\":");
    json_string(buf, line.path);
    let _ = write!(
        buf,
        ",\"status\":{},\"elapsed_ms\":{}}},\"target\":\"openecf::access\",\"span\":{{\"op\":",
        line.status, line.elapsed_ms
    );
    json_string(buf, line.op);
    buf.extend_from_slice(b",\"name\":\"request\"},\"spans\":[{\"op\":");
    json_string(buf, line.op);
    buf.extend_from_slice(b",\"name\":\"request\"}]}\n");
}

/// A string as a JSON string literal.
fn json_string(buf: &mut Vec<u8>, s: &str) {
    if serde_json::to_writer(&mut *buf, s).is_err() {
        buf.extend_from_slice(b"\"\"");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.timestamp_opt(1_796_566_000, 0).unwrap()
    }

    fn line(path: &str) -> Served<'_> {
        Served {
            op: "487f1c1f9c8b7b0e",
            method: &Method::GET,
            path,
            status: 200,
            elapsed_ms: 1,
        }
    }

    #[test]
    fn a_text_line_has_the_formatters_shape() {
        let now = Utc.timestamp_opt(1_796_566_000, 878_380_123).unwrap();
        let mut buf = Vec::new();
        write_text(&mut buf, now, &line("/ecf/gamb/bankruptcy"), false);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "2026-12-06T14:06:40.878380Z  INFO request{op=487f1c1f9c8b7b0e}: openecf::access: served method=GET path=/ecf/gamb/bankruptcy status=200 elapsed_ms=1\n"
        );
        // A second line in the same second, and one in the next, each with its own time.
        let mut buf = Vec::new();
        write_timestamp(&mut buf, now + chrono::Duration::microseconds(5));
        write_timestamp(&mut buf, now + chrono::Duration::seconds(1));
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "2026-12-06T14:06:40.878385Z2026-12-06T14:06:41.878380Z"
        );
    }

    #[test]
    fn a_path_cannot_break_or_turn_the_text_line() {
        let mut buf = Vec::new();
        write_text(&mut buf, at(), &line("/ecf/\u{2028}x\u{85}y\u{202e}z%41"), false);
        let text = String::from_utf8(buf).unwrap();
        assert!(text.is_ascii(), "{text}");
        assert!(
            text.contains(" path=/ecf/%E2%80%A8x%C2%85y%E2%80%AEz%41 status=200"),
            "{text}"
        );
    }

    #[test]
    fn a_text_line_at_a_terminal_has_colour_and_elsewhere_none() {
        let now = at();
        let (mut plain, mut coloured) = (Vec::new(), Vec::new());
        write_text(&mut plain, now, &line("/"), false);
        write_text(&mut coloured, now, &line("/"), true);
        assert!(!plain.contains(&0x1b));
        assert!(coloured.contains(&0x1b));
    }

    #[test]
    fn a_json_line_is_one_object_with_the_fields_escaped() {
        let now = Utc.timestamp_opt(1_796_566_000, 0).unwrap();
        let mut buf = Vec::new();
        write_json(&mut buf, now, &line("/ecf/gamb/\"odd\"\\path"));
        let text = String::from_utf8(buf).unwrap();
        assert!(text.ends_with('\n') && text.lines().count() == 1, "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["timestamp"], "2026-12-06T14:06:40.000000Z");
        assert_eq!(v["level"], "INFO");
        assert_eq!(v["target"], "openecf::access");
        assert_eq!(v["fields"]["message"], "served");
        assert_eq!(v["fields"]["path"], "/ecf/gamb/\"odd\"\\path");
        assert_eq!(v["fields"]["method"], "GET");
        assert_eq!(v["fields"]["status"], 200);
        assert_eq!(v["fields"]["elapsed_ms"], 1);
        assert_eq!(v["span"]["op"], "487f1c1f9c8b7b0e");
        assert_eq!(v["span"]["name"], "request");
    }
}
