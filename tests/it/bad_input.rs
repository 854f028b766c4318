//! Bad input gets a clear 4xx, never a 500, and nothing stored changes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::{Backend, FormReport, TestServer, on_both_backends, recipient_slots, seal};

/// A request and the status it must get; the body must explain.
struct Case {
    name: &'static str,
    expect: u16,
    response: reqwest::Response,
}

async fn check_json(case: Case) {
    let status = case.response.status().as_u16();
    let text = case.response.text().await.unwrap();
    assert_eq!(status, case.expect, "{}: {text}", case.name);
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{}: JSON error body, got {text}", case.name));
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.len() > 10,
        "{}: the message explains ({text})",
        case.name
    );
}

async fn check_page(case: Case) {
    let status = case.response.status().as_u16();
    let text = case.response.text().await.unwrap();
    assert_eq!(status, case.expect, "{}: {text}", case.name);
    assert!(
        text.contains("<html") && text.contains("id=\"message\""),
        "{}: an explaining page, got {text}",
        case.name
    );
}

fn with_ciphertext(body: &Value, ciphertext: &[u8]) -> Value {
    let mut body = body.clone();
    body["ciphertext"] = Value::String(STANDARD.encode(ciphertext));
    body
}

fn insert_stanza(ciphertext: &[u8], stanza: &str) -> Vec<u8> {
    let header_end = ciphertext.iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut out = ciphertext[..header_end].to_vec();
    out.extend_from_slice(stanza.as_bytes());
    out.extend_from_slice(&ciphertext[header_end..]);
    out
}

