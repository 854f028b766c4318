//! The published keyring: exactly the recipients clients encrypt to, and nothing about who
//! holds them. Reports and follow-ups go to a route's recipients; escalation packages go to
//! the recipients of one consent purpose. The keyring fingerprint commits to all of it, so a
//! browser or CLI that checks the fingerprint has checked every key it will encrypt to.
//!
//! Names, roles and device counts are not part of it: public endpoints publish this and only
//! this (issue: a public staff roster tells a State whom to target). Staff-only endpoints may
//! name rapporteurs for `case escalate`, but the keys they give must lie inside this keyring.
//!
//! The server builds it from `keys/` and `policy/` ([`crate::policy::Policy::published_keyring`]);
//! clients rebuild it from `GET /api/v1/routes`. The definition of the fingerprint is in
//! `keys/README.md`, with known answers in `tests/vectors/keyring.json`, checked here and in
//! `web/test/`.

use std::collections::BTreeMap;
use std::fmt;

use age::x25519::Recipient;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::Purpose;

/// First line of the fingerprinted text; changes if the definition ever does.
const HEADER: &str = "safehold keyring v2\n";

/// Hex digits of the fingerprint's short form: 80 bits, in groups of four.
const SHORT_HEX_DIGITS: usize = 20;

/// Recipients per route and per escalation purpose, each list sorted; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedKeyring {
    /// Route name → the recipients a report on it is encrypted to.
    routes: BTreeMap<String, Vec<String>>,
    /// Consent purpose (`named_mechanism`, `ohchr_reprisals_team`) → every recipient an
    /// escalation package under that purpose may be encrypted to.
    escalation: BTreeMap<String, Vec<String>>,
}

/// One difference between two published keyrings, said so a person can judge it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyringChange {
    /// `route general` or `escalation named_mechanism`.
    pub place: String,
    /// What happened there.
    pub what: ChangeKind,
}

/// What changed at one place of the keyring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The place is new, with these keys.
    Added(Vec<String>),
    /// The place is gone.
    Removed,
    /// This key was added to the place.
    GainedKey(String),
    /// This key was taken from the place.
    LostKey(String),
}

impl fmt::Display for KeyringChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.what {
            ChangeKind::Added(keys) => write!(
                f,
                "{} is new, with {} key(s): {}",
                self.place,
                keys.len(),
                keys.join(", ")
            ),
            ChangeKind::Removed => write!(f, "{} is gone", self.place),
            ChangeKind::GainedKey(key) => write!(f, "{} gained the key {key}", self.place),
            ChangeKind::LostKey(key) => write!(f, "{} lost the key {key}", self.place),
        }
    }
}

/// Why a served keyring cannot be read as one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublishedKeyringError {
    /// The same route or purpose twice: the fingerprint would not say which list is used.
    #[error("{0} is listed twice")]
    Duplicate(String),
    /// A name that could make two different keyrings print the same text.
    #[error("{0:?} is not a valid name for a route, purpose or recipient")]
    BadName(String),
}

impl PublishedKeyring {
    /// Builds the keyring from (route, recipients) and (purpose, recipients) pairs; the lists
    /// are sorted here. Refuses a route or purpose given twice, and any name or recipient that
    /// is empty or holds whitespace (it could forge the line structure of the fingerprint).
    pub fn new<R, E>(routes: R, escalation: E) -> Result<PublishedKeyring, PublishedKeyringError>
    where
        R: IntoIterator<Item = (String, Vec<String>)>,
        E: IntoIterator<Item = (String, Vec<String>)>,
    {
        Ok(PublishedKeyring {
            routes: collect("route", routes)?,
            escalation: collect("escalation", escalation)?,
        })
    }

    /// Builds the keyring the server serves from routes whose names policy has validated
    /// (`[a-z0-9-]{1,48}`, unique) and from typed recipients and purposes, which cannot break
    /// the line structure. Recipients listed twice for one place count once.
    pub fn from_validated<'k>(
        routes: impl IntoIterator<Item = (&'k str, Vec<&'k Recipient>)>,
        escalation: impl IntoIterator<Item = (Purpose, Vec<&'k Recipient>)>,
    ) -> PublishedKeyring {
        fn add(map: &mut BTreeMap<String, Vec<String>>, place: &str, keys: Vec<&Recipient>) {
            let list = map.entry(place.to_owned()).or_default();
            list.extend(keys.into_iter().map(ToString::to_string));
            list.sort();
            list.dedup();
        }
        let mut keyring = PublishedKeyring::default();
        for (name, keys) in routes {
            add(&mut keyring.routes, name, keys);
        }
        for (purpose, keys) in escalation {
            add(&mut keyring.escalation, purpose.as_str(), keys);
        }
        keyring
    }

