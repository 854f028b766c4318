//! The alert outbox: claiming due rows, finishing, rescheduling, dead letters, digests.
//!
//! One outbox row is one (event × alert target). Rows are written by the group-commit writer in
//! the report's transaction; this file holds every query the alert worker and
//! `safehold admin alerts` run on them. Rows carry ids, names and codes only.
//!
//! Claiming marks rows with a lease (`claimed_until`, unix seconds): a worker that dies keeps
//! its claims only until the lease ends, then another worker retries them. On PostgreSQL the
//! claim is `FOR UPDATE SKIP LOCKED`, so several `safehold serve` instances never claim one row
//! at the same time; SQLite has one writer at a time, so the same `UPDATE … RETURNING` is
//! already exclusive there.

use sqlx::QueryBuilder;

use super::{Pool, Store, StoreError, with_pool};
use crate::domain::AlertKind;

/// The alert an event raises, queued in the outbox in the event's own transaction.
#[derive(Debug, Clone, Copy)]
pub struct AlertEvent<'a> {
    /// What happened.
    pub kind: AlertKind,
    /// The case's route (empty for an escalation: its targets are the rapporteur's).
    pub route: &'a str,
    /// The targets to alert.
    pub targets: &'a [String],
}

/// Inserts one outbox row per target of an [`AlertEvent`], inside the caller's transaction.
macro_rules! queue_alerts {
    ($tx:expr, $case_id:expr, $alert:expr) => {
        for target in $alert.targets {
            sqlx::query("INSERT INTO outbox (kind, route, case_id, urgent, target, idem) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind($alert.kind.as_str())
                .bind($alert.route)
                .bind($case_id)
                .bind(false)
                .bind(target.as_str())
                .bind(new_alert_id())
                .execute(&mut *$tx)
                .await?;
        }
    };
}
pub(crate) use queue_alerts;

/// An alert waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxAlert {
    /// What happened.
    #[sqlx(try_from = "String")]
    pub kind: AlertKind,
    /// Route whose targets are alerted.
    pub route: String,
    /// Public id of the case.
    pub case_id: String,
    /// Whether the reporter said someone is in immediate danger.
    pub urgent: bool,
    /// The alert target this row is for (one row per event and target).
    pub target: String,
}

/// Which rows a worker may claim for delivery on their own.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    /// Targets whose every row is delivered at once (mode `immediate`).
    pub immediate: Vec<String>,
    /// Digest targets whose urgent rows take the fast lane (delivered at once).
    pub fast_lane: Vec<String>,
}

/// An outbox row claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedAlert {
    /// Row id.
    pub id: i64,
    /// The event, or [`AlertKind::Digest`] for a target's scheduled digest.
    #[sqlx(try_from = "String")]
    pub kind: AlertKind,
    /// The route (empty for a digest).
    pub route: String,
    /// Public case id (empty for a digest).
    pub case_id: String,
    /// Someone is in immediate danger.
    pub urgent: bool,
    /// Alert target name.
    pub target: String,
    /// Idempotency id, random, stable for the row's life.
    pub idem: String,
    /// Failed attempts so far.
    pub attempts: i32,
}

/// An alert that failed too often, as `safehold admin alerts list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeadLetter {
    /// Id to pass to `safehold admin alerts retry`.
    pub id: i64,
    /// The UTC day it was given up, `YYYY-MM-DD`: never finer.
    pub dead_day: String,
    /// Event kind.
    #[sqlx(try_from = "String")]
    pub kind: AlertKind,
    /// Route.
    pub route: String,
    /// Public case id.
    pub case_id: String,
    /// Alert target name.
    pub target: String,
    /// Urgent or not.
    pub urgent: bool,
    /// Attempts made.
    pub attempts: i32,
    /// The last error's class (`connect`, `http_5xx`, …), never a receiver's answer.
    pub error_class: String,
    /// The idempotency id, kept so a retried alert can be recognised as a duplicate.
    pub idem: String,
}

