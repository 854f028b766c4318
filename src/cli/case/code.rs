//! `safehold case code`: taxonomy codes sent to the server. Coding carries no consent: the
//! record is the reporter's; `--revoke` narrows it (never widens), in a request of its own.

use anyhow::anyhow;

use super::super::purpose_arg::PurposeArg;
use super::super::staff_client::{StaffArgs, StaffClient};
use super::super::terminal_text::say;
use crate::domain::Purpose;
use crate::wire::{CodeRequest, CodingView, ConsentView, NarrowConsentRequest};

/// `safehold case code` options: one flag per taxonomy field.
#[derive(Debug, clap::Args)]
pub struct CodeArgs {
    #[command(flatten)]
    staff: StaffArgs,
    /// The case id.
    #[arg(value_parser = super::case_id)]
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
    /// Already raised with the UN: none, sp_communication, treaty_body_case, sg_report,
    /// other_un_document, unknown (the reference itself goes in the thread, never here).
    #[arg(long, value_delimiter = ',')]
    prior_un_referral: Vec<String>,
    /// Other UN actors already aware: none, ohchr, resident_coordinator, peace_operation,
    /// special_procedures, treaty_body, other.
    #[arg(long, value_delimiter = ',')]
    other_un_actors: Vec<String>,
    /// Incident date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, requires = "precision")]
    incident_date: Option<String>,
    /// Precision of --incident-date: day, month, year.
    #[arg(long, requires = "incident_date")]
    precision: Option<String>,
    /// Any other taxonomy field, as FIELD=CODE (repeatable).
    #[arg(long = "set", value_name = "FIELD=CODE")]
    set: Vec<String>,
    /// Accepted for old scripts; has no effect: coding carries no consent, the server holds
    /// the reporter's own record.
    #[arg(long, hide = true)]
    consent_from_report: bool,
    /// Record a consent purpose as refused (the reporter said so in the thread, say), by the
    /// name the pages use. This only narrows the reporter's record; nothing can widen it but
    /// the reporter.
    #[arg(long, value_delimiter = ',', value_parser = PurposeArg)]
    revoke: Vec<Purpose>,
}

pub(super) async fn code(args: CodeArgs) -> anyhow::Result<()> {
    let client = StaffClient::new(&args.staff)?;
    let revoked = args.revoke;
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
    put("prior_un_referral", args.prior_un_referral);
    put("other_un_actors", args.other_un_actors);
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
    let token = client.token()?;
    let mut view: CodingView = client
        .post_json(
            &format!("/api/v1/cases/{}/codes", args.id),
            &CodeRequest {
                codes,
                consent: None,
            },
            Some(&token),
        )
        .await?;
    if !revoked.is_empty() {
        let narrowed: ConsentView = client
            .post_json(
                &format!("/api/v1/cases/{}/consent/narrow", args.id),
                &NarrowConsentRequest { withdraw: revoked },
                Some(&token),
            )
            .await?;
        view.consent = narrowed.consent;
    }
    if client.json {
        say!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    say!("Case {} coded:", view.id);
    for (field, values) in &view.codes {
        let mark = if view.restricted.contains(field) {
            "  (restricted: never published)"
        } else {
            ""
        };
        say!("  {field:<24} {}{mark}", values.join(", "));
    }
    say!("The reporter's consent: {}", view.consent.by_name());
    Ok(())
}
