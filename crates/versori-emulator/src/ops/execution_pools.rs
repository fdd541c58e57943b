//! Execution pools: the fixed set of pools an environment can run on.

use std::collections::HashMap;

use serde_json::json;

use crate::dispatch::{Answer, Handler};
use crate::request::Request;
use crate::store::Store;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("ListExecutionPools", execution_pools);
}

fn execution_pools(_store: &mut Store, _req: &Request) -> Answer {
    let pools: Vec<serde_json::Value> = crate::store::EXECUTION_POOLS
        .iter()
        .map(|name| json!({"name": name}))
        .collect();
    Ok(Some(json!({"executionPools": pools})))
}
