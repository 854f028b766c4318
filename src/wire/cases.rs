//! `/api/v1/cases…`: listing, pulling (ciphertext), replying, the status workflow and victim
//! links, for caseworkers.

use serde::{Deserialize, Serialize};

use crate::domain::{Author, CaseStatus};

/// `GET /api/v1/cases` filters.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseListQuery {
    /// Only cases in this status (checked by the server, which names the known ones).
    pub status: Option<String>,
    /// Only cases on this route (one of the caller's).
    pub route: Option<String>,
}

/// One case in a listing.
#[derive(Debug, Serialize, Deserialize)]
pub struct CaseView {
    /// Public id.
    pub id: String,
    /// Route.
    pub route: String,
    /// Day received.
    pub received_day: String,
    /// Allegation status.
    pub status: CaseStatus,
    /// Reporter messages the caller has not read yet (after the position `case show` last
    /// recorded for them); 0 in answers that are not a listing.
    #[serde(default)]
    pub unread: i64,
}

/// `POST /api/v1/cases/{id}/read` body and answer: the caller has seen the thread up to
/// `seq` (the answer: the mark kept, which never moves back or past the thread's end).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadMark {
    /// The last position of the thread the caller has seen.
    pub seq: i64,
}

/// `GET /api/v1/cases/{id}`: a case's ciphertext, for decryption on the caseworker's machine.
#[derive(Debug, Serialize, Deserialize)]
pub struct CaseDetail {
    /// Public id.
    pub id: String,
    /// Route.
    pub route: String,
    /// Day received.
    pub received_day: String,
    /// Allegation status.
    pub status: CaseStatus,
    /// The report's age file, base64.
    pub ciphertext: String,
    /// The thread: replies and follow-ups, encrypted.
    pub messages: Vec<MessageView>,
    /// The recipients a reply must be encrypted to, besides the reporter: the route's.
    pub route_recipients: Vec<String>,
}

/// A message of a case's thread, for staff.
#[derive(Debug, Serialize, Deserialize)]
pub struct MessageView {
    /// Position in the thread.
    pub seq: i64,
    /// `reporter` or `caseworker/<name>`.
    pub author: Author,
    /// Day it was added.
    pub day: String,
    /// The age file, base64.
    pub ciphertext: String,
    /// The writer's thread MAC, base64 (absent on messages older than thread MACs).
    pub thread_mac: Option<String>,
}

/// `POST /api/v1/cases/{id}/replies` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// A `safehold.reply.v1` document encrypted to the reporter and the route's recipients.
    pub ciphertext: String,
    /// The position the reply takes in the thread: the next one, as the caseworker read it.
    pub seq: i64,
    /// The thread MAC over the reply (side `caseworker`, `seq`, ciphertext) under the thread
    /// key from the report, standard base64 of 32 bytes.
    pub thread_mac: String,
}

/// Answer to a new message.
#[derive(Debug, Serialize, Deserialize)]
pub struct MessageAdded {
    /// Position in the thread.
    pub seq: i64,
}

/// `POST /api/v1/cases/{id}/status` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// The new status (checked by the server, which names the known ones).
    pub status: String,
}

/// `POST /api/v1/cases/{id}/victim` body and answer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VictimLinkRequest {
    /// Another case, on the caller's routes, about the same person.
    pub same_as: String,
}
