//! Activations: an end user on an environment, with a connection for every
//! system of the environment and dynamic variables that satisfy the
//! project's variable schema. Every environment also has a built-in static
//! activation (`ListActivations?static=true`): its static variables and the
//! connections linked to it, under an internal user.

use std::collections::HashMap;

use serde_json::{json, Map, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::ops::end_users::find as find_user;
use crate::request::Request;
use crate::store::{apply_changes, new_id, Activation, Org, Store};
use crate::wire;

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

/// Every way `variables` fails the project's variable schema, each named
/// by the member (under `prefix`): the same JSON Schema check the SDK's
/// workflows make before sending (`versori_core::validation`), so every
/// keyword counts (`required`, `type`, `enum`, `minimum`, `pattern`, ...).
pub fn schema_problems(
    schema: &Value,
    variables: &Map<String, Value>,
    prefix: &str,
) -> Vec<(String, String)> {
    let variables = Value::Object(variables.clone());
    match versori_core::validation::variables(schema, &variables) {
        Ok(problems) => problems
            .into_iter()
            .map(|p| {
                let field = match (prefix.is_empty(), p.field.is_empty()) {
                    (true, _) => p.field,
                    (false, true) => prefix.to_string(),
                    (false, false) => format!("{prefix}.{}", p.field),
                };
                (field, p.message)
            })
            .collect(),
        Err(e) => vec![(prefix.to_string(), e)],
    }
}

/// The activation as the API shows it: its user and environment as they
/// are now (a deleted user stays as it was at activation).
fn view(org: &Org, a: &Activation) -> types::Activation {
    let mut shown = a.activation.clone();
    if let Some(user) = org.users.get(a.user_id()) {
        shown.user = user.clone();
    }
    if let Some((p, i)) = org.environment(&a.environment_id) {
        shown.environment = Some(p.environments[i].clone());
    }
    shown
}

fn activate(store: &mut Store, req: &Request) -> Answer {
    let body = req
        .optional_body::<types::ActivationCreate>()?
        .filter(|b| !b.user_id.is_empty() && !b.environment_id.is_empty());
    let Some(body) = body else {
        return Err(ApiError::bad_request(
            "userId, environmentId and connections are required",
        ));
    };
    let user_key = body.user_id;
    let env_id = body.environment_id;
    let connections = body.connections;
    let variables = body.dynamic_variables.map(|v| v.0).unwrap_or_default();
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    let mut problems: Vec<(String, String)> = Vec::new();
    let user_id = find_user(org, &user_key);
    if user_id.is_none() {
        problems.push((
            "userId".into(),
            format!("end user {user_key:?} does not exist"),
        ));
    }
    let project_id = org.environment(&env_id).map(|(p, _)| p.id.clone());
    match &project_id {
        None => problems.push((
            "environmentId".into(),
            format!("environment {env_id} does not exist (deploy the project first)"),
        )),
        Some(project_id) => {
            for (i, c) in connections.iter().enumerate() {
                let template = c.connection_template_id.as_str();
                let Some(t) = org
                    .templates
                    .get(template)
                    .filter(|t| t.environment_id == env_id)
                else {
                    problems.push((
                        format!("connections[{i}].connectionTemplateId"),
                        format!(
                            "{template:?} is not a connection template of environment {env_id}"
                        ),
                    ));
                    continue;
                };
                match c.existing_connection_id.as_deref() {
                    Some(conn) => match org.connections.get(conn) {
                        None => problems.push((
                            format!("connections[{i}].existingConnectionId"),
                            format!("connection {conn} does not exist"),
                        )),
                        Some(existing)
                            if existing.system_id.as_deref() != Some(t.system_id.as_str()) =>
                        {
                            problems.push((
                                format!("connections[{i}].existingConnectionId"),
                                format!(
                                "connection {conn} is for system {}, not the template's system {}",
                                existing.system_id.as_deref().unwrap_or_default(),
                                t.system_id
                            ),
                            ))
                        }
                        Some(_) => {}
                    },
                    None if c.connection.is_none() => problems.push((
                        format!("connections[{i}]"),
                        "names neither an existing connection nor a new one".into(),
                    )),
                    None => {}
                }
            }
            for (id, t) in org
                .templates
                .iter()
                .filter(|(_, t)| t.environment_id == env_id)
            {
                let covered = connections
                    .iter()
                    .any(|c| c.connection_template_id.as_str() == id);
                if !covered {
                    problems.push((
                        "connections".into(),
                        format!(
                            "no connection for system {} (connection template {id} \"{}\")",
                            t.system_id, t.name
                        ),
                    ));
                }
            }
            let schema = org.variables_schema(project_id);
            problems.extend(schema_problems(&schema, &variables, "dynamicVariables"));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::rule_violations("cannot activate", problems));
    }
    let user = user_id
        .and_then(|id| org.users.get(&id))
        .cloned()
        .ok_or_else(|| ApiError::missing("end user", &user_key))?;
    if org
        .activations
        .values()
        .any(|a| a.user_id() == user.id && a.environment_id == env_id)
    {
        return Err(ApiError::conflict(format!(
            "end user {user_key:?} is already activated on {env_id}"
        )));
    }
    let mut attached = Vec::new();
    for c in connections {
        let template = c.connection_template_id.0;
        let conn = match (c.existing_connection_id, c.connection) {
            (Some(existing), _) => org
                .connections
                .get(&existing)
                .cloned()
                .ok_or_else(|| ApiError::missing("connection", &existing))?,
            // a connection made for the activation belongs to its end user
            (None, Some(new)) => super::connections::create_connection(
                org,
                &organisation,
                &template,
                new,
                Some(&user.id),
            )?,
            (None, None) => {
                return Err(ApiError::invalid_field(
                    "connections",
                    "names neither an existing connection nor a new one",
                ))
            }
        };
        attached.push(conn);
    }
    let environment = org
        .environment(&env_id)
        .map(|(p, i)| p.environments[i].clone());
    let activation = Activation {
        environment_id: env_id,
        activation: types::Activation {
            connections: attached,
            dynamic_variables: Some(types::DynamicVariables(variables)),
            environment,
            id: new_id(),
            user,
        },
    };
    let out = wire::json(&view(org, &activation))?;
    org.activations
        .insert(activation.activation.id.clone(), activation);
    Ok(Some(out))
}

/// The static connections linked to environment `env_id` (through its
/// connection templates, by LinkConnectionToEnvironment or by being created
/// through one), each once, in id order.
fn linked_connections(org: &Org, env_id: &str) -> Vec<types::Connection> {
    org.links
        .static_in_environment(env_id)
        .keys()
        .filter_map(|c| org.connections.get(c).cloned())
        .collect()
}

/// The static activation of environment `env_id` as the API shows it: the
/// environment's static user, the connections linked to the environment
/// and its static variables.
fn static_view(org: &mut Org, organisation: &str, env_id: &str) -> Answer {
    let Some(activation) = org.static_activation(organisation, env_id).cloned() else {
        return Err(ApiError::missing("environment", env_id));
    };
    let variables = org
        .static_variables
        .get(env_id)
        .cloned()
        .unwrap_or_default();
    let activation = types::Activation {
        connections: linked_connections(org, env_id),
        dynamic_variables: Some(types::DynamicVariables(variables)),
        environment: org
            .environment(env_id)
            .map(|(p, i)| p.environments[i].clone()),
        id: activation.id,
        user: activation.user,
    };
    wire::json(&activation).map(Some)
}

/// Whether the request's `activation_id` is its environment's static
/// activation.
fn is_static(org: &Org, req: &Request) -> bool {
    org.static_activations
        .get(req.path("environment_id"))
        .is_some_and(|s| s.id == req.path("activation_id"))
}

/// Replaces the static variables of `env_id` after checking the final set
/// against the project's schema; returns them.
pub(crate) fn store_static_variables(
    org: &mut Org,
    env_id: &str,
    variables: Map<String, Value>,
) -> Answer {
    let schema = org
        .environment(env_id)
        .map(|(p, _)| org.variables_schema(&p.id))
        .unwrap_or_else(|| json!({}));
    let problems = schema_problems(&schema, &variables, "");
    if !problems.is_empty() {
        return Err(ApiError::rule_violations(
            "the static variables would not be valid",
            problems,
        ));
    }
    org.static_variables
        .insert(env_id.to_string(), variables.clone());
    Ok(Some(Value::Object(variables)))
}

/// The environment's end-user activations, or with `static=true` its
/// static activation alone.
fn list(store: &mut Store, req: &Request) -> Answer {
    let env_id = req.path("environment_id");
    let only_static = req.query_bool("static")?.unwrap_or(false);
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    if org.environment(env_id).is_none() {
        return Err(ApiError::missing("environment", env_id));
    }
    if only_static {
        let activation = static_view(org, &organisation, env_id)?;
        return Ok(Some(Value::Array(activation.into_iter().collect())));
    }
    let items: Vec<types::Activation> = org
        .activations
        .values()
        .filter(|a| a.environment_id == env_id)
        .map(|a| view(org, a))
        .collect();
    wire::array(&items).map(Some)
}

fn find<'a>(org: &'a Org, req: &Request) -> Result<&'a Activation, ApiError> {
    let id = req.path("activation_id");
    org.activations
        .get(id)
        .filter(|a| a.environment_id == req.path("environment_id"))
        .ok_or_else(|| ApiError::not_found(format!("no activation {id:?} on this environment")))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    if is_static(org, req) {
        return static_view(org, &organisation, req.path("environment_id"));
    }
    let a = find(org, req)?;
    wire::json(&view(org, a)).map(Some)
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    if is_static(org, req) {
        return Err(ApiError::unprocessable(
            "an environment's static activation cannot be deleted; it goes with the environment",
        ));
    }
    let id = find(org, req)?.activation.id.clone();
    org.activations.remove(&id);
    Ok(None)
}

