//! The generic call driven by the operation table, and pagination.

mod common;

use common::{client, end_user, Reply, Script, ORG};
use futures::TryStreamExt;
use serde_json::{json, Map, Value};
use versori::Error;

#[tokio::test]
async fn call_builds_path_query_and_body_from_the_table() {
    let server = Script::start(vec![Reply::json(200, json!([]))]).await;
    let c = client(&server.url);
    let out = c
        .call(
            "ListIssues",
            json!({"status": "open", "severity": "high", "first": 5, "project_id": "p 1/2"}),
        )
        .await
        .expect("ok");
    assert_eq!(out, json!([]));
    let seen = &server.requests()[0];
    assert_eq!(seen.method, "GET");
    assert!(
        seen.target.starts_with(&format!("/o/{ORG}/issues?")),
        "{}",
        seen.target
    );
    for part in [
        "status=open",
        "severity=high",
        "first=5",
        "project_id=p+1%2F2",
    ] {
        assert!(seen.target.contains(part), "{} lacks {part}", seen.target);
    }

    let server = Script::start(vec![Reply::json(201, end_user("customer-123"))]).await;
    let c = client(&server.url);
    let user = c
        .call(
            "CreateEndUser",
            json!({"body": {"externalId": "customer-123"}}),
        )
        .await
        .expect("ok");
    assert_eq!(user["externalId"], "customer-123");
    let seen = &server.requests()[0];
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", format!("/o/{ORG}/users").as_str())
    );
    assert_eq!(seen.json(), json!({"externalId": "customer-123"}));
    assert_eq!(seen.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = Script::start(vec![
        Reply::json(200, json!({"value": 1})),
        Reply::json(200, end_user("a")),
    ])
    .await;
    let c = client(&server.url);
    c.call("GetKV", json!({"store": "s 1", "key": "a b/c"}))
        .await
        .expect("ok");
    c.call("GetEndUser", json!({"user_id": "a b/c"}))
        .await
        .expect("ok");
    let seen = server.requests();
    // a KV key is a slash-separated path: its slashes stay
    assert_eq!(seen[0].target, "/store/s%201/kv/a%20b/c");
    // any other parameter is one segment: its slash is escaped
    assert_eq!(seen[1].target, format!("/o/{ORG}/users/a%20b%2Fc"));
}

#[tokio::test]
async fn call_and_the_typed_builders_escape_paths_alike() {
    let awkward = [
        "plain",
        "a b/c",
        "100%",
        "q?x#y",
        "{braces}",
        "\"quoted\" <tag> `tick`",
        "café",
        "tab\there",
        "dots.and-dashes_~",
    ];
    for id in awkward {
        let server = Script::start(vec![
            Reply::json(200, end_user("a")),
            Reply::json(200, end_user("a")),
        ])
        .await;
        let c = client(&server.url);
        c.call("GetEndUser", json!({"user_id": id}))
            .await
            .expect("generic call");
        c.users().get(id).send().await.expect("typed call");
        let seen = server.requests();
        assert_eq!(seen[0].target, seen[1].target, "{id:?}");
        assert!(
            seen[0].target.starts_with(&format!("/o/{ORG}/users/")),
            "{}",
            seen[0].target
        );
    }
}

#[tokio::test]
async fn empty_responses_are_an_empty_object() {
    let server = Script::start(vec![Reply::empty(204)]).await;
    let out = client(&server.url)
        .call("DeleteEndUser", json!({"user_id": "u1"}))
        .await
        .expect("ok");
    assert_eq!(out, json!({}));
}

