//! The emulator's state: everything in memory, scoped by organisation.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use versori_core::types;

/// A new ULID, as the platform uses for ids.
pub fn new_id() -> String {
    ulid::Ulid::new().to_string()
}

/// Now, as the timestamps the platform returns.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Everything one organisation owns. Maps are keyed by id and ordered, so
/// listings are stable (ULIDs sort by creation time).
#[derive(Debug, Default)]
pub struct Org {
    /// End users by id.
    pub users: BTreeMap<String, types::EndUser>,
    /// Projects by id.
    pub projects: BTreeMap<String, types::Project>,
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
