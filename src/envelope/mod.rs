//! The versioned plaintext documents inside every ciphertext, and their padding.
//!
//! The browser builds the same bytes in JavaScript, so the encoding is canonical: compact
//! JSON, keys in declaration order, serde_json's string escaping (identical to
//! `JSON.stringify` for valid UTF-8), integers only. `docs/envelope.md` is the contract.
//!
//! Plaintext hygiene: every buffer that holds a serialized report is a `Zeroizing<Vec<u8>>`
//! allocated once at its final size, so no reallocation leaves copies in freed memory.

mod escalation;
mod message;
mod report;
#[cfg(test)]
mod vectors;

use std::io;

use zeroize::Zeroizing;

pub use crate::domain::Consent;
pub use crate::padding::{MIN_BUCKET, padded_len};
pub use escalation::{
    COMMUNICATION_LANGUAGES, ESCALATION_FORMAT, ESCALATION_FORMAT_V1, Escalation, EscalationError,
    JSON_BEGIN, JSON_END, REDACTABLE, REDACTED, Submitter, ThreadEntry,
};
pub use message::{FOLLOWUP_FORMAT, Message, REPLY_FORMAT};
pub use report::{
    Attachment, Channel, REPORT_FORMAT, ReplyTo, Report, ReportFields, RoutingAnswers,
};

/// Why a report could not be encoded or decoded.
///
/// Messages never quote the document: it is plaintext and errors end up in logs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The bytes are not a well-formed report document.
    #[error(
        "the decrypted report is not a valid safehold.report.v1 document ({kind} at line {line}, column {column}); check the sender's envelope encoder against docs/envelope.md"
    )]
    Malformed {
        /// Kind of problem (syntax, data, unexpected end).
        kind: &'static str,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
    /// The document declares a format this version does not read.
    #[error(
        "the decrypted document is not a report in format {REPORT_FORMAT}; upgrade Safehold or check what was encrypted"
    )]
    UnsupportedFormat,
    /// An attachment's bytes do not match its recorded size or SHA-256.
    #[error(
        "attachment number {index} does not match its recorded size and SHA-256; the file was damaged or altered before encryption"
    )]
    AttachmentMismatch {
        /// 1-based position in `attachments`.
        index: usize,
    },
    /// Padding must be ASCII spaces only, after the JSON.
    #[error(
        "the report is followed by bytes other than space padding; it was not made by a Safehold encoder"
    )]
    BadPadding,
    /// Serialization failed (out of memory or an internal inconsistency).
    #[error("the report could not be encoded ({0}); this is a bug in Safehold, please report it")]
    Encode(&'static str),
}

impl Report {
    /// The canonical JSON encoding, without padding.
    pub fn canonical_json(&self) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        let len = canonical_len(self)?;
        serialize_into(self, len, len)
    }

    /// Canonical JSON padded with ASCII spaces (0x20) to [`padded_len`]; still valid JSON, so
    /// the output of `age -d` parses as it is.
    pub fn to_padded_plaintext(&self) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        padded(self)
    }

    /// Parses a decrypted report: trailing space padding is accepted, the format is checked,
    /// and every attachment must match its recorded size and SHA-256.
    pub fn from_plaintext(bytes: &[u8]) -> Result<Report, EnvelopeError> {
        let report: Report = unpadded(bytes)?;
        if report.format != REPORT_FORMAT {
            return Err(EnvelopeError::UnsupportedFormat);
        }
        check_attachments(&report.attachments)?;
        Ok(report)
    }
}

/// Every attachment must match its recorded size and SHA-256.
fn check_attachments(attachments: &[Attachment]) -> Result<(), EnvelopeError> {
    for (i, attachment) in attachments.iter().enumerate() {
        if !attachment.is_intact() {
            return Err(EnvelopeError::AttachmentMismatch { index: i + 1 });
        }
    }
    Ok(())
}

/// Canonical JSON of any document, padded with spaces to its bucket.
fn padded<T: serde::Serialize>(document: &T) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let len = canonical_len(document)?;
    serialize_into(document, len, padded_len(len))
}

/// Parses a padded document: the JSON, then only ASCII spaces.
fn unpadded<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, EnvelopeError> {
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |last| last + 1);
    let json = bytes.get(..end).ok_or(EnvelopeError::BadPadding)?;
    // serde_json would accept trailing tabs or newlines; the padding is spaces only.
    if json.last().is_some_and(|b| b.is_ascii_whitespace()) {
        return Err(EnvelopeError::BadPadding);
    }
    serde_json::from_slice(json).map_err(malformed)
}

/// Length of the canonical encoding, measured without storing it.
fn canonical_len<T: serde::Serialize>(document: &T) -> Result<usize, EnvelopeError> {
    let mut counter = CountingWriter(0);
    serde_json::to_writer(&mut counter, document)
        .map_err(|_| EnvelopeError::Encode("serialization failed"))?;
    Ok(counter.0)
}

