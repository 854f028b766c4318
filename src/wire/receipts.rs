//! `POST /api/v1/receipt` and `POST /api/v1/receipt/followups`: the reporter's view of their
//! report, found by the lookup key derived from the codephrase.

use serde::{Deserialize, Serialize};

use crate::domain::{CaseStatus, Consent};

/// `POST /api/v1/receipt` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// The receipt lookup key derived from the codephrase, standard base64.
    pub receipt_verifier: String,
}

/// `POST /api/v1/receipt` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReceiptResponse {
    /// The report's public id.
    pub id: String,
    /// Its status as the reporter is told it: `received`, `under_assessment` (being
    /// assessed), `referred` (to a UN mechanism, with their consent), `closed`, or
    /// `unreadable` ([`CaseStatus::for_reporter`]).
    pub status: CaseStatus,
    /// The day it arrived.
    pub received_day: String,
    /// Its route: follow-ups are encrypted to that route's recipients.
    pub route: String,
    /// The thread: replies are encrypted to the reporter's recipient.
    pub messages: Vec<ThreadMessage>,
    /// The reporter's current consent record, which they may change
    /// (`POST /api/v1/receipt/consent`).
    pub consent: Consent,
}

/// A message of the thread as the reporter sees it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ThreadMessage {
    /// Position in the thread.
    pub seq: i64,
    /// `reporter` or `caseworker` (the reporter is not told which caseworker).
    pub from: String,
    /// Day it was added.
    pub day: String,
    /// The age file, base64 (replies only; the reporter cannot open their own follow-ups).
    pub ciphertext: Option<String>,
    /// SHA-256 of the age file, hex: with it the reporter checks the MAC of a follow-up
    /// without downloading it. For a reply, the reporter hashes the ciphertext itself.
    pub ciphertext_sha256: String,
    /// The writer's thread MAC, base64 (absent on messages older than thread MACs).
    pub thread_mac: Option<String>,
}

/// `POST /api/v1/receipt/followups` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupRequest {
    /// The receipt lookup key, as for `/api/v1/receipt`.
    pub receipt_verifier: String,
    /// A `safehold.followup.v1` document encrypted to the route's recipients, base64.
    pub ciphertext: String,
    /// The position the follow-up takes in the thread: the next one, as the receipt showed.
    pub seq: i64,
    /// The thread MAC (side `reporter`), standard base64 of 32 bytes.
    pub thread_mac: String,
}

/// `POST /api/v1/receipt/followups` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct FollowupResponse {
    /// Position of the follow-up in the thread.
    pub seq: i64,
}
