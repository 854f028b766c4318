//! `safehold check`: validates keys and policy the way `serve` would, without serving.

use anyhow::Context;
use clap::Args;

use super::terminal_text::say;
use crate::config::KeysAndPolicyArgs;

/// Options of `safehold check`.
#[derive(Debug, Args)]
#[command(mut_arg("demo", |arg| arg.help("Check the DEMO keys and policy shipped in the repository")))]
pub struct CheckArgs {
    #[command(flatten)]
    dirs: KeysAndPolicyArgs,
}

pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let keys_dir = args.dirs.keys_dir();
    let policy_dir = args.dirs.policy_dir();
    let (keyring, policy) = args.dirs.load()?;
    let people = keyring.people().count();
    say!("keys:   {} ({people} people)", keys_dir.display());
    say!(
        "policy: {} ({} routes, default \"{}\")",
        policy_dir.display(),
        policy.routing.routes().len(),
        policy.routing.default_route().name
    );
    say!(
        "alerts: {} target(s){}",
        policy.alerts.targets.len(),
        if policy.alerts.smtp.is_some() {
            ", SMTP relay set"
        } else {
            ""
        }
    );
    let statistics = crate::policy::statistics::StatisticsPolicy::load(&policy_dir)
        .with_context(|| format!("statistics policy in {} is not valid", policy_dir.display()))?;
    say!("statistics: {} declared table(s)", statistics.tables.len());
    if let Some(max) = statistics.max_interval {
        // A table this noisy publishes figures nobody can quote: say so before any release.
        for (table, k) in crate::stats::plan::plan(&statistics).wider_than(max) {
            say!(
                "warning: statistics table `{table}`: its 90% interval is ±{k}, wider than max_interval = {max}; raise its epsilon or use fewer categories (see `safehold stats plan`)"
            );
        }
    }
    let fingerprint = policy.published_keyring(&keyring).fingerprint();
    say!(
        "keyring fingerprint: {fingerprint} (short form, to publish: {})",
        fingerprint.short()
    );
    say!("ok");
    Ok(())
}
