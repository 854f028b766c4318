//! The API path: client-made ciphertext is stored byte for byte.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::common::{Backend, TestServer, on_both_backends, open_report};

async fn api_ciphertext_is_stored_byte_identical(backend: Backend) {
    let server = TestServer::start(backend).await;
    let routes = server.routes().await;
    assert_eq!(routes.keyring_fingerprint.len(), 64);
    assert!(routes.routes.iter().any(|r| r.name == routes.default_route));

    let (submission, accepted) = server.submit_api("general", "sent through the API").await;
    let keys = &submission.keys;
    assert_eq!(accepted.status, "received");
    let stored = server.store.report(&accepted.id).await.unwrap().unwrap();
    assert_eq!(
        stored.ciphertext, submission.ciphertext,
        "stored byte for byte"
    );
    // Unlinkable at rest: the reporter's recipient and thread key, both functions of the
    // codephrase alone, are inside the ciphertext and nowhere in the database.
    let opened = open_report(&server, &accepted.id, "amina").await.unwrap();
    assert_eq!(opened.reply_to.recipient, keys.recipient().to_string());
    let dump = server.database_text().await;
    assert!(
        dump.contains(&accepted.id),
        "the dump holds the report's row"
    );
    for derived in [
        keys.recipient().to_string(),
        opened.reply_to.thread_key.clone(),
        hex::encode(keys.thread_key().expose()),
    ] {
        assert!(
            !dump.contains(&derived),
            "a value derived from the codephrase alone is stored"
        );
    }

    // The reporter's client can look the report up with the derived verifier alone.
    let lookup = json!({ "receipt_verifier": STANDARD.encode(keys.lookup_key()) });
    let response = server
        .client()
        .post(format!("{}/api/v1/receipt", server.url))
        .json(&lookup)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let view: serde_json::Value = response.json().await.unwrap();
    assert_eq!(view["id"], accepted.id.as_str());
    assert_eq!(view["status"], "received");

    // The same verifier cannot be registered twice.
    let response = server.post_report(&submission.body).await;
    assert_eq!(response.status(), 409);
    assert_eq!(server.store.count_reports().await.unwrap(), 1);
    server.stop().await;
}
on_both_backends!(api_ciphertext_is_stored_byte_identical);

async fn concurrent_submissions_each_get_their_own_commit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut bodies = Vec::new();
    for i in 0..40 {
        bodies.push(
            server
                .api_submission("general", &format!("report {i}"))
                .await
                .body,
        );
    }
    // One duplicate in the middle of a batch must fail alone.
    bodies.push(bodies[3].clone());
    let client = server.client();
    let url = format!("{}/api/v1/reports", server.url);
    let results = futures_join(bodies.iter().map(|b| {
        let client = client.clone();
        let url = url.clone();
        let b = b.clone();
        async move {
            client
                .post(url)
                .json(&b)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    }))
    .await;
    assert_eq!(
        results.iter().filter(|s| **s == 201).count(),
        40,
        "{results:?}"
    );
    assert_eq!(
        results.iter().filter(|s| **s == 409).count(),
        1,
        "{results:?}"
    );
    assert_eq!(server.store.count_reports().await.unwrap(), 40);
    assert_eq!(server.store.pending_alerts().await.unwrap().len(), 40);
    server.stop().await;
}
on_both_backends!(concurrent_submissions_each_get_their_own_commit);

async fn futures_join<F: std::future::Future<Output = u16> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
