//! The `versori.request` span a Rust program sees through its own
//! `tracing` subscriber carries the same fields as the records the
//! bindings get (`tests/log.rs`): operation, method, path template, status,
//! attempt, latency and request id, and never a credential.

mod common;

use common::{capture_traces, client_with, Reply, Script};
use tracing_subscriber::fmt::format::FmtSpan;

const KEY: &str = "vk_span_secret_321";

/// Whether the span text holds `name` with `value`, quoted or not.
fn has(span: &str, name: &str, value: &str) -> bool {
    span.contains(&format!("{name}={value}")) || span.contains(&format!("{name}=\"{value}\""))
}

#[tokio::test]
async fn the_request_span_carries_every_field_of_the_request_record() {
    let (capture, _guard) = capture_traces(tracing::Level::DEBUG, FmtSpan::CLOSE);

    let server = Script::start(vec![
        Reply::error(503, "busy", "later"),
        Reply::json(200, common::end_user("u")).header("x-request-id", "req-span-7"),
    ])
    .await;
    let c = client_with(&server.url, |b| {
        b.api_key(KEY).retry(
            versori::RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)),
        )
    });
    c.users().get("u").send().await.expect("retried, then ok");

    let text = capture.text();
    // the span's close event shows the span with every field it holds
    let closed: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("versori.request{") && l.contains("close"))
        .collect();
    assert_eq!(closed.len(), 1, "one span per call: {text}");
    let span = closed[0];
    assert!(has(span, "operation_id", "GetEndUser"), "{span}");
    assert!(has(span, "method", "GET"), "{span}");
    assert!(
        has(span, "path", "/o/{organisation_id}/users/{user_id}"),
        "{span}"
    );
    // the last attempt's outcome
    assert!(has(span, "status", "200"), "{span}");
    assert!(has(span, "attempt", "2"), "{span}");
    assert!(has(span, "request_id", "req-span-7"), "{span}");
    assert!(span.contains("latency_ms="), "{span}");
    assert!(!text.contains(KEY), "the credential leaked: {text}");
}
