//! End users: externalId required, unique and immutable; found by id or externalId.

use std::collections::HashMap;

use serde_json::json;
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Org, Store};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateEndUser", create);
    map.insert("ListEndUsers", list);
    map.insert("GetEndUser", get);
    map.insert("UpdateEndUser", update);
    map.insert("DeleteEndUser", delete);
}

/// The id of the user known by `key` (their id or their externalId).
pub fn find(org: &Org, key: &str) -> Option<String> {
    if org.users.contains_key(key) {
        return Some(key.to_string());
    }
    org.users
        .values()
        .find(|u| u.external_id == key)
        .map(|u| u.id.clone())
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::EndUserCreate = req.body()?;
    if body.external_id.trim().is_empty() {
        return Err(ApiError::invalid_field(
            "externalId",
            "is required and must not be empty",
        ));
    }
    let org_id = req.org().to_string();
    let org = store.org(&org_id);
    if org
        .users
        .values()
        .any(|u| u.external_id == body.external_id)
    {
        return Err(ApiError::conflict(format!(
            "an end user with externalId {:?} already exists",
            body.external_id
        )));
    }
    let t = now();
    let user = types::EndUser {
        id: new_id(),
        external_id: body.external_id,
        display_name: body.display_name.unwrap_or_default(),
        organisation_id: org_id,
        created_at: t,
        updated_at: t,
    };
    org.users.insert(user.id.clone(), user.clone());
    wire::json(&user).map(Some)
}

/// `activated` with `environment_id`: whether users must (or must not) be
/// activated on that environment. The two go together.
fn activation_filter(req: &Request, org: &Org) -> Result<Option<(String, bool)>, ApiError> {
    let activated = req.query_bool("activated")?;
    let environment = req.query("environment_id");
    match (activated, environment) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::invalid_field(
            "environment_id",
            "is needed with activated: name the environment to check",
        )),
        (None, Some(_)) => Err(ApiError::invalid_field(
            "activated",
            "is needed with environment_id: true for users activated there, false for the others",
        )),
        (Some(activated), Some(env)) => {
            if org.environment(env).is_none() {
                return Err(ApiError::missing("environment", env));
            }
            Ok(Some((env.to_string(), activated)))
        }
    }
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let search = req.query("search").map(str::to_lowercase);
    let org = store.org(req.org());
    let activation = activation_filter(req, org)?;
    let activated_here: Option<(std::collections::BTreeSet<&str>, bool)> =
        activation.as_ref().map(|(env, wanted)| {
            (
                org.activations
                    .values()
                    .filter(|a| &a.environment_id == env)
                    .map(|a| a.user_id())
                    .collect(),
                *wanted,
            )
        });
    let users: Vec<&types::EndUser> = org
        .users
        .values()
        .filter(|u| {
            search.as_ref().is_none_or(|s| {
                u.id.to_lowercase().contains(s)
                    || u.external_id.to_lowercase().contains(s)
                    || u.display_name.to_lowercase().contains(s)
            })
        })
        .filter(|u| {
            activated_here
                .as_ref()
                .is_none_or(|(ids, wanted)| ids.contains(u.id.as_str()) == *wanted)
        })
        .collect();
    Ok(Some(json!({"totalCount": users.len(), "users": users})))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let key = req.path("user_id");
    let id = find(org, key).ok_or_else(|| ApiError::missing("end user", key))?;
    wire::json(&org.users[&id]).map(Some)
}

fn update(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    if body.get("externalId").is_some() {
        return Err(ApiError::rule_violation(
            "externalId",
            "is immutable once the end user exists",
        ));
    }
    let body: types::EndUserUpdate = req.body()?;
    let org = store.org(req.org());
    let key = req.path("user_id");
    let id = find(org, key).ok_or_else(|| ApiError::missing("end user", key))?;
    let user = org
        .users
        .get_mut(&id)
        .ok_or_else(|| ApiError::missing("end user", key))?;
    if let Some(name) = body.display_name {
        user.display_name = name;
    }
    user.updated_at = now();
    wire::json(user).map(Some)
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let key = req.path("user_id");
    let id = find(org, key).ok_or_else(|| ApiError::missing("end user", key))?;
    org.users.remove(&id);
    // the user's connections stay, owned by no one (static from now on)
    org.disown(&id);
    Ok(None)
}
