//! Simulated years: many seeded releases of the shipped tables over synthetic years of 0, 8,
//! 50 and 300 victims spread over countries as real caseloads are (a few countries hold most
//! cases), checked against what the release states:
//! - a country with no victim is shown no more often than the stated false-phantom rate;
//! - every published interval holds the true count at its stated exact coverage, within two
//!   standard errors of the simulation;
//! - the cells of every breakdown add up to the headline total.
//!
//! Deterministic (seeded), and a few seconds in a debug build. `SIMULATION_REPORT=1 cargo test
//! --lib simulation` prints the observed rates (by failing with them as its message).

use crate::policy::statistics::StatisticsPolicy;

use super::noise::tests::Seeded;
use super::noise::{self, RandomSource};
use super::plan;
use super::release::{NOT_SHOWN, make_release};
use super::tables::{CodedIncident, count_all, tests::incident};

const RUNS: u64 = 500;

const TYPES: &[&str] = &[
    "killing",
    "arbitrary_arrest_detention",
    "travel_ban",
    "threats_harassment",
    "smear_stigmatisation",
    "surveillance_online",
    "criminalisation_prosecution",
];
const MECHANISMS: &[&str] = &[
    "upr",
    "hrc",
    "special_procedures",
    "tb_ccpr",
    "tb_cat",
    "ohchr_field",
];

fn pick(rng: &mut dyn RandomSource, n: usize) -> usize {
    noise::uniform_below(rng, n as u64).unwrap_or(0) as usize
}

/// A year of `victims` victims: country i of the first 40 on the list with weight 1/(i + 1).
fn year(
    policy: &StatisticsPolicy,
    victims: usize,
    rng: &mut dyn RandomSource,
) -> Vec<CodedIncident> {
    let countries: Vec<String> = policy
        .dimensions
        .get("country")
        .map(|d| {
            d.categories
                .iter()
                .take(40)
                .map(|c| c.code.clone())
                .collect()
        })
        .unwrap_or_default();
    // Weights 1/(i+1) scaled to integers: 2520/(i+1) (exact for i < 10, close after).
    let weights: Vec<u64> = (0..countries.len())
        .map(|i| 2520 / (i as u64 + 1))
        .collect();
    let total: u64 = weights.iter().sum();
    (0..victims)
        .map(|v| {
            let mut draw = noise::uniform_below(rng, total).unwrap_or(0);
            let mut c = 0;
            while draw >= weights[c] {
                draw -= weights[c];
                c += 1;
            }
            let ty = TYPES[pick(rng, TYPES.len())];
            let mechanism = MECHANISMS[pick(rng, MECHANISMS.len())];
            incident(
                &format!("v{v}"),
                "credible",
                true,
                "2025-07-01",
                &[
                    ("country", countries[c].as_str()),
                    ("reprisal_type", ty),
                    ("mechanism", mechanism),
                ],
            )
        })
        .collect()
}

/// Hits out of trials, and whether the rate is within two standard errors of `expected`
/// (`at_most`: only the upper side is checked).
fn within(hits: u64, trials: u64, expected: f64, at_most: bool) -> (f64, f64, bool) {
    let rate = hits as f64 / trials as f64;
    let se = (expected * (1.0 - expected) / trials as f64).sqrt();
    let ok = if at_most {
        rate <= expected + 2.0 * se
    } else {
        (rate - expected).abs() <= 2.0 * se
    };
    (rate, se, ok)
}

