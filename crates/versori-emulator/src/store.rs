//! The emulator's state: everything in memory, scoped by organisation.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;
use versori_core::types;

/// A new ULID, as the platform uses for ids. Monotonic, so ids created in
/// the same millisecond still sort (and list) in creation order.
pub fn new_id() -> String {
    static GENERATOR: std::sync::Mutex<Option<ulid::Generator>> = std::sync::Mutex::new(None);
    let generated = GENERATOR
        .lock()
        .ok()
        .and_then(|mut g| g.get_or_insert_with(ulid::Generator::new).generate().ok());
    generated
        .unwrap_or_else(|| ulid::Ulid::from_datetime(std::time::SystemTime::now()))
        .to_string()
}

/// Now, as the timestamps the platform returns.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Applies variable changes: a `null` value removes the variable, any other
/// value sets it.
pub fn apply_changes(
    target: &mut serde_json::Map<String, Value>,
    changes: serde_json::Map<String, Value>,
) {
    for (k, v) in changes {
        if v.is_null() {
            target.remove(&k);
        } else {
            target.insert(k, v);
        }
    }
}

/// Everything one organisation owns. Maps are keyed by id and ordered, so
/// listings are stable (ULIDs sort by creation time).
#[derive(Debug, Default)]
pub struct Org {
    /// End users by id.
    pub users: BTreeMap<String, types::EndUser>,
    /// Projects by id (their environments live inside them).
    pub projects: BTreeMap<String, types::Project>,
    /// Variable schemas by project id.
    pub schemas: BTreeMap<String, Value>,
    /// Systems by id.
    pub systems: BTreeMap<String, Value>,
    /// Connection templates by id.
    pub templates: BTreeMap<String, Template>,
    /// Connections by id.
    pub connections: BTreeMap<String, Value>,
    /// (connection id, connection template id) pairs linked to environments.
    pub links: BTreeSet<(String, String)>,
    /// Activations by id.
    pub activations: BTreeMap<String, Activation>,
    /// Static variables by environment id.
    pub static_variables: BTreeMap<String, serde_json::Map<String, Value>>,
    /// Issues by id.
    pub issues: BTreeMap<String, Value>,
    /// Notification channels by id.
    pub channels: BTreeMap<String, Value>,
    /// Project notifications by id.
    pub notifications: BTreeMap<String, Value>,
}

/// A connection template: a system attached to one environment of a project.
#[derive(Debug, Clone)]
pub struct Template {
    /// The project.
    pub project_id: String,
    /// The environment the system is attached to.
    pub environment_id: String,
    /// The system.
    pub system_id: String,
    /// The template as the API returns it.
    pub value: Value,
}

/// An activation with the keys it is looked up by.
#[derive(Debug, Clone)]
pub struct Activation {
    /// Its environment.
    pub environment_id: String,
    /// Its end user's id.
    pub user_id: String,
    /// The activation as the API returns it (user and environment filled in on read).
    pub value: Value,
}

impl Org {
    /// The project owning environment `env_id`, and the environment's index in it.
    pub fn environment(&self, env_id: &str) -> Option<(&types::Project, usize)> {
        self.projects.values().find_map(|p| {
            p.environments
                .iter()
                .position(|e| e.id == env_id)
                .map(|i| (p, i))
        })
    }
}

/// One KV store: entries keyed by their key segments.
#[derive(Debug, Default)]
pub struct KvStore {
    /// The organisation owning the store.
    pub organisation: String,
    /// The store's name.
    pub name: String,
    /// Entries, ordered by key.
    pub entries: BTreeMap<Vec<String>, Value>,
}

/// The whole platform.
#[derive(Debug, Default)]
pub struct Store {
    /// Organisations, created on first use.
    pub orgs: HashMap<String, Org>,
    /// KV stores by id (their routes carry no organisation).
    pub kv: BTreeMap<String, KvStore>,
}

impl Store {
    /// The organisation `id`, created on first use.
    pub fn org(&mut self, id: &str) -> &mut Org {
        self.orgs.entry(id.to_string()).or_default()
    }
}
