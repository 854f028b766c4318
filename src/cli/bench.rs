//! `safehold bench …`: load tests against a real server on loopback.
//!
//! `safehold bench intake` starts `safehold serve --demo` (this same binary) as a child
//! process on a fresh database, drives one of the two intake paths with `--concurrency`
//! keep-alive connections for a bounded time, and prints accepted reports per second, latency
//! percentiles, and the peak memory of the server and of the benchmark itself. Everything the
//! client would otherwise spend on its own encryption and key derivation is prepared before
//! the timed window, so the figures are the server's.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Subcommand, ValueEnum};

use crate::crypto::{codephrase::Codephrase, receipt::ReceiptKeys, seal};
use crate::envelope::{Channel, Consent, Report, ReportFields, RoutingAnswers};
use crate::policy::Answers;
use crate::wire::{RoutesResponse, SubmitRequest};

/// Benchmark subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Start a server on loopback and measure report intake (reports/s, latency, memory).
    Intake(IntakeArgs),
}

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Intake(args) => {
            super::async_runtime(super::Threads::PerCore)?.block_on(intake(args))
        }
    }
}

/// Which intake path to drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// `POST /report`: the no-JavaScript form; the server encrypts and derives the receipt.
    Nojs,
    /// `POST /api/v1/reports`: ciphertext made by the client, prepared before the run.
    Api,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Nojs => "nojs",
            Mode::Api => "api",
        }
    }
}

/// Options of `safehold bench intake`.
#[derive(Debug, Args)]
pub struct IntakeArgs {
    /// Intake path to drive.
    #[arg(long, value_enum, default_value_t = Mode::Api)]
    mode: Mode,
    /// Length of the measured window, in seconds (at most 120).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    seconds: u64,
    /// Unmeasured seconds before the window (connections, caches, page faults).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=60))]
    warmup_seconds: u64,
    /// Concurrent clients, each with its own keep-alive connection.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024))]
    concurrency: u64,
    /// Bytes of report text per report.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=16 * 1024 * 1024))]
    report_bytes: u64,
    /// Recipients each report is encrypted to: a route of the policy with exactly this many,
    /// or else generated caseworker keys and a one-route policy in the temp directory.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=256))]
    recipients: u64,
    /// Upper bound on requests sent, warm-up included.
    #[arg(long, default_value_t = 1_000_000)]
    max_requests: u64,
    /// Database: a fresh SQLite file in a temp directory by default; with `postgres://…`, a
    /// fresh database is created on that server for the run and dropped after it.
    #[arg(long)]
    database_url: Option<String>,
    /// Keys directory given to the server.
    #[arg(long, default_value = "keys/DEMO")]
    keys: PathBuf,
    /// Policy directory given to the server.
    #[arg(long, default_value = "policy/DEMO")]
    policy: PathBuf,
    /// Time this many receipt derivations (Argon2id) before the run, one at a time and then
    /// one per core [default: 20 with --mode nojs, 0 with --mode api].
    #[arg(long)]
    kdf_samples: Option<u64>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    json: bool,
}

/// Longest text field the form accepts (`MAX_TEXT_FIELD` in `http::intake`).
const FORM_MAX_FIELD: usize = 100 * 1024;
/// Distinct ciphertexts prepared for the API mode; receipt verifiers are patched in per request.
const API_TEMPLATES: usize = 32;
/// Stands in for the receipt verifier in the prepared JSON bodies.
const VERIFIER_PLACEHOLDER: &str = "@@SAFEHOLD_BENCH_VERIFIER@@";
/// Linux's fixed `USER_HZ`: the unit of CPU times in `/proc/*/stat`.
const TICKS_PER_SECOND: f64 = 100.0;

async fn intake(args: IntakeArgs) -> anyhow::Result<()> {
    let kdf_samples = args.kdf_samples.unwrap_or(match args.mode {
        Mode::Nojs => 20,
        Mode::Api => 0,
    });
    if args.mode == Mode::Nojs && args.report_bytes as usize > FORM_MAX_FIELD {
        bail!(
            "--report-bytes {} is more than the form accepts in one field ({FORM_MAX_FIELD}); use --mode api for larger reports",
            args.report_bytes
        );
    }
    // Timed before the server starts, so the two do not compete for the cores.
    let kdf = if kdf_samples > 0 {
        Some(tokio::task::spawn_blocking(move || time_kdf(kdf_samples)).await??)
    } else {
        None
    };

    let dir = TempDir::create()?;
    let (database_url, postgres) = match &args.database_url {
        None => (
            format!("sqlite://{}", dir.path.join("data/safehold.db").display()),
            None,
        ),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let db = BenchDatabase::create(url).await?;
            (db.url.clone(), Some(db))
        }
        Some(_) => bail!("--database-url must be postgres://… (SQLite is the default)"),
    };
    let result = run_against(&args, &dir, &database_url, kdf).await;
    // The server is stopped by now (its guard lives in `run_against`): the database can go.
    if let Some(db) = postgres
        && let Err(e) = db.drop_database().await
    {
        eprintln!("safehold bench: could not drop the benchmark database: {e:#}");
    }
    let summary = result?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary.to_json())?);
    } else {
        print!("{}", summary.human());
    }
    Ok(())
}

