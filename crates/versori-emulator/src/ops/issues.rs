//! Issues: create, update, and list with filters and pagination.

use std::collections::HashMap;

use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Store};
use crate::wire;

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
    let t = now();
    let issue = types::Issue {
        annotations: body.annotations,
        created_at: t,
        environment_id: body.environment_id,
        id: new_id(),
        labels: body.labels,
        last_seen_at: t,
        message: body.message.unwrap_or_default(),
        organisation_id: req.org().to_string(),
        project_id: body.project_id,
        reason: body.reason,
        resolution_status: None,
        resolved_at: None,
        seen_count: 1,
        severity: Some(body.severity),
        status: types::IssueStatusEnum::Open,
        title: body.title,
    };
    let out = wire::json(&issue)?;
    org.issues.insert(issue.id.clone(), issue);
    Ok(Some(out))
}

fn list(store: &mut Store, req: &Request) -> Answer {
    let first = match req.query("first") {
        None => 20,
        Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::invalid_field("first", format!("{v:?} is not a positive integer"))
        })?,
    };
    let by_last_seen = match req.query("search_date").unwrap_or("createdAt") {
        "createdAt" => false,
        "lastSeenAt" => true,
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
    let allowed = |field: &str, allowed: &[&str]| -> Result<Option<String>, ApiError> {
        match req.query(field) {
            Some(v) if !allowed.contains(&v) => Err(ApiError::invalid_field(
                field,
                format!("{v:?} is not one of {}", allowed.join(", ")),
            )),
            v => Ok(v.map(str::to_string)),
        }
    };
    let status = allowed("status", &["open", "closed", "acked", "resolved"])?;
    let severity = allowed("severity", &["high", "low", "medium"])?;
    let project = req.query("project_id");
    let environment = req.query("environment_id");
    let when = |i: &types::Issue| {
        if by_last_seen {
            i.last_seen_at
        } else {
            i.created_at
        }
    };
    // ordered by the `search_date` timestamp, oldest first (ties by id), and
    // only then capped by `first`
    let mut matched: Vec<&types::Issue> = store
        .org(req.org())
        .issues
        .values()
        .filter(|i| status.as_ref().is_none_or(|s| i.status.to_string() == *s))
        .filter(|i| {
            severity.as_ref().is_none_or(|s| {
                i.severity
                    .as_ref()
                    .is_some_and(|severity| severity.to_string() == *s)
            })
        })
        .filter(|i| project.is_none_or(|p| i.project_id == p))
        .filter(|i| environment.is_none_or(|e| i.environment_id == e))
        .filter(|i| after.is_none_or(|a| when(i) > a))
        .filter(|i| before.is_none_or(|b| when(i) < b))
        .collect();
    matched.sort_unstable_by(|a, b| (when(a), &a.id).cmp(&(when(b), &b.id)));
    wire::array(matched.into_iter().take(first)).map(Some)
}

/// Changes what the body gives; labels and annotations are replaced when
/// the body has some (an empty map leaves them as they are).
fn update(store: &mut Store, req: &Request) -> Answer {
    let body: types::UpdateIssue = req.body()?;
    let id = req.path("issue_id");
    let issue = store
        .org(req.org())
        .issues
        .get_mut(id)
        .ok_or_else(|| ApiError::missing("issue", id))?;
    if !body.annotations.is_empty() {
        issue.annotations = body.annotations;
    }
    if !body.labels.is_empty() {
        issue.labels = body.labels;
    }
    if let Some(message) = body.message {
        issue.message = message;
    }
    if let Some(reason) = body.reason {
        issue.reason = reason;
    }
    if let Some(status) = body.resolution_status {
        issue.resolution_status = Some(status);
    }
    if let Some(at) = body.resolved_at {
        issue.resolved_at = Some(at);
    }
    if let Some(severity) = body.severity {
        issue.severity = Some(severity);
    }
    if let Some(status) = body.status {
        issue.status = status;
    }
    if let Some(title) = body.title {
        issue.title = title;
    }
    wire::json(issue).map(Some)
}
