//! The accessibility gate, in the real Chromium: axe-core (pinned in web/package.json) over
//! every reporter page (the form, the form with an error shown, the error pages, submitted,
//! receipt form with its error summary, status) and every statistics page, in every language
//! of `locales/`, with JavaScript on and off; any violation of any impact fails. The same run
//! completes the report form with the keyboard alone (focus visible at every stop), checks
//! that no page scrolls sideways at 320 CSS px, that each page is in its language and
//! direction, says so in `Content-Language`, and that the selector reaches every language.
//! Screenshots of every page, phone and desktop, per language, land in
//! `$CARGO_TARGET_DIR/tmp/browser-screenshots/languages/<tag>/`.
//!
//! One server and one browser for the whole matrix, so that it stays a test of minutes.

use serde_json::{Value, json};

use safehold::i18n::Lang;
use safehold::policy::statistics::StatisticsPolicy;
use safehold::stats::OsRandom;
use safehold::stats::publish::release_period_with;

use crate::common::{
    Backend, CodedCase, StoredCode, TestServer, browser_ready, drive_script, insert_coded_case,
    screenshots,
};

/// The body limit of the gate's server: small, so a file a little over it shows the form's
/// error states quickly.
const MAX_BODY: usize = 256 * 1024;

/// The pages visited in each language and mode (with JavaScript the form's error is the
/// summary on the form; without, the server's error page).
fn expected_pages(js: bool, releases: &[&str]) -> Vec<String> {
    let mut pages: Vec<String> = [
        "intake",
        if js {
            "intake-error"
        } else {
            "intake-too-large"
        },
        "submitted",
        "receipt",
        "receipt-error",
        "status",
        "not-found",
        "stats",
        "stats-about",
    ]
    .map(String::from)
    .to_vec();
    pages.extend(releases.iter().map(|id| format!("stats-{id}")));
    pages.push("stats-not-found".into());
    pages
}

