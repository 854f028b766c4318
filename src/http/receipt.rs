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
use super::pages::{Frame, ReceiptPage, StatusPage, render};
use crate::crypto::codephrase::{Codephrase, CodephraseError};
use crate::crypto::receipt::{ReceiptKeys, receipt_hash};
use crate::i18n::Lang;

/// `GET /receipt`: the codephrase form.
pub async fn form(lang: Lang, token: CsrfToken) -> Response {
    receipt_form(&lang, token, None, StatusCode::OK)
}

fn receipt_form(
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
    let page = ReceiptPage::framed(Frame::new(lang, "/receipt"), csrf_token, error);
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
    drop(keys);
    match state
        .store()
        .receipt(&hash)
        .await
        .map_err(|e| PageError::from_store(e, &lang))?
    {
        Some(view) => {
            let page = StatusPage::framed(
                Frame::new(&lang, "/receipt"),
                view.public_id,
                lang.t(&format!("status-{}", view.status)),
                view.received_day,
            );
            Ok(render(&page))
        }
        None => Err(
            PageError::new(StatusCode::NOT_FOUND, &lang, "not-found-text", &[]).back_to("/receipt"),
        ),
    }
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
