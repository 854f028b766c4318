//! `POST /api/v1/session/challenge` and `POST /api/v1/session`: staff log in by decrypting a
//! challenge with their age identity.

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
    /// A binary age file, base64: decrypt it to get the nonce to send back.
    pub challenge: String,
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
