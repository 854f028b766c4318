//! The `safehold.report.v1` document: the plaintext inside every report ciphertext.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::domain::Consent;

/// Version tag of the report document; readers refuse any other value.
pub const REPORT_FORMAT: &str = "safehold.report.v1";

/// How the report was encrypted, so a caseworker knows whether the server saw the plaintext.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Encrypted in the reporter's browser (JavaScript on): the server never saw it.
    Browser,
    /// Encrypted by the server from a plain form post (JavaScript off).
    Server,
    /// Encrypted by `safehold submit` or a partner tool.
    Cli,
}

/// The coarse routing answers, also copied inside the ciphertext so the case keeps them.
///
/// `None` serializes as `null` (the key is kept) so the document shape never varies.
#[derive(Serialize, Deserialize, Clone, PartialEq, Default, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct RoutingAnswers {
    /// UN mechanism engaged, as a taxonomy code.
    pub mechanism: Option<String>,
    /// Region, as a taxonomy code.
    pub region: Option<String>,
    /// Whether the reporter said someone is in immediate danger.
    pub immediate_danger: Option<bool>,
}

/// The reporter's own words, field by field.
#[derive(Serialize, Deserialize, Clone, PartialEq, Default, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct ReportFields {
    /// What happened.
    pub what_happened: String,
    /// When, in free text ("early March 2026").
    pub when: String,
    /// Where it happened.
    #[serde(rename = "where")]
    pub location: String,
    /// Which UN mechanism or body they cooperated with, in their words.
    pub un_engagement: String,
    /// Who was affected.
    pub people_affected: String,
    /// How, or whether, they want to be contacted; may be empty.
    pub contact: String,
}

/// A file attached to a report, with its digest so the reader can check it arrived intact.
#[derive(Serialize, Deserialize, Clone, PartialEq, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// File name as the reporter gave it.
    pub name: String,
    /// Media type, e.g. `image/jpeg`.
    pub media_type: String,
    /// SHA-256 of `data`, lowercase hex.
    pub sha256: String,
    /// Length of `data` in bytes.
    pub size: u64,
    /// The bytes; standard base64 with padding in JSON.
    #[serde(serialize_with = "ser_base64", deserialize_with = "de_base64")]
    pub data: Vec<u8>,
    /// Whether metadata (EXIF, PDF info) was removed before encryption.
    pub metadata_stripped: bool,
}

/// What the route's caseworkers need to answer the reporter. It travels only inside the
/// ciphertext: the server stores neither the recipient nor the key, so a seized database
/// cannot be searched with a known codephrase, and the server cannot forge a reply.
#[derive(Serialize, Deserialize, Clone, PartialEq, Default, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct ReplyTo {
    /// The reporter's X25519 age recipient (`age1…`), derived from the codephrase: replies
    /// are encrypted to it.
    pub recipient: String,
    /// The thread key derived from the codephrase, standard base64 of 32 bytes: every reply
    /// carries a MAC under it (`docs/receipt-derivation.md`).
    pub thread_key: String,
}

/// One report as the reporter wrote it; wiped from memory when dropped.
#[derive(Serialize, Deserialize, Clone, PartialEq, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Always [`REPORT_FORMAT`].
    pub format: String,
    /// BCP 47 language tag of the reporter's interface, e.g. `en`.
    pub language: String,
    /// How the report was encrypted.
    #[zeroize(skip)]
    pub channel: Channel,
    /// The coarse routing answers.
    pub routing: RoutingAnswers,
    /// The reporter's words.
    pub fields: ReportFields,
    /// Consent per purpose.
    pub consent: Consent,
    /// Where replies go and how they are authenticated.
    pub reply_to: ReplyTo,
    /// Attached files.
    pub attachments: Vec<Attachment>,
}

impl Report {
    /// Builds a report; normalises line endings in `fields` (see [`ReportFields::normalized`]).
    pub fn new(
        language: impl Into<String>,
        channel: Channel,
        routing: RoutingAnswers,
        fields: ReportFields,
        consent: Consent,
        reply_to: ReplyTo,
        attachments: Vec<Attachment>,
    ) -> Self {
        Report {
            format: REPORT_FORMAT.to_owned(),
            language: language.into(),
            channel,
            routing,
            fields: fields.normalized(),
            consent,
            reply_to,
            attachments,
        }
    }
}

