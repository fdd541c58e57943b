//! Schema-aware traversal: visits every schema object of a document, and
//! only schema objects, so that a property called `type` or `const` is never
//! mistaken for a keyword.

use serde_json::{Map, Value};

use crate::spec::METHODS;

/// What every visit is given: the function that may change a schema object.
type Visitor<'a> = &'a mut dyn FnMut(&mut Map<String, Value>) -> bool;

/// Calls `f` on every schema object in the document, parents before children.
/// `f` returns whether it changed the schema; the result is whether any call did.
pub fn schemas(doc: &mut Value, f: Visitor<'_>) -> bool {
    let mut changed = false;
    if let Some(components) = doc.get_mut("components") {
        changed |= members(components.get_mut("schemas"), f, schema_tree);
        changed |= members(components.get_mut("parameters"), f, parameter);
        changed |= members(components.get_mut("headers"), f, parameter);
        changed |= members(components.get_mut("requestBodies"), f, content);
        changed |= members(components.get_mut("responses"), f, response);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            changed |= parameter_list(item, f);
            for method in METHODS {
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                changed |= parameter_list(op, f);
                if let Some(body) = op.get_mut("requestBody") {
                    changed |= content(body, f);
                }
                changed |= members(op.get_mut("responses"), f, response);
            }
        }
    }
    changed
}

/// Visits each member of `object`, when it is an object, with `visit`.
fn members(
    object: Option<&mut Value>,
    f: Visitor<'_>,
    visit: fn(&mut Value, Visitor<'_>) -> bool,
) -> bool {
    let mut changed = false;
    if let Some(map) = object.and_then(Value::as_object_mut) {
        for member in map.values_mut() {
            changed |= visit(member, f);
        }
    }
    changed
}

fn parameter_list(owner: &mut Value, f: Visitor<'_>) -> bool {
    let mut changed = false;
    if let Some(list) = owner.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in list {
            changed |= parameter(p, f);
        }
    }
    changed
}

fn parameter(p: &mut Value, f: Visitor<'_>) -> bool {
    let mut changed = false;
    if let Some(schema) = p.get_mut("schema") {
        changed |= schema_tree(schema, f);
    }
    changed | content(p, f)
}

fn response(resp: &mut Value, f: Visitor<'_>) -> bool {
    let changed = content(resp, f);
    changed | members(resp.get_mut("headers"), f, parameter)
}

fn content(owner: &mut Value, f: Visitor<'_>) -> bool {
    let mut changed = false;
    if let Some(media) = owner.get_mut("content").and_then(Value::as_object_mut) {
        for m in media.values_mut() {
            if let Some(schema) = m.get_mut("schema") {
                changed |= schema_tree(schema, f);
            }
        }
    }
    changed
}

/// Visits `schema` and every schema nested in it.
pub fn schema_tree(schema: &mut Value, f: Visitor<'_>) -> bool {
    let Some(obj) = schema.as_object_mut() else {
        return false;
    };
    let mut changed = f(obj);
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        changed |= members(obj.get_mut(key), f, schema_tree);
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for sub in list {
                changed |= schema_tree(sub, f);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = obj.get_mut(key) {
            changed |= schema_tree(sub, f);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_schemas_everywhere_and_only_schemas() {
        let mut doc = json!({
            "paths": {"/x": {
                "parameters": [{"name": "a", "in": "query", "schema": {"type": "string"}}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {"type": {"type": "integer"}},
                        "additionalProperties": {"type": "boolean"}
                    }}}},
                    "responses": {"200": {
                        "headers": {"X-Id": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": {"items": {"type": "number"}}}}
                    }}
                }
            }},
            "components": {"schemas": {"S": {"allOf": [{"type": "null"}]}}}
        });
        let mut seen = Vec::new();
        schemas(&mut doc, &mut |s| {
            seen.push(s.get("type").cloned().unwrap_or(Value::Null));
            false
        });
        let seen: Vec<String> = seen.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            seen,
            [
                "null",
                "\"null\"",
                "\"string\"",
                "\"object\"",
                "\"integer\"",
                "\"boolean\"",
                "null",
                "\"number\"",
                "\"string\""
            ]
        );
    }
}
