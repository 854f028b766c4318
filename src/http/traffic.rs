//! Classes of route, each with its body limit and rate limit. A module's `routes()` puts each
//! of its routes in one class, so the limits that apply are written next to the route.

use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::extract::DefaultBodyLimit;

use super::AppState;
use super::intake_gate::{IntakeGate, SharedIntake};
use super::ratelimit::{self, Admission, ClientIp, Limit};
use super::upload_slots::{self, UploadSlots};
use crate::config::ServeConfig;

/// The limits of each class of route.
pub struct Traffic {
    form: Limit,
    /// New reports through the form: the client is identified, and the handler's gate charges.
    form_intake: IntakeGate,
    /// New reports through the API.
    api_intake: IntakeGate,
    key: ClientIp,
    uploads: UploadSlots,
    api: Limit,
    receipt: Limit,
    page: Limit,
    form_body_bytes: usize,
    api_body_bytes: usize,
}

/// Largest codephrase lookup body.
const RECEIPT_BODY_BYTES: usize = 16 * 1024;
/// Largest login body: a role, a name of at most 64 bytes and a nonce fit many times over.
pub const LOGIN_BODY_BYTES: usize = 4 * 1024;
/// Largest body of a staff change that carries no ciphertext (case status, codes, victims).
pub const SMALL_JSON_BODY_BYTES: usize = 64 * 1024;

impl Traffic {
    /// The limits the configuration sets; starts the task that forgets idle clients.
    pub fn new(state: &AppState, config: &ServeConfig) -> Traffic {
        let key = ClientIp::new(&config.trusted_proxies);
        let limits = &config.rate_limits;
        let global = ratelimit::global(limits.global_per_second);
        let spend = |admission| global.clone().map(|g| (g, admission));
        let form = Limit::per_minute(limits.form_per_minute, key.clone(), spend(Admission::Form));
        let api = Limit::per_minute(limits.api_per_minute, key.clone(), spend(Admission::Json));
        let receipt = Limit::per_minute(
            limits.receipt_per_minute,
            key.clone(),
            spend(Admission::JsonOrForm),
        );
        // Reads are cheap and never spend the submissions' global budget: they have their own.
        let reads = ratelimit::global(limits.global_per_second.saturating_mul(10));
        let page = Limit::per_minute(0, key.clone(), reads.map(|r| (r, Admission::Any)));
        let intake = SharedIntake::new(config, key.clone(), global, state.intake_tickets().clone());
        let form_intake = intake.gate(limits.form_per_minute);
        let api_intake = intake.gate(limits.api_per_minute);
        spawn_limiter_cleanup(
            vec![form.clone(), api.clone(), receipt.clone()],
            vec![form_intake.clone(), api_intake.clone()],
        );
        Traffic {
            form,
            form_intake,
            api_intake,
            key,
            uploads: UploadSlots::new(limits.max_concurrent_uploads),
            api,
            receipt,
            page,
            // The form handler enforces the configured total itself, and reads on past it so
            // the browser gets its explanation; this hard limit bounds that reading.
            form_body_bytes: state.max_body_bytes().saturating_mul(2) + 1024 * 1024,
            api_body_bytes: state.max_api_body_bytes(),
        }
    }

    /// Multipart forms a person sends (reports, follow-ups).
    pub fn form(&self, routes: Router<AppState>) -> Router<AppState> {
        limited(routes, self.form_body_bytes, &self.form, &self.uploads)
    }

    /// New reports through the form: the handler charges its own limits through the gate
    /// (`http::intake_gate`), once it knows whether the report earned its priority.
    pub fn form_intake(&self, routes: Router<AppState>) -> Router<AppState> {
        self.intake(routes, self.form_body_bytes, &self.form_intake)
    }

    /// New reports through the API (ciphertext made by the client), gated the same way.
    pub fn api_intake(&self, routes: Router<AppState>) -> Router<AppState> {
        self.intake(routes, self.api_body_bytes, &self.api_intake)
    }

    fn intake(
        &self,
        routes: Router<AppState>,
        body_bytes: usize,
        gate: &IntakeGate,
    ) -> Router<AppState> {
        routes
            .layer(Extension(gate.clone()))
            .layer(DefaultBodyLimit::max(body_bytes))
            .layer(axum::middleware::from_fn_with_state(
                self.uploads.clone(),
                upload_slots::hold,
            ))
            .layer(axum::middleware::from_fn_with_state(
                self.key.clone(),
                ratelimit::identify,
            ))
    }

    /// JSON writes from programs: ciphertext uploads and logins.
    pub fn api(&self, routes: Router<AppState>) -> Router<AppState> {
        limited(routes, self.api_body_bytes, &self.api, &self.uploads)
    }

    /// Staff logins: the API's rate limit, and bodies too small to carry anything but a
    /// name and a nonce.
    pub fn login(&self, routes: Router<AppState>) -> Router<AppState> {
        limited(routes, LOGIN_BODY_BYTES, &self.api, &self.uploads)
    }

    /// Staff reads and small JSON changes without ciphertext (global limit only).
    pub fn small_json(&self, routes: Router<AppState>) -> Router<AppState> {
        limited(routes, SMALL_JSON_BODY_BYTES, &self.page, &self.uploads)
    }

    /// Codephrase lookups, which each cost a memory-hard derivation or a guess.
    pub fn receipt(&self, routes: Router<AppState>) -> Router<AppState> {
        limited(routes, RECEIPT_BODY_BYTES, &self.receipt, &self.uploads)
    }

    /// Reads: pages, listings, downloads (the connection limits only).
    pub fn page(&self, routes: Router<AppState>) -> Router<AppState> {
        routes.layer(axum::middleware::from_fn_with_state(
            self.page.clone(),
            ratelimit::enforce,
        ))
    }
}

fn limited(
    routes: Router<AppState>,
    body_bytes: usize,
    limit: &Limit,
    uploads: &UploadSlots,
) -> Router<AppState> {
    let mut routes = routes.layer(DefaultBodyLimit::max(body_bytes));
    // Inside the rate limit, so a refused request never takes a slot; only where a body may
    // be large at all.
    if body_bytes as u64 > upload_slots::LARGE_BODY_BYTES {
        routes = routes.layer(axum::middleware::from_fn_with_state(
            uploads.clone(),
            upload_slots::hold,
        ));
    }
    routes.layer(axum::middleware::from_fn_with_state(
        limit.clone(),
        ratelimit::enforce,
    ))
}

fn spawn_limiter_cleanup(limits: Vec<Limit>, gates: Vec<IntakeGate>) {
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.iter().for_each(Limit::forget_idle_clients);
            gates.iter().for_each(IntakeGate::forget_idle_clients);
        }
    });
}
