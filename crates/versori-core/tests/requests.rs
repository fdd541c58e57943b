//! One representative operation per tag: the generated client sends the
//! right method, path, query and body, and decodes the answer. The mocks come
//! from `versori-httpmock`, whose matchers already pin method and path; the
//! exact JSON body is pinned on top with httpmock's own matcher.

use httpmock::MockServer;
use serde_json::json;
use versori_core::prelude::*;
use versori_core::{types, Client};
use versori_httpmock::MockServerExt;

const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";
const PROJECT: &str = "01J8ZQ4N7G3Y5B2K9T6W1XPR0J";
const ENV: &str = "01J8ZQ4N7G3Y5B2K9T6W1X0ENV";
const T0: &str = "2026-01-02T03:04:05Z";

fn client(server: &MockServer) -> Client {
    Client::new(&server.base_url(), versori_core::hooks::Hooks::none())
}

fn end_user(external_id: &str) -> serde_json::Value {
    json!({
        "id": "01J8ZQ4N7G3Y5B2K9T6W1XVSER", "externalId": external_id, "displayName": "",
        "organisationId": ORG, "createdAt": T0, "updatedAt": T0
    })
}

fn environment() -> serde_json::Value {
    json!({
        "id": ENV, "name": "production", "status": "running", "createdAt": T0, "updatedAt": T0,
        "lastDeployedAt": T0, "publicUrl": "https://example.invalid/production", "config": {}
    })
}

#[tokio::test]
async fn projects_create_project_posts_its_body() {
    let server = MockServer::start_async().await;
    let mock = server.create_project(|when, then| {
        when.organisation_id(ORG)
            .into_inner()
            .json_body(json!({"name": "Order Sync"}));
        then.into_inner().status(200).json_body(json!({
            "id": PROJECT, "name": "Order Sync", "environments": [], "createdAt": T0,
            "updatedAt": T0, "currentFiles": {"files": [], "labels": {}}, "settings": {},
            "metadata": {}, "starred": false
        }));
    });
    let result = client(&server)
        .create_project()
        .organisation_id(ORG)
        .body(types::ProjectCreate::builder().name("Order Sync"))
        .send()
        .await;
    mock.assert_async().await;
    let project = result.expect("decodes").into_inner();
    assert_eq!(project.name, "Order Sync");
    assert_eq!(project.id, PROJECT);
}

#[tokio::test]
async fn environments_patch_environment_config_sends_patch() {
    let server = MockServer::start_async().await;
    let mock = server.patch_environment_config(|when, then| {
        when.organisation_id(ORG)
            .environment_id(ENV)
            .into_inner()
            .json_body(json!({"deploymentSpec": {"replicas": 2}}));
        then.into_inner().status(204);
    });
    let body: types::EnvironmentConfig =
        serde_json::from_value(json!({"deploymentSpec": {"replicas": 2}})).expect("valid config");
    let result = client(&server)
        .patch_environment_config()
        .organisation_id(ORG)
        .environment_id(ENV)
        .body(body)
        .send()
        .await;
    mock.assert_async().await;
    assert_eq!(result.expect("204").status().as_u16(), 204);
}

#[tokio::test]
async fn versions_list_project_versions_pages_with_cursors() {
    let server = MockServer::start_async().await;
    let mock = server.list_project_versions(|when, then| {
        when.organisation_id(ORG).project_id(PROJECT).first(2).after("cursor-1");
        then.into_inner().status(200).json_body(json!({
            "totalCount": 3, "next": "cursor-2", "prev": "cursor-0",
            "items": [
                {"id": "01J8ZQ4N7G3Y5B2K9T6W1XVER1", "name": "v1", "state": "ready", "createdAt": T0},
                {"id": "01J8ZQ4N7G3Y5B2K9T6W1XVER2", "name": "v2", "state": "ready", "createdAt": T0}
            ]
        }));
    });
    let page = client(&server)
        .list_project_versions()
        .organisation_id(ORG)
        .project_id(PROJECT)
        .first(2)
        .after("cursor-1")
        .send()
        .await;
    mock.assert_async().await;
    let page = page.expect("decodes").into_inner();
    assert_eq!(page.total_count, 3);
    assert_eq!(page.next.as_deref(), Some("cursor-2"));
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].name, "v2");
}

