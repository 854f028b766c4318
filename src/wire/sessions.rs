//! `POST /api/v1/session/challenge` and `POST /api/v1/session`: staff log in by decrypting a
//! challenge with their age identity. `DELETE /api/v1/session` logs out.

use serde::{Deserialize, Serialize};

/// `POST /api/v1/session/challenge` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    /// `caseworker`, `rapporteur` or `admin`.
    pub role: String,
    /// Name from `keys/<role>s/<name>.pub`.
    pub name: String,
}

/// `POST /api/v1/session/challenge` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// Binary age files, base64, one per key of the person, each encrypted to that key
    /// alone: decrypt the one your identity opens and send its nonce back. The session is
    /// bound to that key.
    pub challenges: Vec<String>,
    /// Seconds the nonce stays valid.
    pub expires_in: i64,
}

/// `POST /api/v1/session` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// As in the challenge.
    pub role: String,
    /// As in the challenge.
    pub name: String,
    /// The decrypted challenge.
    pub nonce: String,
}

/// `POST /api/v1/session` answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}