#[test]
fn simulated_years_keep_the_stated_phantom_rate_coverage_and_totals() {
    let policy = match StatisticsPolicy::builtin() {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    let period = policy.period_starting(2025);
    let plan = plan::plan(&policy);
    let Some(country_plan) = plan.tables.iter().find(|t| t.name == "country") else {
        panic!("no country table")
    };
    let (Some(_), Some(stated_phantoms)) = (country_plan.threshold, country_plan.phantom_rate)
    else {
        panic!("no threshold")
    };
    let mut report = Vec::new();
    for (size, victims) in [0usize, 8, 50, 300].into_iter().enumerate() {
        let mut rng = Seeded(0x5eed_0000 + size as u64);
        let incidents = year(&policy, victims, &mut rng);
        let truth = count_all(&policy, &period, &incidents);
        let mut phantom_releases = 0u64;
        // (covered, published) per table, for figures not selected by a threshold: all of
        // them, and those whose true count is over k (where cutting at zero changes nothing).
        let mut coverage: Vec<(u64, u64)> = vec![(0, 0); plan.tables.len()];
        let mut coverage_far: Vec<(u64, u64)> = vec![(0, 0); plan.tables.len()];
        // Thresholded tables: published cells whose true count is near the threshold (at most
        // τ + k), where noise that took a cell over it matters most.
        let mut coverage_near: Vec<(u64, u64)> = vec![(0, 0); plan.tables.len()];
        for run in 0..RUNS {
            let mut noise_rng = Seeded(run * 7919 + size as u64 * 1_000_003);
            let release = match make_release(
                &policy,
                &period,
                &incidents,
                Some(&mut noise_rng),
                "2026-05-02",
            ) {
                Ok(r) => r,
                Err(e) => panic!("{e}"),
            };
            let total = release.tables[0].total.value;
            let mut phantom = false;
            for (i, (table, exact)) in release.tables.iter().zip(&truth).enumerate() {
                assert_eq!(table.name, exact.spec.name);
                // Cells and totals agree.
                let sum: i64 = table.cells.iter().flatten().filter_map(|v| v.value).sum();
                assert_eq!(table.total.value, total, "{}: one total", table.name);
                if table.threshold.is_some() {
                    assert!(
                        Some(sum) <= total,
                        "{}: shown cells exceed the total",
                        table.name
                    );
                } else {
                    assert_eq!(
                        Some(sum),
                        total,
                        "{} ({victims} victims, run {run})",
                        table.name
                    );
                }
                for (row, true_row) in table.cells.iter().zip(&exact.cells) {
                    for (v, &t) in row.iter().zip(true_row) {
                        let t = t as i64;
                        if v.shown == NOT_SHOWN {
                            continue;
                        }
                        if table.threshold.is_some() && t == 0 {
                            phantom = true;
                        }
                        let (Some(lo), Some(hi)) = (v.low, v.high) else {
                            panic!("{}: a figure without an interval", table.name)
                        };
                        let held = u64::from(lo <= t && t <= hi);
                        coverage[i].0 += held;
                        coverage[i].1 += 1;
                        if let Some(tau) = plan.tables[i].threshold
                            && t <= (tau + plan.tables[i].cell_half_width) as i64
                        {
                            coverage_near[i].0 += held;
                            coverage_near[i].1 += 1;
                        }
                        if t > plan.tables[i].cell_half_width as i64
                            && plan.tables[i].threshold.is_none()
                        {
                            coverage_far[i].0 += held;
                            coverage_far[i].1 += 1;
                        }
                    }
                }
            }
            if phantom {
                phantom_releases += 1;
            }
        }
        // An empty year is the case the threshold was chosen for: the rate is the stated one.
        // With victims, fewer countries are empty, so phantoms are rarer still.
        let (rate, se, ok) = within(phantom_releases, RUNS, stated_phantoms, victims > 0);
        report.push(format!(
            "{victims} victims: phantom country in {rate:.3} of releases (stated {stated_phantoms:.3}, se {se:.3})"
        ));
        assert!(ok, "{}", report.join("\n"));

        // Everywhere, at least the stated coverage (a count is never negative, so near zero
        // the interval cut at zero holds the truth more often); away from zero, exactly it.
        // A thresholded table states at least 90% among the cells it publishes (its intervals
        // allow for the noise that took a cell over the threshold).
        for (t, (&(covered, published), &(far_covered, far))) in
            plan.tables.iter().zip(coverage.iter().zip(&coverage_far))
        {
            let stated = if t.threshold.is_some() {
                plan::LEVEL
            } else {
                t.cell_coverage
            };
            if published >= 100 {
                let rate = covered as f64 / published as f64;
                let se = (stated * (1.0 - stated) / published as f64).sqrt();
                report.push(format!(
                    "{victims} victims, {}: intervals held the truth in {rate:.3} of {published} (stated at least {stated:.3}, se {se:.3})",
                    t.name
                ));
                assert!(rate >= stated - 2.0 * se, "{}", report.join("\n"));
            }
            let (near_covered, near) = coverage_near[report_index(&plan, &t.name)];
            if near >= 50 {
                let rate = near_covered as f64 / near as f64;
                let se = (stated * (1.0 - stated) / near as f64).sqrt();
                report.push(format!(
                    "{victims} victims, {}: near the threshold, {rate:.3} of {near} (stated at least {stated:.3}, se {se:.3})",
                    t.name
                ));
                assert!(rate >= stated - 2.0 * se, "{}", report.join("\n"));
            }
            if far >= 100 {
                let (rate, se, ok) = within(far_covered, far, t.cell_coverage, false);
                report.push(format!(
                    "{victims} victims, {}: away from zero, {rate:.3} of {far} (stated {:.3}, se {se:.3})",
                    t.name, t.cell_coverage
                ));
                assert!(ok, "{}", report.join("\n"));
            }
        }
    }
    assert!(
        std::env::var_os("SIMULATION_REPORT").is_none(),
        "{}",
        report.join("\n")
    );
}

fn report_index(plan: &plan::Plan, name: &str) -> usize {
    plan.tables.iter().position(|t| t.name == name).unwrap_or(0)
}
