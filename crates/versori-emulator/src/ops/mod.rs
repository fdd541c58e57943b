//! Handlers, one module per resource group, registered by operationId.

use std::collections::HashMap;

use crate::dispatch::Handler;

mod activations;
mod auth_schemes;
mod automations;
mod code;
mod connections;
mod environments;
mod flows;
mod issues;
mod kv;
mod lifecycle;
mod notifications;
mod projects;
mod runtime;
mod schedulers;
mod system_actions;
mod systems;
mod templates;
mod users;
mod versions;

/// Every emulated operation's handler.
pub fn handlers() -> HashMap<&'static str, Handler> {
    let mut map: HashMap<&'static str, Handler> = HashMap::new();
    users::register(&mut map);
    projects::register(&mut map);
    projects::register_more(&mut map);
    environments::register(&mut map);
    systems::register(&mut map);
    templates::register(&mut map);
    connections::register(&mut map);
    activations::register(&mut map);
    kv::register(&mut map);
    issues::register(&mut map);
    notifications::register(&mut map);
    lifecycle::register(&mut map);
    versions::register(&mut map);
    runtime::register(&mut map);
    flows::register(&mut map);
    automations::register(&mut map);
    schedulers::register(&mut map);
    system_actions::register(&mut map);
    auth_schemes::register(&mut map);
    map
}

/// Serializes a generated response type (cannot fail for these types; a
/// failure would be a bug, reported as a 400 rather than a panic).
pub(crate) fn to_json<T: serde::Serialize>(
    value: &T,
) -> Result<serde_json::Value, crate::error::ApiError> {
    serde_json::to_value(value)
        .map_err(|e| crate::error::ApiError::bad_request(format!("unserializable response: {e}")))
}
