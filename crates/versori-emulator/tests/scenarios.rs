//! The emulator through the facade: the rules it enforces, its errors and
//! its interfaces (library handle, binary, health check).

mod support;

use serde_json::json;
use support::{client, client_with_key, fails, ok, started, ORG, OTHER_ORG};
use versori_emulator::Emulator;

#[tokio::test]
async fn end_users_follow_the_platform_rules() {
    let (_emulator, c) = started().await;
    let customer = json!({"body": {"externalId": "customer-123"}});
    let user = ok(&c, "CreateEndUser", customer.clone()).await;
    assert_eq!(user["displayName"], "", "displayName defaults to empty");
    let id = user["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 26, "ids are ULIDs");

    // unique externalId
    let dup = fails(&c, "CreateEndUser", customer).await;
    assert_eq!(dup.status(), Some(409));
    // externalId required
    let missing = fails(&c, "CreateEndUser", json!({"body": {"displayName": "x"}})).await;
    assert_eq!(missing.status(), Some(400));
    let empty = fails(&c, "CreateEndUser", json!({"body": {"externalId": " "}})).await;
    assert_eq!(empty.status(), Some(400));

    // by id or externalId, typed
    let by_id = c.users().get(&id).send().await.expect("by id");
    let by_external = c
        .users()
        .get("customer-123")
        .send()
        .await
        .expect("by externalId");
    assert_eq!(by_id.id, by_external.id);

    // externalId is immutable; displayName can change
    let err = fails(
        &c,
        "UpdateEndUser",
        json!({"user_id": id, "body": {"externalId": "other"}}),
    )
    .await;
    assert_eq!(err.status(), Some(422));
    let renamed = ok(
        &c,
        "UpdateEndUser",
        json!({"user_id": "customer-123", "body": {"displayName": "Customer ABC"}}),
    )
    .await;
    assert_eq!(renamed["displayName"], "Customer ABC");

    let listed = c.users().list().search("abc").send().await.expect("list");
    assert_eq!(listed.total_count, 1);

    ok(&c, "DeleteEndUser", json!({"user_id": id})).await;
    let gone = c
        .users()
        .get("customer-123")
        .send()
        .await
        .expect_err("gone");
    assert!(gone.is_not_found());
}

#[tokio::test]
async fn organisations_never_see_each_other() {
    let emulator = Emulator::start().await.expect("starts");
    let mine = client(&emulator, ORG);
    let theirs = client(&emulator, OTHER_ORG);
    let shared = json!({"body": {"externalId": "shared-name"}});
    ok(&mine, "CreateEndUser", shared.clone()).await;
    ok(&mine, "CreateProject", json!({"body": {"name": "Mine"}})).await;
    let err = theirs
        .users()
        .get("shared-name")
        .send()
        .await
        .expect_err("hidden");
    assert!(err.is_not_found());
    assert_eq!(
        theirs
            .users()
            .list()
            .send()
            .await
            .expect("list")
            .total_count,
        0
    );
    assert!(theirs
        .projects()
        .list()
        .send()
        .await
        .expect("list")
        .projects
        .is_empty());
    // the same externalId is free in another organisation
    ok(&theirs, "CreateEndUser", shared).await;
}

#[tokio::test]
async fn projects_round_trip() {
    let (_emulator, c) = started().await;
    let created = c
        .projects()
        .create()
        .body(versori::types::ProjectCreate::builder().name("Order Sync"))
        .send()
        .await
        .expect("created");
    let fetched = c.projects().get(&created.id).send().await.expect("get");
    assert_eq!(fetched.name, "Order Sync");
    ok(
        &c,
        "UpdateProject",
        json!({"project_id": created.id, "body": {"name": "Order Sync 2"}}),
    )
    .await;
    let list = c.projects().list().send().await.expect("list");
    assert_eq!(list.projects[0].name, "Order Sync 2");
    c.projects()
        .delete(&created.id)
        .send()
        .await
        .expect("deleted");
    let err = c
        .projects()
        .get(&created.id)
        .send()
        .await
        .expect_err("gone");
    assert!(err.is_not_found());
}

#[tokio::test]
async fn the_kv_store_keeps_values_under_segmented_keys() {
    let (_emulator, c) = started().await;
    let store = ok(&c, "CreateStore", json!({"body": {"name": "state"}})).await;
    let store_id = store["id"].as_str().expect("id").to_string();
    let kv = c.kv(&store_id);
    kv.put(&["products", "123"], &json!({"stock": 7}))
        .await
        .expect("put");
    let value: Option<serde_json::Value> = kv.fetch(&["products", "123"]).await.expect("fetch");
    assert_eq!(value, Some(json!({"stock": 7})));
    kv.remove(&["products", "123"]).await.expect("remove");
    let value: Option<serde_json::Value> = kv.fetch(&["products", "123"]).await.expect("fetch");
    assert_eq!(value, None);
    let stores = ok(&c, "ListStores", json!({})).await;
    assert_eq!(stores["stores"][0]["name"], "state");
    let missing = fails(
        &c,
        "GetKV",
        json!({"store": "01J8ZQ4N7G3Y5B2K9T6W1XN0NE", "key": "a"}),
    )
    .await;
    assert!(missing.is_not_found(), "{missing}");
    // a store id that is not a ULID cannot name a store at all
    let malformed = fails(&c, "GetKV", json!({"store": "nope", "key": "a"})).await;
    assert_eq!(malformed.status(), Some(400), "{malformed}");
    assert!(malformed.to_string().contains("store"), "{malformed}");
}

#[tokio::test]
async fn requests_need_well_formed_credentials() {
    let emulator = Emulator::start().await.expect("starts");
    let http = reqwest::Client::new();
    let url = format!("{}/o/{ORG}/users", emulator.base_url());
    for auth in [None, Some("Basic abc"), Some("Bearer "), Some("JWT")] {
        let mut req = http.get(&url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let resp = req.send().await.expect("answers");
        assert_eq!(resp.status().as_u16(), 401, "{auth:?}");
        let body: serde_json::Value = resp.json().await.expect("error body");
        assert_eq!(body["code"], "unauthorized");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    for auth in ["Bearer k", "JWT t.t.t", "bearer k"] {
        let resp = http
            .get(&url)
            .header("authorization", auth)
            .send()
            .await
            .expect("answers");
        assert_eq!(resp.status().as_u16(), 200, "{auth}");
    }
}

#[tokio::test]
async fn an_api_key_restricts_access() {
    let emulator = Emulator::builder()
        .api_key("secret-1")
        .start()
        .await
        .expect("starts");
    let good = client_with_key(&emulator, ORG, "secret-1");
    let bad = client_with_key(&emulator, ORG, "secret-2");
    good.users().list().send().await.expect("accepted");
    let err = bad.users().list().send().await.expect_err("refused");
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn bad_input_gets_4xx_never_5xx() {
    let emulator = Emulator::start().await.expect("starts");
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    let send = |method: reqwest::Method, path: &str, body: Option<Vec<u8>>| {
        let mut req = http
            .request(method, format!("{base}{path}"))
            .header("authorization", "Bearer k");
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        req.send()
    };
    let cases: Vec<(reqwest::Method, String, Option<Vec<u8>>, u16)> = vec![
        (
            reqwest::Method::POST,
            format!("/o/{ORG}/users"),
            Some(b"{not json".to_vec()),
            400,
        ),
        (
            reqwest::Method::POST,
            format!("/o/{ORG}/users"),
            Some(b"[1,2]".to_vec()),
            400,
        ),
        (reqwest::Method::POST, format!("/o/{ORG}/users"), None, 400),
        (reqwest::Method::GET, "/no/such/route".into(), None, 404),
        (reqwest::Method::PATCH, format!("/o/{ORG}/users"), None, 405),
        (
            reqwest::Method::GET,
            format!("/o/{ORG}/projects?starred=maybe"),
            None,
            400,
        ),
        (
            reqwest::Method::POST,
            format!("/o/{ORG}/users"),
            Some(vec![b' '; versori_emulator::BODY_LIMIT + 1]),
            413,
        ),
    ];
    for (method, path, body, expected) in cases {
        let resp = send(method.clone(), &path, body).await.expect("answers");
        assert_eq!(resp.status().as_u16(), expected, "{method} {path}");
        let err: serde_json::Value = resp.json().await.expect("an Error body");
        assert!(
            err["code"].is_string() && err["message"].is_string(),
            "{err}"
        );
    }
}

#[tokio::test]
async fn health_check_answers_outside_the_api() {
    let emulator = Emulator::start().await.expect("starts");
    let resp = reqwest::get(format!("{}/healthz", emulator.base_url()))
        .await
        .expect("answers");
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let emulator = Emulator::start().await.expect("starts");
    let url = format!("{}/healthz", emulator.base_url());
    drop(emulator);
    let mut stopped = false;
    for _ in 0..50 {
        if reqwest::get(&url).await.is_err() {
            stopped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        stopped,
        "the server still answers after the handle was dropped"
    );
}

#[test]
fn the_binary_prints_its_url_serves_and_stops_on_sigterm() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_versori-emulator"))
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawns");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the announced URL")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let status = rt.block_on(async {
        reqwest::get(format!("{url}/healthz"))
            .await
            .map(|r| r.status().as_u16())
    });
    assert_eq!(status.expect("answers"), 200);
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let exit = child.wait().expect("exits");
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn kv_batches_lists_and_counts() {
    use futures::TryStreamExt;
    let (_emulator, c) = started().await;
    let store = ok(&c, "CreateStore", json!({"body": {"name": "s"}})).await;
    let kv = c.kv(store["id"].as_str().expect("id"));
    let entries: Vec<(Vec<String>, i32)> = (0..25)
        .map(|i| (vec!["orders".to_string(), format!("{i:03}")], i))
        .collect();
    let refs: Vec<(Vec<&str>, i32)> = entries
        .iter()
        .map(|(k, v)| (k.iter().map(String::as_str).collect(), *v))
        .collect();
    let batch: Vec<(&[&str], i32)> = refs.iter().map(|(k, v)| (k.as_slice(), *v)).collect();
    kv.put_many(&batch).await.expect("batch set");
    kv.put(&["other", "x"], &1).await.expect("put");
    assert_eq!(kv.count_prefix(&["orders"]).await.expect("count"), 25);
    assert_eq!(kv.count_prefix(&[]).await.expect("count all"), 26);
    let listed: Vec<versori::types::KvEntry> = kv
        .entries(&["orders"])
        .page_size(10)
        .try_collect()
        .await
        .expect("list");
    assert_eq!(listed.len(), 25);
    // newest first: the batch's last entry leads, its first ends the list
    assert_eq!(
        listed[0].key.0,
        vec!["orders".to_string(), "024".to_string()]
    );
    assert_eq!(
        listed[24].key.0,
        vec!["orders".to_string(), "000".to_string()]
    );
    let got = kv
        .fetch_many(&[&["orders", "001"], &["orders", "999"]])
        .await
        .expect("batch get");
    assert_eq!(got.len(), 1);
    kv.remove_many(&[&["orders", "001"], &["orders", "002"]])
        .await
        .expect("batch delete");
    assert_eq!(kv.count_prefix(&["orders"]).await.expect("count"), 23);
}
