//! Loading an OpenAPI document from disk and checking what progenitor needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};

pub mod normalize;
pub mod pointer;

/// The HTTP methods an OpenAPI path item can hold, in document order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An OpenAPI document held as JSON, with the file it came from.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where the document was read from (used in every error message).
    pub path: PathBuf,
    /// The document itself; object keys keep their order.
    pub value: Value,
}

impl Document {
    /// Reads a YAML or JSON document. `.json` files are parsed as JSON, every
    /// other file as YAML (which also accepts JSON).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(path, &text)
    }

    /// Parses `text` as if it had been read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let is_json = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        let value: Value = if is_json {
            serde_json::from_str(text).map_err(|e| Error::Parse {
                path: path.to_path_buf(),
                format: "JSON",
                message: e.to_string(),
            })?
        } else {
            serde_saphyr::from_str(text).map_err(|e| Error::Parse {
                path: path.to_path_buf(),
                format: "YAML",
                message: e.to_string(),
            })?
        };
        if !value.is_object() {
            return Err(Error::Spec {
                path: path.to_path_buf(),
                pointer: "/".into(),
                problem: "an OpenAPI document must be a mapping at the top level".into(),
            });
        }
        Ok(Document {
            path: path.to_path_buf(),
            value,
        })
    }

    /// An error about the thing at `pointer` in this document.
    pub fn error(&self, pointer: impl Into<String>, problem: impl Into<String>) -> Error {
        Error::Spec {
            path: self.path.clone(),
            pointer: pointer.into(),
            problem: problem.into(),
        }
    }

    /// The `openapi` version string, if any.
    pub fn version(&self) -> Option<&str> {
        self.value.get("openapi").and_then(Value::as_str)
    }

    /// Calls `f(path, method, operation)` for every operation, in document order.
    pub fn operations(&self) -> Vec<(&str, &'static str, &Value)> {
        let mut out = Vec::new();
        if let Some(paths) = self.value.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    if let Some(op) = item.get(method).filter(|op| op.is_object()) {
                        out.push((path.as_str(), method, op));
                    }
                }
            }
        }
        out
    }

    /// Checks the document for everything code generation relies on and
    /// reports the first problem with its JSON pointer:
    /// a 3.0.x version, paths given inline, references that stay inside the
    /// document, an operationId on every operation, unique operationIds, and
    /// unique parameter names within an operation.
    pub fn validate(&self) -> Result<()> {
        match self.version() {
            Some(v) if v.starts_with("3.0.") => {}
            Some(v) => {
                return Err(self.error(
                    "/openapi",
                    format!("unsupported OpenAPI version {v:?}: expected 3.0.x (3.1.x documents are converted by the normalize pass)"),
                ))
            }
            None => return Err(self.error("/openapi", "missing the `openapi` version field")),
        }
        let Some(paths) = self.value.get("paths").and_then(Value::as_object) else {
            return Err(self.error("/paths", "missing the `paths` mapping"));
        };
        check_refs(self, &self.value, &mut vec![])?;
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in paths {
            let item_ptr = pointer::join(["paths", path.as_str()]);
            if item.get("$ref").is_some() {
                return Err(self.error(
                    format!("{item_ptr}/$ref"),
                    "path items given by reference are not supported; inline the path item",
                ));
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_ptr = pointer::join(["paths", path.as_str(), method]);
                let Some(id) = op.get("operationId") else {
                    return Err(self.error(
                        op_ptr,
                        format!(
                            "operation {} {path} has no operationId",
                            method.to_uppercase()
                        ),
                    ));
                };
                let Some(id) = id.as_str().filter(|id| !id.trim().is_empty()) else {
                    return Err(self.error(
                        format!("{op_ptr}/operationId"),
                        "operationId must be a non-empty string",
                    ));
                };
                if let Some(first) = seen.insert(id.to_string(), op_ptr.clone()) {
                    return Err(self.error(
                        format!("{op_ptr}/operationId"),
                        format!("duplicate operationId {id:?}, first used at {first}"),
                    ));
                }
                self.check_parameters(item, op, &op_ptr)?;
            }
        }
        Ok(())
    }

    fn check_parameters(&self, item: &Value, op: &Value, op_ptr: &str) -> Result<()> {
        // Operation-level parameters override path-level ones with the same
        // name and location; two different locations sharing one name would
        // collide in the generated method's arguments.
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut path_level: BTreeSet<(String, String)> = BTreeSet::new();
        let lists = [item.get("parameters"), op.get("parameters")];
        for (level, list) in lists.into_iter().enumerate() {
            let Some(list) = list.and_then(Value::as_array) else {
                continue;
            };
            for (i, p) in list.iter().enumerate() {
                let p = self.resolve(p);
                let (Some(name), Some(loc)) = (
                    p.get("name").and_then(Value::as_str),
                    p.get("in").and_then(Value::as_str),
                ) else {
                    let where_ = if level == 0 { "path item" } else { "operation" };
                    return Err(self.error(
                        format!("{op_ptr}/parameters/{i}"),
                        format!("a parameter of the {where_} lacks `name` or `in`"),
                    ));
                };
                let key = (name.to_string(), loc.to_string());
                if level == 0 {
                    path_level.insert(key);
                } else if path_level.remove(&key) {
                    // an override of a path-level parameter: allowed once
                    continue;
                }
                if let Some(other) = names.insert(name.to_string(), loc.to_string()) {
                    return Err(self.error(
                        format!("{op_ptr}/parameters/{i}"),
                        format!("parameter name {name:?} is used twice (in {other} and in {loc}); parameter names must be unique within an operation"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Follows local `$ref`s (up to a small depth) and returns the target, or
    /// the value itself when it is not a reference or cannot be resolved.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            match target
                .strip_prefix('#')
                .and_then(|ptr| self.value.pointer(ptr))
            {
                Some(next) => value = next,
                None => return value,
            }
        }
        value
    }
}

/// Rejects `$ref`s that leave the document or point nowhere.
fn check_refs(doc: &Document, value: &Value, path: &mut Vec<String>) -> Result<()> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let here = pointer::join(path.iter().map(String::as_str));
                let Some(local) = target.strip_prefix('#') else {
                    return Err(doc.error(
                        format!("{here}/$ref"),
                        format!("external reference {target:?} is not supported; bundle the document into one file"),
                    ));
                };
                if doc.value.pointer(local).is_none() {
                    return Err(doc.error(
                        format!("{here}/$ref"),
                        format!("reference {target:?} points to nothing in this document"),
                    ));
                }
            }
            for (k, v) in map {
                // `example` and `examples` hold literal data, never references
                if k == "example" || k == "examples" {
                    continue;
                }
                path.push(k.clone());
                check_refs(doc, v, path)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                check_refs(doc, v, path)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// Loads, normalizes and validates a document, reporting what the normalize
/// pass changed.
pub fn prepare(path: &Path) -> Result<Document> {
    let mut doc = Document::load(path)?;
    let applied = normalize::run(&mut doc.value);
    for t in applied {
        eprintln!("normalize: {}: {} ({})", path.display(), t.name, t.why);
    }
    doc.validate()?;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::parse(Path::new("test.yaml"), text).expect("parses")
    }

    const MINIMAL: &str = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: GetA
      responses:
        '200': {description: ok}
"#;

    #[test]
    fn a_valid_document_passes() {
        doc(MINIMAL).validate().expect("valid");
    }

    #[test]
    fn invalid_yaml_names_the_file() {
        let err = Document::parse(Path::new("bad.yaml"), "openapi: [1, 2\n").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("bad.yaml: not a valid YAML document"),
            "{msg}"
        );
    }

    #[test]
    fn invalid_json_names_the_file() {
        let err = Document::parse(Path::new("bad.json"), "{\"openapi\": ").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("bad.json: not a valid JSON document"));
    }

    #[test]
    fn a_missing_file_names_the_file() {
        let err = Document::load(Path::new("/nonexistent/spec.yaml")).unwrap_err();
        assert!(
            err.to_string().starts_with("/nonexistent/spec.yaml: "),
            "{err}"
        );
    }

    #[test]
    fn a_missing_operation_id_is_reported_with_its_pointer() {
        let text = MINIMAL.replace("operationId: GetA", "summary: no id");
        let err = doc(&text).validate().unwrap_err().to_string();
        assert_eq!(
            err,
            "test.yaml: at /paths/~1a~1{id}/get: operation GET /a/{id} has no operationId"
        );
    }

    #[test]
    fn duplicate_operation_ids_are_reported() {
        let text = format!(
            "{MINIMAL}    post:\n      operationId: GetA\n      responses:\n        '200': {{description: ok}}\n"
        );
        let err = doc(&text).validate().unwrap_err().to_string();
        assert!(
            err.contains("at /paths/~1a~1{id}/post/operationId"),
            "{err}"
        );
        assert!(err.contains("duplicate operationId \"GetA\""), "{err}");
    }

    #[test]
    fn external_references_are_unsupported() {
        let text = MINIMAL.replace("schema: {type: string}", "schema: {$ref: 'other.yaml#/X'}");
        let err = doc(&text).validate().unwrap_err().to_string();
        assert!(err.contains("/parameters/0/schema/$ref"), "{err}");
        assert!(err.contains("external reference"), "{err}");
    }

    #[test]
    fn dangling_references_are_reported() {
        let text = MINIMAL.replace(
            "schema: {type: string}",
            "schema: {$ref: '#/components/schemas/Nope'}",
        );
        let err = doc(&text).validate().unwrap_err().to_string();
        assert!(err.contains("points to nothing"), "{err}");
    }

    #[test]
    fn openapi_31_must_be_normalized_first() {
        let text = MINIMAL.replace("3.0.3", "3.1.0");
        let err = doc(&text).validate().unwrap_err().to_string();
        assert!(
            err.contains("at /openapi: unsupported OpenAPI version"),
            "{err}"
        );
    }

    #[test]
    fn clashing_parameter_names_are_reported() {
        let text = MINIMAL.replace(
            "      operationId: GetA\n",
            "      operationId: GetA\n      parameters:\n        - {name: id, in: query, schema: {type: string}}\n",
        );
        let err = doc(&text).validate().unwrap_err().to_string();
        assert!(err.contains("parameter name \"id\" is used twice"), "{err}");
    }
}
