//! Projects: create, list, get, update, delete.

use std::collections::HashMap;

use serde_json::json;
use versori_core::types;

use super::to_json;
use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateProject", create);
    map.insert("ListProjects", list);
    map.insert("GetProject", get);
    map.insert("UpdateProject", update);
    map.insert("DeleteProject", delete);
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::ProjectCreate = req.body()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid_field(
            "name",
            "is required and must not be empty",
        ));
    }
    let t = now();
    let project: types::Project = serde_json::from_value(json!({
        "id": new_id(),
        "name": body.name,
        "environments": [],
        "createdAt": t,
        "updatedAt": t,
        "currentFiles": {"files": [], "labels": {}},
        "dynamicVariablesSchema": {},
        "settings": {},
        "metadata": {},
        "starred": false
    }))
    .map_err(|e| ApiError::bad_request(format!("cannot build the project: {e}")))?;
    store
        .org(req.org())
        .projects
        .insert(project.id.clone(), project.clone());
    to_json(&project).map(Some)
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let starred = req.query_bool("starred")?;
    let org = store.org(req.org());
    let projects: Vec<serde_json::Value> = org
        .projects
        .values()
        .filter(|p| starred.is_none_or(|s| p.starred == s))
        .map(|p| {
            json!({
                "id": p.id, "name": p.name, "createdAt": p.created_at, "updatedAt": p.updated_at,
                "environments": p.environments, "starred": p.starred
            })
        })
        .collect();
    Ok(Some(json!({"projects": projects})))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("project_id");
    let project = store
        .org(req.org())
        .projects
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("no project {id:?}")))?;
    to_json(project).map(Some)
}

fn update(store: &mut Store, req: &Request) -> Answer {
    let body: types::ProjectUpdate = req.body()?;
    let id = req.path("project_id");
    let project = store
        .org(req.org())
        .projects
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no project {id:?}")))?;
    let patch = serde_json::to_value(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if let Some(name) = patch.get("name").and_then(|n| n.as_str()) {
        if name.trim().is_empty() {
            return Err(ApiError::invalid_field("name", "must not be empty"));
        }
        project.name = name.to_string();
    }
    project.updated_at = now();
    to_json(project).map(Some)
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("project_id");
    store
        .org(req.org())
        .projects
        .remove(id)
        .ok_or_else(|| ApiError::not_found(format!("no project {id:?}")))?;
    Ok(None)
}
