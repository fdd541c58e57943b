//! `versori::blocking::block_on`: requests run on the calling thread's own
//! runtime, as the Python `Client` and the C library send them. A
//! connection opened on one thread's runtime is only driven while that
//! thread blocks on it, so these check that no request ever waits on
//! another thread, that connections a server closed while idle are not
//! written to, and that what cannot be made safe is refused.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use versori::blocking::block_on;

/// Longer than any of these calls takes; a call still waiting then is a hang.
const HANG: Duration = Duration::from_secs(20);

fn shared() -> &'static tokio::runtime::Runtime {
    versori::fork::runtime().expect("runtime")
}

/// An emulator served from the shared runtime, and a client of it.
fn emulator() -> (versori_emulator::Emulator, versori::Client) {
    let emulator = shared()
        .block_on(versori_emulator::Emulator::start())
        .expect("emulator");
    let client = common::client(&emulator.base_url());
    (emulator, client)
}

// the facade's own error type, as its callers get it
#[allow(clippy::result_large_err)]
fn create_user(client: &versori::Client, external_id: &str) -> versori::Result<serde_json::Value> {
    block_on(client.call(
        "CreateEndUser",
        json!({"body": {"externalId": external_id}}),
    ))?
}

/// Runs `f` on a new thread; fails the test if it has not finished within
/// [`HANG`].
fn on_thread<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(HANG)
        .unwrap_or_else(|_| panic!("{name}: still waiting after {HANG:?}: a request hung"))
}

#[test]
fn a_connection_one_thread_opened_never_carries_another_threads_request() {
    let (_emulator, client) = emulator();
    // thread A opens a connection on its runtime and stays alive, idle,
    // while B and then the test thread call: a pool shared by the threads'
    // runtimes would lend them A's connection, which nothing drives
    let (opened, opened_rx) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let a_client = client.clone();
    let a = std::thread::spawn(move || {
        let first = create_user(&a_client, "on-a")
            .map(|_| ())
            .map_err(|e| e.to_string());
        let _ = opened.send(first);
        let _ = release_rx.recv_timeout(HANG);
        // and A's connection still works for A afterwards
        create_user(&a_client, "on-a-again")
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    opened_rx
        .recv_timeout(HANG)
        .expect("thread A answered")
        .expect("A's first call");
    let b_client = client.clone();
    on_thread("thread B", move || {
        create_user(&b_client, "on-b").map_err(|e| e.to_string())
    })
    .expect("B's call");
    create_user(&client, "on-main").expect("the test thread's call");
    let _ = release.send(());
    a.join().expect("thread A").expect("A's second call");
}

#[test]
fn many_threads_share_one_client() {
    let (_emulator, client) = emulator();
    let done = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let client = client.clone();
            let done = done.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    create_user(&client, &format!("t{t}-{i}")).expect("create");
                    let got = block_on(client.users().get(&format!("t{t}-{i}")).send())
                        .expect("block_on")
                        .expect("get");
                    assert_eq!(got.external_id, format!("t{t}-{i}"));
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let deadline = std::time::Instant::now() + HANG;
    while done.load(Ordering::Relaxed) < 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} of 200 calls finished within {HANG:?}",
            done.load(Ordering::Relaxed)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    for t in threads {
        t.join().expect("thread");
    }
    let listed = block_on(client.users().list().send())
        .expect("block_on")
        .expect("list");
    assert_eq!(listed.users.len(), 200);
}

/// A server that answers each request on a connection with `body` and
/// keeps the connection open for `idle` after the answer, then closes it,
/// as servers with a short keep-alive timeout do. Counts the connections
/// opened, and those the client closed.
fn closing_server(
    body: &'static str,
    idle: Duration,
) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let connections = Arc::new(AtomicUsize::new(0));
    let closed_by_client = Arc::new(AtomicUsize::new(0));
    let (counted, closed) = (connections.clone(), closed_by_client.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            let closed = closed.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(idle));
                let mut reader = BufReader::new(match stream.try_clone() {
                    Ok(s) => s,
                    Err(_) => return,
                });
                let mut writer = stream;
                loop {
                    // the request line and headers, then the body
                    let mut length = 0usize;
                    let mut first = true;
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line) {
                            Ok(0) => {
                                // the client closed it
                                closed.fetch_add(1, Ordering::SeqCst);
                                return;
                            }
                            Err(_) => return, // idle too long: close
                            Ok(_) => {}
                        }
                        if first {
                            first = false;
                            // a request has begun: no idle limit until it is read
                            let _ = writer.set_read_timeout(None);
                        }
                        let line = line.trim_end();
                        if line.is_empty() {
                            break;
                        }
                        if let Some((k, v)) = line.split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                length = v.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut rest = vec![0u8; length];
                    if reader.read_exact(&mut rest).is_err() {
                        return;
                    }
                    let answer = format!(
                        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if writer.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                    let _ = writer.set_read_timeout(Some(idle));
                }
            });
        }
    });
    (url, connections, closed_by_client)
}

const USER: &str = r#"{"id":"01J8ZQ4N7G3Y5B2K9T6W000001","organisationId":"01J8ZQ4N7G3Y5B2K9T6W1X00RG","externalId":"u","displayName":"u","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}"#;

#[test]
fn a_connection_the_server_closed_while_idle_is_not_written_to() {
    let (url, connections, _) = closing_server(USER, Duration::from_millis(50));
    // no retries: a POST written to a closed connection would fail
    let client = common::client_with(&url, |b| {
        b.api_key("vk_test").retry(versori::RetryPolicy::none())
    });
    for round in 0..5 {
        // two calls on one connection, then longer idle than the server keeps it
        for _ in 0..2 {
            create_user(&client, "u").unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // a connection per round: the closed ones were not reused
    assert_eq!(connections.load(Ordering::SeqCst), 5);
}

#[test]
fn a_client_given_its_http_client_is_refused_rather_than_shared_between_threads() {
    let (_emulator, client) = emulator();
    let given = common::client_with(client.base_url(), |b| {
        b.api_key("vk_test").http_client(reqwest::Client::new())
    });
    let err = create_user(&given, "given").expect_err("refused");
    assert!(
        matches!(&err, versori::Error::InvalidInput { message } if message.contains("http_client")),
        "{err}"
    );
    // the typed builders are refused alike
    let err = block_on(given.users().get("given").send())
        .expect("block_on")
        .expect_err("refused");
    assert!(matches!(err, versori::Error::InvalidInput { .. }), "{err}");
    // awaited in async Rust, it works as before
    shared()
        .block_on(given.call("CreateEndUser", json!({"body": {"externalId": "given"}})))
        .expect("async use of the given client");
}

#[test]
fn a_dropped_clients_connection_closes_during_the_threads_next_call() {
    let (url, connections, closed) = closing_server(USER, Duration::from_secs(30));
    let kept = common::client(&url);
    create_user(&kept, "u").expect("kept client");
    let dropped = common::client(&url);
    create_user(&dropped, "u").expect("dropped client");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    drop(dropped);
    // the thread's next call, with the client that lives on, lets it go
    create_user(&kept, "u").expect("kept client again");
    let deadline = std::time::Instant::now() + HANG;
    while closed.load(Ordering::SeqCst) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the dropped client's connection is still open"
        );
        // each call runs the thread's runtime, where the connection's task ends
        create_user(&kept, "u").expect("kept client");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(closed.load(Ordering::SeqCst), 1);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "the kept client reused its connection"
    );
}
