//! The no-JavaScript report form: the server builds the envelope, seals it at once, and keeps
//! plaintext only in buffers that are wiped when dropped. Nothing touches the disk before
//! encryption: multipart parts are read into memory, never spooled to temp files.

use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_csrf::CsrfToken;
use zeroize::Zeroizing;

use super::AppState;
use super::error::PageError;
use super::pages::{Frame, IntakePage, SubmittedPage, render};
use crate::crypto::{codephrase::Codephrase, receipt, seal};
use crate::envelope::{Attachment, Channel, Consent, Report, ReportFields, RoutingAnswers};
use crate::i18n::{Lang, human_size};
use crate::policy::{Answers, questions};
use crate::store::{NewReport, new_public_id, today};

/// Longest accepted text field, in bytes.
const MAX_TEXT_FIELD: usize = 100 * 1024;
/// Most files in one report.
const MAX_ATTACHMENTS: usize = 20;

/// `GET /`: the report form.
pub async fn form(State(state): State<AppState>, lang: Lang, token: CsrfToken) -> Response {
    let Ok(csrf_token) = token.authenticity_token() else {
        return PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            &lang,
            "error-unavailable",
            &[],
        )
        .into_response();
    };
    let page = IntakePage::framed(
        Frame::new(&lang, "/"),
        csrf_token,
        labelled(&lang, "mechanism", questions::MECHANISMS),
        labelled(&lang, "region", questions::REGIONS),
        lang.t_with(
            "attachments-help",
            &[("limit", human_size(state.inner.max_body_bytes))],
        ),
        state.inner.keyring.fingerprint().to_owned(),
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
    let form = match read_form(&mut multipart, &token, &lang, state.inner.max_body_bytes).await {
        Ok(form) => form,
        Err(e) => {
            // Read what the browser is still sending before answering: a browser whose upload
            // is cut off shows "connection reset" instead of our explanation.
            drain(&mut multipart).await;
            return Err(e);
        }
    };

    let answers = Answers {
        mechanism: form.routing.mechanism.as_deref(),
        region: form.routing.region.as_deref(),
        immediate_danger: form.routing.immediate_danger,
    };
    let route = state.inner.policy.routing.select(&answers);
    let urgent = form.routing.immediate_danger == Some(true);
    let recipients: Vec<age::x25519::Recipient> = state
        .inner
        .policy
        .routing
        .recipients(route, &state.inner.keyring)
        .into_iter()
        .cloned()
        .collect();

    let report = Report::new(
        lang.tag(),
        Channel::Server,
        form.routing,
        form.fields.normalized(),
        form.consent,
        form.attachments,
    );
    let ciphertext = seal_report(report, &recipients).map_err(|_| {
        PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            &lang,
            "error-unavailable",
            &[],
        )
    })?;

    let (codephrase, keys) = new_receipt(&state).await.ok_or_else(|| {
        PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            &lang,
            "error-unavailable",
            &[],
        )
    })?;
    let public_id = new_public_id();
    state
        .store()
        .insert_report(NewReport {
            public_id: public_id.clone(),
            route: route.name.clone(),
            received_day: today(),
            ciphertext,
            reporter_recipient: keys.recipient().to_string(),
            receipt_hash: receipt::receipt_hash(
                state.inner.secrets.receipt_pepper(),
                keys.lookup_key(),
            ),
            urgent,
            alert_targets: route.alerts.clone(),
        })
        .await
        .map_err(|e| PageError::from_store(e, &lang))?;

    let page = SubmittedPage::framed(
        Frame::new(&lang, "/receipt"),
        lang.t_with("submitted-lead", &[("route", route.name.clone())]),
        codephrase.expose().to_owned(),
        public_id,
    );
    Ok((StatusCode::CREATED, render(&page)).into_response())
}

