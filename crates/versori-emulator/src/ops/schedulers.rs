//! Schedulers: created by deployment from the `schedule(name, cron)`
//! declarations in a project's files (see `typescript.rs`); listed, read and
//! triggered per environment.

use std::collections::HashMap;

use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{Org, Store};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("ListSchedulers", list);
    map.insert("GetScheduler", get);
    map.insert("TriggerScheduler", trigger);
}

fn environment(org: &Org, req: &Request) -> Result<(String, String, String), ApiError> {
    let id = req.path("environment_id");
    org.environment(id)
        .map(|(p, i)| (p.id.clone(), p.environments[i].name.clone(), id.to_string()))
        .ok_or_else(|| ApiError::missing("environment", id))
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let (_, _, env_id) = environment(org, req)?;
    wire::array(
        org.schedulers
            .values()
            .filter(|s| s.environment_id == env_id),
    )
    .map(Some)
}

fn find<'a>(org: &'a Org, req: &Request) -> Result<&'a types::Scheduler, ApiError> {
    let (_, _, env_id) = environment(org, req)?;
    let id = req.path("scheduler_id");
    org.schedulers
        .get(id)
        .filter(|s| s.environment_id == env_id)
        .ok_or_else(|| ApiError::not_found(format!("the environment has no scheduler {id:?}")))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    wire::json(find(store.org(req.org()), req)?).map(Some)
}

/// Runs the scheduler's workflow now (recorded as an execution: a log line
/// and a trace).
fn trigger(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let name = find(org, req)?.name.clone();
    let (project_id, env_name, _) = environment(org, req)?;
    org.record(
        &project_id,
        &env_name,
        &name,
        format!("scheduler {name} triggered manually"),
    );
    Ok(None)
}
