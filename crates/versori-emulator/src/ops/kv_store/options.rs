//! What a KV write or delete may ask for (`SetOptions`, `DeleteOptions`),
//! read from a request body and applied to one entry.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::store::{new_id, KvEntry};

/// A write's options (`SetOptions`).
#[derive(Debug, Default)]
pub struct SetOptions {
    /// The entry's lifetime from the write (`expireIn` ms, or `expireAt`).
    expiry: Option<Expiry>,
    /// Reading the entry renews its lifetime (`refreshOnAccess`).
    refresh_on_access: bool,
    /// Write only over this versionstamp (`ifVersionstamp`).
    if_versionstamp: Option<String>,
    /// Write only when the key is absent (`ifNotExists`, or `overwrite: false`).
    only_if_absent: bool,
    /// Saved with the entry (`metadata`).
    metadata: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Copy)]
enum Expiry {
    In(TimeDelta),
    At(DateTime<Utc>),
}

/// Why a conditional write did not happen.
#[derive(Debug, PartialEq, Eq)]
pub enum NotWritten {
    /// `ifNotExists` / `overwrite: false` and the key exists.
    Exists,
    /// `ifVersionstamp` and the entry has another (or no) versionstamp.
    VersionstampMismatch,
}

impl NotWritten {
    /// The reason, as a batch failure reports it.
    pub fn reason(&self) -> &'static str {
        match self {
            NotWritten::Exists => "the key already exists (ifNotExists / overwrite: false)",
            NotWritten::VersionstampMismatch => {
                "the entry's versionstamp does not match ifVersionstamp"
            }
        }
    }
}

fn bool_option(
    options: &Map<String, Value>,
    name: &str,
    field: &str,
) -> Result<Option<bool>, ApiError> {
    match options.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid_field(
            &format!("{field}.{name}"),
            "must be true or false",
        )),
    }
}

fn string_option<'a>(
    options: &'a Map<String, Value>,
    name: &str,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match options.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid_field(
            &format!("{field}.{name}"),
            "must be a string",
        )),
    }
}

/// The options object at `value` (absent or `null`: none); `field` names it.
fn object<'a>(
    value: Option<&'a Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(ApiError::invalid_field(field, "must be an object")),
    }
}

/// An RFC 3339 timestamp, or a 400 naming `field`.
pub fn timestamp(text: &str, field: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            ApiError::invalid_field(field, format!("{text:?} is not an RFC 3339 time: {e}"))
        })
}

impl SetOptions {
    /// The options at `value` (`field` names them in errors).
    pub fn parse(value: Option<&Value>, field: &str) -> Result<SetOptions, ApiError> {
        let Some(options) = object(value, field)? else {
            return Ok(SetOptions::default());
        };
        let expire_in = match options.get("expireIn") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_f64() {
                Some(ms) if ms > 0.0 && ms.is_finite() && ms < 1e15 => {
                    Some(TimeDelta::milliseconds(ms.ceil() as i64))
                }
                _ => {
                    return Err(ApiError::invalid_field(
                        &format!("{field}.expireIn"),
                        "must be a positive number of milliseconds",
                    ))
                }
            },
        };
        let expire_at = string_option(options, "expireAt", field)?
            .map(|t| timestamp(t, &format!("{field}.expireAt")))
            .transpose()?;
        let expiry = match (expire_in, expire_at) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_field(
                    &format!("{field}.expireIn"),
                    "give expireIn or expireAt, not both",
                ))
            }
            (Some(d), None) => Some(Expiry::In(d)),
            (None, Some(at)) => Some(Expiry::At(at)),
            (None, None) => None,
        };
        let if_not_exists = bool_option(options, "ifNotExists", field)?.unwrap_or(false);
        let overwrite = bool_option(options, "overwrite", field)?.unwrap_or(true);
        let metadata = object(options.get("metadata"), &format!("{field}.metadata"))?.cloned();
        Ok(SetOptions {
            expiry,
            refresh_on_access: bool_option(options, "refreshOnAccess", field)?.unwrap_or(false),
            if_versionstamp: string_option(options, "ifVersionstamp", field)?.map(String::from),
            only_if_absent: if_not_exists || !overwrite,
            metadata,
        })
    }

    /// Whether the write may replace `current` (the live entry under the
    /// key, if any).
    pub fn allows(&self, current: Option<&KvEntry>) -> Result<(), NotWritten> {
        if self.only_if_absent && current.is_some() {
            return Err(NotWritten::Exists);
        }
        if let Some(wanted) = &self.if_versionstamp {
            if current.is_none_or(|e| &e.versionstamp != wanted) {
                return Err(NotWritten::VersionstampMismatch);
            }
        }
        Ok(())
    }

    /// The entry this write stores at `now`.
    pub fn entry(&self, value: Value, now: DateTime<Utc>) -> KvEntry {
        let (expires_at, lifetime) = match self.expiry {
            None => (None, None),
            Some(Expiry::In(d)) => (Some(now + d), Some(d)),
            Some(Expiry::At(at)) => (Some(at), Some(at - now)),
        };
        let mut entry = KvEntry::new(value, new_id(), now);
        entry.expires_at = expires_at;
        entry.refresh = lifetime.filter(|_| self.refresh_on_access);
        entry.metadata = self.metadata.clone();
        entry
    }
}

