//! The thread MAC: who may add to a case's thread.
//!
//! The reporter's codephrase yields a thread key (`docs/receipt-derivation.md`, §3) that
//! travels to the route's caseworkers only inside the encrypted report. Every message of the
//! thread (a caseworker's reply, the reporter's follow-up) carries
//!
//! ```text
//! thread_mac = HMAC-SHA256(thread_key,
//!     "safehold.thread.v1" || 0x00 || side || 0x00 || seq (8 bytes, big-endian) || SHA-256(ciphertext))
//! ```
//!
//! with `side` = `caseworker` or `reporter`. The server stores the MAC beside the ciphertext
//! but never holds the key, so a seized server can neither add a reply in a caseworker's
//! name, nor a follow-up in the reporter's, nor move a message to another place in the
//! thread. Readers show only messages that verify.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::domain::Author;
use crate::mac::{hmac_sha256, same_mac};

/// Domain label of the thread MAC.
pub const THREAD_MAC_LABEL: &[u8] = b"safehold.thread.v1";

/// Why a thread key could not be read from a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ThreadKeyError {
    /// Not 32 bytes of standard base64.
    #[error(
        "the report's thread key is not 32 bytes of standard base64; the report was not made by a Safehold encoder"
    )]
    Malformed,
}

/// The 32-byte thread key; wiped on drop, never printed.
pub struct ThreadKey(Zeroizing<[u8; 32]>);

impl ThreadKey {
    /// Wraps 32 key bytes (the caller wipes its copy).
    pub fn from_bytes(bytes: &[u8; 32]) -> ThreadKey {
        ThreadKey(Zeroizing::new(*bytes))
    }

    /// Reads the key a report carries (standard base64, as in the envelope).
    pub fn from_base64(text: &str) -> Result<ThreadKey, ThreadKeyError> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.as_bytes())
                .map_err(|_| ThreadKeyError::Malformed)?,
        );
        let array: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| ThreadKeyError::Malformed)?;
        let key = ThreadKey::from_bytes(&array);
        let mut array = array;
        zeroize::Zeroize::zeroize(&mut array);
        Ok(key)
    }

    /// Standard base64, for the envelope.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0[..])
    }

    /// The raw key, for known-answer tests.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// The MAC of the message at `seq`, written by `author`, whose age file is `ciphertext`.
    pub fn tag(&self, author: &Author, seq: i64, ciphertext: &[u8]) -> [u8; 32] {
        let digest: [u8; 32] = Sha256::digest(ciphertext).into();
        self.tag_of_digest(author, seq, &digest)
    }

    /// The same MAC from the ciphertext's SHA-256, for a reader who is given only the digest
    /// (the reporter cannot open their own follow-ups, so the receipt sends their digests).
    pub fn tag_of_digest(&self, author: &Author, seq: i64, digest: &[u8; 32]) -> [u8; 32] {
        let side: &[u8] = if author.is_reporter() {
            b"reporter"
        } else {
            b"caseworker"
        };
        // A negative position never occurs; it would map to a huge one and fail to verify.
        let seq = seq as u64;
        hmac_sha256(
            &self.0[..],
            &[
                THREAD_MAC_LABEL,
                &[0],
                side,
                &[0],
                &seq.to_be_bytes(),
                digest,
            ],
        )
    }

    /// Whether `mac` is the message's MAC (constant time). A missing MAC never verifies.
    pub fn verifies(
        &self,
        author: &Author,
        seq: i64,
        ciphertext: &[u8],
        mac: Option<&[u8]>,
    ) -> bool {
        mac.is_some_and(|mac| same_mac(&self.tag(author, seq, ciphertext), mac))
    }
}

impl fmt::Debug for ThreadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ThreadKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Vector {
        thread_key: String,
        author: String,
        seq: i64,
        ciphertext: String,
        thread_mac: String,
    }

    #[test]
    fn known_answer_vectors() {
        let vectors: Vec<Vector> =
            serde_json::from_str(include_str!("../../tests/vectors/thread.json")).unwrap();
        assert!(vectors.len() >= 3);
        for v in vectors {
            let key =
                ThreadKey::from_bytes(&hex::decode(&v.thread_key).unwrap().try_into().unwrap());
            let author: Author = v.author.parse().unwrap();
            let ciphertext = hex::decode(&v.ciphertext).unwrap();
            assert_eq!(
                hex::encode(key.tag(&author, v.seq, &ciphertext)),
                v.thread_mac
            );
            let mac = hex::decode(&v.thread_mac).unwrap();
            assert!(key.verifies(&author, v.seq, &ciphertext, Some(&mac)));
        }
    }

    #[test]
    fn the_mac_binds_key_side_position_and_bytes() {
        let key = ThreadKey::from_bytes(&[7; 32]);
        let other = ThreadKey::from_bytes(&[8; 32]);
        let reply = Author::Caseworker("amina".into());
        let mac = key.tag(&reply, 2, b"age file");
        assert!(key.verifies(&reply, 2, b"age file", Some(&mac)));
        // Another caseworker's name does not change the side.
        assert!(key.verifies(
            &Author::Caseworker("bruno".into()),
            2,
            b"age file",
            Some(&mac)
        ));
        assert!(!key.verifies(&Author::Reporter, 2, b"age file", Some(&mac)));
        assert!(!key.verifies(&reply, 3, b"age file", Some(&mac)));
        assert!(!key.verifies(&reply, 2, b"age filf", Some(&mac)));
        assert!(!other.verifies(&reply, 2, b"age file", Some(&mac)));
        assert!(!key.verifies(&reply, 2, b"age file", None));
        assert!(!key.verifies(&reply, 2, b"age file", Some(&mac[..31])));
    }

    #[test]
    fn base64_round_trip_and_refusals() {
        let key = ThreadKey::from_bytes(&[9; 32]);
        let back = ThreadKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(back.expose(), key.expose());
        assert!(ThreadKey::from_base64("AAAA").is_err());
        assert!(ThreadKey::from_base64("not base64!").is_err());
        assert!(!format!("{key:?}").contains("09"));
    }
}
