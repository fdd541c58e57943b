//! Projects: create, list, get, update, delete.

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Org, Store, TemplateKeys, VersionKeys};
use crate::typescript::{self as code, Declared};
use crate::wire;

mod flows;
mod lifecycle;
mod runtime;

pub(crate) use lifecycle::file_problems;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateProject", create);
    map.insert("ListProjects", list);
    map.insert("GetProject", get);
    map.insert("UpdateProject", update);
    map.insert("DeleteProject", delete);
    map.insert("SetProjectVariablesSchema", set_schema);
    map.insert("GetProjectVariablesSchema", get_schema);
    map.insert("PatchProjectVariablesSchema", patch_schema);
    map.insert("GetFiles", get_files);
    map.insert("UpdateFiles", update_files);
    map.insert("DeployProject", deploy);
    map.insert("DeployProjectVersion", deploy_version);
    flows::register(map);
    lifecycle::register(map);
    runtime::register(map);
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
    let project = types::Project {
        created_at: t,
        current_files: types::Files {
            files: Vec::new(),
            labels: serde_json::Map::new(),
        },
        dynamic_variables_schema: Some(types::DynamicVariablesSchema(serde_json::Map::new())),
        environments: Vec::new(),
        id: new_id(),
        metadata: types::ProjectMetadata::default(),
        name: body.name,
        settings: types::ProjectSettings::default(),
        starred: false,
        updated_at: t,
    };
    store
        .org(req.org())
        .projects
        .insert(project.id.clone(), project.clone());
    wire::json(&project).map(Some)
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
        .ok_or_else(|| ApiError::missing("project", id))?;
    wire::json(project).map(Some)
}

fn update(store: &mut Store, req: &Request) -> Answer {
    let body: types::ProjectUpdate = req.body()?;
    let id = req.path("project_id");
    let project = store
        .org(req.org())
        .projects
        .get_mut(id)
        .ok_or_else(|| ApiError::missing("project", id))?;
    let patch = serde_json::to_value(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if let Some(name) = patch.get("name").and_then(|n| n.as_str()) {
        if name.trim().is_empty() {
            return Err(ApiError::invalid_field("name", "must not be empty"));
        }
        project.name = name.to_string();
    }
    project.updated_at = now();
    wire::json(project).map(Some)
}

/// Removes the project with everything it owns: environments and what is
/// attached to them, versions, flows, and its execution history.
fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("project_id");
    let org = store.org(req.org());
    let project = org
        .projects
        .remove(id)
        .ok_or_else(|| ApiError::missing("project", id))?;
    let envs: Vec<&str> = project.environments.iter().map(|e| e.id.as_str()).collect();
    let templates: Vec<String> = org
        .templates
        .group(TemplateKeys::PROJECT, id)
        .keys()
        .cloned()
        .collect();
    for template in &templates {
        org.remove_template(template);
    }
    org.activations
        .retain(|_, a| !envs.contains(&a.environment_id.as_str()));
    org.static_variables
        .retain(|env, _| !envs.contains(&env.as_str()));
    org.static_activations
        .retain(|env, _| !envs.contains(&env.as_str()));
    org.schedulers
        .retain(|_, s| !envs.contains(&s.environment_id.as_str()));
    let versions: Vec<String> = org
        .versions
        .group(VersionKeys::PROJECT, id)
        .keys()
        .cloned()
        .collect();
    for version in &versions {
        org.versions.remove(version);
    }
    org.flows.retain(|(p, _), _| p != id);
    org.executions.retain(|e| e.project_id != id);
    org.test_containers.remove(id);
    for linked in org.actions.values_mut() {
        linked.projects.remove(id);
    }
    for linked in org.triggers.values_mut() {
        linked.projects.remove(id);
    }
    Ok(None)
}

fn project_mut<'a>(
    store: &'a mut Store,
    req: &Request,
) -> Result<&'a mut types::Project, ApiError> {
    let id = req.path("project_id");
    store
        .org(req.org())
        .projects
        .get_mut(id)
        .ok_or_else(|| ApiError::missing("project", id))
}

fn set_schema(store: &mut Store, req: &Request) -> Answer {
    let schema = req.json()?;
    if !schema.is_object() {
        return Err(ApiError::bad_request(
            "the variable schema must be a JSON object",
        ));
    }
    versori_core::validation::compile(&schema).map_err(|e| ApiError::invalid_field("body", e))?;
    set_variables_schema(project_mut(store, req)?, &schema);
    Ok(Some(schema))
}

