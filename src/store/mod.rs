//! Durable storage of ciphertext, ids and coarse metadata.
//!
//! This module never sees plaintext: it imports neither `envelope` nor `crypto`. The backend is
//! chosen once, from the URL scheme, in [`Store::connect`]; every query after that is written
//! once and compiled for both backends through [`with_pool!`], and rows are read into
//! `#[derive(sqlx::FromRow)]` structs.
//!
//! One file per concept, named as in `http`: reports, cases, messages (a case's thread),
//! coding, escalations, sessions, audit, retention, statistics, the alert outbox, and spent
//! follow-up tokens.

mod audit;
mod cases;
mod coding;
mod connections;
mod consent;
mod counts;
mod error;
mod escalations;
mod followup_tokens;
mod messages;
mod outbox;
mod read_marks;
mod reports;
mod retention;
mod scrub;
mod sessions;
mod statistics;
mod writer;

pub use audit::{Audit, AuditProof};
pub use cases::CaseSummary;
pub use coding::{CaseCoding, StoredCode};
pub use consent::{ConsentChange, ConsentChanger, ConsentOutcome, ConsentRecord};
pub use counts::DailyCount;
pub use error::StoreError;
pub use escalations::{EscalationOutcome, EscalationSummary, NewEscalation, StoredPackage};
pub use messages::{MessageOutcome, NewMessage, StoredMessage};
pub use outbox::{
    AlertClaim, AlertEvent, ClaimFilter, ClaimedAlert, DeadLetter, OutboxAlert, new_alert_id,
};
pub use reports::{NewReport, ReceiptView, StoredReport};
pub use retention::PurgeOutcome;
pub use sessions::{StaffIdentity, StoredChallenge, StoredSession};
pub use statistics::{LedgerEntry, LiveCounts, NewRelease, ReleaseOutcome, StatsCodeRow};

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

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

/// Locks a case's row until the transaction ends (a row lock on PostgreSQL, the write lock on
/// SQLite), so concurrent changes to one case queue up; evaluates to whether the case exists.
macro_rules! lock_case {
    ($tx:expr, $case_id:expr) => {
        sqlx::query("UPDATE reports SET status = status WHERE public_id = $1")
            .bind($case_id)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            == 1
    };
}
pub(crate) use audit::{append_audit, begin_audited};
pub(crate) use lock_case;

/// The storage handle shared by all request handlers.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    writer: writer::Writer,
    tally: counts::Tally,
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
            Pool::Sqlite(p) => {
                sqlx::migrate!("migrations/sqlite").run(p).await?;
                // sqlx records when each migration ran, to the second; the day is enough.
                sqlx::query(
                    "UPDATE _sqlx_migrations SET installed_on = date(installed_on) \
                     WHERE installed_on <> date(installed_on)",
                )
                .execute(p)
                .await?;
            }
            Pool::Postgres(p) => {
                sqlx::migrate!("migrations/postgres").run(p).await?;
                sqlx::query(
                    "UPDATE _sqlx_migrations SET installed_on = date_trunc('day', installed_on) \
                     WHERE installed_on <> date_trunc('day', installed_on)",
                )
                .execute(p)
                .await?;
            }
        }
        if let Pool::Sqlite(p) = &pool {
            tokio::spawn(checkpoint_wal(p.clone()));
        }
        let writer = writer::Writer::start(pool.clone());
        Ok(Store {
            pool,
            writer,
            tally: counts::Tally::default(),
        })
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Writes the day's counts so far, folds the WAL into the database and closes the pool:
    /// used at shutdown so the last acknowledged commits are on disk before the process exits.
    pub async fn close(&self) {
        if let Err(e) = self.write_counts(true).await {
            tracing::warn!(error = %e, "the daily counts could not be written");
        }
        // Fold the WAL back into the database file before the last connection goes.
        let _ = self.truncate_wal().await;
        with_pool!(&self.pool, |p| p.close().await);
        // Closing the last connection touched the files again.
        if let Pool::Sqlite(p) = &self.pool {
            scrub::reset_file_times(p.connect_options().get_filename());
        }
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
        // Each time the WAL starts over, it is cut to nothing rather than reused: old frames
        // (earlier versions of pages, in commit order) do not linger after a checkpoint.
        .pragma("journal_size_limit", "0")
        // Checkpoints run in their own task (see `checkpoint_wal`), not inside a commit that a
        // reporter is waiting for; and a small page cache keeps the server's memory small.
        .pragma("wal_autocheckpoint", "0")
        .pragma("cache_size", "-512");
    let file = Path::new(options.get_filename()).to_path_buf();
    if let Some(parent) = file.parent() {
        create_private_dir(parent)?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        // A connection whose transaction state is in doubt is closed, never reused.
        .after_release(|conn, _| Box::pin(connections::sqlite_reusable(conn)))
        .before_acquire(|conn, _| {
            let reusable = !sqlx::Connection::is_in_transaction(conn);
            Box::pin(async move { Ok(reusable) })
        })
        .connect_with(options)
        .await?;
    // Private to the service account, whatever its umask: SQLite gives the WAL and shared
    // memory files the database file's mode.
    make_private(&file)?;
    Ok(pool)
}

/// Makes the database file, its WAL and its shared memory readable and writable by their
/// owner only.
fn make_private(file: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = file.as_os_str().to_owned();
            name.push(suffix);
            let path = Path::new(&name);
            if path.exists() {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| StoreError::DataDir(path.display().to_string(), e))?;
            }
        }
    }
    Ok(())
}

async fn connect_postgres(url: &str) -> Result<PgPool, StoreError> {
    Ok(PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _| Box::pin(connections::check_postgres_session(conn)))
        .after_release(|conn, _| {
            let reusable = connections::postgres_reusable(conn);
            Box::pin(async move { Ok(reusable) })
        })
        .connect(url)
        .await?)
}

/// Copies committed pages from the WAL into the database file about once a second, without
/// blocking writers (PASSIVE), so commits never pay for a checkpoint. Ends with the pool. The
/// WAL is also truncated on a schedule: see [`Store::truncate_wal`] and `crate::maintenance`.
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