/// Everything between starting and killing the server.
async fn run_against(
    args: &IntakeArgs,
    dir: &TempDir,
    database_url: &str,
    kdf: Option<KdfTiming>,
) -> anyhow::Result<Summary> {
    let recipients = usize::try_from(args.recipients)?;
    let (keys, policy, route) = choose_route(args, dir, recipients)?;
    let mut server = ServerChild::spawn(&dir.path, database_url, &keys, &policy)?;
    let base = server.url.clone();

    let client = super::http_client()
        .build()
        .context("cannot set up the HTTP client")?;
    let routes: RoutesResponse = client
        .get(format!("{base}/api/v1/routes"))
        .send()
        .await
        .context("cannot reach the server")?
        .error_for_status()?
        .json()
        .await
        .context("unexpected /api/v1/routes answer")?;
    let view = routes
        .routes
        .iter()
        .find(|r| r.name == route.name)
        .with_context(|| format!("the server has no route \"{}\"", route.name))?;
    if view.recipients.len() != recipients {
        bail!(
            "route \"{}\" has {} recipients on the server, expected {recipients}",
            route.name,
            view.recipients.len()
        );
    }
    let route_recipients = view
        .recipients
        .iter()
        .map(|r| r.parse::<age::x25519::Recipient>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("the server sent an invalid recipient: {e}"))?;

    let report_bytes = usize::try_from(args.report_bytes)?;
    let concurrency = usize::try_from(args.concurrency)?;
    let work = match args.mode {
        Mode::Api => {
            let templates = build_api_templates(&route, &route_recipients, report_bytes)?;
            (0..concurrency)
                .map(|_| Work::Api(templates.clone()))
                .collect::<Vec<_>>()
        }
        Mode::Nojs => {
            let mut work = Vec::with_capacity(concurrency);
            for _ in 0..concurrency {
                work.push(Work::Form(
                    open_form_session(&base, &route.answers, report_bytes).await?,
                ));
            }
            work
        }
    };
    drop(client);

    let plan = Arc::new(Plan::new(args));
    let server_pid = server.pid();
    let sampler = tokio::spawn(sample_cpu(server_pid, plan.clone()));
    let mut workers = Vec::with_capacity(concurrency);
    for (index, work) in work.into_iter().enumerate() {
        workers.push(tokio::spawn(worker(
            index,
            base.clone(),
            work,
            plan.clone(),
        )));
    }
    let mut results = Vec::with_capacity(concurrency);
    for w in workers {
        results.push(w.await.context("a benchmark worker failed")??);
    }
    let cpu = sampler.await.context("the CPU sampler failed")?;

    let server_hwm = read_vm_hwm_kib(&format!("/proc/{server_pid}/status"));
    let client_hwm = read_vm_hwm_kib("/proc/self/status");
    server.kill();
    Ok(Summary::collect(
        args,
        &route,
        plan.warm_end,
        results,
        cpu,
        server_hwm,
        client_hwm,
        kdf,
    ))
}

// ─── Route and keys ─────────────────────────────────────────────────────────────────────────

/// The route the benchmark submits on, and the form answers that select it.
#[derive(Debug, Clone)]
struct ChosenRoute {
    name: String,
    answers: FormAnswers,
    generated: bool,
}

#[derive(Debug, Clone, Default)]
struct FormAnswers {
    mechanism: Option<String>,
    region: Option<String>,
    immediate_danger: Option<bool>,
}

/// Picks a route of the given policy with exactly `recipients` recipients that the form can
/// select, or writes a one-route policy with that many generated caseworker keys.
fn choose_route(
    args: &IntakeArgs,
    dir: &TempDir,
    recipients: usize,
) -> anyhow::Result<(PathBuf, PathBuf, ChosenRoute)> {
    let keys = absolute(&args.keys)?;
    let policy = absolute(&args.policy)?;
    let (keyring, loaded) = crate::server::load_keys_and_policy(&keys, &policy, true)?;
    let routing = &loaded.routing;
    for route in routing.routes() {
        if routing.recipients(route, &keyring).len() != recipients {
            continue;
        }
        let answers = FormAnswers {
            mechanism: route
                .when
                .mechanism
                .as_ref()
                .and_then(|m| m.first().cloned()),
            region: route.when.region.as_ref().and_then(|r| r.first().cloned()),
            immediate_danger: route.when.immediate_danger,
        };
        let selected = routing.select(&Answers {
            mechanism: answers.mechanism.as_deref(),
            region: answers.region.as_deref(),
            immediate_danger: answers.immediate_danger,
        });
        if selected.name == route.name {
            let chosen = ChosenRoute {
                name: route.name.clone(),
                answers,
                generated: false,
            };
            return Ok((keys, policy, chosen));
        }
    }

    let keys = dir.path.join("keys");
    let policy = dir.path.join("policy");
    let caseworkers = keys.join("caseworkers");
    std::fs::create_dir_all(&caseworkers)?;
    std::fs::create_dir_all(&policy)?;
    let mut names = Vec::with_capacity(recipients);
    for i in 1..=recipients {
        let name = format!("bench-{i:03}");
        let recipient = age::x25519::Identity::generate().to_public();
        std::fs::write(
            caseworkers.join(format!("{name}.pub")),
            format!("# generated by safehold bench\n{recipient}\n"),
        )?;
        names.push(format!("\"{name}\""));
    }
    std::fs::write(
        policy.join("routing.toml"),
        format!(
            "# generated by safehold bench\ndefault_route = \"bench\"\n\n[[route]]\nname = \"bench\"\ncaseworkers = [{}]\n",
            names.join(", ")
        ),
    )?;
    crate::server::load_keys_and_policy(&keys, &policy, true)
        .context("the generated benchmark keys and policy do not load")?;
    let chosen = ChosenRoute {
        name: "bench".to_owned(),
        answers: FormAnswers::default(),
        generated: true,
    };
    Ok((keys, policy, chosen))
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::fs::canonicalize(path).with_context(|| {
        format!(
            "cannot find {} (run from the repository root, or pass --keys and --policy)",
            path.display()
        )
    })
}

