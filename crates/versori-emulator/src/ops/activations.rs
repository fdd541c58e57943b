//! Activations: an end user on an environment, with a connection for every
//! system of the environment and dynamic variables that satisfy the
//! project's variable schema.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::users::find as find_user;
use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{apply_changes, new_id, Activation, Org, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("ActivateUser", activate);
    map.insert("ListActivations", list);
    map.insert("GetActivation", get);
    map.insert("DeleteActivation", delete);
    map.insert("SetDynamicVariables", set_variables);
    map.insert("SetDynamicVariable", set_variable);
    map.insert("ListUserActivations", list_for_user);
    map.insert("GetActivationConnection", connection_of);
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every way `variables` fails the schema: required keys missing, values of
/// the wrong JSON type.
pub fn schema_problems(schema: &Value, variables: &Map<String, Value>) -> Vec<String> {
    let mut problems = Vec::new();
    for key in schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !variables.contains_key(key) {
            problems.push(format!("required variable {key:?} is missing"));
        }
    }
    if let Some(props) = schema["properties"].as_object() {
        for (key, value) in variables {
            let Some(expected) = props.get(key).and_then(|p| p["type"].as_str()) else {
                continue;
            };
            let actual = json_type(value);
            let ok = actual == expected || (expected == "number" && actual == "integer");
            if !ok {
                problems.push(format!("variable {key:?} must be {expected}, got {actual}"));
            }
        }
    }
    problems
}

/// The activation as the API returns it, with its user and environment.
fn view(org: &Org, a: &Activation) -> Value {
    let mut v = a.value.clone();
    if let Some(user) = org.users.get(&a.user_id) {
        v["user"] = serde_json::to_value(user).unwrap_or(Value::Null);
    }
    if let Some((p, i)) = org.environment(&a.environment_id) {
        v["environment"] = serde_json::to_value(&p.environments[i]).unwrap_or(Value::Null);
    }
    v
}

