//! Keys derived from the codephrase: the lookup key the server indexes (through a keyed
//! hash) and the X25519 identity that replies are encrypted to.
//!
//! The browser re-implements this byte for byte; `docs/receipt-derivation.md` is the
//! contract and `tests/vectors/receipt.json` the known answers.

use std::fmt;
use std::str::FromStr;

use argon2::{Algorithm, Argon2, Params, Version};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::codephrase::Codephrase;

/// Fixed, domain-separated Argon2id salt. A per-user salt is impossible (the codephrase is
/// the only thing the reporter has); the codephrase's ~103 bits make a global salt safe.
pub const ARGON2_SALT: &[u8] = b"safehold.receipt.v1 argon2id salt";
/// Argon2id memory in KiB (12 MiB), from the OWASP password storage cheat sheet's list.
pub const ARGON2_M_KIB: u32 = 12288;
/// Argon2id passes.
pub const ARGON2_T: u32 = 3;
/// Argon2id lanes.
pub const ARGON2_P: u32 = 1;
/// HKDF-SHA256 `info` for the lookup key.
pub const LOOKUP_INFO: &[u8] = b"safehold.receipt.v1 lookup";
/// HKDF-SHA256 `info` for the X25519 identity.
pub const X25519_INFO: &[u8] = b"safehold.receipt.v1 x25519";

/// Why keys could not be derived. Never caused by the codephrase's content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// Argon2id failed (it cannot with these parameters unless memory is exhausted).
    #[error(
        "deriving the receipt keys failed ({0}); the server may be out of memory, try again later"
    )]
    Kdf(&'static str),
}

/// The keys a codephrase opens: wiped on drop, never printed.
pub struct ReceiptKeys {
    lookup_key: Zeroizing<[u8; 32]>,
    identity: age::x25519::Identity,
}

impl ReceiptKeys {
    /// Runs Argon2id then HKDF-SHA256 as in `docs/receipt-derivation.md` (≈ 12 MiB, tens of
    /// milliseconds: run it off the async runtime).
    pub fn derive(codephrase: &Codephrase) -> Result<ReceiptKeys, ReceiptError> {
        let master = master_key(codephrase.expose().as_bytes())?;
        let hkdf = Hkdf::<Sha256>::new(None, &master[..]);

        let mut lookup_key = Zeroizing::new([0u8; 32]);
        hkdf.expand(LOOKUP_INFO, &mut lookup_key[..])
            .map_err(|_| ReceiptError::Kdf("HKDF output length"))?;

        let mut identity_bytes = Zeroizing::new([0u8; 32]);
        hkdf.expand(X25519_INFO, &mut identity_bytes[..])
            .map_err(|_| ReceiptError::Kdf("HKDF output length"))?;
        let identity = identity_from_bytes(&identity_bytes)?;

        Ok(ReceiptKeys {
            lookup_key,
            identity,
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

    /// The reporter's age recipient, which the server stores to encrypt replies.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }
}

impl fmt::Debug for ReceiptKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiptKeys")
            .field("recipient", &self.recipient().to_string())
            .finish_non_exhaustive()
    }
}

/// Argon2id(password, [`ARGON2_SALT`], m = 12288 KiB, t = 3, p = 1, v = 0x13) → 32 bytes.
///
/// The codephrase already carries ~103 bits; the memory-hard KDF is defence in depth should
/// a shorter phrase ever be accepted or the lookup key leak.
fn master_key(password: &[u8]) -> Result<Zeroizing<[u8; 32]>, ReceiptError> {
    let params = Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(32))
        .map_err(|_| ReceiptError::Kdf("Argon2 parameters"))?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut master = Zeroizing::new([0u8; 32]);
    let mut blocks = BlockBuffer::take();
    let result = argon2.hash_password_into_with_memory(
        password,
        ARGON2_SALT,
        &mut master[..],
        &mut blocks.0[..],
    );
    blocks.give_back();
    result.map_err(|_| ReceiptError::Kdf("Argon2id"))?;
    Ok(master)
}

/// Argon2's 12 MiB working memory, kept for reuse. Allocating it per derivation let the
/// allocator hold on to freed blocks (a server reached ~500 MiB under load); a few reused
/// buffers, one per concurrent derivation, keep memory flat. Every buffer is wiped before it
/// is put back, as its blocks held values derived from a codephrase.
struct BlockBuffer(Vec<argon2::Block>);

/// Idle buffers; never more than the number of derivations that ran at once.
static IDLE_BLOCKS: std::sync::Mutex<Vec<Vec<argon2::Block>>> = std::sync::Mutex::new(Vec::new());

impl BlockBuffer {
    fn take() -> BlockBuffer {
        let reused = IDLE_BLOCKS.lock().ok().and_then(|mut idle| idle.pop());
        BlockBuffer(reused.unwrap_or_else(|| vec![argon2::Block::default(); ARGON2_M_KIB as usize]))
    }

    fn give_back(mut self) {
        self.0.iter_mut().for_each(zeroize::Zeroize::zeroize);
        if let Ok(mut idle) = IDLE_BLOCKS.lock() {
            idle.push(std::mem::take(&mut self.0));
        }
    }
}

impl Drop for BlockBuffer {
    // A buffer dropped without `give_back` (a panic) is still wiped.
    fn drop(&mut self) {
        self.0.iter_mut().for_each(zeroize::Zeroize::zeroize);
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

/// Test-only access to the intermediate master key, for the known-answer vectors.
#[cfg(test)]
pub(crate) fn master_key_for_tests(codephrase: &Codephrase) -> [u8; 32] {
    *master_key(codephrase.expose().as_bytes()).expect("argon2")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::receipt_hash;
    use age::secrecy::ExposeSecret;

    #[derive(serde::Deserialize)]
    struct Vector {
        codephrase: String,
        master: String,
        lookup_key: String,
        identity: String,
        recipient: String,
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
            assert_eq!(hex::encode(master_key_for_tests(&c)), v.master);
            let keys = ReceiptKeys::derive(&c).unwrap();
            assert_eq!(hex::encode(keys.lookup_key()), v.lookup_key);
            assert_eq!(
                keys.identity().to_string().expose_secret(),
                v.identity.as_str()
            );
            assert_eq!(keys.recipient().to_string(), v.recipient);
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
                "master": hex::encode(master_key_for_tests(&c)),
                "lookup_key": hex::encode(keys.lookup_key()),
                "identity": keys.identity().to_string().expose_secret(),
                "recipient": keys.recipient().to_string(),
                "pepper": hex::encode(pepper),
                "receipt_hash": hex::encode(receipt_hash(pepper, keys.lookup_key())),
            }));
        }
        println!("{}", serde_json::to_string_pretty(&out).unwrap());
    }
}
