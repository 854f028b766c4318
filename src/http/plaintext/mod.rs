//! The only request handlers that hold plaintext: the no-JavaScript report form and receipt
//! page, where the server seals what the reporter typed at once (`envelope`, `crypto`) and
//! derives the codephrase's keys for the length of one request.
//!
//! Everything here keeps plaintext in wiping buffers, never on disk, and hands only
//! ciphertext to `store`. Every other HTTP module handles ciphertext, ids and codes only; the
//! `.ci/run` boundary check keeps it that way.

mod form;
mod intake;
mod receipt_keys;
mod receipt_page;
mod thread_key_seal;

use axum::Router;
use axum::routing::{get, post};

use super::AppState;

use super::traffic::Traffic;
#[doc(hidden)]
pub use intake::read_form_for_fuzzing;

/// `GET /`, `POST /report`, `GET|POST /receipt`, `POST /receipt/followup`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    Router::new()
        .merge(traffic.form_intake(Router::new().route("/report", post(intake::submit))))
        .merge(traffic.form(Router::new().route("/receipt/followup", post(receipt_page::followup))))
        .merge(traffic.receipt(Router::new().route("/receipt", post(receipt_page::lookup))))
        .merge(
            traffic.page(
                Router::new()
                    .route("/", get(intake::form))
                    .route("/receipt", get(receipt_page::form)),
            ),
        )
}
