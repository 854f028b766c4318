//! `safehold bench …`: load tests against a real server on loopback.
//!
//! `safehold bench intake` starts `safehold serve --demo` (this same binary) as a child
//! process on a fresh database, drives one of the two intake paths with `--concurrency`
//! keep-alive connections for a bounded time, and prints accepted reports per second, latency
//! percentiles, and the peak memory of the server and of the benchmark itself. Everything the
//! client would otherwise spend on its own encryption and key derivation is prepared before
//! the timed window, so the figures are the server's.
//!
//! This file holds the arguments and the order of the run; each step has its own module.

mod bodies;
mod flood;
mod kdf;
mod load;
mod procfs;
mod report;
mod setup;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};

use crate::server_process::{Launch, ServerProcess};
use crate::wire::RoutesResponse;

use super::terminal_text::{say, say_err};
use bodies::{ApiTarget, build_api_templates, open_form_session};
use kdf::{KdfTiming, time_kdf};
use load::{Plan, Work, worker};
use procfs::{read_vm_hwm_kib, sample_cpu};
use report::Summary;
use setup::{BenchDatabase, TempDir, choose_route};

/// Benchmark subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Start a server on loopback and measure report intake (reports/s, latency, memory).
    Intake(IntakeArgs),
    /// Start a server with its default limits and measure whether reporters get through a
    /// flood from the address they share (success rate, latency, CPU, memory).
    Flood(flood::FloodArgs),
}

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Intake(args) => {
            super::async_runtime(super::Threads::PerCore)?.block_on(intake(args))
        }
        BenchCommand::Flood(args) => {
            super::async_runtime(super::Threads::PerCore)?.block_on(flood::flood(args))
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
    /// Bytes of one file attached to each no-JavaScript report (0: none).
    #[arg(long, default_value_t = 0)]
    attachment_bytes: u64,
    /// The server's --max-body-bytes (for attachments above its default of 25 MiB).
    #[arg(long)]
    max_body_bytes: Option<u64>,
    /// The server's --max-concurrent-uploads.
    #[arg(long)]
    max_concurrent_uploads: Option<u64>,
    /// The server to measure [default: this executable]; another build of Safehold measures an
    /// earlier version side by side with the same load.
    #[arg(long)]
    server_exe: Option<PathBuf>,
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
    /// Time this many receipt derivations (HKDF and X25519) before the run, one at a time and
    /// then one per core [default: 2000 with --mode nojs, 0 with --mode api].
    #[arg(long)]
    kdf_samples: Option<u64>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    json: bool,
}

/// Longest text field the form accepts (`MAX_TEXT_FIELD` in `http::intake`).
const FORM_MAX_FIELD: usize = 100 * 1024;

async fn intake(args: IntakeArgs) -> anyhow::Result<()> {
    let kdf_samples = args.kdf_samples.unwrap_or(match args.mode {
        Mode::Nojs => 2000,
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
        say_err!("safehold bench: could not drop the benchmark database: {e:#}");
    }
    let summary = result?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&summary.to_json())?);
    } else {
        say!("{}", summary.human().trim_end());
    }
    Ok(())
}

/// The server options a run asks for.
fn server_args(args: &IntakeArgs) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(bytes) = args.max_body_bytes {
        out.extend(["--max-body-bytes".to_owned(), bytes.to_string()]);
    }
    if let Some(slots) = args.max_concurrent_uploads {
        out.extend(["--max-concurrent-uploads".to_owned(), slots.to_string()]);
    }
    out
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
    let mut server = ServerProcess::spawn(&Launch {
        exe: match &args.server_exe {
            Some(exe) => exe.clone(),
            None => std::env::current_exe().context("cannot find the safehold executable")?,
        },
        dir: dir.path.clone(),
        database_url: database_url.to_owned(),
        keys,
        policy,
        stdout: dir.path.join("server-stdout.log"),
        stderr: dir.path.join("server-stderr.log"),
        env: Vec::new(),
        args: server_args(args),
        default_rate_limits: false,
        start_timeout: Duration::from_secs(60),
    })?;
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
            let slots = routes
                .routes
                .iter()
                .map(|r| r.recipients.len())
                .max()
                .unwrap_or(1);
            let target = ApiTarget {
                tag: &view.tag,
                recipients: &route_recipients,
                slots,
            };
            let templates = build_api_templates(&route, &target, report_bytes)?;
            (0..concurrency)
                .map(|_| Work::Api(templates.clone()))
                .collect::<Vec<_>>()
        }
        Mode::Nojs => {
            let mut work = Vec::with_capacity(concurrency);
            for _ in 0..concurrency {
                work.push(Work::Form(
                    open_form_session(&base, &route.answers, report_bytes)
                        .await?
                        .with_attachment(usize::try_from(args.attachment_bytes)?)?,
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
