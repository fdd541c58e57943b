//! Bounded work against a broken or hostile server: the response size
//! limit, pages that repeat a cursor, redirects (never followed), and
//! credentials a server echoes back.

mod common;

use std::time::Duration;

use common::{client, create_user_errors, end_user, Reply, Script, ORG};
use futures::TryStreamExt;
use serde_json::{json, Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use versori::Error;

const KEY: &str = "vk_test_secret_123";

/// A server answering every request with a chunked body that never ends
/// (until the client goes away); returns its URL.
async fn endless_chunked_body(status: u16) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "[".repeat(0x10000));
                while stream.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    url
}

fn limited(url: &str, limit: u64) -> versori::Client {
    versori::Client::builder()
        .base_url(url)
        .organisation(ORG)
        .api_key(KEY)
        .max_response_bytes(limit)
        .build()
        .expect("builds")
}

fn assert_too_large(err: &Error, status: u16, limit: u64) {
    assert!(
        matches!(err, Error::ResponseTooLarge { status: s, limit: l } if *s == status && *l == limit),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!("{limit} bytes")) && text.contains("max_response_bytes"),
        "{text}"
    );
}

#[tokio::test]
async fn a_declared_body_over_the_limit_fails_at_once_naming_the_limit() {
    let big = format!("{{\"items\": [\"{}\"]}}", "x".repeat(4096));
    let server = Script::start(vec![Reply::text(200, "application/json", &big)]).await;
    let c = limited(&server.url, 1024);
    let generic = c
        .call("ListSystems", json!({}))
        .await
        .expect_err("too large");
    assert_too_large(&generic, 200, 1024);
    let raw = c
        .call_raw("ListSystems", json!({}))
        .await
        .expect_err("too large");
    assert_too_large(&raw, 200, 1024);
    let typed = c.systems().list().send().await.expect_err("too large");
    assert_too_large(&typed, 200, 1024);
    let listed = c
        .pages::<Value>("ListSystems", Map::new())
        .try_collect::<Vec<_>>()
        .await
        .expect_err("too large");
    assert_too_large(&listed, 200, 1024);
    // a body exactly at the limit is fine
    let fits = Script::start(vec![Reply::text(200, "application/json", &big)]).await;
    let c = limited(&fits.url, big.len() as u64);
    assert!(c.call_raw("ListSystems", json!({})).await.is_ok());
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_limit() {
    let url = endless_chunked_body(200).await;
    let limit = 1 << 20;
    let c = limited(&url, limit);
    let started = std::time::Instant::now();
    let generic = c
        .call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect_err("too large");
    assert_too_large(&generic, 200, limit);
    let typed = c.users().get("u").send().await.expect_err("too large");
    assert_too_large(&typed, 200, limit);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn an_error_body_over_the_limit_keeps_its_status() {
    let url = endless_chunked_body(500).await;
    let c = limited(&url, 1 << 16);
    let err = c
        .call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert!(err.to_string().contains("65536 bytes"), "{err}");
}

/// A server answering with `body` written in pieces (so that it arrives in
/// many chunks), with a Content-Length or chunked; returns its URL.
async fn piecewise(body: String, chunked: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let framing = if chunked {
                    "transfer-encoding: chunked".to_string()
                } else {
                    format!("content-length: {}", body.len())
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing}\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes()).await;
                for piece in body.as_bytes().chunks(7919) {
                    let _ = if chunked {
                        let mut framed = format!("{:x}\r\n", piece.len()).into_bytes();
                        framed.extend_from_slice(piece);
                        framed.extend_from_slice(b"\r\n");
                        stream.write_all(&framed).await
                    } else {
                        stream.write_all(piece).await
                    };
                    let _ = stream.flush().await;
                    tokio::task::yield_now().await;
                }
                if chunked {
                    let _ = stream.write_all(b"0\r\n\r\n").await;
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn a_body_in_many_chunks_under_the_limit_arrives_whole() {
    let names: Vec<String> = (0..20_000).map(|i| format!("user-{i:05}")).collect();
    let body = json!({"items": names}).to_string();
    for chunked in [false, true] {
        let url = piecewise(body.clone(), chunked).await;
        let c = limited(&url, body.len() as u64);
        let got = c
            .call_raw("GetEndUser", json!({"user_id": "u"}))
            .await
            .expect("whole");
        assert_eq!(got.body().as_ref(), body.as_bytes(), "chunked: {chunked}");
        let typed_url = piecewise(body.clone(), chunked).await;
        let err = limited(&typed_url, body.len() as u64 - 1)
            .call("GetEndUser", json!({"user_id": "u"}))
            .await
            .expect_err("one byte over");
        assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    }
}

#[test]
fn the_default_limit_is_generous_and_zero_is_refused() {
    assert_eq!(versori::DEFAULT_MAX_RESPONSE_BYTES, 64 * 1024 * 1024);
    let err = versori::Client::builder()
        .max_response_bytes(0)
        .build()
        .expect_err("zero");
    assert!(err.to_string().contains("max_response_bytes"), "{err}");
}

fn system(i: usize) -> Value {
    json!({"id": format!("01J8ZQ4N7G3Y5B2K9T6W{i:06}"), "name": format!("sys-{i}"),
           "domain": "example.com", "authSchemeConfigs": [], "templateBaseUrl": "https://example.com",
           "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"})
}

fn page(items: &[usize], next: &str) -> Reply {
    let items: Vec<Value> = items.iter().map(|i| system(*i)).collect();
    Reply::json(
        200,
        json!({"items": items, "next": next, "totalCount": 100}),
    )
}

#[tokio::test]
async fn a_page_that_hands_back_its_own_cursor_stops_the_listing() {
    // the server ignores `after`: every page is the first, pointing to c1
    let server = Script::start(vec![page(&[0, 1], "c1")]).await;
    let c = client(&server.url);
    let mut stream = c.pages::<Value>("ListSystems", Map::new());
    let mut items = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => items += 1,
            Ok(None) => panic!("the listing ended without noticing the repeated cursor"),
            Err(e) => break e,
        }
    };
    assert_eq!(items, 2, "the first page's items come through");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("ListSystems") && text.contains("\"c1\"") && text.contains("asked with"),
        "{text}"
    );
    assert!(
        !text.contains("body starts with"),
        "no body excerpt: {text}"
    );
    assert_eq!(server.count(), 2, "it stopped at the repeat");
    assert!(stream.try_next().await.expect("ended").is_none());
}

