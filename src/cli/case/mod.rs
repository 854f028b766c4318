//! `safehold case …`: the caseworker's tool. Reports are decrypted here, in memory; nothing
//! in plaintext is written unless you ask for attachments with `--save-attachments`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

mod code;
mod communication;
mod escalate;
mod reply;
mod show;

pub use code::CodeArgs;
use code::code;
use escalate::{escalate, escalations};
use reply::{NO_MESSAGE_FLAG, ReplyOptions, reply};
use show::{Unopened, show, try_open};

use super::staff_client::{StaffArgs, StaffClient};
use super::terminal_text::{one_line, say};
use crate::domain::CaseStatus;
use crate::wire::{CaseView, StatusRequest};

/// Casework subcommands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Log in with your age identity.
    Login {
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// Log out: the server ends your session, and the token on this machine is deleted.
    Logout {
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// Check the server's audit log against the head this machine saw, and print the new
    /// head (SEQ:HASH) to compare with colleagues or give to `safehold admin audit verify
    /// --head`.
    AuditHead {
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
        #[arg(value_parser = case_id)]
        id: String,
        /// Write the attachments, in plaintext, into this directory.
        #[arg(long)]
        save_attachments: Option<PathBuf>,
    },
    /// Reply to the reporter: encrypted here to the reporter and the route's caseworkers.
    /// At a terminal the reply is written in $VISUAL or $EDITOR; otherwise it is read from
    /// standard input. It is never taken from the command line.
    Reply {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        #[arg(value_parser = case_id)]
        id: String,
        /// Refused: the text would be visible to other users and kept in shell history.
        #[arg(long, short, hide = true)]
        message: Option<String>,
        /// Language of the reply (BCP 47).
        #[arg(long, default_value = "en")]
        language: String,
        /// Attach a file, which the reporter can download from the receipt page (repeat for
        /// several).
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
        /// Send without showing the reply and asking first (for scripts).
        #[arg(long, short)]
        yes: bool,
    },
    /// Move a case along the workflow: under_assessment, credible, not_substantiated, referred,
    /// closed; or unreadable, for a case addressed to you that does not open.
    Status {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        #[arg(value_parser = case_id)]
        id: String,
        /// The new status.
        status: String,
    },
    /// Record that two cases concern the same person, so statistics count them once.
    Link {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        #[arg(value_parser = case_id)]
        id: String,
        /// Another case about the same victim.
        #[arg(long, value_parser = case_id)]
        same_victim_as: String,
    },
    /// Close a case.
    Close {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        #[arg(value_parser = case_id)]
        id: String,
    },
    /// Code the incident with taxonomy codes (policy/taxonomy.toml). Coding carries no consent
    /// (the reporter's own record stands); --revoke narrows it. Lists take several flags or commas.
    Code(Box<CodeArgs>),
    /// Send an escalation package to a rapporteur: built and encrypted here, to their keys only.
    Escalate {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        #[arg(value_parser = case_id)]
        id: String,
        /// The rapporteur, as named in the server's escalation.toml (e.g. sr-defenders).
        #[arg(long)]
        to: String,
        /// Replace a field by "[redacted]": what_happened, when, where, un_engagement,
        /// people_affected, contact; or leave out `attachments`, or the `thread`'s texts.
        #[arg(long, value_delimiter = ',')]
        redact: Vec<String>,
        /// Do not copy OHCHR's reprisals team. By default, when escalation.toml names a
        /// recipient for `ohchr_reprisals_team` and the reporter consented to it, the same
        /// package is also sent, encrypted separately, to that team.
        #[arg(long)]
        no_ohchr_copy: bool,
        /// Send without showing what will be sent and asking first (for scripts).
        #[arg(long, short)]
        yes: bool,
        /// Language of the communication's headings and fixed text: en, fr or es (the
        /// reporter's words stay as written).
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Show a case's escalation packages and how far each got.
    Escalations {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        #[arg(value_parser = case_id)]
        id: String,
    },
}

/// A case id as typed: any letter case, surrounding spaces ignored (ids are upper case).
pub(crate) fn case_id(typed: &str) -> Result<String, String> {
    let id = typed.trim().to_ascii_uppercase();
    if id.is_empty() {
        return Err("give the case id, e.g. K7QW-4M2P-XR3T".to_owned());
    }
    Ok(id)
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
                say!("Logged in for {} hours.", seconds / 3600);
                Ok(())
            }
            CaseCommand::Logout { staff } => logout(&StaffClient::new(&staff)?).await,
            CaseCommand::AuditHead { staff } => audit_head(&StaffClient::new(&staff)?).await,
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
                attach,
                yes,
            } => {
                if message.is_some() {
                    anyhow::bail!(NO_MESSAGE_FLAG);
                }
                let options = ReplyOptions {
                    language: &language,
                    attach: &attach,
                    yes,
                };
                reply(&StaffClient::new(&staff)?, &id, options).await
            }
            CaseCommand::Status { staff, id, status } => {
                set_status(&StaffClient::new(&staff)?, &id, &status).await
            }
            CaseCommand::Link {
                staff,
                id,
                same_victim_as,
            } => {
                let client = StaffClient::new(&staff)?;
                let token = client.token()?;
                let _: crate::wire::VictimLinkRequest = client
                    .post_json(
                        &format!("/api/v1/cases/{id}/victim"),
                        &crate::wire::VictimLinkRequest {
                            same_as: same_victim_as.clone(),
                        },
                        Some(&token),
                    )
                    .await?;
                say!("Cases {id} and {same_victim_as} now count as one victim in statistics.");
                Ok(())
            }
            CaseCommand::Close { staff, id } => {
                set_status(&StaffClient::new(&staff)?, &id, CaseStatus::Closed.as_str()).await
            }
            CaseCommand::Code(args) => code(*args).await,
            CaseCommand::Escalate {
                staff,
                id,
                to,
                redact,
                no_ohchr_copy,
                yes,
                language,
            } => {
                escalate(
                    &StaffClient::new(&staff)?,
                    &id,
                    &to,
                    &redact,
                    !no_ohchr_copy,
                    yes,
                    &language,
                )
                .await
            }
            CaseCommand::Escalations { staff, id } => {
                escalations(&StaffClient::new(&staff)?, &id).await
            }
        }
    })
}

