//! The keyring this machine trusts for a server: pinned on first use, changed only when a
//! person says so (`safehold keyring trust`). Every command that encrypts (`submit`,
//! `case reply`, `case escalate`) checks what the server serves against the pin first, and
//! encrypts only to keys inside the pinned keyring, so a seized server cannot redirect what
//! this machine sends by swapping a key.
//!
//! The pin is the whole published keyring (recipients per route and per escalation purpose,
//! see [`PublishedKeyring`]), not only its fingerprint, so a refusal can say which route or
//! purpose gained or lost which key. It is kept per server URL in
//! `$XDG_STATE_HOME/safehold/` (default `~/.local/state/safehold/`), not in the cache with the
//! sessions: clearing a cache must not silently drop the pin and trust whatever comes next.

use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::staff_client::{home_dir, write_private};
use super::terminal_text::say_err;
use crate::domain::Purpose;
use crate::keyring::{Fingerprint, KeyringChange, PublishedKeyring};
use crate::wire::RoutesResponse;

/// What a server serves now at `GET /api/v1/routes`, with its keyring rebuilt from the lists
/// (never taken from the server's own `keyring_fingerprint` field).
pub struct Served {
    /// The whole answer: routes with their selectors, the default route.
    pub routes: RoutesResponse,
    /// The keyring rebuilt from `routes` and `escalation`.
    pub keyring: PublishedKeyring,
}

impl Served {
    /// Fetches `GET /api/v1/routes` and rebuilds the keyring from it. Refuses an answer whose
    /// lists do not hash to the fingerprint it states.
    pub async fn fetch(http: &reqwest::Client, server: &str) -> anyhow::Result<Served> {
        let response = http
            .get(format!("{server}/api/v1/routes"))
            .send()
            .await
            .with_context(|| format!("cannot reach {server}"))?;
        let status = response.status();
        if !status.is_success() {
            bail!(
                "{server} did not send its keyring (HTTP {}); try again later",
                status.as_u16()
            );
        }
        let routes: RoutesResponse = response
            .json()
            .await
            .context("the server's route list is not what Safehold serves")?;
        let keyring = PublishedKeyring::new(
            routes
                .routes
                .iter()
                .map(|r| (r.name.clone(), r.recipients.clone())),
            routes
                .escalation
                .iter()
                .map(|e| (e.purpose.to_string(), e.recipients.clone())),
        )
        .map_err(|e| anyhow!("the server's keyring is malformed: {e}; nothing was encrypted"))?;
        if keyring.fingerprint().as_str() != routes.keyring_fingerprint {
            bail!(
                "the server states the keyring fingerprint {} but its keys hash to {}; nothing was encrypted. Tell your organisation: this server may have been tampered with",
                routes.keyring_fingerprint,
                keyring.fingerprint()
            );
        }
        Ok(Served { routes, keyring })
    }
}

/// The pin file's content.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pin {
    server: String,
    fingerprint: Fingerprint,
    keyring: PublishedKeyring,
}

/// The pin for one server URL on this machine.
pub struct PinnedKeyring {
    server: String,
    path: PathBuf,
    pinned: Option<PublishedKeyring>,
}

