//! Durable storage of ciphertext, ids and coarse metadata.
//!
//! This module never sees plaintext: it imports neither `envelope` nor `crypto`. The backend is
//! chosen once, from the URL scheme, in [`Store::connect`]; every query after that is written
//! once and compiled for both backends through [`with_pool!`].

mod casework;
mod error;
mod messages;
mod outbox;
mod staff;
mod stats;
mod writer;

pub use casework::{
    CaseCoding, ConsentRecord, EscalationOutcome, EscalationSummary, NewEscalation, PurgeOutcome,
    StoredCode,
};
pub use error::StoreError;
pub use messages::{AlertEvent, StoredMessage};
pub use outbox::{ClaimFilter, ClaimedAlert, DIGEST_KIND, DeadLetter, new_alert_id};
pub use staff::{CaseSummary, LiveCounts, StaffIdentity};
pub use stats::{LedgerEntry, NewRelease, ReleaseOutcome, StatsCodeRow};

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// The database engines Safehold runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded default: one file, WAL mode, `synchronous=FULL`.
    Sqlite,
    /// Scale-out: several stateless servers share one database.
    Postgres,
}

/// A connection pool of one backend.
#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same query code against whichever backend the pool holds. Both arms compile the
/// body separately, so each backend gets native types and no `Any` indirection.
macro_rules! with_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::store::Pool::Sqlite($p) => $body,
            $crate::store::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// A report ready to be stored: ciphertext and the facts the server may know.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// Random public id shown to the reporter and to staff.
    pub public_id: String,
    /// Name of the route whose caseworkers can decrypt it.
    pub route: String,
    /// The UTC day it arrived, `YYYY-MM-DD`: never finer.
    pub received_day: String,
    /// The age file.
    pub ciphertext: Vec<u8>,
    /// The reporter's age recipient, derived from the codephrase, for replies.
    pub reporter_recipient: String,
    /// HMAC of the receipt lookup key under the server's pepper.
    pub receipt_hash: [u8; 32],
    /// The reporter said someone is in immediate danger: the alert says "urgent".
    pub urgent: bool,
    /// Names of the alert targets of the report's route: one outbox row is written per
    /// target, in the report's transaction. Empty: no alert.
    pub alert_targets: Vec<String>,
}

/// What a reporter may see about their own report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    /// The report's public id.
    pub public_id: String,
    /// Status in the allegation workflow.
    pub status: String,
    /// The day it arrived.
    pub received_day: String,
    /// Its route: follow-ups are encrypted to the same caseworkers.
    pub route: String,
}

/// A stored report as staff and tests see it: still ciphertext.
#[derive(Debug, Clone)]
pub struct StoredReport {
    /// The report's public id.
    pub public_id: String,
    /// Its route.
    pub route: String,
    /// The day it arrived.
    pub received_day: String,
    /// Status in the allegation workflow.
    pub status: String,
    /// The age file, byte for byte as stored.
    pub ciphertext: Vec<u8>,
    /// The reporter's age recipient.
    pub reporter_recipient: String,
}

/// An alert waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxAlert {
    /// Kind of event, e.g. `new_report`.
    pub kind: String,
    /// Route whose targets are alerted.
    pub route: String,
    /// Public id of the case.
    pub case_id: String,
    /// Whether the reporter said someone is in immediate danger.
    pub urgent: bool,
    /// The alert target this row is for (one row per event and target).
    pub target: String,
}

/// The storage handle shared by all request handlers.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    writer: writer::Writer,
}

