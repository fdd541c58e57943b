//! Connections: created against a connection template (which names the
//! system), then linked to and unlinked from environments.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::ops::end_users::find as find_user;
use crate::page::page;
use crate::request::Request;
use crate::store::{new_id, now, Org, Store};

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
            .map(|s| s["templateBaseUrl"].clone())
            .filter(|u| u.as_str().is_some_and(|u| !u.is_empty()))
            .unwrap_or(Value::Null),
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
        org.connection_owners.insert(id, user.to_string());
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

fn list(store: &mut Store, req: &Request) -> Answer {
    let system = req.query("system_id");
    let user = req.query("end_user_id");
    let org = store.org(req.org());
    let owners = &org.connection_owners;
    let keep = |c: &Value| {
        system.is_none_or(|s| c["systemId"] == s)
            && user.is_none_or(|u| {
                c["id"]
                    .as_str()
                    .and_then(|id| owners.get(id))
                    .is_some_and(|owner| owner == u)
            })
    };
    page(req, "items", &org.connections, Some(&keep), |_, c| {
        c.clone()
    })
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
    let org = store.org(req.org());
    org.connections
        .remove(&id)
        .ok_or_else(|| ApiError::not_found(format!("no connection {id:?}")))?;
    org.connection_owners.remove(&id);
    org.links.retain(|(c, _)| *c != id);
    Ok(None)
}

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
    let pair = link_target(store, req)?;
    store.org(req.org()).links.insert(pair);
    Ok(None)
}

fn unlink(store: &mut Store, req: &Request) -> Answer {
    let pair = link_target(store, req)?;
    if !store.org(req.org()).links.remove(&pair) {
        return Err(ApiError::not_found(
            "the connection is not linked through that template",
        ));
    }
    Ok(None)
}

fn list_for_environment(store: &mut Store, req: &Request) -> Answer {
    let project_id = req.path("project_id");
    let env = req.query("env_id");
    let org = store.org(req.org());
    let templates: BTreeSet<&String> = org
        .templates
        .iter()
        .filter(|(_, t)| t.project_id == project_id && env.is_none_or(|e| t.environment_id == e))
        .map(|(id, _)| id)
        .collect();
    let linked: BTreeSet<&str> = org
        .links
        .iter()
        .filter(|(_, t)| templates.contains(t))
        .map(|(c, _)| c.as_str())
        .collect();
    let keep = |c: &Value| c["id"].as_str().is_some_and(|id| linked.contains(id));
    page(req, "items", &org.connections, Some(&keep), |_, c| {
        c.clone()
    })
    .map(Some)
}
