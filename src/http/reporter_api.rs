//! The reporter API, for clients that encrypt themselves (the page with JavaScript,
//! `safehold submit`): the routes to encrypt to, reports, receipts and follow-ups. The server
//! receives only ciphertext here and checks its age header.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::AppState;
use super::client_ciphertext::client_ciphertext;
use super::failure::ApiError;
use super::intake_gate::IntakeGate;
use super::json::ApiJson;
use super::ratelimit::ClientKey;
use super::thread;
use super::traffic::Traffic;
use crate::domain::{AlertKind, Author, CaseStatus, Consent};
use crate::mac::receipt_hash;
use crate::policy::questions;
use crate::policy::routing::Route;
use crate::store::{NewMessage, NewReport, ReceiptView, StoreError, new_public_id, today};
use crate::wire::{
    EscalationKeysView, FollowupRequest, FollowupResponse, QuestionsView, ReceiptRequest,
    ReceiptResponse, RouteView, RoutesResponse, SubmitRequest, SubmitResponse, ThreadMessage,
};

/// `GET /api/v1/routes`, `POST /api/v1/reports`, `POST /api/v1/receipt`,
/// `POST /api/v1/receipt/followups`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    Router::new()
        .merge(traffic.api_intake(Router::new().route("/api/v1/reports", post(submit))))
        .merge(traffic.api(Router::new().route("/api/v1/receipt/followups", post(followup))))
        .merge(traffic.receipt(Router::new().route("/api/v1/receipt", post(receipt))))
        .merge(traffic.page(Router::new().route("/api/v1/routes", get(routes_to_encrypt_to))))
}

/// `GET /api/v1/routes`: everything a client needs to encrypt to the right people: the
/// published keyring (recipients per route and per escalation purpose, no names) and its
/// fingerprint, with each route's selector.
async fn routes_to_encrypt_to(State(state): State<AppState>) -> Json<RoutesResponse> {
    let published = state.published_keyring();
    let routing = &state.policy().routing;
    Json(RoutesResponse {
        keyring_fingerprint: published.fingerprint().to_string(),
        routes: routing
            .routes()
            .iter()
            .map(|r| RouteView {
                name: r.name.clone(),
                tag: r.tag(),
                mechanism: r.when.mechanism.clone(),
                region: r.when.region.clone(),
                immediate_danger: r.when.immediate_danger,
                recipients: published.route(&r.name).unwrap_or_default().to_vec(),
            })
            .collect(),
        escalation: published
            .escalation()
            .filter_map(|(purpose, recipients)| {
                Some(EscalationKeysView {
                    purpose: purpose.parse().ok()?,
                    recipients: recipients.to_vec(),
                })
            })
            .collect(),
        default_route: routing.default_route().name.clone(),
        questions: QuestionsView {
            mechanism: questions::MECHANISMS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            region: questions::REGIONS.iter().map(|s| (*s).to_owned()).collect(),
        },
        max_ciphertext_bytes: state.max_body_bytes(),
    })
}

