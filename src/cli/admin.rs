//! `safehold admin …`: operator tasks on the server's database.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::alerts::AlertWorker;
use crate::store::Store;

/// Operator subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Alert delivery: dead letters, retries, test alerts.
    #[command(subcommand)]
    Alerts(AlertsCommand),
}

/// `safehold admin alerts …`.
#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// List the alerts that failed `max_attempts` times (dead letters).
    List(Connection),
    /// Queue dead letters for delivery again (same idempotency id, attempts reset).
    Retry {
        /// The dead letter's id, as `list` shows it.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Retry every dead letter.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Send a test alert to one target now, to check its address, secret and relay.
    Test {
        /// The target's name in alerts.toml.
        target: String,
        #[command(flatten)]
        connection: Connection,
    },
}

/// Where the server's database and policy are, as for `safehold serve`.
#[derive(Debug, Args)]
pub struct Connection {
    /// sqlite://PATH or postgres://… [default: sqlite://data/safehold.db].
    #[arg(long, env = "SAFEHOLD_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory of public age recipients [default: keys, or keys/DEMO with --demo].
    #[arg(long, env = "SAFEHOLD_KEYS")]
    keys: Option<PathBuf>,
    /// Directory of policy files [default: policy, or policy/DEMO with --demo].
    #[arg(long, env = "SAFEHOLD_POLICY")]
    policy: Option<PathBuf>,
    /// Use the DEMO keys and policy.
    #[arg(long)]
    demo: bool,
}

impl Connection {
    async fn store(&self) -> anyhow::Result<Store> {
        let url = self
            .database_url
            .clone()
            .unwrap_or_else(|| crate::config::DEFAULT_DATABASE_URL.to_owned());
        Store::connect(&url)
            .await
            .context("cannot open the database (check --database-url)")
    }

    async fn worker(&self, store: Store) -> anyhow::Result<AlertWorker> {
        let (keys, policy) = crate::config::default_dirs(self.demo);
        let keys = self.keys.clone().unwrap_or(keys);
        let policy = self.policy.clone().unwrap_or(policy);
        let (_, policy) = crate::server::load_keys_and_policy(&keys, &policy, self.demo)?;
        AlertWorker::new(store, policy.alerts).context("cannot prepare alert delivery")
    }
}

pub fn run(command: AdminCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match command {
            AdminCommand::Alerts(command) => alerts(command).await,
        }
    })
}

async fn alerts(command: AlertsCommand) -> anyhow::Result<()> {
    match command {
        AlertsCommand::List(connection) => {
            let store = connection.store().await?;
            let dead = store.dead_letters().await?;
            if dead.is_empty() {
                println!("no dead letters");
            } else {
                println!("id\tday\ttarget\tkind\troute\tcase\turgent\tattempts\terror");
                for d in &dead {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        d.id,
                        d.dead_day,
                        d.target,
                        d.kind,
                        d.route,
                        d.case_id,
                        if d.urgent { "urgent" } else { "-" },
                        d.attempts,
                        d.error_class
                    );
                }
            }
            store.close().await;
            Ok(())
        }
        AlertsCommand::Retry {
            id,
            all,
            connection,
        } => {
            let store = connection.store().await?;
            let moved = store
                .retry_dead_letters(if all { None } else { id })
                .await?;
            store.close().await;
            if moved == 0 && !all {
                anyhow::bail!(
                    "no dead letter with id {}: see `safehold admin alerts list`",
                    id.unwrap_or_default()
                );
            }
            println!("{moved} alert(s) queued again; a running server delivers them");
            Ok(())
        }
        AlertsCommand::Test { target, connection } => {
            let store = connection.store().await?;
            let worker = connection.worker(store.clone()).await?;
            let result = worker.send_test(&target).await;
            store.close().await;
            match result {
                Ok(()) => {
                    println!("test alert delivered to {target}");
                    Ok(())
                }
                Err(e) => anyhow::bail!("test alert to {target} failed ({}): {e}", e.class()),
            }
        }
    }
}
