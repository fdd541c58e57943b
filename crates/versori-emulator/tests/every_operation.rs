//! Every operation of the operation table, called with valid arguments
//! against the emulator: none may answer 5xx, each must succeed, and every
//! JSON response must validate against the operation's response schema in
//! `openapi/versori-platform.yaml`.
//!
//! Arguments come from a small world seeded through the facade (a deployed
//! project, a system with a connection, an end user's activation, ...);
//! request bodies are synthesised from each operation's request schema
//! (required members only, ids taken from the world), with a few bodies
//! written out where the emulator's rules need more than the schema says.

mod support;

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};
use support::{env_of, ok, started, ORG};
use versori::Client;
use versori_core::operations::{Location, Method, Operation, OPERATIONS};
const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../openapi/versori-platform.yaml"
);

fn spec() -> Value {
    let text = std::fs::read_to_string(SPEC).expect("the spec is readable");
    serde_saphyr::from_str(&text).expect("the spec is YAML")
}

/// OpenAPI 3.0 schema objects → JSON Schema: `nullable` becomes a type
/// union; OpenAPI-only keywords are dropped.
fn to_json_schema(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if matches!(
                    k.as_str(),
                    "nullable" | "example" | "discriminator" | "xml" | "externalDocs"
                ) {
                    continue;
                }
                out.insert(k.clone(), to_json_schema(v));
            }
            if m.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(t)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// The world the calls refer to: parameter (and body member) name → value.
type World = HashMap<&'static str, Value>;

/// Resolves `$ref` to the schema it names.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            spec,
            spec.pointer(r.trim_start_matches('#'))
                .expect("dangling $ref"),
        ),
        None => schema,
    }
}

/// The world value for a body member, by its name.
fn world_value(world: &World, member: &str) -> Option<Value> {
    let key = match member {
        "systemId" => "system_id",
        "environmentId" | "environment_id" => "environment_id",
        "projectId" | "project_id" => "project_id",
        "connectionTemplateId" => "template_id",
        "userId" => "user_id",
        "recording_id" => "recording_id",
        "activationId" => "activation_id",
        "channel_id" | "channelId" => "channel_id",
        _ => return None,
    };
    world.get(key).cloned()
}

/// A value valid for `schema`: required members only, ids from the world.
fn synthesise(spec: &Value, world: &World, schema: &Value, name: &str) -> Value {
    let schema = resolve(spec, schema);
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut out = Map::new();
        for part in all {
            if let Value::Object(m) = synthesise(spec, world, part, name) {
                out.extend(m);
            }
        }
        return Value::Object(out);
    }
    if let Some(first) = schema
        .get("oneOf")
        .or(schema.get("anyOf"))
        .and_then(|o| o.get(0))
    {
        return synthesise(spec, world, first, name);
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(v) = world_value(world, name) {
        return v;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("uri") => json!("https://example.com/hook"),
            Some("byte") => json!("aGVsbG8="),
            Some("ulid") => json!("01J8ZQ4N7G3Y5B2K9T6W1XSYN7"),
            _ => json!(format!("{name}-value")),
        },
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        _ => {
            let mut out = Map::new();
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in props {
                    if required.contains(&k.as_str()) {
                        out.insert(k.clone(), synthesise(spec, world, v, k));
                    }
                }
            }
            Value::Object(out)
        }
    }
}

