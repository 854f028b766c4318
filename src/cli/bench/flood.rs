//! `safehold bench flood`: does a reporter get through while one address floods the form?
//!
//! The server runs with its default limits, and every connection comes from 127.0.0.1, as
//! every visitor of an onion service does. `--connections` flood workers send, as fast as
//! the server answers, one of:
//! - `junk`: multipart posts without a CSRF cookie or token;
//! - `replay`: one page's valid cookie and token, posted again and again;
//! - `mixed`: half junk, half replay;
//! - `round-trip`: a fresh page for every post, exactly what a reporter does (nothing can tell
//!   these apart from reporters; the figure shows what the budgets and the queue leave).
//!
//! Meanwhile `--reporters` reporters each go through the form as a browser does (GET the page,
//! POST it with its token and ticket), one report after another. The summary gives their
//! success rate and latency (page and post together), what the flood got, and the server's
//! CPU and peak memory.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::bodies::{FormPost, open_form_session};
use super::load::Plan;
use super::procfs::{CpuUse, TICKS_PER_SECOND, read_vm_hwm_kib, sample_cpu};
use super::report::percentile;
use super::setup::{FormAnswers, TempDir};
use crate::cli::terminal_text::say;
use crate::server_process::{Launch, ServerProcess};

/// What the flood sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Flood {
    /// Form posts without a CSRF cookie or token.
    Junk,
    /// One page's valid cookie and token, posted again and again.
    Replay,
    /// Half junk, half replay.
    Mixed,
    /// A fresh page for every post: indistinguishable from reporters.
    RoundTrip,
}

/// Options of `safehold bench flood`.
#[derive(Debug, Args)]
pub struct FloodArgs {
    /// What the flood sends.
    #[arg(long, value_enum, default_value_t = Flood::Mixed)]
    flood: Flood,
    /// Flood connections, all from 127.0.0.1.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1000))]
    connections: u64,
    /// Reporters going through the form meanwhile, each one report after another.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    reporters: u64,
    /// Pause between one reporter's reports, in milliseconds.
    #[arg(long, default_value_t = 100)]
    pause_ms: u64,
    /// Length of the measured window, in seconds (at most 120).
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=120))]
    seconds: u64,
    /// Seconds of flood before reporters start.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(0..=60))]
    warmup_seconds: u64,
    /// The server to measure [default: this executable]; another build of Safehold measures an
    /// earlier version side by side with the same load.
    #[arg(long)]
    server_exe: Option<PathBuf>,
    /// Keys directory given to the server.
    #[arg(long, default_value = "keys/DEMO")]
    keys: PathBuf,
    /// Policy directory given to the server.
    #[arg(long, default_value = "policy/DEMO")]
    policy: PathBuf,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    json: bool,
}

/// Bytes of text in each report and junk post, as a short real report has.
const REPORT_BYTES: usize = 2048;

pub(super) async fn flood(args: FloodArgs) -> anyhow::Result<()> {
    let dir = TempDir::create()?;
    let exe = match &args.server_exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe().context("cannot find the safehold executable")?,
    };
    let mut server = ServerProcess::spawn(&Launch {
        exe,
        dir: dir.path.clone(),
        database_url: format!("sqlite://{}", dir.path.join("data/safehold.db").display()),
        keys: std::path::absolute(&args.keys)?,
        policy: std::path::absolute(&args.policy)?,
        stdout: dir.path.join("server-stdout.log"),
        stderr: dir.path.join("server-stderr.log"),
        env: Vec::new(),
        args: Vec::new(),
        default_rate_limits: true,
        start_timeout: Duration::from_secs(60),
    })?;
    let base = server.url.clone();
    let answers = FormAnswers::default();
    let replayed = Arc::new(open_form_session(&base, &answers, REPORT_BYTES).await?);

    let plan = Arc::new(Plan::window(args.warmup_seconds, args.seconds, u64::MAX));
    let sampler = tokio::spawn(sample_cpu(server.pid(), plan.clone()));
    let flooders: Vec<_> = (0..args.connections)
        .map(|n| {
            let kind = match args.flood {
                Flood::Mixed if n % 2 == 0 => Flood::Junk,
                Flood::Mixed => Flood::Replay,
                other => other,
            };
            tokio::spawn(flood_worker(
                base.clone(),
                kind,
                replayed.clone(),
                plan.clone(),
            ))
        })
        .collect();
    let reporters: Vec<_> = (0..args.reporters)
        .map(|_| {
            tokio::spawn(reporter(
                base.clone(),
                plan.clone(),
                Duration::from_millis(args.pause_ms),
            ))
        })
        .collect();

    let mut flood_statuses = BTreeMap::new();
    for worker in flooders {
        for (status, count) in worker.await.context("a flood worker failed")? {
            *flood_statuses.entry(status).or_insert(0) += count;
        }
    }
    let mut outcomes = Vec::new();
    for worker in reporters {
        outcomes.extend(worker.await.context("a reporter failed")?);
    }
    let cpu = sampler.await.context("the CPU sampler failed")?;
    let server_hwm_kib = read_vm_hwm_kib(&format!("/proc/{}/status", server.pid()));
    server.kill();

    let summary = FloodSummary::collect(&args, flood_statuses, outcomes, cpu, server_hwm_kib);
    if args.json {
        say!("{}", serde_json::to_string_pretty(&summary.to_json())?);
    } else {
        say!("{}", summary.human().trim_end());
    }
    Ok(())
}

