//! KV keys as requests carry them: a JSON array of segments in a body, or
//! the rest of the path after `/kv/` (segments separated by `/`, which may
//! also arrive escaped as `%2F`).

use serde_json::Value;

use crate::error::ApiError;
use crate::request::Request;

/// A key given as a JSON array of strings; `field` names it in errors. A
/// segment may not be empty or contain `/` (the slash separates segments
/// in a key's path form, so such a key could never be read back by path).
pub fn json_key(value: &Value, field: &str) -> Result<Vec<String>, ApiError> {
    let Some(parts) = value.as_array().filter(|p| !p.is_empty()) else {
        return Err(ApiError::invalid_field(
            field,
            "a key is a non-empty list of non-empty strings",
        ));
    };
    let mut key = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        match part.as_str() {
            Some("") => {
                return Err(ApiError::invalid_field(
                    &format!("{field}[{i}]"),
                    "a key segment must not be empty",
                ))
            }
            Some(s) if s.contains('/') => {
                return Err(ApiError::invalid_field(
                    &format!("{field}[{i}]"),
                    format!("{s:?} contains '/', which separates key segments"),
                ))
            }
            Some(s) => key.push(s.to_string()),
            None => {
                return Err(ApiError::invalid_field(
                    &format!("{field}[{i}]"),
                    "a key segment must be a string",
                ))
            }
        }
    }
    Ok(key)
}

/// The key of a GetKV, SetKV or DeleteKV path.
pub fn path_key(req: &Request) -> Result<Vec<String>, ApiError> {
    let raw = req.path("key");
    let key: Vec<String> = raw.split('/').map(String::from).collect();
    if key.iter().any(String::is_empty) {
        return Err(ApiError::invalid_field(
            "key",
            format!("{raw:?} has an empty segment"),
        ));
    }
    Ok(key)
}

/// A key as the API shows it in messages (`orders/1042`).
pub fn shown(key: &[String]) -> String {
    key.join("/")
}
