//! `statistics.toml`: the pre-declared release tables, their privacy budgets, the lifetime
//! budget and the fixed public category lists (every cell of which is released, zeros
//! included).
//!
//! This module holds codes, labels and numbers only; counting and noise live in
//! [`crate::stats`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::{CaseStatus, list};
use time::{Date, Month};

use super::Problem;

/// The file's path under a policy directory.
pub fn statistics_path(dir: &Path) -> PathBuf {
    dir.join("statistics.toml")
}

/// The shipped file, used when the operator's policy directory has none.
pub const BUILTIN: &str = include_str!("../../policy/statistics.toml");

/// A privacy-loss parameter ε in thousandths (ε = 0.8 is `Epsilon(800)`): exact arithmetic
/// for the ledger, and a rational noise scale 1/ε = 1000/m.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Epsilon(pub u32);

impl Epsilon {
    /// ε as thousandths.
    pub fn millis(self) -> u32 {
        self.0
    }

    /// Parses a decimal with at most three places, e.g. `0.8`; `None` if it has more places,
    /// is not positive or is absurdly large.
    pub fn from_f64(value: f64) -> Option<Epsilon> {
        let scaled = value * 1000.0;
        let rounded = scaled.round();
        if !(1.0..=1_000_000.0).contains(&rounded) || (scaled - rounded).abs() > 1e-6 {
            return None;
        }
        // In range 1..=1e6, checked just above.
        Some(Epsilon(rounded as u32))
    }

    /// The sum of two budgets.
    pub fn saturating_add(self, other: Epsilon) -> Epsilon {
        Epsilon(self.0.saturating_add(other.0))
    }

    /// What is left of `self` after `spent`, or zero.
    pub fn saturating_sub(self, spent: Epsilon) -> Epsilon {
        Epsilon(self.0.saturating_sub(spent.0))
    }
}

impl fmt::Display for Epsilon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 1000;
        let frac = self.0 % 1000;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// One category of a dimension: a stable code and its public label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// Stable code (ISO 3166-1 alpha-2, a regional group, a taxonomy code, `other`,
    /// `not_coded`).
    pub code: String,
    /// Public label.
    pub label: String,
    /// For a grouping category (a family of codes, e.g. all treaty bodies), the taxonomy
    /// codes it gathers; empty when the category is itself a code.
    pub codes: Vec<String>,
}

/// The name of the built-in one-cell dimension of the headline table: every victim counts in
/// its only category, so a table with `rows = "all"` measures the total on its own.
pub const ALL: &str = "all";

/// A dimension: the taxonomy field it reads and its fixed, ordered category list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dimension {
    /// Name used by tables.
    pub name: String,
    /// The taxonomy field read (`country` for both `country` and `region`).
    pub field: String,
    /// Public label.
    pub label: String,
    /// The categories, most serious first: a victim with several codes counts under the first.
    pub categories: Vec<Category>,
}

impl Dimension {
    /// The index of `code`, if listed.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.code == code)
    }

    /// The index of the category a taxonomy code counts under: the grouping category that
    /// lists it, or the category that is the code itself.
    pub fn index_of_code(&self, code: &str) -> Option<usize> {
        self.categories
            .iter()
            .position(|c| c.codes.iter().any(|g| g == code))
            .or_else(|| {
                self.categories
                    .iter()
                    .position(|c| c.codes.is_empty() && c.code == code)
            })
    }

    /// The built-in dimension of the headline table.
    pub fn all() -> Dimension {
        Dimension {
            name: ALL.into(),
            field: String::new(),
            label: "All victims".into(),
            categories: vec![Category {
                code: ALL.into(),
                label: "All victims".into(),
                codes: Vec::new(),
            }],
        }
    }
}

/// A pre-declared table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSpec {
    /// Stable identifier.
    pub name: String,
    /// What it counts.
    pub title: String,
    /// Row dimension name.
    pub rows: String,
    /// Column dimension name, for a two-way table.
    pub columns: Option<String>,
    /// Privacy loss per release.
    pub epsilon: Epsilon,
    /// For a table of many categories (countries): the largest acceptable chance, in
    /// thousandths, that a release shows a category that is truly zero. Its cells are
    /// published only from the threshold that this rate gives (see `stats::plan`).
    pub phantom_per_mille: Option<u32>,
}

impl TableSpec {
    /// Whether this is the headline table: the total, measured on its own.
    pub fn is_headline(&self) -> bool {
        self.rows == ALL && self.columns.is_none()
    }
}