async fn malformed_ciphertext_is_refused_and_nothing_changes(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.max_body_bytes = 64 * 1024).await;
    let client = server.client();
    let url = format!("{}/api/v1/reports", server.url);

    // A valid file from the Rust age crate (with its grease stanza) is accepted first.
    let (kept, accepted) = server.submit_api("general", "kept safe").await;
    let (good, kept_id) = (kept.ciphertext, accepted.id);

    let mangled = server.api_submission("general", "to be mangled").await;
    let (valid, body) = (mangled.ciphertext, mangled.body);
    let header_end = valid.windows(4).position(|w| w == b"--- ").unwrap();
    let mut bad_version = valid.clone();
    bad_version[19..21].copy_from_slice(b"v2");
    let routes = server.routes().await;
    let general = routes.routes.iter().find(|r| r.name == "general").unwrap();
    let one: age::x25519::Recipient = general.recipients[0].parse().unwrap();
    let too_few = seal::encrypt(b"short", &[one]).unwrap();
    let treaty_route = routes
        .routes
        .iter()
        .find(|r| r.name == "treaty-bodies")
        .unwrap();
    let treaty_tag = treaty_route.tag.clone();
    let treaty: Vec<age::x25519::Recipient> = treaty_route
        .recipients
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    assert!(
        treaty.len() < recipient_slots(&routes),
        "the demo has a smaller route"
    );
    let without_decoys = seal::encrypt(&[b' '; 8192], &treaty).unwrap();
    let scrypt = insert_stanza(
        &valid,
        "-> scrypt c2FsdHNhbHRzYWx0c2FsdA 18\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    );
    let pq = insert_stanza(
        &valid,
        "-> mlkem768x25519 AAAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    );
    let mut armored = b"-----BEGIN AGE ENCRYPTED FILE-----\n".to_vec();
    armored.extend_from_slice(STANDARD.encode(&valid).as_bytes());
    armored.extend_from_slice(b"\n-----END AGE ENCRYPTED FILE-----\n");

    let cases: Vec<(&str, u16, Value)> = vec![
        (
            "bad version line",
            422,
            with_ciphertext(&body, &bad_version),
        ),
        (
            "wrong X25519 stanza count",
            422,
            with_ciphertext(&body, &too_few),
        ),
        (
            "only the route's own recipients, without the decoys that hide the route",
            422,
            {
                let mut b = with_ciphertext(&body, &without_decoys);
                b["route_tag"] = json!(treaty_tag);
                b
            },
        ),
        (
            "truncated header",
            422,
            with_ciphertext(&body, &valid[..header_end / 2]),
        ),
        (
            "truncated payload",
            422,
            with_ciphertext(&body, &valid[..valid.len() - 40]),
        ),
        (
            "no payload",
            422,
            with_ciphertext(&body, &valid[..header_end + 48]),
        ),
        (
            "X25519 mixed with scrypt",
            422,
            with_ciphertext(&body, &scrypt),
        ),
        ("post-quantum stanza", 422, with_ciphertext(&body, &pq)),
        ("armored", 422, with_ciphertext(&body, &armored)),
        ("empty", 422, with_ciphertext(&body, b"")),
        ("not base64", 400, {
            let mut b = body.clone();
            b["ciphertext"] = json!("%%%");
            b
        }),
        ("unknown route", 422, {
            let mut b = body.clone();
            b["route_tag"] = json!("0000000000000000");
            b
        }),
        ("a route name instead of its tag", 400, {
            let mut b = body.clone();
            b["route"] = json!("general");
            b
        }),
        ("a reporter recipient beside the ciphertext", 400, {
            let mut b = body.clone();
            b["reporter_recipient"] = json!("age1pq1xyz");
            b
        }),
        ("short verifier", 422, {
            let mut b = body.clone();
            b["receipt_verifier"] = json!("AAAA");
            b
        }),
        ("unknown field", 400, {
            let mut b = body.clone();
            b["extra"] = json!(1);
            b
        }),
        ("missing field", 400, json!({"route_tag": general.tag})),
    ];
    for (name, expect, value) in cases {
        let response = client.post(&url).json(&value).send().await.unwrap();
        check_json(Case {
            name,
            expect,
            response,
        })
        .await;
    }

    let oversize = with_ciphertext(&body, &vec![0u8; 300 * 1024]);
    let response = client.post(&url).json(&oversize).send().await.unwrap();
    assert_eq!(
        response
            .headers()
            .get("connection")
            .map(|v| v.to_str().unwrap()),
        Some("close"),
        "an unread body ends the connection, so the client must not reuse it"
    );
    check_json(Case {
        name: "oversize body",
        expect: 413,
        response,
    })
    .await;
    let response = client
        .post(&url)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    check_json(Case {
        name: "wrong content type",
        expect: 415,
        response,
    })
    .await;
    let response = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    check_json(Case {
        name: "broken JSON",
        expect: 400,
        response,
    })
    .await;
    let response = client
        .get(format!("{}/api/v1/nothing", server.url))
        .send()
        .await
        .unwrap();
    check_json(Case {
        name: "unknown endpoint",
        expect: 404,
        response,
    })
    .await;
    let response = client.delete(&url).send().await.unwrap();
    check_json(Case {
        name: "wrong method",
        expect: 405,
        response,
    })
    .await;

    assert_eq!(
        server.store.count_reports().await.unwrap(),
        1,
        "nothing stored by bad input"
    );
    let kept = server.store.report(&kept_id).await.unwrap().unwrap();
    assert_eq!(kept.ciphertext, good, "the earlier report is unchanged");
    assert_eq!(server.store.pending_alerts().await.unwrap().len(), 1);
    server.stop().await;
}
on_both_backends!(malformed_ciphertext_is_refused_and_nothing_changes);

async fn bad_form_posts_are_refused_with_a_page(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.max_body_bytes = 64 * 1024).await;
    let client = server.client();
    let url = format!("{}/report", server.url);
    let session = server.form_session("/").await;

    let no_token = reqwest::multipart::Form::new().text("what_happened", "x");
    let response = client
        .post(&url)
        .header("cookie", &session.cookie)
        .multipart(no_token)
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "missing CSRF token",
        expect: 403,
        response,
    })
    .await;

    let response = client
        .post(&url)
        .multipart(FormReport::simple("x").multipart(&session.token))
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "token without its cookie",
        expect: 403,
        response,
    })
    .await;

    let forged = FormReport::simple("x").multipart("Zm9yZ2VkIHRva2Vu");
    let response = client
        .post(&url)
        .header("cookie", &session.cookie)
        .multipart(forged)
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "forged token",
        expect: 403,
        response,
    })
    .await;

    let mut big = FormReport::simple("big");
    big.attachments = vec![
        ("big.bin".into(), vec![7u8; 40 * 1024]),
        ("big2.bin".into(), vec![7u8; 40 * 1024]),
    ];
    let response = client
        .post(&url)
        .header("cookie", &session.cookie)
        .multipart(big.multipart(&session.token))
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "oversize attachment",
        expect: 413,
        response,
    })
    .await;

    let response = client
        .post(&url)
        .header("cookie", &session.cookie)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"authenticity_token\"\r\n\r\nabc")
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "broken multipart",
        expect: 400,
        response,
    })
    .await;

    let response = client
        .post(&url)
        .header("cookie", &session.cookie)
        .form(&[("authenticity_token", session.token.as_str())])
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "urlencoded instead of multipart",
        expect: 415,
        response,
    })
    .await;

    let mut bogus = FormReport::simple("x");
    bogus.mechanism = "bogus";
    let response = client
        .post(&url)
        .header("cookie", &session.cookie)
        .multipart(bogus.multipart(&session.token))
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "unknown routing answer",
        expect: 400,
        response,
    })
    .await;

    let extra = FormReport::simple("x")
        .multipart(&session.token)
        .text("surprise", "1");
    let response = client
        .post(&url)
        .header("cookie", &session.cookie)
        .multipart(extra)
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "unexpected field",
        expect: 400,
        response,
    })
    .await;

    let response = client
        .get(format!("{}/nothing-here", server.url))
        .send()
        .await
        .unwrap();
    check_page(Case {
        name: "unknown page",
        expect: 404,
        response,
    })
    .await;

    assert_eq!(server.store.count_reports().await.unwrap(), 0);
    server.stop().await;
}
on_both_backends!(bad_form_posts_are_refused_with_a_page);

