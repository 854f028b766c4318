//! Consent is the reporter's (issue 11, invariant 8): recorded at intake as flags the server
//! enforces, changed only by the reporter from the receipt page (with and without JavaScript),
//! narrowed but never widened by caseworkers, obeyed at once by escalations and statistics,
//! and shown beside the package's own record in the rapporteur's inbox. On both backends.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::{
    Action, AlertKind, Audit, Backend, Codephrase, ConsentRecord, FormReport, Lang, Purpose,
    ReceiptKeys, TestServer, code_args, demo_identity, forged_package, on_both_backends, repo,
    today,
};

/// A well-formed package for `case_id`, encrypted to `to`'s demo key, base64: what a CLI that
/// skipped its own checks would send.
fn package_for(case_id: &str, to: &str) -> String {
    forged_package(case_id, &[demo_identity(to).to_public()])
}

async fn intake_records_the_reporters_consent_without_and_with_javascript(backend: Backend) {
    let server = TestServer::start(backend).await;

    // Without JavaScript the server reads the boxes and the mechanism answer.
    let form = FormReport::simple("form consent")
        .with_mechanism("upr")
        .with_mechanism_consent();
    let id = server.submit_form(&form).await.id;
    let record = server.store.consent(&id).await.unwrap().unwrap();
    assert_eq!(
        record.consent,
        ConsentRecord {
            ohchr_reprisals_team: true,
            named_mechanism: true,
            statistics: true,
            ..ConsentRecord::default()
        }
    );
    assert_eq!(record.mechanism.as_deref(), Some("upr"));
    assert!(server.store.consent_changes(&id).await.unwrap().is_empty());

    // With JavaScript (or `safehold submit`) the flags travel beside the ciphertext.
    let mut submission = server.api_submission("general", "api consent").await;
    submission.body["consent"] = json!("01010");
    submission.body["mechanism"] = json!("ohchr");
    let response = server.post_report(&submission.body).await;
    assert_eq!(response.status(), 201);
    let accepted: Value = response.json().await.unwrap();
    let record = server
        .store
        .consent(accepted["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.consent.flags(), "01010");
    assert_eq!(record.mechanism.as_deref(), Some("ohchr"));

    // Malformed flags or answers: a clear 4xx, nothing stored.
    let before = server.store.count_reports().await.unwrap();
    for (field, value, code) in [
        ("consent", json!("0101"), "bad_consent"),
        ("consent", json!("01x10"), "bad_consent"),
        ("consent", json!(true), "bad_request"),
        ("mechanism", json!("galaxy"), "bad_mechanism"),
    ] {
        let mut body = server.api_submission("general", "bad").await.body;
        body[field] = value.clone();
        let response = server.post_report(&body).await;
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap();
        assert!((400..500).contains(&status), "{field}={value}: {status}");
        if code != "bad_request" {
            assert_eq!(answer["error"]["code"], code, "{answer}");
            assert!(
                answer["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains(if field == "consent" {
                        "ohchr_reprisals_team"
                    } else {
                        "special_procedures"
                    }),
                "{answer}"
            );
        }
    }
    let mut body = server.api_submission("general", "no consent").await.body;
    body.as_object_mut().unwrap().remove("consent");
    let response = server.post_report(&body).await;
    assert!(response.status().is_client_error());
    assert_eq!(server.store.count_reports().await.unwrap(), before);

    // `safehold submit` sends them too.
    let url = server.url.clone();
    let (ok, out, err) = server.cli_anonymous(&[
        "submit",
        "--server",
        &url,
        "--what-happened",
        "from the command line",
        "--consent",
        "statistics,sg-anonymous",
        "--mechanism",
        "treaty_body",
    ]);
    assert!(ok, "{out}{err}");
    let id = out
        .split_whitespace()
        .nth(1)
        .expect("Report ID received")
        .to_owned();
    let record = server.store.consent(&id).await.unwrap().unwrap();
    assert_eq!(record.consent.flags(), "00011", "{out}");
    assert_eq!(record.mechanism.as_deref(), Some("treaty_body"));
    let (ok, _, err) = server.cli_anonymous(&[
        "submit",
        "--server",
        &url,
        "--what-happened",
        "x",
        "--mechanism",
        "galaxy",
    ]);
    assert!(!ok && err.contains("treaty_body"), "{err}");
    server.stop().await;
}
on_both_backends!(intake_records_the_reporters_consent_without_and_with_javascript);

async fn the_reporter_changes_consent_on_the_receipt_page_without_javascript(backend: Backend) {
    let server = TestServer::start(backend).await;
    let submitted = server.submit_form(&FormReport::simple("change me")).await;
    let id = submitted.id.clone();

    // The page shows the record as it is: OHCHR and statistics ticked.
    let (_, page, _) = server.receipt_lookup(&submitted.codephrase).await;
    assert!(
        page.contains("name=\"consent_ohchr\" value=\"yes\" checked"),
        "{page}"
    );
    assert!(page.contains("name=\"consent_statistics\" value=\"yes\" checked"));
    assert!(page.contains("name=\"consent_sg_named\" value=\"yes\">"));

    // Withdraw OHCHR: stored at once, with the day, and the route is told "consent changed".
    let (status, answer, fields, cookie) = server
        .change_consent_form(&submitted.codephrase, &["consent_statistics"])
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("Your choices are saved"), "{answer}");
    let record = server.store.consent(&id).await.unwrap().unwrap();
    assert_eq!(record.consent.flags(), "00001");
    let changes = server.store.consent_changes(&id).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].day, today());
    assert_eq!(changes[0].changed_by, "reporter");
    assert_eq!(changes[0].consent.flags(), "00001");
    let alerts = server.store.pending_alerts().await.unwrap();
    let told: Vec<_> = alerts
        .iter()
        .filter(|a| a.kind == AlertKind::ConsentChange)
        .collect();
    assert_eq!(told.len(), 1, "{alerts:?}");
    assert_eq!(
        (told[0].case_id.as_str(), told[0].route.as_str()),
        (id.as_str(), "general")
    );
    assert_eq!(AlertKind::ConsentChange.label(), "consent changed");

    // The form is good once: a replay changes nothing.
    let (status, page) = server.post_consent_form(&cookie, &fields).await;
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("already sent once"), "{page}");
    assert_eq!(server.store.consent_changes(&id).await.unwrap().len(), 1);

    // A token from another browser's page is refused.
    let (_, page, _) = server.receipt_lookup(&submitted.codephrase).await;
    let form = &page[page.find("id=\"consent-form\"").unwrap()..];
    let other = server.form_session("/receipt").await;
    let stolen = vec![
        ("authenticity_token".to_owned(), other.token.clone()),
        (
            "receipt_token".to_owned(),
            crate::common::hidden_value(form, "receipt_token").unwrap(),
        ),
        ("consent_ohchr".to_owned(), "yes".to_owned()),
    ];
    let (status, page) = server.post_consent_form(&other.cookie, &stolen).await;
    assert_eq!(status, 403, "{page}");
    assert_eq!(
        server
            .store
            .consent(&id)
            .await
            .unwrap()
            .unwrap()
            .consent
            .flags(),
        "00001"
    );

    // Only "yes" ticks a box.
    let (_, page, cookie) = server.receipt_lookup(&submitted.codephrase).await;
    let form = &page[page.find("id=\"consent-form\"").unwrap()..];
    let odd = vec![
        (
            "authenticity_token".to_owned(),
            crate::common::hidden_value(form, "authenticity_token").unwrap(),
        ),
        (
            "receipt_token".to_owned(),
            crate::common::hidden_value(form, "receipt_token").unwrap(),
        ),
        ("consent_ohchr".to_owned(), "maybe".to_owned()),
    ];
    let (status, page) = server.post_consent_form(&cookie, &odd).await;
    assert_eq!(status, 400, "{page}");
    assert_eq!(server.store.consent_changes(&id).await.unwrap().len(), 1);

    // The reporter, and only the reporter, may widen again.
    let (status, _, _, _) = server
        .change_consent_form(
            &submitted.codephrase,
            &["consent_ohchr", "consent_mechanism", "consent_statistics"],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        server
            .store
            .consent(&id)
            .await
            .unwrap()
            .unwrap()
            .consent
            .flags(),
        "11001"
    );
    server.stop().await;
}
on_both_backends!(the_reporter_changes_consent_on_the_receipt_page_without_javascript);

