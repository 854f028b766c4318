//! Counting coded incidents into the declared tables.
//!
//! - Only incidents whose recorded consent covers statistics, and whose allegation status is
//!   past the initial assessment (`counted_statuses`), count.
//! - The privacy unit is the victim: in each period a victim counts once, through their
//!   earliest incident, and in each table under one cell: for a field with several codes,
//!   the first of them in the dimension's fixed list (its "primary" code). So adding or
//!   removing one victim changes each table by at most 1 in one cell.
//! - Every category of the fixed lists has a cell, zeros included.

use std::collections::BTreeMap;

use time::{Date, Month};

use crate::policy::statistics::{Category, Dimension, Period, StatisticsPolicy, TableSpec};

/// One coded incident as statistics see it: codes and flags, never content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodedIncident {
    /// Who the victim is, as far as the coding links incidents (the case id when it does not).
    pub victim_key: String,
    /// Allegation status (`received`, `under_assessment`, `credible`, …).
    pub status: String,
    /// Whether the recorded consent covers anonymized statistics.
    pub statistics_consent: bool,
    /// The day the incident counts on: its date at the earliest day its precision allows
    /// (a year counts on 1 January, a month on its first), else the day it was coded.
    pub day: Option<Date>,
    /// Unrestricted codes by field (`country`, `reprisal_type`, …).
    pub codes: BTreeMap<String, Vec<String>>,
}

impl CodedIncident {
    /// Builds an incident from stored `(field, code)` rows; `incident_date` (YYYY, YYYY-MM or
    /// YYYY-MM-DD) gives the day, else `coded_day` (YYYY-MM-DD or YYYY).
    pub fn from_codes(
        victim_key: &str,
        status: &str,
        statistics_consent: bool,
        coded_day: &str,
        rows: &[(String, String)],
    ) -> CodedIncident {
        let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (field, code) in rows {
            codes.entry(field.clone()).or_default().push(code.clone());
        }
        let day = codes
            .get("incident_date")
            .and_then(|d| d.first())
            .and_then(|d| earliest_day(d))
            .or_else(|| earliest_day(coded_day));
        CodedIncident {
            victim_key: victim_key.to_string(),
            status: status.to_string(),
            statistics_consent,
            day,
            codes,
        }
    }
}

/// The earliest day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn earliest_day(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = match parts.next() {
        Some(m) => m.parse().ok()?,
        None => 1,
    };
    let day: u8 = match parts.next() {
        Some(d) => d.parse().ok()?,
        None => 1,
    };
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// A table's exact counts over its fixed categories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted {
    /// The declared table.
    pub spec: TableSpec,
    /// Row dimension.
    pub rows: Dimension,
    /// Column dimension, for a two-way table.
    pub columns: Option<Dimension>,
    /// Counts, `[row][column]` (one column for a one-way table).
    pub cells: Vec<Vec<u64>>,
}

/// The victims that count in `period`: eligible incidents, one per victim (the earliest).
pub fn eligible<'a>(
    policy: &StatisticsPolicy,
    period: &Period,
    incidents: &'a [CodedIncident],
) -> Vec<&'a CodedIncident> {
    let mut by_victim: BTreeMap<&str, &CodedIncident> = BTreeMap::new();
    for i in incidents {
        let counts = i.statistics_consent
            && policy.counted_statuses.contains(&i.status)
            && i.day.is_some_and(|d| period.contains(d));
        if !counts {
            continue;
        }
        by_victim
            .entry(i.victim_key.as_str())
            .and_modify(|kept| {
                if (i.day, &i.codes) < (kept.day, &kept.codes) {
                    *kept = i;
                }
            })
            .or_insert(i);
    }
    by_victim.into_values().collect()
}

/// The cell of `incident` in `dim`.
pub fn category_of(policy: &StatisticsPolicy, dim: &Dimension, incident: &CodedIncident) -> usize {
    if dim.field.is_empty() {
        // The headline table's one cell: every victim.
        return 0;
    }
    let other = dim.index_of("other").unwrap_or(0);
    let codes = incident
        .codes
        .get(&dim.field)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if dim.name == "region" {
        return codes
            .first()
            .and_then(|c| policy.region_of.get(c))
            .and_then(|r| dim.index_of(r))
            .unwrap_or(other);
    }
    if codes.is_empty() {
        return dim.index_of("not_coded").unwrap_or(other);
    }
    codes
        .iter()
        .map(|c| dim.index_of_code(c).unwrap_or(other))
        .min()
        .unwrap_or(other)
}

