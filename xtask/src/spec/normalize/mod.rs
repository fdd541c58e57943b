//! The normalize pass: small, named rewrites that turn an OpenAPI document
//! (3.0.x or 3.1.x, as upstream publishes it) into the 3.0 subset progenitor
//! generates from.
//!
//! Every transform is a plain function `fn(&mut Value) -> bool` that returns
//! whether it changed anything. Our own spec is written so that no transform
//! applies to it; a test holds us to that.

mod kv_key;
mod openapi31;
mod required;
mod responses;
mod types;
mod visit;

use serde_json::Value;

/// One rewrite of the normalize pass.
pub struct Transform {
    /// Short, stable name, printed when the transform changes a document.
    pub name: &'static str,
    /// What the transform does and why progenitor needs it.
    pub why: &'static str,
    /// Runs only on OpenAPI 3.1.x documents.
    pub only_31: bool,
    /// The rewrite itself; returns whether the document changed.
    pub apply: fn(&mut Value) -> bool,
}

/// All transforms, in the order they run.
pub const TRANSFORMS: &[Transform] = &[
    Transform {
        name: "drop-31-only-keywords",
        why: "removes 3.1-only root fields and schema keywords that 3.0 does not know",
        only_31: true,
        apply: openapi31::drop_31_only_keywords,
    },
    Transform {
        name: "const-to-enum",
        why: "rewrites `const: v` as the 3.0 equivalent `enum: [v]`",
        only_31: true,
        apply: openapi31::const_to_enum,
    },
    Transform {
        name: "schema-examples-to-example",
        why: "keeps the first entry of a schema's `examples` list as its 3.0 `example`",
        only_31: true,
        apply: openapi31::schema_examples_to_example,
    },
    Transform {
        name: "exclusive-bounds-to-flags",
        why: "turns numeric `exclusiveMinimum`/`exclusiveMaximum` into 3.0 bounds with boolean flags",
        only_31: true,
        apply: openapi31::exclusive_bounds_to_flags,
    },
    Transform {
        name: "null-in-type-list-to-nullable",
        why: "rewrites `type: [T, 'null']` as `type: T` with `nullable: true`",
        only_31: false,
        apply: types::null_in_type_list_to_nullable,
    },
    Transform {
        name: "type-list-to-any",
        why: "drops a `type` list naming several types, leaving a schema that accepts any JSON value",
        only_31: false,
        apply: types::type_list_to_any,
    },
    Transform {
        name: "set-version-303",
        why: "declares the converted document as OpenAPI 3.0.3",
        only_31: true,
        apply: openapi31::set_version_303,
    },
    Transform {
        name: "default-error-to-ranges",
        why: "a `default` response beside a 2xx is an error body: becomes `4XX` and `5XX` so progenitor sees one success type",
        only_31: false,
        apply: responses::default_error_to_ranges,
    },
    Transform {
        name: "required-names-match-properties",
        why: "a `required` entry naming no declared property is renamed to the property it loosely matches (or dropped)",
        only_31: false,
        apply: required::required_names_match_properties,
    },
    Transform {
        name: "kv-key-path-segments",
        why: "marks the `{key}` of `/kv/{key}` paths as slash-separated (`x-versori-path-segments`), so each segment is escaped alone and the slashes travel as the platform's client sends them",
        only_31: false,
        apply: kv_key::kv_key_path_segments,
    },
];

/// Runs every applicable transform over `doc` and returns the ones that
/// changed it.
pub fn run(doc: &mut Value) -> Vec<&'static Transform> {
    let is_31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    let mut applied = Vec::new();
    for t in TRANSFORMS {
        if t.only_31 && !is_31 {
            continue;
        }
        if (t.apply)(doc) {
            applied.push(t);
        }
    }
    applied
}

/// A document whose one schema, `S`, is `schema`: what the transforms'
/// tests rewrite.
#[cfg(test)]
fn with_schema(schema: Value) -> Value {
    serde_json::json!({"components": {"schemas": {"S": schema}}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = TRANSFORMS.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TRANSFORMS.len());
    }

    #[test]
    fn a_31_document_comes_out_as_30() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "A": {"type": ["string", "null"], "examples": ["x"]},
                "B": {"const": "fixed"},
            }}
        });
        let applied = run(&mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("jsonSchemaDialect").is_none());
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({"type": "string", "nullable": true, "example": "x"})
        );
        assert_eq!(
            doc["components"]["schemas"]["B"],
            json!({"enum": ["fixed"]})
        );
        assert!(applied.iter().any(|t| t.name == "set-version-303"));
    }

    #[test]
    fn transforms_for_31_leave_30_documents_alone() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"B": {"type": "object", "properties": {"const": {"type": "string"}}}}}
        });
        let before = doc.clone();
        assert!(run(&mut doc).is_empty());
        assert_eq!(doc, before);
    }
}