/// The rule applied when a release is made without noise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fallback {
    /// Cells under this are suppressed (primary suppression).
    pub suppress_below: u64,
    /// Shown values are rounded to a multiple of this.
    pub rounding_base: u64,
}

/// A closed yearly period, both days included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

impl Period {
    /// `YYYY-MM-DD..YYYY-MM-DD`, the form the CLI takes and the ledger shows.
    pub fn label(&self) -> String {
        format!("{}..{}", day(self.start), day(self.end))
    }

    /// `YYYY-MM-DD_YYYY-MM-DD`: the release's identifier in URLs.
    pub fn id(&self) -> String {
        format!("{}_{}", day(self.start), day(self.end))
    }

    /// Whether `d` lies in the period.
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

/// `YYYY-MM-DD`.
pub fn day(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || text.len() != 10 {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, d).ok()
}

/// The validated `statistics.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatisticsPolicy {
    /// Lifetime privacy budget over every release.
    pub lifetime_epsilon: Epsilon,
    /// Month periods start in (periods start on the first of a month).
    pub period_start_month: Month,
    /// Allegation statuses that count.
    pub counted_statuses: Vec<String>,
    /// Shown values under this display as `<N`.
    pub display_threshold: i64,
    /// The no-noise rule.
    pub fallback: Fallback,
    /// The widest acceptable 90% interval half-width of a cell; `safehold check` warns about
    /// a table whose noise is wider.
    pub max_interval: Option<u64>,
    /// The tables, in release order.
    pub tables: Vec<TableSpec>,
    /// Dimensions by name.
    pub dimensions: BTreeMap<String, Dimension>,
    /// Country code → regional group code.
    pub region_of: BTreeMap<String, String>,
}

/// Why `statistics.toml` was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatisticsPolicyError {
    /// The file could not be read.
    #[error("cannot read {}: {source} (copy policy/statistics.toml and adapt it)", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML or wrong shape; the message has line and column.
    #[error("{}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// toml's message.
        message: String,
    },
    /// Valid TOML that breaks the rules; every problem is listed.
    #[error("{} has {} problem(s); fix them all:\n{}", path.display(), problems.len(), super::problem::bulleted(problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found, each located in the file.
        problems: Vec<Problem>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: u32,
    lifetime_epsilon: f64,
    period_start: String,
    counted_statuses: Vec<String>,
    display_threshold: i64,
    #[serde(default)]
    max_interval: Option<u64>,
    fallback: RawFallback,
    #[serde(default)]
    table: Vec<RawTable>,
    #[serde(default)]
    dimension: Vec<RawDimension>,
    #[serde(default)]
    region: Vec<RawRegion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFallback {
    suppress_below: u64,
    rounding_base: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    name: String,
    title: String,
    rows: String,
    columns: Option<String>,
    epsilon: f64,
    #[serde(default)]
    phantom_rate: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    name: String,
    field: String,
    label: String,
    categories: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    code: String,
    label: String,
    #[serde(default)]
    codes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    code: String,
    countries: Vec<String>,
}

