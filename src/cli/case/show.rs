//! `safehold case show` and `reply`: a case decrypted in memory on this machine, printed with
//! reporter-controlled text made inert, and a reply encrypted here.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::super::pinned_keyring::route_recipients;
use super::super::staff_client::{Refused, StaffClient};
use crate::crypto::{ThreadKey, seal};
use crate::domain::Author;
use crate::envelope::{FOLLOWUP_FORMAT, Message, REPLY_FORMAT, Report, ThreadEntry};
use crate::wire::{CaseDetail, MessageAdded, ReplyRequest};

/// A message of the thread, opened here, and whether its thread MAC verified.
pub(super) struct ThreadItem {
    /// The message; its text is empty when it did not verify (it is never opened).
    pub entry: ThreadEntry,
    /// Written by the reporter or a caseworker of the route (its MAC verifies under the
    /// report's thread key); otherwise the server, or whoever holds its database, added it.
    pub verified: bool,
}

/// What a message that fails verification shows instead of its words.
pub(super) const NOT_VERIFIED: &str = "WARNING: NOT VERIFIED. This message's thread MAC does not match the report's thread key: neither the reporter nor a caseworker of this route wrote it. Someone with access to the server added it. Its content is not shown; do not act on it, and tell your administrator.";

/// The report's reply channel, checked: where replies go and the key their MAC uses.
pub(super) fn reply_channel(
    report: &Report,
) -> anyhow::Result<(age::x25519::Recipient, ThreadKey)> {
    let recipient = report.reply_to.recipient.parse().map_err(|_| {
        anyhow!("the report's reply recipient is not an age X25519 recipient; it was not made by a Safehold encoder, so no reply can reach its sender")
    })?;
    let thread_key = ThreadKey::from_base64(&report.reply_to.thread_key)?;
    Ok((recipient, thread_key))
}

/// Fetches a case and decrypts its report and thread in memory with your identity. Messages
/// are opened only if their thread MAC verifies.
pub(super) async fn open_case(
    client: &StaffClient,
    id: &str,
) -> anyhow::Result<(CaseDetail, Report, Vec<ThreadItem>)> {
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
    // A report without a valid thread key verifies no message at all.
    let thread_key = reply_channel(&report).ok().map(|(_, key)| key);
    let mut thread = Vec::new();
    for m in &case.messages {
        let bytes = STANDARD
            .decode(&m.ciphertext)
            .context("the server sent malformed ciphertext")?;
        let mac = m
            .thread_mac
            .as_deref()
            .and_then(|t| STANDARD.decode(t).ok());
        let verified = thread_key
            .as_ref()
            .is_some_and(|key| key.verifies(&m.author, m.seq, &bytes, mac.as_deref()));
        let format = if m.author.is_reporter() {
            FOLLOWUP_FORMAT
        } else {
            REPLY_FORMAT
        };
        let text = if verified {
            identities
                .open(&bytes)
                .and_then(|p| Message::from_plaintext(&p, format).ok())
                .map(|msg| msg.text.clone())
                .unwrap_or_else(|| "(cannot be opened with your identity)".to_owned())
        } else {
            String::new()
        };
        thread.push(ThreadItem {
            entry: ThreadEntry {
                seq: m.seq,
                from: m.author.to_string(),
                day: m.day.clone(),
                text,
            },
            verified,
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
        value["thread"] = thread
            .iter()
            .map(|item| {
                let mut entry = serde_json::to_value(&item.entry)?;
                entry["verified"] = item.verified.into();
                Ok(entry)
            })
            .collect::<serde_json::Result<Vec<_>>>()?
            .into();
        // The reply channel is for this machine only; scripts never need the thread key.
        if let Some(object) = value.as_object_mut() {
            object.remove("reply_to");
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_report(&case, &report)?;
        for item in &thread {
            let m = &item.entry;
            let text = if item.verified { &m.text } else { NOT_VERIFIED };
            println!("\n--- #{} from {} on {}\n{}", m.seq, m.from, m.day, text);
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
    // The reporter's recipient and thread key travel only inside the report.
    let (case, report, _) = open_case(client, id).await?;
    let (reporter, thread_key) = reply_channel(&report)?;
    drop(report);
    let mut recipients: Vec<age::x25519::Recipient> = vec![reporter];
    // The route's caseworkers: only keys in the keyring pinned on this machine.
    let keyring = client.trusted_keyring().await?;
    recipients.extend(route_recipients(
        &keyring,
        &case.route,
        &case.route_recipients,
    )?);
    let plaintext = Message::reply(language, text).to_padded_plaintext()?;
    // The reporter takes one slot more than a report has; decoys fill the route's gap.
    let slots = keyring.recipient_slots() + 1;
    let ciphertext = seal::encrypt_in_slots(&plaintext, &recipients, slots)?;
    drop(plaintext);
    let token = client.token()?;
    let author = Author::Caseworker(String::new());
    let mut seq = case.messages.last().map_or(1, |m| m.seq + 1);
    // The MAC covers the reply's position: if someone wrote first, sign for the next one (a
    // few times; a server that keeps moving the goalposts gets its error shown).
    let mut attempts = 0;
    let added: MessageAdded = loop {
        attempts += 1;
        let request = ReplyRequest {
            ciphertext: STANDARD.encode(&ciphertext),
            seq,
            thread_mac: STANDARD.encode(thread_key.tag(&author, seq, &ciphertext)),
        };
        match client
            .post_json(
                &format!("/api/v1/cases/{id}/replies"),
                &request,
                Some(&token),
            )
            .await
        {
            Ok(added) => break added,
            Err(e) if attempts < 5 && Refused::is(&e, "thread_changed") => {
                let case: CaseDetail = client.get(&format!("/api/v1/cases/{id}")).await?;
                seq = case.messages.last().map_or(1, |m| m.seq + 1);
            }
            Err(e) => return Err(e),
        }
    };
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
