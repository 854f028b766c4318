//! Request-rate limits per traffic class, in memory only.
//!
//! Each class (form, API, receipt) has its own per-client limiter, and the submission classes
//! share one global budget: behind Tor every client arrives from 127.0.0.1, so only a global
//! limit protects the service there. So that one client cannot turn the global budget against
//! everyone:
//! - the per-client limit is checked first, and a request it refuses spends nothing global;
//! - the global budget is charged only for requests that pass the class's cheap admission
//!   checks (the right content type; for the form, a CSRF cookie), so junk is refused by the
//!   handler without spending what real reporters need;
//! - page reads never touch the submissions' global budget: they have their own, ten times
//!   larger, since a read costs far less than a submission.
//!
//! The client key is the peer address, or the address a trusted proxy forwarded, with IPv6
//! addresses keyed by their /64 (one host usually holds a whole /64); forwarding headers from
//! anyone else are ignored. Keys are never logged or stored.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use governor::NotUntil;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use ipnet::IpNet;
use tower_governor::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{GlobalKeyExtractor, KeyExtractor};

use super::failure::{Client, Failure};

/// The client address used as rate-limit key.
#[derive(Debug, Clone)]
pub struct ClientIp {
    trusted_proxies: Arc<[IpNet]>,
}

impl ClientIp {
    /// A key extractor that believes `X-Forwarded-For` only from `trusted_proxies`.
    pub fn new(trusted_proxies: &[IpNet]) -> Self {
        ClientIp {
            trusted_proxies: trusted_proxies.into(),
        }
    }

    fn is_trusted(&self, ip: &IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(ip))
    }
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;

    fn extract<T>(&self, req: &axum::http::Request<T>) -> Result<IpAddr, GovernorError> {
        // Without connection info (an in-process test), every request shares one key.
        let Some(peer) = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        };
        Ok(per_network(self.client(req, peer)))
    }
}

impl ClientIp {
    /// The client behind `peer`: walk the forwarding chain from the nearest hop (the last
    /// address of the last header line) towards the first; the first address that is not one
    /// of our proxies is the client. A malformed entry stops the walk at the last good hop.
    fn client<T>(&self, req: &axum::http::Request<T>, peer: IpAddr) -> IpAddr {
        if !self.is_trusted(&peer) {
            return peer;
        }
        let mut client = peer;
        let lines: Vec<_> = req.headers().get_all("x-forwarded-for").iter().collect();
        for value in lines.into_iter().rev() {
            let Ok(text) = value.to_str() else {
                return client;
            };
            for hop in text.rsplit(',') {
                match hop.trim().parse::<IpAddr>() {
                    Ok(ip) if self.is_trusted(&ip) => client = ip,
                    Ok(ip) => return ip,
                    Err(_) => return client,
                }
            }
        }
        client
    }
}

/// The rate-limit key of an address: IPv4 as it is, IPv6 by its /64.
fn per_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(bits))
            }
        },
    }
}

/// The cheap checks a request must pass before it may spend the global budget. A request
/// that fails them goes on to its handler, which refuses it with a 4xx at little cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A form post: multipart, with the CSRF cookie the form page set.
    Form,
    /// A JSON body.
    Json,
    /// A JSON body or a url-encoded form (the receipt lookup's two shapes).
    JsonOrForm,
    /// Any request (reads, which have a budget of their own).
    Any,
}

impl Admission {
    fn admits(self, request: &Request) -> bool {
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let json = content_type.starts_with("application/json");
        match self {
            Admission::Form => {
                content_type.starts_with("multipart/form-data")
                    && request
                        .headers()
                        .get_all(axum::http::header::COOKIE)
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .any(|cookies| cookies.contains(super::state::CSRF_COOKIE))
            }
            Admission::Json => json,
            Admission::Any => true,
            Admission::JsonOrForm => {
                json || content_type.starts_with("application/x-www-form-urlencoded")
            }
        }
    }
}

/// A limiter keyed by client.
pub type PerClient = GovernorConfig<ClientIp, NoOpMiddleware>;
/// One limiter for everyone.
pub type Global = GovernorConfig<GlobalKeyExtractor, NoOpMiddleware>;

