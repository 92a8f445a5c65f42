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
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
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
    /// A connection on which nothing moves either way for this long is closed: one that never
    /// sends a byte, an idle keep-alive, a client that stops reading its answer. (The head
    /// timeout starts only at a request's first byte.)
    pub idle: Duration,
}

/// Open connections per peer address. An entry lives while its address has a connection open.
#[derive(Clone, Default)]
struct Peers(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One open connection of a peer; dropping it gives the slot back.
struct PeerSlot {
    peers: Peers,
    ip: IpAddr,
}

/// The peer a connection is counted under: an IPv4 address, or an IPv6 address's /64 network
/// (one subscriber commonly holds a whole /64).
pub fn peer_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl Peers {
    fn take(&self, ip: IpAddr, max: usize) -> Option<PeerSlot> {
        let ip = peer_of(ip);
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
            .serve_connection_with_upgrades(
                TokioIo::new(Idle::new(stream, limits.idle)),
                TowerToHyperService::new(service),
            )
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

/// A stream that fails once nothing has been read from or written to it for `limit`.
struct Idle<S> {
    inner: S,
    limit: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl<S> Idle<S> {
    fn new(inner: S, limit: Duration) -> Self {
        Idle {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }

    fn moved(&mut self) {
        let next = tokio::time::Instant::now() + self.limit;
        self.deadline.as_mut().reset(next);
    }

    /// When the inner stream is not ready: the error once the connection has idled too long.
    fn expired(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        self.deadline
            .as_mut()
            .poll(cx)
            .is_ready()
            .then(|| io::Error::new(io::ErrorKind::TimedOut, "connection idle too long"))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.moved();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => match self.expired(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.moved();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending => match self.expired(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
