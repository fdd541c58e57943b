//! Systems (organisation-wide) and connection templates (a system attached to
//! one environment of a project).

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::page::page;
use crate::request::Request;
use crate::store::{new_id, Store, Template};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateSystem", create);
    map.insert("ListSystems", list);
    map.insert("GetSystem", get);
    map.insert("UpdateSystem", update);
    map.insert("DeleteSystem", delete);
    map.insert("CreateConnectionTemplate", create_template);
    map.insert("ListProjectConnectionTemplates", list_templates);
    map.insert("UpdateConnectionTemplate", update_template);
    map.insert("DeleteConnectionTemplate", delete_template);
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
    let items: Vec<Value> = store
        .org(req.org())
        .systems
        .values()
        .filter(|s| {
            search.as_ref().is_none_or(|q| {
                s["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(q)
            })
        })
        .cloned()
        .collect();
    page(req, "items", items).map(Some)
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

fn create_template(store: &mut Store, req: &Request) -> Answer {
    let body: types::LinkSystem = req.body()?;
    let project_id = req.path("project_id").to_string();
    let org = store.org(req.org());
    if !org.projects.contains_key(&project_id) {
        return Err(ApiError::not_found(format!("no project {project_id:?}")));
    }
    let system = org.systems.get(&body.system_id).cloned().ok_or_else(|| {
        ApiError::unprocessable(format!("system {} does not exist", body.system_id))
    })?;
    match org.environment(&body.environment_id) {
        Some((p, _)) if p.id == project_id => {}
        _ => {
            return Err(ApiError::unprocessable(format!(
                "environment {} is not an environment of project {project_id} (deploy the project first)",
                body.environment_id
            )))
        }
    }
    let id = new_id();
    let value = json!({
        "id": id, "connectionTemplateId": id, "name": body.name, "domain": system["domain"],
        "dynamic": body.dynamic.unwrap_or(false), "templateBaseUrl": system["templateBaseUrl"],
        "authSchemeConfigs": system["authSchemeConfigs"]
    });
    checked::<types::ConnectionTemplate>(&value, "ConnectionTemplate")?;
    org.templates.insert(
        id,
        Template {
            project_id,
            environment_id: body.environment_id,
            system_id: body.system_id,
            value: value.clone(),
        },
    );
    Ok(Some(value))
}

fn list_templates(store: &mut Store, req: &Request) -> Answer {
    let project_id = req.path("project_id");
    let env = req.query("env_id");
    let org = store.org(req.org());
    if !org.projects.contains_key(project_id) {
        return Err(ApiError::not_found(format!("no project {project_id:?}")));
    }
    let items: Vec<Value> = org
        .templates
        .values()
        .filter(|t| t.project_id == project_id && env.is_none_or(|e| t.environment_id == e))
        .map(|t| t.value.clone())
        .collect();
    page(req, "items", items).map(Some)
}

fn update_template(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let id = req.path("template_id");
    let template = store
        .org(req.org())
        .templates
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no connection template {id:?}")))?;
    for key in ["name", "dynamic"] {
        if let Some(v) = body.get(key) {
            template.value[key] = v.clone();
        }
    }
    checked::<types::ConnectionTemplate>(&template.value, "ConnectionTemplate")?;
    Ok(Some(template.value.clone()))
}

fn delete_template(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("template_id").to_string();
    let org = store.org(req.org());
    org.templates
        .remove(&id)
        .ok_or_else(|| ApiError::not_found(format!("no connection template {id:?}")))?;
    org.links.retain(|(_, t)| *t != id);
    Ok(None)
}
