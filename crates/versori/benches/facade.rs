//! The facade against a bare reqwest + serde_json client doing the same
//! requests, on a loopback server: a small GET and a 10,000-item list.
//!
//! `cargo bench -p versori` prints, per scenario, the median time per request
//! of each client and the median of the rounds' facade / bare ratios (target:
//! facade within 1.10× of bare).

use std::time::{Duration, Instant};

use progenitor_client::ClientInfo;
use serde_json::json;
use versori::types;
use versori_emulator::FixedResponseServer;

const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";
const USER_AGENT: &str = concat!("versori-rust/", env!("CARGO_PKG_VERSION"));

/// The bare client's request: reqwest, then serde_json into the same type.
/// It sends the same request the facade does, header for header.
async fn bare_get<T: serde::de::DeserializeOwned>(client: &reqwest::Client, url: &str) -> T {
    let bytes = client
        .get(url)
        .header("accept", "application/json")
        .header(
            "api-version",
            <versori_core::Client as ClientInfo<_>>::api_version(),
        )
        .header("authorization", "Bearer vk_bench")
        .header("user-agent", USER_AGENT)
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("decode")
}

fn user(i: usize) -> serde_json::Value {
    json!({
        "id": format!("01J8ZQ4N7G3Y5B2K9T6W{i:06}"), "externalId": format!("customer-{i}"),
        "displayName": format!("Customer {i}"), "organisationId": ORG,
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    })
}

/// What one scenario measured: each variant's median time per run, and the
/// median over rounds of each round's facade / bare and generic / bare ratios.
struct Figures {
    times: [Duration; 3],
    ratios: [f64; 2],
}

/// Runs the three variants interleaved call by call (the order rotating),
/// so drift on a busy machine hits all of them alike, in `rounds` rounds of
/// `iters` calls each.
async fn measure3<A, AF, B, BF, C, CF>(
    rounds: usize,
    iters: usize,
    mut a: A,
    mut b: B,
    mut c: C,
) -> Figures
where
    A: FnMut() -> AF,
    AF: std::future::Future<Output = ()>,
    B: FnMut() -> BF,
    BF: std::future::Future<Output = ()>,
    C: FnMut() -> CF,
    CF: std::future::Future<Output = ()>,
{
    for _ in 0..iters.min(50) {
        a().await; // warm-up: connections, allocator
        b().await;
        c().await;
    }
    let mut samples: [Vec<Duration>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut ratios: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        let mut spent = [Duration::ZERO; 3];
        for i in 0..iters {
            for k in 0..3 {
                let which = (i + k) % 3;
                let t0 = Instant::now();
                match which {
                    0 => a().await,
                    1 => b().await,
                    _ => c().await,
                }
                spent[which] += t0.elapsed();
            }
        }
        for (which, total) in spent.iter().enumerate() {
            samples[which].push(*total / iters as u32);
        }
        ratios[0].push(spent[1].as_secs_f64() / spent[0].as_secs_f64());
        ratios[1].push(spent[2].as_secs_f64() / spent[0].as_secs_f64());
    }
    Figures {
        times: samples.map(|mut s| {
            s.sort();
            s[s.len() / 2]
        }),
        ratios: ratios.map(|mut r| {
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        }),
    }
}

fn show(name: &str, figures: &Figures) {
    let [bare, facade, generic] = figures.times;
    let [ratio, generic_ratio] = figures.ratios;
    println!(
        "{name:<28} bare {:>10.1} µs   facade {:>10.1} µs   ratio {ratio:.3}   generic call {:>10.1} µs ({generic_ratio:.3})   {}",
        bare.as_secs_f64() * 1e6,
        facade.as_secs_f64() * 1e6,
        generic.as_secs_f64() * 1e6,
        if ratio <= 1.10 { "within 1.10x" } else { "ABOVE 1.10x" }
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `cargo test --benches` runs this with --bench absent: keep it quick then
    let quick = !std::env::args().any(|a| a == "--bench");
    let (rounds, small_iters, list_iters) = if quick { (3, 20, 2) } else { (15, 2000, 20) };

    let small_server = FixedResponseServer::start(user(1).to_string()).expect("server");
    let small = small_server.base_url().to_string();
    let items: Vec<serde_json::Value> = (0..10_000).map(user).collect();
    let list_body = json!({"totalCount": 10_000, "users": items}).to_string();
    let list_server = FixedResponseServer::start(list_body.clone()).expect("server");
    let list = list_server.base_url().to_string();

    // each client as a user gets it by default, with its own connection pool
    let bare = reqwest::Client::new();
    let facade_for = |url: &str| {
        versori::Client::builder()
            .base_url(url)
            .organisation(ORG)
            .api_key("vk_bench")
            .build()
            .expect("client")
    };
    let small_client = facade_for(&small);
    let list_client = facade_for(&list);

    let small_url = format!("{small}/o/{ORG}/users/customer-1");
    let small_get = measure3(
        rounds,
        small_iters,
        || async {
            let user: types::EndUser = bare_get(&bare, &small_url).await;
            std::hint::black_box(user);
        },
        || async {
            let user = small_client
                .users()
                .get("customer-1")
                .send()
                .await
                .expect("get");
            std::hint::black_box(user);
        },
        || async {
            let user = small_client
                .call("GetEndUser", json!({"user_id": "customer-1"}))
                .await
                .expect("call");
            std::hint::black_box(user);
        },
    )
    .await;

    let list_url = format!("{list}/o/{ORG}/users");
    let list_figures = measure3(
        rounds,
        list_iters,
        || async {
            let page: types::EndUserPage = bare_get(&bare, &list_url).await;
            assert_eq!(page.users.len(), 10_000);
            std::hint::black_box(page);
        },
        || async {
            let page = list_client.users().list().send().await.expect("list");
            assert_eq!(page.users.len(), 10_000);
            std::hint::black_box(page);
        },
        || async {
            let page = list_client
                .call("ListEndUsers", json!({}))
                .await
                .expect("call");
            std::hint::black_box(page);
        },
    )
    .await;

    println!(
        "loopback, calls interleaved, median of {rounds} rounds ({small_iters} small GETs, {list_iters} lists of 10,000 users = {} KiB per round)",
        list_body.len() / 1024
    );
    show("small GET (GetEndUser)", &small_get);
    show("10,000-item list decode", &list_figures);
}
