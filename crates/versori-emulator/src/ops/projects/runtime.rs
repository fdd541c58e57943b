//! What runs: calling a deployed integration, the test container and its
//! triggers, and the logs and traces those executions leave behind.
//!
//! The emulator runs no code. A call or trigger is answered with an echo of
//! the request (documented as emulated in the crate README) and recorded as
//! an execution, which the log and trace operations then report.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{Execution, Org, Store};
use crate::typescript::{self as code, Declared};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CallIntegration", call);
    map.insert("StartTestContainer", start_test_container);
    map.insert("TriggerWorkflow", trigger);
    map.insert("GetProjectLogs", logs);
    map.insert("SearchProjectLogs", search_logs);
    map.insert("ListTraces", traces);
    map.insert("GetTrace", trace);
}

/// The environment a runtime call targets: `project_env`, else the
/// project's default environment, else its only one.
fn target_env(org: &mut Org, req: &Request) -> Result<String, ApiError> {
    let project = org.project_mut(req.path("project_id"))?;
    let name = req
        .query("project_env")
        .map(str::to_string)
        .or_else(|| project.settings.default_environment.clone())
        .or_else(|| match project.environments.as_slice() {
            [only] => Some(only.name.clone()),
            _ => None,
        })
        .ok_or_else(|| ApiError::invalid_field("project_env", "name the environment to call"))?;
    let env = project
        .environments
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| {
            ApiError::not_found(format!("the project has no environment named {name:?}"))
        })?;
    if env.status != "running" {
        return Err(ApiError::unprocessable(format!(
            "environment {name:?} is {} (deploy it to start it)",
            env.status
        )));
    }
    Ok(name)
}

fn json_headers() -> Value {
    json!({"content-type": ["application/json"], "x-versori-emulated": ["true"]})
}

/// Answers an HTTP call to a running environment with an echo of the request.
fn call(store: &mut Store, req: &Request) -> Answer {
    let mut body: types::IntegrationCallHttpRequest = req.body()?;
    // the path is relative to the environment's URL, with or without its
    // leading `/` (the platform's own client passes `--path sync-orders`)
    if !body.url_path.starts_with('/') {
        body.url_path = format!("/{}", body.url_path);
    }
    let org = store.org(req.org());
    let env = target_env(org, req)?;
    let method = serde_json::to_value(&body.method).unwrap_or(Value::Null);
    let echo = json!({
        "emulated": true, "environment": env, "method": method, "urlPath": body.url_path,
        "query": body.query, "headers": body.headers, "body": body.body,
    });
    let project_id = req.path("project_id").to_string();
    org.record(
        &project_id,
        &env,
        &body.url_path,
        format!(
            "{} {} answered 200",
            method.as_str().unwrap_or("?"),
            body.url_path
        ),
    );
    let bytes = serde_json::to_vec(&echo).map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Some(
        json!({"status": 200, "headers": json_headers(), "body": STANDARD.encode(&bytes)}),
    ))
}

/// The test container's triggers: the workflows the current files declare.
fn declared_triggers(org: &mut Org, req: &Request) -> Result<Vec<types::ProjectTrigger>, ApiError> {
    let project = org.project_mut(req.path("project_id"))?;
    Ok(code::declared(&project.current_files.files)
        .into_iter()
        .map(|d| match d {
            Declared::Schedule { name, cron } => types::ProjectTrigger {
                cron_expr: Some(cron),
                method: "POST".into(),
                name,
                type_: "schedule".into(),
            },
            Declared::Webhook { name } => types::ProjectTrigger {
                cron_expr: None,
                method: "POST".into(),
                name,
                type_: "webhook".into(),
            },
        })
        .collect())
}

fn start_test_container(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let triggers = declared_triggers(org, req)?;
    org.test_containers
        .insert(req.path("project_id").to_string());
    wire::json(&types::ProjectTriggers {
        container_running: true,
        triggers,
    })
    .map(Some)
}

/// Runs one of the test container's triggers (the container must be started).
fn trigger(store: &mut Store, req: &Request) -> Answer {
    let payload: types::TriggerPayload = match req.json()? {
        Value::Null => types::TriggerPayload::default(),
        v => serde_json::from_value(v).map_err(|e| {
            ApiError::bad_request(format!(
                "the request body is not a valid TriggerPayload: {e}"
            ))
        })?,
    };
    let project_id = req.path("project_id").to_string();
    let name = req.path("trigger_name").to_string();
    let org = store.org(req.org());
    let triggers = declared_triggers(org, req)?;
    if !org.test_containers.contains(&project_id) {
        return Err(ApiError::unprocessable(
            "the test container is not running (StartTestContainer first)",
        ));
    }
    if !triggers.iter().any(|t| t.name == name) {
        return Err(ApiError::not_found(format!(
            "the project's files declare no trigger {name:?}"
        )));
    }
    org.record_test_run(
        &project_id,
        &name,
        format!(
            "trigger {name} ran with a {}-byte payload",
            payload.payload.as_deref().map_or(0, str::len)
        ),
    );
    let echo = json!({"emulated": true, "trigger": name, "payload": payload.payload});
    Ok(Some(json!({
        "status": "200", "headers": json_headers(), "body": echo.to_string()
    })))
}

