//! One request as a handler sees it: the operation, its parameters and body.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::Value;
use versori_core::operations::Operation;

use crate::error::ApiError;

/// A matched request.
#[derive(Debug)]
pub struct Request {
    /// The operation the method and path matched.
    pub op: &'static Operation,
    /// Path parameters by name (percent-decoded).
    pub path: HashMap<&'static str, String>,
    /// Query parameters (the last value of a repeated one).
    pub query: HashMap<String, String>,
    /// The raw body.
    pub body: bytes::Bytes,
}

impl Request {
    /// A path parameter (every one the route declares is present).
    pub fn path(&self, name: &str) -> &str {
        self.path.get(name).map(String::as_str).unwrap_or_default()
    }

    /// The organisation of an org-scoped route.
    pub fn org(&self) -> &str {
        self.path("organisation_id")
    }

    /// A query parameter, when present and non-empty.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean query parameter.
    pub fn query_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.query(name)
            .map(|v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(ApiError::invalid_field(
                    name,
                    format!("{other:?} is not true or false"),
                )),
            })
            .transpose()
    }

    /// The body decoded as `T` (a generated request type), or 400 saying why not.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(format!(
                "{} needs a JSON request body",
                self.op.id
            )));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::bad_request(format!(
                "the request body is not a valid {}: {e}",
                self.body_schema()
            ))
        })
    }

    /// The body decoded as `T` when there is one (an operation whose body
    /// is optional); `None` without a body.
    pub fn optional_body<T: DeserializeOwned>(&self) -> Result<Option<T>, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.body().map(Some)
    }

    /// The body as untyped JSON (empty body: `null`).
    pub fn json(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::bad_request(format!("the request body is not JSON: {e}")))
    }

    fn body_schema(&self) -> &'static str {
        self.op.body.map_or("body", |b| b.schema)
    }
}
