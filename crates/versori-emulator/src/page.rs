//! Cursor pagination as the spec defines it: `first`, `after`, `before`, and a
//! page carrying `totalCount`, `next` and `prev`.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::request::Request;

/// The page size when `first` is absent.
pub const DEFAULT_PAGE: usize = 20;
/// The largest page served.
pub const MAX_PAGE: usize = 500;

/// A page of `items` (each with an `id`, in listing order) under `field`,
/// sliced by the request's `first`/`after`/`before`, with `totalCount`,
/// `next` and `prev`.
pub fn page(req: &Request, field: &str, items: Vec<Value>) -> Result<Value, ApiError> {
    let first = match req.query("first") {
        None => DEFAULT_PAGE,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => (n as usize).min(MAX_PAGE),
            _ => {
                return Err(ApiError::invalid_field(
                    "first",
                    format!("{v:?} is not a positive integer"),
                ))
            }
        },
    };
    let total = items.len();
    let position = |cursor: &str| items.iter().position(|i| i["id"] == cursor);
    let (start, end) = if let Some(after) = req.query("after") {
        let at =
            position(after).ok_or_else(|| ApiError::invalid_field("after", "unknown cursor"))?;
        (at + 1, (at + 1 + first).min(total))
    } else if let Some(before) = req.query("before") {
        let at =
            position(before).ok_or_else(|| ApiError::invalid_field("before", "unknown cursor"))?;
        (at.saturating_sub(first), at)
    } else {
        (0, first.min(total))
    };
    let slice: Vec<Value> = items[start..end].to_vec();
    let mut page = json!({"totalCount": total});
    if end < total {
        if let Some(last) = slice.last() {
            page["next"] = last["id"].clone();
        }
    }
    if start > 0 {
        if let Some(head) = slice.first() {
            page["prev"] = head["id"].clone();
        }
    }
    page[field] = Value::Array(slice);
    Ok(page)
}
