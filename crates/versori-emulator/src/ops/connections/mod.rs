//! Connections: created against a connection template (which names the
//! system), then linked to and unlinked from environments.

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::index;
use crate::ops::end_users::find as find_user;
use crate::page::{page, Keep};
use crate::request::Request;
use crate::store::{new_id, now, ConnectionKeys, Org, Store};

mod oauth;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateConnection", create);
    map.insert("ListConnections", list);
    map.insert("GetConnection", get);
    map.insert("UpdateConnection", update);
    map.insert("DeleteConnection", delete);
    map.insert("LinkConnectionToEnvironment", link);
    map.insert("UnlinkConnectionFromEnvironment", unlink);
    map.insert("ListEnvironmentConnections", list_for_environment);
    oauth::register(map);
}

/// An id the client left to the platform: absent, empty, or the zero ULID
/// (what a Go client sends for an id it never set).
fn unset_id(v: &Value) -> bool {
    v.as_str()
        .is_none_or(|s| s.is_empty() || s.bytes().all(|b| b == b'0'))
}

/// The credentials of a new connection with every id the platform assigns
/// filled in (each pairing's `id`, its credential's `id`, and the
/// credential's `organisationId`).
fn assign_credential_ids(credentials: &Value, organisation: &str) -> Value {
    let mut credentials = credentials.clone();
    for pairing in credentials.as_array_mut().into_iter().flatten() {
        let Some(pairing) = pairing.as_object_mut() else {
            continue;
        };
        if pairing.get("id").is_none_or(unset_id) {
            pairing.insert("id".into(), json!(new_id()));
        }
        if let Some(credential) = pairing.get_mut("credential").and_then(Value::as_object_mut) {
            if credential.get("id").is_none_or(unset_id) {
                credential.insert("id".into(), json!(new_id()));
            }
            if credential.get("organisationId").is_none_or(unset_id) {
                credential.insert("organisationId".into(), json!(organisation));
            }
        }
    }
    credentials
}

/// The base URL a connection uses: its own, or (when it sets none or an
/// empty one) its template's system's.
fn base_url(org: &Org, template_id: &str, given: Option<&Value>) -> Value {
    match given.and_then(Value::as_str).filter(|u| !u.is_empty()) {
        Some(url) => json!(url),
        None => org
            .templates
            .get(template_id)
            .and_then(|t| org.systems.get(&t.system_id))
            .map(|s| s.template_base_url.as_str())
            .filter(|u| !u.is_empty())
            .map_or(Value::Null, |u| json!(u)),
    }
}

/// Builds and stores a connection for `template_id` from a `ConnectionCreate`
/// body, owned by the end user `owner` when given (their id); shared with
/// activations that bring new connections.
pub fn create_connection(
    org: &mut Org,
    organisation: &str,
    template_id: &str,
    connection: &Value,
    owner: Option<&str>,
) -> Result<Value, ApiError> {
    let template = org.templates.get(template_id).ok_or_else(|| {
        ApiError::rule_violation(
            "connectionTemplateId",
            format!("connection template {template_id} does not exist"),
        )
    })?;
    serde_json::from_value::<types::ConnectionCreate>(connection.clone()).map_err(|e| {
        ApiError::bad_request(format!("connection is not a valid ConnectionCreate: {e}"))
    })?;
    let t = now();
    let id = new_id();
    let mut value = json!({
        "id": id, "name": connection["name"],
        "credentials": assign_credential_ids(&connection["credentials"], organisation),
        "createdAt": t, "updatedAt": t, "systemId": template.system_id, "connectionTemplateId": template_id
    });
    let url = base_url(org, template_id, connection.get("baseUrl"));
    if !url.is_null() {
        value["baseUrl"] = url;
    }
    serde_json::from_value::<types::Connection>(value.clone())
        .map_err(|e| ApiError::bad_request(format!("cannot build the connection: {e}")))?;
    org.connections.insert(id.clone(), value.clone());
    if let Some(user) = owner {
        org.owners.set(&id, user);
    }
    Ok(value)
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let template_id = body.get("connectionTemplateId").and_then(Value::as_str);
    let connection = body.get("connection").filter(|c| c.is_object());
    let (Some(template_id), Some(connection)) = (template_id, connection) else {
        return Err(ApiError::invalid_field(
            if template_id.is_none() {
                "connectionTemplateId"
            } else {
                "connection"
            },
            "connectionTemplateId and connection are both required",
        ));
    };
    let template_id = template_id.to_string();
    let connection = connection.clone();
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    let owner = match body.get("externalId").and_then(Value::as_str) {
        None => None,
        Some(external) => Some(find_user(org, external).ok_or_else(|| {
            ApiError::rule_violation(
                "externalId",
                format!("end user {external:?} does not exist"),
            )
        })?),
    };
    create_connection(
        org,
        &organisation,
        &template_id,
        &connection,
        owner.as_deref(),
    )
    .map(Some)
}

