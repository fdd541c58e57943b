//! What a page of a large listing costs, first page against last page:
//! 10,000 systems listed 200 at a time (`ListSystems`), and 10,000 KV
//! entries listed 100 at a time (`ListKV`).
//!
//! ```text
//! cargo bench -p versori-emulator --bench listing
//! VERSORI_BENCH_URL=http://127.0.0.1:PORT cargo bench -p versori-emulator --bench listing
//! ```
//!
//! Prints, per listing, the median (and best) time of a request for page 1
//! and for the last page, and their ratio (target: about 1). The requests
//! of both pages are interleaved, so drift on a busy machine hits them
//! alike. With `VERSORI_BENCH_URL` it measures an emulator already running
//! there (another build, for a before/after comparison) instead of
//! starting one in-process.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X0ORG";
const ITEMS: usize = 10_000;
const ROUNDS: usize = 300;

struct Http {
    client: reqwest::Client,
    base: String,
}

impl Http {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Value {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("authorization", "Bearer bench");
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status();
        let bytes = response.bytes().await.expect("a body");
        assert!(
            status.is_success(),
            "{path}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }
}

/// Times `a` and `b` interleaved, `ROUNDS` times each: (median, best) of each.
async fn measure<A, AF, B, BF>(mut a: A, mut b: B) -> [(Duration, Duration); 2]
where
    A: FnMut() -> AF,
    AF: std::future::Future<Output = ()>,
    B: FnMut() -> BF,
    BF: std::future::Future<Output = ()>,
{
    // warm both up
    for _ in 0..10 {
        a().await;
        b().await;
    }
    let mut times = [Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS)];
    for round in 0..ROUNDS {
        for which in [round % 2, 1 - round % 2] {
            let started = Instant::now();
            if which == 0 {
                a().await
            } else {
                b().await
            }
            times[which].push(started.elapsed());
        }
    }
    times.map(|mut t| {
        t.sort_unstable();
        (t[t.len() / 2], t[0])
    })
}

fn report(what: &str, [first, last]: [(Duration, Duration); 2]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{what}: page 1 median {:.3} ms (best {:.3}), last page median {:.3} ms (best {:.3}); last/first {:.2}x",
        ms(first.0),
        ms(first.1),
        ms(last.0),
        ms(last.1),
        ms(last.0) / ms(first.0)
    );
}

async fn systems(http: &Http) {
    let mut ids = Vec::with_capacity(ITEMS);
    for i in 0..ITEMS {
        let system = http
            .send(
                reqwest::Method::POST,
                &format!("/o/{ORG}/systems"),
                Some(
                    &json!({"name": format!("system {i:05}"), "domain": "bench.example",
                    "templateBaseUrl": "https://bench.example", "authSchemeConfigs": []}),
                ),
            )
            .await;
        ids.push(system["id"].as_str().expect("id").to_string());
    }
    ids.sort();
    let page = 200;
    // the cursor that starts the last page
    let cursor = &ids[ITEMS - page - 1];
    let first_path = format!("/o/{ORG}/systems?first={page}");
    let last_path = format!("/o/{ORG}/systems?first={page}&after={cursor}");
    let last = http.send(reqwest::Method::GET, &last_path, None).await;
    assert_eq!(last["items"].as_array().map(Vec::len), Some(page));
    assert!(last.get("next").is_none_or(Value::is_null), "the last page");
    let figures = measure(
        || async {
            http.send(reqwest::Method::GET, &first_path, None).await;
        },
        || async {
            http.send(reqwest::Method::GET, &last_path, None).await;
        },
    )
    .await;
    report(
        &format!("ListSystems, {ITEMS} systems, {page} a page"),
        figures,
    );
}

async fn kv(http: &Http) {
    let store = http
        .send(
            reqwest::Method::POST,
            &format!("/o/{ORG}/store"),
            Some(&json!({"name": "bench"})),
        )
        .await;
    let store = store["id"].as_str().expect("store id").to_string();
    for chunk in (0..ITEMS).collect::<Vec<_>>().chunks(500) {
        let entries: Vec<Value> = chunk
            .iter()
            .map(|i| json!({"key": ["orders", format!("{i:05}")], "value": {"n": i}}))
            .collect();
        http.send(
            reqwest::Method::PUT,
            &format!("/store/{store}/kv/batch"),
            Some(&json!({"entries": entries})),
        )
        .await;
    }
    let limit = 100;
    let list = format!("/store/{store}/kv/list");
    let first = json!({"selector": {"prefix": ["orders"]}, "options": {"limit": limit}});
    let last = json!({"selector": {"prefix": ["orders"], "after": format!("orders/{:05}", ITEMS - limit - 1)},
        "options": {"limit": limit}});
    let page = http.send(reqwest::Method::POST, &list, Some(&last)).await;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(limit));
    let figures = measure(
        || async {
            http.send(reqwest::Method::POST, &list, Some(&first)).await;
        },
        || async {
            http.send(reqwest::Method::POST, &list, Some(&last)).await;
        },
    )
    .await;
    report(&format!("ListKV, {ITEMS} entries, {limit} a page"), figures);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let external = std::env::var("VERSORI_BENCH_URL").ok();
        let emulator = match &external {
            Some(_) => None,
            None => Some(versori_emulator::Emulator::start().await.expect("starts")),
        };
        let base = external
            .or_else(|| emulator.as_ref().map(|e| e.base_url()))
            .unwrap_or_default();
        println!("emulator at {base}");
        let http = Http {
            client: reqwest::Client::new(),
            base,
        };
        systems(&http).await;
        kv(&http).await;
    });
}