// ─── Request bodies ─────────────────────────────────────────────────────────────────────────

/// Report text of exactly `bytes` bytes (ASCII).
fn filler_text(bytes: usize) -> String {
    const SENTENCE: &str = "After the session in Geneva, officers searched our office and questioned staff about the submission. ";
    SENTENCE.chars().cycle().take(bytes).collect()
}

/// The short fields of every benchmark report; `what_happened` makes up the rest.
const SHORT_FIELDS: [(&str, &str); 5] = [
    ("when", "early March 2026"),
    ("where", "Geneva"),
    (
        "un_engagement",
        "testimony to the Committee against Torture",
    ),
    ("people_affected", "the reporter"),
    ("contact", ""),
];

/// Length of `what_happened` so that the text fields total `report_bytes`.
fn what_happened_len(report_bytes: usize) -> usize {
    let short: usize = SHORT_FIELDS.iter().map(|(_, v)| v.len()).sum();
    report_bytes.saturating_sub(short).max(1)
}

/// A prepared API body: the JSON around the receipt verifier.
struct Template {
    prefix: Vec<u8>,
    suffix: Vec<u8>,
}

/// Pads and encrypts a few reports to the route's recipients, before anything is timed.
fn build_api_templates(
    route: &ChosenRoute,
    recipients: &[age::x25519::Recipient],
    report_bytes: usize,
) -> anyhow::Result<Arc<Vec<Template>>> {
    let reporter_recipient = age::x25519::Identity::generate().to_public().to_string();
    let mut templates = Vec::with_capacity(API_TEMPLATES);
    for _ in 0..API_TEMPLATES {
        let report = Report::new(
            "en",
            Channel::Browser,
            RoutingAnswers {
                mechanism: route.answers.mechanism.clone(),
                region: route.answers.region.clone(),
                immediate_danger: route.answers.immediate_danger,
            },
            ReportFields {
                what_happened: filler_text(what_happened_len(report_bytes)),
                when: SHORT_FIELDS[0].1.to_owned(),
                location: SHORT_FIELDS[1].1.to_owned(),
                un_engagement: SHORT_FIELDS[2].1.to_owned(),
                people_affected: SHORT_FIELDS[3].1.to_owned(),
                contact: SHORT_FIELDS[4].1.to_owned(),
            },
            Consent {
                ohchr_reprisals_team: true,
                statistics: true,
                ..Consent::default()
            },
            Vec::new(),
        );
        let plaintext = report.to_padded_plaintext()?;
        let ciphertext = seal::encrypt(&plaintext, recipients)?;
        let request = SubmitRequest {
            route: route.name.clone(),
            urgent: route.answers.immediate_danger == Some(true),
            ciphertext: STANDARD.encode(&ciphertext),
            reporter_recipient: reporter_recipient.clone(),
            receipt_verifier: VERIFIER_PLACEHOLDER.to_owned(),
        };
        let json = serde_json::to_string(&request)?;
        let (prefix, suffix) = json
            .split_once(VERIFIER_PLACEHOLDER)
            .context("placeholder missing from the prepared body")?;
        templates.push(Template {
            prefix: prefix.as_bytes().to_vec(),
            suffix: suffix.as_bytes().to_vec(),
        });
    }
    Ok(Arc::new(templates))
}

/// One worker's prepared form post: its CSRF cookie and the multipart body with its token.
struct FormPost {
    cookie: String,
    content_type: String,
    body: Vec<u8>,
}

