//! Storage errors, worded for the operator who reads them in the log.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL names an engine Safehold does not run on.
    #[error(
        "unsupported database URL scheme {0:?}: use sqlite://PATH (the default) or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    /// The data directory could not be created.
    #[error(
        "cannot create the data directory {0}: {1}; create it (mode 0700) or choose another --database-url"
    )]
    DataDir(String, #[source] std::io::Error),
    /// A unique value (receipt, public id) is already taken.
    #[error("a report with this receipt already exists")]
    Duplicate,
    /// The group-commit writer has stopped (the server is shutting down).
    #[error("the database writer has stopped; the server is shutting down")]
    WriterStopped,
    /// PostgreSQL would acknowledge commits before they are on disk.
    #[error(
        "PostgreSQL has synchronous_commit = {0}, so an acknowledged report could be lost in a crash; set synchronous_commit = on for this database or role (ALTER DATABASE ... SET synchronous_commit = on)"
    )]
    AsynchronousCommit(String),
    /// Migrations failed at start.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate,
            _ => StoreError::Database(e),
        }
    }
}
