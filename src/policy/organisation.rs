//! `organisation.toml`: who runs this Safehold, in the words every reporter page shows: the
//! organisation's name, how soon a reporter should come back for an answer, where someone in
//! immediate danger turns now (this service answers in days, not minutes), and where to report
//! a vulnerability (served as `/.well-known/security.txt`, RFC 9116).
//!
//! Every deployment writes its own: outside demo mode a policy directory without one is
//! refused ([`crate::server::load_keys_and_policy`]), since a reporter in danger must never
//! meet a page that names nobody. In demo mode a directory without one gets the DEMO file,
//! compiled in, whose every value says it is a demonstration.
//!
//! Holds names and contacts only, never report content. Values are shown as text (escaped by
//! the templates); those that go into `security.txt` lines are refused if they could break a
//! line.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{PolicyError, Problem};

/// The DEMO organisation, for demo runs whose policy directory has no `organisation.toml`.
const DEMO: &str = include_str!("../../policy/DEMO/organisation.toml");

/// Longest name or contact line, in characters: it has to fit a phone's screen.
const MAX_TEXT: usize = 200;

/// The validated `organisation.toml`.
#[derive(Clone, Debug)]
pub struct Organisation {
    /// Who runs the service, as reporters know it.
    pub name: String,
    /// After how many days a reporter should look for an answer on the receipt page.
    pub check_back_days: u16,
    /// Where someone in immediate danger turns now, in file order (at least one).
    pub urgent_contacts: Vec<UrgentContact>,
    /// Where to report a vulnerability in this deployment.
    pub security: SecurityContact,
    /// Whether these are the shipped DEMO values rather than the operator's file.
    pub shipped_demo: bool,
}

/// One place to turn in immediate danger.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgentContact {
    /// Who it is ("Front desk of the national human rights institution").
    pub name: String,
    /// How to reach them, and when (a phone number, an address, hours).
    pub how: String,
}

/// The fields of `/.well-known/security.txt`.
#[derive(Clone, Debug)]
pub struct SecurityContact {
    /// `Contact:` URIs (`mailto:`, `https://` or `tel:`), in order of preference.
    pub contact: Vec<String>,
    /// `Expires:`, after which the contacts are to be treated as stale.
    pub expires: OffsetDateTime,
    /// `Preferred-Languages:` tags (may be empty).
    pub preferred_languages: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: String,
    check_back_days: u16,
    #[serde(default)]
    urgent_contact: Vec<UrgentContact>,
    security: RawSecurity,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecurity {
    contact: Vec<String>,
    expires: String,
    #[serde(default)]
    preferred_languages: Vec<String>,
}

/// Path of the file in a policy directory.
pub fn organisation_path(dir: &Path) -> PathBuf {
    dir.join("organisation.toml")
}

impl Organisation {
    /// Loads `dir/organisation.toml`, or the shipped DEMO values when there is none (which
    /// only a demo run accepts: see [`Organisation::shipped_demo`]).
    pub fn load(dir: &Path) -> Result<Organisation, PolicyError> {
        let path = organisation_path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Organisation {
                shipped_demo: true,
                ..Self::parse(DEMO, Path::new("policy/DEMO/organisation.toml (built-in)"))?
            }),
            Err(source) => Err(PolicyError::Read { path, source }),
        }
    }

    /// Parses and checks the file's text; every problem is listed.
    pub fn parse(text: &str, path: &Path) -> Result<Organisation, PolicyError> {
        let raw: RawOrganisation = toml::from_str(text).map_err(|e| PolicyError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut problems = Vec::new();
        if let Some(problem) = text_problem(&raw.name) {
            problems.push(problem.about("field `name`"));
        }
        if !(1..=60).contains(&raw.check_back_days) {
            problems.push(
                Problem::new(format!(
                    "{} is not between 1 and 60: say after how many days a reporter should look for an answer",
                    raw.check_back_days
                ))
                .about("field `check_back_days`"),
            );
        }
        if raw.urgent_contact.is_empty() {
            problems.push(Problem::new(
                "no [[urgent_contact]]: list at least one place a reporter in immediate danger can turn to now, with `name` and `how`",
            ));
        }
        for (i, contact) in raw.urgent_contact.iter().enumerate() {
            for (field, value) in [("name", &contact.name), ("how", &contact.how)] {
                if let Some(problem) = text_problem(value) {
                    problems.push(
                        problem.about(format!("[[urgent_contact]] {}, field `{field}`", i + 1)),
                    );
                }
            }
        }
        let security = &raw.security;
        if security.contact.is_empty() {
            problems.push(
                Problem::new("no contact: give at least one mailto:, https:// or tel: address for vulnerability reports")
                    .about("[security], field `contact`"),
            );
        }
        for contact in &security.contact {
            if let Some(problem) = contact_problem(contact) {
                problems.push(problem.about("[security], field `contact`"));
            }
        }
        let expires = OffsetDateTime::parse(&security.expires, &Rfc3339);
        if expires.is_err() {
            problems.push(
                Problem::new(format!(
                    "{:?} is not a date and time such as \"2027-01-31T00:00:00Z\" (RFC 3339)",
                    security.expires
                ))
                .about("[security], field `expires`"),
            );
        }
        for tag in &security.preferred_languages {
            let ok = (1..=35).contains(&tag.len())
                && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !ok {
                problems.push(
                    Problem::new(format!(
                        "{tag:?} is not a language tag such as \"en\" or \"pt-BR\""
                    ))
                    .about("[security], field `preferred_languages`"),
                );
            }
        }
        match expires {
            Ok(expires) if problems.is_empty() => Ok(Organisation {
                name: raw.name.trim().to_owned(),
                check_back_days: raw.check_back_days,
                urgent_contacts: raw
                    .urgent_contact
                    .into_iter()
                    .map(|c| UrgentContact {
                        name: c.name.trim().to_owned(),
                        how: c.how.trim().to_owned(),
                    })
                    .collect(),
                security: SecurityContact {
                    contact: raw.security.contact,
                    expires: expires.to_offset(time::UtcOffset::UTC),
                    preferred_languages: raw.security.preferred_languages,
                },
                shipped_demo: false,
            }),
            _ => Err(PolicyError::invalid(path, problems)),
        }
    }

    /// Whether `security.txt` has passed its `Expires` date at `now` (its contacts are then
    /// stale for whoever reads it: the operator should confirm them and set a new date).
    pub fn security_expired(&self, now: OffsetDateTime) -> bool {
        self.security.expires <= now
    }
}

