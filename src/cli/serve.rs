//! `safehold serve`: load and validate everything, then serve until SIGTERM or SIGINT;
//! SIGHUP reloads `keys/`.

use anyhow::Context;
use tokio::net::TcpListener;

use super::terminal_text::say;
use crate::config::{ServeArgs, ServeConfig};
use crate::http;

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    return_freed_buffers_to_the_system();
    let config = args.resolve()?;
    init_logging();
    super::async_runtime(super::Threads::PerCore)?.block_on(serve(config))
}

/// The threshold above which glibc serves an allocation with its own mapping, which it unmaps
/// (returns to the system) when freed.
const MMAP_THRESHOLD_BYTES: &str = "262144";

/// An upload is held in memory a few times its size while it is sealed. glibc raises its mmap
/// threshold each time such a buffer is freed, so later ones come from its heaps and stay
/// mapped after use: eight concurrent 24 MB uploads left the server at 650 MiB. With the
/// threshold fixed, every large buffer goes back to the system when freed (245 MiB). glibc
/// reads the setting from the environment only at start, so the server sets it and executes
/// itself again (same process id, same arguments) before doing anything else; an operator's own
/// `MALLOC_MMAP_THRESHOLD_` is left alone, and a failed exec just carries on.
fn return_freed_buffers_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        use std::os::unix::process::CommandExt;
        let mut args = std::env::args_os();
        let arg0 = args.next().unwrap_or_else(|| "safehold".into());
        // /proc/self/exe is this very binary, even if an upgrade replaced the file since.
        let _failed = std::process::Command::new("/proc/self/exe")
            .arg0(arg0)
            .args(args)
            .env("MALLOC_MMAP_THRESHOLD_", MMAP_THRESHOLD_BYTES)
            .exec();
    }
}

/// Logs go to stderr, without a clock time: nothing is logged per request (requests are
/// counted per day instead, see `store::counts`), and lines carry no timestamp, so the log
/// dates nothing even where a library logs per request at debug or trace level. `RUST_LOG`
/// adjusts the level, but can never turn on the libraries' own lines that carry a peer
/// address (axum logs "connection <ip:port> accepted" at trace level). A log collector that
/// stamps each line (journald) adds the time back: run at the default level there.
// The server's own log lines (no reporter text, no time) go to stderr as they are.
#[allow(clippy::disallowed_methods)]
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let filter = NEVER_LOGGED.iter().fold(filter, |filter, directive| {
        filter.add_directive(directive.parse().expect("static directive"))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time()
        .try_init();
}

/// Log targets that would record client addresses, or alert receivers' URLs and addresses
/// (the HTTP and SMTP clients of the alert worker log them at debug and trace level).
const NEVER_LOGGED: &[&str] = &[
    "axum::serve=off",
    "reqwest=off",
    "hyper_util=off",
    "lettre=off",
];

async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    config.connections.check_descriptors()?;
    let server = crate::server::build(&config).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    if config.demo {
        print_demo_banner();
    }
    tracing::info!(backend = ?server.store.backend(), keyring = %server.keyring_fingerprint, "safehold ready");
    if !config.demo && config.keyring_published_at.is_none() {
        tracing::warn!(
            "reporter pages say the organisation has not said where it publishes the keyring fingerprint: publish it outside this server and set keyring_published_at"
        );
    }
    // Tests and scripts read this line to learn the port when listening on port 0.
    say!("safehold: listening on http://{address}");
    // The outbox worker delivers alerts in the background, on this and every other instance.
    let alerts = server.alerts.spawn();
    // Closed cases' ciphertext is deleted once retention.toml says so, checked daily.
    let retention = server
        .retention
        .map(|r| crate::retention::spawn_daily(server.store.clone(), r));
    // Keys reload on SIGHUP and when keys/ changes; a removed or rotated key ends its sessions.
    let keyring_reload = server.keyring_reload.spawn(config.keys_poll);
    // The WAL truncated, file times reset, daily counts written, PostgreSQL tables rewritten.
    let maintenance = crate::maintenance::spawn(server.store.clone());
    let served = http::serve(
        listener,
        server.router,
        config.connections,
        shutdown_signal(),
    )
    .await;
    if let Some(task) = retention {
        task.abort();
    }
    keyring_reload.abort();
    maintenance.abort();
    // Every request has finished; let deliveries in flight finish (undelivered rows stay in
    // the outbox), then close the pool so the last commits are checkpointed and the day's
    // counts so far are written.
    alerts.shutdown().await;
    server.store.close().await;
    served?;
    tracing::info!("safehold stopped");
    Ok(())
}

fn print_demo_banner() {
    say!(
        "\n  *** DEMO MODE ***\n  The keys in keys/DEMO have PUBLIC private halves: never use this server for real reports.\n  Which demo caseworker reads a report depends on its route (README, \"Walk-through\"):\n      urgent: amina, bruno   treaty bodies: chen   special procedures: bruno, chen   anything else: amina, bruno, chen\n  Decrypt a demo report with their identity, e.g.:\n      age -d -i keys/DEMO/identities/chen.age-identity report.age\n"
    );
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
