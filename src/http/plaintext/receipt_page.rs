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
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::super::AppState;
use super::super::failure::PageError;
use super::super::followup_token;
use super::super::pages::{
    Frame, MessagePage, ReceiptPage, StatusPage, ThreadEntry, ThreadFile, render,
};
use super::form::{FormReader, drain, unexpected_field};
use super::receipt_keys::derive;
use super::thread_key_seal;
use crate::crypto::ThreadKey;
use crate::crypto::codephrase::{Codephrase, CodephraseError};
use crate::crypto::receipt::ReceiptKeys;
use crate::crypto::seal;
use crate::domain::{AlertKind, Author, thread_gaps};
use crate::envelope::{Attachment, Message, REPLY_FORMAT};
use crate::i18n::{Lang, human_size};
use crate::mac::receipt_hash;
use crate::store::{MessageOutcome, NewMessage, StoredMessage};

/// `GET /receipt`: the codephrase form.
pub async fn form(State(state): State<AppState>, lang: Lang, token: CsrfToken) -> Response {
    receipt_form(&state, &lang, token, None, "", StatusCode::OK)
}

/// The codephrase form, with a problem next to the field and the words as typed, so that a
/// reporter who made a mistake corrects one word instead of typing all eight again.
fn receipt_form(
    state: &AppState,
    lang: &Lang,
    token: CsrfToken,
    error: Option<String>,
    typed: &str,
    status: StatusCode,
) -> Response {
    let Ok(csrf_token) = token.authenticity_token() else {
        return PageError::unavailable(lang).into_response();
    };
    let fingerprint = state.keyring_fingerprint().to_string();
    let frame = Frame::new(lang, "/receipt").showing_keyring(state);
    let page = ReceiptPage::framed(frame, csrf_token, error, typed.to_owned(), fingerprint);
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
    let form = PageError::checked_form(
        form,
        &token,
        |f| f.authenticity_token.as_str(),
        &lang,
        "/receipt",
    )?;
    let codephrase = match Codephrase::parse(&form.codephrase) {
        Ok(codephrase) => codephrase,
        Err(e) => {
            let message = codephrase_message(&lang, &e);
            return Ok(receipt_form(
                &state,
                &lang,
                token,
                Some(message),
                &form.codephrase,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    drop(form);

    let keys = derive(&codephrase).ok_or_else(|| PageError::unavailable(&lang))?;
    let hash = receipt_hash(state.secrets().receipt_pepper(), keys.lookup_key());
    let found = state
        .store()
        .receipt(&hash)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?;
    let Some(view) = found else {
        // A wrong codephrase and an unknown one get the same answer: the form again.
        return Ok(receipt_form(
            &state,
            &lang,
            token,
            Some(lang.t("not-found-text")),
            codephrase.expose(),
            StatusCode::NOT_FOUND,
        ));
    };
    drop(codephrase);
    let messages = state
        .store()
        .messages(&view.public_id)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?;
    // Replies are opened with the identity derived for this request only; it is wiped with
    // `keys` right after.
    let mut thread: Vec<ThreadEntry> = messages
        .iter()
        .map(|m| thread_entry(&lang, &keys, m))
        .collect();
    // A missing position is a message someone removed: say so where it was.
    let positions: Vec<i64> = messages.iter().map(|m| m.seq).collect();
    for (index, missing) in thread_gaps(&positions).into_iter().rev() {
        let count = missing.end() - missing.start() + 1;
        thread.insert(
            index,
            ThreadEntry {
                from: lang.t("thread-from-unknown"),
                day: String::new(),
                text: lang.t_with("thread-missing", &[("count", count.to_string())]),
                forged: true,
                files: Vec::new(),
            },
        );
    }
    let replied = messages
        .iter()
        .any(|m| matches!(m.author, Author::Caseworker(_)));
    let escalated = !state
        .store()
        .escalations_of_case(&view.public_id)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?
        .is_empty();
    let consent = state
        .store()
        .consent(&view.public_id)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?
        .map(|r| r.consent)
        .unwrap_or_default();
    let Ok(csrf_token) = token.authenticity_token() else {
        return Err(PageError::unavailable(&lang));
    };
    // Bound to this browser's CSRF cookie, and good once; it carries the thread key sealed.
    let token_key = state.secrets().receipt_token_key();
    let followup_token = followup_token::issue(token_key, &view.public_id, &csrf_token);
    let sealed_thread_key = thread_key_seal::seal(token_key, &followup_token, keys.thread_key())
        .ok_or_else(|| PageError::unavailable(&lang))?;
    drop(keys);
    // The consent form gets a token of its own, so each form is good once on its own.
    let consent_token = followup_token::issue(token_key, &view.public_id, &csrf_token);
    let page = StatusPage::framed(
        Frame::new(&lang, "/receipt").showing_keyring(&state),
        view.public_id,
        lang.t(&format!(
            "status-{}",
            view.status.for_reporter(escalated, replied)
        )),
        view.received_day,
        thread,
        csrf_token,
        followup_token,
        sealed_thread_key,
        consent,
        consent_token,
    );
    Ok((token, render(&page)).into_response())
}

/// A message as its reporter sees it: their own follow-ups stay sealed (only the route can
/// open them), replies are decrypted with the codephrase's identity. A message whose thread
/// MAC does not verify was not written by the reporter or the route's caseworkers (the server,
/// or whoever holds its database, added it): it is shown as a warning, never as their words.
/// Largest reply file carried in the page itself, as a download link.
const MAX_INLINE_FILE_BYTES: usize = 8 * 1024 * 1024;

fn thread_entry(lang: &Lang, keys: &ReceiptKeys, message: &StoredMessage) -> ThreadEntry {
    let genuine = keys.thread_key().verifies(
        &message.author,
        message.seq,
        &message.ciphertext,
        message.thread_mac.as_deref(),
    );
    if !genuine {
        return ThreadEntry {
            from: lang.t("thread-from-unknown"),
            day: message.day.clone(),
            text: lang.t("thread-forged"),
            forged: true,
            files: Vec::new(),
        };
    }
    if message.author.is_reporter() {
        return ThreadEntry {
            from: lang.t("thread-from-you"),
            day: message.day.clone(),
            text: lang.t("thread-followup-sealed"),
            forged: false,
            files: Vec::new(),
        };
    }
    let reply = seal::decrypt(
        &message.ciphertext,
        &[keys.identity() as &dyn age::Identity],
    )
    .ok()
    .and_then(|p| Message::from_plaintext(&p, REPLY_FORMAT).ok());
    let Some(reply) = reply else {
        return ThreadEntry {
            from: lang.t("thread-from-caseworker"),
            day: message.day.clone(),
            text: lang.t("thread-unreadable"),
            forged: false,
            files: Vec::new(),
        };
    };
    let mut text = reply.text.clone();
    let (files, too_large): (Vec<&Attachment>, Vec<&Attachment>) = reply
        .attachments
        .iter()
        .partition(|a| a.data.len() <= MAX_INLINE_FILE_BYTES);
    if !too_large.is_empty() {
        // Too large to carry in the page: the page with JavaScript downloads them.
        let names: Vec<&str> = too_large.iter().map(|a| a.name.as_str()).collect();
        let note = lang.t_with("thread-reply-files", &[("names", names.join(", "))]);
        text = format!("{text}\n\n{note}");
    }
    ThreadEntry {
        from: lang.t("thread-from-caseworker"),
        day: message.day.clone(),
        text,
        forged: false,
        files: files
            .into_iter()
            .map(|a| ThreadFile {
                name: a.name.clone(),
                href: format!(
                    "data:application/octet-stream;base64,{}",
                    STANDARD.encode(&a.data)
                ),
                size: human_size(a.data.len()),
            })
            .collect(),
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
    let FollowupForm {
        receipt_token,
        thread_key,
        text,
        attachments,
    } = match read_followup(&mut multipart, &token, &lang, &state).await {
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
    let recipients: Vec<age::x25519::Recipient> = state.route_recipients(route);
    let message = Message::followup(lang.tag(), text, attachments);
    let plaintext = message
        .to_padded_plaintext()
        .map_err(|_| PageError::unavailable(&lang))?;
    drop(message);
    let ciphertext = seal::encrypt_in_slots(&plaintext, &recipients, state.recipient_slots())
        .map_err(|_| PageError::unavailable(&lang))?;
    drop(plaintext);
    let not_found = || PageError::new(StatusCode::NOT_FOUND, &lang, "not-found-text", &[]);
    // The MAC covers the position; a caseworker replying at the same moment may take it, so
    // the follow-up is placed (and its MAC computed) again for the next one.
    let mut seq = state
        .store()
        .next_message_seq(&case_id)
        .await
        .map_err(|e| PageError::not_read(e, &lang))?;
    for _ in 0..3 {
        let mac = thread_key.tag(&Author::Reporter, seq, &ciphertext);
        let outcome = state
            .add_message(
                &case_id,
                &report.route,
                AlertKind::FollowUp,
                NewMessage {
                    author: &Author::Reporter,
                    seq,
                    ciphertext: &ciphertext,
                    thread_mac: &mac,
                },
            )
            .await
            .map_err(|e| PageError::not_stored(e, &lang))?;
        match outcome {
            MessageOutcome::Added(_) => return Ok(followup_sent(&lang)),
            MessageOutcome::NoSuchCase => return Err(not_found()),
            MessageOutcome::PlaceTaken { next } => seq = next,
        }
    }
    Err(PageError::unavailable(&lang))
}

fn followup_sent(lang: &Lang) -> Response {
    let page = MessagePage::new(
        lang,
        "/receipt",
        lang.t("followup-sent-title"),
        lang.t("followup-sent-text"),
        lang.t("receipt-link"),
    );
    (StatusCode::CREATED, render(&page)).into_response()
}

/// A follow-up form's content: its verified token, the reporter's thread key, the words and
/// files.
struct FollowupForm {
    receipt_token: followup_token::Verified,
    thread_key: ThreadKey,
    text: String,
    attachments: Vec<Attachment>,
}

async fn read_followup(
    multipart: &mut Multipart,
    token: &CsrfToken,
    lang: &Lang,
    state: &AppState,
) -> Result<FollowupForm, PageError> {
    let expired = || PageError::new(StatusCode::FORBIDDEN, lang, "error-followup-expired", &[]);
    let mut reader = FormReader::start(multipart, token, lang, state.max_body_bytes()).await?;
    let key = state.secrets().receipt_token_key();
    let mut verified = None;
    let mut receipt_token = None;
    let mut sealed_thread_key = None;
    let mut text = String::new();
    let mut attachments = Vec::new();
    while let Some((name, field)) = reader.next(multipart).await? {
        match name.as_str() {
            "receipt_token" => {
                let value = reader.text(field, &name).await?;
                // `start` has checked the CSRF token, so this browser's own is at hand.
                let browser = token.authenticity_token().map_err(|_| expired())?;
                verified = Some(followup_token::verify(key, &value, &browser).ok_or_else(expired)?);
                receipt_token = Some(value);
            }
            "thread_key" => sealed_thread_key = Some(reader.text(field, &name).await?),
            "text" => text = reader.text(field, &name).await?,
            "attachments" => {
                if let Some(a) = reader.attachment(field).await? {
                    attachments.push(a);
                }
            }
            _ => return Err(unexpected_field(lang, &name)),
        }
    }
    let verified = verified.ok_or_else(expired)?;
    let thread_key = receipt_token
        .zip(sealed_thread_key)
        .and_then(|(token, sealed)| thread_key_seal::open(key, &token, &sealed))
        .ok_or_else(expired)?;
    if text.trim().is_empty() && attachments.is_empty() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            "error-followup-empty",
            &[],
        ));
    }
    Ok(FollowupForm {
        receipt_token: verified,
        thread_key,
        text,
        attachments,
    })
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
