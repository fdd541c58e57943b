//! Scenario tests for the platform's life beyond set-up: versions,
//! environments (clone, sync, suspend, delete), schedulers declared in code,
//! the runtime (calls, the test container, logs, traces, metrics),
//! automations, system actions and triggers, auth scheme configs, and the
//! emulator's validation of request bodies against the spec.

mod support;

use base64::Engine;
use serde_json::{json, Value};
use support::{deploy, env_of, fails, index_ts, ok, project, started, ORG};

#[tokio::test]
async fn versions_round_trip_and_deploy() {
    let (_emulator, c) = started().await;
    let p = project(&c, "versions").await;
    let deployed = deploy(&c, &p, "production", "export const a = 1;", "v1").await;
    assert_eq!(
        env_of(&deployed, "production")["deployedVersion"]["name"],
        "v1"
    );

    let v2 = ok(
        &c,
        "CreateProjectVersion",
        json!({"project_id": p, "body": {
        "name": "v2", "description": "second", "files": index_ts("webhook('orders');")}}),
    )
    .await;
    assert_eq!(v2["state"], "ready");
    let files = ok(
        &c,
        "GetVersionFiles",
        json!({"project_id": p, "version_id": v2["id"]}),
    )
    .await;
    assert_eq!(
        files["files"],
        index_ts("webhook('orders');"),
        "files round-trip"
    );

    let after = ok(
        &c,
        "DeployProjectVersion",
        json!({"project_id": p, "version_id": v2["id"],
        "project_env": "production", "body": {}}),
    )
    .await;
    let production = env_of(&after, "production");
    assert_eq!(production["deployedVersion"]["id"], v2["id"]);
    assert_eq!(production["files"], index_ts("webhook('orders');"));

    let versions = ok(&c, "ListProjectVersions", json!({"project_id": p})).await;
    assert_eq!(versions["totalCount"], 2);
    let states: Vec<(&str, &str)> = versions["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or(""),
                v["state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // the most recent first, as the platform's own client shows them
    assert_eq!(states, [("v2", "ready"), ("v1", "superseded")]);

    // a page at a time: `next` leads to older versions, `prev` back
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["name"].as_str().map(String::from))
            .collect()
    };
    let first = ok(
        &c,
        "ListProjectVersions",
        json!({"project_id": p, "first": 1}),
    )
    .await;
    assert_eq!(names(&first), ["v2"]);
    assert!(first["prev"].is_null());
    let second = ok(
        &c,
        "ListProjectVersions",
        json!({"project_id": p, "first": 1, "after": first["next"]}),
    )
    .await;
    assert_eq!(names(&second), ["v1"]);
    assert!(second["next"].is_null());
    let back = ok(
        &c,
        "ListProjectVersions",
        json!({"project_id": p, "first": 1, "before": second["prev"]}),
    )
    .await;
    assert_eq!(names(&back), ["v2"]);
    assert!(back["prev"].is_null() && back["next"].is_string());

    let err = fails(
        &c,
        "CreateProjectVersion",
        json!({"project_id": p, "body": {"name": "v2", "files": []}}),
    )
    .await;
    assert_eq!(err.status(), Some(409), "{err}");
    let broken = ok(
        &c,
        "CreateProjectVersion",
        json!({"project_id": p, "body": {"name": "v3", "files": index_ts("export const a = (1;")}}),
    )
    .await;
    assert_eq!(broken["state"], "failed");
    let err = fails(&c, "DeployProjectVersion", json!({"project_id": p, "version_id": broken["id"], "project_env": "production", "body": {}})).await;
    assert_eq!(err.status(), Some(422), "{err}");
    let err = fails(
        &c,
        "GetVersionFiles",
        json!({"project_id": p, "version_id": "01J8ZQ4N7G3Y5B2K9T6W1XN0NE"}),
    )
    .await;
    assert_eq!(err.status(), Some(404));

    // validation reports what is wrong, without deploying
    let result = ok(
        &c,
        "ValidateFiles",
        json!({"project_id": p, "body": {"files": index_ts("if (x) {"), "labels": {}}}),
    )
    .await;
    assert_eq!(result["validation"]["success"], false);
    assert!(result["validation"]["error"]
        .as_str()
        .is_some_and(|e| e.contains("unclosed")));
}

