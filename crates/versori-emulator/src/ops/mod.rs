//! Handlers, one module per resource group, registered by operationId.

use std::collections::HashMap;

use crate::dispatch::Handler;

mod activations;
mod connections;
mod environments;
mod issues;
mod kv;
mod notifications;
mod projects;
mod systems;
mod users;

/// Every emulated operation's handler.
pub fn handlers() -> HashMap<&'static str, Handler> {
    let mut map: HashMap<&'static str, Handler> = HashMap::new();
    users::register(&mut map);
    projects::register(&mut map);
    projects::register_more(&mut map);
    environments::register(&mut map);
    systems::register(&mut map);
    connections::register(&mut map);
    activations::register(&mut map);
    kv::register(&mut map);
    issues::register(&mut map);
    notifications::register(&mut map);
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
