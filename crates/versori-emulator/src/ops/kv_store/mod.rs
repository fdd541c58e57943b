//! KV stores: create and list stores; read, write and delete keys one at a
//! time (the key is the rest of the path, `/store/{store}/kv/orders/1042`)
//! or in batches; list and count entries by prefix. Every option and
//! selector of the spec applies: expiry (`expireIn`, `expireAt`,
//! `refreshOnAccess`), conditional writes (`ifNotExists`, `overwrite`,
//! `ifVersionstamp`), metadata and the list filters on it, cascading and
//! conditional deletes, cursors both ways. An expired entry is gone from
//! every read, listing and count.

mod key;
mod options;
mod select;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, KvEntry, KvStore, Store};
use key::{json_key, path_key, shown};
use options::{renew, DeleteOptions, SetOptions};
use select::Selector;

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

/// What a delete answers (`DeleteKVResponse`, `BatchDeleteKVResponse`).
const DELETED: &str = "deleted";

/// An entry as listings and batch reads show it (`KVEntry`).
fn entry_json(key: &[String], e: &KvEntry) -> Value {
    json!({
        "key": key, "value": e.value, "versionstamp": e.versionstamp,
        "createdAt": e.created_at, "expiresAt": e.expires_at
    })
}

fn store_mut<'a>(store: &'a mut Store, req: &Request) -> Result<&'a mut KvStore, ApiError> {
    let id = req.path("store");
    store
        .kv
        .get_mut(id)
        .ok_or_else(|| ApiError::missing("KV store", id))
}

/// The live entry under `key` (an expired one is dropped on the way).
fn live<'a>(kv: &'a mut KvStore, key: &[String], now: DateTime<Utc>) -> Option<&'a mut KvEntry> {
    if kv.entries().get(key).is_some_and(|e| !e.alive(now)) {
        kv.remove(key);
    }
    kv.get_mut(key)
}

/// Writes `value` under `key` as `options` allow; the versionstamp, or why
/// nothing was written.
fn write(
    kv: &mut KvStore,
    key: Vec<String>,
    value: Value,
    options: &SetOptions,
    now: DateTime<Utc>,
) -> Result<String, options::NotWritten> {
    options.allows(live(kv, &key, now).map(|e| &*e))?;
    let entry = options.entry(value, now);
    let versionstamp = entry.versionstamp.clone();
    kv.put(key, entry, now);
    Ok(versionstamp)
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let key = path_key(req)?;
    let now = now();
    let kv = store_mut(store, req)?;
    let entry = live(kv, &key, now)
        .ok_or_else(|| ApiError::not_found(format!("no key {:?}", shown(&key))))?;
    renew(entry, now);
    let mut out = json!({
        "value": entry.value, "versionstamp": entry.versionstamp, "createdAt": entry.created_at
    });
    if let Some(at) = entry.expires_at {
        out["expiresAt"] = json!(at);
    }
    Ok(Some(out))
}

fn set(store: &mut Store, req: &Request) -> Answer {
    let key = path_key(req)?;
    let body = req.json()?;
    let Some(value) = body.get("value") else {
        return Err(ApiError::invalid_field("value", "is required"));
    };
    let options = SetOptions::parse(body.get("options"), "options")?;
    let kv = store_mut(store, req)?;
    Ok(Some(match write(kv, key, value.clone(), &options, now()) {
        Ok(versionstamp) => json!({"versionstamp": versionstamp, "ok": true, "committed": true}),
        // the condition held the write back: nothing was committed
        Err(_) => json!({"ok": false, "committed": false}),
    }))
}

/// Removes `key` (and with `cascade` every key under it) as `options`
/// allow; how many entries went.
fn remove(
    kv: &mut KvStore,
    key: &[String],
    options: &DeleteOptions,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    if let Some(wanted) = &options.if_versionstamp {
        if live(kv, key, now).is_none_or(|e| &e.versionstamp != wanted) {
            return Err(ApiError::conflict(format!(
                "key {:?} does not have versionstamp {wanted:?} (ifVersionstamp); nothing was deleted",
                shown(key)
            )));
        }
    }
    if !options.cascade {
        return Ok(kv.remove(key).map_or(0, |e| usize::from(e.alive(now))));
    }
    let under: Vec<Vec<String>> = kv
        .entries()
        .range(key.to_vec()..)
        .take_while(|(k, _)| k.starts_with(key))
        .map(|(k, _)| k.clone())
        .collect();
    Ok(under.iter().filter_map(|k| kv.remove(k)).count())
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let key = path_key(req)?;
    let body = req.json()?;
    let options = DeleteOptions::parse(body.get("options"), "options")?;
    let now = now();
    let kv = store_mut(store, req)?;
    // deleting an absent key succeeds: the operation's only answer is 200
    remove(kv, &key, &options, now)?;
    Ok(Some(json!({"status": DELETED})))
}

