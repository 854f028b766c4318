//! The `safehold` command: server, checks and client tools.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    safehold::cli::run(safehold::cli::Cli::parse())
}
