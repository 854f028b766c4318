//! Escalation packages (design flow 8, invariant 8): caseworkers upload packages encrypted on
//! their own machine to one rapporteur. The server checks the recorded consent against
//! `escalation.toml` itself, in the package's own transaction, so a caseworker's CLI that
//! skipped its check still cannot send what the reporter did not allow.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::AppState;
use super::client_ciphertext::client_ciphertext;
use super::failure::ApiError;
use super::json::ApiJson;
use super::staff::{Staff, no_such_case};
use super::traffic::Traffic;
use crate::audit::Action;
use crate::domain::AlertKind;
use crate::keyring::Role;
use crate::store::{AlertEvent, Audit, EscalationOutcome, EscalationSummary, NewEscalation};
use crate::wire::{EscalateRequest, EscalationRecipientView, EscalationView, SubmitterView};

/// `GET /api/v1/escalation/recipients`, `GET|POST /api/v1/cases/{id}/escalations`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    Router::new()
        .merge(traffic.api(Router::new().route("/api/v1/cases/{id}/escalations", post(escalate))))
        .merge(
            traffic.page(
                Router::new()
                    .route("/api/v1/cases/{id}/escalations", get(case_escalations))
                    .route("/api/v1/escalation/recipients", get(recipients))
                    .route("/api/v1/escalation/submitter", get(submitter)),
            ),
        )
}

/// A package's tracking as clients see it.
pub fn escalation_view(s: EscalationSummary) -> EscalationView {
    EscalationView {
        status: s.status().to_owned(),
        id: s.id,
        case_id: s.case_id,
        to: s.rapporteur,
        purpose: s.purpose,
        delivered_day: s.delivered_day,
        downloaded_day: s.downloaded_day,
        acknowledged_day: s.acknowledged_day,
    }
}

/// The answer for a package that is missing or addressed to someone else.
pub fn no_such_package() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_package",
        "no package with this id in your inbox; see safehold inbox list",
    )
}

/// `GET /api/v1/escalation/recipients`: who may receive packages, with their keys.
async fn recipients(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<EscalationRecipientView>>, ApiError> {
    staff.caseworker()?;
    Ok(Json(
        state
            .policy()
            .escalation
            .recipients
            .iter()
            .filter_map(|r| {
                state
                    .person(Role::Rapporteur, &r.name)
                    .map(|p| EscalationRecipientView {
                        name: r.name.clone(),
                        purpose: r.purpose,
                        mechanisms: r.mechanisms.clone(),
                        description: r.description.clone(),
                        recipients: p.recipients.iter().map(ToString::to_string).collect(),
                    })
            })
            .collect(),
    ))
}

/// `GET /api/v1/escalation/submitter`: the organisation that submits communications.
async fn submitter(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<SubmitterView>, ApiError> {
    staff.caseworker()?;
    let submitter = state.policy().escalation.submitter.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_submitter",
            "escalation.toml names no [submitter] (organisation and contact); mandates do not consider anonymous communications, so no package can be built. Ask the operator to add it",
        )
    })?;
    Ok(Json(SubmitterView {
        organisation: submitter.organisation,
        contact: submitter.contact,
    }))
}

/// `POST /api/v1/cases/{id}/escalations`: refused (403, nothing stored) unless the reporter's
/// current consent allows the recipient's purpose and, for `named_mechanism`, the recipient
/// covers the mechanism the reporter engaged with.
async fn escalate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<EscalateRequest>,
) -> Result<Response, ApiError> {
    let staff = staff.caseworker()?;
    let case = staff.own_case(&state, &id).await?;
    let policy = &state.policy().escalation;
    let recipient = policy.recipient(&request.to).ok_or_else(|| {
        ApiError::unprocessable(
            "unknown_recipient",
            format!(
                "`{}` cannot receive packages; recipients in escalation.toml: {}",
                request.to,
                policy.names()
            ),
        )
    })?;
    if !recipient.purpose.covers_packages() {
        return Err(ApiError::forbidden(format!(
            "the policy maps {} to `{}`, which cannot cover a package; fix escalation.toml",
            recipient.name, recipient.purpose
        )));
    }
    let person = state
        .person(Role::Rapporteur, &recipient.name)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "unknown_recipient",
                format!("{} has no key in keys/rapporteurs/", recipient.name),
            )
        })?;
    let bytes = client_ciphertext(
        &request.ciphertext,
        person.recipients.len(),
        state.max_api_body_bytes(),
    )?;
    let alert = AlertEvent {
        kind: AlertKind::Escalation,
        route: "",
        targets: &recipient.alerts,
    };
    let actor = staff.actor();
    let outcome = state
        .store()
        .insert_escalation(
            NewEscalation {
                case_id: &case.public_id,
                rapporteur: &recipient.name,
                purpose: recipient.purpose,
                mechanisms: &recipient.mechanisms,
                escalated_by: &actor,
                ciphertext: &bytes,
            },
            alert,
            Audit::new(&actor, Action::Escalate),
        )
        .await
        .map_err(ApiError::not_stored)?;
    let package = match outcome {
        EscalationOutcome::Stored(package) => package,
        EscalationOutcome::NoCase => return Err(no_such_case()),
        EscalationOutcome::NotCoded => {
            return Err(ApiError::forbidden(
                "this case has not been coded: code it first (safehold case code)",
            ));
        }
        EscalationOutcome::NoConsent => {
            return Err(ApiError::forbidden(format!(
                "the reporter's current consent does not allow `{}`, which {} requires; nothing was stored. Only the reporter can give it, from their receipt page",
                recipient.purpose.name(),
                recipient.name
            )));
        }
        EscalationOutcome::WrongMechanism(engaged) => {
            return Err(ApiError::forbidden(match engaged {
                Some(m) => format!(
                    "the reporter consented to share with the UN mechanism they engaged with, `{m}`; {} covers {}, not `{m}`; nothing was stored. Send it to a recipient that covers `{m}`",
                    recipient.name,
                    recipient.mechanisms.join(", ")
                ),
                None => format!(
                    "the reporter did not say which UN mechanism they engaged with, so no package can go to {} under `mechanism`; nothing was stored. Ask the reporter (safehold case reply)",
                    recipient.name
                ),
            }));
        }
    };
    let view = state
        .store()
        .escalations_of_case(&case.public_id)
        .await?
        .into_iter()
        .find(|e| e.id == package)
        .map(escalation_view)
        .ok_or_else(no_such_package)?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `GET /api/v1/cases/{id}/escalations`: the case's packages and how far each got.
async fn case_escalations(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Vec<EscalationView>>, ApiError> {
    let staff = staff.caseworker()?;
    let case = staff.own_case(&state, &id).await?;
    let actor = staff.actor();
    Ok(Json(
        state
            .store()
            .read_escalations_of_case(&case.public_id, Audit::new(&actor, Action::ReadEscalations))
            .await?
            .into_iter()
            .map(escalation_view)
            .collect(),
    ))
}