fn log_line(e: &Execution) -> Value {
    let mut line = json!({
        "timestamp": e.at.to_rfc3339(), "severity": "INFO", "message": e.message,
        "fields": {"environment": e.environment, "workflow": e.name,
                   "executionId": e.execution_id, "traceId": e.trace_id}
    });
    if let Some(version) = &e.version_id {
        line["fields"]["versionId"] = json!(version);
    }
    line
}

/// One log matcher of a search: mode, field (`None` = full text) and value.
struct Matcher {
    mode: String,
    field: Option<String>,
    value: String,
    regex: Option<regex::Regex>,
}

impl Matcher {
    fn new(mode: &str, field: Option<String>, value: String) -> Result<Self, ApiError> {
        let regex = match mode {
            "reg_eq" | "not_reg_eq" => Some(regex::Regex::new(&value).map_err(|e| {
                ApiError::invalid_field("filters", format!("{value:?} is not a valid regex: {e}"))
            })?),
            "eq" | "not_eq" | "search" | "not_search" => None,
            other => {
                return Err(ApiError::invalid_field(
                    "filters",
                    format!("unknown match mode {other:?} (eq, not_eq, reg_eq, not_reg_eq, search, not_search)"),
                ))
            }
        };
        Ok(Matcher {
            mode: mode.to_string(),
            field,
            value,
            regex,
        })
    }

    fn accepts(&self, line: &Value) -> bool {
        let text = match &self.field {
            None => line.to_string(),
            Some(f) if f == "message" || f == "severity" => {
                line[f.as_str()].as_str().unwrap_or_default().to_string()
            }
            Some(f) => line["fields"][f.as_str()]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        };
        let hit = match self.mode.as_str() {
            "eq" | "not_eq" => text == self.value,
            "search" | "not_search" => text.to_lowercase().contains(&self.value.to_lowercase()),
            _ => self.regex.as_ref().is_some_and(|r| r.is_match(&text)),
        };
        hit != self.mode.starts_with("not_")
    }
}

/// A log query, from the query string or a `LogSearch` body.
struct LogQuery {
    environment: Option<String>,
    /// Build logs (a deployment's) instead of runtime logs (workflow runs).
    build: bool,
    /// Only lines of the version each environment has deployed now (the
    /// most recently deployed one).
    latest: bool,
    start: Option<chrono::DateTime<chrono::Utc>>,
    end: Option<chrono::DateTime<chrono::Utc>>,
    descending: bool,
    first: usize,
    offset: usize,
    matchers: Vec<Matcher>,
}

fn time(field: &str, v: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    v.filter(|v| !v.is_empty())
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| {
                    ApiError::invalid_field(field, format!("{v:?} is not an RFC 3339 time: {e}"))
                })
        })
        .transpose()
}

fn order(v: Option<&str>) -> Result<bool, ApiError> {
    match v.unwrap_or("asc") {
        "asc" | "ASC" => Ok(false),
        "desc" | "DESC" => Ok(true),
        other => Err(ApiError::invalid_field(
            "order",
            format!("{other:?} is not asc or desc"),
        )),
    }
}

fn offset(v: Option<&str>) -> Result<usize, ApiError> {
    v.map_or(Ok(0), |t| {
        t.parse().map_err(|_| {
            ApiError::invalid_field(
                "next_token",
                format!("{t:?} is not a token this server issued"),
            )
        })
    })
}

fn page_size(v: Option<i64>) -> Result<usize, ApiError> {
    match v {
        None => Ok(100),
        Some(n) if n >= 1 => Ok((n as usize).min(1000)),
        Some(n) => Err(ApiError::invalid_field(
            "first",
            format!("{n} is not a positive integer"),
        )),
    }
}

fn run_log_query(org: &Org, project_id: &str, q: &LogQuery) -> Value {
    // each environment's current version, by environment name
    let current: HashMap<&str, &str> = org
        .projects
        .get(project_id)
        .map(|p| p.environments.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e.name.as_str(), e.deployed_version.as_ref()?.id.as_str())))
        .collect();
    let mut lines: Vec<Value> = org
        .executions
        .iter()
        .filter(|e| e.project_id == project_id)
        .filter(|e| {
            q.environment
                .as_ref()
                .is_none_or(|env| &e.environment == env)
        })
        .filter(|e| e.run != q.build)
        .filter(|e| {
            !q.latest
                || e.version_id
                    .as_deref()
                    .is_some_and(|v| current.get(e.environment.as_str()) == Some(&v))
        })
        .filter(|e| q.start.is_none_or(|s| e.at >= s) && q.end.is_none_or(|end| e.at <= end))
        .map(log_line)
        .filter(|l| q.matchers.iter().all(|m| m.accepts(l)))
        .collect();
    if q.descending {
        lines.reverse();
    }
    let end = (q.offset + q.first).min(lines.len());
    let page: Vec<Value> = lines
        .get(q.offset..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let mut out = json!({"logs": page});
    if end < lines.len() {
        out["nextToken"] = json!(end.to_string());
    }
    out
}

