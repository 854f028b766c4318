//! The real `safehold` binary as a child process, for crash, signal and log tests: the
//! library's [`safehold::server_process`] with this suite's defaults (the repository's DEMO
//! keys and policy, every log line at trace level, one pair of log files per start).

use std::path::{Path, PathBuf};
use std::time::Duration;

use safehold::server_process::{self, Launch};

use crate::common::repo;

/// Extra settings for [`ServerProcess::spawn_with`].
#[derive(Default, Clone)]
pub struct SpawnOptions {
    /// A policy directory instead of `policy/DEMO`.
    pub policy: Option<PathBuf>,
    /// A keys directory instead of `keys/DEMO`.
    pub keys: Option<PathBuf>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Extra arguments after the usual ones.
    pub args: Vec<String>,
}

pub struct ServerProcess {
    process: server_process::ServerProcess,
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
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        // Numbered, so a restarted server does not overwrite the first one's log.
        let n = std::fs::read_dir(dir).unwrap().count();
        let mut env = options.env.clone();
        // As verbose as it gets: the canary must hold for every log line.
        env.push(("RUST_LOG".to_owned(), "trace".to_owned()));
        let launch = Launch {
            exe: PathBuf::from(env!("CARGO_BIN_EXE_safehold")),
            dir: dir.to_path_buf(),
            database_url: database_url.to_owned(),
            keys: options
                .keys
                .clone()
                .unwrap_or_else(|| repo().join("keys/DEMO")),
            policy: options
                .policy
                .clone()
                .unwrap_or_else(|| repo().join("policy/DEMO")),
            stdout: dir.join(format!("stdout-{n}.log")),
            stderr: dir.join(format!("stderr-{n}.log")),
            env,
            args: options.args.clone(),
            default_rate_limits: false,
            start_timeout: Duration::from_secs(30),
        };
        let process = server_process::ServerProcess::spawn(&launch)
            .unwrap_or_else(|e| panic!("server did not start: {e:#}"));
        ServerProcess {
            url: process.url.clone(),
            stderr: process.stderr.clone(),
            process,
        }
    }

    /// The server's process id (for strace).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// SIGHUP: reload the keys.
    pub fn hangup(&self) {
        let status = std::process::Command::new("kill")
            .args(["-HUP", &self.process.pid().to_string()])
            .status()
            .expect("kill -HUP runs");
        assert!(status.success(), "kill -HUP failed");
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        self.process
            .terminate(Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("{e:#}"))
    }
}
