//! Connection templates: a system attached to one environment of a
//! project, under the name its code uses. As the spec defines it, a
//! template's `id` is the system's id and `connectionTemplateId` the
//! template's own; what it shows of the system (domain, base URL, auth
//! scheme configs) is the system's current state.

use std::collections::HashMap;

use serde_json::Value;
use versori_core::types;

use super::systems::auth_schemes::config_id;
use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::index;
use crate::page::page;
use crate::request::Request;
use crate::store::{new_id, Org, Scope, Store, Template, TemplateKeys};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateConnectionTemplate", create);
    map.insert("ListProjectConnectionTemplates", list);
    map.insert("UpdateConnectionTemplate", update);
    map.insert("DeleteConnectionTemplate", delete);
}

/// The template `id` as the API shows it: its system's current domain, base
/// URL and auth scheme configs (all of them, or those the template names).
pub fn view(org: &Org, id: &str, t: &Template) -> types::ConnectionTemplate {
    let system = org.systems.get(&t.system_id);
    let configs = system
        .map(|s| s.auth_scheme_configs.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|c| {
            t.auth_scheme_config_ids
                .as_ref()
                .is_none_or(|ids| config_id(c).is_some_and(|cid| ids.iter().any(|i| i == cid)))
        })
        .cloned()
        .collect();
    types::ConnectionTemplate {
        auth_scheme_configs: configs,
        connection_template_id: Some(id.to_string()),
        domain: system.map(|s| s.domain.clone()).unwrap_or_default(),
        dynamic: t.dynamic,
        id: t.system_id.clone(),
        name: t.name.clone(),
        template_base_url: system
            .map(|s| s.template_base_url.clone())
            .unwrap_or_default(),
    }
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::LinkSystem = req.body()?;
    let project_id = req.path("project_id").to_string();
    let org = store.org(req.org());
    if !org.projects.contains_key(&project_id) {
        return Err(ApiError::missing("project", &project_id));
    }
    if !org.systems.contains_key(&body.system_id) {
        return Err(ApiError::rule_violation(
            "systemId",
            format!("system {} does not exist", body.system_id),
        ));
    }
    match org.environment(&body.environment_id) {
        Some((p, _)) if p.id == project_id => {}
        _ => {
            return Err(ApiError::rule_violation(
                "environmentId",
                format!(
                    "environment {} is not an environment of project {project_id} (deploy the project first)",
                    body.environment_id
                ),
            ))
        }
    }
    let id = new_id();
    let template = Template {
        project_id,
        environment_id: body.environment_id,
        system_id: body.system_id,
        name: body.name,
        dynamic: body.dynamic.unwrap_or(false),
        auth_scheme_config_ids: None,
    };
    let out = wire::json(&view(org, &id, &template))?;
    org.templates.insert(id, template);
    Ok(Some(out))
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    // a page of the project's (or the environment's) index
    let group = match org.project_scope(req.path("project_id"), req.query("env_id"))? {
        Scope::Project(project_id) => org.templates.group(TemplateKeys::PROJECT, project_id),
        Scope::Environment(env) => org.templates.group(TemplateKeys::ENVIRONMENT, env),
        Scope::Nothing => index::empty(),
    };
    page(req, "items", group, None, |id, _| {
        match org.templates.get(id) {
            Some(t) => wire::json(&view(org, id, t)),
            None => Ok(Value::Null),
        }
    })
    .map(Some)
}

/// The template `id` of the request's project.
fn of_project<'a>(org: &'a Org, req: &Request) -> Result<&'a Template, ApiError> {
    let id = req.path("template_id");
    org.templates
        .get(id)
        .filter(|t| t.project_id == req.path("project_id"))
        .ok_or_else(|| {
            ApiError::not_found(format!("no connection template {id:?} in this project"))
        })
}

fn update(store: &mut Store, req: &Request) -> Answer {
    let body: types::UpdateConnectionTemplate = req.body()?;
    let id = req.path("template_id").to_string();
    let org = store.org(req.org());
    let system_id = of_project(org, req)?.system_id.clone();
    let known: Vec<&str> = org
        .systems
        .get(&system_id)
        .map(|s| s.auth_scheme_configs.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(config_id)
        .collect();
    let unknown: Vec<(String, String)> = body
        .auth_scheme_config_ids
        .iter()
        .enumerate()
        .filter(|(_, cid)| !known.contains(&cid.as_str()))
        .map(|(i, cid)| {
            (
                format!("authSchemeConfigIds[{i}]"),
                format!("{cid:?} is not an auth scheme config of system {system_id}"),
            )
        })
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::rule_violations(
            "cannot update the connection template",
            unknown,
        ));
    }
    let given = req.json()?;
    let template = org
        .templates
        .update(&id, |template| {
            if let Some(name) = body.name {
                template.name = name;
            }
            if let Some(dynamic) = body.dynamic {
                template.dynamic = dynamic;
            }
            if given.get("authSchemeConfigIds").is_some() {
                template.auth_scheme_config_ids = Some(body.auth_scheme_config_ids);
            }
            template.clone()
        })
        .ok_or_else(|| ApiError::missing("connection template", &id))?;
    wire::json(&view(org, &id, &template)).map(Some)
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("template_id").to_string();
    let org = store.org(req.org());
    of_project(org, req)?;
    org.remove_template(&id);
    Ok(None)
}
