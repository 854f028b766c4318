//! `safehold agent`: unlock a passphrase-protected identity once, in the style of ssh-agent.
//!
//! Without it, every `case show`, `reply`, `code` or `escalate` asks for the passphrase again
//! and spends seconds on scrypt. `safehold agent start` asks once, then hands the unlocked key
//! to a background process (through a pipe, never a file) that keeps it only in its memory,
//! for a bounded lifetime (8 hours unless `--lifetime` says otherwise), and decrypts for the
//! user's own commands over a Unix socket: it never gives the key out, only the plaintext of
//! the one file a command asked it to open, which that command would have decrypted itself.
//!
//! - The socket lives in a directory only the user can enter (0700, checked, never followed
//!   through a symlink): `$XDG_RUNTIME_DIR/safehold-agent/`, or `safehold-agent-<uid>/` in the
//!   temporary directory. Both sides check the other's user id (`SO_PEERCRED`): the agent
//!   answers only its own user, and a command trusts only an agent run by its own user.
//! - The key is zeroized when the process ends its lifetime, on `safehold agent stop`, and
//!   when the machine was suspended: the agent compares the clock that counts suspended time
//!   (`CLOCK_BOOTTIME`) with the one that does not (`CLOCK_MONOTONIC`) every two seconds, and a
//!   gap that grew means the machine slept, so the key is dropped at wake-up. The lifetime is
//!   counted on the first clock, so sleep counts towards it.
//! - The process refuses core dumps and `ptrace` by other processes of the user
//!   (`PR_SET_DUMPABLE` 0) and locks its memory out of swap where the limit allows.
//! - Commands use the agent when `SAFEHOLD_AGENT_SOCK` names its socket or the default socket
//!   exists, and only for the identity file it was started with; otherwise they ask for the
//!   passphrase as before.

mod clock;
mod protocol;
mod serve;
mod socket;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::Subcommand;

use super::staff_client::{identity_path, unlocked_identity};
use super::terminal_text::{say, say_err};

pub use protocol::AgentClient;
pub use socket::socket_path;

/// The longest lifetime `--lifetime` accepts: a day.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Agent subcommands.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Unlock your identity once and keep it in a background process for a while, so that
    /// commands stop asking for the passphrase. Prints the socket as a shell line
    /// (eval "$(safehold agent start)" sets SAFEHOLD_AGENT_SOCK; the default socket is found
    /// without it).
    Start {
        /// Your age identity file [config: identity].
        #[arg(long, env = "SAFEHOLD_IDENTITY")]
        identity: Option<PathBuf>,
        /// Config file [default: $XDG_CONFIG_HOME/safehold/cli.toml].
        #[arg(long, env = "SAFEHOLD_CLI_CONFIG")]
        config: Option<PathBuf>,
        /// How long the key stays unlocked: e.g. 8h, 30m, 90s (at most 24h). Time the
        /// machine spends suspended counts, and a suspend locks it at once anyway.
        #[arg(long, default_value = "8h", value_parser = lifetime)]
        lifetime: Duration,
    },
    /// Lock now: the agent forgets the key and ends.
    Stop,
    /// Say whether an agent runs, for which identity and for how long still.
    Status,
    /// The background process itself (started by `agent start`).
    #[command(hide = true)]
    Serve {
        #[arg(long)]
        socket: PathBuf,
        #[arg(long)]
        identity_path: PathBuf,
        #[arg(long)]
        lifetime_secs: u64,
    },
}

/// A lifetime as typed: `8h`, `30m`, `90s` or plain seconds, from one second to a day.
fn lifetime(typed: &str) -> Result<Duration, String> {
    let typed = typed.trim();
    let (number, unit) = match typed.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => typed.split_at(at),
        None => (typed, "s"),
    };
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{typed}: give a number and h, m or s, e.g. 8h"))?;
    let seconds = match unit {
        "s" => number,
        "m" => number.saturating_mul(60),
        "h" => number.saturating_mul(3600),
        _ => return Err(format!("{typed}: the unit is h, m or s, e.g. 8h")),
    };
    let duration = Duration::from_secs(seconds);
    if duration.is_zero() || duration > MAX_LIFETIME {
        return Err(format!("{typed}: from 1s to 24h"));
    }
    Ok(duration)
}

