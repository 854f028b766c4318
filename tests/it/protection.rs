//! Rate limits, forwarding headers, security headers, no third-party resources.

use crate::common::{Backend, TestServer};

async fn post_receipt(server: &TestServer, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = server
        .client()
        .post(format!("{}/api/v1/receipt", server.url))
        .json(&serde_json::json!({ "receipt_verifier": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }));
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn over_the_limit_gets_429_with_retry_after() {
    let server =
        TestServer::start_with(Backend::Sqlite, |c| c.rate_limits.receipt_per_minute = 2).await;
    assert_eq!(post_receipt(&server, None).await.status(), 404);
    assert_eq!(post_receipt(&server, None).await.status(), 404);
    let limited = post_receipt(&server, None).await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("retry after")
    );

    // The page classes answer in HTML, in the client's language.
    let page = server
        .client()
        .post(format!("{}/receipt", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 429);
    assert!(page.headers().contains_key("retry-after"));
    assert!(page.text().await.unwrap().contains("Too many attempts"));
    server.stop().await;
}

#[tokio::test]
async fn forwarding_headers_from_untrusted_peers_are_ignored() {
    let server =
        TestServer::start_with(Backend::Sqlite, |c| c.rate_limits.receipt_per_minute = 1).await;
    assert_eq!(
        post_receipt(&server, Some("203.0.113.1")).await.status(),
        404
    );
    // A new X-Forwarded-For does not buy an untrusted client a fresh quota.
    assert_eq!(
        post_receipt(&server, Some("203.0.113.2")).await.status(),
        429
    );
    server.stop().await;
}

#[tokio::test]
async fn forwarding_headers_from_trusted_proxies_separate_clients() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.receipt_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    assert_eq!(
        post_receipt(&server, Some("203.0.113.1")).await.status(),
        404
    );
    assert_eq!(
        post_receipt(&server, Some("203.0.113.2")).await.status(),
        404,
        "another client"
    );
    assert_eq!(
        post_receipt(&server, Some("203.0.113.1")).await.status(),
        429,
        "same client again"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_global_limit_holds_for_everyone_behind_one_address() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.global_per_second = 3;
        c.rate_limits.api_per_minute = 0;
    })
    .await;
    let mut submissions = Vec::new();
    for n in 0..8 {
        submissions.push(
            server
                .api_submission("general", &format!("report {n}"))
                .await,
        );
    }
    let mut statuses = Vec::new();
    for submission in &submissions {
        statuses.push(server.post_report(&submission.body).await.status().as_u16());
    }
    assert!(statuses.contains(&201), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    server.stop().await;
}

/// A receipt look-up through a trusted proxy, with these `X-Forwarded-For` lines.
async fn post_receipt_forwarded(server: &TestServer, lines: &[&str]) -> u16 {
    let mut request = server
        .client()
        .post(format!("{}/api/v1/receipt", server.url))
        .json(&serde_json::json!({ "receipt_verifier": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }));
    for line in lines {
        request = request.header("x-forwarded-for", *line);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn forwarded_for_is_walked_from_the_nearest_hop_across_lines() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.receipt_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    // The client wrote the first line itself; our proxy appended the second.
    assert_eq!(
        post_receipt_forwarded(&server, &["198.51.100.7", "203.0.113.1"]).await,
        404
    );
    assert_eq!(
        post_receipt_forwarded(&server, &["198.51.100.8", "203.0.113.1"]).await,
        429,
        "a forged first line does not buy a fresh quota"
    );
    server.stop().await;
}

#[tokio::test]
async fn ipv6_clients_are_keyed_by_their_64() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.receipt_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    assert_eq!(
        post_receipt_forwarded(&server, &["2001:db8:1:2::1"]).await,
        404
    );
    assert_eq!(
        post_receipt_forwarded(&server, &["2001:db8:1:2:ffff::9"]).await,
        429,
        "another address in the same /64 is the same client"
    );
    assert_eq!(
        post_receipt_forwarded(&server, &["2001:db8:1:3::1"]).await,
        404,
        "another /64 is another client"
    );
    server.stop().await;
}

#[tokio::test]
async fn refused_junk_and_page_reads_spend_no_global_budget() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.global_per_second = 3;
        c.rate_limits.api_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let client = server.client();
    let reports = format!("{}/api/v1/reports", server.url);
    // Five clients' junk: the wrong content type, then refusals by their own limits.
    for n in 0..20 {
        let status = client
            .post(&reports)
            .header("x-forwarded-for", format!("203.0.113.{}", 9 + n % 5))
            .header("content-type", "text/plain")
            .body("junk")
            .send()
            .await
            .unwrap()
            .status();
        assert_ne!(status, 500);
    }
    // One client's flood of well-formed reports: its own limit (1 a minute) refuses all
    // but the first before they reach the global budget.
    let mut flood = Vec::new();
    for n in 0..10 {
        flood.push(
            server
                .api_submission("general", &format!("flood {n}"))
                .await,
        );
    }
    let mut others = Vec::new();
    for n in 0..2 {
        others.push(
            server
                .api_submission("general", &format!("other {n}"))
                .await,
        );
    }
    for submission in &flood {
        let status = client
            .post(&reports)
            .header("x-forwarded-for", "203.0.113.30")
            .json(&submission.body)
            .send()
            .await
            .unwrap()
            .status();
        assert_ne!(status, 500);
    }
    // Page reads, many.
    for _ in 0..10 {
        let page = client.get(format!("{}/", server.url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "page reads have their own budget");
    }
    // Other clients' reports find what is left of the global budget of 3: the flood's one
    // accepted report spent one, nothing else did.
    for (n, submission) in others.iter().enumerate() {
        let status = client
            .post(&reports)
            .header("x-forwarded-for", format!("203.0.113.{}", 20 + n))
            .json(&submission.body)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(
            status, 201,
            "junk, refusals or reads spent the global budget"
        );
    }
    server.stop().await;
}

