//! Cross-site request forgery: every state-changing form carries a token
//! bound to the browser and its session, and cross-site requests are refused
//! before any handler runs.
//!
//! The token is HMAC-SHA256, under a key derived from the server's secret key
//! (`ServerKey::derive("csrf")`), of the browser's pre-session id (a random
//! value in an HttpOnly cookie, set on the first visit: it binds the forms
//! shown before login: PACER LOGIN, registration, reset) and of the hash of
//! the PACER session token the request carries, if any. So a token works
//! only in the browser, and the session, it was made for: a cookie and token
//! pair planted from an attacker's browser stops working once the victim logs
//! in, and a token from one session is refused in another. Nothing is stored.
//!
//! The same cookie tells PACER LOGIN whether the browser accepts cookies at all.
//!
//! Fetch Metadata and `Origin`: a POST (or any other unsafe method) whose
//! `Sec-Fetch-Site` is `cross-site`, or whose `Origin` is present and not the
//! public URL's, is refused with 403, login and the JSON API included.
//! (`Origin: null` counts as absent: under our `Referrer-Policy: no-referrer`
//! browsers send it for our own forms.)
//! Requests without those headers (API clients, old browsers) go on to the
//! token check (the JSON API takes none: its clients send their token
//! themselves, which a browser on another site cannot).

use axum::extract::{FromRequestParts, Request};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use openecf_app::keys::hmac_sha256;
use subtle::ConstantTimeEq;

use crate::session::{cookie, hash_token, PACER_COOKIE, PACER_HEADER};
use crate::{AppError, AppState};
use openecf_app::tokens::random_token;

/// The pre-session cookie's name over plain http (development).
pub const CSRF_COOKIE: &str = "openecf_csrf";
/// Its name when the public URL is https: the `__Host-` prefix makes the
/// browser refuse it unless Secure, Path=/ and without Domain, so neither a
/// sibling subdomain nor a plain-http page can plant one.
pub const CSRF_COOKIE_HOST: &str = "__Host-openecf_csrf";

#[derive(Clone)]
pub struct CsrfToken {
    value: String,
    /// Whether the browser sent the cookie back (false: first visit, or cookies refused).
    from_browser: bool,
}

impl std::fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsrfToken")
            .field("value", &"[redacted]")
            .field("from_browser", &self.from_browser)
            .finish()
    }
}

impl CsrfToken {
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Checks a form's token. A form that comes without the cookie means the
    /// browser refuses cookies: say so, rather than fail silently.
    pub fn check(&self, submitted: &str) -> Result<(), AppError> {
        if !self.from_browser {
            return Err(AppError::CookiesRefused);
        }
        if self.value.as_bytes().ct_eq(submitted.as_bytes()).into() {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The PACER session token a request carries (header first), valid or not:
/// the one the `Visitor` looks up.
pub(crate) fn sent_session(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(PACER_HEADER)
        .and_then(|v| v.to_str().ok())
        .or_else(|| cookie(headers, PACER_COOKIE))
        .filter(|t| !t.is_empty())
}

/// The form token of a pre-session id and the hash of the session token
/// sent with it.
fn form_token(key: &[u8; 32], pre_session: &str, session_hash: Option<&str>) -> String {
    let session_hash = session_hash.unwrap_or_default();
    openecf_app::tokens::to_hex(&hmac_sha256(key, &[pre_session.as_bytes(), session_hash.as_bytes()]))
}

/// The hash of the session token a request carries ([`sent_session`]),
/// taken once by [`guard`] for the form token and kept in the request for
/// the `Visitor`'s lookup of the session.
#[derive(Clone)]
pub(crate) struct SentSessionHash(pub(crate) String);

/// Whether a request with this method changes anything (and so must come from our own pages).
fn unsafe_method(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Why a request must be refused as cross-site, if it must.
fn cross_site(headers: &HeaderMap, own_origin: &str) -> Option<&'static str> {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return Some("This request came from another web site, and was refused.");
    }
    let origin = headers.get(axum::http::header::ORIGIN)?;
    // "null" is no evidence: browsers send it for our own forms too, since
    // our pages' Referrer-Policy is no-referrer (a sandboxed frame elsewhere
    // sends it as well, but then with Sec-Fetch-Site: cross-site, above).
    if origin.as_bytes() == b"null" {
        return None;
    }
    let matches = origin
        .to_str()
        .is_ok_and(|o| o.trim_end_matches('/').eq_ignore_ascii_case(own_origin));
    (!matches).then_some("This request came from another web site (its Origin is not this site's), and was refused.")
}

/// Refuses a cross-site request that changes something (403), gives the
/// handler its CSRF token, and sets the pre-session cookie the token is
/// bound to when the browser had none.
pub async fn guard(state: &AppState, mut req: Request, next: Next) -> Response {
    if unsafe_method(req.method()) {
        if let Some(why) = cross_site(req.headers(), &state.config.origin()) {
            let path = req.uri().path().to_owned();
            return match crate::pages::api::refusal(&path, StatusCode::FORBIDDEN, why) {
                Some(json) => json,
                None => AppError::Rejected {
                    status: StatusCode::FORBIDDEN,
                    message: why,
                }
                .into_response(),
            };
        }
    }
    let name = state.config.csrf_cookie();
    let existing = cookie(req.headers(), name)
        .filter(|t| well_formed(t))
        .map(str::to_owned);
    let from_browser = existing.is_some();
    let pre_session = existing.unwrap_or_else(random_token);
    let session_hash = sent_session(req.headers()).map(hash_token);
    let token = CsrfToken {
        from_browser,
        value: form_token(&state.csrf_key, &pre_session, session_hash.as_deref()),
    };
    req.extensions_mut().insert(token);
    if let Some(hash) = session_hash {
        req.extensions_mut().insert(SentSessionHash(hash));
    }
    let mut res = next.run(req).await;
    if !from_browser {
        let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
        let cookie = format!("{name}={pre_session}; Path=/; HttpOnly; SameSite=Lax{secure}");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("CSRF middleware missing")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_browser_and_session() {
        let key = [7u8; 32];
        let a = form_token(&key, "pre-a", None);
        assert_eq!(a, form_token(&key, "pre-a", None));
        assert_ne!(a, form_token(&key, "pre-b", None));
        assert_ne!(a, form_token(&key, "pre-a", Some(&hash_token("session"))));
        assert_ne!(a, form_token(&[8u8; 32], "pre-a", None));
        let t = CsrfToken {
            value: a,
            from_browser: true,
        };
        assert!(!format!("{t:?}").contains(t.value()));
    }

    #[test]
    fn cross_site_requests_are_named() {
        let own = "https://ecf.example.org";
        let mut h = HeaderMap::new();
        assert!(cross_site(&h, own).is_none());
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(cross_site(&h, own).is_none());
        h.insert("origin", HeaderValue::from_static("https://ecf.example.org"));
        assert!(cross_site(&h, own).is_none());
        h.insert("origin", HeaderValue::from_static("null"));
        assert!(cross_site(&h, own).is_none(), "our own forms, under no-referrer");
        h.insert("origin", HeaderValue::from_static("https://ecf.example.org.evil.io"));
        assert!(cross_site(&h, own).is_some());
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h, own).is_some());
    }
}
