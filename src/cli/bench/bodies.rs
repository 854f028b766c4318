//! The request bodies of a benchmark run, prepared before the timed window: encrypted API
//! bodies with a slot for the receipt verifier, or a form session's CSRF cookie and
//! multipart body, each with `--report-bytes` of report text.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::setup::{ChosenRoute, FormAnswers};
use crate::crypto::{Codephrase, ReceiptKeys, seal};
use crate::envelope::{Channel, Consent, Report, ReportFields, RoutingAnswers};
use crate::wire::SubmitRequest;

/// Distinct ciphertexts prepared for the API mode; receipt verifiers are patched in per request.
const API_TEMPLATES: usize = 32;
/// Stands in for the receipt verifier in the prepared JSON bodies.
const VERIFIER_PLACEHOLDER: &str = "@@SAFEHOLD_BENCH_VERIFIER@@";

/// Report text of exactly `bytes` bytes (ASCII).
fn filler_text(bytes: usize) -> String {
    const SENTENCE: &str = "After the session in Geneva, officers searched our office and questioned staff about the submission. ";
    SENTENCE.chars().cycle().take(bytes).collect()
}

/// The short fields of every benchmark report; `what_happened` makes up the rest.
const SHORT_FIELDS: [(&str, &str); 5] = [
    ("when", "early March 2026"),
    ("where", "Geneva"),
    (
        "un_engagement",
        "testimony to the Committee against Torture",
    ),
    ("people_affected", "the reporter"),
    ("contact", ""),
];

/// Length of `what_happened` so that the text fields total `report_bytes`.
fn what_happened_len(report_bytes: usize) -> usize {
    let short: usize = SHORT_FIELDS.iter().map(|(_, v)| v.len()).sum();
    report_bytes.saturating_sub(short).max(1)
}

/// A prepared API body: the JSON around the receipt verifier.
pub(super) struct Template {
    pub(super) prefix: Vec<u8>,
    pub(super) suffix: Vec<u8>,
}

/// Where API reports go: the route's tag, its recipients, and the recipient slots every
/// report fills (decoys after the route's own).
pub(super) struct ApiTarget<'a> {
    pub(super) tag: &'a str,
    pub(super) recipients: &'a [age::x25519::Recipient],
    pub(super) slots: usize,
}

/// Pads and encrypts a few reports to the route's recipients, before anything is timed.
pub(super) fn build_api_templates(
    route: &ChosenRoute,
    target: &ApiTarget<'_>,
    report_bytes: usize,
) -> anyhow::Result<Arc<Vec<Template>>> {
    // Any receipt's reply_to has the same shape; one real derivation gives it.
    let reply_to = ReceiptKeys::derive(&Codephrase::generate())?.reply_to();
    let mut templates = Vec::with_capacity(API_TEMPLATES);
    for _ in 0..API_TEMPLATES {
        let report = Report::new(
            "en",
            Channel::Browser,
            RoutingAnswers {
                mechanism: route.answers.mechanism.clone(),
                region: route.answers.region.clone(),
                immediate_danger: route.answers.immediate_danger,
            },
            ReportFields {
                what_happened: filler_text(what_happened_len(report_bytes)),
                when: SHORT_FIELDS[0].1.to_owned(),
                location: SHORT_FIELDS[1].1.to_owned(),
                un_engagement: SHORT_FIELDS[2].1.to_owned(),
                people_affected: SHORT_FIELDS[3].1.to_owned(),
                contact: SHORT_FIELDS[4].1.to_owned(),
            },
            Consent {
                ohchr_reprisals_team: true,
                statistics: true,
                ..Consent::default()
            },
            reply_to.clone(),
            Vec::new(),
        );
        let plaintext = report.to_padded_plaintext()?;
        let ciphertext = seal::encrypt_in_slots(&plaintext, target.recipients, target.slots)?;
        let request = SubmitRequest {
            intake_ticket: String::new(),
            route_tag: target.tag.to_owned(),
            urgent: route.answers.immediate_danger == Some(true),
            consent: "10001".to_owned(),
            mechanism: String::new(),
            ciphertext: STANDARD.encode(&ciphertext),
            receipt_verifier: VERIFIER_PLACEHOLDER.to_owned(),
        };
        let json = serde_json::to_string(&request)?;
        let (prefix, suffix) = json
            .split_once(VERIFIER_PLACEHOLDER)
            .context("placeholder missing from the prepared body")?;
        templates.push(Template {
            prefix: prefix.as_bytes().to_vec(),
            suffix: suffix.as_bytes().to_vec(),
        });
    }
    Ok(Arc::new(templates))
}

/// One worker's prepared form post: its CSRF cookie and the multipart body with its token.
pub(super) struct FormPost {
    pub(super) cookie: String,
    pub(super) content_type: String,
    pub(super) body: Vec<u8>,
}

