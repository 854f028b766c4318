//! Static assets, compiled into the binary and served from our own origin only. Scripts are
//! referenced with Subresource Integrity, and their hashes are published at
//! `/.well-known/safehold-scripts.json` so outsiders can check the code a page runs.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha384};

use super::AppState;
use super::failure::ApiError;
use super::traffic::Traffic;

const STYLESHEET: &str = include_str!("../../static/safehold.css");

/// `/static/{file}`, `/.well-known/safehold-scripts.json`, `/favicon.ico`.
pub fn routes(traffic: &Traffic) -> Router<AppState> {
    traffic.page(
        Router::new()
            .route("/static/{file}", get(serve))
            .route("/.well-known/safehold-scripts.json", get(published_hashes))
            // Browsers ask for it on every site; answering keeps their consoles and our logs quiet.
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT })),
    )
}

/// A served script with its integrity hashes.
pub struct Script {
    /// Path under `/static/`.
    pub name: &'static str,
    /// The file, as built (see `scripts/build-browser-bundle.sh`).
    pub bytes: &'static [u8],
    /// `sha384-…`, for the `integrity` attribute.
    pub sri: String,
    /// Lowercase hex SHA-256, for people comparing with a local build.
    pub sha256: String,
}

impl Script {
    fn new(name: &'static str, bytes: &'static [u8]) -> Script {
        Script {
            name,
            bytes,
            sri: format!("sha384-{}", STANDARD.encode(Sha384::digest(bytes))),
            sha256: hex::encode(Sha256::digest(bytes)),
        }
    }
}

/// The browser bundle: Safehold's code and the pinned age-encryption library.
pub static BUNDLE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "safehold-bundle.js",
        include_bytes!("../../static/safehold-bundle.js"),
    )
});
/// The boot script, which starts the bundle or explains the fallback.
pub static BOOT: LazyLock<Script> =
    LazyLock::new(|| Script::new("boot.js", include_bytes!("../../static/boot.js")));

/// `GET /static/{file}`.
async fn serve(Path(file): Path<String>) -> Response {
    let javascript = [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")];
    match file.as_str() {
        "safehold.css" => (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            STYLESHEET,
        )
            .into_response(),
        name if name == BUNDLE.name => (javascript, BUNDLE.bytes).into_response(),
        name if name == BOOT.name => (javascript, BOOT.bytes).into_response(),
        _ => ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such asset").into_response(),
    }
}

/// One entry of the published script list.
#[derive(Serialize)]
pub struct PublishedScript {
    path: String,
    integrity: String,
    sha256: String,
}

/// `GET /.well-known/safehold-scripts.json`: every script a page may run, with its hashes.
async fn published_hashes() -> Json<Vec<PublishedScript>> {
    Json(
        [&*BUNDLE, &*BOOT]
            .into_iter()
            .map(|s| PublishedScript {
                path: format!("/static/{}", s.name),
                integrity: s.sri.clone(),
                sha256: s.sha256.clone(),
            })
            .collect(),
    )
}