/// Bodies the emulator's rules need spelled out.
fn written_body(op: &str, world: &World) -> Option<Value> {
    let w = |k: &str| world.get(k).cloned().unwrap_or(Value::Null);
    Some(match op {
        "ActivateUser" => json!({
            "userId": "every-op-second", "environmentId": w("environment_id"),
            "connections": [{"connectionTemplateId": w("template_id"), "existingConnectionId": w("connection_id")}],
            "dynamicVariables": {"region": "eu"}
        }),
        "SetDynamicVariables" => json!({"region": "us"}),
        // static variables are checked against the project's schema too
        "SetStaticUserVariables" => json!({"region": "eu"}),
        "SetDynamicVariable" => json!({"value": "apac"}),
        "CreateEndUser" => json!({"externalId": "every-op-third"}),
        "DeployProject" => json!({"files": w("files"), "labels": {}, "versionName": ""}),
        "SetKV" => json!({"value": {"status": "shipped"}}),
        "CreateIssue" => json!({
            "projectId": w("project_id"), "environmentId": w("environment_id"), "organisationId": ORG,
            "reason": "manual", "title": "second", "severity": "low"
        }),
        "CreateConnection" => {
            json!({"connectionTemplateId": w("template_id"), "connection": {"name": "second", "credentials": []}})
        }
        "LinkConnectionToEnvironment" | "UnlinkConnectionFromEnvironment" => {
            json!({"connectionTemplateId": w("template_id")})
        }
        "UpdateIntegrationFlow" => {
            json!({"name": "sync-orders", "description": "orders", "spans": []})
        }
        "TranscriptionCreate" | "CreateTranscription" => json!({"recording_id": w("recording_id")}),
        "CreateProjectVersion" => {
            json!({"name": "v2", "files": [{"filename": "index.ts", "content": "webhook('orders');"}]})
        }
        "CloneEnvironment" => {
            json!({"oldEnvName": "production", "newEnvName": "staging", "cloneSystems": true})
        }
        "SyncEnvironments" => json!({"sourceEnvName": "production", "targetEnvName": "production"}),
        "ChangeEnvironmentExecutionPool" => json!({"executionPool": "versori-dedicated"}),
        "IntegrationCallHTTPRequest" | "CallIntegration" => {
            json!({"urlPath": "/orders", "method": "POST", "body": "e30="})
        }
        "LinkSystemActions" => json!([w("action_id")]),
        "LinkSystemTriggers" => json!([w("trigger_id")]),
        "CreateSystemActions" => {
            json!({"projectId": w("project_id"), "actions": [{"name": "list-orders", "type": "http", "method": "GET", "path": "/orders"}]})
        }
        "CreateSystemTriggers" => {
            json!({"triggers": [{"name": "order-created", "method": "POST"}]})
        }
        "InitialiseOAuth2Connection" => json!({
            "credential": {"id": w("credential_id"), "organisationId": ORG},
            "authorizeUrl": "https://crm.example.com/authorize", "clientId": "crm"
        }),
        "UpsertAuthSchemeConfig" => {
            json!({"type": "api-key", "apiKey": {"id": "01J8ZQ4N7G3Y5B2K9T6W1XAP1K", "description": "key", "name": "X-Key", "in": "header"}})
        }
        "PatchProjectVariablesSchema" => {
            json!({"op": "add", "path": "/properties/tier", "value": {"type": "string"}})
        }
        "UpdateAutomation" => {
            json!({"promptTemplate": "Summarise {{input}}", "secrets": [{"name": "token", "value": "s3cret"}]})
        }
        "SetProjectVariablesSchema" => json!({
            "type": "object", "properties": {"region": {"type": "string"}}, "required": ["region"]
        }),
        _ => return None,
    })
}

