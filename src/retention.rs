//! Applying the retention policy (`policy/retention.toml`): deleting the ciphertext of closed
//! cases whose time is up, once on demand (`safehold admin retention run`) or daily inside
//! `safehold serve`.

use anyhow::Context;

use crate::policy::Retention;
use crate::store::Store;

/// Who the audit chain names for deletions made by the retention policy.
pub const ACTOR: &str = "operator/retention";

/// Applies the retention policy once: deletes the ciphertext of every closed case whose time
/// is up (see `policy/retention.toml`). Returns how many cases were purged.
pub async fn run_once(store: &Store, retention: Retention) -> anyhow::Result<usize> {
    let cutoff = retention.cutoff(time::OffsetDateTime::now_utc().date());
    let purged = store
        .purge_closed_before(&cutoff, ACTOR)
        .await
        .context("retention could not delete closed cases; it will retry at the next run")?;
    Ok(purged.len())
}

/// Runs [`run_once`] now and then once a day until the task is aborted.
pub fn spawn_daily(store: Store, retention: Retention) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut day = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            day.tick().await;
            match run_once(&store, retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(cases = n, "retention deleted closed cases"),
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "retention run failed"),
            }
        }
    })
}
