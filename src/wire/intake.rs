//! `GET /api/v1/routes` and `POST /api/v1/reports`: what a client needs to encrypt a report
//! to the right people, and the ciphertext it sends.

use serde::{Deserialize, Serialize};

use crate::domain::{CaseStatus, Purpose};
use crate::policy::questions;

/// `GET /api/v1/routes`: everything a client needs to encrypt to the right people, and
/// nothing about who they are (no names, roles or device counts).
#[derive(Debug, Serialize, Deserialize)]
pub struct RoutesResponse {
    /// The keyring fingerprint: SHA-256 over every route's and every escalation purpose's
    /// recipients, exactly the keys clients encrypt to; see `keys/README.md`.
    pub keyring_fingerprint: String,
    /// The routes, in selection order.
    pub routes: Vec<RouteView>,
    /// Per consent purpose, the keys escalation packages may be encrypted to (staff get the
    /// rapporteurs' names from `GET /api/v1/escalation/recipients`).
    pub escalation: Vec<EscalationKeysView>,
    /// The route used when no other matches.
    pub default_route: String,
    /// The coarse questions and their allowed answers.
    pub questions: QuestionsView,
    /// Largest accepted ciphertext, in bytes.
    pub max_ciphertext_bytes: usize,
}

/// One route as clients see it.
#[derive(Debug, Serialize, Deserialize)]
pub struct RouteView {
    /// Route name.
    pub name: String,
    /// Its fixed-size tag (16 hex digits), sent back with a report so that the request's
    /// length does not depend on the route.
    pub tag: String,
    /// Mechanisms that select it (any of), if it selects on mechanism.
    pub mechanism: Option<Vec<String>>,
    /// Regions that select it (any of), if it selects on region.
    pub region: Option<Vec<String>>,
    /// Danger answer that selects it, if it selects on danger.
    pub immediate_danger: Option<bool>,
    /// Exactly the recipients a report on this route must be encrypted to, sorted.
    pub recipients: Vec<String>,
}

/// The keys of one escalation consent purpose.
#[derive(Debug, Serialize, Deserialize)]
pub struct EscalationKeysView {
    /// `named_mechanism` or `ohchr_reprisals_team`.
    pub purpose: Purpose,
    /// Every recipient a package under this purpose may be encrypted to, sorted.
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
    /// The tag of the route the ciphertext was encrypted for (`tag` in `/api/v1/routes`).
    pub route_tag: String,
    /// The reporter said someone is in immediate danger.
    #[serde(default)]
    pub urgent: bool,
    /// The reporter's consent, the same as inside the ciphertext, as five `0`/`1` characters
    /// in this order: ohchr_reprisals_team, named_mechanism, sg_report_named,
    /// sg_report_anonymous, statistics. The server keeps and enforces it.
    pub consent: String,
    /// The reporter's answer to the mechanism question (`questions.mechanism` in
    /// `/api/v1/routes`), or `""` if they gave none: where a `named_mechanism` package may go.
    #[serde(default)]
    pub mechanism: String,
    /// The binary age file, standard base64.
    pub ciphertext: String,
    /// The receipt lookup key derived from the codephrase, standard base64 (32 bytes).
    pub receipt_verifier: String,
    /// The intake ticket of the form page the report was written on (`intake_ticket` in its
    /// form), or `""`: a fresh one earns the report priority when the server is flooded.
    #[serde(default)]
    pub intake_ticket: String,
}

impl SubmitRequest {
    /// How many bytes this body is shorter than the longest of its shape (`urgent: false`,
    /// the longest mechanism answer, an intake ticket), for [`crate::padding::padded_json_body`].
    pub fn shorter_by(&self) -> usize {
        let longest = questions::MECHANISMS
            .iter()
            .map(|m| m.len())
            .max()
            .unwrap_or(0);
        usize::from(self.urgent)
            + longest.saturating_sub(self.mechanism.len())
            + INTAKE_TICKET_LEN.saturating_sub(self.intake_ticket.len())
    }
}

/// Length of an intake ticket's text (every ticket has it).
pub const INTAKE_TICKET_LEN: usize = 50;

/// `POST /api/v1/reports` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct SubmitResponse {
    /// The report's public id.
    pub id: String,
    /// Its status: `received`.
    pub status: CaseStatus,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::padding::padded_json_body;

    #[test]
    fn every_consent_mechanism_answer_and_ticket_pads_from_the_same_length() {
        let mut lengths = std::collections::BTreeSet::new();
        let answers = questions::MECHANISMS.iter().copied().chain([""]);
        let ticket = "T".repeat(INTAKE_TICKET_LEN);
        for (mechanism, intake_ticket) in answers.flat_map(|m| [(m, ""), (m, ticket.as_str())]) {
            for flags in ["00000", "11111", "10101"] {
                for urgent in [false, true] {
                    let request = SubmitRequest {
                        route_tag: "0123456789abcdef".into(),
                        urgent,
                        consent: flags.into(),
                        mechanism: mechanism.into(),
                        ciphertext: "A".repeat(9000),
                        receipt_verifier: "B".repeat(44),
                        intake_ticket: intake_ticket.into(),
                    };
                    let body = serde_json::to_vec(&request).unwrap();
                    // The length padding starts from is that of the longest variant, always.
                    lengths.insert(body.len() + request.shorter_by());
                    let padded = padded_json_body(body, request.shorter_by());
                    assert!(serde_json::from_slice::<SubmitRequest>(&padded).is_ok());
                }
            }
        }
        assert_eq!(lengths.len(), 1, "{lengths:?}");
    }
}
