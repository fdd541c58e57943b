//! Request bodies checked against the spec before any handler sees them, so
//! the emulator refuses what the platform would: a missing required member,
//! a wrong JSON type, a value outside an enum. The schemas
//! (`body_schemas.json`) are generated from the OpenAPI document by
//! `cargo xtask generate`; each operation's validator is compiled once, on
//! the operation's first request.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::error::ApiError;

/// How many problems one 400 lists at most.
const MAX_LISTED: usize = 5;

/// The generated schemas, parsed once; each operation's validator is
/// compiled on its first request (a validator holds every schema its body
/// reaches, so compiling all of them up front would cost memory for
/// operations a session never calls).
struct Schemas {
    components: Value,
    bodies: HashMap<String, (Value, OnceLock<Result<jsonschema::Validator, String>>)>,
}

fn schemas() -> Result<&'static Schemas, ApiError> {
    static SCHEMAS: OnceLock<Result<Schemas, String>> = OnceLock::new();
    SCHEMAS
        .get_or_init(|| {
            let doc: Value = serde_json::from_str(include_str!("body_schemas.json"))
                .map_err(|e| format!("body_schemas.json is not JSON: {e}"))?;
            let components = doc.get("components").cloned().unwrap_or(Value::Null);
            let bodies = doc
                .get("bodies")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(id, schema)| (id.clone(), (schema.clone(), OnceLock::new())))
                .collect();
            Ok(Schemas { components, bodies })
        })
        .as_ref()
        .map_err(|e| ApiError::bad_request(e.clone()))
}

/// The validator of `operation_id`'s request body, if it has one.
fn validator(operation_id: &str) -> Result<Option<&'static jsonschema::Validator>, ApiError> {
    let schemas = schemas()?;
    let Some((schema, compiled)) = schemas.bodies.get(operation_id) else {
        return Ok(None);
    };
    compiled
        .get_or_init(|| {
            let root = serde_json::json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "components": schemas.components,
                "allOf": [schema],
            });
            jsonschema::options()
                .should_validate_formats(false)
                .build(&root)
                .map_err(|e| format!("the body schema of {operation_id} does not compile: {e}"))
        })
        .as_ref()
        .map(Some)
        .map_err(|e| ApiError::bad_request(e.clone()))
}

/// Checks `body` against the request schema of `operation_id` (operations
/// without one accept anything). The 400 names each offending member by its
/// JSON pointer.
pub fn body(operation_id: &str, body: &Value) -> Result<(), ApiError> {
    let Some(validator) = validator(operation_id)? else {
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
        let ids: Vec<String> = schemas()
            .map(|s| s.bodies.keys().cloned().collect())
            .unwrap_or_default();
        assert!(ids.len() > 50, "{} body schemas", ids.len());
        for id in ids {
            assert!(validator(&id).is_ok_and(|v| v.is_some()), "{id}");
        }
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
