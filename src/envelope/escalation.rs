//! The escalation package: what a rapporteur receives. Built on the caseworker's machine from
//! the decrypted report and thread, with the fields the caseworker chose replaced by
//! [`REDACTED`], the consent record and the codes; encrypted to the rapporteur's recipients
//! only.
//!
//! - `safehold.escalation.v2` (written now): a human-readable communication first, then the
//!   canonical JSON between two marker lines, then space padding, so that `age -d` and a pager
//!   read well and tools still find the JSON (`docs/envelope.md`).
//! - `safehold.escalation.v1` (still read): the canonical JSON alone, space-padded.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::report::{Attachment, Report, ReportFields};
use zeroize::Zeroizing;

use super::{EnvelopeError, check_attachments, malformed, padded, unpadded};
use crate::domain::Consent;
use crate::padding::padded_len;

/// Version tag of the escalation packages written now.
pub const ESCALATION_FORMAT: &str = "safehold.escalation.v2";

/// Version tag of the first packages (JSON only), still read.
pub const ESCALATION_FORMAT_V1: &str = "safehold.escalation.v1";

/// The line before a v2 package's JSON.
pub const JSON_BEGIN: &str = "-----BEGIN SAFEHOLD ESCALATION JSON-----";

/// The line after a v2 package's JSON.
pub const JSON_END: &str = "-----END SAFEHOLD ESCALATION JSON-----";

/// The languages a communication's headings and fixed text can be written in: those the
/// special procedures work in.
pub const COMMUNICATION_LANGUAGES: &[&str] = &["en", "fr", "es"];

/// Who submits the communication: mandates do not consider anonymous ones. Kept confidential
/// by the mandate; from the operator's `escalation.toml`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct Submitter {
    /// The submitting organisation.
    pub organisation: String,
    /// How the mandate reaches it.
    pub contact: String,
}

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
    /// Files that came with the message (a reporter's follow-up, a caseworker's reply); the
    /// key is left out when there are none, so packages without any read as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
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
    /// v2: the language of the communication's headings and fixed text (one of
    /// [`COMMUNICATION_LANGUAGES`]); the reporter's words stay in `language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication_language: Option<String>,
    /// v2: who submits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<Submitter>,
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
        let no_files = redacted.iter().any(|r| r == "attachments");
        let attachments = if no_files {
            Vec::new()
        } else {
            report.attachments.clone()
        };
        let mut thread = thread;
        // `attachments` leaves out every file of the case: the report's and the thread's.
        if no_files {
            for entry in &mut thread {
                entry.attachments.clear();
            }
        }
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
            communication_language: None,
            submitter: None,
        })
    }

    /// A v1 package: canonical JSON padded to its bucket. Only for packages whose `format` is
    /// [`ESCALATION_FORMAT_V1`]; a v2 package travels with its communication
    /// ([`Escalation::to_padded_plaintext_with`]).
    pub fn to_padded_plaintext(&self) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        if self.format != ESCALATION_FORMAT_V1 {
            return Err(EnvelopeError::Encode(
                "a safehold.escalation.v2 package needs its communication",
            ));
        }
        padded(self)
    }

    /// A v2 package: the human-readable `communication`, the marker line, the canonical JSON,
    /// the end marker, padded with spaces to the bucket of the whole. Written into one buffer
    /// allocated once, so no unwiped copy of the plaintext is left behind.
    pub fn to_padded_plaintext_with(
        &self,
        communication: &str,
    ) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        if self.format != ESCALATION_FORMAT
            || self.communication_language.is_none()
            || self.submitter.is_none()
        {
            return Err(EnvelopeError::Encode(
                "a safehold.escalation.v2 package names its communication language and submitter",
            ));
        }
        if has_marker_line(communication) {
            return Err(EnvelopeError::Encode(
                "the communication may not contain the JSON marker lines",
            ));
        }
        let json = self.canonical_json()?;
        let body = communication.trim_end_matches([' ', '\n']);
        let len = body.len() + 2 + JSON_BEGIN.len() + 1 + json.len() + 1 + JSON_END.len() + 1;
        let total = padded_len(len);
        let mut out = Zeroizing::new(Vec::with_capacity(total));
        let capacity = out.capacity();
        out.extend_from_slice(body.as_bytes());
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(JSON_BEGIN.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&json);
        out.push(b'\n');
        out.extend_from_slice(JSON_END.as_bytes());
        out.push(b'\n');
        out.resize(total, b' ');
        if out.capacity() != capacity {
            return Err(EnvelopeError::Encode("buffer was reallocated"));
        }
        Ok(out)
    }

    /// Canonical JSON, unpadded.
    fn canonical_json(&self) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        let padded = padded(self)?;
        let end = padded
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(0, |last| last + 1);
        Ok(Zeroizing::new(padded[..end].to_vec()))
    }

    /// Parses a decrypted package, v2 or v1.
    pub fn from_plaintext(bytes: &[u8]) -> Result<Escalation, EnvelopeError> {
        Ok(Self::open(bytes)?.0)
    }

    /// Parses a decrypted package: the package and, for v2, its communication text.
    pub fn open(bytes: &[u8]) -> Result<(Escalation, Option<Zeroizing<String>>), EnvelopeError> {
        if bytes.first() == Some(&b'{') {
            let package: Escalation = unpadded(bytes)?;
            if package.format != ESCALATION_FORMAT_V1 {
                return Err(EnvelopeError::UnsupportedFormat);
            }
            package.check_attachments()?;
            return Ok((package, None));
        }
        let end = bytes
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(0, |last| last + 1);
        let text = std::str::from_utf8(&bytes[..end]).map_err(|_| EnvelopeError::BadPadding)?;
        let begin = format!("\n\n{JSON_BEGIN}\n");
        let finish = format!("\n{JSON_END}\n");
        let (communication, rest) = text
            .split_once(begin.as_str())
            .ok_or(EnvelopeError::UnsupportedFormat)?;
        let json = rest
            .strip_suffix(finish.as_str())
            .ok_or(EnvelopeError::BadPadding)?;
        // As written: no trailing blank, and no marker line inside the communication.
        if communication.ends_with([' ', '\n']) || has_marker_line(communication) {
            return Err(EnvelopeError::UnsupportedFormat);
        }
        let package: Escalation = serde_json::from_str(json).map_err(malformed)?;
        if package.format != ESCALATION_FORMAT
            || package.communication_language.is_none()
            || package.submitter.is_none()
        {
            return Err(EnvelopeError::UnsupportedFormat);
        }
        package.check_attachments()?;
        Ok((package, Some(Zeroizing::new(communication.to_owned()))))
    }

    /// Every file the package carries: the report's, then each message's, in thread order.
    pub fn all_attachments(&self) -> impl Iterator<Item = &Attachment> {
        self.attachments
            .iter()
            .chain(self.thread.iter().flat_map(|m| m.attachments.iter()))
    }

    /// Every attachment, the report's and the thread's, must match its size and SHA-256.
    fn check_attachments(&self) -> Result<(), EnvelopeError> {
        check_attachments(&self.attachments)?;
        for entry in &self.thread {
            check_attachments(&entry.attachments)?;
        }
        Ok(())
    }
}

