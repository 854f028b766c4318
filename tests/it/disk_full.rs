//! When the disk fills, nothing acknowledged is lost, refusals come fast, and the server
//! recovers by itself when space returns.
//!
//! The SQLite database lives on a small tmpfs, so its writes really fail with `SQLITE_FULL`
//! (needs permission to mount; the test says when it skips).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::common::{Site, Store, random_bytes};
use crate::process::ServerProcess;

/// A tmpfs of a fixed size, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `kib` KiB at `path`, or None when this process may not mount.
    fn mount(path: &Path, kib: u64) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).unwrap();
        let status = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| SmallDisk {
            path: path.to_path_buf(),
        })
    }

    /// Gives the file system `kib` KiB in all: space returns.
    fn grow(&self, kib: u64) {
        let status = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={kib}k")])
            .arg(&self.path)
            .status()
            .unwrap();
        assert!(status.success(), "remount the tmpfs larger");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

fn with_fresh_verifier(body: &serde_json::Value) -> serde_json::Value {
    let mut body = body.clone();
    body["receipt_verifier"] = STANDARD.encode(random_bytes::<32>()).into();
    body
}

/// One report's answer: its id if acknowledged, and how long the answer took.
async fn submit(
    client: &reqwest::Client,
    url: &str,
    body: serde_json::Value,
) -> (Option<String>, u16, Duration) {
    let started = Instant::now();
    let response = client
        .post(format!("{url}/api/v1/reports"))
        .json(&body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let id = if status == 201 {
        let value: serde_json::Value = response.json().await.unwrap();
        Some(value["id"].as_str().unwrap().to_owned())
    } else {
        None
    };
    (id, status, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disk_full_loses_no_acknowledged_report_and_refuses_fast() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&dir.path().join("disk"), 1024) else {
        eprintln!("NOTICE: cannot mount a tmpfs here (needs root): disk-full test skipped");
        return;
    };
    let database_url = format!("sqlite://{}", disk.path.join("safehold.db").display());
    let mut server = ServerProcess::spawn(dir.path(), &database_url);
    let template = Site::at(&server.url)
        .api_submission("general", "disk full")
        .await
        .body;
    let client = safehold::cli::http_client().build().unwrap();

    // Waves of concurrent reports, so batches (and failed batch commits) happen, until the
    // disk has been full for a while.
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    let mut other_statuses = Vec::new();
    let mut slowest_refusal = Duration::ZERO;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let answers = futures_util::future::join_all(
            (0..16).map(|_| submit(&client, &server.url, with_fresh_verifier(&template))),
        )
        .await;
        for (id, status, took) in answers {
            match id {
                Some(id) => acknowledged.push(id),
                None => {
                    if status != 503 {
                        other_statuses.push(status);
                    }
                    refused += 1;
                    slowest_refusal = slowest_refusal.max(took);
                }
            }
        }
        if refused >= 48 {
            break;
        }
    }
    eprintln!(
        "disk full: {} acknowledged, {refused} refused, slowest refusal {slowest_refusal:?}",
        acknowledged.len()
    );

    // Space returns: the same server stores reports again, without a restart.
    disk.grow(16 * 1024);
    let (id, recovered, _) = submit(&client, &server.url, with_fresh_verifier(&template)).await;
    acknowledged.extend(id);

    // A crash, then a restart: every acknowledged report and its alert is on disk.
    server.kill();
    let mut restarted = ServerProcess::spawn(dir.path(), &database_url);
    let store = Store::connect(&database_url).await.unwrap();
    let mut lost = Vec::new();
    for id in &acknowledged {
        if store.report(id).await.unwrap().is_none() {
            lost.push(id.clone());
        }
    }
    let alerts = store.pending_alerts().await.unwrap();
    let alerts_lost = acknowledged
        .iter()
        .filter(|id| !alerts.iter().any(|a| &a.case_id == *id))
        .count();
    store.close().await;
    assert!(restarted.terminate().success());
    eprintln!(
        "after restart: {} of {} acknowledged reports found",
        acknowledged.len() - lost.len(),
        acknowledged.len()
    );
    // Every figure is printed before the first assertion, so a failing run still gives them.
    assert!(lost.is_empty(), "acknowledged reports lost: {lost:?}");
    assert_eq!(alerts_lost, 0, "alerts of acknowledged reports lost");
    assert!(refused >= 48, "the disk never filled");
    assert_eq!(other_statuses, Vec::<u16>::new(), "a full disk is a 503");
    assert!(
        slowest_refusal < Duration::from_secs(3),
        "a full disk is refused at once, not after waiting for a lock: {slowest_refusal:?}"
    );
    assert_eq!(
        recovered, 201,
        "the server recovers by itself when space returns"
    );
}
