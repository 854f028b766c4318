//! The submission queue: how many reports do their costly work (sealing, the durable commit)
//! at once, and who goes next when the server is saturated.
//!
//! A plain semaphore serves whoever asked first, so a client with two hundred requests in
//! flight takes two hundred turns before a reporter's one. Here a freed place goes to the
//! waiting request that ranks first by:
//! 1. its lane: a report that spent an intake ticket (a fresh round trip through the form
//!    page) before one without;
//! 2. how many requests its client has in flight (running or waiting): fewer first;
//! 3. arrival.
//!
//! The queue is bounded in length and in waiting time; past either, the request is refused at
//! once with 503 and `Retry-After`, and nothing waits without end.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

/// Which lane a submission waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lane {
    /// It spent an intake ticket.
    Earned,
    /// Anything else: scripts, replays, clients that encrypt themselves without the page.
    Plain,
}

/// The limits of the queue.
#[derive(Debug, Clone, Copy)]
pub struct QueueLimits {
    /// Submissions doing their costly work at once.
    pub running: usize,
    /// Submissions waiting for a place; more are refused at once.
    pub waiting: usize,
    /// Longest wait for a place before a refusal.
    pub max_wait: Duration,
}

/// Why a submission did not get a place: retry after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saturated {
    /// Seconds a client should wait before trying again.
    pub retry_after: u64,
}

/// The shared queue; cheap to clone.
#[derive(Clone)]
pub struct SubmissionQueue {
    shared: Arc<Mutex<Queue>>,
    limits: QueueLimits,
}

struct Queue {
    running: usize,
    in_flight: HashMap<IpAddr, usize>,
    /// Waiting requests by arrival number.
    waiting: BTreeMap<u64, Waiter>,
    arrivals: u64,
}

struct Waiter {
    client: IpAddr,
    lane: Lane,
    wake: oneshot::Sender<Place>,
}

/// A place among the running submissions; freed (and handed to the next) when dropped.
pub struct Place {
    queue: Option<SubmissionQueue>,
    client: IpAddr,
}

