//! Keys derived from the codephrase: the lookup key the server indexes (through a keyed
//! hash), the X25519 identity that replies are encrypted to, and the thread key that
//! authenticates every message of the case's thread.
//!
//! The browser re-implements this byte for byte; `docs/receipt-derivation.md` is the
//! contract and `tests/vectors/receipt.json` the known answers.

use std::fmt;
use std::str::FromStr;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::codephrase::Codephrase;
use super::thread::ThreadKey;
use crate::envelope::ReplyTo;

/// HKDF-SHA256 salt: fixes the derivation's version and separates it from every other use
/// of the codephrase. A per-reporter salt is impossible (the codephrase is all they hold), and
/// not needed: 8 uniform words carry ~103 bits (`docs/receipt-derivation.md`, §2).
pub const SALT: &[u8] = b"safehold.receipt.v2";
/// HKDF-SHA256 `info` for the lookup key.
pub const LOOKUP_INFO: &[u8] = b"safehold.receipt.v2 lookup";
/// HKDF-SHA256 `info` for the X25519 identity.
pub const X25519_INFO: &[u8] = b"safehold.receipt.v2 x25519";
/// HKDF-SHA256 `info` for the thread key.
pub const THREAD_INFO: &[u8] = b"safehold.receipt.v2 thread";

/// Why keys could not be derived. Never caused by the codephrase's content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// A step of the derivation failed (it cannot with these sizes; a bug if it does).
    #[error("deriving the receipt keys failed ({0}); this is a bug in Safehold, please report it")]
    Kdf(&'static str),
}

/// The keys a codephrase opens: wiped on drop, never printed.
pub struct ReceiptKeys {
    lookup_key: Zeroizing<[u8; 32]>,
    identity: age::x25519::Identity,
    thread_key: ThreadKey,
}

impl ReceiptKeys {
    /// Runs HKDF-SHA256 as in `docs/receipt-derivation.md` (microseconds, no memory to
    /// speak of: no queue, no thread pool).
    pub fn derive(codephrase: &Codephrase) -> Result<ReceiptKeys, ReceiptError> {
        let hkdf = Hkdf::<Sha256>::new(Some(SALT), codephrase.expose().as_bytes());

        let mut lookup_key = Zeroizing::new([0u8; 32]);
        hkdf.expand(LOOKUP_INFO, &mut lookup_key[..])
            .map_err(|_| ReceiptError::Kdf("HKDF output length"))?;

        let mut identity_bytes = Zeroizing::new([0u8; 32]);
        hkdf.expand(X25519_INFO, &mut identity_bytes[..])
            .map_err(|_| ReceiptError::Kdf("HKDF output length"))?;
        let identity = identity_from_bytes(&identity_bytes)?;

        let mut thread_bytes = Zeroizing::new([0u8; 32]);
        hkdf.expand(THREAD_INFO, &mut thread_bytes[..])
            .map_err(|_| ReceiptError::Kdf("HKDF output length"))?;

        Ok(ReceiptKeys {
            lookup_key,
            identity,
            thread_key: ThreadKey::from_bytes(&thread_bytes),
        })
    }

    /// The lookup key: what the browser sends as `receipt_verifier`; the server keeps only
    /// [`crate::mac::receipt_hash`] of it.
    pub fn lookup_key(&self) -> &[u8; 32] {
        &self.lookup_key
    }

    /// The reporter's age identity, to decrypt replies.
    pub fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// The reporter's age recipient. It travels only inside the encrypted report
    /// ([`ReplyTo`]): the server never stores it, so a codephrase alone finds nothing in a
    /// copied database.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }

    /// The key that authenticates the thread's messages (see [`ThreadKey`]).
    pub fn thread_key(&self) -> &ThreadKey {
        &self.thread_key
    }

    /// What the report carries, inside its ciphertext, so the route's caseworkers can answer:
    /// the recipient and the thread key.
    pub fn reply_to(&self) -> ReplyTo {
        ReplyTo {
            recipient: self.recipient().to_string(),
            thread_key: self.thread_key.to_base64(),
        }
    }
}

impl fmt::Debug for ReceiptKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiptKeys")
            .field("recipient", &self.recipient().to_string())
            .finish_non_exhaustive()
    }
}

