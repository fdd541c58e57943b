//! Environments: configuration and static variables.

use std::collections::HashMap;

use serde_json::Value;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{apply_changes, now, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("UpdateEnvironmentConfig", update_config);
    map.insert("PatchEnvironmentConfig", patch_config);
    map.insert("SetStaticUserVariables", set_static_variables);
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
        .ok_or_else(|| ApiError::not_found(format!("no environment {env_id:?}")))?;
    let project = org
        .projects
        .get_mut(&project_id)
        .ok_or_else(|| ApiError::not_found(format!("no environment {env_id:?}")))?;
    let env = project
        .environments
        .iter_mut()
        .find(|e| e.id == env_id)
        .ok_or_else(|| ApiError::not_found(format!("no environment {env_id:?}")))?;
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

fn set_static_variables(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let Value::Object(vars) = body else {
        return Err(ApiError::bad_request(
            "static variables must be a JSON object",
        ));
    };
    let env_id = req.path("environment_id").to_string();
    let org = store.org(req.org());
    if org.environment(&env_id).is_none() {
        return Err(ApiError::not_found(format!("no environment {env_id:?}")));
    }
    let stored = org.static_variables.entry(env_id).or_default();
    apply_changes(stored, vars);
    Ok(Some(Value::Object(stored.clone())))
}
