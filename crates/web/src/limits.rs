//! Anti-automation: per-client-address rate limits (the `governor` crate's
//! GCRA, on the application's `Clock`, so tests move time instead of waiting)
//! on registration, password-reset requests and password checks (PACER
//! LOGIN, the API, a court's legacy CM/ECF login and the link form's CM/ECF
//! password). Over the limit, 429 with `Retry-After`: the error page for
//! forms, the API's JSON for the API.
//!
//! Also where the client's address is settled, once per request: the socket
//! peer, or, when the peer is one of the configured trusted proxies, the
//! right-most entry of `X-Forwarded-For` that is not a trusted proxy. Every
//! address is canonical (an IPv4-mapped IPv6 address is its IPv4 address),
//! and an IPv6 client is limited by its /64: one host usually holds a whole
//! /64, so its single addresses would be free for the taking.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use governor::clock::Clock as GovernorClock;
use governor::nanos::Nanos;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::{AppError, AppState};

/// How many requests of each limited kind one address may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// POST /account/register, per address per hour.
    pub register_per_hour: u32,
    /// POST /account/reset (asking for a reset link), per address per hour.
    pub reset_per_hour: u32,
    /// POST /csologin/login, /services/cso-auth, /ecf/{court}/login and
    /// /ecf/{court}/link, per address per minute.
    pub login_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            register_per_hour: 10,
            reset_per_hour: 10,
            login_per_minute: 60,
        }
    }
}

/// The application's clock, as governor reads time: nanoseconds since the
/// limiter was made.
#[derive(Clone)]
struct AppClock {
    clock: openecf_app::Clock,
    origin: DateTime<Utc>,
}

impl GovernorClock for AppClock {
    type Instant = Nanos;
    fn now(&self) -> Nanos {
        Nanos::from((self.clock.now() - self.origin).to_std().unwrap_or_default())
    }
}

type Limiter = RateLimiter<IpAddr, HashMapStateStore<IpAddr>, AppClock, governor::middleware::NoOpMiddleware<Nanos>>;

/// Which limit a request falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limited {
    Register,
    Reset,
    Login,
}

fn limited(method: &Method, path: &str) -> Option<Limited> {
    if method != Method::POST {
        return None;
    }
    match path {
        "/account/register" => Some(Limited::Register),
        "/account/reset" => Some(Limited::Reset),
        "/csologin/login" | "/services/cso-auth" => Some(Limited::Login),
        // A court's legacy CM/ECF login and the link form both check a CM/ECF
        // password. (Court ids reach here canonical: `paths::canonical_court`
        // runs first and redirects any other spelling.)
        _ => match path.strip_prefix("/ecf/")?.split_once('/')? {
            (court, "login" | "link") if !court.is_empty() => Some(Limited::Login),
            // Asking for a CM/ECF password reset link: limited like PACER's.
            (court, "link/forgot") if !court.is_empty() => Some(Limited::Reset),
            _ => None,
        },
    }
}

/// What a client's requests are counted under: its address, or for IPv6 its
/// /64 (the usual allocation to one subscriber or host).
fn limit_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        v4 => v4,
    }
}

pub struct Limiters {
    clock: AppClock,
    register: Limiter,
    reset: Limiter,
    login: Limiter,
    checks: AtomicU64,
}

fn quota(n: u32, per: Duration) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    // n at once, then one more every per/n.
    Quota::with_period(per / n.get())
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(n)
}

