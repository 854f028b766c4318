//! Upload slots: how many large bodies (reports and follow-ups with files) are read and sealed
//! at once. Each is held in memory while the server encrypts it, a few times its size, so
//! without a cap eight concurrent uploads of the largest size took a gigabyte. A large body
//! that finds every slot taken is refused at once with 503 and `Retry-After`, before a byte
//! of it is read: a full server refuses fast instead of running out of memory.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use super::failure::{Client, Failure};

/// Bodies above this size (or of unknown size) need a slot; smaller ones, every text-only
/// report among them, never wait for one.
pub const LARGE_BODY_BYTES: u64 = 1024 * 1024;

/// Seconds a refused upload is told to wait.
const RETRY_AFTER_SECONDS: u64 = 30;

/// The shared slots; cheap to clone.
#[derive(Clone)]
pub struct UploadSlots(Arc<Semaphore>);

impl UploadSlots {
    /// `slots` large bodies at once (at least one).
    pub fn new(slots: usize) -> UploadSlots {
        UploadSlots(Arc::new(Semaphore::new(slots.max(1))))
    }
}

/// Middleware: a large body holds a slot until its answer is sent, or is refused at once.
pub async fn hold(State(slots): State<UploadSlots>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // A body of unknown length comes chunked; a request with neither header has none.
    let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
    let large = match declared {
        Some(len) => len > LARGE_BODY_BYTES,
        None => chunked,
    };
    if !large {
        return next.run(request).await;
    }
    match slots.0.clone().try_acquire_owned() {
        Ok(slot) => {
            let response = next.run(request).await;
            drop(slot);
            response
        }
        Err(_) => Failure::Busy(RETRY_AFTER_SECONDS)
            .respond(&Client::of(request.uri(), request.headers())),
    }
}
