//! `safehold admin …`: operator tasks on the server's database.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::terminal_text::say;
use crate::alerts::AlertWorker;
use crate::config::KeysAndPolicyArgs;
use crate::store::Store;

/// Operator subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Alert delivery: dead letters, retries, test alerts.
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// The hash-chained audit log of staff actions.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Deleting closed cases' ciphertext as policy/retention.toml says.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Requests per route and status, and alert outcomes per target, per UTC day (never
    /// finer). A day's counts appear once it is over, or when the server stops.
    Counts {
        /// Show this many days back from today.
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[command(flatten)]
        connection: Connection,
    },
}

/// `safehold admin audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole chain; names the first altered, inserted or removed entry and exits
    /// non-zero if there is one.
    Verify {
        /// Also check that the chain extends this head, given out of band (by a caseworker's
        /// `safehold case audit-head`, or from an earlier verify): SEQ:HASH. Repeat for
        /// several.
        #[arg(long, value_name = "SEQ:HASH")]
        head: Vec<crate::audit::Head>,
        #[command(flatten)]
        connection: Connection,
    },
    /// Print the chain.
    Show {
        /// One JSON array instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
}

/// `safehold admin retention …`.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Delete now the ciphertext (report, thread, packages) of every closed case whose time
    /// is up; only codes with statistics consent stay.
    Run {
        /// Use this many days instead of `closed_case_days` from retention.toml.
        #[arg(long)]
        closed_case_days: Option<u32>,
        #[command(flatten)]
        connection: Connection,
    },
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
        id: Option<String>,
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
    #[command(flatten)]
    dirs: KeysAndPolicyArgs,
}

impl Connection {
    pub(super) async fn store(&self) -> anyhow::Result<Store> {
        let url = self
            .database_url
            .clone()
            .unwrap_or_else(|| crate::config::DEFAULT_DATABASE_URL.to_owned());
        Store::connect(&url)
            .await
            .context("cannot open the database (check --database-url)")
    }

    /// Whether a database exists to read: a PostgreSQL URL, or an SQLite file that is there
    /// (`stats plan` reads the ledger only then, and never creates a database).
    pub(super) fn database_exists(&self) -> bool {
        let url = self
            .database_url
            .clone()
            .unwrap_or_else(|| crate::config::DEFAULT_DATABASE_URL.to_owned());
        match url.strip_prefix("sqlite://") {
            Some(path) => std::path::Path::new(path.split('?').next().unwrap_or(path)).exists(),
            None => true,
        }
    }

    pub(super) fn policy_dir(&self) -> PathBuf {
        self.dirs.policy_dir()
    }

    async fn worker(&self, store: Store) -> anyhow::Result<AlertWorker> {
        let (_, policy) = self.dirs.load()?;
        AlertWorker::new(store, policy.alerts).context("cannot prepare alert delivery")
    }
}

pub fn run(command: AdminCommand) -> anyhow::Result<()> {
    super::async_runtime(super::Threads::PerCore)?.block_on(async {
        match command {
            AdminCommand::Alerts(command) => alerts(command).await,
            AdminCommand::Audit(command) => audit(command).await,
            AdminCommand::Retention(command) => retention(command).await,
            AdminCommand::Counts { days, connection } => counts(days, connection).await,
        }
    })
}

async fn counts(days: u32, connection: Connection) -> anyhow::Result<()> {
    let since = time::OffsetDateTime::now_utc().date() - time::Duration::days(i64::from(days));
    let store = connection.store().await?;
    let rows = store.daily_counts(&since.to_string()).await;
    store.close().await;
    let rows = rows?;
    if rows.is_empty() {
        say!("no counts since {since}: a day's counts are written once it is over");
        return Ok(());
    }
    say!("day\tclass\tname\toutcome\tcount");
    for r in rows {
        say!(
            "{}\t{}\t{}\t{}\t{}",
            r.day,
            r.class,
            r.name,
            r.outcome,
            r.count
        );
    }
    Ok(())
}

