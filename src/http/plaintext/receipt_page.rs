//! The reporter's receipt page without JavaScript: the server derives the keys from the
//! codephrase for the length of one request, looks the report up, opens the replies, and
//! wipes the keys. Follow-ups sent from the page are sealed at once for the route.
//!
//! A wrong codephrase and an unknown one are the same thing to the server: both do the full
//! derivation and get the same "no report found" answer.

use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_csrf::CsrfToken;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::super::AppState;
use super::super::failure::PageError;
use super::super::followup_token;
use super::super::pages::{Frame, MessagePage, ReceiptPage, StatusPage, ThreadEntry, render};
use super::form::{FormReader, drain, unexpected_field};
use super::receipt_keys::derive;
use crate::crypto::codephrase::{Codephrase, CodephraseError};
use crate::crypto::receipt::ReceiptKeys;
use crate::crypto::seal;
use crate::domain::{AlertKind, Author};
use crate::envelope::{Attachment, Message, REPLY_FORMAT};
use crate::i18n::Lang;
use crate::mac::receipt_hash;
use crate::store::StoredMessage;

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
        return PageError::unavailable(lang).into_response();
    };
    let fingerprint = state.keyring_fingerprint().to_owned();
    let page = ReceiptPage::framed(Frame::new(lang, "/receipt"), csrf_token, error, fingerprint);
    (status, token, render(&page)).into_response()
}

/// The receipt form's fields; the codephrase is wiped when dropped.
#[derive(Deserialize)]
pub struct LookupForm {
    authenticity_token: String,
    codephrase: Zeroizing<String>,
}

fn no_such_report(lang: &Lang) -> PageError {
    PageError::new(StatusCode::NOT_FOUND, lang, "not-found-text", &[]).back_to("/receipt")
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

    let keys = derive(&state, codephrase)
        .await
        .ok_or_else(|| PageError::unavailable(&lang))?;
    let hash = receipt_hash(state.secrets().receipt_pepper(), keys.lookup_key());
    let view = state
        .store()
        .receipt(&hash)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?
        .ok_or_else(|| no_such_report(&lang))?;
    let messages = state
        .store()
        .messages(&view.public_id)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?;
    // Replies are opened with the identity derived for this request only; it is wiped with
    // `keys` right after.
    let thread: Vec<ThreadEntry> = messages
        .iter()
        .map(|m| thread_entry(&lang, &keys, m))
        .collect();
    drop(keys);
    let Ok(csrf_token) = token.authenticity_token() else {
        return Err(PageError::unavailable(&lang));
    };
    // Bound to this browser's CSRF cookie, and good once.
    let followup_token = followup_token::issue(
        state.secrets().receipt_token_key(),
        &view.public_id,
        &csrf_token,
    );
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

/// A message as its reporter sees it: their own follow-ups stay sealed (only the route can
/// open them), replies are decrypted with the codephrase's identity.
fn thread_entry(lang: &Lang, keys: &ReceiptKeys, message: &StoredMessage) -> ThreadEntry {
    if message.author.is_reporter() {
        return ThreadEntry {
            from: lang.t("thread-from-you"),
            day: message.day.clone(),
            text: lang.t("thread-followup-sealed"),
        };
    }
    let text = seal::decrypt(
        &message.ciphertext,
        &[keys.identity() as &dyn age::Identity],
    )
    .ok()
    .and_then(|p| Message::from_plaintext(&p, REPLY_FORMAT).ok())
    .map(|msg| msg.text.clone())
    .unwrap_or_else(|| lang.t("thread-unreadable"));
    ThreadEntry {
        from: lang.t("thread-from-caseworker"),
        day: message.day.clone(),
        text,
    }
}

/// `POST /receipt/followup`: the reporter adds information without JavaScript; the server
/// seals it at once for the route's caseworkers, as it does a report.
pub async fn followup(
    State(state): State<AppState>,
    lang: Lang,
    token: CsrfToken,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let mut multipart = multipart.map_err(|_| {
        PageError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &lang,
            "error-content-type",
            &[],
        )
    })?;
    let (receipt_token, text, attachments) =
        match read_followup(&mut multipart, &token, &lang, &state).await {
            Ok(parts) => parts,
            Err(e) => {
                drain(&mut multipart).await;
                return Err(e.back_to("/receipt"));
            }
        };
    // A replayed form (the back button, a second tab, a copied token) adds nothing.
    let spent = state
        .store()
        .spend_followup_token(&receipt_token.spent_id)
        .await
        .map_err(|e| PageError::not_stored(e, &lang))?;
    if !spent {
        return Err(
            PageError::new(StatusCode::CONFLICT, &lang, "error-followup-used", &[])
                .back_to("/receipt"),
        );
    }
    let case_id = receipt_token.case_id;
    let report = state
        .store()
        .report(&case_id)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, &lang, "not-found-text", &[]))?;
    let route = state
        .route(&report.route)
        .ok_or_else(|| PageError::unavailable(&lang))?;
    let recipients: Vec<age::x25519::Recipient> =
        state.route_recipients(route).into_iter().cloned().collect();
    let message = Message::followup(lang.tag(), text, attachments);
    let plaintext = message
        .to_padded_plaintext()
        .map_err(|_| PageError::unavailable(&lang))?;
    drop(message);
    let ciphertext =
        seal::encrypt(&plaintext, &recipients).map_err(|_| PageError::unavailable(&lang))?;
    drop(plaintext);
    state
        .add_message(
            &case_id,
            &report.route,
            &Author::Reporter,
            AlertKind::FollowUp,
            &ciphertext,
        )
        .await
        .map_err(|e| PageError::not_stored(e, &lang))?
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
    multipart: &mut Multipart,
    token: &CsrfToken,
    lang: &Lang,
    state: &AppState,
) -> Result<(followup_token::Verified, String, Vec<Attachment>), PageError> {
    let expired = || PageError::new(StatusCode::FORBIDDEN, lang, "error-followup-expired", &[]);
    let mut reader = FormReader::start(multipart, token, lang, state.max_body_bytes()).await?;
    let mut case_id = None;
    let mut text = String::new();
    let mut attachments = Vec::new();
    while let Some((name, field)) = reader.next(multipart).await? {
        match name.as_str() {
            "receipt_token" => {
                let value = reader.text(field, &name).await?;
                let key = state.secrets().receipt_token_key();
                // `start` has checked the CSRF token, so this browser's own is at hand.
                let browser = token.authenticity_token().map_err(|_| expired())?;
                case_id = Some(followup_token::verify(key, &value, &browser).ok_or_else(expired)?);
            }
            "text" => text = reader.text(field, &name).await?,
            "attachments" => {
                if let Some(a) = reader.attachment(field).await? {
                    attachments.push(a);
                }
            }
            _ => return Err(unexpected_field(lang, &name)),
        }
    }
    let case_id = case_id.ok_or_else(expired)?;
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
