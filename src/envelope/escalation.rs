//! The `safehold.escalation.v1` document: what a rapporteur receives. Built on the
//! caseworker's machine from the decrypted report and thread, with the fields the caseworker
//! chose replaced by [`REDACTED`], the consent record and the codes. Same canonical JSON and
//! padding as reports; encrypted to the rapporteur's recipients only.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::report::{Attachment, Report, ReportFields};
use super::{EnvelopeError, check_attachments, padded, unpadded};
use crate::domain::Consent;

/// Version tag of escalation packages.
pub const ESCALATION_FORMAT: &str = "safehold.escalation.v1";

/// What replaces a redacted text.
pub const REDACTED: &str = "[redacted]";

/// What `--redact` accepts: the report's text fields (by their JSON names), `attachments`
/// (all of them are left out) and `thread` (every message's text is replaced).
pub const REDACTABLE: &[&str] = &[
    "what_happened",
    "when",
    "where",
    "un_engagement",
    "people_affected",
    "contact",
    "attachments",
    "thread",
];

/// One message of the case's thread, as the caseworker decrypted it.
#[derive(Serialize, Deserialize, Clone, PartialEq, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct ThreadEntry {
    /// Position in the thread.
    pub seq: i64,
    /// `reporter` or `caseworker/<name>`.
    pub from: String,
    /// Day it was added.
    pub day: String,
    /// The text.
    pub text: String,
}

/// An escalation package; wiped from memory when dropped.
#[derive(Serialize, Deserialize, Clone, PartialEq, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Always [`ESCALATION_FORMAT`].
    pub format: String,
    /// The case's public id.
    pub case_id: String,
    /// Language of the report.
    pub language: String,
    /// The reporter's words, redacted fields replaced by [`REDACTED`].
    pub fields: ReportFields,
    /// Attached files (none when `attachments` is redacted).
    pub attachments: Vec<Attachment>,
    /// The thread (texts replaced by [`REDACTED`] when `thread` is redacted).
    pub thread: Vec<ThreadEntry>,
    /// What was redacted, from [`REDACTABLE`], sorted.
    pub redacted: Vec<String>,
    /// The reporter's consent per purpose.
    pub consent: Consent,
    /// The case's codes, field → codes (restricted fields left out).
    #[zeroize(skip)]
    pub codes: BTreeMap<String, Vec<String>>,
}

impl Escalation {
    /// Builds a package from a decrypted report. `redact` must name entries of
    /// [`REDACTABLE`]; anything else is refused before any content is copied.
    pub fn from_report(
        case_id: &str,
        report: &Report,
        thread: Vec<ThreadEntry>,
        codes: BTreeMap<String, Vec<String>>,
        redact: &[String],
    ) -> Result<Escalation, EscalationError> {
        let mut redacted: Vec<String> = Vec::new();
        for r in redact {
            if !REDACTABLE.contains(&r.as_str()) {
                return Err(EscalationError::UnknownRedaction(r.clone()));
            }
            if !redacted.contains(r) {
                redacted.push(r.clone());
            }
        }
        redacted.sort();
        let hide = |name: &str, text: &String| {
            if redacted.iter().any(|r| r == name) {
                REDACTED.to_owned()
            } else {
                text.clone()
            }
        };
        let f = &report.fields;
        let fields = ReportFields {
            what_happened: hide("what_happened", &f.what_happened),
            when: hide("when", &f.when),
            location: hide("where", &f.location),
            un_engagement: hide("un_engagement", &f.un_engagement),
            people_affected: hide("people_affected", &f.people_affected),
            contact: hide("contact", &f.contact),
        };
        let attachments = if redacted.iter().any(|r| r == "attachments") {
            Vec::new()
        } else {
            report.attachments.clone()
        };
        let mut thread = thread;
        if redacted.iter().any(|r| r == "thread") {
            for entry in &mut thread {
                entry.text.zeroize();
                entry.text = REDACTED.to_owned();
            }
        }
        Ok(Escalation {
            format: ESCALATION_FORMAT.to_owned(),
            case_id: case_id.to_owned(),
            language: report.language.clone(),
            fields,
            attachments,
            thread,
            redacted,
            consent: report.consent,
            codes,
        })
    }

    /// Canonical JSON padded to its bucket.
    pub fn to_padded_plaintext(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, EnvelopeError> {
        padded(self)
    }

    /// Parses a decrypted package.
    pub fn from_plaintext(bytes: &[u8]) -> Result<Escalation, EnvelopeError> {
        let package: Escalation = unpadded(bytes)?;
        if package.format != ESCALATION_FORMAT {
            return Err(EnvelopeError::UnsupportedFormat);
        }
        check_attachments(&package.attachments)?;
        Ok(package)
    }
}

/// Why a package could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EscalationError {
    /// `--redact` named something that is not redactable.
    #[error("cannot redact `{0}`; redactable: {list}", list = REDACTABLE.join(", "))]
    UnknownRedaction(String),
}

impl fmt::Debug for Escalation {
    // Never the words: Debug output reaches logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Escalation")
            .field("format", &self.format)
            .field("case_id", &self.case_id)
            .field("attachments", &self.attachments.len())
            .field("thread", &self.thread.len())
            .field("redacted", &self.redacted)
            .finish()
    }
}

impl fmt::Debug for ThreadEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadEntry")
            .field("seq", &self.seq)
            .field("text_len", &self.text.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Channel, ReplyTo, RoutingAnswers};
    use super::*;

    #[test]
    fn redacts_round_trips_and_refuses_unknown_redactions() {
        let report = Report::new(
            "en",
            Channel::Cli,
            RoutingAnswers::default(),
            {
                let mut fields = ReportFields::default();
                fields.what_happened = "detained".into();
                fields.location = "SECRET-PLACE".into();
                fields
            },
            Consent {
                named_mechanism: true,
                ..Consent::default()
            },
            ReplyTo {
                recipient: "age1reporter".into(),
                thread_key: "SECRET-THREAD-KEY".into(),
            },
            vec![],
        );
        let thread = vec![ThreadEntry {
            seq: 1,
            from: "reporter".into(),
            day: "2026-03-01".into(),
            text: "more".into(),
        }];
        let codes = BTreeMap::from([("country".to_owned(), vec!["UA".to_owned()])]);
        let package = Escalation::from_report(
            "AAAA-BBBB-CCCC",
            &report,
            thread,
            codes,
            &["where".to_owned()],
        )
        .unwrap();
        assert_eq!(package.fields.location, REDACTED);
        assert_eq!(package.fields.what_happened, "detained");
        let bytes = package.to_padded_plaintext().unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-PLACE"));
        // The reporter's reply channel stays with the route: a package never carries it.
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-THREAD-KEY"));
        assert!(!String::from_utf8_lossy(&bytes).contains("age1reporter"));
        assert_eq!(Escalation::from_plaintext(&bytes).unwrap(), package);
        assert!(!format!("{package:?}").contains("detained"));
        assert_eq!(
            Escalation::from_report("x", &report, vec![], BTreeMap::new(), &["name".into()]),
            Err(EscalationError::UnknownRedaction("name".into()))
        );
    }
}
