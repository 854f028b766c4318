//! `safehold inbox …`: the rapporteur's tool. Packages are age files encrypted to your keys
//! on the caseworker's machine; `pull` saves the file as it is (so `age -d -i IDENTITY FILE`
//! opens it) or, with `--show`, decrypts it in memory here and prints it through
//! [`terminal_text`](super::terminal_text): the package carries a reporter's words. Nothing is
//! ever saved over an existing file ([`export`](super::export)).

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Subcommand;

use super::export::{
    Files, safe_file_name, save_attachments as save_attachments_to, save_new_at, saved_names,
};
use super::staff_client::{StaffArgs, StaffClient};
use super::terminal_text::{one_line, quoted, say, say_err, shell_word};
use crate::crypto::seal::SealError;
use crate::domain::{Consent, Purpose};
use crate::envelope::Escalation;
use crate::wire::{EscalationView, PackageDetail};

/// Rapporteur subcommands.
#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Log in with your age identity (as rapporteur/NAME).
    Login {
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// Log out: the server ends your session, and the token on this machine is deleted.
    Logout {
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// List the packages addressed to you.
    List {
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// Download a package: save the age file, or decrypt it in memory with --show.
    Pull {
        #[command(flatten)]
        staff: StaffArgs,
        /// The package id, as `list` shows it.
        id: String,
        /// Where to save the age file [default: <ID>.age in this directory]; an existing
        /// file is never replaced: the new one gets a " (2)" suffix.
        #[arg(long, short, conflicts_with = "show")]
        output: Option<PathBuf>,
        /// Decrypt in memory with your identity and print it; nothing is written.
        #[arg(long)]
        show: bool,
        /// With --show: also write the package's attachments, in plaintext, into this directory.
        #[arg(long, requires = "show")]
        save_attachments: Option<PathBuf>,
    },
    /// Acknowledge a package: the caseworker sees it was received.
    Ack {
        #[command(flatten)]
        staff: StaffArgs,
        /// The package id.
        id: String,
    },
}

pub fn run(command: InboxCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match command {
            InboxCommand::Login { staff } => {
                let seconds = StaffClient::new(&staff)?.login().await?;
                say!("Logged in for {} hours.", seconds / 3600);
                Ok(())
            }
            InboxCommand::Logout { staff } => super::case::logout(&StaffClient::new(&staff)?).await,
            InboxCommand::List { staff } => list(&StaffClient::new(&staff)?).await,
            InboxCommand::Pull {
                staff,
                id,
                output,
                show,
                save_attachments,
            } => {
                let client = StaffClient::new(&staff)?;
                if show {
                    show_package(&client, &id, save_attachments).await
                } else {
                    pull(&client, &id, output, staff.identity).await
                }
            }
            InboxCommand::Ack { staff, id } => ack(&StaffClient::new(&staff)?, &id).await,
        }
    })
}

async fn list(client: &StaffClient) -> anyhow::Result<()> {
    let packages: Vec<EscalationView> = client.get("/api/v1/inbox").await?;
    if client.json {
        say!("{}", serde_json::to_string_pretty(&packages)?);
        return Ok(());
    }
    if packages.is_empty() {
        say!("No packages.");
    }
    for p in packages {
        say!(
            "{}  case {}  {}  {}",
            p.id,
            p.case_id,
            p.delivered_day,
            p.status
        );
    }
    Ok(())
}

async fn pull(
    client: &StaffClient,
    id: &str,
    output: Option<PathBuf>,
    identity: Option<PathBuf>,
) -> anyhow::Result<()> {
    let detail: PackageDetail = client.get(&format!("/api/v1/inbox/{id}")).await?;
    let ciphertext = STANDARD
        .decode(&detail.ciphertext)
        .context("the server sent malformed ciphertext")?;
    let wanted = output
        .unwrap_or_else(|| PathBuf::from(safe_file_name("", &format!("{id}.age"), "package.age")));
    let path = save_new_at(&wanted, &ciphertext)?;
    // Absolute, so the command works from any folder, the one the package is in included.
    let path = std::path::absolute(&path).unwrap_or(path);
    if client.json {
        say!(
            "{}",
            serde_json::json!({ "id": id, "case_id": detail.view.case_id, "file": path })
        );
    } else {
        if path != wanted {
            say_err!("{} already exists and was left as it is.", wanted.display());
        }
        let identity = identity.map_or("YOUR-IDENTITY".to_owned(), |p| {
            shell_word(&std::path::absolute(&p).unwrap_or(p).to_string_lossy()).into_owned()
        });
        say!(
            "Saved package {id} (case {}) to {}. Open it with:\n  age -d -i {identity} {}",
            detail.view.case_id,
            path.display(),
            shell_word(&path.to_string_lossy())
        );
    }
    Ok(())
}