#[tokio::test]
async fn a_cycle_of_cursors_stops_every_pager() {
    let cycle = || {
        vec![
            page(&[0], "c1"),
            page(&[1], "c2"),
            page(&[2], "c1"),
            page(&[3], "c9"),
        ]
    };
    // the stream of typed items
    let server = Script::start(cycle()).await;
    let err = client(&server.url)
        .systems()
        .list_stream()
        .try_collect::<Vec<_>>()
        .await
        .expect_err("cycle");
    assert!(err.to_string().contains("already followed"), "{err}");
    assert_eq!(server.count(), 3);
    // page at a time
    let server = Script::start(cycle()).await;
    let c = client(&server.url);
    let mut pages = c.pages::<Value>("ListSystems", Map::new());
    assert!(pages.next_page().await.expect("page 1").is_some());
    assert!(pages.next_page().await.expect("page 2").is_some());
    let err = pages.next_page().await.expect_err("page 3 repeats c1");
    assert!(err.to_string().contains("\"c1\""), "{err}");
    assert!(pages.next_page().await.expect("ended").is_none());
    // the KV listing's own cursor
    let entry = |k: &str| json!({"key": ["p", k], "value": k, "versionstamp": "01", "createdAt": "2026-01-01T00:00:00Z"});
    let server = Script::start(vec![Reply::json(
        200,
        json!({"data": [entry("1")], "pagination": {"nextCursor": "k1", "prevCursor": ""}}),
    )])
    .await;
    let err = client(&server.url)
        .kv("store-1")
        .entries(&["p"])
        .try_collect::<Vec<_>>()
        .await
        .expect_err("repeat");
    assert!(err.to_string().contains("\"k1\""), "{err}");
    assert_eq!(server.count(), 2);
}