/// A new random idempotency id for an outbox row: 128 bits, hex, carrying no order or time.
pub fn new_alert_id() -> String {
    let mut random = [0u8; 16];
    // The OS RNG failing leaves nothing safe to do but stop.
    if getrandom::fill(&mut random).is_err() {
        panic!("the operating system's random number generator failed");
    }
    hex::encode(random)
}

const CLAIMED_COLUMNS: &str = "id, kind, route, case_id, urgent, target, idem, attempts";

fn push_claim_condition<DB: sqlx::Database>(q: &mut QueryBuilder<DB>, filter: &ClaimFilter)
where
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push("(kind = 'digest'");
    if !filter.immediate.is_empty() {
        q.push(" OR target IN (");
        let mut list = q.separated(", ");
        for t in &filter.immediate {
            list.push_bind(t.clone());
        }
        q.push(")");
    }
    if !filter.fast_lane.is_empty() {
        q.push(" OR (urgent AND target IN (");
        let mut list = q.separated(", ");
        for t in &filter.fast_lane {
            list.push_bind(t.clone());
        }
        q.push("))");
    }
    q.push(")");
}

impl Store {
    /// Claims up to `limit` due rows that `filter` allows, leasing them until `now + lease`.
    /// Rows of targets no longer in the policy are claimed too (`unknown` below), so the
    /// worker can dead-letter them instead of leaving them forever.
    pub async fn claim_due_alerts(
        &self,
        now: i64,
        lease_secs: i64,
        limit: i64,
        filter: &ClaimFilter,
        known_targets: &[String],
    ) -> Result<Vec<ClaimedAlert>, StoreError> {
        let rows = with_pool!(&self.pool, |p| {
            let mut q = QueryBuilder::new("UPDATE outbox SET claimed_until = ");
            q.push_bind(now.saturating_add(lease_secs));
            q.push(" WHERE id IN (SELECT id FROM outbox WHERE next_attempt <= ");
            q.push_bind(now);
            q.push(" AND claimed_until <= ");
            q.push_bind(now);
            q.push(" AND (");
            push_claim_condition(&mut q, filter);
            // Rows whose target is gone from the policy (or written before targets existed).
            q.push(" OR target NOT IN (''");
            for t in known_targets {
                q.push(", ");
                q.push_bind(t.clone());
            }
            q.push(") OR target = '')");
            q.push(" ORDER BY id LIMIT ");
            q.push_bind(limit);
            if matches!(self.pool, Pool::Postgres(_)) {
                q.push(" FOR UPDATE SKIP LOCKED");
            }
            q.push(") RETURNING ");
            q.push(CLAIMED_COLUMNS);
            q.build_query_as().fetch_all(p).await?
        });
        Ok(rows)
    }