/// `GET /` for the CSRF cookie and token, then the multipart body, as a browser would send it.
async fn open_form_session(
    base: &str,
    answers: &FormAnswers,
    report_bytes: usize,
) -> anyhow::Result<FormPost> {
    let client = super::http_client().build()?;
    let response = client
        .get(format!("{base}/"))
        .send()
        .await
        .context("GET / failed")?;
    if response.status() != reqwest::StatusCode::OK {
        bail!("GET / answered {}", response.status());
    }
    let cookie = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("safehold_csrf="))
        .and_then(|v| v.split(';').next())
        .context("GET / set no CSRF cookie")?
        .to_owned();
    let html = response.text().await?;
    let token = hidden_value(&html, "authenticity_token").context("no CSRF token in the form")?;

    let mut boundary_bytes = [0u8; 12];
    getrandom::fill(&mut boundary_bytes)?;
    let boundary = format!("safehold-bench-{}", hex::encode(boundary_bytes));
    let danger = match answers.immediate_danger {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let what_happened = filler_text(what_happened_len(report_bytes));
    let mut fields: Vec<(&str, &str)> = vec![
        ("authenticity_token", &token),
        ("mechanism", answers.mechanism.as_deref().unwrap_or("")),
        ("region", answers.region.as_deref().unwrap_or("")),
        ("immediate_danger", danger),
        ("what_happened", &what_happened),
    ];
    fields.extend(SHORT_FIELDS);
    fields.extend([("consent_ohchr", "yes"), ("consent_statistics", "yes")]);
    Ok(FormPost {
        cookie,
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: multipart_body(&boundary, &fields),
    })
}

/// A `multipart/form-data` body of text fields.
fn multipart_body(boundary: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, value) in fields {
        let _ = write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        );
    }
    let _ = write!(body, "--{boundary}--\r\n");
    body.into_bytes()
}

/// The value of a hidden input in a page, with the entities askama escapes undone.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let at = html.find(&needle)?;
    let rest = &html[at + needle.len()..];
    let end = rest.find('"')?;
    Some(
        rest[..end]
            .replace("&#43;", "+")
            .replace("&#x2B;", "+")
            .replace("&#61;", "=")
            .replace("&#x3D;", "=")
            .replace("&#47;", "/")
            .replace("&#x2F;", "/"),
    )
}

// ─── The load ───────────────────────────────────────────────────────────────────────────────

enum Work {
    Api(Arc<Vec<Template>>),
    Form(FormPost),
}

/// When the phases start and end, and the shared request budget.
struct Plan {
    warm_end: Instant,
    end: Instant,
    issued: AtomicU64,
    max_requests: u64,
}

impl Plan {
    fn new(args: &IntakeArgs) -> Plan {
        let start = Instant::now();
        let warm_end = start + Duration::from_secs(args.warmup_seconds);
        Plan {
            warm_end,
            end: warm_end + Duration::from_secs(args.seconds),
            issued: AtomicU64::new(0),
            max_requests: args.max_requests,
        }
    }
}

/// One worker's measurements of requests started inside the window.
#[derive(Default)]
struct WorkerResult {
    /// Latency in microseconds, by HTTP status (0: no HTTP answer).
    samples: Vec<(u64, u16)>,
    /// When its last measured request finished.
    last_finish: Option<Instant>,
    /// Requests during warm-up (not measured).
    warmup_requests: u64,
    /// First transport error, if any, for the summary.
    first_error: Option<String>,
}

async fn worker(
    index: usize,
    base: String,
    work: Work,
    plan: Arc<Plan>,
) -> anyhow::Result<WorkerResult> {
    let client = super::http_client()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .context("cannot set up the HTTP client")?;
    let api_url = format!("{base}/api/v1/reports");
    let form_url = format!("{base}/report");
    // Distinct receipt verifiers without a syscall per request: a random per-worker prefix and
    // a counter.
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)?;
    let mut result = WorkerResult {
        samples: Vec::with_capacity(4096),
        ..WorkerResult::default()
    };
    let mut counter: u64 = 0;
    loop {
        let started = Instant::now();
        if started >= plan.end || plan.issued.fetch_add(1, Ordering::Relaxed) >= plan.max_requests {
            break;
        }
        counter += 1;
        let request = match &work {
            Work::Api(templates) => {
                let template = &templates[(index + counter as usize) % templates.len()];
                seed[24..].copy_from_slice(&counter.to_le_bytes());
                let verifier = STANDARD.encode(seed);
                let mut body = Vec::with_capacity(
                    template.prefix.len() + verifier.len() + template.suffix.len(),
                );
                body.extend_from_slice(&template.prefix);
                body.extend_from_slice(verifier.as_bytes());
                body.extend_from_slice(&template.suffix);
                client
                    .post(&api_url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body)
            }
            Work::Form(post) => client
                .post(&form_url)
                .header(reqwest::header::COOKIE, &post.cookie)
                .header(reqwest::header::CONTENT_TYPE, &post.content_type)
                .body(post.body.clone()),
        };
        let status = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                // Read the whole answer so the connection can be reused.
                match response.bytes().await {
                    Ok(_) => status,
                    Err(e) => {
                        result.first_error.get_or_insert_with(|| e.to_string());
                        0
                    }
                }
            }
            Err(e) => {
                result.first_error.get_or_insert_with(|| e.to_string());
                0
            }
        };
        let finished = Instant::now();
        if started >= plan.warm_end {
            let micros = u64::try_from((finished - started).as_micros()).unwrap_or(u64::MAX);
            result.samples.push((micros, status));
            result.last_finish = Some(finished);
        } else {
            result.warmup_requests += 1;
        }
        if status == 0 {
            // A broken connection: do not spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    Ok(result)
}

