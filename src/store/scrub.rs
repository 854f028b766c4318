//! Wiping what the database engine itself keeps about when rows arrived, on a schedule (see
//! `crate::maintenance`).
//!
//! - **SQLite.** The WAL holds page images in commit order until a checkpoint resets it, and
//!   the files' modification times show the last write. [`Store::truncate_wal`] checkpoints
//!   and truncates the WAL to zero bytes, then sets the files' modification times back to the
//!   start of the UTC day.
//! - **PostgreSQL.** Every row version carries `xmin`, the id of the transaction that wrote
//!   it (ids grow with time, and the WAL's commit records map them to clock times), and
//!   tables are heaps whose physical order (`ctid`) is arrival order. `VACUUM (FREEZE)` does
//!   not help: PostgreSQL 15 keeps the original `xmin` on disk and still shows it
//!   (`SELECT xmin`). [`Store::scrub_arrival_order`] therefore rewrites each table holding
//!   reporter-driven rows in one transaction: every row gets the same `xmin`, and the rows are
//!   laid out in the order of their random keys.

use std::path::Path;

use super::{Pool, Store, StoreError};

/// Sets the modification times of the SQLite files at `file` (and its `-wal` and `-shm`) to
/// the start of the current UTC day, and their access times too. (The change time cannot be
/// set: it shows this call.)
///
/// By path (`utimensat`), never through an open file: closing any descriptor of a database
/// file releases every POSIX lock the process holds on it, SQLite's included, and another
/// process's connection could then delete the WAL under the server.
pub(super) fn reset_file_times(file: &Path) {
    let midnight = rustix::fs::Timespec {
        tv_sec: time::OffsetDateTime::now_utc()
            .unix_timestamp()
            .div_euclid(86_400)
            * 86_400,
        tv_nsec: 0,
    };
    let times = rustix::fs::Timestamps {
        last_access: midnight,
        last_modification: midnight,
    };
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        // A missing file (no WAL yet) has no time to hide.
        let _ = rustix::fs::utimensat(
            rustix::fs::CWD,
            name.as_os_str(),
            &times,
            rustix::fs::AtFlags::empty(),
        );
    }
}

/// Tables rewritten by [`Store::scrub_arrival_order`], each with the order to write it in:
/// a random key, or an order that is already public (the audit chain's sequence).
const REWRITTEN: &[(&str, &str)] = &[
    ("reports", "public_id"),
    ("messages", "id"),
    ("read_marks", "case_id, reader"),
    ("escalations", "id"),
    ("case_codes", "case_id, field, code"),
    ("case_consent", "case_id"),
    ("victim_links", "case_id"),
    ("outbox", "id"),
    ("alert_dead_letters", "id"),
    ("audit_log", "seq"),
    ("daily_counts", "day, class, name, outcome"),
];

/// Only one instance scrubs at a time (a transaction-level advisory lock).
const SCRUB_LOCK: i64 = 7317;

impl Store {
    /// On SQLite: checkpoints the WAL and truncates it to zero bytes, then sets the database
    /// files' modification times to the start of the current UTC day. Does nothing on
    /// PostgreSQL.
    pub async fn truncate_wal(&self) -> Result<(), StoreError> {
        let Pool::Sqlite(p) = &self.pool else {
            return Ok(());
        };
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(p)
            .await?;
        reset_file_times(p.connect_options().get_filename());
        Ok(())
    }

    /// On PostgreSQL: rewrites every table that holds reporter-driven rows in one transaction
    /// per table, in the order of its random key, so no row's `xmin` or position tells when
    /// it arrived relative to the others. Returns false when another instance is scrubbing
    /// (or on SQLite, where WITHOUT ROWID tables keyed at random already keep no order).
    pub async fn scrub_arrival_order(&self) -> Result<bool, StoreError> {
        let Pool::Postgres(p) = &self.pool else {
            return Ok(false);
        };
        let mut skipped = Vec::new();
        for (table, order) in REWRITTEN {
            let mut tx = p.begin().await?;
            let ours: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                .bind(SCRUB_LOCK)
                .fetch_one(&mut *tx)
                .await?;
            if !ours {
                return Ok(false);
            }
            // Requests wait while a table is rewritten; a table busy for longer (an alert
            // claim in flight holds its rows) is left for the next run rather than stall them.
            sqlx::query("SET LOCAL lock_timeout = '2s'")
                .execute(&mut *tx)
                .await?;
            let lock = format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE");
            if sqlx::query(sqlx::AssertSqlSafe(lock))
                .execute(&mut *tx)
                .await
                .is_err()
            {
                tx.rollback().await?;
                skipped.push(*table);
                continue;
            }
            for statement in [
                format!("CREATE TEMP TABLE scrub ON COMMIT DROP AS SELECT * FROM {table}"),
                // TRUNCATE gives the table new files; the old ones, with the old row
                // headers, are unlinked at commit.
                format!("TRUNCATE {table}"),
                format!("INSERT INTO {table} SELECT * FROM scrub ORDER BY {order}"),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(statement))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
        if !skipped.is_empty() {
            tracing::info!(tables = ?skipped, "tables busy; they are rewritten at the next run");
        }
        Ok(true)
    }
}
