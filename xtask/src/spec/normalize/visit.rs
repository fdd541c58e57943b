//! Schema-aware traversal: visits every schema object of a document, and
//! only schema objects, so that a property called `type` or `const` is never
//! mistaken for a keyword.

use serde_json::{Map, Value};

use crate::spec::METHODS;

/// Calls `f` on every schema object in the document, parents before children.
/// `f` returns whether it changed the schema; the result is whether any call did.
pub fn schemas(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>) -> bool) -> bool {
    let mut changed = false;
    let Some(root) = doc.as_object_mut() else {
        return false;
    };
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        if let Some(map) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for schema in map.values_mut() {
                changed |= schema_tree(schema, f);
            }
        }
        for section in ["parameters", "headers"] {
            if let Some(map) = components.get_mut(section).and_then(Value::as_object_mut) {
                for param in map.values_mut() {
                    changed |= parameter(param, f);
                }
            }
        }
        if let Some(map) = components
            .get_mut("requestBodies")
            .and_then(Value::as_object_mut)
        {
            for body in map.values_mut() {
                changed |= content(body, f);
            }
        }
        if let Some(map) = components
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            for resp in map.values_mut() {
                changed |= response(resp, f);
            }
        }
    }
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
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
                if let Some(resps) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for resp in resps.values_mut() {
                        changed |= response(resp, f);
                    }
                }
            }
        }
    }
    changed
}

fn parameter_list(owner: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>) -> bool) -> bool {
    let mut changed = false;
    if let Some(list) = owner.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in list {
            changed |= parameter(p, f);
        }
    }
    changed
}

fn parameter(p: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>) -> bool) -> bool {
    let mut changed = false;
    if let Some(schema) = p.get_mut("schema") {
        changed |= schema_tree(schema, f);
    }
    changed | content(p, f)
}

fn response(resp: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>) -> bool) -> bool {
    let mut changed = content(resp, f);
    if let Some(headers) = resp.get_mut("headers").and_then(Value::as_object_mut) {
        for h in headers.values_mut() {
            changed |= parameter(h, f);
        }
    }
    changed
}

fn content(owner: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>) -> bool) -> bool {
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
pub fn schema_tree(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>) -> bool) -> bool {
    let Some(obj) = schema.as_object_mut() else {
        return false;
    };
    let mut changed = f(obj);
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(map) = obj.get_mut(key).and_then(Value::as_object_mut) {
            for sub in map.values_mut() {
                changed |= schema_tree(sub, f);
            }
        }
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
