//! A bounded fuzz test: random, mostly invalid requests against every
//! operation of the table (wrong ids, wrong parameter types, unknown
//! parameters, malformed, mistyped, truncated, deeply nested or non-UTF-8
//! bodies, missing credentials, wrong methods). The emulator must never
//! answer 5xx, must always answer errors with the spec's `Error` body, and
//! must still serve normal requests afterwards.
//!
//! Runs for `VERSORI_FUZZ_SECONDS` (default 10) with the seed
//! `VERSORI_FUZZ_SEED` (default: random, printed so a failure can be
//! replayed).

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{deploy, ok, project, started, ORG};
use versori_core::operations::{Kind, Location, OPERATIONS};

/// Values a path segment or query parameter may get.
fn scalar(rng: &mut fastrand::Rng, known: &[String]) -> String {
    match rng.u8(0..10) {
        0 | 1 => known[rng.usize(0..known.len())].clone(),
        2 => "01J8ZQ4N7G3Y5B2K9T6W1XN0NE".into(),
        3 => rng.i64(..).to_string(),
        4 => "true".into(),
        5 => "%FF%FE".into(),
        6 => "x".repeat(rng.usize(1..5000)),
        7 => "%E2%9C%93%20%2F..%2F".into(),
        8 => "-1".into(),
        _ => String::from_utf8_lossy(
            &(0..rng.usize(1..12))
                .map(|_| rng.u8(b' '..b'~'))
                .collect::<Vec<u8>>(),
        )
        .replace(['/', '?', '#'], "_"),
    }
}

fn random_json(rng: &mut fastrand::Rng, depth: u32) -> Value {
    match rng.u8(0..9) {
        0 => Value::Null,
        1 => json!(rng.bool()),
        2 => json!(rng.i64(..)),
        3 => json!(rng.f64() * 1e300),
        4 => json!("s".repeat(rng.usize(0..40))),
        5 if depth < 4 => Value::Array(
            (0..rng.usize(0..4))
                .map(|_| random_json(rng, depth + 1))
                .collect(),
        ),
        6 if depth < 4 => {
            let keys = [
                "name",
                "externalId",
                "files",
                "type",
                "value",
                "key",
                "op",
                "path",
                "connections",
                "body",
                "id",
            ];
            let mut m = serde_json::Map::new();
            for _ in 0..rng.usize(0..5) {
                m.insert(
                    keys[rng.usize(0..keys.len())].to_string(),
                    random_json(rng, depth + 1),
                );
            }
            Value::Object(m)
        }
        _ => json!("01J8ZQ4N7G3Y5B2K9T6W1XN0NE"),
    }
}

