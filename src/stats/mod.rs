//! Anonymized statistics: pre-declared tables over closed yearly periods, released once with
//! discrete (integer) differential-privacy noise or, without noise, with suppression and
//! rounding; recorded in a privacy-budget ledger and never recomputed.
//!
//! This module sees codes, flags and counts only: it imports neither `envelope` nor `crypto`.
//! - [`noise`]: exact discrete Laplace sampling (Canonne, Kamath & Steinke 2020).
//! - [`suppression`]: the no-noise fallback (primary and secondary suppression, rounding).
//! - [`tables`]: eligibility (consent, status), one count per victim, fixed category lists.
//! - [`plan`]: what a release will publish, known before any data is read (scales, intervals,
//!   thresholds, budget).
//! - [`consistency`]: cells fitted to the separately measured total (post-processing).
//! - [`release`]: a release's published values, its canonical JSON and CSV.

pub mod consistency;
pub mod noise;
pub mod plan;
pub mod publish;
pub mod release;
pub mod suppression;
pub mod tables;

#[cfg(test)]
mod simulation;

pub use noise::{NoiseError, OsRandom, RandomSource};
pub use release::{Mechanism, Release, ReleasedTable, Value, make_release};
pub use tables::{CodedIncident, Counted, count_all};
