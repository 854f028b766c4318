//! Accepting connections: how many at once, how long a client may take to send its headers,
//! and answering a client that half-closes.
//!
//! Without these, a client that opens connections and sends headers a byte at a time holds
//! every file descriptor the process has, and no reporter gets in. So:
//! - at most `max_connections` are served at once; the next ones wait in the kernel's accept
//!   queue (costing this process nothing) until a slot frees, and the cap is checked at start
//!   against the descriptor limit, leaving room for the database, logs and alert deliveries;
//! - a connection whose request headers do not arrive within `header_read_timeout` is closed
//!   (a slow body is ended by the request timeout, a layer in `http::router`);
//! - a client that shuts down its sending side after a complete request still gets its answer:
//!   a report stored is always acknowledged to whoever sent it.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Descriptors kept free for everything that is not a client connection: the database
/// pool and its WAL, log files, the listener, alert deliveries, reloading `keys/`.
pub const RESERVED_DESCRIPTORS: u64 = 64;

/// How connections are accepted and served.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Client connections served at once.
    pub max_connections: usize,
    /// Time a client has to send a request's headers.
    pub header_read_timeout: Duration,
}

impl ConnectionLimits {
    /// Refuses a connection cap that the process's descriptor limit cannot hold.
    pub fn check_descriptors(&self) -> anyhow::Result<()> {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .unwrap_or(u64::MAX);
        let needed = (self.max_connections as u64).saturating_add(RESERVED_DESCRIPTORS);
        if needed > limit {
            anyhow::bail!(
                "max_connections is {} but this process may open only {limit} files; {} more are kept for the database and logs. Lower max_connections to at most {}, or raise the limit (ulimit -n, or LimitNOFILE= in the systemd unit)",
                self.max_connections,
                RESERVED_DESCRIPTORS,
                limit.saturating_sub(RESERVED_DESCRIPTORS)
            );
        }
        Ok(())
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; requests in flight finish first.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Dropped at shutdown: each connection then finishes its request and closes.
    let (stop_tx, stop_rx) = watch::channel(());
    // Each connection holds a clone; shutdown waits until every clone is gone.
    let (open_tx, open_rx) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let Some((permit, stream, peer)) = accepted else {
            continue;
        };
        let router = router.clone();
        let mut stop = stop_rx.clone();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(request)
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .half_close(true);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(permit);
            drop(open);
        });
    }
    drop(listener);
    drop(stop_tx);
    drop(open_rx);
    open_tx.closed().await;
    Ok(())
}

/// Waits for a free slot, then for a client. Accept errors (out of descriptors, a client
/// that gave up) are passed over after a pause, as `axum::serve` does.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(
    tokio::sync::OwnedSemaphorePermit,
    tokio::net::TcpStream,
    SocketAddr,
)> {
    let permit = slots.clone().acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, peer)) => {
            let _ = stream.set_nodelay(true);
            Some((permit, stream, peer))
        }
        Err(_) => {
            tokio::time::sleep(Duration::from_millis(50)).await;
            None
        }
    }
}