/// A delete's options (`DeleteOptions`).
#[derive(Debug, Default)]
pub struct DeleteOptions {
    /// Remove every key under the given one too.
    pub cascade: bool,
    /// Remove only when the key's entry has this versionstamp.
    pub if_versionstamp: Option<String>,
}

impl DeleteOptions {
    /// The options at `value` (`field` names them in errors).
    pub fn parse(value: Option<&Value>, field: &str) -> Result<DeleteOptions, ApiError> {
        let Some(options) = object(value, field)? else {
            return Ok(DeleteOptions::default());
        };
        Ok(DeleteOptions {
            cascade: bool_option(options, "cascade", field)?.unwrap_or(false),
            if_versionstamp: string_option(options, "ifVersionstamp", field)?.map(String::from),
        })
    }
}

/// The entry at `now` after a read: a `refreshOnAccess` entry's expiry
/// moves forward by its lifetime.
pub fn renew(entry: &mut KvEntry, now: DateTime<Utc>) {
    if let Some(lifetime) = entry.refresh {
        entry.expires_at = Some(now + lifetime);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_are_read_and_checked() {
        let now = Utc::now();
        let o = SetOptions::parse(
            Some(&json!({"expireIn": 1500, "refreshOnAccess": true})),
            "options",
        )
        .expect("valid");
        let e = o.entry(json!(1), now);
        assert_eq!(e.expires_at, Some(now + TimeDelta::milliseconds(1500)));
        assert_eq!(e.refresh, Some(TimeDelta::milliseconds(1500)));
        for bad in [
            json!({"expireIn": 0}),
            json!({"expireIn": -5}),
            json!({"expireAt": "tomorrow"}),
            json!({"expireIn": 5, "expireAt": "2030-01-01T00:00:00Z"}),
            json!({"ifNotExists": "yes"}),
            json!({"metadata": [1]}),
        ] {
            assert!(SetOptions::parse(Some(&bad), "options").is_err(), "{bad}");
        }
        let existing = o.entry(json!(1), now);
        let keep = SetOptions::parse(Some(&json!({"overwrite": false})), "options").expect("valid");
        assert_eq!(keep.allows(Some(&existing)), Err(NotWritten::Exists));
        assert_eq!(keep.allows(None), Ok(()));
        let cas = SetOptions::parse(
            Some(&json!({"ifVersionstamp": existing.versionstamp})),
            "options",
        )
        .expect("valid");
        assert_eq!(cas.allows(Some(&existing)), Ok(()));
        assert_eq!(cas.allows(None), Err(NotWritten::VersionstampMismatch));
    }
}
