//! Integration tests: a real server on 127.0.0.1:0, a real SQLite file, and real PostgreSQL
//! when `SAFEHOLD_TEST_POSTGRES_URL` is set. One binary, so it links once.

// Tests print notices of what they skipped; clippy.toml's print rule is for the product.
#![allow(clippy::disallowed_macros)]

mod common;
mod process;

mod accessibility;
mod agent;
mod alerts;
mod api_intake;
mod assets;
mod bad_input;
mod browser;
mod canary;
mod casework;
mod catalogues;
mod connections;
mod consent;
mod counts;
mod data_files;
mod disk_full;
mod durability;
mod escalation;
mod flood;
mod form_intake;
mod languages;
mod organisation;
mod pinned_keyring;
mod protection;
mod receipt;
mod reply_confirmation;
mod safe_terminal;
mod scrub;
mod small_holes;
mod staff_sessions;
mod statistics;
mod thread;
mod thread_files;
mod translations;
mod unread;
mod witnessed_audit;