/// `safehold case logout` (and `inbox logout`).
pub(crate) async fn logout(client: &StaffClient) -> anyhow::Result<()> {
    if client.logout().await? {
        say!("Logged out: the server ended your session and its token is deleted here.");
    } else {
        say!(
            "No session to end: the server no longer knew it (expired or ended); nothing is kept here."
        );
    }
    Ok(())
}

/// `safehold case audit-head`.
async fn audit_head(client: &StaffClient) -> anyhow::Result<()> {
    let token = client.token()?;
    let head = client.witness(&token).await?;
    if client.json {
        say!(
            "{}",
            serde_json::json!({ "seq": head.seq, "hash": hex::encode(head.hash) })
        );
    } else {
        say!("The server's audit log extends what this machine saw; its head is now:");
        say!("{head}");
    }
    Ok(())
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
        say!("{}", serde_json::to_string_pretty(&cases)?);
        return Ok(());
    }
    if cases.is_empty() {
        say!("No cases.");
        return Ok(());
    }
    // UNREAD: the reporter's messages you have not seen with `case show` yet.
    say!(
        "{:<14}  {:<10}  {:<18} {:<6}  {}",
        "CASE",
        "RECEIVED",
        "STATUS",
        "UNREAD",
        "ROUTE"
    );
    for case in cases {
        let unread = if case.unread > 0 {
            format!("{} new", case.unread)
        } else {
            String::new()
        };
        say!(
            "{:<14}  {:<10}  {:<18} {:<6}  {}",
            one_line(&case.id),
            one_line(&case.received_day),
            case.status,
            unread,
            one_line(&case.route)
        );
    }
    Ok(())
}

async fn set_status(client: &StaffClient, id: &str, status: &str) -> anyhow::Result<()> {
    if status == CaseStatus::Unreadable.as_str() {
        // Only a caseworker whose own key fails on the case may say it does not open.
        let case: crate::wire::CaseDetail = client.get(&format!("/api/v1/cases/{id}")).await?;
        match try_open(&client.identities()?, &case.ciphertext) {
            Err(Unopened::Unreadable(_)) => {}
            Ok(_) => anyhow::bail!(
                "case {id} opens with your key, so it is not unreadable; read it with safehold case show {id}"
            ),
            Err(_) => anyhow::bail!(
                "case {id} is not addressed to your key, so you cannot tell whether it opens; only a caseworker it is addressed to can flag it"
            ),
        }
    }
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
        say!("{}", serde_json::to_string(&case)?);
    } else {
        say!("Case {} is now {}.", case.id, case.status);
    }
    Ok(())
}
