//! A no-JavaScript receipt page's thread key, sealed into its follow-up form.
//!
//! Without JavaScript the server derives the reporter's keys only while it answers the
//! codephrase, but a follow-up sent later from that page must carry the reporter's thread MAC.
//! So the page carries the thread key sealed (XChaCha20-Poly1305) under a key derived from the
//! server's follow-up token key, bound to that page's follow-up token (and so to its case and
//! expiry). The server keeps no copy: whoever seizes it later also needs the page, which only
//! the reporter's browser holds.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::crypto::ThreadKey;
use crate::mac::hmac_sha256;

/// Domain label of the sealing key.
const LABEL: &[u8] = b"safehold.receipt-page thread key seal";

fn cipher(token_key: &[u8]) -> XChaCha20Poly1305 {
    let key = Zeroizing::new(hmac_sha256(token_key, &[LABEL]));
    XChaCha20Poly1305::new((&*key).into())
}

/// The sealed key, for a hidden field of the page whose follow-up token is `followup_token`.
pub fn seal(token_key: &[u8], followup_token: &str, thread_key: &ThreadKey) -> Option<String> {
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).ok()?;
    let sealed = cipher(token_key)
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: thread_key.expose(),
                aad: followup_token.as_bytes(),
            },
        )
        .ok()?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Some(STANDARD.encode(out))
}

/// The thread key, if `sealed` was made by this server for this very follow-up token.
pub fn open(token_key: &[u8], followup_token: &str, sealed: &str) -> Option<ThreadKey> {
    let bytes = STANDARD.decode(sealed.as_bytes()).ok()?;
    if bytes.len() != 24 + 32 + 16 {
        return None;
    }
    let (nonce, body) = bytes.split_at(24);
    let opened = Zeroizing::new(
        cipher(token_key)
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: followup_token.as_bytes(),
                },
            )
            .ok()?,
    );
    let key: &[u8; 32] = opened.as_slice().try_into().ok()?;
    Some(ThreadKey::from_bytes(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_only_with_its_server_key_and_token() {
        let key = ThreadKey::from_bytes(&[5; 32]);
        let sealed = seal(b"server key", "TOKEN-A", &key).unwrap();
        assert_eq!(
            open(b"server key", "TOKEN-A", &sealed).unwrap().expose(),
            key.expose()
        );
        assert!(open(b"other key", "TOKEN-A", &sealed).is_none());
        assert!(open(b"server key", "TOKEN-B", &sealed).is_none());
        assert!(open(b"server key", "TOKEN-A", "AAAA").is_none());
        assert!(!sealed.contains(&STANDARD.encode(key.expose())));
    }
}
