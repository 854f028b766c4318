//! Request-rate limits per traffic class, in memory only.
//!
//! Each class (form, API, receipt) has its own per-client limiter, and one global limiter
//! covers everything: behind Tor every client arrives from 127.0.0.1, so only the global limit
//! protects the service there. The client key is the peer address, or the address a trusted
//! proxy forwarded; forwarding headers from anyone else are ignored. Keys are never logged or
//! stored.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
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
        if !self.is_trusted(&peer) {
            return Ok(peer);
        }
        // Walk the chain from the nearest hop; the first address that is not one of our
        // proxies is the client. A malformed entry stops the walk at the last good hop.
        let mut client = peer;
        for value in req.headers().get_all("x-forwarded-for") {
            let Ok(text) = value.to_str() else {
                return Ok(client);
            };
            for hop in text.rsplit(',') {
                match hop.trim().parse::<IpAddr>() {
                    Ok(ip) if self.is_trusted(&ip) => client = ip,
                    Ok(ip) => return Ok(ip),
                    Err(_) => return Ok(client),
                }
            }
        }
        Ok(client)
    }
}

type PerClient = GovernorConfig<ClientIp, NoOpMiddleware>;
type Global = GovernorConfig<GlobalKeyExtractor, NoOpMiddleware>;

/// One traffic class's limits: per client, plus the shared global limit.
#[derive(Clone)]
pub struct Limit {
    per_client: Option<Arc<PerClient>>,
    global: Option<Arc<Global>>,
    key: ClientIp,
}

impl Limit {
    /// `per_minute` requests per client (0 = unlimited), sharing `global`.
    pub fn per_minute(per_minute: u32, key: ClientIp, global: Option<Arc<Global>>) -> Limit {
        let per_client = (per_minute > 0).then(|| {
            let period =
                Duration::from_millis(60_000 / u64::from(per_minute)).max(Duration::from_nanos(1));
            GovernorConfigBuilder::default()
                .key_extractor(key.clone())
                .period(period)
                .burst_size(per_minute)
                .finish()
                .map(Arc::new)
        });
        Limit {
            per_client: per_client.flatten(),
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
        // The clock is built only for a refusal: building it costs more than the check.
        let wait = |not_until: NotUntil<_>| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        };
        if let Some(global) = &self.global
            && let Err(not_until) = global.limiter().check_key(&())
        {
            return Some(wait(not_until));
        }
        let config = self.per_client.as_ref()?;
        let key = self.key.extract(request).ok()?;
        config.limiter().check_key(&key).err().map(wait)
    }
}

/// Builds the global limiter, or none when `per_second` is 0.
pub fn global(per_second: u32) -> Option<Arc<Global>> {
    (per_second > 0)
        .then(|| {
            GovernorConfigBuilder::default()
                .key_extractor(GlobalKeyExtractor)
                .period(
                    Duration::from_nanos(1_000_000_000 / u64::from(per_second))
                        .max(Duration::from_nanos(1)),
                )
                .burst_size(per_second)
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
