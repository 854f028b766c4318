//! The alert outbox: claiming rows, recording outcomes, dead letters, digests.
//!
//! One outbox row is one (event × alert target). Rows are written by the group-commit writer in
//! the report's transaction; this file holds every query the alert worker and
//! `safehold admin alerts` run on them. Rows carry ids, names and codes only.
//!
//! Nothing here stores a time. Row ids are random, so no listing tells arrival order; a failed
//! row keeps only its attempt count, and when to try it again lives in the worker's memory.
//! A claim is an [`AlertClaim`]: on PostgreSQL its rows stay locked (`FOR UPDATE SKIP LOCKED`)
//! in one open transaction until the worker has recorded every outcome, so several `safehold
//! serve` instances never deliver one row at the same time, and a crashed worker's locks end
//! with its connection. SQLite has one server per file, whose worker claims one batch at a
//! time.

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
            sqlx::query("INSERT INTO outbox (id, kind, route, case_id, urgent, target, idem) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(new_alert_id())
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
    /// Row id: random, carrying no order.
    pub id: String,
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
    /// Id to pass to `safehold admin alerts retry`: random, carrying no order.
    pub id: String,
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

/// A new random id for an outbox row, a dead letter or an idempotency id: 128 bits, hex,
/// carrying no order or time.
pub fn new_alert_id() -> String {
    let mut random = [0u8; 16];
    // The OS RNG failing leaves nothing safe to do but stop.
    if getrandom::fill(&mut random).is_err() {
        panic!("the operating system's random number generator failed");
    }
    hex::encode(random)
}

const CLAIMED_COLUMNS: &str = "id, kind, route, case_id, urgent, target, idem, attempts";

/// Upper bound on the ids a claim skips (rows waiting for their retry), far under both
/// backends' bind limits. Rows beyond it may be tried early, never lost.
const MAX_SKIPPED: usize = 10_000;

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

/// The claim's `SELECT` (without a locking clause).
fn claim_query<DB: sqlx::Database>(
    limit: i64,
    filter: &ClaimFilter,
    known_targets: &[String],
    skip: &[String],
) -> QueryBuilder<DB>
where
    for<'b> String: sqlx::Encode<'b, DB> + sqlx::Type<DB>,
    for<'b> i64: sqlx::Encode<'b, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(format!("SELECT {CLAIMED_COLUMNS} FROM outbox WHERE ("));
    push_claim_condition(&mut q, filter);
    // Rows whose target is gone from the policy (or written before targets existed).
    q.push(" OR target NOT IN (''");
    for t in known_targets {
        q.push(", ");
        q.push_bind(t.clone());
    }
    q.push(") OR target = '')");
    let skip = &skip[..skip.len().min(MAX_SKIPPED)];
    if !skip.is_empty() {
        q.push(" AND id NOT IN (");
        let mut list = q.separated(", ");
        for id in skip {
            list.push_bind(id.clone());
        }
        q.push(")");
    }
    // Urgent first; otherwise the random ids give a random order, never arrival order.
    q.push(" ORDER BY urgent DESC, id LIMIT ");
    q.push_bind(limit);
    q
}

/// Rows claimed by one worker round, and the connection their outcomes are recorded on.
/// Call [`AlertClaim::finish`] once every outcome is recorded; dropping a claim without it
/// rolls back its outcomes on PostgreSQL (the rows are claimed again later).
pub struct AlertClaim {
    /// The claimed rows, urgent first, otherwise in random order.
    pub rows: Vec<ClaimedAlert>,
    inner: ClaimInner,
}

