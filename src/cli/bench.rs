//! `safehold bench …`: load tests against a real server on loopback.

use clap::Subcommand;

/// Benchmark subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {}

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {}
}
