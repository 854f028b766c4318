//! An acknowledged report survives SIGKILL; SIGTERM lets requests in flight finish.

use std::sync::Arc;

use safehold::store::{Backend, Store};
use tokio::sync::Mutex;

use crate::common::{fresh_database, on_both_backends};
use crate::process::ServerProcess;

async fn api_body(url: &str) -> serde_json::Value {
    let routes: safehold::wire::RoutesResponse = reqwest::get(format!("{url}/api/v1/routes"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let route = routes.routes.iter().find(|r| r.name == "general").unwrap();
    let recipients: Vec<age::x25519::Recipient> = route
        .recipients
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    let plaintext = crate::api_intake::sample_report("durable")
        .to_padded_plaintext()
        .unwrap();
    let ciphertext = safehold::crypto::seal::encrypt(&plaintext, &recipients).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    serde_json::json!({
        "route": "general",
        "ciphertext": b64.encode(&ciphertext),
        "reporter_recipient": route.recipients[0],
        "receipt_verifier": "",
    })
}

fn with_fresh_verifier(body: &serde_json::Value) -> serde_json::Value {
    use base64::Engine;
    let mut body = body.clone();
    body["receipt_verifier"] = base64::engine::general_purpose::STANDARD
        .encode(crate::common::random_bytes::<32>())
        .into();
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