/// A server that counts the requests it receives (and answers 200 `{}`).
async fn counting_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let server = Script::start(vec![Reply::json(200, json!({}))]).await;
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = server.seen.clone();
    let out = count.clone();
    tokio::spawn(async move {
        loop {
            out.store(
                seen.lock().map(|s| s.len()).unwrap_or(0),
                std::sync::atomic::Ordering::SeqCst,
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    (server.url.clone(), count)
}

#[tokio::test]
async fn a_redirect_is_an_error_with_its_status_and_location_and_is_not_followed() {
    let (elsewhere, hits) = counting_server().await;
    let target = format!("{elsewhere}/o/{ORG}/users");
    let server = Script::start(vec![Reply::empty(302).header("location", &target)]).await;
    let c = client(&server.url);
    // a POST that "succeeded" as `{}` before
    for err in &create_user_errors(&c, "c-1").await {
        match err {
            Error::Redirect {
                status, location, ..
            } => {
                assert_eq!(*status, 302);
                assert_eq!(location.as_deref(), Some(target.as_str()));
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
        assert_eq!(err.status(), Some(302));
        assert!(err.to_string().contains(&target), "{err}");
        assert!(!err.is_retryable());
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the other origin saw nothing (and no credential)"
    );
    assert_eq!(server.count(), 2, "one request each, no retries");
}

#[tokio::test]
async fn redirect_loops_same_origin_redirects_and_missing_locations_are_errors_too() {
    let server = Script::start(vec![
        Reply::empty(307).header("location", "/o/x/users/u"),
        Reply::empty(301),
        Reply::json(200, end_user("u")),
    ])
    .await;
    let c = client(&server.url);
    let same_origin = c
        .call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect_err("307");
    assert!(
        matches!(&same_origin, Error::Redirect { status: 307, location: Some(l), .. } if l == "/o/x/users/u"),
        "{same_origin:?}"
    );
    let nowhere = c
        .call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect_err("301");
    assert!(
        matches!(
            &nowhere,
            Error::Redirect {
                status: 301,
                location: None,
                ..
            }
        ),
        "{nowhere:?}"
    );
    assert!(
        nowhere.to_string().contains("without a Location header"),
        "{nowhere}"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn echoed_credentials_are_redacted_from_errors() {
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjdXN0b21lci0xIn0.c2lnbmF0dXJlLWJ5dGVz";
    let server = Script::start(vec![
        // a proxy's plain-text page echoing the request's header
        Reply::text(
            401,
            "text/plain",
            &format!("denied: Authorization: Bearer {KEY} is not valid"),
        ),
        // the platform's error shape, echoing the key in its message and details
        Reply::json(
            403,
            json!({"code": "forbidden", "message": format!("key {KEY} lacks access"),
                   "details": format!("token {jwt}")}),
        ),
        // a success whose body is not JSON, echoing the key
        Reply::text(200, "text/html", &format!("<p>hello {KEY}</p>")),
        // a redirect carrying the key in its Location
        Reply::empty(302).header("location", &format!("https://elsewhere.example/?key={KEY}")),
    ])
    .await;
    let c = client(&server.url);
    let mut texts = Vec::new();
    for _ in 0..4 {
        let err = c
            .call("GetEndUser", json!({"user_id": "u"}))
            .await
            .expect_err("fails");
        texts.push(format!("{err} {err:?}"));
    }
    for text in &texts {
        assert!(!text.contains(KEY), "the key leaked: {text}");
        assert!(!text.contains(jwt), "the token leaked: {text}");
    }
    assert!(texts[0].contains("Bearer <redacted>"), "{}", texts[0]);
    assert!(
        texts[1].contains("key <redacted> lacks access"),
        "{}",
        texts[1]
    );
    assert!(texts[1].contains("token <redacted>"), "{}", texts[1]);
    assert!(texts[2].contains("hello <redacted>"), "{}", texts[2]);
    assert!(texts[3].contains("key=<redacted>"), "{}", texts[3]);
}

/// The signing key of the test fixtures (its key id is made up).
const SIGNING_KEY_PEM: &[u8] = include_bytes!("fixtures/test-signing-key.pem");

/// The three kinds of client: an API key, a JWT, and a signing key acting as
/// an end user (whose requests carry a token minted for them).
fn echo_clients(url: &str) -> Vec<(&'static str, versori::Client)> {
    let base = || {
        versori::Client::builder()
            .base_url(url)
            .organisation(ORG)
            .retry(versori::RetryPolicy::default().max_attempts(1))
    };
    let key = versori::SigningKey::from_pem("01J8ZQ4N7G3Y5B2K9T6W1XSKEY", SIGNING_KEY_PEM)
        .expect("the fixture key loads");
    vec![
        ("api key", base().api_key(KEY).build().expect("builds")),
        (
            "jwt",
            base()
                .jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlY2hvIn0.ZWNoby1zaWduYXR1cmU")
                .build()
                .expect("builds"),
        ),
        (
            "signing key",
            base()
                .signing_key(key)
                .acting_as("customer-echo")
                .build()
                .expect("builds"),
        ),
    ]
}

/// What servers and proxies that echo the request's credential (`{sent}`)
/// answer, each written so that only the credential itself finds it: glued
/// to `key=`, it follows no `Bearer `/`JWT ` and does not start a word (a
/// token's shape alone is not enough). With each, the paths of
/// [`every_path`] that succeed.
fn echo_replies() -> Vec<(&'static str, Reply, &'static [&'static str])> {
    let sent = common::SENT;
    let none: &[&str] = &[];
    vec![
        (
            "401 text",
            Reply::text(
                401,
                "text/plain",
                &format!("denied: key={sent} is not valid"),
            ),
            none,
        ),
        (
            "403 platform error",
            Reply::json(
                403,
                json!({"code": "forbidden", "message": format!("key={sent} lacks access"),
                       "details": format!("got key={sent}")}),
            ),
            none,
        ),
        (
            "200 not JSON",
            Reply::text(200, "text/html", &format!("<p>hello key={sent}</p>")),
            none,
        ),
        (
            "200 JSON of the wrong shape",
            Reply::json(
                200,
                json!({"id": 7, "items": [{"id": 7, "note": format!("key={sent}")}],
                       "value": format!("key={sent}"), "note": format!("key={sent}")}),
            ),
            &["generic", "pager"],
        ),
        (
            "a page handing back the credential as its cursor, twice",
            Reply::text(
                200,
                "application/json",
                &format!(r#"{{"next": "key={sent}", "items": [{}]}}"#, system(1)),
            ),
            &["generic", "kv"],
        ),
        (
            "302 Location",
            Reply::empty(302).header(
                "location",
                &format!("https://login.example/?key={sent}&next=%2F"),
            ),
            none,
        ),
    ]
}

/// Every path from a response to an error, on `client`: the typed builder,
/// the generic call, a pager (generic and typed), and a KV helper (`None`
/// where the path succeeds).
async fn every_path(client: &versori::Client) -> Vec<(&'static str, Option<Error>)> {
    vec![
        ("typed", client.users().get("u").send().await.err()),
        (
            "generic",
            client
                .call("GetEndUser", json!({"user_id": "u"}))
                .await
                .err(),
        ),
        (
            "pager",
            client
                .pages::<Value>("ListSystems", Map::new())
                .try_collect::<Vec<_>>()
                .await
                .err(),
        ),
        (
            "typed pager",
            client
                .systems()
                .list_stream()
                .try_collect::<Vec<_>>()
                .await
                .err(),
        ),
        ("kv", client.kv("store").fetch::<u64>(&["k"]).await.err()),
    ]
}

/// Whatever the path and the kind of reply, the credential the request
/// carried (an API key, a JWT, a token minted for an end user) never
/// appears in the error's `Display` or `Debug`: in its place is
/// `<redacted>`.
#[tokio::test]
async fn an_echoed_credential_is_redacted_on_every_path_for_every_kind_of_client() {
    for (reply_name, reply, succeed) in echo_replies() {
        let server = Script::start(vec![reply]).await;
        for (client_name, c) in echo_clients(&server.url) {
            for (path, err) in every_path(&c).await {
                let sent: Vec<String> = server
                    .requests()
                    .iter()
                    .filter_map(|r| r.header("authorization"))
                    .map(|a| a.split_once(' ').map_or(a, |(_, v)| v).to_string())
                    .collect();
                let what = format!("{reply_name}, {client_name} client, {path}");
                let Some(err) = err else {
                    assert!(succeed.contains(&path), "{what}: no error");
                    continue;
                };
                let text = format!("{err} {err:?}");
                assert!(!sent.is_empty(), "{what}: nothing was sent");
                for credential in &sent {
                    assert!(
                        !text.contains(credential.as_str()),
                        "{what}: leaked in {text}"
                    );
                }
                assert!(!text.contains("eyJ"), "{what}: a token leaked in {text}");
                assert!(text.contains("<redacted>"), "{what}: {text}");
                if reply_name == "302 Location" {
                    assert!(
                        matches!(&err, Error::Redirect { location: Some(l), .. }
                            if l == "https://login.example/?key=<redacted>&next=%2F"),
                        "{what}: {err:?}"
                    );
                }
            }
        }
    }
}

/// A signing-key client's error keeps none of the token it minted, even
/// where the token is glued to other text; the token is the one the
/// request carried.
#[tokio::test]
async fn a_minted_token_echoed_back_is_redacted() {
    let server = Script::start(vec![Reply::text(
        200,
        "text/plain",
        &format!("session={}", common::SENT),
    )])
    .await;
    let (_, c) = echo_clients(&server.url)
        .into_iter()
        .find(|(name, _)| *name == "signing key")
        .expect("a signing-key client");
    let err = c.users().get("u").send().await.expect_err("not JSON");
    let sent = server.requests()[0]
        .header("authorization")
        .map(String::from)
        .expect("an Authorization header");
    let token = sent.strip_prefix("JWT ").expect("a minted JWT");
    assert!(
        token.starts_with("eyJ") && token.split('.').count() == 3,
        "{token}"
    );
    let text = format!("{err} {err:?}");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(text.contains("session=<redacted>"), "{text}");
    for part in token.split('.') {
        assert!(!text.contains(part), "a part of the token leaked: {text}");
    }
}

#[tokio::test]
async fn json_nested_100000_deep_is_a_decode_error_on_every_path() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let item = format!(
        r#"{{"items": [{{"id": "s", "name": "n", "domain": "d", "authSchemeConfigs": [], "templateBaseUrl": "t", "extra": {deep}}}]}}"#
    );
    let server = Script::start(vec![
        Reply::text(200, "application/json", &deep),
        Reply::text(200, "application/json", &deep),
        Reply::text(200, "application/json", &item),
    ])
    .await;
    let c = client(&server.url);
    let generic = c
        .call("GetEndUser", json!({"user_id": "u"}))
        .await
        .expect_err("too deep");
    let typed = c.users().get("u").send().await.expect_err("too deep");
    let listed = c
        .pages::<Value>("ListSystems", Map::new())
        .try_collect::<Vec<_>>()
        .await
        .expect_err("too deep");
    // the typed decoder stops at the first bracket (an EndUser is no array)
    assert!(matches!(typed, Error::Decode { .. }), "{typed:?}");
    for err in [generic, listed] {
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }
}
