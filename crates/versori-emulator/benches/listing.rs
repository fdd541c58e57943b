//! What a page of a large listing costs, first page against last page:
//! 10,000 systems listed 200 at a time (`ListSystems`), 10,000 KV entries
//! listed 100 at a time, newest first (`ListKV`), and 10,000 connections of two systems
//! listed 200 at a time, all of them and one system's (`ListConnections`).
//!
//! ```text
//! cargo bench -p versori-emulator --bench listing
//! VERSORI_BENCH_URL=http://127.0.0.1:PORT cargo bench -p versori-emulator --bench listing
//! cargo test -p versori-emulator --benches      # the quick mode
//! ```
//!
//! Prints, per listing, the median (and best) time of a request for page 1
//! and for the last page, and their ratio (target: about 1). The requests
//! of both pages are interleaved, so drift on a busy machine hits them
//! alike. With `VERSORI_BENCH_URL` it measures an emulator already running
//! there (another build, for a before/after comparison) instead of
//! starting one in-process.
//!
//! `cargo test --benches` runs it without `--bench`: a quick mode with
//! 2,000 items and fewer rounds that checks every page's items and fails
//! when a last page costs 5 times page 1 or more (`cargo xtask test` runs
//! it so).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";

/// The quick mode's loosest last page / page 1 ratio.
const QUICK_RATIO: f64 = 5.0;

/// How much to measure.
#[derive(Clone, Copy)]
struct Size {
    /// Items per listing.
    items: usize,
    /// Timed requests per page.
    rounds: usize,
    /// The quick mode: check the ratio too.
    quick: bool,
}

struct Http {
    client: reqwest::Client,
    base: String,
    size: Size,
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

/// Times `a` and `b` interleaved, `rounds` times each: (median, best) of each.
async fn measure<A, AF, B, BF>(rounds: usize, mut a: A, mut b: B) -> [(Duration, Duration); 2]
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
    let mut times = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
    for round in 0..rounds {
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

/// Prints the figures; in the quick mode, fails when the last page costs
/// [`QUICK_RATIO`] times page 1 or more.
fn report(size: Size, what: &str, [first, last]: [(Duration, Duration); 2]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ratio = ms(last.0) / ms(first.0);
    println!(
        "{what}: page 1 median {:.3} ms (best {:.3}), last page median {:.3} ms (best {:.3}); last/first {ratio:.2}x",
        ms(first.0),
        ms(first.1),
        ms(last.0),
        ms(last.1),
    );
    if size.quick {
        assert!(
            ratio < QUICK_RATIO,
            "{what}: the last page costs {ratio:.2}x page 1 (at most {QUICK_RATIO}x): pages scan the listing"
        );
    }
}

/// The `id`s of a page's `items`.
fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_str())
        .collect()
}

/// Checks page 1 and the last page of a listing of `expected` (in order),
/// `page` at a time: their items, `totalCount` and cursors.
fn check_pages(what: &str, first: &Value, last: &Value, expected: &[String], page: usize) {
    assert_eq!(ids(first), expected[..page], "{what}: page 1");
    assert_eq!(
        ids(last),
        expected[expected.len() - page..],
        "{what}: the last page"
    );
    for p in [first, last] {
        assert_eq!(p["totalCount"], expected.len(), "{what}: totalCount");
    }
    assert_eq!(
        first["next"].as_str(),
        Some(expected[page - 1].as_str()),
        "{what}: page 1's next"
    );
    assert!(
        last.get("next").is_none_or(Value::is_null),
        "{what}: the last page has no next"
    );
}

/// GETs page 1 and the last page of a listing (their paths) and checks them
/// ([`check_pages`]); then times both and reports the figures as `what`.
async fn check_and_time_pages(
    http: &Http,
    what: &str,
    [first_path, last_path]: [&str; 2],
    expected: &[String],
    page: usize,
) {
    let first = http.send(reqwest::Method::GET, first_path, None).await;
    let last = http.send(reqwest::Method::GET, last_path, None).await;
    check_pages(what, &first, &last, expected, page);
    let figures = measure(
        http.size.rounds,
        || async {
            http.send(reqwest::Method::GET, first_path, None).await;
        },
        || async {
            http.send(reqwest::Method::GET, last_path, None).await;
        },
    )
    .await;
    report(http.size, what, figures);
}