/// What is wrong with a text shown on every page, if anything.
fn text_problem(value: &str) -> Option<Problem> {
    if value.trim().is_empty() {
        Some(Problem::new("is empty: fill it in"))
    } else if value.chars().count() > MAX_TEXT {
        Some(Problem::new(format!(
            "is longer than {MAX_TEXT} characters: shorten it, it is shown on small phones"
        )))
    } else if value.chars().any(char::is_control) {
        Some(Problem::new(
            "holds a control character (a line break, a tab): write it on one line",
        ))
    } else {
        None
    }
}

/// What is wrong with a `security.txt` contact, if anything.
fn contact_problem(contact: &str) -> Option<Problem> {
    let scheme_ok = ["mailto:", "https://", "tel:"]
        .iter()
        .any(|scheme| contact.len() > scheme.len() && contact.starts_with(scheme));
    if !scheme_ok {
        Some(Problem::new(format!(
            "{contact:?} is not an address starting with mailto:, https:// or tel: (RFC 9116)"
        )))
    } else if contact.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some(Problem::new(format!(
            "{contact:?} holds a space or a control character; write it as one URI"
        )))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "Defenders' Network"
check_back_days = 5

[[urgent_contact]]
name = "Emergency line"
how = "+41 00 000 00 00, any time"

[security]
contact = ["mailto:security@example.org", "https://example.org/security"]
expires = "2027-01-31T12:00:00+01:00"
preferred_languages = ["en", "pt-BR"]
"#;

    fn problems(text: &str) -> String {
        match Organisation::parse(text, Path::new("organisation.toml")) {
            Ok(_) => panic!("expected a refusal of:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn reads_every_field_and_keeps_expires_in_utc() {
        let organisation = Organisation::parse(GOOD, Path::new("organisation.toml")).unwrap();
        assert_eq!(organisation.name, "Defenders' Network");
        assert_eq!(organisation.check_back_days, 5);
        assert_eq!(
            organisation.urgent_contacts[0].how,
            "+41 00 000 00 00, any time"
        );
        assert_eq!(
            organisation.security.expires.format(&Rfc3339).unwrap(),
            "2027-01-31T11:00:00Z"
        );
        assert!(!organisation.shipped_demo);
    }

    #[test]
    fn refuses_what_would_leave_a_reporter_without_a_contact_or_break_security_txt() {
        let without_urgent = GOOD.replace(
            "[[urgent_contact]]\nname = \"Emergency line\"\nhow = \"+41 00 000 00 00, any time\"\n",
            "",
        );
        let cases = [
            (without_urgent, "no [[urgent_contact]]"),
            (
                GOOD.replace("Defenders' Network", " "),
                "field `name`: is empty",
            ),
            (GOOD.replace("= 5", "= 0"), "not between 1 and 60"),
            (
                GOOD.replace("mailto:security@example.org", "security@example.org"),
                "not an address starting with mailto:",
            ),
            (
                GOOD.replace(
                    "https://example.org/security",
                    "https://example.org/a\\nExpires: 2099",
                ),
                "holds a space or a control character",
            ),
            (
                GOOD.replace("2027-01-31T12:00:00+01:00", "next year"),
                "RFC 3339",
            ),
            (GOOD.replace("pt-BR", "pt BR"), "not a language tag"),
        ];
        for (text, says) in cases {
            let message = problems(&text);
            assert!(message.contains(says), "{says:?} not in: {message}");
            assert!(message.contains("organisation.toml"), "{message}");
        }
        let message = problems(&GOOD.replace("name = \"Defenders' Network\"", "nmae = \"x\""));
        assert!(message.contains("nmae"), "{message}");
    }

    #[test]
    fn a_directory_without_the_file_gets_the_demo_values_marked_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let organisation = Organisation::load(dir.path()).unwrap();
        assert!(organisation.shipped_demo);
        assert!(organisation.name.contains("DEMO"), "{}", organisation.name);
        assert!(
            organisation
                .urgent_contacts
                .iter()
                .all(|c| c.name.contains("DEMO"))
        );
    }

    #[test]
    fn expiry_is_compared_with_the_time_given() {
        let organisation = Organisation::parse(GOOD, Path::new("organisation.toml")).unwrap();
        let before = OffsetDateTime::parse("2027-01-31T10:59:59Z", &Rfc3339).unwrap();
        let after = OffsetDateTime::parse("2027-01-31T11:00:00Z", &Rfc3339).unwrap();
        assert!(!organisation.security_expired(before));
        assert!(organisation.security_expired(after));
    }
}