/// The variables of the request's activation (the static variables for
/// the static activation).
fn variables_of(org: &Org, req: &Request) -> Result<Map<String, Value>, ApiError> {
    if is_static(org, req) {
        return Ok(org
            .static_variables
            .get(req.path("environment_id"))
            .cloned()
            .unwrap_or_default());
    }
    Ok(find(org, req)?
        .activation
        .dynamic_variables
        .as_ref()
        .map(|v| v.0.clone())
        .unwrap_or_default())
}

/// Replaces an activation's variables after checking the final set.
fn store_variables(store: &mut Store, req: &Request, variables: Map<String, Value>) -> Answer {
    let org = store.org(req.org());
    if is_static(org, req) {
        return store_static_variables(org, req.path("environment_id"), variables);
    }
    let a = find(org, req)?;
    let id = a.activation.id.clone();
    let schema = org
        .environment(&a.environment_id)
        .map(|(p, _)| org.variables_schema(&p.id))
        .unwrap_or_else(|| json!({}));
    let problems = schema_problems(&schema, &variables, "");
    if !problems.is_empty() {
        return Err(ApiError::rule_violations(
            "the variables would not be valid",
            problems,
        ));
    }
    if let Some(a) = org.activations.get_mut(&id) {
        a.activation.dynamic_variables = Some(types::DynamicVariables(variables.clone()));
    }
    Ok(Some(Value::Object(variables)))
}