/// Whether `text` has a line that is exactly one of the markers. A reporter's words are
/// indented in the communication, so quoting a marker never makes one.
fn has_marker_line(text: &str) -> bool {
    text.split('\n')
        .any(|line| line == JSON_BEGIN || line == JSON_END)
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
            .field("attachments", &self.all_attachments().count())
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
            .field("attachments", &self.attachments.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Channel, ReplyTo, RoutingAnswers};
    use super::*;

    fn sample_report() -> Report {
        Report::new(
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
        )
    }

    fn v2(package: &mut Escalation) {
        package.communication_language = Some("fr".into());
        package.submitter = Some(Submitter {
            organisation: "Org".into(),
            contact: "org@example.org".into(),
        });
    }

    #[test]
    fn redacts_round_trips_and_refuses_unknown_redactions() {
        let report = sample_report();
        let thread = vec![ThreadEntry {
            seq: 1,
            from: "reporter".into(),
            day: "2026-03-01".into(),
            text: "more".into(),
            attachments: vec![],
        }];
        let codes = BTreeMap::from([("country".to_owned(), vec!["UA".to_owned()])]);
        let mut package = Escalation::from_report(
            "AAAA-BBBB-CCCC",
            &report,
            thread,
            codes,
            &["where".to_owned()],
        )
        .unwrap();
        assert_eq!(package.fields.location, REDACTED);
        assert_eq!(package.fields.what_happened, "detained");
        v2(&mut package);
        let bytes = package.to_padded_plaintext_with("Communication").unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-PLACE"));
        // The reporter's reply channel stays with the route: a package never carries it.
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-THREAD-KEY"));
        assert!(!String::from_utf8_lossy(&bytes).contains("age1reporter"));
        assert_eq!(Escalation::from_plaintext(&bytes).unwrap(), package);
        assert_eq!(bytes.len(), padded_len(bytes.len()));
        assert!(!format!("{package:?}").contains("detained"));
        assert_eq!(
            Escalation::from_report("x", &report, vec![], BTreeMap::new(), &["name".into()]),
            Err(EscalationError::UnknownRedaction("name".into()))
        );
    }

    #[test]
    fn thread_files_travel_unless_attachments_are_redacted_and_are_checked() {
        let file = Attachment::new("scan.pdf", "application/pdf", b"scan".to_vec(), false);
        let thread = || {
            vec![ThreadEntry {
                seq: 1,
                from: "reporter".into(),
                day: "2026-03-01".into(),
                text: "a file".into(),
                attachments: vec![file.clone()],
            }]
        };
        let report = sample_report();
        let mut package =
            Escalation::from_report("A", &report, thread(), BTreeMap::new(), &[]).unwrap();
        v2(&mut package);
        assert_eq!(package.all_attachments().count(), 1);
        let bytes = package.to_padded_plaintext_with("Communication").unwrap();
        assert_eq!(Escalation::from_plaintext(&bytes).unwrap(), package);
        // A file altered after the caseworker built the package is refused.
        let mut altered = package.clone();
        altered.thread[0].attachments[0].data[0] ^= 1;
        let bytes = altered.to_padded_plaintext_with("Communication").unwrap();
        assert!(Escalation::from_plaintext(&bytes).is_err());
        let redacted = Escalation::from_report(
            "A",
            &report,
            thread(),
            BTreeMap::new(),
            &["attachments".to_owned()],
        )
        .unwrap();
        assert_eq!(redacted.all_attachments().count(), 0);
        // Without files, a thread entry is written as before (no `attachments` key).
        let mut plain = redacted.clone();
        v2(&mut plain);
        let bytes = plain.to_padded_plaintext_with("Communication").unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("\"text\":\"a file\",\"attachments\""));
    }

    #[test]
    fn a_v2_package_is_the_communication_then_the_json_and_v1_is_still_read() {
        let mut package = Escalation::from_report(
            "AAAA-BBBB-CCCC",
            &sample_report(),
            vec![],
            BTreeMap::new(),
            &[],
        )
        .unwrap();
        assert_eq!(package.format, ESCALATION_FORMAT);
        // A v2 package names its language and submitter, and travels with its communication.
        assert!(package.to_padded_plaintext_with("text").is_err());
        assert!(package.to_padded_plaintext().is_err());
        v2(&mut package);
        let bytes = package
            .to_padded_plaintext_with("Communication\n1. Victime(s)\n")
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(text.starts_with(
            "Communication\n1. Victime(s)\n\n-----BEGIN SAFEHOLD ESCALATION JSON-----\n{"
        ));
        assert!(
            text.trim_end_matches(' ')
                .ends_with("\n-----END SAFEHOLD ESCALATION JSON-----\n")
        );
        let (opened, communication) = Escalation::open(&bytes).unwrap();
        assert_eq!(opened, package);
        assert_eq!(
            communication.unwrap().as_str(),
            "Communication\n1. Victime(s)"
        );
        // The communication cannot fake the JSON that follows it.
        let forged = format!("x\n\n{JSON_BEGIN}\n{{}}\n{JSON_END}\n");
        assert!(package.to_padded_plaintext_with(&forged).is_err());
        // A reporter who quotes a marker (indented, as the communication quotes them) does
        // not stop the package.
        let quoting = format!("Words:\n  {JSON_BEGIN}\n  {{}}\n  {JSON_END}");
        let bytes = package.to_padded_plaintext_with(&quoting).unwrap();
        let (opened, text) = Escalation::open(&bytes).unwrap();
        assert_eq!(
            (opened, text.unwrap().as_str()),
            (package.clone(), quoting.as_str())
        );
        // Only what a writer makes parses, so every parsed package re-encodes (the fuzz
        // target `escalation` checks this on arbitrary bytes).
        let json = String::from_utf8(padded(&package).unwrap().to_vec()).unwrap();
        let json = json.trim_end();
        for odd in [
            format!("x\n\n\n{JSON_BEGIN}\n{json}\n{JSON_END}\n"),
            format!("x \n\n{JSON_BEGIN}\n{json}\n{JSON_END}\n"),
            format!("{JSON_END}\n\n{JSON_BEGIN}\n{json}\n{JSON_END}\n"),
        ] {
            assert!(Escalation::open(odd.as_bytes()).is_err(), "{odd}");
        }
        let fine = format!("x\n\n{JSON_BEGIN}\n{json}\n{JSON_END}\n");
        let (parsed, text) = Escalation::open(fine.as_bytes()).unwrap();
        let again = parsed
            .to_padded_plaintext_with(text.as_ref().unwrap())
            .unwrap();
        assert_eq!(Escalation::open(&again).unwrap().0, parsed);
        // Anything after the end marker but padding is refused.
        let mut tail = bytes.to_vec();
        let last = tail.len() - 1;
        tail[last] = b'x';
        assert!(Escalation::open(&tail).is_err());

        // v1: JSON alone.
        let mut old = Escalation::from_report(
            "AAAA-BBBB-CCCC",
            &sample_report(),
            vec![],
            BTreeMap::new(),
            &[],
        )
        .unwrap();
        old.format = ESCALATION_FORMAT_V1.into();
        let bytes = old.to_padded_plaintext().unwrap();
        let (opened, communication) = Escalation::open(&bytes).unwrap();
        assert_eq!(opened, old);
        assert!(communication.is_none());
        // A v2 tag on JSON alone, or a v1 tag after a communication, is not a package.
        let mut mixed = old.clone();
        mixed.format = ESCALATION_FORMAT.into();
        v2(&mut mixed);
        let json_only = padded(&mixed).unwrap();
        assert!(Escalation::open(&json_only).is_err());
    }
}
