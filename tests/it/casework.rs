//! Casework: password-less staff login, case listing and decryption on the caseworker's side,
//! route-based access, and the hash-chained audit log.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::{
    Action, AlertEvent, AlertKind, Audit, Backend, CaseStatus, CodedCase, FormReport,
    StaffIdentity, StatsCodeRow, TestServer, element_text, hidden_value, insert_coded_case, marker,
    on_both_backends, run, today,
};

/// Runs the real `safehold` binary as the demo caseworker amina.
fn amina(server: &TestServer, args: &[&str]) -> (bool, String, String) {
    server.cli("caseworker/amina", args)
}

async fn a_caseworker_logs_in_lists_and_decrypts_on_their_machine(backend: Backend) {
    let server = TestServer::start(backend).await;
    let canary = marker("casework");
    let id = server.submit_form(&FormReport::simple(&canary)).await.id;

    let (ok, out, err) = amina(&server, &["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&server, &["case", "list", "--json"]);
    assert!(ok, "{err}");
    let cases: Value = serde_json::from_str(&out).unwrap();
    assert!(
        cases
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id.as_str() && c["status"] == "received"),
        "{out}"
    );
    let (ok, out, err) = amina(&server, &["case", "list"]);
    assert!(ok, "{err}");
    assert!(
        out.lines()
            .next()
            .unwrap()
            .starts_with("CASE            RECEIVED    STATUS"),
        "the listing has column headers: {out}"
    );
    // A case id works in any letter case, as a tired caseworker types it.
    let (ok, out, err) = amina(
        &server,
        &["case", "show", &format!(" {} ", id.to_lowercase())],
    );
    assert!(ok, "{err}");
    assert!(out.contains(&canary) && out.contains(&id), "{out}");
    let (ok, out, err) = amina(&server, &["case", "show", &id, "--json"]);
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["fields"]["what_happened"], canary.as_str());

    let log = server.store.audit_log().await.unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("caseworker/amina", "login", ""),
            ("caseworker/amina", "list", ""),
            ("caseworker/amina", "list", ""),
            // `case show` reads the report and the reporter's current consent record.
            ("caseworker/amina", "pull", id.as_str()),
            ("caseworker/amina", "read_codes", id.as_str()),
            ("caseworker/amina", "pull", id.as_str()),
            ("caseworker/amina", "read_codes", id.as_str()),
        ]
    );
    assert_eq!(safehold::audit::verify(&log), Ok(()));
    assert!(
        log.iter().all(|e| e.at_minute == today()),
        "the day only, never the time"
    );
    server.stop().await;
}
on_both_backends!(a_caseworker_logs_in_lists_and_decrypts_on_their_machine);