pub fn run(command: AgentCommand) -> anyhow::Result<()> {
    match command {
        AgentCommand::Start {
            identity,
            config,
            lifetime,
        } => start(
            &identity_path(identity.as_ref(), config.as_ref())?,
            lifetime,
        ),
        AgentCommand::Stop => stop(),
        AgentCommand::Status => status(),
        AgentCommand::Serve {
            socket,
            identity_path,
            lifetime_secs,
        } => serve::serve(&socket, &identity_path, Duration::from_secs(lifetime_secs)),
    }
}

fn start(identity: &Path, lifetime: Duration) -> anyhow::Result<()> {
    let socket = socket_path()?;
    if let Some(agent) = AgentClient::connect(&socket)? {
        let running = agent.status()?;
        bail!(
            "an agent already runs at {} (for {}); stop it first with: safehold agent stop",
            socket.display(),
            running.identity.display()
        );
    }
    let identity = std::path::absolute(identity)
        .with_context(|| format!("cannot resolve {}", identity.display()))?;
    // The one passphrase prompt; what the agent keeps is checked here first.
    let unlocked = unlocked_identity(&identity)?;
    serve::x25519_identities(&unlocked)?;
    socket::private_dir(socket.parent().unwrap_or(Path::new(".")))?;
    let mut child = Command::new(std::env::current_exe().context("cannot find this program")?)
        .args(["agent", "serve", "--socket"])
        .arg(&socket)
        .arg("--identity-path")
        .arg(&identity)
        .arg("--lifetime-secs")
        .arg(lifetime.as_secs().to_string())
        .env_remove("SAFEHOLD_IDENTITY_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // Its own process group: Ctrl-C at this terminal does not reach it.
        .process_group(0)
        .spawn()
        .context("cannot start the agent process")?;
    // The key goes through a pipe, which lives in kernel memory: never a file or argv.
    {
        let mut stdin = child.stdin.take().context("the agent has no input")?;
        stdin
            .write_all(&unlocked)
            .context("cannot hand the key to the agent")?;
    }
    drop(unlocked);
    let mut ready = String::new();
    BufReader::new(child.stdout.take().context("the agent has no output")?)
        .read_line(&mut ready)
        .context("the agent did not start")?;
    if ready.trim() != protocol::READY {
        let status = child.wait().ok();
        bail!(
            "the agent did not start ({}); commands will ask for the passphrase as before",
            status.map_or("no exit status".to_owned(), |s| s.to_string())
        );
    }
    say!(
        "SAFEHOLD_AGENT_SOCK={}; export SAFEHOLD_AGENT_SOCK;",
        super::terminal_text::shell_word(&socket.to_string_lossy())
    );
    say_err!(
        "Agent started for {}: unlocked for {} (until then, or a suspend, or safehold agent stop).",
        identity.display(),
        human(lifetime)
    );
    Ok(())
}

fn stop() -> anyhow::Result<()> {
    let socket = socket_path()?;
    match AgentClient::connect(&socket)? {
        Some(agent) => {
            agent.stop()?;
            say!("Agent stopped: the key is forgotten.");
        }
        None => say!("No agent runs at {}.", socket.display()),
    }
    Ok(())
}

fn status() -> anyhow::Result<()> {
    let socket = socket_path()?;
    match AgentClient::connect(&socket)? {
        Some(agent) => {
            let running = agent.status()?;
            say!(
                "An agent at {} holds {}, for {} more.",
                socket.display(),
                running.identity.display(),
                human(running.left)
            );
        }
        None => say!("No agent runs at {}.", socket.display()),
    }
    Ok(())
}

fn human(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match (seconds / 3600, seconds % 3600 / 60, seconds % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

/// The agent for the identity file `identity`, if one runs for it; `None` means: ask for
/// the passphrase as before.
pub fn agent_for(identity: &Path) -> anyhow::Result<Option<AgentClient>> {
    let socket = socket_path()?;
    let Some(agent) = AgentClient::connect(&socket)? else {
        return Ok(None);
    };
    let running = agent.status()?;
    let wanted = std::path::absolute(identity).map_err(|e| anyhow!("{e}"))?;
    let same = running.identity == wanted
        || std::fs::canonicalize(&running.identity).ok() == std::fs::canonicalize(&wanted).ok();
    Ok(same.then_some(agent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_as_typed_and_stay_bounded() {
        assert_eq!(lifetime("8h"), Ok(Duration::from_secs(8 * 3600)));
        assert_eq!(lifetime("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(lifetime("90"), Ok(Duration::from_secs(90)));
        assert!(lifetime("0s").is_err());
        assert!(lifetime("25h").is_err());
        assert!(lifetime("8 hours").is_err());
        assert!(lifetime("h").is_err());
    }
}
