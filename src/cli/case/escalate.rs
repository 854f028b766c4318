//! `safehold case escalate` and `escalations`: a package built and encrypted here to one
//! rapporteur (and OHCHR's reprisals team when allowed), and how far each got.

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::super::pinned_keyring::escalation_recipients;
use super::super::staff_client::StaffClient;
use super::super::terminal_text::{ask, one_line, say, say_err};
use super::communication;
use super::show::open_case;
use crate::crypto::seal;
use crate::domain::Purpose;
use crate::envelope::{COMMUNICATION_LANGUAGES, Escalation, REDACTABLE, Submitter};
use crate::wire::{
    CodingView, ConsentView, EscalateRequest, EscalationRecipientView, EscalationView,
    SubmitterView,
};

pub(super) async fn escalate(
    client: &StaffClient,
    id: &str,
    to: &str,
    redact: &[String],
    copy_ohchr: bool,
    yes: bool,
    language: &str,
) -> anyhow::Result<()> {
    if !COMMUNICATION_LANGUAGES.contains(&language) {
        anyhow::bail!(
            "--language {language}: the communication can be written in {}",
            COMMUNICATION_LANGUAGES.join(", ")
        );
    }
    for r in redact {
        if !REDACTABLE.contains(&r.as_str()) {
            anyhow::bail!("cannot redact `{r}`; redactable: {}", REDACTABLE.join(", "));
        }
    }
    let allowed: Vec<EscalationRecipientView> = client.get("/api/v1/escalation/recipients").await?;
    let recipient = allowed.iter().find(|r| r.name == to).ok_or_else(|| {
        anyhow!(
            "{to} cannot receive packages; the server's escalation.toml lists: {}",
            if allowed.is_empty() {
                "nobody".to_owned()
            } else {
                allowed
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )
    })?;
    let (case, report, thread) = open_case(client, id).await?;
    if !recipient.purpose.covers_packages() {
        anyhow::bail!(
            "the server maps {to} to `{}`, which cannot cover a package; ask the operator to fix escalation.toml",
            recipient.purpose
        );
    }
    // The reporter's record as the server holds it now: they may have changed it since the
    // report. The package carries this record; the server checks it again when storing.
    let current: ConsentView = client.get(&format!("/api/v1/cases/{id}/consent")).await?;
    if !current.consent.allows(recipient.purpose) {
        anyhow::bail!(
            "the reporter's current consent does not allow `{}`, which {to} requires; nothing was sent. Only the reporter can give it, from their receipt page; you may ask them (safehold case reply)",
            recipient.purpose.name()
        );
    }
    if recipient.purpose == Purpose::NamedMechanism {
        match &current.mechanism {
            Some(m) if recipient.mechanisms.contains(m) => {}
            Some(m) => anyhow::bail!(
                "the reporter consented to share with the UN mechanism they engaged with, `{m}`; {to} covers {}, not `{m}`; nothing was sent",
                recipient.mechanisms.join(", ")
            ),
            None => anyhow::bail!(
                "the reporter did not say which UN mechanism they engaged with, so nothing can go to {to} under `mechanism`; nothing was sent"
            ),
        }
    }
    // OHCHR's reprisals team is copied on every escalation (docs/taxonomy.md), if the reporter
    // allowed it; each copy is a separate file encrypted to that team's keys only.
    let mut targets = vec![recipient];
    let mut skipped_ohchr = None;
    if copy_ohchr {
        for other in allowed
            .iter()
            .filter(|r| r.purpose == Purpose::OhchrReprisalsTeam && r.name != to)
        {
            if current.consent.ohchr_reprisals_team {
                targets.push(other);
            } else {
                skipped_ohchr = Some(other.name.clone());
            }
        }
    }
    let coding: CodingView = client
        .get(&format!("/api/v1/cases/{id}/codes"))
        .await
        .context("code the case before escalating it (safehold case code)")?;
    let codes = coding
        .codes
        .into_iter()
        .filter(|(field, _)| !coding.restricted.contains(field))
        .collect();
    // Only messages whose thread MAC verifies travel; a server-added one never does.
    let thread = thread
        .into_iter()
        .filter(|item| item.verified)
        .map(|item| item.entry)
        .collect();
    // Mandates do not consider anonymous communications: the operator names who submits.
    let submitter: SubmitterView = client.get("/api/v1/escalation/submitter").await?;
    let mut package = Escalation::from_report(&case.id, &report, thread, codes, redact)?;
    package.consent = current.consent;
    package.communication_language = Some(language.to_owned());
    package.submitter = Some(Submitter {
        organisation: submitter.organisation,
        contact: submitter.contact,
    });
    drop(report);
    let description = if recipient.description.is_empty() {
        recipient.name.clone()
    } else {
        recipient.description.clone()
    };
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    if !yes && !confirmed(&package, &names) {
        anyhow::bail!("nothing was sent. To send without being asked (in a script), add --yes");
    }
    let communication = zeroize::Zeroizing::new(communication::render(&package, &description));
    let plaintext = package.to_padded_plaintext_with(&communication)?;
    drop(communication);
    drop(package);
    // Each recipient's keys, only if they lie inside the keyring pinned on this machine; all
    // are checked before any package is sent.
    let keyring = client.trusted_keyring().await?;
    let keyed = targets
        .into_iter()
        .map(|t| escalation_recipients(&keyring, t.purpose, &t.name, &t.recipients).map(|k| (t, k)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let token = client.token()?;
    let mut sent = Vec::new();
    for (target, keys) in keyed {
        let ciphertext = seal::encrypt(&plaintext, &keys)?;
        let view: EscalationView = client
            .post_json(
                &format!("/api/v1/cases/{id}/escalations"),
                &EscalateRequest {
                    to: target.name.clone(),
                    ciphertext: STANDARD.encode(&ciphertext),
                },
                Some(&token),
            )
            .await?;
        if !client.json {
            say!(
                "Package {} for {} on case {id}: {}, encrypted to {} key(s){}.",
                view.id,
                view.to,
                view.status,
                keys.len(),
                if redact.is_empty() {
                    String::new()
                } else {
                    format!(", redacted: {}", redact.join(", "))
                }
            );
        }
        sent.push(view);
    }
    drop(plaintext);
    if let Some(name) = skipped_ohchr {
        say_err!(
            "Note: {name} (OHCHR's reprisals team) was not copied: the reporter did not consent to it."
        );
    }
    if client.json {
        let first = sent.first().map(serde_json::to_value).transpose()?;
        let mut value = first.unwrap_or_default();
        value["copies"] = serde_json::to_value(sent.get(1..).unwrap_or_default())?;
        say!("{}", serde_json::to_string(&value)?);
    }
    Ok(())
}

/// Shows the caseworker what the package holds (names of what travels and what is redacted,
/// never the words) and who gets it, and asks before anything is encrypted.
fn confirmed(package: &Escalation, to: &[&str]) -> bool {
    let redacted = |name: &str| package.redacted.iter().any(|r| r == name);
    let fields: Vec<String> = REDACTABLE
        .iter()
        .filter(|f| !matches!(**f, "attachments" | "thread"))
        .map(|f| {
            if redacted(f) {
                format!("{f} [redacted]")
            } else {
                (*f).to_owned()
            }
        })
        .collect();
    say_err!(
        "About to send case {} to {}, encrypted to their keys only:",
        one_line(&package.case_id),
        to.join(" and ")
    );
    say_err!("  Fields:       {}", fields.join(", "));
    say_err!(
        "  Attachments:  {}",
        if redacted("attachments") {
            "left out [redacted]".to_owned()
        } else {
            let thread: usize = package.thread.iter().map(|m| m.attachments.len()).sum();
            format!(
                "{} with the report, {thread} with messages",
                package.attachments.len()
            )
        }
    );
    say_err!(
        "  Thread:       {} message(s){}",
        package.thread.len(),
        if redacted("thread") {
            ", texts [redacted]"
        } else {
            ""
        }
    );
    say_err!(
        "  Codes:        {}",
        package.codes.keys().cloned().collect::<Vec<_>>().join(", ")
    );
    say_err!("  Consent:      {}", package.consent.by_name());
    say_err!(
        "  Language:     the reporter's words in {}, headings in {}",
        one_line(&package.language),
        package.communication_language.as_deref().unwrap_or("en")
    );
    ask!("Send it? [y/N] ");
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

pub(super) async fn escalations(client: &StaffClient, id: &str) -> anyhow::Result<()> {
    let list: Vec<EscalationView> = client
        .get(&format!("/api/v1/cases/{id}/escalations"))
        .await?;
    if client.json {
        say!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if list.is_empty() {
        say!("No packages for case {id}.");
    }
    for e in list {
        say!(
            "{}  {:<14} {:<12} delivered {}  downloaded {}  acknowledged {}",
            e.id,
            e.to,
            e.status,
            e.delivered_day,
            e.downloaded_day.as_deref().unwrap_or("-"),
            e.acknowledged_day.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}