    /// The rows a digest of `target` reports: every waiting event row of the target that is not
    /// leased (and, with `skip_urgent`, not urgent: those take the fast lane), oldest first.
    pub async fn digest_items(
        &self,
        target: &str,
        now: i64,
        skip_urgent: bool,
    ) -> Result<Vec<ClaimedAlert>, StoreError> {
        let sql = if skip_urgent {
            "SELECT id, kind, route, case_id, urgent, target, idem, attempts FROM outbox \
             WHERE target = $1 AND kind <> 'digest' AND claimed_until <= $2 AND NOT urgent \
             ORDER BY id"
        } else {
            "SELECT id, kind, route, case_id, urgent, target, idem, attempts FROM outbox \
             WHERE target = $1 AND kind <> 'digest' AND claimed_until <= $2 ORDER BY id"
        };
        let rows = with_pool!(&self.pool, |p| {
            sqlx::query_as(sql)
                .bind(target)
                .bind(now)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    /// Deletes delivered rows: no trace of them, or of when they arrived, stays at rest.
    pub async fn delete_alerts(&self, ids: &[i64]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        with_pool!(&self.pool, |p| {
            for chunk in ids.chunks(500) {
                let mut q = QueryBuilder::new("DELETE FROM outbox WHERE id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                q.push(")");
                q.build().execute(p).await?;
            }
        });
        Ok(())
    }

    /// Records a failed attempt and releases the lease: the row is due again at
    /// `next_attempt` (unix seconds).
    pub async fn reschedule_alert(
        &self,
        id: i64,
        attempts: i32,
        next_attempt: i64,
        error_class: &str,
    ) -> Result<(), StoreError> {
        with_pool!(&self.pool, |p| {
            sqlx::query(
                "UPDATE outbox SET attempts = $1, next_attempt = $2, claimed_until = 0, \
                 last_error = $3 WHERE id = $4",
            )
            .bind(attempts)
            .bind(next_attempt)
            .bind(error_class)
            .bind(id)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Moves a row to the dead letters, keeping only the day.
    pub async fn dead_letter_alert(
        &self,
        id: i64,
        attempts: i32,
        error_class: &str,
        day: &str,
    ) -> Result<(), StoreError> {
        with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO alert_dead_letters \
                 (dead_day, kind, route, case_id, target, urgent, attempts, error_class, idem) \
                 SELECT $1, kind, route, case_id, target, urgent, $2, $3, idem \
                 FROM outbox WHERE id = $4",
            )
            .bind(day)
            .bind(attempts)
            .bind(error_class)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM outbox WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every dead letter, oldest first.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT id, dead_day, kind, route, case_id, target, urgent, attempts, \
                 error_class, idem FROM alert_dead_letters ORDER BY id",
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// Puts dead letters back in the outbox (same idempotency id, attempts reset, due at
    /// once): one by `id`, or all with `None`. Returns how many were queued again.
    pub async fn retry_dead_letters(&self, id: Option<i64>) -> Result<u64, StoreError> {
        let (insert, delete) = match id {
            Some(_) => (
                "INSERT INTO outbox (kind, route, case_id, urgent, target, idem) \
                 SELECT kind, route, case_id, urgent, target, idem FROM alert_dead_letters \
                 WHERE id = $1",
                "DELETE FROM alert_dead_letters WHERE id = $1",
            ),
            None => (
                "INSERT INTO outbox (kind, route, case_id, urgent, target, idem) \
                 SELECT kind, route, case_id, urgent, target, idem FROM alert_dead_letters \
                 WHERE id <> $1 ORDER BY id",
                "DELETE FROM alert_dead_letters WHERE id <> $1",
            ),
        };
        // `id <> -1` matches every row: one bind shape for both statements.
        let bound = id.unwrap_or(-1);
        let moved = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            let moved = sqlx::query(insert)
                .bind(bound)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(delete).bind(bound).execute(&mut *tx).await?;
            tx.commit().await?;
            moved
        });
        Ok(moved)
    }

    /// Starts digest period `period` of `target` if no instance has yet: returns true when this
    /// call queued the period's digest row. The first call for a target only records the
    /// current period (the first digest goes out at the next boundary).
    pub async fn start_digest_period(&self, target: &str, period: i64) -> Result<bool, StoreError> {
        let started = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            let first = sqlx::query(
                "INSERT INTO alert_digests (target, period) VALUES ($1, $2) \
                 ON CONFLICT (target) DO NOTHING",
            )
            .bind(target)
            .bind(period)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let advanced = !first
                && sqlx::query(
                    "UPDATE alert_digests SET period = $1 WHERE target = $2 AND period < $1",
                )
                .bind(period)
                .bind(target)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
            if advanced {
                sqlx::query(
                    "INSERT INTO outbox (kind, route, case_id, urgent, target, idem) \
                     VALUES ('digest', '', '', FALSE, $1, $2)",
                )
                .bind(target)
                .bind(new_alert_id())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            advanced
        });
        Ok(started)
    }
}

impl Store {
    /// Lists the alerts waiting for delivery, oldest first.
    pub async fn pending_alerts(&self) -> Result<Vec<OutboxAlert>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as("SELECT kind, route, case_id, urgent, target FROM outbox ORDER BY id")
                .fetch_all(p)
                .await?
        }))
    }
}
