//! The no-JavaScript form: the server seals the report for exactly the route's caseworkers.

use crate::common::{
    Backend, FormReport, Report, TestServer, ThreadKey, age_cli_decrypt, on_both_backends,
    open_report, recipient_slots, today, x25519_stanzas,
};

async fn form_report_decrypts_with_every_field_and_attachment(backend: Backend) {
    let server = TestServer::start(backend).await;
    let attachment: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let mut report = FormReport::simple("They seized my passport at the airport.\r\nTwice.");
    report.attachments = vec![
        ("evidence.bin".into(), attachment.clone()),
        ("note.txt".into(), b"hello".to_vec()),
    ];
    let submitted = server.submit_form(&report).await;
    let (public_id, codephrase) = (submitted.id, submitted.codephrase);
    assert!(codephrase.split(' ').count() >= 7, "{codephrase}");
    assert!(
        submitted.page.contains("memory"),
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
    assert_eq!(stored.received_day, today());
    // The reporter's reply channel travels inside the ciphertext only.
    assert!(opened.reply_to.recipient.starts_with("age1"));
    assert!(ThreadKey::from_base64(&opened.reply_to.thread_key).is_ok());
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
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.age");
    std::fs::write(&file, ciphertext).unwrap();
    let Some(out) = age_cli_decrypt(&file, "amina") else {
        return;
    };
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
    let report = FormReport::simple("treaty body case").with_mechanism("treaty_body");
    let id = server.submit_form(&report).await.id;
    let stored = server.store.report(&id).await.unwrap().unwrap();
    assert_eq!(stored.route, "treaty-bodies");
    // One caseworker key, but as many stanzas as the largest route: decoys hide the route.
    let slots = recipient_slots(&server.routes().await);
    assert!(slots > 1);
    assert_eq!(x25519_stanzas(&stored.ciphertext), slots);
    assert!(
        open_report(&server, &id, "chen").await.is_some(),
        "chen (treaty bodies) can read it"
    );
    assert!(
        open_report(&server, &id, "amina").await.is_none(),
        "amina (not on the route) cannot"
    );

    let urgent = FormReport::simple("they are outside my door").urgent();
    let id = server.submit_form(&urgent).await.id;
    let stored = server.store.report(&id).await.unwrap().unwrap();
    assert_eq!(stored.route, "urgent-protection");
    assert_eq!(x25519_stanzas(&stored.ciphertext), slots);
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
