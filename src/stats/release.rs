//! A release: every declared table over one closed period, computed once, either with
//! discrete Laplace noise (ε spent) or with the no-noise fallback (suppression and rounding).
//!
//! What is stored is what is published: the noisy (or suppressed and rounded) values, never
//! the exact counts. The canonical JSON and CSV are produced here once and stored as bytes.

use serde::{Deserialize, Serialize};

use crate::policy::statistics::{Epsilon, Period, StatisticsPolicy, day};

use super::noise::{self, NoiseError, RandomSource};
use super::suppression::{self, Extended};
use super::tables::{CodedIncident, Counted, count_all};

/// The format tag of the stored JSON.
pub const FORMAT: &str = "safehold.stats.release.v1";

/// How the figures were protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// Discrete Laplace noise on every cell; ε spent.
    DiscreteLaplace,
    /// No noise: cells under the threshold suppressed (with secondary suppression), the rest
    /// rounded. No ε spent, no differential privacy.
    SuppressionRounding,
}

/// One published value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    /// The number, when shown as a number.
    pub value: Option<i64>,
    /// What is displayed: a number, `<5`, or `x` (suppressed).
    pub shown: String,
}

/// A category as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Stable code.
    pub code: String,
    /// Public label.
    pub label: String,
}

/// One released table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasedTable {
    /// Stable identifier.
    pub name: String,
    /// What it counts.
    pub title: String,
    /// ε spent on it, as a decimal (`0` without noise).
    pub epsilon: String,
    /// Noise scale 1/ε as a decimal; absent without noise.
    pub noise_scale: Option<String>,
    /// Half-width k of the 90% interval: the true count is within ±k of a published noisy
    /// count with probability at least 0.9 (exact for the discrete Laplace distribution).
    pub interval90: Option<u64>,
    /// Row dimension label.
    pub row_dimension: String,
    /// Column dimension label, for a two-way table.
    pub column_dimension: Option<String>,
    /// Row categories.
    pub rows: Vec<Label>,
    /// Column categories (empty for a one-way table).
    pub columns: Vec<Label>,
    /// Values `[row][column]` (one column for a one-way table).
    pub cells: Vec<Vec<Value>>,
    /// Row totals (two-way tables only).
    pub row_totals: Vec<Value>,
    /// Column totals (two-way tables only).
    pub column_totals: Vec<Value>,
    /// Grand total.
    pub total: Value,
}

/// A release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// [`FORMAT`].
    pub format: String,
    /// `YYYY-MM-DD_YYYY-MM-DD`.
    pub id: String,
    /// First day of the period.
    pub period_start: String,
    /// Last day of the period.
    pub period_end: String,
    /// Day the release was made.
    pub released_day: String,
    /// How the figures were protected.
    pub mechanism: Mechanism,
    /// ε spent by the whole release, as a decimal.
    pub epsilon: String,
    /// ε spent in thousandths.
    pub epsilon_millis: u32,
    /// Values under this are shown as `<N`.
    pub display_threshold: i64,
    /// The tables.
    pub tables: Vec<ReleasedTable>,
}

fn shown(v: i64, threshold: i64) -> Value {
    if v < threshold {
        Value {
            value: None,
            shown: format!("<{threshold}"),
        }
    } else {
        Value {
            value: Some(v),
            shown: v.to_string(),
        }
    }
}

fn hidden() -> Value {
    Value {
        value: None,
        shown: "x".into(),
    }
}

fn labels(d: &crate::policy::statistics::Dimension) -> Vec<Label> {
    d.categories
        .iter()
        .map(|c| Label {
            code: c.code.clone(),
            label: c.label.clone(),
        })
        .collect()
}

