//! Alert delivery: the outbox worker, signed webhooks, SMTP, and fixed-size digests.
//!
//! An alert carries the kind of event, the route, "urgent", and the public case id only where
//! the target's policy asks for it: never any content, and no time (the worker logs no line
//! per alert either). This module imports neither `envelope` nor `crypto`: it handles ids and names only,
//! as its `use` lines show. Data arrives here only through the outbox (`store`).

pub mod digest;
pub mod email;
pub mod error;
pub mod payload;
pub mod webhook;
pub mod worker;

pub use error::DeliveryError;
pub use payload::Alert;
pub use worker::{AlertWorker, WorkerHandle};
