//! Caseworkers' cases: listing by route and status, pulling one (ciphertext, for decryption
//! on the caseworker's machine), and the status workflow.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::AppState;
use super::failure::ApiError;
use super::json::ApiJson;
use super::staff::Staff;
use super::traffic::Traffic;
use crate::audit::Action;
use crate::domain::{AlertKind, CaseStatus, list};
use crate::store::{AlertEvent, Audit, CaseSummary};
use crate::wire::{CaseDetail, CaseListQuery, CaseView, MessageView, ReadMark, StatusRequest};

/// `GET /api/v1/cases`, `GET /api/v1/cases/{id}`, `POST /api/v1/cases/{id}/status`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.small_json(
        Router::new()
            .route("/api/v1/cases", get(list_cases))
            .route("/api/v1/cases/{id}", get(pull))
            .route("/api/v1/cases/{id}/status", post(set_status))
            .route("/api/v1/cases/{id}/read", post(mark_read)),
    )
}

fn case_view(c: CaseSummary) -> CaseView {
    CaseView {
        id: c.public_id,
        route: c.route,
        received_day: c.received_day,
        status: c.status,
        unread: c.unread,
    }
}

/// A status the client named, or 422 listing the known ones.
fn parse_status(status: &str) -> Result<CaseStatus, ApiError> {
    status.parse().map_err(|_| {
        ApiError::unprocessable(
            "unknown_status",
            format!("unknown status; use one of: {}", list(CaseStatus::ALL)),
        )
    })
}

async fn list_cases(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<CaseListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<CaseView>>, ApiError> {
    let staff = staff.caseworker()?;
    let Query(query) = query?;
    let status = query.status.as_deref().map(parse_status).transpose()?;
    let mut routes = staff.routes(&state);
    if let Some(route) = &query.route {
        if !routes.contains(route) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "not_your_route",
                format!(
                    "you are not a caseworker of that route; yours are: {}",
                    routes.join(", ")
                ),
            ));
        }
        routes = vec![route.clone()];
    }
    let actor = staff.actor();
    let cases = state
        .store()
        .list_cases(&routes, status, &actor, Audit::new(&actor, Action::List))
        .await?;
    Ok(Json(cases.into_iter().map(case_view).collect()))
}

/// `GET /api/v1/cases/{id}`: a case's ciphertext, for decryption on the caseworker's machine.
async fn pull(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    let staff = staff.caseworker()?;
    let report = staff.own_case(&state, &id).await?;
    let actor = staff.actor();
    let messages = state
        .store()
        .pull_thread(&report.public_id, Audit::new(&actor, Action::Pull))
        .await?;
    let route_recipients = state
        .route(&report.route)
        .map(|r| {
            state
                .route_recipients(r)
                .iter()
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(CaseDetail {
        id: report.public_id,
        route: report.route,
        received_day: report.received_day,
        status: report.status,
        ciphertext: STANDARD.encode(&report.ciphertext),
        messages: messages
            .into_iter()
            .map(|m| MessageView {
                seq: m.seq,
                author: m.author,
                day: m.day,
                ciphertext: STANDARD.encode(&m.ciphertext),
                thread_mac: m.thread_mac.map(|mac| STANDARD.encode(mac)),
            })
            .collect(),
        route_recipients,
    }))
}

/// `POST /api/v1/cases/{id}/status`: moves a case along the allegation workflow.
async fn set_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<StatusRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let staff = staff.caseworker()?;
    let next = parse_status(&request.status)?;
    let case = staff.own_case(&state, &id).await?;
    if !case.status.may_become(next) {
        let allowed = case.status.allowed_next();
        let allowed = if allowed.is_empty() {
            "none: the case is closed".to_owned()
        } else {
            list(allowed)
        };
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "status_not_allowed",
            format!(
                "a case that is {} cannot become {next}; allowed next: {allowed}",
                case.status
            ),
        ));
    }
    let targets = state.alert_targets(&case.route);
    let alert = AlertEvent {
        kind: AlertKind::StatusChange,
        route: &case.route,
        targets: &targets,
    };
    let action = if next == CaseStatus::Closed {
        Action::Close
    } else {
        Action::Status
    };
    let actor = staff.actor();
    if !state
        .store()
        .set_status(
            &case.public_id,
            case.status,
            next,
            alert,
            Audit::new(&actor, action),
        )
        .await
        .map_err(ApiError::not_stored)?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "status_changed",
            "someone changed this case's status meanwhile; list it again",
        ));
    }
    Ok(Json(CaseView {
        id: case.public_id,
        route: case.route,
        received_day: case.received_day,
        status: next,
        unread: 0,
    }))
}

/// `POST /api/v1/cases/{id}/read`: the caller has read the thread up to `seq` (`case show`),
/// so `case list` no longer marks the reporter's messages until then as new for them.
async fn mark_read(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ReadMark>,
) -> Result<Json<ReadMark>, ApiError> {
    let staff = staff.caseworker()?;
    let case = staff.own_case(&state, &id).await?;
    let actor = staff.actor();
    let kept = state
        .store()
        .mark_read(
            &case.public_id,
            &actor,
            request.seq,
            Audit::new(&actor, Action::MarkRead),
        )
        .await
        .map_err(ApiError::not_stored)?;
    let seq = kept.ok_or_else(super::staff::no_such_case)?;
    Ok(Json(ReadMark { seq }))
}
