//! Automations with their runs, recordings and transcriptions.
//!
//! The emulator runs no agent: a run completes at once with a note that it
//! was emulated; a recording's upload URL points nowhere; a transcription
//! completes at once with placeholder text. All of it is stored, so lists
//! and gets reflect what was created.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Org, Store};
use crate::wire::{self, Wire};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("ListAutomations", list);
    map.insert("CreateAutomation", create);
    map.insert("GetAutomation", get);
    map.insert("UpdateAutomation", update);
    map.insert("RunAutomation", run);
    map.insert("ListAutomationRuns", list_runs);
    map.insert("GetAutomationRun", get_run);
    map.insert("ListRecordings", list_recordings);
    map.insert("CreateRecording", create_recording);
    map.insert("GetRecording", get_recording);
    map.insert("CreateTranscription", transcribe);
}

fn automation<'a>(org: &'a mut Org, req: &Request) -> Result<&'a mut types::Automation, ApiError> {
    let id = req.path("automation_id");
    org.automations
        .get_mut(id)
        .ok_or_else(|| ApiError::missing("automation", id))
}

/// The id of the automation named in the path, or 404.
fn automation_id(org: &mut Org, req: &Request) -> Result<String, ApiError> {
    Ok(automation(org, req)?.id.clone())
}

/// A required text member must not be blank.
fn not_blank(field: &str, value: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::invalid_field(field, "must not be empty"));
    }
    Ok(())
}

/// An optional count must be positive when given.
fn positive(field: &str, value: Option<i64>) -> Result<(), ApiError> {
    match value.filter(|n| *n < 1) {
        Some(n) => Err(ApiError::invalid_field(
            field,
            format!("{n} is not a positive integer"),
        )),
        None => Ok(()),
    }
}

/// The items of `map` that belong to `automation_id`.
fn owned<T: Wire>(map: &BTreeMap<String, (String, T)>, automation_id: &str) -> Answer {
    wire::array(
        map.values()
            .filter(|(a, _)| a == automation_id)
            .map(|(_, item)| item),
    )
    .map(Some)
}

fn list(store: &mut Store, req: &Request) -> Answer {
    wire::array(store.org(req.org()).automations.values()).map(Some)
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let body: types::AutomationCreate = req.body()?;
    not_blank("name", &body.name)?;
    let automation = types::Automation {
        created_at: Some(now()),
        id: new_id(),
        name: body.name,
        prompt_template: body.prompt_template.unwrap_or_default(),
        secret_names: Vec::new(),
    };
    let out = wire::json(&automation)?;
    store
        .org(req.org())
        .automations
        .insert(automation.id.clone(), automation);
    Ok(Some(out))
}

fn get(store: &mut Store, req: &Request) -> Answer {
    wire::json(automation(store.org(req.org()), req)?).map(Some)
}

/// Updates name and prompt template; `secrets` replace the stored secrets,
/// whose names (never values) the automation then lists.
fn update(store: &mut Store, req: &Request) -> Answer {
    let body: types::AutomationUpdate = req.body()?;
    let a = automation(store.org(req.org()), req)?;
    if let Some(name) = body.name {
        if name.trim().is_empty() {
            return Err(ApiError::invalid_field("name", "must not be empty"));
        }
        a.name = name;
    }
    if let Some(t) = body.prompt_template {
        a.prompt_template = t;
    }
    if !body.secrets.is_empty() {
        let mut names = Vec::new();
        for (i, s) in body.secrets.iter().enumerate() {
            match s.name.as_deref().filter(|n| !n.trim().is_empty()) {
                Some(n) => names.push(n.to_string()),
                None => {
                    return Err(ApiError::invalid_field(
                        &format!("secrets[{i}].name"),
                        "every secret needs a name",
                    ))
                }
            }
        }
        a.secret_names = names;
    }
    wire::json(a).map(Some)
}

fn run(store: &mut Store, req: &Request) -> Answer {
    let body: types::AutomationRunCreate = req.body()?;
    not_blank("prompt", &body.prompt)?;
    positive("maxSteps", body.max_steps)?;
    let org = store.org(req.org());
    let automation_id = automation_id(org, req)?;
    let id = new_id();
    let run = types::AutomationRun {
        artifacts: Vec::new(),
        execution_id: new_id(),
        id: id.clone(),
        prompt: body.prompt,
        status: types::AutomationJobStatus::Completed,
    };
    org.runs.insert(id.clone(), (automation_id, run));
    Ok(Some(json!({ "runId": id })))
}

fn list_runs(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let id = automation_id(org, req)?;
    owned(&org.runs, &id)
}

fn get_run(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let automation_id = automation_id(org, req)?;
    let id = req.path("run_id");
    let (_, run) = org
        .runs
        .get(id)
        .filter(|(a, _)| *a == automation_id)
        .ok_or_else(|| ApiError::not_found(format!("the automation has no run {id:?}")))?;
    wire::json(run).map(Some)
}

fn list_recordings(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let id = automation_id(org, req)?;
    owned(&org.recordings, &id)
}

fn create_recording(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateRecordingRequest = req.body()?;
    not_blank("fileName", &body.file_name)?;
    positive("expirySeconds", body.expiry_seconds)?;
    let org = store.org(req.org());
    let automation_id = automation_id(org, req)?;
    let id = new_id();
    let recording = types::AutomationRecording {
        id: id.clone(),
        status: types::AutomationJobStatus::Pending,
        transcription: String::new(),
    };
    org.recordings
        .insert(id.clone(), (automation_id, recording));
    // the file name travels form-encoded in the query, so any name (quotes,
    // controls, non-ASCII, `/`, `..`) gives a valid URL that keeps it whole
    let query = serde_urlencoded::to_string([("fileName", body.file_name.as_str())])
        .map_err(|e| ApiError::invalid_field("fileName", e.to_string()))?;
    let url = format!("https://uploads.emulator.invalid/recordings/{id}?{query}");
    Ok(Some(json!({"id": id, "url": url})))
}

fn recording<'a>(
    org: &'a mut Org,
    req: &Request,
    id: &str,
) -> Result<&'a mut types::AutomationRecording, ApiError> {
    let automation_id = automation_id(org, req)?;
    org.recordings
        .get_mut(id)
        .filter(|(a, _)| *a == automation_id)
        .map(|(_, r)| r)
        .ok_or_else(|| ApiError::not_found(format!("the automation has no recording {id:?}")))
}

fn get_recording(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("recording_id").to_string();
    wire::json(recording(store.org(req.org()), req, &id)?).map(Some)
}

fn transcribe(store: &mut Store, req: &Request) -> Answer {
    let body: types::TranscriptionCreate = req.body()?;
    let id = req.path("recording_id").to_string();
    if body.recording_id != id {
        return Err(ApiError::invalid_field(
            "recording_id",
            format!(
                "{:?} differs from the recording in the path {id:?}",
                body.recording_id
            ),
        ));
    }
    let r = recording(store.org(req.org()), req, &id)?;
    r.status = types::AutomationJobStatus::Completed;
    r.transcription = format!("(transcription of recording {id}, emulated)");
    wire::json(r).map(Some)
}
