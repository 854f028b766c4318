//! Alert delivery: outbox worker, webhook and SMTP targets.
