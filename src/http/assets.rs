//! Static assets, compiled into the binary and served from our own origin only.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

const STYLESHEET: &str = include_str!("../../static/safehold.css");

/// `GET /static/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "safehold.css" => (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            STYLESHEET,
        )
            .into_response(),
        _ => ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such asset").into_response(),
    }
}