// ─── CPU and memory from /proc ──────────────────────────────────────────────────────────────

/// CPU used during the measured window, in clock ticks.
#[derive(Debug, Default)]
struct CpuUse {
    server_total: u64,
    client_total: u64,
    /// Server CPU by thread name (threads alive at the end of the window).
    server_threads: BTreeMap<String, u64>,
    /// Ticks of the whole machine (all cores) during the window, from /proc/stat.
    machine_busy: u64,
    machine_total: u64,
}

/// Snapshots the server's and our own CPU times at the start and end of the window.
async fn sample_cpu(server_pid: u32, plan: Arc<Plan>) -> CpuUse {
    tokio::time::sleep_until(plan.warm_end.into()).await;
    let server_before = read_ticks(&format!("/proc/{server_pid}/stat"));
    let client_before = read_ticks("/proc/self/stat");
    let threads_before = thread_ticks(server_pid);
    let machine_before = machine_ticks();
    tokio::time::sleep_until(plan.end.into()).await;
    let server_after = read_ticks(&format!("/proc/{server_pid}/stat"));
    let client_after = read_ticks("/proc/self/stat");
    let threads_after = thread_ticks(server_pid);
    let machine_after = machine_ticks();

    let mut server_threads = BTreeMap::new();
    for (tid, (name, after)) in &threads_after {
        let before = threads_before.get(tid).map_or(0, |(_, t)| *t);
        *server_threads.entry(name.clone()).or_insert(0) += after.saturating_sub(before);
    }
    let (busy_before, total_before) = machine_before.unwrap_or_default();
    let (busy_after, total_after) = machine_after.unwrap_or_default();
    CpuUse {
        server_total: server_after
            .unwrap_or(0)
            .saturating_sub(server_before.unwrap_or(0)),
        client_total: client_after
            .unwrap_or(0)
            .saturating_sub(client_before.unwrap_or(0)),
        server_threads,
        machine_busy: busy_after.saturating_sub(busy_before),
        machine_total: total_after.saturating_sub(total_before),
    }
}

fn read_ticks(path: &str) -> Option<u64> {
    parse_stat(&std::fs::read_to_string(path).ok()?).map(|(_, ticks)| ticks)
}

/// CPU ticks of each of a process's threads, by thread id, with the thread's name.
fn thread_ticks(pid: u32) -> HashMap<String, (String, u64)> {
    let mut out = HashMap::new();
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for entry in entries.flatten() {
        let tid = entry.file_name().to_string_lossy().into_owned();
        if let Ok(text) = std::fs::read_to_string(entry.path().join("stat"))
            && let Some(parsed) = parse_stat(&text)
        {
            out.insert(tid, parsed);
        }
    }
    out
}

/// `(comm, utime + stime)` from a `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat` line.
fn parse_stat(text: &str) -> Option<(String, u64)> {
    // The name is in parentheses and may itself contain spaces and parentheses.
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

/// `(busy, total)` ticks of all cores from the `cpu` line of `/proc/stat`.
fn machine_ticks() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    parse_proc_stat_cpu(&text)
}

fn parse_proc_stat_cpu(text: &str) -> Option<(u64, u64)> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    Some((total.saturating_sub(idle), total))
}

/// Peak resident set size (`VmHWM`) in KiB from a `/proc/<pid>/status` file.
fn read_vm_hwm_kib(path: &str) -> Option<u64> {
    parse_vm_hwm_kib(&std::fs::read_to_string(path).ok()?)
}

fn parse_vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let number = line.trim().strip_suffix("kB")?.trim();
    number.parse().ok()
}

// ─── Receipt derivation cost ────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Copy)]
struct KdfTiming {
    samples: u64,
    /// Mean time of one derivation, alone on the machine.
    sequential_ms: f64,
    /// Derivations per second with one thread per core, as the server runs them.
    parallel_per_second: f64,
    cores: usize,
}

/// Times `samples` receipt derivations one at a time, then `samples` spread over all cores.
fn time_kdf(samples: u64) -> anyhow::Result<KdfTiming> {
    let started = Instant::now();
    for _ in 0..samples {
        ReceiptKeys::derive(&Codephrase::generate())?;
    }
    let sequential = started.elapsed();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per_core = samples.div_ceil(cores as u64);
    let started = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(move || -> anyhow::Result<()> {
                    for _ in 0..per_core {
                        ReceiptKeys::derive(&Codephrase::generate())?;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a KDF thread panicked"))??;
        }
        Ok(())
    })?;
    let parallel = started.elapsed();
    Ok(KdfTiming {
        samples,
        sequential_ms: sequential.as_secs_f64() * 1000.0 / samples as f64,
        parallel_per_second: (per_core * cores as u64) as f64 / parallel.as_secs_f64(),
        cores,
    })
}