/// A body: random JSON, or bytes that are not JSON at all.
fn body(rng: &mut fastrand::Rng) -> Vec<u8> {
    match rng.u8(0..8) {
        0 => Vec::new(),
        1 => b"{\"name\": ".to_vec(),
        2 => vec![0xff, 0xfe, b'{', 0x80],
        3 => format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        4 => b"nul".to_vec(),
        _ => serde_json::to_vec(&random_json(rng, 0)).unwrap_or_default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bad_input_never_gets_a_5xx() {
    let seconds: u64 = std::env::var("VERSORI_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let seed: u64 = std::env::var("VERSORI_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("fuzzing for {seconds}s with VERSORI_FUZZ_SEED={seed}");
    let mut rng = fastrand::Rng::with_seed(seed);

    let (emulator, client) = started().await;
    let base = emulator.base_url();
    // some real ids, so that part of the traffic reaches the handlers' rules
    let project_id = project(&client, "fuzz").await;
    let code = "schedule('s', '* * * * *'); webhook('w');";
    let deployed = deploy(&client, &project_id, "production", code, "v1").await;
    let user = ok(
        &client,
        "CreateEndUser",
        json!({"body": {"externalId": "fuzz"}}),
    )
    .await;
    let store = ok(&client, "CreateStore", json!({"body": {"name": "fuzz"}})).await;
    let known: Vec<String> = [
        &json!(project_id),
        &deployed["environments"][0]["id"],
        &user["id"],
        &store["id"],
    ]
    .iter()
    .filter_map(|v| v.as_str().map(str::to_string))
    .chain([
        ORG.to_string(),
        "fuzz".to_string(),
        "production".to_string(),
    ])
    .collect();

    let http = reqwest::Client::new();
    let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut sent = 0u64;
    let mut by_status = std::collections::BTreeMap::<u16, u64>::new();
    while Instant::now() < deadline {
        let op = &OPERATIONS[rng.usize(0..OPERATIONS.len())];
        let mut path = op.path.to_string();
        let mut query = Vec::new();
        for p in op.parameters {
            match p.location {
                Location::Path => {
                    let v = if p.name == "organisation_id" && rng.u8(0..4) > 0 {
                        ORG.to_string()
                    } else if p.segments && rng.bool() {
                        // a slash-separated parameter takes several segments
                        (0..rng.usize(1..6))
                            .map(|_| scalar(&mut rng, &known))
                            .collect::<Vec<_>>()
                            .join("/")
                    } else {
                        scalar(&mut rng, &known)
                    };
                    path = path.replace(&format!("{{{}}}", p.name), &v);
                }
                Location::Query if rng.bool() => {
                    let v = match (p.kind, rng.u8(0..3)) {
                        (Kind::Integer, 0) => rng.i64(-5..1000).to_string(),
                        _ => scalar(&mut rng, &known),
                    };
                    query.push((p.name.to_string(), v));
                }
                _ => {}
            }
        }
        if rng.u8(0..5) == 0 {
            query.push(("unexpected".into(), scalar(&mut rng, &known)));
        }
        let method = if rng.u8(0..8) == 0 {
            methods[rng.usize(0..methods.len())]
        } else {
            op.method.as_str()
        };
        let mut request = http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{base}{path}"),
            )
            .query(&query);
        request = match rng.u8(0..12) {
            0 => request,
            1 => request.header("authorization", "Basic abc"),
            2 => request.header("authorization", "Bearer "),
            _ => request.header("authorization", "Bearer fuzz"),
        };
        if op.body.is_some() || rng.u8(0..6) == 0 {
            request = request
                .header(
                    "content-type",
                    if rng.u8(0..6) == 0 {
                        "text/plain"
                    } else {
                        "application/json"
                    },
                )
                .body(body(&mut rng));
        }
        let response = request.send().await.unwrap_or_else(|e| {
            panic!("{method} {path}: the emulator failed to answer: {e} (seed {seed})")
        });
        let status = response.status().as_u16();
        *by_status.entry(status).or_default() += 1;
        let allow = response.headers().get("allow").cloned();
        let bytes = response.bytes().await.expect("body");
        assert!(
            status < 500,
            "{method} {path}?{query:?} ({}) answered {status}: {} (seed {seed})",
            op.id,
            String::from_utf8_lossy(&bytes)
        );
        if status >= 400 {
            let error: versori_core::types::Error = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{method} {path} answered {status} without an Error body ({e}): {} (seed {seed})", String::from_utf8_lossy(&bytes)));
            assert!(
                !error.code.is_empty() && !error.message.is_empty(),
                "{error:?}"
            );
            if status == 405 {
                assert_eq!(error.code, "method_not_allowed", "{method} {path}");
                assert!(allow.is_some(), "{method} {path}: a 405 without Allow");
            }
        }
        sent += 1;
    }
    eprintln!("sent {sent} requests: {by_status:?}");
    assert!(sent > 100, "the fuzz loop ran ({sent} requests)");

    // still healthy, and still correct
    let health = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
    // (the fuzzer may have deleted what it was given, so check with fresh data)
    ok(
        &client,
        "CreateEndUser",
        json!({"body": {"externalId": "after-fuzz"}}),
    )
    .await;
    let again = ok(&client, "GetEndUser", json!({"user_id": "after-fuzz"})).await;
    assert_eq!(again["externalId"], "after-fuzz");
}