impl FormPost {
    /// The same post with one file of `bytes` pseudo-random bytes attached (none for 0).
    pub(super) fn with_attachment(mut self, bytes: usize) -> anyhow::Result<FormPost> {
        if bytes == 0 {
            return Ok(self);
        }
        let boundary = self
            .content_type
            .split_once("boundary=")
            .map(|(_, b)| b.to_owned())
            .context("the form post has no boundary")?;
        let closing = format!("--{boundary}--\r\n");
        self.body.truncate(self.body.len() - closing.len());
        let _ = write!(
            &mut BodyWriter(&mut self.body),
            "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"evidence.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        );
        // Incompressible and cheap: a counter through a multiplicative hash.
        self.body
            .extend((0..bytes as u64).map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8));
        self.body.extend_from_slice(b"\r\n");
        self.body.extend_from_slice(closing.as_bytes());
        Ok(self)
    }
}

/// `write!` into a byte vector.
struct BodyWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for BodyWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// `GET /` for the CSRF cookie and token, then the multipart body, as a browser would send it.
pub(super) async fn open_form_session(
    base: &str,
    answers: &FormAnswers,
    report_bytes: usize,
) -> anyhow::Result<FormPost> {
    let client = super::super::http_client().build()?;
    let response = client
        .get(format!("{base}/"))
        .send()
        .await
        .context("GET / failed")?;
    if response.status() != reqwest::StatusCode::OK {
        bail!("GET / answered {}", response.status());
    }
    let cookie = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("safehold_csrf="))
        .and_then(|v| v.split(';').next())
        .context("GET / set no CSRF cookie")?
        .to_owned();
    let html = response.text().await?;
    let token = hidden_value(&html, "authenticity_token").context("no CSRF token in the form")?;
    // A server from before intake tickets has none; its form must not be sent one.
    let ticket = hidden_value(&html, "intake_ticket");

    let mut boundary_bytes = [0u8; 12];
    getrandom::fill(&mut boundary_bytes)?;
    let boundary = format!("safehold-bench-{}", hex::encode(boundary_bytes));
    let danger = match answers.immediate_danger {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let what_happened = filler_text(what_happened_len(report_bytes));
    let mut fields: Vec<(&str, &str)> = vec![
        ("authenticity_token", &token),
        ("mechanism", answers.mechanism.as_deref().unwrap_or("")),
        ("region", answers.region.as_deref().unwrap_or("")),
        ("immediate_danger", danger),
        ("what_happened", &what_happened),
    ];
    fields.extend(SHORT_FIELDS);
    fields.extend([("consent_ohchr", "yes"), ("consent_statistics", "yes")]);
    if let Some(ticket) = &ticket {
        fields.push(("intake_ticket", ticket));
    }
    Ok(FormPost {
        cookie,
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: multipart_body(&boundary, &fields),
    })
}

/// A `multipart/form-data` body of text fields.
fn multipart_body(boundary: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, value) in fields {
        let _ = write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        );
    }
    let _ = write!(body, "--{boundary}--\r\n");
    body.into_bytes()
}

/// The value of a hidden input in a page, with the entities askama escapes undone.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let at = html.find(&needle)?;
    let rest = &html[at + needle.len()..];
    let end = rest.find('"')?;
    Some(
        rest[..end]
            .replace("&#43;", "+")
            .replace("&#x2B;", "+")
            .replace("&#61;", "=")
            .replace("&#x3D;", "=")
            .replace("&#47;", "/")
            .replace("&#x2F;", "/"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_carry_the_requested_amount_of_text() {
        let total: usize =
            SHORT_FIELDS.iter().map(|(_, v)| v.len()).sum::<usize>() + what_happened_len(4096);
        assert_eq!(total, 4096);
        assert_eq!(filler_text(4096).len(), 4096);
        let body = multipart_body("b", &[("a", "1"), ("c", "")]);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n\r\n--b--\r\n"
        );
    }

    #[test]
    fn an_attachment_goes_inside_the_closing_boundary() {
        let post = FormPost {
            cookie: String::new(),
            content_type: "multipart/form-data; boundary=b".to_owned(),
            body: multipart_body("b", &[("a", "1")]),
        }
        .with_attachment(1000)
        .unwrap();
        let text = String::from_utf8_lossy(&post.body);
        assert!(text.starts_with("--b\r\nContent-Disposition: form-data; name=\"a\""));
        assert!(text.contains("name=\"attachments\"; filename=\"evidence.bin\""));
        assert!(text.ends_with("\r\n--b--\r\n"));
        assert_eq!(text.matches("--b--").count(), 1);
    }

    #[test]
    fn hidden_values_are_unescaped() {
        let html = r#"<input type="hidden" name="authenticity_token" value="ab&#43;c&#x3D;">"#;
        assert_eq!(
            hidden_value(html, "authenticity_token").as_deref(),
            Some("ab+c=")
        );
    }
}