#[tokio::test]
async fn call_raw_gives_the_body_undecoded_with_calls_checks_retries_and_errors() {
    let body = r#"{"externalId":"customer-123","extra":[1,2.5,null]}"#;
    let server = Script::start(vec![
        Reply::error(503, "busy", "later"),
        Reply::text(200, "application/json", body),
        Reply::error(404, "not_found", "no such user"),
        Reply::empty(204),
        Reply::text(200, "application/json", "{not json"),
    ])
    .await;
    let c = client(&server.url);

    // retried like `call`, then the exact bytes the server sent
    let raw = c
        .call_raw("GetEndUser", json!({"user_id": "customer-123"}))
        .await
        .expect("ok after a retry");
    assert_eq!((raw.status(), raw.body().as_ref()), (200, body.as_bytes()));
    assert!(!raw.is_empty());
    assert_eq!(raw.json().expect("json")["extra"], json!([1, 2.5, null]));
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "the 503 was retried");
    assert_eq!(seen[1].target, format!("/o/{ORG}/users/customer-123"));
    assert_eq!(
        seen[1].header("authorization"),
        Some("Bearer vk_test_secret_123")
    );
    assert_eq!(seen[1].header("accept"), Some("application/json"));

    // error statuses are the platform's errors, as with `call`
    let err = c
        .call_raw("GetEndUser", json!({"user_id": "nobody"}))
        .await
        .expect_err("404");
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.code(), Some("not_found"));

    // an empty body is kept empty, and reads as `{}` like `call` returns it
    let raw = c
        .call_raw("DeleteEndUser", json!({"user_id": "u1"}))
        .await
        .expect("ok");
    assert_eq!(raw.status(), 204);
    assert!(raw.is_empty());
    assert_eq!(raw.json().expect("json"), json!({}));

    // a malformed success body is returned as is; decoding it is a Decode error
    let raw = c
        .call_raw("GetEndUser", json!({"user_id": "u1"}))
        .await
        .expect("not decoded yet");
    let err = raw.json().expect_err("malformed");
    assert!(
        matches!(&err, Error::Decode { status: Some(200), excerpt, .. } if excerpt == "{not json"),
        "{err:?}"
    );
    let own = raw.decode_error("my decoder failed");
    assert!(own.to_string().contains("my decoder failed"), "{own}");
    assert_eq!(own.status(), Some(200));

    // and the same argument checks, before anything is sent
    let sent = server.count();
    let err = c
        .call_raw("GetEndUser", json!({"user_id": 7}))
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let err = c
        .call_raw("NoSuchOp", json!({}))
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("unknown operation"), "{err}");
    assert_eq!(server.count(), sent, "nothing was sent");
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let server = Script::start(vec![Reply::json(200, json!({}))]).await;
    let c = client(&server.url);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("NoSuchOp", json!({}), "unknown operation \"NoSuchOp\""),
        ("listprojects", json!({}), "did you mean ListProjects"),
        (
            "GetProject",
            json!({}),
            "missing required parameter `project_id` for GetProject",
        ),
        (
            "GetProject",
            json!({"project_id": 7}),
            "parameter `project_id` of GetProject must be a string, got an integer",
        ),
        (
            "ListIssues",
            json!({"first": "ten"}),
            "parameter `first` of ListIssues must be an integer, got a string",
        ),
        (
            "ListIssues",
            json!({"status": "sleeping"}),
            "parameter `status` of ListIssues must be one of open, closed, acked, resolved",
        ),
        (
            "ListProjects",
            json!({"starred": "yes"}),
            "parameter `starred` of ListProjects must be a boolean",
        ),
        (
            "ListProjects",
            json!({"stared": true}),
            "unknown parameter `stared` for ListProjects",
        ),
        (
            "GetProject",
            json!({"project_id": ""}),
            "parameter `project_id` of GetProject must not be empty",
        ),
        (
            "GetProject",
            json!([1, 2]),
            "arguments of GetProject must be a JSON object",
        ),
        (
            "GetProject",
            json!({"project_id": "p", "body": {}}),
            "GetProject takes no request body",
        ),
        (
            "UpdateFiles",
            json!({"project_id": "p"}),
            "missing request body for UpdateFiles",
        ),
        (
            "UpdateFiles",
            json!({"project_id": "p", "body": [1]}),
            "the body of UpdateFiles must be an object",
        ),
    ];
    for (op, args, expected) in cases {
        let err = c.call(op, args.clone()).await.expect_err("refused");
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{op} {args}: {err:?}"
        );
        assert!(err.to_string().contains(expected), "{op} {args}: {err}");
    }
    assert_eq!(server.count(), 0, "nothing was sent");
}

#[tokio::test]
async fn every_operation_of_the_table_is_callable() {
    // Each operation, called with placeholder values for its required
    // parameters and body, reaches the server with its method and path.
    let server = Script::start(vec![Reply::json(200, json!({}))]).await;
    let c = client(&server.url);
    for op in versori::operations::OPERATIONS {
        let mut args = Map::new();
        for p in op
            .parameters
            .iter()
            .filter(|p| p.required && p.name != "organisation_id")
        {
            let v = match p.kind {
                versori::operations::Kind::Integer => json!(1),
                versori::operations::Kind::Boolean => json!(true),
                _ => json!("x1"),
            };
            args.insert(p.name.into(), v);
        }
        if let Some(body) = op.body {
            let b = match body.kind {
                versori::operations::Kind::Array => json!([]),
                _ => json!({}),
            };
            args.insert("body".into(), b);
        }
        c.call(op.id, Value::Object(args))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        let seen = server.requests().pop().expect("request");
        assert_eq!(seen.method, op.method.as_str(), "{}", op.id);
        let expected = op.path.replace("{organisation_id}", ORG);
        let path = seen
            .target
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        let pattern: Vec<&str> = expected.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        assert_eq!(pattern.len(), got.len(), "{}: {path}", op.id);
        for (want, have) in pattern.iter().zip(&got) {
            assert!(
                want.starts_with('{') || want == have,
                "{}: {path} vs {expected}",
                op.id
            );
        }
    }
    assert_eq!(server.count(), versori::operations::OPERATIONS.len());
}

fn connection(i: usize) -> Value {
    json!({
        "id": format!("01J8ZQ4N7G3Y5B2K9T6W{i:06}"), "name": format!("conn-{i}"), "credentials": [],
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    })
}

