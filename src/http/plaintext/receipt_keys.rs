//! The one place the server derives a codephrase's keys: a new receipt for a no-JavaScript
//! report, or the keys of a codephrase typed on the receipt page. Derivations run off the
//! async threads, a few at a time (each takes ~12 MiB and tens of ms of CPU).

use crate::crypto::codephrase::Codephrase;
use crate::crypto::receipt::ReceiptKeys;

use super::super::AppState;

/// Generates a codephrase and derives its keys.
pub async fn new_receipt(state: &AppState) -> Option<(Codephrase, ReceiptKeys)> {
    let _permit = state.kdf_permits().acquire().await.ok()?;
    tokio::task::spawn_blocking(|| {
        let codephrase = Codephrase::generate();
        let keys = ReceiptKeys::derive(&codephrase).ok()?;
        Some((codephrase, keys))
    })
    .await
    .ok()
    .flatten()
}

/// Derives the keys of a codephrase the reporter typed.
pub async fn derive(state: &AppState, codephrase: Codephrase) -> Option<ReceiptKeys> {
    let _permit = state.kdf_permits().acquire().await.ok()?;
    tokio::task::spawn_blocking(move || ReceiptKeys::derive(&codephrase).ok())
        .await
        .ok()
        .flatten()
}
