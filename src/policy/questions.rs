//! The coarse questions a reporter may answer in the clear to pick a route (design, flow 5).
//!
//! This is the single source of truth for their codes: the HTML form, `/api/v1/routes` and
//! `policy/routing.toml` all use these strings. Only stable codes live here; the labels shown
//! to people come from the translations. Every question is optional, because every answer
//! sent in the clear tells an observer of the server something about the report.

/// The question codes, as used for keys in a route's `when` and for form field names.
pub const QUESTIONS: &[&str] = &[MECHANISM, REGION, IMMEDIATE_DANGER];

/// Which part of the UN human rights system the reporter engaged with.
pub const MECHANISM: &str = "mechanism";
/// The UN regional group of the country concerned.
pub const REGION: &str = "region";
/// Whether someone is in immediate danger (a yes/no answer).
pub const IMMEDIATE_DANGER: &str = "immediate_danger";

/// Allowed answers to [`MECHANISM`]: the mechanism families named in the design, plus `other`
/// and `unsure` so that a reporter is never forced to guess.
pub const MECHANISMS: &[&str] = &[
    "treaty_body",
    "special_procedures",
    "upr",
    "human_rights_council",
    "ohchr",
    "other",
    "unsure",
];

/// Allowed answers to [`REGION`]: the five UN regional groups, coarse enough not to point at
/// one country.
pub const REGIONS: &[&str] = &[
    "african",
    "asia_pacific",
    "eastern_european",
    "latin_american_caribbean",
    "western_european_others",
];

/// True if `code` is an allowed answer to [`MECHANISM`].
pub fn is_mechanism(code: &str) -> bool {
    MECHANISMS.contains(&code)
}

/// True if `code` is an allowed answer to [`REGION`].
pub fn is_region(code: &str) -> bool {
    REGIONS.contains(&code)
}

/// The allowed answers to a question with a list of codes (`None` for `immediate_danger`, which
/// is a boolean, and for unknown questions), so forms and error messages can list them.
pub fn allowed_codes(question: &str) -> Option<&'static [&'static str]> {
    match question {
        MECHANISM => Some(MECHANISMS),
        REGION => Some(REGIONS),
        _ => None,
    }
}

/// Checks one answer code, so the HTTP layer can refuse a tampered form with a clear 4xx
/// instead of silently routing it to the default route.
pub fn check_code(question: &'static str, code: &str) -> Result<(), UnknownCode> {
    match allowed_codes(question) {
        Some(allowed) if allowed.contains(&code) => Ok(()),
        _ => Err(UnknownCode {
            question,
            code: code.to_owned(),
        }),
    }
}

/// An answer code that is not in the list for its question.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{code}` is not a known {question} code; allowed: {}", allowed_codes(question).unwrap_or_default().join(", "))]
#[non_exhaustive]
pub struct UnknownCode {
    /// The question, e.g. [`MECHANISM`].
    pub question: &'static str,
    /// The rejected code.
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_identifiers() {
        for code in MECHANISMS.iter().chain(REGIONS).chain(QUESTIONS) {
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
        }
        assert!(is_mechanism("treaty_body") && !is_mechanism("Treaty_body"));
        assert!(is_region("african") && !is_region("africa"));
        assert_eq!(check_code(REGION, "asia_pacific"), Ok(()));
        let err = check_code(MECHANISM, "treaty");
        assert!(err.is_err_and(|e| e.to_string()
            == "`treaty` is not a known mechanism code; allowed: treaty_body, special_procedures, upr, human_rights_council, ohchr, other, unsure"));
    }
}
