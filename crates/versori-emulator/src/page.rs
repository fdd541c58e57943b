//! Cursor pagination as the spec defines it: `first`, `after`, `before`, and a
//! page carrying `totalCount`, `next` and `prev`.
//!
//! A listing is an ordered map (ids are ULIDs, so id order is creation
//! order) walked through its ranges: a page seeks to its cursor and reads
//! `first` items, so the last page of a large listing costs what the first
//! costs; only the items on the page are copied.

use std::collections::BTreeMap;
use std::ops::Bound;

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::request::Request;

/// The page size when `first` is absent.
pub const DEFAULT_PAGE: usize = 20;
/// The largest page served.
pub const MAX_PAGE: usize = 500;

/// The request's `first`. An operation that declares no `first` (its
/// listing has no cursors to ask for more) answers with every item.
fn first(req: &Request) -> Result<usize, ApiError> {
    if req.op.parameter("first").is_none() {
        return Ok(usize::MAX);
    }
    match req.query("first") {
        None => Ok(DEFAULT_PAGE),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => Ok((n as usize).min(MAX_PAGE)),
            _ => Err(ApiError::invalid_field(
                "first",
                format!("{v:?} is not a positive integer"),
            )),
        },
    }
}

/// The entries of `items` on one side of `cursor` (above it with `ahead`,
/// below it otherwise), nearest first; the cursor itself with `inclusive`.
fn side<'a, V>(
    items: &'a BTreeMap<String, V>,
    cursor: &'a String,
    ahead: bool,
    inclusive: bool,
) -> Box<dyn Iterator<Item = (&'a String, &'a V)> + 'a> {
    let at = if inclusive {
        Bound::Included(cursor)
    } else {
        Bound::Excluded(cursor)
    };
    if ahead {
        Box::new(items.range::<String, _>((at, Bound::Unbounded)))
    } else {
        Box::new(items.range::<String, _>((Bound::Unbounded, at)).rev())
    }
}

/// The keys of the first `first` entries, and whether more follow.
fn take<'a, V: 'a>(
    entries: impl Iterator<Item = (&'a String, &'a V)>,
    first: usize,
) -> (Vec<&'a String>, bool) {
    let mut keys: Vec<&String> = entries
        .map(|(k, _)| k)
        .take(first.saturating_add(1))
        .collect();
    let more = keys.len() > first;
    keys.truncate(first);
    (keys, more)
}

/// Which entries of a listing a page keeps, by key and value.
pub type Keep<'a, V> = Option<&'a dyn Fn(&String, &V) -> bool>;

/// A page of the entries of `items` that `keep` keeps (all of them when it
/// is `None`), in ascending key order, under `field`, sliced by the request's
/// `first`/`after`/`before` (cursors are keys of `items`), each shown with
/// `view` (an entity's view is its [`wire::json`](crate::wire::json)); with `totalCount`, `next` and `prev`. Without `keep` a page
/// costs O(page + log n); a `keep` makes `totalCount` walk every entry, so
/// listings filtered by a project, an environment, a system or an owner
/// page that group's index instead (`index.rs`).
pub fn page<V>(
    req: &Request,
    field: &str,
    items: &BTreeMap<String, V>,
    keep: Keep<'_, V>,
    view: impl Fn(&String, &V) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    page_in(Order::OldestFirst, req, field, items, keep, view)
}

/// The order a listing pages in. Keys are ULIDs, so key order is creation
/// order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Order {
    /// Ascending keys: the oldest first.
    OldestFirst,
    /// Descending keys: the newest first (`next` leads to older items).
    NewestFirst,
}

/// As [`page`], in `order`.
pub fn page_in<V>(
    order: Order,
    req: &Request,
    field: &str,
    items: &BTreeMap<String, V>,
    keep: Keep<'_, V>,
    view: impl Fn(&String, &V) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    let first = first(req)?;
    // which side of a cursor `next` leads to
    let onward = order == Order::OldestFirst;
    let kept = |(k, v): &(&String, &V)| keep.is_none_or(|f| f(k, v));
    let total = match keep {
        None => items.len(),
        Some(f) => items.iter().filter(|(k, v)| f(k, v)).count(),
    };
    // a cursor is one of the listing's keys (the map's own, borrowed as long
    // as the map)
    let known = |name: &str, cursor: &str| {
        items
            .get_key_value(cursor)
            .map(|(k, _)| k)
            .ok_or_else(|| ApiError::invalid_field(name, "unknown cursor"))
    };
    // the page's keys, and whether items come before and after it
    let (keys, more_before, more_after): (Vec<&String>, bool, bool) =
        match (req.query("after"), req.query("before")) {
            (Some(after), _) => {
                let after = known("after", after)?;
                let (keys, more_after) =
                    take(side(items, after, onward, false).filter(kept), first);
                let more_before = side(items, after, !onward, true).any(|kv| kept(&kv));
                (keys, more_before, more_after)
            }
            (None, Some(before)) => {
                let before = known("before", before)?;
                let (mut keys, more_before) =
                    take(side(items, before, !onward, false).filter(kept), first);
                keys.reverse();
                let more_after = side(items, before, onward, true).any(|kv| kept(&kv));
                (keys, more_before, more_after)
            }
            (None, None) if onward => {
                let (keys, more_after) = take(items.iter().filter(kept), first);
                (keys, false, more_after)
            }
            (None, None) => {
                let (keys, more_after) = take(items.iter().rev().filter(kept), first);
                (keys, false, more_after)
            }
        };
    let slice: Vec<Value> = keys
        .iter()
        .filter_map(|k| items.get(*k).map(|v| view(k, v)))
        .collect::<Result<_, _>>()?;
    let mut page = json!({"totalCount": total});
    if more_after {
        if let Some(last) = keys.last() {
            page["next"] = json!(last);
        }
    }
    if more_before {
        if let Some(head) = keys.first() {
            page["prev"] = json!(head);
        }
    }
    page[field] = Value::Array(slice);
    Ok(page)
}
