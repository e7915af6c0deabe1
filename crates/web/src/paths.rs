//! Where links and redirects lead: `next` values kept on the site, the way to
//! PACER LOGIN, and the canonical spelling of court paths. Shared by pages,
//! extractors and the error page, so none of them imports another.

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use openecf_domain::CourtId;

/// A `next` that stays on this site: a path, never `//host` or a scheme.
pub(crate) fn safe_next(next: &str, default: &str) -> String {
    let ok =
        next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.chars().any(char::is_control);
    if ok {
        next.to_owned()
    } else {
        default.to_owned()
    }
}

/// A path made fit for a `?next=` query value: everything but unreserved
/// characters and `/` is percent-encoded.
pub(crate) fn encode_next(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// PACER LOGIN, then on to `next`; `expired` says the session ran out mid-form.
pub(crate) fn login_href(next: &str, expired: bool) -> String {
    let expired = if expired { "&expired=1" } else { "" };
    format!("/csologin/login?next={}{expired}", encode_next(next))
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Decodes `%XX` escapes (and `+` as a space when `plus` is set); `None` when
/// the result is not UTF-8.
pub(crate) fn percent_decode(raw: &[u8], plus: bool) -> Option<String> {
    let hex = |b: u8| char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Sends `/ecf/GAMB/...` (or any court id the parser would normalise) to the
/// canonical `/ecf/gamb/...`, keeping the rest of the path and the query:
/// 308 for GET and HEAD, 303 (to the page, by GET) for anything else; `None`
/// for a path already canonical.
pub(crate) fn canonical_court(req: &Request) -> Option<Response> {
    let to = canonical_court_path(req.uri().path(), req.uri().query())?;
    let status = if matches!(*req.method(), Method::GET | Method::HEAD) {
        StatusCode::PERMANENT_REDIRECT
    } else {
        StatusCode::SEE_OTHER
    };
    Some((status, [(axum::http::header::LOCATION, to)]).into_response())
}

fn canonical_court_path(path: &str, query: Option<&str>) -> Option<String> {
    let rest = path.strip_prefix("/ecf/")?;
    let (raw, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let decoded = percent_decode(raw.as_bytes(), false)?;
    let id = CourtId::parse(&decoded).ok()?;
    if id.as_str() == raw {
        return None;
    }
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Some(format!("/ecf/{id}{tail}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_encoded_for_a_query_and_kept_on_the_site() {
        assert_eq!(encode_next("/ecf/gamb/"), "/ecf/gamb/");
        assert_eq!(encode_next("/a?x=1&y=2#f"), "/a%3Fx%3D1%26y%3D2%23f");
        assert_eq!(safe_next("//evil.example.com", "/"), "/");
        assert_eq!(safe_next("https://evil.example.com", "/"), "/");
        assert_eq!(safe_next("/\\evil", "/"), "/");
        assert_eq!(safe_next("/ecf/gamb/", "/"), "/ecf/gamb/");
    }

    #[test]
    fn court_ids_in_paths_are_made_canonical() {
        assert_eq!(canonical_court_path("/ecf/gamb/utilities", None), None);
        assert_eq!(
            canonical_court_path("/ecf/GAMB/utilities", Some("x=1")).as_deref(),
            Some("/ecf/gamb/utilities?x=1")
        );
        assert_eq!(
            canonical_court_path("/ecf/%20Gamb%20", None).as_deref(),
            Some("/ecf/gamb")
        );
        assert_eq!(canonical_court_path("/ecf/not-a-court/", None), None);
        assert_eq!(canonical_court_path("/ecf/%FF/", None), None);
    }

    #[test]
    fn percent_decoding_refuses_what_is_not_utf8() {
        assert_eq!(percent_decode(b"a+b%41", true).as_deref(), Some("a bA"));
        assert_eq!(percent_decode(b"a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode(b"%FF", true), None);
        assert_eq!(percent_decode(b"100%", true).as_deref(), Some("100%"));
    }
}
