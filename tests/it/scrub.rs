//! What the database engine keeps about arrival, and Safehold's scheduled wipe of it.
//!
//! On PostgreSQL, each row's `xmin` (the writing transaction) and its position (`ctid`)
//! follow arrival. This test shows that `VACUUM (FREEZE)` leaves `xmin` as it was, and that the
//! rewrite `safehold serve` runs every hour (`Store::scrub_arrival_order`) leaves every row
//! with one `xmin`, laid out in the order of the random keys. On SQLite the rewrite is not
//! needed: tables are `WITHOUT ROWID` with random keys.

use std::time::{Duration, Instant};

use crate::common::{
    Backend, FormReport, Site, TestServer, fresh_database, postgres_base_url, stand_in_report,
    today,
};
use crate::process::{ServerProcess, SpawnOptions};

async fn pg_rows(url: &str, sql: &'static str) -> Vec<String> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let rows = sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap();
    pool.close().await;
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_rewrite_leaves_no_xmin_or_order_of_arrival() {
    if postgres_base_url().is_none() {
        eprintln!("SAFEHOLD_TEST_POSTGRES_URL is not set: PostgreSQL rewrite test skipped");
        return;
    }
    let server = TestServer::start(Backend::Postgres).await;
    let url = server.config.database_url.clone();
    // One report per transaction, as when reporters arrive one by one.
    for _ in 0..6 {
        let report = stand_in_report("general", &today(), &["caseworkers-mail"]);
        server.store.insert_report(report).await.unwrap();
    }
    let xmins = || pg_rows(&url, "SELECT DISTINCT xmin::text FROM reports");
    let outbox_xmins = || pg_rows(&url, "SELECT DISTINCT xmin::text FROM outbox");
    assert_eq!(xmins().await.len(), 6, "each arrival has its own xmin");

    // Freezing is no protection: the original xmin stays.
    server.sql("VACUUM (FREEZE) reports").await;
    assert_eq!(xmins().await.len(), 6, "VACUUM (FREEZE) kept every xmin");

    assert!(server.store.scrub_arrival_order().await.unwrap());
    assert_eq!(xmins().await.len(), 1, "one xmin for every report");
    assert_eq!(outbox_xmins().await.len(), 1, "one xmin for every alert");
    let by_position = pg_rows(&url, "SELECT public_id FROM reports ORDER BY ctid").await;
    let mut by_key = by_position.clone();
    by_key.sort();
    assert_eq!(
        by_position, by_key,
        "rows lie in the order of their random keys"
    );
    assert_eq!(server.store.pending_alerts().await.unwrap().len(), 6);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_tables_keep_no_rowid() {
    let server = TestServer::start(Backend::Sqlite).await;
    let url = server.config.database_url.clone();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(tables.len() >= 14, "{tables:?}");
    for (name, sql) in &tables {
        // The audit chain is ordered by design: its `seq` is the order it exists to keep.
        if name == "audit_log" {
            continue;
        }
        assert!(
            sql.to_uppercase().contains("WITHOUT ROWID"),
            "{name} is a rowid table: its hidden rowid grows with arrivals"
        );
        assert!(
            !sql.to_uppercase().contains("AUTOINCREMENT"),
            "{name} numbers its rows in arrival order"
        );
    }
    assert!(!server.store.scrub_arrival_order().await.unwrap());
    server.stop().await;
}

/// The real server truncates the SQLite WAL on its schedule (every second here, every minute
/// by default): soon after a report, the WAL that held its pages is empty again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_wal_is_truncated_on_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(Backend::Sqlite, dir.path()).await;
    let options = SpawnOptions {
        env: vec![("SAFEHOLD_MAINTENANCE_SECONDS".into(), "1".into())],
        ..SpawnOptions::default()
    };
    let server = ServerProcess::spawn_with(dir.path(), &database_url, &options);
    let wal = dir.path().join("data/safehold.db-wal");
    let wal_bytes = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    Site::at(&server.url)
        .submit_form(&FormReport::simple(
            "pages of this report pass through the WAL",
        ))
        .await;
    let started = Instant::now();
    let mut seen = 0;
    loop {
        seen = seen.max(wal_bytes());
        if seen > 0 && wal_bytes() == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the WAL was not truncated: {} bytes (largest seen {seen})",
            wal_bytes()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(server);
}

/// Resetting the files' times must not release SQLite's locks (closing any descriptor of a
/// database file drops every POSIX lock the process holds on it): otherwise the next program
/// that opens and closes the database deletes the WAL under the running server, and what the
/// server writes after that is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_keeps_the_server_s_hold_on_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(Backend::Sqlite, dir.path()).await;
    let options = SpawnOptions {
        env: vec![("SAFEHOLD_MAINTENANCE_SECONDS".into(), "1".into())],
        ..SpawnOptions::default()
    };
    let server = ServerProcess::spawn_with(dir.path(), &database_url, &options);
    // Let a few maintenance ticks pass, then visit as another program would.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let visitor = sqlx::SqlitePool::connect(&database_url).await.unwrap();
    let _: i64 = sqlx::query_scalar("SELECT count(*) FROM reports")
        .fetch_one(&visitor)
        .await
        .unwrap();
    visitor.close().await;
    assert!(
        dir.path().join("data/safehold.db-wal").exists(),
        "a visitor deleted the WAL the server still writes to"
    );
    drop(server);
}
