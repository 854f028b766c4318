//! The no-JavaScript report form: the server builds the envelope, seals it at once, and keeps
//! plaintext only in buffers that are wiped when dropped.

use axum::Extension;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_csrf::CsrfToken;

use super::super::AppState;
use super::super::failure::PageError;
use super::super::intake_gate::IntakeGate;
use super::super::pages::{Frame, IntakePage, SubmittedPage, render};
use super::super::ratelimit::ClientKey;
use super::super::reporter_api::store_report;
use super::form::{FormReader, bad_form, drain, unexpected_field};
use super::receipt_keys::new_receipt;
use crate::crypto::seal;
use crate::envelope::{Attachment, Channel, Consent, Report, ReportFields, RoutingAnswers};
use crate::i18n::{Lang, human_size};
use crate::policy::{Answers, questions};

/// Most files in one report.
const MAX_ATTACHMENTS: usize = 20;

/// `GET /`: the report form.
pub async fn form(State(state): State<AppState>, lang: Lang, token: CsrfToken) -> Response {
    let Ok(csrf_token) = token.authenticity_token() else {
        return PageError::unavailable(&lang).into_response();
    };
    let page = IntakePage::framed(
        Frame::new(&lang, "/").showing_keyring(&state),
        csrf_token,
        state.intake_tickets().issue(),
        labelled(&lang, "mechanism", questions::MECHANISMS),
        labelled(&lang, "region", questions::REGIONS),
        lang.t_with(
            "attachments-help",
            &[("limit", human_size(state.max_body_bytes()))],
        ),
        lang.t_with(
            "error-too-large",
            &[("limit", human_size(state.max_body_bytes()))],
        ),
        state.keyring_fingerprint().to_string(),
    );
    (token, render(&page)).into_response()
}

fn labelled(
    lang: &Lang,
    question: &str,
    codes: &'static [&'static str],
) -> Vec<(&'static str, String)> {
    codes
        .iter()
        .map(|code| (*code, lang.t(&format!("{question}-{code}"))))
        .collect()
}

/// `POST /report`: seal the submitted form and show the receipt.
pub async fn submit(
    State(state): State<AppState>,
    Extension(gate): Extension<IntakeGate>,
    Extension(client): Extension<ClientKey>,
    lang: Lang,
    token: CsrfToken,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(PageError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &lang,
            "error-content-type",
            &[],
        ));
    }
    let mut multipart = multipart.map_err(|e| bad_form(&lang, &e.body_text()))?;
    let csrf_ok = |value: &str| token.verify(value).is_ok();
    let form = match read_form(&mut multipart, csrf_ok, &lang, state.max_body_bytes()).await {
        Ok(form) => form,
        Err(e) => {
            drain(&mut multipart).await;
            return Err(e);
        }
    };

    // A filled honeypot is a bot's, or an autofill's: refused before it spends anything.
    if form.honeypot_filled {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            &lang,
            "error-honeypot",
            &[],
        ));
    }
    let urgent = form.routing.immediate_danger == Some(true);
    // Sealing and storing wait for a place; the place is held until the report is stored.
    let place = gate
        .admit(client, &form.intake_ticket, urgent)
        .await
        .map_err(|failure| PageError::from_failure(failure, &lang))?;

    let answers = Answers {
        mechanism: form.routing.mechanism.as_deref(),
        region: form.routing.region.as_deref(),
        immediate_danger: form.routing.immediate_danger,
    };
    let route = state.policy().routing.select(&answers);
    let recipients: Vec<age::x25519::Recipient> = state.route_recipients(route);

    // The server keeps and enforces the same consent the envelope carries, and the mechanism
    // answer a `named_mechanism` package is checked against.
    let consent = form.consent;
    let mechanism = form.routing.mechanism.clone();
    // The receipt comes first: the report carries its reply recipient and thread key.
    let (codephrase, keys) = new_receipt().ok_or_else(|| PageError::unavailable(&lang))?;
    let report = Report::new(
        lang.tag(),
        Channel::Server,
        form.routing,
        form.fields.normalized(),
        form.consent,
        keys.reply_to(),
        form.attachments,
    );
    let ciphertext = seal_report(report, &recipients, state.recipient_slots())
        .map_err(|_| PageError::unavailable(&lang))?;
    let lookup_key = *keys.lookup_key();
    drop(keys);
    let public_id = store_report(
        &state,
        route,
        ciphertext,
        &lookup_key,
        urgent,
        consent,
        mechanism,
    )
    .await
    .map_err(|e| PageError::not_stored(e, &lang))?;
    drop(place);

    let page = SubmittedPage::framed(
        Frame::new(&lang, "/receipt").showing_keyring(&state),
        lang.t_with("submitted-lead", &[("route", route.name.clone())]),
        codephrase.expose().to_owned(),
        public_id,
    );
    Ok((StatusCode::CREATED, render(&page)).into_response())
}

/// Pads and encrypts the envelope, wiping the plaintext before returning.
fn seal_report(
    report: Report,
    recipients: &[age::x25519::Recipient],
    slots: usize,
) -> Result<Vec<u8>, ()> {
    let plaintext = report.to_padded_plaintext().map_err(|_| ())?;
    drop(report);
    // Large files take a while to encrypt; let the runtime move other tasks off this thread.
    let encrypt = || seal::encrypt_in_slots(&plaintext, recipients, slots).map_err(|_| ());
    if plaintext.len() > 256 * 1024 {
        tokio::task::block_in_place(encrypt)
    } else {
        encrypt()
    }
}

