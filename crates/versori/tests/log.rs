//! The SDK's events as `versori::log::forward` hands them to the bindings:
//! one DEBUG record per request with its operation, method, path template,
//! status, attempt, latency and request id; each retry at INFO with its
//! reason and delay; never a credential. (Its own test binary: `forward`
//! installs the process's global subscriber.)

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{client_with, Reply, Script};
use serde_json::json;
use versori::log::{forward, Level, Record, Value};

const KEY: &str = "vk_log_secret_456";

#[derive(Debug, Clone)]
struct Seen {
    level: Level,
    message: String,
    fields: Vec<(&'static str, Value)>,
    line: String,
}

impl Seen {
    fn str(&self, name: &str) -> Option<&str> {
        self.fields.iter().find_map(|(n, v)| match v {
            Value::Str(s) if *n == name => Some(s.as_str()),
            _ => None,
        })
    }
    fn u64(&self, name: &str) -> Option<u64> {
        self.fields.iter().find_map(|(n, v)| match v {
            Value::U64(x) if *n == name => Some(*x),
            _ => None,
        })
    }
    fn f64(&self, name: &str) -> Option<f64> {
        self.fields.iter().find_map(|(n, v)| match v {
            Value::F64(x) if *n == name => Some(*x),
            _ => None,
        })
    }
}

fn capture(level: Level) -> Arc<Mutex<Vec<Seen>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    forward(
        Some(level),
        Arc::new(move |r: &Record<'_>| {
            sink.lock().expect("lock").push(Seen {
                level: r.level,
                message: r.message.to_string(),
                fields: r.fields.to_vec(),
                line: r.line(),
            })
        }),
    )
    .expect("forwarding installs");
    seen
}

// one test: the forwarder's level is process-wide
#[tokio::test]
async fn requests_and_retries_are_forwarded_with_their_fields_and_no_secret() {
    let server = Script::start(vec![
        Reply::error(503, "busy", "later").header("x-request-id", "req-1"),
        Reply::json(200, common::end_user("u")).header("x-request-id", "req-2"),
    ])
    .await;
    let c = client_with(&server.url, |b| {
        b.api_key(KEY)
            .retry(versori::RetryPolicy::default().initial_backoff(Duration::from_millis(2)))
    });

    let seen = capture(Level::Debug);
    c.call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect("retried, then ok");
    let records = seen.lock().expect("lock").clone();
    let responses: Vec<&Seen> = records.iter().filter(|r| r.message == "response").collect();
    assert_eq!(responses.len(), 2, "one per request: {records:#?}");
    for (r, (status, attempt, id)) in responses.iter().zip([(503, 1, "req-1"), (200, 2, "req-2")]) {
        assert_eq!(r.level, Level::Debug);
        assert_eq!(r.str("operation_id"), Some("GetEndUser"));
        assert_eq!(r.str("method"), Some("GET"));
        assert_eq!(r.str("path"), Some("/o/{organisation_id}/users/{user_id}"));
        assert_eq!(r.u64("status"), Some(status));
        assert_eq!(r.u64("attempt"), Some(attempt));
        assert_eq!(r.str("request_id"), Some(id));
        assert!(r.f64("latency_ms").is_some_and(|l| l >= 0.0), "{r:?}");
    }
    let retries: Vec<&Seen> = records.iter().filter(|r| r.message == "retrying").collect();
    assert_eq!(retries.len(), 1, "{records:#?}");
    assert_eq!(retries[0].level, Level::Info);
    assert_eq!(retries[0].str("reason"), Some("HTTP 503"));
    assert_eq!(retries[0].str("operation_id"), Some("GetEndUser"));
    assert!(retries[0].f64("delay_ms").is_some(), "{:?}", retries[0]);
    for r in &records {
        assert!(!r.line.contains(KEY), "secret in {}", r.line);
    }
    assert!(
        responses[0]
            .line
            .starts_with("response operation_id=GetEndUser method=GET"),
        "{}",
        responses[0].line
    );

    // at INFO only the retries come through; turned off, nothing
    let seen = capture(Level::Info);
    c.call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect("ok");
    assert!(
        seen.lock().expect("lock").is_empty(),
        "no DEBUG records at INFO"
    );
    forward(
        None,
        Arc::new(|_: &Record<'_>| panic!("nothing is forwarded when off")),
    )
    .expect("off");
    c.call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect("ok");
}
