//! age encryption of envelopes (server-side flow 2, the CLI) and decryption of replies.

use std::io::{Read, Write};

use zeroize::Zeroizing;

/// Plaintext bytes per STREAM chunk in age v1.
const CHUNK: usize = 64 * 1024;
/// Poly1305 tag per chunk.
const TAG: usize = 16;
/// Payload nonce length.
const NONCE: usize = 16;
/// Generous header estimate: intro and MAC lines, grease, per-recipient X25519 stanza.
const HEADER_BASE: usize = 22 + 48 + 256;
const HEADER_PER_RECIPIENT: usize = 100;

/// Why sealing or opening failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// There were no recipients: nobody could ever read the result.
    #[error("no recipients to encrypt to; configure at least one caseworker key for this route")]
    NoRecipients,
    /// age refused the recipient set or the writer failed.
    #[error("encryption failed ({0}); check the configured recipient keys")]
    Encrypt(String),
    /// None of the given identities can open the file.
    #[error(
        "this file was not encrypted to any of the given keys; use the identity it was sent to"
    )]
    NotARecipient,
    /// The ciphertext is not a valid age file or was altered.
    #[error("the ciphertext is damaged, truncated or not an age file; fetch it again")]
    Corrupt,
}

/// Encrypts `plaintext` (already padded) to every recipient, as a binary age v1 file.
pub fn encrypt(
    plaintext: &[u8],
    recipients: &[age::x25519::Recipient],
) -> Result<Vec<u8>, SealError> {
    if recipients.is_empty() {
        return Err(SealError::NoRecipients);
    }
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| SealError::Encrypt(e.to_string()))?;
    // Ciphertext is not secret; sizing it once only saves copying.
    let chunks = plaintext.len().div_ceil(CHUNK).max(1);
    let estimate = HEADER_BASE
        .saturating_add(HEADER_PER_RECIPIENT.saturating_mul(recipients.len()))
        .saturating_add(NONCE)
        .saturating_add(plaintext.len())
        .saturating_add(TAG.saturating_mul(chunks));
    let mut out = Vec::with_capacity(estimate);
    let io_err = |e: std::io::Error| SealError::Encrypt(e.to_string());
    let mut writer = encryptor.wrap_output(&mut out).map_err(io_err)?;
    writer.write_all(plaintext).map_err(io_err)?;
    writer.finish().map_err(io_err)?;
    Ok(out)
}

/// Encrypts to `recipients` plus fresh random X25519 recipients (decoys, whose keys are
/// dropped at once) up to `slots` in all, so that every message of a kind carries the same
/// number of stanzas whatever its route: on the wire and at rest a route with two caseworkers
/// looks like one with five. An X25519 stanza does not reveal its recipient, so nobody can
/// tell a decoy from a caseworker.
pub fn encrypt_in_slots(
    plaintext: &[u8],
    recipients: &[age::x25519::Recipient],
    slots: usize,
) -> Result<Vec<u8>, SealError> {
    if recipients.len() > slots {
        return Err(SealError::Encrypt(format!(
            "{} recipients do not fit in {slots} slots; the keyring's largest route sets the slots",
            recipients.len()
        )));
    }
    let mut all = recipients.to_vec();
    all.extend((recipients.len()..slots).map(|_| age::x25519::Identity::generate().to_public()));
    encrypt(plaintext, &all)
}

/// Decrypts an age file with the first identity that matches, into a zeroizing buffer.
pub fn decrypt(
    ciphertext: &[u8],
    identities: &[&dyn age::Identity],
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    // `new_buffered`, not `new`: the unbuffered parser is quadratic in the stanza count.
    let decryptor = age::Decryptor::new_buffered(ciphertext).map_err(map_decrypt)?;
    let mut reader = decryptor
        .decrypt(identities.iter().copied())
        .map_err(map_decrypt)?;
    // The plaintext is always shorter than the ciphertext, so a buffer of that size is never
    // outgrown: no reallocation leaves plaintext behind in freed memory.
    let mut out = Zeroizing::new(vec![0u8; ciphertext.len()]);
    let mut filled = 0;
    loop {
        let Some(rest) = out.get_mut(filled..) else {
            return Err(SealError::Corrupt);
        };
        if rest.is_empty() {
            return Err(SealError::Corrupt);
        }
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(SealError::Corrupt),
        }
    }
    out.truncate(filled);
    Ok(out)
}

fn map_decrypt(e: age::DecryptError) -> SealError {
    match e {
        age::DecryptError::NoMatchingKeys => SealError::NotARecipient,
        _ => SealError::Corrupt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_to_five_recipients() {
        let ids: Vec<_> = (0..5).map(|_| age::x25519::Identity::generate()).collect();
        let recipients: Vec<_> = ids.iter().map(|i| i.to_public()).collect();
        // Two chunks and a bit, to cross a chunk boundary.
        let plaintext: Vec<u8> = (0..(2 * CHUNK + 7)).map(|i| (i % 251) as u8).collect();
        let ciphertext = encrypt(&plaintext, &recipients).unwrap();
        for id in &ids {
            let out = decrypt(&ciphertext, &[id as &dyn age::Identity]).unwrap();
            assert_eq!(&out[..], &plaintext[..]);
        }
        // The estimate was big enough not to reallocate for a typical size.
        assert!(ciphertext.len() <= ciphertext.capacity());
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let id = age::x25519::Identity::generate();
        let ciphertext = encrypt(b"", &[id.to_public()]).unwrap();
        assert!(
            decrypt(&ciphertext, &[&id as &dyn age::Identity])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_non_recipient_cannot_decrypt() {
        let id = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let ciphertext = encrypt(b"secret", &[id.to_public()]).unwrap();
        assert!(matches!(
            decrypt(&ciphertext, &[&other as &dyn age::Identity]),
            Err(SealError::NotARecipient)
        ));
        assert!(matches!(encrypt(b"x", &[]), Err(SealError::NoRecipients)));
    }

    #[test]
    fn tampering_is_detected() {
        let id = age::x25519::Identity::generate();
        let mut ciphertext = encrypt(b"secret", &[id.to_public()]).unwrap();
        let last = ciphertext.len() - 1;
        ciphertext[last] ^= 1;
        assert!(matches!(
            decrypt(&ciphertext, &[&id as &dyn age::Identity]),
            Err(SealError::Corrupt)
        ));
        assert!(matches!(
            decrypt(b"not age", &[&id as &dyn age::Identity]),
            Err(SealError::Corrupt)
        ));
    }
}
