//! The HTTP surface, one module per concept, each with its own `routes()`:
//!
//! - reporters: `plaintext` (the no-JavaScript form and receipt page: the only handlers that
//!   hold plaintext), `reporter_api` (ciphertext only), `followup_token`;
//! - staff: `sessions` (login, logout), `staff` (who is logged in), `audit_proof` (what
//!   clients check the audit chain with), `keyring_reload`, `cases`, `replies`, `coding`,
//!   `escalations`, `inbox`, `live_stats`;
//! - the public: `stats` (statistics releases), `assets`, `organisation` (who runs the
//!   service, on every page and in `security.txt`);
//! - around them: `connections` (how many, header-read timeout, half-close), `state`,
//!   `failure` (every error answer), `traffic` (body and rate limits per class of route),
//!   `intake_gate` with `intake_ticket` and `submission_queue` (who of many new reports goes
//!   first), `upload_slots` (how many large bodies at once),
//!   `middleware` (headers, daily request counts, panics).
//!
//! This file only merges the routers and applies the layers.

mod assets;
mod audit_proof;
mod cases;
mod client_ciphertext;
mod coding;
mod connections;
mod consent;
mod escalations;
mod expiring_secret;
pub mod failure;
mod followup_token;
mod inbox;
mod intake_gate;
mod intake_ticket;
mod json;
pub mod keyring_reload;
mod live_stats;
mod middleware;
mod organisation;
pub mod pages;
mod plaintext;
pub mod ratelimit;
mod replies;
mod reporter_api;
mod sessions;
mod staff;
mod state;
pub mod stats;
mod submission_queue;
mod thread;
mod traffic;
mod upload_slots;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use tower_http::timeout::TimeoutLayer;

use crate::config::ServeConfig;
use failure::{Client, Failure};
use traffic::Traffic;

pub use connections::{ConnectionLimits, serve};
pub use keyring_reload::{KeyringReload, Reloaded};
pub use middleware::CONTENT_SECURITY_POLICY;
pub use state::AppState;

#[doc(hidden)]
pub use plaintext::read_form_for_fuzzing;

/// Builds the whole application with its layers.
pub fn router(state: AppState, config: &ServeConfig) -> Router {
    let traffic = Traffic::new(&state, config);
    let https = config.serves_https();
    let store = state.store().clone();
    let organisation = std::sync::Arc::new(state.policy().organisation.clone());
    Router::new()
        .merge(plaintext::routes(&traffic))
        .merge(reporter_api::routes(&traffic))
        .merge(sessions::routes(&traffic))
        .merge(audit_proof::routes(&traffic))
        .merge(cases::routes(&traffic))
        .merge(replies::routes(&traffic))
        .merge(coding::routes(&traffic))
        .merge(consent::routes(&traffic))
        .merge(escalations::routes(&traffic))
        .merge(inbox::routes(&traffic))
        .merge(live_stats::routes(&traffic))
        .merge(stats::routes(&traffic))
        .merge(assets::routes(&traffic))
        .merge(organisation::routes(&traffic))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            store,
            middleware::count_request,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(move |request, next| {
            middleware::strict_transport(https, request, next)
        }))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn(middleware::catch_panic))
        // Around the panic layer, so that its page says its language too.
        .layer(axum::middleware::from_fn(middleware::content_language))
        // Outermost: every page of the request, error pages included, names the organisation.
        .layer(axum::middleware::from_fn_with_state(
            organisation,
            organisation::in_scope,
        ))
}

async fn not_found(request: Request) -> Response {
    Failure::NotFound.respond(&Client::of(request.uri(), request.headers()))
}

async fn method_not_allowed(request: Request) -> Response {
    let client = Client::of(request.uri(), request.headers());
    Failure::MethodNotAllowed(request.method().clone()).respond(&client)
}
