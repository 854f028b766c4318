//! Invariants 1 and 2: no plaintext, codephrase, reporter address or user agent at rest or in
//! logs. A unique marker goes in through both paths (fields and attachment); then the database
//! files, the data and temp directories, the logs (and a PostgreSQL dump) are scanned for it.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::common::{Backend, FormReport, Site, fresh_database, marker, on_both_backends};
use crate::process::ServerProcess;

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

async fn no_plaintext_or_reporter_metadata_at_rest_or_in_logs(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, dir.path()).await;
    let mut server = ServerProcess::spawn(dir.path(), &database_url);
    let reporter = Site::with_client(&server.url, reporter_client());
    let mut markers = Vec::new();
    let mut codephrases = Vec::new();

    // No-JavaScript path: marker in a field and at the start of an attachment.
    let field_marker = marker("form-field");
    let file_marker = marker("form-file");
    let mut report = FormReport::simple(&field_marker);
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
    // After a clean stop (checkpoint, final log lines), once more.
    assert!(server.terminate().success());
    let mut scanned = Vec::new();
    scan_tree(dir.path(), &needles, &mut scanned);
    assert!(
        scanned.iter().any(|f| f.starts_with("stderr")),
        "the logs were scanned"
    );
    assert!(
        std::fs::metadata(&server.stderr).unwrap().len() > 0,
        "the server did log"
    );
    scan_tree(
        &std::env::temp_dir(),
        &needles[..needles.len() - 2],
        &mut Vec::new(),
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