fn activate(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let user_key = body["userId"].as_str().unwrap_or_default().to_string();
    let env_id = body["environmentId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let connections = body["connections"].as_array().cloned().unwrap_or_default();
    let variables = body["dynamicVariables"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if user_key.is_empty() || env_id.is_empty() || !body["connections"].is_array() {
        return Err(ApiError::bad_request(
            "userId, environmentId and connections are required",
        ));
    }
    let org = store.org(req.org());
    let mut problems = Vec::new();
    let user_id = find_user(org, &user_key);
    if user_id.is_none() {
        problems.push(format!("end user {user_key:?} does not exist"));
    }
    let project_id = org.environment(&env_id).map(|(p, _)| p.id.clone());
    match &project_id {
        None => problems.push(format!(
            "environment {env_id} does not exist (deploy the project first)"
        )),
        Some(project_id) => {
            for (id, t) in org
                .templates
                .iter()
                .filter(|(_, t)| t.environment_id == env_id)
            {
                let given = connections
                    .iter()
                    .find(|c| c["connectionTemplateId"] == id.as_str());
                match given {
                    None => problems.push(format!(
                        "no connection for system {} (connection template {id} \"{}\")",
                        t.system_id,
                        t.value["name"].as_str().unwrap_or_default()
                    )),
                    Some(c) => {
                        let existing = c["existingConnectionId"].as_str();
                        if let Some(conn) = existing {
                            if !org.connections.contains_key(conn) {
                                problems.push(format!("connection {conn} does not exist"));
                            }
                        } else if !c["connection"].is_object() {
                            problems.push(format!("the connection for template {id} names neither an existing connection nor a new one"));
                        }
                    }
                }
            }
            let schema = org
                .schemas
                .get(project_id)
                .cloned()
                .unwrap_or_else(|| json!({}));
            problems.extend(schema_problems(&schema, &variables));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::unprocessable(format!(
            "cannot activate: {}",
            problems.join("; ")
        )));
    }
    let user_id = user_id.unwrap_or_default();
    if org
        .activations
        .values()
        .any(|a| a.user_id == user_id && a.environment_id == env_id)
    {
        return Err(ApiError::conflict(format!(
            "end user {user_key:?} is already activated on {env_id}"
        )));
    }
    let mut attached = Vec::new();
    for c in &connections {
        let template = c["connectionTemplateId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let conn = match c["existingConnectionId"].as_str() {
            Some(existing) => org
                .connections
                .get(existing)
                .cloned()
                .unwrap_or(Value::Null),
            None => super::connections::create_connection(org, &template, &c["connection"])?,
        };
        attached.push(conn);
    }
    let activation = Activation {
        environment_id: env_id,
        user_id,
        value: json!({"id": new_id(), "connections": attached, "dynamicVariables": variables}),
    };
    let out = view(org, &activation);
    let id = activation.value["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    org.activations.insert(id, activation);
    Ok(Some(out))
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let env_id = req.path("environment_id");
    let org = store.org(req.org());
    if org.environment(env_id).is_none() {
        return Err(ApiError::not_found(format!("no environment {env_id:?}")));
    }
    let items: Vec<Value> = org
        .activations
        .values()
        .filter(|a| a.environment_id == env_id)
        .map(|a| view(org, a))
        .collect();
    Ok(Some(Value::Array(items)))
}

fn find<'a>(org: &'a Org, req: &Request) -> Result<&'a Activation, ApiError> {
    let id = req.path("activation_id");
    org.activations
        .get(id)
        .filter(|a| a.environment_id == req.path("environment_id"))
        .ok_or_else(|| ApiError::not_found(format!("no activation {id:?} on this environment")))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let a = find(org, req)?;
    Ok(Some(view(org, a)))
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let id = find(org, req)?.value["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    org.activations.remove(&id);
    Ok(None)
}

/// Replaces an activation's variables after checking the final set.
fn store_variables(store: &mut Store, req: &Request, variables: Map<String, Value>) -> Answer {
    let org = store.org(req.org());
    let a = find(org, req)?;
    let id = a.value["id"].as_str().unwrap_or_default().to_string();
    let schema = org
        .environment(&a.environment_id)
        .and_then(|(p, _)| org.schemas.get(&p.id).cloned())
        .unwrap_or_else(|| json!({}));
    let problems = schema_problems(&schema, &variables);
    if !problems.is_empty() {
        return Err(ApiError::unprocessable(format!(
            "the variables would not be valid: {}",
            problems.join("; ")
        )));
    }
    if let Some(a) = org.activations.get_mut(&id) {
        a.value["dynamicVariables"] = Value::Object(variables.clone());
    }
    Ok(Some(Value::Object(variables)))
}

fn set_variables(store: &mut Store, req: &Request) -> Answer {
    let Value::Object(changes) = req.json()? else {
        return Err(ApiError::bad_request(
            "dynamic variables must be a JSON object",
        ));
    };
    let org = store.org(req.org());
    let mut variables = find(org, req)?.value["dynamicVariables"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    apply_changes(&mut variables, changes);
    store_variables(store, req, variables)
}

fn set_variable(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let Some(value) = body.get("value") else {
        return Err(ApiError::invalid_field("value", "is required"));
    };
    let org = store.org(req.org());
    let mut variables = find(org, req)?.value["dynamicVariables"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    variables.insert(req.path("variable_name").to_string(), value.clone());
    store_variables(store, req, variables)
}

fn list_for_user(store: &mut Store, req: &Request) -> Answer {
    let env_id = req.path("environment_id");
    let org = store.org(req.org());
    let user = find_user(org, req.path("external_user_id")).ok_or_else(|| {
        ApiError::not_found(format!("no end user {:?}", req.path("external_user_id")))
    })?;
    let items: Vec<Value> = org
        .activations
        .values()
        .filter(|a| a.environment_id == env_id && a.user_id == user)
        .map(|a| view(org, a))
        .collect();
    Ok(Some(Value::Array(items)))
}

/// The connection an activation uses for one system of its environment
/// (`env_system_id` is the connection template attaching the system).
fn connection_of(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let template = req.path("env_system_id");
    if !org.templates.contains_key(template) {
        return Err(ApiError::not_found(format!(
            "no environment system (connection template) {template:?}"
        )));
    }
    let id = req.path("activation_id");
    let activation = org
        .activations
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("no activation {id:?}")))?;
    activation.value["connections"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["connectionTemplateId"] == template))
        .cloned()
        .map(Some)
        .ok_or_else(|| {
            ApiError::not_found(format!("activation {id} has no connection for {template}"))
        })
}
