//! Coding a case for statistics and escalation: taxonomy codes checked against the policy, and
//! links between cases of one victim. Coding carries no consent: that record is the
//! reporter's (`http::consent`), and a coding request that carries one is refused.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::AppState;
use super::failure::ApiError;
use super::json::ApiJson;
use super::staff::{Staff, no_such_case};
use super::traffic::Traffic;
use crate::audit::Action;
use crate::store::{Audit, StoredCode};
use crate::wire::{CodeRequest, CodingView, VictimLinkRequest};

/// `GET|POST /api/v1/cases/{id}/codes`, `POST /api/v1/cases/{id}/victim`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.small_json(
        Router::new()
            .route("/api/v1/cases/{id}/codes", get(codes).post(code))
            .route("/api/v1/cases/{id}/victim", post(link_victim)),
    )
}

/// `POST /api/v1/cases/{id}/codes`: every code is checked against the taxonomy; an unknown
/// one is refused with 422 naming the field and listing the allowed codes.
async fn code(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CodeRequest>,
) -> Result<Json<CodingView>, ApiError> {
    let staff = staff.caseworker()?;
    if request.consent.is_some() {
        return Err(ApiError::unprocessable(
            "consent_not_coded",
            "coding carries no consent: the reporter's consent is recorded at intake and only the reporter can widen it (from their receipt page). Send the codes without `consent`; to record a purpose as refused, use safehold case code --revoke PURPOSE (POST /api/v1/cases/{id}/consent/narrow)",
        ));
    }
    let case = staff.own_case(&state, &id).await?;
    let valid = state
        .policy()
        .taxonomy
        .validate(&request.codes)
        .map_err(|e| ApiError::unprocessable("bad_code", e.to_string()))?;
    let codes: Vec<StoredCode> = valid
        .into_iter()
        .map(|c| StoredCode {
            field: c.field,
            code: c.code,
            restricted: c.restricted,
        })
        .collect();
    let actor = staff.actor();
    if !state
        .store()
        .set_coding(&case.public_id, &codes, Audit::new(&actor, Action::Code))
        .await
        .map_err(ApiError::not_stored)?
    {
        return Err(no_such_case());
    }
    coding_view(&state, &case.public_id, None).await
}

/// The coding of case `id`; with `audit`, the read is audited with it.
async fn coding_view(
    state: &AppState,
    id: &str,
    audit: Option<Audit<'_>>,
) -> Result<Json<CodingView>, ApiError> {
    let coding = match audit {
        Some(audit) => state.store().read_coding(id, audit).await?,
        None => state.store().coding(id).await?,
    };
    let coding = coding.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_coded",
            "this case has not been coded yet: safehold case code ID …",
        )
    })?;
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut restricted = Vec::new();
    for c in coding.codes {
        if c.restricted && !restricted.contains(&c.field) {
            restricted.push(c.field.clone());
        }
        codes.entry(c.field).or_default().push(c.code);
    }
    Ok(Json(CodingView {
        id: id.to_owned(),
        codes,
        restricted,
        consent: coding.consent,
        coded_day: coding.coded_day,
        coded_by: coding.coded_by,
    }))
}

/// `GET /api/v1/cases/{id}/codes`.
async fn codes(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<CodingView>, ApiError> {
    let staff = staff.caseworker()?;
    let case = staff.own_case(&state, &id).await?;
    let actor = staff.actor();
    coding_view(
        &state,
        &case.public_id,
        Some(Audit::new(&actor, Action::ReadCodes)),
    )
    .await
}

/// `POST /api/v1/cases/{id}/victim`: links two cases of one victim, so statistics count that
/// person once per table.
async fn link_victim(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<VictimLinkRequest>,
) -> Result<Json<VictimLinkRequest>, ApiError> {
    let staff = staff.caseworker()?;
    if request.same_as == id {
        return Err(ApiError::unprocessable(
            "same_case",
            "a case cannot be linked to itself; name another case",
        ));
    }
    let case = staff.own_case(&state, &id).await?;
    let other = staff.own_case(&state, &request.same_as).await?;
    let actor = staff.actor();
    state
        .store()
        .link_victims(
            &case.public_id,
            &other.public_id,
            Audit::new(&actor, Action::Code),
        )
        .await
        .map_err(ApiError::not_stored)?;
    Ok(Json(request))
}
