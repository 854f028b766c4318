//! The rapporteur's inbox: the packages addressed to them, each downloaded as ciphertext
//! (recording the day) and acknowledged. Rapporteurs see only their own packages, no cases.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::AppState;
use super::escalations::{escalation_view, no_such_package};
use super::failure::ApiError;
use super::staff::Staff;
use super::traffic::Traffic;
use crate::audit::Action;
use crate::store::Audit;
use crate::wire::{EscalationView, PackageDetail};

/// `GET /api/v1/inbox`, `GET /api/v1/inbox/{id}`, `POST /api/v1/inbox/{id}/ack`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.page(
        Router::new()
            .route("/api/v1/inbox", get(inbox))
            .route("/api/v1/inbox/{id}", get(package))
            .route("/api/v1/inbox/{id}/ack", post(ack)),
    )
}

/// `GET /api/v1/inbox`: the packages addressed to the logged-in rapporteur.
async fn inbox(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<EscalationView>>, ApiError> {
    let staff = staff.rapporteur()?;
    let actor = staff.actor();
    let packages = state
        .store()
        .escalations_for(&staff.name, Audit::new(&actor, Action::List))
        .await?;
    Ok(Json(packages.into_iter().map(escalation_view).collect()))
}

/// `GET /api/v1/inbox/{id}`: a package's ciphertext, and the reporter's consent record now
/// (so the rapporteur sees a withdrawal made after it was sent); records the download.
async fn package(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<PackageDetail>, ApiError> {
    let staff = staff.rapporteur()?;
    let actor = staff.actor();
    let package = state
        .store()
        .download_escalation(&id, &staff.name, Audit::new(&actor, Action::Download))
        .await?
        .ok_or_else(no_such_package)?;
    let current_consent = state
        .store()
        .consent(&package.summary.case_id)
        .await?
        .map(|r| r.consent);
    Ok(Json(PackageDetail {
        view: escalation_view(package.summary),
        ciphertext: STANDARD.encode(package.ciphertext),
        current_consent,
    }))
}

/// `POST /api/v1/inbox/{id}/ack`.
async fn ack(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<EscalationView>, ApiError> {
    let staff = staff.rapporteur()?;
    let actor = staff.actor();
    let summary = state
        .store()
        .acknowledge_escalation(&id, &staff.name, Audit::new(&actor, Action::Ack))
        .await?
        .ok_or_else(no_such_package)?;
    Ok(Json(escalation_view(summary)))
}