/// Serializes into a buffer allocated exactly once with capacity `total`, then pads it with
/// spaces. Growing a `Vec` would copy the plaintext and free the old buffer without wiping
/// it; with the capacity fixed up front, the only copy is the zeroizing one.
fn serialize_into<T: serde::Serialize>(
    document: &T,
    canonical: usize,
    total: usize,
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let mut out = Zeroizing::new(Vec::with_capacity(total));
    let capacity = out.capacity();
    serde_json::to_writer(&mut *out, document)
        .map_err(|_| EnvelopeError::Encode("serialization failed"))?;
    if out.len() != canonical {
        return Err(EnvelopeError::Encode("length changed between passes"));
    }
    out.resize(total, b' ');
    if out.capacity() != capacity {
        return Err(EnvelopeError::Encode("buffer was reallocated"));
    }
    Ok(out)
}

/// Maps a serde_json error to its position only: its message can quote the plaintext.
fn malformed(e: serde_json::Error) -> EnvelopeError {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "wrong field or value",
        serde_json::error::Category::Eof => "unexpected end",
    };
    EnvelopeError::Malformed {
        kind,
        line: e.line(),
        column: e.column(),
    }
}

/// An `io::Write` that only counts, to size the real buffer before any plaintext is stored.
struct CountingWriter(usize);

impl io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 = self
            .0
            .checked_add(buf.len())
            .ok_or_else(|| io::Error::other("length overflow"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report::new(
            "en",
            Channel::Server,
            RoutingAnswers {
                mechanism: Some("special_procedures".into()),
                region: None,
                immediate_danger: Some(true),
            },
            ReportFields {
                what_happened: "Detained after\r\ntestifying.\rAgain.".into(),
                when: "early March 2026".into(),
                location: "Geneva".into(),
                un_engagement: "UPR".into(),
                people_affected: "me".into(),
                contact: String::new(),
            },
            Consent {
                statistics: true,
                ..Consent::default()
            },
            ReplyTo {
                recipient: "age1example".into(),
                thread_key: "AAAA".into(),
            },
            vec![Attachment::new(
                "a.bin",
                "application/octet-stream",
                vec![0, 1, 255],
                false,
            )],
        )
    }

    #[test]
    fn padded_plaintext_round_trips_and_is_padded_with_spaces() {
        let report = sample();
        let canonical = report.canonical_json().unwrap();
        let padded = report.to_padded_plaintext().unwrap();
        assert_eq!(padded.len(), padded_len(canonical.len()));
        assert_eq!(&padded[..canonical.len()], &canonical[..]);
        assert!(padded[canonical.len()..].iter().all(|&b| b == b' '));
        assert_eq!(padded.capacity(), padded.len());
        let parsed = Report::from_plaintext(&padded).unwrap();
        assert_eq!(parsed, report);
        assert_eq!(
            parsed.fields.what_happened,
            "Detained after\ntestifying.\nAgain."
        );
    }

    #[test]
    fn from_plaintext_rejects_wrong_format_tampered_attachment_and_bad_padding() {
        let mut report = sample();
        report.format = "safehold.report.v2".into();
        let bytes = report.canonical_json().unwrap();
        assert!(matches!(
            Report::from_plaintext(&bytes),
            Err(EnvelopeError::UnsupportedFormat)
        ));

        let mut report = sample();
        report.attachments[0].data[0] ^= 1;
        let bytes = report.canonical_json().unwrap();
        assert!(matches!(
            Report::from_plaintext(&bytes),
            Err(EnvelopeError::AttachmentMismatch { index: 1 })
        ));

        let mut bytes = sample().canonical_json().unwrap().to_vec();
        bytes.extend_from_slice(b"  \n  ");
        assert!(matches!(
            Report::from_plaintext(&bytes),
            Err(EnvelopeError::BadPadding)
        ));
        assert!(Report::from_plaintext(b"").is_err());
        assert!(Report::from_plaintext(b"     ").is_err());
    }

    #[test]
    fn errors_and_debug_never_quote_content() {
        let secret = "SECRET-MARKER-7d1f";
        let doc = format!(r#"{{"format":"{secret}","language":1}}"#);
        let err = Report::from_plaintext(doc.as_bytes()).unwrap_err();
        assert!(!err.to_string().contains(secret), "{err}");
        let doc = format!(r#"{{"{secret}":1}}"#);
        let err = Report::from_plaintext(doc.as_bytes()).unwrap_err();
        assert!(!err.to_string().contains(secret), "{err}");

        let mut report = sample();
        report.fields.what_happened = secret.into();
        report.attachments[0].name = secret.into();
        report.routing.region = Some(secret.into());
        let debug = format!("{report:?}");
        assert!(!debug.contains(secret), "{debug}");
    }

    #[test]
    fn unknown_fields_and_missing_keys_are_rejected() {
        let bytes = sample().canonical_json().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let extra = text.replacen("\"language\"", "\"extra\":1,\"language\"", 1);
        assert!(Report::from_plaintext(extra.as_bytes()).is_err());
        let missing = text.replacen("\"language\":\"en\",", "", 1);
        assert!(Report::from_plaintext(missing.as_bytes()).is_err());
    }
}
