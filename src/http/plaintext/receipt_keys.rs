//! The one place the server derives a codephrase's keys: a new receipt for a no-JavaScript
//! report, or the keys of a codephrase typed on the receipt page. The derivation is HKDF and
//! X25519 (microseconds), so it runs inline: there is no queue a flood could fill.

use crate::crypto::codephrase::Codephrase;
use crate::crypto::receipt::ReceiptKeys;

/// Generates a codephrase and derives its keys.
pub fn new_receipt() -> Option<(Codephrase, ReceiptKeys)> {
    let codephrase = Codephrase::generate();
    let keys = ReceiptKeys::derive(&codephrase).ok()?;
    Some((codephrase, keys))
}

/// Derives the keys of a codephrase the reporter typed.
pub fn derive(codephrase: &Codephrase) -> Option<ReceiptKeys> {
    ReceiptKeys::derive(codephrase).ok()
}
