//! Escalation packages: who may receive them, sending one (`/api/v1/cases/{id}/escalations`),
//! and the rapporteur's inbox (`/api/v1/inbox…`).

use serde::{Deserialize, Serialize};

use crate::domain::{Consent, Purpose};

/// A person who may receive packages, for the caseworker's CLI.
#[derive(Debug, Serialize, Deserialize)]
pub struct EscalationRecipientView {
    /// Name in `keys/rapporteurs/`.
    pub name: String,
    /// The consent purpose that must have been given.
    pub purpose: Purpose,
    /// For `named_mechanism`: the UN mechanisms (mechanism answers) this recipient covers.
    #[serde(default)]
    pub mechanisms: Vec<String>,
    /// Who this is.
    pub description: String,
    /// Their age recipients: the package is encrypted to exactly these.
    pub recipients: Vec<String>,
}

/// `GET /api/v1/escalation/submitter`: who submits communications, from `escalation.toml`.
#[derive(Debug, Serialize, Deserialize)]
pub struct SubmitterView {
    /// The submitting organisation.
    pub organisation: String,
    /// Its contact for the mandates.
    pub contact: String,
}

/// `POST /api/v1/cases/{id}/escalations` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    /// The rapporteur's name (see `GET /api/v1/escalation/recipients`).
    pub to: String,
    /// A `safehold.escalation.v2` package (communication and JSON) encrypted to exactly the
    /// rapporteur's recipients, binary age, base64.
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
    pub purpose: Purpose,
    /// `delivered`, `downloaded` or `acknowledged`.
    pub status: String,
    /// Day stored.
    pub delivered_day: String,
    /// Day first downloaded.
    pub downloaded_day: Option<String>,
    /// Day acknowledged.
    pub acknowledged_day: Option<String>,
}

/// `GET /api/v1/inbox/{id}` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct PackageDetail {
    /// Tracking.
    #[serde(flatten)]
    pub view: EscalationView,
    /// The binary age file, base64.
    pub ciphertext: String,
    /// The reporter's consent record now (the package carries the one recorded when it was
    /// built); `None` once the case is purged.
    #[serde(default)]
    pub current_consent: Option<Consent>,
}
