//! A release: every declared table over one closed period, computed once, either with
//! discrete Laplace noise (ε spent) or with the no-noise fallback (suppression and rounding).
//!
//! What is stored is what is published: the noisy (or suppressed and rounded) values, never
//! the exact counts. The canonical JSON and CSV are produced here once and stored as bytes.

use serde::{Deserialize, Serialize};

use crate::policy::statistics::{Epsilon, Period, StatisticsPolicy, day};

use super::consistency::{fit_at_most, fit_to_total, interval};
use super::noise::{self, NoiseError, RandomSource};
use super::plan::{self, LEVEL, TablePlan, percent};
use super::suppression::{self, Extended};
use super::tables::{CodedIncident, Counted, count_all};

/// The format tag of the stored JSON.
/// v2: every noisy figure carries its 90% interval, totals are measured on their own and
/// cells agree with them, a table of many categories publishes only cells over a threshold.
/// v1 releases (stored before) still read: the new fields are absent.
pub const FORMAT: &str = "safehold.stats.release.v2";

/// `Value::shown` of a cell of a thresholded table whose measured count did not clear the
/// threshold: not published, which does not mean zero.
pub const NOT_SHOWN: &str = "not_shown";

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
    /// What is displayed: a number, `<5` or `x` (suppressed, without noise), or
    /// [`NOT_SHOWN`] (under a table's threshold).
    pub shown: String,
    /// Lower end of the exact 90% interval of a noisy figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<i64>,
    /// Upper end of the exact 90% interval of a noisy figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<i64>,
}

impl Value {
    /// Whether the 90% interval reaches down to zero (so the true count may be zero).
    pub fn may_be_zero(&self) -> bool {
        self.low == Some(0)
    }
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
    /// Half-width k of the 90% interval of a cell: the true count is within ±k of the
    /// measured noisy count with probability at least 0.9 (exact for the discrete Laplace
    /// distribution); each figure's `low` and `high` are that interval, cut at zero.
    pub interval90: Option<u64>,
    /// The exact coverage of a cell's interval, as a percentage (`94.4%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_coverage: Option<String>,
    /// Half-width of the total's 90% interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_interval90: Option<u64>,
    /// Whether this table is the headline total (measured on its own; every other table's
    /// total is this one).
    #[serde(default)]
    pub headline: bool,
    /// Cells measured under this are not published (tables of many categories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u64>,
    /// The exact chance that the threshold lets a truly empty category through, in a table
    /// where every category is empty, per release (`4.6%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phantom_rate: Option<String>,
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
    /// Without noise, values under this are shown as `<N`.
    pub display_threshold: i64,
    /// With noise: a total under this is too small for the breakdowns (the page warns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolvable_total: Option<u64>,
    /// The tables.
    pub tables: Vec<ReleasedTable>,
}

fn shown(v: i64, threshold: i64) -> Value {
    if v < threshold {
        Value {
            value: None,
            shown: format!("<{threshold}"),
            low: None,
            high: None,
        }
    } else {
        Value {
            value: Some(v),
            shown: v.to_string(),
            low: None,
            high: None,
        }
    }
}

fn hidden() -> Value {
    Value {
        value: None,
        shown: "x".into(),
        low: None,
        high: None,
    }
}

/// A noisy figure with its 90% interval.
fn figure(v: i64, (low, high): (i64, i64)) -> Value {
    Value {
        value: Some(v),
        shown: v.to_string(),
        low: Some(low),
        high: Some(high),
    }
}

