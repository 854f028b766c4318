//! Alert delivery tests (filled in by the alerts work).
