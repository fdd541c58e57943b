//! The KV store as the platform serves it: keys are slash-separated paths
//! (a literal `/` and `%2F` address the same key), and every option and
//! selector of the spec applies (expiry on the emulator's clock,
//! conditional writes, cascading deletes, list filters, cursors both ways).

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{fails, get, ok, raw, started, store, texts, ORG};

/// Keys with 1, 2 and 5 segments and segments that need escaping, with the
/// path the official client sends for each.
const KEYS: &[(&[&str], &str)] = &[
    (&["orders"], "orders"),
    (&["orders", "1042"], "orders/1042"),
    (&["a", "b", "c", "d", "e"], "a/b/c/d/e"),
    (&["with space", "50%"], "with%20space/50%25"),
    (&["what?", "#tag"], "what%3F/%23tag"),
    (&["caf\u{e9}", "\u{2713}"], "caf%C3%A9/%E2%9C%93"),
];

/// The keys (arrays of segments) of a ListKV answer, in order.
fn listed_keys(answer: &Value) -> Vec<&Value> {
    answer["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["key"])
        .collect()
}

/// GetKV of `key` (a path) in the store `s` answers 404.
async fn assert_absent(c: &versori::Client, s: &str, key: &str) {
    let err = fails(c, "GetKV", json!({"store": s, "key": key})).await;
    assert_eq!(err.status(), Some(404), "{key}: {err}");
}

#[tokio::test]
async fn multi_segment_keys_are_routed_by_the_rest_of_the_path() {
    let (emulator, c) = started().await;
    let s = store(&c).await;
    for (segments, wire) in KEYS {
        let path = format!("/store/{s}/kv/{wire}");
        let put = raw(&emulator, "PUT", &path, Some(r#"{"value": {"n": 1}}"#)).await;
        assert_eq!(put.status, 200, "PUT {path}: {}", put.body);
        assert_eq!(put.body["committed"], true);
        let got = get(&emulator, &path).await;
        assert_eq!(
            (got.status, &got.body["value"]),
            (200, &json!({"n": 1})),
            "GET {path}"
        );
        // stored under its segments
        let listed = ok(
            &c,
            "BatchGetKV",
            json!({"store": s, "body": {"keys": [segments]}}),
        )
        .await;
        assert_eq!(listed["entries"][0]["key"], json!(segments), "{path}");
        // an escaped slash addresses the same key
        let escaped = format!("/store/{s}/kv/{}", wire.replace('/', "%2F"));
        let got = get(&emulator, &escaped).await;
        assert_eq!(got.status, 200, "GET {escaped}");
        assert_eq!(got.body["versionstamp"], put.body["versionstamp"]);
        let gone = raw(&emulator, "DELETE", &escaped, Some(r#"{"options": {}}"#)).await;
        assert_eq!(
            (gone.status, &gone.body),
            (200, &json!({"status": "deleted"}))
        );
        assert_eq!(get(&emulator, &path).await.status, 404);
    }
    // the facade puts the same keys at the same paths
    let kv = c.kv(&s);
    for (segments, _) in KEYS {
        kv.put(segments, &json!(segments.len())).await.expect("put");
    }
    assert_eq!(
        kv.count_prefix(&[]).await.expect("count"),
        KEYS.len() as u64
    );
    let read: Option<Value> = kv.fetch(&["a", "b", "c", "d", "e"]).await.expect("fetch");
    assert_eq!(read, Some(json!(5)));
    // an empty segment is a 400 naming the key
    let bad = get(&emulator, &format!("/store/{s}/kv/a//b")).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["fields"][0]["field"], "key");
    let trailing = format!("/store/{s}/kv/a/");
    let bad = raw(&emulator, "PUT", &trailing, Some(r#"{"value": 1}"#)).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn batch_list_and_count_keep_their_fixed_routes() {
    let (emulator, c) = started().await;
    let s = store(&c).await;
    // PUT on /kv/batch is BatchSetKV, so the one-segment key "batch" cannot
    // be written by path; "list" and "count" only collide for POST
    let kv = format!("/store/{s}/kv");
    let value = Some(r#"{"value": 1}"#);
    let batch = raw(&emulator, "PUT", &format!("{kv}/batch"), value).await;
    assert_eq!(
        batch.status, 400,
        "BatchSetKV wants entries: {}",
        batch.body
    );
    for key in ["list", "count"] {
        let path = format!("{kv}/{key}");
        let put = raw(&emulator, "PUT", &path, value).await;
        assert_eq!(put.status, 200, "{key}");
        assert_eq!(get(&emulator, &path).await.status, 200, "{key}");
    }
    let counted = raw(&emulator, "POST", &format!("{kv}/count"), Some("{}")).await;
    assert_eq!(counted.body, json!({"count": 2}));
    // longer keys under those words are plain keys
    let put = raw(&emulator, "PUT", &format!("{kv}/batch/1"), value).await;
    assert_eq!(put.status, 200);
    // the same path with a method it lacks is a 405 listing what it has
    let post = raw(&emulator, "POST", &format!("{kv}/orders/1"), Some("{}")).await;
    assert_eq!(post.status, 405);
    assert_eq!(post.headers["allow"], "DELETE, GET, PUT");
}

#[tokio::test]
async fn if_not_exists_and_overwrite_leave_an_existing_key_alone() {
    let (_emulator, c) = started().await;
    let s = store(&c).await;
    let first = ok(
        &c,
        "SetKV",
        json!({"store": s, "key": "cursor", "body": {"value": "a"}}),
    )
    .await;
    for options in [json!({"ifNotExists": true}), json!({"overwrite": false})] {
        let again = ok(
            &c,
            "SetKV",
            json!({"store": s, "key": "cursor", "body": {"value": "b", "options": options}}),
        )
        .await;
        assert_eq!(again["committed"], false, "{options}");
        let got = ok(&c, "GetKV", json!({"store": s, "key": "cursor"})).await;
        assert_eq!(got["value"], "a", "{options}: unchanged");
        assert_eq!(got["versionstamp"], first["versionstamp"]);
    }
    // on an absent key the write goes through
    let fresh = ok(
        &c,
        "SetKV",
        json!({"store": s, "key": "other", "body": {"value": 1, "options": {"ifNotExists": true}}}),
    )
    .await;
    assert_eq!(fresh["committed"], true);
    // ifVersionstamp: only over the version named
    let stale = ok(
        &c,
        "SetKV",
        json!({"store": s, "key": "cursor", "body": {"value": "c", "options": {"ifVersionstamp": "old"}}}),
    )
    .await;
    assert_eq!(stale["committed"], false);
    let cas = ok(
        &c,
        "SetKV",
        json!({"store": s, "key": "cursor", "body": {"value": "c", "options": {"ifVersionstamp": first["versionstamp"]}}}),
    )
    .await;
    assert_eq!(cas["committed"], true);
    assert_ne!(cas["versionstamp"], first["versionstamp"]);
    // in a batch, a held-back entry is a failure and the others go through
    let batch = ok(
        &c,
        "BatchSetKV",
        json!({"store": s, "body": {"entries": [
            {"key": ["cursor"], "value": "d", "options": {"ifNotExists": true}},
            {"key": ["new"], "value": "e"}
        ]}}),
    )
    .await;
    assert_eq!(batch["successes"].as_array().map(Vec::len), Some(1));
    assert_eq!(batch["failures"][0]["key"], json!(["cursor"]));
    assert!(batch["failures"][0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("exists")));
    let got = ok(&c, "GetKV", json!({"store": s, "key": "cursor"})).await;
    assert_eq!(got["value"], "c");
}

#[tokio::test]
async fn expired_entries_are_gone_from_every_read() {
    let (emulator, c) = started().await;
    let clock = emulator.clock();
    let s = store(&c).await;
    ok(&c, "SetKV", json!({"store": s, "key": "t/short", "body": {"value": 1, "options": {"expireIn": 60_000}}})).await;
    ok(
        &c,
        "SetKV",
        json!({"store": s, "key": "t/kept", "body": {"value": 2}}),
    )
    .await;
    let soon = (clock.now() + chrono::TimeDelta::minutes(5)).to_rfc3339();
    ok(
        &c,
        "BatchSetKV",
        json!({"store": s, "body": {"entries": [
            {"key": ["t", "at"], "value": 3, "options": {"expireAt": soon}}
        ]}}),
    )
    .await;
    let got = ok(&c, "GetKV", json!({"store": s, "key": "t/short"})).await;
    let expires =
        chrono::DateTime::parse_from_rfc3339(got["expiresAt"].as_str().expect("expiresAt"))
            .expect("a time");
    let written =
        chrono::DateTime::parse_from_rfc3339(got["createdAt"].as_str().expect("createdAt"))
            .expect("a time");
    assert_eq!((expires - written).num_milliseconds(), 60_000);
    let listed = ok(
        &c,
        "ListKV",
        json!({"store": s, "body": {"selector": {"prefix": ["t"]}}}),
    )
    .await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(3));
    let kept = listed["data"]
        .as_array()
        .and_then(|d| d.iter().find(|e| e["key"] == json!(["t", "kept"])))
        .expect("kept");
    assert_eq!(kept["expiresAt"], Value::Null, "null when it never expires");

    clock.advance(Duration::from_secs(61));
    assert_absent(&c, &s, "t/short").await;
    let batch = ok(
        &c,
        "BatchGetKV",
        json!({"store": s, "body": {"keys": [["t", "short"], ["t", "kept"], ["t", "at"]]}}),
    )
    .await;
    assert_eq!(batch["entries"].as_array().map(Vec::len), Some(2));
    let count = ok(
        &c,
        "CountKV",
        json!({"store": s, "body": {"selector": {"prefix": ["t"]}}}),
    )
    .await;
    assert_eq!(count["count"], 2);

    clock.advance(Duration::from_secs(5 * 60));
    let listed = ok(
        &c,
        "ListKV",
        json!({"store": s, "body": {"selector": {"prefix": ["t"]}}}),
    )
    .await;
    assert_eq!(listed_keys(&listed), [&json!(["t", "kept"])]);
    // an expired key can be written again with ifNotExists
    let again = ok(&c, "SetKV", json!({"store": s, "key": "t/short", "body": {"value": 9, "options": {"ifNotExists": true}}})).await;
    assert_eq!(again["committed"], true);
    // a bad expiry is a 400 naming the option
    let err = fails(
        &c,
        "SetKV",
        json!({"store": s, "key": "x", "body": {"value": 1, "options": {"expireIn": -1}}}),
    )
    .await;
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("options.expireIn"), "{err}");
}

#[tokio::test]
async fn refresh_on_access_pushes_the_expiry_forward() {
    let (emulator, c) = started().await;
    let clock = emulator.clock();
    let s = store(&c).await;
    ok(&c, "SetKV", json!({"store": s, "key": "session", "body": {"value": 1, "options": {"expireIn": 10_000, "refreshOnAccess": true}}})).await;
    for _ in 0..3 {
        clock.advance(Duration::from_secs(8));
        ok(&c, "GetKV", json!({"store": s, "key": "session"})).await;
    }
    clock.advance(Duration::from_secs(11));
    assert_absent(&c, &s, "session").await;
}

#[tokio::test]
async fn cascade_removes_everything_under_a_prefix() {
    let (_emulator, c) = started().await;
    let s = store(&c).await;
    for key in [
        "orders/1",
        "orders/2/lines/1",
        "orders/2/lines/2",
        "ordersx",
        "other",
    ] {
        ok(
            &c,
            "SetKV",
            json!({"store": s, "key": key, "body": {"value": 1}}),
        )
        .await;
    }
    // "orders" itself is not a key: the cascade still runs
    let done = ok(
        &c,
        "DeleteKV",
        json!({"store": s, "key": "orders", "body": {"options": {"cascade": true}}}),
    )
    .await;
    assert_eq!(done, json!({"status": "deleted"}));
    let left = ok(&c, "ListKV", json!({"store": s, "body": {}})).await;
    // newest first
    assert_eq!(listed_keys(&left), [&json!(["other"]), &json!(["ordersx"])]);
    // without cascade too, deleting an absent key succeeds (the platform
    // declares no other answer), and touches nothing else
    let done = ok(
        &c,
        "DeleteKV",
        json!({"store": s, "key": "orders", "body": {}}),
    )
    .await;
    assert_eq!(done, json!({"status": "deleted"}));
    let still = ok(&c, "ListKV", json!({"store": s, "body": {}})).await;
    assert_eq!(
        listed_keys(&still),
        [&json!(["other"]), &json!(["ordersx"])]
    );
    // a store that does not exist is still a 404
    assert_eq!(
        fails(
            &c,
            "DeleteKV",
            json!({"store": "01J8ZQ4N7G3Y5B2K9T6W1XABCD", "key": "orders", "body": {}})
        )
        .await
        .status(),
        Some(404)
    );
    // ifVersionstamp: a mismatch deletes nothing
    let v = ok(
        &c,
        "SetKV",
        json!({"store": s, "key": "guarded", "body": {"value": 1}}),
    )
    .await;
    let err = fails(
        &c,
        "DeleteKV",
        json!({"store": s, "key": "guarded", "body": {"options": {"ifVersionstamp": "nope"}}}),
    )
    .await;
    assert_eq!(err.status(), Some(409));
    let done = ok(&c, "DeleteKV", json!({"store": s, "key": "guarded", "body": {"options": {"ifVersionstamp": v["versionstamp"]}}})).await;
    assert_eq!(done["status"], "deleted");
    // batch deletes cascade too, and answer with a status
    let done = ok(&c, "BatchDeleteKV", json!({"store": s, "body": {"keys": [["other"], ["ordersx"]], "options": {"cascade": true}}})).await;
    assert_eq!(done, json!({"status": "deleted"}));
    assert_eq!(
        ok(&c, "CountKV", json!({"store": s, "body": {}})).await["count"],
        0
    );
}

#[tokio::test]
async fn list_filters_by_creation_time_and_metadata() {
    let (emulator, c) = started().await;
    let clock = emulator.clock();
    let s = store(&c).await;
    ok(&c, "SetKV", json!({"store": s, "key": "o/1", "body": {"value": 1, "options": {"metadata": {"source": "shopify", "n": 1}}}})).await;
    clock.advance(Duration::from_secs(3600));
    let middle = clock.now().to_rfc3339();
    clock.advance(Duration::from_secs(3600));
    ok(&c, "SetKV", json!({"store": s, "key": "o/2", "body": {"value": 2, "options": {"metadata": {"source": "shopify"}}}})).await;
    ok(&c, "SetKV", json!({"store": s, "key": "o/3", "body": {"value": 3, "options": {"metadata": {"source": "erp"}}}})).await;
    // the second segment of each key listed
    let keys = |v: &Value| texts(&v["data"], "/key/1").join(",");
    let after = ok(&c, "ListKV", json!({"store": s, "body": {"selector": {"prefix": ["o"], "filter": {"createdAfter": middle}}}})).await;
    // newest first
    assert_eq!(keys(&after), "3,2");
    let before = ok(&c, "ListKV", json!({"store": s, "body": {"selector": {"prefix": ["o"], "filter": {"createdBefore": middle}}}})).await;
    assert_eq!(keys(&before), "1");
    let shopify = ok(&c, "ListKV", json!({"store": s, "body": {"selector": {"prefix": ["o"], "filter": {"metadata": {"source": "shopify"}}}}})).await;
    assert_eq!(keys(&shopify), "2,1");
    let both = ok(&c, "ListKV", json!({"store": s, "body": {"selector": {"filter": {"createdAfter": middle, "metadata": {"source": "shopify"}}}}})).await;
    assert_eq!(keys(&both), "2");
    // CountKV's CountSelector declares only `prefix`: a filter (even a
    // malformed one) or a cursor is ignored, as the platform ignores members
    // its type lacks
    for ignored in [
        json!({"metadata": {"source": "erp"}}),
        json!({"createdAfter": "yesterday"}),
    ] {
        let counted = ok(&c, "CountKV", json!({"store": s, "body": {"selector": {"prefix": ["o"], "filter": ignored, "after": "o/1"}}})).await;
        assert_eq!(counted["count"], 3, "{ignored}");
    }
    let err = fails(
        &c,
        "CountKV",
        json!({"store": s, "body": {"selector": {"prefix": "o"}}}),
    )
    .await;
    assert_eq!(err.status(), Some(400), "the prefix is still checked");
    let err = fails(
        &c,
        "ListKV",
        json!({"store": s, "body": {"selector": {"filter": {"createdAfter": "yesterday"}}}}),
    )
    .await;
    assert_eq!(err.status(), Some(400));
    assert!(
        err.to_string().contains("selector.filter.createdAfter"),
        "{err}"
    );
}

#[tokio::test]
async fn cursors_page_forwards_and_back_in_both_orders() {
    let (_emulator, c) = started().await;
    let s = store(&c).await;
    let entries: Vec<Value> = (1..=7)
        .map(|i| json!({"key": ["p", format!("{i}")], "value": i}))
        .collect();
    ok(
        &c,
        "BatchSetKV",
        json!({"store": s, "body": {"entries": entries}}),
    )
    .await;
    let page = |selector: Value, reverse: bool| {
        let c = c.clone();
        let s = s.clone();
        async move {
            let v = ok(&c, "ListKV", json!({"store": s, "body": {"selector": selector, "options": {"limit": 3, "reverse": reverse}}})).await;
            (
                texts(&v["data"], "/key/1").join(","),
                v["pagination"]["prevCursor"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                v["pagination"]["nextCursor"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        }
    };
    // written 1 to 7: newest first is 7 down to 1
    let (first, prev, next) = page(json!({"prefix": ["p"]}), false).await;
    assert_eq!((first.as_str(), prev.as_str()), ("7,6,5", ""));
    assert!(!next.is_empty() && !next.contains('p'), "opaque: {next}");
    let (second, prev, next) = page(json!({"prefix": ["p"], "after": next}), false).await;
    assert_eq!(second, "4,3,2");
    assert!(!prev.is_empty() && !next.is_empty());
    let (back, prev_back, _) = page(json!({"prefix": ["p"], "before": prev}), false).await;
    assert_eq!((back.as_str(), prev_back.as_str()), ("7,6,5", ""));
    let (last, _, end) = page(json!({"prefix": ["p"], "after": next}), false).await;
    assert_eq!((last.as_str(), end.as_str()), ("1", ""));
    // reverse: oldest first
    let (reversed, _, next) = page(json!({"prefix": ["p"]}), true).await;
    assert_eq!(reversed, "1,2,3");
    let (reversed, prev, _) = page(json!({"prefix": ["p"], "after": next}), true).await;
    assert_eq!(reversed, "4,5,6");
    let (back, _, _) = page(json!({"prefix": ["p"], "before": prev}), true).await;
    assert_eq!(back, "1,2,3");
    // the facade's stream follows nextCursor to the end
    use futures::TryStreamExt;
    let all: Vec<versori::types::KvEntry> = c
        .kv(&s)
        .entries(&["p"])
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(all.len(), 7);
}

/// Every key of a listing under `prefix`, paged `limit` at a time by
/// following nextCursor (`reverse`: oldest first), and the cursors seen.
async fn page_through(
    c: &versori::Client,
    s: &str,
    prefix: &str,
    limit: usize,
    reverse: bool,
) -> (Vec<String>, Vec<String>) {
    let mut keys = Vec::new();
    let mut cursors = Vec::new();
    let mut after = String::new();
    loop {
        let v = ok(c, "ListKV", json!({"store": s, "body": {"selector": {"prefix": [prefix], "after": after}, "options": {"limit": limit, "reverse": reverse}}})).await;
        keys.extend(texts(&v["data"], "/key/1").into_iter().map(String::from));
        after = v["pagination"]["nextCursor"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if after.is_empty() {
            return (keys, cursors);
        }
        cursors.push(after.clone());
    }
}

#[tokio::test]
async fn listings_are_newest_first_by_internal_id_not_by_key() {
    let (_emulator, c) = started().await;
    let s = store(&c).await;
    let set = |key: &'static str| {
        let c = c.clone();
        let s = s.clone();
        async move {
            ok(
                &c,
                "SetKV",
                json!({"store": s, "key": format!("q/{key}"), "body": {"value": key}}),
            )
            .await;
        }
    };
    let del = |key: &'static str| {
        let c = c.clone();
        let s = s.clone();
        async move {
            ok(
                &c,
                "DeleteKV",
                json!({"store": s, "key": format!("q/{key}"), "body": {}}),
            )
            .await;
        }
    };
    let list = |reverse: bool| {
        let c = c.clone();
        let s = s.clone();
        async move {
            let v = ok(&c, "ListKV", json!({"store": s, "body": {"selector": {"prefix": ["q"]}, "options": {"reverse": reverse}}})).await;
            texts(&v["data"], "/key/1").join(",")
        }
    };
    // written in an order that is not key order
    for key in ["c", "a", "d", "b"] {
        set(key).await;
    }
    assert_eq!(list(false).await, "b,d,a,c");
    assert_eq!(list(true).await, "c,a,d,b");
    // overwriting a live key keeps its place
    set("a").await;
    assert_eq!(list(false).await, "b,d,a,c");
    // a key deleted and written again is new: it goes to the front
    del("c").await;
    set("c").await;
    assert_eq!(list(false).await, "c,b,d,a");
    assert_eq!(list(true).await, "a,d,b,c");

    // several pages both ways: every entry exactly once
    let written: Vec<String> = (0..23).map(|i| format!("{:02}", (i * 7) % 23)).collect();
    for key in &written {
        ok(
            &c,
            "SetKV",
            json!({"store": s, "key": format!("m/{key}"), "body": {"value": 1}}),
        )
        .await;
    }
    let newest_first: Vec<String> = written.iter().rev().cloned().collect();
    let (forwards, cursors) = page_through(&c, &s, "m", 5, false).await;
    assert_eq!(forwards, newest_first);
    assert_eq!(cursors.len(), 4);
    let (oldest_first, _) = page_through(&c, &s, "m", 5, true).await;
    assert_eq!(oldest_first, written);
    // and back from the last page, following prevCursor
    let mut back = Vec::new();
    let last = ok(&c, "ListKV", json!({"store": s, "body": {"selector": {"prefix": ["m"], "after": cursors[3]}, "options": {"limit": 5}}})).await;
    let strings = |v: &Value| -> Vec<String> {
        texts(&v["data"], "/key/1")
            .into_iter()
            .map(String::from)
            .collect()
    };
    let mut page = strings(&last);
    let mut before = last["pagination"]["prevCursor"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    loop {
        page.extend(back);
        back = page;
        if before.is_empty() {
            break;
        }
        let v = ok(&c, "ListKV", json!({"store": s, "body": {"selector": {"prefix": ["m"], "before": before}, "options": {"limit": 5}}})).await;
        page = strings(&v);
        before = v["pagination"]["prevCursor"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    }
    assert_eq!(back, newest_first);

    // a key is not a cursor, nor is a cursor this store never handed out
    for (field, cursor) in [
        ("after", "m/03".to_string()),
        ("before", "m/03".to_string()),
        ("after", "03".to_string()),
        ("after", cursors[0].replacen('c', "C", 1)),
        ("after", format!("{}/1", cursors[0])),
        ("before", "c7ZZZZZZZZZZZZ".to_string()),
    ] {
        let err = fails(
            &c,
            "ListKV",
            json!({"store": s, "body": {"selector": {"prefix": ["m"], field: cursor}}}),
        )
        .await;
        assert_eq!(err.status(), Some(400), "{field}: {cursor}");
        assert!(
            err.to_string().contains(&format!("selector.{field}")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn kv_bodies_are_required_and_checked() {
    let (emulator, c) = started().await;
    let s = store(&c).await;
    for (method, path) in [
        ("POST", format!("/o/{ORG}/store")),
        ("POST", format!("/store/{s}/kv/batch")),
        ("DELETE", format!("/store/{s}/kv/batch")),
        ("POST", format!("/store/{s}/kv/list")),
        ("POST", format!("/store/{s}/kv/count")),
        ("PUT", format!("/store/{s}/kv/a")),
        ("DELETE", format!("/store/{s}/kv/a")),
    ] {
        let answer = raw(&emulator, method, &path, None).await;
        assert_eq!(
            answer.status, 400,
            "{method} {path} without a body: {}",
            answer.body
        );
        assert_eq!(answer.body["fields"][0]["field"], "body", "{method} {path}");
    }
    let batch = format!("/store/{s}/kv/batch");
    let bad = raw(&emulator, "POST", &batch, Some(r#"{"keys": [["a/b"]]}"#)).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["fields"][0]["field"], "keys[0][0]");
}
