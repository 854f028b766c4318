//! The JSON API for clients that encrypt themselves: the browser with JavaScript, and
//! `safehold submit`. The server receives only ciphertext here and checks its age header.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::ApiError;
use crate::ciphertext;
use crate::crypto::receipt::receipt_hash;
use crate::envelope::padded_len;
use crate::policy::questions;
use crate::store::{AlertEvent, NewReport, new_public_id, today};

/// `GET /api/v1/routes`: everything a client needs to encrypt to the right people.
#[derive(Debug, Serialize, Deserialize)]
pub struct RoutesResponse {
    /// SHA-256 over the whole keyring; see `keys/README.md`.
    pub keyring_fingerprint: String,
    /// Every person in the keyring, so a client can recompute the fingerprint.
    pub people: Vec<PersonView>,
    /// The routes, in selection order.
    pub routes: Vec<RouteView>,
    /// The route used when no other matches.
    pub default_route: String,
    /// The coarse questions and their allowed answers.
    pub questions: QuestionsView,
    /// Largest accepted ciphertext, in bytes.
    pub max_ciphertext_bytes: usize,
}

/// A person's public keys.
#[derive(Debug, Serialize, Deserialize)]
pub struct PersonView {
    /// `caseworker`, `rapporteur` or `admin`.
    pub role: String,
    /// Public handle.
    pub name: String,
    /// age recipients, one per device.
    pub recipients: Vec<String>,
}

/// One route as clients see it.
#[derive(Debug, Serialize, Deserialize)]
pub struct RouteView {
    /// Route name, sent back with the report.
    pub name: String,
    /// Mechanisms that select it (any of), if it selects on mechanism.
    pub mechanism: Option<Vec<String>>,
    /// Regions that select it (any of), if it selects on region.
    pub region: Option<Vec<String>>,
    /// Danger answer that selects it, if it selects on danger.
    pub immediate_danger: Option<bool>,
    /// Caseworkers who can read its reports.
    pub caseworkers: Vec<String>,
    /// Exactly the recipients a report on this route must be encrypted to.
    pub recipients: Vec<String>,
}

/// Allowed answers to the coarse routing questions.
#[derive(Debug, Serialize, Deserialize)]
pub struct QuestionsView {
    /// Mechanism codes.
    pub mechanism: Vec<String>,
    /// Region codes.
    pub region: Vec<String>,
}

