//! Which entries a KV listing or count walks (`ListSelector`,
//! `CountSelector`): a key prefix, cursors, and filters on creation time and
//! metadata. Entries are walked through the ordered map's ranges, so a page
//! costs the same wherever it sits in the store.

use std::collections::BTreeMap;
use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::key::json_key;
use super::options::timestamp;
use crate::error::ApiError;
use crate::store::{KvEntry, KvStore};

/// The `selector.filter` of a listing (`KVFilter`).
#[derive(Debug, Default)]
pub struct Filter {
    created_after: Option<DateTime<Utc>>,
    created_before: Option<DateTime<Utc>>,
    metadata: Option<Map<String, Value>>,
}

impl Filter {
    fn parse(value: Option<&Value>) -> Result<Filter, ApiError> {
        let filter = match value {
            None | Some(Value::Null) => return Ok(Filter::default()),
            Some(Value::Object(f)) => f,
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "selector.filter",
                    "must be an object",
                ))
            }
        };
        let time = |name: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
            let field = format!("selector.filter.{name}");
            match filter.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => timestamp(s, &field).map(Some),
                Some(_) => Err(ApiError::invalid_field(&field, "must be an RFC 3339 time")),
            }
        };
        let metadata = match filter.get("metadata") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m.clone()),
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "selector.filter.metadata",
                    "must be an object",
                ))
            }
        };
        Ok(Filter {
            created_after: time("createdAfter")?,
            created_before: time("createdBefore")?,
            metadata,
        })
    }

    /// Whether `entry` passes: written after `createdAfter` and before
    /// `createdBefore`, its metadata holding every pair of `metadata`.
    fn keeps(&self, entry: &KvEntry) -> bool {
        self.created_after.is_none_or(|t| entry.created_at > t)
            && self.created_before.is_none_or(|t| entry.created_at < t)
            && self.metadata.as_ref().is_none_or(|wanted| {
                entry
                    .metadata
                    .as_ref()
                    .is_some_and(|have| wanted.iter().all(|(k, v)| have.get(k) == Some(v)))
            })
    }
}

/// A selector: the prefix, an optional cursor and the filter.
#[derive(Debug, Default)]
pub struct Selector {
    prefix: Vec<String>,
    after: Option<u64>,
    before: Option<u64>,
    filter: Filter,
}

/// The digits of a cursor (Crockford's base 32).
const DIGITS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How long a cursor is: 13 digits of 5 bits hold a 64-bit id.
const CURSOR_LEN: usize = 13;

/// The opaque cursor naming the entry with internal id `id`: a fixed-width
/// base-32 string behind a `c` (never a key the listing showed).
pub fn encode_cursor(id: u64) -> String {
    let mut out = String::with_capacity(CURSOR_LEN + 1);
    out.push('c');
    for i in (0..CURSOR_LEN).rev() {
        out.push(DIGITS[((id >> (5 * i)) & 31) as usize] as char);
    }
    out
}

/// The internal id a cursor names; `None` when it is not one the listing
/// hands out.
fn decode_cursor(s: &str) -> Option<u64> {
    let digits = s.strip_prefix('c')?;
    if digits.len() != CURSOR_LEN {
        return None;
    }
    let mut id: u64 = 0;
    for c in digits.bytes() {
        let d = DIGITS.iter().position(|&x| x == c)? as u64;
        id = id.checked_mul(32)?.checked_add(d)?;
    }
    // the top digit carries one bit too many for 64 bits
    (encode_cursor(id) == s).then_some(id)
}

/// A cursor member: absent, or an opaque cursor of a page.
fn cursor(value: Option<&Value>, field: &str) -> Result<Option<u64>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => decode_cursor(s).map(Some).ok_or_else(|| {
            ApiError::invalid_field(
                field,
                "is not a cursor: pass a nextCursor or prevCursor of an earlier page, not a key",
            )
        }),
        Some(_) => Err(ApiError::invalid_field(field, "must be a cursor string")),
    }
}

/// A body's `selector` object (`None` when it has none) and its `prefix`.
fn selector_and_prefix(body: &Value) -> Result<Option<(&Value, Vec<String>)>, ApiError> {
    let selector = match body.get("selector") {
        None | Some(Value::Null) => return Ok(None),
        Some(s @ Value::Object(_)) => s,
        Some(_) => return Err(ApiError::invalid_field("selector", "must be an object")),
    };
    let prefix = match selector.get("prefix") {
        None | Some(Value::Null) => Vec::new(),
        Some(p) if p.as_array().is_some_and(|a| a.is_empty()) => Vec::new(),
        Some(p) => json_key(p, "selector.prefix")?,
    };
    Ok(Some((selector, prefix)))
}

