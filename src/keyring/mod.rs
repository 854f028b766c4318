//! The public age recipients of the people who may read reports, loaded from `keys/`.
//!
//! Every report is encrypted to recipients from this keyring, and staff log in by decrypting a
//! challenge encrypted to them (design, flow 6), so a wrong key here means reports nobody can
//! read or a login nobody can pass. The loader is therefore strict and loud: it accepts only
//! X25519 recipients (the only kind age 0.12 can both encrypt to and decrypt), and it reports
//! every problem in every file at once, each with its file and line.
//!
//! This module handles public keys only. It never sees report plaintext, and it refuses to start
//! when a private key has been pasted into `keys/` (invariant 6: private keys never reach the
//! server).
//!
//! Layout (see `keys/README.md`):
//!
//! ```text
//! keys/caseworkers/<name>.pub   one file per caseworker
//! keys/rapporteurs/<name>.pub   one file per special rapporteur or reprisals focal point
//! keys/admins/<name>.pub        optional: operators of the service
//! ```
//!
//! Files: `role` (who a person is), `folder` (reading `keys/`), `published` (what clients
//! encrypt to, without names, and its fingerprint), `demo` (the public DEMO key set) and
//! `error` (why a keyring is refused).

mod demo;
mod error;
mod folder;
mod key_id;
mod published;
mod role;

use std::collections::HashMap;
use std::path::Path;

use age::x25519::Recipient;

use crate::policy::Problem;

pub use error::{KeyReason, KeyringError};
pub use folder::is_valid_name;
pub use key_id::key_id;
pub use published::{
    ChangeKind, Fingerprint, KeyringChange, PublishedKeyring, PublishedKeyringError,
};
pub use role::{Person, Role};

use demo::is_demo_recipient;

/// The validated set of people and keys the server encrypts to; built once at start-up.
#[derive(Clone, Debug)]
pub struct Keyring {
    /// Sorted by (role, name), unique.
    people: Vec<Person>,
    demo: bool,
}

impl Keyring {
    /// Loads `dir` (normally `keys/`, or `keys/DEMO` with `--demo`) and refuses it, listing every
    /// problem with its file and line, unless every file is valid.
    ///
    /// Not loaded as keys: `README*` files and hidden files (`.gitkeep`) anywhere, and a
    /// top-level `DEMO/` directory (the repository's demo key set, loaded only by pointing
    /// `dir` at it). Every one of them is still read and refused if it holds a private key. An
    /// `identities/` directory (private keys) is refused unless every loaded recipient is a
    /// public demo key.
    pub fn load(dir: &Path) -> Result<Keyring, KeyringError> {
        let mut people = folder::load_dir(dir)?;
        people.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
        Ok(Keyring::new_unchecked(people))
    }

    /// Builds a keyring from people already in memory (tests, tools), with the same checks as
    /// [`Keyring::load`] except file and line numbers: valid names, at least one recipient, no
    /// person twice, no recipient shared by two names.
    pub fn from_people(people: Vec<Person>) -> Result<Keyring, KeyringError> {
        let mut problems = Vec::new();
        let mut seen_people: HashMap<(Role, &str), ()> = HashMap::new();
        let mut owners: HashMap<&Recipient, (Role, &str)> = HashMap::new();
        for person in &people {
            let who = format!("{}/{}", person.role, person.name);
            let mut problem =
                |reason: KeyReason| problems.push(Problem::new(reason).about(who.clone()));
            if !is_valid_name(&person.name) {
                problem(KeyReason::BadName {
                    name: person.name.clone(),
                });
            }
            if seen_people
                .insert((person.role, person.name.as_str()), ())
                .is_some()
            {
                problem(KeyReason::DuplicatePerson);
            }
            if person.recipients.is_empty() {
                problem(KeyReason::NoRecipient);
            }
            for (i, recipient) in person.recipients.iter().enumerate() {
                if person.recipients[..i].contains(recipient) {
                    problem(KeyReason::Duplicate { first: who.clone() });
                    continue;
                }
                match owners.get(recipient) {
                    Some((role, name)) if *name != person.name => {
                        problem(KeyReason::Duplicate {
                            first: format!("{role}/{name}"),
                        });
                    }
                    _ => {
                        owners.insert(recipient, (person.role, &person.name));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(KeyringError::Invalid(problems));
        }
        let mut people = people;
        people.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
        Ok(Keyring::new_unchecked(people))
    }

    fn new_unchecked(people: Vec<Person>) -> Keyring {
        let demo = people
            .iter()
            .flat_map(|p| &p.recipients)
            .any(is_demo_recipient);
        Keyring { people, demo }
    }

    /// Looks a person up by role and name, as policy files and login challenges name them.
    pub fn person(&self, role: Role, name: &str) -> Option<&Person> {
        self.people
            .binary_search_by(|p| (p.role, p.name.as_str()).cmp(&(role, name)))
            .ok()
            .and_then(|i| self.people.get(i))
    }

    /// Everyone, sorted by role string (`admin`, `caseworker`, `rapporteur`) then name.
    pub fn people(&self) -> impl Iterator<Item = &Person> {
        self.people.iter()
    }

    /// True if any loaded recipient is one of the public demo keys from `keys/DEMO/`, whose
    /// private halves are in the repository: the server refuses to start with them unless
    /// `--demo` is given.
    pub fn demo_recipients_present(&self) -> bool {
        self.demo
    }
}

#[cfg(test)]
mod tests;
