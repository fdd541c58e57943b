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
use crate::store::KvEntry;

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
    after: Option<Vec<String>>,
    before: Option<Vec<String>>,
    filter: Filter,
}

/// A cursor as the listing hands it out: the key's segments joined by `/`.
fn cursor(value: Option<&Value>, field: &str) -> Result<Option<Vec<String>>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.split('/').map(String::from).collect())),
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

    fn keeps(&self, entry: &KvEntry, now: DateTime<Utc>) -> bool {
        entry.alive(now) && self.filter.keeps(entry)
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

/// Lower and upper bounds; `None` when the range is empty.
type Range = (Bound<Vec<String>>, Bound<Vec<String>>);

fn max_lower(a: Bound<Vec<String>>, b: Bound<Vec<String>>) -> Bound<Vec<String>> {
    match (&a, &b) {
        (Bound::Unbounded, _) => b,
        (_, Bound::Unbounded) => a,
        (Bound::Included(x) | Bound::Excluded(x), Bound::Included(y) | Bound::Excluded(y)) => {
            if x > y || (x == y && matches!(a, Bound::Excluded(_))) {
                a
            } else {
                b
            }
        }
    }
}

fn min_upper(a: Bound<Vec<String>>, b: Bound<Vec<String>>) -> Bound<Vec<String>> {
    match (&a, &b) {
        (Bound::Unbounded, _) => b,
        (_, Bound::Unbounded) => a,
        (Bound::Included(x) | Bound::Excluded(x), Bound::Included(y) | Bound::Excluded(y)) => {
            if x < y || (x == y && matches!(a, Bound::Excluded(_))) {
                a
            } else {
                b
            }
        }
    }
}

/// Whether `BTreeMap::range` accepts the bounds (it panics on an inverted
/// or empty excluded range).
fn is_valid((lo, hi): &Range) -> bool {
    match (lo, hi) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
        (Bound::Included(a), Bound::Included(b)) => a <= b,
        (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) => a < b,
    }
}

/// The entries of `entries` in `range` (none when it is empty).
fn walk<'a>(
    entries: &'a BTreeMap<Vec<String>, KvEntry>,
    range: Range,
) -> Box<dyn DoubleEndedIterator<Item = (&'a Vec<String>, &'a KvEntry)> + 'a> {
    if is_valid(&range) {
        Box::new(entries.range(range))
    } else {
        Box::new(std::iter::empty())
    }
}

/// One page of a listing: the keys on it (in listing order) and whether
/// entries come after and before it.
#[derive(Debug)]
pub struct Page {
    /// The keys of the page.
    pub keys: Vec<Vec<String>>,
    /// More entries follow the page in listing order.
    pub more_after: bool,
    /// More entries precede the page in listing order.
    pub more_before: bool,
}

impl Selector {
    /// The range of keys under the prefix.
    fn prefix_range(&self) -> Range {
        (
            Bound::Included(self.prefix.clone()),
            prefix_end(&self.prefix).map_or(Bound::Unbounded, Bound::Excluded),
        )
    }

    /// The page of at most `limit` keys the selector picks, ascending key
    /// order or (`reverse`) descending.
    pub fn page(
        &self,
        entries: &BTreeMap<Vec<String>, KvEntry>,
        limit: usize,
        reverse: bool,
        now: DateTime<Utc>,
    ) -> Page {
        let (lo, hi) = self.prefix_range();
        let keeps = |(_, e): &(&Vec<String>, &KvEntry)| self.keeps(e, now);
        // `after` continues in listing order past the cursor, `before` goes
        // back from it; in ascending order "after" is "above"
        let (forward, cursor) = match (&self.after, &self.before) {
            (Some(c), _) => (true, Some(c)),
            (None, Some(c)) => (false, Some(c)),
            (None, None) => (true, None),
        };
        let above = forward != reverse;
        let (ahead, behind): (Range, Option<Range>) = match cursor {
            None => ((lo, hi), None),
            Some(c) if above => (
                (
                    max_lower(lo.clone(), Bound::Excluded(c.clone())),
                    hi.clone(),
                ),
                Some((lo, min_upper(hi, Bound::Included(c.clone())))),
            ),
            Some(c) => (
                (
                    lo.clone(),
                    min_upper(hi.clone(), Bound::Excluded(c.clone())),
                ),
                Some((max_lower(lo, Bound::Included(c.clone())), hi)),
            ),
        };
        // walk away from the cursor, `limit` + 1 to learn whether more follow
        let mut taken: Vec<Vec<String>> = Vec::with_capacity(limit + 1);
        let walked = walk(entries, ahead);
        let walked: Box<dyn Iterator<Item = _>> = if above {
            Box::new(walked)
        } else {
            Box::new(walked.rev())
        };
        for (k, _) in walked.filter(keeps).take(limit + 1) {
            taken.push(k.clone());
        }
        let more_away = taken.len() > limit;
        taken.truncate(limit);
        // whether anything lies on the cursor's side (the cursor included),
        // looked for from the cursor outwards
        let more_toward = match behind {
            None => false,
            Some(range) if above => walk(entries, range).rev().any(|kv| keeps(&kv)),
            Some(range) => walk(entries, range).any(|kv| keeps(&kv)),
        };
        if forward {
            Page {
                keys: taken,
                more_after: more_away,
                more_before: more_toward,
            }
        } else {
            // walked backwards from the cursor: put the page in listing order
            taken.reverse();
            Page {
                keys: taken,
                more_after: more_toward,
                more_before: more_away,
            }
        }
    }