/// Decrypts a package in memory and prints it; attachments are written only on request.
async fn show_package(
    client: &StaffClient,
    id: &str,
    save_attachments: Option<PathBuf>,
) -> anyhow::Result<()> {
    let detail: PackageDetail = client.get(&format!("/api/v1/inbox/{id}")).await?;
    let ciphertext = STANDARD
        .decode(&detail.ciphertext)
        .context("the server sent malformed ciphertext")?;
    let plaintext = client.identities()?.open_or_explain(&ciphertext).map_err(|e| match e {
        SealError::NotARecipient => anyhow!(
            "package {id} is not addressed to you: none of its recipients is your key"
        ),
        SealError::HeaderRefused | SealError::PayloadRefused => anyhow!(
            "package {id} is addressed to you but does not open ({e}); it may have been \
             forged. Do not open it with other tools; ask the caseworker who sent it to send it again"
        ),
        other => anyhow!("package {id} cannot be opened: {other}"),
    })?;
    let (package, communication) = Escalation::open(&plaintext).map_err(|_| {
        anyhow!(
            "package {id} is addressed to you and decrypts, but is not a safehold.escalation.v2 \
             (or v1) package; it may have been forged. Ask the caseworker who sent it to send it again"
        )
    })?;
    drop(plaintext);
    let withdrawn = detail
        .current_consent
        .map(|now| now.withdrawn_from(&package.consent))
        .unwrap_or_default();
    if client.json {
        let mut value = serde_json::to_value(&package)?;
        value["current_consent"] = serde_json::to_value(detail.current_consent)?;
        value["withdrawn_since_sent"] = serde_json::to_value(&withdrawn)?;
        say!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        match &communication {
            // The communication is printed as written into the package, made inert again:
            // a hostile sender may have put anything there.
            Some(text) => say!("{}", text.as_str()),
            None => print_package(&package),
        }
        print_current_consent(&package.consent, detail.current_consent, &withdrawn);
        print_files(id, &package, save_attachments.is_some());
    }
    if let Some(dir) = save_attachments {
        save_attachments_to(&dir, &package_files(&package))?;
    }
    Ok(())
}

/// The package's files as `--save-attachments` saves them: the report's, then each
/// message's.
fn package_files(package: &Escalation) -> Vec<Files<'_>> {
    let mut files = vec![Files {
        message: None,
        attachments: &package.attachments,
    }];
    files.extend(
        package
            .thread
            .iter()
            .filter(|m| !m.attachments.is_empty())
            .map(|m| Files {
                message: Some(m.seq),
                attachments: &m.attachments,
            }),
    );
    files
}

/// The files the package holds, read from its JSON (what `--save-attachments` writes, not
/// what the sender's communication says), with the name each is saved under, and how to
/// save them.
fn print_files(id: &str, package: &Escalation, saving: bool) {
    let files = package_files(package);
    let names = saved_names(&files);
    say!("\nFiles in this package: {}", names.len());
    let all = files.iter().flat_map(|g| {
        let from = g
            .message
            .map_or("report".to_owned(), |seq| format!("message #{seq}"));
        g.attachments.iter().map(move |a| (from.clone(), a))
    });
    for ((from, a), saved) in all.zip(&names) {
        say!(
            "  {}  ({}, {} bytes, with the {from}; saved as {})",
            one_line(&a.name),
            one_line(&a.media_type),
            a.size,
            one_line(saved)
        );
    }
    if !names.is_empty() && !saving {
        say!(
            "Save them (in plaintext) with: safehold inbox pull {} --show --save-attachments DIR",
            shell_word(id)
        );
    }
}

fn print_package(p: &Escalation) {
    say!(
        "Escalation of case {} (language {})",
        one_line(&p.case_id),
        one_line(&p.language)
    );
    if !p.redacted.is_empty() {
        say!(
            "Redacted by the caseworker: {}",
            one_line(&p.redacted.join(", "))
        );
    }
    for (label, text) in p.fields.labelled() {
        say!(
            "\n{label}:\n{}",
            quoted(if text.is_empty() { "-" } else { text })
        );
    }
    for m in &p.thread {
        say!(
            "\n--- #{} from {} on {}\n{}",
            m.seq,
            one_line(&m.from),
            one_line(&m.day),
            quoted(&m.text)
        );
    }
    say!("\nCodes:");
    for (field, codes) in &p.codes {
        say!("  {:<24} {}", one_line(field), one_line(&codes.join(", ")));
    }
}

/// The reporter's record now, beside the one the package carries, and a plain warning when
/// the reporter withdrew consent after it was sent.
fn print_current_consent(sent: &Consent, now: Option<Consent>, withdrawn: &[Purpose]) {
    say!("\nConsent when sent:  {}", sent.by_name());
    let Some(now) = now else {
        say!("Consent now:        unknown (the case was closed and purged)");
        return;
    };
    say!("Consent now:        {}", now.by_name());
    if !withdrawn.is_empty() {
        let names: Vec<&str> = withdrawn.iter().map(|p| p.name()).collect();
        say!(
            "WARNING: the reporter WITHDREW consent after this package was sent: {}. Do not use it for {}; ask the caseworker who sent it what may still be done.",
            names.join(", "),
            if withdrawn.len() == 1 {
                "that purpose"
            } else {
                "those purposes"
            }
        );
    } else if now != *sent {
        say!("The reporter's consent changed after this package was sent (nothing was withdrawn).");
    }
}

async fn ack(client: &StaffClient, id: &str) -> anyhow::Result<()> {
    let token = client.token()?;
    let view: EscalationView = client
        .post_json(
            &format!("/api/v1/inbox/{id}/ack"),
            &serde_json::json!({}),
            Some(&token),
        )
        .await?;
    if client.json {
        say!("{}", serde_json::to_string(&view)?);
    } else {
        say!(
            "Package {} acknowledged on {}.",
            view.id,
            view.acknowledged_day.as_deref().unwrap_or("today")
        );
    }
    Ok(())
}
