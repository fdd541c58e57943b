//! Systems: organisation-wide definitions of the external services
//! integrations talk to (connection templates attach them to projects).

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::page::{page, Keep};
use crate::request::Request;
use crate::store::{new_id, Store};

mod actions;
pub(crate) mod auth_schemes;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateSystem", create);
    map.insert("ListSystems", list);
    map.insert("GetSystem", get);
    map.insert("UpdateSystem", update);
    map.insert("DeleteSystem", delete);
    actions::register(map);
    auth_schemes::register(map);
}

fn checked<T: serde::de::DeserializeOwned>(value: &Value, what: &str) -> Result<(), ApiError> {
    serde_json::from_value::<T>(value.clone())
        .map(|_| ())
        .map_err(|e| ApiError::bad_request(format!("not a valid {what}: {e}")))
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::SystemCreate = req.body()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid_field("name", "must not be empty"));
    }
    let mut system =
        serde_json::to_value(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    system["id"] = json!(new_id());
    checked::<types::System>(&system, "System")?;
    let id = system["id"].as_str().unwrap_or_default().to_string();
    store.org(req.org()).systems.insert(id, system.clone());
    Ok(Some(system))
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let search = req.query("search").map(str::to_lowercase);
    let matches = |_: &String, s: &Value| {
        search.as_ref().is_none_or(|q| {
            s["name"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains(q)
        })
    };
    let keep: Keep<'_, Value> = search.as_ref().map(|_| &matches as _);
    page(req, "items", &store.org(req.org()).systems, keep, |_, s| {
        s.clone()
    })
    .map(Some)
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("system_id");
    store
        .org(req.org())
        .systems
        .get(id)
        .cloned()
        .map(Some)
        .ok_or_else(|| ApiError::not_found(format!("no system {id:?}")))
}

fn update(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let Value::Object(changes) = body else {
        return Err(ApiError::bad_request(
            "the system update must be a JSON object",
        ));
    };
    let id = req.path("system_id");
    let system = store
        .org(req.org())
        .systems
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no system {id:?}")))?;
    let mut updated = system.clone();
    for (k, v) in changes {
        if k != "id" {
            updated[k] = v;
        }
    }
    checked::<types::System>(&updated, "System")?;
    *system = updated.clone();
    Ok(Some(updated))
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("system_id").to_string();
    let org = store.org(req.org());
    if org.templates.values().any(|t| t.system_id == id) {
        return Err(ApiError::conflict(format!(
            "system {id} is attached to a project environment"
        )));
    }
    org.systems
        .remove(&id)
        .ok_or_else(|| ApiError::not_found(format!("no system {id:?}")))?;
    Ok(None)
}