impl Limiters {
    pub fn new(limits: RateLimits, clock: openecf_app::Clock) -> Self {
        let clock = AppClock {
            origin: clock.now(),
            clock,
        };
        let hour = Duration::from_secs(3600);
        let limiter = |q| RateLimiter::hashmap_with_clock(q, clock.clone());
        Self {
            register: limiter(quota(limits.register_per_hour, hour)),
            reset: limiter(quota(limits.reset_per_hour, hour)),
            login: limiter(quota(limits.login_per_minute, Duration::from_secs(60))),
            clock,
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one request; `Err(wait)` when the address is over its limit.
    fn check(&self, which: Limited, ip: IpAddr) -> Result<(), Duration> {
        let limiter = match which {
            Limited::Register => &self.register,
            Limited::Reset => &self.reset,
            Limited::Login => &self.login,
        };
        // Forget addresses whose limits have refilled, now and then.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for l in [&self.register, &self.reset, &self.login] {
                l.retain_recent();
                l.shrink_to_fit();
            }
        }
        limiter
            .check_key(&limit_key(ip))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// The client's address as the app records and limits it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

/// The socket peer, or behind trusted proxies the right-most untrusted
/// `X-Forwarded-For` entry (one that cannot be read stops the walk: the
/// last trusted hop is then the client). Canonical: a peer or hop written
/// as an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, as a dual-stack
/// socket reports IPv4 peers) is its IPv4 address, for the trusted list too.
pub(crate) fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.to_canonical() == ip);
    let mut client = peer?.to_canonical();
    if !is_trusted(client) {
        return Some(client);
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    Some(client)
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// Notes the client's address on the request and checks its per-address
/// rate limits: the refusal (429 with `Retry-After`), if over one.
pub fn admit(state: &AppState, req: &mut Request) -> Option<Response> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let ip = client_ip(peer, req.headers(), &state.config.trusted_proxies);
    req.extensions_mut().insert(ClientIp(ip));
    if let (Some(which), Some(ip)) = (limited(req.method(), req.uri().path()), ip) {
        if let Err(wait) = state.limiters.check(which, ip) {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let secs = secs.max(1);
            tracing::warn!(%ip, ?which, retry_after = secs, "rate limit reached");
            let why = "Too many requests from your address. Wait a while and try again.";
            let mut res = crate::pages::api::refusal(req.uri().path(), StatusCode::TOO_MANY_REQUESTS, why)
                .unwrap_or_else(|| AppError::TooManyRequests.into_response());
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
            return Some(res);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 198.51.100.7, 10.0.0.1"),
        );
        assert_eq!(client_ip(Some(peer), &h, &[proxy]), Some(peer));
        assert_eq!(client_ip(Some(proxy), &h, &[]), Some(proxy));
        assert_eq!(
            client_ip(Some(proxy), &h, &[proxy]),
            Some("198.51.100.7".parse().unwrap())
        );
        h.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_ip(Some(proxy), &h, &[proxy]), Some(proxy));
        // IPv4-mapped peers and hops are their IPv4 addresses.
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("::ffff:198.51.100.7, [::ffff:10.0.0.1]:443"),
        );
        assert_eq!(
            client_ip(Some(mapped), &h, &[proxy]),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(
            client_ip(Some(proxy), &h, &[mapped]),
            Some("198.51.100.7".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64_and_court_logins_are_limited() {
        let key = |s: &str| limit_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
        let post = Method::POST;
        assert_eq!(limited(&post, "/ecf/gamb/login"), Some(Limited::Login));
        assert_eq!(limited(&post, "/ecf/gamb/link"), Some(Limited::Login));
        assert_eq!(limited(&post, "/ecf/gamb/link/confirm"), None);
        assert_eq!(limited(&post, "/ecf/gamb/logout"), None);
        assert_eq!(limited(&Method::GET, "/ecf/gamb/login"), None);
    }

    #[test]
    fn limits_follow_the_app_clock() {
        let clock = openecf_app::Clock::stopped(DateTime::from_timestamp(1_800_000_000, 0).unwrap());
        let limits = Limiters::new(
            RateLimits {
                register_per_hour: 2,
                ..RateLimits::default()
            },
            clock.clone(),
        );
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limits.check(Limited::Register, ip).is_ok());
        assert!(limits.check(Limited::Register, ip).is_ok());
        let wait = limits.check(Limited::Register, ip).unwrap_err();
        assert!(
            wait > Duration::from_secs(1000) && wait <= Duration::from_secs(1800),
            "{wait:?}"
        );
        assert!(limits.check(Limited::Register, "192.0.2.2".parse().unwrap()).is_ok());
        clock.advance(Duration::from_secs(1800));
        assert!(limits.check(Limited::Register, ip).is_ok());
    }
}
