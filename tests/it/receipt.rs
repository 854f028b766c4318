//! The codephrase receipt without JavaScript.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::common::{
    Backend, Codephrase, FormReport, ReceiptKeys, TestServer, code_args, element_text,
    hidden_value, on_both_backends,
};

async fn lookup(server: &TestServer, codephrase: &str) -> (u16, String) {
    let (status, page, _) = server.receipt_lookup(codephrase).await;
    (status, page)
}

async fn the_codephrase_opens_the_report_status(backend: Backend) {
    let server = TestServer::start(backend).await;
    let submitted = server
        .submit_form(&FormReport::simple("receipt test"))
        .await;
    let (id, codephrase) = (submitted.id, submitted.codephrase);

    // Spacing and case do not matter.
    let sloppy = format!("  {}  ", codephrase.to_uppercase().replace(' ', "   "));
    let (status, page) = lookup(&server, &sloppy).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        element_text(&page, "report-id").as_deref(),
        Some(id.as_str())
    );
    assert!(
        element_text(&page, "status")
            .unwrap()
            .starts_with("Received")
    );
    server.stop().await;
}
on_both_backends!(the_codephrase_opens_the_report_status);

async fn a_wrong_codephrase_looks_exactly_like_an_unknown_one(backend: Backend) {
    let server = TestServer::start(backend).await;
    let real = server
        .submit_form(&FormReport::simple("receipt test"))
        .await
        .codephrase;
    // One word changed: "wrong" for this report.
    let mut words: Vec<String> = real.split(' ').map(str::to_owned).collect();
    words[0] = if words[0] == "abacus" {
        "abdomen".into()
    } else {
        "abacus".into()
    };
    let wrong = words.join(" ");
    let unknown = Codephrase::generate();

    let (wrong_status, wrong_page) = lookup(&server, &wrong).await;
    let (unknown_status, unknown_page) = lookup(&server, unknown.expose()).await;
    assert_eq!(wrong_status, 404);
    assert_eq!(wrong_status, unknown_status);
    // The form comes back with the words as typed, so one wrong word is corrected in place.
    assert!(
        wrong_page.contains(&format!("value=\"{wrong}\"")),
        "{wrong_page}"
    );
    assert!(
        element_text(&wrong_page, "codephrase-error")
            .is_some_and(|m| m.contains("No report matches")),
        "{wrong_page}"
    );
    // The same body for both, but for the words typed and the form's fresh CSRF token.
    let blank = |page: &str, typed: &str| {
        let token = hidden_value(page, "authenticity_token").unwrap();
        page.replace(typed, "").replace(&token, "")
    };
    assert_eq!(
        blank(&wrong_page, &wrong),
        blank(&unknown_page, unknown.expose()),
        "same body for wrong and unknown"
    );
    server.stop().await;
}
on_both_backends!(a_wrong_codephrase_looks_exactly_like_an_unknown_one);

#[tokio::test]
async fn a_malformed_codephrase_is_explained_next_to_the_field() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (status, page) = lookup(&server, "only three words").await;
    assert_eq!(status, 422);
    assert!(
        page.contains("value=\"only three words\""),
        "the words stay: {page}"
    );
    assert!(
        page.contains("A codephrase has 8 words, but you entered 3"),
        "{page}"
    );
    let message = element_text(&page, "codephrase-error").expect("error next to the field");
    assert!(!message.is_empty());
    assert!(page.contains("aria-describedby=\"codephrase-help codephrase-error\""));
    server.stop().await;
}

/// The reporter sees what happens to the case in words: received, being assessed, referred to
/// a UN mechanism with their consent (once a package went out), closed; with and without
/// JavaScript, naming no caseworker and no assessment outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reporter_sees_the_case_move_in_words() {
    // Many look-ups in a minute, more than one reporter's quota.
    let server =
        TestServer::start_with(Backend::Sqlite, |c| c.rate_limits.receipt_per_minute = 0).await;
    let report = FormReport::simple("follow my case")
        .with_mechanism("special_procedures")
        .with_mechanism_consent();
    let submitted = server.submit_form(&report).await;
    let id = submitted.id.clone();
    let keys = ReceiptKeys::derive(&Codephrase::parse(&submitted.codephrase).unwrap()).unwrap();
    let told = || async {
        let (_, page, _) = server.receipt_lookup(&submitted.codephrase).await;
        let api: serde_json::Value = server
            .client()
            .post(server.endpoint("/api/v1/receipt"))
            .json(&serde_json::json!({ "receipt_verifier": STANDARD.encode(keys.lookup_key()) }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(!page.contains("bruno"), "no caseworker is named: {page}");
        (
            element_text(&page, "status").unwrap(),
            api["status"].as_str().unwrap().to_owned(),
        )
    };
    let bruno = |args: &[&str]| server.cli("caseworker/bruno", args);
    assert_eq!(
        told().await,
        (
            "Received: it waits for a caseworker.".into(),
            "received".into()
        )
    );
    assert!(bruno(&["case", "login"]).0);
    // A caseworker who has answered has the report in hand: no longer "waits".
    let (ok, out, err) = server.cli_with_input(
        "caseworker/bruno",
        &["case", "reply", &id, "--yes"],
        "We have your report.",
    );
    assert!(ok, "{out}{err}");
    assert_eq!(
        told().await,
        (
            "Being assessed by the caseworkers.".into(),
            "under_assessment".into()
        )
    );
    for status in ["under_assessment", "credible"] {
        let (ok, out, err) = bruno(&["case", "status", &id, status]);
        assert!(ok, "{out}{err}");
        // The outcome of the assessment is the caseworkers' working state.
        assert_eq!(
            told().await,
            (
                "Being assessed by the caseworkers.".into(),
                "under_assessment".into()
            )
        );
    }
    let (ok, out, err) = bruno(&code_args(&id, &[]));
    assert!(ok, "{out}{err}");
    let (ok, out, err) = bruno(&["case", "escalate", "--yes", &id, "--to", "sr-defenders"]);
    assert!(ok, "{out}{err}");
    assert_eq!(
        told().await,
        (
            "Referred to a UN mechanism, with your consent.".into(),
            "referred".into()
        )
    );
    let (ok, out, err) = bruno(&["case", "close", &id]);
    assert!(ok, "{out}{err}");
    assert_eq!(told().await, ("Closed.".into(), "closed".into()));
    server.stop().await;
}

/// From the intake page there is a way to an earlier report: a link to the receipt page.
#[tokio::test]
async fn the_intake_page_leads_to_the_receipt_page() {
    let server = TestServer::start(Backend::Sqlite).await;
    let page = server.get_text("/").await;
    assert!(
        page.contains("<p id=\"check-report\"><a href=\"/receipt?lang=en\">"),
        "{page}"
    );
    server.stop().await;
}
