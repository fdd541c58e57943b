//! A system's actions and triggers (the operations and events it offers),
//! and their links to the projects that use them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::json;
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, Linked, Org, Store};
use crate::wire::{self, Wire};

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

/// What actions and triggers share: each belongs to one system and is
/// listed, created and linked to projects the same way.
trait Offered: Wire + Sized {
    /// The member a listing holds them in.
    const FIELD: &'static str;
    /// What one is called in messages.
    const NOUN: &'static str;
    /// The organisation's map of them.
    fn map(org: &mut Org) -> &mut BTreeMap<String, Linked<Self>>;
    /// Its id.
    fn id(&self) -> &str;
    /// Its system's id.
    fn system_id(&self) -> &str;
}

impl Offered for types::Action {
    const FIELD: &'static str = "actions";
    const NOUN: &'static str = "action";
    fn map(org: &mut Org) -> &mut BTreeMap<String, Linked<Self>> {
        &mut org.actions
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn system_id(&self) -> &str {
        &self.system_id
    }
}

impl Offered for types::Trigger {
    const FIELD: &'static str = "triggers";
    const NOUN: &'static str = "trigger";
    fn map(org: &mut Org) -> &mut BTreeMap<String, Linked<Self>> {
        &mut org.triggers
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn system_id(&self) -> &str {
        &self.system_id
    }
}

/// A new action of `system_id` from an item of a `CreateActions` body.
fn action(item: types::CreateActionsActionsItem, system_id: &str) -> types::Action {
    types::Action {
        content_type: item.content_type,
        description: item.description,
        graphql_query: item.graphql_query,
        id: new_id(),
        method: item.method,
        name: item.name,
        parameters: item.parameters,
        path: item.path,
        request: item.request,
        response: item.response,
        summary: item.summary,
        system_id: system_id.to_string(),
        type_: item.type_,
    }
}

/// A new trigger of `system_id` from an item of a `CreateTriggers` body
/// (an HTTP trigger; no description or summary is an empty one).
fn trigger(item: types::CreateTriggersTriggersItem, system_id: &str) -> types::Trigger {
    types::Trigger {
        description: item.description.unwrap_or_default(),
        id: new_id(),
        method: item.method,
        name: item.name,
        parameters: item.parameters,
        summary: item.summary.unwrap_or_default(),
        system_id: system_id.to_string(),
        type_: types::TriggerType::Http,
    }
}

/// The request body decoded as `T`; no body is decoded as `null`.
fn decoded<T: serde::de::DeserializeOwned>(req: &Request, what: &str) -> Result<T, ApiError> {
    serde_json::from_value(req.json()?)
        .map_err(|e| ApiError::bad_request(format!("the request body is not a valid {what}: {e}")))
}

fn system_id(org: &Org, req: &Request) -> Result<String, ApiError> {
    let id = req.path("system_id");
    if org.systems.contains_key(id) {
        Ok(id.to_string())
    } else {
        Err(ApiError::missing("system", id))
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
fn list<T: Offered>(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let system = system_id(org, req)?;
    let project = req.query("project_id");
    let items = T::map(org)
        .values()
        .filter(|l| l.item.system_id() == system)
        .filter(|l| project.is_none_or(|p| l.projects.contains(p)))
        .map(|l| &l.item);
    let items = wire::array(items)?;
    let total = items.as_array().map_or(0, Vec::len);
    Ok(Some(json!({"totalCount": total, (T::FIELD): items})))
}

/// Stores the new items of the request's system, each built by `build`
/// from an item of the body, linked to `project` when given.
fn create<T: Offered, I>(
    store: &mut Store,
    req: &Request,
    project: Option<String>,
    items: Vec<I>,
    build: fn(I, &str) -> T,
) -> Answer {
    let org = store.org(req.org());
    let system = system_id(org, req)?;
    if let Some(p) = &project {
        project_exists(org, p, "projectId")?;
    }
    let created: Vec<T> = items.into_iter().map(|i| build(i, &system)).collect();
    let out = wire::array(&created)?;
    let map = T::map(org);
    for item in created {
        map.insert(
            item.id().to_string(),
            Linked {
                projects: project.iter().cloned().collect(),
                item,
            },
        );
    }
    Ok(Some(out))
}

/// Links existing items of the system to a project.
fn link<T: Offered>(store: &mut Store, req: &Request) -> Answer {
    let ids: Vec<String> = req.body()?;
    let org = store.org(req.org());
    let system = system_id(org, req)?;
    let project = req.path("project_id").to_string();
    if !org.projects.contains_key(&project) {
        return Err(ApiError::missing("project", &project));
    }
    let map = T::map(org);
    let unknown: BTreeSet<&String> = ids
        .iter()
        .filter(|id| map.get(*id).is_none_or(|l| l.item.system_id() != system))
        .collect();
    if !unknown.is_empty() {
        let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        return Err(ApiError::unprocessable(format!(
            "the system has no {} {}",
            T::NOUN,
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

fn found_action<'a>(
    org: &'a mut Org,
    req: &Request,
) -> Result<&'a mut Linked<types::Action>, ApiError> {
    let system = system_id(org, req)?;
    let id = req.path("action_id");
    org.actions
        .get_mut(id)
        .filter(|l| l.item.system_id == system)
        .ok_or_else(|| ApiError::not_found(format!("the system has no action {id:?}")))
}

fn list_actions(store: &mut Store, req: &Request) -> Answer {
    list::<types::Action>(store, req)
}

fn create_actions(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateActions = decoded(req, "CreateActions")?;
    create(store, req, body.project_id, body.actions, action)
}

fn link_actions(store: &mut Store, req: &Request) -> Answer {
    link::<types::Action>(store, req)
}

fn list_triggers(store: &mut Store, req: &Request) -> Answer {
    list::<types::Trigger>(store, req)
}

fn create_triggers(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateTriggers = decoded(req, "CreateTriggers")?;
    create(store, req, body.project_id, body.triggers, trigger)
}

fn link_triggers(store: &mut Store, req: &Request) -> Answer {
    link::<types::Trigger>(store, req)
}

fn get_action(store: &mut Store, req: &Request) -> Answer {
    wire::json(&found_action(store.org(req.org()), req)?.item).map(Some)
}

/// Replaces the action; its id and system stay those of the path.
fn update_action(store: &mut Store, req: &Request) -> Answer {
    let mut body: types::Action = req.body()?;
    let l = found_action(store.org(req.org()), req)?;
    body.id = l.item.id.clone();
    body.system_id = l.item.system_id.clone();
    l.item = body;
    wire::json(&l.item).map(Some)
}

fn delete_action(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let id = found_action(org, req)?.item.id.clone();
    org.actions.remove(&id);
    Ok(None)
}
