//! `safehold submit`: builds the envelope and encrypts it on this machine, then posts only
//! ciphertext. The codephrase is printed once and never sent.

use std::path::PathBuf;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use zeroize::Zeroizing;

use super::pinned_keyring;
use super::purpose_arg::PurposeArg;
use super::terminal_text::say;
use crate::crypto::{codephrase::Codephrase, receipt::ReceiptKeys, seal};
use crate::domain::Purpose;
use crate::envelope::{Attachment, Channel, Consent, Report, ReportFields, RoutingAnswers};
use crate::padding::padded_json_body;
use crate::wire::{SubmitRequest, SubmitResponse};

/// Options of `safehold submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Base URL of the Safehold server, e.g. https://safehold.example.org
    #[arg(long, env = "SAFEHOLD_SERVER")]
    server: String,
    /// Route to submit on [default: the server's default route].
    #[arg(long)]
    route: Option<String>,
    /// What happened ("-" reads it from standard input).
    #[arg(long, default_value = "")]
    what_happened: String,
    /// When it happened, in your words.
    #[arg(long, default_value = "")]
    when: String,
    /// Where it happened.
    #[arg(long = "where", default_value = "")]
    location: String,
    /// How the person engaged with the UN.
    #[arg(long, default_value = "")]
    un_engagement: String,
    /// Who was affected.
    #[arg(long, default_value = "")]
    people_affected: String,
    /// How caseworkers may reach the reporter.
    #[arg(long, default_value = "")]
    contact: String,
    /// Someone is in immediate danger: the alert says "urgent".
    #[arg(long)]
    urgent: bool,
    /// The UN mechanism the reporter engaged with: treaty_body, special_procedures, upr,
    /// human_rights_council, ohchr, other, unsure. Sent in the clear beside the report: with
    /// consent to `named_mechanism`, a package may go only to a rapporteur covering it.
    #[arg(long)]
    mechanism: Option<String>,
    /// Purposes the reporter consents to, by the names the pages use (repeat or
    /// comma-separate).
    #[arg(long, value_delimiter = ',', value_parser = PurposeArg)]
    consent: Vec<Purpose>,
    /// Language of the report (BCP 47).
    #[arg(long, default_value = "en")]
    language: String,
    /// Files to attach.
    files: Vec<PathBuf>,
}

pub fn run(args: SubmitArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(submit(args))
}

async fn submit(mut args: SubmitArgs) -> anyhow::Result<()> {
    let client = super::http_client()
        .user_agent("safehold-submit")
        .build()
        .context("cannot set up the HTTP client")?;
    let base = args.server.trim_end_matches('/').to_owned();
    // Only keys in the keyring pinned on this machine (pinned now on first use).
    let served = pinned_keyring::trusted(&client, &base).await?;
    let routes = &served.routes;
    let route_name = args
        .route
        .clone()
        .unwrap_or_else(|| routes.default_route.clone());
    let Some(route) = routes.routes.iter().find(|r| r.name == route_name) else {
        let known: Vec<&str> = routes.routes.iter().map(|r| r.name.as_str()).collect();
        bail!(
            "the server has no route \"{route_name}\"; its routes are: {}",
            known.join(", ")
        );
    };
    let recipients =
        pinned_keyring::route_recipients(&served.keyring, &route.name, &route.recipients)?;

    if args.what_happened == "-" {
        args.what_happened =
            std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?;
    }
    let mut attachments = Vec::new();
    for path in &args.files {
        let data = Zeroizing::new(
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
        );
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        attachments.push(Attachment::new(
            name,
            "application/octet-stream".to_owned(),
            data.to_vec(),
            false,
        ));
    }
    if let Some(m) = &args.mechanism
        && !crate::policy::questions::is_mechanism(m)
    {
        bail!(
            "--mechanism {m}: not a mechanism; use one of: {}",
            crate::policy::questions::MECHANISMS.join(", ")
        );
    }
    let consent = Consent::allowing(&args.consent);
    // The receipt first: the report carries the reporter's reply recipient and thread key.
    let codephrase = Codephrase::generate();
    let keys = ReceiptKeys::derive(&codephrase)?;
    let report = Report::new(
        args.language.clone(),
        Channel::Cli,
        RoutingAnswers {
            mechanism: args.mechanism.clone(),
            region: None,
            immediate_danger: args.urgent.then_some(true),
        },
        ReportFields {
            what_happened: std::mem::take(&mut args.what_happened),
            when: std::mem::take(&mut args.when),
            location: std::mem::take(&mut args.location),
            un_engagement: std::mem::take(&mut args.un_engagement),
            people_affected: std::mem::take(&mut args.people_affected),
            contact: std::mem::take(&mut args.contact),
        }
        .normalized(),
        consent,
        keys.reply_to(),
        attachments,
    );
    let plaintext = report.to_padded_plaintext()?;
    drop(report);
    // As many recipients as the largest route, decoys included: the route does not show.
    let ciphertext =
        seal::encrypt_in_slots(&plaintext, &recipients, served.keyring.recipient_slots())?;
    drop(plaintext);

    let request = SubmitRequest {
        intake_ticket: String::new(),
        route_tag: route.tag.clone(),
        urgent: args.urgent,
        consent: consent.flags(),
        mechanism: args.mechanism.clone().unwrap_or_default(),
        ciphertext: STANDARD.encode(&ciphertext),
        receipt_verifier: STANDARD.encode(keys.lookup_key()),
    };
    let body = padded_json_body(serde_json::to_vec(&request)?, request.shorter_by());
    let response = client
        .post(format!("{base}/api/v1/reports"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .with_context(|| format!("cannot reach {base}"))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        bail!("the server refused the report ({status}): {body}");
    }
    let accepted: SubmitResponse = response
        .json()
        .await
        .context("the server's answer is not what Safehold sends")?;
    say!(
        "Report {} received on route \"{}\".",
        accepted.id,
        route.name
    );
    say!("Codephrase (write it down; it is the only way to read replies):");
    say!("  {}", codephrase.expose());
    Ok(())
}
