//! An acknowledged report survives SIGKILL; SIGTERM lets requests in flight finish.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::sync::Mutex;

use crate::common::{Backend, Site, Store, fresh_database, on_both_backends, random_bytes};
use crate::process::ServerProcess;

/// A report body for the server at `url`; every copy needs [`with_fresh_verifier`].
async fn api_body(url: &str) -> serde_json::Value {
    Site::at(url)
        .api_submission("general", "durable")
        .await
        .body
}

fn with_fresh_verifier(body: &serde_json::Value) -> serde_json::Value {
    let mut body = body.clone();
    body["receipt_verifier"] = STANDARD.encode(random_bytes::<32>()).into();
    body
}

async fn acknowledged_reports_survive_sigkill(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, dir.path()).await;
    let mut server = ServerProcess::spawn(dir.path(), &database_url);
    let template = api_body(&server.url).await;
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let client = safehold::cli::http_client().build().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..400 {
        let client = client.clone();
        let url = format!("{}/api/v1/reports", server.url);
        let body = with_fresh_verifier(&template);
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            if let Ok(response) = client.post(url).json(&body).send().await
                && response.status() == 201
                && let Ok(value) = response.json::<serde_json::Value>().await
            {
                acked
                    .lock()
                    .await
                    .push(value["id"].as_str().unwrap().to_owned());
            }
        }));
    }
    // Kill in the middle of the stream, right after some acknowledgements arrived.
    loop {
        if acked.lock().await.len() >= 100 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    server.kill();
    for task in tasks {
        let _ = task.await;
    }
    let acked = acked.lock().await.clone();
    assert!(acked.len() >= 100);

    // Restart on the same database: every acknowledged report and its alert is there.
    let mut restarted = ServerProcess::spawn(dir.path(), &database_url);
    let store = Store::connect(&database_url).await.unwrap();
    for id in &acked {
        assert!(
            store.report(id).await.unwrap().is_some(),
            "acknowledged report {id} lost"
        );
    }
    let alerts = store.pending_alerts().await.unwrap();
    for id in &acked {
        assert!(
            alerts.iter().any(|a| &a.case_id == id),
            "alert for {id} lost"
        );
    }
    store.close().await;
    assert!(restarted.terminate().success());
}
on_both_backends!(acknowledged_reports_survive_sigkill);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(Backend::Sqlite, dir.path()).await;
    let mut server = ServerProcess::spawn(dir.path(), &database_url);
    let template = api_body(&server.url).await;
    let client = safehold::cli::http_client().build().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let request = client
            .post(format!("{}/api/v1/reports", server.url))
            .json(&with_fresh_verifier(&template));
        tasks.push(tokio::spawn(async move {
            request.send().await.map(|r| r.status().as_u16())
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let status = server.terminate();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
    let mut answered = 0;
    for task in tasks {
        // A request either completed with 201 or was never accepted; none is cut off with an error status.
        if let Ok(code) = task.await.unwrap() {
            assert_eq!(code, 201);
            answered += 1;
        }
    }
    let store = Store::connect(&database_url).await.unwrap();
    assert_eq!(store.count_reports().await.unwrap(), answered);
    store.close().await;
}

/// The page cache survives SIGKILL, so the test above cannot see a missing fsync. This one
/// traces the real server's system calls: between one acknowledgement and the next (reports
/// sent one at a time), the database or its WAL must have been synced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_fsync_precedes_every_acknowledgement() {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("NOTICE: strace is not installed: fsync-before-acknowledgement check skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(Backend::Sqlite, dir.path()).await;
    let mut server = ServerProcess::spawn(dir.path(), &database_url);
    let template = api_body(&server.url).await;
    let trace = dir.path().join("strace.log");
    let mut strace = std::process::Command::new("strace")
        .args(["-f", "-qq", "-yy", "-s", "16", "-o"])
        .arg(&trace)
        .args([
            "-e",
            "trace=fsync,fdatasync,write,writev,sendto,sendmsg",
            "-p",
        ])
        .arg(server.pid().to_string())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("strace runs");
    // strace writes its first line once it is attached.
    let attached = std::time::Instant::now();
    while std::fs::metadata(&trace).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(attached.elapsed().as_secs() < 10, "strace did not attach");
        reqwest::get(format!("{}/", server.url)).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let client = safehold::cli::http_client().build().unwrap();
    const REPORTS: usize = 16;
    for _ in 0..REPORTS {
        let response = client
            .post(format!("{}/api/v1/reports", server.url))
            .json(&with_fresh_verifier(&template))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    server.kill();
    let _ = strace.wait();

    let trace = std::fs::read_to_string(&trace).unwrap();
    let mut synced = false;
    let mut acknowledged = 0;
    let mut synced_before = 0;
    // Threads whose sync of the database is under way (strace splits a call that another
    // thread interrupts into "<unfinished ...>" and "<... resumed>").
    let mut syncing = std::collections::HashSet::new();
    for line in trace.lines() {
        let thread = line.split_whitespace().next().unwrap_or("");
        let is_sync = line.contains("fsync(") || line.contains("fdatasync(");
        if is_sync && line.contains("safehold.db") {
            if line.contains("<unfinished") {
                syncing.insert(thread.to_owned());
            } else if line.ends_with("= 0") {
                synced = true;
            }
        } else if line.contains("sync resumed>") && syncing.remove(thread) {
            synced |= line.ends_with("= 0");
        }
        if line.contains("TCP:[") && line.contains("\"HTTP/1.1 201") {
            acknowledged += 1;
            if synced {
                synced_before += 1;
            }
            synced = false;
        }
    }
    eprintln!("fsync before acknowledgement: {synced_before} of {acknowledged}");
    assert_eq!(acknowledged, REPORTS, "every 201 was seen in the trace");
    assert_eq!(
        synced_before, REPORTS,
        "an acknowledgement without an fsync before it"
    );
}

/// With `synchronous_commit` off, PostgreSQL acknowledges commits before they are on disk:
/// the server refuses to start on such a database, and says what to change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_postgres_tests),
    ignore = "SAFEHOLD_TEST_POSTGRES_URL was not set when the tests were built"
)]
async fn postgres_without_synchronous_commit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(Backend::Postgres, dir.path()).await;
    let name = database_url.rsplit_once('/').unwrap().1.to_owned();
    let admin = sqlx::PgPool::connect(&database_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE {name} SET synchronous_commit = off"
    )))
    .execute(&admin)
    .await
    .unwrap();
    admin.close().await;
    let repo = crate::common::repo();
    let mut child = crate::common::safehold_command()
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
        ])
        .arg(&database_url)
        .arg("--secret-file")
        .arg(dir.path().join("server-secret"))
        .arg("--keys")
        .arg(repo.join("keys/DEMO"))
        .arg("--policy")
        .arg(repo.join("policy/DEMO"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed().as_secs() > 20 {
            let _ = child.kill();
            panic!("the server started with synchronous_commit = off");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(
        stderr.contains("synchronous_commit = off") && stderr.contains("synchronous_commit = on"),
        "{stderr}"
    );
}