#[tokio::test]
async fn environments_clone_sync_suspend_and_delete() {
    let (_emulator, c) = started().await;
    let p = project(&c, "environments").await;
    let deployed = deploy(&c, &p, "production", "webhook('orders');", "v1").await;
    let prod_id = env_of(&deployed, "production")["id"].clone();
    let system = ok(&c, "CreateSystem", json!({"body": {"name": "CRM", "domain": "crm.example.com", "templateBaseUrl": "https://crm.example.com", "authSchemeConfigs": []}})).await;
    ok(&c, "CreateConnectionTemplate", json!({"project_id": p, "body": {"systemId": system["id"], "name": "crm", "environmentId": prod_id}})).await;
    ok(
        &c,
        "SetStaticUserVariables",
        json!({"environment_id": prod_id, "body": {"region": "eu"}}),
    )
    .await;

    let err = fails(&c, "CloneEnvironment", json!({"project_id": p, "body": {"oldEnvName": "production", "newEnvName": "staging", "executionPool": "nope"}})).await;
    assert_eq!(err.status(), Some(422), "unknown pool: {err}");
    let cloned = ok(
        &c,
        "CloneEnvironment",
        json!({"project_id": p, "body": {
        "oldEnvName": "production", "newEnvName": "staging", "cloneSystems": true,
        "copyStaticUserVariables": true, "executionPool": "versori-dedicated"}}),
    )
    .await;
    let staging = env_of(&cloned, "staging").clone();
    assert_eq!(staging["status"], "running");
    assert_eq!(staging["executionPool"], "versori-dedicated");
    assert_eq!(staging["files"], index_ts("webhook('orders');"));
    let templates = ok(
        &c,
        "ListProjectConnectionTemplates",
        json!({"project_id": p, "env_id": staging["id"]}),
    )
    .await;
    assert_eq!(
        templates
            .as_array()
            .map(Vec::len)
            .or(templates["items"].as_array().map(Vec::len)),
        Some(1),
        "cloneSystems copies the templates: {templates}"
    );
    let err = fails(
        &c,
        "CloneEnvironment",
        json!({"project_id": p, "body": {"oldEnvName": "production", "newEnvName": "staging"}}),
    )
    .await;
    assert_eq!(err.status(), Some(409), "the name is taken");

    let pooled = ok(&c, "ChangeEnvironmentExecutionPool", json!({"project_id": p, "project_env": "production", "body": {"executionPool": "versori-dedicated"}})).await;
    assert_eq!(pooled["executionPool"], "versori-dedicated");

    let suspended = ok(
        &c,
        "SuspendProject",
        json!({"project_id": p, "environment": "staging"}),
    )
    .await;
    assert_eq!(env_of(&suspended, "staging")["status"], "suspended");
    let err = fails(&c, "CallIntegration", json!({"project_id": p, "project_env": "staging", "body": {"urlPath": "/orders", "method": "GET"}})).await;
    assert_eq!(
        err.status(),
        Some(422),
        "a suspended environment does not answer: {err}"
    );

    deploy(
        &c,
        &p,
        "production",
        "webhook('orders');\nwebhook('refunds');",
        "v2",
    )
    .await;
    let synced = ok(&c, "SyncEnvironments", json!({"project_id": p, "body": {"sourceEnvName": "production", "targetEnvName": "staging"}})).await;
    let staging_now = env_of(&synced, "staging");
    assert_eq!(staging_now["status"], "running", "sync redeploys");
    assert_eq!(staging_now["deployedVersion"]["name"], "v2");

    let after = ok(
        &c,
        "DeleteEnvironment",
        json!({"project_id": p, "environment_id": staging["id"]}),
    )
    .await;
    assert!(after["environments"]
        .as_array()
        .is_some_and(|e| e.len() == 1));
    let err = fails(
        &c,
        "ListActivations",
        json!({"environment_id": staging["id"]}),
    )
    .await;
    assert_eq!(err.status(), Some(404), "the environment is gone");
}

