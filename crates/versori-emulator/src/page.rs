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

/// A page of the entries of `items` that `keep` keeps (all of them when it
/// is `None`), in key order, under `field`, sliced by the request's
/// `first`/`after`/`before` (cursors are keys of `items`), each shown with
/// `view`; with `totalCount`, `next` and `prev`.
pub fn page<V>(
    req: &Request,
    field: &str,
    items: &BTreeMap<String, V>,
    keep: Option<&dyn Fn(&V) -> bool>,
    view: impl Fn(&String, &V) -> Value,
) -> Result<Value, ApiError> {
    let first = first(req)?;
    let kept = |(_, v): &(&String, &V)| keep.is_none_or(|k| k(v));
    let total = match keep {
        None => items.len(),
        Some(k) => items.values().filter(|v| k(v)).count(),
    };
    let known = |name: &str, cursor: &str| {
        if items.contains_key(cursor) {
            Ok(cursor.to_string())
        } else {
            Err(ApiError::invalid_field(name, "unknown cursor"))
        }
    };
    // the page's keys, and whether items come before and after it
    let (keys, more_before, more_after): (Vec<&String>, bool, bool) =
        if let Some(after) = req.query("after") {
            let after = known("after", after)?;
            let mut keys: Vec<&String> = items
                .range::<String, _>((Bound::Excluded(&after), Bound::Unbounded))
                .filter(kept)
                .map(|(k, _)| k)
                .take(first.saturating_add(1))
                .collect();
            let more_after = keys.len() > first;
            keys.truncate(first);
            let more_before = items
                .range::<String, _>((Bound::Unbounded, Bound::Included(&after)))
                .rev()
                .any(|kv| kept(&kv));
            (keys, more_before, more_after)
        } else if let Some(before) = req.query("before") {
            let before = known("before", before)?;
            let mut keys: Vec<&String> = items
                .range::<String, _>((Bound::Unbounded, Bound::Excluded(&before)))
                .rev()
                .filter(kept)
                .map(|(k, _)| k)
                .take(first.saturating_add(1))
                .collect();
            let more_before = keys.len() > first;
            keys.truncate(first);
            keys.reverse();
            let more_after = items
                .range::<String, _>((Bound::Included(&before), Bound::Unbounded))
                .any(|kv| kept(&kv));
            (keys, more_before, more_after)
        } else {
            let mut keys: Vec<&String> = items
                .iter()
                .filter(kept)
                .map(|(k, _)| k)
                .take(first.saturating_add(1))
                .collect();
            let more_after = keys.len() > first;
            keys.truncate(first);
            (keys, false, more_after)
        };
    let slice: Vec<Value> = keys
        .iter()
        .filter_map(|k| items.get(*k).map(|v| view(k, v)))
        .collect();
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