/// The organisation's connections, optionally only one system's and/or one
/// end user's: each filter pages its index, so a page costs the same
/// wherever it sits (with both, the user's connections are walked for the
/// system).
fn list(store: &mut Store, req: &Request) -> Answer {
    let system = req.query("system_id");
    let user = req.query("end_user_id");
    let org = store.org(req.org());
    let connections = &org.connections;
    let show = |id: &String| Ok(connections.get(id).cloned().unwrap_or(Value::Null));
    match (system, user) {
        (None, None) => page(req, "items", connections, None, |_, c| Ok(c.clone())),
        (Some(system), None) => page(
            req,
            "items",
            connections.group(ConnectionKeys::SYSTEM, system),
            None,
            |id, _| show(id),
        ),
        (system, Some(user)) => {
            let of_system = |id: &String, _: &usize| {
                system.is_none_or(|s| connections.get(id).is_some_and(|c| c["systemId"] == s))
            };
            let keep: Keep<'_, usize> = system.map(|_| &of_system as _);
            page(
                req,
                "items",
                org.owners.connections_of(user),
                keep,
                |id, _| show(id),
            )
        }
    }
    .map(Some)
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("connection_id");
    store
        .org(req.org())
        .connections
        .get(id)
        .cloned()
        .map(Some)
        .ok_or_else(|| ApiError::not_found(format!("no connection {id:?}")))
}

fn update(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let id = req.path("connection_id");
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    let mut updated = org
        .connections
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("no connection {id:?}")))?;
    if let Some(name) = body.get("name") {
        updated["name"] = name.clone();
    }
    if let Some(credentials) = body.get("credentials") {
        updated["credentials"] = assign_credential_ids(credentials, &organisation);
    }
    if body.get("baseUrl").is_some() {
        // an empty base URL goes back to the system's
        let template_id = updated["connectionTemplateId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match base_url(org, &template_id, body.get("baseUrl")) {
            Value::Null => {
                if let Some(o) = updated.as_object_mut() {
                    o.remove("baseUrl");
                }
            }
            url => updated["baseUrl"] = url,
        }
    }
    updated["updatedAt"] = json!(now());
    serde_json::from_value::<types::Connection>(updated.clone())
        .map_err(|e| ApiError::bad_request(format!("not a valid connection: {e}")))?;
    org.connections.insert(id.to_string(), updated.clone());
    Ok(Some(updated))
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("connection_id").to_string();
    store
        .org(req.org())
        .remove_connection(&id)
        .ok_or_else(|| ApiError::not_found(format!("no connection {id:?}")))?;
    Ok(None)
}

/// The connection and template a link request names (both must exist).
fn link_target(store: &mut Store, req: &Request) -> Result<(String, String), ApiError> {
    let body = req.json()?;
    let template_id = body
        .get("connectionTemplateId")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid_field("connectionTemplateId", "is required"))?
        .to_string();
    let id = req.path("connection_id").to_string();
    let org = store.org(req.org());
    if !org.connections.contains_key(&id) {
        return Err(ApiError::not_found(format!("no connection {id:?}")));
    }
    if !org.templates.contains_key(&template_id) {
        return Err(ApiError::rule_violation(
            "connectionTemplateId",
            format!("connection template {template_id} does not exist"),
        ));
    }
    Ok((id, template_id))
}

fn link(store: &mut Store, req: &Request) -> Answer {
    let (connection, template_id) = link_target(store, req)?;
    let org = store.org(req.org());
    let owned = org.owners.of(&connection).is_some();
    if let Some(template) = org.templates.get(&template_id) {
        org.links.link(&connection, template, &template_id, owned);
    }
    Ok(None)
}

fn unlink(store: &mut Store, req: &Request) -> Answer {
    let (connection, template_id) = link_target(store, req)?;
    if !store.org(req.org()).links.unlink(&connection, &template_id) {
        return Err(ApiError::not_found(
            "the connection is not linked through that template",
        ));
    }
    Ok(None)
}

/// The static connections (owned by no end user) linked to the project's
/// environment `env_id`, or to any of its environments without it; a page
/// of the link index.
fn list_for_environment(store: &mut Store, req: &Request) -> Answer {
    let project_id = req.path("project_id");
    let env = req.query("env_id");
    let org = store.org(req.org());
    let project = org
        .projects
        .get(project_id)
        .ok_or_else(|| ApiError::not_found(format!("no project {project_id:?}")))?;
    let linked = match env {
        None => org.links.static_in_project(project_id),
        Some(env) if project.environments.iter().any(|e| e.id == env) => {
            org.links.static_in_environment(env)
        }
        Some(_) => index::empty(),
    };
    page(req, "items", linked, None, |id, _| {
        Ok(org.connections.get(id).cloned().unwrap_or(Value::Null))
    })
    .map(Some)
}
