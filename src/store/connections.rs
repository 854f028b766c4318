//! Which database connections the pool may hand out again, and what every new one must hold.
//!
//! A failed `COMMIT` (say, `SQLITE_FULL`) can leave a connection whose transaction state sqlx
//! and the database disagree on: SQLite has rolled back by itself while sqlx still counts the
//! transaction as open, or the reverse. Reused, such a connection turns the next `begin()` into
//! a `SAVEPOINT` whose "commit" is a `RELEASE` into a transaction that never reaches disk, and
//! a reporter is told 201 for a report that is gone at the next restart. So a connection goes
//! back into the pool only if both sides agree that no transaction is open; any other is
//! closed, and closing rolls back whatever it held.
//!
//! On PostgreSQL, every new session must have `synchronous_commit` on: with it off, an
//! acknowledged commit can be lost when the database server crashes.

use sqlx::{Connection, PgConnection, SqliteConnection};

use super::StoreError;

/// After a connection is released: keep it only if no transaction is open on either side.
pub(super) async fn sqlite_reusable(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    if conn.is_in_transaction() {
        return Ok(false);
    }
    // `BEGIN` fails inside a transaction, so this probe asks SQLite itself (its autocommit
    // state) without unsafe code; it takes no lock.
    Ok(sqlx::raw_sql("BEGIN; ROLLBACK").execute(conn).await.is_ok())
}

/// After a connection is released: keep it only if sqlx counts no open transaction (a
/// PostgreSQL `COMMIT` always ends the transaction, failed or not).
pub(super) fn postgres_reusable(conn: &PgConnection) -> bool {
    !conn.is_in_transaction()
}

/// The `synchronous_commit` values under which a commit is on disk before it is answered.
const DURABLE_COMMIT: &[&str] = &["on", "remote_write", "remote_apply"];

/// Checks a new PostgreSQL session: refuses it when commits would be acknowledged before
/// they are on disk.
pub(super) async fn check_postgres_session(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let (setting,): (String,) = sqlx::query_as("SHOW synchronous_commit")
        .fetch_one(&mut *conn)
        .await?;
    if DURABLE_COMMIT.contains(&setting.as_str()) {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            StoreError::AsynchronousCommit(setting).to_string().into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::*;

    /// A transaction that sqlx does not know of (as after a failed `COMMIT` that SQLite did
    /// not roll back, or a `ROLLBACK TO` that left one open) is caught by asking SQLite.
    #[tokio::test]
    async fn a_connection_with_a_transaction_open_is_not_reused() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        assert!(sqlite_reusable(&mut conn).await.unwrap());
        sqlx::raw_sql("BEGIN").execute(&mut conn).await.unwrap();
        assert!(!conn.is_in_transaction(), "sqlx does not know of it");
        assert!(!sqlite_reusable(&mut conn).await.unwrap());
        sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.unwrap();
        assert!(sqlite_reusable(&mut conn).await.unwrap());
        // And one that sqlx counts as open.
        let tx = conn.begin().await.unwrap();
        std::mem::forget(tx);
        assert!(!sqlite_reusable(&mut conn).await.unwrap());
    }
}