fn logs(store: &mut Store, req: &Request) -> Answer {
    let first = req
        .query("first")
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::invalid_field("first", format!("{v:?} is not an integer")))
        })
        .transpose()?;
    let build = req.query_bool("build")?.unwrap_or(false);
    let latest = req.query_bool("latest")?.unwrap_or(false);
    let mut matchers = Vec::new();
    if let Some(s) = req.query("search") {
        matchers.push(Matcher::new("search", None, s.to_string())?);
    }
    let q = LogQuery {
        environment: req.query("project_env").map(str::to_string),
        build,
        latest,
        start: time("start", req.query("start"))?,
        end: time("end", req.query("end"))?,
        descending: order(req.query("order"))?,
        first: page_size(first)?,
        offset: offset(req.query("next_token"))?,
        matchers,
    };
    let org = store.org(req.org());
    let project_id = org.project_mut(req.path("project_id"))?.id.clone();
    Ok(Some(run_log_query(org, &project_id, &q)))
}

fn search_logs(store: &mut Store, req: &Request) -> Answer {
    let body: types::LogSearch = match req.json()? {
        Value::Null => types::LogSearch::default(),
        v => serde_json::from_value(v).map_err(|e| {
            ApiError::bad_request(format!("the request body is not a valid LogSearch: {e}"))
        })?,
    };
    let matchers = body
        .filters
        .iter()
        .map(|f| {
            let field = match f.match_.as_str() {
                "search" | "not_search" => None,
                _ => Some(f.field.clone().unwrap_or_else(|| "message".into())),
            };
            Matcher::new(&f.match_, field, f.value.clone())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let q = LogQuery {
        environment: req.query("project_env").map(str::to_string),
        build: body.build.unwrap_or(false),
        latest: body.latest.unwrap_or(false),
        start: time("startTime", body.start_time.as_deref())?,
        end: time("endTime", body.end_time.as_deref())?,
        descending: order(body.order.as_deref())?,
        first: page_size(body.first)?,
        offset: offset(body.next_token.as_deref())?,
        matchers,
    };
    let org = store.org(req.org());
    let project_id = org.project_mut(req.path("project_id"))?.id.clone();
    Ok(Some(run_log_query(org, &project_id, &q)))
}

fn summary(e: &Execution) -> Value {
    json!({
        "traceId": e.trace_id, "spanId": e.span_id, "name": e.name,
        "serviceName": format!("{}/{}", e.project_id, e.environment),
        "startTime": e.at, "duration": "1ms", "executionId": e.execution_id
    })
}

fn traces(store: &mut Store, req: &Request) -> Answer {
    let start = time("start", req.query("start"))?;
    let end = time("end", req.query("end"))?;
    let errors_only = req.query_bool("error")?.unwrap_or(false);
    let offset = offset(req.query("next_token"))?;
    let filter = req.query("filter").map(str::to_lowercase);
    let task = req.query("task");
    let env = req.query("project_env");
    let org = store.org(req.org());
    let project_id = org.project_mut(req.path("project_id"))?.id.clone();
    // executions recorded by the emulator never fail, so `error=true` finds none
    let items: Vec<Value> = org
        .executions
        .iter()
        .filter(|e| e.project_id == project_id && !errors_only)
        .filter(|e| env.is_none_or(|n| e.environment == n))
        .filter(|e| task.is_none_or(|t| e.name == t))
        .filter(|e| {
            filter.as_ref().is_none_or(|f| {
                e.message.to_lowercase().contains(f) || e.name.to_lowercase().contains(f)
            })
        })
        .filter(|e| start.is_none_or(|s| e.at >= s) && end.is_none_or(|x| e.at <= x))
        .map(summary)
        .collect();
    const PAGE: usize = 100;
    let stop = (offset + PAGE).min(items.len());
    let mut out =
        json!({"items": items.get(offset..stop).map(<[Value]>::to_vec).unwrap_or_default()});
    if stop < items.len() {
        out["nextToken"] = json!(stop.to_string());
    }
    Ok(Some(out))
}

fn trace(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let project_id = org.project_mut(req.path("project_id"))?.id.clone();
    let id = req.path("trace_id");
    let e = org
        .executions
        .iter()
        .find(|e| e.project_id == project_id && e.trace_id == id)
        .ok_or_else(|| ApiError::not_found(format!("no trace {id:?} in this project")))?;
    let mut attributes = Map::new();
    for (k, v) in [
        ("environment", &e.environment),
        ("executionId", &e.execution_id),
        ("workflow", &e.name),
    ] {
        attributes.insert(k.to_string(), json!(v));
    }
    let attributes: Vec<Value> = attributes
        .into_iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    Ok(Some(json!({
        "traceId": e.trace_id,
        "spans": [{
            "spanId": e.span_id, "parentSpanId": "", "name": e.name, "startTime": e.at,
            "endTime": e.at + chrono::Duration::milliseconds(1),
            "attributes": attributes, "status": {"code": "OK"}
        }]
    })))
}