/// `POST /api/v1/reports`.
async fn submit(
    State(state): State<AppState>,
    Extension(gate): Extension<IntakeGate>,
    Extension(client): Extension<ClientKey>,
    ApiJson(request): ApiJson<SubmitRequest>,
) -> Result<Response, ApiError> {
    let route = state.route_by_tag(&request.route_tag).ok_or_else(|| {
        ApiError::unprocessable(
            "unknown_route",
            format!(
                "unknown route tag \"{}\"; GET /api/v1/routes lists each route's tag",
                printable(&request.route_tag)
            ),
        )
    })?;
    let verifier = decode_verifier(&request.receipt_verifier)?;
    let consent = consent_flags(&request.consent)?;
    let mechanism = match request.mechanism.as_str() {
        "" => None,
        m if questions::is_mechanism(m) => Some(m.to_owned()),
        m => {
            return Err(ApiError::unprocessable(
                "bad_mechanism",
                format!(
                    "mechanism \"{}\" is not an answer to the mechanism question; use \"\" or one of: {}",
                    printable(m),
                    questions::MECHANISMS.join(", ")
                ),
            ));
        }
    };
    // Every report carries the same number of recipients, decoys included, whatever its route.
    let bytes = client_ciphertext(
        &request.ciphertext,
        state.recipient_slots(),
        state.max_body_bytes(),
    )?;

    // Only a well-formed report spends anything; it is stored while it holds its place.
    let place = gate
        .admit(client, &request.intake_ticket, request.urgent)
        .await?;
    let public_id = store_report(
        &state,
        route,
        bytes,
        &verifier,
        request.urgent,
        consent,
        mechanism,
    )
    .await
    .map_err(ApiError::not_stored)?;
    drop(place);
    let body = SubmitResponse {
        id: public_id,
        status: CaseStatus::Received,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Stores a sealed report with its alerts, indexed by the keyed hash of its receipt's lookup
/// key; returns its new public id once both are durably committed. The one way a report is
/// stored, whether the client or the server sealed it. The reporter's `consent` (and
/// `mechanism` answer) are stored with it, in its transaction.
pub async fn store_report(
    state: &AppState,
    route: &Route,
    ciphertext: Vec<u8>,
    lookup_key: &[u8; 32],
    urgent: bool,
    consent: Consent,
    mechanism: Option<String>,
) -> Result<String, StoreError> {
    let public_id = new_public_id();
    state
        .store()
        .insert_report(NewReport {
            public_id: public_id.clone(),
            route: route.name.clone(),
            received_day: today(),
            ciphertext,
            receipt_hash: receipt_hash(state.secrets().receipt_pepper(), lookup_key),
            urgent,
            consent,
            mechanism,
            alert_targets: route.alerts.clone(),
        })
        .await?;
    Ok(public_id)
}

/// The thread of a case as its reporter sees it (see [`thread::for_reporter`]).
async fn reporter_thread(state: &AppState, case_id: &str) -> Result<Vec<ThreadMessage>, ApiError> {
    Ok(state
        .store()
        .messages(case_id)
        .await?
        .into_iter()
        .map(thread::for_reporter)
        .collect())
}

/// Parses consent sent as five `0`/`1` characters (see [`Consent::flags`]).
pub fn consent_flags(flags: &str) -> Result<Consent, ApiError> {
    Consent::from_flags(flags).ok_or_else(|| {
        ApiError::unprocessable(
            "bad_consent",
            "consent must be five characters 0 or 1, one per purpose in this order: ohchr_reprisals_team, named_mechanism, sg_report_named, sg_report_anonymous, statistics (e.g. \"10001\")",
        )
    })
}

/// The report a receipt verifier belongs to; a wrong verifier and an unknown one get the same
/// answer.
pub async fn receipt_view(state: &AppState, verifier: &str) -> Result<ReceiptView, ApiError> {
    let verifier = decode_verifier(verifier)?;
    let hash = receipt_hash(state.secrets().receipt_pepper(), &verifier);
    state
        .store()
        .receipt(&hash)
        .await?
        .ok_or_else(no_such_receipt)
}

pub fn no_such_receipt() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_receipt",
        "no report matches this codephrase; check each word",
    )
}

/// `POST /api/v1/receipt`.
async fn receipt(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ReceiptRequest>,
) -> Result<Json<ReceiptResponse>, ApiError> {
    let view = receipt_view(&state, &request.receipt_verifier).await?;
    let messages = reporter_thread(&state, &view.public_id).await?;
    let consent = state
        .store()
        .consent(&view.public_id)
        .await?
        .map(|r| r.consent)
        .unwrap_or_default();
    let escalated = !state
        .store()
        .escalations_of_case(&view.public_id)
        .await?
        .is_empty();
    let replied = messages.iter().any(|m| m.from != "reporter");
    Ok(Json(ReceiptResponse {
        status: view.status.for_reporter(escalated, replied),
        id: view.public_id,
        received_day: view.received_day,
        route: view.route,
        messages,
        consent,
    }))
}

/// `POST /api/v1/receipt/followups`.
async fn followup(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<FollowupRequest>,
) -> Result<Response, ApiError> {
    let view = receipt_view(&state, &request.receipt_verifier).await?;
    if state.route(&view.route).is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "route_gone",
            "this report's route no longer exists; contact the organisation another way",
        ));
    }
    let bytes = client_ciphertext(
        &request.ciphertext,
        state.recipient_slots(),
        state.max_body_bytes(),
    )?;
    let mac = thread::decode_thread_mac(&request.thread_mac)?;
    let outcome = state
        .add_message(
            &view.public_id,
            &view.route,
            AlertKind::FollowUp,
            NewMessage {
                author: &Author::Reporter,
                seq: request.seq,
                ciphertext: &bytes,
                thread_mac: &mac,
            },
        )
        .await
        .map_err(ApiError::not_stored)?;
    let message = thread::placed(outcome, no_such_receipt)?;
    Ok((
        StatusCode::CREATED,
        Json(FollowupResponse { seq: message.seq }),
    )
        .into_response())
}

fn decode_verifier(text: &str) -> Result<[u8; 32], ApiError> {
    STANDARD
        .decode(text.as_bytes())
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "bad_receipt_verifier",
                "receipt_verifier must be the 32-byte lookup key derived from the codephrase, in standard base64",
            )
        })
}

/// Echoes client-supplied names only in a bounded, printable form.
fn printable(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(48)
        .collect()
}
