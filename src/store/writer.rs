//! Group commit: one task writes reports in batches, one transaction and one fsync per batch.
//!
//! A request hands its report to the writer and waits. The writer takes every report queued
//! at that moment (up to [`MAX_BATCH`]), inserts them and their outbox rows (one per alert
//! target of the report's route) in one transaction, commits, and only then answers each
//! waiting request. Durability is unchanged
//! (`synchronous=FULL`, an acknowledgement always follows its commit), but the fsync cost is
//! shared by the whole batch instead of paid by every report.

use sqlx::QueryBuilder;
use tokio::sync::{mpsc, oneshot};

use super::{NewReport, Pool, StoreError, with_pool};
use crate::domain::AlertKind;

/// Upper bound on reports per transaction; keeps bind counts far under SQLite's limit.
const MAX_BATCH: usize = 64;
/// Reports waiting for the writer before new requests wait for room.
const QUEUE_DEPTH: usize = 1024;
/// Upper bound on outbox rows per INSERT statement (seven binds each).
const MAX_ALERT_ROWS: usize = 1000;

struct Job {
    report: NewReport,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// Handle to the writer task.
#[derive(Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Spawns the writer task on the current runtime.
    pub(super) fn start(pool: Pool) -> Writer {
        let (jobs, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(run(pool, rx));
        Writer { jobs }
    }

    /// Queues a report and waits for its commit.
    pub(super) async fn insert(&self, report: NewReport) -> Result<(), StoreError> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Job { report, done })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        result.await.map_err(|_| StoreError::WriterStopped)?
    }
}

async fn run(pool: Pool, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let reports: Vec<&NewReport> = batch.iter().map(|j| &j.report).collect();
        let result = insert_batch(&pool, &reports).await;
        match result {
            Ok(()) => {
                for job in batch.drain(..) {
                    let _ = job.done.send(Ok(()));
                }
            }
            Err(e) if batch.len() == 1 => {
                if let Some(job) = batch.pop() {
                    let _ = job.done.send(Err(e));
                }
            }
            // One bad row (say, a duplicate receipt) must not fail its neighbours: retry each
            // report in its own transaction so every request gets its own answer.
            Err(_) => {
                for job in batch.drain(..) {
                    let result = insert_batch(&pool, &[&job.report]).await;
                    let _ = job.done.send(result);
                }
            }
        }
    }
}

/// Inserts the reports and their alerts in one transaction.
///
/// The transaction starts with `BEGIN IMMEDIATE` on SQLite: it takes the write lock at once,
/// and sqlx refuses it on a connection that is still inside a transaction instead of quietly
/// nesting a `SAVEPOINT` whose "commit" would never reach disk. A connection that saw any
/// failure here (a statement, or the `COMMIT` itself, say on a full disk) is closed, not
/// returned to the pool: closing rolls back whatever it still held.
async fn insert_batch(pool: &Pool, reports: &[&NewReport]) -> Result<(), StoreError> {
    with_pool!(pool, |p| {
        let mut connection = p.acquire().await?;
        let result = async {
            let mut tx =
                sqlx::Connection::begin_with(&mut *connection, super::audit::begin_statement(p))
                    .await?;
            let mut insert = QueryBuilder::new(
                "INSERT INTO reports \
                 (public_id, route, received_day, ciphertext, receipt_hash) ",
            );
            insert.push_values(reports, |mut row, r| {
                row.push_bind(r.public_id.as_str())
                    .push_bind(r.route.as_str())
                    .push_bind(r.received_day.as_str())
                    .push_bind(r.ciphertext.as_slice())
                    .push_bind(&r.receipt_hash[..]);
            });
            insert.build().execute(&mut *tx).await?;
            super::consent::insert_intake_consent!(tx, reports.iter().copied());

            // One row per (report × alert target), each with its own random id and idempotency
            // id. No time is written: a new row is due at once.
            let rows: Vec<(&NewReport, &str, String, String)> = reports
                .iter()
                .flat_map(|r| {
                    r.alert_targets.iter().map(move |t| {
                        (*r, t.as_str(), super::new_alert_id(), super::new_alert_id())
                    })
                })
                .collect();
            for chunk in rows.chunks(MAX_ALERT_ROWS) {
                let mut alerts = QueryBuilder::new(
                    "INSERT INTO outbox (id, kind, route, case_id, urgent, target, idem) ",
                );
                alerts.push_values(chunk, |mut row, (r, target, id, idem)| {
                    row.push_bind(id.as_str())
                        .push_bind(AlertKind::NewReport.as_str())
                        .push_bind(r.route.as_str())
                        .push_bind(r.public_id.as_str())
                        .push_bind(r.urgent)
                        .push_bind(*target)
                        .push_bind(idem.as_str());
                });
                alerts.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        // A connection whose transaction failed is not trusted again (see `connections`).
        if result.is_err() {
            connection.close_on_drop();
        }
        result
    })
}
