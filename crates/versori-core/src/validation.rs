//! JSON Schema validation shared by every layer that checks input against a
//! schema: the facade's workflows check activation variables against the
//! project's variable schema before sending, and the emulator checks the
//! same variables (and every request body) the same way, so what one
//! accepts the other accepts. Each problem names the offending member as
//! the platform's `ErrorField.field` does: a dotted path with array
//! positions in brackets (`connections[0].connectionTemplateId`).
//!
//! ```
//! use serde_json::json;
//! use versori_core::validation;
//!
//! let schema = json!({
//!     "type": "object",
//!     "properties": {"retries": {"type": "integer", "minimum": 0}},
//!     "required": ["apiKey"]
//! });
//! let problems = validation::variables(&schema, &json!({"retries": -1}))?;
//! let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
//! assert_eq!(fields, ["apiKey", "retries"]);
//! # Ok::<(), String>(())
//! ```

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

/// One way an instance fails its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The offending member as a dotted path with array positions in
    /// brackets (`entries[0].key`); for a missing required member, the
    /// member's own path. Empty when the value as a whole is wrong.
    pub field: String,
    /// What is wrong, as the validator words it
    /// (`-1 is less than the minimum of 0`).
    pub message: String,
}

/// The dotted path of `error`'s member under `prefix` (`""` for none): the
/// instance location, plus the missing member for a `required` failure.
///
/// ```
/// use serde_json::json;
///
/// let validator = jsonschema::validator_for(&json!({
///     "properties": {"items": {"type": "array", "items": {"required": ["id"]}}}
/// })).expect("compiles");
/// let instance = json!({"items": [{"id": 1}, {}]});
/// let error = validator.iter_errors(&instance).next().expect("invalid");
/// assert_eq!(versori_core::validation::field(&error, "body"), "body.items[1].id");
/// ```
pub fn field(error: &ValidationError<'_>, prefix: &str) -> String {
    let mut out = prefix.to_string();
    for segment in error.instance_path() {
        match segment {
            LocationSegment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            LocationSegment::Property(name) => push_member(&mut out, &name),
        }
    }
    if let ValidationErrorKind::Required { property } = error.kind() {
        match property {
            Value::String(name) => push_member(&mut out, name),
            other => push_member(&mut out, &other.to_string()),
        }
    }
    out
}

fn push_member(out: &mut String, name: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(name);
}

/// Every problem `validator` finds in `instance` (at most `limit`), fields
/// under `prefix`, in a stable order (by field, then message).
pub fn problems(
    validator: &Validator,
    instance: &Value,
    prefix: &str,
    limit: usize,
) -> Vec<Problem> {
    let mut found: Vec<Problem> = validator
        .iter_errors(instance)
        .take(limit)
        .map(|e| Problem {
            field: field(&e, prefix),
            message: e.to_string(),
        })
        .collect();
    found.sort_by(|a, b| (&a.field, &a.message).cmp(&(&b.field, &b.message)));
    found
}

/// Checks activation variables against a project's variable schema (a JSON
/// Schema object; the empty schema `{}` accepts anything) and returns every
/// problem, fields named by variable (`apiKey`, `limits.daily`). Every
/// keyword of the schema counts: `required`, `type`, `enum`, `minimum`,
/// `pattern`, nested objects and so on.
///
/// An `Err` says the schema itself is not a valid JSON Schema.
///
/// ```
/// use serde_json::json;
///
/// let schema = json!({"properties": {"region": {"enum": ["eu", "us"]}}});
/// assert!(versori_core::validation::variables(&schema, &json!({"region": "eu"}))?.is_empty());
/// let problems = versori_core::validation::variables(&schema, &json!({"region": "mars"}))?;
/// assert_eq!(problems[0].field, "region");
/// # Ok::<(), String>(())
/// ```
pub fn variables(schema: &Value, variables: &Value) -> Result<Vec<Problem>, String> {
    if schema.as_object().is_none_or(|s| s.is_empty()) {
        return Ok(Vec::new());
    }
    let validator = compile(schema)?;
    Ok(problems(&validator, variables, "", usize::MAX))
}

/// Compiles a project's variable schema, or says why it is not a valid
/// JSON Schema (for refusing one before it is stored).
///
/// ```
/// use serde_json::json;
///
/// assert!(versori_core::validation::compile(&json!({"type": "object"})).is_ok());
/// assert!(versori_core::validation::compile(&json!({"type": "nonsense"})).is_err());
/// ```
pub fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::validator_for(schema)
        .map_err(|e| format!("the project's variable schema is not a valid JSON Schema: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_keyword_counts_not_only_required_and_type() {
        let schema = json!({
            "type": "object",
            "properties": {
                "retries": {"type": "integer", "minimum": 0, "maximum": 5},
                "region": {"type": "string", "enum": ["eu", "us"]},
                "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "limits": {"type": "object", "properties": {"daily": {"type": "number"}}}
            },
            "required": ["apiKey"]
        });
        let found = variables(
            &schema,
            &json!({"retries": 9, "region": "mars", "code": "abc", "limits": {"daily": "x"}}),
        )
        .expect("valid schema");
        let fields: Vec<&str> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["apiKey", "code", "limits.daily", "region", "retries"]
        );
        assert!(found[4].message.contains("maximum"), "{:?}", found[4]);
        assert!(variables(&schema, &json!({"apiKey": "k"}))
            .expect("valid")
            .is_empty());
    }

    #[test]
    fn an_empty_schema_accepts_anything_and_a_broken_one_is_an_error() {
        assert!(variables(&json!({}), &json!({"x": 1}))
            .expect("empty")
            .is_empty());
        assert!(variables(&Value::Null, &json!(3)).expect("none").is_empty());
        let err = variables(&json!({"type": 12}), &json!({})).expect_err("broken");
        assert!(err.contains("not a valid JSON Schema"), "{err}");
    }

    #[test]
    fn fields_are_dotted_with_positions_in_brackets() {
        let validator = jsonschema::validator_for(&json!({
            "type": "object",
            "properties": {"connections": {"type": "array", "items": {
                "type": "object", "required": ["connectionTemplateId"]
            }}}
        }))
        .expect("compiles");
        let found = problems(
            &validator,
            &json!({"connections": [{"connectionTemplateId": "t"}, {}]}),
            "",
            10,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, "connections[1].connectionTemplateId");
        let found = problems(&validator, &json!("text"), "", 10);
        assert_eq!(found[0].field, "");
    }
}
