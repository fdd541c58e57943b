//! Error responses declared as `default`.

use serde_json::Value;

use crate::spec::METHODS;

/// An operation with a 2xx response and a `default` response means "this on
/// success, that on error"; progenitor would read both as success types. The
/// `default` entry is moved to `4XX` and `5XX` (keeping any explicit ranges).
pub fn default_error_to_ranges(doc: &mut Value) -> bool {
    let mut changed = false;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return false;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(resps) = item
                .get_mut(method)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let has_success = resps.keys().any(|k| k.starts_with('2'));
            if !has_success {
                continue;
            }
            if let Some(default) = resps.remove("default") {
                for range in ["4XX", "5XX"] {
                    resps.entry(range).or_insert_with(|| default.clone());
                }
                changed = true;
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
    fn default_beside_a_success_becomes_error_ranges() {
        let err = json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        let mut doc = json!({"paths": {"/p": {"get": {"responses": {
            "200": {"description": "ok"},
            "default": err.clone()
        }}}}});
        assert!(default_error_to_ranges(&mut doc));
        assert_eq!(
            doc["paths"]["/p"]["get"]["responses"],
            json!({"200": {"description": "ok"}, "4XX": err.clone(), "5XX": err})
        );
        assert!(!default_error_to_ranges(&mut doc));
    }

    #[test]
    fn a_lone_default_is_left_alone() {
        let mut doc =
            json!({"paths": {"/p": {"get": {"responses": {"default": {"description": "any"}}}}}});
        assert!(!default_error_to_ranges(&mut doc));
    }

    #[test]
    fn explicit_ranges_win() {
        let mut doc = json!({"paths": {"/p": {"get": {"responses": {
            "204": {"description": "ok"},
            "4XX": {"description": "client"},
            "default": {"description": "other"}
        }}}}});
        assert!(default_error_to_ranges(&mut doc));
        let r = &doc["paths"]["/p"]["get"]["responses"];
        assert_eq!(r["4XX"]["description"], "client");
        assert_eq!(r["5XX"]["description"], "other");
    }
}
