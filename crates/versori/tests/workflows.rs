//! The common workflows and the KV helpers, with the platform's rules
//! checked before anything changes.

mod common;

use common::{client, end_user, Reply, Script, ORG};
use serde_json::{json, Map, Value};
use versori::{ActivationConnection, ActivationRequest, Error, IntegrationSetup};

const T: &str = "2026-01-01T00:00:00Z";

fn project_with_env() -> Value {
    json!({
        "id": "p1", "name": "Order Sync", "createdAt": T, "updatedAt": T, "starred": false,
        "currentFiles": {"files": [], "labels": {}}, "settings": {}, "metadata": {},
        "environments": [{
            "id": "env1", "name": "production", "status": "running", "createdAt": T, "updatedAt": T,
            "lastDeployedAt": T, "publicUrl": "https://x", "config": {}
        }]
    })
}

fn projects_list() -> Value {
    let mut summary = project_with_env();
    summary.as_object_mut().map(|o| {
        o.remove("currentFiles");
        o.remove("settings");
        o.remove("metadata")
    });
    json!({"projects": [summary]})
}

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {"apiKey": {"type": "string"}, "region": {"type": "string"}},
        "required": ["apiKey"]
    })
}

/// A connection template as the spec defines it: its own id is
/// `connectionTemplateId`, its `id` is the system's.
fn template(id: &str, name: &str) -> Value {
    json!({"id": format!("system-{id}"), "connectionTemplateId": id, "name": name, "domain": "x",
           "dynamic": true, "templateBaseUrl": "https://x", "authSchemeConfigs": []})
}

/// A page of connection templates, as ListProjectConnectionTemplates answers.
fn templates_page(items: &[Value]) -> Reply {
    Reply::json(200, json!({"totalCount": items.len(), "items": items}))
}

fn vars(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[tokio::test]
async fn setup_integration_creates_configures_uploads_and_deploys() {
    let server = Script::start(vec![
        Reply::json(200, json!({"id": "p1", "name": "Order Sync"})),
        Reply::json(200, schema()),
        Reply::empty(204),
        Reply::json(200, project_with_env()),
    ])
    .await;
    let c = client(&server.url);
    let integration = c
        .setup_integration(
            IntegrationSetup::new("Order Sync", "production")
                .variables_schema(schema())
                .file("workflow.ts", "export default {}"),
        )
        .await
        .expect("set up");
    assert_eq!(integration.project.id, "p1");
    assert_eq!(integration.environment.name, "production");
    assert_eq!(integration.environment.status, "running");
    let seen = server.requests();
    let steps: Vec<(String, String)> = seen
        .iter()
        .map(|s| (s.method.clone(), s.target.clone()))
        .collect();
    assert_eq!(
        steps,
        [
            ("POST".into(), format!("/o/{ORG}/projects")),
            ("PUT".into(), format!("/o/{ORG}/projects/p1/variables")),
            ("PUT".into(), format!("/o/{ORG}/projects/p1/files")),
            (
                "PUT".into(),
                format!("/o/{ORG}/projects/p1/deploy?project_env=production")
            ),
        ]
    );
    assert_eq!(seen[1].json(), schema());
    assert_eq!(seen[2].json()["files"][0]["filename"], "workflow.ts");
    assert_eq!(seen[3].json()["versionName"], "v1");
}

#[tokio::test]
async fn activate_user_checks_connections_and_variables_then_activates() {
    let server = Script::start(vec![
        Reply::json(200, projects_list()),
        templates_page(&[template("t1", "crm")]),
        Reply::json(200, schema()),
        Reply::error(404, "not_found", "no such user"),
        Reply::json(201, end_user("customer-123")),
        Reply::json(200, json!({"id": "a1", "user": end_user("customer-123")})),
    ])
    .await;
    let c = client(&server.url);
    let activation = c
        .activate_user(ActivationRequest {
            environment_id: "env1".into(),
            external_id: "customer-123".into(),
            display_name: Some("Customer ABC".into()),
            connections: vec![ActivationConnection::existing("t1", "conn1")],
            dynamic_variables: vars(&[("apiKey", json!("xyz")), ("region", json!("eu"))]),
        })
        .await
        .expect("activated");
    assert_eq!(activation.id, "a1");
    let seen = server.requests();
    assert_eq!(seen.len(), 6);
    assert_eq!(
        seen[4].json(),
        json!({"externalId": "customer-123", "displayName": "Customer ABC"})
    );
    assert_eq!(
        seen[5].json(),
        json!({
            "userId": "customer-123", "environmentId": "env1",
            "connections": [{"connectionTemplateId": "t1", "existingConnectionId": "conn1"}],
            "dynamicVariables": {"apiKey": "xyz", "region": "eu"}
        })
    );
}

#[tokio::test]
async fn activate_user_lists_every_problem_and_changes_nothing() {
    let server = Script::start(vec![
        Reply::json(200, projects_list()),
        templates_page(&[template("t1", "crm"), template("t2", "erp")]),
        Reply::json(200, schema()),
    ])
    .await;
    let c = client(&server.url);
    let err = c
        .activate_user(ActivationRequest {
            environment_id: "env1".into(),
            external_id: "customer-123".into(),
            display_name: None,
            connections: vec![ActivationConnection::existing("t1", "conn1")],
            dynamic_variables: vars(&[("region", json!(5))]),
        })
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(
            "no connection for system \"erp\" (system system-t2, connection template t2)"
        ),
        "{text}"
    );
    assert!(text.contains("\"apiKey\" is a required property"), "{text}");
    assert!(text.contains("variable region"), "{text}");
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "only reads were sent"
    );
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn activate_user_refuses_a_system_id_given_as_a_template_id() {
    let server = Script::start(vec![
        Reply::json(200, projects_list()),
        templates_page(&[template("t1", "crm")]),
        Reply::json(200, json!({})),
    ])
    .await;
    let err = client(&server.url)
        .activate_user(ActivationRequest {
            environment_id: "env1".into(),
            external_id: "customer-123".into(),
            display_name: None,
            connections: vec![ActivationConnection::existing("system-t1", "conn1")],
            dynamic_variables: Map::new(),
        })
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("system-t1 is the id of system \"crm\", not of a connection template; use the template's connectionTemplateId (t1)"),
        "{text}"
    );
    assert_eq!(server.count(), 3, "nothing but reads was sent");
}

