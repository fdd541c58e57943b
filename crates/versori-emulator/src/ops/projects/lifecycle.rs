//! A project's life around its code: starring, cloning, suspending an
//! environment, sentiment feedback, patching and validating files.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Store};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("StarProject", star);
    map.insert("UnstarProject", unstar);
    map.insert("CloneProject", clone_project);
    map.insert("SuspendProject", suspend);
    map.insert("AddProjectSentiment", sentiment);
    map.insert("PatchFiles", patch_files);
    map.insert("ValidateFiles", validate);
}

fn set_star(store: &mut Store, req: &Request, starred: bool) -> Answer {
    let project = store.org(req.org()).project_mut(req.path("project_id"))?;
    project.starred = starred;
    Ok(None)
}

fn star(store: &mut Store, req: &Request) -> Answer {
    set_star(store, req, true)
}

fn unstar(store: &mut Store, req: &Request) -> Answer {
    set_star(store, req, false)
}

/// A new project with the original's files, settings and variable schema;
/// environments are not cloned (deploy the clone to create them).
fn clone_project(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let original = org.project_mut(req.path("project_id"))?.clone();
    let t = now();
    let mut copy = original.clone();
    copy.id = new_id();
    copy.name = format!("{} (copy)", original.name);
    copy.environments = Vec::new();
    copy.created_at = t;
    copy.updated_at = t;
    copy.starred = false;
    org.projects.insert(copy.id.clone(), copy.clone());
    wire::json(&copy).map(Some)
}

/// Stops the environment named by `environment` (status `suspended`); a
/// later deployment starts it again.
fn suspend(store: &mut Store, req: &Request) -> Answer {
    let name = req
        .query("environment")
        .ok_or_else(|| ApiError::invalid_field("environment", "name the environment to suspend"))?
        .to_string();
    let project = store.org(req.org()).project_mut(req.path("project_id"))?;
    let env = project
        .environments
        .iter_mut()
        .find(|e| e.name == name)
        .ok_or_else(|| {
            ApiError::not_found(format!("the project has no environment named {name:?}"))
        })?;
    env.status = "suspended".into();
    env.updated_at = now();
    wire::json(&*project).map(Some)
}

fn sentiment(store: &mut Store, req: &Request) -> Answer {
    let body: types::SentimentRequest = req.body()?;
    if body.message_id.trim().is_empty() {
        return Err(ApiError::invalid_field("messageId", "must not be empty"));
    }
    let project = store.org(req.org()).project_mut(req.path("project_id"))?;
    project.metadata.sentiment_history.push(types::Sentiment {
        message_id: body.message_id,
        sentiment_score: body.sentiment_score,
        timestamp: now(),
    });
    project.updated_at = now();
    wire::json(&*project).map(Some)
}

/// Merges files into the project's current files by filename (a file with
/// empty content is removed) and labels by key (a `null` label is removed).
fn patch_files(store: &mut Store, req: &Request) -> Answer {
    let body = req.json()?;
    let files: Vec<types::File> = serde_json::from_value(
        body.get("files").cloned().unwrap_or_else(|| json!([])),
    )
    .map_err(|e| ApiError::bad_request(format!("the request body is not a valid Files: {e}")))?;
    let labels = match body.get("labels") {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(ApiError::invalid_field("labels", "must be an object")),
    };
    let project = store.org(req.org()).project_mut(req.path("project_id"))?;
    let current = &mut project.current_files;
    for file in files {
        let existing = current
            .files
            .iter()
            .position(|f| f.filename == file.filename);
        match (existing, file.content.is_empty()) {
            (Some(i), true) => {
                current.files.remove(i);
            }
            (Some(i), false) => current.files[i] = file,
            (None, true) => {}
            (None, false) => current.files.push(file),
        }
    }
    crate::store::apply_changes(&mut current.labels, labels);
    project.updated_at = now();
    Ok(None)
}

/// What the emulator checks of a set of files: names present and unique,
/// brackets balanced in each TypeScript file. (The platform compiles the
/// code; the emulator does not.)
pub fn file_problems(files: &[types::File]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for f in files {
        if f.filename.trim().is_empty() {
            problems.push("a file has an empty filename".to_string());
        } else if !seen.insert(f.filename.as_str()) {
            problems.push(format!("{} appears more than once", f.filename));
        }
        if f.filename.ends_with(".ts") {
            let mut stack = Vec::new();
            for c in f.content.chars() {
                match c {
                    '(' | '[' | '{' => stack.push(c),
                    ')' | ']' | '}' => {
                        let open = match c {
                            ')' => '(',
                            ']' => '[',
                            _ => '{',
                        };
                        if stack.pop() != Some(open) {
                            problems.push(format!("{}: unbalanced {c:?}", f.filename));
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if let Some(open) = stack.last() {
                problems.push(format!("{}: unclosed {open:?}", f.filename));
            }
        }
    }
    problems
}

fn validate(store: &mut Store, req: &Request) -> Answer {
    let files: types::Files = req.body()?;
    let project = store.org(req.org()).project_mut(req.path("project_id"))?;
    let environment = project
        .settings
        .default_environment
        .clone()
        .unwrap_or_default();
    let problems = file_problems(&files.files);
    let success = problems.is_empty();
    let output = if success {
        format!("{} file(s) checked", files.files.len())
    } else {
        String::new()
    };
    Ok(Some(json!({
        "project_id": project.id, "environment": environment,
        "validation": {
            "duration": "0s", "success": success, "error": problems.join("; "),
            "output": output, "timestamp": now()
        }
    })))
}
