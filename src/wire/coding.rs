//! `/api/v1/cases/{id}/codes`: a case's taxonomy codes. Coding carries no consent: the view
//! shows the reporter's current record, and a request that carries one is refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::Consent;

/// `POST /api/v1/cases/{id}/codes` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// Taxonomy field → codes (see `policy/taxonomy.toml`).
    pub codes: BTreeMap<String, Vec<String>>,
    /// Refused when present: consent is the reporter's, not the coder's (narrow it with
    /// `POST /api/v1/cases/{id}/consent/narrow`). Kept only so that the refusal can say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<serde_json::Value>,
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
    /// The reporter's current consent record (not part of the coding).
    pub consent: Consent,
    /// Day coded.
    pub coded_day: String,
    /// Who coded it.
    pub coded_by: String,
}
