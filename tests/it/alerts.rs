//! Alert delivery against real receivers on 127.0.0.1: an axum webhook receiver that checks
//! every signature, and aiosmtpd (from PyPI) as the SMTP server when it is installed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use safehold::alerts::webhook::signature;
use safehold::alerts::{AlertWorker, WorkerHandle};
use safehold::keyring::Keyring;
use safehold::policy::Policy;
use tokio::sync::Mutex;

use crate::common::{
    Backend, FormReport, Site, SmtpSink, Store, TestServer, free_port, fresh_database, marker,
    on_both_backends, postgres_base_url, random_bytes, repo, run, stand_in_report, today,
};
use crate::process::{ServerProcess, SpawnOptions};

/// Polls `check` until it holds, for at most 20 s.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ─── The webhook receiver ──────────────────────────────────────────────────────────────────

#[derive(Clone, Debug)]
struct Received {
    target: String,
    body: Vec<u8>,
    signed: bool,
}

impl Received {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("alert JSON")
    }
}

#[derive(Clone, Default)]
struct ReceiverState {
    secrets: Arc<HashMap<String, String>>,
    got: Arc<Mutex<Vec<Received>>>,
    /// Answer 503 to this many requests first.
    fail_first: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

struct Receiver {
    state: ReceiverState,
    task: tokio::task::JoinHandle<()>,
}

async fn receive(
    State(state): State<ReceiverState>,
    UrlPath(target): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    state.requests.fetch_add(1, Ordering::SeqCst);
    if state
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let expected = state
        .secrets
        .get(&target)
        .map(|secret| signature(secret.as_bytes(), &body));
    let given = headers
        .get("x-safehold-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let signed = expected.is_some() && expected == given;
    state.got.lock().await.push(Received {
        target,
        body: body.to_vec(),
        signed,
    });
    if signed {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

impl Receiver {
    async fn start(secrets: &HashMap<String, String>, addr: SocketAddr) -> Receiver {
        let state = ReceiverState {
            secrets: Arc::new(secrets.clone()),
            ..ReceiverState::default()
        };
        let app = axum::Router::new()
            .route("/hook/{target}", axum::routing::post(receive))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind receiver");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { state, task }
    }

    async fn got(&self) -> Vec<Received> {
        self.state.got.lock().await.clone()
    }

    async fn got_for(&self, target: &str) -> Vec<Received> {
        self.got()
            .await
            .into_iter()
            .filter(|r| r.target == target)
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ─── Policies written for each test ────────────────────────────────────────────────────────

/// A webhook target of the test policy.
struct Hook {
    name: &'static str,
    /// `immediate`, or a digest schedule like `every 2s`.
    schedule: Option<&'static str>,
    /// Read the secret from this environment variable instead of a file.
    env: Option<&'static str>,
}

fn hook(name: &'static str) -> Hook {
    Hook {
        name,
        schedule: None,
        env: None,
    }
}

struct TestPolicy {
    dir: tempfile::TempDir,
    secrets: HashMap<String, String>,
    env: Vec<(String, String)>,
}

impl TestPolicy {
    fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    fn load(&self) -> Policy {
        let keyring = Keyring::load(&repo().join("keys/DEMO")).expect("demo keys");
        let env = self.env.clone();
        Policy::load_with_env(&self.path(), &keyring, &move |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// Routes: `urgent-protection` (immediate danger), `treaty-bodies` (treaty_body) and `general`,
/// each alerting the targets given; webhooks go to `hooks_at`.
fn write_policy(
    hooks_at: SocketAddr,
    routes: &[(&str, &[&str])],
    hooks: &[Hook],
    smtp_port: Option<u16>,
    max_attempts: u32,
) -> TestPolicy {
    let dir = tempfile::tempdir().unwrap();
    let alerts_of = |route: &str| -> String {
        let names = routes
            .iter()
            .find(|(r, _)| *r == route)
            .map(|(_, t)| t.to_vec())
            .unwrap_or_default();
        format!(
            "[{}]",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let routing = format!(
        "default_route = \"general\"\n\
         [[route]]\nname = \"urgent-protection\"\nwhen = {{ immediate_danger = true }}\ncaseworkers = [\"amina\", \"bruno\"]\nalerts = {}\n\
         [[route]]\nname = \"treaty-bodies\"\nwhen = {{ mechanism = [\"treaty_body\"] }}\ncaseworkers = [\"chen\"]\nalerts = {}\n\
         [[route]]\nname = \"general\"\ncaseworkers = [\"amina\", \"bruno\", \"chen\"]\nalerts = {}\n",
        alerts_of("urgent-protection"),
        alerts_of("treaty-bodies"),
        alerts_of("general"),
    );
    std::fs::write(dir.path().join("routing.toml"), routing).unwrap();
    let mut alerts = format!(
        "max_attempts = {max_attempts}\nbackoff_base = \"1s\"\nbackoff_max = \"2s\"\ntimeout = \"2s\"\npoll_interval = \"100ms\"\n"
    );
    let mut secrets = HashMap::new();
    let mut env = Vec::new();
    for h in hooks {
        let secret = hex::encode(random_bytes::<16>());
        let source = match h.env {
            Some(var) => {
                env.push((var.to_owned(), secret.clone()));
                format!("secret_env = \"{var}\"")
            }
            None => {
                std::fs::write(dir.path().join(format!("{}.secret", h.name)), &secret).unwrap();
                format!("secret_file = \"{}.secret\"", h.name)
            }
        };
        let mode = match h.schedule {
            None => "mode = \"immediate\"\ninclude_case = true".to_owned(),
            Some(s) => format!("mode = \"digest\"\nschedule = \"{s}\"\ninclude_case = true"),
        };
        alerts.push_str(&format!(
            "[[target]]\nname = \"{0}\"\nkind = \"webhook\"\nurl = \"http://{hooks_at}/hook/{0}\"\n{source}\n{mode}\n",
            h.name
        ));
        secrets.insert(h.name.to_owned(), secret);
    }
    if let Some(port) = smtp_port {
        alerts.push_str(&format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain-loopback-only\"\nfrom = \"Safehold <safehold@example.org>\"\n\
             [[target]]\nname = \"desk-mail\"\nkind = \"email\"\nto = [\"desk@example.org\"]\nmode = \"immediate\"\ninclude_case = true\n"
        ));
    }
    std::fs::write(dir.path().join("alerts.toml"), alerts).unwrap();
    TestPolicy { dir, secrets, env }
}

/// Only the `general` route, alerting one immediate webhook, `general-hook`.
fn general_hook_policy(hooks_at: SocketAddr, max_attempts: u32) -> TestPolicy {
    write_policy(
        hooks_at,
        &[("general", &["general-hook"])],
        &[hook("general-hook")],
        None,
        max_attempts,
    )
}

/// An in-process server on `policy`, with its alert worker running.
async fn start_server(backend: Backend, policy: &TestPolicy) -> (TestServer, WorkerHandle) {
    let path = policy.path();
    let server = TestServer::start_with(backend, move |c| c.policy = path).await;
    let worker = AlertWorker::new(server.store.clone(), policy.load().alerts)
        .expect("worker")
        .spawn();
    (server, worker)
}

fn assert_content_free(
    alert: &serde_json::Value,
    kind: &str,
    route: &str,
    case: &str,
    urgent: bool,
) {
    let object = alert.as_object().expect("a JSON object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["case", "id", "kind", "route", "safehold", "text", "urgent"]
    );
    assert_eq!(alert["safehold"], "alert.v1");
    assert_eq!(alert["kind"], kind);
    assert_eq!(alert["route"], route);
    assert_eq!(alert["case"], case);
    assert_eq!(alert["urgent"], urgent);
    assert_eq!(alert["id"].as_str().map(str::len), Some(32));
}

// ─── Tests ─────────────────────────────────────────────────────────────────────────────────

/// The route's targets get exactly the content-free alert, by webhook and e-mail; other
/// routes' targets get nothing; delivered rows are deleted.
async fn route_targets_get_exactly_the_content_free_alert(backend: Backend) {
    let hooks_at = free_port();
    let smtp_dir = tempfile::tempdir().unwrap();
    let smtp = SmtpSink::start(smtp_dir.path());
    let urgent_targets: &[&str] = if smtp.is_some() {
        &["desk-hook", "desk-mail"]
    } else {
        &["desk-hook"]
    };
    let policy = write_policy(
        hooks_at,
        &[
            ("urgent-protection", urgent_targets),
            ("treaty-bodies", &["tb-hook"]),
            ("general", &["general-hook"]),
        ],
        &[hook("desk-hook"), hook("tb-hook"), hook("general-hook")],
        smtp.as_ref().map(|s| s.port),
        5,
    );
    let receiver = Receiver::start(&policy.secrets, hooks_at).await;
    let (server, worker) = start_server(backend, &policy).await;

    let secret_text = marker("alert-content");
    let mut report = FormReport::simple(&secret_text).urgent();
    report.attachments = vec![(
        format!("{secret_text}.pdf"),
        secret_text.as_bytes().to_vec(),
    )];
    let case = server.submit_form(&report).await.id;

    eventually("the desk webhook alert", || async {
        !receiver.got_for("desk-hook").await.is_empty()
    })
    .await;
    if let Some(smtp) = &smtp {
        eventually("the desk e-mail", || async { !smtp.messages().is_empty() }).await;
    }
    eventually("the outbox to empty", || async {
        server.store.pending_alerts().await.unwrap().is_empty()
    })
    .await;

    let got = receiver.got().await;
    assert_eq!(
        got.len(),
        1,
        "only the route's webhook got anything: {got:?}"
    );
    assert!(got[0].signed, "signature verified");
    assert_content_free(
        &got[0].json(),
        "new_report",
        "urgent-protection",
        &case,
        true,
    );
    let body = String::from_utf8_lossy(&got[0].body).into_owned();
    assert!(
        !body.contains(&secret_text) && !body.contains(".pdf"),
        "{body}"
    );
    if let Some(smtp) = &smtp {
        let mails = smtp.messages();
        assert_eq!(mails.len(), 1);
        let mail = &mails[0];
        assert!(mail.contains("Subject: Safehold alert: URGENT"), "{mail}");
        assert!(
            mail.contains(&case) && mail.contains("urgent-protection"),
            "{mail}"
        );
        assert!(
            !mail.contains(&secret_text) && !mail.contains(".pdf"),
            "{mail}"
        );
    }

    // A report on the default route reaches only its own target.
    let case = server
        .submit_form(&FormReport::simple("nothing urgent"))
        .await
        .id;
    eventually("the general alert", || async {
        !receiver.got_for("general-hook").await.is_empty()
    })
    .await;
    let general = receiver.got_for("general-hook").await;
    assert_content_free(&general[0].json(), "new_report", "general", &case, false);
    eventually("the outbox to empty", || async {
        server.store.pending_alerts().await.unwrap().is_empty()
    })
    .await;
    assert!(
        receiver.got_for("tb-hook").await.is_empty(),
        "other routes get nothing"
    );
    assert_eq!(receiver.got().await.len(), 2);
    assert!(server.store.dead_letters().await.unwrap().is_empty());
    worker.shutdown().await;
    server.stop().await;
}
on_both_backends!(route_targets_get_exactly_the_content_free_alert);

/// Receiver answers 503 twice, then 200: the alert arrives after retries, with one id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receiver_down_then_up_gets_the_alert_after_retries() {
    let hooks_at = free_port();
    let policy = general_hook_policy(hooks_at, 6);
    let receiver = Receiver::start(&policy.secrets, hooks_at).await;
    receiver.state.fail_first.store(2, Ordering::SeqCst);
    let (server, worker) = start_server(Backend::Sqlite, &policy).await;
    let case = server.submit_form(&FormReport::simple("retry me")).await.id;
    eventually("delivery after retries", || async {
        !receiver.got().await.is_empty()
    })
    .await;
    assert_eq!(
        receiver.state.requests.load(Ordering::SeqCst),
        3,
        "two failures, one success"
    );
    let got = receiver.got().await;
    assert_content_free(&got[0].json(), "new_report", "general", &case, false);
    eventually("the outbox to empty", || async {
        server.store.pending_alerts().await.unwrap().is_empty()
    })
    .await;
    worker.shutdown().await;
    server.stop().await;
}

/// `safehold admin alerts ARGS` against `server`, with the policy's secrets in the
/// environment: (success, stdout and stderr).
fn admin(server: &TestServer, policy: &TestPolicy, args: &[&str]) -> (bool, String) {
    let args: Vec<&str> = ["alerts"].iter().chain(args).copied().collect();
    let (ok, out, err) = run(server
        .admin_command(&args)
        .envs(policy.env.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
    (ok, format!("{out}{err}"))
}

/// Receiver down for good: the alert is dead-lettered (day only, error class), listed by
/// `safehold admin alerts list`; `retry` and `test` work once the receiver is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letter_then_admin_retry_and_test() {
    let hooks_at = free_port();
    let policy = general_hook_policy(hooks_at, 2);
    let (server, worker) = start_server(Backend::Sqlite, &policy).await;
    let case = server
        .submit_form(&FormReport::simple("nobody listens"))
        .await
        .id;
    eventually("the dead letter", || async {
        !server.store.dead_letters().await.unwrap().is_empty()
    })
    .await;
    let dead = server.store.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].case_id, case);
    assert_eq!(dead[0].dead_day, today());
    assert_eq!(dead[0].attempts, 2);
    assert_eq!(dead[0].error_class, "connect");
    assert!(server.store.pending_alerts().await.unwrap().is_empty());

    let (ok, listing) = admin(&server, &policy, &["list"]);
    assert!(ok, "{listing}");
    assert!(
        listing.contains(&case) && listing.contains("general-hook") && listing.contains("connect"),
        "{listing}"
    );

    let receiver = Receiver::start(&policy.secrets, hooks_at).await;
    let (ok, out) = admin(&server, &policy, &["retry", &dead[0].id.to_string()]);
    assert!(ok, "{out}");
    eventually("delivery after the retry", || async {
        !receiver.got().await.is_empty()
    })
    .await;
    let got = receiver.got().await;
    assert_content_free(&got[0].json(), "new_report", "general", &case, false);
    assert_eq!(
        got[0].json()["id"],
        dead[0].idem.as_str(),
        "same idempotency id"
    );
    assert!(server.store.dead_letters().await.unwrap().is_empty());

    let (ok, out) = admin(&server, &policy, &["test", "general-hook"]);
    assert!(ok, "{out}");
    let got = receiver.got().await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].json()["kind"], "test");
    assert!(got[1].signed);
    let (ok, out) = admin(&server, &policy, &["test", "nope"]);
    assert!(!ok && out.contains("unknown_target"), "{out}");
    worker.shutdown().await;
    server.stop().await;
}

/// SIGKILL after the acknowledgement, before delivery (the receiver is not even up): on
/// restart the alert is delivered. Run with RUST_LOG=trace, this is also the canary test: no
/// alert and no log line contains report content, and worker lines carry no URL or secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_survives_sigkill_and_no_content_leaks() {
    let hooks_at = free_port();
    let policy = write_policy(
        hooks_at,
        &[
            ("urgent-protection", &["desk-hook"]),
            ("general", &["general-hook"]),
        ],
        &[
            Hook {
                name: "desk-hook",
                schedule: None,
                env: Some("SAFEHOLD_TEST_DESK_SECRET"),
            },
            hook("general-hook"),
        ],
        None,
        8,
    );
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(Backend::Sqlite, dir.path()).await;
    let options = SpawnOptions {
        policy: Some(policy.path()),
        env: policy.env.clone(),
        args: vec![],
        ..SpawnOptions::default()
    };
    let mut server = ServerProcess::spawn_with(dir.path(), &database_url, &options);
    let secret_text = marker("kill-canary");
    let mut report = FormReport::simple(&secret_text).urgent();
    report.attachments = vec![(format!("{secret_text}-name.jpg"), b"jpeg".to_vec())];
    let case = Site::at(&server.url).submit_form(&report).await.id;
    server.kill();
    let first_log = std::fs::read_to_string(&server.stderr).unwrap_or_default();

    let receiver = Receiver::start(&policy.secrets, hooks_at).await;
    let restarted = ServerProcess::spawn_with(dir.path(), &database_url, &options);
    eventually("delivery after the restart", || async {
        !receiver.got().await.is_empty()
    })
    .await;
    let got = receiver.got().await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].signed, "secret from the environment");
    assert_content_free(
        &got[0].json(),
        "new_report",
        "urgent-protection",
        &case,
        true,
    );
    let store = Store::connect(&database_url).await.unwrap();
    eventually("the outbox to empty", || async {
        store.pending_alerts().await.unwrap().is_empty()
    })
    .await;
    store.close().await;

    let log = format!(
        "{first_log}{}",
        std::fs::read_to_string(&restarted.stderr).unwrap_or_default()
    );
    let secrets: Vec<&String> = policy.secrets.values().collect();
    for text in got
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .chain([log.clone()])
    {
        assert!(
            !text.contains(&secret_text),
            "report content leaked: {text}"
        );
        assert!(
            !text.contains("-name.jpg"),
            "attachment name leaked: {text}"
        );
    }
    assert!(!log.contains("/hook/"), "a receiver URL in the log: {log}");
    // The worker logs no line per alert (it would date the report): no target, no case.
    for line in log.lines() {
        assert!(
            !secrets.iter().any(|s| line.contains(s.as_str())),
            "secret in log: {line}"
        );
        assert!(!line.contains("desk-hook"), "a line per alert: {line}");
        assert!(!line.contains(&case), "case id in the log: {line}");
    }
    drop(restarted);
}

/// A digest target on a 2-second schedule: digests arrive even when nothing happened, and
/// with zero, one and many events they all have the same size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digests_arrive_on_schedule_with_equal_sizes() {
    let hooks_at = free_port();
    let policy = write_policy(
        hooks_at,
        &[("general", &["digest-hook"])],
        &[Hook {
            name: "digest-hook",
            schedule: Some("every 2s"),
            env: None,
        }],
        None,
        5,
    );
    let receiver = Receiver::start(&policy.secrets, hooks_at).await;
    let (server, worker) = start_server(Backend::Sqlite, &policy).await;
    // Inserts `n` reports at once (one group commit) right after a digest went out, so they
    // all land in the next one.
    let insert_after_next_digest = |n: usize| {
        let store = server.store.clone();
        let receiver = &receiver;
        async move {
            let before = receiver.got().await.len();
            eventually("the next digest", || async {
                receiver.got().await.len() > before
            })
            .await;
            let tasks: Vec<_> = (0..n)
                .map(|_| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        let report = stand_in_report("general", &today(), &["digest-hook"]);
                        store.insert_report(report).await.unwrap();
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        }
    };
    let count_of = |r: &Received| r.json()["count"].as_u64().unwrap_or(u64::MAX);
    eventually("an empty digest", || async {
        receiver.got().await.iter().any(|r| count_of(r) == 0)
    })
    .await;
    insert_after_next_digest(1).await;
    eventually("a digest of one", || async {
        receiver.got().await.iter().any(|r| count_of(r) == 1)
    })
    .await;
    insert_after_next_digest(40).await;
    eventually("a digest of forty", || async {
        receiver.got().await.iter().any(|r| count_of(r) == 40)
    })
    .await;
    worker.shutdown().await;
    let got = receiver.got().await;
    let sizes: Vec<(u64, usize)> = got.iter().map(|r| (count_of(r), r.body.len())).collect();
    eprintln!("digest (count, bytes): {sizes:?}");
    assert!(got.iter().all(|r| r.signed));
    assert!(
        sizes
            .iter()
            .all(|&(_, len)| len == safehold::alerts::digest::JSON_BYTES),
        "{sizes:?}"
    );
    let forty = got.iter().find(|r| count_of(r) == 40).unwrap().json();
    assert_eq!(forty["items"].as_array().map(Vec::len), Some(20));
    assert_eq!(forty["more"], 20);
    server.stop().await;
}

/// Two `safehold serve` instances on one PostgreSQL database and a few hundred alerts: each
/// is delivered; duplicates (allowed by at-least-once) are counted and printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(safehold_postgres_tests),
    ignore = "SAFEHOLD_TEST_POSTGRES_URL was not set when the tests were built"
)]
async fn two_instances_on_postgres_share_the_outbox() {
    assert!(
        postgres_base_url().is_some(),
        "SAFEHOLD_TEST_POSTGRES_URL was set when the tests were built, but not now"
    );
    let hooks_at = free_port();
    let policy = write_policy(
        hooks_at,
        &[("general", &["hook-a", "hook-b", "hook-c"])],
        &[hook("hook-a"), hook("hook-b"), hook("hook-c")],
        None,
        8,
    );
    let receiver = Receiver::start(&policy.secrets, hooks_at).await;
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(Backend::Postgres, dir.path()).await;
    let options = SpawnOptions {
        policy: Some(policy.path()),
        ..SpawnOptions::default()
    };
    let mut one = ServerProcess::spawn_with(dir.path(), &database_url, &options);
    let mut two = ServerProcess::spawn_with(dir.path(), &database_url, &options);
    let store = Store::connect(&database_url).await.unwrap();
    let reports = 100;
    let mut tasks = Vec::new();
    for _ in 0..reports {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let targets = ["hook-a", "hook-b", "hook-c"];
            let report = stand_in_report("general", &today(), &targets);
            store.insert_report(report).await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let expected = reports * 3;
    let unique = || async {
        let got = receiver.got().await;
        let ids: std::collections::HashSet<String> = got
            .iter()
            .filter_map(|r| r.json()["id"].as_str().map(str::to_owned))
            .collect();
        (ids.len(), got.len())
    };
    eventually("every alert delivered", || async {
        unique().await.0 == expected
    })
    .await;
    eventually("the outbox to empty", || async {
        store.pending_alerts().await.unwrap().is_empty()
    })
    .await;
    let (distinct, total) = unique().await;
    assert_eq!(distinct, expected);
    assert!(receiver.got().await.iter().all(|r| r.signed));
    assert!(store.dead_letters().await.unwrap().is_empty());
    // Each instance counts its deliveries for the day and writes them when it stops.
    assert!(one.terminate().success());
    assert!(two.terminate().success());
    let counts = store.daily_counts(&today()).await.unwrap();
    let delivered: i64 = counts
        .iter()
        .filter(|c| c.class == "alert" && c.outcome == "delivered")
        .map(|c| c.count)
        .sum();
    eprintln!(
        "two instances on PostgreSQL: {expected} alerts, {total} deliveries, {distinct} distinct, {} duplicate(s)",
        total - distinct
    );
    assert_eq!(usize::try_from(delivered).unwrap(), total, "{counts:?}");
    store.close().await;
}

/// Stands for the e-mail checks inside `alerts::` and `canary::`, which need aiosmtpd: in a
/// build without it this test is ignored, so the summary says the checks did not run.
#[cfg_attr(
    not(safehold_smtp_tests),
    ignore = "aiosmtpd was missing at build time: the e-mail checks of alerts:: and canary:: were skipped; pip install aiosmtpd"
)]
#[test]
fn e_mail_checks_ran() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        crate::common::SmtpSink::start(dir.path()).is_some(),
        "aiosmtpd starts"
    );
}
