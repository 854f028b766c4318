//! Coding, escalation, the rapporteur's inbox, retention and the audit chain: the whole story
//! of issue 3 through the real CLI binary and the real API, on both backends.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::{
    Backend, Channel, Consent, ESCALATION_FORMAT_V1, Escalation, FormReport, ReplyTo, Report,
    ReportFields, RoutingAnswers, TestServer, age_cli_decrypt, code_args, contains_bytes,
    demo_identity, forged_package, marker, on_both_backends, repo, seal,
};

/// 48 bytes from the middle of an age file's payload: unique to that file.
fn sample(ciphertext: &[u8]) -> Vec<u8> {
    let mid = ciphertext.len() / 2 + ciphertext.len() / 4;
    ciphertext[mid..mid + 48].to_vec()
}

async fn code_escalate_inbox_close_purge_and_audit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let canary = marker("escalation");
    // The reporter engaged with special procedures: their route is bruno's.
    let bruno = |args: &[&str]| server.cli("caseworker/bruno", args);
    let rapporteur = |args: &[&str]| server.cli("rapporteur/sr-defenders", args);

    // Submit (no-JS form), log in, list, show, reply.
    let report = FormReport::simple(&canary)
        .with_mechanism("special_procedures")
        .with_mechanism_consent();
    let id = server.submit_form(&report).await.id;
    let (ok, out, err) = bruno(&["case", "login"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = bruno(&["case", "list"]);
    assert!(ok && out.contains(&id), "{out}{err}");
    let (ok, out, err) = bruno(&["case", "show", &id]);
    assert!(ok && out.contains(&canary), "{out}{err}");
    let (ok, out, err) = server.cli_with_input(
        "caseworker/bruno",
        &["case", "reply", &id, "--yes"],
        "We have your report.",
    );
    assert!(ok, "{out}{err}");

    // An unknown code is refused by the server, naming the field and the allowed codes.
    let (ok, _, err) = bruno(&[
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

    // Code: the codes only; the consent shown is the reporter's own, recorded at intake.
    let (ok, out, err) = bruno(&[
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
    let (ok, out, err) = bruno(&[
        "case",
        "escalate",
        "--yes",
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
    let bruno_token = server.login("caseworker", "bruno", "bruno").await;
    assert_eq!(server.get_as("/api/v1/inbox", &bruno_token).await.0, 403);
    let cat = server
        .login("rapporteur", "cat-reprisals", "cat-reprisals")
        .await;
    let (status, listed) = server.get_as("/api/v1/inbox", &cat).await;
    assert_eq!((status, listed), (200, json!([])));
    let (status, body) = server
        .get_as(&format!("/api/v1/inbox/{package}"), &cat)
        .await;
    assert_eq!(status, 404, "{body}");
    let path = format!("/api/v1/inbox/{package}/ack");
    assert_eq!(server.call("POST", &path, &cat, None).await.0, 404);
    assert_eq!(server.get_as("/api/v1/cases", &cat).await.0, 403);

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
    assert_eq!(opened["format"], "safehold.escalation.v2");
    assert_eq!(opened["communication_language"], "en");
    assert_eq!(
        opened["submitter"]["organisation"],
        "DEMO Defenders' Support Network"
    );
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
    let file = server.cli_home().join("package.age");
    let (ok, out, err) = rapporteur(&[
        "inbox",
        "pull",
        &package,
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    if let Some(output) = age_cli_decrypt(&file, "sr-defenders") {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains(&canary) && text.contains("[redacted]"));
        // `age -d` gives the communication first, then the JSON between its markers.
        assert!(
            text.starts_with(
                "Communication on a case of reprisal for cooperation with the United Nations\n"
            ),
            "{text}"
        );
        let begin = text
            .find("-----BEGIN SAFEHOLD ESCALATION JSON-----")
            .unwrap();
        assert!(
            text.find("3. Submitting organisation (confidential)")
                .unwrap()
                < begin
        );
        assert!(
            !text.contains("Geneva"),
            "the redacted place is not in the package"
        );
    }
    let (ok, out, err) = rapporteur(&["inbox", "ack", &package]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = bruno(&["case", "escalations", &id, "--json"]);
    assert!(ok, "{err}");
    let tracked: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(tracked[0]["status"], "acknowledged");
    assert!(tracked[0]["downloaded_day"].is_string());

    // The canary is nowhere at rest: not in codes, packages or the database files.
    let coding = server.store.coding(&id).await.unwrap().unwrap();
    assert!(coding.codes.iter().all(|c| !c.code.contains("CANARY")));
    if backend == Backend::Sqlite {
        assert!(!contains_bytes(&server.sqlite_bytes(), canary.as_bytes()));
    }

    // Keep samples of every ciphertext of the case, then close it and run retention at 0 days.
    let report_ct = server.store.report(&id).await.unwrap().unwrap().ciphertext;
    let message_ct = server.store.messages(&id).await.unwrap()[0]
        .ciphertext
        .clone();
    let rapporteur_token = server
        .login("rapporteur", "sr-defenders", "sr-defenders")
        .await;
    let (_, detail) = server
        .get_as(&format!("/api/v1/inbox/{package}"), &rapporteur_token)
        .await;
    let package_ct = STANDARD
        .decode(detail["ciphertext"].as_str().unwrap())
        .unwrap();
    // The allegation was assessed credible and referred before the case closed, so its
    // statistics codes outlive it.
    for status in ["under_assessment", "credible", "referred"] {
        let (ok, out, err) = bruno(&["case", "status", &id, status]);
        assert!(ok, "{out}{err}");
    }
    let (ok, out, err) = bruno(&["case", "close", &id]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = server.admin(&["retention", "run", "--closed-case-days", "0"]);
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
        let bytes = server.sqlite_bytes();
        for ct in [&report_ct, &message_ct, &package_ct] {
            assert!(
                !contains_bytes(&bytes, &sample(ct)),
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
    let (_, reply) = server
        .get_as(&format!("/api/v1/inbox/{package}"), &rapporteur_token)
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
    let (ok, out, err) = server.admin(&["audit", "verify"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("intact"), "{out}");
    let (ok, out, _) = server.admin(&["audit", "show", "--json"]);
    assert!(ok);
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown.as_array().unwrap().len(), log.len());
    server
        .sql("UPDATE audit_log SET subject = 'XXXX-XXXX-XXXX' WHERE seq = 4")
        .await;
    let (ok, out, err) = server.admin(&["audit", "verify"]);
    assert!(!ok, "{out}");
    assert!(err.contains("audit entry 4 was altered"), "{err}");
    server.stop().await;
}
on_both_backends!(code_escalate_inbox_close_purge_and_audit);

async fn escalations_without_consent_or_with_bad_input_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    let token = server.login("caseworker", "amina", "amina").await;
    let sr = demo_identity("sr-defenders").to_public();
    // Posts `ciphertext` as a package of `case` for `to`, as amina's CLI would.
    let escalate = |case: &str, to: &str, ciphertext: &str| {
        let path = format!("/api/v1/cases/{case}/escalations");
        let body = json!({ "to": to, "ciphertext": ciphertext });
        let (server, token) = (&server, &token);
        async move { server.call("POST", &path, token, Some(body)).await }
    };

    // The reporter consented to OHCHR and statistics, not to the named mechanism.
    let canary = marker("no-consent");
    let id = server.submit_form(&FormReport::simple(&canary)).await.id;
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
    let (ok, _, err) = amina(&["case", "escalate", "--yes", &id, "--to", "sr-defenders"]);
    assert!(!ok);
    assert!(
        err.contains("current consent does not allow") && err.contains("`mechanism`"),
        "{err}"
    );
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);

    // A CLI that skips its check is stopped by the server: a well-formed package, 403.
    let package = forged_package(&id, std::slice::from_ref(&sr));
    let (status, answer) = escalate(&id, "sr-defenders", &package).await;
    assert_eq!(status, 403, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("current consent does not allow")
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

    // A case never coded cannot be escalated: 403, even though the reporter gave consent.
    let uncoded = FormReport::simple("uncoded").with_mechanism_consent();
    let uncoded = server.submit_form(&uncoded).await.id;
    let package = forged_package(&uncoded, std::slice::from_ref(&sr));
    let (status, answer) = escalate(&uncoded, "sr-defenders", &package).await;
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
    let bad = json!({ "codes": { "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["XX"] } });
    let (status, answer) = server.call("POST", &codes_path, &token, Some(bad)).await;
    let message = answer["error"]["message"].as_str().unwrap();
    assert_eq!(status, 422);
    assert!(
        message.contains("`country`") && message.contains("UA") && message.contains("CH"),
        "{message}"
    );
    let bad = json!({ "codes": { "religion": ["x"] } });
    let (status, answer) = server.call("POST", &codes_path, &token, Some(bad)).await;
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

    // The bypass of issue 11, turned around: re-coding with a fabricated consent record is
    // refused (coding carries no consent), and nothing is widened.
    let recode = json!({ "codes": { "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["BY"] }, "consent": consent });
    let (status, answer) = server.call("POST", &codes_path, &token, Some(recode)).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["code"], "consent_not_coded");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("coding carries no consent") && message.contains("receipt page"),
        "{message}"
    );
    let record = server.store.consent(&id).await.unwrap().unwrap();
    assert!(!record.consent.named_mechanism, "nothing was widened");

    // Ids that do not exist, other routes' cases, unknown recipients, bad ciphertext: 4xx and
    // nothing stored.
    let recode = json!({ "codes": { "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["BY"] } });
    let (status, _) = server.call("POST", &codes_path, &token, Some(recode)).await;
    assert_eq!(status, 200);
    let good = forged_package(&id, std::slice::from_ref(&sr));
    let missing = escalate("0000-0000-0000", "sr-defenders", &good).await;
    assert_eq!(missing.0, 404);
    let treaty = FormReport::simple("treaty team only")
        .with_mechanism("treaty_body")
        .with_mechanism_consent();
    let theirs = server.submit_form(&treaty).await.id;
    let (status, _) = escalate(&theirs, "sr-defenders", &good).await;
    assert_eq!(status, 404);
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{theirs}/codes"),
            &token,
            Some(json!({ "codes": {} })),
        )
        .await;
    assert_eq!(status, 404);
    let (status, answer) = escalate(&id, "amina", &good).await;
    assert_eq!(status, 422);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sr-defenders")
    );
    let (status, _) = escalate(&id, "sr-defenders", "not base64!").await;
    assert_eq!(status, 400);
    let junk = STANDARD.encode(b"age-encryption.org/v1\n-> X25519 junk\n");
    let (status, _) = escalate(&id, "sr-defenders", &junk).await;
    assert_eq!(status, 422);
    let amina_key = demo_identity("amina").to_public();
    let two_recipients = forged_package(&id, &[sr.clone(), amina_key]);
    let (status, answer) = escalate(&id, "sr-defenders", &two_recipients).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);
    let (status, _) = server
        .get_as(
            "/api/v1/inbox/0000-0000-0000",
            &server
                .login("rapporteur", "sr-defenders", "sr-defenders")
                .await,
        )
        .await;
    assert_eq!(status, 404);

    // However often it is re-coded, the reporter's record stands: the package is refused.
    let (status, answer) = escalate(&id, "sr-defenders", &good).await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);
    if backend == Backend::Sqlite {
        assert!(!contains_bytes(&server.sqlite_bytes(), canary.as_bytes()));
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
        "[submitter]\norganisation = \"Org\"\ncontact = \"org@example.org\"\n\n\
         [[recipient]]\nname = \"sr-defenders\"\npurpose = \"named_mechanism\"\nmechanisms = [\"upr\"]\n\n\
         [[recipient]]\nname = \"cat-reprisals\"\npurpose = \"ohchr_reprisals_team\"\n",
    )
    .unwrap();
    let dir = policy.path().to_path_buf();
    let server = TestServer::start_with(backend, |c| c.policy = dir).await;
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    let report = FormReport::simple("copied to OHCHR")
        .with_mechanism("upr")
        .with_mechanism_consent();
    let id = server.submit_form(&report).await.id;
    assert!(amina(&["case", "login"]).0);
    let (ok, out, err) = amina(&code_args(&id, &[]));
    assert!(ok, "{out}{err}");
    let (ok, out, err) = amina(&[
        "case",
        "escalate",
        "--yes",
        &id,
        "--to",
        "sr-defenders",
        "--json",
    ]);
    assert!(ok, "{out}{err}");
    let sent: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sent["to"], "sr-defenders");
    assert_eq!(sent["copies"][0]["to"], "cat-reprisals");
    assert_eq!(sent["copies"][0]["purpose"], "ohchr_reprisals_team");
    let team = server
        .login("rapporteur", "cat-reprisals", "cat-reprisals")
        .await;
    let (_, inbox) = server.get_as("/api/v1/inbox", &team).await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    let (ok, out, err) = amina(&[
        "case",
        "escalate",
        "--yes",
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

/// Before anything is encrypted, `case escalate` shows what will be sent (names of fields,
/// redactions, consent, language; never the words) and asks; only "y" sends. `--yes` skips
/// the question for scripts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalate_shows_what_will_be_sent_and_asks_first() {
    let server = TestServer::start(Backend::Sqlite).await;
    let canary = marker("preview");
    let report = FormReport::simple(&canary)
        .with_mechanism("special_procedures")
        .with_mechanism_consent();
    let id = server.submit_form(&report).await.id;
    let bruno = |args: &[&str]| server.cli("caseworker/bruno", args);
    assert!(bruno(&["case", "login"]).0);
    let (ok, out, err) = bruno(&code_args(&id, &[]));
    assert!(ok, "{out}{err}");
    let args = [
        "case",
        "escalate",
        &id,
        "--to",
        "sr-defenders",
        "--redact",
        "where,thread",
    ];
    for answer in ["n\n", "", "maybe\n"] {
        let (ok, out, err) = server.cli_with_input("caseworker/bruno", &args, answer);
        assert!(!ok, "{out}");
        assert!(
            err.contains("nothing was sent") && err.contains("--yes"),
            "{err}"
        );
        assert_eq!(server.store.count_escalations().await.unwrap(), 0);
    }
    let (ok, out, err) = server.cli_with_input("caseworker/bruno", &args, "y\n");
    assert!(ok, "{out}{err}");
    for shown in [
        &format!("About to send case {id} to sr-defenders"),
        "where [redacted]",
        "what_happened, when, where [redacted], un_engagement",
        "texts [redacted]",
        "Codes:        act_nature, country, mechanism, reprisal_type",
        "mechanism yes",
        "Language:     the reporter's words in en, headings in en",
        "Send it? [y/N]",
    ] {
        assert!(err.contains(shown), "{shown} missing from: {err}");
    }
    assert!(!err.contains(&canary), "the preview shows no words: {err}");
    assert_eq!(server.store.count_escalations().await.unwrap(), 1);
    server.stop().await;
}

/// A package reads as a communication in the language the caseworker chose (headings and fixed
/// text), with the reporter's words as written and their language named, the organisation
/// from escalation.toml, then the JSON; v1 packages (JSON alone) are still read; without a
/// submitting organisation nothing can be sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_read_as_a_communication_in_en_fr_or_es_and_v1_is_still_read() {
    let server = TestServer::start(Backend::Sqlite).await;
    let canary = marker("communication");
    let report = FormReport::simple(&canary)
        .with_mechanism("special_procedures")
        .with_mechanism_consent();
    let id = server.submit_form(&report).await.id;
    let bruno = |args: &[&str]| server.cli("caseworker/bruno", args);
    assert!(bruno(&["case", "login"]).0);
    let (ok, out, err) = bruno(&code_args(
        &id,
        &[
            "--perpetrator",
            "intelligence",
            "--prior-un-referral",
            "sp_communication,sg_report",
            "--other-un-actors",
            "ohchr",
        ],
    ));
    assert!(ok, "{out}{err}");
    let (ok, _, err) = bruno(&[
        "case",
        "escalate",
        "--yes",
        &id,
        "--to",
        "sr-defenders",
        "--language",
        "de",
    ]);
    assert!(!ok && err.contains("en, fr, es"), "{err}");
    let package = server.escalate(
        "caseworker/bruno",
        &id,
        "sr-defenders",
        &["--language", "fr"],
    );
    let rapporteur = server
        .login("rapporteur", "sr-defenders", "sr-defenders")
        .await;
    let (_, detail) = server
        .get_as(&format!("/api/v1/inbox/{package}"), &rapporteur)
        .await;
    let ciphertext = STANDARD
        .decode(detail["ciphertext"].as_str().unwrap())
        .unwrap();
    let plaintext = crate::common::open_as(&ciphertext, "sr-defenders").unwrap();
    let text = String::from_utf8(plaintext).unwrap();
    let order = [
        "Communication relative à un cas de représailles",
        "1. Victime(s) présumée(s)",
        "2. Auteur(s) présumé(s)",
        "perpetrator: intelligence",
        "3. Organisation soumettant la communication (confidentiel)",
        "DEMO Defenders' Support Network",
        "4. Date, lieu et circonstances",
        "Dans les mots de la personne qui signale (langue : en) :",
        &format!("  {canary}"),
        "5. Lien avec la coopération avec les Nations Unies",
        "6. Déjà soumis à un organe des Nations Unies",
        "prior_un_referral: sg_report, sp_communication; other_un_actors: ohchr",
        "Pour le rapport annuel du Secrétaire général sur les représailles",
        "La personne consent à être mentionnée nommément : non",
        "Déjà mentionné dans un document des Nations Unies : sg_report",
        "-----BEGIN SAFEHOLD ESCALATION JSON-----",
        "\"format\":\"safehold.escalation.v2\"",
        "-----END SAFEHOLD ESCALATION JSON-----",
    ];
    let mut at = 0;
    for wanted in order {
        let found = text[at..]
            .find(wanted)
            .unwrap_or_else(|| panic!("{wanted:?} missing after byte {at}: {text}"));
        at += found + wanted.len();
    }
    // The reporter's words stay as written: the English text is not translated.
    assert!(text.contains("Geneva"), "{text}");
    let rapporteur_cli = |args: &[&str]| server.cli("rapporteur/sr-defenders", args);
    assert!(rapporteur_cli(&["inbox", "login"]).0);
    let (ok, out, err) = rapporteur_cli(&["inbox", "pull", &package, "--show"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("Communication relative"), "{out}");
    assert!(out.contains("Consent now:"), "{out}");
    assert!(
        !out.contains("-----BEGIN"),
        "the JSON is not printed: {out}"
    );

    // A v1 package (JSON alone), as sent before v2: still opened and shown.
    let mut old = Escalation::from_report(
        &id,
        &Report::new(
            "en",
            Channel::Cli,
            RoutingAnswers::default(),
            {
                let mut fields = ReportFields::default();
                fields.what_happened = "an older package".into();
                fields
            },
            Consent::default(),
            ReplyTo::default(),
            vec![],
        ),
        vec![],
        BTreeMap::new(),
        &[],
    )
    .unwrap();
    old.format = ESCALATION_FORMAT_V1.into();
    let sr = demo_identity("sr-defenders").to_public();
    let v1 = STANDARD.encode(seal::encrypt(&old.to_padded_plaintext().unwrap(), &[sr]).unwrap());
    let token = server.login("caseworker", "bruno", "bruno").await;
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/escalations"),
            &token,
            Some(json!({ "to": "sr-defenders", "ciphertext": v1 })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let old_id = body["id"].as_str().unwrap().to_owned();
    let (ok, out, err) = rapporteur_cli(&["inbox", "pull", &old_id, "--show"]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("Escalation of case {id}")) && out.contains("an older package"),
        "{out}"
    );
    server.stop().await;
}

/// Without `[submitter]` in escalation.toml nothing can be sent: mandates do not consider
/// anonymous communications.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_submitting_organisation_no_package_is_built() {
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
    std::fs::write(
        policy.path().join("escalation.toml"),
        "[[recipient]]\nname = \"sr-defenders\"\npurpose = \"named_mechanism\"\nmechanisms = [\"upr\"]\n",
    )
    .unwrap();
    let dir = policy.path().to_path_buf();
    let server = TestServer::start_with(Backend::Sqlite, |c| c.policy = dir).await;
    let report = FormReport::simple("anonymous?")
        .with_mechanism("upr")
        .with_mechanism_consent();
    let id = server.submit_form(&report).await.id;
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
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
        "upr",
        "--country",
        "UA",
    ]);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = amina(&["case", "escalate", "--yes", &id, "--to", "sr-defenders"]);
    assert!(!ok);
    assert!(
        err.contains("no [submitter]") && err.contains("anonymous communications"),
        "{err}"
    );
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);
    server.stop().await;
}