fn not_shown() -> Value {
    Value {
        value: None,
        shown: NOT_SHOWN.into(),
        low: None,
        high: None,
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
/// discrete Laplace noise of scale 1/ε, the headline total is its own measurement and the
/// cells are fitted to it ([`super::consistency`]); without, the fallback rule applies.
/// Exact counts never leave this function.
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
    let plan = plan::plan(policy);
    let (mechanism, spent) = match rng {
        Some(rng) => {
            tables = noisy_tables(&plan, &counted, rng)?;
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
        resolvable_total: (mechanism == Mechanism::DiscreteLaplace)
            .then_some(plan.resolvable_total),
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
        interval_coverage: None,
        total_interval90: None,
        headline: c.spec.is_headline(),
        threshold: None,
        phantom_rate: None,
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

/// One table's noisy measurements, row-major, with each cell's exact 90% box.
struct Measured {
    m: Vec<i64>,
    lo: Vec<i64>,
    hi: Vec<i64>,
    /// Cells published (all, unless the table has a threshold).
    shown: Vec<bool>,
    thresholded: bool,
}

/// A box wide enough to mean "non-negative" only, for the rare release whose tables cannot be
/// fitted inside every interval at once.
const OPEN: i64 = i64::MAX / 4;

fn noisy_tables(
    plan: &plan::Plan,
    counted: &[Counted],
    rng: &mut dyn RandomSource,
) -> Result<Vec<ReleasedTable>, NoiseError> {
    let plans: Vec<&TablePlan> = counted
        .iter()
        .map(|c| plan.tables.iter().find(|t| t.name == c.spec.name))
        .collect::<Option<_>>()
        .ok_or(NoiseError::BadScale { t: 0, s: 0 })?;
    let mut measured = Vec::with_capacity(counted.len());
    for (c, tp) in counted.iter().zip(&plans) {
        let (t, s) = plan::scale_of(c.spec.epsilon);
        let mut m = Vec::new();
        for &v in c.cells.iter().flatten() {
            let v = i64::try_from(v).unwrap_or(i64::MAX);
            m.push(v.saturating_add(noise::discrete_laplace(rng, t, s)?));
        }
        let tau = tp
            .threshold
            .map(|tau| i64::try_from(tau).unwrap_or(i64::MAX));
        let shown: Vec<bool> = m.iter().map(|&v| tau.is_none_or(|tau| v >= tau)).collect();
        // A cell published because it reached the threshold gets the interval that allows
        // for the noise that took it there (down to zero near the threshold).
        let (lo, hi) = m
            .iter()
            .zip(&shown)
            .map(|(&v, &published)| match tau {
                Some(tau) if published => noise::selected_interval(t, s, v, tau, LEVEL),
                _ => interval(v, tp.cell_half_width),
            })
            .unzip();
        measured.push(Measured {
            m,
            lo,
            hi,
            shown,
            thresholded: tp.threshold.is_some(),
        });
    }
    // The headline total: its own measurement, moved (inside its interval) only as far as the
    // breakdowns' intervals require to be met at once.
    let headline = counted.iter().position(|c| c.spec.is_headline());
    let total = headline.map(|h| {
        let (tm, tlo, thi) = (measured[h].m[0], measured[h].lo[0], measured[h].hi[0]);
        let (mut low, mut high) = (tlo, thi);
        for (_, me) in measured.iter().enumerate().filter(|&(i, _)| i != h) {
            let shown_lo: i64 = (0..me.m.len())
                .filter(|&k| me.shown[k])
                .map(|k| me.lo[k])
                .sum();
            low = low.max(shown_lo);
            if !me.thresholded {
                high = high.min(me.hi.iter().sum());
            }
        }
        let estimate = if low <= high {
            tm.clamp(low, high)
        } else {
            tm.clamp(tlo, thi)
        };
        (estimate, (tlo, thi))
    });

    let mut out = Vec::with_capacity(counted.len());
    for ((c, tp), me) in counted.iter().zip(&plans).zip(&measured) {
        let (t, s) = plan::scale_of(c.spec.epsilon);
        let n = me.m.len();
        let idx: Vec<usize> = (0..n).filter(|&k| me.shown[k]).collect();
        let pick = |v: &[i64]| idx.iter().map(|&k| v[k]).collect::<Vec<i64>>();
        let (mi, loi, hii) = (pick(&me.m), pick(&me.lo), pick(&me.hi));
        let open_lo = vec![0; mi.len()];
        let open_hi = vec![OPEN; mi.len()];
        let fitted: Vec<i64> = match total {
            Some((est, _)) if c.spec.is_headline() => vec![est],
            Some((est, _)) => {
                let fit = if me.thresholded {
                    fit_at_most
                } else {
                    fit_to_total
                };
                fit(&mi, &loi, &hii, est)
                    .or_else(|| fit(&mi, &open_lo, &open_hi, est))
                    .unwrap_or_else(|| mi.iter().map(|&v| v.max(0)).collect())
            }
            None => mi.iter().map(|&v| v.max(0)).collect(),
        };
        let mut x: Vec<Option<i64>> = vec![None; n];
        for (&k, &v) in idx.iter().zip(&fitted) {
            x[k] = Some(v);
        }
        let width = c.cells.first().map_or(1, Vec::len);
        let mut table = frame(c);
        table.epsilon = c.spec.epsilon.to_string();
        table.noise_scale = Some(tp.scale.clone());
        table.interval90 = Some(tp.cell_half_width);
        table.interval_coverage = Some(percent(tp.cell_coverage));
        table.total_interval90 = Some(tp.total_half_width);
        table.threshold = tp.threshold;
        table.phantom_rate = tp.phantom_rate.map(percent);
        table.cells = (0..c.cells.len())
            .map(|r| {
                (0..width)
                    .map(|k| {
                        let i = r * width + k;
                        match x[i] {
                            Some(v) => figure(v, (me.lo[i], me.hi[i])),
                            None => not_shown(),
                        }
                    })
                    .collect()
            })
            .collect();
        if c.columns.is_some() {
            // Margins of a two-way table: sums of the fitted cells, with the exact interval
            // of a sum of that many measurements.
            let rows = c.cells.len();
            let k_row = noise::sum_half_width(t, s, width, LEVEL);
            let k_col = noise::sum_half_width(t, s, rows, LEVEL);
            let sum = |cells: &mut dyn Iterator<Item = usize>| {
                cells.fold((0i64, 0i64), |(a, b), i| {
                    (a + x[i].unwrap_or(0), b + me.m[i])
                })
            };
            table.row_totals = (0..rows)
                .map(|r| {
                    let (v, m) = sum(&mut (0..width).map(|k| r * width + k));
                    figure(v, interval(m, k_row))
                })
                .collect();
            table.column_totals = (0..width)
                .map(|k| {
                    let (v, m) = sum(&mut (0..rows).map(|r| r * width + k));
                    figure(v, interval(m, k_col))
                })
                .collect();
        }
        table.total = match total {
            Some((est, range)) => figure(est, range),
            None => figure(
                me.m.iter().map(|&v| v.max(0)).sum(),
                interval(me.m.iter().sum(), tp.total_half_width),
            ),
        };
        out.push(table);
    }
    Ok(out)
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
    /// Columns: `release,table,row,row_label,column,column_label,value,low90,high90,
    /// noise_scale`; value is a number, `<5` or `x` (suppressed, without noise), or
    /// `not_shown` (under the table's threshold: not published, not zero); `low90..high90` is
    /// the exact 90% interval of a noisy figure; totals have `total` as row or column.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "release,table,row,row_label,column,column_label,value,low90,high90,noise_scale\n",
        );
        let mut line = |t: &ReleasedTable, row: &Label, col: &Label, v: &Value| {
            let bound = |b: Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
            let (low, high) = (bound(v.low), bound(v.high));
            let scale = t.noise_scale.clone().unwrap_or_default();
            let fields = [
                self.id.as_str(),
                &t.name,
                &row.code,
                &row.label,
                &col.code,
                &col.label,
                &v.shown,
                &low,
                &high,
                &scale,
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
                        line(t, row, &none, v);
                    }
                } else {
                    for (k, col) in t.columns.iter().enumerate() {
                        if let Some(v) = t.cells.get(r).and_then(|c| c.get(k)) {
                            line(t, row, col, v);
                        }
                    }
                    if let Some(v) = t.row_totals.get(r) {
                        line(t, row, &total, v);
                    }
                }
            }
            for (k, col) in t.columns.iter().enumerate() {
                if let Some(v) = t.column_totals.get(k) {
                    line(t, &total, col, v);
                }
            }
            let col = if t.columns.is_empty() { &none } else { &total };
            line(t, &total, col, &t.total);
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
        let t = |name: &str| match r.tables.iter().find(|t| t.name == name) {
            Some(t) => t,
            None => panic!("no table {name}"),
        };
        assert_eq!(t("country").total.shown, "40");
        assert_eq!(value(&r, "total", "all", None), "40");
        // Region: all 41 in the Eastern European Group. Every other cell is a hidden zero:
        // with the total shown they would all be known to be 0, so that cell is hidden too.
        assert_eq!(value(&r, "region", "eastern_european", None), "x");
        assert_eq!(t("region").total.shown, "40");
        // Families: 23 travel bans (movement), 12 arrests (liberty), 6 threats. The three
        // hidden zeros would sum to 0, so the smallest shown cell (6) is hidden with them.
        assert_eq!(
            value(&r, "reprisal_family", "movement_access_livelihood", None),
            "25"
        );
        assert_eq!(
            value(&r, "reprisal_family", "liberty_prosecution", None),
            "10"
        );
        assert_eq!(
            value(&r, "reprisal_family", "threats_surveillance", None),
            "x"
        );
        assert_eq!(value(&r, "mechanism_family", "hrc_upr", None), "x");
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
        assert_eq!(r.epsilon, "3.6");
        assert_eq!(r.format, FORMAT);
        let Some(country) = r.tables.iter().find(|t| t.name == "country") else {
            panic!("no country table")
        };
        assert_eq!(country.noise_scale.as_deref(), Some("1.25"));
        assert_eq!(country.interval90, Some(3));
        assert_eq!(country.threshold, Some(10));
        assert_eq!(country.cells.len(), 196);
        // Every figure is a non-negative number inside its interval, or not shown.
        for t in &r.tables {
            for v in t.cells.iter().flatten().chain(std::iter::once(&t.total)) {
                if v.shown == NOT_SHOWN {
                    continue;
                }
                let (Some(n), Some(lo), Some(hi)) = (v.value, v.low, v.high) else {
                    panic!("{}: {v:?} has no interval", t.name)
                };
                assert!(0 <= lo && lo <= n && n <= hi, "{}: {v:?}", t.name);
            }
        }
        // Belarus (23 victims) clears the threshold; Bulgaria (0) does not, here.
        assert_eq!(value(&r, "country", "BG", None), NOT_SHOWN);
        assert_ne!(value(&r, "country", "BY", None), NOT_SHOWN);
        let back = match Release::from_json(&r.to_json()) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(back, r);
        assert_eq!(back.to_csv(), r.to_csv());
        let csv = r.to_csv();
        assert!(csv.starts_with(
            "release,table,row,row_label,column,column_label,value,low90,high90,noise_scale\n"
        ));
        assert!(
            csv.contains("\"Congo, The Democratic Republic of the\",,,not_shown,,,1.25\n"),
            "{csv}"
        );
    }

    /// Every breakdown agrees with the headline total: its cells sum to it (a thresholded
    /// table: its shown cells sum to at most it), over many seeded releases of small years.
    #[test]
    fn cells_and_totals_agree() {
        let p = policy();
        let period = p.period_starting(2025);
        for seed in 0..40 {
            let mut rng = Seeded(1000 + seed);
            let incidents: Vec<CodedIncident> = seeded()
                .into_iter()
                .take((seed * 7 % 41) as usize)
                .collect();
            let r = match make_release(&p, &period, &incidents, Some(&mut rng), "2026-05-02") {
                Ok(r) => r,
                Err(e) => panic!("{e}"),
            };
            let total = r.tables[0].total.value;
            assert!(r.tables[0].headline);
            for t in &r.tables {
                assert_eq!(t.total.value, total, "{}: one total everywhere", t.name);
                let sum: i64 = t.cells.iter().flatten().filter_map(|v| v.value).sum();
                if t.threshold.is_some() {
                    assert!(Some(sum) <= total, "{}: {sum} > {total:?}", t.name);
                } else {
                    assert_eq!(Some(sum), total, "seed {seed}: {}", t.name);
                }
            }
        }
    }

    /// A two-way table (an operator's), without a headline: margins are the sums of their
    /// cells, and every figure has an interval.
    #[test]
    fn two_way_margins_are_the_sums_of_their_cells() {
        let text = crate::policy::statistics::BUILTIN.replace(
            "[[table]]\nname = \"total\"\ntitle = \"Victims in all\"\nrows = \"all\"\nepsilon = 1.0\n",
            "[[table]]\nname = \"region_type\"\ntitle = \"By region and type\"\nrows = \"region\"\ncolumns = \"reprisal_family\"\nepsilon = 1.0\n",
        );
        let p = match StatisticsPolicy::parse(&text, std::path::Path::new("t.toml")) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let period = p.period_starting(2025);
        let r = match make_release(&p, &period, &seeded(), Some(&mut Seeded(5)), "2026-05-02") {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let Some(t) = r.tables.iter().find(|t| t.name == "region_type") else {
            panic!("no two-way table")
        };
        for (row, total) in t.cells.iter().zip(&t.row_totals) {
            assert_eq!(
                row.iter().filter_map(|v| v.value).sum::<i64>(),
                total.value.unwrap_or(-1)
            );
            assert!(total.low.is_some() && total.high.is_some());
        }
        let sum: i64 = t.column_totals.iter().filter_map(|v| v.value).sum();
        assert_eq!(Some(sum), t.total.value);
    }
}
