//! The reporter's receipt page without JavaScript: the server derives the keys from the
//! codephrase for the length of one request, looks the report up, and wipes them.
//!
//! A wrong codephrase and an unknown one are the same thing to the server: both do the full
//! derivation and get the same "no report found" answer.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_csrf::CsrfToken;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::AppState;
use super::error::PageError;
use super::intake;
use super::pages::{Frame, MessagePage, ReceiptPage, StatusPage, render};
use crate::crypto::codephrase::{Codephrase, CodephraseError};
use crate::crypto::receipt::{ReceiptKeys, receipt_hash};
use crate::envelope::{Message, REPLY_FORMAT};
use crate::i18n::Lang;
use crate::store::AlertEvent;

/// `GET /receipt`: the codephrase form.
pub async fn form(State(state): State<AppState>, lang: Lang, token: CsrfToken) -> Response {
    receipt_form(&state, &lang, token, None, StatusCode::OK)
}

fn receipt_form(
    state: &AppState,
    lang: &Lang,
    token: CsrfToken,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let Ok(csrf_token) = token.authenticity_token() else {
        return PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            "error-unavailable",
            &[],
        )
        .into_response();
    };
    let fingerprint = state.inner.keyring.fingerprint().to_owned();
    let page = ReceiptPage::framed(Frame::new(lang, "/receipt"), csrf_token, error, fingerprint);
    (status, token, render(&page)).into_response()
}

/// The receipt form's fields; the codephrase is wiped when dropped.
#[derive(Deserialize)]
pub struct LookupForm {
    authenticity_token: String,
    codephrase: Zeroizing<String>,
}

