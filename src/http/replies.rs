//! A caseworker's reply to the reporter: encrypted on the caseworker's machine to the
//! reporter and the route's caseworkers; the server checks the recipients' count and stores it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use super::AppState;
use super::client_ciphertext::client_ciphertext;
use super::failure::ApiError;
use super::json::ApiJson;
use super::staff::{Staff, no_such_case};
use super::thread::{decode_thread_mac, placed};
use super::traffic::Traffic;
use crate::domain::{AlertKind, Author};
use crate::store::NewMessage;
use crate::wire::{MessageAdded, ReplyRequest};

/// `POST /api/v1/cases/{id}/replies`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.api(Router::new().route("/api/v1/cases/{id}/replies", post(reply)))
}

async fn reply(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ReplyRequest>,
) -> Result<Response, ApiError> {
    let staff = staff.caseworker()?;
    let case = staff.own_case(&state, &id).await?;
    // The reporter, plus the route's caseworkers (and decoys up to the recipient slots) so the
    // thread stays readable to staff and every reply has the same shape.
    let bytes = client_ciphertext(
        &request.ciphertext,
        state.recipient_slots() + 1,
        state.max_body_bytes(),
    )?;
    let mac = decode_thread_mac(&request.thread_mac)?;
    let outcome = state
        .add_message(
            &case.public_id,
            &case.route,
            AlertKind::Reply,
            NewMessage {
                author: &Author::Caseworker(staff.name.clone()),
                seq: request.seq,
                ciphertext: &bytes,
                thread_mac: &mac,
            },
        )
        .await
        .map_err(ApiError::not_stored)?;
    let added = placed(outcome, no_such_case)?;
    Ok((StatusCode::CREATED, Json(MessageAdded { seq: added.seq })).into_response())
}
