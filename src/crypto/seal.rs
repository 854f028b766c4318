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
    /// One of the given identities unwrapped a stanza (or a stanza of its kind is malformed),
    /// but the header's MAC does not verify: the file was addressed to that key and still does
    /// not open. Its maker gave different recipients different file keys, or altered the
    /// header; either way nobody should trust what it shows anyone.
    #[error(
        "this file is addressed to your key but its header does not open: possibly a malicious file"
    )]
    HeaderRefused,
    /// The header opened, but the payload does not decrypt: damaged or forged after the header.
    #[error("this file is addressed to your key but its contents do not decrypt")]
    PayloadRefused,
    /// The key is held by another process (the staff CLI's agent), which did not answer.
    #[error(
        "the agent that holds your key did not answer ({0}); run safehold agent stop and try again"
    )]
    KeyUnavailable(String),
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
    let decryptor = age::Decryptor::new_buffered(ciphertext).map_err(|_| SealError::Corrupt)?;
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
            Err(_) => return Err(SealError::PayloadRefused),
        }
    }
    out.truncate(filled);
    Ok(out)
}

/// Why the header, already parsed, did not give a payload key to these identities.
fn map_decrypt(e: age::DecryptError) -> SealError {
    use age::DecryptError::*;
    match e {
        NoMatchingKeys => SealError::NotARecipient,
        // A stanza unwrapped to a file key that the header MAC refuses, or a stanza of the
        // identity's own kind is malformed (age stops at it, so no key of that kind opens it).
        InvalidMac | InvalidHeader | KeyDecryptionFailed => SealError::HeaderRefused,
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
            Err(SealError::PayloadRefused)
        ));
        assert!(matches!(
            decrypt(b"not age", &[&id as &dyn age::Identity]),
            Err(SealError::Corrupt)
        ));
    }

    /// The first stanza of `file`'s header replaced by the first stanza of `donor`'s: the
    /// stanza still opens for its recipient, but to another file key.
    fn graft_first_stanza(file: &[u8], donor: &[u8]) -> Vec<u8> {
        fn stanzas(header: &str) -> Vec<(usize, usize)> {
            // Byte ranges of each "-> …" stanza, up to the next stanza or the MAC line.
            let mut starts: Vec<usize> =
                header.match_indices("\n-> ").map(|(i, _)| i + 1).collect();
            let end = header.find("\n--- ").unwrap() + 1;
            starts.push(end);
            starts.windows(2).map(|w| (w[0], w[1])).collect()
        }
        let split = |bytes: &[u8]| {
            let at = bytes.windows(5).position(|w| w == b"\n--- ").unwrap();
            let line_end = at + 1 + bytes[at + 1..].iter().position(|b| *b == b'\n').unwrap();
            (
                String::from_utf8(bytes[..=line_end].to_vec()).unwrap(),
                bytes[line_end + 1..].to_vec(),
            )
        };
        let (header, payload) = split(file);
        let (donor_header, _) = split(donor);
        let (a, b) = stanzas(&header)[0];
        let (c, d) = stanzas(&donor_header)[0];
        let mut out =
            format!("{}{}{}", &header[..a], &donor_header[c..d], &header[b..]).into_bytes();
        out.extend_from_slice(&payload);
        out
    }

    #[test]
    fn a_stanza_that_opens_to_another_file_key_is_told_apart_from_not_addressed() {
        let victim = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let stranger = age::x25519::Identity::generate();
        let file = encrypt(b"report", &[victim.to_public(), other.to_public()]).unwrap();
        let donor = encrypt(b"decoy", &[victim.to_public()]).unwrap();
        let forged = graft_first_stanza(&file, &donor);
        assert!(matches!(
            decrypt(&forged, &[&victim as &dyn age::Identity]),
            Err(SealError::HeaderRefused)
        ));
        // The header MAC covers every stanza, so the grafted header opens for nobody; a
        // forger who knows both file keys could instead show each recipient something else.
        assert!(matches!(
            decrypt(&forged, &[&other as &dyn age::Identity]),
            Err(SealError::HeaderRefused)
        ));
        assert!(matches!(
            decrypt(&forged, &[&stranger as &dyn age::Identity]),
            Err(SealError::NotARecipient)
        ));
    }
}
