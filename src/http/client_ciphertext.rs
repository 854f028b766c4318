//! Checks an age file a client made (a report, a follow-up, a reply, a package) before it is
//! stored: base64, a strict age header with exactly the expected recipients, and a plaintext
//! padded to a bucket. No key is involved: this is header arithmetic.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::failure::ApiError;
use crate::ciphertext;
use crate::padding::padded_len;

/// Decodes and checks an age file made by a client: base64, a strict age header with exactly
/// `expected` X25519 recipients, and a plaintext padded to a bucket.
pub fn client_ciphertext(
    base64: &str,
    expected: usize,
    max_len: usize,
) -> Result<Vec<u8>, ApiError> {
    let bytes = STANDARD.decode(base64.as_bytes()).map_err(|_| {
        ApiError::bad_request(
            "bad_base64",
            "ciphertext must be a binary age file in standard base64",
        )
    })?;
    let summary = ciphertext::validate(&bytes, expected, max_len).map_err(|e| {
        let status = if matches!(e, ciphertext::CiphertextError::TooLarge { .. }) {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        ApiError::new(status, "bad_ciphertext", e.to_string())
    })?;
    // Every envelope is padded to a size bucket before encryption; a plaintext of any other
    // length was either not padded (its size leaks) or was cut short in transit.
    let plaintext_len = ciphertext::plaintext_len(summary.payload_len);
    if padded_len(plaintext_len) != plaintext_len {
        return Err(ApiError::unprocessable(
            "unpadded_plaintext",
            format!(
                "the encrypted plaintext is {plaintext_len} bytes, which is not a padding bucket; pad the envelope as docs/envelope.md describes (or the file was truncated)"
            ),
        ));
    }
    Ok(bytes)
}
