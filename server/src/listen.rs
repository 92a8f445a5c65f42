//! The accept loop. It is axum's `serve` with the limits that one lacks: a client must send its
//! request head within `HEADER_READ_TIMEOUT` (a connection left half-sent is closed, so slow
//! clients cannot hold connections open at will); the open connections are bounded, in all and per
//! client address; and once told to stop, the server waits for open requests only for
//! `SHUTDOWN_GRACE`.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Concurrent HTTP/2 streams on one connection (each is a request in flight).
pub const MAX_STREAMS: u32 = 32;

/// How many connections may be open at once.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub total: usize,
    /// Per peer address; `None` behind a reverse proxy, where every connection comes from it.
    pub per_peer: Option<usize>,
}

/// Open connections per peer address. An entry lives while its address has a connection open.
#[derive(Clone, Default)]
struct Peers(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One open connection of a peer; dropping it gives the slot back.
struct PeerSlot {
    peers: Peers,
    ip: IpAddr,
}

impl Peers {
    fn take(&self, ip: IpAddr, max: usize) -> Option<PeerSlot> {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = map.entry(ip).or_insert(0);
        if *open >= max {
            return None;
        }
        *open += 1;
        Some(PeerSlot {
            peers: self.clone(),
            ip,
        })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut map = self
            .peers
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = map.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serves `router` on `listener` until `stop` completes, then lets open requests finish within
/// the grace period. Each request carries the client's address as `ConnectInfo`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(MAX_STREAMS);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.total));
    let peers = Peers::default();
    let mut stop = std::pin::pin!(stop);
    loop {
        // At the bound, new connections wait in the kernel's queue until one closes.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let slot = match limits.per_peer {
            Some(max) => match peers.take(remote.ip(), max) {
                Some(slot) => Some(slot),
                None => {
                    tracing::warn!(peer = %remote.ip(), "too many connections from one address; closed");
                    continue;
                }
            },
            None => None,
        };
        let service =
            router
                .clone()
                .map_request(move |mut req: http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(remote));
                    req
                });
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop((permit, slot));
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still open after {} s; closing them", SHUTDOWN_GRACE.as_secs());
        }
    }
}
