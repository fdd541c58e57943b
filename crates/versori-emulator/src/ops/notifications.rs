//! Notification channels (organisation-wide) and project notifications
//! (a channel subscribed to one environment of a project). Project
//! notifications are served under `/o/{organisation_id}/projects/...` and,
//! as the platform's own client calls them, under `/projects/...`, where
//! the organisation is the project's.

use std::collections::HashMap;

use serde_json::json;
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, now, Store};
use crate::wire;

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
    let channel = types::NotificationChannel {
        config: body.config,
        created_at: t,
        id: new_id(),
        name: body.name,
        organisation_id: req.org().to_string(),
        type_: body.type_,
        updated_at: t,
    };
    let out = wire::json(&channel)?;
    store
        .org(req.org())
        .channels
        .insert(channel.id.clone(), channel);
    Ok(Some(out))
}

fn list_channels(store: &mut Store, req: &Request) -> Answer {
    let items = wire::array(store.org(req.org()).channels.values())?;
    Ok(Some(json!({"items": items})))
}

fn delete_channel(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("channel_id").to_string();
    let org = store.org(req.org());
    org.channels
        .remove(&id)
        .ok_or_else(|| ApiError::missing("notification channel", &id))?;
    org.notifications.retain(|_, n| n.channel_id != id);
    Ok(None)
}

fn create_notification(store: &mut Store, req: &Request) -> Answer {
    let body: types::CreateProjectNotification = req.body()?;
    let project_id = req.path("project_id").to_string();
    let org = store.org(req.org());
    if !org.projects.contains_key(&project_id) {
        return Err(ApiError::missing("project", &project_id));
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
    let channel = org.channels.get(&body.channel_id).ok_or_else(|| {
        ApiError::rule_violation(
            "channel_id",
            format!("notification channel {} does not exist", body.channel_id),
        )
    })?;
    // the subscription shows its channel's name, type and config
    let notification = types::ProjectNotification {
        channel_id: body.channel_id,
        channel_name: channel.name.clone(),
        config: channel.config.clone(),
        created_at: now(),
        environment_id: body.environment_id,
        id: new_id(),
        name: body.name,
        project_id,
        type_: Some(channel.type_.clone()),
    };
    let out = wire::json(&notification)?;
    org.notifications
        .insert(notification.id.clone(), notification);
    Ok(Some(out))
}

fn list_notifications(store: &mut Store, req: &Request) -> Answer {
    let project_id = req.path("project_id");
    let env = req.query("env_id");
    if !store.org(req.org()).projects.contains_key(project_id) {
        return Err(ApiError::missing("project", project_id));
    }
    let items =
        wire::array(
            store.org(req.org()).notifications.values().filter(|n| {
                n.project_id == project_id && env.is_none_or(|e| n.environment_id == e)
            }),
        )?;
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
        Some(n) if n.project_id == project_id && env.is_none_or(|e| n.environment_id == e) => {
            org.notifications.remove(id);
            Ok(None)
        }
        Some(n) if n.project_id == project_id => Err(ApiError::not_found(format!(
            "project notification {id:?} is not on environment {:?}",
            env.unwrap_or_default()
        ))),
        _ => Err(ApiError::not_found(format!(
            "no project notification {id:?}"
        ))),
    }
}