async fn the_reporter_changes_consent_with_the_api(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (submission, accepted) = server.submit_api("general", "api change").await;
    assert_eq!(
        server
            .store
            .consent(&accepted.id)
            .await
            .unwrap()
            .unwrap()
            .consent,
        ConsentRecord::default()
    );
    let (status, body) = server.change_consent_api(&submission.keys, "00001").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["consent"]["statistics"], true);
    assert_eq!(body["changes"][0]["changed_by"], "reporter");
    assert_eq!(body["changes"][0]["day"], today());
    let receipt: Value = server
        .client()
        .post(server.endpoint("/api/v1/receipt"))
        .json(&json!({ "receipt_verifier": STANDARD.encode(submission.keys.lookup_key()) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(receipt["consent"]["statistics"], true, "{receipt}");

    // Someone without the codephrase, or with a malformed record: refused, nothing changed.
    let stranger = ReceiptKeys::derive(&Codephrase::generate()).unwrap();
    let (status, body) = server.change_consent_api(&stranger, "11111").await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = server.change_consent_api(&submission.keys, "1").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "bad_consent");
    let record = server.store.consent(&accepted.id).await.unwrap().unwrap();
    assert_eq!(record.consent.flags(), "00001");
    assert_eq!(
        server
            .store
            .consent_changes(&accepted.id)
            .await
            .unwrap()
            .len(),
        1
    );
    server.stop().await;
}
on_both_backends!(the_reporter_changes_consent_with_the_api);

async fn caseworkers_narrow_consent_but_never_widen_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut submission = server.api_submission("general", "narrow me").await;
    submission.body["consent"] = json!("10001");
    let response = server.post_report(&submission.body).await;
    let id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    assert!(amina(&["case", "login"]).0);

    // `--revoke` narrows the reporter's record; the change is kept with the day.
    let (ok, out, err) = amina(&code_args(&id, &["--revoke", "statistics", "--json"]));
    assert!(ok, "{out}{err}");
    let view: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(view["consent"]["statistics"], false);
    assert_eq!(view["consent"]["ohchr_reprisals_team"], true);
    let changes = server.store.consent_changes(&id).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].changed_by, "caseworker");

    // A coding that carries a consent record is refused, even one that only narrows.
    let token = server.login("caseworker", "amina", "amina").await;
    // Staff reads of the record are audited like reads of the codes.
    let before = server.store.audit_log().await.unwrap().len();
    let (status, body) = server
        .get_as(&format!("/api/v1/cases/{id}/consent"), &token)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["changes"][0]["changed_by"], "caseworker");
    let log = server.store.audit_log().await.unwrap();
    assert_eq!(log.len(), before + 1);
    assert_eq!(
        (log[before].action.as_str(), log[before].subject.as_str()),
        ("read_codes", id.as_str())
    );
    let codes = json!({ "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["UA"] });
    for consent in [
        json!(ConsentRecord::default()),
        json!({ "statistics": true }),
    ] {
        let (status, body) = server
            .call(
                "POST",
                &format!("/api/v1/cases/{id}/codes"),
                &token,
                Some(json!({ "codes": codes, "consent": consent })),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "consent_not_coded");
    }
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/consent/narrow"),
            &token,
            Some(json!({ "withdraw": ["everything"] })),
        )
        .await;
    assert!((400..500).contains(&status), "{status} {body}");

    // Even below the API, the store refuses a caseworker's widening and writes nothing.
    let widened = ConsentRecord {
        ohchr_reprisals_team: true,
        statistics: true,
        sg_report_named: true,
        ..ConsentRecord::default()
    };
    let outcome = server
        .store
        .caseworker_narrows_consent(
            &id,
            widened,
            Audit::new("caseworker/amina", Action::Consent),
        )
        .await
        .unwrap();
    assert_eq!(
        format!("{outcome:?}"),
        "Widens([SgReportNamed, Statistics])"
    );
    assert_eq!(
        server
            .store
            .consent(&id)
            .await
            .unwrap()
            .unwrap()
            .consent
            .flags(),
        "10000"
    );
    assert_eq!(server.store.consent_changes(&id).await.unwrap().len(), 1);

    // The reporter may give it back.
    let (status, _) = server.change_consent_api(&submission.keys, "10001").await;
    assert_eq!(status, 200);
    assert_eq!(
        server
            .store
            .consent(&id)
            .await
            .unwrap()
            .unwrap()
            .consent
            .flags(),
        "10001"
    );
    server.stop().await;
}
on_both_backends!(caseworkers_narrow_consent_but_never_widen_it);

