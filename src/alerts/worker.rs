//! The outbox worker inside `safehold serve`: queue due digests, claim due rows, deliver,
//! then delete (delivered) or reschedule with exponential backoff and jitter, and after
//! `max_attempts` move the row to the dead letters.
//!
//! Delivery is at least once: a row is deleted only after its receiver accepted it, so a crash
//! between the two repeats the alert with the same idempotency id. Log lines name the target,
//! its channel, the event kind, the attempt and an outcome class: never a case id, an address,
//! a URL or anything a receiver answered. Successes log at debug level only, so the default log
//! does not time-stamp arrivals.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::digest::{self, Digest, DigestItem};
use super::email::Mailer;
use super::payload::Alert;
use super::{DeliveryError, webhook};
use crate::domain::AlertKind;
use crate::policy::AlertPolicy;
use crate::policy::alerts::{AlertTarget, Channel, Mode};
use crate::store::{ClaimFilter, ClaimedAlert, Store, StoreError, new_alert_id, today};

/// Rows claimed per round.
const BATCH: i64 = 32;

/// The alert worker, ready to run.
#[derive(Clone)]
pub struct AlertWorker {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    policy: AlertPolicy,
    http: reqwest::Client,
    mailer: Option<Mailer>,
    filter: ClaimFilter,
    names: Vec<String>,
}

/// A running worker; [`WorkerHandle::shutdown`] stops it after the deliveries in flight.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    /// Asks the worker to stop and waits until it has.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Unix seconds now.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The delay before attempt `attempts + 1`: `base · 2^(attempts-1)`, capped at `max`, then
/// "equal jitter" (half fixed, half random) so retries of many rows spread out. `random` is a
/// uniform value in [0, 1).
pub fn backoff(base: Duration, max: Duration, attempts: u32, random: f64) -> Duration {
    let exp = attempts.saturating_sub(1).min(30);
    let delay = base.saturating_mul(1u32 << exp).min(max);
    delay / 2 + delay.mul_f64(random.clamp(0.0, 1.0) / 2.0)
}

fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

impl AlertWorker {
    /// Prepares a worker for `policy` on `store`. Fails only if the TLS stack cannot start or
    /// the SMTP settings cannot make a transport.
    pub fn new(store: Store, policy: AlertPolicy) -> Result<AlertWorker, DeliveryError> {
        let http = webhook::client(policy.delivery.timeout)?;
        let mailer = match &policy.smtp {
            Some(smtp) => Some(Mailer::new(smtp, policy.delivery.timeout)?),
            None => None,
        };
        let mut filter = ClaimFilter::default();
        for t in &policy.targets {
            match t.mode {
                Mode::Immediate => filter.immediate.push(t.name.clone()),
                Mode::Digest { .. } if t.urgent_fast_lane => filter.fast_lane.push(t.name.clone()),
                Mode::Digest { .. } => {}
            }
        }
        let names = policy.names();
        Ok(AlertWorker {
            inner: Arc::new(Inner {
                store,
                policy,
                http,
                mailer,
                filter,
                names,
            }),
        })
    }

