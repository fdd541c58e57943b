//! Responses from a newer platform (enum values and fields this SDK does not
//! know) decode without error, and unknown enum values are kept. One case per
//! tag: an unknown enum value where the tag's responses have an enum, an
//! unknown field where they have none.

mod common;

use common::{client, end_user, Reply, Script};
use std::future::Future;

use serde_json::{json, Value};
use versori::{types, ResponseValue};

const T: &str = "2026-01-01T00:00:00Z";

async fn answering(body: Value) -> (Script, versori::Client) {
    let server = Script::start(vec![Reply::json(200, body)]).await;
    let c = client(&server.url);
    (server, c)
}

/// The value of a typed call, which must decode.
async fn decoded<T>(call: impl Future<Output = versori::Result<ResponseValue<T>>>) -> T {
    call.await.expect("decodes").into_inner()
}

fn environment(state: &str) -> Value {
    json!({
        "id": "env1", "name": "production", "status": "hibernating", "createdAt": T, "updatedAt": T,
        "lastDeployedAt": T, "publicUrl": "https://x", "config": {}, "newField": {"a": 1},
        "deployedVersion": {"id": "v1", "name": "v1", "state": state, "createdAt": T}
    })
}

fn project(state: &str) -> Value {
    json!({
        "id": "p1", "name": "P", "environments": [environment(state)], "createdAt": T, "updatedAt": T,
        "currentFiles": {"files": [], "labels": {}}, "settings": {}, "metadata": {}, "starred": false,
        "aFieldFromTheFuture": true
    })
}

fn auth_scheme(kind: &str) -> Value {
    json!({"type": kind, "quantum": {"qubits": 3}})
}

#[tokio::test]
async fn projects_keep_an_unknown_version_state() {
    let (_s, c) = answering(project("archived")).await;
    let p = decoded(c.projects().get("p1").send()).await;
    let state = &p.environments[0]
        .deployed_version
        .as_ref()
        .expect("version")
        .state;
    assert_eq!(*state, types::VersionState::Other("archived".into()));
    assert_eq!(p.environments[0].status, "hibernating");
}

#[tokio::test]
async fn environments_keep_an_unknown_version_state() {
    let (_s, c) = answering(project("rolled-back")).await;
    let request: types::CloneEnvironmentRequest =
        serde_json::from_value(json!({"oldEnvName": "production", "newEnvName": "staging"}))
            .expect("valid");
    let p = decoded(
        c.environments()
            .clone_environment("p1")
            .body(request)
            .send(),
    )
    .await;
    let state = &p.environments[0]
        .deployed_version
        .as_ref()
        .expect("version")
        .state;
    assert_eq!(state.to_string(), "rolled-back");
}

#[tokio::test]
async fn versions_keep_an_unknown_state() {
    let (_s, c) = answering(json!({"totalCount": 1, "items": [{"id": "v", "name": "v", "state": "archived", "createdAt": T, "extra": 1}]})).await;
    let page = decoded(c.versions().list("p1").send()).await;
    assert_eq!(
        page.items[0].state,
        types::VersionState::Other("archived".into())
    );
}

#[tokio::test]
async fn systems_keep_an_unknown_auth_scheme_type() {
    let (_s, c) = answering(json!({
        "id": "s1", "name": "Quantum CRM", "domain": "q.example", "templateBaseUrl": "https://q",
        "authSchemeConfigs": [auth_scheme("quantum-key")]
    }))
    .await;
    let s = decoded(c.systems().get("s1").send()).await;
    assert_eq!(
        s.auth_scheme_configs[0].type_,
        types::AuthSchemeType::Other("quantum-key".into())
    );
}

#[tokio::test]
async fn connection_templates_keep_an_unknown_auth_scheme_type() {
    let (_s, c) = answering(json!({"totalCount": 1, "items": [{
        "id": "t1", "name": "crm", "domain": "q.example", "dynamic": true, "templateBaseUrl": "https://q",
        "authSchemeConfigs": [auth_scheme("passkey")]
    }]}))
    .await;
    let page = decoded(c.connection_templates().list("p1").send()).await;
    assert_eq!(
        page.items[0].auth_scheme_configs[0].type_.to_string(),
        "passkey"
    );
}

