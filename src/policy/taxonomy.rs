//! `taxonomy.toml`: the codes caseworkers use to code an incident (design, flow 9).
//!
//! The shipped file is `policy/taxonomy.toml`, compiled into the binary; an operator may put
//! their own `taxonomy.toml` in the policy directory to replace it. Codes are stable ids that
//! statistics count; restricted fields (gender, age band, subnational location) are coded but
//! never published. This module sees codes only, never report content.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::PolicyError;

/// The taxonomy shipped with Safehold (`policy/taxonomy.toml`).
pub const BUILTIN: &str = include_str!("../../policy/taxonomy.toml");

/// The field that gives the incident date's precision.
pub const DATE_PRECISION_FIELD: &str = "incident_date_precision";

/// A validated taxonomy.
#[derive(Clone, Debug)]
pub struct Taxonomy {
    fields: Vec<Field>,
    /// Where it came from (a path, or "built-in").
    pub source: String,
}

/// One codable field.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Stable field name, e.g. `reprisal_type`.
    pub name: String,
    /// English label.
    pub label: String,
    /// Several codes allowed.
    #[serde(default)]
    pub multi: bool,
    /// A coding must give it.
    #[serde(default)]
    pub required: bool,
    /// Stored but never published, and deleted with a closed case.
    #[serde(default)]
    pub restricted: bool,
    /// The allowed codes (empty when `pattern` is set).
    #[serde(default)]
    pub codes: Vec<Code>,
    /// Instead of codes: `date` or `iso3166-2`.
    pub pattern: Option<Pattern>,
}

/// One allowed code.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// The stable code.
    pub code: String,
    /// English label.
    pub label: String,
}

/// Values checked by shape rather than by list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Pattern {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as the precision field says.
    #[serde(rename = "date")]
    Date,
    /// An ISO 3166-2 subdivision code whose country part is the coded `country`.
    #[serde(rename = "iso3166-2")]
    Subdivision,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    version: u32,
    field: Vec<Field>,
}

/// One validated code, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCode {
    /// Field name.
    pub field: String,
    /// The code.
    pub code: String,
    /// Never published.
    pub restricted: bool,
}

/// Why a coding was refused: names the field and, for a bad code, what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodingError {
    /// No such field.
    #[error("unknown field `{field}`; the taxonomy's fields are: {allowed}")]
    UnknownField {
        /// The field given.
        field: String,
        /// Every field name, comma-separated.
        allowed: String,
    },
    /// A code not in the field's list.
    #[error("field `{field}`: unknown code `{code}`; allowed codes: {allowed}")]
    UnknownCode {
        /// The field.
        field: String,
        /// The code given.
        code: String,
        /// The allowed codes, comma-separated.
        allowed: String,
    },
    /// A value that does not have the field's shape.
    #[error("field `{field}`: `{code}` is not valid: {expected}")]
    BadValue {
        /// The field.
        field: String,
        /// The value given.
        code: String,
        /// What is expected.
        expected: String,
    },
    /// A required field is missing.
    #[error("field `{field}` is required; allowed codes: {allowed}")]
    Missing {
        /// The field.
        field: String,
        /// The allowed codes, comma-separated.
        allowed: String,
    },
    /// Several codes for a single-valued field.
    #[error("field `{field}` takes one code, not {count}")]
    NotMulti {
        /// The field.
        field: String,
        /// How many were given.
        count: usize,
    },
}

impl CodingError {
    /// The field the problem is in.
    pub fn field(&self) -> &str {
        match self {
            CodingError::UnknownField { field, .. }
            | CodingError::UnknownCode { field, .. }
            | CodingError::BadValue { field, .. }
            | CodingError::Missing { field, .. }
            | CodingError::NotMulti { field, .. } => field,
        }
    }
}

/// Path of the operator's taxonomy in a policy directory.
pub fn taxonomy_path(dir: &Path) -> PathBuf {
    dir.join("taxonomy.toml")
}

impl Taxonomy {
    /// The shipped taxonomy.
    pub fn builtin() -> Result<Taxonomy, PolicyError> {
        Self::parse(BUILTIN, Path::new("policy/taxonomy.toml (built-in)"))
    }