#[tokio::test]
async fn systems_list_systems_sends_search_and_decodes_a_page() {
    let server = MockServer::start_async().await;
    let mock = server.list_systems(|when, then| {
        when.organisation_id(ORG).search("sales").first(None);
        then.into_inner().status(200).json_body(json!({
            "totalCount": 1,
            "items": [{
                "id": "01J8ZQ4N7G3Y5B2K9T6W1XSYS1", "name": "Salesforce", "domain": "salesforce.com",
                "templateBaseUrl": "https://{instance}.salesforce.com", "authSchemeConfigs": []
            }]
        }));
    });
    let page = client(&server)
        .list_systems()
        .organisation_id(ORG)
        .search("sales")
        .send()
        .await;
    mock.assert_async().await;
    let page = page.expect("decodes").into_inner();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.next, None);
    assert_eq!(page.items[0].domain, "salesforce.com");
}

#[tokio::test]
async fn connection_templates_create_links_a_system() {
    let server = MockServer::start_async().await;
    let mock = server.create_connection_template(|when, then| {
        when.organisation_id(ORG).project_id(PROJECT).into_inner().json_body(json!({
            "systemId": "01J8ZQ4N7G3Y5B2K9T6W1XSYS1", "name": "crm", "environmentId": ENV, "dynamic": true
        }));
        then.into_inner().status(200).json_body(json!({
            "id": "01J8ZQ4N7G3Y5B2K9T6W1XTMP1", "name": "crm", "domain": "salesforce.com", "dynamic": true,
            "templateBaseUrl": "https://x", "authSchemeConfigs": []
        }));
    });
    let result = client(&server)
        .create_connection_template()
        .organisation_id(ORG)
        .project_id(PROJECT)
        .body(
            types::LinkSystem::builder()
                .system_id("01J8ZQ4N7G3Y5B2K9T6W1XSYS1")
                .name("crm")
                .environment_id(ENV)
                .dynamic(Some(true)),
        )
        .send()
        .await;
    mock.assert_async().await;
    assert!(result.expect("decodes").into_inner().dynamic);
}

#[tokio::test]
async fn connections_list_connections_filters_by_system() {
    let server = MockServer::start_async().await;
    let mock = server.list_connections(|when, then| {
        when.organisation_id(ORG)
            .into_inner()
            .query_param("system_id", "01J8ZQ4N7G3Y5B2K9T6W1XSYS1");
        then.into_inner().status(200).json_body(json!({
            "totalCount": 1,
            "items": [{
                "id": "01J8ZQ4N7G3Y5B2K9T6W1XC0NN", "name": "Salesforce-Prod",
                "credentials": [], "createdAt": T0, "updatedAt": T0
            }]
        }));
    });
    let page = client(&server)
        .list_connections()
        .organisation_id(ORG)
        .system_id("01J8ZQ4N7G3Y5B2K9T6W1XSYS1")
        .send()
        .await;
    mock.assert_async().await;
    let page = page.expect("decodes").into_inner();
    assert_eq!(page.items[0].name, "Salesforce-Prod");
}

#[tokio::test]
async fn end_users_create_end_user_answers_201() {
    let server = MockServer::start_async().await;
    let mock = server.create_end_user(|when, then| {
        when.organisation_id(ORG)
            .into_inner()
            .json_body(json!({"externalId": "customer-123", "displayName": "Customer ABC"}));
        then.into_inner()
            .status(201)
            .json_body(end_user("customer-123"));
    });
    let user = client(&server)
        .create_end_user()
        .organisation_id(ORG)
        .body(
            types::EndUserCreate::builder()
                .external_id("customer-123")
                .display_name(Some("Customer ABC".to_string())),
        )
        .send()
        .await;
    mock.assert_async().await;
    let user = user.expect("decodes");
    assert_eq!(user.status().as_u16(), 201);
    assert_eq!(user.external_id, "customer-123");
}

