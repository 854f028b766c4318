//! What every handler shares: storage, keys, policy, secrets and limits, behind accessors.

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::extract::FromRef;
use axum_csrf::{CsrfConfig, Key, SameSite};

use super::intake_ticket::IntakeTickets;
use crate::config::ServeConfig;
use crate::domain::AlertKind;
use crate::keyring::{Fingerprint, Keyring, Person, PublishedKeyring, Role};
use crate::policy::Policy;
use crate::policy::routing::Route;
use crate::secrets::ServerSecrets;
use crate::store::{AlertEvent, MessageOutcome, NewMessage, Store, StoreError};

/// Everything a handler needs, shared by all requests.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    store: Store,
    /// Swapped whole when `keys/` is reloaded (SIGHUP or a change on disk); each request
    /// reads the keyring current when it asks.
    keys: ArcSwap<LoadedKeys>,
    policy: Policy,
    secrets: ServerSecrets,
    csrf: CsrfConfig,
    max_body_bytes: usize,
    max_api_body_bytes: usize,
    /// Lifetime of a staff session.
    session_seconds: i64,
    /// Where reporters can compare the keyring fingerprint, as the operator configured it.
    keyring_published_at: Option<String>,
    /// Hands out the intake tickets the form pages carry.
    intake_tickets: Arc<IntakeTickets>,
    /// The address reporters open (`--public-url`), if the operator gave it.
    public_url: Option<String>,
}

/// The name of the cookie that carries the form's CSRF secret.
pub const CSRF_COOKIE: &str = "safehold_csrf";

/// The keys `keys/` holds now, with what is derived from them for every request (what clients
/// encrypt to and its fingerprint), computed once per load and swapped together, so a request
/// never sees a keyring and a published view of two different loads.
struct LoadedKeys {
    keyring: Arc<Keyring>,
    published: Arc<PublishedKeyring>,
    fingerprint: Fingerprint,
}

impl LoadedKeys {
    fn new(policy: &Policy, keyring: Keyring) -> LoadedKeys {
        let published = policy.published_keyring(&keyring);
        LoadedKeys {
            fingerprint: published.fingerprint(),
            published: Arc::new(published),
            keyring: Arc::new(keyring),
        }
    }
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
            .with_cookie_name(CSRF_COOKIE)
            .with_cookie_same_site(SameSite::Strict)
            .with_http_only(true)
            // Over https the cookie must never travel in clear (a network observer or an
            // injected http:// request would otherwise see or set it).
            .with_secure(config.serves_https())
            // A session cookie: a slow reporter's form must not expire while they type.
            .with_lifetime(time::Duration::seconds(0));
        AppState {
            inner: Arc::new(Shared {
                store,
                keys: ArcSwap::from_pointee(LoadedKeys::new(&policy, keyring)),
                policy,
                secrets,
                csrf,
                max_body_bytes: config.max_body_bytes,
                max_api_body_bytes: config.max_api_body_bytes(),
                session_seconds: i64::try_from(config.session.as_secs()).unwrap_or(i64::MAX),
                keyring_published_at: config.keyring_published_at.clone(),
                intake_tickets: Arc::new(IntakeTickets::new()),
                public_url: config.public_url.clone(),
            }),
        }
    }

    /// The intake ticket office (`http::intake_ticket`).
    pub fn intake_tickets(&self) -> &Arc<IntakeTickets> {
        &self.inner.intake_tickets
    }

    /// The storage handle.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The public keys in `keys/`, as last (re)loaded.
    pub fn keyring(&self) -> Arc<Keyring> {
        self.inner.keys.load().keyring.clone()
    }

    /// Puts `keyring` in place of the current one, for every request from now on.
    pub fn replace_keyring(&self, keyring: Keyring) {
        let keys = LoadedKeys::new(&self.inner.policy, keyring);
        self.inner.keys.store(Arc::new(keys));
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

    /// Exactly what clients encrypt to, per route and escalation purpose, without names.
    pub fn published_keyring(&self) -> Arc<PublishedKeyring> {
        self.inner.keys.load().published.clone()
    }

    /// The keyring fingerprint pages and clients check: that of [`AppState::published_keyring`].
    pub fn keyring_fingerprint(&self) -> Fingerprint {
        self.inner.keys.load().fingerprint.clone()
    }

    /// How many recipients every report and follow-up carries (the largest route's count;
    /// smaller routes add decoys), see [`PublishedKeyring::recipient_slots`].
    pub fn recipient_slots(&self) -> usize {
        self.published_keyring().recipient_slots()
    }

    /// A route by its fixed-size tag.
    pub fn route_by_tag(&self, tag: &str) -> Option<&Route> {
        self.inner.policy.routing.by_tag(tag)
    }

    /// Where the organisation publishes the fingerprint, if the operator said.
    pub fn keyring_published_at(&self) -> Option<&str> {
        self.inner.keyring_published_at.as_deref()
    }

    /// The address reporters open, if the operator said (`--public-url`).
    pub fn public_url(&self) -> Option<&str> {
        self.inner.public_url.as_deref()
    }

    /// Whether any public DEMO key is loaded: pages then say the fingerprint is published
    /// nowhere and the site is a demonstration.
    pub fn runs_on_demo_keys(&self) -> bool {
        self.inner.keys.load().keyring.demo_recipients_present()
    }

    /// A route by name, if the policy still has it.
    pub fn route(&self, name: &str) -> Option<&Route> {
        self.inner.policy.routing.get(name)
    }

    /// Exactly the recipients a report on `route` is encrypted to.
    pub fn route_recipients(&self, route: &Route) -> Vec<age::x25519::Recipient> {
        let keys = self.inner.keys.load();
        let keyring = &keys.keyring;
        self.inner
            .policy
            .routing
            .recipients(route, keyring)
            .into_iter()
            .cloned()
            .collect()
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
        kind: AlertKind,
        message: NewMessage<'_>,
    ) -> Result<MessageOutcome, StoreError> {
        let targets = self.alert_targets(route);
        let alert = AlertEvent {
            kind,
            route,
            targets: &targets,
        };
        self.store().add_message(case_id, message, alert).await
    }

    /// A person in the keyring.
    pub fn person(&self, role: Role, name: &str) -> Option<Person> {
        self.inner.keys.load().keyring.person(role, name).cloned()
    }
}

impl FromRef<AppState> for CsrfConfig {
    fn from_ref(state: &AppState) -> CsrfConfig {
        state.inner.csrf.clone()
    }
}