#[tokio::test]
async fn schedulers_come_from_code_and_runs_leave_logs_traces_and_metrics() {
    let (_emulator, c) = started().await;
    let p = project(&c, "runtime").await;
    let deployed = deploy(
        &c,
        &p,
        "production",
        "schedule('nightly', '0 2 * * *');\nwebhook('orders');",
        "v1",
    )
    .await;
    let env_id = env_of(&deployed, "production")["id"].clone();

    let schedulers = ok(&c, "ListSchedulers", json!({"environment_id": env_id})).await;
    let nightly = schedulers[0].clone();
    assert_eq!(
        (nightly["name"].as_str(), nightly["schedule"].as_str()),
        (Some("nightly"), Some("0 2 * * *"))
    );
    assert_eq!(schedulers.as_array().map(Vec::len), Some(1));
    let got = ok(
        &c,
        "GetScheduler",
        json!({"environment_id": env_id, "scheduler_id": nightly["id"]}),
    )
    .await;
    assert_eq!(got, nightly);
    ok(
        &c,
        "TriggerScheduler",
        json!({"environment_id": env_id, "scheduler_id": nightly["id"]}),
    )
    .await;

    let call = ok(
        &c,
        "CallIntegration",
        json!({"project_id": p, "project_env": "production",
        "body": {"urlPath": "/orders", "method": "POST", "body": "eyJpZCI6MX0="}}),
    )
    .await;
    assert_eq!(call["status"], 200);
    let echoed = base64::engine::general_purpose::STANDARD
        .decode(call["body"].as_str().expect("body"))
        .expect("base64");
    let echoed: Value = serde_json::from_slice(&echoed).expect("json");
    assert_eq!(
        (echoed["urlPath"].as_str(), echoed["emulated"].as_bool()),
        (Some("/orders"), Some(true))
    );

    let logs = ok(
        &c,
        "GetProjectLogs",
        json!({"project_id": p, "project_env": "production"}),
    )
    .await;
    let messages: Vec<&str> = logs["logs"]
        .as_array()
        .expect("logs")
        .iter()
        .filter_map(|l| l["message"].as_str())
        .collect();
    // runtime logs (the deployment's line is a build log: `build=true`)
    assert_eq!(messages.len(), 2, "scheduler, call: {messages:?}");
    assert!(messages[0].contains("nightly"));
    let searched = ok(&c, "SearchProjectLogs", json!({"project_id": p, "body": {
        "filters": [{"match": "reg_eq", "field": "workflow", "value": "^night"}], "order": "desc"}}))
    .await;
    assert_eq!(searched["logs"].as_array().map(Vec::len), Some(1));
    let paged = ok(&c, "GetProjectLogs", json!({"project_id": p, "first": 1})).await;
    assert_eq!(paged["nextToken"], "1");
    let err = fails(
        &c,
        "SearchProjectLogs",
        json!({"project_id": p, "body": {"filters": [{"match": "reg_eq", "value": "("}]}}),
    )
    .await;
    assert_eq!(
        err.status(),
        Some(400),
        "a bad regex is the caller's error: {err}"
    );

    let traces = ok(
        &c,
        "ListTraces",
        json!({"project_id": p, "task": "nightly"}),
    )
    .await;
    let trace_id = traces["items"][0]["traceId"].clone();
    let trace = ok(
        &c,
        "GetTrace",
        json!({"project_id": p, "trace_id": trace_id}),
    )
    .await;
    assert_eq!(trace["spans"][0]["name"], "nightly");

    let metrics = ok(&c, "GetProjectMetricsSummary", json!({})).await;
    assert_eq!(
        metrics["items"][&p]["totalExecutions"]["current"], 2,
        "the trigger and the call ran"
    );

    // redeploying without the declaration removes the scheduler
    deploy(&c, &p, "production", "webhook('orders');", "v2").await;
    let none = ok(&c, "ListSchedulers", json!({"environment_id": env_id})).await;
    assert_eq!(none, json!([]));
    let err = fails(
        &c,
        "TriggerScheduler",
        json!({"environment_id": env_id, "scheduler_id": nightly["id"]}),
    )
    .await;
    assert_eq!(err.status(), Some(404));
    // the platform's own client passes the path as given (`--path sync-orders`)
    let call = ok(
        &c,
        "CallIntegration",
        json!({"project_id": p, "project_env": "production",
        "body": {"urlPath": "sync-orders/7", "method": "PUT"}}),
    )
    .await;
    let echoed = base64::engine::general_purpose::STANDARD
        .decode(call["body"].as_str().expect("body"))
        .expect("base64");
    let echoed: Value = serde_json::from_slice(&echoed).expect("json");
    assert_eq!(
        echoed["urlPath"], "/sync-orders/7",
        "relative to the environment"
    );
}

