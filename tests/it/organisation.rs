//! Who runs the service (`organisation.toml`): every reporter page names the organisation,
//! says what happens next and after how many days to check back, error pages included; the
//! page that asks "is someone in immediate danger?" says where to turn now; and
//! `/.well-known/security.txt` says where to report a vulnerability. The browser half (with
//! and without JavaScript) is in `browser.rs`.

use std::path::{Path, PathBuf};

use crate::common::{Backend, FormReport, TestServer, element_text, repo};

const DEMO_NAME: &str = "DEMO Defenders&#39; Support Network (not a real organisation)";

/// A page as a browser gets it: (status, HTML).
async fn page(server: &TestServer, method: &str, path: &str) -> (u16, String) {
    let request = match method {
        "GET" => server.client().get(server.endpoint(path)),
        _ => server.client().post(server.endpoint(path)),
    };
    let response = request.header("accept", "text/html").send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Asserts that `html` names the organisation and when to come back, and links to the
/// receipt page from that notice.
fn says_who_and_when(what: &str, html: &str, name: &str, when: &str) {
    let run_by = element_text(html, "organisation-run-by")
        .unwrap_or_else(|| panic!("{what}: no organisation notice in\n{html}"));
    assert_eq!(run_by, format!("This service is run by {name}."), "{what}");
    let next = html
        .split("id=\"organisation-next\"")
        .nth(1)
        .unwrap_or_else(|| panic!("{what}: no next step"));
    let next = &next[..next.find("</p>").unwrap()];
    assert!(next.contains(when), "{what}: {next}");
    assert!(next.contains("href=\"/receipt?lang=en\""), "{what}: {next}");
}

#[tokio::test]
async fn every_reporter_page_names_the_organisation_and_when_to_check_back() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.receipt_per_minute = 2;
    })
    .await;
    let when = "after 3 days";
    for path in ["/", "/receipt", "/no-such-page"] {
        let (_, html) = page(&server, "GET", path).await;
        says_who_and_when(path, &html, DEMO_NAME, when);
    }
    // A form sent without its CSRF token: an error page rendered away from any handler state.
    let (status, html) = page(&server, "POST", "/receipt").await;
    assert!((400..500).contains(&status), "{status}");
    says_who_and_when("refused form", &html, DEMO_NAME, when);

    let submitted = server
        .submit_form(&FormReport::simple("organisation notice"))
        .await;
    says_who_and_when("submitted page", &submitted.page, DEMO_NAME, when);
    // The submitted page says this is no emergency service, and where to turn now.
    let not_emergency = element_text(&submitted.page, "not-emergency").expect("the notice");
    assert!(
        not_emergency.contains("not an emergency service"),
        "{not_emergency}"
    );
    let contacts = submitted
        .page
        .split("id=\"submitted-urgent-contacts\"")
        .nth(1)
        .expect("the contacts");
    assert!(contacts.contains("DEMO emergency line"), "{contacts}");
    let (status, html, _) = server.receipt_lookup(&submitted.codephrase).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"status\""), "{html}");
    says_who_and_when("status page", &html, DEMO_NAME, when);
    // Over the codephrase limit: the rate-limit page, answered by a layer before any handler.
    let (status, html, _) = server.receipt_lookup(&submitted.codephrase).await;
    assert_eq!(status, 429, "{html}");
    says_who_and_when("rate-limit page", &html, DEMO_NAME, when);
    server.stop().await;
}

#[tokio::test]
async fn the_page_that_asks_about_immediate_danger_says_where_to_turn_now() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (_, html) = page(&server, "GET", "/").await;
    let question = html
        .find("name=\"immediate_danger\"")
        .expect("the question");
    let contacts = html.find("id=\"urgent-contacts\"").expect("the contacts");
    let next_fieldset = html[question..].find("<legend>").map(|i| question + i);
    assert!(
        question < contacts && next_fieldset.is_none_or(|next| contacts < next),
        "the contacts follow the question, in the same part of the form"
    );
    let block = &html[contacts..contacts + html[contacts..].find("</div>").unwrap()];
    let first = block
        .find("DEMO emergency line (not real: a real deployment lists its own)")
        .expect("the first contact");
    let second = block
        .find("DEMO protection desk (not real)")
        .expect("the second contact");
    assert!(first < second, "in the policy's order: {block}");
    assert!(block.contains("protection@demo.example.org"), "{block}");
    // Only the page that asks shows them.
    let (_, receipt) = page(&server, "GET", "/receipt").await;
    assert!(!receipt.contains("urgent-contacts"));
    server.stop().await;
}

/// A copy of the DEMO policy with `organisation` as its `organisation.toml`.
fn policy_with(dir: &Path, organisation: &str) -> PathBuf {
    let policy = dir.join("policy");
    std::fs::create_dir_all(&policy).unwrap();
    for file in [
        "routing.toml",
        "alerts.toml",
        "escalation.toml",
        "DEMO-webhook-secret",
    ] {
        std::fs::copy(repo().join("policy/DEMO").join(file), policy.join(file)).unwrap();
    }
    std::fs::write(policy.join("organisation.toml"), organisation).unwrap();
    policy
}

const OWN: &str = r#"
name = "Réseau <Défense> & Cie"
check_back_days = 1

[[urgent_contact]]
name = "Ligne d'urgence <24h>"
how = "+41 22 000 00 00"

[security]
contact = ["mailto:security@reseau.example.org", "https://reseau.example.org/securite"]
expires = "2031-06-30T12:00:00+02:00"
preferred_languages = ["fr", "en"]
"#;

#[tokio::test]
async fn the_operator_s_own_file_is_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let policy = policy_with(dir.path(), OWN);
    let server = TestServer::start_with(Backend::Sqlite, |c| c.policy = policy).await;
    let (_, html) = page(&server, "GET", "/").await;
    says_who_and_when(
        "intake",
        &html,
        "Réseau &#60;Défense&#62; &#38; Cie",
        "after one day",
    );
    assert!(!html.contains("<Défense>"), "escaped, never markup");
    assert!(html.contains("Ligne d&#39;urgence &#60;24h&#62;"), "{html}");
    assert!(!html.contains("DEMO emergency line"));
    server.stop().await;
}

#[tokio::test]
async fn security_txt_gives_the_operator_s_reporting_channel() {
    let dir = tempfile::tempdir().unwrap();
    let policy = policy_with(dir.path(), OWN);
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.policy = policy;
        c.public_url = Some("https://reseau.example.org/".to_owned());
    })
    .await;
    let response = server
        .client()
        .get(server.endpoint("/.well-known/security.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let fields: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        fields,
        [
            "Contact: mailto:security@reseau.example.org",
            "Contact: https://reseau.example.org/securite",
            "Expires: 2031-06-30T10:00:00Z",
            "Preferred-Languages: fr, en",
            "Canonical: https://reseau.example.org/.well-known/security.txt",
        ],
        "{text}"
    );
    server.stop().await;

    // The demo: demonstration values, and no Canonical without a public address.
    let server = TestServer::start(Backend::Sqlite).await;
    let text = server.get_text("/.well-known/security.txt").await;
    assert!(
        text.contains("Contact: mailto:security@demo.example.org\n"),
        "{text}"
    );
    assert!(text.contains("Expires: 2030-12-31T23:59:59Z\n"), "{text}");
    assert!(text.contains("Preferred-Languages: en, fr, es\n"), "{text}");
    assert!(!text.contains("Canonical:"), "{text}");
    server.stop().await;
}