/// `POST /receipt`: show the status of the report this codephrase belongs to.
pub async fn lookup(
    State(state): State<AppState>,
    lang: Lang,
    token: CsrfToken,
    form: Result<Form<LookupForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(form) = form.map_err(|e| match e {
        FormRejection::InvalidFormContentType(_) => PageError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &lang,
            "error-content-type",
            &[],
        )
        .back_to("/receipt"),
        other => PageError::new(
            StatusCode::BAD_REQUEST,
            &lang,
            "error-bad-form",
            &[("detail", other.body_text())],
        )
        .back_to("/receipt"),
    })?;
    if token.verify(&form.authenticity_token).is_err() {
        return Err(
            PageError::new(StatusCode::FORBIDDEN, &lang, "error-csrf", &[]).back_to("/receipt"),
        );
    }
    let codephrase = match Codephrase::parse(&form.codephrase) {
        Ok(codephrase) => codephrase,
        Err(e) => {
            let message = codephrase_message(&lang, &e);
            return Ok(receipt_form(
                &state,
                &lang,
                token,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    drop(form);

    let keys = derive(&state, codephrase).await.ok_or_else(|| {
        PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            &lang,
            "error-unavailable",
            &[],
        )
    })?;
    let hash = receipt_hash(state.inner.secrets.receipt_pepper(), keys.lookup_key());
    let view = state
        .store()
        .receipt(&hash)
        .await
        .map_err(|e| PageError::from_store(e, &lang))?;
    let Some(view) = view else {
        return Err(
            PageError::new(StatusCode::NOT_FOUND, &lang, "not-found-text", &[]).back_to("/receipt"),
        );
    };
    let messages = state
        .store()
        .messages(&view.public_id)
        .await
        .map_err(|e| PageError::from_store(e, &lang))?;
    // Replies are opened with the identity derived for this request only; it is wiped with
    // `keys` at the end of this block.
    let thread: Vec<ThreadEntry> = messages
        .iter()
        .map(|m| {
            if m.author == "reporter" {
                ThreadEntry {
                    from: lang.t("thread-from-you"),
                    day: m.day.clone(),
                    text: lang.t("thread-followup-sealed"),
                }
            } else {
                let text = crate::crypto::seal::decrypt(
                    &m.ciphertext,
                    &[keys.identity() as &dyn age::Identity],
                )
                .ok()
                .and_then(|p| Message::from_plaintext(&p, REPLY_FORMAT).ok())
                .map(|msg| msg.text.clone())
                .unwrap_or_else(|| lang.t("thread-unreadable"));
                ThreadEntry {
                    from: lang.t("thread-from-caseworker"),
                    day: m.day.clone(),
                    text,
                }
            }
        })
        .collect();
    drop(keys);
    let followup_token = followup_token(&state, &view.public_id);
    let csrf_token = token.authenticity_token().unwrap_or_default();
    let page = StatusPage::framed(
        Frame::new(&lang, "/receipt"),
        view.public_id,
        lang.t(&format!("status-{}", view.status)),
        view.received_day,
        thread,
        csrf_token,
        followup_token,
    );
    Ok((token, render(&page)).into_response())
}

/// A message of the thread as shown to the reporter.
pub struct ThreadEntry {
    /// "You" or "A caseworker".
    pub from: String,
    /// Day it was added.
    pub day: String,
    /// The reply's words, or a note for the reporter's own sealed follow-ups.
    pub text: String,
}

/// How long a receipt page may send a follow-up without asking for the codephrase again.
const FOLLOWUP_TOKEN_SECONDS: i64 = 3600;

/// A signed, expiring token naming the case, so the follow-up form need not carry the
/// codephrase: `case.expiry.hmac`.
fn followup_token(state: &AppState, case_id: &str) -> String {
    let expiry = time::OffsetDateTime::now_utc().unix_timestamp() + FOLLOWUP_TOKEN_SECONDS;
    format!(
        "{case_id}.{expiry}.{}",
        hex::encode(token_mac(state, case_id, expiry))
    )
}

fn token_mac(state: &AppState, case_id: &str, expiry: i64) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac =
        match hmac::Hmac::<sha2::Sha256>::new_from_slice(state.inner.secrets.receipt_token_key()) {
            Ok(mac) => mac,
            Err(_) => return [0; 32],
        };
    mac.update(b"safehold followup token");
    mac.update(case_id.as_bytes());
    mac.update(&expiry.to_be_bytes());
    mac.finalize().into_bytes().into()
}

/// The case a follow-up token names, if the token is genuine and unexpired.
fn verify_followup_token(state: &AppState, token: &str) -> Option<String> {
    let mut parts = token.splitn(3, '.');
    let case_id = parts.next()?;
    let expiry: i64 = parts.next()?.parse().ok()?;
    let mac = hex::decode(parts.next()?).ok()?;
    let expected = token_mac(state, case_id, expiry);
    let genuine: bool = subtle::ConstantTimeEq::ct_eq(&expected[..], &mac[..]).into();
    (genuine && expiry >= time::OffsetDateTime::now_utc().unix_timestamp())
        .then(|| case_id.to_owned())
}

/// `POST /receipt/followup`: the reporter adds information without JavaScript; the server
/// seals it at once for the route's caseworkers, as it does a report.
pub async fn followup(
    State(state): State<AppState>,
    lang: Lang,
    token: CsrfToken,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let mut multipart = multipart.map_err(|_| {
        PageError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &lang,
            "error-content-type",
            &[],
        )
    })?;
    let result = read_followup(&mut multipart, &token, &lang, &state).await;
    let (case_id, text, attachments) = match result {
        Ok(parts) => parts,
        Err(e) => {
            intake::drain(&mut multipart).await;
            return Err(e.back_to("/receipt"));
        }
    };
    let unavailable = || {
        PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            &lang,
            "error-unavailable",
            &[],
        )
    };
    let report = state
        .store()
        .report(&case_id)
        .await
        .map_err(|e| PageError::from_store(e, &lang))?;
    let report = report
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, &lang, "not-found-text", &[]))?;
    let routing = &state.inner.policy.routing;
    let route = routing.get(&report.route).ok_or_else(unavailable)?;
    let recipients: Vec<age::x25519::Recipient> = routing
        .recipients(route, &state.inner.keyring)
        .into_iter()
        .cloned()
        .collect();
    let message = Message::followup(lang.tag(), text, attachments);
    let plaintext = message.to_padded_plaintext().map_err(|_| unavailable())?;
    drop(message);
    let ciphertext =
        crate::crypto::seal::encrypt(&plaintext, &recipients).map_err(|_| unavailable())?;
    drop(plaintext);
    let targets = state.alert_targets(&report.route);
    let alert = AlertEvent {
        kind: "follow_up",
        route: &report.route,
        targets: &targets,
    };
    state
        .store()
        .add_message(&case_id, "reporter", &ciphertext, alert)
        .await
        .map_err(|e| PageError::from_store(e, &lang))?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, &lang, "not-found-text", &[]))?;
    let page = MessagePage::new(
        &lang,
        "/receipt",
        lang.t("followup-sent-title"),
        lang.t("followup-sent-text"),
        lang.t("receipt-link"),
    );
    Ok((StatusCode::CREATED, render(&page)).into_response())
}

