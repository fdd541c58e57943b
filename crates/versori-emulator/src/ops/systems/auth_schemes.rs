//! A system's authentication scheme configurations.

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::Store;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("UpsertAuthSchemeConfig", upsert);
    map.insert("DeleteAuthSchemeConfig", delete);
}

/// The settings member of a config of type `t` (none for jwt-bearer, secret).
fn settings_key(t: &str) -> Option<&'static str> {
    Some(match t {
        "none" => "none",
        "api-key" => "apiKey",
        "basic-auth" => "basicAuth",
        "oauth2" => "oauth2",
        "oauth1" => "oauth1",
        "hmac" => "hmac",
        "certificate" => "certificate",
        _ => return None,
    })
}

/// The id of the stored config `c`: its settings member's `id`, or its type
/// for a config without settings.
pub(crate) fn config_id(c: &Value) -> Option<&str> {
    let t = c["type"].as_str()?;
    match settings_key(t) {
        Some(key) => c[key]["id"].as_str(),
        None => Some(t),
    }
}

/// Whether the stored config `c` is the one with id `id` (configs without a
/// settings member are identified by their type).
fn is(c: &Value, id: &str, t: &str) -> bool {
    match c["type"].as_str().and_then(settings_key) {
        Some(key) => c[key]["id"] == id,
        None => c["type"] == t,
    }
}

/// The system of the request's `system_id`.
pub(crate) fn system<'a>(store: &'a mut Store, req: &Request) -> Result<&'a mut Value, ApiError> {
    let id = req.path("system_id");
    store
        .org(req.org())
        .systems
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no system {id:?}")))
}

fn upsert(store: &mut Store, req: &Request) -> Answer {
    let config: types::AuthSchemeConfig = req.body()?;
    let id = req.path("auth_scheme_config_id").to_string();
    let mut value = crate::ops::to_json(&config)?;
    let t = value["type"].as_str().unwrap_or_default().to_string();
    if let Some(key) = settings_key(&t) {
        match value.get_mut(key).and_then(Value::as_object_mut) {
            Some(settings) => {
                settings.insert("id".into(), json!(id));
            }
            None => {
                return Err(ApiError::invalid_field(
                    key,
                    format!("a config of type {t} needs its {key} settings"),
                ))
            }
        }
    }
    let system = system(store, req)?;
    let configs = system["authSchemeConfigs"]
        .as_array_mut()
        .ok_or_else(|| ApiError::bad_request("the system has no authSchemeConfigs list"))?;
    match configs.iter_mut().find(|c| is(c, &id, &t)) {
        Some(existing) => *existing = value.clone(),
        None => configs.push(value.clone()),
    }
    Ok(Some(value))
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("auth_scheme_config_id").to_string();
    let system = system(store, req)?;
    let configs = system["authSchemeConfigs"]
        .as_array_mut()
        .ok_or_else(|| ApiError::bad_request("the system has no authSchemeConfigs list"))?;
    let before = configs.len();
    configs.retain(|c| {
        let t = c["type"].as_str().unwrap_or_default();
        settings_key(t).is_none_or(|key| c[key]["id"] != id.as_str())
    });
    if configs.len() == before {
        return Err(ApiError::not_found(format!(
            "the system has no auth scheme config {id:?}"
        )));
    }
    Ok(None)
}
