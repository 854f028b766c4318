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
