//! The reporter pages in real headless Chromium (Debian's), driven by playwright-core:
//! with JavaScript the report is encrypted in the browser; without it the server path works;
//! no request leaves for another origin; tampering is caught. `.ci/run` installs Chromium and
//! the npm packages and sets SAFEHOLD_REQUIRE_BROWSER=1, so there these tests cannot skip.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::{
    AlertEvent, AlertKind, Attachment, Author, Backend, Channel, FOLLOWUP_FORMAT, Message,
    MessageOutcome, NewMessage, TestServer, ThreadKey, browser_ready, drive_script, marker,
    open_as, open_report, random_bytes, recipient_slots, screenshots, seal, x25519_stanzas,
};

async fn drive(spec: Value) -> Value {
    drive_script("drive.mjs", spec).await
}

/// A JPEG whose Exif says where it was taken (GPS latitude 46° N).
fn jpeg_with_gps() -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    // IFD0: one entry, the GPS IFD pointer (tag 0x8825, LONG).
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&26u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD at 26: GPSLatitudeRef "N", GPSLatitude 46/1 0/1 0/1 at offset 56.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[2, 0, 5, 0, 3, 0, 0, 0]);
    tiff.extend_from_slice(&56u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (num, den) in [(46u32, 1u32), (0, 1), (0, 1)] {
        tiff.extend_from_slice(&num.to_le_bytes());
        tiff.extend_from_slice(&den.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe1];
    jpeg.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    jpeg.extend_from_slice(&app1);
    jpeg.extend_from_slice(&[0xff, 0xda, 0x00, 0x04, 0x01, 0x02, 0x33, 0x44, 0xff, 0xd9]);
    jpeg
}

fn gps_latitude(jpeg: &[u8]) -> Option<String> {
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(jpeg))
        .ok()?;
    exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .map(|f| f.display_value().to_string())
}

