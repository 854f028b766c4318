//! `GET /api/v1/stats/live`: exact counts over the caller's routes, for triage. Never public;
//! every look is audited.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use super::AppState;
use super::failure::ApiError;
use super::staff::Staff;
use super::traffic::Traffic;
use crate::audit::Action;
use crate::store::Audit;
use crate::wire::{LiveCount, LiveStats};

/// `GET /api/v1/stats/live`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.page(Router::new().route("/api/v1/stats/live", get(live_stats)))
}

async fn live_stats(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<LiveStats>, ApiError> {
    let staff = staff.caseworker()?;
    let routes = staff.routes(&state);
    let actor = staff.actor();
    let counts = state
        .store()
        .live_counts(&routes, Audit::new(&actor, Action::StatsLive))
        .await?;
    let rows = |v: Vec<(String, String, i64)>| {
        v.into_iter()
            .map(|(group, key, cases)| LiveCount { group, key, cases })
            .collect()
    };
    Ok(Json(LiveStats {
        routes,
        by_status: rows(counts.by_status),
        by_code: rows(counts.by_code),
    }))
}