// ─── Results ────────────────────────────────────────────────────────────────────────────────

/// The nearest-rank percentile `p` (0 < p ≤ 100) of sorted values.
fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

struct Summary {
    mode: Mode,
    backend: &'static str,
    route: String,
    generated_keys: bool,
    recipients: u64,
    concurrency: u64,
    report_bytes: u64,
    window_secs: f64,
    requests: u64,
    accepted: u64,
    warmup_requests: u64,
    /// Count by status other than 201 (0: transport error).
    other_statuses: BTreeMap<u16, u64>,
    first_error: Option<String>,
    p50_ms: Option<f64>,
    p99_ms: Option<f64>,
    max_ms: Option<f64>,
    cpu: CpuUse,
    server_hwm_kib: Option<u64>,
    client_hwm_kib: Option<u64>,
    kdf: Option<KdfTiming>,
}

impl Summary {
    #[allow(clippy::too_many_arguments)]
    fn collect(
        args: &IntakeArgs,
        route: &ChosenRoute,
        warm_end: Instant,
        results: Vec<WorkerResult>,
        cpu: CpuUse,
        server_hwm_kib: Option<u64>,
        client_hwm_kib: Option<u64>,
        kdf: Option<KdfTiming>,
    ) -> Summary {
        let mut latencies = Vec::new();
        let mut other_statuses = BTreeMap::new();
        let mut accepted = 0;
        let mut warmup_requests = 0;
        let mut last_finish = None;
        let mut first_error = None;
        for result in results {
            warmup_requests += result.warmup_requests;
            last_finish = last_finish.max(result.last_finish);
            if first_error.is_none() {
                first_error = result.first_error;
            }
            for (micros, status) in result.samples {
                latencies.push(micros);
                if status == 201 {
                    accepted += 1;
                } else {
                    *other_statuses.entry(status).or_insert(0) += 1;
                }
            }
        }
        latencies.sort_unstable();
        let ms = |v: Option<u64>| v.map(|us| us as f64 / 1000.0);
        let window_secs = last_finish.map_or(0.0, |t: Instant| (t - warm_end).as_secs_f64());
        let backend = match &args.database_url {
            Some(_) => "postgres",
            None => "sqlite",
        };
        Summary {
            mode: args.mode,
            backend,
            route: route.name.clone(),
            generated_keys: route.generated,
            recipients: args.recipients,
            concurrency: args.concurrency,
            report_bytes: args.report_bytes,
            window_secs,
            requests: latencies.len() as u64,
            accepted,
            warmup_requests,
            other_statuses,
            first_error,
            p50_ms: ms(percentile(&latencies, 50.0)),
            p99_ms: ms(percentile(&latencies, 99.0)),
            max_ms: ms(latencies.last().copied()),
            cpu,
            server_hwm_kib,
            client_hwm_kib,
            kdf,
        }
    }

    fn accepted_per_second(&self) -> f64 {
        if self.window_secs > 0.0 {
            self.accepted as f64 / self.window_secs
        } else {
            0.0
        }
    }

    /// CPU milliseconds per accepted report.
    fn cpu_ms_per_report(&self, ticks: u64) -> Option<f64> {
        (self.accepted > 0).then(|| ticks as f64 / TICKS_PER_SECOND * 1000.0 / self.accepted as f64)
    }

    fn to_json(&self) -> serde_json::Value {
        let mib = |k: Option<u64>| k.map(|k| k as f64 / 1024.0);
        let threads: serde_json::Map<String, serde_json::Value> = self
            .cpu
            .server_threads
            .iter()
            .map(|(name, ticks)| {
                (
                    name.clone(),
                    serde_json::json!(*ticks as f64 / TICKS_PER_SECOND),
                )
            })
            .collect();
        let statuses: serde_json::Map<String, serde_json::Value> = self
            .other_statuses
            .iter()
            .map(|(status, n)| (status.to_string(), serde_json::json!(n)))
            .collect();
        serde_json::json!({
            "mode": self.mode.as_str(),
            "backend": self.backend,
            "route": self.route,
            "generated_keys": self.generated_keys,
            "recipients": self.recipients,
            "concurrency": self.concurrency,
            "report_bytes": self.report_bytes,
            "window_seconds": self.window_secs,
            "requests": self.requests,
            "accepted": self.accepted,
            "accepted_per_second": self.accepted_per_second(),
            "warmup_requests": self.warmup_requests,
            "other_statuses": statuses,
            "first_transport_error": self.first_error,
            "latency_ms": { "p50": self.p50_ms, "p99": self.p99_ms, "max": self.max_ms },
            "server_peak_rss_mib": mib(self.server_hwm_kib),
            "client_peak_rss_mib": mib(self.client_hwm_kib),
            "cpu_seconds": {
                "server": self.cpu.server_total as f64 / TICKS_PER_SECOND,
                "client": self.cpu.client_total as f64 / TICKS_PER_SECOND,
                "machine_busy": self.cpu.machine_busy as f64 / TICKS_PER_SECOND,
                "machine_available": self.cpu.machine_total as f64 / TICKS_PER_SECOND,
                "server_threads": threads,
            },
            "server_cpu_ms_per_report": self.cpu_ms_per_report(self.cpu.server_total),
            "client_cpu_ms_per_report": self.cpu_ms_per_report(self.cpu.client_total),
            "kdf": self.kdf.map(|k| serde_json::json!({
                "samples": k.samples,
                "sequential_ms": k.sequential_ms,
                "parallel_per_second": k.parallel_per_second,
                "cores": k.cores,
            })),
        })
    }

