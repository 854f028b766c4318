//! Alert delivery from the outbox (filled in by the alerts work).