async fn read_followup(
    multipart: &mut axum::extract::Multipart,
    token: &CsrfToken,
    lang: &Lang,
    state: &AppState,
) -> Result<(String, String, Vec<crate::envelope::Attachment>), PageError> {
    let mut csrf_ok = false;
    let mut case_id = None;
    let mut text = String::new();
    let mut attachments = Vec::new();
    let mut budget = state.inner.max_body_bytes;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(intake::bad_form(lang, &e.body_text())),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "authenticity_token" {
            csrf_ok = token
                .verify(&intake::read_text(field, lang, &name).await?)
                .is_ok();
            if !csrf_ok {
                return Err(intake::csrf_error(lang));
            }
            continue;
        }
        if !csrf_ok {
            return Err(intake::csrf_error(lang));
        }
        match name.as_str() {
            "receipt_token" => {
                let value = intake::read_text(field, lang, &name).await?;
                case_id = Some(verify_followup_token(state, &value).ok_or_else(|| {
                    PageError::new(StatusCode::FORBIDDEN, lang, "error-followup-expired", &[])
                })?);
            }
            "text" => text = intake::read_text(field, lang, &name).await?,
            "attachments" => {
                if let Some(a) =
                    intake::read_attachment(field, lang, &mut budget, state.inner.max_body_bytes)
                        .await?
                {
                    attachments.push(a);
                }
            }
            _ => return Err(intake::bad_form(lang, "unexpected field")),
        }
    }
    if !csrf_ok {
        return Err(intake::csrf_error(lang));
    }
    let case_id = case_id.ok_or_else(|| {
        PageError::new(StatusCode::FORBIDDEN, lang, "error-followup-expired", &[])
    })?;
    if text.trim().is_empty() && attachments.is_empty() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            "error-followup-empty",
            &[],
        ));
    }
    Ok((case_id, text, attachments))
}

async fn derive(state: &AppState, codephrase: Codephrase) -> Option<ReceiptKeys> {
    let _permit = state.inner.kdf_permits.acquire().await.ok()?;
    tokio::task::spawn_blocking(move || ReceiptKeys::derive(&codephrase).ok())
        .await
        .ok()
        .flatten()
}

fn codephrase_message(lang: &Lang, error: &CodephraseError) -> String {
    match error {
        CodephraseError::TooFewWords { found, required } => lang.t_with(
            "codephrase-too-few",
            &[
                ("found", found.to_string()),
                ("required", required.to_string()),
            ],
        ),
        CodephraseError::TooManyWords { found, limit } => lang.t_with(
            "codephrase-too-many",
            &[("found", found.to_string()), ("limit", limit.to_string())],
        ),
        CodephraseError::UnknownWord { position } => lang.t_with(
            "codephrase-unknown-word",
            &[("position", position.to_string())],
        ),
        // The generator's failure cannot come from parsing; say something useful anyway.
        _ => lang.t("error-unavailable"),
    }
}
