//! Invariants 1 and 2: no plaintext, codephrase, reporter address or user agent at rest or in
//! logs, and no clock time finer than a day anywhere a seized server could show it. A unique
//! marker goes in through both paths (fields and attachment); then the database files, the
//! data and temp directories, the logs (and a PostgreSQL dump) are scanned for it, and every
//! column of every table, the SQLite WAL, the log, and every alert body (webhook and e-mail)
//! are scanned for clock times ([`Clock`]), while alerts are delivered and retried.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::common::{
    Backend, Clock, FormReport, Site, SmtpSink, free_port, fresh_database, marker,
    on_both_backends, read_only_sqlite, repo,
};
use crate::process::{ServerProcess, SpawnOptions};

/// What the page footer promises every reporter; this test is what makes it true.
const FOOTER_CLAIM: &str = "stores no IP address and no exact time of arrival";

/// The reporter's address: a loopback address the server itself never uses.
const REPORTER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));
const USER_AGENT: &str = "SafeholdCanaryAgent/1.0";

fn reporter_client() -> reqwest::Client {
    safehold::cli::http_client()
        .local_address(REPORTER_IP)
        .user_agent(USER_AGENT)
        .build()
        .unwrap()
}

/// Every needle, as raw text and as the base64 an envelope would carry.
fn needles(markers: &[String], codephrases: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for m in markers {
        out.push((m.clone(), m.as_bytes().to_vec()));
        // The attachment starts with the marker; its base64 prefix is fixed.
        let prefix = &m.as_bytes()[..m.len() / 3 * 3];
        out.push((format!("base64({m})"), STANDARD.encode(prefix).into_bytes()));
    }
    for c in codephrases {
        out.push(("codephrase".into(), c.as_bytes().to_vec()));
        out.push((
            "codephrase word pair".into(),
            c.split(' ')
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
                .into_bytes(),
        ));
    }
    out.push(("reporter IP".into(), REPORTER_IP.to_string().into_bytes()));
    out.push(("user agent".into(), USER_AGENT.as_bytes().to_vec()));
    out
}

fn scan_tree(root: &Path, needles: &[(String, Vec<u8>)], scanned: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            scan_tree(&path, needles, scanned);
            continue;
        }
        let small = entry
            .metadata()
            .is_ok_and(|m| m.is_file() && m.len() < 64 * 1024 * 1024);
        let Ok(bytes) = (if small {
            std::fs::read(&path)
        } else {
            continue;
        }) else {
            continue;
        };
        scanned.push(path.file_name().unwrap().to_string_lossy().into_owned());
        for (what, needle) in needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                "{what} found in {}",
                path.display()
            );
        }
    }
}