impl StatisticsPolicy {
    /// Loads `<dir>/statistics.toml`, or the shipped file when the directory has none.
    pub fn load(dir: &Path) -> Result<StatisticsPolicy, StatisticsPolicyError> {
        let path = statistics_path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::builtin(),
            Err(source) => Err(StatisticsPolicyError::Read { path, source }),
        }
    }

    /// The shipped `policy/statistics.toml`.
    pub fn builtin() -> Result<StatisticsPolicy, StatisticsPolicyError> {
        Self::parse(BUILTIN, Path::new("policy/statistics.toml (built in)"))
    }

    /// Parses and validates; `path` only names the file in messages.
    pub fn parse(text: &str, path: &Path) -> Result<StatisticsPolicy, StatisticsPolicyError> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| StatisticsPolicyError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut problems = Vec::new();
        if raw.version != 1 {
            problems.push(format!(
                "version {} is unknown: write version = 1",
                raw.version
            ));
        }
        let lifetime_epsilon = Epsilon::from_f64(raw.lifetime_epsilon).unwrap_or_else(|| {
            problems.push(format!(
                "lifetime_epsilon = {}: give a positive decimal with at most three places",
                raw.lifetime_epsilon
            ));
            Epsilon(0)
        });
        let period_start_month = match raw.period_start.split_once('-') {
            Some((m, "01")) => m.parse::<u8>().ok().and_then(|m| Month::try_from(m).ok()),
            _ => None,
        }
        .unwrap_or_else(|| {
            problems.push(format!(
                "period_start = {:?}: give the first of a month as \"MM-01\", e.g. \"05-01\"",
                raw.period_start
            ));
            Month::May
        });
        for s in &raw.counted_statuses {
            let status = s.parse::<CaseStatus>();
            if status.is_err() {
                problems.push(format!(
                    "counted_statuses: unknown status {s:?} (known: {})",
                    list(CaseStatus::ALL)
                ));
            } else if status.is_ok_and(|status| !status.may_count_in_statistics()) {
                problems.push(format!(
                    "counted_statuses: {s:?} is not past the initial assessment and may not count"
                ));
            }
        }
        if raw.display_threshold < 1 {
            problems.push("display_threshold must be at least 1".into());
        }
        if raw.fallback.suppress_below < 1 || raw.fallback.rounding_base < 1 {
            problems.push("fallback: suppress_below and rounding_base must be at least 1".into());
        }

        let mut dimensions = BTreeMap::new();
        for d in raw.dimension {
            let mut seen = BTreeSet::new();
            let mut gathered = BTreeSet::new();
            for c in &d.categories {
                if !seen.insert(c.code.clone()) {
                    problems.push(format!(
                        "dimension `{}`: category `{}` is listed twice",
                        d.name, c.code
                    ));
                }
                for g in &c.codes {
                    if !gathered.insert(g.clone()) {
                        problems.push(format!(
                            "dimension `{}`: code `{g}` is gathered by two categories",
                            d.name
                        ));
                    }
                }
            }
            if d.name == ALL {
                problems.push(format!(
                    "dimension `{ALL}` is built in (one category, every victim): use another name"
                ));
            }
            if !seen.contains("other") {
                problems.push(format!(
                    "dimension `{}`: list an `other` category, so every coded value has a cell",
                    d.name
                ));
            }
            if d.categories.is_empty() {
                problems.push(format!("dimension `{}` has no categories", d.name));
            }
            let dim = Dimension {
                name: d.name.clone(),
                field: d.field,
                label: d.label,
                categories: d
                    .categories
                    .into_iter()
                    .map(|c| Category {
                        code: c.code,
                        label: c.label,
                        codes: c.codes,
                    })
                    .collect(),
            };
            if dimensions.insert(d.name.clone(), dim).is_some() {
                problems.push(format!("dimension `{}` is declared twice", d.name));
            }
        }

        let mut region_of = BTreeMap::new();
        let region_codes: Option<BTreeSet<String>> = dimensions.get("region").map(|d| {
            d.categories
                .iter()
                .map(|c| c.code.clone())
                .collect::<BTreeSet<_>>()
        });
        let countries: Option<BTreeSet<String>> = dimensions.get("country").map(|d| {
            d.categories
                .iter()
                .map(|c| c.code.clone())
                .collect::<BTreeSet<_>>()
        });
        for r in raw.region {
            if let Some(codes) = &region_codes
                && !codes.contains(&r.code)
            {
                problems.push(format!(
                    "region `{}` is not a category of the `region` dimension",
                    r.code
                ));
            }
            for c in r.countries {
                if let Some(list) = &countries
                    && !list.contains(&c)
                {
                    problems.push(format!(
                        "region `{}`: country `{c}` is not in the `country` dimension",
                        r.code
                    ));
                }
                if let Some(prev) = region_of.insert(c.clone(), r.code.clone()) {
                    problems.push(format!(
                        "country `{c}` is in both region `{prev}` and region `{}`",
                        r.code
                    ));
                }
            }
        }

        let mut tables = Vec::new();
        let mut names = BTreeSet::new();
        for t in raw.table {
            if !names.insert(t.name.clone()) {
                problems.push(format!("table `{}` is declared twice", t.name));
            }
            if t.name.is_empty()
                || !t
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                problems.push(format!(
                    "table `{}`: use lowercase letters, digits and _ in names (they appear in URLs)",
                    t.name
                ));
            }
            for dim in std::iter::once(&t.rows).chain(t.columns.iter()) {
                if !dimensions.contains_key(dim) && (dim != ALL || t.columns.is_some()) {
                    problems.push(format!(
                        "table `{}`: dimension `{dim}` is not declared (declared: {})",
                        t.name,
                        dimensions.keys().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
            let epsilon = Epsilon::from_f64(t.epsilon).unwrap_or_else(|| {
                problems.push(format!(
                    "table `{}`: epsilon = {}: give a positive decimal with at most three places",
                    t.name, t.epsilon
                ));
                Epsilon(0)
            });
            let phantom_per_mille = t.phantom_rate.map(|rate| {
                let scaled = (rate * 1000.0).round();
                if !(1.0..=500.0).contains(&scaled) || (rate * 1000.0 - scaled).abs() > 1e-6 {
                    problems.push(format!(
                        "table `{}`: phantom_rate = {rate}: give a chance between 0.001 and 0.5, at most three places (0.05 is 5%)",
                        t.name
                    ));
                }
                if t.columns.is_some() {
                    problems.push(format!(
                        "table `{}`: phantom_rate applies to one-way tables only",
                        t.name
                    ));
                }
                scaled.clamp(1.0, 500.0) as u32
            });
            tables.push(TableSpec {
                name: t.name,
                title: t.title,
                rows: t.rows,
                columns: t.columns,
                epsilon,
                phantom_per_mille,
            });
        }
        if tables.iter().filter(|t| t.is_headline()).count() > 1 {
            problems.push(format!(
                "more than one table has rows = \"{ALL}\": declare the headline total once"
            ));
        }
        if raw.max_interval == Some(0) {
            problems.push("max_interval must be at least 1 (or left out)".into());
        }
        if tables.is_empty() {
            problems.push("no [[table]]: declare at least one".into());
        }
        let per_release = tables
            .iter()
            .fold(Epsilon(0), |a, t| a.saturating_add(t.epsilon));
        if per_release > lifetime_epsilon {
            problems.push(format!(
                "one release spends epsilon {per_release}, more than lifetime_epsilon = {lifetime_epsilon}"
            ));
        }
        if !problems.is_empty() {
            return Err(StatisticsPolicyError::Invalid {
                path: path.to_path_buf(),
                problems: problems
                    .into_iter()
                    .map(|message| Problem::new(message).in_file(path))
                    .collect(),
            });
        }
        Ok(StatisticsPolicy {
            lifetime_epsilon,
            period_start_month,
            counted_statuses: raw.counted_statuses,
            display_threshold: raw.display_threshold,
            fallback: Fallback {
                suppress_below: raw.fallback.suppress_below,
                rounding_base: raw.fallback.rounding_base,
            },
            max_interval: raw.max_interval,
            tables,
            dimensions: {
                let mut d = dimensions;
                d.insert(ALL.into(), Dimension::all());
                d
            },
            region_of,
        })
    }

    /// The ε one release spends (the sum over its tables).
    pub fn epsilon_per_release(&self) -> Epsilon {
        self.tables
            .iter()
            .fold(Epsilon(0), |a, t| a.saturating_add(t.epsilon))
    }

    /// Parses `A..B` and checks it is one declared yearly period.
    pub fn parse_period(&self, text: &str) -> Result<Period, String> {
        let (a, b) = text
            .split_once("..")
            .ok_or_else(|| format!("period {text:?}: write it as YYYY-MM-DD..YYYY-MM-DD"))?;
        let (Some(start), Some(end)) = (parse_day(a.trim()), parse_day(b.trim())) else {
            return Err(format!(
                "period {text:?}: write it as YYYY-MM-DD..YYYY-MM-DD"
            ));
        };
        let expected = self.period_starting(start.year());
        if start.day() != 1 || start.month() != self.period_start_month || end != expected.end {
            return Err(format!(
                "period {text:?} is not a declared period: periods run one year from the first of {} (statistics.toml period_start); the one starting in {} is {}",
                self.period_start_month,
                start.year(),
                expected.label()
            ));
        }
        Ok(expected)
    }

    /// The period starting in `year`.
    pub fn period_starting(&self, year: i32) -> Period {
        let start = Date::from_calendar_date(year, self.period_start_month, 1).unwrap_or(Date::MIN);
        let next =
            Date::from_calendar_date(year + 1, self.period_start_month, 1).unwrap_or(Date::MAX);
        Period {
            start,
            end: next.previous_day().unwrap_or(next),
        }
    }

    /// The table spec named `name`.
    pub fn table(&self, name: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> StatisticsPolicy {
        match StatisticsPolicy::builtin() {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_shipped_policy_is_valid_and_has_the_example_budget() {
        let p = shipped();
        assert_eq!(p.lifetime_epsilon, Epsilon(15_000));
        let eps: Vec<(&str, String)> = p
            .tables
            .iter()
            .map(|t| (t.name.as_str(), t.epsilon.to_string()))
            .collect();
        assert_eq!(
            eps,
            [
                ("total", "1".to_string()),
                ("region", "0.6".to_string()),
                ("reprisal_family", "0.6".to_string()),
                ("mechanism_family", "0.6".to_string()),
                ("country", "0.8".to_string()),
            ]
        );
        assert_eq!(p.epsilon_per_release().to_string(), "3.6");
        assert!(p.tables[0].is_headline());
        assert_eq!(
            p.table("country").and_then(|t| t.phantom_per_mille),
            Some(50)
        );
        assert_eq!(p.max_interval, Some(5));
        assert_eq!(p.fallback.suppress_below, 10);
        assert_eq!(p.fallback.rounding_base, 5);
        assert_eq!(p.display_threshold, 5);
    }

    #[test]
    fn the_country_list_is_every_member_state_both_observers_and_other() {
        let p = shipped();
        let Some(country) = p.dimensions.get("country") else {
            panic!("no country dimension")
        };
        // 193 member states + Holy See + State of Palestine + other.
        assert_eq!(country.categories.len(), 196);
        for code in ["VA", "PS", "US", "SS", "other"] {
            assert!(country.index_of(code).is_some(), "{code}");
        }
        // Every member state is in exactly one of the five groups (the Holy See in none).
        assert_eq!(p.region_of.len(), 194);
        assert!(!p.region_of.contains_key("VA"));
        assert_eq!(
            p.region_of.get("PS").map(String::as_str),
            Some("asia_pacific")
        );
    }

    #[test]
    fn the_category_lists_agree_with_the_taxonomy() {
        let text = include_str!("../../policy/taxonomy.toml");
        let Ok(value) = text.parse::<toml::Table>() else {
            panic!("taxonomy.toml does not parse")
        };
        let Some(fields) = value.get("field").and_then(|f| f.as_array()) else {
            panic!("no fields")
        };
        let p = shipped();
        for dim in p.dimensions.values().filter(|d| d.name != ALL) {
            let Some(field) = fields
                .iter()
                .find(|f| f.get("name").and_then(|n| n.as_str()) == Some(dim.field.as_str()))
            else {
                panic!("dimension {} reads unknown field {}", dim.name, dim.field)
            };
            let codes: BTreeSet<&str> = field
                .get("codes")
                .and_then(|c| c.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.get("code").and_then(|c| c.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            if dim.name == "region" {
                continue;
            }
            let grouped = dim.categories.iter().any(|c| !c.codes.is_empty());
            for c in &dim.categories {
                if grouped {
                    for g in &c.codes {
                        assert!(codes.contains(g.as_str()), "{}: {g}", dim.name);
                    }
                    continue;
                }
                assert!(
                    codes.contains(c.code.as_str()) || c.code == "other" || c.code == "not_coded",
                    "{}: {}",
                    dim.name,
                    c.code
                );
            }
            if grouped {
                // Every taxonomy code but `other` belongs to one family.
                for code in codes.iter().filter(|&&c| c != "other") {
                    assert!(
                        dim.categories
                            .iter()
                            .any(|c| c.codes.iter().any(|g| g == code)),
                        "{}: {code} is in no family",
                        dim.name
                    );
                }
            }
        }
    }

    #[test]
    fn periods_are_declared_years() {
        let p = shipped();
        let Ok(period) = p.parse_period("2025-05-01..2026-04-30") else {
            panic!("declared period refused")
        };
        assert_eq!(period.id(), "2025-05-01_2026-04-30");
        let err = p
            .parse_period("2025-05-01..2026-05-30")
            .err()
            .unwrap_or_default();
        assert!(err.contains("2025-05-01..2026-04-30"), "{err}");
        assert!(p.parse_period("2025-01-01..2025-12-31").is_err());
        assert!(p.parse_period("yesterday").is_err());
    }

    #[test]
    fn problems_are_listed() {
        let text = BUILTIN
            .replace("lifetime_epsilon = 15.0", "lifetime_epsilon = 1.0")
            .replace("epsilon = 0.8", "epsilon = 0.8001")
            .replace(
                "counted_statuses = [\"credible\"",
                "counted_statuses = [\"received\"",
            );
        let err = match StatisticsPolicy::parse(&text, Path::new("s.toml")) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("3 problem(s)"), "{err}");
        assert!(err.contains("0.8001"), "{err}");
        assert!(
            err.contains("\"received\" is not past the initial assessment"),
            "{err}"
        );
    }

    #[test]
    fn epsilon_prints_as_a_decimal() {
        assert_eq!(Epsilon(800).to_string(), "0.8");
        assert_eq!(Epsilon(10_000).to_string(), "10");
        assert_eq!(Epsilon(1_250).to_string(), "1.25");
        assert_eq!(Epsilon::from_f64(0.8), Some(Epsilon(800)));
        assert_eq!(Epsilon::from_f64(0.0), None);
        assert_eq!(Epsilon::from_f64(-1.0), None);
    }
}
