//! Dropping a call's future aborts its request at once: the connection is
//! closed and no retry follows.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::ORG;
use futures::TryStreamExt;
use serde_json::{json, Map, Value};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// A server that reads each request and never answers; it counts the
/// connections it accepted and those the client has closed.
struct Stall {
    url: String,
    accepted: Arc<AtomicUsize>,
    closed: Arc<AtomicUsize>,
}

impl Stall {
    async fn start() -> Stall {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let accepted = Arc::new(AtomicUsize::new(0));
        let closed = Arc::new(AtomicUsize::new(0));
        let (a, c) = (accepted.clone(), closed.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                let c = c.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    // read until the client closes the connection
                    while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
                    c.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        Stall {
            url,
            accepted,
            closed,
        }
    }

    /// Polls `call` until the server has accepted `n` connections in all,
    /// then drops it.
    async fn drop_once_connected<F: std::future::Future>(&self, call: F, n: usize) {
        tokio::pin!(call);
        let t0 = Instant::now();
        while self.accepted.load(Ordering::SeqCst) < n {
            assert!(t0.elapsed() < Duration::from_secs(5), "never connected");
            tokio::select! {
                _ = &mut call => panic!("the stalled call finished"),
                _ = tokio::time::sleep(Duration::from_millis(2)) => {}
            }
        }
    }

    /// Waits (up to 5 s) until every accepted connection is closed; then
    /// checks that no new one arrives for `quiet` (no retry).
    async fn assert_aborted(&self, expected: usize, quiet: Duration) {
        let t0 = Instant::now();
        while self.closed.load(Ordering::SeqCst) < expected {
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "{} of {expected} connections still open",
                expected - self.closed.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(quiet).await;
        assert_eq!(
            self.accepted.load(Ordering::SeqCst),
            expected,
            "a retry followed the cancelled call"
        );
    }
}

/// Retries fast and often, and waits long for an answer: a cancelled call
/// that carried on would show up as new connections.
fn client(url: &str) -> versori::Client {
    versori::Client::builder()
        .base_url(url)
        .organisation(ORG)
        .api_key("vk_test_secret_123")
        .request_timeout(Duration::from_millis(300))
        .retry(
            versori::RetryPolicy::default()
                .max_attempts(10)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .expect("builds")
}

#[tokio::test]
async fn dropping_a_generic_call_closes_its_connection_with_no_retry() {
    let server = Stall::start().await;
    let c = client(&server.url);
    for n in 1..=5 {
        server
            .drop_once_connected(c.call("GetEndUser", json!({"user_id": "u"})), n)
            .await;
    }
    // longer than an attempt's timeout: a surviving call would have retried
    server.assert_aborted(5, Duration::from_millis(600)).await;
}

#[tokio::test]
async fn dropping_a_typed_call_or_a_listing_closes_its_connection_with_no_retry() {
    let server = Stall::start().await;
    let c = client(&server.url);
    server
        .drop_once_connected(c.users().get("u").send(), 1)
        .await;
    let mut listing = c.pages::<Value>("ListSystems", Map::new());
    server.drop_once_connected(listing.try_next(), 2).await;
    drop(listing);
    server.assert_aborted(2, Duration::from_millis(600)).await;
}

#[tokio::test]
async fn an_aborted_task_closes_its_connection_too() {
    let server = Stall::start().await;
    let c = client(&server.url);
    let task = tokio::spawn(async move { c.call("GetEndUser", json!({"user_id": "u"})).await });
    while server.accepted.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    task.abort();
    assert!(task.await.is_err_and(|e| e.is_cancelled()));
    server.assert_aborted(1, Duration::from_millis(600)).await;
}
