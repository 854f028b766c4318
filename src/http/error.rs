//! What clients see when a request fails: JSON for the API, a translated page for browsers.
//! Each message says what was wrong and what to do next.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::pages::{MessagePage, render};
use crate::i18n::Lang;
use crate::store::StoreError;

/// An API failure: a status, a stable machine code and a sentence for the developer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// Builds an error with an explicit status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
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

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate => ApiError::new(
                StatusCode::CONFLICT,
                "duplicate_receipt",
                "a report with this receipt verifier already exists; generate a new codephrase and submit again",
            ),
            other => {
                tracing::error!(error = %other, "storage failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the report could not be stored and nothing was saved; retry in a few minutes",
                )
            }
        }
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

    /// Storage failed: the reporter must know nothing was saved.
    pub fn from_store(e: StoreError, lang: &Lang) -> Self {
        tracing::error!(error = %e, "storage failed");
        PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            "error-unavailable",
            &[],
        )
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
