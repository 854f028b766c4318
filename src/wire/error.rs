//! The body of every failed API request.

use serde::{Deserialize, Serialize};

/// `{"error": {"code": …, "message": …}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A failure: a stable machine code and a sentence that says what to do next.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, for programs: `bad_ciphertext`, `unknown_route`, …
    pub code: String,
    /// For people: what was wrong and what to do next.
    pub message: String,
}
