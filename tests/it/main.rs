//! Integration tests: a real server on 127.0.0.1:0, a real SQLite file, and real PostgreSQL
//! when `SAFEHOLD_TEST_POSTGRES_URL` is set. One binary, so it links once.

mod common;
mod process;

mod alerts;
mod api_intake;
mod bad_input;
mod browser;
mod canary;
mod casework;
mod counts;
mod durability;
mod escalation;
mod form_intake;
mod protection;
mod receipt;
mod scrub;
mod statistics;