async fn seed(c: &Client) -> World {
    let mut world = World::new();
    let call = |op: &'static str, args: Value| ok(c, op, args);
    let project = call("CreateProject", json!({"body": {"name": "every-op"}})).await;
    let project_id = project["id"].clone();
    call("SetProjectVariablesSchema", json!({"project_id": project_id, "body": written_body("SetProjectVariablesSchema", &world)})).await;
    let files = json!([{"filename": "index.ts", "content": "schedule('nightly', '0 2 * * *');\nwebhook('orders');"}]);
    let deployed = call("DeployProject", json!({"project_id": project_id, "project_env": "production", "body": {"files": files, "labels": {}, "versionName": "v0"}})).await;
    let env_id = deployed["environments"][0]["id"].clone();
    let system = call("CreateSystem", json!({"body": {"name": "CRM", "domain": "crm.example.com", "templateBaseUrl": "https://crm.example.com", "authSchemeConfigs": []}})).await;
    let system_id = system["id"].clone();
    let auth_id = "01J8ZQ4N7G3Y5B2K9T6W1XAVTH";
    call("UpsertAuthSchemeConfig", json!({"system_id": system_id, "auth_scheme_config_id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV1", "body": {
        "type": "oauth1", "oauth1": {"id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV1", "description": "oauth1", "consumerKey": "k", "consumerSecret": "s", "signatureMethod": "HMAC-SHA1"}}})).await;
    // an OAuth 2.0 grant's client secret goes to a credential the flow names
    let oauth2 = call("UpsertAuthSchemeConfig", json!({"system_id": system_id, "auth_scheme_config_id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV2", "body": {
        "type": "oauth2", "oauth2": {"id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV2", "description": "oauth2", "tokenUrl": "https://crm.example.com/token", "scopes": [], "defaultScopes": [],
        "grant": {"type": "authorizationCode", "authorizationCode": {"clientId": "crm", "clientSecret": "s"}}}}})).await;
    let credential_id = oauth2["oauth2"]["grant"]["authorizationCode"]["credentialId"].clone();
    let template = call("CreateConnectionTemplate", json!({"project_id": project_id, "body": {"systemId": system_id, "name": "crm", "environmentId": env_id}})).await;
    // a template's `id` is its system's; the template's own id is `connectionTemplateId`
    assert_eq!(template["id"], system_id);
    let template_id = template["connectionTemplateId"].clone();
    let connection = call("CreateConnection", json!({"body": {"connectionTemplateId": template_id, "connection": {"name": "CRM", "credentials": []}}})).await;
    let connection_id = connection["id"].clone();
    call(
        "LinkConnectionToEnvironment",
        json!({"connection_id": connection_id, "body": {"connectionTemplateId": template_id}}),
    )
    .await;
    let user = call("CreateEndUser", json!({"body": {"externalId": "every-op"}})).await;
    call(
        "CreateEndUser",
        json!({"body": {"externalId": "every-op-second"}}),
    )
    .await;
    let activation = call("ActivateUser", json!({"body": {
        "userId": "every-op", "environmentId": env_id,
        "connections": [{"connectionTemplateId": template_id, "existingConnectionId": connection_id}],
        "dynamicVariables": {"region": "eu"}}})).await;
    let issue = call("CreateIssue", json!({"body": {"projectId": project_id, "environmentId": env_id, "organisationId": ORG, "reason": "error", "title": "t", "severity": "high"}})).await;
    let channel = call("CreateNotificationChannel", json!({"body": {"name": "ops", "type": "email", "config": {"email": {"to": "ops@example.com"}}}})).await;
    let notification = call("CreateProjectNotification", json!({"project_id": project_id, "body": {"channel_id": channel["id"], "environment_id": env_id, "name": "n"}})).await;
    let store = call("CreateStore", json!({"body": {"name": "every-op"}})).await;
    call(
        "SetKV",
        json!({"store": store["id"], "key": "orders", "body": {"value": {"status": "new"}}}),
    )
    .await;
    let version = call(
        "CreateProjectVersion",
        json!({"project_id": project_id, "body": {"name": "v1", "files": files}}),
    )
    .await;
    let automation = call("CreateAutomation", json!({"body": {"name": "a"}})).await;
    let run = call(
        "RunAutomation",
        json!({"automation_id": automation["id"], "body": {"prompt": "go"}}),
    )
    .await;
    let recording = call("CreateRecording", json!({"automation_id": automation["id"], "body": {"fileName": "r.webm", "contentType": "video/webm"}})).await;
    call("UpdateIntegrationFlow", json!({"project_id": project_id, "flow_name": "sync-orders", "body": {"name": "sync-orders", "description": "d", "spans": []}})).await;
    let actions = call("CreateSystemActions", json!({"system_id": system_id, "body": {"actions": [{"name": "get-order", "type": "http", "method": "GET", "path": "/orders/{id}"}]}})).await;
    let triggers = call("CreateSystemTriggers", json!({"system_id": system_id, "body": {"triggers": [{"name": "order-updated", "method": "POST"}]}})).await;
    let schedulers = call("ListSchedulers", json!({"environment_id": env_id})).await;
    call("StartTestContainer", json!({"project_id": project_id})).await;
    let traces = call("ListTraces", json!({"project_id": project_id})).await;

    world.insert("files", files);
    world.insert("project_id", project_id);
    world.insert("environment_id", env_id);
    world.insert("system_id", system_id);
    world.insert("template_id", template_id.clone());
    world.insert("env_system_id", template_id);
    world.insert("connection_id", connection_id);
    world.insert("user_id", user["id"].clone());
    world.insert("external_user_id", json!("every-op"));
    world.insert("activation_id", activation["id"].clone());
    world.insert("issue_id", issue["id"].clone());
    world.insert("channel_id", channel["id"].clone());
    world.insert("notification_id", notification["id"].clone());
    world.insert("store", store["id"].clone());
    world.insert("key", json!("orders"));
    world.insert("version_id", version["id"].clone());
    world.insert("automation_id", automation["id"].clone());
    world.insert("run_id", run["runId"].clone());
    world.insert("recording_id", recording["id"].clone());
    world.insert("flow_name", json!("sync-orders"));
    world.insert("action_id", actions[0]["id"].clone());
    world.insert("trigger_id", triggers[0]["id"].clone());
    world.insert("scheduler_id", schedulers[0]["id"].clone());
    world.insert("trigger_name", json!("orders"));
    world.insert("trace_id", traces["items"][0]["traceId"].clone());
    world.insert("auth_scheme_config_id", json!(auth_id));
    world.insert("credential_id", credential_id);
    world.insert("variable_name", json!("region"));
    world.insert("project_env", json!("production"));
    world.insert("environment", json!("production"));
    world
}

