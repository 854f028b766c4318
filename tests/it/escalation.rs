//! Coding, escalation, the rapporteur's inbox, retention and the audit chain: the whole story
//! of issue 3 through the real CLI binary and the real API, on both backends.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use safehold::envelope::{Channel, Consent, Escalation, Report, ReportFields, RoutingAnswers};
use safehold::store::Backend;
use serde_json::{Value, json};

use crate::casework::login;
use crate::common::{
    FormReport, FormSession, TestServer, demo_identity, element_text, marker, on_both_backends,
    repo,
};

/// Runs the real `safehold` binary as `who` with `identity` from keys/DEMO/identities.
fn cli(
    server: &TestServer,
    home: &Path,
    who: &str,
    identity: &str,
    args: &[&str],
) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_safehold"))
        .args(args)
        .args(["--server", &server.url, "--as", who])
        .arg("--identity")
        .arg(repo().join(format!("keys/DEMO/identities/{identity}.age-identity")))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .current_dir(home)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `safehold admin …` against the server's database.
fn admin(server: &TestServer, args: &[&str]) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_safehold"))
        .arg("admin")
        .args(args)
        .args(["--database-url", &server.config.database_url])
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Submits through the no-JavaScript form, with or without consent for the named mechanism.
async fn submit(server: &TestServer, report: &FormReport, mechanism_consent: bool) -> String {
    let client = server.client();
    let session = FormSession::open(&client, &format!("{}/", server.url)).await;
    let mut form = report.multipart(&session.token);
    if mechanism_consent {
        form = form.text("consent_mechanism", "yes");
    }
    let response = client
        .post(format!("{}/report", server.url))
        .header("cookie", &session.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    element_text(&response.text().await.unwrap(), "report-id").unwrap()
}

async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = server.client();
    let url = format!("{}{path}", server.url);
    let mut request = match method {
        "POST" => client.post(url),
        _ => client.get(url),
    }
    .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A correctly padded package, encrypted to `recipients`, base64.
fn package_for(case_id: &str, recipients: &[age::x25519::Recipient]) -> String {
    let report = Report::new(
        "en",
        Channel::Cli,
        RoutingAnswers::default(),
        {
            let mut fields = ReportFields::default();
            fields.what_happened =
                "forged by a caseworker whose CLI skipped the consent check".into();
            fields
        },
        Consent::default(),
        vec![],
    );
    let package = Escalation::from_report(case_id, &report, vec![], BTreeMap::new(), &[]).unwrap();
    let plaintext = package.to_padded_plaintext().unwrap();
    STANDARD.encode(safehold::crypto::seal::encrypt(&plaintext, recipients).unwrap())
}

/// Every file of the SQLite database (main file, WAL, shared memory), concatenated.
fn sqlite_bytes(server: &TestServer) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(server.dir.path().join("data")).unwrap() {
        all.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// 48 bytes from the middle of an age file's payload: unique to that file.
fn sample(ciphertext: &[u8]) -> Vec<u8> {
    let mid = ciphertext.len() / 2 + ciphertext.len() / 4;
    ciphertext[mid..mid + 48].to_vec()
}

async fn sql(server: &TestServer, backend: Backend, statement: &'static str) {
    let url = server.config.database_url.clone();
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query(statement).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query(statement).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

async fn code_escalate_inbox_close_purge_and_audit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let canary = marker("escalation");
    let amina = |args: &[&str]| cli(&server, home, "caseworker/amina", "amina", args);
    let rapporteur = |args: &[&str]| {
        cli(
            &server,
            home,
            "rapporteur/sr-defenders",
            "sr-defenders",
            args,
        )
    };

    // Submit (no-JS form), log in, list, show, reply.
    let id = submit(&server, &FormReport::simple(&canary), true).await;
    let (ok, out, err) = amina(&["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&["case", "list"]);
    assert!(ok && out.contains(&id), "{out}{err}");
    let (ok, out, err) = amina(&["case", "show", &id]);
    assert!(ok && out.contains(&canary), "{out}{err}");
    let (ok, out, err) = amina(&["case", "reply", &id, "-m", "We have your report."]);
    assert!(ok, "{out}{err}");

    // An unknown code is refused by the server, naming the field and the allowed codes.
    let (ok, _, err) = amina(&[
        "case",
        "code",
        &id,
        "--act-nature",
        "reprisal",
        "--reprisal-type",
        "jailing",
        "--mechanism",
        "special_procedures",
        "--country",
        "UA",
    ]);
    assert!(!ok);
    assert!(
        err.contains("reprisal_type") && err.contains("travel_ban") && err.contains("HTTP 422"),
        "{err}"
    );
    assert!(
        server.store.coding(&id).await.unwrap().is_none(),
        "nothing stored"
    );

    // Code, with the consent read from the decrypted report.
    let (ok, out, err) = amina(&[
        "case",
        "code",
        &id,
        "--act-nature",
        "reprisal",
        "--reprisal-type",
        "travel_ban,surveillance_online",
        "--mechanism",
        "special_procedures",
        "--country",
        "UA",
        "--victim-profile",
        "hrd",
        "--perpetrator",
        "intelligence",
        "--target",
        "self",
        "--cooperation-basis",
        "12_2a",
        "--victim-gender",
        "woman",
        "--subnational-location",
        "UA-30",
        "--incident-date",
        "2026-03",
        "--precision",
        "month",
        "--consent-from-report",
        "--json",
    ]);
    assert!(ok, "{out}{err}");
    let coded: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        coded["codes"]["reprisal_type"],
        json!(["surveillance_online", "travel_ban"])
    );
    assert_eq!(
        coded["restricted"],
        json!(["subnational_location", "victim_gender"])
    );
    assert_eq!(coded["consent"]["named_mechanism"], true);
    assert_eq!(coded["consent"]["statistics"], true);

    // Escalate to the Special Rapporteur, with one redaction.
    let (ok, out, err) = amina(&[
        "case",
        "escalate",
        &id,
        "--to",
        "sr-defenders",
        "--redact",
        "where",
        "--json",
    ]);
    assert!(ok, "{out}{err}");
    let sent: Value = serde_json::from_str(&out).unwrap();
    let package = sent["id"].as_str().unwrap().to_owned();
    assert_eq!(sent["status"], "delivered");
    let alerts = server.store.pending_alerts().await.unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.kind == "escalation" && a.case_id == id && a.target == "rapporteurs-desk"),
        "{alerts:?}"
    );

    // Roles: caseworkers have no inbox, another rapporteur cannot see the package.
    let amina_token = login(&server, "caseworker", "amina", "amina").await;
    assert_eq!(
        call(&server, "GET", "/api/v1/inbox", &amina_token, None)
            .await
            .0,
        403
    );
    let cat = login(&server, "rapporteur", "cat-reprisals", "cat-reprisals").await;
    let (status, listed) = call(&server, "GET", "/api/v1/inbox", &cat, None).await;
    assert_eq!((status, listed), (200, json!([])));
    let (status, body) = call(
        &server,
        "GET",
        &format!("/api/v1/inbox/{package}"),
        &cat,
        None,
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let path = format!("/api/v1/inbox/{package}/ack");
    assert_eq!(call(&server, "POST", &path, &cat, None).await.0, 404);
    assert_eq!(
        call(&server, "GET", "/api/v1/cases", &cat, None).await.0,
        403
    );

    // The rapporteur lists, opens in memory, saves the age file, and acknowledges.
    let (ok, out, err) = rapporteur(&["inbox", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = rapporteur(&["inbox", "list", "--json"]);
    assert!(ok, "{err}");
    let inbox: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    assert_eq!(inbox[0]["id"], package.as_str());
    let (ok, out, err) = rapporteur(&["inbox", "pull", &package, "--show", "--json"]);
    assert!(ok, "{err}");
    let opened: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(opened["format"], "safehold.escalation.v1");
    assert_eq!(opened["case_id"], id.as_str());
    assert_eq!(opened["fields"]["what_happened"], canary.as_str());
    assert_eq!(opened["fields"]["where"], "[redacted]");
    assert_eq!(opened["redacted"], json!(["where"]));
    assert_eq!(opened["thread"][0]["text"], "We have your report.");
    assert_eq!(opened["codes"]["country"], json!(["UA"]));
    assert!(
        opened["codes"].get("victim_gender").is_none(),
        "restricted codes stay home"
    );
    assert_eq!(opened["consent"]["named_mechanism"], true);
    let file = home.join("package.age");
    let (ok, out, err) = rapporteur(&[
        "inbox",
        "pull",
        &package,
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    match std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(repo().join("keys/DEMO/identities/sr-defenders.age-identity"))
        .arg(&file)
        .output()
    {
        Ok(output) => {
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let text = String::from_utf8(output.stdout).unwrap();
            assert!(text.contains(&canary) && text.contains("[redacted]"));
            assert!(
                !text.contains("Geneva"),
                "the redacted place is not in the package"
            );
        }
        Err(_) => eprintln!("NOTICE: the age CLI is not installed; `age -d` check skipped"),
    }
    let (ok, out, err) = rapporteur(&["inbox", "ack", &package]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&["case", "escalations", &id, "--json"]);
    assert!(ok, "{err}");
    let tracked: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(tracked[0]["status"], "acknowledged");
    assert!(tracked[0]["downloaded_day"].is_string());

    // The canary is nowhere at rest: not in codes, packages or the database files.
    let coding = server.store.coding(&id).await.unwrap().unwrap();
    assert!(coding.codes.iter().all(|c| !c.code.contains("CANARY")));
    if backend == Backend::Sqlite {
        assert!(!contains(&sqlite_bytes(&server), canary.as_bytes()));
    }

    // Keep samples of every ciphertext of the case, then close it and run retention at 0 days.
    let report_ct = server.store.report(&id).await.unwrap().unwrap().ciphertext;
    let message_ct = server.store.messages(&id).await.unwrap()[0]
        .ciphertext
        .clone();
    let rapporteur_token = login(&server, "rapporteur", "sr-defenders", "sr-defenders").await;
    let (_, detail) = call(
        &server,
        "GET",
        &format!("/api/v1/inbox/{package}"),
        &rapporteur_token,
        None,
    )
    .await;
    let package_ct = STANDARD
        .decode(detail["ciphertext"].as_str().unwrap())
        .unwrap();
    // The allegation was assessed credible and referred before the case closed, so its
    // statistics codes outlive it.
    for status in ["under_assessment", "credible", "referred"] {
        let (ok, out, err) = amina(&["case", "status", &id, status]);
        assert!(ok, "{out}{err}");
    }
    let (ok, out, err) = amina(&["case", "close", &id]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = admin(&server, &["retention", "run", "--closed-case-days", "0"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("1 closed case(s)"), "{out}");
    assert!(server.store.report(&id).await.unwrap().is_none());
    assert!(server.store.messages(&id).await.unwrap().is_empty());
    assert!(
        server
            .store
            .escalations_of_case(&id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(server.store.coding(&id).await.unwrap().is_none());
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);
    if backend == Backend::Sqlite {
        let bytes = sqlite_bytes(&server);
        for ct in [&report_ct, &message_ct, &package_ct] {
            assert!(
                !contains(&bytes, &sample(ct)),
                "a ciphertext survived retention"
            );
        }
    }
    let stats = server.store.statistics_codes().await.unwrap();
    let kept: Vec<(&str, &str)> = stats
        .iter()
        .map(|(_, f, c)| (f.as_str(), c.as_str()))
        .collect();
    assert!(kept.contains(&("country", "UA")) && kept.contains(&("reprisal_type", "travel_ban")));
    assert!(kept.contains(&("incident_date", "2026-03")));
    assert!(
        stats
            .iter()
            .all(|(incident, f, _)| incident != &id && f != "victim_gender")
    );
    let (_, reply) = call(
        &server,
        "GET",
        &format!("/api/v1/inbox/{package}"),
        &rapporteur_token,
        None,
    )
    .await;
    assert_eq!(reply["error"]["code"], "no_such_package");

    // The audit chain covers it all and verifies; an edited row is named.
    let log = server.store.audit_log().await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    for action in ["code", "escalate", "download", "ack", "close", "purge"] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    let (ok, out, err) = admin(&server, &["audit", "verify"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("intact"), "{out}");
    let (ok, out, _) = admin(&server, &["audit", "show", "--json"]);
    assert!(ok);
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown.as_array().unwrap().len(), log.len());
    sql(
        &server,
        backend,
        "UPDATE audit_log SET subject = 'XXXX-XXXX-XXXX' WHERE seq = 4",
    )
    .await;
    let (ok, out, err) = admin(&server, &["audit", "verify"]);
    assert!(!ok, "{out}");
    assert!(err.contains("audit entry 4 was altered"), "{err}");
    server.stop().await;
}
on_both_backends!(code_escalate_inbox_close_purge_and_audit);

async fn escalations_without_consent_or_with_bad_input_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let amina = |args: &[&str]| cli(&server, home, "caseworker/amina", "amina", args);
    let token = login(&server, "caseworker", "amina", "amina").await;
    let sr = demo_identity("sr-defenders").to_public();

    // The reporter consented to OHCHR and statistics, not to the named mechanism.
    let canary = marker("no-consent");
    let id = submit(&server, &FormReport::simple(&canary), false).await;
    let (ok, out, err) = amina(&["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&[
        "case",
        "code",
        &id,
        "--act-nature",
        "intimidation",
        "--reprisal-type",
        "threats_harassment",
        "--mechanism",
        "upr",
        "--country",
        "BY",
    ]);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = amina(&["case", "escalate", &id, "--to", "sr-defenders"]);
    assert!(!ok);
    assert!(
        err.contains("did not consent") && err.contains("named_mechanism"),
        "{err}"
    );
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);

    // A CLI that skips its check is stopped by the server: a well-formed package, 403.
    let path = format!("/api/v1/cases/{id}/escalations");
    let body =
        json!({ "to": "sr-defenders", "ciphertext": package_for(&id, std::slice::from_ref(&sr)) });
    let (status, answer) = call(&server, "POST", &path, &token, Some(body.clone())).await;
    assert_eq!(status, 403, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not consent")
    );
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);
    assert!(
        server
            .store
            .pending_alerts()
            .await
            .unwrap()
            .iter()
            .all(|a| a.kind != "escalation")
    );

    // A case never coded has no recorded consent: 403, even if the report gave it.
    let uncoded = submit(&server, &FormReport::simple("uncoded"), true).await;
    let uncoded_path = format!("/api/v1/cases/{uncoded}/escalations");
    let body = json!({ "to": "sr-defenders", "ciphertext": package_for(&uncoded, std::slice::from_ref(&sr)) });
    let (status, answer) = call(&server, "POST", &uncoded_path, &token, Some(body)).await;
    assert_eq!(status, 403, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("code it first")
    );

    // Unknown taxonomy codes and fields: 422 naming the field and listing what is allowed.
    let codes_path = format!("/api/v1/cases/{id}/codes");
    let consent = json!({ "ohchr_reprisals_team": true, "named_mechanism": true, "sg_report_named": false, "sg_report_anonymous": false, "statistics": true });
    let bad = json!({ "codes": { "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["XX"] }, "consent": consent });
    let (status, answer) = call(&server, "POST", &codes_path, &token, Some(bad)).await;
    let message = answer["error"]["message"].as_str().unwrap();
    assert_eq!(status, 422);
    assert!(
        message.contains("`country`") && message.contains("UA") && message.contains("CH"),
        "{message}"
    );
    let bad = json!({ "codes": { "religion": ["x"] }, "consent": consent });
    let (status, answer) = call(&server, "POST", &codes_path, &token, Some(bad)).await;
    assert_eq!(status, 422);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("act_nature")
    );
    let coding = server.store.coding(&id).await.unwrap().unwrap();
    assert!(
        !coding.consent.named_mechanism,
        "a refused coding changed nothing"
    );

    // Ids that do not exist, other routes' cases, unknown recipients, bad ciphertext: 4xx and
    // nothing stored.
    let recode = json!({ "codes": { "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["BY"] }, "consent": consent });
    let (status, _) = call(&server, "POST", &codes_path, &token, Some(recode)).await;
    assert_eq!(status, 200);
    let good = package_for(&id, std::slice::from_ref(&sr));
    let missing = call(
        &server,
        "POST",
        "/api/v1/cases/0000-0000-0000/escalations",
        &token,
        Some(json!({ "to": "sr-defenders", "ciphertext": good })),
    )
    .await;
    assert_eq!(missing.0, 404);
    let mut treaty = FormReport::simple("treaty team only");
    treaty.mechanism = "treaty_body";
    let theirs = submit(&server, &treaty, true).await;
    let (status, _) = call(
        &server,
        "POST",
        &format!("/api/v1/cases/{theirs}/escalations"),
        &token,
        Some(json!({ "to": "sr-defenders", "ciphertext": good })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &server,
        "POST",
        &format!("/api/v1/cases/{theirs}/codes"),
        &token,
        Some(json!({ "codes": {}, "consent": consent })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, answer) = call(
        &server,
        "POST",
        &path,
        &token,
        Some(json!({ "to": "amina", "ciphertext": good })),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sr-defenders")
    );
    let (status, _) = call(
        &server,
        "POST",
        &path,
        &token,
        Some(json!({ "to": "sr-defenders", "ciphertext": "not base64!" })),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(&server, "POST", &path, &token,
        Some(json!({ "to": "sr-defenders", "ciphertext": STANDARD.encode(b"age-encryption.org/v1\n-> X25519 junk\n") }))).await;
    assert_eq!(status, 422);
    let amina_key = demo_identity("amina").to_public();
    let (status, answer) = call(&server, "POST", &path, &token,
        Some(json!({ "to": "sr-defenders", "ciphertext": package_for(&id, &[sr.clone(), amina_key]) }))).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);
    let (status, _) = call(
        &server,
        "GET",
        "/api/v1/inbox/0000-0000-0000",
        &login(&server, "rapporteur", "sr-defenders", "sr-defenders").await,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Now with consent recorded for the mechanism, the same package goes through.
    let (status, answer) = call(
        &server,
        "POST",
        &path,
        &token,
        Some(json!({ "to": "sr-defenders", "ciphertext": good })),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(server.store.count_escalations().await.unwrap(), 1);
    if backend == Backend::Sqlite {
        assert!(!contains(&sqlite_bytes(&server), canary.as_bytes()));
    }
    server.stop().await;
}
on_both_backends!(escalations_without_consent_or_with_bad_input_are_refused);

/// With a recipient for `ohchr_reprisals_team` in escalation.toml, the CLI copies OHCHR's
/// reprisals team on an escalation the reporter allowed it for, as a separate package.
async fn ohchr_reprisals_team_is_copied_with_consent(backend: Backend) {
    let policy = tempfile::tempdir().unwrap();
    for file in [
        "routing.toml",
        "alerts.toml",
        "DEMO-webhook-secret",
        "retention.toml",
    ] {
        std::fs::copy(
            repo().join("policy/DEMO").join(file),
            policy.path().join(file),
        )
        .unwrap();
    }
    // In the DEMO keyring, cat-reprisals stands in for the OHCHR reprisals team's key.
    std::fs::write(
        policy.path().join("escalation.toml"),
        "[[recipient]]\nname = \"sr-defenders\"\npurpose = \"named_mechanism\"\n\n\
         [[recipient]]\nname = \"cat-reprisals\"\npurpose = \"ohchr_reprisals_team\"\n",
    )
    .unwrap();
    let dir = policy.path().to_path_buf();
    let server = TestServer::start_with(backend, |c| c.policy = dir).await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let amina = |args: &[&str]| cli(&server, home, "caseworker/amina", "amina", args);
    let id = submit(&server, &FormReport::simple("copied to OHCHR"), true).await;
    assert!(amina(&["case", "login"]).0);
    let (ok, out, err) = amina(&[
        "case",
        "code",
        &id,
        "--act-nature",
        "reprisal",
        "--reprisal-type",
        "travel_ban",
        "--mechanism",
        "special_procedures",
        "--country",
        "UA",
    ]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&["case", "escalate", &id, "--to", "sr-defenders", "--json"]);
    assert!(ok, "{out}{err}");
    let sent: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sent["to"], "sr-defenders");
    assert_eq!(sent["copies"][0]["to"], "cat-reprisals");
    assert_eq!(sent["copies"][0]["purpose"], "ohchr_reprisals_team");
    let team = login(&server, "rapporteur", "cat-reprisals", "cat-reprisals").await;
    let (_, inbox) = call(&server, "GET", "/api/v1/inbox", &team, None).await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    let (ok, out, err) = amina(&[
        "case",
        "escalate",
        &id,
        "--to",
        "sr-defenders",
        "--no-ohchr-copy",
        "--json",
    ]);
    assert!(ok, "{out}{err}");
    assert_eq!(server.store.count_escalations().await.unwrap(), 3);
    server.stop().await;
}
on_both_backends!(ohchr_reprisals_team_is_copied_with_consent);