#[tokio::test]
async fn the_test_container_runs_declared_triggers() {
    let (_emulator, c) = started().await;
    let p = project(&c, "testing").await;
    ok(
        &c,
        "UpdateFiles",
        json!({"project_id": p, "body": {"files": index_ts("webhook('orders');"), "labels": {}}}),
    )
    .await;
    let err = fails(
        &c,
        "TriggerWorkflow",
        json!({"project_id": p, "trigger_name": "orders", "body": {}}),
    )
    .await;
    assert_eq!(err.status(), Some(422), "not started: {err}");
    let started = ok(&c, "StartTestContainer", json!({"project_id": p})).await;
    assert_eq!(started["containerRunning"], true);
    assert_eq!(started["triggers"][0]["name"], "orders");
    let err = fails(
        &c,
        "TriggerWorkflow",
        json!({"project_id": p, "trigger_name": "refunds", "body": {}}),
    )
    .await;
    assert_eq!(err.status(), Some(404));
    let ran = ok(
        &c,
        "TriggerWorkflow",
        json!({"project_id": p, "trigger_name": "orders", "body": {"payload": "{\"id\":1}"}}),
    )
    .await;
    assert_eq!(ran["status"], "200");
}

#[tokio::test]
async fn automations_keep_runs_recordings_and_transcriptions() {
    let (_emulator, c) = started().await;
    let a = ok(
        &c,
        "CreateAutomation",
        json!({"body": {"name": "triage", "promptTemplate": "Triage {{issue}}"}}),
    )
    .await;
    let id = a["id"].clone();
    let updated = ok(
        &c,
        "UpdateAutomation",
        json!({"automation_id": id, "body": {"secrets": [{"name": "token", "value": "s3cret"}]}}),
    )
    .await;
    assert_eq!(updated["secretNames"], json!(["token"]));
    assert!(
        !updated.to_string().contains("s3cret"),
        "secret values are never returned"
    );
    let err = fails(
        &c,
        "UpdateAutomation",
        json!({"automation_id": id, "body": {"secrets": [{"value": "x"}]}}),
    )
    .await;
    assert_eq!(err.status(), Some(400), "a secret needs a name");

    let run = ok(
        &c,
        "RunAutomation",
        json!({"automation_id": id, "body": {"prompt": "go"}}),
    )
    .await;
    let runs = ok(&c, "ListAutomationRuns", json!({"automation_id": id})).await;
    assert_eq!(runs[0]["id"], run["runId"]);
    let got = ok(
        &c,
        "GetAutomationRun",
        json!({"automation_id": id, "run_id": run["runId"]}),
    )
    .await;
    assert_eq!(got["status"], "completed");

    let rec = ok(&c, "CreateRecording", json!({"automation_id": id, "body": {"fileName": "demo.webm", "contentType": "video/webm"}})).await;
    assert!(rec["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    let pending = ok(
        &c,
        "GetRecording",
        json!({"automation_id": id, "recording_id": rec["id"]}),
    )
    .await;
    assert_eq!(pending["status"], "pending");
    let err = fails(&c, "CreateTranscription", json!({"automation_id": id, "recording_id": rec["id"], "body": {"recording_id": "01J8ZQ4N7G3Y5B2K9T6W1X0THR"}})).await;
    assert_eq!(
        err.status(),
        Some(400),
        "body and path must name the same recording"
    );
    let done = ok(&c, "CreateTranscription", json!({"automation_id": id, "recording_id": rec["id"], "body": {"recording_id": rec["id"]}})).await;
    assert_eq!(done["status"], "completed");
    let listed = ok(&c, "ListRecordings", json!({"automation_id": id})).await;
    assert_eq!(listed[0]["status"], "completed");
    let all = ok(&c, "ListAutomations", json!({})).await;
    assert_eq!(all.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn system_actions_triggers_and_auth_schemes() {
    let (_emulator, c) = started().await;
    let p = project(&c, "actions").await;
    let system = ok(&c, "CreateSystem", json!({"body": {"name": "Shop", "domain": "shop.example.com", "templateBaseUrl": "https://shop.example.com", "authSchemeConfigs": []}})).await;
    let sid = system["id"].clone();
    let actions = ok(
        &c,
        "CreateSystemActions",
        json!({"system_id": sid, "body": {"actions": [
        {"name": "list-orders", "type": "http", "method": "GET", "path": "/orders"},
        {"name": "get-order", "type": "http", "method": "GET", "path": "/orders/{id}"}]}}),
    )
    .await;
    let first = actions[0]["id"].clone();
    ok(
        &c,
        "LinkSystemActions",
        json!({"system_id": sid, "project_id": p, "body": [first]}),
    )
    .await;
    let in_project = json!({"system_id": sid, "project_id": p});
    let linked = ok(&c, "ListSystemActions", in_project.clone()).await;
    assert_eq!(linked["totalCount"], 1);
    let all = ok(&c, "ListSystemActions", json!({"system_id": sid})).await;
    assert_eq!(all["totalCount"], 2);
    let err = fails(
        &c,
        "LinkSystemActions",
        json!({"system_id": sid, "project_id": p, "body": ["01J8ZQ4N7G3Y5B2K9T6W1XN0NE"]}),
    )
    .await;
    assert_eq!(err.status(), Some(422), "{err}");
    let mut changed = actions[1].clone();
    changed["summary"] = json!("One order");
    let updated = ok(
        &c,
        "UpdateSystemAction",
        json!({"system_id": sid, "action_id": changed["id"], "body": changed}),
    )
    .await;
    assert_eq!(updated["summary"], "One order");
    let deleted = json!({"system_id": sid, "action_id": first});
    ok(&c, "DeleteSystemAction", deleted.clone()).await;
    let err = fails(&c, "GetSystemAction", deleted).await;
    assert_eq!(err.status(), Some(404));

    let triggers = ok(&c, "CreateSystemTriggers", json!({"system_id": sid, "body": {"projectId": p, "triggers": [{"name": "order-created", "method": "POST"}]}})).await;
    assert_eq!(triggers[0]["type"], "http");
    let listed = ok(&c, "ListSystemTriggers", in_project).await;
    assert_eq!(listed["triggers"][0]["name"], "order-created");

    let config_id = "01J8ZQ4N7G3Y5B2K9T6W1XAP1K";
    let cfg = ok(&c, "UpsertAuthSchemeConfig", json!({"system_id": sid, "auth_scheme_config_id": config_id, "body": {
        "type": "api-key", "apiKey": {"id": "01J8ZQ4N7G3Y5B2K9T6W1X1GN0", "description": "key", "name": "X-Key", "in": "header"}}}))
    .await;
    assert_eq!(cfg["apiKey"]["id"], config_id, "the path names the config");
    ok(&c, "UpsertAuthSchemeConfig", json!({"system_id": sid, "auth_scheme_config_id": config_id, "body": {
        "type": "api-key", "apiKey": {"id": config_id, "description": "renamed", "name": "X-Key", "in": "header"}}}))
    .await;
    let got = ok(&c, "GetSystem", json!({"system_id": sid})).await;
    assert_eq!(
        got["authSchemeConfigs"].as_array().map(Vec::len),
        Some(1),
        "upsert replaces"
    );
    assert_eq!(
        got["authSchemeConfigs"][0]["apiKey"]["description"],
        "renamed"
    );
    let err = fails(&c, "InitialiseOAuth1Connection", json!({"system_id": sid, "body": {"credential": {"id": "01J8ZQ4N7G3Y5B2K9T6W1XCRED", "organisationId": ORG}}})).await;
    assert_eq!(err.status(), Some(422), "no oauth1 config: {err}");
    let oauth2 = ok(&c, "UpsertAuthSchemeConfig", json!({"system_id": sid, "auth_scheme_config_id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV2", "body": {
        "type": "oauth2", "oauth2": {"id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV2", "description": "o", "tokenUrl": "https://auth.example.com/token",
        "scopes": [], "defaultScopes": [], "grant": {"type": "authorizationCode", "authorizationCode": {"clientId": "abc", "clientSecret": "s"}}}}}))
    .await;
    let credential = &oauth2["oauth2"]["grant"]["authorizationCode"]["credentialId"];
    let oauth = ok(&c, "InitialiseOAuth2Connection", json!({"system_id": sid, "body": {
        "credential": {"id": credential, "organisationId": ORG}, "authorizeUrl": "https://auth.example.com/authorize", "clientId": "abc",
        "scopes": ["read", "write"], "redirectUrl": "https://app.example.com/cb"}}))
    .await;
    let url = oauth["url"].as_str().expect("url");
    assert!(
        url.starts_with("https://auth.example.com/authorize?response_type=code&client_id=abc"),
        "{url}"
    );
    assert!(url.contains("scope=read+write"), "{url}");
    let config = json!({"system_id": sid, "auth_scheme_config_id": config_id});
    ok(&c, "DeleteAuthSchemeConfig", config.clone()).await;
    let err = fails(&c, "DeleteAuthSchemeConfig", config).await;
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn request_bodies_are_checked_against_the_spec() {
    let (_emulator, c) = started().await;
    let err = fails(&c, "CreateAutomation", json!({"body": {"name": 7}})).await;
    assert_eq!(err.status(), Some(400));
    assert!(
        err.to_string().contains("name: 7 is not of type"),
        "names the member: {err}"
    );
    let p = project(&c, "schema").await;
    let deployed = deploy(&c, &p, "production", "", "v1").await;
    let env_id = env_of(&deployed, "production")["id"].clone();
    let err = fails(
        &c,
        "CreateIssue",
        json!({"body": {"projectId": p, "environmentId": env_id,
        "organisationId": ORG, "reason": "because", "severity": "high", "title": "t"}}),
    )
    .await;
    assert_eq!(
        err.status(),
        Some(400),
        "an unknown enum value in a request is refused: {err}"
    );
    assert!(
        err.to_string()
            .contains("reason: \"because\" is not one of"),
        "{err}"
    );

    // the variable schema takes JSON Patch operations
    ok(&c, "SetProjectVariablesSchema", json!({"project_id": p, "body": {"type": "object", "properties": {"a": {"type": "string"}}}})).await;
    let added = ok(&c, "PatchProjectVariablesSchema", json!({"project_id": p, "body": {"op": "add", "path": "/properties/b", "value": {"type": "integer"}}})).await;
    assert_eq!(added["properties"]["b"]["type"], "integer");
    let replaced = ok(&c, "PatchProjectVariablesSchema", json!({"project_id": p, "body": {"op": "replace", "path": "/properties/a", "value": {"type": "boolean"}}})).await;
    assert_eq!(replaced["properties"]["a"]["type"], "boolean");
    let removed = ok(
        &c,
        "PatchProjectVariablesSchema",
        json!({"project_id": p, "body": {"op": "remove", "path": "/properties/b"}}),
    )
    .await;
    assert!(removed["properties"].get("b").is_none());
    // the schema is the project's own: GetProject shows it, a clone keeps it
    let shown = ok(&c, "GetProject", json!({"project_id": p})).await;
    assert_eq!(shown["dynamicVariablesSchema"], removed);
    let copy = ok(&c, "CloneProject", json!({"project_id": p})).await;
    assert_eq!(copy["dynamicVariablesSchema"], removed);
    let copy_id = copy["id"].as_str().unwrap_or_default().to_string();
    let got = ok(
        &c,
        "GetProjectVariablesSchema",
        json!({"project_id": copy_id}),
    )
    .await;
    assert_eq!(got, removed);
    let err = fails(
        &c,
        "PatchProjectVariablesSchema",
        json!({"project_id": p, "body": {"op": "remove", "path": "/properties/zzz"}}),
    )
    .await;
    assert_eq!(err.status(), Some(400), "{err}");
    let err = fails(
        &c,
        "PatchProjectVariablesSchema",
        json!({"project_id": p, "body": {"op": "move", "path": "/a"}}),
    )
    .await;
    assert_eq!(err.status(), Some(400), "only add, remove and replace");
}
