//! The one place where failures become answers: JSON (`wire::ErrorBody`) for API clients, a
//! translated page for browsers. Handlers return [`ApiError`] or [`PageError`]; what any
//! request can meet (no such page, a rate limit, a storage outage, a panic) is a [`Failure`],
//! answered in the form of the [`Client`] that asked.
//!
//! Each message says what was wrong and what to do next.

use axum::Form;
use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use axum_csrf::CsrfToken;

use super::pages::{MessagePage, render};
use crate::i18n::Lang;
use crate::store::StoreError;
use crate::wire::{ErrorBody, ErrorDetail};

/// Who is asking, which decides the form of an answer.
#[derive(Debug, Clone)]
pub enum Client {
    /// A program on `/api/…`: JSON.
    Api,
    /// A person in a browser: a page in their language.
    Browser(Lang),
}

impl Client {
    /// The client of a request, from its path and language preferences.
    pub fn of(uri: &Uri, headers: &HeaderMap) -> Client {
        if uri.path().starts_with("/api/") {
            Client::Api
        } else {
            Client::Browser(Lang::of_request(uri, headers))
        }
    }
}

/// What any request can meet, whatever its handler.
#[derive(Debug)]
pub enum Failure {
    /// No such page or endpoint.
    NotFound,
    /// The path exists, the method does not.
    MethodNotAllowed(Method),
    /// Over a rate limit: retry after this many seconds.
    RateLimited(u64),
    /// Too many reports are waiting to be stored: retry after this many seconds.
    Busy(u64),
    /// The database could not be read; nothing was changed.
    StorageRead(StoreError),
    /// The database could not store what was sent; nothing was saved.
    StorageWrite(StoreError),
    /// A handler panicked.
    Unexpected,
}

impl Failure {
    /// The answer for `client`.
    pub fn respond(self, client: &Client) -> Response {
        match client {
            Client::Api => ApiError::from(self).into_response(),
            Client::Browser(lang) => PageError::from_failure(self, lang).into_response(),
        }
    }
}

/// An API failure: a status, a stable machine code and a sentence for the developer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    /// Builds an error with an explicit status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422: well-formed, but a value is not acceptable.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 403: not for the caller.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 503: the server could not complete a step that needs no storage (randomness,
    /// encryption).
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the server could not complete this; retry shortly",
        )
    }

    /// Storage failed while saving what the client sent: nothing was saved.
    pub fn not_stored(e: StoreError) -> Self {
        Failure::StorageWrite(e).into()
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint; see /api/v1/routes",
            ),
            Failure::MethodNotAllowed(method) => ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("{method} is not accepted here"),
            ),
            Failure::RateLimited(seconds) => ApiError {
                retry_after: Some(seconds),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("too many requests; retry after {seconds} seconds"),
                )
            },
            Failure::Busy(seconds) => ApiError {
                retry_after: Some(seconds),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    format!(
                        "the server is storing as many reports as it can and nothing was saved; send the same request again after {seconds} seconds"
                    ),
                )
            },
            Failure::StorageWrite(StoreError::Duplicate) => ApiError::new(
                StatusCode::CONFLICT,
                "duplicate_receipt",
                "a report with this receipt verifier already exists; generate a new codephrase and submit again",
            ),
            Failure::StorageWrite(e) => {
                tracing::error!(error = %e, "storage failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the report could not be stored and nothing was saved; retry in a few minutes",
                )
            }
            Failure::StorageRead(e) => {
                tracing::error!(error = %e, "storage failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the service cannot reach its database just now and nothing was changed; retry in a few minutes",
                )
            }
            Failure::Unexpected => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "internal",
                "the server hit an unexpected problem and saved nothing; retry in a few minutes",
            ),
        }
    }
}

/// A storage failure under `?` is a failed read unless the handler says it was a write
/// ([`ApiError::not_stored`]); a unique-key clash is a write's in any case.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate => Failure::StorageWrite(e).into(),
            other => Failure::StorageRead(other).into(),
        }
    }
}

