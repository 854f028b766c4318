//! `GET /api/v1/stats/live`: exact counts over the caller's routes, for triage. Never public.

use serde::{Deserialize, Serialize};

/// Exact counts over the caller's routes.
#[derive(Debug, Serialize, Deserialize)]
pub struct LiveStats {
    /// Routes counted: the caller's.
    pub routes: Vec<String>,
    /// Cases per route and status.
    pub by_status: Vec<LiveCount>,
    /// Cases per coded category (restricted fields never appear).
    pub by_code: Vec<LiveCount>,
}

/// One exact count.
#[derive(Debug, Serialize, Deserialize)]
pub struct LiveCount {
    /// Route, or taxonomy field.
    pub group: String,
    /// Status, or taxonomy code.
    pub key: String,
    /// Cases.
    pub cases: i64,
}
