//! `escalation.toml`: who may receive escalation packages, and which consent purpose covers
//! each of them (design, flow 8; invariant 8).
//!
//! A recipient is a person in `keys/rapporteurs/`. Each is mapped to exactly one consent
//! purpose: `named_mechanism` for a special rapporteur or a treaty body's reprisals focal
//! point, `ohchr_reprisals_team` for OHCHR's reprisals team. A `named_mechanism` recipient
//! also lists the UN mechanisms it covers (answers to the reporter's mechanism question):
//! "the mechanism the reporter engaged with" is that answer. The CLI refuses an escalation the
//! reporter's current consent does not cover, and the server independently refuses it too.
//! No file: nobody can receive packages.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::PolicyError;
use crate::domain::{Purpose, list};
use crate::keyring::{Keyring, Role};
use crate::policy::questions;

/// The validated escalation policy.
#[derive(Clone, Debug, Default)]
pub struct EscalationPolicy {
    /// Every recipient, in file order.
    pub recipients: Vec<EscalationRecipient>,
    /// Who submits the communications (`[submitter]`): mandates do not consider anonymous
    /// ones, so without it no package can be built.
    pub submitter: Option<PolicySubmitter>,
}

/// The organisation that submits communications, and its contact for the mandates.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySubmitter {
    /// The organisation's name.
    pub organisation: String,
    /// How a mandate reaches it (e-mail, address).
    pub contact: String,
}

/// One person who may receive packages.
#[derive(Clone, Debug)]
pub struct EscalationRecipient {
    /// Name of their file in `keys/rapporteurs/` (without `.pub`).
    pub name: String,
    /// The consent purpose that must be given: one that
    /// [covers packages](Purpose::covers_packages).
    pub purpose: Purpose,
    /// For `named_mechanism`: the mechanism answers (`questions::MECHANISMS`) this recipient
    /// covers; a package goes only where the reporter's own answer is one of them.
    pub mechanisms: Vec<String>,
    /// Shown to caseworkers: who this is.
    pub description: String,
    /// Alert targets (from `alerts.toml`) told "escalation for you" (never content).
    pub alerts: Vec<String>,
}

/// A recipient as written in the file, before its purpose is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipient {
    name: String,
    purpose: String,
    #[serde(default)]
    mechanisms: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    alerts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    #[serde(default)]
    recipient: Vec<RawRecipient>,
    submitter: Option<PolicySubmitter>,
}

/// Path of the file in a policy directory.
pub fn escalation_path(dir: &Path) -> PathBuf {
    dir.join("escalation.toml")
}