async fn sessions_nonces_and_roles_are_enforced(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let url = |p: &str| format!("{}{p}", server.url);

    // A replayed nonce is refused.
    let redeem = |body: &Value| {
        let request = client.post(url("/api/v1/session")).json(body);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let nonce = server.challenge_nonce("caseworker", "amina", "amina").await;
    let body = json!({ "role": "caseworker", "name": "amina", "nonce": nonce });
    assert_eq!(redeem(&body).await, 200);
    assert_eq!(redeem(&body).await, 401, "a nonce works once");

    // A nonce issued to one person does not log in another.
    let nonce = server.challenge_nonce("caseworker", "amina", "amina").await;
    let stolen = json!({ "role": "caseworker", "name": "chen", "nonce": nonce });
    assert_eq!(redeem(&stolen).await, 401);

    // No token, a bad token, an expired token: 401.
    assert_eq!(
        client
            .get(url("/api/v1/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        server.get_as("/api/v1/cases", "shs_not-a-token").await.0,
        401
    );
    // A token carries its own exact expiry (the store keeps only its day): one past it is
    // refused as expired, and one whose expiry was pushed forward is not known at all.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expired = format!("shs_expired-token-for-the-test.{}", now - 1);
    let hash: [u8; 32] = sha2::Digest::finalize(sha2::Digest::chain_update(
        <sha2::Sha256 as sha2::Digest>::new(),
        &expired,
    ))
    .into();
    let who = StaffIdentity {
        role: "caseworker".into(),
        name: "amina".into(),
    };
    server
        .store
        .insert_session(&hash, &who, &[0; 32], now.div_euclid(86_400))
        .await
        .unwrap();
    let (status, body) = server.get_as("/api/v1/cases", &expired).await;
    assert_eq!(status, 401);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    let real = server.login("caseworker", "amina", "amina").await;
    let (secret, expiry) = real.rsplit_once('.').expect("the token names its expiry");
    let expiry: i64 = expiry.parse().unwrap();
    assert!(expiry > now && expiry <= now + 9 * 3600, "{real}");
    let extended = format!("{secret}.{}", expiry + 86_400 * 365);
    assert_eq!(server.get_as("/api/v1/cases", &extended).await.0, 401);
    assert_eq!(server.get_as("/api/v1/cases", &real).await.0, 200);

    // A rapporteur cannot see cases.
    let rapporteur = server
        .login("rapporteur", "sr-defenders", "sr-defenders")
        .await;
    assert_eq!(server.get_as("/api/v1/cases", &rapporteur).await.0, 403);

    // A caseworker outside a route neither lists nor fetches its cases.
    let treaty = FormReport::simple("for the treaty bodies team").with_mechanism("treaty_body");
    let treaty_id = server.submit_form(&treaty).await.id;
    let amina = server.login("caseworker", "amina", "amina").await;
    let chen = server.login("caseworker", "chen", "chen").await;
    let (_, listed) = server.get_as("/api/v1/cases", &amina).await;
    assert!(
        !listed
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == treaty_id.as_str())
    );
    let (status, body) = server
        .get_as(&format!("/api/v1/cases/{treaty_id}"), &amina)
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, unknown) = server.get_as("/api/v1/cases/0000-0000-0000", &amina).await;
    assert_eq!(
        (status, &unknown),
        (404, &body),
        "other routes' cases look like missing ones"
    );
    assert_eq!(
        server
            .get_as(&format!("/api/v1/cases/{treaty_id}"), &chen)
            .await
            .0,
        200
    );
    assert_eq!(
        server
            .get_as("/api/v1/cases?route=treaty-bodies", &amina)
            .await
            .0,
        403
    );
    assert_eq!(
        server.get_as("/api/v1/cases?status=bogus", &amina).await.0,
        422
    );
    assert_eq!(
        server.get_as("/api/v1/cases?surprise=1", &amina).await.0,
        400
    );

    // Bad login input gets a clear 4xx.
    let bad = client
        .post(url("/api/v1/session"))
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 415);
    let bad = client
        .post(url("/api/v1/session/challenge"))
        .json(&json!({ "role": "caseworker" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    server.stop().await;
}
on_both_backends!(sessions_nonces_and_roles_are_enforced);

/// Shape of a challenge: for each of its age files (one per key), the stanza lines' tags and
/// argument lengths.
fn shape(challenge: &Value) -> Vec<String> {
    challenge["challenges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| {
            let bytes = STANDARD.decode(file.as_str().unwrap()).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            text.lines()
                .take_while(|l| !l.starts_with("---"))
                .filter(|l| l.starts_with("-> X25519"))
                .map(|l| format!("{} {}", &l[..9], l.len()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_name_gets_a_decoy_of_the_same_shape_and_timing() {
    let server = TestServer::start(Backend::Sqlite).await;
    let client = server.client();
    let ask = |name: &'static str| {
        let client = client.clone();
        let url = format!("{}/api/v1/session/challenge", server.url);
        async move {
            let started = std::time::Instant::now();
            let response = client
                .post(url)
                .json(&json!({ "role": "caseworker", "name": name }))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body, started.elapsed())
        }
    };
    let mut real_times = Vec::new();
    let mut decoy_times = Vec::new();
    for _ in 0..15 {
        let (real_status, real, real_time) = ask("amina").await;
        let (decoy_status, decoy, decoy_time) = ask("nobody-here").await;
        assert_eq!(real_status, decoy_status);
        assert_eq!(
            real.as_object().unwrap().keys().collect::<Vec<_>>(),
            decoy.as_object().unwrap().keys().collect::<Vec<_>>()
        );
        assert_eq!(
            shape(&real),
            vec!["-> X25519 53".to_owned()],
            "amina has one device"
        );
        assert_eq!(
            shape(&decoy).len(),
            shape(&ask("nobody-here").await.1).len(),
            "a decoy's shape is stable"
        );
        real_times.push(real_time);
        decoy_times.push(decoy_time);
    }
    real_times.sort();
    decoy_times.sort();
    let (real, decoy) = (real_times[7].as_secs_f64(), decoy_times[7].as_secs_f64());
    assert!(
        decoy < real * 3.0 + 0.005 && real < decoy * 3.0 + 0.005,
        "median real {real}s vs decoy {decoy}s"
    );
    // A decoy cannot be redeemed, whatever nonce is sent.
    let (_, decoy, _) = ask("nobody-here").await;
    assert!(decoy["challenges"].is_array());
    server.stop().await;
}

async fn an_edited_audit_row_is_named_by_verify(backend: Backend) {
    let server = TestServer::start(backend).await;
    let token = server.login("caseworker", "amina", "amina").await;
    for _ in 0..3 {
        assert_eq!(server.get_as("/api/v1/cases", &token).await.0, 200);
    }
    assert_eq!(
        safehold::audit::verify(&server.store.audit_log().await.unwrap()),
        Ok(())
    );
    // Someone with database access rewrites who did entry 3.
    server
        .sql("UPDATE audit_log SET actor = 'caseworker/bruno' WHERE seq = 3")
        .await;
    let err = safehold::audit::verify(&server.store.audit_log().await.unwrap()).unwrap_err();
    assert_eq!(err, safehold::audit::ChainError::Altered { seq: 3 });
    assert!(err.to_string().contains("entry 3"));
    server.stop().await;
}
on_both_backends!(an_edited_audit_row_is_named_by_verify);

async fn reply_followup_status_and_close_through_cli_and_receipt_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    let canary = marker("thread");
    let submitted = server
        .submit_form(&FormReport::simple("first report"))
        .await;
    let (id, codephrase) = (submitted.id, submitted.codephrase);
    assert!(amina(&server, &["case", "login"]).0);

    // The caseworker replies; the reporter reads it on the receipt page without JavaScript.
    let reply = format!("We received your report. {canary}");
    let (ok, out, err) =
        server.cli_with_input("caseworker/amina", &["case", "reply", &id, "--yes"], &reply);
    assert!(ok, "{out}{err}");
    let (status, page, cookie) = server.receipt_lookup(&codephrase).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&reply), "the reply is readable in the page");
    let csrf = hidden_value(&page, "authenticity_token").unwrap();
    let receipt_token = hidden_value(&page, "receipt_token").unwrap();

    // The reporter adds information; the caseworker reads it with `case show`.
    let post_followup = |form: reqwest::multipart::Form| {
        let request = server
            .client()
            .post(server.endpoint("/receipt/followup"))
            .header("cookie", &cookie)
            .multipart(form);
        async move { request.send().await.unwrap() }
    };
    let followup = format!("They came back yesterday. {canary}");
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", csrf.clone())
        .text("receipt_token", receipt_token.clone())
        .text("thread_key", hidden_value(&page, "thread_key").unwrap())
        .text("text", followup.clone())
        .part(
            "attachments",
            reqwest::multipart::Part::bytes(b"photo bytes".to_vec()).file_name("p.bin"),
        );
    let response = post_followup(form).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let (ok, out, err) = amina(&server, &["case", "show", &id, "--json"]);
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    let thread = shown["thread"].as_array().unwrap();
    assert_eq!(thread.len(), 2);
    assert_eq!(thread[0]["from"], "caseworker/amina");
    assert_eq!(thread[0]["text"], reply.as_str());
    assert_eq!(thread[1]["from"], "reporter");
    assert_eq!(thread[1]["text"], followup.as_str());

    // A forged or stale receipt token is refused, and nothing is added.
    let forged = format!("{id}.99999999999.{}", "00".repeat(32));
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", csrf)
        .text("receipt_token", forged)
        .text("text", "forged");
    let response = post_followup(form).await;
    assert_eq!(response.status(), 403);
    assert_eq!(server.store.messages(&id).await.unwrap().len(), 2);

    // The workflow: a skipped step is refused with the allowed next steps; close ends it.
    let (ok, _, err) = amina(&server, &["case", "status", &id, "referred"]);
    assert!(
        !ok && err.contains("allowed next: under_assessment, unreadable, closed"),
        "{err}"
    );
    assert!(amina(&server, &["case", "status", &id, "under_assessment"]).0);
    assert!(amina(&server, &["case", "status", &id, "credible"]).0);
    let (ok, out, err) = amina(&server, &["case", "close", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("closed"));
    let (ok, _, err) = amina(&server, &["case", "status", &id, "under_assessment"]);
    assert!(!ok && err.contains("closed"), "{err}");
    let (_, page, _) = server.receipt_lookup(&codephrase).await;
    assert_eq!(element_text(&page, "status").as_deref(), Some("Closed."));

    // Each event raised a content-free alert for the route's targets.
    let kinds: Vec<AlertKind> = server
        .store
        .pending_alerts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.kind)
        .collect();
    for kind in ["new_report", "reply", "follow_up", "status_change"] {
        assert!(
            kinds.iter().any(|k| k.as_str() == kind),
            "{kind} alert queued: {kinds:?}"
        );
    }
    let actions: Vec<String> = server
        .store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["login", "reply", "pull", "status", "close"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} audited: {actions:?}"
        );
    }
    assert_eq!(
        safehold::audit::verify(&server.store.audit_log().await.unwrap()),
        Ok(())
    );

    // Replies carry no plaintext at rest either.
    for message in server.store.messages(&id).await.unwrap() {
        assert!(
            !message
                .ciphertext
                .windows(canary.len())
                .any(|w| w == canary.as_bytes())
        );
    }
    server.stop().await;
}
on_both_backends!(reply_followup_status_and_close_through_cli_and_receipt_page);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugin_identities_are_handed_to_their_age_plugin() {
    // A hardware key's identity file names its plugin; the CLI must go through age's plugin
    // protocol (here the plugin is not installed, so the error must say which binary to get).
    let server = TestServer::start(Backend::Sqlite).await;
    let home = server.cli_home();
    let hrp = bech32::Hrp::parse("age-plugin-safeholdtest-").unwrap();
    let identity = bech32::encode::<bech32::Bech32>(hrp, &[1, 2, 3, 4])
        .unwrap()
        .to_uppercase();
    let file = home.join("hardware.age-identity");
    std::fs::write(&file, format!("# a hardware key\n{identity}\n")).unwrap();
    let (ok, _, stderr) = run(server
        .cli_command("caseworker/amina", &file, &["case", "login"])
        .env("PATH", &home));
    assert!(!ok);
    assert!(
        stderr.contains("age-plugin-safeholdtest"),
        "names the plugin binary: {stderr}"
    );
    server.stop().await;
}

