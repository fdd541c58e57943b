//! Helpers shared by the wire-fidelity scenario tests: a facade client, a
//! raw HTTP client (for what the SDK would never send), and set-up steps.

#![allow(dead_code)]

use serde_json::{json, Value};
use versori::{Client, Error};
use versori_emulator::Emulator;

pub const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X0ORG";
pub const OTHER_ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1XOTHR";

pub fn client(emulator: &Emulator, org: &str) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .organisation(org)
        .api_key("any-key")
        .build()
        .expect("client")
}

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

pub async fn store(c: &Client) -> String {
    ok(c, "CreateStore", json!({"body": {"name": "s"}})).await["id"]
        .as_str()
        .expect("store id")
        .to_string()
}

pub async fn project(c: &Client, name: &str) -> String {
    let p = ok(c, "CreateProject", json!({"body": {"name": name}})).await;
    p["id"].as_str().expect("id").to_string()
}

/// Deploys `project_id` to a new environment `env`; the environment's id.
pub async fn environment(c: &Client, project_id: &str, env: &str) -> String {
    let deployed = ok(
        c,
        "DeployProject",
        json!({"project_id": project_id, "project_env": env,
               "body": {"files": [{"filename": "index.ts", "content": "export {}"}], "labels": {}, "versionName": format!("v-{env}")}}),
    )
    .await;
    deployed["environments"]
        .as_array()
        .and_then(|envs| envs.iter().find(|e| e["name"] == env))
        .and_then(|e| e["id"].as_str())
        .unwrap_or_else(|| panic!("no environment {env} in {deployed}"))
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
