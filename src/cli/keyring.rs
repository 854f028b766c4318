//! `safehold keyring show|trust`: the keyring fingerprint a server serves and the one this
//! machine pinned, for a person to compare with the one the organisation publishes elsewhere,
//! and the step that pins a new one once they have.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use super::pinned_keyring::{PinnedKeyring, Served};
use super::staff_client::server_url;
use super::terminal_text::say;
use crate::keyring::PublishedKeyring;

/// Keyring subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyringCommand {
    /// Show the fingerprint the server serves now, the one pinned on this machine, what
    /// changed between them, and every recipient.
    Show {
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Pin the keyring the server serves now, after comparing its fingerprint with the one
    /// your organisation publishes elsewhere.
    Trust {
        #[command(flatten)]
        server: ServerArgs,
        /// The fingerprint you compared (its short form is enough, e.g. '1e4c 048b a6a7 4ec0
        /// 5ee8'); nothing is pinned unless the server serves exactly it. Without it, what the
        /// server serves now is pinned.
        fingerprint: Option<String>,
    },
}

/// Which server; no identity is needed.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Server base URL [config: server].
    #[arg(long, env = "SAFEHOLD_SERVER")]
    server: Option<String>,
    /// Config file [default: $XDG_CONFIG_HOME/safehold/cli.toml].
    #[arg(long, env = "SAFEHOLD_CLI_CONFIG")]
    config: Option<PathBuf>,
    /// Print JSON for scripts instead of text for people.
    #[arg(long)]
    json: bool,
}

pub fn run(command: KeyringCommand) -> anyhow::Result<()> {
    super::async_runtime(super::Threads::One)?.block_on(async {
        match command {
            KeyringCommand::Show { server } => show(&server).await,
            KeyringCommand::Trust {
                server,
                fingerprint,
            } => trust(&server, fingerprint.as_deref()).await,
        }
    })
}

async fn fetch(args: &ServerArgs) -> anyhow::Result<(String, Served, PinnedKeyring)> {
    let server = server_url(args.server.as_deref(), args.config.as_ref())?;
    let http = super::http_client()
        .build()
        .context("cannot set up the HTTP client")?;
    let served = Served::fetch(&http, &server).await?;
    let pin = PinnedKeyring::open(&server)?;
    Ok((server, served, pin))
}

async fn show(args: &ServerArgs) -> anyhow::Result<()> {
    let (server, served, pin) = fetch(args).await?;
    let now = served.keyring.fingerprint();
    let changes = pin.changes(&served.keyring);
    if args.json {
        let fingerprint = |k: &PublishedKeyring| {
            serde_json::json!({
                "fingerprint": k.fingerprint(),
                "short": k.fingerprint().short(),
                "keyring": k,
            })
        };
        let value = serde_json::json!({
            "server": server,
            "served": fingerprint(&served.keyring),
            "pinned": pin.pinned().map(fingerprint),
            "changes": changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        say!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    say!("Server:      {server}");
    say!("Serves now:  {}   ({now})", now.short());
    match pin.pinned() {
        None => say!(
            "Pinned:      none yet; the next command that encrypts pins what the server serves then"
        ),
        Some(pinned) if pinned.fingerprint() == now => {
            say!("Pinned:      {}   (the same)", now.short());
        }
        Some(pinned) => {
            say!(
                "Pinned:      {}   DIFFERENT: commands refuse to encrypt until you trust a keyring",
                pinned.fingerprint().short()
            );
            say!("Changes since the pin:");
            for change in &changes {
                say!("  - {change}");
            }
        }
    }
    say!("Recipients it serves:");
    for (route, keys) in served.keyring.routes() {
        say!("  route {route}:");
        for key in keys {
            say!("    {key}");
        }
    }
    for (purpose, keys) in served.keyring.escalation() {
        say!("  escalation {purpose}:");
        for key in keys {
            say!("    {key}");
        }
    }
    say!(
        "Compare {} with the fingerprint your organisation publishes elsewhere, not on this server. Only if they match: safehold keyring trust '{}' --server {server}",
        now.short(),
        now.short()
    );
    Ok(())
}

async fn trust(args: &ServerArgs, typed: Option<&str>) -> anyhow::Result<()> {
    let (server, served, mut pin) = fetch(args).await?;
    let now = served.keyring.fingerprint();
    if let Some(typed) = typed
        && !now.matches(typed)
    {
        bail!(
            "{server} serves the keyring {}, not the one you gave ({typed}); nothing was pinned. Compare again with the fingerprint your organisation publishes (at least 20 hex digits); if the server's differs, do not use it and tell your organisation",
            now.short()
        );
    }
    let changes = pin.changes(&served.keyring);
    let before = pin.pinned().map(PublishedKeyring::fingerprint);
    pin.pin(&served.keyring)?;
    if args.json {
        let value = serde_json::json!({
            "server": server,
            "pinned": now,
            "short": now.short(),
            "previous": before,
            "changes": changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        say!("{}", serde_json::to_string(&value)?);
        return Ok(());
    }
    say!("Pinned the keyring {} for {server}.", now.short());
    if let Some(before) = before.filter(|b| *b != now) {
        say!("It replaces {}; what changed:", before.short());
        for change in &changes {
            say!("  - {change}");
        }
    }
    if typed.is_none() {
        say!(
            "You gave no fingerprint: compare {} with the one your organisation publishes elsewhere.",
            now.short()
        );
    }
    Ok(())
}
