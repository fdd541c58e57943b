//! `required` lists that name properties the schema does not declare.

use serde_json::Value;

use super::visit;

/// Compares property names ignoring case and `_`/`-`, so `project_id`
/// matches `projectId`.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A `required` entry that names no declared property (upstream's
/// `CreateIssue` requires `project_id` but declares `projectId`) makes
/// progenitor invent a second, untyped field. The entry is renamed to the
/// declared property it loosely matches, or dropped when none matches.
/// Schemas that also allow additional properties are left alone, since a
/// required key may legitimately be one of those.
pub fn required_names_match_properties(doc: &mut Value) -> bool {
    visit::schemas(doc, &mut |s| {
        let Some(props) = s.get("properties").and_then(Value::as_object) else {
            return false;
        };
        if s.get("additionalProperties")
            .is_some_and(|ap| ap != &Value::Bool(false))
        {
            return false;
        }
        let Some(required) = s.get("required").and_then(Value::as_array) else {
            return false;
        };
        let mut fixed: Vec<Value> = Vec::with_capacity(required.len());
        let mut changed = false;
        for entry in required {
            let Some(name) = entry.as_str() else {
                fixed.push(entry.clone());
                continue;
            };
            if props.contains_key(name) {
                if !fixed.contains(entry) {
                    fixed.push(entry.clone());
                }
                continue;
            }
            changed = true;
            if let Some(real) = props.keys().find(|p| loose(p) == loose(name)) {
                let real = Value::String(real.clone());
                if !fixed.contains(&real) {
                    fixed.push(real);
                }
            }
        }
        if changed {
            s.insert("required".into(), Value::Array(fixed));
        }
        changed
    })
}

#[cfg(test)]
mod tests {
    use super::super::with_schema;
    use super::*;
    use serde_json::json;

    #[test]
    fn a_snake_case_required_entry_is_matched_to_its_property() {
        let mut doc = with_schema(json!({
            "type": "object",
            "required": ["project_id", "title"],
            "properties": {"projectId": {"type": "string"}, "title": {"type": "string"}}
        }));
        assert!(required_names_match_properties(&mut doc));
        assert_eq!(
            doc["components"]["schemas"]["S"]["required"],
            json!(["projectId", "title"])
        );
        assert!(!required_names_match_properties(&mut doc));
    }

    #[test]
    fn an_unknown_required_entry_is_dropped() {
        let mut doc = with_schema(json!({
            "type": "object",
            "required": ["ghost"],
            "properties": {"real": {"type": "string"}}
        }));
        assert!(required_names_match_properties(&mut doc));
        assert_eq!(doc["components"]["schemas"]["S"]["required"], json!([]));
    }

    #[test]
    fn open_objects_are_left_alone() {
        let mut doc = with_schema(json!({
            "type": "object",
            "required": ["extra"],
            "properties": {"real": {"type": "string"}},
            "additionalProperties": {"type": "string"}
        }));
        assert!(!required_names_match_properties(&mut doc));
    }
}
