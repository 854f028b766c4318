//! Making a release against the store: refuse a period already released or a budget that
//! would be exceeded, count, add noise (or apply the fallback), store once.

use crate::policy::statistics::{Epsilon, Period, StatisticsPolicy, day, parse_day};
use crate::store::{LedgerEntry, NewRelease, ReleaseOutcome, StatsCodeRow, Store, StoreError};

use super::noise::{NoiseError, OsRandom, RandomSource};
use super::release::{Release, make_release};
use super::tables::CodedIncident;

/// Why a release was refused; the message tells the operator what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The period has not ended yet.
    #[error("period {period} is not over until {end}; release it from the day after")]
    NotClosed {
        /// The period.
        period: String,
        /// Its last day.
        end: String,
    },
    /// Released already.
    #[error(
        "period {period} was released on {released_day}; releases are never recomputed (see `safehold stats ledger`)"
    )]
    AlreadyReleased {
        /// The period.
        period: String,
        /// When.
        released_day: String,
    },
    /// Over the lifetime budget.
    #[error(
        "refused: this release needs epsilon {needed}, but only {left} of the lifetime budget {lifetime} is left (statistics.toml lifetime_epsilon); nothing was released"
    )]
    OverBudget {
        /// ε this release would spend.
        needed: Epsilon,
        /// ε left.
        left: Epsilon,
        /// The lifetime budget.
        lifetime: Epsilon,
    },
    /// Noise could not be drawn.
    #[error(transparent)]
    Noise(#[from] NoiseError),
    /// The database failed.
    #[error("the database failed ({0}); nothing was released, check --database-url and try again")]
    Store(#[from] StoreError),
}

/// Groups stored code rows into incidents, each keyed by its victim (linked cases share one
/// victim id; an unlinked case is its own victim), the privacy unit.
pub fn incidents_from_rows(rows: &[StatsCodeRow]) -> Vec<CodedIncident> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let first = &rows[i];
        let mut j = i;
        let mut codes = Vec::new();
        while j < rows.len() && rows[j].case_id == first.case_id {
            codes.push((rows[j].field.clone(), rows[j].code.clone()));
            j += 1;
        }
        out.push(CodedIncident::from_codes(
            &first.victim,
            &first.status,
            first.statistics_consent,
            &first.coded_day,
            &codes,
        ));
        i = j;
    }
    out
}

/// ε spent so far according to the ledger.
pub fn spent(ledger: &[LedgerEntry]) -> Epsilon {
    let millis: i64 = ledger.iter().map(|e| e.epsilon_millis).sum();
    Epsilon(u32::try_from(millis.max(0)).unwrap_or(u32::MAX))
}

/// Computes and stores the release of `period` (noise from the OS CSPRNG unless
/// `no_noise`), as of `today` (`YYYY-MM-DD`).
pub async fn release_period(
    store: &Store,
    policy: &StatisticsPolicy,
    period: &Period,
    no_noise: bool,
    today: &str,
) -> Result<Release, PublishError> {
    let mut rng = OsRandom;
    let rng: Option<&mut dyn RandomSource> = if no_noise { None } else { Some(&mut rng) };
    release_period_with(store, policy, period, rng, today).await
}

/// [`release_period`] with an injectable random source (`None`: the fallback rule).
pub async fn release_period_with(
    store: &Store,
    policy: &StatisticsPolicy,
    period: &Period,
    rng: Option<&mut dyn RandomSource>,
    today: &str,
) -> Result<Release, PublishError> {
    if parse_day(today).is_none_or(|t| t <= period.end) {
        return Err(PublishError::NotClosed {
            period: period.label(),
            end: day(period.end),
        });
    }
    let needed = if rng.is_some() {
        policy.epsilon_per_release()
    } else {
        Epsilon(0)
    };
    let ledger = store.stats_ledger().await?;
    if let Some(e) = ledger.iter().find(|e| e.id == period.id()) {
        return Err(PublishError::AlreadyReleased {
            period: period.label(),
            released_day: e.released_day.clone(),
        });
    }
    let over = |spent: Epsilon| PublishError::OverBudget {
        needed,
        left: policy.lifetime_epsilon.saturating_sub(spent),
        lifetime: policy.lifetime_epsilon,
    };
    if spent(&ledger).saturating_add(needed) > policy.lifetime_epsilon {
        return Err(over(spent(&ledger)));
    }
    let incidents = incidents_from_rows(&store.stats_code_rows().await?);
    let release = make_release(policy, period, &incidents, rng, today)?;
    let json = release.to_json();
    let csv = release.to_csv();
    let outcome = store
        .insert_release(
            &NewRelease {
                id: &release.id,
                period_start: &release.period_start,
                period_end: &release.period_end,
                released_day: today,
                mechanism: match release.mechanism {
                    super::Mechanism::DiscreteLaplace => "discrete_laplace",
                    super::Mechanism::SuppressionRounding => "suppression_rounding",
                },
                epsilon_millis: i64::from(release.epsilon_millis),
                json: &json,
                csv: &csv,
            },
            i64::from(policy.lifetime_epsilon.millis()),
        )
        .await?;
    match outcome {
        ReleaseOutcome::Stored => Ok(release),
        ReleaseOutcome::AlreadyReleased { released_day } => Err(PublishError::AlreadyReleased {
            period: period.label(),
            released_day,
        }),
        ReleaseOutcome::OverBudget { spent_millis } => Err(over(Epsilon(
            u32::try_from(spent_millis.max(0)).unwrap_or(u32::MAX),
        ))),
    }
}
