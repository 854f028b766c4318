//! The test harness: start a real server, talk to it, inspect what it stored.
//!
//! - [`TestServer`] (server.rs): a real server on 127.0.0.1:0 with a fresh database; it
//!   dereferences to its [`Site`], and runs the real `safehold` binary against itself
//!   ([`TestServer::cli`], [`TestServer::admin`], cli.rs).
//! - [`Site`] (site.rs): the HTTP endpoints at a base URL, for a [`TestServer`] or a
//!   `ServerProcess`: the form, the receipt page, the report API, staff login and calls.
//! - form.rs: the no-JavaScript form's fields and the pages' parsing.
//! - crafted.rs: age files altered as a hostile submitter would.
//! - cases.rs: stand-in reports and coded cases written straight to the store, and opening
//!   stored ciphertext with the demo keys.
//! - library.rs: every `safehold::{crypto, envelope, http::api, store}` path the tests use.

#![allow(dead_code)]

mod browser;
mod cases;
mod cli;
mod clock;
mod crafted;
mod form;
mod library;
mod server;
mod site;
mod smtp;

use std::path::{Path, PathBuf};

pub use browser::{browser_ready, drive_script, screenshots};
pub use cases::{
    CodedCase, code_args, forged_package, insert_coded_case, open_report, stand_in_report,
};
pub use cli::{CliOutput, run, run_with_input, safehold_command, wrapped};
pub use clock::{Clock, read_only_sqlite};
pub use crafted::graft_first_stanza;
pub use form::{FormReport, FormSession, element_text, hidden_value};
pub use library::*;
pub use server::TestServer;
pub use site::{Site, recipient_slots};
pub use smtp::{SmtpSink, free_port};

/// The repository root, for the DEMO keys and policy.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The file of a demo identity (caseworker or rapporteur), by name.
pub fn demo_identity_file(name: &str) -> PathBuf {
    repo().join(format!("keys/DEMO/identities/{name}.age-identity"))
}

/// The demo caseworker identities, by name.
pub fn demo_identity(name: &str) -> age::x25519::Identity {
    let path = demo_identity_file(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let line = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("identity line");
    line.parse().expect("valid identity")
}

/// Decrypts an age file with the demo identity `who`; None if it is not a recipient.
pub fn open_as(ciphertext: &[u8], who: &str) -> Option<Vec<u8>> {
    let identity = demo_identity(who);
    seal::decrypt(ciphertext, &[&identity as &dyn age::Identity])
        .ok()
        .map(|plaintext| plaintext.to_vec())
}

/// How many X25519 stanzas an age file's header has (real recipients and decoys alike).
pub fn x25519_stanzas(ciphertext: &[u8]) -> usize {
    let header_end = ciphertext
        .windows(4)
        .position(|w| w == b"--- ")
        .expect("an age header");
    ciphertext[..header_end]
        .windows(10)
        .filter(|w| w == b"-> X25519 ")
        .count()
}

/// Runs Debian's `age -d` with a demo identity on `file`, or returns None (with a notice)
/// when the age CLI is not installed (`.ci/run` installs it).
pub fn age_cli_decrypt(file: &Path, who: &str) -> Option<std::process::Output> {
    let Ok(version) = std::process::Command::new("age").arg("--version").output() else {
        eprintln!("NOTICE: the age CLI is not installed: `age -d` interoperability check skipped");
        return None;
    };
    assert!(version.status.success());
    let output = std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(demo_identity_file(who))
        .arg(file)
        .output()
        .expect("age runs");
    Some(output)
}

/// Runs a scenario on SQLite, and on PostgreSQL when the environment names one.
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario($crate::common::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(safehold_postgres_tests),
                ignore = "SAFEHOLD_TEST_POSTGRES_URL was not set when the tests were built"
            )]
            async fn postgres() {
                assert!(
                    $crate::common::postgres_base_url().is_some(),
                    "SAFEHOLD_TEST_POSTGRES_URL was set when the tests were built, but not now"
                );
                super::$scenario($crate::common::Backend::Postgres).await;
            }
        }
    };
}
pub(crate) use on_both_backends;

/// The PostgreSQL server tests may create databases on.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("SAFEHOLD_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh, empty database of `backend`, inside `dir` for SQLite.
pub async fn fresh_database(backend: Backend, dir: &Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("data/safehold.db").display()),
        Backend::Postgres => {
            let base = postgres_base_url().expect("SAFEHOLD_TEST_POSTGRES_URL");
            let (prefix, base_name) = base.rsplit_once('/').expect("database URL with a path");
            // Named after the run's own database, so a run drops exactly the ones it made
            // (`.ci/run` drops `<its database>_t_%`), never another run's on a shared server.
            let base_name = base_name.split('?').next().unwrap_or(base_name);
            let name = format!("{base_name}_t_{}", hex::encode(random_bytes::<6>()));
            let admin = sqlx::PgPool::connect(&base)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .expect("create test database");
            admin.close().await;
            format!("{prefix}/{name}")
        }
    }
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("OS randomness");
    bytes
}

/// A unique marker string that must never appear in plaintext at rest.
pub fn marker(label: &str) -> String {
    format!("CANARY-{label}-{}", hex::encode(random_bytes::<8>()))
}

/// Whether `needle` occurs in `haystack`, byte for byte.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
