//! A system's actions and triggers (the operations and events it offers),
//! and their links to the projects that use them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, Linked, Org, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("ListSystemActions", list_actions);
    map.insert("CreateSystemActions", create_actions);
    map.insert("GetSystemAction", get_action);
    map.insert("UpdateSystemAction", update_action);
    map.insert("DeleteSystemAction", delete_action);
    map.insert("LinkSystemActions", link_actions);
    map.insert("ListSystemTriggers", list_triggers);
    map.insert("CreateSystemTriggers", create_triggers);
    map.insert("LinkSystemTriggers", link_triggers);
}

/// Which of the two collections a handler works on.
#[derive(Clone, Copy)]
enum Kind {
    Action,
    Trigger,
}

impl Kind {
    fn map(self, org: &mut Org) -> &mut BTreeMap<String, Linked> {
        match self {
            Kind::Action => &mut org.actions,
            Kind::Trigger => &mut org.triggers,
        }
    }
    fn field(self) -> &'static str {
        match self {
            Kind::Action => "actions",
            Kind::Trigger => "triggers",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Kind::Action => "action",
            Kind::Trigger => "trigger",
        }
    }
    /// Fills the defaults of a new item and checks it is a valid one.
    fn complete(self, item: &mut Value, id: &str, system_id: &str) -> Result<(), String> {
        let Some(obj) = item.as_object_mut() else {
            return Err("is not a JSON object".into());
        };
        obj.insert("id".into(), json!(id));
        obj.insert("systemId".into(), json!(system_id));
        obj.entry("type").or_insert(json!("http"));
        obj.entry("parameters").or_insert(json!([]));
        let valid = match self {
            Kind::Action => serde_json::from_value::<types::Action>(item.clone()).map(|_| ()),
            Kind::Trigger => {
                if let Some(obj) = item.as_object_mut() {
                    obj.entry("description").or_insert(json!(""));
                    obj.entry("summary").or_insert(json!(""));
                }
                serde_json::from_value::<types::Trigger>(item.clone()).map(|_| ())
            }
        };
        valid.map_err(|e| e.to_string())
    }
}

fn system_id(org: &Org, req: &Request) -> Result<String, ApiError> {
    let id = req.path("system_id");
    if org.systems.contains_key(id) {
        Ok(id.to_string())
    } else {
        Err(ApiError::not_found(format!("no system {id:?}")))
    }
}

fn project_exists(org: &Org, id: &str, field: &str) -> Result<(), ApiError> {
    if org.projects.contains_key(id) {
        Ok(())
    } else {
        Err(ApiError::rule_violation(
            field,
            format!("project {id} does not exist"),
        ))
    }
}

/// Every item of the system (linked to `project_id` when given), unpaged.
fn list(store: &mut Store, req: &Request, kind: Kind) -> Answer {
    let org = store.org(req.org());
    let system = system_id(org, req)?;
    let project = req.query("project_id").map(str::to_string);
    let items: Vec<Value> = kind
        .map(org)
        .values()
        .filter(|l| l.value["systemId"] == system.as_str())
        .filter(|l| project.as_ref().is_none_or(|p| l.projects.contains(p)))
        .map(|l| l.value.clone())
        .collect();
    Ok(Some(
        json!({"totalCount": items.len(), (kind.field()): items}),
    ))
}

fn create(store: &mut Store, req: &Request, kind: Kind) -> Answer {
    let body = req.json()?;
    let (project, items) = match kind {
        Kind::Action => {
            let b: types::CreateActions = serde_json::from_value(body.clone()).map_err(|e| {
                ApiError::bad_request(format!(
                    "the request body is not a valid CreateActions: {e}"
                ))
            })?;
            (
                b.project_id,
                body["actions"].as_array().cloned().unwrap_or_default(),
            )
        }
        Kind::Trigger => {
            let b: types::CreateTriggers = serde_json::from_value(body.clone()).map_err(|e| {
                ApiError::bad_request(format!(
                    "the request body is not a valid CreateTriggers: {e}"
                ))
            })?;
            (
                b.project_id,
                body["triggers"].as_array().cloned().unwrap_or_default(),
            )
        }
    };
    let org = store.org(req.org());
    let system = system_id(org, req)?;
    if let Some(p) = &project {
        project_exists(org, p, "projectId")?;
    }
    let mut created = Vec::new();
    for (i, mut item) in items.into_iter().enumerate() {
        let id = new_id();
        kind.complete(&mut item, &id, &system).map_err(|e| {
            ApiError::invalid_field(
                &format!("{}[{i}]", kind.field()),
                format!("not a valid {}: {e}", kind.noun()),
            )
        })?;
        created.push(item);
    }
    let map = kind.map(org);
    for item in &created {
        let id = item["id"].as_str().unwrap_or_default().to_string();
        map.insert(
            id,
            Linked {
                projects: project.iter().cloned().collect(),
                value: item.clone(),
            },
        );
    }
    Ok(Some(Value::Array(created)))
}

/// Links existing items of the system to a project.
fn link(store: &mut Store, req: &Request, kind: Kind) -> Answer {
    let ids: Vec<String> = req.body()?;
    let org = store.org(req.org());
    let system = system_id(org, req)?;
    let project = req.path("project_id").to_string();
    if !org.projects.contains_key(&project) {
        return Err(ApiError::not_found(format!("no project {project:?}")));
    }
    let map = kind.map(org);
    let unknown: BTreeSet<&String> = ids
        .iter()
        .filter(|id| {
            map.get(*id)
                .is_none_or(|l| l.value["systemId"] != system.as_str())
        })
        .collect();
    if !unknown.is_empty() {
        let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        return Err(ApiError::unprocessable(format!(
            "the system has no {} {}",
            kind.noun(),
            list.join(", ")
        )));
    }
    for id in &ids {
        if let Some(l) = map.get_mut(id) {
            l.projects.insert(project.clone());
        }
    }
    Ok(None)
}

fn action<'a>(org: &'a mut Org, req: &Request) -> Result<&'a mut Linked, ApiError> {
    let system = system_id(org, req)?;
    let id = req.path("action_id");
    org.actions
        .get_mut(id)
        .filter(|l| l.value["systemId"] == system.as_str())
        .ok_or_else(|| ApiError::not_found(format!("the system has no action {id:?}")))
}

fn list_actions(store: &mut Store, req: &Request) -> Answer {
    list(store, req, Kind::Action)
}

fn create_actions(store: &mut Store, req: &Request) -> Answer {
    create(store, req, Kind::Action)
}

fn link_actions(store: &mut Store, req: &Request) -> Answer {
    link(store, req, Kind::Action)
}

fn list_triggers(store: &mut Store, req: &Request) -> Answer {
    list(store, req, Kind::Trigger)
}

fn create_triggers(store: &mut Store, req: &Request) -> Answer {
    create(store, req, Kind::Trigger)
}

fn link_triggers(store: &mut Store, req: &Request) -> Answer {
    link(store, req, Kind::Trigger)
}

fn get_action(store: &mut Store, req: &Request) -> Answer {
    action(store.org(req.org()), req).map(|l| Some(l.value.clone()))
}

/// Replaces the action; its id and system stay those of the path.
fn update_action(store: &mut Store, req: &Request) -> Answer {
    let body: types::Action = req.body()?;
    let l = action(store.org(req.org()), req)?;
    let mut value = crate::wire::json(&body)?;
    value["id"] = l.value["id"].clone();
    value["systemId"] = l.value["systemId"].clone();
    l.value = value.clone();
    Ok(Some(value))
}

fn delete_action(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let id = action(org, req)?.value["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    org.actions.remove(&id);
    Ok(None)
}
