//! What a release of the declared tables will publish, known before any data is read: each
//! table's noise scale, its exact 90% intervals, the threshold of a table of many categories
//! and how often that threshold lets a phantom through. `safehold stats plan`, the confirmation
//! of `stats release`, `safehold check` and the release itself all read it from here, so what
//! the operator is shown is what is published.

use crate::policy::statistics::{Epsilon, StatisticsPolicy, TableSpec};

use super::noise;

/// The level of every published interval.
pub const LEVEL: f64 = 0.9;

/// One declared table, as a release will publish it.
#[derive(Clone, Debug, PartialEq)]
pub struct TablePlan {
    /// Stable identifier.
    pub name: String,
    /// What it counts.
    pub title: String,
    /// ε spent on it per release.
    pub epsilon: Epsilon,
    /// Noise scale 1/ε, as a decimal.
    pub scale: String,
    /// Number of cells.
    pub cells: usize,
    /// 90% half-width k of a cell: the true count is within ±k of the measured one with
    /// probability [`TablePlan::cell_coverage`] ≥ 0.9.
    pub cell_half_width: u64,
    /// The exact coverage of ±k (e.g. 0.944).
    pub cell_coverage: f64,
    /// 90% half-width of the table's total: the headline table's when one is declared (every
    /// table's total is the headline total), else of the sum of its cells.
    pub total_half_width: u64,
    /// The exact coverage of the total's interval.
    pub total_coverage: f64,
    /// Whether the total is the headline table's measurement.
    pub total_is_headline: bool,
    /// Whether this table is the headline total.
    pub headline: bool,
    /// For a thresholded table: cells whose noisy count is under this are not published.
    pub threshold: Option<u64>,
    /// The exact chance that a release of an all-zero table shows at least one category.
    pub phantom_rate: Option<f64>,
}

/// Every declared table, and the budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The tables, in release order.
    pub tables: Vec<TablePlan>,
    /// ε one release spends.
    pub per_release: Epsilon,
    /// The lifetime budget.
    pub lifetime: Epsilon,
    /// The smallest total the breakdowns resolve: under it, a release warns that it counts too
    /// few people for its breakdowns (see [`resolvable_total`]).
    pub resolvable_total: u64,
}

/// `(t, s)` with scale t/s = 1/ε.
pub fn scale_of(epsilon: Epsilon) -> (u64, u64) {
    (1000, u64::from(epsilon.millis().max(1)))
}

/// 1/ε as a decimal (three places at most).
pub fn scale_text(epsilon: Epsilon) -> String {
    let m = epsilon.millis().max(1);
    Epsilon((1_000_000 + m / 2) / m).to_string()
}

/// The threshold of a table and its exact false-phantom rate.
pub fn threshold(spec: &TableSpec, cells: usize) -> Option<(u64, f64)> {
    let (t, s) = scale_of(spec.epsilon);
    spec.phantom_per_mille.map(|rate| {
        let tau = noise::phantom_threshold(t, s, cells, f64::from(rate) / 1000.0);
        (tau, noise::phantom_rate(t, s, cells, tau))
    })
}

/// The smallest total at which a breakdown says something: 2(2k + 1). Split between two
/// categories, the larger then holds at least 2k + 1, whose interval (k + 1 to 3k + 1) does
/// not include zero; a thresholded table needs at least its threshold besides.
pub fn resolvable_total(table: &TablePlan) -> u64 {
    let k = table.cell_half_width;
    (2 * (2 * k + 1)).max(table.threshold.unwrap_or(0))
}

