//! Server configuration: flags, then `SAFEHOLD_*` environment variables, then an optional TOML
//! file, then built-in defaults: the first one that sets a value wins.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use ipnet::IpNet;
use serde::Deserialize;

/// Default listen address: loopback, so a fresh install is not exposed by accident.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default database: an SQLite file under `./data`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/safehold.db";
/// Default total size of a no-JavaScript submission, attachments included.
pub const DEFAULT_MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

/// `safehold serve` options as given on the command line or in the environment.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// TOML file with any of the options below (snake_case keys).
    #[arg(long, env = "SAFEHOLD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "SAFEHOLD_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// sqlite://PATH or postgres://… [default: sqlite://data/safehold.db].
    #[arg(long, env = "SAFEHOLD_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory of public age recipients (caseworkers/, rapporteurs/) [default: keys].
    #[arg(long, env = "SAFEHOLD_KEYS")]
    pub keys: Option<PathBuf>,
    /// Directory of policy files (routing.toml, …) [default: policy].
    #[arg(long, env = "SAFEHOLD_POLICY")]
    pub policy: Option<PathBuf>,
    /// Run with the DEMO keys and policy shipped in the repository. Never for real reports.
    #[arg(long)]
    pub demo: bool,
    /// File holding the server secret (receipt pepper, CSRF key); created if missing.
    /// Every instance sharing one database needs the same file [default: data/server-secret].
    #[arg(long, env = "SAFEHOLD_SECRET_FILE")]
    pub secret_file: Option<PathBuf>,
    /// Largest no-JavaScript submission in bytes, attachments included [default: 26214400].
    #[arg(long, env = "SAFEHOLD_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Reverse proxies whose X-Forwarded-For is believed (IP or CIDR; repeat or comma-separate).
    #[arg(
        long = "trusted-proxy",
        env = "SAFEHOLD_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Option<Vec<IpNet>>,
    /// Seconds a request may take, upload included; Tor is slow [default: 300].
    #[arg(long, env = "SAFEHOLD_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Seconds a client has to send a request's headers [default: 30].
    #[arg(long, env = "SAFEHOLD_HEADER_READ_TIMEOUT_SECS")]
    pub header_read_timeout_secs: Option<u64>,
    /// Client connections served at once; must stay below the open-file limit [default: 512].
    #[arg(long, env = "SAFEHOLD_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Hours a staff session lasts after login [default: 8].
    #[arg(long, env = "SAFEHOLD_SESSION_HOURS")]
    pub session_hours: Option<u64>,
    /// Seconds between checks of the keys directory for changes, which are loaded without a
    /// restart (as on SIGHUP); 0 turns the checks off [default: 5].
    #[arg(long, env = "SAFEHOLD_KEYS_POLL_SECONDS")]
    pub keys_poll_seconds: Option<u64>,
    /// Form submissions per client per minute; 0 turns the limit off [default: 10].
    #[arg(long, env = "SAFEHOLD_FORM_PER_MINUTE")]
    pub form_per_minute: Option<u32>,
    /// API submissions per client per minute; 0 turns the limit off [default: 60].
    #[arg(long, env = "SAFEHOLD_API_PER_MINUTE")]
    pub api_per_minute: Option<u32>,
    /// Receipt look-ups per client per minute; 0 turns the limit off [default: 10].
    #[arg(long, env = "SAFEHOLD_RECEIPT_PER_MINUTE")]
    pub receipt_per_minute: Option<u32>,
    /// Requests per second over all clients (behind Tor every client is 127.0.0.1);
    /// 0 turns the limit off [default: 100].
    #[arg(long, env = "SAFEHOLD_GLOBAL_PER_SECOND")]
    pub global_per_second: Option<u32>,
    /// Reports per minute, over all clients, that said someone is in immediate danger and are
    /// admitted from their own budget, which a flood of other reports cannot spend; past it,
    /// they share the global budget. 0 turns the budget off [default: 30].
    #[arg(long, env = "SAFEHOLD_URGENT_PER_MINUTE")]
    pub urgent_per_minute: Option<u32>,
    /// Reports sealed and committed at once; more wait in a fair queue (a round trip through
    /// the form first, then the client with fewer in flight) [default: 64].
    #[arg(long, env = "SAFEHOLD_MAX_CONCURRENT_SUBMISSIONS")]
    pub max_concurrent_submissions: Option<usize>,
    /// Bodies over 1 MiB (reports and messages with files) read and sealed at once; more are
    /// refused at once with 503 and Retry-After. Each takes a few times its size in memory
    /// while it is encrypted [default: 2].
    #[arg(long, env = "SAFEHOLD_MAX_CONCURRENT_UPLOADS")]
    pub max_concurrent_uploads: Option<usize>,
    /// Where the organisation publishes the keyring fingerprint, outside this server (a URL,
    /// or words such as "our annual report, page 2"); every reporter page names it next to
    /// the fingerprint, so reporters can compare the two.
    #[arg(long, env = "SAFEHOLD_KEYRING_PUBLISHED_AT")]
    pub keyring_published_at: Option<String>,
    /// The address reporters open, e.g. https://safehold.example.org. When it is https, the
    /// CSRF cookie is marked Secure and browsers are told to use https only (HSTS).
    #[arg(long, env = "SAFEHOLD_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// The same options read from the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    keys: Option<PathBuf>,
    policy: Option<PathBuf>,
    secret_file: Option<PathBuf>,
    max_body_bytes: Option<usize>,
    trusted_proxies: Option<Vec<IpNet>>,
    request_timeout_secs: Option<u64>,
    header_read_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    session_hours: Option<u64>,
    keys_poll_seconds: Option<u64>,
    form_per_minute: Option<u32>,
    api_per_minute: Option<u32>,
    receipt_per_minute: Option<u32>,
    global_per_second: Option<u32>,
    urgent_per_minute: Option<u32>,
    max_concurrent_submissions: Option<usize>,
    max_concurrent_uploads: Option<usize>,
    keyring_published_at: Option<String>,
    public_url: Option<String>,
}

