//! Helpers shared by the emulator's scenario tests: a facade client, a raw
//! HTTP client (for what the SDK would never send), the set-up steps the
//! scenarios start from, and readers of the answers.

#![allow(dead_code)]

use serde_json::{json, Value};
use versori::{Client, Error};
use versori_emulator::Emulator;

pub const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";
pub const OTHER_ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X0THR";

/// A new emulator and a facade client of [`ORG`] on it.
pub async fn started() -> (Emulator, Client) {
    let emulator = Emulator::start().await.expect("starts");
    let c = client(&emulator, ORG);
    (emulator, c)
}

/// [`started`], with a new project `name` deployed to a new `production`
/// environment: the emulator, the client, the project's id and the
/// environment's id.
pub async fn deployed_project(name: &str) -> (Emulator, Client, String, String) {
    let (emulator, c) = started().await;
    let project_id = project(&c, name).await;
    let env_id = environment(&c, &project_id, "production").await;
    (emulator, c, project_id, env_id)
}

/// A facade client of `org` on the emulator, with any API key.
pub fn client(emulator: &Emulator, org: &str) -> Client {
    client_with_key(emulator, org, "any-key")
}

/// A facade client of `org` on the emulator with the API key `key`.
pub fn client_with_key(emulator: &Emulator, org: &str, key: &str) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .organisation(org)
        .api_key(key)
        .build()
        .expect("client")
}

/// The answer of a call that must succeed.
pub async fn ok(c: &Client, op: &str, args: Value) -> Value {
    c.call(op, args)
        .await
        .unwrap_or_else(|e| panic!("{op}: {e}"))
}

/// The error of a call that must fail.
pub async fn fails(c: &Client, op: &str, args: Value) -> Error {
    c.call(op, args)
        .await
        .err()
        .unwrap_or_else(|| panic!("{op} succeeded"))
}

/// One raw request: status, headers and JSON body (`null` when empty).
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// Sends `method path` with an optional body, authorized, as any HTTP
/// client would (the path goes on the wire exactly as given).
pub async fn raw(emulator: &Emulator, method: &str, path: &str, body: Option<&str>) -> Raw {
    let mut request = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
            format!("{}{path}", emulator.base_url()),
        )
        .header("authorization", "JWT any-token");
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{method} {path}: not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    Raw {
        status,
        headers,
        body,
    }
}

/// `GET path` as [`raw`] sends it.
pub async fn get(emulator: &Emulator, path: &str) -> Raw {
    raw(emulator, "GET", path, None).await
}

/// Sends `GET path`, whose query is wrong, and checks the answer: a 400
/// whose `fields` name the parameter `name` first. The answer, for more checks.
pub async fn assert_bad_parameter(emulator: &Emulator, path: &str, name: &str) -> Raw {
    let answer = get(emulator, path).await;
    assert_eq!(
        (answer.status, field_names(&answer.body).first().copied()),
        (400, Some(name)),
        "GET {path}: {}",
        answer.body
    );
    answer
}

/// The text at `pointer` (a JSON pointer such as `/id` or `/key/1`) in each
/// item of the array `items`, `""` where an item has none; none at all when
/// `items` is not an array.
pub fn texts<'a>(items: &'a Value, pointer: &str) -> Vec<&'a str> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            i.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
        })
        .collect()
}

/// The members an error body's `fields` name, in order.
pub fn field_names(error: &Value) -> Vec<&str> {
    texts(&error["fields"], "/field")
}

/// The id of a new KV store.
pub async fn store(c: &Client) -> String {
    ok(c, "CreateStore", json!({"body": {"name": "s"}})).await["id"]
        .as_str()
        .expect("store id")
        .to_string()
}

/// The id of a new project called `name`.
pub async fn project(c: &Client, name: &str) -> String {
    let p = ok(c, "CreateProject", json!({"body": {"name": name}})).await;
    p["id"].as_str().expect("id").to_string()
}

/// `files` for a project of one `index.ts` holding `content`.
pub fn index_ts(content: &str) -> Value {
    json!([{"filename": "index.ts", "content": content}])
}

/// Deploys an `index.ts` holding `content`, as version `version`, to the
/// environment `env` of `project_id` (created when new); the project as
/// DeployProject answers it.
pub async fn deploy(
    c: &Client,
    project_id: &str,
    env: &str,
    content: &str,
    version: &str,
) -> Value {
    ok(
        c,
        "DeployProject",
        json!({"project_id": project_id, "project_env": env,
               "body": {"files": index_ts(content), "labels": {}, "versionName": version}}),
    )
    .await
}

/// The environment called `name` of `project` (a project as the API
/// answers it).
pub fn env_of<'a>(project: &'a Value, name: &str) -> &'a Value {
    project["environments"]
        .as_array()
        .and_then(|envs| envs.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("no environment {name} in {project}"))
}

/// Deploys `project_id` to a new environment `env`; the environment's id.
pub async fn environment(c: &Client, project_id: &str, env: &str) -> String {
    let deployed = deploy(c, project_id, env, "export {}", &format!("v-{env}")).await;
    env_of(&deployed, env)["id"]
        .as_str()
        .expect("environment id")
        .to_string()
}

/// The id of the API-key auth scheme config of [`system`].
pub const KEY_CONFIG: &str = "01J8ZQ4N7G3Y5B2K9T6W1XKEY1";

/// A system with one API-key auth scheme config ([`KEY_CONFIG`]).
pub async fn system(c: &Client, name: &str) -> Value {
    ok(
        c,
        "CreateSystem",
        json!({"body": {"name": name, "domain": format!("{name}.example"),
               "templateBaseUrl": format!("https://api.{name}.example"),
               "authSchemeConfigs": [api_key_config(KEY_CONFIG, "X-Key")]}}),
    )
    .await
}

/// An API-key auth scheme config.
pub fn api_key_config(id: &str, header: &str) -> Value {
    json!({"type": "api-key", "apiKey": {"id": id, "description": header, "name": header, "in": "header"}})
}