impl Store {
    /// Connects to `url`, runs the embedded migrations and starts the group-commit writer.
    ///
    /// `sqlite://PATH` (or `sqlite:PATH`) selects SQLite, `postgres://`/`postgresql://`
    /// selects PostgreSQL. Anything else is refused: an unknown scheme must never silently
    /// become an empty SQLite file.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let pool = match backend_of(url)? {
            Backend::Sqlite => Pool::Sqlite(connect_sqlite(url).await?),
            Backend::Postgres => Pool::Postgres(connect_postgres(url).await?),
        };
        match &pool {
            Pool::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        if let Pool::Sqlite(p) = &pool {
            tokio::spawn(checkpoint_wal(p.clone()));
        }
        let writer = writer::Writer::start(pool.clone());
        Ok(Store { pool, writer })
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Stores a report and its "new report" alerts (one per alert target) in one transaction. Returns only once both
    /// are durably committed: the caller may then, and only then, acknowledge the reporter.
    pub async fn insert_report(&self, report: NewReport) -> Result<(), StoreError> {
        self.writer.insert(report).await
    }

    /// Looks a report up by its receipt hash.
    pub async fn receipt(
        &self,
        receipt_hash: &[u8; 32],
    ) -> Result<Option<ReceiptView>, StoreError> {
        let hash = &receipt_hash[..];
        let row = with_pool!(&self.pool, |p| {
            sqlx::query(
                "SELECT public_id, status, received_day, route FROM reports WHERE receipt_hash = $1",
            )
            .bind(hash)
            .fetch_optional(p)
            .await?
            .map(|r| -> Result<ReceiptView, sqlx::Error> {
                Ok(ReceiptView {
                    public_id: r.try_get("public_id")?,
                    status: r.try_get("status")?,
                    received_day: r.try_get("received_day")?,
                    route: r.try_get("route")?,
                })
            })
        });
        Ok(row.transpose()?)
    }

    /// Fetches one stored report by public id.
    pub async fn report(&self, public_id: &str) -> Result<Option<StoredReport>, StoreError> {
        let row = with_pool!(&self.pool, |p| {
            sqlx::query(
                "SELECT public_id, route, received_day, status, ciphertext, reporter_recipient \
                 FROM reports WHERE public_id = $1",
            )
            .bind(public_id)
            .fetch_optional(p)
            .await?
            .map(|r| -> Result<StoredReport, sqlx::Error> {
                Ok(StoredReport {
                    public_id: r.try_get("public_id")?,
                    route: r.try_get("route")?,
                    received_day: r.try_get("received_day")?,
                    status: r.try_get("status")?,
                    ciphertext: r.try_get("ciphertext")?,
                    reporter_recipient: r.try_get("reporter_recipient")?,
                })
            })
        });
        Ok(row.transpose()?)
    }

    /// Counts stored reports: a cheap check that bad input changed nothing.
    pub async fn count_reports(&self) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(&self.pool, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM reports")
                .fetch_one(p)
                .await?
        });
        Ok(n)
    }

    /// Lists the alerts waiting for delivery, oldest first.
    pub async fn pending_alerts(&self) -> Result<Vec<OutboxAlert>, StoreError> {
        let rows = with_pool!(&self.pool, |p| {
            sqlx::query("SELECT kind, route, case_id, urgent, target FROM outbox ORDER BY id")
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<OutboxAlert, sqlx::Error> {
                    Ok(OutboxAlert {
                        kind: r.try_get("kind")?,
                        route: r.try_get("route")?,
                        case_id: r.try_get("case_id")?,
                        urgent: r.try_get("urgent")?,
                        target: r.try_get("target")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Waits until the writer has finished and closes the pool: used at shutdown so the last
    /// acknowledged commits are on disk before the process exits.
    pub async fn close(&self) {
        if let Pool::Sqlite(p) = &self.pool {
            // Fold the WAL back into the database file before the last connection goes.
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await;
        }
        with_pool!(&self.pool, |p| p.close().await)
    }
}

/// A new random public id, `XXXX-XXXX-XXXX` in Crockford base32 (60 bits): unguessable,
/// easy to read aloud, and carrying no order or time.
pub fn new_public_id() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut random = [0u8; 12];
    // The OS RNG failing leaves nothing safe to do but stop this request's thread.
    if getrandom::fill(&mut random).is_err() {
        panic!("the operating system's random number generator failed");
    }
    let mut id = String::with_capacity(14);
    for (i, byte) in random.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            id.push('-');
        }
        id.push(char::from(ALPHABET[usize::from(byte & 31)]));
    }
    id
}

/// Today's date in UTC, `YYYY-MM-DD`: the only arrival time Safehold keeps.
pub fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// Picks the backend from the URL scheme, refusing anything unknown.
pub fn backend_of(url: &str) -> Result<Backend, StoreError> {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
    match scheme {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" | "postgresql" => Ok(Backend::Postgres),
        other => Err(StoreError::UnsupportedUrl(other.to_owned())),
    }
}

async fn connect_sqlite(url: &str) -> Result<SqlitePool, StoreError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: every acknowledged commit survives power loss, not only a process crash.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        // Deleted ciphertext is overwritten, not left in free pages.
        .pragma("secure_delete", "ON")
        // Checkpoints run in their own task (see `checkpoint_wal`), not inside a commit that a
        // reporter is waiting for; and a small page cache keeps the server's memory small.
        .pragma("wal_autocheckpoint", "0")
        .pragma("cache_size", "-512");
    if let Some(parent) = Path::new(options.get_filename()).parent() {
        create_private_dir(parent)?;
    }
    Ok(SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?)
}

async fn connect_postgres(url: &str) -> Result<PgPool, StoreError> {
    Ok(PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?)
}

/// Copies committed pages from the WAL into the database file about once a second, without
/// blocking writers (PASSIVE), so commits never pay for a checkpoint. Ends with the pool.
async fn checkpoint_wal(pool: SqlitePool) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    while !pool.is_closed() {
        tick.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
            && !pool.is_closed()
        {
            tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
        }
    }
}

/// Creates the data directory readable by the service account only.
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| StoreError::DataDir(dir.display().to_string(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| StoreError::DataDir(dir.display().to_string(), e))?;
    }
    Ok(())
}