#[tokio::test]
async fn activate_user_on_an_unknown_environment_is_not_found() {
    let server = Script::start(vec![Reply::json(200, projects_list())]).await;
    let err = client(&server.url)
        .activate_user(ActivationRequest {
            environment_id: "nope".into(),
            external_id: "c".into(),
            display_name: None,
            connections: vec![],
            dynamic_variables: Map::new(),
        })
        .await
        .expect_err("unknown environment");
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn find_user_activation_returns_it_or_none() {
    let activation = json!({"id": "a1", "user": end_user("customer-123")});
    let server = Script::start(vec![
        Reply::json(200, json!([activation])),
        Reply::error(404, "not_found", "no user"),
    ])
    .await;
    let c = client(&server.url);
    let found = c
        .find_user_activation("env1", "customer-123")
        .await
        .expect("ok");
    assert_eq!(found.map(|a| a.id), Some("a1".into()));
    assert_eq!(
        server.requests()[0].target,
        format!("/o/{ORG}/environment/env1/users/customer-123/activations")
    );
    assert!(c
        .find_user_activation("env1", "ghost")
        .await
        .expect("ok")
        .is_none());
}

#[tokio::test]
async fn update_activation_variables_sends_the_full_valid_set() {
    let current = json!({"id": "a1", "user": end_user("u"), "dynamicVariables": {"apiKey": "old", "region": "eu"}});
    let server = Script::start(vec![
        Reply::json(200, current.clone()),
        Reply::json(200, projects_list()),
        Reply::json(200, schema()),
        Reply::json(200, json!({"apiKey": "new", "region": "eu"})),
    ])
    .await;
    let c = client(&server.url);
    let stored = c
        .update_activation_variables("env1", "a1", vars(&[("apiKey", json!("new"))]))
        .await
        .expect("updated");
    assert_eq!(stored["apiKey"], "new");
    let patch = &server.requests()[3];
    assert_eq!(patch.method, "PATCH");
    assert_eq!(patch.json(), json!({"apiKey": "new", "region": "eu"}));

    // removing a required variable is refused before anything is sent
    let server = Script::start(vec![
        Reply::json(200, current),
        Reply::json(200, projects_list()),
        Reply::json(200, schema()),
    ])
    .await;
    let c = client(&server.url);
    let err = c
        .update_activation_variables("env1", "a1", vars(&[("apiKey", Value::Null)]))
        .await
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("\"apiKey\" is a required property"),
        "{err}"
    );
    assert!(server.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn kv_helpers_use_keys_as_segments() {
    let server = Script::start(vec![
        Reply::json(200, json!({"versionstamp": "0002", "ok": true})),
        Reply::json(200, json!({"value": {"stock": 7}, "versionstamp": "0002"})),
        Reply::error(404, "not_found", "no key"),
        Reply::json(200, json!({"ok": true})),
        Reply::json(200, json!({"entries": [{"key": ["p", "1"], "value": 1, "versionstamp": "1", "createdAt": T}]})),
        Reply::json(200, json!({"successes": [], "failures": []})),
        Reply::json(200, json!({"ok": true})),
        Reply::json(200, json!({"count": 2.0})),
    ])
    .await;
    let c = client(&server.url);
    let kv = c.kv("store-1");
    assert_eq!(
        kv.put(&["products", "123"], &json!({"stock": 7}))
            .await
            .expect("put"),
        Some("0002".into())
    );
    let v: Option<Value> = kv.fetch(&["products", "123"]).await.expect("fetch");
    assert_eq!(v, Some(json!({"stock": 7})));
    let missing: Option<Value> = kv
        .fetch(&["products", "999"])
        .await
        .expect("absent is fine");
    assert_eq!(missing, None);
    kv.remove(&["products", "123"]).await.expect("remove");
    let many = kv
        .fetch_many(&[&["p", "1"], &["p", "2"]])
        .await
        .expect("batch get");
    assert_eq!(many.len(), 1);
    kv.put_many(&[(&["p", "1"][..], 1), (&["p", "2"][..], 2)])
        .await
        .expect("batch set");
    kv.remove_many(&[&["p", "1"]]).await.expect("batch delete");
    assert_eq!(kv.count_prefix(&["p"]).await.expect("count"), 2);

    let seen = server.requests();
    let steps: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.target.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("PUT", "/store/store-1/kv/products/123"),
            ("GET", "/store/store-1/kv/products/123"),
            ("GET", "/store/store-1/kv/products/999"),
            ("DELETE", "/store/store-1/kv/products/123"),
            ("POST", "/store/store-1/kv/batch"),
            ("PUT", "/store/store-1/kv/batch"),
            ("DELETE", "/store/store-1/kv/batch"),
            ("POST", "/store/store-1/kv/count"),
        ]
    );
    assert_eq!(seen[0].json(), json!({"value": {"stock": 7}}));
    assert_eq!(seen[4].json(), json!({"keys": [["p", "1"], ["p", "2"]]}));
    assert_eq!(
        seen[5].json(),
        json!({"entries": [{"key": ["p", "1"], "value": 1}, {"key": ["p", "2"], "value": 2}]})
    );
    assert_eq!(seen[7].json(), json!({"selector": {"prefix": ["p"]}}));
}

#[tokio::test]
async fn kv_keys_are_checked() {
    let c = client("http://127.0.0.1:9");
    let kv = c.kv("s");
    for key in [&[][..], &[""][..], &["a/b"][..]] {
        let err = kv.put(key, &1).await.expect_err("bad key");
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{key:?}: {err:?}"
        );
    }
}

#[test]
fn variables_validate_against_json_schema() {
    let problems = versori::validate_variables(&schema(), &json!({"apiKey": "k", "region": "eu"}))
        .expect("ok");
    assert!(problems.is_empty());
    let problems = versori::validate_variables(&json!({}), &json!({"anything": 1})).expect("ok");
    assert!(problems.is_empty(), "an empty schema accepts anything");
    let err = versori::validate_variables(&json!({"type": "no-such-type"}), &json!({}))
        .expect_err("bad schema");
    assert!(err.to_string().contains("not a valid JSON Schema"), "{err}");
}
