//! `safehold admin …`: operator tasks on the server's database.

use clap::Subcommand;

/// Operator subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {}

pub fn run(command: AdminCommand) -> anyhow::Result<()> {
    match command {}
}