impl ReportFields {
    /// The fields with the labels every reader shows them under, in form order.
    pub fn labelled(&self) -> [(&'static str, &str); 6] {
        [
            ("What happened", &self.what_happened),
            ("When", &self.when),
            ("Where", &self.location),
            ("UN engagement", &self.un_engagement),
            ("People affected", &self.people_affected),
            ("Contact", &self.contact),
        ]
    }

    /// Turns CRLF and lone CR into LF in every field.
    ///
    /// Browsers submit textareas with CRLF while JavaScript's `textarea.value` has LF; both
    /// sides normalise so the server and the browser produce the same bytes.
    #[must_use]
    pub fn normalized(mut self) -> Self {
        for field in [
            &mut self.what_happened,
            &mut self.when,
            &mut self.location,
            &mut self.un_engagement,
            &mut self.people_affected,
            &mut self.contact,
        ] {
            normalize_newlines(field);
        }
        self
    }
}

/// Rewrites CRLF and lone CR as LF in place. The result is never longer, so the buffer is
/// reused and no copy of the text is left in freed memory.
fn normalize_newlines(text: &mut String) {
    if !text.contains('\r') {
        return;
    }
    let mut bytes = std::mem::take(text).into_bytes();
    let mut write = 0;
    let mut read = 0;
    while read < bytes.len() {
        let b = bytes[read];
        if b == b'\r' {
            bytes[write] = b'\n';
            if bytes.get(read + 1) == Some(&b'\n') {
                read += 1;
            }
        } else {
            bytes[write] = b;
        }
        write += 1;
        read += 1;
    }
    // Wipe the tail before shortening, so the dropped bytes do not linger.
    bytes[write..].zeroize();
    bytes.truncate(write);
    // Only ASCII CR/LF bytes were changed or removed, so the bytes are still UTF-8; the
    // fallback (never taken) keeps the function total without panicking.
    *text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let mut bytes = e.into_bytes();
            bytes.zeroize();
            String::new()
        }
    };
}

impl Attachment {
    /// Wraps a file, computing its SHA-256 and size so the reader can verify it.
    pub fn new(
        name: impl Into<String>,
        media_type: impl Into<String>,
        data: Vec<u8>,
        metadata_stripped: bool,
    ) -> Self {
        let sha256 = hex::encode(Sha256::digest(&data));
        Attachment {
            name: name.into(),
            media_type: media_type.into(),
            sha256,
            size: data.len() as u64,
            data,
            metadata_stripped,
        }
    }

    /// Whether `sha256` and `size` describe `data`.
    pub(crate) fn is_intact(&self) -> bool {
        self.size == self.data.len() as u64
            && self.sha256 == hex::encode(Sha256::digest(&self.data))
    }
}

// Debug prints shapes, never content: reports end up in panics and logs.

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("format", &self.format.len())
            .field("language", &self.language.len())
            .field("channel", &self.channel)
            .field("routing", &self.routing)
            .field("fields", &self.fields)
            .field("consent", &"<redacted>")
            .field("reply_to", &"<redacted>")
            .field("attachments", &self.attachments)
            .finish()
    }
}

impl fmt::Debug for RoutingAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoutingAnswers")
            .field("mechanism", &self.mechanism.as_ref().map(String::len))
            .field("region", &self.region.as_ref().map(String::len))
            .field(
                "immediate_danger",
                &self.immediate_danger.map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl fmt::Debug for ReportFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportFields (lengths)")
            .field("what_happened", &self.what_happened.len())
            .field("when", &self.when.len())
            .field("where", &self.location.len())
            .field("un_engagement", &self.un_engagement.len())
            .field("people_affected", &self.people_affected.len())
            .field("contact", &self.contact.len())
            .finish()
    }
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment (lengths)")
            .field("name", &self.name.len())
            .field("media_type", &self.media_type.len())
            .field("size", &self.data.len())
            .finish()
    }
}

/// Writes base64 straight into the JSON output, without an intermediate `String`.
fn ser_base64<S: Serializer>(data: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&base64::display::Base64Display::new(data, &STANDARD))
}

/// Decodes canonical, padded standard base64 straight from the input.
fn de_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("standard base64 with padding")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
            // The message names the problem, never the bytes.
            STANDARD
                .decode(v)
                .map_err(|_| E::custom("attachment data is not canonical padded base64"))
        }
    }
    deserializer.deserialize_str(Visitor)
}
