//! KV keys on the wire: every path of the SDK (the generic call with a
//! string or a list of segments, the typed builders, the KV helpers) sends
//! a key as the platform's official client does, one segment after another
//! with literal slashes between them and each segment escaped on its own.

mod common;

use common::{client, Reply, Script};
use serde_json::{json, Value};
use versori::Error;

/// Keys as segments, and the path the official client puts them at.
const KEYS: &[(&[&str], &str)] = &[
    (&["orders"], "orders"),
    (&["orders", "1042"], "orders/1042"),
    (&["a", "b", "c", "d", "e"], "a/b/c/d/e"),
    (&["with space", "50%"], "with%20space/50%25"),
    (&["what?", "#tag"], "what%3F/%23tag"),
    (&["caf\u{e9}", "\u{2713}"], "caf%C3%A9/%E2%9C%93"),
    (&["back\\slash", "a+b=c@d"], "back%5Cslash/a+b=c@d"),
];

fn value_reply() -> Reply {
    Reply::json(
        200,
        json!({"value": 1, "versionstamp": "v", "createdAt": "2026-01-02T03:04:05Z"}),
    )
}

#[tokio::test]
async fn every_path_sends_the_official_clients_form() {
    for (segments, wire) in KEYS {
        let server = Script::start(vec![
            value_reply(),
            value_reply(),
            value_reply(),
            value_reply(),
            Reply::json(
                200,
                json!({"versionstamp": "v", "ok": true, "committed": true}),
            ),
            Reply::json(200, json!({"status": "deleted"})),
        ])
        .await;
        let c = client(&server.url);
        let joined = segments.join("/");
        c.call("GetKV", json!({"store": "s1", "key": joined}))
            .await
            .expect("call with a string key");
        c.call("GetKV", json!({"store": "s1", "key": segments}))
            .await
            .expect("call with a list of segments");
        c.kv("s1").get(&joined).send().await.expect("typed builder");
        let _: Option<Value> = c.kv("s1").fetch(segments).await.expect("helper fetch");
        c.kv("s1").put(segments, &1).await.expect("helper put");
        c.kv("s1").remove(segments).await.expect("helper remove");
        let seen = server.requests();
        let expected = format!("/store/s1/kv/{wire}");
        for (i, r) in seen.iter().enumerate() {
            assert_eq!(r.target, expected, "request {i} for {segments:?}");
        }
        let methods: Vec<&str> = seen.iter().map(|r| r.method.as_str()).collect();
        assert_eq!(methods, ["GET", "GET", "GET", "GET", "PUT", "DELETE"]);
    }
}

#[tokio::test]
async fn a_key_that_cannot_travel_is_invalid_input_naming_it() {
    let server = Script::start(vec![]).await;
    let c = client(&server.url);
    let cases: Vec<(Value, &str)> = vec![
        (json!(["orders", "10/42"]), "\"10/42\""),
        (json!("orders//1042"), "empty segment"),
        (json!("/orders"), "empty segment"),
        (json!(["orders", ""]), "empty segment"),
        (json!("orders/.."), "\"..\""),
        (json!([]), "at least one segment"),
        (json!(["orders", 7]), "segment 2 must be a string"),
        (json!(42), "a string (`a/b`) or an array of segments"),
    ];
    for (key, says) in cases {
        let err = c
            .call(
                "SetKV",
                json!({"store": "s1", "key": key, "body": {"value": 1}}),
            )
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("key") && text.contains(says), "{key}: {text}");
    }
    let err = c
        .kv("s1")
        .get("a//b")
        .send()
        .await
        .expect_err("the typed builder refuses it too");
    assert!(err.to_string().contains("empty segment"), "{err}");
    let err = c
        .kv("s1")
        .put(&["orders", "10/42"], &1)
        .await
        .expect_err("and the helpers");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let err = c
        .kv("s1")
        .put_many(&[(&["ok"][..], 1), (&["a/b"][..], 2)])
        .await
        .expect_err("batch keys are checked by the same rule");
    assert!(err.to_string().contains("entries[1].key"), "{err}");
    assert!(
        server.requests().is_empty(),
        "nothing is sent for a bad key"
    );
}
