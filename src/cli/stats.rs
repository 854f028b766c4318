//! `safehold stats …`: operator commands for statistics releases on the server's database.

use clap::Subcommand;

use super::terminal_text::{say, say_err};
use crate::policy::statistics::{Epsilon, StatisticsPolicy};
use crate::stats::{plan, publish};

/// Statistics subcommands.
#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Show what a release of the declared tables publishes (noise, 90% intervals, thresholds,
    /// budget), without spending anything or reading any case.
    Plan(super::admin::Connection),
    /// Compute every declared table for one closed period, once, and publish it (shows the
    /// plan and asks first).
    Release {
        /// The period, e.g. 2025-05-01..2026-04-30 (one declared year).
        #[arg(long)]
        period: String,
        /// No noise: suppress small cells and round instead (spends no epsilon, gives no
        /// differential privacy).
        #[arg(long)]
        no_noise: bool,
        /// Release without asking (for scripts).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        connection: super::admin::Connection,
    },
    /// Show every release and the privacy budget spent and left.
    Ledger(super::admin::Connection),
    /// Exact counts over your own routes, for triage (caseworkers; never public; audited).
    Live {
        #[command(flatten)]
        staff: super::staff_client::StaffArgs,
    },
}

/// Runs a `safehold stats` command.
pub fn run(command: StatsCommand) -> anyhow::Result<()> {
    super::async_runtime(super::Threads::PerCore)?.block_on(async {
        match command {
            StatsCommand::Live { staff } => live(&super::staff_client::StaffClient::new(&staff)?).await,
            StatsCommand::Plan(connection) => {
                let policy = StatisticsPolicy::load(&connection.policy_dir())?;
                let spent = if connection.database_exists() {
                    let store = connection.store().await?;
                    Some(publish::spent(&store.stats_ledger().await?))
                } else {
                    None
                };
                for line in plan::plan(&policy).lines(spent.unwrap_or_default()) {
                    say!("{line}");
                }
                if spent.is_none() {
                    say!("(no database here yet: nothing spent so far)");
                }
                Ok(())
            }
            StatsCommand::Release {
                period,
                no_noise,
                yes,
                connection,
            } => {
                let policy = StatisticsPolicy::load(&connection.policy_dir())?;
                let period = policy.parse_period(&period).map_err(anyhow::Error::msg)?;
                let store = connection.store().await?;
                let today = crate::store::today();
                let spent = publish::spent(&store.stats_ledger().await?);
                // What will be published, before anything is read or spent.
                if no_noise {
                    say_err!(
                        "About to release {} WITHOUT noise: cells under {} hidden, the rest rounded to a multiple of {}; no epsilon spent, no differential privacy.",
                        period.label(),
                        policy.fallback.suppress_below,
                        policy.fallback.rounding_base
                    );
                } else {
                    say_err!("About to release {}, once and for good:", period.label());
                    for line in plan::plan(&policy).lines(spent) {
                        say_err!("  {line}");
                    }
                }
                if !yes && !super::confirm::confirmed("Release it?") {
                    anyhow::bail!(
                        "nothing was released. To release without being asked (in a script), add --yes"
                    );
                }
                let release =
                    publish::release_period(&store, &policy, &period, no_noise, &today).await?;
                let ledger = store.stats_ledger().await?;
                let left = policy
                    .lifetime_epsilon
                    .saturating_sub(publish::spent(&ledger));
                say!(
                    "released {}: {} tables, epsilon {} spent, {} left of {}; published at /stats/{}",
                    release.period_label(),
                    release.tables.len(),
                    release.epsilon,
                    left,
                    policy.lifetime_epsilon,
                    release.id
                );
                Ok(())
            }
            StatsCommand::Ledger(connection) => {
                let policy = StatisticsPolicy::load(&connection.policy_dir())?;
                let store = connection.store().await?;
                let ledger = store.stats_ledger().await?;
                say!("period\treleased\tmechanism\tepsilon");
                for e in &ledger {
                    say!(
                        "{}..{}\t{}\t{}\t{}",
                        e.period_start,
                        e.period_end,
                        e.released_day,
                        e.mechanism,
                        Epsilon(
                            u32::try_from(e.epsilon_millis.max(0)).unwrap_or(u32::MAX)
                        )
                    );
                }
                let spent = publish::spent(&ledger);
                say!(
                    "spent {spent} of the lifetime budget {}; {} left",
                    policy.lifetime_epsilon,
                    policy.lifetime_epsilon.saturating_sub(spent)
                );
                Ok(())
            }
        }
    })
}

async fn live(client: &super::staff_client::StaffClient) -> anyhow::Result<()> {
    let stats: crate::wire::LiveStats = client.get("/api/v1/stats/live").await?;
    if client.json {
        say!("{}", serde_json::to_string_pretty(&stats)?);
        return Ok(());
    }
    say!(
        "Exact counts over your routes ({}). Not for publication.",
        stats.routes.join(", ")
    );
    say!("\nCases by route and status:");
    for c in &stats.by_status {
        say!("  {:<24} {:<18} {:>5}", c.group, c.key, c.cases);
    }
    say!("\nCases by coded category:");
    for c in &stats.by_code {
        say!("  {:<24} {:<28} {:>5}", c.group, c.key, c.cases);
    }
    Ok(())
}
