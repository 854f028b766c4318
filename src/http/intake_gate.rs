//! The gate every new report passes before its costly work (sealing, the durable commit), for
//! the form and the API alike. It is a handler's step, not a middleware, because what it needs
//! to know is inside the request: whether it spent an intake ticket, and whether it is urgent.
//!
//! In order, each step refusing at once and spending nothing of the later ones:
//! 1. **The lane.** A report that spends an intake ticket (`http::intake_ticket`) is *earned*;
//!    any other is *plain*.
//! 2. **The client's quota.** Plain reports are charged to their client's per-address quota.
//!    Earned ones are too, unless the address stands for everyone (loopback, where an onion
//!    service's every visitor comes from): there the quota would let one flood lock every
//!    reporter out, while each earned report already cost its sender a page round trip.
//! 3. **The budgets.** An urgent report is admitted from the urgent budget while it lasts, so a
//!    flood of other reports cannot crowd it out; every other report, and an urgent one past
//!    that budget, spends the global budget.
//! 4. **The queue** (`http::submission_queue`): a place among the submissions running at once,
//!    earned lane first, then the client with fewer in flight.
//!
//! Requests refused before this gate (wrong content type, a failed CSRF check, a filled
//! honeypot, malformed JSON) have spent nothing at all.

use std::sync::Arc;
use std::time::Duration;

use super::failure::Failure;
use super::intake_ticket::IntakeTickets;
use super::ratelimit::{self, ClientIp, ClientKey, Global, PerClient};
use super::submission_queue::{Lane, Place, QueueLimits, SubmissionQueue};
use crate::config::ServeConfig;

/// Longest a report waits for a place before it is refused with 503.
const MAX_QUEUE_WAIT: Duration = Duration::from_secs(10);

/// How many reports may wait for each one running.
const WAITING_PER_RUNNING: usize = 8;

/// The gate of one traffic class (the form, or the API).
#[derive(Clone)]
pub struct IntakeGate {
    tickets: Arc<IntakeTickets>,
    per_client: Option<Arc<PerClient>>,
    global: Option<Arc<Global>>,
    urgent: Option<Arc<Global>>,
    queue: SubmissionQueue,
}

/// What every gate shares: one ticket office, the two budgets and one queue.
pub struct SharedIntake {
    tickets: Arc<IntakeTickets>,
    global: Option<Arc<Global>>,
    urgent: Option<Arc<Global>>,
    queue: SubmissionQueue,
    key: ClientIp,
}

impl SharedIntake {
    /// The budgets and the queue the configuration sets; `global` is the submissions' global
    /// budget, shared with the other classes that spend it.
    pub fn new(
        config: &ServeConfig,
        key: ClientIp,
        global: Option<Arc<Global>>,
        tickets: Arc<IntakeTickets>,
    ) -> SharedIntake {
        let limits = &config.rate_limits;
        let running = limits.max_concurrent_submissions;
        SharedIntake {
            tickets,
            global,
            urgent: ratelimit::global_per_minute(limits.urgent_per_minute),
            queue: SubmissionQueue::new(QueueLimits {
                running,
                waiting: running.saturating_mul(WAITING_PER_RUNNING),
                max_wait: MAX_QUEUE_WAIT,
            }),
            key,
        }
    }

    /// The gate of a class whose clients may each send `per_minute` plain reports.
    pub fn gate(&self, per_minute: u32) -> IntakeGate {
        IntakeGate {
            tickets: self.tickets.clone(),
            per_client: ratelimit::per_client(per_minute, &self.key),
            global: self.global.clone(),
            urgent: self.urgent.clone(),
            queue: self.queue.clone(),
        }
    }
}

impl IntakeGate {
    /// Admits a report from `client` that carries `ticket` (empty for none): a place to do its
    /// costly work in, held until dropped, or the refusal to answer with.
    pub async fn admit(
        &self,
        client: ClientKey,
        ticket: &str,
        urgent: bool,
    ) -> Result<Place, Failure> {
        let lane = if self.tickets.redeem(ticket) {
            Lane::Earned
        } else {
            Lane::Plain
        };
        let quota_applies = lane == Lane::Plain || !client.is_shared();
        if quota_applies
            && let Some(per_client) = &self.per_client
            && let Err(not_until) = per_client.limiter().check_key(&client.0)
        {
            return Err(Failure::RateLimited(ratelimit::wait(not_until)));
        }
        let from_urgent_budget = urgent
            && self
                .urgent
                .as_ref()
                .is_some_and(|b| b.limiter().check_key(&()).is_ok());
        if !from_urgent_budget
            && let Some(global) = &self.global
            && let Err(not_until) = global.limiter().check_key(&())
        {
            return Err(Failure::RateLimited(ratelimit::wait(not_until)));
        }
        self.queue
            .enter(client.0, lane)
            .await
            .map_err(|saturated| Failure::Busy(saturated.retry_after))
    }

    /// Drops per-client state that has fully refilled, so memory stays bounded.
    pub fn forget_idle_clients(&self) {
        if let Some(per_client) = &self.per_client {
            per_client.limiter().retain_recent();
        }
    }
}
