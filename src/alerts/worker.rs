//! The outbox worker inside `safehold serve`: queue due digests, claim rows, deliver, then
//! delete (delivered) or count the failure and wait with exponential backoff and jitter, and
//! after `max_attempts` move the row to the dead letters.
//!
//! Delivery is at least once: a row is deleted only after its receiver accepted it, so a crash
//! between the two repeats the alert with the same idempotency id.
//!
//! Nothing the worker does tells when a report arrived. When to retry a row is kept in memory
//! only (the row keeps its attempt count); a restarted worker tries every row at once. No line
//! is logged per alert, at any level, since each would date an arrival: outcomes are counted
//! per UTC day with the request counts (`safehold admin counts`), and dead letters are listed
//! by `safehold admin alerts list`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::digest::{self, Digest, DigestItem};
use super::email::Mailer;
use super::payload::Alert;
use super::{DeliveryError, webhook};
use crate::domain::AlertKind;
use crate::policy::AlertPolicy;
use crate::policy::alerts::{AlertTarget, Channel, Mode};
use crate::store::{AlertClaim, ClaimFilter, ClaimedAlert, Store, StoreError, new_alert_id, today};

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
    /// When each failed row may be tried again: in memory only, never stored.
    retry_at: Mutex<HashMap<String, Instant>>,
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
                retry_at: Mutex::new(HashMap::new()),
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
        let waiting = self.waiting_rows();
        let mut claim = inner
            .store
            .claim_alerts(BATCH, &inner.filter, &inner.names, &waiting)
            .await?;
        let rows = claim.rows.clone();
        let claimed = rows.len();
        // Digests list the rows they report, read through the claim (locked with it).
        let mut jobs = Vec::with_capacity(rows.len());
        for row in rows {
            let target = inner.policy.target(&row.target).cloned();
            let (message, listed) = match &target {
                None => (None, Vec::new()),
                Some(target) => self.message(&mut claim, target, &row).await?,
            };
            jobs.push((row, target, message, listed));
        }
        let mut deliveries = JoinSet::new();
        for (row, target, message, listed) in jobs {
            let worker = self.clone();
            deliveries.spawn(async move {
                let result = match (&target, &message) {
                    (Some(target), Some(message)) => worker.send(target, message).await,
                    _ => Err(DeliveryError::UnknownTarget),
                };
                (row, target, listed, result)
            });
        }
        while let Some(done) = deliveries.join_next().await {
            if let Ok((row, target, listed, result)) = done {
                self.record(&mut claim, row, target.as_ref(), listed, result)
                    .await?;
            }
        }
        claim.finish().await?;
        Ok(claimed)
    }

    /// Rows that failed and wait for their retry; forgets those whose time has come.
    fn waiting_rows(&self) -> Vec<String> {
        let now = Instant::now();
        let mut retry_at = self
            .inner
            .retry_at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        retry_at.retain(|_, at| *at > now);
        retry_at.keys().cloned().collect()
    }

    fn retry_later(&self, id: Option<(&str, Duration)>, forget: &str) {
        let mut retry_at = self
            .inner
            .retry_at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        retry_at.remove(forget);
        if let Some((id, delay)) = id {
            retry_at.insert(id.to_owned(), Instant::now() + delay);
        }
    }

    /// Records the outcome of one delivery in the claim, counts it for the day, and schedules
    /// a retry in memory.
    async fn record(
        &self,
        claim: &mut AlertClaim,
        row: ClaimedAlert,
        target: Option<&AlertTarget>,
        listed: Vec<String>,
        result: Result<(), DeliveryError>,
    ) -> Result<(), StoreError> {
        let inner = &self.inner;
        let attempt = row.attempts.saturating_add(1);
        let channel = target.map_or("none", |t| t.channel.kind());
        let counted = format!("{} {}", row.target, channel);
        match result {
            Ok(()) => {
                let mut ids = listed;
                ids.push(row.id.clone());
                claim.delivered(&ids).await?;
                self.retry_later(None, &row.id);
                inner.store.count("alert", &counted, "delivered");
            }
            Err(e) => {
                let class = e.class();
                let max = i32::try_from(inner.policy.delivery.max_attempts).unwrap_or(i32::MAX);
                if attempt >= max || e == DeliveryError::UnknownTarget {
                    claim.dead_letter(&row.id, attempt, class, &today()).await?;
                    self.retry_later(None, &row.id);
                    inner
                        .store
                        .count("alert", &counted, &format!("dead_letter:{class}"));
                } else {
                    let delay = backoff(
                        inner.policy.delivery.backoff_base,
                        inner.policy.delivery.backoff_max,
                        u32::try_from(attempt).unwrap_or(1),
                        random_unit(),
                    );
                    claim.failed(&row.id, attempt, class).await?;
                    self.retry_later(Some((&row.id, delay)), &row.id);
                    inner
                        .store
                        .count("alert", &counted, &format!("retry:{class}"));
                }
            }
        }
        Ok(())
    }

    /// What to send for one claimed row. For a digest, also the ids of the rows it lists,
    /// to delete with it once delivered.
    async fn message(
        &self,
        claim: &mut AlertClaim,
        target: &AlertTarget,
        row: &ClaimedAlert,
    ) -> Result<(Option<Message>, Vec<String>), StoreError> {
        let case = |case: &str| {
            if target.include_case {
                case.to_owned()
            } else {
                String::new()
            }
        };
        if row.kind != AlertKind::Digest {
            let alert = Alert::new(
                &row.idem,
                row.kind,
                &row.route,
                &case(&row.case_id),
                row.urgent,
            );
            return Ok((Some(Message::Alert(alert)), Vec::new()));
        }
        let every = match target.mode {
            Mode::Digest { every } => i64::try_from(every.as_secs()).unwrap_or(3600),
            // The target was switched to immediate: its last digest still goes out.
            Mode::Immediate => 3600,
        };
        let rows = claim
            .digest_items(&target.name, target.urgent_fast_lane)
            .await?;
        let ids = rows.iter().map(|r| r.id.clone()).collect();
        let items = rows
            .into_iter()
            .map(|r| DigestItem {
                kind: r.kind,
                route: r.route,
                case: case(&r.case_id),
                urgent: r.urgent,
            })
            .collect();
        let digest = Digest::new(&row.idem, now(), every, items);
        Ok((Some(Message::Digest(digest)), ids))
    }

    async fn send(&self, target: &AlertTarget, message: &Message) -> Result<(), DeliveryError> {
        match &target.channel {
            Channel::Webhook { url, secret } => {
                webhook::post(&self.inner.http, url, secret, message.json()).await
            }
            Channel::Email { to } => {
                let (subject, body) = message.email();
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
        self.send(target, &Message::Alert(Alert::test(&new_alert_id())))
            .await
    }
}

/// One delivery's content.
enum Message {
    Alert(Alert),
    Digest(Digest),
}

impl Message {
    fn json(&self) -> Vec<u8> {
        match self {
            Message::Alert(alert) => alert.json(),
            Message::Digest(digest) => digest.json(),
        }
    }

    fn email(&self) -> (String, String) {
        match self {
            Message::Alert(alert) => alert.email(),
            Message::Digest(digest) => digest.email(),
        }
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