async fn withdrawal_takes_effect_at_once_for_escalations_and_statistics(backend: Backend) {
    let server = TestServer::start(backend).await;
    let bruno = |args: &[&str]| server.cli("caseworker/bruno", args);
    let form = FormReport::simple("withdraw later")
        .with_mechanism("special_procedures")
        .with_mechanism_consent();
    let submitted = server.submit_form(&form).await;
    let id = submitted.id.clone();
    assert!(bruno(&["case", "login"]).0);
    let (ok, out, err) = bruno(&code_args(&id, &[]));
    assert!(ok, "{out}{err}");
    let counted = |rows: Vec<crate::common::StatsCodeRow>| {
        rows.iter()
            .filter(|r| r.case_id == id)
            .all(|r| r.statistics_consent)
    };
    assert!(counted(server.store.stats_code_rows().await.unwrap()));
    assert!(
        server
            .store
            .statistics_codes()
            .await
            .unwrap()
            .iter()
            .any(|(case, _, _)| case == &id)
    );

    // The reporter withdraws everything but OHCHR.
    let (status, _, _, _) = server
        .change_consent_form(&submitted.codephrase, &["consent_ohchr"])
        .await;
    assert_eq!(status, 200);

    // The caseworker sees the record the server enforces now, beside the report's own.
    let (ok, out, err) = bruno(&["case", "show", &id]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Consent now (the reporter's current record, which the server enforces): ohchr yes, mechanism no"),
        "{out}"
    );
    let at_intake = out
        .lines()
        .find(|l| l.starts_with("Consent at intake (inside the report):"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(at_intake.contains("mechanism yes"), "{at_intake}");

    // The next escalation is refused by the CLI and, for a CLI that skips its check, by the
    // server; nothing is stored.
    let (ok, _, err) = bruno(&["case", "escalate", "--yes", &id, "--to", "sr-defenders"]);
    assert!(!ok);
    assert!(err.contains("current consent does not allow"), "{err}");
    let token = server.login("caseworker", "bruno", "bruno").await;
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/escalations"),
            &token,
            Some(json!({ "to": "sr-defenders", "ciphertext": package_for(&id, "sr-defenders") })),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("receipt page")
    );
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);

    // And the case leaves every release not yet made.
    assert!(!counted(server.store.stats_code_rows().await.unwrap()));
    assert!(
        server
            .store
            .statistics_codes()
            .await
            .unwrap()
            .iter()
            .all(|(case, _, _)| case != &id)
    );
    server.stop().await;
}
on_both_backends!(withdrawal_takes_effect_at_once_for_escalations_and_statistics);

async fn packages_go_only_to_the_reporters_mechanism_and_the_inbox_shows_withdrawal(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let bruno = |args: &[&str]| server.cli("caseworker/bruno", args);
    let form = FormReport::simple("special procedures only")
        .with_mechanism("special_procedures")
        .with_mechanism_consent();
    let submitted = server.submit_form(&form).await;
    let id = submitted.id.clone();
    assert!(bruno(&["case", "login"]).0);
    let (ok, out, err) = bruno(&code_args(&id, &[]));
    assert!(ok, "{out}{err}");

    // The Committee against Torture covers treaty bodies, not special procedures.
    let (ok, _, err) = bruno(&["case", "escalate", "--yes", &id, "--to", "cat-reprisals"]);
    assert!(!ok);
    assert!(
        err.contains("`special_procedures`") && err.contains("cat-reprisals covers treaty_body"),
        "{err}"
    );
    let token = server.login("caseworker", "bruno", "bruno").await;
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/escalations"),
            &token,
            Some(json!({ "to": "cat-reprisals", "ciphertext": package_for(&id, "cat-reprisals") })),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("engaged with, `special_procedures`") && message.contains("treaty_body"),
        "{message}"
    );
    assert_eq!(server.store.count_escalations().await.unwrap(), 0);

    // A reporter who did not answer the mechanism question: no named mechanism can be told.
    let unsaid = server
        .submit_form(&FormReport::simple("no mechanism").with_mechanism_consent())
        .await
        .id;
    let amina_token = server.login("caseworker", "amina", "amina").await;
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{unsaid}/codes"),
            &amina_token,
            Some(json!({ "codes": { "act_nature": ["reprisal"], "reprisal_type": ["travel_ban"], "mechanism": ["upr"], "country": ["UA"] } })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{unsaid}/escalations"),
            &amina_token,
            Some(
                json!({ "to": "sr-defenders", "ciphertext": package_for(&unsaid, "sr-defenders") }),
            ),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not say which UN mechanism"),
        "{body}"
    );

    // The Special Rapporteur on defenders does cover it; the package carries the record.
    let package = server.escalate("caseworker/bruno", &id, "sr-defenders", &[]);
    let rapporteur = |args: &[&str]| server.cli("rapporteur/sr-defenders", args);
    assert!(rapporteur(&["inbox", "login"]).0);
    let (ok, out, err) = rapporteur(&["inbox", "pull", &package, "--show"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Consent when sent:  ohchr yes, mechanism yes"),
        "{out}"
    );
    assert!(out.contains("Consent now:        ohchr yes, mechanism yes"));
    assert!(!out.contains("WITHDREW"), "{out}");

    // The reporter withdraws the named mechanism after sending: the rapporteur is told plainly.
    let (status, _, _, _) = server
        .change_consent_form(
            &submitted.codephrase,
            &["consent_ohchr", "consent_statistics"],
        )
        .await;
    assert_eq!(status, 200);
    let (ok, out, err) = rapporteur(&["inbox", "pull", &package, "--show"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Consent when sent:  ohchr yes, mechanism yes"),
        "the package keeps the record it was built with: {out}"
    );
    assert!(out.contains("Consent now:        ohchr yes, mechanism no"));
    assert!(
        out.contains(
            "WARNING: the reporter WITHDREW consent after this package was sent: mechanism."
        ),
        "{out}"
    );
    let (ok, out, err) = rapporteur(&["inbox", "pull", &package, "--show", "--json"]);
    assert!(ok, "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["consent"]["named_mechanism"], true);
    assert_eq!(shown["current_consent"]["named_mechanism"], false);
    assert_eq!(shown["withdrawn_since_sent"], json!(["named_mechanism"]));
    server.stop().await;
}
on_both_backends!(packages_go_only_to_the_reporters_mechanism_and_the_inbox_shows_withdrawal);

/// One table of names (`Purpose::name`): the pages' boxes and words, the browser code,
/// `safehold submit`, `case code --revoke` and what every command prints all use it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_purposes_have_the_same_names_in_submit_case_code_and_the_pages() {
    let server = TestServer::start(Backend::Sqlite).await;
    let words = Lang::default();
    // The pages: one box per purpose, named from the table and worded from the catalogue.
    let intake = server.get_text("/").await;
    let submitted = server.submit_form(&FormReport::simple("names")).await;
    let (status, receipt, _) = server.receipt_lookup(&submitted.codephrase).await;
    assert_eq!(status, 200);
    let script = std::fs::read_to_string(repo().join("web/src/main.js")).unwrap();
    for purpose in Purpose::ALL {
        let field = purpose.form_field();
        let label = words.t(&purpose.message_id());
        assert!(
            label != purpose.message_id(),
            "{label}: not in the catalogue"
        );
        for page in [&intake, &receipt] {
            assert!(page.contains(&format!("name=\"{field}\"")), "{field}");
            assert!(
                page.contains(&html_escaped(&label, "&#x27;"))
                    || page.contains(&html_escaped(&label, "&#39;")),
                "{label}"
            );
        }
        // The browser's table maps the same box to the stored name.
        assert!(
            script.contains(&format!("[\"{}\", \"{field}\"", purpose.as_str())),
            "web/src/main.js names {field} differently"
        );
    }

    // `submit --help` gives each name with the pages' words; `--consent` takes them.
    let (ok, help, err) = server.cli_anonymous(&["submit", "--help"]);
    assert!(ok, "{err}");
    for purpose in Purpose::ALL {
        let label = words.t(&purpose.message_id());
        let prefix = format!("- {}:", purpose.name());
        assert!(
            help.lines()
                .any(|l| l.trim().starts_with(&prefix) && l.trim().ends_with(&label)),
            "{help}"
        );
    }
    let (ok, out, err) = server.cli_anonymous(&[
        "submit",
        "--server",
        &server.url,
        "--what-happened",
        "names",
        "--consent",
        "sg_named,Mechanism",
        "--consent",
        "sg-anonymous",
    ]);
    assert!(ok, "{out}{err}");
    let id = out
        .split_whitespace()
        .nth(1)
        .expect("Report ID received")
        .to_owned();
    let stored = server.store.consent(&id).await.unwrap().unwrap().consent;
    assert_eq!(
        stored,
        ConsentRecord {
            named_mechanism: true,
            sg_report_named: true,
            sg_report_anonymous: true,
            ..ConsentRecord::default()
        }
    );
    let (ok, _, err) =
        server.cli_anonymous(&["submit", "--server", &server.url, "--consent", "named"]);
    assert!(!ok);
    assert!(
        err.contains("named: not a consent purpose; use one of: ohchr, mechanism, sg_named, sg_anonymous, statistics"),
        "{err}"
    );

    // `case code --revoke` takes the same names, and every command prints them.
    let amina = |args: &[&str]| server.cli("caseworker/amina", args);
    assert!(amina(&["case", "login"]).0);
    let (ok, out, err) = amina(&code_args(&id, &["--revoke", "sg_named"]));
    assert!(ok, "{out}{err}");
    assert!(
        out.contains(
            "The reporter's consent: ohchr no, mechanism yes, sg_named no, sg_anonymous yes, statistics no"
        ),
        "{out}"
    );
    let (ok, out, err) = amina(&["case", "show", &id]);
    assert!(ok, "{err}");
    assert!(
        out.contains("ohchr no, mechanism yes, sg_named no, sg_anonymous yes, statistics no"),
        "{out}"
    );
    let (ok, _, err) = amina(&code_args(&id, &["--revoke", "sg-report"]));
    assert!(!ok && err.contains("use one of: ohchr, mechanism"), "{err}");
    server.stop().await;
}

/// `text` as a page's template writes it, with `apostrophe` for `'`.
fn html_escaped(text: &str, apostrophe: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', apostrophe)
}
