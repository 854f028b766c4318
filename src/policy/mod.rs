//! The operator's policy files under `policy/`, loaded and validated once at start-up.
//!
//! Policy decides who can read what (routing), so a mistake must stop the server with a
//! message that names the file, line, route and field, rather than misroute a report.
//! Policy files hold codes and names only; this module never handles report plaintext.
//!
//! Files (see `policy/README.md`): `routing.toml`, `alerts.toml`, `escalation.toml`,
//! `retention.toml`, `organisation.toml` and `taxonomy.toml` (the shipped one unless the
//! directory has its own); `statistics.toml` is loaded on its own (`statistics`) by the
//! statistics commands and pages.

pub mod alerts;
pub mod escalation;
pub mod organisation;
pub mod problem;
mod published_keyring;
pub mod questions;
pub mod retention;
pub mod routing;
pub mod statistics;
pub mod taxonomy;

use std::io;
use std::path::{Path, PathBuf};

use crate::keyring::Keyring;

pub use alerts::{AlertPolicy, AlertTarget};
pub use escalation::{EscalationPolicy, EscalationRecipient};
pub use organisation::Organisation;
pub use problem::Problem;
pub use retention::Retention;
pub use routing::{Answers, Route, RouteSelector, Routing, RoutingReason};
pub use taxonomy::{CodingError, Taxonomy, ValidCode};

/// Every policy the server runs with, validated against the keyring.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Policy {
    /// `routing.toml`: which caseworkers receive which reports.
    pub routing: Routing,
    /// `alerts.toml`: how alert targets are reached (none when the file is absent).
    pub alerts: AlertPolicy,
    /// `escalation.toml`: who may receive packages under which consent (none when absent).
    pub escalation: EscalationPolicy,
    /// `retention.toml`: when closed cases are deleted (never when absent).
    pub retention: Option<Retention>,
    /// `taxonomy.toml`: the incident codes (the shipped file unless the directory has one).
    pub taxonomy: Taxonomy,
    /// `organisation.toml`: who runs the service and where a reporter turns (the shipped
    /// DEMO values if the directory has none, which only a demo run accepts).
    pub organisation: Organisation,
}

impl Policy {
    /// Loads every policy file from `dir` (normally `policy/`, or `policy/DEMO` with `--demo`)
    /// and checks every name it uses against `keyring`. Alert secrets named by `alerts.toml`
    /// are read from the process environment.
    pub fn load(dir: &Path, keyring: &Keyring) -> Result<Policy, PolicyError> {
        Self::load_with_env(dir, keyring, &|name| std::env::var(name).ok())
    }

    /// [`Policy::load`] with an injectable environment lookup.
    pub fn load_with_env(
        dir: &Path,
        keyring: &Keyring,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Policy, PolicyError> {
        // No alerts.toml: no targets, and any route naming one fails below.
        let alerts_path = alerts::alerts_path(dir);
        let alerts = match std::fs::read_to_string(&alerts_path) {
            Ok(text) => AlertPolicy::parse(&text, &alerts_path, dir, env)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => AlertPolicy::default(),
            Err(source) => {
                return Err(PolicyError::Read {
                    path: alerts_path,
                    source,
                });
            }
        };
        let path = routing::routing_path(dir);
        let text = std::fs::read_to_string(&path).map_err(|source| PolicyError::Read {
            path: path.clone(),
            source,
        })?;
        let routing = Routing::parse_with_targets(&text, &path, keyring, Some(&alerts.names()))?;
        let escalation = EscalationPolicy::load(dir, keyring, &alerts.names())?;
        let retention = Retention::load(dir)?;
        let taxonomy = Taxonomy::load(dir)?;
        let organisation = Organisation::load(dir)?;
        Ok(Policy {
            routing,
            alerts,
            escalation,
            retention,
            taxonomy,
            organisation,
        })
    }
}

/// Why a policy file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read (most often: not written yet).
    #[error("cannot read {}: {source} (write it; policy/README.md has an example, and --demo uses policy/DEMO)", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Not valid TOML, a wrong type, a missing field or an unknown key; the message has the
    /// line and column.
    #[error("{}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// toml's message, with line, column and the offending text.
        message: String,
    },
    /// Valid TOML that breaks the rules (or, in `alerts.toml`, names a secret that is
    /// missing); every problem is listed, each with the file and, where known, the line.
    #[error("{} has {} problem(s); fix them all, then restart:\n{}", path.display(), problems.len(), problem::bulleted(problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

impl PolicyError {
    /// Refuses `path` for `problems`, each located in that file.
    pub(crate) fn invalid(path: &Path, problems: Vec<Problem>) -> PolicyError {
        PolicyError::Invalid {
            path: path.to_path_buf(),
            problems: problems.into_iter().map(|p| p.in_file(path)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::Keyring;

    fn repo_path(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }

    #[test]
    fn loads_the_demo_policy_with_the_demo_keys() {
        let keyring = match Keyring::load(&repo_path("keys/DEMO")) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        let policy = match Policy::load(&repo_path("policy/DEMO"), &keyring) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let routing = &policy.routing;
        let names: Vec<&str> = routing.routes().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "urgent-protection",
                "treaty-bodies",
                "special-procedures",
                "general"
            ]
        );
        assert_eq!(routing.default_route().name, "general");
        let answers = Answers {
            mechanism: Some("special_procedures"),
            ..Answers::default()
        };
        assert_eq!(routing.select(&answers).name, "special-procedures");
        // bruno has two devices: both are recipients.
        let general = routing.default_route();
        assert_eq!(routing.recipients(general, &keyring).len(), 4);
    }

    #[test]
    fn missing_file_says_what_to_do() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let keyring = match Keyring::from_people(vec![]) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        let err = Policy::load(dir.path(), &keyring);
        assert!(err.is_err_and(|e| {
            let m = e.to_string();
            m.contains("routing.toml") && m.contains("policy/README.md has an example")
        }));
    }

    #[test]
    fn problems_are_listed_with_file_and_line() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let path = dir.path().join("routing.toml");
        if let Err(e) = std::fs::write(&path, "default_route = \"x\"\n[[route]]\nname = \"x\"\n") {
            panic!("{e}");
        }
        let keyring = match Keyring::from_people(vec![]) {
            Ok(k) => k,
            Err(e) => panic!("{e}"),
        };
        let message = match Policy::load(dir.path(), &keyring) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            message,
            format!(
                "{0} has 1 problem(s); fix them all, then restart:\n  - {0}:3: route `x`, field `caseworkers`: no caseworkers: list at least one name from keys/caseworkers/, or reports on this route could never be read",
                path.display()
            )
        );
    }
}
