//! Casework: password-less staff login, case listing and decryption on the caseworker's side,
//! route-based access, and the hash-chained audit log.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use safehold::store::Backend;
use serde_json::{Value, json};

use crate::common::{
    FormReport, TestServer, demo_identity, element_text, marker, on_both_backends, repo,
    submit_form,
};

/// Asks for a login challenge for `role/name` and opens it with a demo identity: the nonce.
async fn challenge_nonce(
    server: &TestServer,
    role: &str,
    name: &str,
    identity_file: &str,
) -> String {
    let challenge: Value = server
        .client()
        .post(format!("{}/api/v1/session/challenge", server.url))
        .json(&json!({ "role": role, "name": name }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ciphertext = STANDARD
        .decode(challenge["challenge"].as_str().unwrap())
        .unwrap();
    let identity = demo_identity(identity_file);
    let nonce = safehold::crypto::seal::decrypt(&ciphertext, &[&identity as &dyn age::Identity])
        .expect("my key opens it");
    String::from_utf8(nonce.to_vec()).unwrap()
}

/// Logs in over the API with a demo identity; returns the bearer token.
pub async fn login(server: &TestServer, role: &str, name: &str, identity_file: &str) -> String {
    let nonce = challenge_nonce(server, role, name, identity_file).await;
    let response = server
        .client()
        .post(format!("{}/api/v1/session", server.url))
        .json(&json!({ "role": role, "name": name, "nonce": nonce }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.unwrap();
    session["token"].as_str().unwrap().to_owned()
}

async fn get(server: &TestServer, path: &str, token: &str) -> (u16, Value) {
    let response = server
        .client()
        .get(format!("{}{path}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Runs the real `safehold` binary as a caseworker's CLI.
fn cli(server: &TestServer, home: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_safehold"))
        .args(args)
        .args(["--server", &server.url, "--as", "caseworker/amina"])
        .arg("--identity")
        .arg(repo().join("keys/DEMO/identities/amina.age-identity"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn a_caseworker_logs_in_lists_and_decrypts_on_their_machine(backend: Backend) {
    let server = TestServer::start(backend).await;
    let canary = marker("casework");
    let (status, page) = submit_form(&server, &FormReport::simple(&canary)).await;
    assert_eq!(status, 201);
    let id = element_text(&page, "report-id").unwrap();
    let home = tempfile::tempdir().unwrap();

    let (ok, out, err) = cli(&server, home.path(), &["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = cli(&server, home.path(), &["case", "list", "--json"]);
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
    let (ok, out, err) = cli(&server, home.path(), &["case", "show", &id]);
    assert!(ok, "{err}");
    assert!(out.contains(&canary) && out.contains(&id), "{out}");
    let (ok, out, err) = cli(&server, home.path(), &["case", "show", &id, "--json"]);
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
            ("caseworker/amina", "pull", id.as_str()),
            ("caseworker/amina", "pull", id.as_str()),
        ]
    );
    assert_eq!(safehold::audit::verify(&log), Ok(()));
    assert!(
        log.iter().all(|e| e.at_minute.len() == 16),
        "minute precision only"
    );
    server.stop().await;
}
on_both_backends!(a_caseworker_logs_in_lists_and_decrypts_on_their_machine);

async fn sessions_nonces_and_roles_are_enforced(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let url = |p: &str| format!("{}{p}", server.url);

    // A replayed nonce is refused.
    let nonce = challenge_nonce(&server, "caseworker", "amina", "amina").await;
    let body = json!({ "role": "caseworker", "name": "amina", "nonce": nonce });
    assert_eq!(
        client
            .post(url("/api/v1/session"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let replay = client
        .post(url("/api/v1/session"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401, "a nonce works once");

    // A nonce issued to one person does not log in another.
    let nonce = challenge_nonce(&server, "caseworker", "amina", "amina").await;
    let stolen = json!({ "role": "caseworker", "name": "chen", "nonce": nonce });
    assert_eq!(
        client
            .post(url("/api/v1/session"))
            .json(&stolen)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

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
        get(&server, "/api/v1/cases", "shs_not-a-token").await.0,
        401
    );
    let expired = "shs_expired-token-for-the-test";
    let hash: [u8; 32] = sha2::Digest::finalize(sha2::Digest::chain_update(
        <sha2::Sha256 as sha2::Digest>::new(),
        expired,
    ))
    .into();
    let who = safehold::store::StaffIdentity {
        role: "caseworker".into(),
        name: "amina".into(),
    };
    server
        .store
        .insert_session(
            &hash,
            &who,
            time::OffsetDateTime::now_utc().unix_timestamp() - 1,
        )
        .await
        .unwrap();
    let (status, body) = get(&server, "/api/v1/cases", expired).await;
    assert_eq!(status, 401);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    // A rapporteur cannot see cases.
    let rapporteur = login(&server, "rapporteur", "sr-defenders", "sr-defenders").await;
    assert_eq!(get(&server, "/api/v1/cases", &rapporteur).await.0, 403);

    // A caseworker outside a route neither lists nor fetches its cases.
    let mut treaty = FormReport::simple("for the treaty bodies team");
    treaty.mechanism = "treaty_body";
    let (_, page) = submit_form(&server, &treaty).await;
    let treaty_id = element_text(&page, "report-id").unwrap();
    let amina = login(&server, "caseworker", "amina", "amina").await;
    let chen = login(&server, "caseworker", "chen", "chen").await;
    let (_, listed) = get(&server, "/api/v1/cases", &amina).await;
    assert!(
        !listed
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == treaty_id.as_str())
    );
    let (status, body) = get(&server, &format!("/api/v1/cases/{treaty_id}"), &amina).await;
    assert_eq!(status, 404, "{body}");
    let (status, unknown) = get(&server, "/api/v1/cases/0000-0000-0000", &amina).await;
    assert_eq!(
        (status, &unknown),
        (404, &body),
        "other routes' cases look like missing ones"
    );
    assert_eq!(
        get(&server, &format!("/api/v1/cases/{treaty_id}"), &chen)
            .await
            .0,
        200
    );
    assert_eq!(
        get(&server, "/api/v1/cases?route=treaty-bodies", &amina)
            .await
            .0,
        403
    );
    assert_eq!(
        get(&server, "/api/v1/cases?status=bogus", &amina).await.0,
        422
    );
    assert_eq!(
        get(&server, "/api/v1/cases?surprise=1", &amina).await.0,
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

/// Shape of an age file's header: the stanza lines' tags and argument lengths.
fn shape(challenge: &Value) -> Vec<String> {
    let bytes = STANDARD
        .decode(challenge["challenge"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .take_while(|l| !l.starts_with("---"))
        .filter(|l| l.starts_with("-> X25519"))
        .map(|l| format!("{} {}", &l[..9], l.len()))
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
    assert!(decoy["challenge"].is_string());
    server.stop().await;
}

async fn an_edited_audit_row_is_named_by_verify(backend: Backend) {
    let server = TestServer::start(backend).await;
    let token = login(&server, "caseworker", "amina", "amina").await;
    for _ in 0..3 {
        assert_eq!(get(&server, "/api/v1/cases", &token).await.0, 200);
    }
    assert_eq!(
        safehold::audit::verify(&server.store.audit_log().await.unwrap()),
        Ok(())
    );
    // Someone with database access rewrites who did entry 3.
    let url = server.config.database_url.clone();
    let sql = "UPDATE audit_log SET actor = 'caseworker/bruno' WHERE seq = 3";
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
    let err = safehold::audit::verify(&server.store.audit_log().await.unwrap()).unwrap_err();
    assert_eq!(err, safehold::audit::ChainError::Altered { seq: 3 });
    assert!(err.to_string().contains("entry 3"));
    server.stop().await;
}
on_both_backends!(an_edited_audit_row_is_named_by_verify);

async fn reply_followup_status_and_close_through_cli_and_receipt_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    let canary = marker("thread");
    let (status, page) = submit_form(&server, &FormReport::simple("first report")).await;
    assert_eq!(status, 201);
    let id = element_text(&page, "report-id").unwrap();
    let codephrase = element_text(&page, "codephrase").unwrap();
    let home = tempfile::tempdir().unwrap();
    assert!(cli(&server, home.path(), &["case", "login"]).0);

    // The caseworker replies; the reporter reads it on the receipt page without JavaScript.
    let reply = format!("We received your report. {canary}");
    let (ok, out, err) = cli(
        &server,
        home.path(),
        &["case", "reply", &id, "--message", &reply],
    );
    assert!(ok, "{out}{err}");
    let (status, page, cookie) = crate::common::receipt_lookup(&server, &codephrase).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&reply), "the reply is readable in the page");
    let csrf = crate::common::hidden_value(&page, "authenticity_token").unwrap();
    let receipt_token = crate::common::hidden_value(&page, "receipt_token").unwrap();

    // The reporter adds information; the caseworker reads it with `case show`.
    let followup = format!("They came back yesterday. {canary}");
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", csrf.clone())
        .text("receipt_token", receipt_token.clone())
        .text("text", followup.clone())
        .part(
            "attachments",
            reqwest::multipart::Part::bytes(b"photo bytes".to_vec()).file_name("p.bin"),
        );
    let response = server
        .client()
        .post(format!("{}/receipt/followup", server.url))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let (ok, out, err) = cli(&server, home.path(), &["case", "show", &id, "--json"]);
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
    let response = server
        .client()
        .post(format!("{}/receipt/followup", server.url))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(server.store.messages(&id).await.unwrap().len(), 2);

    // The workflow: a skipped step is refused with the allowed next steps; close ends it.
    let (ok, _, err) = cli(&server, home.path(), &["case", "status", &id, "referred"]);
    assert!(
        !ok && err.contains("allowed next: under_assessment, closed"),
        "{err}"
    );
    assert!(
        cli(
            &server,
            home.path(),
            &["case", "status", &id, "under_assessment"]
        )
        .0
    );
    assert!(cli(&server, home.path(), &["case", "status", &id, "credible"]).0);
    let (ok, out, err) = cli(&server, home.path(), &["case", "close", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("closed"));
    let (ok, _, err) = cli(
        &server,
        home.path(),
        &["case", "status", &id, "under_assessment"],
    );
    assert!(!ok && err.contains("closed"), "{err}");
    let (_, page, _) = crate::common::receipt_lookup(&server, &codephrase).await;
    assert_eq!(element_text(&page, "status").as_deref(), Some("Closed."));

    // Each event raised a content-free alert for the route's targets.
    let kinds: Vec<safehold::domain::AlertKind> = server
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
    let home = tempfile::tempdir().unwrap();
    let hrp = bech32::Hrp::parse("age-plugin-safeholdtest-").unwrap();
    let identity = bech32::encode::<bech32::Bech32>(hrp, &[1, 2, 3, 4])
        .unwrap()
        .to_uppercase();
    let file = home.path().join("hardware.age-identity");
    std::fs::write(&file, format!("# a hardware key\n{identity}\n")).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_safehold"))
        .args([
            "case",
            "login",
            "--server",
            &server.url,
            "--as",
            "caseworker/amina",
        ])
        .arg("--identity")
        .arg(&file)
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("PATH", home.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("age-plugin-safeholdtest"),
        "names the plugin binary: {stderr}"
    );
    server.stop().await;
}

async fn live_counts_cover_only_the_callers_routes_and_are_audited(backend: Backend) {
    let server = TestServer::start(backend).await;
    for _ in 0..2 {
        assert_eq!(
            submit_form(&server, &FormReport::simple("general")).await.0,
            201
        );
    }
    let mut treaty = FormReport::simple("treaty");
    treaty.mechanism = "treaty_body";
    assert_eq!(submit_form(&server, &treaty).await.0, 201);
    let home = tempfile::tempdir().unwrap();
    assert!(cli(&server, home.path(), &["case", "login"]).0);
    let (ok, out, err) = cli(&server, home.path(), &["stats", "live", "--json"]);
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
    let (ok, out, _) = cli(&server, home.path(), &["stats", "live"]);
    assert!(ok && out.contains("Not for publication"), "{out}");
    let rapporteur = login(&server, "rapporteur", "sr-defenders", "sr-defenders").await;
    assert_eq!(get(&server, "/api/v1/stats/live", &rapporteur).await.0, 403);
    assert_eq!(
        server
            .client()
            .get(format!("{}/api/v1/stats/live", server.url))
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
    use safehold::domain::{AlertKind, CaseStatus, Consent as ConsentRecord};
    use safehold::store::{AlertEvent, NewReport, StoredCode, new_public_id};
    let id = new_public_id();
    let store = &server.store;
    store
        .insert_report(NewReport {
            public_id: id.clone(),
            route: route.into(),
            received_day: "2025-07-01".into(),
            ciphertext: b"age ciphertext stand-in".to_vec(),
            reporter_recipient: "age1stand-in".into(),
            receipt_hash: crate::common::random_bytes::<32>(),
            urgent: false,
            alert_targets: vec![],
        })
        .await
        .unwrap();
    let alert = AlertEvent {
        kind: AlertKind::StatusChange,
        route,
        targets: &[],
    };
    assert!(
        store
            .set_status(
                &id,
                CaseStatus::Received,
                CaseStatus::UnderAssessment,
                alert
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .set_status(
                &id,
                CaseStatus::UnderAssessment,
                CaseStatus::Credible,
                alert
            )
            .await
            .unwrap()
    );
    let code = |field: &str, code: &str| StoredCode {
        field: field.into(),
        code: code.into(),
        restricted: false,
    };
    let codes = [
        code("country", "BY"),
        code("reprisal_type", "travel_ban"),
        code("incident_date", "2025-07"),
    ];
    let consent = ConsentRecord {
        statistics: true,
        ..ConsentRecord::default()
    };
    assert!(
        store
            .set_coding(&id, "caseworker/amina", &codes, consent)
            .await
            .unwrap()
    );
    id
}

async fn linked_cases_of_one_victim_count_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let first = credible_coded_case(&server, "general").await;
    let second = credible_coded_case(&server, "general").await;
    let elsewhere = credible_coded_case(&server, "treaty-bodies").await;
    let policy = safehold::policy::statistics::StatisticsPolicy::builtin().unwrap();
    let period = policy.parse_period("2025-05-01..2026-04-30").unwrap();
    let victims = |rows: &[safehold::store::StatsCodeRow]| {
        let incidents = safehold::stats::publish::incidents_from_rows(rows);
        safehold::stats::tables::eligible(&policy, &period, &incidents).len()
    };
    assert_eq!(victims(&server.store.stats_code_rows().await.unwrap()), 3);

    let token = login(&server, "caseworker", "amina", "amina").await;
    let link = |id: &str, same_as: &str| {
        let request = server
            .client()
            .post(format!("{}/api/v1/cases/{id}/victim", server.url))
            .bearer_auth(&token)
            .json(&json!({ "same_as": same_as }));
        async move { request.send().await.unwrap().status().as_u16() }
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
    let alert = safehold::store::AlertEvent {
        kind: safehold::domain::AlertKind::StatusChange,
        route: "general",
        targets: &[],
    };
    for id in [&first, &second] {
        assert!(
            server
                .store
                .set_status(
                    id,
                    safehold::domain::CaseStatus::Credible,
                    safehold::domain::CaseStatus::Closed,
                    alert,
                )
                .await
                .unwrap()
        );
        assert!(server.store.purge_closed_case(id).await.unwrap().purged);
    }
    assert_eq!(victims(&server.store.stats_code_rows().await.unwrap()), 2);
    server.stop().await;
}
on_both_backends!(linked_cases_of_one_victim_count_once);
