//! Safehold: encrypted intake of reports of reprisals against people who cooperate with the
//! UN human rights system.
//!
//! Where plaintext can live is visible in the `use` lines:
//! - `envelope` and `crypto` hold plaintext; they import neither `store` nor `http`.
//! - `store` handles ciphertext, ids and coarse metadata only; it never imports `envelope` or
//!   the plaintext side of `crypto`.
//! - `ciphertext` inspects age headers without any key.
//! - Data flows one way: `http` → `envelope`/`crypto` → `store`.
#![forbid(unsafe_code)]

pub mod alerts;
pub mod audit;
pub mod ciphertext;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod envelope;
pub mod http;
pub mod i18n;
pub mod keyring;
pub mod policy;
pub mod retention;
pub mod secrets;
pub mod server;
pub mod server_process;
pub mod stats;
pub mod store;
