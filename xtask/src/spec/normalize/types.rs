//! `type` lists, which 3.1 allows and 3.0 does not (upstream uses one even in
//! its 3.0.3 document).

use serde_json::Value;

use super::visit;

/// `type: [T, "null"]` becomes `type: T, nullable: true`; `type: ["null"]`
/// becomes `nullable: true` with no type.
pub fn null_in_type_list_to_nullable(doc: &mut Value) -> bool {
    visit::schemas(doc, &mut |s| {
        let Some(Value::Array(types)) = s.get("type") else {
            return false;
        };
        if !types.iter().any(|t| t == "null") {
            return false;
        }
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match rest.len() {
            0 => {
                s.remove("type");
            }
            1 => {
                s.insert("type".into(), rest[0].clone());
            }
            _ => {
                s.insert("type".into(), Value::Array(rest));
            }
        }
        s.insert("nullable".into(), Value::Bool(true));
        true
    })
}

/// A `type` list naming several types is dropped: the schema then accepts
/// any JSON value, which is what a list of alternatives means to a client
/// that must decode whatever arrives. A one-entry list becomes that type.
pub fn type_list_to_any(doc: &mut Value) -> bool {
    visit::schemas(doc, &mut |s| {
        let Some(Value::Array(types)) = s.get("type") else {
            return false;
        };
        if types.len() == 1 {
            let only = types[0].clone();
            s.insert("type".into(), only);
        } else {
            s.remove("type");
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::super::with_schema;
    use super::*;
    use serde_json::json;

    #[test]
    fn null_in_a_type_list_becomes_nullable() {
        let mut doc = with_schema(json!({"type": ["integer", "null"]}));
        assert!(null_in_type_list_to_nullable(&mut doc));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "integer", "nullable": true})
        );
        assert!(!null_in_type_list_to_nullable(&mut doc));
    }

    #[test]
    fn several_types_accept_any_value() {
        // the shape upstream uses for a variable's value
        let mut doc = with_schema(json!({
            "type": "object",
            "properties": {"value": {"type": ["object", "array", "string", "number", "boolean"]}}
        }));
        assert!(type_list_to_any(&mut doc));
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["value"],
            json!({})
        );
        assert!(!type_list_to_any(&mut doc));
    }

    #[test]
    fn a_single_entry_list_becomes_that_type() {
        let mut doc = with_schema(json!({"type": ["string"]}));
        assert!(type_list_to_any(&mut doc));
        assert_eq!(doc["components"]["schemas"]["S"], json!({"type": "string"}));
    }
}
