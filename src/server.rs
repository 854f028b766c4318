//! Assembles a runnable server from its configuration: keys, policy, secrets, database,
//! router. Shared by `safehold serve` and the integration tests, so both run the same thing.

use std::path::Path;

use anyhow::Context;

use crate::alerts::AlertWorker;
use crate::config::ServeConfig;
use crate::http::{self, AppState, KeyringReload};
use crate::keyring::Keyring;
use crate::policy::Policy;
use crate::secrets::ServerSecrets;
use crate::store::Store;

/// A server ready to be handed a listener.
pub struct Server {
    /// The application with all its layers.
    pub router: axum::Router,
    /// Its database handle (close it after the last request).
    pub store: Store,
    /// The keyring fingerprint clients check.
    pub keyring_fingerprint: String,
    /// The alert worker, not yet running: `safehold serve` starts it with
    /// [`AlertWorker::spawn`] and stops it after the last request.
    pub alerts: AlertWorker,
    /// `retention.toml`, if any: `safehold serve` applies it daily with
    /// [`crate::retention::spawn_daily`].
    pub retention: Option<crate::policy::Retention>,
    /// Reloads `keys/` into the running server: `safehold serve` runs it on SIGHUP and when
    /// the folder changes ([`KeyringReload::spawn`]).
    pub keyring_reload: KeyringReload,
}

/// Loads and validates keys and policy, refusing DEMO keys unless `demo` is set.
pub fn load_keys_and_policy(
    keys_dir: &Path,
    policy_dir: &Path,
    demo: bool,
) -> anyhow::Result<(Keyring, Policy)> {
    let keyring = Keyring::load(keys_dir)
        .with_context(|| format!("keys in {} are not valid", keys_dir.display()))?;
    if keyring.demo_recipients_present() && !demo {
        anyhow::bail!(
            "{} contains DEMO keys, whose private halves are public in the Safehold repository. \
             Replace them with your caseworkers' own keys, or run with --demo for a demonstration only.",
            keys_dir.display()
        );
    }
    let policy = Policy::load(policy_dir, &keyring)
        .with_context(|| format!("policy in {} is not valid", policy_dir.display()))?;
    if policy.organisation.shipped_demo && !demo {
        anyhow::bail!(
            "{} is missing: every reporter page must say who runs this service, how soon to check \
             back, and where someone in immediate danger can turn now, and /.well-known/security.txt \
             where to report a vulnerability. Write it (policy/DEMO/organisation.toml documents \
             every key), or run with --demo for a demonstration only.",
            crate::policy::organisation::organisation_path(policy_dir).display()
        );
    }
    Ok((keyring, policy))
}

/// Loads everything the configuration names and connects to the database.
pub async fn build(config: &ServeConfig) -> anyhow::Result<Server> {
    let (keyring, policy) = load_keys_and_policy(&config.keys, &config.policy, config.demo)?;
    let secrets = ServerSecrets::load_or_create(&config.secret_file)?;
    let store = Store::connect(&config.database_url)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at {}",
                redact_url(&config.database_url)
            )
        })?;
    let keyring_fingerprint = policy.published_keyring(&keyring).fingerprint().to_string();
    let alerts = AlertWorker::new(store.clone(), policy.alerts.clone())
        .context("cannot prepare alert delivery")?;
    let retention = policy.retention;
    if policy
        .organisation
        .security_expired(time::OffsetDateTime::now_utc())
    {
        tracing::warn!(
            "the Expires date of /.well-known/security.txt (organisation.toml, [security]) has passed: confirm its contacts and set a new date"
        );
    }
    let state = AppState::new(store.clone(), keyring, policy, secrets, config);
    let keyring_reload = KeyringReload::new(state.clone(), config.keys.clone(), config.demo);
    Ok(Server {
        router: http::router(state, config),
        store,
        keyring_fingerprint,
        alerts,
        retention,
        keyring_reload,
    })
}

/// Hides a password in a database URL before it reaches a message.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://…@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}
