//! Metrics: the organisation's and each project's summary, computed from
//! the state (deployed projects, runs, open issues).

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types::IssueStatusEnum;

use crate::dispatch::{Answer, Handler};
use crate::request::Request;
use crate::store::Store;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("GetOrganisationMetricsSummary", organisation_metrics);
    map.insert("GetProjectMetricsSummary", project_metrics);
}

fn metric(current: usize) -> Value {
    json!({"current": current, "past": 0})
}

fn organisation_metrics(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let deployed = org
        .projects
        .values()
        .filter(|p| !p.environments.is_empty())
        .count();
    let errors = org
        .issues
        .values()
        .filter(|i| i.status == IssueStatusEnum::Open)
        .count();
    let runs = org.executions.iter().filter(|e| e.run).count();
    Ok(Some(json!({
        "deployedProjects": metric(deployed),
        "totalExecutions": metric(runs),
        "totalErrors": metric(errors)
    })))
}

fn project_metrics(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let mut items = serde_json::Map::new();
    for id in org.projects.keys() {
        let errors = org
            .issues
            .values()
            .filter(|i| &i.project_id == id && i.status == IssueStatusEnum::Open)
            .count();
        let runs = org
            .executions
            .iter()
            .filter(|e| e.run && &e.project_id == id)
            .count();
        items.insert(
            id.clone(),
            json!({"totalExecutions": metric(runs), "totalErrors": metric(errors), "averageLatency": metric(0)}),
        );
    }
    Ok(Some(json!({"items": items})))
}
