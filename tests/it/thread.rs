//! Authenticated threads: whoever holds the server's database can add rows to a thread, but
//! not words. A message whose thread MAC does not verify under the report's thread key is a
//! warning for the reporter (receipt page, API) and for the caseworker (`case show`), never
//! someone's words; positions are part of what the MAC covers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::{
    AlertEvent, AlertKind, Author, Backend, FormReport, Message, NewMessage, TestServer, ThreadKey,
    marker, on_both_backends, open_report, random_bytes, recipient_slots, seal,
};

/// Stores a message the way a seized server would: straight into the store, with `mac`.
async fn plant(
    server: &TestServer,
    id: &str,
    author: &Author,
    seq: i64,
    ciphertext: &[u8],
    mac: [u8; 32],
) {
    let alert = AlertEvent {
        kind: AlertKind::Reply,
        route: "general",
        targets: &[],
    };
    server
        .store
        .add_message(
            id,
            NewMessage {
                author,
                seq,
                ciphertext,
                thread_mac: &mac,
            },
            alert,
        )
        .await
        .unwrap();
}

async fn forged_messages_are_warnings_for_reporter_and_caseworker(backend: Backend) {
    let server = TestServer::start(backend).await;
    let canary = marker("thread");
    let submitted = server
        .submit_form(&FormReport::simple("first report"))
        .await;
    let (id, codephrase) = (submitted.id, submitted.codephrase);
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    assert!(amina(&["case", "login"]).0);

    // A genuine reply, through the real CLI.
    let reply = format!("We received your report. {canary}");
    let (ok, out, err) =
        server.cli_with_input("caseworker/amina", &["case", "reply", &id, "--yes"], &reply);
    assert!(ok, "{out}{err}");

    // The forger has the database and, at best, the reporter's recipient (it is no longer
    // stored; assume it leaked) and the route's public keys. It adds a "reply" with a random
    // MAC, and a "follow-up" replaying the genuine reply's MAC at another position.
    let report = open_report(&server, &id, "amina").await.unwrap();
    let reporter: age::x25519::Recipient = report.reply_to.recipient.parse().unwrap();
    let forged_reply = format!("FORGED reply: bring your passport to the ministry. {canary}");
    let ciphertext = seal::encrypt(
        &Message::reply("en", forged_reply)
            .to_padded_plaintext()
            .unwrap(),
        &[reporter],
    )
    .unwrap();
    let caseworker = Author::Caseworker("amina".into());
    plant(
        &server,
        &id,
        &caseworker,
        2,
        &ciphertext,
        random_bytes::<32>(),
    )
    .await;
    let genuine = server.store.messages(&id).await.unwrap().remove(0);
    let route_recipients: Vec<age::x25519::Recipient> = server
        .routes()
        .await
        .routes
        .into_iter()
        .find(|r| r.name == "general")
        .unwrap()
        .recipients
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    let forged_followup = format!("FORGED follow-up: I withdraw everything. {canary}");
    let ciphertext = seal::encrypt(
        &Message::followup("en", forged_followup, vec![])
            .to_padded_plaintext()
            .unwrap(),
        &route_recipients,
    )
    .unwrap();
    let replayed: [u8; 32] = genuine.thread_mac.unwrap().try_into().unwrap();
    plant(&server, &id, &Author::Reporter, 3, &ciphertext, replayed).await;

    // The reporter, without JavaScript: the genuine reply, and two warnings instead of words.
    let (status, page, _) = server.receipt_lookup(&codephrase).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&reply), "the genuine reply is shown");
    assert!(
        !page.contains("FORGED"),
        "forged words never reach the page"
    );
    assert_eq!(page.matches("class=\"forged\"").count(), 2, "{page}");
    assert!(page.contains("not written by the caseworkers or by you"));

    // The caseworker: the same two messages are flagged and never opened.
    let (ok, out, err) = amina(&["case", "show", &id]);
    assert!(ok, "{err}");
    assert!(out.contains(&reply));
    assert!(!out.contains("FORGED"), "{out}");
    assert_eq!(out.matches("NOT VERIFIED").count(), 2, "{out}");
    let (ok, out, err) = amina(&["case", "show", &id, "--json"]);
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    let verified: Vec<bool> = shown["thread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["verified"].as_bool().unwrap())
        .collect();
    assert_eq!(verified, [true, false, false]);
    assert!(
        shown.get("reply_to").is_none(),
        "the thread key never leaves the CLI"
    );

    // A new genuine reply goes after the planted rows and verifies.
    let (ok, out, err) = server.cli_with_input(
        "caseworker/amina",
        &["case", "reply", &id, "--yes"],
        "second reply",
    );
    assert!(ok, "{out}{err}");
    let thread_key = ThreadKey::from_base64(&report.reply_to.thread_key).unwrap();
    let last = server.store.messages(&id).await.unwrap().pop().unwrap();
    assert_eq!(last.seq, 4);
    assert!(thread_key.verifies(&caseworker, 4, &last.ciphertext, last.thread_mac.as_deref()));

    // Whoever holds the database deletes the genuine first reply: both readers point at the
    // hole (positions are under the MAC, so the rest cannot be renumbered to hide it).
    server.sql("DELETE FROM messages WHERE seq = 1").await;
    let (_, page, _) = server.receipt_lookup(&codephrase).await;
    assert!(!page.contains(&reply), "the reply is gone");
    assert!(
        page.contains("messages are missing here (how many: 1)"),
        "{page}"
    );
    let (ok, out, err) = amina(&["case", "show", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("#1-#1 MISSING"), "{out}");
    let (ok, out, err) = amina(&["case", "show", &id, "--json"]);
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["missing_positions"], json!([1]));
    server.stop().await;
}
on_both_backends!(forged_messages_are_warnings_for_reporter_and_caseworker);

