//! Handlers, one module per tag of the spec (as the facade's resource
//! groups are), each registering its operations by operationId.

use std::collections::HashMap;

use crate::dispatch::Handler;

mod activations;
mod automations;
mod connection_templates;
mod connections;
mod end_users;
mod environments;
mod execution_pools;
mod issues;
mod kv_store;
mod metrics;
mod notifications;
mod projects;
mod schedulers;
mod systems;
mod versions;

/// A registrar: adds its tag's handlers to the map.
type Register = fn(&mut HashMap<&'static str, Handler>);

/// Each tag's group (as the operation table names it) and the module that
/// handles its operations.
const GROUPS: &[(&str, Register)] = &[
    ("activations", activations::register),
    ("automations", automations::register),
    ("connection_templates", connection_templates::register),
    ("connections", connections::register),
    ("end_users", end_users::register),
    ("environments", environments::register),
    ("execution_pools", execution_pools::register),
    ("issues", issues::register),
    ("kv_store", kv_store::register),
    ("metrics", metrics::register),
    ("notifications", notifications::register),
    ("projects", projects::register),
    ("schedulers", schedulers::register),
    ("systems", systems::register),
    ("versions", versions::register),
];

/// Every emulated operation's handler.
pub fn handlers() -> HashMap<&'static str, Handler> {
    let mut map: HashMap<&'static str, Handler> = HashMap::new();
    for (_, register) in GROUPS {
        register(&mut map);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each module handles exactly its own tag's operations: every
    /// operation of the spec once, by the module of its group.
    #[test]
    fn modules_follow_the_spec_tags_one_to_one() {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (group, register) in GROUPS {
            let mut map = HashMap::new();
            register(&mut map);
            assert!(!map.is_empty(), "module {group} registers nothing");
            for id in map.keys() {
                let op = versori_core::operations::find(id)
                    .unwrap_or_else(|| panic!("{group} registers {id}, which the spec lacks"));
                assert_eq!(op.group, *group, "{id} is handled by the {group} module");
                assert!(seen.insert(id, group).is_none(), "{id} registered twice");
            }
        }
        for op in versori_core::operations::OPERATIONS {
            assert!(seen.contains_key(op.id), "no module handles {}", op.id);
        }
    }
}
