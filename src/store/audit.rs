//! The audit chain: appending an entry (serialised, so the chain never forks) and reading it.

use super::{Backend, Store, StoreError, with_pool};
use crate::audit;

impl Store {
    /// Appends an entry to the audit chain. Appends are serialised (an advisory lock on
    /// PostgreSQL, SQLite's write lock taken up front), so the chain never forks.
    pub async fn append_audit(
        &self,
        actor: &str,
        action: audit::Action,
        subject: &str,
    ) -> Result<(), StoreError> {
        let lock = match self.backend() {
            // A write statement first: the transaction holds SQLite's write lock before it reads.
            Backend::Sqlite => "UPDATE audit_log SET seq = seq WHERE 0 = 1",
            Backend::Postgres => "SELECT pg_advisory_xact_lock(7316)",
        };
        let at_minute = audit::this_minute();
        with_pool!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(lock).execute(&mut *tx).await?;
            let last: Option<(i64, Vec<u8>)> =
                sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await?;
            let (prev_seq, prev_hash) = last.unwrap_or_else(|| (0, audit::GENESIS.to_vec()));
            let seq = prev_seq + 1;
            let hash =
                audit::entry_hash(&prev_hash, seq, &at_minute, actor, action.as_str(), subject);
            sqlx::query(
                "INSERT INTO audit_log (seq, at_minute, actor, action, subject, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(seq)
            .bind(&at_minute)
            .bind(actor)
            .bind(action.as_str())
            .bind(subject)
            .bind(&prev_hash)
            .bind(&hash[..])
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The whole audit chain, in order.
    pub async fn audit_log(&self) -> Result<Vec<audit::Entry>, StoreError> {
        Ok(with_pool!(&self.pool, |p| {
            sqlx::query_as(
                "SELECT seq, at_minute, actor, action, subject, prev_hash, hash FROM audit_log ORDER BY seq",
            )
            .fetch_all(p)
            .await?
        }))
    }
}
