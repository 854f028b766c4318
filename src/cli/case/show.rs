//! `safehold case show` and `reply`: a case decrypted in memory on this machine, printed with
//! reporter-controlled text made inert, and a reply encrypted here.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::super::pinned_keyring::route_recipients;
use super::super::staff_client::StaffClient;
use crate::crypto::seal;
use crate::envelope::{FOLLOWUP_FORMAT, Message, REPLY_FORMAT, Report, ThreadEntry};
use crate::wire::{CaseDetail, MessageAdded, ReplyRequest};

/// Fetches a case and decrypts its report and thread in memory with your identity.
pub(super) async fn open_case(
    client: &StaffClient,
    id: &str,
) -> anyhow::Result<(CaseDetail, Report, Vec<ThreadEntry>)> {
    let case: CaseDetail = client.get(&format!("/api/v1/cases/{id}")).await?;
    let ciphertext = STANDARD
        .decode(&case.ciphertext)
        .context("the server sent malformed ciphertext")?;
    let identities = client.identities()?;
    let plaintext = identities.open(&ciphertext).ok_or_else(|| {
        anyhow!("your identity cannot open case {id}: it was not encrypted to any of your keys")
    })?;
    let report = Report::from_plaintext(&plaintext)
        .context("the decrypted report is not a safehold.report.v1 envelope")?;
    drop(plaintext);
    let mut thread = Vec::new();
    for m in &case.messages {
        let bytes = STANDARD
            .decode(&m.ciphertext)
            .context("the server sent malformed ciphertext")?;
        let format = if m.author.is_reporter() {
            FOLLOWUP_FORMAT
        } else {
            REPLY_FORMAT
        };
        let text = identities
            .open(&bytes)
            .and_then(|p| Message::from_plaintext(&p, format).ok())
            .map(|msg| msg.text.clone())
            .unwrap_or_else(|| "(cannot be opened with your identity)".to_owned());
        thread.push(ThreadEntry {
            seq: m.seq,
            from: m.author.to_string(),
            day: m.day.clone(),
            text,
        });
    }
    Ok((case, report, thread))
}

pub(super) async fn show(
    client: &StaffClient,
    id: &str,
    save_attachments: Option<PathBuf>,
) -> anyhow::Result<()> {
    let (case, report, thread) = open_case(client, id).await?;
    if client.json {
        let mut value = serde_json::to_value(&report)?;
        value["case"] = serde_json::json!({ "id": case.id, "route": case.route, "status": case.status, "received_day": case.received_day });
        value["thread"] = serde_json::to_value(&thread)?;
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_report(&case, &report)?;
        for m in &thread {
            println!("\n--- #{} from {} on {}\n{}", m.seq, m.from, m.day, m.text);
        }
    }
    if let Some(dir) = save_attachments {
        eprintln!(
            "Warning: writing {} attachment(s) in PLAINTEXT to {}. Delete them when you are done.",
            report.attachments.len(),
            dir.display()
        );
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        for (i, attachment) in report.attachments.iter().enumerate() {
            let safe: String = attachment
                .name
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || ".-_ ".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let path = dir.join(format!("{:02}-{}", i + 1, safe.trim_start_matches('.')));
            super::super::staff_client::write_private(&path, &attachment.data)?;
            eprintln!("  {}", path.display());
        }
    }
    Ok(())
}

pub(super) async fn reply(
    client: &StaffClient,
    id: &str,
    message: String,
    language: &str,
) -> anyhow::Result<()> {
    let text = if message == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
    } else {
        message
    };
    if text.trim().is_empty() {
        anyhow::bail!("the reply is empty; pass it with --message or on standard input");
    }
    let case: CaseDetail = client.get(&format!("/api/v1/cases/{id}")).await?;
    let mut recipients: Vec<age::x25519::Recipient> = vec![
        case.reporter_recipient
            .parse()
            .map_err(|e| anyhow!("the case's reporter recipient is invalid: {e}"))?,
    ];
    // The route's caseworkers: only keys in the keyring pinned on this machine.
    let keyring = client.trusted_keyring().await?;
    recipients.extend(route_recipients(
        &keyring,
        &case.route,
        &case.route_recipients,
    )?);
    let plaintext = Message::reply(language, text).to_padded_plaintext()?;
    let ciphertext = seal::encrypt(&plaintext, &recipients)?;
    drop(plaintext);
    let token = client.token()?;
    let added: MessageAdded = client
        .post_json(
            &format!("/api/v1/cases/{id}/replies"),
            &ReplyRequest {
                ciphertext: STANDARD.encode(&ciphertext),
            },
            Some(&token),
        )
        .await?;
    if client.json {
        println!("{}", serde_json::json!({ "case": id, "seq": added.seq }));
    } else {
        println!(
            "Reply {} sent on case {id}, encrypted to the reporter and {} caseworker key(s).",
            added.seq,
            recipients.len() - 1
        );
    }
    Ok(())
}

pub(super) fn print_report(case: &CaseDetail, report: &Report) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Case {}  ({}, received {}, {})",
        case.id, case.route, case.received_day, case.status
    )?;
    writeln!(
        out,
        "Language: {}   Sent from: {:?}",
        report.language, report.channel
    )?;
    let r = &report.routing;
    writeln!(
        out,
        "Mechanism: {}   Region: {}   Immediate danger: {}",
        r.mechanism.as_deref().unwrap_or("-"),
        r.region.as_deref().unwrap_or("-"),
        r.immediate_danger
            .map_or("-", |d| if d { "YES" } else { "no" })
    )?;
    let f = &report.fields;
    for (label, text) in f.labelled() {
        writeln!(
            out,
            "\n{label}:\n{}",
            if text.is_empty() { "-" } else { text }
        )?;
    }
    let c = &report.consent;
    writeln!(
        out,
        "\nConsent: OHCHR reprisals team {}, named mechanism {}, SG report named {}, SG report anonymous {}, statistics {}",
        yes(c.ohchr_reprisals_team),
        yes(c.named_mechanism),
        yes(c.sg_report_named),
        yes(c.sg_report_anonymous),
        yes(c.statistics)
    )?;
    writeln!(out, "Attachments: {}", report.attachments.len())?;
    for a in &report.attachments {
        writeln!(
            out,
            "  {} ({}, {} bytes, sha256 {}{})",
            a.name,
            a.media_type,
            a.size,
            &a.sha256[..16],
            if a.metadata_stripped {
                ", metadata removed"
            } else {
                ""
            }
        )?;
    }
    Ok(())
}

pub(super) fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