/// Bodies posted to a loopback webhook receiver that always answers 200.
#[derive(Clone, Default)]
struct Hook {
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Hook {
    async fn start(addr: SocketAddr) -> Hook {
        let hook = Hook::default();
        let bodies = hook.bodies.clone();
        let app = axum::Router::new().route(
            "/hook/{target}",
            axum::routing::post(move |body: axum::body::Bytes| {
                let bodies = bodies.clone();
                async move {
                    bodies.lock().unwrap().push(body.to_vec());
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        hook
    }

    fn bodies(&self) -> Vec<Vec<u8>> {
        self.bodies.lock().unwrap().clone()
    }
}

/// The DEMO policy with alert targets that reach this test: the protection desk's webhook
/// answers, the treaty desk's never does (its alert is retried all along), and the
/// caseworkers' mail goes to `smtp` at once when there is an SMTP sink, so every kind of
/// alert body exists while the database is scanned.
fn canary_policy(dir: &Path, hook: SocketAddr, dead: SocketAddr, smtp: Option<u16>) -> PathBuf {
    let policy = dir.join("policy");
    std::fs::create_dir_all(&policy).unwrap();
    for file in ["routing.toml", "escalation.toml", "retention.toml"] {
        std::fs::copy(repo().join("policy/DEMO").join(file), policy.join(file)).unwrap();
    }
    std::fs::write(
        policy.join("hook-secret"),
        "0123456789abcdef0123456789abcdef",
    )
    .unwrap();
    let mut alerts = String::from(
        "max_attempts = 100\nbackoff_base = \"1s\"\nbackoff_max = \"1s\"\ntimeout = \"2s\"\npoll_interval = \"100ms\"\n",
    );
    for (name, addr) in [
        ("protection-desk", hook),
        ("treaty-desk", dead),
        ("rapporteurs-desk", hook),
    ] {
        alerts.push_str(&format!(
            "[[target]]\nname = \"{name}\"\nkind = \"webhook\"\nurl = \"http://{addr}/hook/{name}\"\nsecret_file = \"hook-secret\"\nmode = \"immediate\"\n"
        ));
    }
    let port = smtp.unwrap_or(dead.port());
    alerts.push_str(&format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain-loopback-only\"\nfrom = \"safehold@example.org\"\n\
         [[target]]\nname = \"caseworkers-mail\"\nkind = \"email\"\nto = [\"desk@example.org\"]\nmode = \"immediate\"\n"
    ));
    std::fs::write(policy.join("alerts.toml"), alerts).unwrap();
    policy
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(
            // Generous: a loaded CI machine runs a hundred tests at once beside this one.
            started.elapsed() < Duration::from_secs(90),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Failed attempts recorded for the alerts of `target`.
async fn attempts_of(backend: Backend, url: &str, target: &str) -> i64 {
    let sql = "SELECT COALESCE(MAX(attempts), 0) FROM outbox WHERE target = $1";
    match backend {
        Backend::Sqlite => {
            let pool = read_only_sqlite(url).await;
            let n: i64 = sqlx::query_scalar(sql)
                .bind(target)
                .fetch_one(&pool)
                .await
                .unwrap();
            pool.close().await;
            n
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let n: i32 = sqlx::query_scalar(sql)
                .bind(target)
                .fetch_one(&pool)
                .await
                .unwrap();
            pool.close().await;
            i64::from(n)
        }
    }
}

/// Clock times in the database, except the staff's session expiries.
async fn clock_times_in_database(clock: Clock, backend: Backend, url: &str) -> Vec<String> {
    clock.in_database(backend, url).await.into_iter().collect()
}

/// Each e-mail as the mailbox provider stores it, without the `Received:` lines a relay adds
/// with its own clock (SECURITY.md says so); the `Date:` header is Safehold's and is checked.
fn mail_texts(smtp: &SmtpSink) -> Vec<String> {
    smtp.messages()
        .iter()
        .map(|m| {
            m.lines()
                .filter(|l| !l.starts_with("Received:"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

fn assert_no_clock_time(what: &str, times: &[String]) {
    assert!(
        times.is_empty(),
        "a clock time finer than a day in {what}:\n{}",
        times.join("\n")
    );
}

async fn no_plaintext_or_reporter_metadata_at_rest_or_in_logs(backend: Backend) {
    let clock = Clock::now();
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, dir.path()).await;
    let (hook_at, dead_at) = (free_port(), free_port());
    let hook = Hook::start(hook_at).await;
    let smtp = SmtpSink::start(dir.path());
    let options = SpawnOptions {
        policy: Some(canary_policy(
            dir.path(),
            hook_at,
            dead_at,
            smtp.as_ref().map(|s| s.port),
        )),
        // Maintenance (WAL truncation, file times) every second instead of every minute.
        env: vec![("SAFEHOLD_MAINTENANCE_SECONDS".into(), "1".into())],
        ..SpawnOptions::default()
    };
    let mut server = ServerProcess::spawn_with(dir.path(), &database_url, &options);
    let reporter = Site::with_client(&server.url, reporter_client());
    let mut markers = Vec::new();
    let mut codephrases = Vec::new();

    // The footer's promise is on every page; the rest of this test holds the server to it.
    let page = reporter.get_text("/").await;
    assert!(page.contains(FOOTER_CLAIM), "{page}");

    // No-JavaScript path: marker in a field and at the start of an attachment. Urgent, so
    // the protection desk's webhook and the caseworkers' mail are alerted.
    let field_marker = marker("form-field");
    let file_marker = marker("form-file");
    let mut report = FormReport::simple(&field_marker).urgent();
    let mut file = file_marker.clone().into_bytes();
    file.extend_from_slice(&[0u8; 5000]);
    report.attachments = vec![(format!("{file_marker}.pdf"), file)];
    let submitted = reporter.submit_form(&report).await;
    codephrases.push(submitted.codephrase);
    markers.extend([field_marker, file_marker]);

    // The receipt page derives keys on the server for one request.
    let (status, _, _) = reporter.receipt_lookup(&codephrases[0]).await;
    assert_eq!(status, 200);

    // API path: the client encrypts; the marker never even reaches the server.
    let api_marker = marker("api");
    let (submission, _) = reporter.submit_api("general", &api_marker).await;
    markers.push(api_marker);
    codephrases.push(submission.codephrase);
    // A report whose alert never gets through: its retries are recorded while we look.
    let (treaty, _) = reporter
        .submit_api("treaty-bodies", &marker("treaty"))
        .await;
    codephrases.push(treaty.codephrase);

    // A caseworker pulls the urgent case at once: the audit entry must not date it either.
    let staff = Site::at(&server.url);
    let token = staff.login("caseworker", "amina", "amina").await;
    let (status, _) = staff
        .get_as(&format!("/api/v1/cases/{}", submitted.id), &token)
        .await;
    assert_eq!(status, 200);

    eventually("the protection desk's webhook alert", async || {
        !hook.bodies().is_empty()
    })
    .await;
    if let Some(smtp) = &smtp {
        eventually("both e-mail alerts", async || smtp.messages().len() >= 2).await;
    }
    eventually("two failed attempts at the treaty desk", async || {
        attempts_of(backend, &database_url, "treaty-desk").await >= 2
    })
    .await;

    let needles = needles(&markers, &codephrases);
    // While running: the database, its -wal and -shm, temp dir and logs as they are now.
    let mut scanned = Vec::new();
    scan_tree(dir.path(), &needles, &mut scanned);
    if backend == Backend::Sqlite {
        assert!(
            scanned.iter().any(|f| f.ends_with("-wal")),
            "the WAL was scanned: {scanned:?}"
        );
    }
    // No clock time in any column of any table, in the WAL, the log or any alert.
    assert_no_clock_time(
        "the database",
        &clock_times_in_database(clock, backend, &database_url).await,
    );
    if backend == Backend::Sqlite {
        for entry in std::fs::read_dir(dir.path().join("data"))
            .unwrap()
            .flatten()
        {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            assert_no_clock_time(&entry.path().display().to_string(), &clock.in_bytes(&bytes));
        }
    }
    let log = std::fs::read_to_string(&server.stderr).unwrap();
    assert_no_clock_time("the log", &clock.in_text(&log));
    let bodies = hook.bodies();
    for body in &bodies {
        assert_no_clock_time("a webhook alert", &clock.in_bytes(body));
        let alert: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(
            alert["case"], "",
            "an immediate alert names no case by default"
        );
    }
    if let Some(smtp) = &smtp {
        for mail in mail_texts(smtp) {
            assert_no_clock_time("an e-mail alert", &clock.in_text(&mail));
            assert!(!mail.contains(&submitted.id), "{mail}");
        }
    }

    // After a clean stop (checkpoint, final log lines, the day's counts), once more.
    assert!(server.terminate().success());
    // Before anything else opens the database again:
    if backend == Backend::Sqlite {
        // Not even the files' modification times tell when the last report came.
        for entry in std::fs::read_dir(dir.path().join("data"))
            .unwrap()
            .flatten()
        {
            let modified = entry.metadata().unwrap().modified().unwrap();
            let seconds = modified
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            assert_eq!(
                seconds % 86_400,
                0,
                "{} was modified at a time of day",
                entry.path().display()
            );
        }
    }
    let mut scanned = Vec::new();
    scan_tree(dir.path(), &needles, &mut scanned);
    assert!(
        scanned.iter().any(|f| f.starts_with("stderr")),
        "the logs were scanned"
    );
    let log = std::fs::read_to_string(&server.stderr).unwrap();
    assert!(!log.is_empty(), "the server did log");
    assert_no_clock_time("the log", &clock.in_text(&log));
    // No line is written because of a reporter's request, even without a time on it: a log
    // collector would stamp it.
    for line in log.lines() {
        assert!(
            !["/report", "/receipt", "/api/v1/reports", "/api/v1/receipt"]
                .iter()
                .any(|route| line.contains(route)),
            "a request was logged: {line}"
        );
    }
    assert_no_clock_time(
        "the database after a stop",
        &clock_times_in_database(clock, backend, &database_url).await,
    );
    // The server's temp files go to its own TMPDIR (`tmp/` inside the test's directory, set
    // by the launcher), which `scan_tree` above read: the machine's temp dir is not ours.
    assert!(
        dir.path().join("tmp").is_dir(),
        "the server had its own temp dir, and it was scanned"
    );

    if backend == Backend::Postgres {
        let dump = dir.path().join("dump.sql");
        let output = std::process::Command::new("pg_dump")
            .arg("--dbname")
            .arg(&database_url)
            .arg("--file")
            .arg(&dump)
            .output()
            .expect("pg_dump runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = std::fs::read_to_string(&dump).unwrap();
        assert!(text.contains("reports"), "the dump holds the tables");
        scan_tree(dir.path(), &needles, &mut Vec::new());
    }
}
on_both_backends!(no_plaintext_or_reporter_metadata_at_rest_or_in_logs);