    fn human(&self) -> String {
        let mut out = String::new();
        let opt_ms = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1} ms"));
        let opt_mib = |v: Option<u64>| {
            v.map_or_else(
                || "unknown".to_owned(),
                |k| format!("{:.1} MiB", k as f64 / 1024.0),
            )
        };
        let _ = writeln!(
            out,
            "safehold bench intake: mode {}, {}, route \"{}\" ({} recipients{}), {} clients, {} bytes of text",
            self.mode.as_str(),
            self.backend,
            self.route,
            self.recipients,
            if self.generated_keys {
                ", generated keys"
            } else {
                ""
            },
            self.concurrency,
            self.report_bytes
        );
        let _ = writeln!(
            out,
            "  accepted    {:.0} reports/s ({} of {} requests in {:.2} s; {} warm-up requests not counted)",
            self.accepted_per_second(),
            self.accepted,
            self.requests,
            self.window_secs,
            self.warmup_requests
        );
        let _ = writeln!(
            out,
            "  latency     p50 {}, p99 {}, max {}",
            opt_ms(self.p50_ms),
            opt_ms(self.p99_ms),
            opt_ms(self.max_ms)
        );
        if self.other_statuses.is_empty() {
            let _ = writeln!(out, "  errors      none");
        } else {
            let list: Vec<String> = self
                .other_statuses
                .iter()
                .map(|(status, n)| {
                    if *status == 0 {
                        format!("{n} × no answer")
                    } else {
                        format!("{n} × {status}")
                    }
                })
                .collect();
            let _ = writeln!(out, "  errors      {}", list.join(", "));
            if let Some(e) = &self.first_error {
                let _ = writeln!(out, "              first transport error: {e}");
            }
        }
        let _ = writeln!(
            out,
            "  peak RSS    server {}, benchmark client {}{}",
            opt_mib(self.server_hwm_kib),
            opt_mib(self.client_hwm_kib),
            if self.kdf.is_some() {
                " (includes the KDF timing)"
            } else {
                ""
            }
        );
        let secs = |t: u64| t as f64 / TICKS_PER_SECOND;
        let per = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
        let _ = writeln!(
            out,
            "  CPU         server {:.1} s ({} ms/report), client {:.1} s ({} ms/report); machine busy {:.0}% of {:.1} core-s",
            secs(self.cpu.server_total),
            per(self.cpu_ms_per_report(self.cpu.server_total)),
            secs(self.cpu.client_total),
            per(self.cpu_ms_per_report(self.cpu.client_total)),
            if self.cpu.machine_total > 0 {
                self.cpu.machine_busy as f64 * 100.0 / self.cpu.machine_total as f64
            } else {
                0.0
            },
            secs(self.cpu.machine_total)
        );
        let threads: Vec<String> = self
            .cpu
            .server_threads
            .iter()
            .filter(|(_, ticks)| **ticks > 0)
            .map(|(name, ticks)| format!("{name} {:.1} s", secs(*ticks)))
            .collect();
        if !threads.is_empty() {
            let _ = writeln!(out, "  server CPU  by thread name: {}", threads.join(", "));
        }
        if let Some(k) = self.kdf {
            let _ = writeln!(
                out,
                "  receipt KDF {:.1} ms per derivation alone; {:.0}/s on {} cores in parallel ({} samples): the no-JS ceiling",
                k.sequential_ms, k.parallel_per_second, k.cores, k.samples
            );
        }
        out
    }
}

// ─── The server process, its directory and database ─────────────────────────────────────────

