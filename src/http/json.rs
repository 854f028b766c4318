//! The JSON body extractor of every API handler: a rejected body becomes an [`ApiError`] that
//! says what to send instead, so handlers never see axum's rejection types.

use axum::extract::FromRequest;

use super::failure::ApiError;

/// `axum::Json`, with rejections answered by [`ApiError`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);
