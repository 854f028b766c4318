//! `safehold case …`: the caseworker's tool. Reports are decrypted here, in memory; nothing
//! in plaintext is written unless you ask for attachments with `--save-attachments`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Subcommand;

use super::staff_client::{StaffArgs, StaffClient};
use crate::crypto::seal;
use crate::domain::{CaseStatus, Purpose, list as list_of};
use crate::envelope::{
    Escalation, FOLLOWUP_FORMAT, Message, REDACTABLE, REPLY_FORMAT, Report, ThreadEntry,
};
use crate::wire::{
    CaseDetail, CaseView, CodeRequest, CodingView, EscalateRequest, EscalationRecipientView,
    EscalationView, MessageAdded, ReplyRequest, RoutesResponse, StatusRequest,
};

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
    /// Record that two cases concern the same person, so statistics count them once.
    Link {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        id: String,
        /// Another case about the same victim.
        #[arg(long)]
        same_victim_as: String,
    },
    /// Close a case.
    Close {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        id: String,
    },
    /// Code the incident with taxonomy codes (policy/taxonomy.toml) and record the reporter's
    /// consent, read here from the decrypted report. Lists take several flags or commas.
    Code(Box<CodeArgs>),
    /// Send an escalation package to a rapporteur: built and encrypted here, to their keys only.
    Escalate {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
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
    },
    /// Show a case's escalation packages and how far each got.
    Escalations {
        #[command(flatten)]
        staff: StaffArgs,
        /// The case id.
        id: String,
    },
}

