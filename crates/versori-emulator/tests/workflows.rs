//! The seed's workflows end to end through the facade, and each dependency
//! rule the emulator enforces.

mod support;

use serde_json::{json, Map, Value};
use support::{fails, ok, started, ORG};
use versori::{ActivationConnection, ActivationRequest, Client, Error, IntegrationSetup};

struct World {
    project_id: String,
    env_id: String,
    template_id: String,
    connection_id: String,
}

async fn integration(c: &Client) -> World {
    let integration = c
        .setup_integration(
            IntegrationSetup::new("Order Sync", "production")
                .variables_schema(json!({
                    "type": "object",
                    "properties": {"apiKey": {"type": "string"}, "retries": {"type": "integer"}},
                    "required": ["apiKey"]
                }))
                .file("workflow.ts", "export default {}"),
        )
        .await
        .expect("integration");
    assert_eq!(integration.environment.status, "running");
    let project_id = integration.project.id.clone();
    let env_id = integration.environment.id.clone();
    let system = ok(c, "CreateSystem", json!({"body": {"name": "CRM", "domain": "crm.example.com", "templateBaseUrl": "https://crm.example.com", "authSchemeConfigs": []}})).await;
    let template = ok(c, "CreateConnectionTemplate", json!({"project_id": project_id, "body": {"systemId": system["id"], "name": "crm", "environmentId": env_id}})).await;
    // the template's own id; its `id` is the system's
    assert_eq!(template["id"], system["id"]);
    let template_id = template["connectionTemplateId"]
        .as_str()
        .expect("connectionTemplateId")
        .to_string();
    let connection = ok(c, "CreateConnection", json!({"body": {"connectionTemplateId": template_id, "connection": {"name": "CRM prod", "credentials": []}}})).await;
    let connection_id = connection["id"].as_str().expect("id").to_string();
    ok(
        c,
        "LinkConnectionToEnvironment",
        json!({"connection_id": connection_id, "body": {"connectionTemplateId": template_id}}),
    )
    .await;
    World {
        project_id,
        env_id,
        template_id,
        connection_id,
    }
}