fn set_variables(store: &mut Store, req: &Request) -> Answer {
    let Value::Object(changes) = req.json()? else {
        return Err(ApiError::bad_request(
            "dynamic variables must be a JSON object",
        ));
    };
    let mut variables = variables_of(store.org(req.org()), req)?;
    apply_changes(&mut variables, changes);
    store_variables(store, req, variables)
}

fn set_variable(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let Some(value) = body.get("value") else {
        return Err(ApiError::invalid_field("value", "is required"));
    };
    let mut variables = variables_of(store.org(req.org()), req)?;
    variables.insert(req.path("variable_name").to_string(), value.clone());
    store_variables(store, req, variables)
}

fn list_for_user(store: &mut Store, req: &Request) -> Answer {
    let env_id = req.path("environment_id");
    let org = store.org(req.org());
    let user = find_user(org, req.path("external_user_id")).ok_or_else(|| {
        ApiError::not_found(format!("no end user {:?}", req.path("external_user_id")))
    })?;
    let items: Vec<types::Activation> = org
        .activations
        .values()
        .filter(|a| a.environment_id == env_id && a.user_id() == user)
        .map(|a| view(org, a))
        .collect();
    wire::array(&items).map(Some)
}

/// The connection an activation uses for one system of its environment
/// (`env_system_id` is the connection template attaching the system).
fn connection_of(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let template = req.path("env_system_id");
    let Some(env_id) = org.templates.get(template).map(|t| &t.environment_id) else {
        return Err(ApiError::not_found(format!(
            "no environment system (connection template) {template:?}"
        )));
    };
    let id = req.path("activation_id");
    // the static activation uses the connection linked through the template
    if org
        .static_activations
        .get(env_id)
        .is_some_and(|s| s.id == id)
    {
        return org
            .links
            .through(template)
            .keys()
            .find(|c| org.owners.of(c).is_none())
            .and_then(|c| org.connections.get(c))
            .map(wire::json)
            .transpose()?
            .map(Some)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no connection is linked to the environment through {template}"
                ))
            });
    }
    let activation = org
        .activations
        .get(id)
        .ok_or_else(|| ApiError::missing("activation", id))?;
    let connection = activation
        .activation
        .connections
        .iter()
        .find(|c| {
            c.connection_template_id
                .as_ref()
                .is_some_and(|t| t.as_str() == template)
        })
        .ok_or_else(|| {
            ApiError::not_found(format!("activation {id} has no connection for {template}"))
        })?;
    wire::json(connection).map(Some)
}
