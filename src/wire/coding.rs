//! `/api/v1/cases/{id}/codes`: a case's taxonomy codes and the consent recorded with them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::Consent;

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