    /// How many live entries the selector picks (the cursor ignored).
    pub fn count(&self, entries: &BTreeMap<Vec<String>, KvEntry>, now: DateTime<Utc>) -> usize {
        walk(entries, self.prefix_range())
            .filter(|(_, e)| self.keeps(e, now))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store(keys: &[&[&str]]) -> BTreeMap<Vec<String>, KvEntry> {
        let now = Utc::now();
        keys.iter()
            .map(|k| {
                (
                    k.iter().map(|s| s.to_string()).collect(),
                    KvEntry {
                        value: json!(1),
                        versionstamp: "v".into(),
                        created_at: now,
                        expires_at: None,
                        refresh: None,
                        metadata: None,
                    },
                )
            })
            .collect()
    }

    fn keys(page: &Page) -> Vec<String> {
        page.keys.iter().map(|k| k.join("/")).collect()
    }

    #[test]
    fn a_prefix_takes_exactly_its_keys() {
        let entries = store(&[
            &["a"],
            &["a", "b"],
            &["a", "b", "c"],
            &["a", "c"],
            &["ab"],
            &["b"],
        ]);
        let s = Selector::parse(&json!({"selector": {"prefix": ["a"]}})).expect("valid");
        let page = s.page(&entries, 10, false, Utc::now());
        assert_eq!(keys(&page), ["a", "a/b", "a/b/c", "a/c"]);
        assert!(!page.more_after && !page.more_before);
        assert_eq!(s.count(&entries, Utc::now()), 4);
        let s = Selector::parse(&json!({"selector": {"prefix": ["a", "b"]}})).expect("valid");
        assert_eq!(s.count(&entries, Utc::now()), 2);
    }

    #[test]
    fn cursors_page_both_ways_in_both_orders() {
        let entries = store(&[
            &["k", "1"],
            &["k", "2"],
            &["k", "3"],
            &["k", "4"],
            &["k", "5"],
        ]);
        let now = Utc::now();
        let sel = |v: Value| Selector::parse(&v).expect("valid");
        let p = sel(json!({"selector": {"prefix": ["k"], "after": "k/2"}}))
            .page(&entries, 2, false, now);
        assert_eq!(keys(&p), ["k/3", "k/4"]);
        assert!(p.more_after && p.more_before);
        let p = sel(json!({"selector": {"prefix": ["k"], "before": "k/3"}}))
            .page(&entries, 5, false, now);
        assert_eq!(keys(&p), ["k/1", "k/2"]);
        assert!(p.more_after && !p.more_before);
        let p = sel(json!({"selector": {"prefix": ["k"], "after": "k/4"}}))
            .page(&entries, 2, true, now);
        assert_eq!(keys(&p), ["k/3", "k/2"]);
        assert!(p.more_after && p.more_before);
        let p = sel(json!({"selector": {"prefix": ["k"], "before": "k/2"}}))
            .page(&entries, 1, true, now);
        assert_eq!(keys(&p), ["k/3"]);
        assert!(p.more_after && p.more_before);
        // a cursor outside the prefix, or past the end, gives an empty page
        let p =
            sel(json!({"selector": {"prefix": ["k"], "after": "z"}})).page(&entries, 2, false, now);
        assert!(p.keys.is_empty());
    }
}