fn vars(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_common_workflows_run_end_to_end() {
    let (_emulator, c) = started().await;
    let w = integration(&c).await;

    // deploying created the environment, with lastDeployedAt, in the project
    let project = c
        .projects()
        .get(&w.project_id)
        .send()
        .await
        .expect("project");
    assert_eq!(project.environments.len(), 1);
    assert_eq!(project.environments[0].name, "production");

    let activation = c
        .activate_user(ActivationRequest {
            environment_id: w.env_id.clone(),
            external_id: "customer-123".into(),
            display_name: Some("Customer ABC".into()),
            connections: vec![ActivationConnection::existing(
                &w.template_id,
                &w.connection_id,
            )],
            dynamic_variables: vars(json!({"apiKey": "xyz", "retries": 3})),
        })
        .await
        .expect("activated");
    assert_eq!(activation.user.external_id, "customer-123");
    assert_eq!(activation.user.display_name, "Customer ABC");

    let stored = c
        .update_activation_variables(&w.env_id, &activation.id, vars(json!({"retries": 5})))
        .await
        .expect("updated");
    assert_eq!(
        Value::Object(stored),
        json!({"apiKey": "xyz", "retries": 5})
    );
    let single = ok(&c, "SetDynamicVariable", json!({"environment_id": w.env_id, "activation_id": activation.id, "variable_name": "apiKey", "body": {"value": "new"}})).await;
    assert_eq!(single["apiKey"], "new");

    let found = c
        .find_user_activation(&w.env_id, "customer-123")
        .await
        .expect("ok")
        .expect("found");
    assert_eq!(found.id, activation.id);
    let all = c.activations(&w.env_id).list().send().await.expect("list");
    assert_eq!(all.len(), 1);

    let linked = ok(
        &c,
        "ListEnvironmentConnections",
        json!({"project_id": w.project_id, "env_id": w.env_id}),
    )
    .await;
    assert_eq!(linked["items"][0]["id"], w.connection_id.as_str());
}

#[tokio::test]
async fn activation_rules_are_enforced_by_the_platform() {
    let (_emulator, c) = started().await;
    let w = integration(&c).await;
    ok(&c, "CreateEndUser", json!({"body": {"externalId": "u1"}})).await;
    let activate = |body: Value| c.call("ActivateUser", json!({"body": body}));

    // a connection for every system of the environment
    let err = activate(json!({"userId": "u1", "environmentId": w.env_id, "connections": [], "dynamicVariables": {"apiKey": "k"}}))
        .await
        .expect_err("missing connection");
    assert_eq!(err.status(), Some(422));
    assert!(
        err.to_string()
            .contains(&format!("connection template {}", w.template_id)),
        "{err}"
    );

    // the user must exist
    let err = activate(json!({"userId": "ghost", "environmentId": w.env_id, "connections": [], "dynamicVariables": {}}))
        .await
        .expect_err("no user");
    assert!(
        err.to_string()
            .contains("end user \"ghost\" does not exist"),
        "{err}"
    );

    // the environment must exist
    let err = activate(json!({"userId": "u1", "environmentId": "01J8ZQ4N7G3Y5B2K9T6W1XNENV", "connections": [], "dynamicVariables": {}}))
        .await
        .expect_err("no environment");
    assert!(
        err.to_string()
            .contains("does not exist (deploy the project first)"),
        "{err}"
    );

    // variables must satisfy the schema: required keys, JSON types
    let connections =
        json!([{"connectionTemplateId": w.template_id, "existingConnectionId": w.connection_id}]);
    let err = activate(json!({"userId": "u1", "environmentId": w.env_id, "connections": connections, "dynamicVariables": {"retries": "three"}}))
        .await
        .expect_err("bad variables");
    assert_eq!(err.status(), Some(422));
    let text = err.to_string();
    assert!(
        text.contains("dynamicVariables.apiKey: \"apiKey\" is a required property"),
        "{text}"
    );
    assert!(
        text.contains("dynamicVariables.retries: \"three\" is not of type \"integer\""),
        "{text}"
    );
    // each problem is also named in the error's fields
    let Error::Api { fields, .. } = &err else {
        panic!("{err:?}")
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        named,
        ["dynamicVariables.apiKey", "dynamicVariables.retries"]
    );

    // a valid activation, then a PATCH that would break the schema is refused
    let activated = activate(json!({"userId": "u1", "environmentId": w.env_id, "connections": connections, "dynamicVariables": {"apiKey": "k"}}))
        .await
        .expect("activated");
    let err = fails(
        &c,
        "SetDynamicVariables",
        json!({"environment_id": w.env_id, "activation_id": activated["id"], "body": {"apiKey": null}}),
    )
    .await;
    assert_eq!(err.status(), Some(422));
    // once per user and environment
    let err = activate(json!({"userId": "u1", "environmentId": w.env_id, "connections": connections, "dynamicVariables": {"apiKey": "k"}}))
        .await
        .expect_err("duplicate");
    assert_eq!(err.status(), Some(409));
}

#[tokio::test]
async fn connections_need_a_template_and_a_connection() {
    let (_emulator, c) = started().await;
    let w = integration(&c).await;
    let err = fails(
        &c,
        "CreateConnection",
        json!({"body": {"connectionTemplateId": w.template_id}}),
    )
    .await;
    assert_eq!(err.status(), Some(400));
    let err = fails(
        &c,
        "CreateConnection",
        json!({"body": {"connection": {"name": "x", "credentials": []}}}),
    )
    .await;
    assert_eq!(err.status(), Some(400));
    let err = fails(&c, "CreateConnection", json!({"body": {"connectionTemplateId": "01J8ZQ4N7G3Y5B2K9T6W1XN0PE", "connection": {"name": "x", "credentials": []}}})).await;
    assert_eq!(err.status(), Some(422));
    // templates need a deployed environment of the same project
    let other = ok(&c, "CreateProject", json!({"body": {"name": "Other"}})).await;
    let system = ok(&c, "ListSystems", json!({})).await["items"][0]["id"].clone();
    let err = fails(&c, "CreateConnectionTemplate", json!({"project_id": other["id"], "body": {"systemId": system, "name": "crm", "environmentId": w.env_id}})).await;
    assert_eq!(err.status(), Some(422));
    // unlinking removes the link
    ok(
        &c,
        "UnlinkConnectionFromEnvironment",
        json!({"connection_id": w.connection_id, "body": {"connectionTemplateId": w.template_id}}),
    )
    .await;
    let linked = ok(
        &c,
        "ListEnvironmentConnections",
        json!({"project_id": w.project_id, "env_id": w.env_id}),
    )
    .await;
    assert_eq!(linked["totalCount"], 0);
}

#[tokio::test]
async fn systems_page_with_cursors() {
    let (_emulator, c) = started().await;
    for i in 0..7 {
        ok(&c, "CreateSystem", json!({"body": {"name": format!("s{i}"), "domain": "d", "templateBaseUrl": "https://d", "authSchemeConfigs": []}})).await;
    }
    let all: Vec<versori::types::System> =
        futures::TryStreamExt::try_collect(c.systems().list_stream().page_size(3))
            .await
            .expect("stream");
    assert_eq!(
        all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["s0", "s1", "s2", "s3", "s4", "s5", "s6"]
    );
    let first = c.systems().list().first(3).send().await.expect("page");
    assert_eq!(first.total_count, 7);
    let next = first.next.clone().expect("next");
    let second = c
        .systems()
        .list()
        .first(3)
        .after(next)
        .send()
        .await
        .expect("page");
    assert_eq!(second.items[0].name, "s3");
    let back = c
        .systems()
        .list()
        .first(3)
        .before(second.prev.clone().expect("prev"))
        .send()
        .await
        .expect("page");
    assert_eq!(back.items[0].name, "s0");
}

#[tokio::test]
async fn issues_notifications_and_metrics_follow_the_state() {
    let (_emulator, c) = started().await;
    let w = integration(&c).await;
    let issue = |title: &str, severity: &str| {
        json!({"body": {
            "organisationId": ORG, "projectId": w.project_id, "environmentId": w.env_id,
            "reason": "error", "title": title, "severity": severity, "labels": {}, "annotations": {}
        }})
    };
    let high = ok(&c, "CreateIssue", issue("Sync failed", "high")).await;
    ok(&c, "CreateIssue", issue("Slow sync", "low")).await;
    assert_eq!(high["status"], "open");
    let only_high = c
        .issues()
        .list()
        .severity(versori::types::IssueSeverityEnum::High)
        .send()
        .await
        .expect("list");
    assert_eq!(only_high.len(), 1);
    assert_eq!(only_high[0].title, "Sync failed");
    assert_eq!(
        c.issues().list().first(1).send().await.expect("list").len(),
        1
    );
    ok(
        &c,
        "UpdateIssue",
        json!({"issue_id": high["id"], "body": {"status": "resolved"}}),
    )
    .await;
    let open = ok(&c, "ListIssues", json!({"status": "open"})).await;
    assert_eq!(open.as_array().map(Vec::len), Some(1));
    let err = fails(&c, "ListIssues", json!({"after": "yesterday"})).await;
    assert_eq!(err.status(), Some(400));

    let metrics = c
        .metrics()
        .organisation_summary()
        .send()
        .await
        .expect("metrics");
    assert_eq!(metrics.deployed_projects.current, 1.0);
    assert_eq!(metrics.total_errors.current, 1.0);

    let channel = ok(&c, "CreateNotificationChannel", json!({"body": {"name": "ops", "type": "email", "config": {"email": {"to": "ops@example.com"}}}})).await;
    let note = c
        .notifications()
        .create(&w.project_id)
        .body(
            versori::types::CreateProjectNotification::builder()
                .channel_id(channel["id"].as_str().expect("id"))
                .environment_id(w.env_id.as_str())
                .name("on-call"),
        )
        .send()
        .await
        .expect("project notification");
    assert_eq!(note.channel_name, "ops");
    let listed = ok(
        &c,
        "ListProjectNotifications",
        json!({"project_id": w.project_id, "env_id": w.env_id}),
    )
    .await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    ok(
        &c,
        "DeleteNotificationChannel",
        json!({"channel_id": channel["id"]}),
    )
    .await;
    let listed = ok(
        &c,
        "ListProjectNotifications",
        json!({"project_id": w.project_id}),
    )
    .await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(0),
        "a channel's subscriptions go with it"
    );
}