async fn story(js: bool) {
    if !browser_ready() {
        return;
    }
    let server = TestServer::start(Backend::Sqlite).await;
    let files = tempfile::tempdir().unwrap();
    let statement: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let photo = jpeg_with_gps();
    assert!(gps_latitude(&photo).is_some(), "the test photo carries GPS");
    std::fs::write(files.path().join("statement.bin"), &statement).unwrap();
    std::fs::write(files.path().join("photo.jpg"), &photo).unwrap();
    let canary = marker("browser");
    let result = drive(json!({
        "url": server.url,
        "scenario": "story",
        "js": js,
        "marker": canary,
        "files": [files.path().join("statement.bin"), files.path().join("photo.jpg")],
        "screenshots": screenshots(),
    }))
    .await;

    assert_eq!(
        result["foreignRequests"],
        json!([]),
        "no request to another origin"
    );
    assert!(
        result["tabsToReport"].as_u64().unwrap() > 0,
        "the form was filled from the keyboard"
    );
    assert_eq!(result["consoleErrors"], json!([]), "no script errors");
    // Who runs the service, where to turn in danger, and when to come back: from the policy,
    // before and after sending.
    let urgent = result["urgentText"].as_str().unwrap();
    assert!(urgent.contains("DEMO emergency line"), "{urgent}");
    let organisation = result["organisationText"].as_str().unwrap();
    assert!(
        organisation.contains("This service is run by DEMO Defenders' Support Network")
            && organisation.contains("after 3 days"),
        "{organisation}"
    );
    let id = result["reportId"].as_str().unwrap();
    // Not an emergency service, and where to turn now, on the submitted page in both modes.
    assert!(
        result["notEmergency"]
            .as_str()
            .is_some_and(|t| t.contains("not an emergency service")),
        "{result}"
    );
    assert!(
        result["urgentContacts"]
            .as_str()
            .is_some_and(|t| t.contains("DEMO emergency line")),
        "{result}"
    );
    assert!(
        result["receiptLink"]
            .as_str()
            .is_some_and(|href| href.starts_with("/receipt")),
        "the submitted page leads to the receipt page: {result}"
    );
    let report = open_report(&server, id, "amina")
        .await
        .expect("the demo caseworker decrypts it");
    assert_eq!(
        report.fields.what_happened,
        format!("{canary}\nThey took my passport.")
    );
    assert_eq!(report.fields.when, "early March 2026");
    assert_eq!(report.fields.location, "Geneva");
    assert!(report.consent.statistics && !report.consent.ohchr_reprisals_team);
    // The server holds the same record as the envelope, from the boxes or from the flags the
    // page sent beside the ciphertext.
    let record = server.store.consent(id).await.unwrap().unwrap();
    assert_eq!(record.consent, report.consent);
    assert_eq!(report.routing.immediate_danger, Some(false));
    assert_eq!(report.attachments.len(), 2);
    assert_eq!(report.attachments[0].name, "statement.bin");
    assert_eq!(report.attachments[0].data, statement);
    let stored_photo = &report.attachments[1];
    assert_eq!(stored_photo.name, "photo.jpg");
    assert_eq!(stored_photo.media_type, "image/jpeg");
    if js {
        // The bundle arrived compressed (Chromium asks for gzip and Brotli) under its hashed
        // name, and its integrity check passed on the decoded file: the page encrypted.
        let bundle = &result["bundle"];
        assert!(
            bundle["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/static/safehold-bundle.") && p.len() == 43),
            "{bundle}"
        );
        assert!(
            ["br", "gzip"].contains(&bundle["encoding"].as_str().unwrap_or("")),
            "{bundle}"
        );
        assert_eq!(report.channel, Channel::Browser);
        assert_eq!(
            result["markerOnWire"],
            json!(false),
            "only ciphertext left the browser"
        );
        let inspected = result["inspectedBodies"].as_array().unwrap();
        let submission = inspected
            .iter()
            .filter_map(|b| b.as_str().unwrap().strip_prefix("POST /api/v1/reports "))
            .next()
            .unwrap_or_else(|| panic!("the submission's body was inspected: {inspected:?}"));
        let length: usize = submission.parse().unwrap();
        assert_eq!(
            safehold::padding::padded_len(length),
            length,
            "the whole request body is padded to a bucket"
        );
        let stored = server.store.report(id).await.unwrap().unwrap();
        assert_eq!(
            x25519_stanzas(&stored.ciphertext),
            recipient_slots(&server.routes().await),
            "the browser adds decoys up to the largest route"
        );
        assert!(
            result["modeText"]
                .as_str()
                .unwrap()
                .contains("encrypted in this browser")
        );
        assert!(
            stored_photo.metadata_stripped,
            "the envelope notes the stripping"
        );
        assert_eq!(
            gps_latitude(&stored_photo.data),
            None,
            "GPS removed before encryption"
        );
        assert!(
            result["requests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "POST /api/v1/reports")
        );
        assert!(
            !result["requests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "POST /report")
        );
    } else {
        assert_eq!(report.channel, Channel::Server);
        assert!(result["submittedMode"].as_str().unwrap().contains("memory"));
        assert!(!stored_photo.metadata_stripped);
        assert_eq!(
            stored_photo.data, photo,
            "the server path stores files as sent"
        );
    }

    // A caseworker replies (encrypted with the age crate to the reporter and the route), and
    // the reporter reads it with the codephrase, then adds information.
    // The reporter's recipient and thread key come from the report itself.
    let token = server.login("caseworker", "amina", "amina").await;
    let reply_text = format!("We have your report {id}. Stay safe.");
    let (_, case) = server.get_as(&format!("/api/v1/cases/{id}"), &token).await;
    let reporter: age::x25519::Recipient = report.reply_to.recipient.parse().unwrap();
    let thread_key = ThreadKey::from_base64(&report.reply_to.thread_key).unwrap();
    let mut recipients = vec![reporter.clone()];
    for r in case["route_recipients"].as_array().unwrap() {
        recipients.push(r.as_str().unwrap().parse().unwrap());
    }
    // With a file, which the page offers for download, with JavaScript and without.
    let mut reply_message = Message::reply("en", reply_text.clone());
    reply_message.attachments = vec![Attachment::new(
        "relocation form.pdf",
        "application/pdf",
        b"%PDF relocation form".to_vec(),
        false,
    )];
    let plaintext = reply_message.to_padded_plaintext().unwrap();
    let slots = recipient_slots(&server.routes().await) + 1;
    let ciphertext = seal::encrypt_in_slots(&plaintext, &recipients, slots).unwrap();
    let amina = Author::Caseworker("amina".into());
    let body = json!({
        "ciphertext": STANDARD.encode(&ciphertext),
        "seq": 1,
        "thread_mac": STANDARD.encode(thread_key.tag(&amina, 1, &ciphertext)),
    });
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/replies"),
            &token,
            Some(body),
        )
        .await;
    assert_eq!(status, 201);
    // Whoever holds the server's database adds a "reply" (encrypted to the reporter, as the
    // strongest such attacker could): without the thread key its MAC cannot verify.
    let forged_text = format!("{canary} FORGED: come to the ministry annex on Monday");
    let forged = seal::encrypt(
        &Message::reply("en", forged_text.clone())
            .to_padded_plaintext()
            .unwrap(),
        &[reporter],
    )
    .unwrap();
    let alert = AlertEvent {
        kind: AlertKind::Reply,
        route: "general",
        targets: &[],
    };
    // It also removes a message (position 2), which the page must point out.
    for (seq, ciphertext) in [(2, &b"to be removed"[..]), (3, &forged[..])] {
        let outcome = server
            .store
            .add_message(
                id,
                NewMessage {
                    author: &amina,
                    seq,
                    ciphertext,
                    thread_mac: &random_bytes::<32>(),
                },
                alert,
            )
            .await
            .unwrap();
        assert!(matches!(outcome, MessageOutcome::Added(_)));
    }
    server.sql("DELETE FROM messages WHERE seq = 2").await;
    let followup = format!("{canary} follow-up: they called again");
    let back = drive(json!({
        "url": server.url, "scenario": "receipt", "js": js, "marker": canary,
        "codephrase": result["codephrase"], "expectReply": reply_text, "followup": followup,
        "screenshots": screenshots(),
    }))
    .await;
    assert_eq!(back["foreignRequests"], json!([]));
    assert_eq!(back["consoleErrors"], json!([]));
    let thread_text = back["threadText"].as_str().unwrap();
    assert!(thread_text.contains(&reply_text), "{thread_text}");
    // With JavaScript the page builds the link; without, the server put the file in the page.
    assert_eq!(back["replyFileName"], "relocation form.pdf", "{back}");
    assert_eq!(
        back["replyFileBytes"],
        STANDARD.encode(b"%PDF relocation form"),
        "the link downloads the file's bytes: {back}"
    );
    assert!(
        !thread_text.contains("FORGED"),
        "a reply whose MAC fails is never shown as words: {thread_text}"
    );
    assert!(
        thread_text.contains("not written by the caseworkers"),
        "the forged reply is shown as a warning: {thread_text}"
    );
    assert!(
        thread_text.contains("messages are missing here (how many: 1)"),
        "the removed message is pointed out: {thread_text}"
    );
    // A caseworker has replied: the report no longer "waits for a caseworker".
    assert!(
        back["statusText"]
            .as_str()
            .unwrap()
            .starts_with("Being assessed"),
        "{}",
        back["statusText"]
    );
    if js {
        assert_eq!(
            back["markerOnWire"],
            json!(false),
            "the follow-up left the browser encrypted"
        );
        let requests = back["requests"].as_array().unwrap();
        assert!(
            requests
                .iter()
                .any(|r| r == "POST /api/v1/receipt/followups"),
            "{requests:?}"
        );
        assert!(
            !requests.iter().any(|r| r == "POST /receipt"),
            "the codephrase never left the browser"
        );
    }
    if !js {
        assert_eq!(back["replayStatus"], 409, "the form is good once: {back}");
        assert!(
            back["replayText"]
                .as_str()
                .unwrap()
                .contains("already sent once")
        );
    }
    // The receipt page showed the record, and the reporter changed it there.
    assert_eq!(
        back["consentShown"],
        json!({ "ohchr_reprisals_team": false, "statistics": true })
    );
    assert!(
        back["consentText"]
            .as_str()
            .unwrap()
            .contains("used only as you chose"),
        "{back}"
    );
    let record = server.store.consent(id).await.unwrap().unwrap();
    assert!(record.consent.ohchr_reprisals_team && !record.consent.statistics);
    let changes = server.store.consent_changes(id).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].changed_by, "reporter");
    let requests = back["requests"].as_array().unwrap();
    let by_api = requests.iter().any(|r| r == "POST /api/v1/receipt/consent");
    let by_form = requests.iter().any(|r| r == "POST /receipt/consent");
    assert_eq!((by_api, by_form), (js, !js), "{requests:?}");
    let messages = server.store.messages(id).await.unwrap();
    assert_eq!(messages.len(), 3);
    // The follow-up carries the reporter's thread MAC, made in the browser or, without
    // JavaScript, from the key sealed into the receipt page.
    assert!(thread_key.verifies(
        &Author::Reporter,
        4,
        &messages[2].ciphertext,
        messages[2].thread_mac.as_deref()
    ));
    let opened = open_as(&messages[2].ciphertext, "amina").unwrap();
    let message = Message::from_plaintext(&opened, FOLLOWUP_FORMAT).unwrap();
    assert_eq!(message.text, followup);
    server.stop().await;
}