async fn systems(http: &Http) {
    let items = http.size.items;
    let mut ids = Vec::with_capacity(items);
    for i in 0..items {
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
    let cursor = &ids[items - page - 1];
    let first_path = format!("/o/{ORG}/systems?first={page}");
    let last_path = format!("/o/{ORG}/systems?first={page}&after={cursor}");
    let what = format!("ListSystems, {items} systems, {page} a page");
    check_and_time_pages(http, &what, [&first_path, &last_path], &ids, page).await;
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
    let items = http.size.items;
    for chunk in (0..items).collect::<Vec<_>>().chunks(500) {
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
    let keys = |page: &Value| -> Vec<String> {
        page["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["key"][1].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // newest first: page n holds the entries written n-th from the end
    let expected = |from_end: usize| -> Vec<String> {
        (0..limit)
            .map(|i| format!("{:05}", items - 1 - from_end - i))
            .collect()
    };
    // the cursors are opaque: follow nextCursor to the one that starts the
    // last page
    let mut page = http.send(reqwest::Method::POST, &list, Some(&first)).await;
    assert_eq!(keys(&page), expected(0), "ListKV: page 1");
    let mut cursor = String::new();
    for _ in 1..items / limit {
        cursor = page["pagination"]["nextCursor"]
            .as_str()
            .expect("nextCursor")
            .to_string();
        assert!(!cursor.is_empty(), "ListKV: a page before the last");
        page = http
            .send(
                reqwest::Method::POST,
                &list,
                Some(&json!({"selector": {"prefix": ["orders"], "after": cursor},
                    "options": {"limit": limit}})),
            )
            .await;
    }
    let last = json!({"selector": {"prefix": ["orders"], "after": cursor},
        "options": {"limit": limit}});
    let page = http.send(reqwest::Method::POST, &list, Some(&last)).await;
    assert_eq!(
        keys(&page),
        expected(items - limit),
        "ListKV: the last page"
    );
    assert_eq!(
        page["pagination"]["nextCursor"], "",
        "ListKV: the last page"
    );
    let figures = measure(
        http.size.rounds,
        || async {
            http.send(reqwest::Method::POST, &list, Some(&first)).await;
        },
        || async {
            http.send(reqwest::Method::POST, &list, Some(&last)).await;
        },
    )
    .await;
    report(
        http.size,
        &format!("ListKV, {items} entries, {limit} a page"),
        figures,
    );
}

/// Connections of two systems, made alternately: page 1 and the last page
/// of all of them, and of the first system's alone (`system_id`).
async fn connections(http: &Http) {
    let post = |path: String, body: Value| async move {
        http.send(reqwest::Method::POST, &path, Some(&body)).await
    };
    let project = post(format!("/o/{ORG}/projects"), json!({"name": "bench"})).await;
    let project = project["id"].as_str().expect("project id").to_string();
    let deployed = http
        .send(
            reqwest::Method::PUT,
            &format!("/o/{ORG}/projects/{project}/deploy?project_env=production"),
            Some(
                &json!({"files": [{"filename": "index.ts", "content": "export {}"}], "labels": {}, "versionName": "v1"}),
            ),
        )
        .await;
    let env = deployed["environments"][0]["id"].clone();
    let mut templates = Vec::new();
    for name in ["crm", "erp"] {
        let system = post(
            format!("/o/{ORG}/systems"),
            json!({"name": name, "domain": "bench.example", "templateBaseUrl": "https://bench.example", "authSchemeConfigs": []}),
        )
        .await;
        let template = post(
            format!("/o/{ORG}/projects/{project}/connection-templates"),
            json!({"systemId": system["id"], "name": name, "environmentId": env}),
        )
        .await;
        templates.push((
            system["id"].as_str().expect("system id").to_string(),
            template["connectionTemplateId"].clone(),
        ));
    }
    let items = http.size.items;
    let mut all = Vec::with_capacity(items);
    let mut crm = Vec::with_capacity(items / 2);
    for i in 0..items {
        let (_, template) = &templates[i % 2];
        let made = post(
            format!("/o/{ORG}/connections"),
            json!({"connectionTemplateId": template, "connection": {"name": format!("c{i:05}"), "credentials": []}}),
        )
        .await;
        let id = made["id"].as_str().expect("connection id").to_string();
        if i % 2 == 0 {
            crm.push(id.clone());
        }
        all.push(id);
    }
    let page = 200;
    for (what, filter, expected) in [
        ("", String::new(), &all),
        (
            " of one system",
            format!("&system_id={}", templates[0].0),
            &crm,
        ),
    ] {
        let first_path = format!("/o/{ORG}/connections?first={page}{filter}");
        let last_path = format!(
            "/o/{ORG}/connections?first={page}{filter}&after={}",
            expected[expected.len() - page - 1]
        );
        let what = format!(
            "ListConnections{what}, {} of {items} connections, {page} a page",
            expected.len()
        );
        check_and_time_pages(http, &what, [&first_path, &last_path], expected, page).await;
    }
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: the quick mode
    let quick = !std::env::args().any(|a| a == "--bench");
    let size = if quick {
        Size {
            items: 2_000,
            rounds: 40,
            quick,
        }
    } else {
        Size {
            items: 10_000,
            rounds: 300,
            quick,
        }
    };
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
            size,
        };
        systems(&http).await;
        kv(&http).await;
        connections(&http).await;
    });
}