impl Selector {
    /// The selector of a CountKV body. The spec's `CountSelector` declares
    /// only `prefix`: other members (a `filter`, cursors) are ignored, as
    /// the platform's decoder ignores members its type does not have.
    pub fn parse_count(body: &Value) -> Result<Selector, ApiError> {
        Ok(Selector {
            prefix: selector_and_prefix(body)?
                .map(|(_, p)| p)
                .unwrap_or_default(),
            ..Selector::default()
        })
    }

    /// The selector of a ListKV body (`ListSelector`: a prefix, cursors and
    /// a filter).
    pub fn parse(body: &Value) -> Result<Selector, ApiError> {
        let Some((selector, prefix)) = selector_and_prefix(body)? else {
            return Ok(Selector::default());
        };
        let after = cursor(selector.get("after"), "selector.after")?;
        let before = cursor(selector.get("before"), "selector.before")?;
        if after.is_some() && before.is_some() {
            return Err(ApiError::invalid_field(
                "selector.after",
                "give after or before, not both",
            ));
        }
        Ok(Selector {
            prefix,
            after,
            before,
            filter: Filter::parse(selector.get("filter"))?,
        })
    }
}

/// The smallest key above every key starting with `prefix` (`None`: no
/// bound, for the empty prefix). Keys sort segment by segment, so the keys
/// under a prefix sit together from the prefix itself up to its last
/// segment's immediate successor (`"x"` → `"x\0"`).
fn prefix_end(prefix: &[String]) -> Option<Vec<String>> {
    let mut end = prefix.to_vec();
    let last = end.last_mut()?;
    last.push('\0');
    Some(end)
}

/// One page of a listing: the keys on it (in listing order), the cursors
/// naming its first and last entries, and whether entries come after and
/// before it.
#[derive(Debug)]
pub struct Page {
    /// The keys of the page.
    pub keys: Vec<Vec<String>>,
    /// The cursors of the page's first and last entries (`None`: empty).
    pub ends: Option<(String, String)>,
    /// More entries follow the page in listing order.
    pub more_after: bool,
    /// More entries precede the page in listing order.
    pub more_before: bool,
}

impl Selector {
    /// The page of at most `limit` entries the selector picks: newest
    /// first by internal id, or (`reverse`) oldest first. The walk seeks
    /// to the cursor in the id index and goes away from it, so a page
    /// costs the entries it looks at wherever it sits. A cursor naming no
    /// id the store ever handed out is refused.
    pub fn page(
        &self,
        kv: &KvStore,
        limit: usize,
        reverse: bool,
        now: DateTime<Utc>,
    ) -> Result<Page, ApiError> {
        // `after` continues in listing order past the cursor, `before` goes
        // back from it
        let (forward, cursor) = match (self.after, self.before) {
            (Some(c), _) => (true, Some((c, "selector.after"))),
            (None, Some(c)) => (false, Some((c, "selector.before"))),
            (None, None) => (true, None),
        };
        if let Some((c, field)) = cursor {
            if !kv.issued(c) {
                return Err(ApiError::invalid_field(
                    field,
                    "names no entry of this store: pass a nextCursor or prevCursor of an earlier page",
                ));
            }
        }
        // newest first walks the ids downwards; "ascending" is walking up
        let ascending = forward == reverse;
        let ids = kv.by_id();
        let keeps = |key: &Vec<String>| {
            key.starts_with(&self.prefix)
                && kv
                    .entries()
                    .get(key)
                    .is_some_and(|e| e.alive(now) && self.filter.keeps(e))
        };
        type Walk<'a> = Box<dyn Iterator<Item = (&'a u64, &'a Vec<String>)> + 'a>;
        let (ahead, behind): (Walk, Option<Walk>) = match (cursor, ascending) {
            (None, true) => (Box::new(ids.iter()), None),
            (None, false) => (Box::new(ids.iter().rev()), None),
            (Some((c, _)), true) => (
                Box::new(ids.range((Bound::Excluded(c), Bound::Unbounded))),
                Some(Box::new(ids.range(..=c).rev())),
            ),
            (Some((c, _)), false) => (
                Box::new(ids.range(..c).rev()),
                Some(Box::new(ids.range(c..))),
            ),
        };
        // walk away from the cursor, `limit` + 1 to learn whether more follow
        let mut taken: Vec<(u64, Vec<String>)> = ahead
            .filter(|(_, k)| keeps(k))
            .take(limit + 1)
            .map(|(id, k)| (*id, k.clone()))
            .collect();
        let more_away = taken.len() > limit;
        taken.truncate(limit);
        // whether anything lies on the cursor's side (the cursor included),
        // looked for from the cursor outwards
        let more_toward = behind.is_some_and(|mut walk| walk.any(|(_, k)| keeps(k)));
        let (more_after, more_before) = if forward {
            (more_away, more_toward)
        } else {
            // walked backwards from the cursor: put the page in listing order
            taken.reverse();
            (more_toward, more_away)
        };
        let ends = match (taken.first(), taken.last()) {
            (Some((first, _)), Some((last, _))) => {
                Some((encode_cursor(*first), encode_cursor(*last)))
            }
            _ => None,
        };
        Ok(Page {
            keys: taken.into_iter().map(|(_, k)| k).collect(),
            ends,
            more_after,
            more_before,
        })
    }

