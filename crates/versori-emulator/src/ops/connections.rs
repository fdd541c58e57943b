//! Connections: created against a connection template (which names the
//! system), then linked to and unlinked from environments.

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::page::page;
use crate::request::Request;
use crate::store::{new_id, now, Org, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateConnection", create);
    map.insert("ListConnections", list);
    map.insert("GetConnection", get);
    map.insert("UpdateConnection", update);
    map.insert("DeleteConnection", delete);
    map.insert("LinkConnectionToEnvironment", link);
    map.insert("UnlinkConnectionFromEnvironment", unlink);
    map.insert("ListEnvironmentConnections", list_for_environment);
}

/// Builds and stores a connection for `template_id` from a `ConnectionCreate`
/// body; shared with activations that bring new connections.
pub fn create_connection(
    org: &mut Org,
    template_id: &str,
    connection: &Value,
) -> Result<Value, ApiError> {
    let template = org.templates.get(template_id).ok_or_else(|| {
        ApiError::unprocessable(format!("connection template {template_id} does not exist"))
    })?;
    serde_json::from_value::<types::ConnectionCreate>(connection.clone()).map_err(|e| {
        ApiError::bad_request(format!("connection is not a valid ConnectionCreate: {e}"))
    })?;
    let t = now();
    let mut value = json!({
        "id": new_id(), "name": connection["name"], "credentials": connection["credentials"],
        "createdAt": t, "updatedAt": t, "systemId": template.system_id, "connectionTemplateId": template_id
    });
    if let Some(url) = connection.get("baseUrl") {
        value["baseUrl"] = url.clone();
    }
    serde_json::from_value::<types::Connection>(value.clone())
        .map_err(|e| ApiError::bad_request(format!("cannot build the connection: {e}")))?;
    let id = value["id"].as_str().unwrap_or_default().to_string();
    org.connections.insert(id, value.clone());
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
    create_connection(store.org(req.org()), &template_id, &connection).map(Some)
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let system = req.query("system_id");
    let items: Vec<Value> = store
        .org(req.org())
        .connections
        .values()
        .filter(|c| system.is_none_or(|s| c["systemId"] == s))
        .cloned()
        .collect();
    page(req, "items", items).map(Some)
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
    let conn = store
        .org(req.org())
        .connections
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no connection {id:?}")))?;
    let mut updated = conn.clone();
    for key in ["name", "credentials", "baseUrl"] {
        if let Some(v) = body.get(key) {
            updated[key] = v.clone();
        }
    }
    updated["updatedAt"] = json!(now());
    serde_json::from_value::<types::Connection>(updated.clone())
        .map_err(|e| ApiError::bad_request(format!("not a valid connection: {e}")))?;
    *conn = updated.clone();
    Ok(Some(updated))
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("connection_id").to_string();
    let org = store.org(req.org());
    org.connections
        .remove(&id)
        .ok_or_else(|| ApiError::not_found(format!("no connection {id:?}")))?;
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
        return Err(ApiError::unprocessable(format!(
            "connection template {template_id} does not exist"
        )));
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
    let templates: Vec<&String> = org
        .templates
        .iter()
        .filter(|(_, t)| t.project_id == project_id && env.is_none_or(|e| t.environment_id == e))
        .map(|(id, _)| id)
        .collect();
    let items: Vec<Value> = org
        .links
        .iter()
        .filter(|(_, t)| templates.contains(&t))
        .filter_map(|(c, _)| org.connections.get(c).cloned())
        .collect();
    page(req, "items", items).map(Some)
}