/// A NUL byte (which PostgreSQL cannot store in text) in any text field is a 4xx, or is
/// carried inside ciphertext; never a 5xx. Staff names are checked at the edge, so neither a
/// NUL nor megabytes of name reach the database.
async fn nul_bytes_in_text_fields_never_give_a_5xx(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let challenge = format!("{}/api/v1/session/challenge", server.url);
    let session = format!("{}/api/v1/session", server.url);
    let staff_cases = [
        (
            "NUL in name",
            json!({"role": "caseworker", "name": "amina\u{0}"}),
        ),
        (
            "NUL in role",
            json!({"role": "caseworker\u{0}", "name": "amina"}),
        ),
        ("NUL alone", json!({"role": "\u{0}", "name": "\u{0}"})),
        (
            "65-byte name",
            json!({"role": "caseworker", "name": "a".repeat(65)}),
        ),
        (
            "upper-case name",
            json!({"role": "caseworker", "name": "Amina"}),
        ),
        ("unknown role", json!({"role": "boss", "name": "amina"})),
    ];
    for (name, body) in staff_cases {
        let response = client.post(&challenge).json(&body).send().await.unwrap();
        check_json(Case {
            name,
            expect: 422,
            response,
        })
        .await;
    }
    // A name of megabytes is refused by the body limit before it is even parsed.
    let huge = json!({"role": "caseworker", "name": "a".repeat(1 << 20)});
    let response = client.post(&challenge).json(&huge).send().await.unwrap();
    assert_eq!(response.status(), 413, "a 1 MiB login body");
    for (field, value) in [
        ("role", "caseworker\u{0}"),
        ("name", "amina\u{0}"),
        ("nonce", "\u{0}"),
    ] {
        let mut body = json!({"role": "caseworker", "name": "amina", "nonce": "x"});
        body[field] = value.into();
        let response = client.post(&session).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "session {field}: {status}");
    }

    let submission = server.api_submission("general", "nul").await;
    for field in [
        "route",
        "receipt_verifier",
        "reporter_recipient",
        "ciphertext",
    ] {
        let mut body = submission.body.clone();
        let mut text = body[field].as_str().unwrap_or("").to_owned();
        text.insert(1.min(text.len()), '\u{0}');
        body[field] = text.into();
        let response = server.post_report(&body).await;
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "report {field}: {status}");
    }

    // In the form, reporter text is encrypted whole, so a NUL is simply part of the report.
    let mut report = FormReport::simple("before\u{0}after");
    report.mechanism = "\u{0}";
    let form_session = server.form_session("/").await;
    let response = client
        .post(format!("{}/report", server.url))
        .header("cookie", &form_session.cookie)
        .multipart(report.multipart(&form_session.token))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!(status < 500, "form with NUL bytes: {status}");
    let (status, _, _) = server.receipt_lookup("word\u{0}word").await;
    assert!((400..500).contains(&status), "receipt with a NUL: {status}");
}
on_both_backends!(nul_bytes_in_text_fields_never_give_a_5xx);