#[tokio::test]
async fn end_users_list_decodes_the_users_page() {
    let server = MockServer::start_async().await;
    let mock = server.list_end_users(|when, then| {
        when.organisation_id(ORG)
            .search("customer")
            .activated(true)
            .environment_id(ENV);
        then.into_inner().status(200).json_body(json!({
            "totalCount": 2, "next": "n",
            "users": [end_user("customer-1"), end_user("customer-2")]
        }));
    });
    let page = client(&server)
        .list_end_users()
        .organisation_id(ORG)
        .search("customer")
        .activated(true)
        .environment_id(ENV)
        .send()
        .await;
    mock.assert_async().await;
    let page = page.expect("decodes").into_inner();
    assert_eq!(page.total_count, 2);
    assert_eq!(page.users[1].external_id, "customer-2");
}

#[tokio::test]
async fn activations_activate_user_sends_connections_and_variables() {
    let server = MockServer::start_async().await;
    let body = json!({
        "userId": "customer-123",
        "environmentId": ENV,
        "connections": [{
            "connectionTemplateId": "01J8ZQ4N7G3Y5B2K9T6W1XTMP1",
            "existingConnectionId": "01J8ZQ4N7G3Y5B2K9T6W1XC0NN"
        }],
        "dynamicVariables": {"apiKey": "xyz123", "region": "us-east-1"}
    });
    let mock = server.activate_user(|when, then| {
        when.organisation_id(ORG)
            .into_inner()
            .json_body(body.clone());
        then.into_inner().status(200).json_body(json!({
            "id": "01J8ZQ4N7G3Y5B2K9T6W1XACTV",
            "user": end_user("customer-123"),
            "environment": environment(),
            "dynamicVariables": {"apiKey": "xyz123", "region": "us-east-1"}
        }));
    });
    let create: types::ActivationCreate = serde_json::from_value(body.clone()).expect("valid");
    let activation = client(&server)
        .activate_user()
        .organisation_id(ORG)
        .body(create)
        .send()
        .await;
    mock.assert_async().await;
    let activation = activation.expect("decodes").into_inner();
    assert_eq!(activation.user.external_id, "customer-123");
    let env = activation.environment.expect("environment present");
    assert_eq!(env.name, "production");
}

#[tokio::test]
async fn activations_list_decodes_a_bare_array() {
    let server = MockServer::start_async().await;
    let mock = server.list_activations(|when, then| {
        when.organisation_id(ORG).environment_id(ENV).static_(false);
        then.into_inner().status(200).json_body(json!([
            {"id": "01J8ZQ4N7G3Y5B2K9T6W1XACT1", "user": end_user("a")},
            {"id": "01J8ZQ4N7G3Y5B2K9T6W1XACT2", "user": end_user("b")}
        ]));
    });
    let list = client(&server)
        .list_activations()
        .organisation_id(ORG)
        .environment_id(ENV)
        .static_(false)
        .send()
        .await;
    mock.assert_async().await;
    let list = list.expect("decodes").into_inner();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].user.external_id, "b");
}

#[tokio::test]
async fn automations_run_automation_answers_202() {
    let server = MockServer::start_async().await;
    let mock = server.run_automation(|when, then| {
        when.organisation_id(ORG)
            .automation_id("01J8ZQ4N7G3Y5B2K9T6W1XAVT0")
            .into_inner()
            .json_body(json!({"prompt": "Export yesterday's orders", "maxSteps": 10}));
        then.into_inner()
            .status(202)
            .json_body(json!({"runId": "01J8ZQ4N7G3Y5B2K9T6W1XRVN1"}));
    });
    let run = client(&server)
        .run_automation()
        .organisation_id(ORG)
        .automation_id("01J8ZQ4N7G3Y5B2K9T6W1XAVT0")
        .body(
            types::AutomationRunCreate::builder()
                .prompt("Export yesterday's orders")
                .max_steps(Some(10)),
        )
        .send()
        .await;
    mock.assert_async().await;
    let run = run.expect("decodes");
    assert_eq!(run.status().as_u16(), 202);
    assert_eq!(run.run_id, "01J8ZQ4N7G3Y5B2K9T6W1XRVN1");
}

#[tokio::test]
async fn schedulers_trigger_scheduler_posts_without_body() {
    let server = MockServer::start_async().await;
    let mock = server.trigger_scheduler(|when, then| {
        when.organisation_id(ORG)
            .environment_id(ENV)
            .scheduler_id("01J8ZQ4N7G3Y5B2K9T6W1XSCHD");
        then.into_inner().status(204);
    });
    let result = client(&server)
        .trigger_scheduler()
        .organisation_id(ORG)
        .environment_id(ENV)
        .scheduler_id("01J8ZQ4N7G3Y5B2K9T6W1XSCHD")
        .send()
        .await;
    mock.assert_async().await;
    assert_eq!(result.expect("204").status().as_u16(), 204);
}

