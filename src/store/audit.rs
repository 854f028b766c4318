//! The audit chain: appending an entry inside the transaction of the action it records
//! (serialised, so the chain never forks), reading it, and the links a witness checks.
//!
//! An audited store method opens its transaction with [`begin_audited!`] and, before it
//! commits, calls [`append_audit!`]: the action and its entry commit together or not at all.
//! Appends are serialised: SQLite's write lock is taken when the transaction begins
//! (`BEGIN IMMEDIATE`, so a transaction that read first never fails to upgrade), and on
//! PostgreSQL an advisory lock is held from the append to the commit.

use super::{Store, StoreError, with_pool};
use crate::audit;

/// Who did what, to be recorded with the action that a store method performs.
#[derive(Debug, Clone, Copy)]
pub struct Audit<'a> {
    /// `role/name`.
    pub actor: &'a str,
    /// What was done.
    pub action: audit::Action,
}

impl<'a> Audit<'a> {
    /// `actor` did `action`.
    pub fn new(actor: &'a str, action: audit::Action) -> Audit<'a> {
        Audit { actor, action }
    }
}

/// How each backend serialises appends to the chain.
pub(crate) trait AuditLocks: sqlx::Database {
    /// The statement that begins an audited transaction.
    const BEGIN: &'static str;
    /// A statement run just before appending, if the backend needs one.
    const BEFORE_APPEND: Option<&'static str>;
}

impl AuditLocks for sqlx::Sqlite {
    const BEGIN: &'static str = "BEGIN IMMEDIATE";
    const BEFORE_APPEND: Option<&'static str> = None;
}

impl AuditLocks for sqlx::Postgres {
    const BEGIN: &'static str = "BEGIN";
    const BEFORE_APPEND: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(7316)");
}

/// The statement that begins an audited transaction on `pool`'s backend.
pub(crate) fn begin_statement<DB: AuditLocks>(_pool: &sqlx::Pool<DB>) -> &'static str {
    DB::BEGIN
}

/// The lock to take before appending in `tx`, if its backend needs one.
pub(crate) fn append_lock<DB: AuditLocks>(_tx: &sqlx::Transaction<'_, DB>) -> Option<&'static str> {
    DB::BEFORE_APPEND
}

/// Begins a transaction that will append to the audit chain (see the module notes).
macro_rules! begin_audited {
    ($pool:expr) => {
        $pool
            .begin_with($crate::store::audit::begin_statement($pool))
            .await?
    };
}
pub(crate) use begin_audited;

/// Appends the entry `$audit` (an [`Audit`]) about `$subject` (a case id, or `""`) inside
/// `$tx`, a transaction begun with [`begin_audited!`]; it commits with the transaction.
macro_rules! append_audit {
    ($tx:expr, $audit:expr, $subject:expr) => {{
        if let Some(lock) = $crate::store::audit::append_lock(&$tx) {
            sqlx::query(lock).execute(&mut *$tx).await?;
        }
        let last: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await?;
        let audit: $crate::store::Audit<'_> = $audit;
        let entry = $crate::audit::new_entry(last, audit.actor, audit.action, $subject);
        sqlx::query(
            "INSERT INTO audit_log (seq, at_minute, actor, action, subject, salt, content_hash, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(entry.seq)
        .bind(&entry.at_minute)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(&entry.salt)
        .bind(&entry.content_hash)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use append_audit;

/// What a witness needs to check that the chain extends the head it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProof {
    /// The chain's last entry now (sequence number and hash), or the empty head.
    pub head: (i64, Vec<u8>),
    /// The stored hash of the entry the witness saw, if the chain still has it
    /// ([`audit::GENESIS`] for 0).
    pub at: Option<Vec<u8>>,
    /// The entries after it, in order (sequence number and content hash), at most `limit`.
    pub links: Vec<(i64, Vec<u8>)>,
}

impl Store {
    /// The whole audit chain, in order.
    pub async fn audit_log(&self) -> Result<Vec<audit::Entry>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT seq, at_minute, actor, action, subject, salt, content_hash, prev_hash, hash \
                 FROM audit_log ORDER BY seq",
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// The proof that the chain extends the entry `from` a witness saw: the chain's head, the
    /// hash stored at `from`, and up to `limit` links after it. One snapshot: read in one
    /// transaction, so the head and the links agree.
    pub async fn audit_proof(&self, from: i64, limit: i64) -> Result<AuditProof, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            let head: Option<(i64, Vec<u8>)> =
                sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await?;
            let at: Option<Vec<u8>> = if from == 0 {
                Some(audit::GENESIS.to_vec())
            } else {
                sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                    .bind(from)
                    .fetch_optional(&mut *tx)
                    .await?
            };
            let links: Vec<(i64, Vec<u8>)> = sqlx::query_as(
                "SELECT seq, content_hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(from)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            AuditProof {
                head: head.unwrap_or_else(|| (0, audit::GENESIS.to_vec())),
                at,
                links,
            }
        }))
    }
}
