//! The load itself: one worker per `--concurrency` client, each on its own keep-alive
//! connection, sending its prepared body until the window ends or the request budget is spent.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::IntakeArgs;
use super::bodies::{FormPost, Template};

pub(super) enum Work {
    Api(Arc<Vec<Template>>),
    Form(FormPost),
}

/// When the phases start and end, and the shared request budget.
pub(super) struct Plan {
    pub(super) warm_end: Instant,
    pub(super) end: Instant,
    issued: AtomicU64,
    max_requests: u64,
}

impl Plan {
    pub(super) fn new(args: &IntakeArgs) -> Plan {
        Plan::window(args.warmup_seconds, args.seconds, args.max_requests)
    }

    /// A window of `seconds` after `warmup` unmeasured ones, starting now.
    pub(super) fn window(warmup: u64, seconds: u64, max_requests: u64) -> Plan {
        let warm_end = Instant::now() + Duration::from_secs(warmup);
        Plan {
            warm_end,
            end: warm_end + Duration::from_secs(seconds),
            issued: AtomicU64::new(0),
            max_requests,
        }
    }
}

/// One worker's measurements of requests started inside the window.
#[derive(Default)]
pub(super) struct WorkerResult {
    /// Latency in microseconds, by HTTP status (0: no HTTP answer).
    pub(super) samples: Vec<(u64, u16)>,
    /// When its last measured request finished.
    pub(super) last_finish: Option<Instant>,
    /// Requests during warm-up (not measured).
    pub(super) warmup_requests: u64,
    /// First transport error, if any, for the summary.
    pub(super) first_error: Option<String>,
}

pub(super) async fn worker(
    index: usize,
    base: String,
    work: Work,
    plan: Arc<Plan>,
) -> anyhow::Result<WorkerResult> {
    let client = super::super::http_client()
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