enum ClaimInner {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$c` a connection of the claim: the claim's open transaction on
/// PostgreSQL, a short transaction of its own on SQLite.
macro_rules! on_claim {
    ($claim:expr, |$c:ident| $body:expr) => {
        match &mut $claim.inner {
            ClaimInner::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                let $c: &mut sqlx::SqliteConnection = &mut tx;
                let out = $body;
                tx.commit().await?;
                out
            }
            ClaimInner::Postgres(tx) => {
                let $c: &mut sqlx::PgConnection = &mut *tx;
                $body
            }
        }
    };
}

impl AlertClaim {
    /// The rows a digest of `target` reports: every waiting event row of the target not held
    /// by another worker (and, with `skip_urgent`, not urgent: those take the fast lane), in
    /// random order. On PostgreSQL they are locked with the claim.
    pub async fn digest_items(
        &mut self,
        target: &str,
        skip_urgent: bool,
    ) -> Result<Vec<ClaimedAlert>, StoreError> {
        let mut sql =
            format!("SELECT {CLAIMED_COLUMNS} FROM outbox WHERE target = $1 AND kind <> 'digest'");
        if skip_urgent {
            sql.push_str(" AND NOT urgent");
        }
        sql.push_str(" ORDER BY id");
        let postgres = matches!(self.inner, ClaimInner::Postgres(_));
        if postgres {
            sql.push_str(" FOR UPDATE SKIP LOCKED");
        }
        let claimed: Vec<String> = self.rows.iter().map(|r| r.id.clone()).collect();
        let rows: Vec<ClaimedAlert> = on_claim!(self, |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(target)
                .fetch_all(&mut *c)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter(|r| !claimed.contains(&r.id))
            .collect())
    }

    /// Deletes delivered rows: no trace of them stays at rest.
    pub async fn delivered(&mut self, ids: &[String]) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            on_claim!(self, |c| {
                let mut q = QueryBuilder::new("DELETE FROM outbox WHERE id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                q.push(")");
                q.build().execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    /// Records a failed attempt: the attempt count and the error's class, never a time.
    pub async fn failed(
        &mut self,
        id: &str,
        attempts: i32,
        error_class: &str,
    ) -> Result<(), StoreError> {
        on_claim!(self, |c| {
            sqlx::query("UPDATE outbox SET attempts = $1, last_error = $2 WHERE id = $3")
                .bind(attempts)
                .bind(error_class)
                .bind(id)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Moves a row to the dead letters, keeping only the day.
    pub async fn dead_letter(
        &mut self,
        id: &str,
        attempts: i32,
        error_class: &str,
        day: &str,
    ) -> Result<(), StoreError> {
        on_claim!(self, |c| {
            sqlx::query(
                "INSERT INTO alert_dead_letters \
                 (id, dead_day, kind, route, case_id, target, urgent, attempts, error_class, idem) \
                 SELECT $1, $2, kind, route, case_id, target, urgent, $3, $4, idem \
                 FROM outbox WHERE id = $5",
            )
            .bind(new_alert_id())
            .bind(day)
            .bind(attempts)
            .bind(error_class)
            .bind(id)
            .execute(&mut *c)
            .await?;
            sqlx::query("DELETE FROM outbox WHERE id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }

    /// Commits every recorded outcome and releases the rows.
    pub async fn finish(self) -> Result<(), StoreError> {
        if let ClaimInner::Postgres(tx) = self.inner {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl Store {
    /// Claims up to `limit` rows that `filter` allows, except those in `skip` (waiting for
    /// their retry). Rows of targets no longer in the policy are claimed too, so the worker can
    /// dead-letter them instead of leaving them forever.
    pub async fn claim_alerts(
        &self,
        limit: i64,
        filter: &ClaimFilter,
        known_targets: &[String],
        skip: &[String],
    ) -> Result<AlertClaim, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let mut q = claim_query(limit, filter, known_targets, skip);
                let rows = q.build_query_as().fetch_all(p).await?;
                AlertClaim {
                    rows,
                    inner: ClaimInner::Sqlite(p.clone()),
                }
            }
            Pool::Postgres(p) => {
                let mut q = claim_query(limit, filter, known_targets, skip);
                q.push(" FOR UPDATE SKIP LOCKED");
                let mut tx = p.begin().await?;
                let rows = q.build_query_as().fetch_all(&mut *tx).await?;
                AlertClaim {
                    rows,
                    inner: ClaimInner::Postgres(tx),
                }
            }
        })
    }

    /// Every dead letter, by day, otherwise in random order.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT id, dead_day, kind, route, case_id, target, urgent, attempts, \
                 error_class, idem FROM alert_dead_letters ORDER BY dead_day, id",
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// Puts dead letters back in the outbox (same idempotency id, attempts reset, due at
    /// once): one by `id`, or all with `None`. Returns how many were queued again.
    pub async fn retry_dead_letters(&self, id: Option<&str>) -> Result<u64, StoreError> {
        let (select, delete) = match id {
            Some(_) => (
                "SELECT id FROM alert_dead_letters WHERE id = $1",
                "DELETE FROM alert_dead_letters WHERE id = $1",
            ),
            None => (
                "SELECT id FROM alert_dead_letters WHERE id <> $1",
                "DELETE FROM alert_dead_letters WHERE id = $1",
            ),
        };
        // `id <> ''` matches every row: one bind shape for both statements.
        let bound = id.unwrap_or("");
        let moved = with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            let ids: Vec<String> = sqlx::query_scalar(select)
                .bind(bound)
                .fetch_all(&mut *tx)
                .await?;
            for dead in &ids {
                sqlx::query(
                    "INSERT INTO outbox (id, kind, route, case_id, urgent, target, idem) \
                     SELECT $1, kind, route, case_id, urgent, target, idem \
                     FROM alert_dead_letters WHERE id = $2",
                )
                .bind(new_alert_id())
                .bind(dead)
                .execute(&mut *tx)
                .await?;
                sqlx::query(delete).bind(dead).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            ids.len() as u64
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
                    "INSERT INTO outbox (id, kind, route, case_id, urgent, target, idem) \
                     VALUES ($1, 'digest', '', '', FALSE, $2, $3)",
                )
                .bind(new_alert_id())
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

    /// Lists the alerts waiting for delivery, in random order (the ids are random).
    pub async fn pending_alerts(&self) -> Result<Vec<OutboxAlert>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as("SELECT kind, route, case_id, urgent, target FROM outbox ORDER BY id")
                .fetch_all(p)
                .await?
        }))
    }
}