/// Request-rate limits; `0` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// No-JavaScript form submissions per client per minute.
    pub form_per_minute: u32,
    /// API submissions per client per minute.
    pub api_per_minute: u32,
    /// Receipt look-ups per client per minute.
    pub receipt_per_minute: u32,
    /// Requests per second over all clients.
    pub global_per_second: u32,
    /// Urgent reports per minute admitted from their own budget.
    pub urgent_per_minute: u32,
    /// Reports sealed and committed at once.
    pub max_concurrent_submissions: usize,
    /// Bodies over 1 MiB read and sealed at once.
    pub max_concurrent_uploads: usize,
}

/// Fully resolved server configuration.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Database URL; its scheme picks the backend.
    pub database_url: String,
    /// Directory of public recipients.
    pub keys: PathBuf,
    /// Directory of policy files.
    pub policy: PathBuf,
    /// Whether the DEMO keys are allowed.
    pub demo: bool,
    /// Server secret file.
    pub secret_file: PathBuf,
    /// Largest no-JavaScript submission.
    pub max_body_bytes: usize,
    /// Proxies whose forwarding headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Time limit of one request.
    pub request_timeout: Duration,
    /// How many connections, and how long a client may take to send its headers.
    pub connections: crate::http::ConnectionLimits,
    /// Rate limits per traffic class.
    pub rate_limits: RateLimits,
    /// Lifetime of a staff session.
    pub session: Duration,
    /// Where the organisation publishes the keyring fingerprint, if it said.
    pub keyring_published_at: Option<String>,
    /// How often the keys directory is checked for changes; `None`: only on SIGHUP.
    pub keys_poll: Option<Duration>,
    /// The address reporters open, if the operator said it.
    pub public_url: Option<String>,
}

impl ServeConfig {
    /// Whether reporters reach the service over https: then cookies are `Secure` and HSTS
    /// is sent.
    pub fn serves_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| {
            url.get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        })
    }

    /// Largest API body: the form limit in base64 plus room for the JSON around it.
    pub fn max_api_body_bytes(&self) -> usize {
        // Base64 of the largest ciphertext, room for the other fields, and the padding that
        // clients add to a whole body (to the same buckets as envelopes).
        crate::padding::padded_len(self.max_body_bytes / 3 * 4 + 64 * 1024)
    }
}