    /// `dir/taxonomy.toml` if it exists, else the shipped taxonomy.
    pub fn load(dir: &Path) -> Result<Taxonomy, PolicyError> {
        let path = taxonomy_path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::builtin(),
            Err(source) => Err(PolicyError::Read { path, source }),
        }
    }

    /// Parses and checks a taxonomy file.
    pub fn parse(text: &str, path: &Path) -> Result<Taxonomy, PolicyError> {
        let raw: RawTaxonomy = toml::from_str(text).map_err(|e| PolicyError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| PolicyError::Syntax {
            path: path.to_path_buf(),
            message,
        };
        if raw.version != 1 {
            return Err(invalid(format!(
                "version {} is not supported; this Safehold reads version 1",
                raw.version
            )));
        }
        let mut names = HashSet::new();
        for field in &raw.field {
            if !names.insert(field.name.as_str()) {
                return Err(invalid(format!("field `{}` is defined twice", field.name)));
            }
            let mut codes = HashSet::new();
            for code in &field.codes {
                if code.code.is_empty() || !codes.insert(code.code.as_str()) {
                    return Err(invalid(format!(
                        "field `{}`: code `{}` is empty or repeated",
                        field.name, code.code
                    )));
                }
            }
            if field.codes.is_empty() == field.pattern.is_none() {
                return Err(invalid(format!(
                    "field `{}` needs either `codes` or `pattern`, not both or neither",
                    field.name
                )));
            }
        }
        let taxonomy = Taxonomy {
            fields: raw.field,
            source: path.display().to_string(),
        };
        if taxonomy
            .fields
            .iter()
            .any(|f| f.pattern == Some(Pattern::Date))
            && taxonomy.field(DATE_PRECISION_FIELD).is_none()
        {
            return Err(invalid(format!(
                "a `date` field needs a `{DATE_PRECISION_FIELD}` field (day, month, year)"
            )));
        }
        Ok(taxonomy)
    }

    /// Every field, in file order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Checks a coding (field → codes) and returns the codes to store, each marked restricted
    /// or not. The first problem is returned; it names the field and what is allowed.
    pub fn validate(
        &self,
        coding: &BTreeMap<String, Vec<String>>,
    ) -> Result<Vec<ValidCode>, CodingError> {
        let mut out = Vec::new();
        for (name, codes) in coding {
            let field = self.field(name).ok_or_else(|| CodingError::UnknownField {
                field: name.clone(),
                allowed: self
                    .fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
            if !field.multi && codes.len() > 1 {
                return Err(CodingError::NotMulti {
                    field: name.clone(),
                    count: codes.len(),
                });
            }
            let mut seen = HashSet::new();
            for code in codes {
                if !seen.insert(code.as_str()) {
                    continue;
                }
                self.check_value(field, code, coding)?;
                out.push(ValidCode {
                    field: field.name.clone(),
                    code: code.clone(),
                    restricted: field.restricted,
                });
            }
        }
        for field in self.fields.iter().filter(|f| f.required) {
            if coding.get(&field.name).is_none_or(Vec::is_empty) {
                return Err(CodingError::Missing {
                    field: field.name.clone(),
                    allowed: field.allowed(),
                });
            }
        }
        Ok(out)
    }

    fn check_value(
        &self,
        field: &Field,
        code: &str,
        coding: &BTreeMap<String, Vec<String>>,
    ) -> Result<(), CodingError> {
        let bad = |expected: String| CodingError::BadValue {
            field: field.name.clone(),
            code: code.to_owned(),
            expected,
        };
        match field.pattern {
            None => {
                if field.codes.iter().any(|c| c.code == code) {
                    Ok(())
                } else {
                    Err(CodingError::UnknownCode {
                        field: field.name.clone(),
                        code: code.to_owned(),
                        allowed: field.allowed(),
                    })
                }
            }
            Some(Pattern::Date) => {
                let precision = coding
                    .get(DATE_PRECISION_FIELD)
                    .and_then(|p| p.first())
                    .map(String::as_str);
                let Some(precision) = precision else {
                    return Err(bad(format!(
                        "give its precision with `{DATE_PRECISION_FIELD}` (day, month or year)"
                    )));
                };
                if date_has_precision(code, precision) {
                    Ok(())
                } else {
                    Err(bad(format!(
                        "a date with precision `{precision}` is written {}",
                        match precision {
                            "day" => "YYYY-MM-DD",
                            "month" => "YYYY-MM",
                            _ => "YYYY",
                        }
                    )))
                }
            }
            Some(Pattern::Subdivision) => {
                let country = coding.get("country").and_then(|c| c.first());
                let (prefix, rest) = code.split_once('-').unwrap_or(("", ""));
                let shaped = prefix.len() == 2
                    && prefix.bytes().all(|b| b.is_ascii_uppercase())
                    && (1..=3).contains(&rest.len())
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                if !shaped {
                    return Err(bad(
                        "an ISO 3166-2 subdivision code such as UA-30 is expected".to_owned(),
                    ));
                }
                if country.map(String::as_str) != Some(prefix) {
                    return Err(bad(format!(
                        "its country part must be the coded country ({})",
                        country.map_or("none given", String::as_str)
                    )));
                }
                Ok(())
            }
        }
    }
}

impl Field {
    /// The allowed codes, comma-separated (or the pattern's description).
    pub fn allowed(&self) -> String {
        match self.pattern {
            Some(Pattern::Date) => "a date YYYY, YYYY-MM or YYYY-MM-DD".to_owned(),
            Some(Pattern::Subdivision) => "an ISO 3166-2 code such as UA-30".to_owned(),
            None => self
                .codes
                .iter()
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

fn date_has_precision(date: &str, precision: &str) -> bool {
    let format = match precision {
        "day" => time::macros::format_description!("[year]-[month]-[day]"),
        "month" => {
            return date.len() == 7
                && time::Date::parse(
                    &format!("{date}-01"),
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .is_ok();
        }
        "year" => {
            return date.len() == 4 && date.bytes().all(|b| b.is_ascii_digit()) && date >= "1946";
        }
        _ => return false,
    };
    date.len() == 10 && time::Date::parse(date, format).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(f, c)| ((*f).to_owned(), c.iter().map(|s| (*s).to_owned()).collect()))
            .collect()
    }

    fn base() -> Vec<(&'static str, &'static [&'static str])> {
        vec![
            ("act_nature", &["reprisal"]),
            ("reprisal_type", &["travel_ban", "surveillance_online"]),
            ("mechanism", &["tb_cat"]),
            ("country", &["UA"]),
        ]
    }

    #[test]
    fn the_shipped_taxonomy_loads_and_accepts_a_full_coding() {
        let t = Taxonomy::builtin().unwrap();
        assert!(t.field("country").unwrap().codes.len() > 240);
        let mut pairs = base();
        pairs.push(("victim_gender", &["woman"]));
        pairs.push(("subnational_location", &["UA-30"]));
        pairs.push(("incident_date", &["2026-03"]));
        pairs.push(("incident_date_precision", &["month"]));
        let codes = t.validate(&coding(&pairs)).unwrap();
        let restricted: Vec<&str> = codes
            .iter()
            .filter(|c| c.restricted)
            .map(|c| c.field.as_str())
            .collect();
        assert_eq!(restricted, ["subnational_location", "victim_gender"]);
    }

    #[test]
    fn problems_name_the_field_and_the_allowed_codes() {
        let t = Taxonomy::builtin().unwrap();
        let mut pairs = base();
        pairs[1] = ("reprisal_type", &["travel_ban", "jail"]);
        let err = t.validate(&coding(&pairs)).unwrap_err();
        assert_eq!(err.field(), "reprisal_type");
        assert!(err.to_string().contains("killing, torture_ill_treatment"));
        pairs = base();
        pairs.remove(0);
        assert!(matches!(
            t.validate(&coding(&pairs)),
            Err(CodingError::Missing { .. })
        ));
        pairs = base();
        pairs.push(("incident_date", &["2026-03"]));
        pairs.push(("incident_date_precision", &["day"]));
        assert!(t.validate(&coding(&pairs)).is_err());
        pairs = base();
        pairs.push(("subnational_location", &["RU-MOW"]));
        assert!(t.validate(&coding(&pairs)).is_err());
        pairs = base();
        pairs[0] = ("act_nature", &["reprisal", "intimidation"]);
        assert!(matches!(
            t.validate(&coding(&pairs)),
            Err(CodingError::NotMulti { .. })
        ));
    }
}
