//! Integration flows: a project's recorded workflow graphs, stored by name.

use std::collections::HashMap;

use serde_json::json;
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, Store};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("GetIntegrationFlows", list);
    map.insert("GetIntegrationFlow", get);
    map.insert("UpdateIntegrationFlow", put);
    map.insert("DeleteFlow", delete);
}

fn project_id(store: &mut Store, req: &Request) -> Result<String, ApiError> {
    Ok(store
        .org(req.org())
        .project_mut(req.path("project_id"))?
        .id
        .clone())
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let project = project_id(store, req)?;
    let flows = wire::array(
        store
            .org(req.org())
            .flows
            .iter()
            .filter(|((p, _), _)| *p == project)
            .map(|(_, f)| f),
    )?;
    Ok(Some(json!({ "flows": flows })))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let project = project_id(store, req)?;
    let name = req.path("flow_name");
    let flow = store
        .org(req.org())
        .flows
        .get(&(project, name.to_string()))
        .ok_or_else(|| ApiError::not_found(format!("the project has no flow {name:?}")))?;
    wire::json(flow).map(Some)
}

/// Creates or replaces the flow named in the path; the body's `name` must
/// agree with it. The flow keeps its id across replacements.
fn put(store: &mut Store, req: &Request) -> Answer {
    let mut flow: types::IntegrationFlow = req.body()?;
    let name = req.path("flow_name").to_string();
    if flow.name != name {
        return Err(ApiError::invalid_field(
            "name",
            format!(
                "{:?} differs from the flow name in the path {name:?}",
                flow.name
            ),
        ));
    }
    let project = project_id(store, req)?;
    let flows = &mut store.org(req.org()).flows;
    let key = (project, name);
    flow.id = Some(
        flows
            .get(&key)
            .and_then(|f| f.id.clone())
            .unwrap_or_else(new_id),
    );
    let out = wire::json(&flow)?;
    flows.insert(key, flow);
    Ok(Some(out))
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let project = project_id(store, req)?;
    let name = req.path("flow_name");
    store
        .org(req.org())
        .flows
        .remove(&(project, name.to_string()))
        .map(|_| None)
        .ok_or_else(|| ApiError::not_found(format!("the project has no flow {name:?}")))
}