#[tokio::test]
async fn issues_list_issues_sends_enum_filters() {
    let server = MockServer::start_async().await;
    let mock = server.list_issues(|when, then| {
        when.organisation_id(ORG)
            .into_inner()
            .query_param("status", "open")
            .query_param("severity", "high")
            .query_param("project_id", PROJECT)
            .query_param("first", "5");
        then.into_inner().status(200).json_body(json!([{
            "id": "01J8ZQ4N7G3Y5B2K9T6W1X1SSV", "organisationId": ORG, "projectId": PROJECT,
            "environmentId": ENV, "status": "open", "reason": "error", "message": "boom",
            "title": "Sync failed", "labels": {}, "annotations": {}, "createdAt": T0,
            "lastSeenAt": T0, "seenCount": 3, "severity": "high"
        }]));
    });
    let issues = client(&server)
        .list_issues()
        .organisation_id(ORG)
        .status(types::IssueStatusEnum::Open)
        .severity(types::IssueSeverityEnum::High)
        .project_id(PROJECT)
        .first(5)
        .send()
        .await;
    mock.assert_async().await;
    let issues = issues.expect("decodes").into_inner();
    assert_eq!(issues[0].status, types::IssueStatusEnum::Open);
    assert_eq!(issues[0].seen_count, 3);
}

#[tokio::test]
async fn notifications_use_the_org_prefixed_path() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path(format!("/o/{ORG}/projects/{PROJECT}/notifications"))
            .json_body(json!({
                "channel_id": "01J8ZQ4N7G3Y5B2K9T6W1XCHAN", "environment_id": ENV, "name": "on-call"
            }));
        then.status(201).json_body(json!({
            "id": "01J8ZQ4N7G3Y5B2K9T6W1XN0TE", "project_id": PROJECT, "environment_id": ENV,
            "channel_id": "01J8ZQ4N7G3Y5B2K9T6W1XCHAN", "created_at": T0, "name": "on-call",
            "channelName": "ops email", "config": {}
        }));
    });
    let created = client(&server)
        .create_project_notification()
        .organisation_id(ORG)
        .project_id(PROJECT)
        .body(
            types::CreateProjectNotification::builder()
                .channel_id("01J8ZQ4N7G3Y5B2K9T6W1XCHAN")
                .environment_id(ENV)
                .name("on-call"),
        )
        .send()
        .await;
    mock.assert_async().await;
    assert_eq!(created.expect("decodes").channel_name, "ops email");
}

#[tokio::test]
async fn metrics_get_organisation_summary() {
    let server = MockServer::start_async().await;
    let mock = server.get_organisation_metrics_summary(|when, then| {
        when.organisation_id(ORG);
        then.into_inner().status(200).json_body(json!({
            "deployedProjects": {"current": 3, "past": 2},
            "totalExecutions": {"current": 1200.0},
            "totalErrors": {"current": 4}
        }));
    });
    let summary = client(&server)
        .get_organisation_metrics_summary()
        .organisation_id(ORG)
        .send()
        .await;
    mock.assert_async().await;
    let summary = summary.expect("decodes").into_inner();
    assert_eq!(summary.deployed_projects.current, 3.0);
    assert_eq!(summary.total_executions.past, None);
}

#[tokio::test]
async fn kv_store_set_kv_puts_a_value_under_a_key() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(httpmock::Method::PUT)
            .path("/store/01J8ZQ4N7G3Y5B2K9T6W1XST0R/kv/products/123")
            .json_body(json!({"value": {"stock": 7}}));
        then.status(200)
            .json_body(json!({"versionstamp": "0001", "ok": true}));
    });
    let body: types::SetKvBody =
        serde_json::from_value(json!({"value": {"stock": 7}})).expect("valid");
    let result = client(&server)
        .set_kv()
        .store("01J8ZQ4N7G3Y5B2K9T6W1XST0R")
        .key("products/123")
        .body(body)
        .send()
        .await;
    mock.assert_async().await;
    let result = result.expect("decodes").into_inner();
    assert_eq!(result.versionstamp.as_deref(), Some("0001"));
}

