//! `safehold inbox …`: the rapporteur's tool. Packages are age files encrypted to your keys
//! on the caseworker's machine; `pull` saves the file as it is (so `age -d -i IDENTITY FILE`
//! opens it) or, with `--show`, decrypts it in memory here.

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Subcommand;

use super::staff_client::{StaffArgs, StaffClient};
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
        /// Where to save the age file [default: <ID>.age in this directory].
        #[arg(long, short, conflicts_with = "show")]
        output: Option<PathBuf>,
        /// Decrypt in memory with your identity and print it; nothing is written.
        #[arg(long)]
        show: bool,
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
                println!("Logged in for {} hours.", seconds / 3600);
                Ok(())
            }
            InboxCommand::Logout { staff } => super::case::logout(&StaffClient::new(&staff)?).await,
            InboxCommand::List { staff } => list(&StaffClient::new(&staff)?).await,
            InboxCommand::Pull {
                staff,
                id,
                output,
                show,
            } => {
                let identity = staff.identity.clone();
                pull(&StaffClient::new(&staff)?, &id, output, show, identity).await
            }
            InboxCommand::Ack { staff, id } => ack(&StaffClient::new(&staff)?, &id).await,
        }
    })
}

async fn list(client: &StaffClient) -> anyhow::Result<()> {
    let packages: Vec<EscalationView> = client.get("/api/v1/inbox").await?;
    if client.json {
        println!("{}", serde_json::to_string_pretty(&packages)?);
        return Ok(());
    }
    if packages.is_empty() {
        println!("No packages.");
    }
    for p in packages {
        println!(
            "{}  case {}  {}  {}",
            p.id, p.case_id, p.delivered_day, p.status
        );
    }
    Ok(())
}

async fn pull(
    client: &StaffClient,
    id: &str,
    output: Option<PathBuf>,
    show: bool,
    identity: Option<PathBuf>,
) -> anyhow::Result<()> {
    let detail: PackageDetail = client.get(&format!("/api/v1/inbox/{id}")).await?;
    let ciphertext = STANDARD
        .decode(&detail.ciphertext)
        .context("the server sent malformed ciphertext")?;
    if show {
        let plaintext = client.identities()?.open(&ciphertext).ok_or_else(|| {
            anyhow!("your identity cannot open package {id}: it was not encrypted to your keys")
        })?;
        let package = Escalation::from_plaintext(&plaintext)
            .context("the decrypted package is not a safehold.escalation.v1 document")?;
        drop(plaintext);
        if client.json {
            println!("{}", serde_json::to_string_pretty(&package)?);
        } else {
            print_package(&package);
        }
        return Ok(());
    }
    let path = output.unwrap_or_else(|| PathBuf::from(format!("{id}.age")));
    super::staff_client::write_private(&path, &ciphertext)?;
    if client.json {
        println!(
            "{}",
            serde_json::json!({ "id": id, "case_id": detail.view.case_id, "file": path })
        );
    } else {
        println!(
            "Saved package {id} (case {}) to {}. Open it with:\n  age -d -i {} {}",
            detail.view.case_id,
            path.display(),
            identity.map_or("YOUR-IDENTITY".to_owned(), |p| p.display().to_string()),
            path.display()
        );
    }
    Ok(())
}

fn print_package(p: &Escalation) {
    println!("Escalation of case {} (language {})", p.case_id, p.language);
    if !p.redacted.is_empty() {
        println!("Redacted by the caseworker: {}", p.redacted.join(", "));
    }
    let f = &p.fields;
    for (label, text) in f.labelled() {
        println!("\n{label}:\n{}", if text.is_empty() { "-" } else { text });
    }
    for m in &p.thread {
        println!("\n--- #{} from {} on {}\n{}", m.seq, m.from, m.day, m.text);
    }
    println!("\nCodes:");
    for (field, codes) in &p.codes {
        println!("  {field:<24} {}", codes.join(", "));
    }
    let c = &p.consent;
    println!(
        "Consent: OHCHR reprisals team {}, named mechanism {}, SG report named {}, SG report anonymous {}, statistics {}",
        c.ohchr_reprisals_team,
        c.named_mechanism,
        c.sg_report_named,
        c.sg_report_anonymous,
        c.statistics
    );
    println!("Attachments: {}", p.attachments.len());
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
        println!("{}", serde_json::to_string(&view)?);
    } else {
        println!(
            "Package {} acknowledged on {}.",
            view.id,
            view.acknowledged_day.as_deref().unwrap_or("today")
        );
    }
    Ok(())
}
