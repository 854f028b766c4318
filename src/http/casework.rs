//! Coding, escalation and the rapporteurs' inbox (design, flows 7–9; invariant 8).
//!
//! Caseworkers code a case with taxonomy codes and record the consent they read in the
//! decrypted report; they upload escalation packages encrypted on their own machine to one
//! rapporteur. The server checks the recorded consent against `escalation.toml` itself, in
//! the package's own transaction, so a caseworker's CLI that skipped its check still cannot
//! send what the reporter did not allow. Rapporteurs see only packages addressed to them.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::ApiError;
use super::staff::Staff;
use crate::audit::Action;
use crate::envelope::Consent;
use crate::keyring::Role;
use crate::policy::ESCALATION_PURPOSES;
use crate::store::{
    AlertEvent, ConsentRecord, EscalationOutcome, EscalationSummary, NewEscalation, StoredCode,
};

fn forbidden(message: String) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
}

fn rapporteur(staff: &Staff) -> Result<&Staff, ApiError> {
    if staff.role == Role::Rapporteur {
        Ok(staff)
    } else {
        Err(forbidden(format!(
            "the inbox is for rapporteurs; you are logged in as a {}",
            staff.role
        )))
    }
}

fn no_such_package() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_package",
        "no package with this id in your inbox; see safehold inbox list",
    )
}

/// `POST /api/v1/cases/{id}/codes` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// Taxonomy field → codes (see `policy/taxonomy.toml`).
    pub codes: BTreeMap<String, Vec<String>>,
    /// The consent the reporter gave, as read from the decrypted report.
    pub consent: Consent,
}

/// A case's coding as staff see it.
#[derive(Debug, Serialize, Deserialize)]
pub struct CodingView {
    /// The case.
    pub id: String,
    /// Field → codes.
    pub codes: BTreeMap<String, Vec<String>>,
    /// Fields that are restricted: never published, left out of packages.
    pub restricted: Vec<String>,
    /// The recorded consent.
    pub consent: Consent,
    /// Day coded.
    pub coded_day: String,
    /// Who coded it.
    pub coded_by: String,
}

fn consent_record(c: &Consent) -> ConsentRecord {
    ConsentRecord {
        ohchr_reprisals_team: c.ohchr_reprisals_team,
        named_mechanism: c.named_mechanism,
        sg_report_named: c.sg_report_named,
        sg_report_anonymous: c.sg_report_anonymous,
        statistics: c.statistics,
    }
}

fn consent_of(c: &ConsentRecord) -> Consent {
    Consent {
        ohchr_reprisals_team: c.ohchr_reprisals_team,
        named_mechanism: c.named_mechanism,
        sg_report_named: c.sg_report_named,
        sg_report_anonymous: c.sg_report_anonymous,
        statistics: c.statistics,
    }
}

/// `POST /api/v1/cases/{id}/codes`: every code is checked against the taxonomy; an unknown
/// one is refused with 422 naming the field and listing the allowed codes.
pub async fn code(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Json<CodeRequest>, JsonRejection>,
) -> Result<Json<CodingView>, ApiError> {
    let staff = staff.caseworker()?;
    let Json(request) = body.map_err(super::api::json_rejection)?;
    let case = super::staff::own_case(&state, staff, &id).await?;
    let valid = state
        .inner
        .policy
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
    if !state
        .store()
        .set_coding(
            &case.public_id,
            &staff.actor(),
            &codes,
            consent_record(&request.consent),
        )
        .await?
    {
        return Err(super::staff::no_such_case());
    }
    state
        .store()
        .append_audit(&staff.actor(), Action::Code, &case.public_id)
        .await?;
    coding_view(&state, &case.public_id).await
}

async fn coding_view(state: &AppState, id: &str) -> Result<Json<CodingView>, ApiError> {
    let coding = state.store().coding(id).await?.ok_or_else(|| {
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
        consent: consent_of(&coding.consent),
        coded_day: coding.coded_day,
        coded_by: coding.coded_by,
    }))
}