/// Computes a release of every declared table over `period`. With `rng`, every cell gets
/// discrete Laplace noise of scale 1/ε (totals are sums of the noisy cells); without, the
/// fallback rule applies. Exact counts never leave this function.
pub fn make_release(
    policy: &StatisticsPolicy,
    period: &Period,
    incidents: &[CodedIncident],
    rng: Option<&mut dyn RandomSource>,
    released_day: &str,
) -> Result<Release, NoiseError> {
    let counted = count_all(policy, period, incidents);
    let threshold = policy.display_threshold;
    let mut tables = Vec::with_capacity(counted.len());
    let (mechanism, spent) = match rng {
        Some(rng) => {
            for c in &counted {
                tables.push(noisy_table(c, rng, threshold)?);
            }
            (Mechanism::DiscreteLaplace, policy.epsilon_per_release())
        }
        None => {
            for c in &counted {
                tables.push(suppressed_table(policy, c));
            }
            (Mechanism::SuppressionRounding, Epsilon(0))
        }
    };
    Ok(Release {
        format: FORMAT.into(),
        id: period.id(),
        period_start: day(period.start),
        period_end: day(period.end),
        released_day: released_day.into(),
        mechanism,
        epsilon: spent.to_string(),
        epsilon_millis: spent.millis(),
        display_threshold: threshold,
        tables,
    })
}

fn frame(c: &Counted) -> ReleasedTable {
    ReleasedTable {
        name: c.spec.name.clone(),
        title: c.spec.title.clone(),
        epsilon: "0".into(),
        noise_scale: None,
        interval90: None,
        row_dimension: c.rows.label.clone(),
        column_dimension: c.columns.as_ref().map(|d| d.label.clone()),
        rows: labels(&c.rows),
        columns: c.columns.as_ref().map(labels).unwrap_or_default(),
        cells: Vec::new(),
        row_totals: Vec::new(),
        column_totals: Vec::new(),
        total: hidden(),
    }
}

fn noisy_table(
    c: &Counted,
    rng: &mut dyn RandomSource,
    threshold: i64,
) -> Result<ReleasedTable, NoiseError> {
    // ε = m/1000 → scale 1000/m.
    let (t, s) = (1000u64, u64::from(c.spec.epsilon.millis()));
    let mut noisy: Vec<Vec<i64>> = Vec::with_capacity(c.cells.len());
    for row in &c.cells {
        let mut out = Vec::with_capacity(row.len());
        for &v in row {
            let v = i64::try_from(v).unwrap_or(i64::MAX);
            out.push(v.saturating_add(noise::discrete_laplace(rng, t, s)?));
        }
        noisy.push(out);
    }
    let two_way = c.columns.is_some();
    let width = noisy.first().map_or(0, Vec::len);
    let mut table = frame(c);
    table.epsilon = c.spec.epsilon.to_string();
    table.noise_scale = Some(Epsilon(1_000_000 / s.max(1) as u32).to_string());
    table.interval90 = Some(noise::interval_half_width(t, s, 0.9));
    table.cells = noisy
        .iter()
        .map(|r| r.iter().map(|&v| shown(v, threshold)).collect())
        .collect();
    if two_way {
        table.row_totals = noisy
            .iter()
            .map(|r| shown(r.iter().sum(), threshold))
            .collect();
        table.column_totals = (0..width)
            .map(|k| shown(noisy.iter().map(|r| r[k]).sum(), threshold))
            .collect();
    }
    table.total = shown(noisy.iter().flatten().sum(), threshold);
    Ok(table)
}

