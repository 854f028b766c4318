//! The results of a run: latency percentiles, throughput, CPU and memory, printed for people
//! or as one JSON object (`--json`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use super::kdf::KdfTiming;
use super::load::WorkerResult;
use super::procfs::{CpuUse, TICKS_PER_SECOND};
use super::setup::ChosenRoute;
use super::{IntakeArgs, Mode};

/// The nearest-rank percentile `p` (0 < p ≤ 100) of sorted values.
pub(super) fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

pub(super) struct Summary {
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
    pub(super) fn collect(
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

    pub(super) fn to_json(&self) -> serde_json::Value {
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

    pub(super) fn human(&self) -> String {
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
                "  receipt KDF {:.3} ms per derivation alone; {:.0}/s on {} cores in parallel ({} samples)",
                k.sequential_ms, k.parallel_per_second, k.cores, k.samples
            );
        }
        out
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
}
