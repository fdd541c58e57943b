//! The KV key as a slash-separated path parameter.

use serde_json::Value;

use crate::generate::optable::SEGMENTS_EXTENSION;

/// The platform routes `/store/{store}/kv/{key}` with the key taking the
/// rest of the path (`orders/1042`), and its official client sends the
/// slashes unescaped; upstream documents say so only in prose. Every inline
/// `key` path parameter of a path ending in `/kv/{key}` is marked
/// `x-versori-path-segments: true`, so the generated clients escape each
/// segment on its own instead of turning the slashes into `%2F`.
pub fn kv_key_path_segments(doc: &mut Value) -> bool {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return false;
    };
    let mut changed = false;
    for (path, item) in paths.iter_mut() {
        if !path.ends_with("/kv/{key}") {
            continue;
        }
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (_, holder) in item.iter_mut() {
            let lists: Vec<&mut Value> = match holder {
                Value::Array(_) => vec![holder],
                Value::Object(op) => op.get_mut("parameters").into_iter().collect(),
                _ => Vec::new(),
            };
            for list in lists {
                for p in list.as_array_mut().into_iter().flatten() {
                    let Some(p) = p.as_object_mut() else {
                        continue;
                    };
                    let is_key = p.get("name").and_then(Value::as_str) == Some("key")
                        && p.get("in").and_then(Value::as_str) == Some("path");
                    if is_key && p.get(SEGMENTS_EXTENSION) != Some(&Value::Bool(true)) {
                        p.insert(SEGMENTS_EXTENSION.into(), Value::Bool(true));
                        changed = true;
                    }
                }
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marks_the_key_of_kv_paths_only() {
        let mut doc = json!({"paths": {
            "/store/{store}/kv/{key}": {
                "get": {"parameters": [
                    {"name": "store", "in": "path"},
                    {"name": "key", "in": "path"}
                ]},
                "parameters": [{"name": "key", "in": "path"}]
            },
            "/other/{key}": {"get": {"parameters": [{"name": "key", "in": "path"}]}}
        }});
        assert!(kv_key_path_segments(&mut doc));
        let kv = &doc["paths"]["/store/{store}/kv/{key}"];
        assert_eq!(kv["get"]["parameters"][1][SEGMENTS_EXTENSION], true);
        assert_eq!(kv["parameters"][0][SEGMENTS_EXTENSION], true);
        assert!(kv["get"]["parameters"][0].get(SEGMENTS_EXTENSION).is_none());
        assert!(doc["paths"]["/other/{key}"]["get"]["parameters"][0]
            .get(SEGMENTS_EXTENSION)
            .is_none());
        assert!(
            !kv_key_path_segments(&mut doc),
            "a second run changes nothing"
        );
    }
}
