//! Daily counts of requests (per method, route template and status) and of alert outcomes
//! (per target and outcome): what an operator can know about traffic, and never finer than a
//! UTC day.
//!
//! Why a day, for every route: a count per hour of `POST /report` still says "someone
//! reported between 9 and 10", and a count per hour of staff calls says when a caseworker
//! reacted to an alert, which dates the report just as well. So nothing is logged per request,
//! and counts are kept in memory until their day is over; then they are added to
//! `daily_counts` (read with `safehold admin counts`) and summed in one log line. A server that
//! stops writes the current day's counts so far, which says only that it stopped.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::{Store, StoreError, today, with_pool};

/// One row of `daily_counts`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DailyCount {
    /// UTC day, `YYYY-MM-DD`.
    pub day: String,
    /// `request` or `alert`.
    pub class: String,
    /// `METHOD /route/template` for a request, `target channel` for an alert.
    pub name: String,
    /// The status code, or the alert outcome (`delivered`, `retry:<class>`, …).
    pub outcome: String,
    /// How many.
    pub count: i64,
}

type Key = (String, String, String);

/// The counts of the current day, and of finished days not yet written.
#[derive(Clone, Default)]
pub(super) struct Tally {
    inner: Arc<Mutex<Days>>,
}

#[derive(Default)]
struct Days {
    day: String,
    counts: BTreeMap<Key, i64>,
    finished: Vec<(String, BTreeMap<Key, i64>)>,
}

impl Days {
    /// Moves the current counts to the finished days when `today` has begun.
    fn roll(&mut self, today: &str) {
        if self.day != today {
            let counts = std::mem::take(&mut self.counts);
            let day = std::mem::replace(&mut self.day, today.to_owned());
            if !counts.is_empty() {
                self.finished.push((day, counts));
            }
        }
    }
}

impl Tally {
    fn days(&self) -> std::sync::MutexGuard<'_, Days> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn add(&self, today: &str, key: Key) {
        let mut days = self.days();
        days.roll(today);
        *days.counts.entry(key).or_default() += 1;
    }

    /// Takes the finished days, and with `all` the current day too.
    fn take(&self, today: &str, all: bool) -> Vec<(String, BTreeMap<Key, i64>)> {
        let mut days = self.days();
        days.roll(today);
        let mut out = std::mem::take(&mut days.finished);
        if all && !days.counts.is_empty() {
            out.push((days.day.clone(), std::mem::take(&mut days.counts)));
        }
        out
    }

    /// Puts counts that could not be written back, to try again later.
    fn restore(&self, days: Vec<(String, BTreeMap<Key, i64>)>) {
        self.days().finished.extend(days);
    }
}

impl Store {
    /// Counts one event of the current UTC day, in memory: `class` is `request` or `alert`.
    pub fn count(&self, class: &str, name: &str, outcome: &str) {
        self.tally.add(
            &today(),
            (class.to_owned(), name.to_owned(), outcome.to_owned()),
        );
    }

    /// Adds the counts of every finished day (with `all`, of today too) to `daily_counts`
    /// and logs one line per day with its totals. Returns how many days were written.
    pub async fn write_counts(&self, all: bool) -> Result<usize, StoreError> {
        let days = self.tally.take(&today(), all);
        let written = days.len();
        for (i, (day, counts)) in days.iter().enumerate() {
            if let Err(e) = self.add_counts(day, counts).await {
                self.tally.restore(days[i..].to_vec());
                return Err(e);
            }
            let total = |class: &str| -> i64 {
                counts
                    .iter()
                    .filter(|((c, _, _), _)| c == class)
                    .map(|(_, n)| n)
                    .sum()
            };
            tracing::info!(
                day = %day,
                requests = total("request"),
                alerts = total("alert"),
                "daily counts written; see `safehold admin counts`"
            );
        }
        Ok(written)
    }

    async fn add_counts(&self, day: &str, counts: &BTreeMap<Key, i64>) -> Result<(), StoreError> {
        with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            for ((class, name, outcome), n) in counts {
                sqlx::query(
                    "INSERT INTO daily_counts (day, class, name, outcome, count) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day, class, name, outcome) \
                     DO UPDATE SET count = daily_counts.count + excluded.count",
                )
                .bind(day)
                .bind(class)
                .bind(name)
                .bind(outcome)
                .bind(*n)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The written counts from `since` (`YYYY-MM-DD`) on, by day, class, name and outcome.
    pub async fn daily_counts(&self, since: &str) -> Result<Vec<DailyCount>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT day, class, name, outcome, count FROM daily_counts WHERE day >= $1 \
                 ORDER BY day, class, name, outcome",
            )
            .bind(since)
            .fetch_all(p)
            .await?
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Key {
        ("request".into(), name.into(), "200".into())
    }

    #[test]
    fn a_day_is_finished_only_when_the_next_begins() {
        let tally = Tally::default();
        tally.add("2026-12-01", key("GET /"));
        tally.add("2026-12-01", key("GET /"));
        assert!(tally.take("2026-12-01", false).is_empty());
        tally.add("2026-12-02", key("POST /report"));
        let finished = tally.take("2026-12-02", false);
        assert_eq!(finished.len(), 1);
        assert_eq!(finished[0].0, "2026-12-01");
        assert_eq!(finished[0].1.get(&key("GET /")), Some(&2));
        let all = tally.take("2026-12-02", true);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].1.get(&key("POST /report")), Some(&1));
        assert!(tally.take("2026-12-03", true).is_empty());
    }
}
