//! Notification channels (organisation-wide) and project notifications
//! (a channel subscribed to one environment of a project). Project
//! notifications are served under `/o/{organisation_id}/projects/...` and,
//! as the platform's own client calls them, under `/projects/...`, where
//! the organisation is the project's.

use std::collections::HashMap;

use serde_json::{json, Value};
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateNotificationChannel", create_channel);
    map.insert("ListNotificationChannels", list_channels);
    map.insert("DeleteNotificationChannel", delete_channel);
    map.insert("CreateProjectNotification", create_notification);
    map.insert("ListProjectNotifications", list_notifications);
    map.insert("DeleteProjectNotification", delete_notification);
}

fn create_channel(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateNotificationChannel = req.body()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid_field("name", "must not be empty"));
    }
    let t = now();
    let channel = json!({
        "id": new_id(), "organisation_id": req.org(), "name": body.name, "type": body.type_,
        "config": body.config, "created_at": t, "updated_at": t
    });
    serde_json::from_value::<types::NotificationChannel>(channel.clone())
        .map_err(|e| ApiError::bad_request(format!("cannot build the channel: {e}")))?;
    let id = channel["id"].as_str().unwrap_or_default().to_string();
    store.org(req.org()).channels.insert(id, channel.clone());
    Ok(Some(channel))
}

fn list_channels(store: &mut Store, req: &Request) -> Answer {
    let items: Vec<Value> = store.org(req.org()).channels.values().cloned().collect();
    Ok(Some(json!({"items": items})))
}

fn delete_channel(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("channel_id").to_string();
    let org = store.org(req.org());
    org.channels
        .remove(&id)
        .ok_or_else(|| ApiError::not_found(format!("no notification channel {id:?}")))?;
    org.notifications
        .retain(|_, n| n["channel_id"] != id.as_str());
    Ok(None)
}

fn create_notification(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateProjectNotification = req.body()?;
    let project_id = req.path("project_id").to_string();
    let org = store.org(req.org());
    if !org.projects.contains_key(&project_id) {
        return Err(ApiError::not_found(format!("no project {project_id:?}")));
    }
    match org.environment(&body.environment_id) {
        Some((p, _)) if p.id == project_id => {}
        _ => {
            return Err(ApiError::rule_violation(
                "environment_id",
                format!(
                    "environment {} is not an environment of project {project_id}",
                    body.environment_id
                ),
            ))
        }
    }
    let channel = org.channels.get(&body.channel_id).cloned().ok_or_else(|| {
        ApiError::rule_violation(
            "channel_id",
            format!("notification channel {} does not exist", body.channel_id),
        )
    })?;
    let notification = json!({
        "id": new_id(), "project_id": project_id, "environment_id": body.environment_id,
        "channel_id": body.channel_id, "created_at": now(), "name": body.name,
        "channelName": channel["name"], "type": channel["type"], "config": channel["config"]
    });
    serde_json::from_value::<types::ProjectNotification>(notification.clone())
        .map_err(|e| ApiError::bad_request(format!("cannot build the notification: {e}")))?;
    let id = notification["id"].as_str().unwrap_or_default().to_string();
    org.notifications.insert(id, notification.clone());
    Ok(Some(notification))
}

fn list_notifications(store: &mut Store, req: &Request) -> Answer {
    let project_id = req.path("project_id");
    let env = req.query("env_id");
    if !store.org(req.org()).projects.contains_key(project_id) {
        return Err(ApiError::not_found(format!("no project {project_id:?}")));
    }
    let items: Vec<Value> = store
        .org(req.org())
        .notifications
        .values()
        .filter(|n| n["project_id"] == project_id && env.is_none_or(|e| n["environment_id"] == e))
        .cloned()
        .collect();
    Ok(Some(json!({"items": items})))
}

/// Removes one subscription of the project; with `env_id`, only from that
/// environment (a notification of another environment is not found there).
fn delete_notification(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("notification_id");
    let project_id = req.path("project_id");
    let env = req.query("env_id");
    let org = store.org(req.org());
    match org.notifications.get(id) {
        Some(n)
            if n["project_id"] == project_id && env.is_none_or(|e| n["environment_id"] == e) =>
        {
            org.notifications.remove(id);
            Ok(None)
        }
        Some(n) if n["project_id"] == project_id => Err(ApiError::not_found(format!(
            "project notification {id:?} is not on environment {:?}",
            env.unwrap_or_default()
        ))),
        _ => Err(ApiError::not_found(format!(
            "no project notification {id:?}"
        ))),
    }
}
