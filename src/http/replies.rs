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
use super::traffic::Traffic;
use crate::domain::{AlertKind, Author};
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
    let route_recipients = state
        .route(&case.route)
        .map_or(0, |r| state.route_recipients(r).len());
    // The reporter, plus every caseworker of the route so the thread stays readable to staff.
    let bytes = client_ciphertext(
        &request.ciphertext,
        route_recipients + 1,
        state.max_body_bytes(),
    )?;
    let added = state
        .add_message(
            &case.public_id,
            &case.route,
            &Author::Caseworker(staff.name.clone()),
            AlertKind::Reply,
            &bytes,
        )
        .await
        .map_err(ApiError::not_stored)?
        .ok_or_else(no_such_case)?;
    Ok((StatusCode::CREATED, Json(MessageAdded { seq: added.seq })).into_response())
}
