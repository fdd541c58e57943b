//! Conversions from OpenAPI 3.1 (JSON Schema 2020-12) down to OpenAPI 3.0.

use serde_json::{json, Value};

use super::visit;

/// Root fields that exist only in 3.1.
const ROOT_31_ONLY: &[&str] = &["jsonSchemaDialect", "webhooks"];

/// Schema keywords that 3.0 does not define and progenitor cannot use.
const SCHEMA_31_ONLY: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$comment",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "propertyNames",
    "if",
    "then",
    "else",
];

/// Removes root fields (`jsonSchemaDialect`, `webhooks`, `info.summary`,
/// `info.license.identifier`, `components.pathItems`) and schema keywords
/// that only 3.1 knows.
pub fn drop_31_only_keywords(doc: &mut Value) -> bool {
    let mut changed = false;
    if let Some(root) = doc.as_object_mut() {
        for key in ROOT_31_ONLY {
            changed |= root.remove(*key).is_some();
        }
        if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
            changed |= info.remove("summary").is_some();
            if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
                changed |= license.remove("identifier").is_some();
            }
        }
        if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
            changed |= components.remove("pathItems").is_some();
        }
    }
    changed
        | visit::schemas(doc, &mut |s| {
            let mut changed = false;
            for key in SCHEMA_31_ONLY {
                changed |= s.remove(*key).is_some();
            }
            changed
        })
}

/// Rewrites `const: v` as `enum: [v]`.
pub fn const_to_enum(doc: &mut Value) -> bool {
    visit::schemas(doc, &mut |s| match s.remove("const") {
        Some(v) => {
            s.insert("enum".into(), json!([v]));
            true
        }
        None => false,
    })
}

/// A schema's `examples` list (3.1) becomes `example` with its first entry.
pub fn schema_examples_to_example(doc: &mut Value) -> bool {
    visit::schemas(doc, &mut |s| {
        if !s.get("examples").is_some_and(Value::is_array) {
            return false;
        }
        if let Some(Value::Array(list)) = s.remove("examples") {
            if let Some(first) = list.into_iter().next() {
                s.entry("example").or_insert(first);
            }
        }
        true
    })
}

/// `exclusiveMinimum: 3` (3.1) becomes `minimum: 3, exclusiveMinimum: true`
/// (3.0), and the same for the maximum.
pub fn exclusive_bounds_to_flags(doc: &mut Value) -> bool {
    visit::schemas(doc, &mut |s| {
        let mut changed = false;
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if s.get(exclusive).is_some_and(Value::is_number) {
                if let Some(n) = s.remove(exclusive) {
                    s.insert(bound.into(), n);
                    s.insert(exclusive.into(), Value::Bool(true));
                    changed = true;
                }
            }
        }
        changed
    })
}

/// Declares the document as OpenAPI 3.0.3 (runs after the other conversions).
pub fn set_version_303(doc: &mut Value) -> bool {
    match doc.get_mut("openapi") {
        Some(v) if v != "3.0.3" => {
            *v = Value::String("3.0.3".into());
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3.1 document whose one schema, `S`, is `schema`.
    fn with_schema(schema: Value) -> Value {
        let mut doc = super::super::with_schema(schema);
        doc["openapi"] = json!("3.1.0");
        doc
    }

    #[test]
    fn const_becomes_a_single_value_enum() {
        let mut doc = with_schema(json!({"type": "string", "const": "on"}));
        assert!(const_to_enum(&mut doc));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "string", "enum": ["on"]})
        );
        assert!(!const_to_enum(&mut doc));
    }

    #[test]
    fn a_property_named_const_is_not_a_keyword() {
        let mut doc = with_schema(json!({"properties": {"const": {"type": "string"}}}));
        assert!(!const_to_enum(&mut doc));
    }

    #[test]
    fn examples_keep_their_first_entry() {
        let mut doc = with_schema(json!({"type": "integer", "examples": [3, 4]}));
        assert!(schema_examples_to_example(&mut doc));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "integer", "example": 3})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_flags() {
        let mut doc =
            with_schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}));
        assert!(exclusive_bounds_to_flags(&mut doc));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true})
        );
        assert!(!exclusive_bounds_to_flags(&mut doc));
    }

    #[test]
    fn root_and_schema_keywords_of_31_are_dropped() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "x",
            "webhooks": {},
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "components": {"pathItems": {}, "schemas": {"S": {"$schema": "x", "type": "string", "contentMediaType": "text/plain"}}}
        });
        assert!(drop_31_only_keywords(&mut doc));
        assert_eq!(
            doc,
            json!({
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
                "components": {"schemas": {"S": {"type": "string"}}}
            })
        );
    }

    #[test]
    fn version_is_set_once() {
        let mut doc = json!({"openapi": "3.1.1"});
        assert!(set_version_303(&mut doc));
        assert!(!set_version_303(&mut doc));
        assert_eq!(doc["openapi"], "3.0.3");
    }
}
