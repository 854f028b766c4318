//! What every handler shares: storage, keys, policy, secrets and limits, behind accessors.

use std::sync::Arc;

use axum::extract::FromRef;
use axum_csrf::{CsrfConfig, Key, SameSite};
use tokio::sync::Semaphore;

use crate::config::ServeConfig;
use crate::domain::{AlertKind, Author};
use crate::keyring::{Keyring, Person, Role};
use crate::policy::Policy;
use crate::policy::routing::Route;
use crate::secrets::ServerSecrets;
use crate::store::{AlertEvent, Store, StoreError, StoredMessage};

/// Everything a handler needs, shared by all requests.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    store: Store,
    keyring: Keyring,
    policy: Policy,
    secrets: ServerSecrets,
    csrf: CsrfConfig,
    max_body_bytes: usize,
    max_api_body_bytes: usize,
    /// Lifetime of a staff session.
    session_seconds: i64,
    /// Bounds concurrent codephrase derivations: each takes ~12 MiB and tens of ms of CPU.
    kdf_permits: Semaphore,
}

impl AppState {
    /// Assembles the state from loaded parts.
    pub fn new(
        store: Store,
        keyring: Keyring,
        policy: Policy,
        secrets: ServerSecrets,
        config: &ServeConfig,
    ) -> AppState {
        let csrf = CsrfConfig::default()
            .with_key(Some(Key::from(&secrets.csrf_key()[..])))
            .with_cookie_name("safehold_csrf")
            .with_cookie_same_site(SameSite::Strict)
            .with_http_only(true)
            // Over https the cookie must never travel in clear (a network observer or an
            // injected http:// request would otherwise see or set it).
            .with_secure(config.serves_https())
            // A session cookie: a slow reporter's form must not expire while they type.
            .with_lifetime(time::Duration::seconds(0));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            inner: Arc::new(Shared {
                store,
                keyring,
                policy,
                secrets,
                csrf,
                max_body_bytes: config.max_body_bytes,
                max_api_body_bytes: config.max_api_body_bytes(),
                session_seconds: i64::try_from(config.session.as_secs()).unwrap_or(i64::MAX),
                kdf_permits: Semaphore::new(cores),
            }),
        }
    }

    /// The storage handle.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The public keys in `keys/`.
    pub fn keyring(&self) -> &Keyring {
        &self.inner.keyring
    }

    /// Routing, alerts, escalation, retention, taxonomy and statistics policy.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The server's own keys (receipt pepper, token and CSRF keys).
    pub fn secrets(&self) -> &ServerSecrets {
        &self.inner.secrets
    }

    /// Largest accepted report (form total, or ciphertext), in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// Largest accepted API request body, in bytes.
    pub fn max_api_body_bytes(&self) -> usize {
        self.inner.max_api_body_bytes
    }

    /// Lifetime of a staff session, in seconds.
    pub fn session_seconds(&self) -> i64 {
        self.inner.session_seconds
    }

    /// Permits for codephrase derivations, a few at a time.
    pub fn kdf_permits(&self) -> &Semaphore {
        &self.inner.kdf_permits
    }

    /// The keyring fingerprint pages and clients check.
    pub fn keyring_fingerprint(&self) -> &str {
        self.inner.keyring.fingerprint()
    }

    /// A route by name, if the policy still has it.
    pub fn route(&self, name: &str) -> Option<&Route> {
        self.inner.policy.routing.get(name)
    }

    /// Exactly the recipients a report on `route` is encrypted to.
    pub fn route_recipients(&self, route: &Route) -> Vec<&age::x25519::Recipient> {
        self.inner
            .policy
            .routing
            .recipients(route, &self.inner.keyring)
    }

    /// The alert targets of a route (none if the route is gone from the policy).
    pub fn alert_targets(&self, route: &str) -> Vec<String> {
        self.route(route)
            .map(|r| r.alerts.clone())
            .unwrap_or_default()
    }

    /// Appends a message to a case's thread, alerting the route's targets in the same
    /// transaction. `None` if the case does not exist.
    pub async fn add_message(
        &self,
        case_id: &str,
        route: &str,
        author: &Author,
        kind: AlertKind,
        ciphertext: &[u8],
    ) -> Result<Option<StoredMessage>, StoreError> {
        let targets = self.alert_targets(route);
        let alert = AlertEvent {
            kind,
            route,
            targets: &targets,
        };
        self.store()
            .add_message(case_id, author, ciphertext, alert)
            .await
    }

    /// A person in the keyring.
    pub fn person(&self, role: Role, name: &str) -> Option<&Person> {
        self.inner.keyring.person(role, name)
    }
}

impl FromRef<AppState> for CsrfConfig {
    fn from_ref(state: &AppState) -> CsrfConfig {
        state.inner.csrf.clone()
    }
}
