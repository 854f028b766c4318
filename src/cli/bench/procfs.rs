//! CPU and memory of the server and of the benchmark, read from Linux's `/proc`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::load::Plan;

/// Linux's fixed `USER_HZ`: the unit of CPU times in `/proc/*/stat`.
pub(super) const TICKS_PER_SECOND: f64 = 100.0;

/// CPU used during the measured window, in clock ticks.
#[derive(Debug, Default)]
pub(super) struct CpuUse {
    pub(super) server_total: u64,
    pub(super) client_total: u64,
    /// Server CPU by thread name (threads alive at the end of the window).
    pub(super) server_threads: BTreeMap<String, u64>,
    /// Ticks of the whole machine (all cores) during the window, from /proc/stat.
    pub(super) machine_busy: u64,
    pub(super) machine_total: u64,
}

/// Snapshots the server's and our own CPU times at the start and end of the window.
pub(super) async fn sample_cpu(server_pid: u32, plan: Arc<Plan>) -> CpuUse {
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
pub(super) fn read_vm_hwm_kib(path: &str) -> Option<u64> {
    parse_vm_hwm_kib(&std::fs::read_to_string(path).ok()?)
}

fn parse_vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let number = line.trim().strip_suffix("kB")?.trim();
    number.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
