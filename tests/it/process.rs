//! The real `safehold` binary as a child process, for crash, signal and log tests.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::repo;

/// Extra settings for [`ServerProcess::spawn_with`].
#[derive(Default, Clone)]
pub struct SpawnOptions {
    /// A policy directory instead of `policy/DEMO`.
    pub policy: Option<PathBuf>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Extra arguments after the usual ones.
    pub args: Vec<String>,
}

pub struct ServerProcess {
    child: Child,
    pub url: String,
    pub stderr: PathBuf,
}

impl ServerProcess {
    /// Starts `safehold serve --demo` with its data, temp dir and logs under `dir`.
    pub fn spawn(dir: &Path, database_url: &str) -> ServerProcess {
        Self::spawn_with(dir, database_url, &SpawnOptions::default())
    }

    /// [`ServerProcess::spawn`] with another policy directory, environment or arguments.
    pub fn spawn_with(dir: &Path, database_url: &str, options: &SpawnOptions) -> ServerProcess {
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let n = std::fs::read_dir(dir).unwrap().count();
        let stdout = dir.join(format!("stdout-{n}.log"));
        let stderr = dir.join(format!("stderr-{n}.log"));
        let policy = options
            .policy
            .clone()
            .unwrap_or_else(|| repo().join("policy/DEMO"));
        let child = Command::new(env!("CARGO_BIN_EXE_safehold"))
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                database_url,
            ])
            .arg("--keys")
            .arg(repo().join("keys/DEMO"))
            .arg("--policy")
            .arg(&policy)
            .arg("--secret-file")
            .arg(dir.join("server-secret"))
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
            .args(&options.args)
            .envs(options.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(dir)
            .env("TMPDIR", &tmp)
            // As verbose as it gets: the canary must hold for every log line.
            .env("RUST_LOG", "trace")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("spawn safehold");
        let started = Instant::now();
        let url = loop {
            let text = std::fs::read_to_string(&stdout).unwrap_or_default();
            if let Some(at) = text.find("listening on ") {
                let rest = &text[at + 13..];
                break rest[..rest.find('\n').unwrap_or(rest.len())]
                    .trim()
                    .to_owned();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server did not start: {}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        ServerProcess { child, url, stderr }
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "server ignored SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