/// The form's content, still plaintext, in wiping containers.
struct ReportForm {
    routing: RoutingAnswers,
    fields: ReportFields,
    consent: Consent,
    attachments: Vec<Attachment>,
    /// The page's intake ticket, empty if it sent none.
    intake_ticket: String,
    /// Whether the field people never see was filled.
    honeypot_filled: bool,
}

async fn read_form(
    multipart: &mut Multipart,
    csrf_ok: impl FnOnce(&str) -> bool,
    lang: &Lang,
    max_body: usize,
) -> Result<ReportForm, PageError> {
    let mut reader = FormReader::start_checked(multipart, csrf_ok, lang, max_body).await?;
    let mut form = ReportForm {
        routing: RoutingAnswers {
            mechanism: None,
            region: None,
            immediate_danger: None,
        },
        fields: ReportFields {
            what_happened: String::new(),
            when: String::new(),
            location: String::new(),
            un_engagement: String::new(),
            people_affected: String::new(),
            contact: String::new(),
        },
        consent: Consent::default(),
        attachments: Vec::new(),
        intake_ticket: String::new(),
        honeypot_filled: false,
    };
    while let Some((name, field)) = reader.next(multipart).await? {
        match name.as_str() {
            "attachments" => {
                if let Some(attachment) = reader.attachment(field).await? {
                    if form.attachments.len() == MAX_ATTACHMENTS {
                        return Err(bad_form(
                            lang,
                            &format!("more than {MAX_ATTACHMENTS} files"),
                        ));
                    }
                    form.attachments.push(attachment);
                }
            }
            "mechanism" => {
                form.routing.mechanism = choice(
                    reader.text(field, &name).await?,
                    questions::MECHANISMS,
                    lang,
                )?
            }
            "region" => {
                form.routing.region =
                    choice(reader.text(field, &name).await?, questions::REGIONS, lang)?
            }
            "immediate_danger" => {
                form.routing.immediate_danger = match reader.text(field, &name).await?.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    "" => None,
                    _ => return Err(bad_answer(lang)),
                }
            }
            "what_happened" => form.fields.what_happened = reader.text(field, &name).await?,
            "when" => form.fields.when = reader.text(field, &name).await?,
            "where" => form.fields.location = reader.text(field, &name).await?,
            "un_engagement" => form.fields.un_engagement = reader.text(field, &name).await?,
            "people_affected" => form.fields.people_affected = reader.text(field, &name).await?,
            "contact" => form.fields.contact = reader.text(field, &name).await?,
            "consent_ohchr" => {
                form.consent.ohchr_reprisals_team = reader.checked(field, &name).await?
            }
            "consent_mechanism" => {
                form.consent.named_mechanism = reader.checked(field, &name).await?
            }
            "consent_sg_named" => {
                form.consent.sg_report_named = reader.checked(field, &name).await?
            }
            "consent_sg_anonymous" => {
                form.consent.sg_report_anonymous = reader.checked(field, &name).await?
            }
            "consent_statistics" => form.consent.statistics = reader.checked(field, &name).await?,
            "intake_ticket" => form.intake_ticket = reader.text(field, &name).await?,
            "website" => form.honeypot_filled = !reader.text(field, &name).await?.is_empty(),
            // Only the browser path can rewrite files; the server path ignores this choice.
            "strip_metadata" => {
                reader.text(field, &name).await?;
            }
            _ => return Err(unexpected_field(lang, &name)),
        }
    }
    Ok(form)
}

fn bad_answer(lang: &Lang) -> PageError {
    PageError::new(StatusCode::BAD_REQUEST, lang, "error-bad-answer", &[])
}

fn choice(value: String, allowed: &[&str], lang: &Lang) -> Result<Option<String>, PageError> {
    if value.is_empty() {
        Ok(None)
    } else if allowed.contains(&value.as_str()) {
        Ok(Some(value))
    } else {
        Err(bad_answer(lang))
    }
}

/// The fuzz target's way in (`fuzz/fuzz_targets/report_form.rs`): reads `body` as the report
/// form, under `boundary`, with the CSRF token `fuzz` and a 64 KiB attachment budget. What
/// the reader refuses is a 4xx; anything else would be a bug.
#[doc(hidden)]
pub async fn read_form_for_fuzzing(boundary: &str, body: Vec<u8>) -> Result<(), StatusCode> {
    use axum::extract::FromRequest;
    let request = axum::http::Request::builder()
        .method("POST")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .map_err(|_| StatusCode::BAD_REQUEST)?;
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| e.status())?;
    let lang = Lang::default();
    let status = match read_form(&mut multipart, |v| v == "fuzz", &lang, 64 * 1024).await {
        Ok(_) => return Ok(()),
        Err(e) => e.status(),
    };
    assert!(
        status.is_client_error(),
        "the form reader answered {status}"
    );
    Err(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzz target's kept seeds, read as the server reads a form: the complete one is
    /// accepted, each broken one is a 4xx.
    #[tokio::test]
    async fn the_fuzz_seeds_read_as_a_form_or_a_4xx() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/report_form");
        for name in [
            "full",
            "wrong-token",
            "truncated",
            "unknown-field",
            "bad-utf8",
            "honeypot",
        ] {
            let body = std::fs::read(seeds.join(name)).unwrap();
            let outcome = read_form_for_fuzzing("fuzzboundary", body).await;
            match name {
                "full" | "honeypot" => assert_eq!(outcome, Ok(()), "{name}"),
                "wrong-token" => assert_eq!(outcome, Err(StatusCode::FORBIDDEN), "{name}"),
                _ => assert_eq!(outcome, Err(StatusCode::BAD_REQUEST), "{name}"),
            }
        }
    }
}