/// `safehold case code` options: one flag per taxonomy field.
#[derive(Debug, clap::Args)]
pub struct CodeArgs {
    #[command(flatten)]
    staff: StaffArgs,
    /// The case id.
    id: String,
    /// reprisal, intimidation, both, unclear.
    #[arg(long)]
    act_nature: Option<String>,
    /// Types of reprisal, e.g. travel_ban,surveillance_online.
    #[arg(long, value_delimiter = ',')]
    reprisal_type: Vec<String>,
    /// sexual_violence, denial_of_medical_care.
    #[arg(long, value_delimiter = ',')]
    reprisal_flag: Vec<String>,
    /// UN mechanisms, e.g. special_procedures,tb_cat.
    #[arg(long, value_delimiter = ',')]
    mechanism: Vec<String>,
    /// Treaty body procedures, e.g. individual_communication.
    #[arg(long, value_delimiter = ',')]
    treaty_procedure: Vec<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[arg(long)]
    country: Option<String>,
    /// HRC res. 12/2 basis: 12_2a, 12_2b, 12_2c, 12_2d, attempted, perceived.
    #[arg(long, value_delimiter = ',')]
    cooperation_basis: Vec<String>,
    /// Victim profiles, e.g. hrd,journalist.
    #[arg(long, value_delimiter = ',')]
    victim_profile: Vec<String>,
    /// individual, group, organisation.
    #[arg(long)]
    victim_kind: Option<String>,
    /// Restricted, never published: woman, man, other, not_stated.
    #[arg(long)]
    victim_gender: Option<String>,
    /// Restricted, never published: under_18, 18_29, 30_49, 50_64, 65_plus, not_stated.
    #[arg(long)]
    victim_age_band: Option<String>,
    /// Restricted, never published: ISO 3166-2 code, e.g. UA-30.
    #[arg(long)]
    subnational_location: Option<String>,
    /// Perpetrators, e.g. intelligence,judiciary_prosecution.
    #[arg(long, value_delimiter = ',')]
    perpetrator: Vec<String>,
    /// confirmed, probable, alleged.
    #[arg(long)]
    attribution: Option<String>,
    /// Who was targeted: self, family_member, organisation, legal_representative.
    #[arg(long, value_delimiter = ',')]
    target: Vec<String>,
    /// refrained_from_cooperating, anonymous_only.
    #[arg(long, value_delimiter = ',')]
    chilling_effect: Vec<String>,
    /// Incident date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, requires = "precision")]
    incident_date: Option<String>,
    /// Precision of --incident-date: day, month, year.
    #[arg(long, requires = "incident_date")]
    precision: Option<String>,
    /// Any other taxonomy field, as FIELD=CODE (repeatable).
    #[arg(long = "set", value_name = "FIELD=CODE")]
    set: Vec<String>,
    /// Record the consent the reporter gave in the report (the default; stated for clarity).
    #[arg(long)]
    consent_from_report: bool,
    /// Record a consent purpose as withdrawn since the report (ohchr_reprisals_team,
    /// named_mechanism, sg_report_named, sg_report_anonymous, statistics).
    #[arg(long, value_delimiter = ',')]
    revoke: Vec<String>,
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
                println!("Cases {id} and {same_victim_as} now count as one victim in statistics.");
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
            } => {
                escalate(
                    &StaffClient::new(&staff)?,
                    &id,
                    &to,
                    &redact,
                    !no_ohchr_copy,
                )
                .await
            }
            CaseCommand::Escalations { staff, id } => {
                escalations(&StaffClient::new(&staff)?, &id).await
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

/// Fetches a case and decrypts its report and thread in memory with your identity.
async fn open_case(
    client: &StaffClient,
    id: &str,
) -> anyhow::Result<(CaseDetail, Report, Vec<ThreadEntry>)> {
    let case: CaseDetail = client.get(&format!("/api/v1/cases/{id}")).await?;
    let ciphertext = STANDARD
        .decode(&case.ciphertext)
        .context("the server sent malformed ciphertext")?;
    let identities = client.identities()?;
    let refs: Vec<&dyn age::Identity> = identities
        .iter()
        .map(|i| i.as_ref() as &dyn age::Identity)
        .collect();
    let plaintext = seal::decrypt(&ciphertext, &refs).map_err(|_| {
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
        let text = seal::decrypt(&bytes, &refs)
            .ok()
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

async fn code(args: CodeArgs) -> anyhow::Result<()> {
    let client = StaffClient::new(&args.staff)?;
    let revoked = args
        .revoke
        .iter()
        .map(|r| {
            r.parse::<Purpose>().map_err(|_| {
                anyhow!(
                    "--revoke {r}: not a consent purpose; use one of: {}",
                    list_of(Purpose::ALL)
                )
            })
        })
        .collect::<anyhow::Result<Vec<Purpose>>>()?;
    let mut codes: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut put = |field: &str, values: Vec<String>| {
        let values: Vec<String> = values
            .into_iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if !values.is_empty() {
            codes.entry(field.to_owned()).or_default().extend(values);
        }
    };
    put("act_nature", args.act_nature.into_iter().collect());
    put("reprisal_type", args.reprisal_type);
    put("reprisal_flag", args.reprisal_flag);
    put("mechanism", args.mechanism);
    put("treaty_procedure", args.treaty_procedure);
    put("country", args.country.into_iter().collect());
    put("cooperation_basis", args.cooperation_basis);
    put("victim_profile", args.victim_profile);
    put("victim_kind", args.victim_kind.into_iter().collect());
    put("victim_gender", args.victim_gender.into_iter().collect());
    put(
        "victim_age_band",
        args.victim_age_band.into_iter().collect(),
    );
    put(
        "subnational_location",
        args.subnational_location.into_iter().collect(),
    );
    put("perpetrator", args.perpetrator);
    put("attribution", args.attribution.into_iter().collect());
    put("target", args.target);
    put("chilling_effect", args.chilling_effect);
    put("incident_date", args.incident_date.into_iter().collect());
    put(
        "incident_date_precision",
        args.precision.into_iter().collect(),
    );
    for pair in args.set {
        let (field, value) = pair
            .split_once('=')
            .ok_or_else(|| anyhow!("--set takes FIELD=CODE, e.g. --set victim_kind=group"))?;
        put(field.trim(), vec![value.to_owned()]);
    }
    // The consent is in the report, which only this machine can read.
    let (_, report, _) = open_case(&client, &args.id).await?;
    let mut consent = report.consent;
    for purpose in revoked {
        consent.withdraw(purpose);
    }
    drop(report);
    let token = client.token()?;
    let view: CodingView = client
        .post_json(
            &format!("/api/v1/cases/{}/codes", args.id),
            &CodeRequest { codes, consent },
            Some(&token),
        )
        .await?;
    if client.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    println!("Case {} coded:", view.id);
    for (field, values) in &view.codes {
        let mark = if view.restricted.contains(field) {
            "  (restricted: never published)"
        } else {
            ""
        };
        println!("  {field:<24} {}{mark}", values.join(", "));
    }
    let c = &view.consent;
    println!(
        "Consent recorded: OHCHR reprisals team {}, named mechanism {}, SG report named {}, SG report anonymous {}, statistics {}",
        yes(c.ohchr_reprisals_team),
        yes(c.named_mechanism),
        yes(c.sg_report_named),
        yes(c.sg_report_anonymous),
        yes(c.statistics)
    );
    Ok(())
}

async fn escalate(
    client: &StaffClient,
    id: &str,
    to: &str,
    redact: &[String],
    copy_ohchr: bool,
) -> anyhow::Result<()> {
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
    if !report.consent.allows(recipient.purpose) {
        anyhow::bail!(
            "the reporter did not consent to `{}`, which {to} requires; nothing was sent. Ask the reporter (safehold case reply) and record new consent before escalating",
            recipient.purpose
        );
    }
    // OHCHR's reprisals team is copied on every escalation (TAXONOMY.md), if the reporter
    // allowed it; each copy is a separate file encrypted to that team's keys only.
    let mut targets = vec![recipient];
    let mut skipped_ohchr = None;
    if copy_ohchr {
        for other in allowed
            .iter()
            .filter(|r| r.purpose == Purpose::OhchrReprisalsTeam && r.name != to)
        {
            if report.consent.ohchr_reprisals_team {
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
    let package = Escalation::from_report(&case.id, &report, thread, codes, redact)?;
    drop(report);
    let plaintext = package.to_padded_plaintext()?;
    drop(package);
    // Each recipient's keys, as the keyring publishes them to every client.
    let routes: RoutesResponse = client.get("/api/v1/routes").await?;
    let token = client.token()?;
    let mut sent = Vec::new();
    for target in targets {
        let keys: Vec<age::x25519::Recipient> = routes
            .people
            .iter()
            .find(|p| p.role == "rapporteur" && p.name == target.name)
            .ok_or_else(|| {
                anyhow!(
                    "{} has no key in the server's keys/rapporteurs/",
                    target.name
                )
            })?
            .recipients
            .iter()
            .map(|r| {
                r.parse()
                    .map_err(|e| anyhow!("the server sent an invalid recipient: {e}"))
            })
            .collect::<anyhow::Result<_>>()?;
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
            println!(
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
        eprintln!(
            "Note: {name} (OHCHR's reprisals team) was not copied: the reporter did not consent to it."
        );
    }
    if client.json {
        let first = sent.first().map(serde_json::to_value).transpose()?;
        let mut value = first.unwrap_or_default();
        value["copies"] = serde_json::to_value(sent.get(1..).unwrap_or_default())?;
        println!("{}", serde_json::to_string(&value)?);
    }
    Ok(())
}

async fn escalations(client: &StaffClient, id: &str) -> anyhow::Result<()> {
    let list: Vec<EscalationView> = client
        .get(&format!("/api/v1/cases/{id}/escalations"))
        .await?;
    if client.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if list.is_empty() {
        println!("No packages for case {id}.");
    }
    for e in list {
        println!(
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