fn suppressed_table(policy: &StatisticsPolicy, c: &Counted) -> ReleasedTable {
    let fb = policy.fallback;
    let threshold = policy.display_threshold;
    let mut table = frame(c);
    let publish = |v: u64, hide: bool| {
        if hide {
            hidden()
        } else {
            shown(
                i64::try_from(suppression::round_to(v, fb.rounding_base)).unwrap_or(i64::MAX),
                threshold,
            )
        }
    };
    match &c.columns {
        None => {
            let cells: Vec<u64> = c.cells.iter().map(|r| r[0]).collect();
            let ext = Extended::one_way(&cells);
            let hide = suppression::suppress(&ext, fb.suppress_below);
            table.cells = (0..cells.len())
                .map(|i| vec![publish(ext.values[i], hide[i])])
                .collect();
            let t = ext.total_index();
            table.total = publish(ext.values[t], hide[t]);
        }
        Some(cols) => {
            let w = cols.categories.len() + 1;
            let ext = Extended::two_way(&c.cells, cols.categories.len());
            let hide = suppression::suppress(&ext, fb.suppress_below);
            let at = |r: usize, k: usize| publish(ext.values[r * w + k], hide[r * w + k]);
            let rows = c.cells.len();
            table.cells = (0..rows)
                .map(|r| (0..w - 1).map(|k| at(r, k)).collect())
                .collect();
            table.row_totals = (0..rows).map(|r| at(r, w - 1)).collect();
            table.column_totals = (0..w - 1).map(|k| at(rows, k)).collect();
            table.total = at(rows, w - 1);
        }
    }
    table
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Release {
    /// The canonical JSON (stored once, served as is).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The canonical CSV: one line per cell and total.
    /// Columns: `table,row,row_label,column,column_label,value`; value is a number, `<5`, or
    /// `x` (suppressed); totals have `total` as row or column.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("release,table,row,row_label,column,column_label,value\n");
        let mut line = |table: &str, row: &Label, col: &Label, v: &Value| {
            let fields = [
                self.id.as_str(),
                table,
                &row.code,
                &row.label,
                &col.code,
                &col.label,
                &v.shown,
            ];
            let joined: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&joined.join(","));
            out.push('\n');
        };
        let total = Label {
            code: "total".into(),
            label: "Total".into(),
        };
        let none = Label {
            code: String::new(),
            label: String::new(),
        };
        for t in &self.tables {
            for (r, row) in t.rows.iter().enumerate() {
                if t.columns.is_empty() {
                    if let Some(v) = t.cells.get(r).and_then(|c| c.first()) {
                        line(&t.name, row, &none, v);
                    }
                } else {
                    for (k, col) in t.columns.iter().enumerate() {
                        if let Some(v) = t.cells.get(r).and_then(|c| c.get(k)) {
                            line(&t.name, row, col, v);
                        }
                    }
                    if let Some(v) = t.row_totals.get(r) {
                        line(&t.name, row, &total, v);
                    }
                }
            }
            for (k, col) in t.columns.iter().enumerate() {
                if let Some(v) = t.column_totals.get(k) {
                    line(&t.name, &total, col, v);
                }
            }
            let col = if t.columns.is_empty() { &none } else { &total };
            line(&t.name, &total, col, &t.total);
        }
        out
    }

    /// Parses stored JSON.
    pub fn from_json(text: &str) -> Result<Release, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The release's period.
    pub fn period_label(&self) -> String {
        format!("{}..{}", self.period_start, self.period_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::noise::tests::Seeded;
    use crate::stats::tables::tests::incident;

    fn policy() -> StatisticsPolicy {
        match StatisticsPolicy::builtin() {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    /// A seeded set: 23 victims in Belarus, 12 in Russia, 4 in Armenia, 2 in Georgia, all
    /// credible with consent, plus noise that must not count.
    pub(crate) fn seeded() -> Vec<CodedIncident> {
        let mut v = Vec::new();
        let mut n = 0;
        for (country, count, ty) in [
            ("BY", 23, "travel_ban"),
            ("RU", 12, "arbitrary_arrest_detention"),
            ("AM", 4, "threats_harassment"),
            ("GE", 2, "threats_harassment"),
        ] {
            for _ in 0..count {
                n += 1;
                v.push(incident(
                    &format!("v{n}"),
                    "credible",
                    true,
                    "2025-07-01",
                    &[
                        ("country", country),
                        ("reprisal_type", ty),
                        ("mechanism", "upr"),
                    ],
                ));
            }
        }
        v
    }

    fn value(r: &Release, table: &str, row: &str, col: Option<&str>) -> String {
        let Some(t) = r.tables.iter().find(|t| t.name == table) else {
            panic!("no table {table}")
        };
        let Some(ri) = t.rows.iter().position(|l| l.code == row) else {
            panic!("no row {row}")
        };
        let ci = col
            .and_then(|c| t.columns.iter().position(|l| l.code == c))
            .unwrap_or(0);
        t.cells[ri][ci].shown.clone()
    }

    #[test]
    fn known_answer_without_noise() {
        let p = policy();
        let period = p.period_starting(2025);
        let mut incidents = seeded();
        // Neither of these may change anything.
        incidents.push(incident(
            "x1",
            "credible",
            false,
            "2025-07-01",
            &[("country", "AM")],
        ));
        incidents.push(incident(
            "x2",
            "received",
            true,
            "2025-07-01",
            &[("country", "AM")],
        ));
        let r = match make_release(&p, &period, &incidents, None, "2026-05-02") {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(r.mechanism, Mechanism::SuppressionRounding);
        assert_eq!(r.epsilon, "0");
        // Country (one-way, total 41): 23 → 25, 12 → 10; 4 and 2 and every zero suppressed;
        // the total (41 → 40) is shown because the hidden cells (6 in all) have two or more
        // members and a non-zero sum, so none is derivable.
        assert_eq!(value(&r, "country", "BY", None), "25");
        assert_eq!(value(&r, "country", "RU", None), "10");
        assert_eq!(value(&r, "country", "AM", None), "x");
        assert_eq!(value(&r, "country", "GE", None), "x");
        assert_eq!(value(&r, "country", "FR", None), "x");
        assert_eq!(r.tables[0].total.shown, "40");
        // Region × type: the EEG row has 23 travel bans, 12 arrests, 6 threats, and every
        // other cell is 0. Shown alone, 23 and 12 would reveal that every other cell of their
        // columns is 0 (the column totals are shown), so they are hidden too; and the row
        // total 41 with the grand total 41 would reveal that every other region is 0, so it
        // is hidden as well. The column totals and the grand total stay.
        for ty in [
            "travel_ban",
            "arbitrary_arrest_detention",
            "threats_harassment",
        ] {
            assert_eq!(value(&r, "region_type", "eastern_european", Some(ty)), "x");
        }
        let rt = &r.tables[1];
        let eeg = rt
            .rows
            .iter()
            .position(|l| l.code == "eastern_european")
            .unwrap_or(0);
        let travel = rt
            .columns
            .iter()
            .position(|l| l.code == "travel_ban")
            .unwrap_or(0);
        let arrest = rt
            .columns
            .iter()
            .position(|l| l.code == "arbitrary_arrest_detention")
            .unwrap_or(0);
        assert_eq!(rt.row_totals[eeg].shown, "x");
        assert_eq!(rt.column_totals[travel].shown, "25");
        assert_eq!(rt.column_totals[arrest].shown, "10");
        assert_eq!(rt.total.shown, "40");
        // Mechanism: all 41 under UPR. Every other cell is a hidden zero: with the total
        // shown they would all be known to be 0, so the UPR cell is hidden too.
        assert_eq!(value(&r, "mechanism", "upr", None), "x");
        assert_eq!(r.tables[2].total.shown, "40");
        // Nothing derivable in any table: every hidden cell can move along a cycle.
        for c in count_all(&p, &period, &incidents) {
            let ext = match &c.columns {
                None => Extended::one_way(&c.cells.iter().map(|r| r[0]).collect::<Vec<_>>()),
                Some(cols) => Extended::two_way(&c.cells, cols.categories.len()),
            };
            let hidden = suppression::suppress(&ext, 10);
            for i in 0..hidden.len() {
                assert!(
                    !suppression::recoverable(&ext, &hidden, i),
                    "{} {i}",
                    c.spec.name
                );
            }
        }
        // The same release from the incidents that count only: identical.
        let clean = match make_release(&p, &period, &seeded(), None, "2026-05-02") {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(clean.to_csv(), r.to_csv());
    }

    #[test]
    fn noisy_release_spends_the_declared_epsilon_and_states_the_scale() {
        let p = policy();
        let period = p.period_starting(2025);
        let mut rng = Seeded(9);
        let r = match make_release(&p, &period, &seeded(), Some(&mut rng), "2026-05-02") {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(r.mechanism, Mechanism::DiscreteLaplace);
        assert_eq!(r.epsilon, "2");
        let country = &r.tables[0];
        assert_eq!(country.noise_scale.as_deref(), Some("1.25"));
        assert_eq!(country.interval90, Some(3));
        assert_eq!(country.cells.len(), 196);
        // Every cell is an integer or "<5".
        for v in r.tables.iter().flat_map(|t| t.cells.iter().flatten()) {
            assert!(v.shown == "<5" || v.shown.parse::<i64>().is_ok_and(|n| n >= 5));
        }
        let back = match Release::from_json(&r.to_json()) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(back, r);
        assert_eq!(back.to_csv(), r.to_csv());
        assert!(
            r.to_csv()
                .contains("\"Congo, The Democratic Republic of the\"")
        );
    }
}
