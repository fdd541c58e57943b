//! KV stores: create and list stores; get, set and delete single keys.
//! Keys travel in the path as segments joined by `/`.

use std::collections::HashMap;

use serde_json::json;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, KvStore, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateStore", create_store);
    map.insert("ListStores", list_stores);
    map.insert("GetKV", get);
    map.insert("SetKV", set);
    map.insert("DeleteKV", delete);
}

fn key(req: &Request) -> Result<Vec<String>, ApiError> {
    let raw = req.path("key");
    let key: Vec<String> = raw.split('/').map(String::from).collect();
    if key.iter().any(String::is_empty) {
        return Err(ApiError::invalid_field(
            "key",
            format!("{raw:?} has an empty segment"),
        ));
    }
    Ok(key)
}

fn store_mut<'a>(store: &'a mut Store, req: &Request) -> Result<&'a mut KvStore, ApiError> {
    let id = req.path("store");
    store
        .kv
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no KV store {id:?}")))
}

fn create_store(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let name = body
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string();
    let org = req.org().to_string();
    if !name.is_empty()
        && store
            .kv
            .values()
            .any(|s| s.organisation == org && s.name == name)
    {
        return Err(ApiError::conflict(format!(
            "a KV store named {name:?} already exists"
        )));
    }
    let id = new_id();
    store.kv.insert(
        id.clone(),
        KvStore {
            organisation: org,
            name,
            entries: Default::default(),
        },
    );
    Ok(Some(json!({"id": id})))
}

fn list_stores(store: &mut Store, req: &Request) -> Answer {
    let org = req.org();
    let stores: Vec<serde_json::Value> = store
        .kv
        .iter()
        .filter(|(_, s)| s.organisation == org)
        .map(|(id, s)| json!({"id": id, "name": s.name, "orgId": s.organisation}))
        .collect();
    Ok(Some(json!({"stores": stores})))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let key = key(req)?;
    let kv = store_mut(store, req)?;
    let entry = kv
        .entries
        .get(&key)
        .ok_or_else(|| ApiError::not_found(format!("no key {:?}", key.join("/"))))?;
    Ok(Some(json!({
        "value": entry["value"], "versionstamp": entry["versionstamp"], "createdAt": entry["createdAt"]
    })))
}

fn set(store: &mut Store, req: &Request) -> Answer {
    let key = key(req)?;
    let body = req.json()?;
    let Some(value) = body.get("value") else {
        return Err(ApiError::invalid_field("value", "is required"));
    };
    let kv = store_mut(store, req)?;
    let versionstamp = new_id();
    kv.entries.insert(
        key.clone(),
        json!({"key": key, "value": value, "versionstamp": versionstamp, "createdAt": now()}),
    );
    Ok(Some(
        json!({"versionstamp": versionstamp, "ok": true, "committed": true}),
    ))
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let key = key(req)?;
    let kv = store_mut(store, req)?;
    kv.entries
        .remove(&key)
        .ok_or_else(|| ApiError::not_found(format!("no key {:?}", key.join("/"))))?;
    Ok(Some(json!({"ok": true})))
}
