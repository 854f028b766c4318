//! Floods from the address every onion-service visitor shares: a reporter who came through the
//! form page still gets through; bots that fill the honeypot spend nothing; urgent reports have
//! a budget of their own.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;

use crate::common::{Backend, FormReport, TestServer};

/// A form post from `session`'s browser: with its ticket (as a browser sends the page's
/// form) or without (as a script replaying the same cookie and token does).
async fn post_form(
    server: &TestServer,
    session: &crate::common::FormSession,
    report: &FormReport,
    with_ticket: bool,
) -> (u16, String) {
    let form = if with_ticket {
        report.multipart_from(session)
    } else {
        report.multipart(&session.token)
    };
    post_multipart(server, session, form).await
}

/// `form` posted to `/report` with `session`'s CSRF cookie: (status, page).
async fn post_multipart(
    server: &TestServer,
    session: &crate::common::FormSession,
    form: reqwest::multipart::Form,
) -> (u16, String) {
    let response = server
        .client()
        .post(server.endpoint("/report"))
        .header("cookie", &session.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_round_trip_through_the_form_earns_a_report_past_the_shared_quota_once() {
    // The default limits, on loopback: every request comes from the one address behind Tor.
    let server = TestServer::start(Backend::Sqlite).await;
    let report = FormReport::simple("replayed by a script");
    // A script replays one page's cookie and token until the address's quota is spent.
    let replayed = server.form_session("/").await;
    let mut statuses = Vec::new();
    for _ in 0..14 {
        statuses.push(post_form(&server, &replayed, &report, false).await.0);
    }
    assert!(
        statuses.contains(&429),
        "the per-address quota still holds for posts without a fresh ticket: {statuses:?}"
    );
    // A reporter on that same address opens the form and sends it.
    let reporter = server.form_session("/").await;
    assert_eq!(reporter.ticket.len(), 50, "every form carries a ticket");
    let (status, page) = post_form(
        &server,
        &reporter,
        &FormReport::simple("the reporter"),
        true,
    )
    .await;
    assert_eq!(status, 201, "{page}");
    // The ticket is spent: sending it again is a replay, and meets the spent quota.
    let (again, _) = post_form(&server, &reporter, &report, true).await;
    assert_eq!(again, 429, "a ticket earns one report, not a lane");
    server.stop().await;
}

/// 32 connections from the shared address flood the form with junk and with replays of one
/// valid page; a reporter on the same address goes through the form ten times meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_gets_through_a_flood_from_the_same_address() {
    let server = TestServer::start(Backend::Sqlite).await;
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicU64::new(0));
    let replayed = Arc::new(server.form_session("/").await);
    let flood: Vec<_> = (0..32)
        .map(|n| {
            let url = server.endpoint("/report");
            let (stop, refused, replayed) = (stop.clone(), refused.clone(), replayed.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let report = FormReport::simple("flood");
                while !stop.load(Ordering::Relaxed) {
                    let request = if n % 2 == 0 {
                        // Junk: no cookie, no token.
                        let form = reqwest::multipart::Form::new().text("what_happened", "junk");
                        client.post(&url).multipart(form)
                    } else {
                        client
                            .post(&url)
                            .header("cookie", &replayed.cookie)
                            .multipart(report.multipart(&replayed.token))
                    };
                    if let Ok(response) = request.send().await
                        && response.status().is_client_error()
                    {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut succeeded = 0;
    for n in 0..10 {
        let session = server.form_session("/").await;
        let report = FormReport::simple(&format!("legitimate {n}"));
        let (status, _) = post_form(&server, &session, &report, true).await;
        if status == 201 {
            succeeded += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for task in flood {
        let _ = task.await;
    }
    let refused = refused.load(Ordering::Relaxed);
    eprintln!(
        "reporter during a flood from the same address: {succeeded} of 10; flood refused {refused} times"
    );
    assert!(refused > 100, "the flood ran: {refused} refusals");
    assert_eq!(succeeded, 10, "the flood locked the reporter out");
    server.stop().await;
}

#[tokio::test]
async fn a_filled_honeypot_is_refused_before_it_spends_anything() {
    let server = TestServer::start(Backend::Sqlite).await;
    let before = server.store.count_reports().await.unwrap();
    let session = server.form_session("/").await;
    // More bot posts than the address's quota: none is stored, none is charged.
    for _ in 0..12 {
        let form = FormReport::simple("a bot's text")
            .multipart(&session.token)
            .text("website", "http://spam.example");
        let (status, page) = post_multipart(&server, &session, form).await;
        assert_eq!(status, 422);
        assert!(page.contains("Leave this empty"), "{page}");
    }
    assert_eq!(server.store.count_reports().await.unwrap(), before);
    // A person's post without a ticket still finds the quota whole.
    let (status, page) = post_form(&server, &session, &FormReport::simple("a person"), false).await;
    assert_eq!(status, 201, "{page}");
    // The field is there for bots, out of sight and out of the tab order for people.
    let html = server.get_text("/").await;
    assert!(html.contains(r#"<div class="hp" aria-hidden="true">"#));
    assert!(html.contains(r#"name="website" value="" tabindex="-1" autocomplete="off""#));
    server.stop().await;
}

#[tokio::test]
async fn urgent_reports_have_a_budget_a_flood_of_others_cannot_spend() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.global_per_second = 2;
        c.rate_limits.api_per_minute = 0;
        c.rate_limits.urgent_per_minute = 3;
    })
    .await;
    // Everything is sealed first, so the posts follow each other faster than budgets refill.
    let mut ordinary = Vec::new();
    for n in 0..10 {
        ordinary.push(
            server
                .api_submission("general", &format!("ordinary {n}"))
                .await,
        );
    }
    let mut urgent = Vec::new();
    for n in 0..4 {
        let mut submission = server
            .api_submission("urgent-protection", &format!("urgent {n}"))
            .await;
        submission.body["urgent"] = json!(true);
        urgent.push(submission);
    }
    // Ordinary reports until the global budget is spent.
    let mut spent = false;
    for submission in &ordinary {
        if server.post_report(&submission.body).await.status() == 429 {
            spent = true;
            break;
        }
    }
    assert!(spent, "the global budget ran out");
    // Urgent ones still go through, from their own budget, until it too is spent.
    let mut statuses = Vec::new();
    for submission in &urgent {
        statuses.push(server.post_report(&submission.body).await.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 429], "{statuses:?}");
    server.stop().await;
}

#[tokio::test]
async fn a_large_upload_past_the_slots_is_refused_at_once_and_small_reports_go_on() {
    use tokio::io::AsyncWriteExt;
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.max_concurrent_uploads = 1
    })
    .await;
    let session = server.form_session("/").await;
    // A slow upload of 5 MiB takes the one slot: its headers and a first piece, then nothing.
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /report HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n",
        session.cookie,
        5 * 1024 * 1024
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(format!("--b\r\nContent-Disposition: form-data; name=\"authenticity_token\"\r\n\r\n{}\r\n--b\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"big.bin\"\r\n\r\n", session.token).as_bytes()).await.unwrap();
    slow.write_all(&vec![b'x'; 64 * 1024]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Another large body is refused before it is read, and says when to come back.
    let started = std::time::Instant::now();
    let refused = server
        .client()
        .post(server.endpoint("/api/v1/reports"))
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "busy", "{body}");
    assert!(started.elapsed() < Duration::from_secs(5), "refused fast");

    // Reports without files never wait for a slot.
    let (_, accepted) = server.submit_api("general", "a text-only report").await;
    assert!(!accepted.id.is_empty());

    // Once the slow upload is gone, large bodies are read again (this one is refused for
    // what it is, not for lack of a slot).
    drop(slow);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let read = server
        .client()
        .post(server.endpoint("/api/v1/reports"))
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 400, "a slot was free again");
    server.stop().await;
}

/// The real binary fixes glibc's mmap threshold before it serves, so the buffers an upload is
/// sealed in go back to the system when freed (`bench intake --attachment-bytes` measures it);
/// an operator's own setting is kept.
#[tokio::test]
async fn the_server_returns_freed_upload_buffers_to_the_system() {
    use crate::process::{ServerProcess, SpawnOptions};
    let environ = |pid: u32| {
        String::from_utf8_lossy(&std::fs::read(format!("/proc/{pid}/environ")).unwrap())
            .split('\0')
            .find_map(|v| v.strip_prefix("MALLOC_MMAP_THRESHOLD_=").map(str::to_owned))
    };
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(Backend::Sqlite, dir.path()).await;
    let server = ServerProcess::spawn(dir.path(), &url);
    assert_eq!(environ(server.pid()).as_deref(), Some("262144"));
    drop(server);
    let options = SpawnOptions {
        env: vec![("MALLOC_MMAP_THRESHOLD_".into(), "1048576".into())],
        ..SpawnOptions::default()
    };
    let server = ServerProcess::spawn_with(dir.path(), &url, &options);
    assert_eq!(environ(server.pid()).as_deref(), Some("1048576"));
    drop(server);
}
