//! Our spec covers every operation of the platform's published document and
//! every endpoint the seed names. The lists are embedded here (method, path,
//! operationId), so the test needs nothing outside this repository.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Every operation of the upstream document (versori/cli `versori-api.yaml`,
/// commit a73a63c), as (method, path, operationId). The project-notification
/// paths carry the organisation prefix the seed says the platform requires.
const UPSTREAM: &[(&str, &str, &str)] = &[
    ("POST", "/o/{organisation_id}/activations", "ActivateUser"),
    ("GET", "/o/{organisation_id}/execution-pools", "ListExecutionPools"),
    ("GET", "/o/{organisation_id}/projects", "ListProjects"),
    ("POST", "/o/{organisation_id}/projects", "CreateProject"),
    ("GET", "/o/{organisation_id}/projects/{project_id}", "GetProject"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}", "UpdateProject"),
    ("DELETE", "/o/{organisation_id}/projects/{project_id}", "DeleteProject"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/star", "StarProject"),
    ("DELETE", "/o/{organisation_id}/projects/{project_id}/star", "UnstarProject"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/clone", "CloneProject"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/environments/clone", "CloneEnvironment"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/environments/{environment_id}", "DeleteEnvironment"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/environments/sync", "SyncEnvironments"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/variables", "GetProjectVariablesSchema"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/variables", "SetProjectVariablesSchema"),
    ("PATCH", "/o/{organisation_id}/projects/{project_id}/variables", "PatchProjectVariablesSchema"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/sentiment", "AddProjectSentiment"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/versions", "ListProjectVersions"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/versions", "CreateProjectVersion"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/versions/{version_id}/files", "GetVersionFiles"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/files", "GetFiles"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/files", "UpdateFiles"),
    ("PATCH", "/o/{organisation_id}/projects/{project_id}/files", "PatchFiles"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/environments/execution-pools", "ChangeEnvironmentExecutionPool"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/environments/call", "CallIntegration"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/deploy", "DeployProject"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/versions/{version_id}/deploy", "DeployProjectVersion"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/testing/start", "StartTestContainer"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/testing/trigger/{trigger_name}", "TriggerWorkflow"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/validate", "ValidateFiles"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/logs", "GetProjectLogs"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/logs", "SearchProjectLogs"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/traces", "ListTraces"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/traces/{trace_id}", "GetTrace"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/workflows", "GetIntegrationFlows"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/workflows/{flow_name}", "GetIntegrationFlow"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/workflows/{flow_name}", "UpdateIntegrationFlow"),
    ("DELETE", "/o/{organisation_id}/projects/{project_id}/workflows/{flow_name}", "DeleteFlow"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/suspend", "SuspendProject"),
    ("GET", "/o/{organisation_id}/connections", "ListConnections"),
    ("POST", "/o/{organisation_id}/connections", "CreateConnection"),
    ("GET", "/o/{organisation_id}/connections/{connection_id}", "GetConnection"),
    ("PUT", "/o/{organisation_id}/connections/{connection_id}", "UpdateConnection"),
    ("DELETE", "/o/{organisation_id}/connections/{connection_id}", "DeleteConnection"),
    ("POST", "/o/{organisation_id}/connections/{connection_id}/link", "LinkConnectionToEnvironment"),
    ("DELETE", "/o/{organisation_id}/connections/{connection_id}/link", "UnlinkConnectionFromEnvironment"),
    ("GET", "/o/{organisation_id}/users", "ListEndUsers"),
    ("POST", "/o/{organisation_id}/users", "CreateEndUser"),
    ("GET", "/o/{organisation_id}/automations", "ListAutomations"),
    ("POST", "/o/{organisation_id}/automations", "CreateAutomation"),
    ("GET", "/o/{organisation_id}/automations/{automation_id}/run", "ListAutomationRuns"),
    ("POST", "/o/{organisation_id}/automations/{automation_id}/run", "RunAutomation"),
    ("GET", "/o/{organisation_id}/automations/{automation_id}", "GetAutomation"),
    ("PUT", "/o/{organisation_id}/automations/{automation_id}", "UpdateAutomation"),
    ("GET", "/o/{organisation_id}/automations/{automation_id}/recordings", "ListRecordings"),
    ("POST", "/o/{organisation_id}/automations/{automation_id}/recordings", "CreateRecording"),
    ("GET", "/o/{organisation_id}/automations/{automation_id}/runs/{run_id}", "GetAutomationRun"),
    ("GET", "/o/{organisation_id}/automations/{automation_id}/recordings/{recording_id}", "GetRecording"),
    ("POST", "/o/{organisation_id}/automations/{automation_id}/recordings/{recording_id}", "CreateTranscription"),
    ("GET", "/o/{organisation_id}/environments/{environment_id}/schedulers", "ListSchedulers"),
    ("GET", "/o/{organisation_id}/environments/{environment_id}/schedulers/{scheduler_id}", "GetScheduler"),
    ("POST", "/o/{organisation_id}/environments/{environment_id}/schedulers/{scheduler_id}", "TriggerScheduler"),
    ("GET", "/o/{organisation_id}/environments/{environment_id}/activations", "ListActivations"),
    ("GET", "/o/{organisation_id}/environments/{environment_id}/activations/{activation_id}", "GetActivation"),
    ("DELETE", "/o/{organisation_id}/environments/{environment_id}/activations/{activation_id}", "DeleteActivation"),
    ("PATCH", "/o/{organisation_id}/environments/{environment_id}/variables", "SetStaticUserVariables"),
    ("PUT", "/o/{organisation_id}/environments/{environment_id}/config", "UpdateEnvironmentConfig"),
    ("PATCH", "/o/{organisation_id}/environments/{environment_id}/activations/{activation_id}/variables", "SetDynamicVariables"),
    ("PUT", "/o/{organisation_id}/environments/{environment_id}/activations/{activation_id}/variables/{variable_name}", "SetDynamicVariable"),
    ("GET", "/o/{organisation_id}/environment/{environment_id}/users/{external_user_id}/activations", "ListUserActivations"),
    ("GET", "/o/{organisation_id}/users/{user_id}", "GetEndUser"),
    ("DELETE", "/o/{organisation_id}/users/{user_id}", "DeleteEndUser"),
    ("GET", "/o/{organisation_id}/environment-systems/{env_system_id}/activations/{activation_id}", "GetActivationConnection"),
    ("GET", "/o/{organisation_id}/systems", "ListSystems"),
    ("POST", "/o/{organisation_id}/systems", "CreateSystem"),
    ("GET", "/o/{organisation_id}/systems/{system_id}", "GetSystem"),
    ("PUT", "/o/{organisation_id}/systems/{system_id}", "UpdateSystem"),
    ("DELETE", "/o/{organisation_id}/systems/{system_id}", "DeleteSystem"),
    ("POST", "/o/{organisation_id}/systems/{system_id}/projects/{project_id}/actions-link", "LinkSystemActions"),
    ("POST", "/o/{organisation_id}/systems/{system_id}/projects/{project_id}/triggers-link", "LinkSystemTriggers"),
    ("GET", "/o/{organisation_id}/systems/{system_id}/actions", "ListSystemActions"),
    ("POST", "/o/{organisation_id}/systems/{system_id}/actions", "CreateSystemActions"),
    ("GET", "/o/{organisation_id}/systems/{system_id}/actions/{action_id}", "GetSystemAction"),
    ("PUT", "/o/{organisation_id}/systems/{system_id}/actions/{action_id}", "UpdateSystemAction"),
    ("DELETE", "/o/{organisation_id}/systems/{system_id}/actions/{action_id}", "DeleteSystemAction"),
    ("GET", "/o/{organisation_id}/systems/{system_id}/triggers", "ListSystemTriggers"),
    ("POST", "/o/{organisation_id}/systems/{system_id}/triggers", "CreateSystemTriggers"),
    ("PUT", "/o/{organisation_id}/systems/{system_id}/auth-scheme-configs/{auth_scheme_config_id}", "UpsertAuthSchemeConfig"),
    ("DELETE", "/o/{organisation_id}/systems/{system_id}/auth-scheme-configs/{auth_scheme_config_id}", "DeleteAuthSchemeConfig"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/connections", "ListEnvironmentConnections"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/connection-templates", "ListProjectConnectionTemplates"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/connection-templates", "CreateConnectionTemplate"),
    ("PUT", "/o/{organisation_id}/projects/{project_id}/connection-templates/{template_id}", "UpdateConnectionTemplate"),
    ("DELETE", "/o/{organisation_id}/projects/{project_id}/connection-templates/{template_id}", "DeleteConnectionTemplate"),
    ("POST", "/o/{organisation_id}/systems/{system_id}/oauth2/initialise", "InitialiseOAuth2Connection"),
    ("POST", "/o/{organisation_id}/systems/{system_id}/oauth1/initialise", "InitialiseOAuth1Connection"),
    ("GET", "/o/{organisation_id}/issues", "ListIssues"),
    ("POST", "/o/{organisation_id}/issues", "CreateIssue"),
    ("PATCH", "/o/{organisation_id}/issues/{issue_id}", "UpdateIssue"),
    ("GET", "/o/{organisation_id}/notification_channels", "ListNotificationChannels"),
    ("POST", "/o/{organisation_id}/notification_channels", "CreateNotificationChannel"),
    ("DELETE", "/o/{organisation_id}/notification_channels/{channel_id}", "DeleteNotificationChannel"),
    ("GET", "/o/{organisation_id}/projects/{project_id}/notifications", "ListProjectNotifications"),
    ("POST", "/o/{organisation_id}/projects/{project_id}/notifications", "CreateProjectNotification"),
    ("DELETE", "/o/{organisation_id}/projects/{project_id}/notifications/{notification_id}", "DeleteProjectNotification"),
    ("GET", "/o/{organisation_id}/metricssummary", "GetOrganisationMetricsSummary"),
    ("GET", "/o/{organisation_id}/projects/metricssummary", "GetProjectMetricsSummary"),
    ("GET", "/o/{organisation_id}/store", "ListStores"),
    ("POST", "/o/{organisation_id}/store", "CreateStore"),
    ("GET", "/store/{store}/kv/{key}", "GetKV"),
    ("PUT", "/store/{store}/kv/{key}", "SetKV"),
    ("DELETE", "/store/{store}/kv/{key}", "DeleteKV"),
    ("PUT", "/store/{store}/kv/batch", "BatchSetKV"),
    ("POST", "/store/{store}/kv/batch", "BatchGetKV"),
    ("DELETE", "/store/{store}/kv/batch", "BatchDeleteKV"),
    ("POST", "/store/{store}/kv/list", "ListKV"),
    ("POST", "/store/{store}/kv/count", "CountKV"),
];

/// Every endpoint the seed document names, as (method, path) with path
/// parameters written `{}` (the seed's names for them vary).
const SEED: &[(&str, &str)] = &[
    ("GET", "/o/{}/projects"),
    ("POST", "/o/{}/projects"),
    ("GET", "/o/{}/projects/{}"),
    ("PUT", "/o/{}/projects/{}"),
    ("DELETE", "/o/{}/projects/{}"),
    ("POST", "/o/{}/projects/{}/clone"),
    ("GET", "/o/{}/projects/{}/variables"),
    ("PUT", "/o/{}/projects/{}/variables"),
    ("PATCH", "/o/{}/projects/{}/variables"),
    ("GET", "/o/{}/projects/{}/files"),
    ("PUT", "/o/{}/projects/{}/files"),
    ("PUT", "/o/{}/projects/{}/deploy"),
    ("PUT", "/o/{}/projects/{}/versions/{}/deploy"),
    ("POST", "/o/{}/projects/{}/suspend"),
    ("POST", "/o/{}/projects/{}/sentiment"),
    ("POST", "/o/{}/projects/{}/testing/start"),
    ("POST", "/o/{}/projects/{}/testing/trigger/{}"),
    ("PUT", "/o/{}/projects/{}/validate"),
    ("GET", "/o/{}/projects/{}/logs"),
    ("GET", "/o/{}/projects/{}/traces"),
    ("GET", "/o/{}/projects/{}/traces/{}"),
    ("GET", "/o/{}/projects/{}/workflows"),
    ("GET", "/o/{}/projects/{}/workflows/{}"),
    ("PUT", "/o/{}/projects/{}/workflows/{}"),
    ("DELETE", "/o/{}/projects/{}/workflows/{}"),
    ("GET", "/o/{}/projects/{}/connection-templates"),
    ("POST", "/o/{}/projects/{}/connection-templates"),
    ("PUT", "/o/{}/projects/{}/connection-templates/{}"),
    ("DELETE", "/o/{}/projects/{}/connection-templates/{}"),
    ("PATCH", "/o/{}/environments/{}/config"),
    ("GET", "/o/{}/environments/{}/activations"),
    ("GET", "/o/{}/environments/{}/schedulers"),
    ("GET", "/o/{}/environments/{}/schedulers/{}"),
    ("POST", "/o/{}/environments/{}/schedulers/{}"),
    ("GET", "/o/{}/systems"),
    ("POST", "/o/{}/systems"),
    ("GET", "/o/{}/systems/{}"),
    ("PUT", "/o/{}/systems/{}"),
    ("GET", "/o/{}/systems/{}/actions"),
    ("POST", "/o/{}/systems/{}/actions"),
    ("GET", "/o/{}/systems/{}/actions/{}"),
    ("PUT", "/o/{}/systems/{}/actions/{}"),
    ("DELETE", "/o/{}/systems/{}/actions/{}"),
    ("GET", "/o/{}/systems/{}/triggers"),
    ("POST", "/o/{}/systems/{}/triggers"),
    ("POST", "/o/{}/systems/{}/projects/{}/actions-link"),
    ("POST", "/o/{}/systems/{}/projects/{}/triggers-link"),
    ("POST", "/o/{}/systems/{}/oauth2/initialise"),
    ("POST", "/o/{}/systems/{}/oauth1/initialise"),
    ("PUT", "/o/{}/systems/{}/auth-scheme-configs/{}"),
    ("DELETE", "/o/{}/systems/{}/auth-scheme-configs/{}"),
    ("GET", "/o/{}/connections"),
    ("POST", "/o/{}/connections"),
    ("GET", "/o/{}/connections/{}"),
    ("PUT", "/o/{}/connections/{}"),
    ("POST", "/o/{}/connections/{}/link"),
    ("GET", "/o/{}/projects/{}/connections"),
    ("GET", "/o/{}/users"),
    ("POST", "/o/{}/users"),
    ("GET", "/o/{}/users/{}"),
    ("PUT", "/o/{}/users/{}"),
    ("DELETE", "/o/{}/users/{}"),
    ("GET", "/o/{}/environment/{}/users/{}/activations"),
    ("POST", "/o/{}/activations"),
    ("GET", "/o/{}/environments/{}/activations/{}"),
    ("DELETE", "/o/{}/environments/{}/activations/{}"),
    ("PATCH", "/o/{}/environments/{}/activations/{}/variables"),
    ("PUT", "/o/{}/environments/{}/activations/{}/variables/{}"),
    ("PATCH", "/o/{}/environments/{}/variables"),
    ("GET", "/o/{}/environment-systems/{}/activations/{}"),
    ("GET", "/o/{}/automations"),
    ("POST", "/o/{}/automations"),
    ("GET", "/o/{}/automations/{}"),
    ("PUT", "/o/{}/automations/{}"),
    ("POST", "/o/{}/automations/{}/run"),
    ("GET", "/o/{}/automations/{}/run"),
    ("GET", "/o/{}/automations/{}/runs/{}"),
    ("GET", "/o/{}/automations/{}/recordings"),
    ("POST", "/o/{}/automations/{}/recordings"),
    ("GET", "/o/{}/automations/{}/recordings/{}"),
    ("POST", "/o/{}/automations/{}/recordings/{}"),
    ("GET", "/o/{}/issues"),
    ("POST", "/o/{}/issues"),
    ("PATCH", "/o/{}/issues/{}"),
    ("GET", "/o/{}/notification_channels"),
    ("POST", "/o/{}/notification_channels"),
    ("DELETE", "/o/{}/notification_channels/{}"),
    ("GET", "/o/{}/projects/{}/notifications"),
    ("POST", "/o/{}/projects/{}/notifications"),
    ("DELETE", "/o/{}/projects/{}/notifications/{}"),
    ("GET", "/o/{}/metricssummary"),
    ("GET", "/o/{}/projects/metricssummary"),
    ("GET", "/o/{}/store"),
    ("POST", "/o/{}/store"),
    ("GET", "/store/{}/kv/{}"),
    ("PUT", "/store/{}/kv/{}"),
    ("DELETE", "/store/{}/kv/{}"),
    ("POST", "/store/{}/kv/batch"),
    ("PUT", "/store/{}/kv/batch"),
    ("DELETE", "/store/{}/kv/batch"),
    ("POST", "/store/{}/kv/list"),
    ("POST", "/store/{}/kv/count"),
];

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// (METHOD, path) → operationId for every operation of our spec.
fn our_operations() -> BTreeMap<(String, String), String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/versori-platform.yaml"
    );
    let text = std::fs::read_to_string(path).expect("openapi/versori-platform.yaml is readable");
    let spec: Value = serde_saphyr::from_str(&text).expect("the spec is valid YAML");
    let mut ops = BTreeMap::new();
    for (p, item) in spec["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                let id = op["operationId"]
                    .as_str()
                    .expect("every operation has an id");
                ops.insert((m.to_uppercase(), p.clone()), id.to_string());
            }
        }
    }
    ops
}