/// Counts every declared table over the victims that count in `period`.
pub fn count_all(
    policy: &StatisticsPolicy,
    period: &Period,
    incidents: &[CodedIncident],
) -> Vec<Counted> {
    let victims = eligible(policy, period, incidents);
    policy
        .tables
        .iter()
        .filter_map(|spec| {
            let rows = policy.dimensions.get(&spec.rows)?.clone();
            let columns = match &spec.columns {
                Some(c) => Some(policy.dimensions.get(c)?.clone()),
                None => None,
            };
            let width = columns.as_ref().map_or(1, |c| c.categories.len());
            let mut cells = vec![vec![0u64; width]; rows.categories.len()];
            for v in &victims {
                let r = category_of(policy, &rows, v);
                let c = columns.as_ref().map_or(0, |d| category_of(policy, d, v));
                if let Some(cell) = cells.get_mut(r).and_then(|row| row.get_mut(c)) {
                    *cell += 1;
                }
            }
            Some(Counted {
                spec: spec.clone(),
                rows,
                columns,
                cells,
            })
        })
        .collect()
}

/// The labels of a dimension's categories.
pub fn labels(dim: &Dimension) -> &[Category] {
    &dim.categories
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn incident(
        key: &str,
        status: &str,
        consent: bool,
        day: &str,
        codes: &[(&str, &str)],
    ) -> CodedIncident {
        let rows: Vec<(String, String)> = codes
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .chain(std::iter::once((
                "incident_date".to_string(),
                day.to_string(),
            )))
            .collect();
        CodedIncident::from_codes(key, status, consent, "2026-05-05", &rows)
    }

    fn policy() -> StatisticsPolicy {
        match StatisticsPolicy::builtin() {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn one_victim_counts_once_per_table_under_the_primary_code() {
        let p = policy();
        let period = p.period_starting(2025);
        let incidents = vec![
            incident(
                "v1",
                "credible",
                true,
                "2025-06",
                &[
                    ("country", "BY"),
                    ("reprisal_type", "travel_ban"),
                    ("reprisal_type", "killing"),
                    ("mechanism", "upr"),
                ],
            ),
            // The same victim again: does not count twice.
            incident("v1", "credible", true, "2025-09-01", &[("country", "RU")]),
            // No consent, still received, outside the period: none counts.
            incident("v2", "credible", false, "2025-06", &[("country", "BY")]),
            incident("v3", "received", true, "2025-06", &[("country", "BY")]),
            incident("v4", "credible", true, "2025-04-30", &[("country", "BY")]),
            // A year-only date counts on 1 January.
            incident("v5", "referred", true, "2026", &[("country", "XK")]),
        ];
        let tables = count_all(&p, &period, &incidents);
        let table = |name: &str| match tables.iter().find(|t| t.spec.name == name) {
            Some(t) => t,
            None => panic!("no table {name}"),
        };
        assert_eq!(table("total").cells, [[2]], "two victims count");
        let country = table("country");
        let by = country.rows.index_of("BY").unwrap_or(usize::MAX);
        let other = country.rows.index_of("other").unwrap_or(usize::MAX);
        assert_eq!(country.cells[by][0], 1);
        assert_eq!(country.cells[other][0], 1, "XK is not on the list: other");
        assert_eq!(country.cells.iter().map(|r| r[0]).sum::<u64>(), 2);
        assert_eq!(country.cells.len(), 196, "every country has a cell");
        let region = table("region");
        let eeg = region
            .rows
            .index_of("eastern_european")
            .unwrap_or(usize::MAX);
        assert_eq!(region.cells[eeg][0], 1);
        // Travel ban and killing: the first family in the list, life and integrity.
        let family = table("reprisal_family");
        let life = family.rows.index_of("life_integrity").unwrap_or(usize::MAX);
        let not_coded = family.rows.index_of("not_coded").unwrap_or(usize::MAX);
        assert_eq!(family.cells[life][0], 1, "primary family");
        assert_eq!(family.cells[not_coded][0], 1);
        let mechanism = table("mechanism_family");
        let hrc_upr = mechanism.rows.index_of("hrc_upr").unwrap_or(usize::MAX);
        assert_eq!(mechanism.cells[hrc_upr][0], 1, "upr is in its family");
    }
}
