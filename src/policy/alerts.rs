//! `policy/alerts.toml`: how each alert target named in `routing.toml` is reached.
//!
//! A target is a webhook (JSON, signed with HMAC-SHA256 under a per-target secret) or e-mail
//! over SMTP, delivered at once or in a fixed-schedule digest. Secrets never live in the file:
//! each comes from an environment variable or a file the policy names, and a missing one is an
//! error that names the target and the variable. This module sees names and settings only.

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use super::{PolicyError, Problem};

/// The validated alert policy.
#[derive(Clone, Debug, Default)]
pub struct AlertPolicy {
    /// Every target, in file order.
    pub targets: Vec<AlertTarget>,
    /// The SMTP relay for e-mail targets.
    pub smtp: Option<SmtpSettings>,
    /// Retry and timing settings of the worker.
    pub delivery: Delivery,
}

/// Retry and timing settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Attempts before an alert goes to the dead letters.
    pub max_attempts: u32,
    /// First retry delay; doubled per attempt, with jitter.
    pub backoff_base: Duration,
    /// Largest retry delay.
    pub backoff_max: Duration,
    /// Time limit of one delivery (connect, send, answer).
    pub timeout: Duration,
    /// How often the worker looks for due alerts.
    pub poll_interval: Duration,
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery {
            max_attempts: 8,
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            timeout: Duration::from_secs(10),
            poll_interval: Duration::from_secs(2),
        }
    }
}

/// One alert target.
#[derive(Clone, Debug)]
pub struct AlertTarget {
    /// Name used in `routing.toml`.
    pub name: String,
    /// Where and how it is reached.
    pub channel: Channel,
    /// At once, or in a digest.
    pub mode: Mode,
    /// A digest target still gets urgent alerts at once.
    pub urgent_fast_lane: bool,
    /// Alerts and digests name the case (`include_case = true`). Off by default: an alert
    /// sitting in a third party's mailbox or relay then says only that something arrived on a
    /// route, and nothing about which case it was.
    pub include_case: bool,
}

/// Where an alert goes.
#[derive(Clone, Debug)]
pub enum Channel {
    /// HTTP POST of JSON, signed.
    Webhook {
        /// The URL; may embed a token (an ntfy topic), so it is never logged.
        url: String,
        /// The HMAC key.
        secret: SecretString,
    },
    /// E-mail through `[smtp]`.
    Email {
        /// Recipient addresses; never logged.
        to: Vec<String>,
    },
}

impl Channel {
    /// `webhook` or `email`, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Webhook { .. } => "webhook",
            Channel::Email { .. } => "email",
        }
    }
}

/// When alerts are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Each alert as soon as it is committed.
    Immediate,
    /// One message per period, at fixed boundaries of unix time, even when nothing arrived.
    Digest {
        /// The period.
        every: Duration,
    },
}

/// How the SMTP relay is reached.
#[derive(Clone, Debug)]
pub struct SmtpSettings {
    /// Relay host name.
    pub host: String,
    /// Relay port.
    pub port: u16,
    /// Transport security.
    pub security: SmtpSecurity,
    /// The From address.
    pub from: String,
    /// User name and password, from the environment.
    pub credentials: Option<(String, SecretString)>,
}

