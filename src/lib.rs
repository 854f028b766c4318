//! Safehold: encrypted intake of reports of reprisals against people who cooperate with the
//! UN human rights system.
//!
//! Where plaintext can live is visible in the `use` lines (and checked by
//! `scripts/check-plaintext-boundary.sh`):
//! - `envelope` and `crypto` hold plaintext; they import neither `store` nor `http`.
//! - Only `http::plaintext` (the no-JavaScript form and receipt page), `cli` (tools on their
//!   users' own machines), `envelope` and `crypto` name them, and only in `use` lines.
//! - Everything else handles ciphertext, ids and codes: `store`, `alerts`, `stats`, the rest
//!   of `http`, and the plaintext-free vocabulary they share: `domain` (case status, consent,
//!   alert kind, author), `wire` (every endpoint's JSON), `padding` (size buckets), `mac`
//!   (keyed hashes) and `ciphertext` (age headers, inspected without any key).
//! - Data flows one way: `http` → `envelope`/`crypto` → `store` → (outbox) → `alerts`.
#![forbid(unsafe_code)]

pub mod alerts;
pub mod audit;
pub mod ciphertext;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod envelope;
pub mod http;
pub mod i18n;
pub mod keyring;
pub mod mac;
pub mod maintenance;
pub mod padding;
pub mod policy;
pub mod retention;
pub mod secrets;
pub mod server;
pub mod server_process;
pub mod stats;
pub mod store;
pub mod wire;