pub async fn routes(State(state): State<AppState>) -> Json<RoutesResponse> {
    let keyring = &state.inner.keyring;
    let routing = &state.inner.policy.routing;
    Json(RoutesResponse {
        keyring_fingerprint: keyring.fingerprint().to_owned(),
        people: keyring
            .people()
            .map(|p| PersonView {
                role: p.role.to_string(),
                name: p.name.clone(),
                recipients: p.recipients.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        routes: routing
            .routes()
            .iter()
            .map(|r| RouteView {
                name: r.name.clone(),
                mechanism: r.when.mechanism.clone(),
                region: r.when.region.clone(),
                immediate_danger: r.when.immediate_danger,
                caseworkers: r.caseworkers.clone(),
                recipients: routing
                    .recipients(r, keyring)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
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
        max_ciphertext_bytes: state.inner.max_body_bytes,
    })
}

/// `POST /api/v1/reports` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// Name of the route the ciphertext was encrypted for.
    pub route: String,
    /// The reporter said someone is in immediate danger.
    #[serde(default)]
    pub urgent: bool,
    /// The binary age file, standard base64.
    pub ciphertext: String,
    /// The reporter's age recipient derived from the codephrase.
    pub reporter_recipient: String,
    /// The receipt lookup key derived from the codephrase, standard base64 (32 bytes).
    pub receipt_verifier: String,
}

/// `POST /api/v1/reports` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct SubmitResponse {
    /// The report's public id.
    pub id: String,
    /// Its status: `received`.
    pub status: String,
}

pub async fn submit(
    State(state): State<AppState>,
    body: Result<Json<SubmitRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(json_rejection)?;
    let routing = &state.inner.policy.routing;
    let route = routing.get(&request.route).ok_or_else(|| {
        ApiError::unprocessable(
            "unknown_route",
            format!(
                "unknown route \"{}\"; GET /api/v1/routes lists the routes",
                printable(&request.route)
            ),
        )
    })?;
    let reporter_recipient: age::x25519::Recipient =
        request.reporter_recipient.parse().map_err(|_| {
            ApiError::unprocessable(
                "bad_reporter_recipient",
                "reporter_recipient must be an X25519 age recipient (age1…)",
            )
        })?;
    let verifier = decode_verifier(&request.receipt_verifier)?;
    let expected = routing.recipients(route, &state.inner.keyring).len();
    let bytes = client_ciphertext(&request.ciphertext, expected, state.inner.max_body_bytes)?;

    let public_id = new_public_id();
    state
        .store()
        .insert_report(NewReport {
            public_id: public_id.clone(),
            route: route.name.clone(),
            received_day: today(),
            ciphertext: bytes,
            reporter_recipient: reporter_recipient.to_string(),
            receipt_hash: receipt_hash(state.inner.secrets.receipt_pepper(), &verifier),
            urgent: request.urgent,
            alert_targets: route.alerts.clone(),
        })
        .await?;
    let body = SubmitResponse {
        id: public_id,
        status: "received".to_owned(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Decodes and checks an age file made by a client: base64, a strict age header with exactly
/// `expected` X25519 recipients, and a plaintext padded to a bucket.
pub(super) fn client_ciphertext(
    base64: &str,
    expected: usize,
    max_len: usize,
) -> Result<Vec<u8>, ApiError> {
    let bytes = STANDARD.decode(base64.as_bytes()).map_err(|_| {
        ApiError::bad_request(
            "bad_base64",
            "ciphertext must be a binary age file in standard base64",
        )
    })?;
    let summary = ciphertext::validate(&bytes, expected, max_len).map_err(|e| {
        let status = if matches!(e, ciphertext::CiphertextError::TooLarge { .. }) {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        ApiError::new(status, "bad_ciphertext", e.to_string())
    })?;
    // Every envelope is padded to a size bucket before encryption; a plaintext of any other
    // length was either not padded (its size leaks) or was cut short in transit.
    let plaintext_len = ciphertext::plaintext_len(summary.payload_len);
    if padded_len(plaintext_len) != plaintext_len {
        return Err(ApiError::unprocessable(
            "unpadded_plaintext",
            format!(
                "the encrypted plaintext is {plaintext_len} bytes, which is not a padding bucket; pad the envelope as docs/envelope.md describes (or the file was truncated)"
            ),
        ));
    }
    Ok(bytes)
}

/// `POST /api/v1/receipt` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// The receipt lookup key derived from the codephrase, standard base64.
    pub receipt_verifier: String,
}

/// `POST /api/v1/receipt` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReceiptResponse {
    /// The report's public id.
    pub id: String,
    /// Its status.
    pub status: String,
    /// The day it arrived.
    pub received_day: String,
    /// Its route: follow-ups are encrypted to that route's recipients.
    pub route: String,
    /// The thread: replies are encrypted to the reporter's recipient.
    pub messages: Vec<ThreadMessage>,
}

/// A message of the thread as the reporter sees it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ThreadMessage {
    /// Position in the thread.
    pub seq: i64,
    /// `reporter` or `caseworker` (the reporter is not told which caseworker).
    pub from: String,
    /// Day it was added.
    pub day: String,
    /// The age file, base64 (replies only; the reporter cannot open their own follow-ups).
    pub ciphertext: Option<String>,
}

/// The thread of a case for its reporter.
pub(super) async fn reporter_thread(
    state: &AppState,
    case_id: &str,
) -> Result<Vec<ThreadMessage>, ApiError> {
    Ok(state
        .store()
        .messages(case_id)
        .await?
        .into_iter()
        .map(|m| {
            let from_reporter = m.author == "reporter";
            ThreadMessage {
                seq: m.seq,
                from: if from_reporter {
                    "reporter"
                } else {
                    "caseworker"
                }
                .to_owned(),
                day: m.day,
                ciphertext: (!from_reporter).then(|| STANDARD.encode(&m.ciphertext)),
            }
        })
        .collect())
}

/// The report a receipt verifier belongs to; a wrong verifier and an unknown one get the same
/// answer.
async fn receipt_view(
    state: &AppState,
    verifier: &str,
) -> Result<crate::store::ReceiptView, ApiError> {
    let verifier = decode_verifier(verifier)?;
    let hash = receipt_hash(state.inner.secrets.receipt_pepper(), &verifier);
    state
        .store()
        .receipt(&hash)
        .await?
        .ok_or_else(no_such_receipt)
}

fn no_such_receipt() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_receipt",
        "no report matches this codephrase; check each word",
    )
}

pub async fn receipt(
    State(state): State<AppState>,
    body: Result<Json<ReceiptRequest>, JsonRejection>,
) -> Result<Json<ReceiptResponse>, ApiError> {
    let Json(request) = body.map_err(json_rejection)?;
    let view = receipt_view(&state, &request.receipt_verifier).await?;
    let messages = reporter_thread(&state, &view.public_id).await?;
    Ok(Json(ReceiptResponse {
        id: view.public_id,
        status: view.status,
        received_day: view.received_day,
        route: view.route,
        messages,
    }))
}

/// `POST /api/v1/receipt/followups` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupRequest {
    /// The receipt lookup key, as for `/api/v1/receipt`.
    pub receipt_verifier: String,
    /// A `safehold.followup.v1` document encrypted to the route's recipients, base64.
    pub ciphertext: String,
}

/// `POST /api/v1/receipt/followups` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct FollowupResponse {
    /// Position of the follow-up in the thread.
    pub seq: i64,
}

pub async fn followup(
    State(state): State<AppState>,
    body: Result<Json<FollowupRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(json_rejection)?;
    let view = receipt_view(&state, &request.receipt_verifier).await?;
    let routing = &state.inner.policy.routing;
    let route = routing.get(&view.route).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "route_gone",
            "this report's route no longer exists; contact the organisation another way",
        )
    })?;
    let expected = routing.recipients(route, &state.inner.keyring).len();
    let bytes = client_ciphertext(&request.ciphertext, expected, state.inner.max_body_bytes)?;
    let targets = state.alert_targets(&view.route);
    let alert = AlertEvent {
        kind: "follow_up",
        route: &view.route,
        targets: &targets,
    };
    let message = state
        .store()
        .add_message(&view.public_id, "reporter", &bytes, alert)
        .await?
        .ok_or_else(no_such_receipt)?;
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

/// Turns a JSON body rejection into an answer that says what to send instead.
pub(super) fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "the request body is larger than the server accepts; see max_ciphertext_bytes in /api/v1/routes",
            )
        }
        other => ApiError::bad_request(
            "bad_json",
            format!("the body is not the expected JSON: {}", other.body_text()),
        ),
    }
}