fn blank_params(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn every_upstream_operation_is_in_our_spec_with_its_operation_id() {
    let ours = our_operations();
    let mut missing = Vec::new();
    for (method, path, id) in UPSTREAM {
        match ours.get(&(method.to_string(), path.to_string())) {
            Some(ours_id) if ours_id == id => {}
            Some(ours_id) => missing.push(format!(
                "{method} {path}: operationId {ours_id}, upstream {id}"
            )),
            None => missing.push(format!("{method} {path} ({id}) is missing")),
        }
    }
    assert_eq!(UPSTREAM.len(), 117);
    assert!(
        missing.is_empty(),
        "{} of 117 upstream operations differ:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_seed_endpoint_is_in_our_spec() {
    let ours: BTreeSet<(String, String)> = our_operations()
        .into_keys()
        .map(|(m, p)| (m, blank_params(&p)))
        .collect();
    let missing: Vec<String> = SEED
        .iter()
        .filter(|(m, p)| !ours.contains(&(m.to_string(), p.to_string())))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(SEED.len(), 102);
    assert!(
        missing.is_empty(),
        "{} of 102 seed endpoints are missing:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_seed_only_operations_have_their_contract_names() {
    let ours = our_operations();
    let expect = [
        (
            "PUT",
            "/o/{organisation_id}/users/{user_id}",
            "UpdateEndUser",
        ),
        (
            "PATCH",
            "/o/{organisation_id}/environments/{environment_id}/config",
            "PatchEnvironmentConfig",
        ),
    ];
    for (m, p, id) in expect {
        assert_eq!(
            ours.get(&(m.to_string(), p.to_string()))
                .map(String::as_str),
            Some(id)
        );
    }
    assert_eq!(
        ours.len(),
        119,
        "117 upstream operations + 2 seed-only ones"
    );
}

#[test]
fn operation_ids_are_unique_pascal_case() {
    let ours = our_operations();
    let ids: BTreeSet<&String> = ours.values().collect();
    assert_eq!(ids.len(), ours.len(), "duplicate operationIds");
    for id in ids {
        assert!(
            id.starts_with(|c: char| c.is_ascii_uppercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{id} is not PascalCase"
        );
    }
}

#[test]
fn the_operation_table_matches_the_spec() {
    let ours = our_operations();
    assert_eq!(versori_core::operations::OPERATIONS.len(), ours.len());
    for op in versori_core::operations::OPERATIONS {
        let key = (op.method.as_str().to_string(), op.path.to_string());
        assert_eq!(ours.get(&key).map(String::as_str), Some(op.id), "{key:?}");
    }
}