    /// Every route with its sorted recipients, by name.
    pub fn routes(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.routes.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Every escalation purpose with its sorted recipients, by purpose.
    pub fn escalation(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.escalation
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// The recipients of one route, if the keyring has it.
    pub fn route(&self, name: &str) -> Option<&[String]> {
        self.routes.get(name).map(Vec::as_slice)
    }

    /// How many recipients every report and follow-up is encrypted to: the largest route's
    /// count. Smaller routes fill the rest with decoys (random recipients whose keys nobody keeps),
    /// and a reply takes one more slot, the reporter's. At least 1.
    pub fn recipient_slots(&self) -> usize {
        self.routes.values().map(Vec::len).max().unwrap_or(0).max(1)
    }

    /// The recipients packages under one consent purpose may go to, if any.
    pub fn escalation_for(&self, purpose: &str) -> Option<&[String]> {
        self.escalation.get(purpose).map(Vec::as_slice)
    }

    /// The text the fingerprint hashes (see `keys/README.md`).
    pub fn canonical_text(&self) -> String {
        let mut text = String::from(HEADER);
        for (section, places) in [("route", &self.routes), ("escalation", &self.escalation)] {
            for (name, recipients) in places {
                text.push_str(&format!("{section} {name}\n"));
                for recipient in recipients {
                    text.push_str(recipient);
                    text.push('\n');
                }
            }
        }
        text
    }

    /// The keyring fingerprint: SHA-256 of [`PublishedKeyring::canonical_text`].
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint(hex::encode(Sha256::digest(
            self.canonical_text().as_bytes(),
        )))
    }

    /// What changed from `earlier` to `self`: places added or removed, keys gained or lost.
    pub fn changes_since(&self, earlier: &PublishedKeyring) -> Vec<KeyringChange> {
        let mut changes = Vec::new();
        for (section, now, before) in [
            ("route", &self.routes, &earlier.routes),
            ("escalation", &self.escalation, &earlier.escalation),
        ] {
            let mut places: Vec<&String> = now.keys().chain(before.keys()).collect();
            places.sort();
            places.dedup();
            for name in places {
                let place = format!("{section} {name}");
                match (before.get(name), now.get(name)) {
                    (None, Some(keys)) => changes.push(KeyringChange {
                        place,
                        what: ChangeKind::Added(keys.clone()),
                    }),
                    (Some(_), None) => changes.push(KeyringChange {
                        place,
                        what: ChangeKind::Removed,
                    }),
                    (Some(old), Some(new)) => {
                        for key in new.iter().filter(|k| !old.contains(k)) {
                            changes.push(KeyringChange {
                                place: place.clone(),
                                what: ChangeKind::GainedKey(key.clone()),
                            });
                        }
                        for key in old.iter().filter(|k| !new.contains(k)) {
                            changes.push(KeyringChange {
                                place: place.clone(),
                                what: ChangeKind::LostKey(key.clone()),
                            });
                        }
                    }
                    (None, None) => {}
                }
            }
        }
        changes
    }
}

fn collect(
    section: &str,
    places: impl IntoIterator<Item = (String, Vec<String>)>,
) -> Result<BTreeMap<String, Vec<String>>, PublishedKeyringError> {
    let mut out = BTreeMap::new();
    for (name, mut recipients) in places {
        for word in std::iter::once(&name).chain(&recipients) {
            if word.is_empty() || word.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(PublishedKeyringError::BadName(word.clone()));
            }
        }
        recipients.sort();
        if out.insert(name.clone(), recipients).is_some() {
            return Err(PublishedKeyringError::Duplicate(format!(
                "{section} {name}"
            )));
        }
    }
    Ok(out)
}

