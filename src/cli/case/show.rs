//! `safehold case show`: a case decrypted in memory on this machine and printed through
//! [`terminal_text`](super::super::terminal_text), so nothing a reporter wrote can act on the
//! terminal; attachments are saved only on request, under cleaned names, never over a file.
//!
//! A case that does not open is one of two things, told apart: not addressed to you (no
//! stanza for your key), or addressed to you and still not opening (a stanza opened but the
//! header or the contents did not). The second may be a malicious submission, for example one
//! that shows different caseworkers different reports; it is flagged for the whole route with
//! `safehold case status ID unreadable`.

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::super::export;
use super::super::staff_client::{Identities, StaffClient};
use super::super::terminal_text::{one_line, quoted, say, say_err};
use crate::crypto::ThreadKey;
use crate::crypto::seal::SealError;
use crate::domain::{CaseStatus, thread_gaps};
use crate::envelope::{Attachment, FOLLOWUP_FORMAT, Message, REPLY_FORMAT, Report, ThreadEntry};
use crate::wire::{CaseDetail, ConsentView, ReadMark};

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
    let identities = client.identities()?;
    let report = open_report(&identities, id, &case.ciphertext)?;
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
        // A message that does not verify is never opened: its words are not shown.
        let (text, attachments) = if !verified {
            (String::new(), Vec::new())
        } else {
            let note = |text: &str| (text.to_owned(), Vec::new());
            match identities.open_or_explain(&bytes) {
                Ok(plaintext) => match Message::from_plaintext(&plaintext, format) {
                    Ok(mut message) => (
                        std::mem::take(&mut message.text),
                        std::mem::take(&mut message.attachments),
                    ),
                    Err(_) => {
                        note("(addressed to you, but not a Safehold message: possibly malicious)")
                    }
                },
                Err(SealError::NotARecipient) => note("(not addressed to your key)"),
                Err(SealError::HeaderRefused | SealError::PayloadRefused) => {
                    note("(addressed to you, but does not open: possibly malicious)")
                }
                Err(e @ SealError::KeyUnavailable(_)) => return Err(e.into()),
                Err(_) => note("(damaged: not an age file)"),
            }
        };
        thread.push(ThreadItem {
            entry: ThreadEntry {
                seq: m.seq,
                from: m.author.to_string(),
                day: m.day.clone(),
                text,
                attachments,
            },
            verified,
        });
    }
    Ok((case, report, thread))
}