async fn live_counts_cover_only_the_callers_routes_and_are_audited(backend: Backend) {
    let server = TestServer::start(backend).await;
    for _ in 0..2 {
        server.submit_form(&FormReport::simple("general")).await;
    }
    let treaty = FormReport::simple("treaty").with_mechanism("treaty_body");
    server.submit_form(&treaty).await;
    assert!(amina(&server, &["case", "login"]).0);
    let (ok, out, err) = amina(&server, &["stats", "live", "--json"]);
    assert!(ok, "{err}");
    let live: Value = serde_json::from_str(&out).unwrap();
    let by_status = live["by_status"].as_array().unwrap();
    assert!(
        by_status
            .iter()
            .any(|c| c["group"] == "general" && c["key"] == "received" && c["cases"] == 2),
        "{out}"
    );
    assert!(
        !by_status.iter().any(|c| c["group"] == "treaty-bodies"),
        "amina is not on the treaty route: {out}"
    );
    let (ok, out, _) = amina(&server, &["stats", "live"]);
    assert!(ok && out.contains("Not for publication"), "{out}");
    let rapporteur = server
        .login("rapporteur", "sr-defenders", "sr-defenders")
        .await;
    assert_eq!(
        server.get_as("/api/v1/stats/live", &rapporteur).await.0,
        403
    );
    assert_eq!(
        server
            .client()
            .get(server.endpoint("/api/v1/stats/live"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let log = server.store.audit_log().await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "stats_live").count(), 2);
    server.stop().await;
}
on_both_backends!(live_counts_cover_only_the_callers_routes_and_are_audited);

/// A credible case on `route`, coded with statistics consent; returns its id.
async fn credible_coded_case(server: &TestServer, route: &str) -> String {
    let code = CodedCase::code;
    let case = CodedCase {
        route,
        status: "credible",
        codes: vec![
            code("country", "BY"),
            code("reprisal_type", "travel_ban"),
            code("incident_date", "2025-07"),
        ],
        statistics: true,
        coder: "caseworker/amina",
    };
    insert_coded_case(&server.store, case).await
}

async fn linked_cases_of_one_victim_count_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let first = credible_coded_case(&server, "general").await;
    let second = credible_coded_case(&server, "general").await;
    let elsewhere = credible_coded_case(&server, "treaty-bodies").await;
    let policy = safehold::policy::statistics::StatisticsPolicy::builtin().unwrap();
    let period = policy.parse_period("2025-05-01..2026-04-30").unwrap();
    let victims = |rows: &[StatsCodeRow]| {
        let incidents = safehold::stats::publish::incidents_from_rows(rows);
        safehold::stats::tables::eligible(&policy, &period, &incidents).len()
    };
    assert_eq!(victims(&server.store.stats_code_rows().await.unwrap()), 3);

    let token = server.login("caseworker", "amina", "amina").await;
    let link = |id: &str, same_as: &str| {
        let path = format!("/api/v1/cases/{id}/victim");
        let body = json!({ "same_as": same_as });
        let (server, token) = (&server, &token);
        async move { server.call("POST", &path, token, Some(body)).await.0 }
    };
    assert_eq!(link(&second, &first).await, 200);
    assert_eq!(
        victims(&server.store.stats_code_rows().await.unwrap()),
        2,
        "one person, counted once"
    );
    // Cases outside the caller's routes, missing cases and self-links are refused.
    assert_eq!(link(&second, &elsewhere).await, 404);
    assert_eq!(link(&second, "0000-0000-0000").await, 404);
    assert_eq!(link(&second, &second).await, 422);
    assert_eq!(victims(&server.store.stats_code_rows().await.unwrap()), 2);

    // The link outlives retention with the kept codes.
    let alert = AlertEvent {
        kind: AlertKind::StatusChange,
        route: "general",
        targets: &[],
    };
    for id in [&first, &second] {
        assert!(
            server
                .store
                .set_status(
                    id,
                    CaseStatus::Credible,
                    CaseStatus::Closed,
                    alert,
                    Audit::new("caseworker/amina", Action::Close),
                )
                .await
                .unwrap()
        );
        assert!(
            server
                .store
                .purge_closed_case(id, Audit::new("retention", Action::Purge))
                .await
                .unwrap()
                .purged
        );
    }
    assert_eq!(victims(&server.store.stats_code_rows().await.unwrap()), 2);
    server.stop().await;
}
on_both_backends!(linked_cases_of_one_victim_count_once);