/// `GET /api/v1/cases/{id}/codes`.
pub async fn codes(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<CodingView>, ApiError> {
    let staff = staff.caseworker()?;
    let case = super::staff::own_case(&state, staff, &id).await?;
    coding_view(&state, &case.public_id).await
}

/// A person who may receive packages, for the caseworker's CLI.
#[derive(Debug, Serialize, Deserialize)]
pub struct EscalationRecipientView {
    /// Name in `keys/rapporteurs/`.
    pub name: String,
    /// The consent purpose that must have been given.
    pub purpose: String,
    /// Who this is.
    pub description: String,
    /// Their age recipients: the package is encrypted to exactly these.
    pub recipients: Vec<String>,
}

/// `GET /api/v1/escalation/recipients`.
pub async fn recipients(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<EscalationRecipientView>>, ApiError> {
    staff.caseworker()?;
    let keyring = &state.inner.keyring;
    Ok(Json(
        state
            .inner
            .policy
            .escalation
            .recipients
            .iter()
            .filter_map(|r| {
                keyring
                    .person(Role::Rapporteur, &r.name)
                    .map(|p| EscalationRecipientView {
                        name: r.name.clone(),
                        purpose: r.purpose.clone(),
                        description: r.description.clone(),
                        recipients: p.recipients.iter().map(ToString::to_string).collect(),
                    })
            })
            .collect(),
    ))
}

/// `POST /api/v1/cases/{id}/escalations` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    /// The rapporteur's name (see `GET /api/v1/escalation/recipients`).
    pub to: String,
    /// A `safehold.escalation.v1` document encrypted to exactly the rapporteur's recipients,
    /// binary age, base64.
    pub ciphertext: String,
}

/// A package's tracking.
#[derive(Debug, Serialize, Deserialize)]
pub struct EscalationView {
    /// Package id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The rapporteur.
    pub to: String,
    /// The consent purpose that covered it.
    pub purpose: String,
    /// `delivered`, `downloaded` or `acknowledged`.
    pub status: String,
    /// Day stored.
    pub delivered_day: String,
    /// Day first downloaded.
    pub downloaded_day: Option<String>,
    /// Day acknowledged.
    pub acknowledged_day: Option<String>,
}

impl From<EscalationSummary> for EscalationView {
    fn from(s: EscalationSummary) -> Self {
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
}

/// `POST /api/v1/cases/{id}/escalations`: refused (403, nothing stored) unless the consent
/// recorded with the codes covers the recipient's purpose.
pub async fn escalate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Json<EscalateRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let staff = staff.caseworker()?;
    let Json(request) = body.map_err(super::api::json_rejection)?;
    let case = super::staff::own_case(&state, staff, &id).await?;
    let policy = &state.inner.policy.escalation;
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
    if !ESCALATION_PURPOSES.contains(&recipient.purpose.as_str()) {
        return Err(forbidden(format!(
            "the policy maps {} to `{}`, which cannot cover a package; fix escalation.toml",
            recipient.name, recipient.purpose
        )));
    }
    let person = state
        .inner
        .keyring
        .person(Role::Rapporteur, &recipient.name)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "unknown_recipient",
                format!("{} has no key in keys/rapporteurs/", recipient.name),
            )
        })?;
    let bytes = super::api::client_ciphertext(
        &request.ciphertext,
        person.recipients.len(),
        state.inner.max_api_body_bytes,
    )?;
    let alert = AlertEvent {
        kind: "escalation",
        route: "",
        targets: &recipient.alerts,
    };
    let outcome = state
        .store()
        .insert_escalation(
            NewEscalation {
                case_id: &case.public_id,
                rapporteur: &recipient.name,
                purpose: &recipient.purpose,
                escalated_by: &staff.actor(),
                ciphertext: &bytes,
            },
            alert,
        )
        .await?;
    let package = match outcome {
        EscalationOutcome::Stored(package) => package,
        EscalationOutcome::NoCase => return Err(super::staff::no_such_case()),
        EscalationOutcome::NotCoded => {
            return Err(forbidden(
                "this case has no recorded consent: code it first (safehold case code), which records the reporter's consent from the report".to_owned(),
            ));
        }
        EscalationOutcome::NoConsent => {
            return Err(forbidden(format!(
                "the reporter did not consent to `{}`, which {} requires; nothing was stored",
                recipient.purpose, recipient.name
            )));
        }
    };
    state
        .store()
        .append_audit(&staff.actor(), Action::Escalate, &case.public_id)
        .await?;
    let view = state
        .store()
        .escalations_of_case(&case.public_id)
        .await?
        .into_iter()
        .find(|e| e.id == package)
        .map(EscalationView::from)
        .ok_or_else(no_such_package)?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `GET /api/v1/cases/{id}/escalations`: the case's packages and how far each got.
pub async fn case_escalations(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Vec<EscalationView>>, ApiError> {
    let staff = staff.caseworker()?;
    let case = super::staff::own_case(&state, staff, &id).await?;
    Ok(Json(
        state
            .store()
            .escalations_of_case(&case.public_id)
            .await?
            .into_iter()
            .map(EscalationView::from)
            .collect(),
    ))
}

/// `GET /api/v1/inbox`: the packages addressed to the logged-in rapporteur.
pub async fn inbox(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<EscalationView>>, ApiError> {
    let staff = rapporteur(&staff)?;
    let packages = state.store().escalations_for(&staff.name).await?;
    state
        .store()
        .append_audit(&staff.actor(), Action::List, "")
        .await?;
    Ok(Json(
        packages.into_iter().map(EscalationView::from).collect(),
    ))
}

/// `GET /api/v1/inbox/{id}` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct PackageDetail {
    /// Tracking.
    #[serde(flatten)]
    pub view: EscalationView,
    /// The binary age file, base64.
    pub ciphertext: String,
}

/// `GET /api/v1/inbox/{id}`: a package's ciphertext; records the download.
pub async fn package(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<PackageDetail>, ApiError> {
    let staff = rapporteur(&staff)?;
    let (summary, ciphertext) = state
        .store()
        .download_escalation(&id, &staff.name)
        .await?
        .ok_or_else(no_such_package)?;
    state
        .store()
        .append_audit(&staff.actor(), Action::Download, &summary.case_id)
        .await?;
    Ok(Json(PackageDetail {
        view: summary.into(),
        ciphertext: STANDARD.encode(ciphertext),
    }))
}

/// `POST /api/v1/inbox/{id}/ack`.
pub async fn ack(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<EscalationView>, ApiError> {
    let staff = rapporteur(&staff)?;
    let summary = state
        .store()
        .acknowledge_escalation(&id, &staff.name)
        .await?
        .ok_or_else(no_such_package)?;
    state
        .store()
        .append_audit(&staff.actor(), Action::Ack, &summary.case_id)
        .await?;
    Ok(Json(summary.into()))
}