/// Pads and encrypts the envelope, wiping the plaintext before returning.
fn seal_report(report: Report, recipients: &[age::x25519::Recipient]) -> Result<Vec<u8>, ()> {
    let plaintext = report.to_padded_plaintext().map_err(|_| ())?;
    drop(report);
    // Large files take a while to encrypt; let the runtime move other tasks off this thread.
    let encrypt = || seal::encrypt(&plaintext, recipients).map_err(|_| ());
    if plaintext.len() > 256 * 1024 {
        tokio::task::block_in_place(encrypt)
    } else {
        encrypt()
    }
}

/// Generates a codephrase and derives its keys off the async threads, a few at a time.
pub(super) async fn new_receipt(state: &AppState) -> Option<(Codephrase, receipt::ReceiptKeys)> {
    let _permit = state.inner.kdf_permits.acquire().await.ok()?;
    tokio::task::spawn_blocking(|| {
        let codephrase = Codephrase::generate();
        let keys = receipt::ReceiptKeys::derive(&codephrase).ok()?;
        Some((codephrase, keys))
    })
    .await
    .ok()
    .flatten()
}

/// The form's content, still plaintext, in wiping containers.
struct ReportForm {
    routing: RoutingAnswers,
    fields: ReportFields,
    consent: Consent,
    attachments: Vec<Attachment>,
}

pub(super) fn bad_form(lang: &Lang, detail: &str) -> PageError {
    PageError::new(
        StatusCode::BAD_REQUEST,
        lang,
        "error-bad-form",
        &[("detail", detail.to_owned())],
    )
}

/// Reads and discards the rest of a multipart body (bounded by the route's hard body limit).
pub(super) async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

async fn read_form(
    multipart: &mut Multipart,
    token: &CsrfToken,
    lang: &Lang,
    max_body: usize,
) -> Result<ReportForm, PageError> {
    let mut csrf_ok = false;
    // Attachments share one budget: the configured total.
    let mut budget = max_body;
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
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(PageError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    lang,
                    "error-too-large",
                    &[("limit", human_size(max_body))],
                ));
            }
            Err(e) => return Err(bad_form(lang, &e.body_text())),
        };
        let name = field.name().unwrap_or("").to_owned();
        // The token comes first in the form; nothing else is read before it checks out.
        if name == "authenticity_token" {
            let value = read_text(field, lang, &name).await?;
            csrf_ok = token.verify(&value).is_ok();
            if !csrf_ok {
                return Err(csrf_error(lang));
            }
            continue;
        }
        if !csrf_ok {
            return Err(csrf_error(lang));
        }
        match name.as_str() {
            "attachments" => {
                if let Some(attachment) =
                    read_attachment(field, lang, &mut budget, max_body).await?
                {
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
                    read_text(field, lang, &name).await?,
                    questions::MECHANISMS,
                    lang,
                )?
            }
            "region" => {
                form.routing.region = choice(
                    read_text(field, lang, &name).await?,
                    questions::REGIONS,
                    lang,
                )?
            }
            "immediate_danger" => {
                form.routing.immediate_danger = match read_text(field, lang, &name).await?.as_str()
                {
                    "yes" => Some(true),
                    "no" => Some(false),
                    "" => None,
                    _ => {
                        return Err(PageError::new(
                            StatusCode::BAD_REQUEST,
                            lang,
                            "error-bad-answer",
                            &[],
                        ));
                    }
                }
            }
            "what_happened" => form.fields.what_happened = read_text(field, lang, &name).await?,
            "when" => form.fields.when = read_text(field, lang, &name).await?,
            "where" => form.fields.location = read_text(field, lang, &name).await?,
            "un_engagement" => form.fields.un_engagement = read_text(field, lang, &name).await?,
            "people_affected" => {
                form.fields.people_affected = read_text(field, lang, &name).await?
            }
            "contact" => form.fields.contact = read_text(field, lang, &name).await?,
            "consent_ohchr" => {
                form.consent.ohchr_reprisals_team = checked(field, lang, &name).await?
            }
            "consent_mechanism" => {
                form.consent.named_mechanism = checked(field, lang, &name).await?
            }
            "consent_sg_named" => {
                form.consent.sg_report_named = checked(field, lang, &name).await?
            }
            "consent_sg_anonymous" => {
                form.consent.sg_report_anonymous = checked(field, lang, &name).await?
            }
            "consent_statistics" => form.consent.statistics = checked(field, lang, &name).await?,
            // Only the browser path can rewrite files; the server path ignores this choice.
            "strip_metadata" => {
                read_text(field, lang, &name).await?;
            }
            _ => {
                return Err(bad_form(
                    lang,
                    &format!("unexpected field \"{}\"", short(&name)),
                ));
            }
        }
    }
    if !csrf_ok {
        return Err(csrf_error(lang));
    }
    Ok(form)
}

