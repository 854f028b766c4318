//! The HTTP surface: reporter pages (`intake`, `receipt`), the JSON API (`api`), static assets.
//!
//! Plaintext flows one way from here: a handler turns a form into an `envelope::Report`,
//! `crypto` seals it, and only ciphertext goes on to `store`.

pub mod api;
pub mod assets;
pub mod casework;
pub mod error;
mod intake;
mod middleware;
pub mod pages;
pub mod ratelimit;
pub mod receipt;
pub mod staff;
pub mod stats;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_csrf::{CsrfConfig, Key, SameSite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::ServeConfig;
use crate::i18n::Lang;
use crate::keyring::Keyring;
use crate::policy::Policy;
use crate::secrets::ServerSecrets;
use crate::store::Store;
use error::{ApiError, PageError};
use ratelimit::{ClientIp, Limit};

pub use middleware::CONTENT_SECURITY_POLICY;

/// Everything a handler needs, shared by all requests.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    store: Store,
    keyring: Keyring,
    policy: Policy,
    secrets: ServerSecrets,
    csrf: CsrfConfig,
    max_body_bytes: usize,
    max_api_body_bytes: usize,
    /// Lifetime of a staff session.
    session_seconds: i64,
    /// Bounds concurrent codephrase derivations: each takes ~12 MiB and tens of ms of CPU.
    kdf_permits: Semaphore,
}

impl AppState {
    /// Assembles the state from loaded parts.
    pub fn new(
        store: Store,
        keyring: Keyring,
        policy: Policy,
        secrets: ServerSecrets,
        config: &ServeConfig,
    ) -> AppState {
        let csrf = CsrfConfig::default()
            .with_key(Some(Key::from(&secrets.csrf_key()[..])))
            .with_cookie_name("safehold_csrf")
            .with_cookie_same_site(SameSite::Strict)
            .with_http_only(true)
            // A session cookie: a slow reporter's form must not expire while they type.
            .with_lifetime(time::Duration::seconds(0));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            inner: Arc::new(Shared {
                store,
                keyring,
                policy,
                secrets,
                csrf,
                max_body_bytes: config.max_body_bytes,
                max_api_body_bytes: config.max_api_body_bytes(),
                session_seconds: i64::try_from(config.session.as_secs()).unwrap_or(i64::MAX),
                kdf_permits: Semaphore::new(cores),
            }),
        }
    }

    /// The storage handle.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The alert targets of a route (none if the route is gone from the policy).
    pub(crate) fn alert_targets(&self, route: &str) -> Vec<String> {
        self.inner
            .policy
            .routing
            .get(route)
            .map(|r| r.alerts.clone())
            .unwrap_or_default()
    }
}

impl FromRef<AppState> for CsrfConfig {
    fn from_ref(state: &AppState) -> CsrfConfig {
        state.inner.csrf.clone()
    }
}

/// Builds the whole application with its layers.
pub fn router(state: AppState, config: &ServeConfig) -> Router {
    let key = ClientIp::new(&config.trusted_proxies);
    let limits = &config.rate_limits;
    let global = ratelimit::global(limits.global_per_second);
    let form_limit = Limit::per_minute(limits.form_per_minute, key.clone(), global.clone());
    let api_limit = Limit::per_minute(limits.api_per_minute, key.clone(), global.clone());
    let receipt_limit = Limit::per_minute(limits.receipt_per_minute, key.clone(), global.clone());
    let page_limit = Limit::per_minute(0, key, global);
    spawn_limiter_cleanup(vec![
        form_limit.clone(),
        api_limit.clone(),
        receipt_limit.clone(),
    ]);

    // The form handler enforces the configured total itself, and reads on past it so the
    // browser gets its explanation; this hard limit bounds that reading.
    let form_body_limit = state.inner.max_body_bytes.saturating_mul(2) + 1024 * 1024;
    let form = Router::new()
        .route("/report", post(intake::submit))
        .route("/receipt/followup", post(receipt::followup))
        .layer(DefaultBodyLimit::max(form_body_limit))
        .layer(axum::middleware::from_fn_with_state(
            form_limit,
            ratelimit::enforce,
        ));
    let api = Router::new()
        .route("/api/v1/reports", post(api::submit))
        .route("/api/v1/receipt/followups", post(api::followup))
        .route("/api/v1/cases/{id}/replies", post(staff::reply))
        .route("/api/v1/cases/{id}/escalations", post(casework::escalate))
        .route("/api/v1/session/challenge", post(staff::challenge))
        .route("/api/v1/session", post(staff::session))
        .layer(DefaultBodyLimit::max(state.inner.max_api_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            api_limit,
            ratelimit::enforce,
        ));
    let receipt = Router::new()
        .route("/receipt", post(receipt::lookup))
        .route("/api/v1/receipt", post(api::receipt))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::from_fn_with_state(
            receipt_limit,
            ratelimit::enforce,
        ));
    let pages = Router::new()
        .route("/", get(intake::form))
        .route("/receipt", get(receipt::form))
        .route("/api/v1/routes", get(api::routes))
        .route("/api/v1/cases", get(staff::list))
        .route("/api/v1/cases/{id}", get(staff::pull))
        .route("/api/v1/stats/live", get(staff::live_stats))
        .route("/api/v1/cases/{id}/victim", post(staff::link_victim))
        .route("/api/v1/cases/{id}/status", post(staff::set_status))
        .route(
            "/api/v1/cases/{id}/codes",
            get(casework::codes).post(casework::code),
        )
        .route(
            "/api/v1/cases/{id}/escalations",
            get(casework::case_escalations),
        )
        .route("/api/v1/escalation/recipients", get(casework::recipients))
        .route("/api/v1/inbox", get(casework::inbox))
        .route("/api/v1/inbox/{id}", get(casework::package))
        .route("/api/v1/inbox/{id}/ack", post(casework::ack))
        .route("/stats", get(stats::index))
        .route("/stats/about", get(stats::about))
        .route("/stats/{release}", get(stats::release))
        .route("/static/{file}", get(assets::serve))
        .route(
            "/.well-known/safehold-scripts.json",
            get(assets::published_hashes),
        )
        // Browsers ask for it on every site; answering keeps their consoles and our logs quiet.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .layer(axum::middleware::from_fn_with_state(
            page_limit,
            ratelimit::enforce,
        ));

    Router::new()
        .merge(form)
        .merge(api)
        .merge(receipt)
        .merge(pages)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(axum::middleware::from_fn(middleware::log_request))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "internal",
                "the server hit an unexpected problem and saved nothing; retry in a few minutes",
            )
            .into_response()
        }))
}

/// Serves `router` on `listener` until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

fn spawn_limiter_cleanup(limits: Vec<Limit>) {
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.iter().for_each(Limit::forget_idle_clients);
        }
    });
}

fn is_api(request: &Request) -> bool {
    request.uri().path().starts_with("/api/")
}

async fn not_found(request: Request) -> Response {
    if is_api(&request) {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such endpoint; see /api/v1/routes",
        )
        .into_response()
    } else {
        let lang = Lang::of_request(request.uri(), request.headers());
        PageError::new(StatusCode::NOT_FOUND, &lang, "error-not-found", &[]).into_response()
    }
}

async fn method_not_allowed(request: Request) -> Response {
    if is_api(&request) {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} is not accepted here", request.method()),
        )
        .into_response()
    } else {
        let lang = Lang::of_request(request.uri(), request.headers());
        PageError::new(StatusCode::METHOD_NOT_ALLOWED, &lang, "error-method", &[]).into_response()
    }
}