/// The generated builders send a KV key as the platform's official client
/// does: segments with literal slashes between them, each escaped alone;
/// the generated mocks match such keys.
#[tokio::test]
async fn kv_store_keys_travel_segment_by_segment() {
    let cases = [
        ("orders", "orders"),
        ("orders/1042", "orders/1042"),
        ("a/b/c/d/e", "a/b/c/d/e"),
        (
            "with space/50%/what?/#tag",
            "with%20space/50%25/what%3F/%23tag",
        ),
        ("caf\u{e9}/\u{2713}", "caf%C3%A9/%E2%9C%93"),
    ];
    for (key, wire) in cases {
        let server = MockServer::start_async().await;
        let exact = server.mock(|when, then| {
            when.method(httpmock::Method::DELETE)
                .path(format!("/store/01J8ZQ4N7G3Y5B2K9T6W1XST0R/kv/{wire}"));
            then.status(200).json_body(json!({"status": "deleted"}));
        });
        let result = client(&server)
            .delete_kv()
            .store("01J8ZQ4N7G3Y5B2K9T6W1XST0R")
            .key(key)
            .body(types::DeleteKvBody::default())
            .send()
            .await;
        exact.assert_async().await;
        assert_eq!(
            result.expect("decodes").into_inner().status.as_deref(),
            Some("deleted")
        );

        let server = MockServer::start_async().await;
        let generated = server.get_kv(|when, then| {
            when.store("01J8ZQ4N7G3Y5B2K9T6W1XST0R");
            then.ok(&serde_json::from_value(json!({"value": 1})).expect("valid"));
        });
        client(&server)
            .get_kv()
            .store("01J8ZQ4N7G3Y5B2K9T6W1XST0R")
            .key(key)
            .send()
            .await
            .expect("the generated matcher takes multi-segment keys");
        generated.assert_async().await;
    }
    let server = MockServer::start_async().await;
    for bad in ["", "a//b", "/a", "a/../b"] {
        let err = client(&server)
            .get_kv()
            .store("01J8ZQ4N7G3Y5B2K9T6W1XST0R")
            .key(bad)
            .send()
            .await
            .expect_err("refused before sending");
        assert!(
            matches!(&err, versori_core::Error::InvalidRequest(m) if m.contains("`key`")),
            "{bad:?}: {err}"
        );
    }
}

#[tokio::test]
async fn kv_store_list_kv_decodes_its_cursor_page() {
    let server = MockServer::start_async().await;
    let mock = server.list_kv(|when, then| {
        when.store("01J8ZQ4N7G3Y5B2K9T6W1XST0R")
            .into_inner()
            // `limit` is a JSON number in the spec, so it travels as 2.0
            .json_body(json!({"selector": {"prefix": ["products"]}, "options": {"limit": 2.0}}));
        then.into_inner().status(200).json_body(json!({
            "data": [
                {"key": ["products", "1"], "value": 1, "versionstamp": "01", "createdAt": T0},
                {"key": ["products", "2"], "value": {"a": [1]}, "versionstamp": "02", "createdAt": T0, "expiresAt": null}
            ],
            "pagination": {"nextCursor": "c2", "prevCursor": ""}
        }));
    });
    let request: types::ListKvRequest = serde_json::from_value(json!({
        "selector": {"prefix": ["products"]}, "options": {"limit": 2}
    }))
    .expect("valid");
    let page = client(&server)
        .list_kv()
        .store("01J8ZQ4N7G3Y5B2K9T6W1XST0R")
        .body(request)
        .send()
        .await;
    mock.assert_async().await;
    let page = page.expect("decodes").into_inner();
    assert_eq!(page.data.len(), 2);
    assert_eq!(
        page.data[0].key.0,
        vec!["products".to_string(), "1".to_string()]
    );
    assert_eq!(page.data[1].value, json!({"a": [1]}));
    assert_eq!(page.pagination.next_cursor, "c2");
}