/// Turns 32 secret bytes into an age identity through its Bech32 text form (the only
/// constructor age offers), in a buffer of fixed capacity that is wiped afterwards.
fn identity_from_bytes(bytes: &[u8; 32]) -> Result<age::x25519::Identity, ReceiptError> {
    const HRP: bech32::Hrp = bech32::Hrp::parse_unchecked("AGE-SECRET-KEY-");
    // 15 (HRP) + 1 (separator) + 52 (data) + 6 (checksum) = 74.
    let mut text = Zeroizing::new(String::with_capacity(90));
    bech32::encode_upper_to_fmt::<bech32::Bech32, _>(&mut *text, HRP, bytes)
        .map_err(|_| ReceiptError::Kdf("Bech32 encoding"))?;
    age::x25519::Identity::from_str(&text).map_err(|_| ReceiptError::Kdf("age identity"))
}

/// Test-only access to HKDF's pseudorandom key, for the known-answer vectors.
#[cfg(test)]
pub(crate) fn prk_for_tests(codephrase: &Codephrase) -> [u8; 32] {
    let (prk, _) = Hkdf::<Sha256>::extract(Some(SALT), codephrase.expose().as_bytes());
    prk.as_slice()
        .try_into()
        .expect("SHA-256 output is 32 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::receipt_hash;
    use age::secrecy::ExposeSecret;

    #[derive(serde::Deserialize)]
    struct Vector {
        codephrase: String,
        prk: String,
        lookup_key: String,
        identity: String,
        recipient: String,
        thread_key: String,
        pepper: String,
        receipt_hash: String,
    }

    #[test]
    fn known_answer_vectors() {
        let vectors: Vec<Vector> =
            serde_json::from_str(include_str!("../../tests/vectors/receipt.json")).unwrap();
        assert!(vectors.len() >= 3);
        for v in vectors {
            let c = Codephrase::parse(&v.codephrase).unwrap();
            assert_eq!(
                c.expose(),
                v.codephrase,
                "vectors hold normalised codephrases"
            );
            assert_eq!(hex::encode(prk_for_tests(&c)), v.prk);
            let keys = ReceiptKeys::derive(&c).unwrap();
            assert_eq!(hex::encode(keys.lookup_key()), v.lookup_key);
            assert_eq!(
                keys.identity().to_string().expose_secret(),
                v.identity.as_str()
            );
            assert_eq!(keys.recipient().to_string(), v.recipient);
            assert_eq!(hex::encode(keys.thread_key().expose()), v.thread_key);
            let pepper = hex::decode(&v.pepper).unwrap();
            assert_eq!(
                hex::encode(receipt_hash(&pepper, keys.lookup_key())),
                v.receipt_hash
            );
        }
    }

    #[test]
    fn different_codephrases_give_unrelated_keys() {
        let a = ReceiptKeys::derive(&Codephrase::generate()).unwrap();
        let b = ReceiptKeys::derive(&Codephrase::generate()).unwrap();
        assert_ne!(a.lookup_key(), b.lookup_key());
        assert_ne!(a.recipient().to_string(), b.recipient().to_string());
        assert_ne!(receipt_hash(b"pepper", a.lookup_key()), *a.lookup_key());
        assert_ne!(
            receipt_hash(b"pepper", a.lookup_key()),
            receipt_hash(b"other pepper", a.lookup_key())
        );
        assert!(!format!("{a:?}").contains(&hex::encode(a.lookup_key())));
    }

    /// Prints vectors for codephrases given in SAFEHOLD_GEN_RECEIPT (`;`-separated).
    /// `SAFEHOLD_GEN_RECEIPT='…;…' cargo test --lib generate_receipt_vectors -- --nocapture`
    #[test]
    #[allow(clippy::disallowed_macros)] // prints the vectors for docs/receipt-derivation.md
    fn generate_receipt_vectors() {
        let Ok(phrases) = std::env::var("SAFEHOLD_GEN_RECEIPT") else {
            return;
        };
        let pepper = b"safehold test pepper, not a real one";
        let mut out = Vec::new();
        for p in phrases.split(';') {
            let c = Codephrase::parse(p).unwrap();
            let keys = ReceiptKeys::derive(&c).unwrap();
            out.push(serde_json::json!({
                "codephrase": c.expose(),
                "prk": hex::encode(prk_for_tests(&c)),
                "lookup_key": hex::encode(keys.lookup_key()),
                "identity": keys.identity().to_string().expose_secret(),
                "recipient": keys.recipient().to_string(),
                "thread_key": hex::encode(keys.thread_key().expose()),
                "pepper": hex::encode(pepper),
                "receipt_hash": hex::encode(receipt_hash(pepper, keys.lookup_key())),
            }));
        }
        println!("{}", serde_json::to_string_pretty(&out).unwrap());
    }
}
