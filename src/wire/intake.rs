//! `GET /api/v1/routes` and `POST /api/v1/reports`: what a client needs to encrypt a report
//! to the right people, and the ciphertext it sends.

use serde::{Deserialize, Serialize};

use crate::domain::CaseStatus;

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
    /// The receipt lookup key derived from the codephrase, standard base64 (32 bytes).
    pub receipt_verifier: String,
}

/// `POST /api/v1/reports` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct SubmitResponse {
    /// The report's public id.
    pub id: String,
    /// Its status: `received`.
    pub status: CaseStatus,
}
