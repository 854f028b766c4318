//! The scheduled work inside `safehold serve` that keeps the database from telling when things
//! arrived: every tick (a minute; `SAFEHOLD_MAINTENANCE_SECONDS` changes it) the SQLite WAL is
//! truncated and its files' times reset to the day, and finished days' counts are written;
//! every hour (sixty ticks) PostgreSQL's tables are rewritten so no `xmin` or row position
//! dates a report. See `store::scrub` and `store::counts`.

use std::time::Duration;

use crate::store::Store;

/// Ticks between two rewrites of the PostgreSQL tables.
const TICKS_PER_SCRUB: u64 = 60;

/// The tick: a minute unless `SAFEHOLD_MAINTENANCE_SECONDS` says otherwise (tests use 1).
pub fn tick() -> Duration {
    std::env::var("SAFEHOLD_MAINTENANCE_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(Duration::from_secs(60), Duration::from_secs)
}

/// Runs the maintenance until the task is aborted.
pub fn spawn(store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(tick());
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks: u64 = 0;
        loop {
            tick.tick().await;
            ticks += 1;
            if let Err(e) = store.truncate_wal().await {
                tracing::warn!(error = %e, "the WAL could not be truncated; will retry");
            }
            if let Err(e) = store.write_counts(false).await {
                tracing::warn!(error = %e, "the daily counts could not be written; will retry");
            }
            if ticks.is_multiple_of(TICKS_PER_SCRUB)
                && let Err(e) = store.scrub_arrival_order().await
            {
                tracing::warn!(error = %e, "the tables could not be rewritten; will retry");
            }
        }
    })
}