#[tokio::test]
async fn execution_pools_list() {
    let server = MockServer::start_async().await;
    let mock = server.list_execution_pools(|when, then| {
        when.organisation_id(ORG);
        then.into_inner()
            .status(200)
            .json_body(json!({"executionPools": [{"name": "versori-gcp-eu"}]}));
    });
    let pools = client(&server)
        .list_execution_pools()
        .organisation_id(ORG)
        .send()
        .await;
    mock.assert_async().await;
    assert_eq!(
        pools.expect("decodes").execution_pools[0].name,
        "versori-gcp-eu"
    );
}

#[tokio::test]
async fn error_bodies_decode_into_the_error_type() {
    let server = MockServer::start_async().await;
    let mock = server.get_project(|when, then| {
        when.organisation_id(ORG).project_id(PROJECT);
        then.client_error(
            404,
            &types::Error {
                code: "not_found".into(),
                message: "no such project".into(),
                details: None,
                fields: vec![],
            },
        );
    });
    let err = client(&server)
        .get_project()
        .organisation_id(ORG)
        .project_id(PROJECT)
        .send()
        .await
        .expect_err("404");
    mock.assert_async().await;
    match err {
        versori_core::Error::ErrorResponse(resp) => {
            assert_eq!(resp.status().as_u16(), 404);
            assert_eq!(resp.code, "not_found");
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

/// Every tag of the spec has a test above; this guards the list itself.
#[test]
fn every_tag_is_covered_by_a_request_test() {
    let covered = [
        "Projects",
        "Environments",
        "Versions",
        "Systems",
        "Connection Templates",
        "Connections",
        "End Users",
        "Activations",
        "Automations",
        "Schedulers",
        "Issues",
        "Notifications",
        "Metrics",
        "KV Store",
        "Execution Pools",
    ];
    for op in versori_core::operations::OPERATIONS {
        assert!(
            covered.contains(&op.tag),
            "tag {} has no request test",
            op.tag
        );
    }
}

/// A value the platform adds after this SDK was generated decodes into the
/// enum's `Other` variant and serializes back unchanged.
#[test]
fn unknown_enum_values_are_kept() {
    let status: types::IssueStatusEnum = serde_json::from_value(json!("snoozed")).expect("decodes");
    assert_eq!(status, types::IssueStatusEnum::Other("snoozed".into()));
    assert_eq!(
        serde_json::to_value(&status).expect("encodes"),
        json!("snoozed")
    );
    assert_eq!(status.to_string(), "snoozed");
    let known: types::IssueStatusEnum = serde_json::from_value(json!("acked")).expect("decodes");
    assert_eq!(known, types::IssueStatusEnum::Acked);
    assert!(
        "snoozed".parse::<types::IssueStatusEnum>().is_err(),
        "parsing user input stays strict"
    );
}

/// The hooks route every generated request through the supplied transport.
#[tokio::test]
async fn hooks_see_every_request() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use versori_core::hooks::{BoxFuture, Hooks, Transport};

    struct Counting {
        http: reqwest::Client,
        seen: AtomicUsize,
    }
    impl Transport for Counting {
        fn prepare<'a>(
            &'a self,
            request: &'a mut reqwest::Request,
            operation_id: &'static str,
        ) -> BoxFuture<'a, Result<(), String>> {
            assert_eq!(operation_id, "list_execution_pools");
            request.headers_mut().insert(
                "authorization",
                reqwest::header::HeaderValue::from_static("Bearer k"),
            );
            Box::pin(async { Ok(()) })
        }
        fn execute<'a>(
            &'a self,
            request: reqwest::Request,
            _operation_id: &'static str,
        ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
            self.seen.fetch_add(1, Ordering::SeqCst);
            Box::pin(self.http.execute(request))
        }
    }

    let server = MockServer::start_async().await;
    let mock = server.list_execution_pools(|when, then| {
        when.organisation_id(ORG)
            .into_inner()
            .header("authorization", "Bearer k");
        then.into_inner()
            .status(200)
            .json_body(json!({"executionPools": []}));
    });
    let http = reqwest::Client::new();
    let transport = Arc::new(Counting {
        http: http.clone(),
        seen: AtomicUsize::new(0),
    });
    let client = Client::new_with_client(&server.base_url(), http, Hooks::new(transport.clone()));
    client
        .list_execution_pools()
        .organisation_id(ORG)
        .send()
        .await
        .expect("answers");
    mock.assert_async().await;
    assert_eq!(transport.seen.load(Ordering::SeqCst), 1);
}
