//! The keyring as clients see it: which recipients each route and each escalation purpose
//! encrypts to, built from `routing.toml`, `escalation.toml` and `keys/` (see
//! [`PublishedKeyring`]). Computed on demand, so it can never lag behind the keys and policy
//! the server encrypts with.

use super::Policy;
use crate::keyring::{Keyring, PublishedKeyring, Role};

impl Policy {
    /// What clients encrypt to: every route's recipients (exactly [`super::Routing::recipients`],
    /// which the no-JavaScript path uses too) and, per consent purpose, the recipients of every
    /// rapporteur `escalation.toml` lists for it. No names.
    pub fn published_keyring(&self, keyring: &Keyring) -> PublishedKeyring {
        PublishedKeyring::from_validated(
            self.routing
                .routes()
                .iter()
                .map(|route| (route.name.as_str(), self.routing.recipients(route, keyring))),
            self.escalation.recipients.iter().map(|r| {
                let keys = keyring
                    .person(Role::Rapporteur, &r.name)
                    .map(|p| p.recipients.iter().collect())
                    .unwrap_or_default();
                (r.purpose, keys)
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::keyring::Keyring;
    use crate::policy::Policy;

    /// The DEMO keys and policy publish exactly the DEMO vector of `tests/vectors/keyring.json`,
    /// whose fingerprint was computed with `sha256sum`.
    #[test]
    fn the_demo_publishes_the_demo_vector() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let keyring = Keyring::load(&repo.join("keys/DEMO")).unwrap();
        let policy = Policy::load(&repo.join("policy/DEMO"), &keyring).unwrap();
        let published = policy.published_keyring(&keyring);
        let vectors: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../tests/vectors/keyring.json")).unwrap();
        let demo = vectors
            .iter()
            .find(|v| v["name"].as_str().unwrap().contains("DEMO"))
            .unwrap();
        assert_eq!(
            published.canonical_text(),
            demo["canonical_text"].as_str().unwrap()
        );
        assert_eq!(
            published.fingerprint().as_str(),
            demo["fingerprint"].as_str().unwrap()
        );
        // Each route publishes exactly what the server itself encrypts to.
        for route in policy.routing.routes() {
            let mut served: Vec<String> = policy
                .routing
                .recipients(route, &keyring)
                .iter()
                .map(ToString::to_string)
                .collect();
            served.sort();
            assert_eq!(published.route(&route.name), Some(served.as_slice()));
        }
        // No name of any person appears in what is published.
        let text = published.canonical_text();
        for person in keyring.people() {
            assert!(!text.contains(&person.name), "{} is named", person.name);
        }
    }
}
