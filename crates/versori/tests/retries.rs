//! Retries: which failures are retried, for which methods, how long the
//! client waits, and when it gives up.

mod common;

use std::time::{Duration, Instant};

use common::{client, client_with, end_user, Reply, Script};
use serde_json::json;
use versori::{Error, RetryPolicy};

/// GetEndUser for `x` through the generic call, which must fail.
async fn get_user_fails(c: &versori::Client) -> Error {
    c.call("GetEndUser", json!({"user_id": "x"}))
        .await
        .expect_err("the call fails")
}

#[tokio::test]
async fn each_retryable_status_is_retried_for_get() {
    for status in [408u16, 429, 502, 503, 504] {
        let server = Script::start(vec![
            Reply::error(status, "busy", "try later"),
            Reply::json(200, end_user("a")),
        ])
        .await;
        let user = client(&server.url).users().get("a").send().await;
        assert!(user.is_ok(), "status {status}: {user:?}");
        assert_eq!(server.count(), 2, "status {status} should be retried once");
    }
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    for status in [400u16, 401, 403, 404, 409, 422, 500] {
        let server = Script::start(vec![Reply::error(status, "no", "no")]).await;
        let c = client(&server.url);
        let err = c.users().get("a").send().await.expect_err("fails");
        assert_eq!(err.status(), Some(status));
        assert_eq!(server.count(), 1, "status {status} must not be retried");
    }
}

#[tokio::test]
async fn post_is_not_retried_unless_asked() {
    let create = json!({"body": {"externalId": "a"}});
    let server = Script::start(vec![Reply::error(503, "busy", "later")]).await;
    let err = client(&server.url)
        .call("CreateEndUser", create.clone())
        .await
        .expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);

    let server = Script::start(vec![
        Reply::error(503, "busy", "later"),
        Reply::json(201, end_user("a")),
    ])
    .await;
    let opted_in = client_with(&server.url, |b| {
        b.retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .retry_non_idempotent(true),
        )
    });
    let user = opted_in
        .call("CreateEndUser", create)
        .await
        .expect("retried");
    assert_eq!(user["externalId"], "a");
    assert_eq!(server.count(), 2);
    // the retry sends the same body again
    let seen = server.requests();
    assert_eq!(seen[1].json(), json!({"externalId": "a"}));
    assert_eq!(seen[1].body, seen[0].body);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = Script::start(vec![Reply::error(502, "gw", "bad gateway")]).await;
    let c = client_with(&server.url, |b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_backoff(Duration::from_millis(1)),
        )
    });
    let err = get_user_fails(&c).await;
    assert_eq!(err.status(), Some(502));
    assert!(err.is_retryable());
    assert_eq!(server.count(), 4);
}

/// How long a GetEndUser takes against a server that first answers
/// `first` and then succeeds, and how many requests it received.
async fn time_to_success(first: Reply) -> (Duration, usize) {
    let server = Script::start(vec![first, Reply::json(200, end_user("a"))]).await;
    let t0 = Instant::now();
    let c = client(&server.url);
    c.users().get("a").send().await.expect("succeeds");
    (t0.elapsed(), server.count())
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let rate_limited = Reply::error(429, "rate", "slow down").header("retry-after", "1");
    let (waited, requests) = time_to_success(rate_limited).await;
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let busy = Reply::error(503, "busy", "later").header("retry-after", &when);
    let (waited, _) = time_to_success(busy).await;
    // the date has one-second resolution
    assert!(
        waited >= Duration::from_millis(900),
        "waited only {waited:?}"
    );
}

#[tokio::test]
async fn retry_after_beyond_the_cap_ends_retries() {
    let server = Script::start(vec![
        Reply::error(429, "rate", "come back tomorrow").header("retry-after", "86400"),
        Reply::json(200, end_user("a")),
    ])
    .await;
    let t0 = Instant::now();
    let c = client(&server.url);
    let err = c.users().get("a").send().await.expect_err("not retried");
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.count(), 1);
    assert!(t0.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn the_deadline_ends_retries() {
    let server = Script::start(vec![Reply::error(503, "busy", "later")]).await;
    let c = client_with(&server.url, |b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(100)
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_millis(100))
                .deadline(Some(Duration::from_millis(500))),
        )
    });
    let t0 = Instant::now();
    let err = get_user_fails(&c).await;
    assert_eq!(err.status(), Some(503));
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t0.elapsed()
    );
    assert!(
        server.count() < 100 && server.count() >= 2,
        "{} attempts",
        server.count()
    );
}

/// A reply of `external_id` that comes after 3 s.
fn slow_user(external_id: &str) -> Reply {
    Reply::json(200, end_user(external_id)).delayed(Duration::from_secs(3))
}

#[tokio::test]
async fn a_slow_attempt_times_out_and_is_retried() {
    let server = Script::start(vec![slow_user("slow"), Reply::json(200, end_user("fast"))]).await;
    let c = client_with(&server.url, |b| {
        b.request_timeout(Duration::from_millis(300))
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
    });
    let user = c
        .call("GetEndUser", json!({"user_id": "x"}))
        .await
        .expect("second attempt");
    assert_eq!(user["externalId"], "fast");
}

#[tokio::test]
async fn a_timeout_without_retries_is_a_timeout_error() {
    let server = Script::start(vec![slow_user("slow")]).await;
    let c = client_with(&server.url, |b| {
        b.request_timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none())
    });
    let err = get_user_fails(&c).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    // a port nothing listens on
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let c = client_with(&url, |b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_millis(50)),
        )
    });
    let err = get_user_fails(&c).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_retried_request_is_sent_again_unchanged() {
    let server = Script::start(vec![
        Reply::error(503, "busy", "later"),
        Reply::error(503, "busy", "later"),
        Reply::json(200, json!({"users": [], "totalCount": 0})),
    ])
    .await;
    client(&server.url)
        .call(
            "ListEndUsers",
            json!({"search": "a b/c", "activated": true}),
        )
        .await
        .expect("third attempt");
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    for attempt in &seen[1..] {
        assert_eq!(attempt.method, seen[0].method);
        assert_eq!(attempt.target, seen[0].target);
        for name in ["authorization", "user-agent", "accept"] {
            assert!(attempt.header(name).is_some(), "{name} missing on a retry");
            assert_eq!(attempt.header(name), seen[0].header(name), "{name}");
        }
    }
}

/// Calls a server that answers after 3 s with a client configured by
/// `configure`, and checks that the call ends in a timeout well before.
async fn times_out_early(configure: impl FnOnce(versori::ClientBuilder) -> versori::ClientBuilder) {
    let server = Script::start(vec![slow_user("slow")]).await;
    let c = client_with(&server.url, configure);
    let t0 = Instant::now();
    let err = get_user_fails(&c).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
}

#[tokio::test]
async fn a_supplied_http_client_still_gets_the_request_timeout() {
    times_out_early(|b| {
        b.http_client(reqwest::Client::new())
            .request_timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none())
    })
    .await;
}

#[tokio::test]
async fn a_deadline_shorter_than_the_request_timeout_cuts_the_attempt_short() {
    times_out_early(|b| {
        b.request_timeout(Duration::from_secs(30))
            .retry(RetryPolicy::none().deadline(Some(Duration::from_millis(200))))
    })
    .await;
}
