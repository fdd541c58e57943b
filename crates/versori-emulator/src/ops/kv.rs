//! KV stores: create and list stores; get, set and delete single keys.
//! Keys travel in the path as segments joined by `/`.

use std::collections::HashMap;

use serde_json::{json, Value};

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
    map.insert("BatchGetKV", batch_get);
    map.insert("BatchSetKV", batch_set);
    map.insert("BatchDeleteKV", batch_delete);
    map.insert("ListKV", list);
    map.insert("CountKV", count);
}

/// A key given as a JSON array of strings.
fn json_key(value: &Value, field: &str) -> Result<Vec<String>, ApiError> {
    let key: Vec<String> = value
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let complete = value
        .as_array()
        .is_some_and(|parts| parts.len() == key.len());
    if key.is_empty() || !complete || key.iter().any(String::is_empty) {
        return Err(ApiError::invalid_field(
            field,
            "a key is a non-empty list of non-empty strings",
        ));
    }
    Ok(key)
}

fn prefix(body: &Value) -> Result<Vec<String>, ApiError> {
    match body.pointer("/selector/prefix") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(p) if p.as_array().is_some_and(|a| a.is_empty()) => Ok(Vec::new()),
        Some(p) => json_key(p, "selector.prefix"),
    }
}

fn batch_get(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let keys = body["keys"].as_array().cloned().unwrap_or_default();
    let kv = store_mut(store, req)?;
    let mut entries = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let key = json_key(k, &format!("keys[{i}]"))?;
        if let Some(e) = kv.entries.get(&key) {
            entries.push(e.clone());
        }
    }
    Ok(Some(json!({"entries": entries})))
}

fn batch_set(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let Some(items) = body["entries"].as_array().cloned() else {
        return Err(ApiError::invalid_field("entries", "is required"));
    };
    let mut parsed = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let key = json_key(&item["key"], &format!("entries[{i}].key"))?;
        let Some(value) = item.get("value") else {
            return Err(ApiError::invalid_field(
                &format!("entries[{i}].value"),
                "is required",
            ));
        };
        parsed.push((key, value.clone()));
    }
    let kv = store_mut(store, req)?;
    let mut successes = Vec::new();
    for (key, value) in parsed {
        let versionstamp = new_id();
        kv.entries.insert(
            key.clone(),
            json!({"key": key, "value": value, "versionstamp": versionstamp, "createdAt": now()}),
        );
        successes.push(json!({"ok": true, "versionstamp": versionstamp, "committed": true}));
    }
    Ok(Some(json!({"successes": successes, "failures": []})))
}

fn batch_delete(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let keys = body["keys"].as_array().cloned().unwrap_or_default();
    let mut parsed = Vec::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        parsed.push(json_key(k, &format!("keys[{i}]"))?);
    }
    let kv = store_mut(store, req)?;
    for key in parsed {
        kv.entries.remove(&key);
    }
    Ok(Some(json!({"ok": true})))
}

/// Entries under a prefix, in key order; `options.limit` per page, the last
/// key of a page (joined by `/`) as the cursor, sent back as `selector.after`.
fn list(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let prefix = prefix(&body)?;
    let limit = match body.pointer("/options/limit") {
        None | Some(Value::Null) => 100,
        Some(v) => match v.as_f64() {
            Some(n) if (1.0..=100.0).contains(&n) => n as usize,
            _ => {
                return Err(ApiError::invalid_field(
                    "options.limit",
                    "must be between 1 and 100",
                ))
            }
        },
    };
    let reverse = body
        .pointer("/options/reverse")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let after: Option<Vec<String>> = body
        .pointer("/selector/after")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(|s| s.split('/').map(String::from).collect());
    let kv = store_mut(store, req)?;
    let mut matching: Vec<(&Vec<String>, &Value)> = kv
        .entries
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .collect();
    if reverse {
        matching.reverse();
    }
    let start = match &after {
        Some(cursor) => matching
            .iter()
            .position(|(k, _)| *k == cursor)
            .map_or(matching.len(), |i| i + 1),
        None => 0,
    };
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(limit)
        .map(|(_, v)| (*v).clone())
        .collect();
    let more = start + page.len() < matching.len();
    let next = if more {
        page.last().and_then(|e| e["key"].as_array()).map(|k| {
            k.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("/")
        })
    } else {
        None
    };
    Ok(Some(json!({
        "data": page,
        "pagination": {"nextCursor": next.unwrap_or_default(), "prevCursor": ""}
    })))
}

fn count(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let prefix = prefix(&body)?;
    let kv = store_mut(store, req)?;
    let n = kv.entries.keys().filter(|k| k.starts_with(&prefix)).count();
    Ok(Some(json!({"count": n})))
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