/// 64 connections post junk to the form from one address; a reporter from another address
/// opens the form and submits, ten times, during the flood.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_junk_flood_from_one_client_leaves_others_through() {
    let server = TestServer::start(Backend::Sqlite).await;
    let url = server.url.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flood: Vec<_> = (0..64)
        .map(|_| {
            let url = url.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let form = reqwest::multipart::Form::new().text("what_happened", "junk");
                    let _ = client
                        .post(format!("{url}/report"))
                        .multipart(form)
                        .send()
                        .await;
                }
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let mut succeeded = 0;
    for _ in 0..10 {
        // The browser's flow: open the form (which may itself be refused), then post it.
        let page = other.get(format!("{url}/")).send().await.unwrap();
        if page.status() != 200 {
            continue;
        }
        let cookie = page
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("safehold_csrf="))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .expect("CSRF cookie");
        let html = page.text().await.unwrap();
        let token = crate::common::hidden_value(&html, "authenticity_token").unwrap();
        let response = other
            .post(format!("{url}/report"))
            .header("cookie", &cookie)
            .multipart(crate::common::FormReport::simple("legitimate").multipart(&token))
            .send()
            .await
            .unwrap();
        if response.status() == 201 {
            succeeded += 1;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for task in flood {
        let _ = task.await;
    }
    eprintln!("legitimate reporter during a junk flood from another address: {succeeded} of 10");
    assert_eq!(
        succeeded, 10,
        "one client's junk locked another reporter out"
    );
    server.stop().await;
}

#[tokio::test]
async fn pages_carry_strict_security_headers_and_nothing_from_elsewhere() {
    let server = TestServer::start(Backend::Sqlite).await;
    for path in [
        "/",
        "/receipt",
        "/api/v1/routes",
        "/static/safehold.css",
        "/.well-known/safehold-scripts.json",
    ] {
        let response = server
            .client()
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        let body = response.text().await.unwrap();
        // Scripts only from our origin, pinned by integrity hash, never inline.
        for tag in body.split("<script").skip(1) {
            let tag = &tag[..tag.find("</script>").expect("closed script")];
            assert!(
                tag.contains(" src=\"/static/") && tag.contains(" integrity=\"sha384-"),
                "{path}: {tag}"
            );
            assert!(
                tag.ends_with("></script") || tag.trim_end().ends_with('>'),
                "{path}: inline code in {tag}"
            );
        }
        for attr in [
            "src=\"http",
            "href=\"http",
            "src=\"//",
            "href=\"//",
            "url(http",
            "url(//",
        ] {
            assert!(
                !body.contains(attr),
                "{path}: third-party resource via {attr}"
            );
        }
    }
    // Only the CSRF cookie, scoped tightly.
    let client = server.client();
    let response = client.get(format!("{}/", server.url)).send().await.unwrap();
    let cookies: Vec<_> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(
        cookies[0].contains("HttpOnly") && cookies[0].contains("SameSite=Strict"),
        "{cookies:?}"
    );
    let _ = server.form_session("/").await;
    server.stop().await;
}

#[tokio::test]
async fn the_form_is_labelled_and_translatable() {
    let server = TestServer::start(Backend::Sqlite).await;
    let html = server.get_text("/?lang=en").await;
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
    // Every visible control has a label.
    let mut rest = html.as_str();
    while let Some(at) = rest.find(" id=\"") {
        let id_start = at + 5;
        let id = &rest[id_start..id_start + rest[id_start..].find('"').unwrap()];
        let tag_start = rest[..at].rfind('<').unwrap();
        let tag = &rest[tag_start..at];
        if tag.starts_with("<input") || tag.starts_with("<textarea") || tag.starts_with("<select") {
            assert!(
                html.contains(&format!("for=\"{id}\"")),
                "control {id} has no label"
            );
        }
        rest = &rest[id_start..];
    }
    server.stop().await;
}

#[tokio::test]
async fn published_script_hashes_match_what_is_served() {
    use base64::Engine;
    use sha2::Digest;
    let server = TestServer::start(Backend::Sqlite).await;
    let client = server.client();
    let published: Vec<serde_json::Value> =
        server.get_json("/.well-known/safehold-scripts.json").await;
    assert_eq!(published.len(), 2);
    let page = server.get_text("/").await;
    for script in published {
        let path = script["path"].as_str().unwrap();
        let bytes = client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let sri = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&bytes))
        );
        assert_eq!(script["integrity"], sri.as_str(), "{path}");
        assert_eq!(
            script["sha256"],
            hex::encode(sha2::Sha256::digest(&bytes)).as_str(),
            "{path}"
        );
        assert!(
            page.contains(&format!("src=\"{path}\" integrity=\"{sri}\"")),
            "{path} is pinned in the page"
        );
    }
    server.stop().await;
}
