//! `retention.toml`: how long a closed case's ciphertext is kept.
//!
//! Once a case has been closed for `closed_case_days` days, its report, thread and escalation
//! packages are deleted (by the daily timer in `safehold serve` or by `safehold admin retention
//! run`). Only its non-restricted codes survive, and only with statistics consent. No file:
//! nothing is deleted automatically.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::PolicyError;

/// The validated retention policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Days a closed case's ciphertext is kept after the day it was closed (0: at the next run).
    pub closed_case_days: u32,
}

/// Path of the file in a policy directory.
pub fn retention_path(dir: &Path) -> PathBuf {
    dir.join("retention.toml")
}

impl Retention {
    /// Loads `dir/retention.toml`; `None` when there is no such file.
    pub fn load(dir: &Path) -> Result<Option<Retention>, PolicyError> {
        let path = retention_path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .map(Some)
                .map_err(|e| PolicyError::Syntax {
                    path,
                    message: e.to_string(),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(PolicyError::Read { path, source }),
        }
    }

    /// The last `closed_day` (`YYYY-MM-DD`) whose cases are due for deletion on `today`.
    pub fn cutoff(&self, today: time::Date) -> String {
        today
            .checked_sub(time::Duration::days(i64::from(self.closed_case_days)))
            .unwrap_or(time::Date::MIN)
            .to_string()
    }
}
