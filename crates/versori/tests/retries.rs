//! Retries: which failures are retried, for which methods, how long the
//! client waits, and when it gives up.

mod common;

use std::time::{Duration, Instant};

use common::{client, end_user, Reply, Script, ORG};
use serde_json::json;
use versori::{Error, RetryPolicy};

#[tokio::test]
async fn each_retryable_status_is_retried_for_get() {
    for status in [408u16, 429, 502, 503, 504] {
        let server = Script::start(vec![
            Reply::json(status, json!({"code": "busy", "message": "try later"})),
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
        let server = Script::start(vec![Reply::json(
            status,
            json!({"code": "no", "message": "no"}),
        )])
        .await;
        let err = client(&server.url)
            .users()
            .get("a")
            .send()
            .await
            .expect_err("fails");
        assert_eq!(err.status(), Some(status));
        assert_eq!(server.count(), 1, "status {status} must not be retried");
    }
}

#[tokio::test]
async fn post_is_not_retried_unless_asked() {
    let server = Script::start(vec![Reply::json(
        503,
        json!({"code": "busy", "message": "later"}),
    )])
    .await;
    let err = client(&server.url)
        .call("CreateEndUser", json!({"body": {"externalId": "a"}}))
        .await
        .expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);

    let server = Script::start(vec![
        Reply::json(503, json!({"code": "busy", "message": "later"})),
        Reply::json(201, end_user("a")),
    ])
    .await;
    let opted_in = versori::Client::builder()
        .base_url(&server.url)
        .organisation(ORG)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .retry_non_idempotent(true),
        )
        .build()
        .expect("builds");
    let user = opted_in
        .call("CreateEndUser", json!({"body": {"externalId": "a"}}))
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
    let server = Script::start(vec![Reply::json(
        502,
        json!({"code": "gw", "message": "bad gateway"}),
    )])
    .await;
    let c = versori::Client::builder()
        .base_url(&server.url)
        .organisation(ORG)
        .retry(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .expect("builds");
    let err = c
        .call("GetEndUser", json!({"user_id": "a"}))
        .await
        .expect_err("gives up");
    assert_eq!(err.status(), Some(502));
    assert!(err.is_retryable());
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = Script::start(vec![
        Reply::json(429, json!({"code": "rate", "message": "slow down"}))
            .header("retry-after", "1"),
        Reply::json(200, end_user("a")),
    ])
    .await;
    let t0 = Instant::now();
    client(&server.url)
        .users()
        .get("a")
        .send()
        .await
        .expect("succeeds");
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let server = Script::start(vec![
        Reply::json(503, json!({"code": "busy", "message": "later"})).header("retry-after", &when),
        Reply::json(200, end_user("a")),
    ])
    .await;
    let t0 = Instant::now();
    client(&server.url)
        .users()
        .get("a")
        .send()
        .await
        .expect("succeeds");
    // the date has one-second resolution
    assert!(
        t0.elapsed() >= Duration::from_millis(900),
        "waited only {:?}",
        t0.elapsed()
    );
}

#[tokio::test]
async fn retry_after_beyond_the_cap_ends_retries() {
    let server = Script::start(vec![
        Reply::json(
            429,
            json!({"code": "rate", "message": "come back tomorrow"}),
        )
        .header("retry-after", "86400"),
        Reply::json(200, end_user("a")),
    ])
    .await;
    let t0 = Instant::now();
    let err = client(&server.url)
        .users()
        .get("a")
        .send()
        .await
        .expect_err("not retried");
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.count(), 1);
    assert!(t0.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn the_deadline_ends_retries() {
    let server = Script::start(vec![Reply::json(
        503,
        json!({"code": "busy", "message": "later"}),
    )])
    .await;
    let c = versori::Client::builder()
        .base_url(&server.url)
        .organisation(ORG)
        .retry(
            RetryPolicy::default()
                .max_attempts(100)
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_millis(100))
                .deadline(Some(Duration::from_millis(500))),
        )
        .build()
        .expect("builds");
    let t0 = Instant::now();
    let err = c
        .call("GetEndUser", json!({"user_id": "a"}))
        .await
        .expect_err("gives up");
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

#[tokio::test]
async fn a_slow_attempt_times_out_and_is_retried() {
    let server = Script::start(vec![
        Reply::json(200, end_user("slow")).delayed(Duration::from_secs(3)),
        Reply::json(200, end_user("fast")),
    ])
    .await;
    let c = versori::Client::builder()
        .base_url(&server.url)
        .organisation(ORG)
        .request_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("builds");
    let user = c
        .call("GetEndUser", json!({"user_id": "x"}))
        .await
        .expect("second attempt");
    assert_eq!(user["externalId"], "fast");
}

#[tokio::test]
async fn a_timeout_without_retries_is_a_timeout_error() {
    let server = Script::start(vec![
        Reply::json(200, end_user("slow")).delayed(Duration::from_secs(3))
    ])
    .await;
    let c = versori::Client::builder()
        .base_url(&server.url)
        .organisation(ORG)
        .request_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .expect("builds");
    let err = c
        .call("GetEndUser", json!({"user_id": "x"}))
        .await
        .expect_err("times out");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    // a port nothing listens on
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let c = versori::Client::builder()
        .base_url(&url)
        .organisation(ORG)
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_millis(50)),
        )
        .build()
        .expect("builds");
    let err = c
        .call("GetEndUser", json!({"user_id": "x"}))
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_retried_request_is_sent_again_unchanged() {
    let server = Script::start(vec![
        Reply::json(503, json!({"code": "busy", "message": "later"})),
        Reply::json(503, json!({"code": "busy", "message": "later"})),
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
    let server = Script::start(vec![
        Reply::json(200, end_user("slow")).delayed(Duration::from_secs(3))
    ])
    .await;
    let c = configure(
        versori::Client::builder()
            .base_url(&server.url)
            .organisation(ORG),
    )
    .build()
    .expect("builds");
    let t0 = Instant::now();
    let err = c
        .call("GetEndUser", json!({"user_id": "x"}))
        .await
        .expect_err("times out");
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
