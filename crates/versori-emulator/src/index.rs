//! Secondary indexes: the ids of items grouped by a key (a project, an
//! environment, a system, an end user), in id order. A listing of one group
//! walks only its members and pages them with the same cursor code as a
//! whole map (`page.rs`), so a page costs O(page + log n) however large the
//! organisation; `totalCount` is the group's size.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::ops::Deref;

/// One group: its members' ids in id order, each with the number of times
/// it was added (a connection linked to an environment through two
/// templates is in the environment's group twice over).
pub type Group = BTreeMap<String, usize>;

static EMPTY: Group = BTreeMap::new();

/// The empty group.
pub fn empty() -> &'static Group {
    &EMPTY
}

/// Ids grouped by key.
#[derive(Debug, Default)]
pub struct Groups {
    groups: HashMap<String, Group>,
}

impl Groups {
    /// Adds `id` to the group `key` (once more, if it is there already).
    pub fn add(&mut self, key: &str, id: &str) {
        *self
            .groups
            .entry(key.to_string())
            .or_default()
            .entry(id.to_string())
            .or_insert(0) += 1;
    }

    /// Takes one addition of `id` back from the group `key`; the id leaves
    /// the group with its last one.
    pub fn remove(&mut self, key: &str, id: &str) {
        let Some(group) = self.groups.get_mut(key) else {
            return;
        };
        if let Some(count) = group.get_mut(id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                group.remove(id);
            }
        }
        if group.is_empty() {
            self.groups.remove(key);
        }
    }

    /// The group `key` (empty when nothing was added to it).
    pub fn get(&self, key: &str) -> &Group {
        self.groups.get(key).unwrap_or(&EMPTY)
    }
}

/// What an [`Indexed`] map indexes its items by: a fixed number of
/// indexes, and each item's key in each of them.
pub trait Keys<V> {
    /// How many indexes there are (numbered from 0).
    const INDEXES: usize;
    /// The key of `item` in the index `index`; `None` leaves it out of that
    /// index.
    fn key(item: &V, index: usize) -> Option<&str>;
}

/// Items by id, in id order, with secondary indexes that every change keeps
/// in step. Reads go through `Deref` to the map; every write is one of the
/// methods here, so no write can miss an index.
pub struct Indexed<V, K> {
    items: BTreeMap<String, V>,
    indexes: Vec<Groups>,
    keys: PhantomData<K>,
}

impl<V, K: Keys<V>> Default for Indexed<V, K> {
    fn default() -> Self {
        Indexed {
            items: BTreeMap::new(),
            indexes: (0..K::INDEXES).map(|_| Groups::default()).collect(),
            keys: PhantomData,
        }
    }
}

impl<V: std::fmt::Debug, K> std::fmt::Debug for Indexed<V, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl<V, K> Deref for Indexed<V, K> {
    type Target = BTreeMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.items
    }
}

impl<V, K: Keys<V>> Indexed<V, K> {
    fn index(indexes: &mut [Groups], id: &str, item: &V, add: bool) {
        for (i, groups) in indexes.iter_mut().enumerate() {
            if let Some(key) = K::key(item, i) {
                if add {
                    groups.add(key, id);
                } else {
                    groups.remove(key, id);
                }
            }
        }
    }

    /// Stores `item` under `id`, replacing (and returning) the one there.
    pub fn insert(&mut self, id: String, item: V) -> Option<V> {
        let old = self.remove(&id);
        Self::index(&mut self.indexes, &id, &item, true);
        self.items.insert(id, item);
        old
    }

    /// Removes and returns the item `id`.
    pub fn remove(&mut self, id: &str) -> Option<V> {
        let item = self.items.remove(id)?;
        Self::index(&mut self.indexes, id, &item, false);
        Some(item)
    }

    /// Changes the item `id` in place (re-indexing it); `None` when there
    /// is no such item.
    pub fn update<R>(&mut self, id: &str, change: impl FnOnce(&mut V) -> R) -> Option<R> {
        let item = self.items.get_mut(id)?;
        Self::index(&mut self.indexes, id, item, false);
        let out = change(item);
        Self::index(&mut self.indexes, id, item, true);
        Some(out)
    }

    /// The ids of the items whose key in index `index` is `key`.
    pub fn group(&self, index: usize, key: &str) -> &Group {
        self.indexes
            .get(index)
            .map_or(&EMPTY, |groups| groups.get(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct ByFirstChar;

    impl Keys<String> for ByFirstChar {
        const INDEXES: usize = 1;
        fn key(item: &String, _: usize) -> Option<&str> {
            item.get(..1)
        }
    }

    fn ids(group: &Group) -> Vec<&str> {
        group.keys().map(String::as_str).collect()
    }

    #[test]
    fn every_write_keeps_the_index_in_step() {
        let mut map: Indexed<String, ByFirstChar> = Indexed::default();
        map.insert("1".into(), "apple".into());
        map.insert("2".into(), "avocado".into());
        map.insert("3".into(), "banana".into());
        assert_eq!(ids(map.group(0, "a")), ["1", "2"]);
        map.insert("2".into(), "blueberry".into());
        assert_eq!(ids(map.group(0, "a")), ["1"]);
        assert_eq!(ids(map.group(0, "b")), ["2", "3"]);
        map.update("1", |v| *v = "cherry".into());
        assert!(map.group(0, "a").is_empty());
        map.remove("2");
        map.remove("3");
        assert!(map.group(0, "b").is_empty());
        assert_eq!(ids(map.group(0, "c")), ["1"]);
        map.remove("1");
        assert!(map.is_empty() && map.group(0, "c").is_empty());
        assert!(map.group(7, "c").is_empty(), "an unknown index is empty");
    }

    #[test]
    fn a_group_member_added_twice_leaves_with_its_last_removal() {
        let mut groups = Groups::default();
        groups.add("env", "c1");
        groups.add("env", "c1");
        groups.add("env", "c2");
        groups.remove("env", "c1");
        assert_eq!(ids(groups.get("env")), ["c1", "c2"]);
        groups.remove("env", "c1");
        groups.remove("env", "c2");
        assert!(groups.get("env").is_empty());
        assert!(groups.groups.is_empty(), "empty groups are dropped");
    }
}
