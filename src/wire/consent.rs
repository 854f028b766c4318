//! The reporter's consent record: changing it from the receipt page
//! (`POST /api/v1/receipt/consent`), and staff reading it and narrowing it
//! (`GET /api/v1/cases/{id}/consent`, `POST /api/v1/cases/{id}/consent/narrow`).

use serde::{Deserialize, Serialize};

use crate::domain::{Consent, Purpose};

/// `POST /api/v1/receipt/consent` body: the reporter's whole new record.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentChangeRequest {
    /// The receipt lookup key, as for `/api/v1/receipt`.
    pub receipt_verifier: String,
    /// The new record as five `0`/`1` characters, one per purpose in this order:
    /// ohchr_reprisals_team, named_mechanism, sg_report_named, sg_report_anonymous,
    /// statistics (fixed length, so the request's size says nothing about the answers).
    pub consent: String,
}

/// `POST /api/v1/cases/{id}/consent/narrow` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrowConsentRequest {
    /// Purposes to record as refused. Only ever narrows: nothing here can allow anything.
    pub withdraw: Vec<Purpose>,
}

/// A case's consent record: the current one, and each change after intake.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsentView {
    /// The case.
    pub case_id: String,
    /// The current record.
    pub consent: Consent,
    /// The reporter's answer to the mechanism question (`None`: not given): where a
    /// `named_mechanism` package may go.
    pub mechanism: Option<String>,
    /// Each change after intake, by day.
    pub changes: Vec<ConsentChangeView>,
}

/// One change of a consent record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsentChangeView {
    /// `YYYY-MM-DD`: never finer.
    pub day: String,
    /// `reporter`, or `caseworker` (a narrowing).
    pub changed_by: String,
    /// The record after the change.
    pub consent: Consent,
}
