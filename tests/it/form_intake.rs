//! The no-JavaScript form: the server seals the report for exactly the route's caseworkers.

use safehold::crypto::seal;
use safehold::envelope::Report;
use safehold::store::Backend;

use crate::common::{
    FormReport, TestServer, demo_identity, element_text, on_both_backends, submit_form,
};

/// Opens the stored ciphertext of `public_id` with a demo identity.
pub async fn open_report(server: &TestServer, public_id: &str, who: &str) -> Option<Report> {
    let stored = server
        .store
        .report(public_id)
        .await
        .unwrap()
        .expect("stored report");
    let identity = demo_identity(who);
    let plaintext = seal::decrypt(&stored.ciphertext, &[&identity as &dyn age::Identity]).ok()?;
    Some(Report::from_plaintext(&plaintext).expect("envelope parses"))
}

async fn form_report_decrypts_with_every_field_and_attachment(backend: Backend) {
    let server = TestServer::start(backend).await;
    let attachment: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let mut report = FormReport::simple("They seized my passport at the airport.\r\nTwice.");
    report.attachments = vec![
        ("evidence.bin".into(), attachment.clone()),
        ("note.txt".into(), b"hello".to_vec()),
    ];
    let (status, page) = submit_form(&server, &report).await;
    assert_eq!(status, 201, "{page}");
    let public_id = element_text(&page, "report-id").expect("report id on the receipt page");
    let codephrase = element_text(&page, "codephrase").expect("codephrase shown");
    assert!(codephrase.split(' ').count() >= 7, "{codephrase}");
    assert!(
        page.contains("memory"),
        "the page says the server briefly handled the plaintext"
    );

    let opened = open_report(&server, &public_id, "amina")
        .await
        .expect("amina can decrypt");
    assert_eq!(opened.format, "safehold.report.v1");
    assert_eq!(opened.language, "en");
    // Browsers send CRLF; the envelope normalises to LF like the JavaScript path.
    assert_eq!(
        opened.fields.what_happened,
        "They seized my passport at the airport.\nTwice."
    );
    assert_eq!(opened.fields.when, "early March 2026");
    assert_eq!(opened.fields.location, "Geneva");
    assert_eq!(
        opened.fields.un_engagement,
        "testimony to the Committee against Torture"
    );
    assert!(opened.consent.ohchr_reprisals_team && opened.consent.statistics);
    assert!(!opened.consent.sg_report_named);
    assert_eq!(opened.attachments.len(), 2);
    assert_eq!(opened.attachments[0].name, "evidence.bin");
    assert_eq!(opened.attachments[0].data, attachment);
    assert_eq!(opened.attachments[1].data, b"hello");

    let stored = server.store.report(&public_id).await.unwrap().unwrap();
    assert_eq!(stored.status, "received");
    assert_eq!(stored.received_day, safehold::store::today());
    assert!(stored.reporter_recipient.starts_with("age1"));
    let alerts = server.store.pending_alerts().await.unwrap();
    assert_eq!(alerts.len(), 1, "one alert written with the report");
    assert_eq!(alerts[0].case_id, public_id);
    assert_eq!(alerts[0].kind, "new_report");
    assert!(!alerts[0].urgent);

    age_cli_decrypts(&stored.ciphertext).await;
    server.stop().await;
}
on_both_backends!(form_report_decrypts_with_every_field_and_attachment);

/// Debian's `age` opens the file too, when installed (`.ci/run` installs it).
async fn age_cli_decrypts(ciphertext: &[u8]) {
    let Ok(output) = std::process::Command::new("age").arg("--version").output() else {
        eprintln!("age CLI not installed: interoperability check skipped");
        return;
    };
    assert!(output.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.age");
    std::fs::write(&file, ciphertext).unwrap();
    let identity = crate::common::repo().join("keys/DEMO/identities/amina.age-identity");
    let out = std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&identity)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "age -d failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = Report::from_plaintext(&out.stdout).expect("age output is the padded envelope");
    assert_eq!(report.format, "safehold.report.v1");
}

async fn routing_sends_a_report_only_to_its_routes_caseworkers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut report = FormReport::simple("treaty body case");
    report.mechanism = "treaty_body";
    let (status, page) = submit_form(&server, &report).await;
    assert_eq!(status, 201, "{page}");
    let id = element_text(&page, "report-id").unwrap();
    let stored = server.store.report(&id).await.unwrap().unwrap();
    assert_eq!(stored.route, "treaty-bodies");
    assert!(
        open_report(&server, &id, "chen").await.is_some(),
        "chen (treaty bodies) can read it"
    );
    assert!(
        open_report(&server, &id, "amina").await.is_none(),
        "amina (not on the route) cannot"
    );

    let mut urgent = FormReport::simple("they are outside my door");
    urgent.immediate_danger = "yes";
    let (status, page) = submit_form(&server, &urgent).await;
    assert_eq!(status, 201, "{page}");
    let id = element_text(&page, "report-id").unwrap();
    let stored = server.store.report(&id).await.unwrap().unwrap();
    assert_eq!(stored.route, "urgent-protection");
    assert!(open_report(&server, &id, "amina").await.is_some());
    assert!(open_report(&server, &id, "chen").await.is_none());
    let alerts = server.store.pending_alerts().await.unwrap();
    assert!(
        alerts.iter().any(|a| a.case_id == id && a.urgent),
        "the alert is marked urgent"
    );
    server.stop().await;
}
on_both_backends!(routing_sends_a_report_only_to_its_routes_caseworkers);