/// On a phone, every control and label a finger may have to hit is at least 44 px tall (the
/// browser's own checkboxes and radio buttons are 13 px), on every reporter page, with and
/// without JavaScript; at 1280 px the language selector stays on one line; and every page
/// names the organisation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn every_control_is_a_44_px_target_on_a_phone_and_the_language_selector_fits_at_1280() {
    if !browser_ready() {
        return;
    }
    let server = TestServer::start(Backend::Sqlite).await;
    let report = server
        .submit_form(&crate::common::FormReport::simple("layout"))
        .await;
    for js in [false, true] {
        let result = drive(json!({
            "url": server.url, "scenario": "layout", "js": js,
            "codephrase": report.codephrase, "screenshots": screenshots(),
        }))
        .await;
        assert_eq!(result["consoleErrors"], json!([]), "{result}");
        let targets = result["targets"].as_array().unwrap();
        let pages: std::collections::BTreeSet<&str> = targets
            .iter()
            .map(|t| t["where"].as_str().unwrap())
            .collect();
        assert_eq!(
            pages.into_iter().collect::<Vec<_>>(),
            ["/", "/no-such-page", "/receipt", "status"],
            "js {js}"
        );
        for kind in [
            "input[checkbox]",
            "input[radio]",
            "input[text]",
            "input[file]",
            "select",
            "button",
            "label",
            "textarea",
        ] {
            assert!(
                targets
                    .iter()
                    .any(|t| t["what"].as_str().unwrap().starts_with(kind)),
                "js {js}: no {kind} measured"
            );
        }
        assert_eq!(
            result["languageButtonLines"], 1,
            "js {js}: \"Change language\" on one line at 1280 px"
        );
        let row: Vec<i64> = result["languageRow"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert!(
            row.len() == 3 && row.iter().all(|y| (y - row[0]).abs() <= 2),
            "js {js}: label, menu and button in one row: {row:?}"
        );
        // The metadata choice is shown only when the script can strip (a hidden control is
        // no target, whatever the stylesheet's display rules).
        assert_eq!(
            targets
                .iter()
                .any(|t| t["what"] == "input[checkbox]#strip_metadata"),
            js,
            "js {js}"
        );
        let small: Vec<&Value> = targets
            .iter()
            .filter(|t| t["height"].as_f64().unwrap() < 44.0)
            .collect();
        assert!(small.is_empty(), "js {js}: targets under 44 px: {small:#?}");
        for (page, text) in result["organisation"].as_object().unwrap() {
            let text = text.as_str().unwrap();
            assert!(
                text.contains("This service is run by DEMO Defenders' Support Network")
                    && text.contains("after 3 days"),
                "js {js}, {page}: {text}"
            );
        }
    }
    server.stop().await;
}

