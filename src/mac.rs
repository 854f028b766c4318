//! Keyed hashes over values the server may hold (lookup keys, case ids, names, alert bodies):
//! HMAC-SHA256 in one place, so every caller gets the same construction.
//!
//! Plaintext-free: nothing here sees a report, a message or a codephrase.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The label of the receipt hash; see `docs/receipt-derivation.md`.
pub const RECEIPT_HASH_LABEL: &[u8] = b"safehold.receipt.v2 hash";

/// HMAC-SHA256 under `key` over the concatenation of `parts`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC is defined for keys of every length (long keys are hashed first); the `Result` of
    // the generic `KeyInit` interface is for other MACs.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .expect("HMAC-SHA256 accepts keys of every length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The server-side index of a receipt: HMAC-SHA256(key = pepper, "safehold.receipt.v2 hash"
/// ‖ lookup_key). It takes the lookup key, never the codephrase, and without the pepper a
/// stolen database cannot be searched for a known codephrase.
pub fn receipt_hash(pepper: &[u8], lookup_key: &[u8; 32]) -> [u8; 32] {
    hmac_sha256(pepper, &[RECEIPT_HASH_LABEL, lookup_key])
}

/// Compares two MACs in constant time.
pub fn same_mac(expected: &[u8], given: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(expected, given).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