/// A private temporary directory, removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn create() -> anyhow::Result<TempDir> {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)?;
        let path = std::env::temp_dir().join(format!("safehold-bench-{}", hex::encode(random)));
        std::fs::create_dir(&path).with_context(|| format!("cannot create {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))?;
        }
        std::fs::create_dir(path.join("tmp"))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// `safehold serve` as a child process, killed when dropped (also on errors and panics).
struct ServerChild {
    child: Child,
    url: String,
}

impl ServerChild {
    fn spawn(dir: &Path, database_url: &str, keys: &Path, policy: &Path) -> anyhow::Result<Self> {
        let stdout_path = dir.join("server-stdout.log");
        let stderr_path = dir.join("server-stderr.log");
        let exe = std::env::current_exe().context("cannot find the safehold executable")?;
        let child = Command::new(exe)
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
            ])
            .arg(database_url)
            .arg("--secret-file")
            .arg(dir.join("server-secret"))
            .arg("--keys")
            .arg(keys)
            .arg("--policy")
            .arg(policy)
            .args([
                "--form-per-minute",
                "0",
                "--api-per-minute",
                "0",
                "--receipt-per-minute",
                "0",
                "--global-per-second",
                "0",
            ])
            .current_dir(dir)
            .env("TMPDIR", dir.join("tmp"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_path)?)
            .stderr(std::fs::File::create(&stderr_path)?)
            .spawn()
            .context("cannot start safehold serve")?;
        let mut server = ServerChild {
            child,
            url: String::new(),
        };
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&stdout_path).unwrap_or_default();
            if let Some(url) = listening_url(&text) {
                server.url = url;
                return Ok(server);
            }
            let log = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
            if let Some(status) = server.child.try_wait()? {
                bail!("the server exited during start-up ({status}):\n{}", log());
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("the server did not start within 60 s:\n{}", log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The URL from the server's `safehold: listening on http://ADDR` line.
fn listening_url(stdout: &str) -> Option<String> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("safehold: listening on "))?;
    Some(line.trim().to_owned())
}

/// A fresh PostgreSQL database for one run.
struct BenchDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl BenchDatabase {
    async fn create(admin_url: &str) -> anyhow::Result<BenchDatabase> {
        let mut random = [0u8; 6];
        getrandom::fill(&mut random)?;
        let name = format!("safehold_bench_{}", hex::encode(random));
        let admin = sqlx::PgPool::connect(admin_url)
            .await
            .context("cannot connect to PostgreSQL")?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .context("cannot create the benchmark database")?;
        admin.close().await;
        let (without_query, query) = match admin_url.split_once('?') {
            Some((url, query)) => (url, Some(query)),
            None => (admin_url, None),
        };
        let prefix = match without_query.rsplit_once('/') {
            Some((prefix, _)) if prefix.contains("//") && prefix.len() > "postgres://".len() => {
                prefix
            }
            _ => without_query,
        };
        let mut url = format!("{prefix}/{name}");
        if let Some(query) = query {
            url = format!("{url}?{query}");
        }
        Ok(BenchDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url,
        })
    }

    async fn drop_database(self) -> anyhow::Result<()> {
        let admin = sqlx::PgPool::connect(&self.admin_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&admin)
        .await?;
        admin.close().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
        assert_eq!(percentile(&values, 0.1), Some(1));
        assert_eq!(percentile(&[7], 50.0), Some(7));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[1, 2, 3], 50.0), Some(2));
        assert_eq!(percentile(&[1, 2], 99.0), Some(2));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn peak_rss_is_read_from_proc_status() {
        let status =
            "Name:\tsafehold\nVmPeak:\t  123456 kB\nVmHWM:\t   17408 kB\nVmRSS:\t   16000 kB\n";
        assert_eq!(parse_vm_hwm_kib(status), Some(17408));
        assert_eq!(parse_vm_hwm_kib("Name:\tx\nVmRSS:\t 1 kB\n"), None);
        assert_eq!(parse_vm_hwm_kib("VmHWM:\t lots kB\n"), None);
        // The real file of this process has it.
        assert!(read_vm_hwm_kib("/proc/self/status").is_some_and(|k| k > 0));
    }

    #[test]
    fn cpu_times_are_read_from_proc_stat() {
        // A thread name with a space and a parenthesis must not shift the fields.
        let stat = "4242 (tokio-run (w)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 8 0 1000 0 0";
        assert_eq!(parse_stat(stat), Some(("tokio-run (w)".to_owned(), 280)));
        assert_eq!(parse_stat("4242 (x) S 1 2"), None);
        assert!(read_ticks("/proc/self/stat").is_some());
        let machine = "cpu  100 5 50 800 20 1 2 3 0 0\ncpu0 50 2 25 400 10 0 1 1 0 0\n";
        assert_eq!(parse_proc_stat_cpu(machine), Some((161, 981)));
    }

    #[test]
    fn the_port_comes_from_the_listening_line() {
        let stdout = "\n  *** DEMO MODE ***\nsafehold: listening on http://127.0.0.1:40123\n";
        assert_eq!(
            listening_url(stdout).as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(listening_url("safehold: starting\n"), None);
    }

    #[test]
    fn form_bodies_carry_the_requested_amount_of_text() {
        let total: usize =
            SHORT_FIELDS.iter().map(|(_, v)| v.len()).sum::<usize>() + what_happened_len(4096);
        assert_eq!(total, 4096);
        assert_eq!(filler_text(4096).len(), 4096);
        let body = multipart_body("b", &[("a", "1"), ("c", "")]);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n\r\n--b--\r\n"
        );
    }

    #[test]
    fn hidden_values_are_unescaped() {
        let html = r#"<input type="hidden" name="authenticity_token" value="ab&#43;c&#x3D;">"#;
        assert_eq!(
            hidden_value(html, "authenticity_token").as_deref(),
            Some("ab+c=")
        );
    }
}