/// Two statistics releases, one with noise and one without, so that both kinds of page and
/// their explanations are checked.
async fn publish_releases(server: &TestServer) -> Vec<&'static str> {
    for country in ["BY", "RU", "LK"] {
        for _ in 0..12 {
            let case = CodedCase {
                route: "general",
                status: "credible",
                codes: vec![
                    CodedCase::code("country", country),
                    CodedCase::code("reprisal_type", "travel_ban"),
                    CodedCase::code("mechanism", "upr"),
                    CodedCase::code("incident_date", "2024-07"),
                    CodedCase::code("incident_date_precision", "month"),
                    StoredCode {
                        field: "victim_gender".into(),
                        code: "woman".into(),
                        restricted: true,
                    },
                ],
                statistics: true,
                coder: "caseworker/ana",
            };
            insert_coded_case(&server.store, case).await;
        }
    }
    let policy = StatisticsPolicy::builtin().unwrap();
    let plain = policy.parse_period("2024-05-01..2025-04-30").unwrap();
    let noisy = policy.parse_period("2023-05-01..2024-04-30").unwrap();
    release_period_with(&server.store, &policy, &plain, None, "2026-05-02")
        .await
        .unwrap();
    release_period_with(
        &server.store,
        &policy,
        &noisy,
        Some(&mut OsRandom),
        "2026-05-02",
    )
    .await
    .unwrap();
    vec!["2024-05-01_2025-04-30", "2023-05-01_2024-04-30"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn every_page_in_every_language_passes_axe_with_and_without_javascript() {
    if !browser_ready() {
        return;
    }
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.max_body_bytes = MAX_BODY;
        // Every language and mode sends a report and looks one up from 127.0.0.1.
        c.rate_limits.form_per_minute = 1000;
        c.rate_limits.api_per_minute = 1000;
        c.rate_limits.receipt_per_minute = 1000;
        c.rate_limits.global_per_second = 1000;
    })
    .await;
    let releases = publish_releases(&server).await;
    let files = tempfile::tempdir().unwrap();
    let big = files.path().join("too-big.bin");
    std::fs::write(&big, vec![7u8; MAX_BODY + 64 * 1024]).unwrap();
    let languages: Vec<Value> = Lang::choices()
        .iter()
        .map(|c| json!({ "tag": c.tag, "dir": c.dir }))
        .collect();
    let result = drive_script(
        "a11y.mjs",
        json!({
            "url": server.url,
            "languages": languages,
            "releases": releases,
            "bigFile": big,
            "screenshots": screenshots().join("languages"),
        }),
    )
    .await;

    let mut problems = Vec::new();
    let pages = result["pages"].as_array().unwrap();
    let took = |key: &str| pages.iter().map(|p| p[key].as_u64().unwrap()).sum::<u64>();
    eprintln!(
        "accessibility gate: {} pages, checks {} ms (axe {} ms)",
        pages.len(),
        took("ms"),
        took("axeMs")
    );
    for choice in Lang::choices() {
        for js in [true, false] {
            let visited: Vec<&str> = pages
                .iter()
                .filter(|p| p["tag"] == choice.tag && p["js"] == js)
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(
                visited,
                expected_pages(js, &releases),
                "{} js {js}",
                choice.tag
            );
        }
    }
    for page in pages {
        let at = format!("{} {} js {}", page["tag"], page["name"], page["js"]);
        let tag = page["tag"].as_str().unwrap();
        let dir = Lang::negotiate(Some(tag), None).dir();
        if page["violations"] != json!([]) {
            problems.push(format!("{at}: axe: {:#}", page["violations"]));
        }
        if page["lang"] != tag || page["dir"] != dir {
            problems.push(format!(
                "{at}: <html lang={} dir={}>",
                page["lang"], page["dir"]
            ));
        }
        if page["contentLanguage"] != tag {
            problems.push(format!(
                "{at}: Content-Language {}",
                page["contentLanguage"]
            ));
        }
        if page["unknownMessage"] == true {
            problems.push(format!("{at}: shows an unknown message id"));
        }
        if page["overflow"].as_i64().unwrap() > 0 {
            problems.push(format!(
                "{at}: scrolls sideways at 320 CSS px by {} px",
                page["overflow"]
            ));
        }
    }

    // The keyboard alone completes and sends the form; focus shows at every stop, with a
    // contrast of at least 3:1 against the page (WCAG 2.4.7, 1.4.11).
    for run in result["keyboard"].as_array().unwrap() {
        let at = format!("keyboard {} js {}", run["tag"], run["js"]);
        assert_eq!(run["sent"], true, "{at}: {run:#}");
        assert_eq!(run["codephrase"], 8, "{at}: the receipt was shown");
        let stops = run["stops"].as_array().unwrap();
        for id in [
            "what_happened",
            "when",
            "consent_statistics",
            "lang",
            "mechanism",
        ] {
            if !stops.iter().any(|s| s["id"] == id) {
                problems.push(format!("{at}: #{id} never had focus"));
            }
        }
        for stop in stops {
            let visible = stop["outlineStyle"] != "none"
                && stop["outlineWidth"].as_f64().unwrap() >= 2.0
                && stop["contrast"].as_f64().unwrap() >= 3.0
                && stop["inView"] == true;
            if !visible {
                problems.push(format!("{at}: focus not visible on {stop}"));
            }
        }
    }

    // The error summary: at the top of the form, focused, linking to the field, which is
    // marked invalid and described by the message beside it.
    for summary in result["receiptSummary"].as_array().unwrap() {
        let at = format!("receipt summary {} js {}", summary["tag"], summary["js"]);
        assert_eq!(summary["links"], json!(["#codephrase"]), "{at}");
        assert_eq!(summary["invalid"], "true", "{at}");
        assert_eq!(summary["focused"], "error-summary", "{at}");
        assert!(
            summary["describedBy"]
                .as_str()
                .unwrap()
                .contains("codephrase-error"),
            "{at}: {summary}"
        );
    }
    let intake = &result["intakeSummary"];
    assert_eq!(intake["links"], json!(["#attachments"]), "{intake}");
    assert_eq!(intake["invalid"], "true", "{intake}");
    assert_eq!(intake["focused"], "error-summary", "{intake}");

    // The selector, without JavaScript: each language under its own name, and the page it
    // leads to is in that language and sends its form in it.
    for (choice, chosen) in Lang::choices()
        .iter()
        .zip(result["selector"].as_array().unwrap())
    {
        assert_eq!(chosen["tag"], choice.tag.as_str());
        assert_eq!(chosen["name"], choice.name.as_str());
        assert_eq!(chosen["lang"], choice.tag.as_str(), "{chosen}");
        assert_eq!(
            chosen["formAction"],
            format!("/report?lang={}", choice.tag),
            "{chosen}"
        );
    }

    // The only console errors allowed are the refusals the pages were sent on purpose (the
    // oversize files, the missing page, the short codephrase).
    let unexpected: Vec<&Value> = result["consoleErrors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            !e.as_str()
                .unwrap()
                .contains("Failed to load resource: the server responded with a status of 4")
        })
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    server.stop().await;
}

/// Lighthouse (npm, pinned; 12.x, the last line that supports Debian's Node 20) against the
/// Debian Chromium, offline: the intake page's accessibility score is 100, in English and in
/// every right-to-left language there is a catalogue for. It runs axe-core too, with its own
/// weights, so this mostly guards the gate above; it takes about 15 s a page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn lighthouse_scores_the_intake_page_100_for_accessibility() {
    if !browser_ready() {
        return;
    }
    let cli = crate::common::repo().join("web/node_modules/lighthouse/cli/index.js");
    assert!(cli.exists(), "lighthouse is pinned in web/package.json");
    let server = TestServer::start(Backend::Sqlite).await;
    let languages = Lang::choices()
        .into_iter()
        .filter(|c| c.tag == "en" || c.dir == "rtl");
    for choice in languages {
        let url = format!("{}/?lang={}", server.url, choice.tag);
        let output = tokio::process::Command::new("node")
            .arg(&cli)
            .arg(&url)
            .args([
                "--only-categories=accessibility",
                "--chrome-path=/usr/bin/chromium",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                "--output=json",
                "--output-path=stdout",
                "--quiet",
            ])
            .output()
            .await
            .expect("node runs");
        assert!(
            output.status.success(),
            "lighthouse failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: Value = serde_json::from_slice(&output.stdout).expect("lighthouse JSON");
        let failing: Vec<String> = report["audits"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, audit)| audit["score"] == 0)
            .map(|(id, audit)| format!("{id}: {}", audit["title"]))
            .collect();
        assert_eq!(
            report["categories"]["accessibility"]["score"], 1.0,
            "{url}: {failing:#?}"
        );
    }
    server.stop().await;
}
