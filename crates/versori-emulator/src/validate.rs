//! Request bodies checked against the spec before any handler sees them, so
//! the emulator refuses what the platform would: a missing required member,
//! a wrong JSON type, a value outside an enum. The schemas
//! (`generated_body_schemas.json`) are generated from the OpenAPI document by
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
            let doc: Value = serde_json::from_str(include_str!("generated_body_schemas.json"))
                .map_err(|e| format!("generated_body_schemas.json is not JSON: {e}"))?;
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
            // formats as the platform's decoding checks them: ids are
            // ULIDs and instants RFC 3339 (the jsonschema crate's
            // `date-time`); a `uri` is a plain string to it
            jsonschema::options()
                .should_validate_formats(true)
                .with_format("ulid", crate::ulid::is_ulid)
                .with_format("uri", |_: &str| true)
                .build(&root)
                .map_err(|e| format!("the body schema of {operation_id} does not compile: {e}"))
        })
        .as_ref()
        .map(Some)
        .map_err(|e| ApiError::bad_request(e.clone()))
}

/// How many rounds of `null` replacement a body gets at most (one per
/// level of nesting that needs it).
const MAX_NULL_ROUNDS: usize = 16;

/// Where a `null` stands for an empty array or object: a member of an
/// object whose schema wants an array or an object (and not `null`).
fn null_for_empty(error: &jsonschema::ValidationError<'_>) -> Option<(String, Value)> {
    use jsonschema::error::{TypeKind, ValidationErrorKind};
    use jsonschema::paths::LocationSegment;
    use jsonschema::JsonType;
    let ValidationErrorKind::Type { kind } = error.kind() else {
        return None;
    };
    if !error.instance().is_null() {
        return None;
    }
    let is_member = matches!(
        error.instance_path().iter().last(),
        Some(LocationSegment::Property(_))
    );
    if !is_member {
        return None;
    }
    let empty = match kind {
        TypeKind::Single(JsonType::Array) => Value::Array(Vec::new()),
        TypeKind::Single(JsonType::Object) => Value::Object(serde_json::Map::new()),
        _ => return None,
    };
    Some((error.instance_path().as_str().to_string(), empty))
}

/// Checks `body` against the request schema of `operation_id` (operations
/// without one accept anything) and returns whether it changed it.
///
/// A `null` where the schema wants an array or an object is read as the
/// empty one and replaced in `body`: clients written in Go send a nil slice
/// or map as `null` (the platform's own command-line client sends
/// `"authSchemeConfigs": null`). Every other violation is a 400 naming each
/// offending member in the message and in the `Error`'s `fields`.
pub fn body(operation_id: &str, body: &mut Value) -> Result<bool, ApiError> {
    let Some(validator) = validator(operation_id)? else {
        return Ok(false);
    };
    let mut changed = false;
    for _ in 0..MAX_NULL_ROUNDS {
        let fixes: Vec<(String, Value)> = validator
            .iter_errors(body)
            .filter_map(|e| null_for_empty(&e))
            .collect();
        if fixes.is_empty() {
            break;
        }
        for (pointer, empty) in fixes {
            if let Some(slot) = body.pointer_mut(&pointer) {
                *slot = empty;
                changed = true;
            }
        }
    }
    let problems = versori_core::validation::problems(validator, body, "", MAX_LISTED + 1);
    if problems.is_empty() {
        return Ok(changed);
    }
    let more = problems.len() > MAX_LISTED;
    Err(ApiError::invalid_body(
        operation_id,
        &problems[..problems.len().min(MAX_LISTED)],
        more,
    ))
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
            &mut json!({"projectId": "p", "environmentId": "e", "organisationId": "o",
                    "reason": "because", "severity": "high", "title": "t"}),
        )
        .expect_err("reason is an enum");
        assert!(err.body.message.contains("reason:"), "{}", err.body.message);
        assert_eq!(err.body.fields[0].field, "reason");
        assert_eq!(
            body("CreateEndUser", &mut json!({"externalId": "x"})),
            Ok(false)
        );
        let err = body("CreateEndUser", &mut json!({"displayName": 3})).expect_err("invalid");
        let fields: Vec<&str> = err.body.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["displayName", "externalId"]);
    }

    #[test]
    fn null_for_an_array_or_object_member_is_empty() {
        let mut system = json!({"name": "crm", "domain": "crm.example", "templateBaseUrl": "https://crm.example",
            "authSchemeConfigs": null});
        assert_eq!(body("CreateSystem", &mut system), Ok(true));
        assert_eq!(system["authSchemeConfigs"], json!([]));
        // a null elsewhere stays an error naming the member
        let err = body(
            "CreateSystem",
            &mut json!({"name": null, "domain": "d", "templateBaseUrl": "u", "authSchemeConfigs": []}),
        )
        .expect_err("name is a string");
        assert_eq!(err.body.fields[0].field, "name");
    }
}