/// A report on a route with one caseworker key leaves the browser with as many stanzas as the
/// largest route's: the page adds decoys, and the chosen route's caseworker can still open it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn with_javascript_a_small_route_is_filled_with_decoys() {
    if !browser_ready() {
        return;
    }
    // The shared address's API quota is spent by a script first: the page's report goes
    // through only because it carries the page's intake ticket.
    let server =
        TestServer::start_with(Backend::Sqlite, |c| c.rate_limits.api_per_minute = 1).await;
    let (_, _) = server.submit_api("general", "a script's report").await;
    let again = server.api_submission("general", "the script again").await;
    assert_eq!(server.post_report(&again.body).await.status(), 429);
    let result = drive(json!({
        "url": server.url, "scenario": "story", "js": true, "marker": marker("decoys"),
        "mechanism": "treaty_body",
    }))
    .await;
    let id = result["reportId"].as_str().unwrap();
    let stored = server.store.report(id).await.unwrap().unwrap();
    assert_eq!(stored.route, "treaty-bodies");
    let slots = recipient_slots(&server.routes().await);
    assert!(
        slots > 1,
        "the demo's largest route has more keys than this one"
    );
    assert_eq!(x25519_stanzas(&stored.ciphertext), slots);
    assert!(open_report(&server, id, "chen").await.is_some());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn with_javascript_the_browser_encrypts_and_only_ciphertext_leaves() {
    story(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn without_javascript_the_server_path_serves_the_same_story() {
    story(false).await;
}

/// Runs a tampering scenario with JavaScript on, against a fresh server.
async fn tampered(scenario: &str) -> (TestServer, Value) {
    tampered_with(scenario, json!({})).await
}

/// [`tampered`], with more of the driver's spec (`tamper`, `restate`).
async fn tampered_with(scenario: &str, extra: Value) -> (TestServer, Value) {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut spec = json!({
        "url": server.url, "scenario": scenario, "js": true, "marker": marker(scenario), "files": [],
        "screenshots": screenshots(),
    });
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    let result = drive(spec).await;
    (server, result)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn a_tampered_bundle_is_blocked_and_the_page_says_it_uses_the_server_path() {
    if !browser_ready() {
        return;
    }
    let (server, result) = tampered("tamper-bundle").await;
    assert!(
        result["modeText"]
            .as_str()
            .unwrap()
            .contains("integrity check"),
        "{result}"
    );
    assert!(
        result["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "POST /report"),
        "fell back to the form"
    );
    let id = result["reportId"].as_str().unwrap();
    let report = open_report(&server, id, "amina").await.unwrap();
    assert_eq!(report.channel, Channel::Server);
    server.stop().await;
}

/// A server that swaps one key refuses to get the page to encrypt: the page checks every key
/// in `/api/v1/routes` against the fingerprint it was served with, whether the answer states
/// the old fingerprint or recomputes it for the swapped keys.
async fn a_swapped_key_makes_the_page_refuse(tamper: &str, restate: bool) {
    if !browser_ready() {
        return;
    }
    let (server, result) = tampered_with(
        "tamper-fingerprint",
        json!({ "tamper": tamper, "restate": restate }),
    )
    .await;
    assert!(
        result["modeText"]
            .as_str()
            .unwrap()
            .contains("do not match"),
        "{result}"
    );
    assert_eq!(result["modeClass"], "error");
    assert_eq!(result["submitDisabled"], json!(true));
    let served = server.routes().await.keyring_fingerprint;
    assert_eq!(result["pageFingerprint"], served.as_str());
    assert_eq!(
        result["footerFingerprint"]
            .as_str()
            .unwrap()
            .replace(' ', ""),
        served[..20]
    );
    assert_eq!(restate, result["servedFingerprint"] != served.as_str());
    assert_eq!(server.store.count_reports().await.unwrap(), 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn a_swapped_route_key_makes_the_page_refuse_to_encrypt() {
    a_swapped_key_makes_the_page_refuse("route", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn a_swapped_route_key_with_a_restated_fingerprint_makes_the_page_refuse() {
    a_swapped_key_makes_the_page_refuse("route", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn a_swapped_escalation_key_makes_the_page_refuse_too() {
    a_swapped_key_makes_the_page_refuse("escalation", true).await;
}

/// A statistics release on a phone: the page never scrolls sideways (each table scrolls in its
/// own box), charts fit the screen with every label inside, and every chart is named for a
/// screen reader. Screenshots land with the reporter pages'.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_browser_tests),
    ignore = "Chromium, Node or web/node_modules was missing at build time; .ci/run installs them"
)]
async fn a_statistics_release_fits_a_phone_and_its_charts_are_named() {
    if !browser_ready() {
        return;
    }
    let server = TestServer::start(Backend::Sqlite).await;
    for (i, country) in ["BY", "BY", "RU", "CD", "LK", "MX", "BY", "RU", "CD", "IN"]
        .iter()
        .cycle()
        .take(60)
        .enumerate()
    {
        let code = crate::common::CodedCase::code;
        let mechanism = ["tb_cedaw", "upr", "special_procedures", "ohchr_field"][i % 4];
        let case = crate::common::CodedCase {
            route: "general",
            status: "credible",
            codes: vec![
                code("country", country),
                code(
                    "reprisal_type",
                    ["travel_ban", "threats_harassment", "killing"][i % 3],
                ),
                code("mechanism", mechanism),
                code("incident_date", "2025-07"),
                code("incident_date_precision", "month"),
            ],
            statistics: true,
            coder: "caseworker/ana",
        };
        crate::common::insert_coded_case(&server.store, case).await;
    }
    let policy = safehold::policy::statistics::StatisticsPolicy::builtin().unwrap();
    let period = policy.parse_period("2025-05-01..2026-04-30").unwrap();
    safehold::stats::publish::release_period_with(
        &server.store,
        &policy,
        &period,
        Some(&mut safehold::stats::OsRandom),
        "2026-05-02",
    )
    .await
    .unwrap();
    let result = drive(json!({
        "url": server.url, "scenario": "stats", "js": false,
        "path": "/stats/2025-05-01_2026-04-30", "screenshots": screenshots(),
    }))
    .await;
    assert_eq!(result["consoleErrors"], json!([]), "{result}");
    assert!(result["charts"].as_i64().unwrap() >= 3, "{result}");
    assert_eq!(result["namedCharts"], result["charts"], "{result}");
    for width in ["390", "320"] {
        let w = &result["widths"][width];
        assert_eq!(
            w["page"], w["viewport"],
            "{width} px: the page scrolls sideways: {result}"
        );
        assert!(
            w["widestChart"].as_f64().unwrap() <= w["viewport"].as_f64().unwrap() + 0.5,
            "{width} px: {result}"
        );
        assert_eq!(w["tablesInView"], true, "{width} px: {result}");
        assert_eq!(w["cutLabels"], json!([]), "{width} px: {result}");
    }
    server.stop().await;
}