/// A keyring fingerprint: 64 lowercase hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The full 64 hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The short form people compare: the first 80 bits as five groups of four hex digits,
    /// e.g. `1e4c 048b a6a7 4ec0 5ee8`.
    pub fn short(&self) -> String {
        let digits: Vec<char> = self.0.chars().take(SHORT_HEX_DIGITS).collect();
        digits
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether `typed` (the full fingerprint or at least its short form, with any spaces,
    /// dashes or capitals) names this fingerprint.
    pub fn matches(&self, typed: &str) -> bool {
        let digits: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != ':')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        digits.len() >= SHORT_HEX_DIGITS && self.0.starts_with(&digits)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tests/vectors/keyring.json`: shared with `web/test/vectors.test.mjs`.
    #[derive(Deserialize)]
    struct Vector {
        name: String,
        routes: Vec<Place<RouteName>>,
        escalation: Vec<Place<PurposeName>>,
        canonical_text: String,
        fingerprint: String,
        short: String,
    }

    #[derive(Deserialize)]
    struct RouteName {
        name: String,
    }

    #[derive(Deserialize)]
    struct PurposeName {
        purpose: String,
    }

    #[derive(Deserialize)]
    struct Place<N> {
        #[serde(flatten)]
        label: N,
        recipients: Vec<String>,
    }

    fn vectors() -> Vec<Vector> {
        serde_json::from_str(include_str!("../../tests/vectors/keyring.json")).unwrap()
    }

    fn keyring_of(v: &Vector) -> PublishedKeyring {
        PublishedKeyring::new(
            v.routes
                .iter()
                .map(|p| (p.label.name.clone(), p.recipients.clone())),
            v.escalation
                .iter()
                .map(|p| (p.label.purpose.clone(), p.recipients.clone())),
        )
        .unwrap()
    }

    #[test]
    fn known_answers_match_the_shared_vectors() {
        let vectors = vectors();
        assert!(vectors.len() >= 3);
        for v in &vectors {
            let keyring = keyring_of(v);
            assert_eq!(keyring.canonical_text(), v.canonical_text, "{}", v.name);
            // Independent of our own hashing: the vector's text through plain SHA-256.
            assert_eq!(
                hex::encode(Sha256::digest(v.canonical_text.as_bytes())),
                v.fingerprint,
                "{}",
                v.name
            );
            assert_eq!(keyring.fingerprint().as_str(), v.fingerprint, "{}", v.name);
            assert_eq!(keyring.fingerprint().short(), v.short, "{}", v.name);
        }
    }

    /// The vector "two routes, two purposes", changed by `change`, fingerprinted.
    fn changed(change: impl FnOnce(&mut Vector)) -> Fingerprint {
        let mut v = vectors().remove(1);
        change(&mut v);
        keyring_of(&v).fingerprint()
    }

    #[test]
    fn every_recipient_changes_the_fingerprint() {
        let base = changed(|_| {});
        assert_eq!(base.as_str(), vectors()[1].fingerprint);
        let other = "age1wr3ntkr2hkgphntgkk4n44aeyyqpha3gkmz8pr0gvl74ssc3uvjqsxdhgf".to_owned();
        let o = other.clone();
        assert_ne!(changed(|v| v.routes[0].recipients[0] = o), base);
        let o = other.clone();
        assert_ne!(changed(|v| v.escalation[1].recipients[0] = o), base);
        let o = other.clone();
        assert_ne!(changed(|v| v.escalation[0].recipients.push(o)), base);
        assert_ne!(
            changed(|v| v.routes[0].label.name = "elsewhere".into()),
            base
        );
        // A key moved from escalation to a route is a change too.
        assert_ne!(
            changed(|v| {
                let key = v.escalation[1].recipients.pop().unwrap();
                v.routes[0].recipients.push(key);
            }),
            base
        );
        // Order is not: lists are sorted before hashing.
        assert_eq!(
            changed(|v| {
                v.routes.reverse();
                v.routes[0].recipients.reverse();
                v.escalation.reverse();
            }),
            base
        );
    }

    #[test]
    fn forged_line_structure_and_duplicates_are_refused() {
        let key = |s: &str| vec![s.to_owned()];
        assert_eq!(
            PublishedKeyring::new([("a\nage1x".into(), key("age1y"))], []),
            Err(PublishedKeyringError::BadName("a\nage1x".into()))
        );
        assert_eq!(
            PublishedKeyring::new([("a".into(), key("age1y route b"))], []),
            Err(PublishedKeyringError::BadName("age1y route b".into()))
        );
        assert_eq!(
            PublishedKeyring::new([("a".into(), key(""))], []),
            Err(PublishedKeyringError::BadName(String::new()))
        );
        assert_eq!(
            PublishedKeyring::new([], [("p".into(), key("k")), ("p".into(), key("j"))]),
            Err(PublishedKeyringError::Duplicate("escalation p".into()))
        );
    }

    #[test]
    fn changes_say_which_place_gained_or_lost_which_key() {
        let k = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let before = PublishedKeyring::new(
            [
                ("general".into(), k(&["age1a", "age1b"])),
                ("old".into(), k(&["age1a"])),
            ],
            [("named_mechanism".into(), k(&["age1r"]))],
        )
        .unwrap();
        let after = PublishedKeyring::new(
            [
                ("general".into(), k(&["age1a", "age1c"])),
                ("new".into(), k(&["age1a"])),
            ],
            [("named_mechanism".into(), k(&["age1evil", "age1r"]))],
        )
        .unwrap();
        let said: Vec<String> = after
            .changes_since(&before)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            said,
            [
                "route general gained the key age1c",
                "route general lost the key age1b",
                "route new is new, with 1 key(s): age1a",
                "route old is gone",
                "escalation named_mechanism gained the key age1evil",
            ]
        );
        assert!(after.changes_since(&after).is_empty());
    }

    #[test]
    fn the_short_form_is_80_bits_and_typed_forms_match() {
        let fp =
            Fingerprint("1e4c048ba6a74ec05ee85bfc0b0d04e7fab1f0872f5be126d28212224608585c".into());
        assert_eq!(fp.short(), "1e4c 048b a6a7 4ec0 5ee8");
        assert!(fp.matches("1E4C-048B-A6A7-4EC0-5EE8"));
        assert!(fp.matches(fp.as_str()));
        assert!(
            !fp.matches("1e4c 048b a6a7 4ec0"),
            "too short to be compared"
        );
        assert!(!fp.matches("1e4c 048b a6a7 4ec0 5ee9"));
        assert!(!fp.matches(""));
    }
}