/// Makes `schema` (a JSON object) the project's variable schema, the one
/// GetProject shows and activations are checked against.
fn set_variables_schema(project: &mut types::Project, schema: &Value) {
    let members = schema.as_object().cloned().unwrap_or_default();
    project.dynamic_variables_schema = Some(types::DynamicVariablesSchema(members));
    project.updated_at = now();
}

fn get_schema(store: &mut Store, req: &Request) -> Answer {
    let id = project_mut(store, req)?.id.clone();
    Ok(Some(store.org(req.org()).variables_schema(&id)))
}

/// Applies one JSON Patch operation (RFC 6902 `add`, `remove` or
/// `replace`) at the JSON pointer `path` of `target`.
fn apply_patch(
    target: &mut Value,
    op: &str,
    path: &str,
    value: Option<Value>,
) -> Result<(), ApiError> {
    let bad = |why: &str| ApiError::invalid_field("path", format!("{path:?} {why}"));
    if !path.starts_with('/') {
        return Err(bad("is not a JSON pointer (it must start with '/')"));
    }
    let (parent_path, last) = path.rsplit_once('/').unwrap_or(("", path));
    let key = last.replace("~1", "/").replace("~0", "~");
    let parent = target
        .pointer_mut(parent_path)
        .ok_or_else(|| bad("names a parent that does not exist"))?;
    let Some(map) = parent.as_object_mut() else {
        return Err(bad("does not name a member of an object"));
    };
    match op {
        "add" => {
            let v = value.ok_or_else(|| ApiError::invalid_field("value", "add needs a value"))?;
            map.insert(key, v);
        }
        "replace" => {
            let v =
                value.ok_or_else(|| ApiError::invalid_field("value", "replace needs a value"))?;
            let slot = map
                .get_mut(&key)
                .ok_or_else(|| bad("does not exist, so cannot be replaced"))?;
            *slot = v;
        }
        "remove" => {
            map.remove(&key)
                .ok_or_else(|| bad("does not exist, so cannot be removed"))?;
        }
        other => {
            return Err(ApiError::invalid_field(
                "op",
                format!("{other:?} is not add, remove or replace"),
            ))
        }
    }
    Ok(())
}

fn patch_schema(store: &mut Store, req: &Request) -> Answer {
    let patch: types::DynamicVariablesSchemaPatch = req.body()?;
    let op = serde_json::to_value(&patch.op).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let id = project_mut(store, req)?.id.clone();
    let mut schema = store.org(req.org()).variables_schema(&id);
    apply_patch(
        &mut schema,
        op.as_str().unwrap_or_default(),
        &patch.path,
        req.json()?.get("value").cloned(),
    )?;
    versori_core::validation::compile(&schema).map_err(|e| {
        ApiError::invalid_field(
            "value",
            format!("the patched schema would not be valid: {e}"),
        )
    })?;
    set_variables_schema(project_mut(store, req)?, &schema);
    Ok(Some(schema))
}

fn get_files(store: &mut Store, req: &Request) -> Answer {
    wire::json(&project_mut(store, req)?.current_files).map(Some)
}

fn update_files(store: &mut Store, req: &Request) -> Answer {
    let files: types::Files = req.body()?;
    let project = project_mut(store, req)?;
    project.current_files = files;
    project.updated_at = now();
    Ok(None)
}

/// Records the files as a new version (named by `versionName`) and deploys
/// it to the environment named by `project_env`, creating the environment on
/// first deployment (status running, lastDeployedAt set).
fn deploy(store: &mut Store, req: &Request) -> Answer {
    let name = req
        .query("project_env")
        .ok_or_else(|| ApiError::invalid_field("project_env", "name the environment to deploy to"))?
        .to_string();
    let payload: types::ProjectDeployPayload = req.body()?;
    let files = types::Files {
        files: payload.files,
        labels: payload.labels,
    };
    let org = store.org(req.org());
    let id = org.project_mut(req.path("project_id"))?.id.clone();
    let version = crate::ops::versions::record_version(
        org,
        &id,
        &payload.version_name,
        payload.version_description.as_deref(),
        files.clone(),
    )?;
    if version.state != types::VersionState::Ready {
        return Err(ApiError::unprocessable(format!(
            "the files do not pass validation: {}",
            lifecycle::file_problems(&files.files).join("; ")
        )));
    }
    deploy_files(org, &id, &name, files, Some(version))
}

