//! Staff login without passwords.
//!
//! `POST /api/v1/session/challenge {role, name}` returns one random nonce per key of that
//! person in `keys/`, each age-encrypted to that key alone; the CLI decrypts the one its
//! identity opens and trades it at `POST /api/v1/session` for a short-lived bearer token bound
//! to that key. Proof of the age key is the login, and the session lasts only while that key
//! is in the keyring (see `staff`). An unknown name gets decoy challenges of the same shape,
//! stored the same way, that can never be redeemed. Only hashes of nonces and tokens are
//! stored. `DELETE /api/v1/session` ends the caller's session (logout).
//!
//! The nonce is the server's own random bytes, not anyone's plaintext, so this module encrypts
//! it with `age` directly and needs no plaintext module.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::AppState;
use super::expiring_secret;
use super::failure::ApiError;
use super::json::ApiJson;
use super::staff::{Staff, parse_role};
use super::traffic::Traffic;
use crate::audit::Action;
use crate::keyring::{is_valid_name, key_id};
use crate::mac::hmac_sha256;
use crate::store::{Audit, StaffIdentity};
use crate::wire::{ChallengeRequest, ChallengeResponse, SessionRequest, SessionResponse};

/// How long a challenge can be redeemed.
const CHALLENGE_SECONDS: i64 = 300;

/// `POST /api/v1/session/challenge`, `POST|DELETE /api/v1/session`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.login(
        Router::new()
            .route("/api/v1/session/challenge", post(challenge))
            .route("/api/v1/session", post(session).delete(logout)),
    )
}

async fn challenge(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ChallengeRequest>,
) -> Result<Json<ChallengeResponse>, ApiError> {
    // Checked at the edge: nothing that could never name a key (a NUL byte, megabytes of
    // text) reaches the database, where a challenge is kept for minutes.
    if parse_role(&request.role).is_none() || !is_valid_name(&request.name) {
        return Err(invalid_staff_name());
    }
    let keyring = state.keyring();
    let person = parse_role(&request.role).and_then(|role| keyring.person(role, &request.name));
    // Unknown people get as many throwaway recipients as a real person might have, chosen
    // deterministically from the name so asking twice gives the same shape.
    let decoys: Vec<age::x25519::Recipient>;
    let recipients: &[age::x25519::Recipient] = match person {
        Some(person) => &person.recipients,
        None => {
            let most = keyring
                .people()
                .map(|p| p.recipients.len())
                .max()
                .unwrap_or(1)
                .max(1);
            let shape = hmac_sha256(
                state.secrets().receipt_pepper(),
                &[
                    b"decoy challenge shape",
                    request.role.as_bytes(),
                    b"/",
                    request.name.as_bytes(),
                ],
            );
            let count = 1 + usize::from(shape[0]) % most;
            decoys = (0..count)
                .map(|_| age::x25519::Identity::generate().to_public())
                .collect();
            &decoys
        }
    };
    let who = StaffIdentity {
        role: request.role,
        name: request.name,
    };
    // One nonce per key, each readable by that key alone: the nonce redeemed names the key.
    let mut challenges = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        let (nonce, expires_day) =
            expiring_secret::mint("", CHALLENGE_SECONDS).ok_or_else(ApiError::unavailable)?;
        let ciphertext = encrypt_nonce(nonce.as_bytes(), std::slice::from_ref(recipient))
            .ok_or_else(ApiError::unavailable)?;
        let nonce_hash: [u8; 32] = Sha256::digest(nonce.as_bytes()).into();
        state
            .store()
            .insert_challenge(
                &nonce_hash,
                &who,
                &key_id(recipient),
                person.is_some(),
                expires_day,
            )
            .await
            .map_err(ApiError::not_stored)?;
        challenges.push(STANDARD.encode(ciphertext));
    }
    Ok(Json(ChallengeResponse {
        challenges,
        expires_in: CHALLENGE_SECONDS,
    }))
}

/// The nonce as a binary age file to `recipients`.
fn encrypt_nonce(nonce: &[u8], recipients: &[age::x25519::Recipient]) -> Option<Vec<u8>> {
    use std::io::Write;
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .ok()?;
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).ok()?;
    writer.write_all(nonce).ok()?;
    writer.finish().ok()?;
    Some(out)
}

fn invalid_staff_name() -> ApiError {
    ApiError::unprocessable(
        "invalid_staff_name",
        "role must be admin, caseworker or rapporteur, and name must be at most 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit: the file name of your key in keys/ without .pub",
    )
}

fn login_failed() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "login_failed",
        "login failed: the challenge is unknown, already used, expired, or not yours; ask for a new challenge",
    )
}

async fn session(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let nonce_hash: [u8; 32] = Sha256::digest(request.nonce.as_bytes()).into();
    let Some(challenge) = state.store().take_challenge(&nonce_hash).await? else {
        return Err(login_failed());
    };
    let who = challenge.who;
    let claimed = format!("{}/{}", request.role, request.name);
    let issued = format!("{}/{}", who.role, who.name);
    let same: bool = claimed.as_bytes().ct_eq(issued.as_bytes()).into();
    if !same || !challenge.redeemable || !expiring_secret::unexpired(&request.nonce) {
        return Err(login_failed());
    }
    // The key must still be this person's: a key removed or rotated since the challenge was
    // issued cannot start a session.
    let key_still_theirs = parse_role(&who.role)
        .and_then(|role| state.person(role, &who.name))
        .is_some_and(|person| person.holds_key(&challenge.key_id));
    if !key_still_theirs {
        return Err(login_failed());
    }
    let ttl = state.session_seconds();
    let (token, expires_day) =
        expiring_secret::mint("shs_", ttl).ok_or_else(ApiError::unavailable)?;
    let token_hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    state
        .store()
        .insert_session(&token_hash, &who, &challenge.key_id, expires_day)
        .await
        .map_err(ApiError::not_stored)?;
    Ok(Json(SessionResponse {
        token,
        expires_in: ttl,
    }))
}

/// `DELETE /api/v1/session`: ends the caller's session on the server (`safehold case
/// logout`); its token is refused from now on.
async fn logout(State(state): State<AppState>, staff: Staff) -> Result<StatusCode, ApiError> {
    let actor = staff.actor();
    state
        .store()
        .delete_session(staff.session(), Audit::new(&actor, Action::Logout))
        .await
        .map_err(ApiError::not_stored)?;
    Ok(StatusCode::NO_CONTENT)
}