pub(super) fn csrf_error(lang: &Lang) -> PageError {
    PageError::new(StatusCode::FORBIDDEN, lang, "error-csrf", &[])
}

/// Field names echo back to the reporter only in a bounded, printable form.
fn short(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(40)
        .collect()
}

fn choice(value: String, allowed: &[&str], lang: &Lang) -> Result<Option<String>, PageError> {
    if value.is_empty() {
        Ok(None)
    } else if allowed.contains(&value.as_str()) {
        Ok(Some(value))
    } else {
        Err(PageError::new(
            StatusCode::BAD_REQUEST,
            lang,
            "error-bad-answer",
            &[],
        ))
    }
}

async fn checked(field: Field<'_>, lang: &Lang, name: &str) -> Result<bool, PageError> {
    Ok(!read_text(field, lang, name).await?.is_empty())
}

/// Reads one part into a single exactly-sized wiping buffer: collecting the chunks first
/// avoids the reallocations that would leave copies of plaintext in freed memory.
async fn read_bytes(
    mut field: Field<'_>,
    limit: usize,
    lang: &Lang,
    name: &str,
) -> Result<Zeroizing<Vec<u8>>, PageError> {
    let mut chunks = Vec::new();
    let mut total = 0usize;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                total += chunk.len();
                if total > limit {
                    return Err(too_long(lang, name, limit));
                }
                chunks.push(chunk);
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_long(lang, name, limit));
            }
            Err(e) => return Err(bad_form(lang, &e.body_text())),
        }
    }
    let mut data = Zeroizing::new(Vec::with_capacity(total));
    for chunk in chunks {
        data.extend_from_slice(&chunk);
    }
    Ok(data)
}

fn too_long(lang: &Lang, name: &str, limit: usize) -> PageError {
    if name == "attachments" {
        PageError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            lang,
            "error-too-large",
            &[("limit", human_size(limit))],
        )
    } else {
        PageError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            lang,
            "error-field-too-long",
            &[("field", short(name))],
        )
    }
}

pub(super) async fn read_text(
    field: Field<'_>,
    lang: &Lang,
    name: &str,
) -> Result<String, PageError> {
    let mut bytes = read_bytes(field, MAX_TEXT_FIELD, lang, name).await?;
    // `from_utf8` takes the buffer without copying; on failure the bytes are wiped.
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(text),
        Err(e) => {
            let mut raw = e.into_bytes();
            zeroize::Zeroize::zeroize(&mut raw);
            Err(bad_form(
                lang,
                &format!("the field \"{}\" is not valid UTF-8 text", short(name)),
            ))
        }
    }
}

pub(super) async fn read_attachment(
    field: Field<'_>,
    lang: &Lang,
    budget: &mut usize,
    max_body: usize,
) -> Result<Option<Attachment>, PageError> {
    let file_name = field.file_name().map(base_name).unwrap_or_default();
    let media_type = field
        .content_type()
        .filter(|t| t.len() <= 255 && t.is_ascii())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let mut data = read_bytes(field, *budget, lang, "attachments")
        .await
        .map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_long(lang, "attachments", max_body)
            } else {
                e
            }
        })?;
    *budget -= data.len();
    // An empty file input still sends one nameless, empty part.
    if file_name.is_empty() && data.is_empty() {
        return Ok(None);
    }
    Ok(Some(Attachment::new(
        file_name,
        media_type,
        std::mem::take(&mut *data),
        false,
    )))
}

/// Keeps only the last path component of a file name (some browsers send full paths).
fn base_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).take(255).collect()
}