    /// Runs the worker as a background task until [`WorkerHandle::shutdown`].
    pub fn spawn(self) -> WorkerHandle {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let poll = self.inner.policy.delivery.poll_interval;
            loop {
                let claimed = match self.run_once().await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(outcome = "database_error", "alert worker: {e}");
                        0
                    }
                };
                if *stopped.borrow() {
                    break;
                }
                if claimed >= BATCH as usize {
                    continue;
                }
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(poll) => {}
                }
            }
        });
        WorkerHandle { stop, task }
    }

    /// One round: queue the digests that are due, then claim and deliver one batch. Returns
    /// how many rows were claimed.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let inner = &self.inner;
        let now = now();
        for target in &inner.policy.targets {
            if let Mode::Digest { every } = target.mode {
                let every = i64::try_from(every.as_secs()).unwrap_or(i64::MAX);
                inner
                    .store
                    .start_digest_period(&target.name, digest::period_of(now, every))
                    .await?;
            }
        }
        let lease = i64::try_from(inner.policy.delivery.lease().as_secs()).unwrap_or(60);
        let rows = inner
            .store
            .claim_due_alerts(now, lease, BATCH, &inner.filter, &inner.names)
            .await?;
        let claimed = rows.len();
        let mut deliveries = JoinSet::new();
        for row in rows {
            let worker = self.clone();
            deliveries.spawn(async move { worker.handle(row).await });
        }
        while let Some(result) = deliveries.join_next().await {
            if let Ok(Err(e)) = result {
                tracing::warn!(outcome = "database_error", "alert worker: {e}");
            }
        }
        Ok(claimed)
    }

    /// Delivers one claimed row and records the outcome.
    async fn handle(&self, row: ClaimedAlert) -> Result<(), StoreError> {
        let inner = &self.inner;
        let attempt = row.attempts.saturating_add(1);
        let target = inner.policy.target(&row.target);
        let channel = target.map_or("none", |t| t.channel.kind());
        let (result, digest_items) = match target {
            None => (Err(DeliveryError::UnknownTarget), Vec::new()),
            Some(target) => self.deliver(target, &row).await,
        };
        match result {
            Ok(()) => {
                let mut ids = digest_items;
                ids.push(row.id);
                inner.store.delete_alerts(&ids).await?;
                tracing::debug!(alert_target = %row.target, channel, kind = %row.kind, attempt, outcome = "delivered", "alert");
            }
            Err(e) => {
                let class = e.class();
                let max = i32::try_from(inner.policy.delivery.max_attempts).unwrap_or(i32::MAX);
                if attempt >= max || e == DeliveryError::UnknownTarget {
                    inner
                        .store
                        .dead_letter_alert(row.id, attempt, class, &today())
                        .await?;
                    tracing::warn!(alert_target = %row.target, channel, kind = %row.kind, attempt, outcome = "dead_letter", class, "alert given up; see `safehold admin alerts list`");
                } else {
                    let delay = backoff(
                        inner.policy.delivery.backoff_base,
                        inner.policy.delivery.backoff_max,
                        u32::try_from(attempt).unwrap_or(1),
                        random_unit(),
                    );
                    let secs = i64::try_from(delay.as_secs_f64().ceil() as u64)
                        .unwrap_or(i64::MAX)
                        .max(1);
                    inner
                        .store
                        .reschedule_alert(row.id, attempt, now().saturating_add(secs), class)
                        .await?;
                    tracing::warn!(alert_target = %row.target, channel, kind = %row.kind, attempt, outcome = "retry", class, retry_in_secs = secs, "alert not delivered");
                }
            }
        }
        Ok(())
    }

    /// Sends one row to its target. For a digest row, also returns the ids of the rows it
    /// listed, to delete with it.
    async fn deliver(
        &self,
        target: &AlertTarget,
        row: &ClaimedAlert,
    ) -> (Result<(), DeliveryError>, Vec<i64>) {
        if row.kind == AlertKind::Digest {
            let every = match target.mode {
                Mode::Digest { every } => i64::try_from(every.as_secs()).unwrap_or(3600),
                // The target was switched to immediate: its last digest still goes out.
                Mode::Immediate => 3600,
            };
            let now = now();
            let rows = match self
                .inner
                .store
                .digest_items(&target.name, now, target.urgent_fast_lane)
                .await
            {
                Ok(rows) => rows,
                Err(_) => return (Err(DeliveryError::Network), Vec::new()),
            };
            let ids = rows.iter().map(|r| r.id).collect();
            let items = rows
                .into_iter()
                .map(|r| DigestItem {
                    kind: r.kind,
                    route: r.route,
                    case: r.case_id,
                    urgent: r.urgent,
                })
                .collect();
            let digest = Digest::new(&row.idem, now, every, items);
            let result = match &target.channel {
                Channel::Webhook { url, secret } => {
                    webhook::post(&self.inner.http, url, secret, digest.json()).await
                }
                Channel::Email { to } => {
                    let (subject, body) = digest.email();
                    self.mail(to, &subject, body).await
                }
            };
            return (result, ids);
        }
        let alert = Alert::new(&row.idem, row.kind, &row.route, &row.case_id, row.urgent);
        (self.send(target, &alert).await, Vec::new())
    }

    async fn send(&self, target: &AlertTarget, alert: &Alert) -> Result<(), DeliveryError> {
        match &target.channel {
            Channel::Webhook { url, secret } => {
                webhook::post(&self.inner.http, url, secret, alert.json()).await
            }
            Channel::Email { to } => {
                let (subject, body) = alert.email();
                self.mail(to, &subject, body).await
            }
        }
    }

    async fn mail(&self, to: &[String], subject: &str, body: String) -> Result<(), DeliveryError> {
        match &self.inner.mailer {
            Some(mailer) => mailer.send(to, subject, body).await,
            None => Err(DeliveryError::UnknownTarget),
        }
    }

    /// Sends a test alert to `target` now, outside the outbox (`safehold admin alerts test`).
    pub async fn send_test(&self, target: &str) -> Result<(), DeliveryError> {
        let target = self
            .inner
            .policy
            .target(target)
            .ok_or(DeliveryError::UnknownTarget)?;
        self.send(target, &Alert::test(&new_alert_id())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let base = Duration::from_secs(10);
        let max = Duration::from_secs(60);
        assert_eq!(backoff(base, max, 1, 0.0), Duration::from_secs(5));
        assert_eq!(backoff(base, max, 1, 1.0), Duration::from_secs(10));
        assert_eq!(backoff(base, max, 2, 0.0), Duration::from_secs(10));
        assert_eq!(backoff(base, max, 3, 0.5), Duration::from_secs(30));
        assert_eq!(backoff(base, max, 20, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(base, max, 200, 0.0), Duration::from_secs(30));
    }
}
