//! `GET /api/v1/audit/proof?from=SEQ`: lets a staff client check that the audit chain extends
//! the head it saw last (design: the witnessed audit log, `crate::audit`). The answer holds the
//! current head, the hash stored at `from`, and the content hashes of the entries after it: a
//! client recomputes the links from its own head and compares, so a chain truncated or
//! re-hashed below that head is caught. Content hashes are salted, so they tell nobody what the
//! entries say. Any logged-in staff member may ask; asking is not itself audited.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};

use super::AppState;
use super::failure::ApiError;
use super::staff::Staff;
use super::traffic::Traffic;
use crate::wire::{AuditHeadView, AuditLinkView, AuditProofQuery, AuditProofView};

/// Links sent per answer; a client behind by more asks again.
const PAGE: i64 = 5000;

/// `GET /api/v1/audit/proof`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.page(Router::new().route("/api/v1/audit/proof", get(proof)))
}

async fn proof(
    State(state): State<AppState>,
    _staff: Staff,
    query: Result<Query<AuditProofQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditProofView>, ApiError> {
    let Query(query) = query?;
    if query.from.is_some_and(|from| from < 0) {
        return Err(ApiError::unprocessable(
            "bad_from",
            "`from` is the sequence number of an audit entry: 0 or more",
        ));
    }
    // Without `from`, the head alone (a client's first use): no links.
    let (from, limit) = query.from.map_or((i64::MAX, 0), |from| (from, PAGE));
    let proof = state.store().audit_proof(from, limit).await?;
    Ok(Json(AuditProofView {
        head: AuditHeadView {
            seq: proof.head.0,
            hash: hex::encode(proof.head.1),
        },
        at: query.from.and(proof.at.map(hex::encode)),
        links: proof
            .links
            .into_iter()
            .map(|(seq, content_hash)| AuditLinkView {
                seq,
                content_hash: hex::encode(content_hash),
            })
            .collect(),
    }))
}