impl EscalationPolicy {
    /// Loads `dir/escalation.toml` (absent: no recipients) and checks every name.
    pub fn load(
        dir: &Path,
        keyring: &Keyring,
        targets: &[String],
    ) -> Result<EscalationPolicy, PolicyError> {
        let path = escalation_path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path, keyring, targets),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(EscalationPolicy::default()),
            Err(source) => Err(PolicyError::Read { path, source }),
        }
    }

    /// Parses and checks the file's text.
    pub fn parse(
        text: &str,
        path: &Path,
        keyring: &Keyring,
        targets: &[String],
    ) -> Result<EscalationPolicy, PolicyError> {
        let raw: RawEscalation = toml::from_str(text).map_err(|e| PolicyError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for r in &raw.recipient {
            if !seen.insert(r.name.as_str()) {
                problems.push(format!("recipient `{}` is listed twice", r.name));
            }
            if keyring.person(Role::Rapporteur, &r.name).is_none() {
                problems.push(format!(
                    "recipient `{}`: no file keys/rapporteurs/{}.pub; add their key or remove them",
                    r.name, r.name
                ));
            }
            let purpose = r.purpose.parse::<Purpose>().ok();
            if !purpose.is_some_and(Purpose::covers_packages) {
                problems.push(format!(
                    "recipient `{}`, field `purpose`: `{}` is not a consent purpose that covers a package; use one of: {}",
                    r.name,
                    r.purpose,
                    list(Purpose::ESCALATION)
                ));
            }
            match purpose {
                Some(Purpose::NamedMechanism) if r.mechanisms.is_empty() => problems.push(format!(
                    "recipient `{}`: purpose `named_mechanism` needs `mechanisms`, the UN mechanisms it covers; use some of: {}",
                    r.name,
                    questions::MECHANISMS.join(", ")
                )),
                Some(Purpose::OhchrReprisalsTeam) if !r.mechanisms.is_empty() => problems.push(format!(
                    "recipient `{}`: `mechanisms` is only for purpose `named_mechanism` (OHCHR's reprisals team covers every mechanism); remove it",
                    r.name
                )),
                _ => {}
            }
            for m in &r.mechanisms {
                if !questions::is_mechanism(m) {
                    problems.push(format!(
                        "recipient `{}`, field `mechanisms`: `{m}` is not a mechanism; use some of: {}",
                        r.name,
                        questions::MECHANISMS.join(", ")
                    ));
                }
            }
            for alert in &r.alerts {
                if !targets.contains(alert) {
                    problems.push(format!(
                        "recipient `{}`, field `alerts`: `{alert}` is not a [[target]] in alerts.toml",
                        r.name
                    ));
                }
            }
        }
        if let Some(submitter) = &raw.submitter
            && (submitter.organisation.trim().is_empty() || submitter.contact.trim().is_empty())
        {
            problems.push(
                "[submitter]: `organisation` and `contact` must both be given; mandates do not consider anonymous communications"
                    .to_owned(),
            );
        }
        if problems.is_empty() {
            Ok(EscalationPolicy {
                submitter: raw.submitter,
                recipients: raw
                    .recipient
                    .into_iter()
                    .filter_map(|r| {
                        Some(EscalationRecipient {
                            purpose: r.purpose.parse().ok()?,
                            name: r.name,
                            mechanisms: r.mechanisms,
                            description: r.description,
                            alerts: r.alerts,
                        })
                    })
                    .collect(),
            })
        } else {
            Err(PolicyError::Syntax {
                path: path.to_path_buf(),
                message: format!(
                    "{} problem(s); fix them all, then restart:\n  - {}",
                    problems.len(),
                    problems.join("\n  - ")
                ),
            })
        }
    }

    /// A recipient by name.
    pub fn recipient(&self, name: &str) -> Option<&EscalationRecipient> {
        self.recipients.iter().find(|r| r.name == name)
    }

    /// Every recipient's name, comma-separated, for messages.
    pub fn names(&self) -> String {
        if self.recipients.is_empty() {
            return "none (the operator has not written escalation.toml)".to_owned();
        }
        self.recipients
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<EscalationPolicy, PolicyError> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let keyring = Keyring::load(&repo.join("keys/DEMO")).unwrap();
        EscalationPolicy::parse(text, Path::new("escalation.toml"), &keyring, &[])
    }

    #[test]
    fn a_named_mechanism_recipient_lists_the_mechanisms_it_covers() {
        let policy = parse(
            "[[recipient]]\nname = \"sr-defenders\"\npurpose = \"named_mechanism\"\nmechanisms = [\"special_procedures\"]\n",
        )
        .unwrap();
        assert_eq!(policy.recipients[0].mechanisms, ["special_procedures"]);
        for (text, says) in [
            (
                "[[recipient]]\nname = \"sr-defenders\"\npurpose = \"named_mechanism\"\n",
                "needs `mechanisms`",
            ),
            (
                "[[recipient]]\nname = \"sr-defenders\"\npurpose = \"named_mechanism\"\nmechanisms = [\"galaxy\"]\n",
                "`galaxy` is not a mechanism",
            ),
            (
                "[[recipient]]\nname = \"cat-reprisals\"\npurpose = \"ohchr_reprisals_team\"\nmechanisms = [\"upr\"]\n",
                "only for purpose `named_mechanism`",
            ),
        ] {
            let message = parse(text).unwrap_err().to_string();
            assert!(message.contains(says), "{message}");
        }
    }

    #[test]
    fn the_demo_policy_maps_each_rapporteur_to_its_mechanism() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(repo.join("policy/DEMO/escalation.toml")).unwrap();
        let keyring = Keyring::load(&repo.join("keys/DEMO")).unwrap();
        let policy = EscalationPolicy::parse(
            &text,
            Path::new("escalation.toml"),
            &keyring,
            &["rapporteurs-desk".to_owned()],
        )
        .unwrap();
        let covers = |name: &str| policy.recipient(name).unwrap().mechanisms.clone();
        assert_eq!(covers("sr-defenders"), ["special_procedures"]);
        assert_eq!(covers("cat-reprisals"), ["treaty_body"]);
    }
}
