//! `GET /api/v1/audit/proof?from=SEQ`: what a staff client needs to check that the server's
//! audit chain extends the head it saw, without learning what other people did.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/audit/proof` query.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditProofQuery {
    /// The sequence number of the entry the client saw last; absent on first use, when only
    /// the head is sent.
    pub from: Option<i64>,
}

/// A point of the chain: an entry's sequence number and hash (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHeadView {
    /// Sequence number (0 for the empty chain).
    pub seq: i64,
    /// The entry's hash, 64 hex digits.
    pub hash: String,
}

/// One entry as a witness sees it: its sequence number and content hash (hex), never its
/// content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLinkView {
    /// Sequence number.
    pub seq: i64,
    /// The entry's salted content hash, 64 hex digits.
    pub content_hash: String,
}

/// `GET /api/v1/audit/proof` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditProofView {
    /// The chain's last entry now.
    pub head: AuditHeadView,
    /// The stored hash of entry `from`, if the chain still has it (hex); absent when `from`
    /// was not asked or is beyond the chain's end.
    pub at: Option<String>,
    /// The entries after `from`, in order, at most a page of them: ask again from the last
    /// one until the head is reached.
    pub links: Vec<AuditLinkView>,
}