/// The `keys` member of a batch body (absent: none; the spec does not
/// require it).
fn keys(body: &Value) -> Result<Vec<Vec<String>>, ApiError> {
    let list = match body.get("keys") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(ApiError::invalid_field("keys", "must be a list of keys")),
    };
    list.iter()
        .enumerate()
        .map(|(i, k)| json_key(k, &format!("keys[{i}]")))
        .collect()
}

fn batch_get(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let keys = keys(&body)?;
    let now = now();
    let kv = store_mut(store, req)?;
    let mut entries = Vec::new();
    for key in keys {
        if let Some(e) = live(kv, &key, now) {
            renew(e, now);
            entries.push(entry_json(&key, e));
        }
    }
    Ok(Some(json!({"entries": entries})))
}

fn batch_set(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let Some(items) = body.get("entries").and_then(Value::as_array) else {
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
        let options = SetOptions::parse(item.get("options"), &format!("entries[{i}].options"))?;
        parsed.push((key, value.clone(), options));
    }
    let now = now();
    let kv = store_mut(store, req)?;
    let mut successes = Vec::new();
    let mut failures = Vec::new();
    for (key, value, options) in parsed {
        match write(kv, key.clone(), value, &options, now) {
            Ok(versionstamp) => {
                successes.push(json!({"ok": true, "versionstamp": versionstamp, "committed": true}))
            }
            Err(why) => failures.push(json!({"key": key, "error": why.reason()})),
        }
    }
    Ok(Some(json!({"successes": successes, "failures": failures})))
}

fn batch_delete(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let keys = keys(&body)?;
    let options = DeleteOptions::parse(body.get("options"), "options")?;
    let now = now();
    let kv = store_mut(store, req)?;
    // a condition is checked for every key before anything goes
    if let Some(wanted) = &options.if_versionstamp {
        for key in &keys {
            if live(kv, key, now).is_none_or(|e| &e.versionstamp != wanted) {
                return Err(ApiError::conflict(format!(
                    "key {:?} does not have versionstamp {wanted:?} (ifVersionstamp); nothing was deleted",
                    shown(key)
                )));
            }
        }
    }
    let unconditional = DeleteOptions {
        cascade: options.cascade,
        if_versionstamp: None,
    };
    for key in &keys {
        remove(kv, key, &unconditional, now)?;
    }
    Ok(Some(json!({"status": DELETED})))
}

/// The page size of a listing (`options.limit`, 1 to 100; 100 when absent).
fn limit(body: &Value) -> Result<usize, ApiError> {
    match body.pointer("/options/limit") {
        None | Some(Value::Null) => Ok(100),
        Some(v) => match v.as_f64() {
            Some(n) if (1.0..=100.0).contains(&n) => Ok(n as usize),
            _ => Err(ApiError::invalid_field(
                "options.limit",
                "must be between 1 and 100",
            )),
        },
    }
}

/// Entries under a prefix, newest first by internal id (or, `reverse`,
/// oldest first), filtered by creation time and metadata. The cursors are
/// opaque strings naming the internal ids of a page's first and last
/// entries, sent back as `selector.before` and `selector.after`.
fn list(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let selector = Selector::parse(&body)?;
    let limit = limit(&body)?;
    let reverse = body
        .pointer("/options/reverse")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let now = now();
    let kv = store_mut(store, req)?;
    let page = selector.page(kv, limit, reverse, now)?;
    let mut data = Vec::with_capacity(page.keys.len());
    for key in &page.keys {
        if let Some(e) = kv.get_mut(key) {
            renew(e, now);
            data.push(entry_json(key, e));
        }
    }
    let (first, last) = page.ends.unwrap_or_default();
    let cursor = |c: String, wanted: bool| if wanted { c } else { String::new() };
    Ok(Some(json!({
        "data": data,
        "pagination": {
            "nextCursor": cursor(last, page.more_after),
            "prevCursor": cursor(first, page.more_before),
        }
    })))
}

/// How many live entries sit under a prefix (the spec's CountSelector has
/// nothing else: a `filter` or a cursor is ignored).
fn count(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let selector = Selector::parse_count(&body)?;
    let now = now();
    let kv = store_mut(store, req)?;
    Ok(Some(json!({"count": selector.count(kv.entries(), now)})))
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
    store.kv.insert(id.clone(), KvStore::new(org, name));
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
