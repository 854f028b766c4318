//! `safehold serve --demo` as a child process on loopback, shared by `safehold bench` and the
//! integration tests so that both start, find and stop the real server the same way.
//!
//! The child gets its own working directory (database, secret, temp files, logs), listens on
//! an ephemeral port, and runs without rate limits unless asked to keep them; its URL is read from the
//! `safehold: listening on http://ADDR` line it prints once it is ready.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Everything needed to start one child server.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The `safehold` executable.
    pub exe: PathBuf,
    /// Working directory: the server secret, `tmp/` (its `TMPDIR`) and relative paths.
    pub dir: PathBuf,
    /// `--database-url`.
    pub database_url: String,
    /// `--keys`.
    pub keys: PathBuf,
    /// `--policy`.
    pub policy: PathBuf,
    /// Where the child's stdout goes; the listening line is read from it.
    pub stdout: PathBuf,
    /// Where the child's stderr (its log) goes.
    pub stderr: PathBuf,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Extra arguments after the usual ones.
    pub args: Vec<String>,
    /// Keep the server's own rate limits (a flood benchmark) instead of turning them off.
    pub default_rate_limits: bool,
    /// How long start-up may take before giving up.
    pub start_timeout: Duration,
}

/// A running child server, killed when dropped (also on errors and panics).
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The child's stdout file.
    pub stdout: PathBuf,
    /// The child's stderr file (its log).
    pub stderr: PathBuf,
}

impl ServerProcess {
    /// Starts the server and waits until it listens; on failure the error carries its log.
    pub fn spawn(launch: &Launch) -> anyhow::Result<ServerProcess> {
        let tmp = launch.dir.join("tmp");
        std::fs::create_dir_all(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        let child = Command::new(&launch.exe)
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
            ])
            .arg(&launch.database_url)
            .arg("--secret-file")
            .arg(launch.dir.join("server-secret"))
            .arg("--keys")
            .arg(&launch.keys)
            .arg("--policy")
            .arg(&launch.policy)
            // Load tests and test suites send far more than any client would.
            .args(if launch.default_rate_limits {
                &[][..]
            } else {
                &[
                    "--form-per-minute",
                    "0",
                    "--api-per-minute",
                    "0",
                    "--receipt-per-minute",
                    "0",
                    "--global-per-second",
                    "0",
                ][..]
            })
            .args(&launch.args)
            .envs(launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(&launch.dir)
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&launch.stdout)?)
            .stderr(std::fs::File::create(&launch.stderr)?)
            .spawn()
            .context("cannot start safehold serve")?;
        let mut server = ServerProcess {
            child,
            url: String::new(),
            stdout: launch.stdout.clone(),
            stderr: launch.stderr.clone(),
        };
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&launch.stdout).unwrap_or_default();
            if let Some(url) = listening_url(&text) {
                server.url = url;
                return Ok(server);
            }
            let log = || read_log(&launch.stderr);
            if let Some(status) = server.child.try_wait()? {
                bail!("the server exited during start-up ({status}):\n{}", log());
            }
            if started.elapsed() > launch.start_timeout {
                bail!(
                    "the server did not start within {} s:\n{}",
                    launch.start_timeout.as_secs(),
                    log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The child's process id, for reading its `/proc` entries.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait up to `timeout` for the server to exit by itself.
    pub fn terminate(&mut self, timeout: Duration) -> anyhow::Result<ExitStatus> {
        // `kill(1)` rather than libc: this crate has no unsafe code.
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .context("cannot run kill -TERM")?;
        if !status.success() {
            bail!("kill -TERM failed ({status})");
        }
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if started.elapsed() > timeout {
                bail!("the server ignored SIGTERM for {} s", timeout.as_secs());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The URL from the server's `safehold: listening on http://ADDR` line.
fn listening_url(stdout: &str) -> Option<String> {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("safehold: listening on "))?;
    Some(line.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_comes_from_the_listening_line() {
        let stdout = "\n  *** DEMO MODE ***\nsafehold: listening on http://127.0.0.1:40123\n";
        assert_eq!(
            listening_url(stdout).as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(listening_url("safehold: starting\n"), None);
    }
}