/// One traffic class's limits: per client, then (for submissions that pass the class's
/// admission checks) the shared global budget.
#[derive(Clone)]
pub struct Limit {
    per_client: Option<Arc<PerClient>>,
    global: Option<(Arc<Global>, Admission)>,
    key: ClientIp,
}

impl Limit {
    /// `per_minute` requests per client (0 = unlimited); requests that pass `admission` also
    /// spend `global`, when there is one.
    pub fn per_minute(
        per_minute: u32,
        key: ClientIp,
        global: Option<(Arc<Global>, Admission)>,
    ) -> Limit {
        Limit {
            per_client: per_client(per_minute, &key),
            global,
            key,
        }
    }

    /// Drops per-client state that has fully refilled, so memory stays bounded.
    pub fn forget_idle_clients(&self) {
        if let Some(config) = &self.per_client {
            config.limiter().retain_recent();
        }
    }

    /// Seconds to wait if the request is over a limit.
    fn check(&self, request: &Request) -> Option<u64> {
        if let Some(config) = &self.per_client
            && let Ok(key) = self.key.extract(request)
            && let Err(not_until) = config.limiter().check_key(&key)
        {
            return Some(wait(not_until));
        }
        if let Some((global, admission)) = &self.global
            && admission.admits(request)
            && let Err(not_until) = global.limiter().check_key(&())
        {
            return Some(wait(not_until));
        }
        None
    }
}

/// Seconds until a refused request may try again. The clock is built only for a refusal:
/// building it costs more than the check.
pub fn wait(not_until: NotUntil<governor::clock::QuantaInstant>) -> u64 {
    not_until
        .wait_time_from(DefaultClock::default().now())
        .as_secs()
        .max(1)
}

/// A per-client limiter of `per_minute` requests, or none when it is 0.
pub fn per_client(per_minute: u32, key: &ClientIp) -> Option<Arc<PerClient>> {
    (per_minute > 0)
        .then(|| {
            let period =
                Duration::from_millis(60_000 / u64::from(per_minute)).max(Duration::from_nanos(1));
            GovernorConfigBuilder::default()
                .key_extractor(key.clone())
                .period(period)
                .burst_size(per_minute)
                .finish()
                .map(Arc::new)
        })
        .flatten()
}

/// A global limiter of `per_minute` requests, or none when it is 0 (the urgent budget).
pub fn global_per_minute(per_minute: u32) -> Option<Arc<Global>> {
    global_every(Duration::from_secs(60), per_minute)
}

/// Builds the global limiter, or none when `per_second` is 0.
pub fn global(per_second: u32) -> Option<Arc<Global>> {
    global_every(Duration::from_secs(1), per_second)
}

/// `count` requests per `window` over everyone, as a bucket that refills evenly.
fn global_every(window: Duration, count: u32) -> Option<Arc<Global>> {
    (count > 0)
        .then(|| {
            GovernorConfigBuilder::default()
                .key_extractor(GlobalKeyExtractor)
                .period((window / count).max(Duration::from_nanos(1)))
                .burst_size(count)
                .finish()
                .map(Arc::new)
        })
        .flatten()
}

/// Middleware: answers 429 with `Retry-After` in the client's form (JSON or a page).
pub async fn enforce(State(limit): State<Limit>, request: Request, next: Next) -> Response {
    match limit.check(&request) {
        None => next.run(request).await,
        Some(seconds) => {
            Failure::RateLimited(seconds).respond(&Client::of(request.uri(), request.headers()))
        }
    }
}

/// The rate-limit key of the client that sent a request, for handlers that charge their
/// limits themselves once they know what the request is (`http::intake_gate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(pub IpAddr);

impl ClientKey {
    /// Whether this key stands for many people at once: loopback, where an onion service's
    /// every visitor arrives, or no address at all. A per-address quota on such a key is a
    /// quota for everyone.
    pub fn is_shared(&self) -> bool {
        self.0.is_loopback() || self.0.is_unspecified()
    }
}

/// Middleware: notes the request's [`ClientKey`] for its handler, and charges nothing.
pub async fn identify(State(key): State<ClientIp>, mut request: Request, next: Next) -> Response {
    let client = key
        .extract(&request)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    request.extensions_mut().insert(ClientKey(client));
    next.run(request).await
}
