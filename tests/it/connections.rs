//! Connections against the real binary: slow headers are cut off, slow-header floods cannot
//! lock reporters out, slow bodies end, and a client that half-closes still gets its answer.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{Backend, Site, fresh_database};
use crate::process::{ServerProcess, SpawnOptions};

/// A server with short header and request timeouts and a small connection cap.
async fn server(dir: &std::path::Path) -> ServerProcess {
    server_capped(dir, 64).await
}

/// [`server`] serving at most `max_connections` clients at once.
async fn server_capped(dir: &std::path::Path, max_connections: usize) -> ServerProcess {
    let max_connections = max_connections.to_string();
    let database_url = fresh_database(Backend::Sqlite, dir).await;
    let options = SpawnOptions {
        args: [
            "--header-read-timeout-secs",
            "2",
            "--request-timeout-secs",
            "3",
            "--max-connections",
            &max_connections,
        ]
        .map(String::from)
        .to_vec(),
        ..SpawnOptions::default()
    };
    ServerProcess::spawn_with(dir, &database_url, &options)
}

fn address(url: &str) -> String {
    url.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or `limit` passes): what it sent.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut received)).await;
    match read {
        Ok(_) => Some(received),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let mut stream = TcpStream::connect(address(&server.url)).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // A header byte every 200 ms, forever: only the header-read timeout can end this.
    let trickle = async {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if stream.write_all(b"X").await.is_err() {
                break;
            }
        }
    };
    let cut = tokio::time::timeout(Duration::from_secs(8), trickle).await;
    assert!(
        cut.is_ok(),
        "a connection sending headers a byte at a time is never closed"
    );
    eprintln!("slow headers cut after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_header_flood_cannot_lock_reporters_out() {
    let dir = tempfile::tempdir().unwrap();
    // The usual descriptor limit, scaled down: 256 files, for a server that serves at most
    // 160 clients at once and keeps the rest for itself.
    let server = server_capped(dir.path(), 160).await;
    let status = std::process::Command::new("prlimit")
        .arg("--nofile=256:256")
        .arg(format!("--pid={}", server.pid()))
        .status()
        .unwrap();
    assert!(status.success());
    // 400 connections that send headers slowly and reconnect whenever they are cut off.
    let address = address(&server.url);
    let flood: Vec<_> = (0..400)
        .map(|_| {
            let address = address.clone();
            tokio::spawn(async move {
                loop {
                    let Ok(mut stream) = TcpStream::connect(&address).await else {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    };
                    let _ = stream.write_all(b"GET / HTTP/1.1\r\n").await;
                    while stream.write_all(b"X").await.is_ok() {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let site = Site::at(&server.url);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut served = 0;
    let mut slowest = Duration::ZERO;
    for _ in 0..7 {
        let started = Instant::now();
        if let Ok(response) = client.get(site.endpoint("/")).send().await
            && response.status() == 200
        {
            served += 1;
            slowest = slowest.max(started.elapsed());
        }
    }
    for task in flood {
        task.abort();
    }
    eprintln!("reporters served during a slow-header flood: {served} of 7, slowest {slowest:?}");
    assert_eq!(served, 7, "a slow-header flood locked reporters out");
    assert!(
        slowest < Duration::from_secs(10),
        "reporters waited for the flood's connections: {slowest:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_end() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let mut stream = TcpStream::connect(address(&server.url)).await.unwrap();
    stream
        .write_all(
            b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let (mut reader, mut writer) = stream.into_split();
    let trickle = tokio::spawn(async move {
        while writer.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let mut received = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut received)).await;
    trickle.abort();
    assert!(read.is_ok(), "a body sent a byte at a time is never ended");
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    eprintln!("slow body ended after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_half_closes_gets_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path()).await;
    let site = Site::at(&server.url);
    let mut answered = 0;
    const REPORTS: usize = 6;
    for _ in 0..REPORTS {
        let body = serde_json::to_vec(&site.api_submission("general", "half").await.body).unwrap();
        let mut stream = TcpStream::connect(address(&server.url)).await.unwrap();
        let head = format!(
            "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body).await.unwrap();
        // Done sending: shut down the write side and wait for the answer.
        stream.shutdown().await.unwrap();
        let received = read_until_closed(&mut stream, Duration::from_secs(10))
            .await
            .unwrap_or_default();
        if String::from_utf8_lossy(&received).starts_with("HTTP/1.1 201") {
            answered += 1;
        }
    }
    eprintln!("half-closed requests answered: {answered} of {REPORTS}");
    assert_eq!(answered, REPORTS, "a half-closed client got no answer");
}