async fn alerts(command: AlertsCommand) -> anyhow::Result<()> {
    match command {
        AlertsCommand::List(connection) => {
            let store = connection.store().await?;
            let dead = store.dead_letters().await?;
            if dead.is_empty() {
                say!("no dead letters");
            } else {
                say!("id\tday\ttarget\tkind\troute\tcase\turgent\tattempts\terror");
                for d in &dead {
                    say!(
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
                .retry_dead_letters(if all { None } else { id.as_deref() })
                .await?;
            store.close().await;
            if moved == 0 && !all {
                anyhow::bail!(
                    "no dead letter with id {}: see `safehold admin alerts list`",
                    id.unwrap_or_default()
                );
            }
            say!("{moved} alert(s) queued again; a running server delivers them");
            Ok(())
        }
        AlertsCommand::Test { target, connection } => {
            let store = connection.store().await?;
            let worker = connection.worker(store.clone()).await?;
            let result = worker.send_test(&target).await;
            store.close().await;
            match result {
                Ok(()) => {
                    say!("test alert delivered to {target}");
                    Ok(())
                }
                Err(e) => anyhow::bail!("test alert to {target} failed ({}): {e}", e.class()),
            }
        }
    }
}

async fn audit(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { head, connection } => {
            let store = connection.store().await?;
            let entries = store.audit_log().await;
            store.close().await;
            let entries = entries.context("cannot read the audit log")?;
            if let Err(e) = crate::audit::verify(&entries) {
                anyhow::bail!(
                    "AUDIT CHAIN BROKEN: {e}. Keep a copy of the database as evidence and compare it with your backups"
                );
            }
            for seen in &head {
                if let Err(e) = crate::audit::extends(&entries, *seen) {
                    anyhow::bail!(
                        "AUDIT LOG REWRITTEN: the chain is consistent in itself, but it does not extend the head {seen}: {e}. Someone re-wrote it; keep a copy of the database as evidence and compare it with your backups"
                    );
                }
            }
            let last = entries
                .last()
                .and_then(crate::audit::Head::of)
                .unwrap_or(crate::audit::Head::EMPTY);
            say!(
                "audit chain intact: {} entr{}{}; head {last}",
                entries.len(),
                if entries.len() == 1 { "y" } else { "ies" },
                match head.len() {
                    0 => String::new(),
                    1 => " and it extends the head given".to_owned(),
                    n => format!(" and it extends the {n} heads given"),
                },
            );
            Ok(())
        }
        AuditCommand::Show { json, connection } => {
            let store = connection.store().await?;
            let entries = store.audit_log().await;
            store.close().await;
            let entries = entries.context("cannot read the audit log")?;
            if json {
                let rows: Vec<serde_json::Value> = entries
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "seq": e.seq,
                            "at_minute": e.at_minute,
                            "actor": e.actor,
                            "action": e.action,
                            "subject": e.subject,
                            "hash": hex::encode(&e.hash),
                        })
                    })
                    .collect();
                say!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                say!("seq\tminute\tactor\taction\tsubject\thash");
                for e in &entries {
                    say!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        e.seq,
                        e.at_minute,
                        e.actor,
                        e.action,
                        if e.subject.is_empty() {
                            "-"
                        } else {
                            &e.subject
                        },
                        hex::encode(e.hash.get(..8).unwrap_or(&e.hash))
                    );
                }
            }
            Ok(())
        }
    }
}

async fn retention(command: RetentionCommand) -> anyhow::Result<()> {
    match command {
        RetentionCommand::Run {
            closed_case_days,
            connection,
        } => {
            let policy = match closed_case_days {
                Some(days) => crate::policy::Retention {
                    closed_case_days: days,
                },
                None => {
                    let dir = connection.policy_dir();
                    crate::policy::Retention::load(&dir)?.ok_or_else(|| {
                        anyhow::anyhow!(
                            "{} has no retention.toml, so nothing is deleted; write one (closed_case_days = 90) or pass --closed-case-days",
                            dir.display()
                        )
                    })?
                }
            };
            let store = connection.store().await?;
            let purged = crate::retention::run_once(&store, policy).await;
            store.close().await;
            let purged = purged?;
            say!(
                "retention: {purged} closed case(s) older than {} day(s) deleted",
                policy.closed_case_days
            );
            Ok(())
        }
    }
}