/// Configuration problems, worded for the operator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("cannot read config file {0}: {1}")]
    Read(String, #[source] std::io::Error),
    /// The TOML file is malformed or has unknown keys.
    #[error("config file {0} is invalid: {1}")]
    Parse(String, String),
    /// A value is out of range.
    #[error("{0}")]
    Invalid(String),
}

impl ServeArgs {
    /// Merges flags/env with the optional file and the defaults.
    pub fn resolve(&self) -> Result<ServeConfig, ConfigError> {
        let file = match &self.config {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let (default_keys, default_policy) = default_dirs(self.demo);
        let listen = match self.listen.or(file.listen) {
            Some(addr) => addr,
            None => DEFAULT_LISTEN
                .parse()
                .map_err(|_| ConfigError::Invalid("bad built-in listen address".into()))?,
        };
        let max_body_bytes = self
            .max_body_bytes
            .or(file.max_body_bytes)
            .unwrap_or(DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes < 64 * 1024 {
            return Err(ConfigError::Invalid(format!(
                "max_body_bytes is {max_body_bytes}; it must be at least 65536 so a report fits"
            )));
        }
        let request_timeout_secs = self
            .request_timeout_secs
            .or(file.request_timeout_secs)
            .unwrap_or(300);
        if request_timeout_secs == 0 {
            return Err(ConfigError::Invalid(
                "request_timeout_secs must be at least 1".into(),
            ));
        }
        let keyring_published_at = self
            .keyring_published_at
            .clone()
            .or(file.keyring_published_at)
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty());
        if let Some(text) = &keyring_published_at
            && (text.chars().count() > 300 || text.chars().any(char::is_control))
        {
            return Err(ConfigError::Invalid(
                "keyring_published_at must be one line of at most 300 characters: a URL, or a few words saying where reporters find the fingerprint".into(),
            ));
        }
        let public_url = self.public_url.clone().or(file.public_url);
        if let Some(url) = &public_url {
            let scheme_ok = ["https://", "http://"].iter().any(|scheme| {
                url.get(..scheme.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
                    && url.len() > scheme.len()
            });
            if !scheme_ok {
                return Err(ConfigError::Invalid(format!(
                    "public_url is {url:?}; give the full address reporters open, starting with https:// (or http:// for a test or an onion service)"
                )));
            }
        }
        Ok(ServeConfig {
            public_url,
            listen,
            database_url: self
                .database_url
                .clone()
                .or(file.database_url)
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            keys: self.keys.clone().or(file.keys).unwrap_or(default_keys),
            policy: self
                .policy
                .clone()
                .or(file.policy)
                .unwrap_or(default_policy),
            demo: self.demo,
            secret_file: self
                .secret_file
                .clone()
                .or(file.secret_file)
                .unwrap_or_else(|| PathBuf::from("data/server-secret")),
            max_body_bytes,
            trusted_proxies: self
                .trusted_proxies
                .clone()
                .or(file.trusted_proxies)
                .unwrap_or_default(),
            request_timeout: Duration::from_secs(request_timeout_secs),
            connections: crate::http::ConnectionLimits {
                max_connections: self
                    .max_connections
                    .or(file.max_connections)
                    .unwrap_or(512)
                    .max(1),
                header_read_timeout: Duration::from_secs(
                    self.header_read_timeout_secs
                        .or(file.header_read_timeout_secs)
                        .unwrap_or(30)
                        .max(1),
                ),
            },
            session: Duration::from_secs(
                self.session_hours
                    .or(file.session_hours)
                    .unwrap_or(8)
                    .clamp(1, 24 * 7)
                    * 3600,
            ),
            keys_poll: match self.keys_poll_seconds.or(file.keys_poll_seconds) {
                Some(0) => None,
                seconds => Some(Duration::from_secs(seconds.unwrap_or(5))),
            },
            rate_limits: RateLimits {
                form_per_minute: self.form_per_minute.or(file.form_per_minute).unwrap_or(10),
                api_per_minute: self.api_per_minute.or(file.api_per_minute).unwrap_or(60),
                receipt_per_minute: self
                    .receipt_per_minute
                    .or(file.receipt_per_minute)
                    .unwrap_or(10),
                global_per_second: self
                    .global_per_second
                    .or(file.global_per_second)
                    .unwrap_or(100),
                urgent_per_minute: self
                    .urgent_per_minute
                    .or(file.urgent_per_minute)
                    .unwrap_or(30),
                max_concurrent_submissions: self
                    .max_concurrent_submissions
                    .or(file.max_concurrent_submissions)
                    .unwrap_or(64)
                    .max(1),
                max_concurrent_uploads: self
                    .max_concurrent_uploads
                    .or(file.max_concurrent_uploads)
                    .unwrap_or(2)
                    .max(1),
            },
            keyring_published_at,
        })
    }
}

/// `--keys`, `--policy` and `--demo` of the commands that read keys and policy without serving
/// (`check`, `admin`, `stats`); `serve` has its own in [`ServeArgs`], where a config file may
/// set them too.
#[derive(Debug, Clone, Default, Args)]
pub struct KeysAndPolicyArgs {
    /// Directory of public age recipients [default: keys, or keys/DEMO with --demo].
    #[arg(long, env = "SAFEHOLD_KEYS")]
    pub keys: Option<PathBuf>,
    /// Directory of policy files [default: policy, or policy/DEMO with --demo].
    #[arg(long, env = "SAFEHOLD_POLICY")]
    pub policy: Option<PathBuf>,
    /// Use the DEMO keys and policy.
    #[arg(long)]
    pub demo: bool,
}

impl KeysAndPolicyArgs {
    /// The keys directory: the flag, else the default for `--demo` or not.
    pub fn keys_dir(&self) -> PathBuf {
        let (keys, _) = default_dirs(self.demo);
        self.keys.clone().unwrap_or(keys)
    }

    /// The policy directory: the flag, else the default for `--demo` or not.
    pub fn policy_dir(&self) -> PathBuf {
        let (_, policy) = default_dirs(self.demo);
        self.policy.clone().unwrap_or(policy)
    }

    /// Loads keys and policy as `serve` would, refusing DEMO keys without `--demo`.
    pub fn load(&self) -> anyhow::Result<(crate::keyring::Keyring, crate::policy::Policy)> {
        crate::server::load_keys_and_policy(&self.keys_dir(), &self.policy_dir(), self.demo)
    }
}

/// The keys and policy directories used unless told otherwise: the DEMO set with `--demo`.
pub fn default_dirs(demo: bool) -> (PathBuf, PathBuf) {
    if demo {
        (PathBuf::from("keys/DEMO"), PathBuf::from("policy/DEMO"))
    } else {
        (PathBuf::from("keys"), PathBuf::from("policy"))
    }
}

fn read_file_config(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::Read(path.display().to_string(), e))?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse(path.display().to_string(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_file_and_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("safehold.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\nform_per_minute = 3\n").unwrap();
        let args = ServeArgs {
            config: Some(file),
            form_per_minute: Some(7),
            ..ServeArgs::default()
        };
        let config = args.resolve().unwrap();
        assert_eq!(config.listen.port(), 9000, "file beats default");
        assert_eq!(config.rate_limits.form_per_minute, 7, "flag beats file");
        assert_eq!(
            config.rate_limits.api_per_minute, 60,
            "default fills the rest"
        );
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn unknown_file_keys_are_refused_with_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "listne = \"x\"\n").unwrap();
        let args = ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        };
        let err = args.resolve().unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("listne"), "{err}");
    }

    #[test]
    fn demo_switches_to_the_demo_directories() {
        let config = ServeArgs {
            demo: true,
            ..ServeArgs::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(config.keys, PathBuf::from("keys/DEMO"));
        assert_eq!(config.policy, PathBuf::from("policy/DEMO"));
    }
}