/// One flood connection: statuses counted over the window (0: no HTTP answer).
async fn flood_worker(
    base: String,
    kind: Flood,
    replayed: Arc<FormPost>,
    plan: Arc<Plan>,
) -> BTreeMap<u16, u64> {
    let mut statuses = BTreeMap::new();
    let Ok(client) = super::super::http_client()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()
    else {
        return statuses;
    };
    let url = format!("{base}/report");
    let junk = junk_post();
    while Instant::now() < plan.end {
        let post = match kind {
            Flood::Junk | Flood::Mixed => &junk,
            Flood::Replay => replayed.as_ref(),
            Flood::RoundTrip => {
                match open_form_session(&base, &FormAnswers::default(), REPORT_BYTES).await {
                    Ok(fresh) => {
                        let status = send(&client, &url, &fresh).await;
                        count(&mut statuses, &plan, status);
                        continue;
                    }
                    Err(_) => {
                        count(&mut statuses, &plan, 0);
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                }
            }
        };
        let status = send(&client, &url, post).await;
        count(&mut statuses, &plan, status);
        if status == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    statuses
}

fn count(statuses: &mut BTreeMap<u16, u64>, plan: &Plan, status: u16) {
    if Instant::now() >= plan.warm_end {
        *statuses.entry(status).or_insert(0) += 1;
    }
}

/// A multipart post of the usual size without a cookie or token.
fn junk_post() -> FormPost {
    let boundary = "safehold-bench-junk";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"what_happened\"\r\n\r\n{}\r\n--{boundary}--\r\n",
        "x".repeat(REPORT_BYTES)
    );
    FormPost {
        cookie: String::new(),
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body: body.into_bytes(),
    }
}

/// Posts `post`; the status, or 0 without an HTTP answer. The answer is read whole so the
/// connection can be reused.
async fn send(client: &reqwest::Client, url: &str, post: &FormPost) -> u16 {
    let mut request = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, &post.content_type)
        .body(post.body.clone());
    if !post.cookie.is_empty() {
        request = request.header(reqwest::header::COOKIE, &post.cookie);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(_) => status,
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    }
}

/// One reporter's reports in the window: (status of the post, or 0; milliseconds for the page
/// and the post together).
async fn reporter(base: String, plan: Arc<Plan>, pause: Duration) -> Vec<(u16, f64)> {
    let mut outcomes = Vec::new();
    let Ok(client) = super::super::http_client()
        .timeout(Duration::from_secs(30))
        .build()
    else {
        return outcomes;
    };
    tokio::time::sleep_until(plan.warm_end.into()).await;
    let url = format!("{base}/report");
    while Instant::now() < plan.end {
        let started = Instant::now();
        let status = match open_form_session(&base, &FormAnswers::default(), REPORT_BYTES).await {
            Ok(post) => send(&client, &url, &post).await,
            Err(_) => 0,
        };
        outcomes.push((status, started.elapsed().as_secs_f64() * 1000.0));
        tokio::time::sleep(pause).await;
    }
    outcomes
}

