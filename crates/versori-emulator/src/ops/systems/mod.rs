//! Systems: organisation-wide definitions of the external services
//! integrations talk to (connection templates attach them to projects).

use std::collections::HashMap;

use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::page::{page, Keep};
use crate::request::Request;
use crate::store::{new_id, Store};
use crate::wire;

mod actions;
pub(crate) mod auth_schemes;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateSystem", create);
    map.insert("ListSystems", list);
    map.insert("GetSystem", get);
    map.insert("UpdateSystem", update);
    map.insert("DeleteSystem", delete);
    actions::register(map);
    auth_schemes::register(map);
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::SystemCreate = req.body()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid_field("name", "must not be empty"));
    }
    let mut configs = body.auth_scheme_configs;
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    auth_schemes::keep_grant_secrets(org, &organisation, &mut configs, |i| {
        format!("authSchemeConfigs[{i}].")
    })?;
    // a system is what `System` holds: the body's labels are not part of it
    let system = types::System {
        auth_scheme_configs: configs,
        domain: body.domain,
        id: new_id(),
        name: body.name,
        template_base_url: body.template_base_url,
    };
    let out = wire::json(&system)?;
    org.systems.insert(system.id.clone(), system);
    Ok(Some(out))
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let search = req.query("search").map(str::to_lowercase);
    let matches = |_: &String, s: &types::System| {
        search
            .as_ref()
            .is_none_or(|q| s.name.to_lowercase().contains(q))
    };
    let keep: Keep<'_, types::System> = search.as_ref().map(|_| &matches as _);
    page(req, "items", &store.org(req.org()).systems, keep, |_, s| {
        wire::json(s)
    })
    .map(Some)
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("system_id");
    let system = store
        .org(req.org())
        .systems
        .get(id)
        .ok_or_else(|| ApiError::missing("system", id))?;
    wire::json(system).map(Some)
}

/// Changes the name, domain and URL template the body gives; the others stay.
fn update(store: &mut Store, req: &Request) -> Answer {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the system update must be a JSON object",
        ));
    }
    let body: types::UpdateSystem = req.body()?;
    let id = req.path("system_id");
    let system = store
        .org(req.org())
        .systems
        .get_mut(id)
        .ok_or_else(|| ApiError::missing("system", id))?;
    if let Some(name) = body.name {
        system.name = name;
    }
    if let Some(domain) = body.domain {
        system.domain = domain;
    }
    if let Some(url) = body.template_base_url {
        system.template_base_url = url;
    }
    wire::json(system).map(Some)
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
        .ok_or_else(|| ApiError::missing("system", &id))?;
    Ok(None)
}
