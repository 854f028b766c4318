//! The thread as the server handles it: it stores each message with its writer's thread MAC
//! at the position the writer asked for, and can neither make nor check a MAC (it never holds
//! the thread key). The position is part of what the MAC covers, so a writer who lost a race
//! for it is told to read the thread again.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::failure::ApiError;
use crate::store::{MessageOutcome, StoredMessage};
use crate::wire::ThreadMessage;

/// Reads a client's `thread_mac`: 32 bytes of standard base64.
pub fn decode_thread_mac(text: &str) -> Result<[u8; 32], ApiError> {
    STANDARD
        .decode(text.as_bytes())
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "bad_thread_mac",
                "thread_mac must be the 32-byte HMAC-SHA256 of the message under the report's thread key, in standard base64 (docs/receipt-derivation.md)",
            )
        })
}

/// The stored message, or the answer for a case that is gone or a position already taken.
pub fn placed(
    outcome: MessageOutcome,
    no_such_case: impl FnOnce() -> ApiError,
) -> Result<StoredMessage, ApiError> {
    match outcome {
        MessageOutcome::Added(message) => Ok(message),
        MessageOutcome::NoSuchCase => Err(no_such_case()),
        MessageOutcome::PlaceTaken { next } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "thread_changed",
            format!(
                "another message arrived first; read the thread again and send yours as message {next}"
            ),
        )),
    }
}

/// A stored message as its reporter sees it: replies with their ciphertext, follow-ups by
/// digest only (the reporter cannot open them), and never which caseworker wrote.
pub fn for_reporter(message: StoredMessage) -> ThreadMessage {
    use sha2::Digest;
    let from_reporter = message.author.is_reporter();
    ThreadMessage {
        seq: message.seq,
        from: if from_reporter {
            "reporter"
        } else {
            "caseworker"
        }
        .to_owned(),
        day: message.day,
        ciphertext_sha256: hex::encode(sha2::Sha256::digest(&message.ciphertext)),
        ciphertext: (!from_reporter).then(|| STANDARD.encode(&message.ciphertext)),
        thread_mac: message.thread_mac.map(|mac| STANDARD.encode(mac)),
    }
}
