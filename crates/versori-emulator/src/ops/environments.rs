//! Environments: configuration, static variables, execution pools, and
//! their life beyond deployment (clone, sync, delete).

use std::collections::HashMap;

use serde_json::Value;
use versori_core::types;

use super::projects::deploy_files;
use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{
    apply_changes, new_id, now, Org, Store, Template, TemplateKeys, EXECUTION_POOLS,
};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("UpdateEnvironmentConfig", update_config);
    map.insert("PatchEnvironmentConfig", patch_config);
    map.insert("SetStaticUserVariables", set_static_variables);
    map.insert("ChangeEnvironmentExecutionPool", change_pool);
    map.insert("CloneEnvironment", clone_environment);
    map.insert("SyncEnvironments", sync);
    map.insert("DeleteEnvironment", delete);
}

fn set_config(store: &mut Store, req: &Request, merge: bool) -> Answer {
    let body = req.json()?;
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "the environment config must be a JSON object",
        ));
    }
    let env_id = req.path("environment_id").to_string();
    let org = store.org(req.org());
    let project_id = org
        .environment(&env_id)
        .map(|(p, _)| p.id.clone())
        .ok_or_else(|| ApiError::missing("environment", &env_id))?;
    let project = org
        .projects
        .get_mut(&project_id)
        .ok_or_else(|| ApiError::missing("environment", &env_id))?;
    let env = project
        .environments
        .iter_mut()
        .find(|e| e.id == env_id)
        .ok_or_else(|| ApiError::missing("environment", &env_id))?;
    let mut config =
        serde_json::to_value(&env.config).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if merge {
        if let (Some(c), Some(b)) = (config.as_object_mut(), body.as_object()) {
            for (k, v) in b {
                c.insert(k.clone(), v.clone());
            }
        }
    } else {
        config = body;
    }
    env.config = serde_json::from_value(config)
        .map_err(|e| ApiError::bad_request(format!("invalid config: {e}")))?;
    env.updated_at = now();
    Ok(None)
}

fn update_config(store: &mut Store, req: &Request) -> Answer {
    set_config(store, req, false)
}

fn patch_config(store: &mut Store, req: &Request) -> Answer {
    set_config(store, req, true)
}

/// Merges the changes into the environment's static variables (those of
/// its static activation); the merged set must pass the project's schema.
fn set_static_variables(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let Value::Object(changes) = body else {
        return Err(ApiError::bad_request(
            "static variables must be a JSON object",
        ));
    };
    let env_id = req.path("environment_id").to_string();
    let org = store.org(req.org());
    if org.environment(&env_id).is_none() {
        return Err(ApiError::missing("environment", &env_id));
    }
    let mut variables = org
        .static_variables
        .get(&env_id)
        .cloned()
        .unwrap_or_default();
    apply_changes(&mut variables, changes);
    super::activations::store_static_variables(org, &env_id, variables)
}

/// The environment named `name` of project `project_id`, or 404.
fn named<'a>(
    org: &'a mut Org,
    project_id: &str,
    name: &str,
) -> Result<&'a mut types::ProjectEnvironment, ApiError> {
    org.project_mut(project_id)?
        .environments
        .iter_mut()
        .find(|e| e.name == name)
        .ok_or_else(|| {
            ApiError::not_found(format!("the project has no environment named {name:?}"))
        })
}

fn check_pool(pool: &str) -> Result<(), ApiError> {
    if EXECUTION_POOLS.contains(&pool) {
        Ok(())
    } else {
        Err(ApiError::rule_violation(
            "executionPool",
            format!(
                "execution pool {pool:?} does not exist (pools: {})",
                EXECUTION_POOLS.join(", ")
            ),
        ))
    }
}