impl PinnedKeyring {
    /// Reads this machine's pin for `server` (a URL without a trailing `/`), if any.
    pub fn open(server: &str) -> anyhow::Result<PinnedKeyring> {
        let dir = home_dir("XDG_STATE_HOME", ".local/state")
            .ok_or_else(|| anyhow!("set HOME or XDG_STATE_HOME so the pinned keyring can be kept"))?
            .join("safehold");
        let key = hex::encode(&Sha256::digest(server.as_bytes())[..8]);
        let path = dir.join(format!("keyring-{key}.json"));
        let pinned = match std::fs::read(&path) {
            Ok(bytes) => {
                let pin: Pin = serde_json::from_slice(&bytes).ok().filter(|p: &Pin| {
                    p.server == server && p.keyring.fingerprint() == p.fingerprint
                }).ok_or_else(|| anyhow!(
                    "the pinned keyring {} is damaged; nothing was encrypted. Delete it, compare the fingerprint with the one your organisation publishes (safehold keyring show --server {server}), then run safehold keyring trust",
                    path.display()
                ))?;
                Some(pin.keyring)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(PinnedKeyring {
            server: server.to_owned(),
            path,
            pinned,
        })
    }

    /// The pinned keyring, if this machine has one for the server.
    pub fn pinned(&self) -> Option<&PublishedKeyring> {
        self.pinned.as_ref()
    }

    /// Pins `keyring`, replacing any earlier pin.
    pub fn pin(&mut self, keyring: &PublishedKeyring) -> anyhow::Result<()> {
        let pin = Pin {
            server: self.server.clone(),
            fingerprint: keyring.fingerprint(),
            keyring: keyring.clone(),
        };
        write_private(&self.path, &serde_json::to_vec_pretty(&pin)?)?;
        self.pinned = Some(keyring.clone());
        Ok(())
    }

    /// What `served` changes from the pin (empty if it is the pinned keyring or none is).
    pub fn changes(&self, served: &PublishedKeyring) -> Vec<KeyringChange> {
        self.pinned
            .as_ref()
            .map(|pinned| served.changes_since(pinned))
            .unwrap_or_default()
    }

    /// The keyring to encrypt to: the pinned one if the server serves exactly it; on first
    /// use, what the server serves, pinned now (said on stderr). Anything else is refused,
    /// naming each change and what to do.
    pub fn trust(&mut self, served: &PublishedKeyring) -> anyhow::Result<PublishedKeyring> {
        let Some(pinned) = &self.pinned else {
            self.pin(served)?;
            say_err!(
                "Pinned the keyring of {} on first use: fingerprint {}.\nCompare it with the one your organisation publishes elsewhere (safehold keyring show --server {}); from now on this machine encrypts only to these keys.",
                self.server,
                served.fingerprint().short(),
                self.server
            );
            return Ok(served.clone());
        };
        if pinned.fingerprint() == served.fingerprint() {
            return Ok(pinned.clone());
        }
        let changes: Vec<String> = served
            .changes_since(pinned)
            .iter()
            .map(|c| format!("  - {c}"))
            .collect();
        bail!(
            "{} now serves keys you have not trusted; nothing was encrypted or sent.\nWhat changed since you pinned its keyring ({}):\n{}\nA seized or tampered server swaps in its own keys to read what you send. Compare the fingerprint it serves now, {}, with the one your organisation publishes elsewhere (not on this server):\n  safehold keyring show --server {}\nOnly if they match, trust it and run your command again:\n  safehold keyring trust '{}' --server {}",
            self.server,
            pinned.fingerprint().short(),
            changes.join("\n"),
            served.fingerprint().short(),
            self.server,
            served.fingerprint().short(),
            self.server
        )
    }
}

/// Fetches the server's keyring and checks it against this machine's pin (pinning it on
/// first use): the one way commands get keys to encrypt to.
pub async fn trusted(http: &reqwest::Client, server: &str) -> anyhow::Result<Served> {
    let served = Served::fetch(http, server).await?;
    let keyring = PinnedKeyring::open(server)?.trust(&served.keyring)?;
    Ok(Served {
        routes: served.routes,
        keyring,
    })
}

/// The recipients of `route` in the trusted keyring, checked against the list a staff endpoint
/// gave for it (`given`): both must name the same keys.
pub fn route_recipients(
    keyring: &PublishedKeyring,
    route: &str,
    given: &[String],
) -> anyhow::Result<Vec<age::x25519::Recipient>> {
    let pinned = keyring.route(route).ok_or_else(|| {
        anyhow!(
            "route \"{route}\" is not in the keyring you trust; nothing was encrypted. Run safehold keyring show to see the routes"
        )
    })?;
    let mut given_sorted = given.to_vec();
    given_sorted.sort();
    if given_sorted != pinned {
        let extra: Vec<&String> = given.iter().filter(|k| !pinned.contains(k)).collect();
        let missing: Vec<&String> = pinned.iter().filter(|k| !given.contains(k)).collect();
        bail!(
            "the server gave keys for route \"{route}\" that differ from the keyring you trust (not trusted: {}; left out: {}); nothing was encrypted. Tell your organisation: the server may have been tampered with",
            list(&extra),
            list(&missing)
        );
    }
    parse_all(pinned)
}

/// The recipients a package for a person under `purpose` goes to: `given` (from the staff
/// endpoint, which names the person), each of which must be in the trusted keyring under that
/// purpose.
pub fn escalation_recipients(
    keyring: &PublishedKeyring,
    purpose: Purpose,
    name: &str,
    given: &[String],
) -> anyhow::Result<Vec<age::x25519::Recipient>> {
    let pinned = keyring.escalation_for(purpose.as_str()).unwrap_or_default();
    let outside: Vec<&String> = given.iter().filter(|k| !pinned.contains(k)).collect();
    if given.is_empty() || !outside.is_empty() {
        bail!(
            "the server gave {name} keys outside the keyring you trust for `{purpose}` ({}); nothing was encrypted or sent. A seized server would do this to read escalation packages: compare the fingerprint with the one your organisation publishes (safehold keyring show), and tell them",
            if given.is_empty() {
                "none at all".to_owned()
            } else {
                list(&outside)
            }
        );
    }
    parse_all(given)
}

fn parse_all(keys: &[String]) -> anyhow::Result<Vec<age::x25519::Recipient>> {
    keys.iter()
        .map(|k| {
            k.parse()
                .map_err(|e| anyhow!("the keyring holds an invalid recipient {k}: {e}"))
        })
        .collect()
}

fn list(keys: &[&String]) -> String {
    if keys.is_empty() {
        "none".to_owned()
    } else {
        keys.iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
