//! Issues: create, update, and list with filters and pagination.

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateIssue", create);
    map.insert("ListIssues", list);
    map.insert("UpdateIssue", update);
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateIssue = req.body()?;
    let org = store.org(req.org());
    match org.environment(&body.environment_id) {
        Some((p, _)) if p.id == body.project_id => {}
        _ => {
            return Err(ApiError::rule_violation(
                "environmentId",
                format!(
                    "environment {} is not an environment of project {}",
                    body.environment_id, body.project_id
                ),
            ))
        }
    }
    let mut issue =
        serde_json::to_value(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let t = now();
    issue["id"] = json!(new_id());
    issue["organisationId"] = json!(req.org());
    issue["status"] = json!("open");
    // the generated type leaves empty maps out; the platform always sends them
    issue["labels"] = json!(body.labels);
    issue["annotations"] = json!(body.annotations);
    issue["message"] = json!(body.message.unwrap_or_default());
    issue["createdAt"] = json!(t);
    issue["lastSeenAt"] = json!(t);
    issue["seenCount"] = json!(1);
    serde_json::from_value::<types::Issue>(issue.clone())
        .map_err(|e| ApiError::bad_request(format!("cannot build the issue: {e}")))?;
    let id = issue["id"].as_str().unwrap_or_default().to_string();
    org.issues.insert(id, issue.clone());
    Ok(Some(issue))
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let first = match req.query("first") {
        None => 20,
        Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::invalid_field("first", format!("{v:?} is not a positive integer"))
        })?,
    };
    let by = match req.query("search_date").unwrap_or("createdAt") {
        "createdAt" => "createdAt",
        "lastSeenAt" => "lastSeenAt",
        other => {
            return Err(ApiError::invalid_field(
                "search_date",
                format!("{other:?} is not createdAt or lastSeenAt"),
            ))
        }
    };
    let bound = |name: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
        req.query(name)
            .map(|v| {
                chrono::DateTime::parse_from_rfc3339(v)
                    .map(|d| d.with_timezone(&chrono::Utc))
                    .map_err(|_| {
                        ApiError::invalid_field(name, format!("{v:?} is not an RFC 3339 timestamp"))
                    })
            })
            .transpose()
    };
    let (after, before) = (bound("after")?, bound("before")?);
    let filters: Vec<(&str, Option<&str>)> = vec![
        ("status", req.query("status")),
        ("severity", req.query("severity")),
        ("projectId", req.query("project_id")),
        ("environmentId", req.query("environment_id")),
    ];
    for (field, value) in &filters[..2] {
        if let Some(v) = value {
            let allowed: &[&str] = if *field == "status" {
                &["open", "closed", "acked", "resolved"]
            } else {
                &["high", "low", "medium"]
            };
            if !allowed.contains(v) {
                return Err(ApiError::invalid_field(
                    field,
                    format!("{v:?} is not one of {}", allowed.join(", ")),
                ));
            }
        }
    }
    let when = |i: &Value| {
        i[by]
            .as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&chrono::Utc))
    };
    // ordered by the `search_date` timestamp, oldest first (ties by id), and
    // only then capped by `first`
    let mut matched: Vec<(Option<chrono::DateTime<chrono::Utc>>, &String, &Value)> = store
        .org(req.org())
        .issues
        .iter()
        .filter(|(_, i)| filters.iter().all(|(f, v)| v.is_none_or(|v| i[*f] == v)))
        .filter(|(_, i)| after.is_none_or(|a| when(i).is_some_and(|w| w > a)))
        .filter(|(_, i)| before.is_none_or(|b| when(i).is_some_and(|w| w < b)))
        .map(|(id, i)| (when(i), id, i))
        .collect();
    matched.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let items: Vec<Value> = matched
        .into_iter()
        .take(first)
        .map(|(_, _, i)| i.clone())
        .collect();
    Ok(Some(Value::Array(items)))
}

fn update(store: &mut Store, req: &Request) -> Answer {
    let body: types::UpdateIssue = req.body()?;
    let changes = serde_json::to_value(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let id = req.path("issue_id");
    let issue = store
        .org(req.org())
        .issues
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no issue {id:?}")))?;
    let mut updated = issue.clone();
    if let Some(changes) = changes.as_object() {
        for (k, v) in changes {
            updated[k] = v.clone();
        }
    }
    serde_json::from_value::<types::Issue>(updated.clone())
        .map_err(|e| ApiError::bad_request(format!("invalid update: {e}")))?;
    *issue = updated.clone();
    Ok(Some(updated))
}
