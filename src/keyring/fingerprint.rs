//! The keyring fingerprint: a short commitment to every person and key, recomputed by
//! reporters' browsers and staff clients to notice a server that swapped in its own keys.
//! The definition is on [`super::Keyring::fingerprint`] and in `keys/README.md`.

use sha2::{Digest, Sha256};

use super::Person;

pub(super) fn fingerprint_of(people: &[Person]) -> String {
    let mut hasher = Sha256::new();
    for person in people {
        hasher.update(format!("{}/{}\n", person.role, person.name).as_bytes());
        let mut recipients: Vec<String> = person.recipients.iter().map(|r| r.to_string()).collect();
        recipients.sort();
        for recipient in recipients {
            hasher.update(recipient.as_bytes());
            hasher.update(b"\n");
        }
    }
    hex::encode(hasher.finalize())
}