struct FloodSummary {
    flood: Flood,
    connections: u64,
    reporters: u64,
    window_secs: u64,
    flood_statuses: BTreeMap<u16, u64>,
    attempts: usize,
    accepted: usize,
    reporter_statuses: BTreeMap<u16, u64>,
    p50_ms: Option<f64>,
    p99_ms: Option<f64>,
    max_ms: Option<f64>,
    server_cpu_secs: f64,
    machine_busy: f64,
    server_hwm_kib: Option<u64>,
}

impl FloodSummary {
    fn collect(
        args: &FloodArgs,
        flood_statuses: BTreeMap<u16, u64>,
        outcomes: Vec<(u16, f64)>,
        cpu: CpuUse,
        server_hwm_kib: Option<u64>,
    ) -> FloodSummary {
        // In microseconds, for the intake benchmark's nearest-rank percentile.
        let mut latencies: Vec<u64> = outcomes
            .iter()
            .map(|(_, ms)| (ms * 1000.0) as u64)
            .collect();
        latencies.sort_unstable();
        let ms = |micros: Option<u64>| micros.map(|m| m as f64 / 1000.0);
        let mut reporter_statuses = BTreeMap::new();
        for (status, _) in &outcomes {
            *reporter_statuses.entry(*status).or_insert(0) += 1;
        }
        FloodSummary {
            flood: args.flood,
            connections: args.connections,
            reporters: args.reporters,
            window_secs: args.seconds,
            flood_statuses,
            attempts: outcomes.len(),
            accepted: outcomes.iter().filter(|(s, _)| *s == 201).count(),
            reporter_statuses,
            p50_ms: ms(percentile(&latencies, 50.0)),
            p99_ms: ms(percentile(&latencies, 99.0)),
            max_ms: ms(latencies.last().copied()),
            server_cpu_secs: cpu.server_total as f64 / TICKS_PER_SECOND,
            machine_busy: if cpu.machine_total == 0 {
                0.0
            } else {
                cpu.machine_busy as f64 / cpu.machine_total as f64
            },
            server_hwm_kib,
        }
    }

    fn success_rate(&self) -> f64 {
        if self.attempts == 0 {
            0.0
        } else {
            self.accepted as f64 / self.attempts as f64
        }
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "flood": format!("{:?}", self.flood).to_lowercase(),
            "flood_connections": self.connections,
            "window_seconds": self.window_secs,
            "flood_requests": self.flood_statuses.values().sum::<u64>(),
            "flood_statuses": self.flood_statuses,
            "reporters": self.reporters,
            "reporter_attempts": self.attempts,
            "reporter_accepted": self.accepted,
            "reporter_success_rate": self.success_rate(),
            "reporter_statuses": self.reporter_statuses,
            "reporter_p50_ms": self.p50_ms,
            "reporter_p99_ms": self.p99_ms,
            "reporter_max_ms": self.max_ms,
            "server_cpu_seconds": self.server_cpu_secs,
            "machine_busy": self.machine_busy,
            "server_peak_rss_kib": self.server_hwm_kib,
        })
    }

    fn human(&self) -> String {
        let ms = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1} ms"));
        let statuses = |map: &BTreeMap<u16, u64>| {
            map.iter()
                .map(|(s, n)| {
                    format!(
                        "{n} × {}",
                        if *s == 0 {
                            "no answer".to_owned()
                        } else {
                            s.to_string()
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let flood_total: u64 = self.flood_statuses.values().sum();
        format!(
            "flood: {:?} from {} connections on 127.0.0.1, {} s\n  \
             {flood_total} requests ({:.0}/s): {}\n\
             reporters ({}, page then post, through the flood):\n  \
             {} of {} accepted ({:.1}%): {}\n  \
             latency p50 {}, p99 {}, max {}\n\
             server: {:.1} s CPU, peak RSS {}; machine busy {:.0}%\n",
            self.flood,
            self.connections,
            self.window_secs,
            flood_total as f64 / self.window_secs as f64,
            statuses(&self.flood_statuses),
            self.reporters,
            self.accepted,
            self.attempts,
            self.success_rate() * 100.0,
            statuses(&self.reporter_statuses),
            ms(self.p50_ms),
            ms(self.p99_ms),
            ms(self.max_ms),
            self.server_cpu_secs,
            self.server_hwm_kib
                .map_or("-".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
            self.machine_busy * 100.0,
        )
    }
}