/// The JSON pointer of `op`'s operation object in the spec
/// (`/paths/<path>/<method>`).
fn spec_pointer(op: &Operation) -> String {
    format!(
        "/paths/{}/{}",
        op.path.replace('~', "~0").replace('/', "~1"),
        op.method.as_str().to_lowercase()
    )
}

/// Deletions (and DeleteEnvironment, a POST) run last, the project's and
/// the system's last of all.
fn order(id: &str, method: Method) -> u8 {
    match (id, method) {
        // a system attached to a project's environment cannot go before the project
        ("DeleteSystem", _) => 4,
        ("DeleteProject", _) => 3,
        ("DeleteEnvironment", _)
        | ("DeleteEndUser", _)
        | ("DeleteConnection", _)
        | ("DeleteNotificationChannel", _) => 2,
        (_, Method::Delete) => 1,
        _ => 0,
    }
}

#[tokio::test]
async fn every_operation_answers_with_a_schema_valid_success() {
    let (_emulator, c) = started().await;
    let spec = spec();
    let schemas = to_json_schema(&spec["components"]);
    let world = seed(&c).await;

    let mut ops: Vec<_> = OPERATIONS.iter().collect();
    ops.sort_by_key(|op| order(op.id, op.method));
    let mut failures: BTreeMap<&str, String> = BTreeMap::new();
    for op in ops {
        let mut args = Map::new();
        for p in op
            .parameters
            .iter()
            .filter(|p| p.location != Location::Header)
        {
            if p.name == "organisation_id" {
                continue;
            }
            // DeleteEnvironment removes a second environment, not the one the world uses
            if op.id == "DeleteEnvironment" && p.name == "environment_id" {
                continue;
            }
            if p.required || p.name == "project_env" {
                let value = world
                    .get(p.name)
                    .cloned()
                    .unwrap_or_else(|| panic!("{}: no world value for {}", op.id, p.name));
                args.insert(p.name.to_string(), value);
            }
        }
        if op.id == "DeleteEnvironment" {
            // the environment CloneEnvironment created
            let project = ok(&c, "GetProject", json!({"project_id": world["project_id"]})).await;
            let staging = env_of(&project, "staging");
            args.insert("environment_id".into(), staging["id"].clone());
        }
        if let Some(body) = op.body {
            let value = written_body(op.id, &world).unwrap_or_else(|| {
                let request = format!(
                    "{}/requestBody/content/application~1json/schema",
                    spec_pointer(op)
                );
                let schema = spec
                    .pointer(&request)
                    .unwrap_or_else(|| panic!("{}: no request schema", op.id));
                synthesise(&spec, &world, schema, body.schema)
            });
            args.insert("body".into(), value);
        }
        let answer = c.call(op.id, Value::Object(args.clone())).await;
        let value = match answer {
            Ok(v) => v,
            Err(e) => {
                assert!(e.status().is_none_or(|s| s < 500), "{} answered {e}", op.id);
                failures.insert(op.id, format!("{e} (args {})", Value::Object(args)));
                continue;
            }
        };
        let Some(response) = op.response else {
            continue;
        };
        let pointer = format!(
            "{}/responses/{}/content/application~1json/schema",
            spec_pointer(op),
            response.status
        );
        let Some(schema) = spec.pointer(&pointer) else {
            continue;
        };
        let mut document = to_json_schema(schema);
        if let Value::Object(m) = &mut document {
            m.insert("components".into(), schemas.clone());
        }
        // formats checked too: every id a ULID, every instant RFC 3339
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .with_format("ulid", is_ulid)
            .build(&document)
            .unwrap_or_else(|e| panic!("{}: the response schema does not compile: {e}", op.id));
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            failures.insert(
                op.id,
                format!(
                    "response does not match its schema: {}\n{value}",
                    errors.join("; ")
                ),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} operation(s) failed:\n{}",
        failures.len(),
        failures
            .iter()
            .map(|(k, v)| format!("- {k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A ULID as the spec means it (26 characters of Crockford's base32, the
/// first at most 7), checked here on its own so that the test does not
/// trust the emulator's rule.
fn is_ulid(s: &str) -> bool {
    s.len() == 26
        && s.starts_with(|c: char| ('0'..='7').contains(&c))
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() && !"ILOUilou".contains(c))
}