/// Transport security of SMTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required, never optional).
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: allowed only to a loopback host (a local relay, tests).
    PlainLoopbackOnly,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlerts {
    max_attempts: Option<u32>,
    backoff_base: Option<String>,
    backoff_max: Option<String>,
    timeout: Option<String>,
    poll_interval: Option<String>,
    smtp: Option<RawSmtp>,
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtp {
    host: String,
    port: Option<u16>,
    security: SmtpSecurity,
    from: String,
    username_env: Option<String>,
    password_env: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    Webhook,
    Email,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawMode {
    Immediate,
    Digest,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    kind: RawKind,
    url: Option<String>,
    to: Option<Vec<String>>,
    secret_env: Option<String>,
    secret_file: Option<PathBuf>,
    mode: Option<RawMode>,
    schedule: Option<String>,
    #[serde(default)]
    urgent_fast_lane: bool,
    #[serde(default)]
    include_case: bool,
}

/// Where the alerts file lives inside a policy directory.
pub(super) fn alerts_path(dir: &Path) -> PathBuf {
    dir.join("alerts.toml")
}

impl AlertPolicy {
    /// Parses and validates alerts text. `dir` is where relative `secret_file`s are found;
    /// `env` looks environment variables up (injectable for tests).
    pub fn parse(
        text: &str,
        path: &Path,
        dir: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AlertPolicy, PolicyError> {
        let raw: RawAlerts = toml::from_str(text).map_err(|err| PolicyError::Syntax {
            path: path.to_path_buf(),
            message: err.to_string(),
        })?;
        let mut problems = Vec::new();
        let policy = validate(raw, dir, env, &mut problems);
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(PolicyError::invalid(path, problems))
        }
    }

    /// The target with this name.
    pub fn target(&self, name: &str) -> Option<&AlertTarget> {
        self.targets.iter().find(|t| t.name == name)
    }

    /// Every target name, in file order.
    pub fn names(&self) -> Vec<String> {
        self.targets.iter().map(|t| t.name.clone()).collect()
    }
}

fn problem(problems: &mut Vec<Problem>, target: Option<&str>, field: &'static str, m: String) {
    let context = match target {
        Some(target) => format!("target `{target}`, field `{field}`"),
        None => format!("field `{field}`"),
    };
    problems.push(Problem::new(m).about(context));
}

fn validate(
    raw: RawAlerts,
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
) -> AlertPolicy {
    let defaults = Delivery::default();
    let mut duration = |value: Option<String>, field: &'static str, default: Duration| match value {
        None => default,
        Some(text) => match parse_duration(&text) {
            Some(d) if !d.is_zero() => d,
            _ => {
                problem(
                    problems,
                    None,
                    field,
                    format!(
                        "`{text}` is not a duration: write e.g. \"500ms\", \"30s\", \"5m\", \"1h\""
                    ),
                );
                default
            }
        },
    };
    let delivery = Delivery {
        max_attempts: raw.max_attempts.unwrap_or(defaults.max_attempts),
        backoff_base: duration(raw.backoff_base, "backoff_base", defaults.backoff_base),
        backoff_max: duration(raw.backoff_max, "backoff_max", defaults.backoff_max),
        timeout: duration(raw.timeout, "timeout", defaults.timeout),
        poll_interval: duration(raw.poll_interval, "poll_interval", defaults.poll_interval),
    };
    if !(1..=100).contains(&delivery.max_attempts) {
        problem(
            problems,
            None,
            "max_attempts",
            "must be between 1 and 100".into(),
        );
    }

    let smtp = raw.smtp.map(|s| validate_smtp(s, env, problems));
    let mut seen = HashSet::new();
    let mut targets = Vec::new();
    for t in raw.target {
        let name = t.name.clone();
        let n = Some(name.as_str());
        if !super::routing::is_valid_route_name(&name) {
            problem(
                problems,
                n,
                "name",
                format!(
                    "`{name}` is not a valid target name: use 1-48 characters from a-z, 0-9 and '-'"
                ),
            );
        }
        if !seen.insert(name.clone()) {
            problem(
                problems,
                n,
                "name",
                "the name is used twice: target names must be unique".into(),
            );
        }
        let channel = match t.kind {
            RawKind::Webhook => {
                if t.to.is_some() {
                    problem(problems, n, "to", "a webhook has no `to`: remove it".into());
                }
                let url = match &t.url {
                    None => {
                        problem(problems, n, "url", "missing: a webhook needs `url`".into());
                        String::new()
                    }
                    Some(url) => {
                        if let Err(m) = check_webhook_url(url) {
                            problem(problems, n, "url", m);
                        }
                        url.clone()
                    }
                };
                let secret = read_secret(&t, dir, env, problems);
                Channel::Webhook { url, secret }
            }
            RawKind::Email => {
                if t.url.is_some() {
                    problem(
                        problems,
                        n,
                        "url",
                        "an e-mail target has no `url`: remove it".into(),
                    );
                }
                if t.secret_env.is_some() || t.secret_file.is_some() {
                    problem(
                        problems,
                        n,
                        "secret_env",
                        "e-mail targets have no secret; SMTP credentials go in [smtp]".into(),
                    );
                }
                let to = t.to.clone().unwrap_or_default();
                if to.is_empty() {
                    problem(problems, n, "to", "list at least one address".into());
                }
                for address in &to {
                    if address.parse::<lettre::Address>().is_err() {
                        problem(
                            problems,
                            n,
                            "to",
                            format!("`{address}` is not an e-mail address"),
                        );
                    }
                }
                if smtp.is_none() {
                    problem(
                        problems,
                        n,
                        "kind",
                        "e-mail targets need an [smtp] table".into(),
                    );
                }
                Channel::Email { to }
            }
        };
        // E-mail lands in mailboxes the organisation does not run: unless the file says
        // otherwise, it gets one daily digest, which dates nothing finer than the day.
        let mode = match t.mode {
            Some(mode) => mode,
            None if t.kind == RawKind::Email => RawMode::Digest,
            None => {
                problem(
                    problems,
                    n,
                    "mode",
                    "missing: set mode = \"immediate\" or mode = \"digest\"".into(),
                );
                RawMode::Immediate
            }
        };
        let schedule = match (t.mode, t.kind, &t.schedule) {
            (None, RawKind::Email, None) => Some("daily".to_owned()),
            (_, _, schedule) => schedule.clone(),
        };
        let mode = match (mode, &schedule) {
            (RawMode::Immediate, None) => Mode::Immediate,
            (RawMode::Immediate, Some(_)) => {
                problem(
                    problems,
                    n,
                    "schedule",
                    "only digest targets have a schedule: remove it, or set mode = \"digest\""
                        .into(),
                );
                Mode::Immediate
            }
            (RawMode::Digest, None) => {
                problem(problems, n, "schedule", "missing: a digest needs schedule = \"hourly\", \"daily\" or \"every <duration>\"".into());
                Mode::Immediate
            }
            (RawMode::Digest, Some(text)) => match parse_schedule(text) {
                Some(every) => Mode::Digest { every },
                None => {
                    problem(
                        problems,
                        n,
                        "schedule",
                        format!(
                            "`{text}` is not a schedule: use \"hourly\", \"daily\" or \"every <duration>\" (at least 1s, whole seconds)"
                        ),
                    );
                    Mode::Immediate
                }
            },
        };
        targets.push(AlertTarget {
            name,
            channel,
            mode,
            urgent_fast_lane: t.urgent_fast_lane,
            include_case: t.include_case,
        });
    }
    AlertPolicy {
        targets,
        smtp,
        delivery,
    }
}

fn validate_smtp(
    s: RawSmtp,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
) -> SmtpSettings {
    if s.host.trim().is_empty() {
        problem(
            problems,
            None,
            "smtp.host",
            "missing: name the relay".into(),
        );
    }
    if s.security == SmtpSecurity::PlainLoopbackOnly && !is_loopback_host(&s.host) {
        problem(
            problems,
            None,
            "smtp.security",
            format!(
                "plain SMTP to `{}` would show every alert to the network: use starttls or tls; plain-loopback-only is for a relay on this machine",
                s.host
            ),
        );
    }
    if s.from.parse::<lettre::message::Mailbox>().is_err() {
        problem(
            problems,
            None,
            "smtp.from",
            format!("`{}` is not an e-mail address", s.from),
        );
    }
    let port = s.port.unwrap_or(match s.security {
        SmtpSecurity::Starttls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::PlainLoopbackOnly => 25,
    });
    let credentials = match (&s.username_env, &s.password_env) {
        (None, None) => None,
        (Some(user_var), Some(pass_var)) => {
            let user = env(user_var);
            let pass = env(pass_var);
            for (var, value, field) in [
                (user_var, &user, "smtp.username_env"),
                (pass_var, &pass, "smtp.password_env"),
            ] {
                if value.as_deref().is_none_or(str::is_empty) {
                    problem(
                        problems,
                        None,
                        field,
                        format!(
                            "environment variable {var} is not set: export it before starting safehold"
                        ),
                    );
                }
            }
            match (user, pass) {
                (Some(u), Some(p)) => Some((u, SecretString::from(p))),
                _ => None,
            }
        }
        _ => {
            problem(
                problems,
                None,
                "smtp.username_env",
                "set both username_env and password_env, or neither".into(),
            );
            None
        }
    };
    SmtpSettings {
        host: s.host,
        port,
        security: s.security,
        from: s.from,
        credentials,
    }
}

/// Reads a webhook's secret from `secret_env` or `secret_file` (relative to the policy dir).
fn read_secret(
    t: &RawTarget,
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
) -> SecretString {
    let n = Some(t.name.as_str());
    let value = match (&t.secret_env, &t.secret_file) {
        (Some(var), None) => match env(var) {
            Some(v) => Some(v),
            None => {
                problem(
                    problems,
                    n,
                    "secret_env",
                    format!(
                        "environment variable {var} is not set: export it before starting safehold"
                    ),
                );
                None
            }
        },
        (None, Some(file)) => {
            let path = dir.join(file);
            match std::fs::read_to_string(&path) {
                Ok(v) => Some(v.trim().to_owned()),
                Err(e) => {
                    problem(
                        problems,
                        n,
                        "secret_file",
                        format!("cannot read {}: {e}", path.display()),
                    );
                    None
                }
            }
        }
        _ => {
            problem(
                problems,
                n,
                "secret_env",
                "a webhook needs exactly one of secret_env or secret_file".into(),
            );
            None
        }
    };
    match value {
        Some(v) if v.len() >= 16 => SecretString::from(v),
        Some(_) => {
            let field = if t.secret_env.is_some() {
                "secret_env"
            } else {
                "secret_file"
            };
            problem(
                problems,
                n,
                field,
                "the secret is shorter than 16 characters: use e.g. `openssl rand -hex 32`".into(),
            );
            SecretString::from(String::new())
        }
        None => SecretString::from(String::new()),
    }
}

/// Webhooks must use HTTPS, except to a receiver on this machine.
fn check_webhook_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
    let host = parsed.host_str().unwrap_or("");
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        "http" => Err("plain http would show every alert to the network: use https (http is allowed only to a loopback host)".into()),
        other => Err(format!("scheme `{other}` is not supported: use https")),
    }
}

