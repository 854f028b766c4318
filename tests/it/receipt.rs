//! The codephrase receipt without JavaScript.

use crate::common::{Backend, Codephrase, FormReport, TestServer, element_text, on_both_backends};

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
    assert_eq!(wrong_page, unknown_page, "same body for wrong and unknown");
    server.stop().await;
}
on_both_backends!(a_wrong_codephrase_looks_exactly_like_an_unknown_one);

#[tokio::test]
async fn a_malformed_codephrase_is_explained_next_to_the_field() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (status, page) = lookup(&server, "only three words").await;
    assert_eq!(status, 422);
    let message = element_text(&page, "codephrase-error").expect("error next to the field");
    assert!(!message.is_empty());
    assert!(page.contains("aria-describedby=\"codephrase-help codephrase-error\""));
    server.stop().await;
}