/// Why a case's report did not open for this user.
pub(super) enum Unopened {
    /// No recipient stanza is for the user's keys.
    NotAddressed,
    /// Addressed to the user, and still not opening: why.
    Unreadable(&'static str),
    /// Not an age file at all, or the server's answer is malformed.
    Damaged(String),
}

/// Decrypts and parses a case's report, or says which failure it is.
pub(super) fn try_open(identities: &Identities, ciphertext: &str) -> Result<Report, Unopened> {
    let ciphertext = STANDARD
        .decode(ciphertext)
        .map_err(|_| Unopened::Damaged("the server sent malformed ciphertext".to_owned()))?;
    let plaintext = identities
        .open_or_explain(&ciphertext)
        .map_err(|e| match e {
            SealError::NotARecipient => Unopened::NotAddressed,
            SealError::HeaderRefused => Unopened::Unreadable(
                "one of its recipient stanzas opens with your key, but its header does not",
            ),
            SealError::PayloadRefused => Unopened::Unreadable(
                "its header opens with your key, but its contents do not decrypt",
            ),
            other => Unopened::Damaged(other.to_string()),
        })?;
    Report::from_plaintext(&plaintext).map_err(|_| {
        Unopened::Unreadable("it decrypts with your key, but is not a safehold.report.v1 document")
    })
}

/// [`try_open`], its failures worded for the user.
pub(super) fn open_report(
    identities: &Identities,
    id: &str,
    ciphertext: &str,
) -> anyhow::Result<Report> {
    try_open(identities, ciphertext).map_err(|e| match e {
        Unopened::NotAddressed => anyhow!(
            "case {id} is not addressed to you: none of its recipients is your key. If you \
             should read this route's cases, ask the operator since when your key is in keys/"
        ),
        Unopened::Unreadable(why) => unreadable(id, why),
        Unopened::Damaged(why) => anyhow!("case {id} cannot be opened: {why}"),
    })
}

/// The error for a case addressed to you that does not open.
fn unreadable(id: &str, why: &str) -> anyhow::Error {
    anyhow!(
        "case {id} is addressed to you but does not open: {why}. This may be a malicious \
         submission (one that shows different caseworkers different things). Do not open it \
         with other tools. Flag it for everyone on its route with: safehold case status {id} {}",
        CaseStatus::Unreadable
    )
}

pub(super) async fn show(
    client: &StaffClient,
    id: &str,
    save_attachments: Option<PathBuf>,
) -> anyhow::Result<()> {
    let (case, report, thread) = open_case(client, id).await?;
    // What the server enforces now: the reporter may have changed it since the report.
    let current: ConsentView = client.get(&format!("/api/v1/cases/{id}/consent")).await?;
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
        let positions: Vec<i64> = thread.iter().map(|item| item.entry.seq).collect();
        value["missing_positions"] = thread_gaps(&positions)
            .into_iter()
            .flat_map(|(_, missing)| missing)
            .collect::<Vec<i64>>()
            .into();
        value["current_consent"] = serde_json::to_value(current.consent)?;
        // The reply channel is for this machine only; scripts never need the thread key.
        if let Some(object) = value.as_object_mut() {
            object.remove("reply_to");
        }
        say!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_report(&case, &report);
        say!(
            "Consent now (the reporter's current record, which the server enforces): {}",
            current.consent.by_name()
        );
        let positions: Vec<i64> = thread.iter().map(|item| item.entry.seq).collect();
        let gaps = thread_gaps(&positions);
        for (index, item) in thread.iter().enumerate() {
            for (_, missing) in gaps.iter().filter(|(at, _)| *at == index) {
                say!(
                    "\n--- #{}-#{} MISSING\nWARNING: these messages are gone from the thread: the server, or \
                     someone with its database, removed them. Tell your administrator.",
                    missing.start(),
                    missing.end()
                );
            }
            let m = &item.entry;
            let text = if item.verified {
                quoted(&m.text)
            } else {
                NOT_VERIFIED.to_owned()
            };
            say!(
                "\n--- #{} from {} on {}\n{}",
                m.seq,
                one_line(&m.from),
                one_line(&m.day),
                text
            );
            if !m.attachments.is_empty() {
                say!("Attachments of #{}: {}", m.seq, m.attachments.len());
                print_attachments(&m.attachments);
            }
        }
    }
    if case.status == CaseStatus::Unreadable {
        say_err!(
            "Warning: someone on this route flagged case {id} as unreadable: its file did not open \
             for their key although it was addressed to it. It may show different people different \
             reports; treat what it says with suspicion."
        );
    }
    // What was shown is read: `case list` stops marking it as new for you.
    if let Some(last) = case.messages.iter().map(|m| m.seq).max() {
        let token = client.token()?;
        let marked: anyhow::Result<ReadMark> = client
            .post_json(
                &format!("/api/v1/cases/{id}/read"),
                &ReadMark { seq: last },
                Some(&token),
            )
            .await;
        if let Err(e) = marked {
            say_err!("Note: the server did not record that you read this thread: {e:#}");
        }
    }
    if let Some(dir) = save_attachments {
        export::save_attachments(&dir, &case_files(&report, &thread))?;
    }
    Ok(())
}

/// Every file of the case, as saved: the report's (`01-…`), then each message's (`msg3-01-…`).
/// Messages that do not verify were never opened, so they have none.
fn case_files<'a>(report: &'a Report, thread: &'a [ThreadItem]) -> Vec<export::Files<'a>> {
    let mut files = vec![export::Files {
        message: None,
        attachments: &report.attachments,
    }];
    files.extend(
        thread
            .iter()
            .filter(|item| item.verified && !item.entry.attachments.is_empty())
            .map(|item| export::Files {
                message: Some(item.entry.seq),
                attachments: &item.entry.attachments,
            }),
    );
    files
}

fn print_report(case: &CaseDetail, report: &Report) {
    say!(
        "Case {}  ({}, received {}, {})",
        one_line(&case.id),
        one_line(&case.route),
        one_line(&case.received_day),
        case.status
    );
    say!(
        "Language: {}   Sent from: {:?}",
        one_line(&report.language),
        report.channel
    );
    let r = &report.routing;
    say!(
        "Mechanism: {}   Region: {}   Immediate danger: {}",
        one_line(r.mechanism.as_deref().unwrap_or("-")),
        one_line(r.region.as_deref().unwrap_or("-")),
        r.immediate_danger
            .map_or("-", |d| if d { "YES" } else { "no" })
    );
    for (label, text) in report.fields.labelled() {
        say!(
            "\n{label}:\n{}",
            quoted(if text.is_empty() { "-" } else { text })
        );
    }
    say!(
        "\nConsent at intake (inside the report): {}",
        report.consent.by_name()
    );
    say!("Attachments: {}", report.attachments.len());
    print_attachments(&report.attachments);
}

/// One line per file: name, type, size, the start of its SHA-256.
fn print_attachments(attachments: &[Attachment]) {
    for a in attachments {
        say!(
            "  {} ({}, {} bytes, sha256 {}{})",
            one_line(&a.name),
            one_line(&a.media_type),
            a.size,
            one_line(a.sha256.get(..16).unwrap_or(&a.sha256)),
            if a.metadata_stripped {
                ", metadata removed"
            } else {
                ""
            }
        );
    }
}