/// Turns a JSON body rejection into an answer that says what to send instead.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "the request body is larger than the server accepts; see max_ciphertext_bytes in /api/v1/routes",
                )
            }
            other => ApiError::bad_request(
                "bad_json",
                format!("the body is not the expected JSON: {}", other.body_text()),
            ),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::bad_request("bad_query", rejection.body_text())
    }
}

/// A failure on a reporter page, rendered in the reporter's language.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    lang: Lang,
    message: String,
    back_href: &'static str,
    retry_after: Option<u64>,
}

impl PageError {
    /// A reporter page's urlencoded form, checked: its content type and fields (a 415 or 400
    /// page otherwise) and its CSRF double submit against this browser's cookie (403). Every
    /// page that answers sends the reporter back to `back`.
    pub fn checked_form<T>(
        form: Result<Form<T>, FormRejection>,
        token: &CsrfToken,
        authenticity_token: impl FnOnce(&T) -> &str,
        lang: &Lang,
        back: &'static str,
    ) -> Result<T, PageError> {
        let Form(form) = form.map_err(|e| match e {
            FormRejection::InvalidFormContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                lang,
                "error-content-type",
                &[],
            )
            .back_to(back),
            other => Self::new(
                StatusCode::BAD_REQUEST,
                lang,
                "error-bad-form",
                &[("detail", other.body_text())],
            )
            .back_to(back),
        })?;
        if token.verify(authenticity_token(&form)).is_err() {
            return Err(Self::new(StatusCode::FORBIDDEN, lang, "error-csrf", &[]).back_to(back));
        }
        Ok(form)
    }

    /// An error whose message is the translation of `message_id` with `args`.
    pub fn new(status: StatusCode, lang: &Lang, message_id: &str, args: &[(&str, String)]) -> Self {
        PageError {
            status,
            lang: lang.clone(),
            message: lang.t_with(message_id, args),
            back_href: "/",
            retry_after: None,
        }
    }

    /// 503: the server could not complete a step that needs no storage (randomness, the
    /// key derivation, encryption); nothing was saved.
    pub fn unavailable(lang: &Lang) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            "error-unavailable",
            &[],
        )
    }

    /// Storage failed while saving what the reporter sent: nothing was saved.
    pub fn not_stored(e: StoreError, lang: &Lang) -> Self {
        Self::from_failure(Failure::StorageWrite(e), lang)
    }

    /// Storage failed while reading: nothing was changed.
    pub fn not_read(e: StoreError, lang: &Lang) -> Self {
        Self::from_failure(Failure::StorageRead(e), lang)
    }

    /// The page for a failure any request can meet.
    pub fn from_failure(failure: Failure, lang: &Lang) -> Self {
        match failure {
            Failure::NotFound => Self::new(StatusCode::NOT_FOUND, lang, "error-not-found", &[]),
            Failure::MethodNotAllowed(_) => {
                Self::new(StatusCode::METHOD_NOT_ALLOWED, lang, "error-method", &[])
            }
            Failure::RateLimited(seconds) => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                lang,
                "error-rate-limited",
                &[("seconds", seconds.to_string())],
            )
            .retry_after(seconds),
            Failure::Busy(seconds) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                "error-busy",
                &[("seconds", seconds.to_string())],
            )
            .retry_after(seconds),
            Failure::StorageWrite(e) => {
                tracing::error!(error = %e, "storage failed");
                Self::unavailable(lang)
            }
            Failure::StorageRead(e) => {
                tracing::error!(error = %e, "storage failed");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    lang,
                    "error-unavailable-read",
                    &[],
                )
            }
            Failure::Unexpected => Self::unavailable(lang),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Points the "back" link at another page.
    pub fn back_to(mut self, href: &'static str) -> Self {
        self.back_href = href;
        self
    }

    /// Adds `Retry-After` (rate limits).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = MessagePage::new(
            &self.lang,
            self.back_href,
            self.lang.t("error-title"),
            self.message,
            self.lang.t("error-back"),
        );
        let mut response = (self.status, render(&page)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
