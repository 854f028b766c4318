//! `safehold case …`: the caseworker's tool. Reports are decrypted here, in memory; nothing
//! in plaintext is written unless you ask for attachments with `--save-attachments`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Subcommand;

use super::staff_client::{StaffArgs, StaffClient};
use crate::envelope::{FOLLOWUP_FORMAT, Message, REPLY_FORMAT, Report};
use crate::http::staff::{CaseDetail, CaseView, MessageAdded, ReplyRequest, StatusRequest};

/// Casework subcommands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Log in with your age identity.
    Login {
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// List the cases on your routes.
    List {
        #[command(flatten)]
        staff: StaffArgs,
        /// Only cases with this status (received, under_assessment, credible, …).
        #[arg(long)]
        status: Option<String>,
        /// Only cases on this route.
        #[arg(long)]
        route: Option<String>,
    },
    /// Decrypt a case in memory and show it.
    Show {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id, e.g. K7QW-4M2P-XR3T.
        id: String,
        /// Write the attachments, in plaintext, into this directory.
        #[arg(long)]
        save_attachments: Option<PathBuf>,
    },
    /// Reply to the reporter: encrypted here to the reporter and the route's caseworkers.
    Reply {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        id: String,
        /// The reply text ("-" reads it from standard input).
        #[arg(long, short)]
        message: String,
        /// Language of the reply (BCP 47).
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Move a case along the workflow: under_assessment, credible, not_substantiated, referred, closed.
    Status {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        id: String,
        /// The new status.
        status: String,
    },
    /// Close a case.
    Close {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        id: String,
    },
}

pub fn run(command: CaseCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match command {
            CaseCommand::Login { staff } => {
                let client = StaffClient::new(&staff)?;
                let seconds = client.login().await?;
                println!("Logged in for {} hours.", seconds / 3600);
                Ok(())
            }
            CaseCommand::List {
                staff,
                status,
                route,
            } => list(&StaffClient::new(&staff)?, status, route).await,
            CaseCommand::Show {
                staff,
                id,
                save_attachments,
            } => show(&StaffClient::new(&staff)?, &id, save_attachments).await,
            CaseCommand::Reply {
                staff,
                id,
                message,
                language,
            } => reply(&StaffClient::new(&staff)?, &id, message, &language).await,
            CaseCommand::Status { staff, id, status } => {
                set_status(&StaffClient::new(&staff)?, &id, &status).await
            }
            CaseCommand::Close { staff, id } => {
                set_status(&StaffClient::new(&staff)?, &id, "closed").await
            }
        }
    })
}

async fn list(
    client: &StaffClient,
    status: Option<String>,
    route: Option<String>,
) -> anyhow::Result<()> {
    let mut query = Vec::new();
    if let Some(status) = status {
        query.push(format!("status={status}"));
    }
    if let Some(route) = route {
        query.push(format!("route={route}"));
    }
    let path = if query.is_empty() {
        "/api/v1/cases".to_owned()
    } else {
        format!("/api/v1/cases?{}", query.join("&"))
    };
    let cases: Vec<CaseView> = client.get(&path).await?;
    if client.json {
        println!("{}", serde_json::to_string_pretty(&cases)?);
        return Ok(());
    }
    if cases.is_empty() {
        println!("No cases.");
    }
    for case in cases {
        println!(
            "{}  {}  {:<18} {}",
            case.id, case.received_day, case.status, case.route
        );
    }
    Ok(())
}

async fn show(
    client: &StaffClient,
    id: &str,
    save_attachments: Option<PathBuf>,
) -> anyhow::Result<()> {
    let case: CaseDetail = client.get(&format!("/api/v1/cases/{id}")).await?;
    let ciphertext = STANDARD
        .decode(&case.ciphertext)
        .context("the server sent malformed ciphertext")?;
    let identities = client.identities()?;
    let refs: Vec<&dyn age::Identity> = identities
        .iter()
        .map(|i| i.as_ref() as &dyn age::Identity)
        .collect();
    let plaintext = crate::crypto::seal::decrypt(&ciphertext, &refs).map_err(|_| {
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
        let format = if m.author == "reporter" {
            FOLLOWUP_FORMAT
        } else {
            REPLY_FORMAT
        };
        let text = crate::crypto::seal::decrypt(&bytes, &refs)
            .ok()
            .and_then(|p| Message::from_plaintext(&p, format).ok())
            .map(|msg| msg.text.clone())
            .unwrap_or_else(|| "(cannot be opened with your identity)".to_owned());
        thread.push(
            serde_json::json!({ "seq": m.seq, "from": m.author, "day": m.day, "text": text }),
        );
    }
    if client.json {
        let mut value = serde_json::to_value(&report)?;
        value["case"] = serde_json::json!({ "id": case.id, "route": case.route, "status": case.status, "received_day": case.received_day });
        value["thread"] = serde_json::Value::Array(thread);
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_report(&case, &report)?;
        for m in &thread {
            println!(
                "\n--- #{} from {} on {}\n{}",
                m["seq"],
                m["from"].as_str().unwrap_or(""),
                m["day"].as_str().unwrap_or(""),
                m["text"].as_str().unwrap_or("")
            );
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
            super::staff_client::write_private(&path, &attachment.data)?;
            eprintln!("  {}", path.display());
        }
    }
    Ok(())
}

async fn reply(
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
    for r in &case.route_recipients {
        recipients.push(
            r.parse()
                .map_err(|e| anyhow!("the server sent an invalid recipient: {e}"))?,
        );
    }
    let plaintext = Message::reply(language, text).to_padded_plaintext()?;
    let ciphertext = crate::crypto::seal::encrypt(&plaintext, &recipients)?;
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
            case.route_recipients.len()
        );
    }
    Ok(())
}

async fn set_status(client: &StaffClient, id: &str, status: &str) -> anyhow::Result<()> {
    let token = client.token()?;
    let case: CaseView = client
        .post_json(
            &format!("/api/v1/cases/{id}/status"),
            &StatusRequest {
                status: status.to_owned(),
            },
            Some(&token),
        )
        .await?;
    if client.json {
        println!("{}", serde_json::to_string(&case)?);
    } else {
        println!("Case {} is now {}.", case.id, case.status);
    }
    Ok(())
}

fn print_report(case: &CaseDetail, report: &Report) -> anyhow::Result<()> {
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
    for (label, text) in [
        ("What happened", &f.what_happened),
        ("When", &f.when),
        ("Where", &f.location),
        ("UN engagement", &f.un_engagement),
        ("People affected", &f.people_affected),
        ("Contact", &f.contact),
    ] {
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

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