/// The plan of every declared table of `policy`.
pub fn plan(policy: &StatisticsPolicy) -> Plan {
    let headline = policy
        .tables
        .iter()
        .find(|t| t.is_headline())
        .map(|t| scale_of(t.epsilon));
    let tables: Vec<TablePlan> = policy
        .tables
        .iter()
        .map(|spec| {
            let rows = policy
                .dimensions
                .get(&spec.rows)
                .map_or(1, |d| d.categories.len());
            let cols = spec
                .columns
                .as_ref()
                .and_then(|c| policy.dimensions.get(c))
                .map_or(1, |d| d.categories.len());
            let cells = rows * cols;
            let (t, s) = scale_of(spec.epsilon);
            let k = noise::interval_half_width(t, s, LEVEL);
            let (total_half_width, total_coverage, total_is_headline) = match headline {
                Some((ht, hs)) => {
                    let k = noise::interval_half_width(ht, hs, LEVEL);
                    (k, noise::coverage(ht, hs, k), true)
                }
                None => {
                    let k = noise::sum_half_width(t, s, cells, LEVEL);
                    (k, noise::sum_coverage(t, s, cells, k), false)
                }
            };
            let thresholded = threshold(spec, cells);
            TablePlan {
                name: spec.name.clone(),
                title: spec.title.clone(),
                epsilon: spec.epsilon,
                scale: scale_text(spec.epsilon),
                cells,
                cell_half_width: k,
                cell_coverage: noise::coverage(t, s, k),
                total_half_width,
                total_coverage,
                total_is_headline,
                headline: spec.is_headline(),
                threshold: thresholded.map(|(tau, _)| tau),
                phantom_rate: thresholded.map(|(_, rate)| rate),
            }
        })
        .collect();
    let resolvable_total = tables
        .iter()
        .filter(|t| !t.headline)
        .map(resolvable_total)
        .max()
        .unwrap_or(0);
    Plan {
        tables,
        per_release: policy.epsilon_per_release(),
        lifetime: policy.lifetime_epsilon,
        resolvable_total,
    }
}

/// A percentage with one decimal, e.g. `94.4%`.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

impl Plan {
    /// The plan as lines for a terminal: one line per table, then the budget; `spent` is
    /// what the ledger says was spent so far.
    pub fn lines(&self, spent: Epsilon) -> Vec<String> {
        let mut out = vec![format!(
            "{:<18} {:>7} {:>6} {:>6} {:>14} {:>15} {:>10} {:>12}",
            "table",
            "epsilon",
            "scale",
            "cells",
            "cell ±(90%)",
            "total ±(90%)",
            "threshold",
            "phantoms"
        )];
        for t in &self.tables {
            out.push(format!(
                "{:<18} {:>7} {:>6} {:>6} {:>14} {:>15} {:>10} {:>12}",
                t.name,
                t.epsilon.to_string(),
                t.scale,
                t.cells,
                format!("±{} ({})", t.cell_half_width, percent(t.cell_coverage)),
                format!(
                    "±{} ({}){}",
                    t.total_half_width,
                    percent(t.total_coverage),
                    if t.total_is_headline { "" } else { "*" }
                ),
                t.threshold.map_or("-".into(), |tau| tau.to_string()),
                t.phantom_rate.map_or("-".into(), percent),
            ));
        }
        if self.tables.iter().any(|t| !t.total_is_headline) {
            out.push(
                "* no headline table (rows = \"all\"): the total is the sum of the cells".into(),
            );
        }
        out.push(
            "±k: the true count is within k of the measured one, at the rate in brackets (at least 90%)".into(),
        );
        out.push(
            "threshold: cells measured under it are not published, and a published cell's interval allows for the noise that took it over (down to 0 just over it); phantoms: the chance per release that a table of true zeros shows one".into(),
        );
        out.push(format!(
            "a release total under {} is too small for the breakdowns: the page says so.",
            self.resolvable_total
        ));
        let left = self.lifetime.saturating_sub(spent);
        out.push(format!(
            "budget: a release spends epsilon {}; spent {spent} of {}, {left} left ({} more release(s))",
            self.per_release,
            self.lifetime,
            left.millis() / self.per_release.millis().max(1)
        ));
        out
    }

    /// Tables whose cell interval is wider than `max`: `(name, half-width)`.
    pub fn wider_than(&self, max: u64) -> Vec<(String, u64)> {
        self.tables
            .iter()
            .filter(|t| t.cell_half_width > max)
            .map(|t| (t.name.clone(), t.cell_half_width))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_threshold_is_the_smallest_with_at_most_five_percent_phantoms() {
        let p = match StatisticsPolicy::builtin() {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let plan = plan(&p);
        let Some(country) = plan.tables.iter().find(|t| t.name == "country") else {
            panic!("no country table")
        };
        let (Some(tau), Some(rate)) = (country.threshold, country.phantom_rate) else {
            panic!("the country table has no threshold")
        };
        let (t, s) = scale_of(p.table("country").map_or(Epsilon(1), |t| t.epsilon));
        // Exactly: 1 − (1 − p^τ/(1+p))^196 ≤ 5%, and not at τ − 1.
        let p_ = noise::ratio(t, s);
        let at = |tau: u64| 1.0 - (1.0 - p_.powi(tau as i32) / (1.0 + p_)).powi(196);
        assert!(at(tau) <= 0.05 && at(tau - 1) > 0.05, "τ = {tau}");
        assert!((rate - at(tau)).abs() < 1e-12);
        assert_eq!(country.cells, 196);
    }
}