async fn positions_and_macs_are_checked_at_the_door(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (submission, accepted) = server.submit_api("general", "api report").await;
    let id = accepted.id;
    let token = server.login("caseworker", "amina", "amina").await;
    // A reply needs one stanza per route recipient plus the reporter (checked first).
    let (_, case) = server.get_as(&format!("/api/v1/cases/{id}"), &token).await;
    let mut recipients = vec![submission.keys.recipient()];
    for r in case["route_recipients"].as_array().unwrap() {
        recipients.push(r.as_str().unwrap().parse().unwrap());
    }
    let sealed = seal::encrypt_in_slots(
        &Message::reply("en", "hello").to_padded_plaintext().unwrap(),
        &recipients,
        recipient_slots(&server.routes().await) + 1,
    )
    .unwrap();
    let mac = submission
        .keys
        .thread_key()
        .tag(&Author::Caseworker("amina".into()), 1, &sealed);
    let path = format!("/api/v1/cases/{id}/replies");
    for (label, body, want, code) in [
        (
            "no MAC",
            json!({ "ciphertext": STANDARD.encode(&sealed), "seq": 1 }),
            400,
            None,
        ),
        (
            "a MAC of the wrong length",
            json!({ "ciphertext": STANDARD.encode(&sealed), "seq": 1, "thread_mac": "AAAA" }),
            422,
            Some("bad_thread_mac"),
        ),
        (
            "a position already taken or skipped",
            json!({ "ciphertext": STANDARD.encode(&sealed), "seq": 7, "thread_mac": STANDARD.encode(mac) }),
            409,
            Some("thread_changed"),
        ),
    ] {
        let (status, body) = server.call("POST", &path, &token, Some(body)).await;
        assert_eq!(status, want, "{label}: {body}");
        if let Some(code) = code {
            assert_eq!(body["error"]["code"], code, "{label}");
        }
    }
    assert!(
        server.store.messages(&id).await.unwrap().is_empty(),
        "nothing stored"
    );
    let (status, body) = server
        .call(
            "POST",
            &path,
            &token,
            Some(json!({ "ciphertext": STANDARD.encode(&sealed), "seq": 1, "thread_mac": STANDARD.encode(mac) })),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // The reporter's API view carries each message's MAC and, for follow-ups, the digest.
    let lookup = json!({ "receipt_verifier": STANDARD.encode(submission.keys.lookup_key()) });
    let response = server
        .client()
        .post(server.endpoint("/api/v1/receipt"))
        .json(&lookup)
        .send()
        .await
        .unwrap();
    let receipt: Value = response.json().await.unwrap();
    let message = &receipt["messages"][0];
    assert_eq!(message["thread_mac"], STANDARD.encode(mac));
    assert_eq!(message["ciphertext_sha256"].as_str().unwrap().len(), 64);
    server.stop().await;
}
on_both_backends!(positions_and_macs_are_checked_at_the_door);