#[tokio::test]
async fn connections_keep_an_unknown_auth_scheme_type() {
    let (_s, c) = answering(json!({
        "id": "c1", "name": "prod", "createdAt": T, "updatedAt": T,
        "credentials": [{"id": "cr1", "authSchemeConfig": auth_scheme("webauthn")}]
    }))
    .await;
    let conn = decoded(c.connections().get("c1").send()).await;
    let scheme = conn.credentials.0[0]
        .auth_scheme_config
        .as_ref()
        .expect("scheme");
    assert_eq!(
        scheme.type_,
        types::AuthSchemeType::Other("webauthn".into())
    );
}

#[tokio::test]
async fn activations_keep_an_unknown_version_state() {
    let (_s, c) =
        answering(json!({"id": "a1", "user": end_user("u"), "environment": environment("paused")}))
            .await;
    let a = decoded(c.activations("env1").get("a1").send()).await;
    let env = a.environment.expect("environment");
    assert_eq!(
        env.deployed_version.expect("version").state.to_string(),
        "paused"
    );
}

#[tokio::test]
async fn automations_keep_an_unknown_run_status() {
    let (_s, c) =
        answering(json!([{"id": "r1", "status": "suspended", "prompt": "p", "executionId": "e1"}]))
            .await;
    let runs = decoded(c.automations().list_runs("a1").send()).await;
    assert_eq!(
        runs[0].status,
        types::AutomationJobStatus::Other("suspended".into())
    );
}

#[tokio::test]
async fn issues_keep_unknown_status_and_reason() {
    let (_s, c) = answering(json!([{
        "id": "i1", "organisationId": "o", "projectId": "p", "environmentId": "e", "status": "snoozed",
        "reason": "cosmic_ray", "message": "m", "title": "t", "labels": {}, "annotations": {},
        "createdAt": T, "lastSeenAt": T, "seenCount": 1, "severity": "catastrophic"
    }]))
    .await;
    let issues = decoded(c.issues().list().send()).await;
    assert_eq!(
        issues[0].status,
        types::IssueStatusEnum::Other("snoozed".into())
    );
    assert_eq!(
        issues[0].reason,
        types::IssueReasonEnum::Other("cosmic_ray".into())
    );
}

#[tokio::test]
async fn end_users_tolerate_unknown_fields() {
    let mut user = end_user("u1");
    user["tier"] = json!("gold");
    let (_s, c) = answering(user).await;
    let u = decoded(c.users().get("u1").send()).await;
    assert_eq!(u.external_id, "u1");
}

#[tokio::test]
async fn schedulers_tolerate_unknown_fields() {
    let (_s, c) = answering(json!({
        "id": "s1", "name": "nightly", "schedule": "0 2 * * *", "url": "https://x/run",
        "environment_id": "env1", "timezone": "Europe/London"
    }))
    .await;
    let s = decoded(c.schedulers().get("env1", "s1").send()).await;
    assert_eq!(s.schedule, "0 2 * * *");
}

#[tokio::test]
async fn notifications_tolerate_unknown_fields() {
    let (_s, c) = answering(json!({"items": [{
        "id": "n1", "organisation_id": "o", "name": "ops", "type": "pager", "config": {"pager": {"x": 1}},
        "created_at": T, "updated_at": T, "muted": false
    }]}))
    .await;
    let list = decoded(c.notifications().list_channels().send()).await;
    assert_eq!(list.items[0].type_, "pager");
}

#[tokio::test]
async fn metrics_tolerate_unknown_fields() {
    let (_s, c) = answering(json!({
        "deployedProjects": {"current": 1}, "totalExecutions": {"current": 2}, "totalErrors": {"current": 0},
        "p99LatencyMs": {"current": 12}
    }))
    .await;
    let m = decoded(c.metrics().organisation_summary().send()).await;
    assert_eq!(m.total_executions.current, 2.0);
}

#[tokio::test]
async fn kv_store_tolerates_unknown_fields() {
    let (_s, c) = answering(json!({"value": {"n": 1}, "versionstamp": "01", "shard": 7})).await;
    let v = decoded(c.kv("s1").get("a/b").send()).await;
    assert_eq!(v.versionstamp.as_deref(), Some("01"));
}

#[tokio::test]
async fn execution_pools_tolerate_unknown_fields() {
    let (_s, c) = answering(
        json!({"executionPools": [{"name": "eu", "region": "europe-west2"}], "default": "eu"}),
    )
    .await;
    let pools = decoded(c.execution_pools().list().send()).await;
    assert_eq!(pools.execution_pools[0].name, "eu");
}
