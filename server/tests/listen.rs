//! The accept loop's limits, on a real socket.

use server::listen::{peer_of, serve, Limits};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn started(limits: Limits) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    tokio::spawn(serve(listener, router, limits, std::future::pending()));
    addr
}

/// Reads until the server closes the connection; how long that took.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the connection was still open after 10 s"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_idle_connections_are_closed() {
    let addr = started(Limits {
        total: 8,
        per_peer: Some(8),
        idle: Duration::from_secs(1),
    })
    .await;
    // A connection that never sends a byte.
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    assert!(closed_after(&mut silent).await < Duration::from_secs(3));
    // A keep-alive connection after its answer.
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    assert!(closed_after(&mut idle).await < Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_per_address_are_bounded() {
    let addr = started(Limits {
        total: 64,
        per_peer: Some(2),
        idle: Duration::from_secs(30),
    })
    .await;
    let _a = TcpStream::connect(addr).await.expect("connect");
    let _b = TcpStream::connect(addr).await.expect("connect");
    let mut third = TcpStream::connect(addr).await.expect("connect");
    // The third from the same address is closed at once.
    assert!(closed_after(&mut third).await < Duration::from_secs(1));
}

#[test]
fn ipv6_peers_count_by_their_network() {
    let a: std::net::IpAddr = "2001:db8:1:2::1".parse().expect("ip");
    let b: std::net::IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
    let c: std::net::IpAddr = "2001:db8:1:3::1".parse().expect("ip");
    assert_eq!(peer_of(a), peer_of(b));
    assert_ne!(peer_of(a), peer_of(c));
    let v4: std::net::IpAddr = "192.0.2.1".parse().expect("ip");
    assert_eq!(peer_of(v4), v4);
}
