//! Messages in a case's thread: a caseworker's reply to the reporter (`safehold.reply.v1`,
//! encrypted to the reporter and the route's caseworkers) and the reporter's follow-up
//! (`safehold.followup.v1`, encrypted to the route's caseworkers). Same canonical JSON and
//! padding as reports.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::report::Attachment;
use super::{EnvelopeError, check_attachments, padded, unpadded};

/// Version tag of replies (caseworker → reporter).
pub const REPLY_FORMAT: &str = "safehold.reply.v1";
/// Version tag of follow-ups (reporter → caseworkers).
pub const FOLLOWUP_FORMAT: &str = "safehold.followup.v1";

/// A reply or follow-up; wiped from memory when dropped.
#[derive(Serialize, Deserialize, Clone, PartialEq, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// [`REPLY_FORMAT`] or [`FOLLOWUP_FORMAT`].
    pub format: String,
    /// BCP 47 language tag.
    pub language: String,
    /// The message, with LF line ends.
    pub text: String,
    /// Attached files.
    pub attachments: Vec<Attachment>,
}

impl Message {
    /// A caseworker's reply.
    pub fn reply(language: impl Into<String>, text: impl Into<String>) -> Message {
        Message::new(REPLY_FORMAT, language.into(), text.into())
    }

    /// A reporter's follow-up.
    pub fn followup(
        language: impl Into<String>,
        text: impl Into<String>,
        attachments: Vec<Attachment>,
    ) -> Message {
        let mut message = Message::new(FOLLOWUP_FORMAT, language.into(), text.into());
        message.attachments = attachments;
        message
    }

    fn new(format: &str, language: String, text: String) -> Message {
        Message {
            format: format.to_owned(),
            language,
            text: text.replace("\r\n", "\n").replace('\r', "\n"),
            attachments: Vec::new(),
        }
    }

    /// Canonical JSON padded to its bucket.
    pub fn to_padded_plaintext(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, EnvelopeError> {
        padded(self)
    }

    /// Parses a decrypted message of the expected `format`.
    pub fn from_plaintext(bytes: &[u8], format: &str) -> Result<Message, EnvelopeError> {
        let message: Message = unpadded(bytes)?;
        if message.format != format {
            return Err(EnvelopeError::UnsupportedFormat);
        }
        check_attachments(&message.attachments)?;
        Ok(message)
    }
}

impl fmt::Debug for Message {
    // Never the words: Debug output reaches logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("format", &self.format)
            .field("text_len", &self.text.len())
            .field("attachments", &self.attachments.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_padded_and_checks_the_format() {
        let reply = Message::reply("en", "We received your report.\r\nWe will call.");
        let bytes = reply.to_padded_plaintext().unwrap();
        assert_eq!(bytes.len(), crate::padding::MIN_BUCKET);
        let back = Message::from_plaintext(&bytes, REPLY_FORMAT).unwrap();
        assert_eq!(back.text, "We received your report.\nWe will call.");
        assert!(Message::from_plaintext(&bytes, FOLLOWUP_FORMAT).is_err());
        assert!(!format!("{back:?}").contains("received"));
    }
}