    /// How many live entries the selector picks (the cursor ignored).
    pub fn count(&self, entries: &BTreeMap<Vec<String>, KvEntry>, now: DateTime<Utc>) -> usize {
        let range = (
            Bound::Included(self.prefix.clone()),
            prefix_end(&self.prefix).map_or(Bound::Unbounded, Bound::Excluded),
        );
        entries
            .range(range)
            .filter(|(_, e)| e.alive(now) && self.filter.keeps(e))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A store with `keys` written in that order.
    fn store(keys: &[&[&str]]) -> KvStore {
        let now = Utc::now();
        let mut kv = KvStore::default();
        for k in keys {
            let key = k.iter().map(|s| s.to_string()).collect();
            kv.put(key, KvEntry::new(json!(1), "v".into(), now), now);
        }
        kv
    }

    fn keys(page: &Page) -> Vec<String> {
        page.keys.iter().map(|k| k.join("/")).collect()
    }

    #[test]
    fn a_prefix_takes_exactly_its_keys() {
        let kv = store(&[
            &["a", "c"],
            &["a"],
            &["ab"],
            &["a", "b", "c"],
            &["b"],
            &["a", "b"],
        ]);
        let s = Selector::parse(&json!({"selector": {"prefix": ["a"]}})).expect("valid");
        let page = s.page(&kv, 10, false, Utc::now()).expect("page");
        assert_eq!(keys(&page), ["a/b", "a/b/c", "a", "a/c"]);
        assert!(!page.more_after && !page.more_before);
        assert_eq!(s.count(kv.entries(), Utc::now()), 4);
        let s = Selector::parse(&json!({"selector": {"prefix": ["a", "b"]}})).expect("valid");
        assert_eq!(s.count(kv.entries(), Utc::now()), 2);
    }

    #[test]
    fn cursors_round_trip_and_keys_are_not_cursors() {
        for id in [0, 1, 31, 32, 1 << 40, u64::MAX] {
            let c = encode_cursor(id);
            assert_eq!(c.len(), CURSOR_LEN + 1);
            assert_eq!(decode_cursor(&c), Some(id), "{c}");
        }
        for bad in [
            "k/3",
            "c",
            "c000000000000",
            "c00000000000000",
            "cZZZZZZZZZZZZZ",
            "c000000000000u",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn cursors_page_both_ways_in_both_orders() {
        // written 1 to 5: newest first is 5, 4, 3, 2, 1
        let kv = store(&[
            &["k", "1"],
            &["k", "2"],
            &["k", "3"],
            &["k", "4"],
            &["k", "5"],
        ]);
        let now = Utc::now();
        let id = |n: &str| kv.entries()[&vec!["k".to_string(), n.to_string()]].id();
        let page = |v: Value, limit: usize, reverse: bool| {
            Selector::parse(&v)
                .expect("valid")
                .page(&kv, limit, reverse, now)
                .expect("page")
        };
        let p = page(
            json!({"selector": {"prefix": ["k"], "after": encode_cursor(id("4"))}}),
            2,
            false,
        );
        assert_eq!(keys(&p), ["k/3", "k/2"]);
        assert!(p.more_after && p.more_before);
        let p = page(
            json!({"selector": {"prefix": ["k"], "before": encode_cursor(id("3"))}}),
            5,
            false,
        );
        assert_eq!(keys(&p), ["k/5", "k/4"]);
        assert!(p.more_after && !p.more_before);
        let p = page(
            json!({"selector": {"prefix": ["k"], "after": encode_cursor(id("2"))}}),
            2,
            true,
        );
        assert_eq!(keys(&p), ["k/3", "k/4"]);
        assert!(p.more_after && p.more_before);
        let p = page(
            json!({"selector": {"prefix": ["k"], "before": encode_cursor(id("4"))}}),
            1,
            true,
        );
        assert_eq!(keys(&p), ["k/3"]);
        assert!(p.more_after && p.more_before);
        // an id the store never handed out is refused
        let s = Selector::parse(&json!({"selector": {"after": encode_cursor(99)}})).expect("valid");
        assert!(s.page(&kv, 2, false, now).is_err());
    }
}
