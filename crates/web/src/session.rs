//! Sessions. A PACER session (the Central Sign-On) is the `NextGenCSO` cookie
//! or the `X-NEXT-GEN-CSO` header and works at every court; a legacy CM/ECF
//! session is a cookie scoped to one court not yet live. Tokens are 256 bits
//! from the OS RNG; only their SHA-256 is stored.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use openecf_app::sessions;
pub use openecf_app::tokens::hash_token;
use openecf_domain::{CourtId, EcfAccount, PacerAccount};
use openecf_store::Principal;

use crate::csrf::CsrfToken;
use crate::{AppError, AppState};

pub const PACER_COOKIE: &str = "NextGenCSO";
pub const PACER_HEADER: &str = "x-next-gen-cso";
pub const LEGACY_COOKIE: &str = "ECFLegacy";
/// A browser in which an account logged in before (a lockout from elsewhere
/// does not lock its owner out of it). Only its hash is stored.
pub const DEVICE_COOKIE: &str = "openecf_device";

/// The device cookie: a year, sent to PACER LOGIN only.
pub fn device_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{DEVICE_COOKIE}={token}; Path=/csologin; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The value of a cookie in the request, if sent.
/// A cookie sent twice (one planted for a narrower path or a parent domain,
/// say) counts as not sent: which one the browser meant cannot be known.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut found = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

pub fn set_cookie(name: &str, value: &str, path: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Clears a cookie. (Over https `headers::add` marks it Secure, as it does
/// every cookie: the legacy court cookie too, whose Path=/ecf/{court} rules
/// out the `__Host-` prefix, which needs Path=/; `NextGenCSO` keeps the name
/// PACER's clients read.)
pub fn clear_cookie(name: &str, path: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{name}=; Path={path}; HttpOnly; SameSite=Lax; Max-Age=0"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[derive(Clone)]
pub struct PacerSession {
    pub token_hash: String,
    pub account: PacerAccount,
}

impl std::fmt::Debug for PacerSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacerSession")
            .field("token_hash", &"[redacted]")
            .field("account", &self.account.username)
            .finish()
    }
}

/// Everything a handler needs to know about who is asking. `Debug` leaves
/// the tokens out.
#[derive(Clone)]
pub struct Visitor {
    pub pacer: Option<PacerSession>,
    pub csrf: CsrfToken,
    pub ip: String,
    pub user_agent: String,
    legacy_token: Option<String>,
    /// The raw PACER token sent, valid or not (to end it at login).
    pub sent_pacer_token: Option<String>,
    /// The browser's known-device token, if it sent one.
    pub device: Option<String>,
}

impl std::fmt::Debug for Visitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Visitor")
            .field("pacer", &self.pacer)
            .field("csrf", &self.csrf)
            .field("ip", &self.ip)
            .field("user_agent", &self.user_agent)
            .field("legacy_token", &self.legacy_token.as_ref().map(|_| "[redacted]"))
            .field(
                "sent_pacer_token",
                &self.sent_pacer_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Visitor {
    /// Where the request came from, as the use cases take it.
    pub fn client(&self) -> sessions::Client {
        sessions::Client {
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
        }
    }

    /// The legacy CM/ECF session of this court, if any.
    pub async fn legacy(&self, state: &AppState, court: &CourtId) -> Result<Option<(String, EcfAccount)>, AppError> {
        let Some(token) = &self.legacy_token else {
            return Ok(None);
        };
        let hash = hash_token(token);
        let Some(Principal::Ecf(id)) = live_session(state, &hash).await?.map(|view| view.row.principal) else {
            return Ok(None);
        };
        let account = state.store.ecf_by_id(id).await?;
        Ok(account.filter(|a| &a.court == court).map(|a| (hash, a)))
    }
}

/// The stored session of a token hash that has not timed out, with its account.
async fn live_session(state: &AppState, hash: &str) -> Result<Option<sessions::SessionView>, AppError> {
    Ok(sessions::resolve(state, hash).await?)
}

/// Paths a filer whose MFA enrolment is overdue may still use.
fn open_while_enrolling(path: &str) -> bool {
    path.starts_with("/account/mfa") || path.starts_with("/csologin/") || path.ends_with("/logout")
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let csrf = CsrfToken::from_request_parts(parts, state).await?;
        let headers = &parts.headers;
        let sent_pacer_token = crate::csrf::sent_session(headers).map(str::to_owned);
        let mut pacer = None;
        if let Some(token) = &sent_pacer_token {
            // Hashed already for the form token (by the CSRF guard, which every page passes).
            let hash = parts
                .extensions
                .get::<crate::csrf::SentSessionHash>()
                .map_or_else(|| hash_token(token), |sent| sent.0.clone());
            if let Some(view) = live_session(state, &hash).await? {
                let (row, account) = (&view.row, &view.account);
                if let Principal::Pacer(id) = row.principal {
                    // A filer who has put off MFA three times must enrol before
                    // anything else: such a session may only enrol (and log out).
                    let uri = crate::extract::original_uri(parts);
                    let path = uri.split('?').next().unwrap_or_default();
                    if row.mfa_required && !open_while_enrolling(path) && !state.store.mfa_state(id).await?.is_on() {
                        return Err(AppError::EnrolMfaFirst { next: path.to_owned() });
                    }
                }
                if let Some(account) = account {
                    pacer = Some(PacerSession {
                        token_hash: hash,
                        account: account.clone(),
                    });
                }
            }
        }
        let Client { ip, user_agent } = Client::of(parts);
        let visitor = Self {
            pacer,
            csrf,
            ip,
            user_agent,
            legacy_token: cookie(headers, LEGACY_COOKIE).map(str::to_owned),
            device: cookie(headers, DEVICE_COOKIE)
                .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_owned),
            sent_pacer_token,
        };
        crate::error::remember_banner(crate::view::Banner::of(&visitor));
        Ok(visitor)
    }
}

/// Where a request came from: its address and browser. Never fails.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

impl Client {
    /// As the use cases take it.
    pub fn to_app(&self) -> sessions::Client {
        sessions::Client {
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
        }
    }

    fn of(parts: &Parts) -> Self {
        Self {
            // As `limits` settled it (trusted proxies), else the socket's peer.
            ip: match parts.extensions.get::<crate::limits::ClientIp>() {
                Some(crate::limits::ClientIp(ip)) => ip.map(|ip| ip.to_string()).unwrap_or_default(),
                None => parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
                    .unwrap_or_default(),
            },
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(parts))
    }
}
