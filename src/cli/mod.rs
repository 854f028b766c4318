//! The `safehold` command line: one subcommand per module here.

mod admin;
mod agent;
mod audit_witness;
mod bench;
mod case;
mod check;
mod confirm;
mod export;
mod inbox;
mod keygen;
mod keyring;
mod pinned_keyring;
mod purpose_arg;
mod serve;
mod staff_client;
mod stats;
mod submit;
pub mod terminal_text;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use terminal_text::say_err;

/// Safehold: encrypted intake of reports of reprisals against people who cooperate with the
/// UN human rights system.
#[derive(Debug, Parser)]
#[command(name = "safehold", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(crate::config::ServeArgs),
    /// Validate keys and policy without serving.
    Check(check::CheckArgs),
    /// Encrypt files locally and submit them as one report (for partner tools).
    Submit(submit::SubmitArgs),
    /// Casework: log in, list, decrypt and handle cases on your own machine.
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Rapporteurs: list, download and acknowledge escalation packages.
    #[command(subcommand)]
    Inbox(inbox::InboxCommand),
    /// Unlock a passphrase-protected identity once, for a while (as ssh-agent does).
    #[command(subcommand)]
    Agent(agent::AgentCommand),
    /// Create an age identity for a caseworker or rapporteur.
    Keygen(keygen::KeygenArgs),
    /// Compare the server's keyring fingerprint with the one pinned here, and pin a new one.
    #[command(subcommand)]
    Keyring(keyring::KeyringCommand),
    /// Operator tasks on a server's database.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Statistics releases: publish a closed period once, show the privacy-budget ledger.
    #[command(subcommand)]
    Stats(stats::StatsCommand),
    /// Load tests against a real server on loopback.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// An HTTP client builder for the client commands, with TLS backed by `ring` (small and fast
/// to build, unlike the default provider).
pub fn http_client() -> reqwest::ClientBuilder {
    // Installing twice is harmless: the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// How many threads a command's async runtime runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// The calling thread only: client commands that wait on one request at a time.
    One,
    /// One worker per core: the server, the load test, database work.
    PerCore,
}

/// The tokio runtime of a command; every command that needs one builds it here, so they fail
/// with the same message.
pub fn async_runtime(threads: Threads) -> anyhow::Result<tokio::runtime::Runtime> {
    let mut builder = match threads {
        Threads::One => tokio::runtime::Builder::new_current_thread(),
        Threads::PerCore => tokio::runtime::Builder::new_multi_thread(),
    };
    builder
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Runs a parsed command line and turns its outcome into an exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Submit(args) => submit::run(args),
        Command::Case(command) => case::run(command),
        Command::Inbox(command) => inbox::run(command),
        Command::Agent(command) => agent::run(command),
        Command::Keygen(args) => keygen::run(args),
        Command::Keyring(command) => keyring::run(command),
        Command::Admin(command) => admin::run(command),
        Command::Stats(command) => stats::run(command),
        Command::Bench(command) => bench::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Errors quote servers and reports too: made inert like everything printed.
            say_err!("safehold: {e:#}");
            ExitCode::FAILURE
        }
    }
}
