//! CSRF protection by double submission: a random token in an HttpOnly cookie
//! must come back in every state-changing form. The same cookie tells PACER
//! LOGIN whether the browser accepts cookies at all.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

use crate::session::cookie;
use crate::{AppError, AppState};
use openecf_app::tokens::random_token;

pub const CSRF_COOKIE: &str = "openecf_csrf";

#[derive(Debug, Clone)]
pub struct CsrfToken {
    value: String,
    /// Whether the browser sent the cookie back (false: first visit, or cookies refused).
    from_browser: bool,
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

pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE)
        .filter(|t| well_formed(t))
        .map(str::to_owned);
    let token = CsrfToken {
        from_browser: existing.is_some(),
        value: existing.unwrap_or_else(random_token),
    };
    req.extensions_mut().insert(token.clone());
    let mut res = next.run(req).await;
    if !token.from_browser {
        let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
        let cookie = format!("{CSRF_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}", token.value);
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