/// Deploys `files` (of `version`, when deploying one) to the environment
/// `name` of project `project_id`, creating the environment on first
/// deployment, and (re)creates its schedulers from the files. Returns the
/// project.
pub(crate) fn deploy_files(
    org: &mut Org,
    project_id: &str,
    name: &str,
    files: types::Files,
    version: Option<types::ProjectVersion>,
) -> Answer {
    if name.trim().is_empty() {
        return Err(ApiError::invalid_field("project_env", "must not be empty"));
    }
    let project = org.project_mut(project_id)?;
    let t = now();
    let index = match project.environments.iter().position(|e| e.name == name) {
        Some(i) => i,
        None => {
            let env = types::ProjectEnvironment {
                config: types::EnvironmentConfig::default(),
                created_at: t,
                deployed_version: None,
                execution_pool: None,
                files: Vec::new(),
                id: new_id(),
                labels: None,
                last_deployed_at: t,
                name: name.to_string(),
                public_url: format!(
                    "https://{}.emulator.invalid/{}",
                    project.id.to_lowercase(),
                    name
                ),
                status: "running".into(),
                updated_at: t,
            };
            project.environments.push(env);
            project.environments.len() - 1
        }
    };
    let env = &mut project.environments[index];
    // the version deployed here before gives way (unless it is redeployed)
    let previous = env.deployed_version.as_ref().map(|v| v.id.clone());
    let next = version.as_ref().map(|v| v.id.clone());
    let version_name = version.as_ref().map(|v| v.name.clone());
    env.files = files.files.clone();
    env.status = "running".into();
    env.last_deployed_at = t;
    env.updated_at = t;
    env.deployed_version = version;
    if let Some(previous) = previous.filter(|p| Some(p) != next.as_ref()) {
        org.versions.update(&previous, |v| {
            v.version.state = types::VersionState::Superseded;
        });
    }
    let project = org.project_mut(project_id)?;
    let env = &mut project.environments[index];
    let env_id = env.id.clone();
    let public_url = env.public_url.clone();
    project.current_files = files.clone();
    project.updated_at = t;
    let out = wire::json(&*project)?;
    // schedulers follow the deployed code: same name keeps its id
    let mut previous: HashMap<String, String> = HashMap::new();
    org.schedulers.retain(|id, s| {
        if s.environment_id == env_id {
            previous.insert(s.name.clone(), id.clone());
            false
        } else {
            true
        }
    });
    for d in code::declared(&files.files) {
        if let Declared::Schedule {
            name: workflow,
            cron,
        } = d
        {
            let id = previous.remove(&workflow).unwrap_or_else(new_id);
            let scheduler = types::Scheduler {
                environment_id: env_id.clone(),
                id: id.clone(),
                url: format!("{public_url}/schedules/{workflow}"),
                name: workflow,
                schedule: cron,
            };
            org.schedulers.insert(id, scheduler);
        }
    }
    let built = match &version_name {
        Some(v) => format!("built version {v}"),
        None => "built the files".to_string(),
    };
    org.record_deployment(
        project_id,
        name,
        next,
        format!(
            "{built} and deployed {} file(s) to {name}",
            files.files.len()
        ),
    );
    Ok(Some(out))
}

/// Deploys a `ready` version to the environment named by `project_env`
/// (created on first deployment).
fn deploy_version(store: &mut Store, req: &Request) -> Answer {
    let name = req
        .query("project_env")
        .ok_or_else(|| ApiError::invalid_field("project_env", "name the environment to deploy to"))?
        .to_string();
    let body = req.json()?;
    if !(body.is_object() || body.is_null()) {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    let org = store.org(req.org());
    let version = super::versions::find(org, req)?;
    let state = &version.version.state;
    if *state != types::VersionState::Ready && *state != types::VersionState::Superseded {
        // the name and state as JSON strings, quoted
        return Err(ApiError::unprocessable(format!(
            "version {} is {} and cannot be deployed",
            Value::from(version.version.name.as_str()),
            Value::from(state.to_string())
        )));
    }
    let (files, shown) = (version.files.clone(), version.version.clone());
    let project_id = version.project_id.clone();
    deploy_files(org, &project_id, &name, files, Some(shown))
}
