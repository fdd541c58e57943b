//! Request bodies checked against the spec before any handler sees them, so
//! the emulator refuses what the platform would: a missing required member,
//! a wrong JSON type, a value outside an enum. The schemas
//! (`body_schemas.json`) are generated from the OpenAPI document by
//! `cargo xtask generate`; validators are compiled once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::error::ApiError;

/// How many problems one 400 lists at most.
const MAX_LISTED: usize = 5;

struct Validators {
    by_operation: HashMap<String, jsonschema::Validator>,
}

fn validators() -> Result<&'static Validators, ApiError> {
    static VALIDATORS: OnceLock<Result<Validators, String>> = OnceLock::new();
    VALIDATORS
        .get_or_init(|| {
            let doc: Value = serde_json::from_str(include_str!("body_schemas.json"))
                .map_err(|e| format!("body_schemas.json is not JSON: {e}"))?;
            let components = doc.get("components").cloned().unwrap_or(Value::Null);
            let mut by_operation = HashMap::new();
            for (id, schema) in doc
                .get("bodies")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let mut root = serde_json::json!({"components": components, "allOf": [schema]});
                if let Some(m) = root.as_object_mut() {
                    m.insert(
                        "$schema".into(),
                        "http://json-schema.org/draft-07/schema#".into(),
                    );
                }
                let validator = jsonschema::options()
                    .should_validate_formats(false)
                    .build(&root)
                    .map_err(|e| format!("the body schema of {id} does not compile: {e}"))?;
                by_operation.insert(id.clone(), validator);
            }
            Ok(Validators { by_operation })
        })
        .as_ref()
        .map_err(|e| ApiError::bad_request(e.clone()))
}

/// Checks `body` against the request schema of `operation_id` (operations
/// without one accept anything). The 400 names each offending member by its
/// JSON pointer.
pub fn body(operation_id: &str, body: &Value) -> Result<(), ApiError> {
    let Some(validator) = validators()?.by_operation.get(operation_id) else {
        return Ok(());
    };
    let problems: Vec<String> = validator
        .iter_errors(body)
        .take(MAX_LISTED + 1)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() {
                format!("body: {e}")
            } else {
                format!("body{at}: {e}")
            }
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    let shown = problems.len().min(MAX_LISTED);
    let mut message = format!(
        "the request body does not match {operation_id}'s schema: {}",
        problems[..shown].join("; ")
    );
    if problems.len() > MAX_LISTED {
        message.push_str("; ...");
    }
    Err(ApiError::bad_request(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_body_schema_compiles() {
        assert!(validators().is_ok_and(|v| v.by_operation.len() > 50));
    }

    #[test]
    fn names_the_offending_member() {
        let err = body(
            "CreateIssue",
            &json!({"projectId": "p", "environmentId": "e", "organisationId": "o",
                    "reason": "because", "severity": "high", "title": "t"}),
        )
        .expect_err("reason is an enum");
        assert!(
            err.body.message.contains("body/reason"),
            "{}",
            err.body.message
        );
        assert!(body("CreateEndUser", &json!({"externalId": "x"})).is_ok());
        let err = body("CreateEndUser", &json!({"displayName": 3})).expect_err("invalid");
        assert!(
            err.body.message.contains("externalId"),
            "{}",
            err.body.message
        );
    }
}