fn change_pool(store: &mut Store, req: &Request) -> Answer {
    let body: types::ChangeEnvironmentExecutionPoolRequest = req.body()?;
    let name = req
        .query("project_env")
        .ok_or_else(|| ApiError::invalid_field("project_env", "name the environment to change"))?
        .to_string();
    check_pool(&body.execution_pool)?;
    let env = named(store.org(req.org()), req.path("project_id"), &name)?;
    env.execution_pool = Some(body.execution_pool);
    env.updated_at = now();
    wire::json(&*env).map(Some)
}

/// A new environment running the old one's code, config and execution pool;
/// optionally with copies of its connection templates (`cloneSystems`) and
/// static variables (`copyStaticUserVariables`).
fn clone_environment(store: &mut Store, req: &Request) -> Answer {
    let body: types::CloneEnvironmentRequest = req.body()?;
    let project_id = req.path("project_id").to_string();
    let org = store.org(req.org());
    let old = named(org, &project_id, &body.old_env_name)?.clone();
    if named(org, &project_id, &body.new_env_name).is_ok() {
        return Err(ApiError::conflict(format!(
            "the project already has an environment named {:?}",
            body.new_env_name
        )));
    }
    if let Some(pool) = &body.execution_pool {
        check_pool(pool)?;
    }
    let files = types::Files {
        files: old.files.clone(),
        labels: old.labels.clone().map(|l| l.0).unwrap_or_default(),
    };
    let version = old.deployed_version.clone();
    deploy_files(org, &project_id, &body.new_env_name, files, version)?;
    let new = named(org, &project_id, &body.new_env_name)?;
    new.config = old.config.clone();
    new.labels = old.labels.clone();
    new.execution_pool = body.execution_pool.or(old.execution_pool);
    let new_id_ = new.id.clone();
    if body.clone_systems {
        let copies: Vec<Template> = org
            .templates
            .group(TemplateKeys::ENVIRONMENT, &old.id)
            .keys()
            .filter_map(|id| org.templates.get(id))
            .cloned()
            .collect();
        for mut t in copies {
            t.environment_id = new_id_.clone();
            org.templates.insert(new_id(), t);
        }
    }
    if body.copy_static_user_variables {
        if let Some(vars) = org.static_variables.get(&old.id).cloned() {
            org.static_variables.insert(new_id_, vars);
        }
    }
    wire::json(org.project_mut(&project_id)?).map(Some)
}

/// Deploys the source environment's code (and version) to the target.
fn sync(store: &mut Store, req: &Request) -> Answer {
    let body: types::SyncEnvironmentsRequest = req.body()?;
    let project_id = req.path("project_id").to_string();
    let org = store.org(req.org());
    let source = named(org, &project_id, &body.source_env_name)?.clone();
    named(org, &project_id, &body.target_env_name)?;
    let files = types::Files {
        files: source.files.clone(),
        labels: source.labels.clone().map(|l| l.0).unwrap_or_default(),
    };
    let version = source.deployed_version.clone();
    deploy_files(org, &project_id, &body.target_env_name, files, version)
}

/// Removes an environment with everything attached to it: connection
/// templates and their links, activations, static variables, schedulers.
fn delete(store: &mut Store, req: &Request) -> Answer {
    let env_id = req.path("environment_id").to_string();
    let org = store.org(req.org());
    let project = org.project_mut(req.path("project_id"))?;
    let before = project.environments.len();
    project.environments.retain(|e| e.id != env_id);
    if project.environments.len() == before {
        return Err(ApiError::not_found(format!(
            "the project has no environment {env_id:?}"
        )));
    }
    project.updated_at = now();
    let out = wire::json(&*project)?;
    let templates: Vec<String> = org
        .templates
        .group(TemplateKeys::ENVIRONMENT, &env_id)
        .keys()
        .cloned()
        .collect();
    for id in &templates {
        org.remove_template(id);
    }
    org.activations.retain(|_, a| a.environment_id != env_id);
    org.static_variables.remove(&env_id);
    org.static_activations.remove(&env_id);
    org.schedulers.retain(|_, s| s.environment_id != env_id);
    Ok(Some(out))
}
