//! Project versions: frozen sets of files that can be listed and read back
//! (deploying one is the Projects operation DeployProjectVersion).

use std::collections::HashMap;

use serde_json::Value;
use versori_core::types;

use super::projects::file_problems;
use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::page::{page_in, Order};
use crate::request::Request;
use crate::store::{new_id, now, Org, Store, Version, VersionKeys};
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("ListProjectVersions", list);
    map.insert("CreateProjectVersion", create);
    map.insert("GetVersionFiles", files);
}

/// A project's versions, the most recent first (the platform's own client
/// shows `first=N` of them as "the most recent versions").
fn list(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let project_id = org.project_mut(req.path("project_id"))?.id.clone();
    let versions = &org.versions;
    page_in(
        Order::NewestFirst,
        req,
        "items",
        versions.group(VersionKeys::PROJECT, &project_id),
        None,
        |id, _| match versions.get(id) {
            Some(v) => wire::json(&v.version),
            None => Ok(Value::Null),
        },
    )
    .map(Some)
}

/// A version freezes the given files. Files that fail the emulator's checks
/// give a version in state `failed`; otherwise `ready`.
fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateProjectVersion = req.body()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid_field("name", "must not be empty"));
    }
    let org = store.org(req.org());
    let project_id = org.project_mut(req.path("project_id"))?.id.clone();
    let files = types::Files {
        files: body.files,
        labels: body.labels,
    };
    let version = record_version(
        org,
        &project_id,
        &body.name,
        body.description.as_deref(),
        files,
    )?;
    wire::json(&version).map(Some)
}

/// Records a new version of `project_id` holding `files`; an empty `name`
/// gets the next `vN`. A name already used in the project is a conflict.
pub(crate) fn record_version(
    org: &mut Org,
    project_id: &str,
    name: &str,
    description: Option<&str>,
    files: types::Files,
) -> Result<types::ProjectVersion, ApiError> {
    let of_project = org.versions.group(VersionKeys::PROJECT, project_id);
    let name = match name.trim() {
        "" => format!("v{}", of_project.len() + 1),
        n => n.to_string(),
    };
    if of_project
        .keys()
        .filter_map(|id| org.versions.get(id))
        .any(|v| v.version.name == name)
    {
        return Err(ApiError::conflict(format!(
            "the project already has a version named {name:?}"
        )));
    }
    let state = if file_problems(&files.files).is_empty() {
        types::VersionState::Ready
    } else {
        types::VersionState::Failed
    };
    let version = types::ProjectVersion {
        created_at: now(),
        description: description.map(str::to_string),
        id: new_id(),
        labels: files.labels.clone(),
        name,
        state,
    };
    org.versions.insert(
        version.id.clone(),
        Version {
            project_id: project_id.to_string(),
            version: version.clone(),
            files,
        },
    );
    Ok(version)
}

/// The version of the request's `project_id` and `version_id`.
pub(crate) fn find<'a>(org: &'a mut Org, req: &Request) -> Result<&'a Version, ApiError> {
    let project_id = org.project_mut(req.path("project_id"))?.id.clone();
    let id = req.path("version_id");
    org.versions
        .get(id)
        .filter(|v| v.project_id == project_id)
        .ok_or_else(|| ApiError::not_found(format!("the project has no version {id:?}")))
}

fn files(store: &mut Store, req: &Request) -> Answer {
    let version = find(store.org(req.org()), req)?;
    wire::json(&version.files).map(Some)
}