fn connection_pages(pages: usize, per_page: usize) -> Vec<Reply> {
    (0..pages)
        .map(|p| {
            let items: Vec<Value> = (0..per_page)
                .map(|i| connection(p * per_page + i))
                .collect();
            let mut page = json!({"totalCount": pages * per_page, "items": items});
            if p + 1 < pages {
                page["next"] = json!(format!("cursor-{}", p + 1));
            }
            Reply::json(200, page)
        })
        .collect()
}

#[tokio::test]
async fn typed_streams_follow_next_until_exhausted() {
    let server = Script::start(connection_pages(3, 2)).await;
    let c = client(&server.url);
    let all: Vec<versori::types::Connection> = c
        .connections()
        .list_stream()
        .param("system_id", "sys-1")
        .page_size(2)
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(all.len(), 6);
    assert_eq!(all[5].name, "conn-5");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert!(!targets[0].contains("after="), "{}", targets[0]);
    assert!(
        targets[1].contains("after=cursor-1") && targets[2].contains("after=cursor-2"),
        "{targets:?}"
    );
    assert!(
        targets
            .iter()
            .all(|t| t.contains("system_id=sys-1") && t.contains("first=2")),
        "{targets:?}"
    );
}

#[tokio::test]
async fn pages_give_total_count_one_page_at_a_time() {
    let server = Script::start(connection_pages(2, 3)).await;
    let c = client(&server.url);
    let mut pages = c.pages::<Value>("ListConnections", Map::new());
    let first = pages.next_page().await.expect("ok").expect("a page");
    assert_eq!(
        (first.items.len(), first.total_count, first.next.as_deref()),
        (3, Some(6), Some("cursor-1"))
    );
    let second = pages.next_page().await.expect("ok").expect("a page");
    assert_eq!((second.items.len(), second.next), (3, None));
    assert!(pages.next_page().await.expect("ok").is_none());
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn streaming_a_large_listing_holds_one_page_at_most() {
    const PAGES: usize = 50;
    const PER_PAGE: usize = 200;
    let server = Script::start(connection_pages(PAGES, PER_PAGE)).await;
    let c = client(&server.url);
    let mut stream = c.connections().list_stream();
    let mut seen = 0usize;
    let mut max_buffered = 0usize;
    while let Some(item) = stream.try_next().await.expect("ok") {
        assert_eq!(item.name, format!("conn-{seen}"));
        seen += 1;
        max_buffered = max_buffered.max(stream.buffered());
        // the next page is fetched only once this one is used up
        assert!(
            server.count() <= seen.div_ceil(PER_PAGE),
            "fetched ahead at item {seen}"
        );
    }
    assert_eq!(seen, PAGES * PER_PAGE);
    assert!(max_buffered < PER_PAGE, "buffered {max_buffered} items");
    assert_eq!(stream.total_count(), Some((PAGES * PER_PAGE) as u64));
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let mut replies = connection_pages(1, 2);
    replies[0] = Reply::json(
        200,
        json!({"totalCount": 4, "next": "c1", "items": [connection(0), connection(1)]}),
    );
    replies.push(Reply::error(403, "forbidden", "no"));
    let server = Script::start(replies).await;
    let c = client(&server.url);
    let mut stream = c.connections().list_stream();
    assert!(stream.try_next().await.expect("ok").is_some());
    assert!(stream.try_next().await.expect("ok").is_some());
    let err = stream.try_next().await.expect_err("403");
    assert_eq!(err.status(), Some(403));
    assert!(stream.try_next().await.expect("ended").is_none());
}

#[tokio::test]
async fn the_kv_list_follows_its_own_cursor() {
    let entry = |k: &str| json!({"key": ["products", k], "value": k, "versionstamp": "01", "createdAt": "2026-01-01T00:00:00Z"});
    let server = Script::start(vec![
        Reply::json(200, json!({"data": [entry("1"), entry("2")], "pagination": {"nextCursor": "k2", "prevCursor": ""}})),
        Reply::json(200, json!({"data": [entry("3")], "pagination": {"nextCursor": "", "prevCursor": "k2"}})),
    ])
    .await;
    let c = client(&server.url);
    let entries: Vec<versori::types::KvEntry> = c
        .kv("store-1")
        .entries(&["products"])
        .page_size(2)
        .try_collect()
        .await
        .expect("ok");
    assert_eq!(entries.len(), 3);
    let seen = server.requests();
    assert_eq!(seen[0].target, "/store/store-1/kv/list");
    assert_eq!(
        seen[0].json(),
        json!({"selector": {"prefix": ["products"]}, "options": {"limit": 2}})
    );
    assert_eq!(seen[1].json()["selector"]["after"], "k2");
}

#[test]
fn only_paginated_operations_stream() {
    let c = versori::Client::builder()
        .base_url("http://127.0.0.1:9")
        .organisation(ORG)
        .build()
        .expect("builds");
    let mut pages = c.pages::<Value>("GetProject", Map::new());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let err = rt.block_on(pages.next_page()).expect_err("not paginated");
    assert!(
        err.to_string()
            .contains("GetProject is not a paginated operation"),
        "{err}"
    );
}