/// `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `500ms`, `30s`, `5m`, `1h`, `1d`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let millis = match unit.trim() {
        "ms" => n,
        "s" => n.checked_mul(1000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        "d" => n.checked_mul(86_400_000)?,
        _ => return None,
    };
    Some(Duration::from_millis(millis))
}

/// `hourly`, `daily`, or `every <duration>` in whole seconds.
pub fn parse_schedule(text: &str) -> Option<Duration> {
    match text.trim() {
        "hourly" => Some(Duration::from_secs(3600)),
        "daily" => Some(Duration::from_secs(86_400)),
        other => {
            let d = parse_duration(other.strip_prefix("every ")?)?;
            (d.as_secs() >= 1 && d.subsec_nanos() == 0).then_some(d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, env: &[(&str, &str)]) -> Result<AlertPolicy, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        AlertPolicy::parse(
            text,
            Path::new("policy/alerts.toml"),
            Path::new("/nonexistent"),
            &lookup,
        )
        .map_err(|e| e.to_string())
    }

    const GOOD: &str = r#"
max_attempts = 5
backoff_base = "1s"
[smtp]
host = "smtp.example.org"
security = "starttls"
from = "Safehold <alerts@example.org>"
username_env = "SMTP_USER"
password_env = "SMTP_PASS"
[[target]]
name = "desk"
kind = "webhook"
url = "https://ntfy.example.org/topic"
secret_env = "DESK_SECRET"
mode = "immediate"
[[target]]
name = "team"
kind = "email"
to = ["team@example.org"]
mode = "digest"
schedule = "hourly"
urgent_fast_lane = true
"#;

    #[test]
    fn a_good_file_parses() {
        let env = [
            ("SMTP_USER", "u"),
            ("SMTP_PASS", "p"),
            ("DESK_SECRET", "0123456789abcdef0123"),
        ];
        let policy = match parse(GOOD, &env) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(policy.names(), ["desk", "team"]);
        assert_eq!(policy.delivery.max_attempts, 5);
        assert_eq!(policy.delivery.backoff_base, Duration::from_secs(1));
        assert_eq!(
            policy.target("team").map(|t| t.mode),
            Some(Mode::Digest {
                every: Duration::from_secs(3600)
            })
        );
        assert_eq!(policy.smtp.map(|s| s.port), Some(587));
    }

    #[test]
    fn missing_secrets_name_target_and_variable() {
        let message = parse(GOOD, &[]).err().unwrap_or_default();
        for expected in [
            "target `desk`, field `secret_env`: environment variable DESK_SECRET is not set",
            "field `smtp.username_env`: environment variable SMTP_USER is not set",
            "field `smtp.password_env`: environment variable SMTP_PASS is not set",
        ] {
            assert!(message.contains(expected), "{expected} in {message}");
        }
    }

    #[test]
    fn unsafe_transports_and_bad_values_are_refused() {
        let text = r#"
max_attempts = 0
backoff_base = "soon"
[smtp]
host = "smtp.example.org"
security = "plain-loopback-only"
from = "nobody"
[[target]]
name = "Desk"
kind = "webhook"
url = "http://hooks.example.org/x"
secret_env = "S"
mode = "digest"
[[target]]
name = "mail"
kind = "email"
to = ["not an address"]
mode = "immediate"
schedule = "daily"
"#;
        let message = parse(text, &[("S", "short")]).err().unwrap_or_default();
        for expected in [
            "field `max_attempts`: must be between 1 and 100",
            "field `backoff_base`: `soon` is not a duration",
            "field `smtp.security`: plain SMTP to `smtp.example.org`",
            "field `smtp.from`: `nobody` is not an e-mail address",
            "target `Desk`, field `name`: `Desk` is not a valid target name",
            "target `Desk`, field `url`: plain http would show every alert",
            "target `Desk`, field `secret_env`: the secret is shorter than 16 characters",
            "target `Desk`, field `schedule`: missing",
            "target `mail`, field `to`: `not an address` is not an e-mail address",
            "target `mail`, field `schedule`: only digest targets have a schedule",
        ] {
            assert!(message.contains(expected), "{expected} in {message}");
        }
    }

    #[test]
    fn email_defaults_to_a_daily_digest_without_case_ids() {
        let text = r#"
[smtp]
host = "127.0.0.1"
security = "plain-loopback-only"
from = "alerts@example.org"
[[target]]
name = "mail"
kind = "email"
to = ["team@example.org"]
[[target]]
name = "hook"
kind = "webhook"
url = "https://relay.example.org/x"
secret_env = "S"
mode = "immediate"
include_case = true
"#;
        let policy = match parse(text, &[("S", "0123456789abcdef0123")]) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let mail = policy.target("mail").expect("mail target");
        assert_eq!(
            mail.mode,
            Mode::Digest {
                every: Duration::from_secs(86_400)
            }
        );
        assert!(!mail.include_case);
        assert!(policy.target("hook").is_some_and(|t| t.include_case));
        let message = parse(
            "[[target]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"https://x.example.org/\"\nsecret_env = \"S\"\n",
            &[("S", "0123456789abcdef0123")],
        )
        .err()
        .unwrap_or_default();
        assert!(
            message.contains("target `hook`, field `mode`: missing"),
            "{message}"
        );
    }

    #[test]
    fn durations_and_schedules() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("2 weeks"), None);
        assert_eq!(parse_schedule("daily"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_schedule("every 2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_schedule("every 500ms"), None);
        assert!(is_loopback_host("127.0.0.1") && is_loopback_host("[::1]"));
        assert!(!is_loopback_host("example.org"));
    }
}