impl SubmissionQueue {
    /// An empty queue with these limits.
    pub fn new(limits: QueueLimits) -> SubmissionQueue {
        SubmissionQueue {
            shared: Arc::new(Mutex::new(Queue {
                running: 0,
                in_flight: HashMap::new(),
                waiting: BTreeMap::new(),
                arrivals: 0,
            })),
            limits: QueueLimits {
                running: limits.running.max(1),
                ..limits
            },
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // The critical sections cannot panic half-way; a poisoned lock still holds a
        // consistent queue.
        self.shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn saturated(&self) -> Saturated {
        Saturated {
            retry_after: self.limits.max_wait.as_secs().clamp(1, 60),
        }
    }

    /// Waits for a place for `client` in `lane`.
    pub async fn enter(&self, client: IpAddr, lane: Lane) -> Result<Place, Saturated> {
        let (arrival, woken) = {
            let mut queue = self.lock();
            if queue.running < self.limits.running && queue.waiting.is_empty() {
                queue.running += 1;
                *queue.in_flight.entry(client).or_default() += 1;
                return Ok(Place {
                    queue: Some(self.clone()),
                    client,
                });
            }
            if queue.waiting.len() >= self.limits.waiting {
                return Err(self.saturated());
            }
            let (wake, woken) = oneshot::channel();
            queue.arrivals += 1;
            let arrival = queue.arrivals;
            queue.waiting.insert(arrival, Waiter { client, lane, wake });
            *queue.in_flight.entry(client).or_default() += 1;
            (arrival, woken)
        };
        let mut leaving = LeaveOnDrop {
            queue: self,
            arrival,
            client,
            armed: true,
        };
        match tokio::time::timeout(self.limits.max_wait, woken).await {
            Ok(Ok(place)) => {
                leaving.armed = false;
                Ok(place)
            }
            _ => Err(self.saturated()),
        }
    }

    /// Hands a freed place to the best waiter, or gives it back.
    fn release(&self, client: IpAddr) {
        let mut queue = self.lock();
        forget_one(&mut queue.in_flight, client);
        loop {
            let Some(arrival) = best_waiter(&queue) else {
                queue.running = queue.running.saturating_sub(1);
                return;
            };
            let Some(waiter) = queue.waiting.remove(&arrival) else {
                continue;
            };
            let place = Place {
                queue: Some(self.clone()),
                client: waiter.client,
            };
            match waiter.wake.send(place) {
                Ok(()) => return,
                Err(mut unclaimed) => {
                    // The waiter gave up between timing out and leaving: its count goes, and
                    // the place goes to the next one (without recursing through `Drop`).
                    unclaimed.queue = None;
                    forget_one(&mut queue.in_flight, waiter.client);
                }
            }
        }
    }
}

/// The arrival number of the waiter that ranks first.
fn best_waiter(queue: &Queue) -> Option<u64> {
    queue
        .waiting
        .iter()
        .min_by_key(|(arrival, w)| {
            let in_flight = queue.in_flight.get(&w.client).copied().unwrap_or(0);
            (w.lane, in_flight, **arrival)
        })
        .map(|(arrival, _)| *arrival)
}

fn forget_one(in_flight: &mut HashMap<IpAddr, usize>, client: IpAddr) {
    if let Some(count) = in_flight.get_mut(&client) {
        *count -= 1;
        if *count == 0 {
            in_flight.remove(&client);
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some(queue) = self.queue.take() {
            queue.release(self.client);
        }
    }
}

/// Takes a waiter that stopped waiting (timed out, or its client went away) out of the queue.
struct LeaveOnDrop<'a> {
    queue: &'a SubmissionQueue,
    arrival: u64,
    client: IpAddr,
    armed: bool,
}

impl Drop for LeaveOnDrop<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut queue = self.queue.lock();
        if queue.waiting.remove(&self.arrival).is_some() {
            forget_one(&mut queue.in_flight, self.client);
        }
        // Otherwise a place was already sent: dropping the unreceived `Place` frees it.
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ip(last: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, last))
    }

    fn queue(running: usize, waiting: usize) -> SubmissionQueue {
        SubmissionQueue::new(QueueLimits {
            running,
            waiting,
            max_wait: Duration::from_secs(5),
        })
    }

    #[tokio::test]
    async fn a_freed_place_goes_to_the_earned_lane_then_to_the_client_with_fewer_in_flight() {
        let queue = queue(1, 16);
        let holder = queue.enter(ip(1), Lane::Plain).await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        // The flooder queues three, then a plain request from a quiet client, then an
        // earned one from the flooder's own address.
        for (name, client, lane) in [
            ("flood-1", ip(1), Lane::Plain),
            ("flood-2", ip(1), Lane::Plain),
            ("flood-3", ip(1), Lane::Plain),
            ("quiet", ip(2), Lane::Plain),
            ("earned", ip(1), Lane::Earned),
        ] {
            let queue = queue.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let place = queue.enter(client, lane).await.unwrap();
                order.lock().unwrap().push(name);
                tokio::task::yield_now().await;
                drop(place);
            }));
            // Arrival order is the order above.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(holder);
        for task in tasks {
            task.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        assert_eq!(order[0], "earned");
        assert_eq!(order[1], "quiet");
        assert_eq!(&order[2..], ["flood-1", "flood-2", "flood-3"]);
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_a_long_wait_gives_up() {
        let queue = SubmissionQueue::new(QueueLimits {
            running: 1,
            waiting: 1,
            max_wait: Duration::from_millis(50),
        });
        let _holder = queue.enter(ip(1), Lane::Plain).await.unwrap();
        let waiting = tokio::spawn({
            let queue = queue.clone();
            async move { queue.enter(ip(2), Lane::Plain).await.map(|_| ()) }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let refused = queue.enter(ip(3), Lane::Earned).await;
        assert_eq!(refused.err(), Some(Saturated { retry_after: 1 }));
        assert!(waiting.await.unwrap().is_err(), "the waiter timed out");
        // Nothing is left counted for the clients that went away.
        let state = queue.lock();
        assert!(state.waiting.is_empty());
        assert_eq!(state.in_flight.get(&ip(2)), None);
        assert_eq!(state.running, 1);
    }
}
