//! Reloading `keys/` while the server runs: on SIGHUP, and when the folder's contents change
//! (checked every few seconds). A keyring that loads and fits the running policy replaces the
//! old one for every request from then on; since staff sessions are bound to the key that
//! answered their login challenge, a key removed or rotated ends its sessions at that moment.
//! A keyring that does not load, or would leave a route without any caseworker key, is
//! refused: the old one stays, and the log says why.

use std::path::PathBuf;
use std::time::Duration;

use super::AppState;
use crate::keyring::{Keyring, Role};

/// What a reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reloaded {
    /// The keys on disk are the ones already in use.
    Unchanged,
    /// The new keyring is in use; its fingerprint.
    Replaced(String),
}

/// Reloads the keyring of a running server from its keys directory.
#[derive(Clone)]
pub struct KeyringReload {
    state: AppState,
    dir: PathBuf,
    demo: bool,
}

impl KeyringReload {
    /// Reloads `state`'s keyring from `dir`; `demo` allows the DEMO keys, as at start-up.
    pub fn new(state: AppState, dir: PathBuf, demo: bool) -> KeyringReload {
        KeyringReload { state, dir, demo }
    }

    /// Loads the keys directory again and puts it in place if it differs, is valid and fits
    /// the policy. The error says, for the log, why the old keyring stays.
    pub fn reload(&self) -> Result<Reloaded, String> {
        let keyring = Keyring::load(&self.dir)
            .map_err(|e| format!("keys in {} are not valid: {e}", self.dir.display()))?;
        if keyring.demo_recipients_present() && !self.demo {
            return Err(format!(
                "{} now contains DEMO keys, whose private halves are public",
                self.dir.display()
            ));
        }
        let current = self.state.keyring();
        if keyring.people().eq(current.people()) {
            return Ok(Reloaded::Unchanged);
        }
        let routing = &self.state.policy().routing;
        let orphaned: Vec<&str> = routing
            .routes()
            .iter()
            .filter(|route| routing.recipients(route, &keyring).is_empty())
            .map(|route| route.name.as_str())
            .collect();
        if !orphaned.is_empty() {
            return Err(format!(
                "no caseworker of route(s) {} would have a key left, so their reports could not be read; put a key back, or change routing.toml and restart",
                orphaned.join(", ")
            ));
        }
        for route in routing.routes() {
            for name in &route.caseworkers {
                if keyring.person(Role::Caseworker, name).is_none() {
                    tracing::warn!(
                        route = %route.name,
                        caseworker = %name,
                        "routing.toml names a caseworker who has no key now; reports on this route go to the others until routing.toml is changed and the server restarted"
                    );
                }
            }
        }
        for recipient in &self.state.policy().escalation.recipients {
            if keyring.person(Role::Rapporteur, &recipient.name).is_none() {
                tracing::warn!(
                    rapporteur = %recipient.name,
                    "escalation.toml names a rapporteur who has no key now; packages to them are refused"
                );
            }
        }
        let fingerprint = self
            .state
            .policy()
            .published_keyring(&keyring)
            .fingerprint()
            .to_string();
        self.state.replace_keyring(keyring);
        Ok(Reloaded::Replaced(fingerprint))
    }

    /// Reloads on every SIGHUP and, with `poll`, whenever the keys on disk change. Runs
    /// until aborted.
    pub fn spawn(self, poll: Option<Duration>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move { self.run(poll).await })
    }

    async fn run(self, poll: Option<Duration>) {
        #[cfg(unix)]
        let mut hangup = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        {
            Ok(signal) => Some(signal),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGHUP; keys reload only when they change on disk");
                None
            }
        };
        let mut tick = poll.map(|every| {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick
        });
        // The last failure logged by a periodic check, so a bad file is reported once, not
        // every few seconds.
        let mut last_failure: Option<String> = None;
        loop {
            let hangup_signal = async {
                #[cfg(unix)]
                if let Some(signal) = hangup.as_mut() {
                    signal.recv().await;
                    return;
                }
                std::future::pending::<()>().await;
            };
            let poll_tick = async {
                match tick.as_mut() {
                    Some(tick) => {
                        tick.tick().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let asked = tokio::select! {
                () = hangup_signal => true,
                () = poll_tick => false,
            };
            match self.reload() {
                Ok(Reloaded::Replaced(fingerprint)) => {
                    last_failure = None;
                    tracing::info!(keyring = %fingerprint, "keyring reloaded: sessions of keys no longer in it have ended");
                }
                Ok(Reloaded::Unchanged) => {
                    last_failure = None;
                    if asked {
                        tracing::info!("keyring reloaded: no change");
                    }
                }
                Err(why) => {
                    if asked || last_failure.as_deref() != Some(why.as_str()) {
                        tracing::error!(
                            "keyring NOT reloaded, the previous one stays in use: {why}"
                        );
                    }
                    last_failure = Some(why);
                }
            }
        }
    }
}
