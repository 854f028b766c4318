//! Reading the reporter's multipart forms: the CSRF token first, then each field into one
//! exactly-sized wiping buffer, within the field and total limits. Multipart parts are read
//! into memory, never spooled to temp files, so nothing touches the disk before encryption.

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::StatusCode;
use axum_csrf::CsrfToken;
use zeroize::Zeroizing;

use super::super::failure::PageError;
use crate::envelope::Attachment;
use crate::i18n::{Lang, human_size};

/// Longest accepted text field, in bytes.
const MAX_TEXT_FIELD: usize = 100 * 1024;

/// How a multipart form is read: in the reporter's language, with attachments sharing the
/// configured total.
pub struct FormReader<'a> {
    lang: &'a Lang,
    /// What attachments may still take of the configured total.
    budget: usize,
    max_body: usize,
}

impl<'a> FormReader<'a> {
    /// Reads the CSRF token, which must be the first field: nothing else is read before it
    /// checks out.
    pub async fn start(
        multipart: &mut Multipart,
        token: &CsrfToken,
        lang: &'a Lang,
        max_body: usize,
    ) -> Result<FormReader<'a>, PageError> {
        Self::start_checked(
            multipart,
            |value| token.verify(value).is_ok(),
            lang,
            max_body,
        )
        .await
    }

    /// [`FormReader::start`] with the CSRF check as a function of the token's value (the
    /// fuzz target checks against a fixed value).
    pub async fn start_checked(
        multipart: &mut Multipart,
        csrf_ok: impl FnOnce(&str) -> bool,
        lang: &'a Lang,
        max_body: usize,
    ) -> Result<FormReader<'a>, PageError> {
        let reader = FormReader {
            lang,
            budget: max_body,
            max_body,
        };
        let (name, field) = reader
            .next(multipart)
            .await?
            .ok_or_else(|| csrf_error(lang))?;
        if name != "authenticity_token" {
            return Err(csrf_error(lang));
        }
        let value = read_text(field, lang, &name).await?;
        if !csrf_ok(&value) {
            return Err(csrf_error(lang));
        }
        Ok(reader)
    }

    /// The next field, with its name; `None` at the end of the form.
    pub async fn next<'m>(
        &self,
        multipart: &'m mut Multipart,
    ) -> Result<Option<(String, Field<'m>)>, PageError> {
        match multipart.next_field().await {
            Ok(Some(field)) => Ok(Some((field.name().unwrap_or("").to_owned(), field))),
            Ok(None) => Ok(None),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(too_long(self.lang, "attachments", self.max_body))
            }
            Err(e) => Err(bad_form(self.lang, &e.body_text())),
        }
    }

    /// Reads a text field.
    pub async fn text(&self, field: Field<'_>, name: &str) -> Result<String, PageError> {
        read_text(field, self.lang, name).await
    }

    /// Reads a checkbox: ticked if it sent anything.
    pub async fn checked(&self, field: Field<'_>, name: &str) -> Result<bool, PageError> {
        Ok(!read_text(field, self.lang, name).await?.is_empty())
    }

    /// Reads a file into an attachment, within what is left of the total; `None` for the
    /// empty part an empty file input sends.
    pub async fn attachment(&mut self, field: Field<'_>) -> Result<Option<Attachment>, PageError> {
        read_attachment(field, self.lang, &mut self.budget, self.max_body).await
    }
}

/// A form that could not be read, with what was wrong.
pub fn bad_form(lang: &Lang, detail: &str) -> PageError {
    PageError::new(
        StatusCode::BAD_REQUEST,
        lang,
        "error-bad-form",
        &[("detail", detail.to_owned())],
    )
}

/// A field this form does not have.
pub fn unexpected_field(lang: &Lang, name: &str) -> PageError {
    bad_form(lang, &format!("unexpected field \"{}\"", short(name)))
}

/// The form expired or came from elsewhere.
pub fn csrf_error(lang: &Lang) -> PageError {
    PageError::new(StatusCode::FORBIDDEN, lang, "error-csrf", &[])
}

/// Reads and discards the rest of a multipart body (bounded by the route's hard body limit):
/// a browser whose upload is cut off shows "connection reset" instead of our explanation.
pub async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// Field names echo back to the reporter only in a bounded, printable form.
fn short(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(40)
        .collect()
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

async fn read_text(field: Field<'_>, lang: &Lang, name: &str) -> Result<String, PageError> {
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

async fn read_attachment(
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
