//! `safehold check`: validates keys and policy the way `serve` would, without serving.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

/// Options of `safehold check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Directory of public age recipients [default: keys, or keys/DEMO with --demo].
    #[arg(long, env = "SAFEHOLD_KEYS")]
    keys: Option<PathBuf>,
    /// Directory of policy files [default: policy, or policy/DEMO with --demo].
    #[arg(long, env = "SAFEHOLD_POLICY")]
    policy: Option<PathBuf>,
    /// Check the DEMO keys and policy shipped in the repository.
    #[arg(long)]
    demo: bool,
}

pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let (keys_dir, policy_dir) = crate::config::default_dirs(args.demo);
    let keys_dir = args.keys.unwrap_or(keys_dir);
    let policy_dir = args.policy.unwrap_or(policy_dir);
    let (keyring, policy) = crate::server::load_keys_and_policy(&keys_dir, &policy_dir, args.demo)?;
    let people = keyring.people().count();
    println!("keys:   {} ({people} people)", keys_dir.display());
    println!(
        "policy: {} ({} routes, default \"{}\")",
        policy_dir.display(),
        policy.routing.routes().len(),
        policy.routing.default_route().name
    );
    println!(
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
    println!("statistics: {} declared table(s)", statistics.tables.len());
    println!("keyring fingerprint: {}", keyring.fingerprint());
    println!("ok");
    Ok(())
}
