//! A key's identity: the SHA-256 of an age recipient in its canonical Bech32 form. Staff
//! sessions are bound to the key that answered their login challenge by this id, so a key that
//! leaves the keyring (removed, or rotated under the same name) ends its sessions.

use age::x25519::Recipient;
use sha2::{Digest, Sha256};

use super::Person;

/// The id of `recipient`.
pub fn key_id(recipient: &Recipient) -> [u8; 32] {
    Sha256::digest(recipient.to_string().as_bytes()).into()
}

impl Person {
    /// Whether one of this person's recipients has the id `key_id`.
    pub fn holds_key(&self, key_id: &[u8]) -> bool {
        self.recipients.iter().any(|r| self::key_id(r) == key_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::Role;

    #[test]
    fn a_person_holds_the_ids_of_their_own_keys_only() {
        let mine = age::x25519::Identity::generate().to_public();
        let other = age::x25519::Identity::generate().to_public();
        let person = Person {
            name: "amina".into(),
            role: Role::Caseworker,
            recipients: vec![mine.clone()],
        };
        assert!(person.holds_key(&key_id(&mine)));
        assert!(!person.holds_key(&key_id(&other)));
        assert_eq!(key_id(&mine), key_id(&mine.to_string().parse().unwrap()));
    }
}
