//! The operation table: one record per operation of the spec, which the
//! facade's generic `call`, the Python layer and the C ABI are driven by.
//! Written as a Rust module (in `versori-core`) and as JSON.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::naming::pascal;
use crate::spec::Document;

/// One operation.
#[derive(Debug, Serialize, PartialEq)]
pub struct Operation {
    pub id: String,
    /// `snake_case(id)`: progenitor's method name and the Python method name.
    pub snake_id: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    /// The resource group of the SDKs (`projects`, `end_users`, ...).
    pub group: String,
    /// The method name inside the group (`list`, `get`, `set_variables_schema`, ...).
    pub group_method: String,
    pub summary: String,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub response: Option<Response>,
    pub pagination: Pagination,
}

/// A path, query or header parameter.
#[derive(Debug, Serialize, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub location: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub required: bool,
    #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    /// A path parameter holding a slash-separated path (`x-versori-path-segments`):
    /// each segment is escaped on its own and the slashes travel literally.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub segments: bool,
}

/// The JSON request body.
#[derive(Debug, Serialize, PartialEq)]
pub struct Body {
    /// Schema name, or the JSON type of an inline schema.
    #[serde(rename = "type")]
    pub schema: String,
    /// JSON type of the body.
    pub kind: String,
    pub required: bool,
    /// A required body the platform also takes when it is left out
    /// (`x-versori-may-be-omitted`): its schema has nothing to require.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub may_be_omitted: bool,
}

/// The success response.
#[derive(Debug, Serialize, PartialEq)]
pub struct Response {
    pub status: u16,
    /// Schema name or JSON type of the body; `None` when there is no body.
    #[serde(rename = "type")]
    pub schema: Option<String>,
}

/// How a list operation pages.
#[derive(Debug, Serialize, PartialEq)]
#[serde(tag = "style", rename_all = "snake_case")]
pub enum Pagination {
    /// Not paginated.
    None,
    /// `first`/`after`/`before` query parameters; the response is a page with
    /// `totalCount`, `next` and `prev` and its items in the field `items`.
    Cursor {
        items: String,
        /// Schema name of one item.
        #[serde(skip_serializing_if = "Option::is_none")]
        item: Option<String>,
    },
    /// The KV list cursor: items in `items`, the next cursor in
    /// `pagination.nextCursor`, sent back as `selector.after`.
    Kv {
        items: String,
        /// Schema name of one item.
        #[serde(skip_serializing_if = "Option::is_none")]
        item: Option<String>,
    },
}

/// Builds the table from a normalized, validated document.
pub fn build(doc: &Document) -> Result<Vec<Operation>> {
    let mut ops = Vec::new();
    for (path, method, op) in doc.operations() {
        let item = &doc.value["paths"][path];
        let id = op["operationId"].as_str().unwrap_or_default().to_string();
        let parameters = parameters(doc, item, op);
        let body = op.get("requestBody").map(|rb| {
            let rb = doc.resolve(rb);
            let schema = json_schema(rb);
            Body {
                schema: schema
                    .map(|s| type_name(doc, s))
                    .unwrap_or_else(|| "any".into()),
                kind: schema.map(|s| kind(doc, s)).unwrap_or_else(|| "any".into()),
                required: rb.get("required").and_then(Value::as_bool).unwrap_or(false),
                may_be_omitted: rb
                    .get(OMITTED_BODY_EXTENSION)
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }
        });
        let response = success(doc, op);
        let pagination = pagination(doc, &parameters, op);
        let tag = op["tags"][0].as_str().unwrap_or("default").to_string();
        let (group, group_method) = crate::naming::group_and_method(&tag, &id);
        ops.push(Operation {
            snake_id: crate::naming::snake(&id),
            id,
            method: method.to_uppercase(),
            path: path.to_string(),
            tag,
            group,
            group_method,
            summary: op
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            parameters,
            body,
            response,
            pagination,
        });
    }
    Ok(ops)
}

fn json_schema(holder: &Value) -> Option<&Value> {
    holder
        .get("content")?
        .get("application/json")?
        .get("schema")
}

/// The vendor extension marking a path parameter whose value is a
/// slash-separated path (a KV key).
pub const SEGMENTS_EXTENSION: &str = "x-versori-path-segments";

/// The extension that marks a required request body the platform also
/// takes when it is left out, as the platform's own client sends it.
pub const OMITTED_BODY_EXTENSION: &str = "x-versori-may-be-omitted";

fn parameters(doc: &Document, item: &Value, op: &Value) -> Vec<Parameter> {
    let mut out: Vec<Parameter> = Vec::new();
    for list in [item.get("parameters"), op.get("parameters")] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let p = doc.resolve(p);
            let name = p["name"].as_str().unwrap_or_default().to_string();
            let location = p["in"].as_str().unwrap_or_default().to_string();
            let schema = p
                .get("schema")
                .map(|s| doc.resolve(s))
                .unwrap_or(&Value::Null);
            let param = Parameter {
                kind: kind(doc, schema),
                format: schema
                    .get("format")
                    .and_then(Value::as_str)
                    .map(String::from),
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false)
                    || location == "path",
                enum_values: schema
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|vals| {
                        vals.iter()
                            .filter_map(Value::as_str)
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                segments: location == "path"
                    && p.get(SEGMENTS_EXTENSION).and_then(Value::as_bool) == Some(true),
                name,
                location,
            };
            // an operation-level parameter overrides the path-level one
            out.retain(|q| !(q.name == param.name && q.location == param.location));
            out.push(param);
        }
    }
    out
}

fn success(doc: &Document, op: &Value) -> Option<Response> {
    let resps = op.get("responses")?.as_object()?;
    let (code, resp) = resps.iter().find(|(k, _)| k.starts_with('2'))?;
    let status = code.parse().ok()?;
    let resp = doc.resolve(resp);
    Some(Response {
        status,
        schema: json_schema(resp).map(|s| type_name(doc, s)),
    })
}

/// The schema's name when it is a reference, `[Name]` for an array of
/// references, otherwise its JSON type.
fn type_name(doc: &Document, schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        if let Some(items) = schema.get("items") {
            return format!("[{}]", type_name(doc, items));
        }
    }
    kind(doc, schema)
}

/// The JSON type a schema admits: string, integer, number, boolean, array,
/// object, or any.
fn kind(doc: &Document, schema: &Value) -> String {
    let schema = doc.resolve(schema);
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        return t.to_string();
    }
    if schema.get("properties").is_some() || schema.get("allOf").is_some() {
        return "object".into();
    }
    "any".into()
}

/// All properties of a schema, following `$ref` and `allOf`.
fn properties<'a>(doc: &'a Document, schema: &'a Value, out: &mut Vec<(&'a str, &'a Value)>) {
    let schema = doc.resolve(schema);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            out.push((k.as_str(), doc.resolve(v)));
        }
    }
    for sub in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        properties(doc, sub, out);
    }
}

fn pagination(doc: &Document, params: &[Parameter], op: &Value) -> Pagination {
    let Some(schema) = op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| r.iter().find(|(k, _)| k.starts_with('2')))
        .and_then(|(_, resp)| json_schema(doc.resolve(resp)))
    else {
        return Pagination::None;
    };
    let mut props = Vec::new();
    properties(doc, schema, &mut props);
    let array_field = || {
        props
            .iter()
            .find(|(_, v)| v.get("type").and_then(Value::as_str) == Some("array"))
            .map(|(k, v)| {
                let item = v
                    .get("items")
                    .and_then(|i| i.get("$ref"))
                    .and_then(Value::as_str)
                    .and_then(|r| r.rsplit('/').next())
                    .map(String::from);
                (k.to_string(), item)
            })
    };
    let has = |name: &str| props.iter().any(|(k, _)| *k == name);
    let takes_cursor = params
        .iter()
        .any(|p| p.name == "after" && p.location == "query");
    if takes_cursor && has("next") && has("totalCount") {
        if let Some((items, item)) = array_field() {
            return Pagination::Cursor { items, item };
        }
    }
    let kv_cursor = props.iter().any(|(k, v)| {
        *k == "pagination"
            && v.get("properties")
                .is_some_and(|p| p.get("nextCursor").is_some())
    });
    if kv_cursor {
        if let Some((items, item)) = array_field() {
            return Pagination::Kv { items, item };
        }
    }
    Pagination::None
}

/// The JSON copy of the table (`openapi/generated_operations.json`).
pub fn to_json(ops: &[Operation]) -> Result<String> {
    let doc = serde_json::json!({
        "generated": "by `cargo xtask generate` from openapi/versori-platform.yaml; do not edit",
        "operations": ops,
    });
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| crate::error::Error::Format {
        what: "the operation table".into(),
        message: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

/// The Rust copy of the table's data (`crates/versori-core/src/generated_operations.rs`,
/// included by the hand-written `operations.rs`, which defines its types).
pub fn to_rust(ops: &[Operation]) -> Result<String> {
    let ident = |word: &str| format_ident!("{}", pascal(word));
    let operations = ops.iter().map(|op| {
        let (id, snake_id, path, tag) = (&op.id, &op.snake_id, &op.path, &op.tag);
        let (group, group_method, summary) = (&op.group, &op.group_method, &op.summary);
        let method = ident(&op.method);
        let parameters = op.parameters.iter().map(|p| {
            let name = &p.name;
            let (location, kind) = (ident(&p.location), ident(&p.kind));
            let format = some(p.format.as_deref());
            let (required, segments) = (p.required, p.segments);
            let values = &p.enum_values;
            quote! {
                Parameter {
                    name: #name,
                    location: Location::#location,
                    kind: Kind::#kind,
                    format: #format,
                    required: #required,
                    enum_values: &[#(#values),*],
                    segments: #segments,
                }
            }
        });
        let body = match &op.body {
            Some(b) => {
                let (schema, kind, required) = (&b.schema, ident(&b.kind), b.required);
                let may_be_omitted = b.may_be_omitted;
                quote! {
                    Some(Body {
                        schema: #schema,
                        kind: Kind::#kind,
                        required: #required,
                        may_be_omitted: #may_be_omitted,
                    })
                }
            }
            None => quote! { None },
        };
        let response = match &op.response {
            Some(r) => {
                let (status, schema) = (
                    proc_macro2::Literal::u16_unsuffixed(r.status),
                    some(r.schema.as_deref()),
                );
                quote! { Some(Response { status: #status, schema: #schema }) }
            }
            None => quote! { None },
        };
        let pagination = match &op.pagination {
            Pagination::None => quote! { Pagination::None },
            Pagination::Cursor { items, item } => {
                let item = some(item.as_deref());
                quote! { Pagination::Cursor { items: #items, item: #item } }
            }
            Pagination::Kv { items, item } => {
                let item = some(item.as_deref());
                quote! { Pagination::Kv { items: #items, item: #item } }
            }
        };
        quote! {
            Operation {
                id: #id,
                snake_id: #snake_id,
                method: Method::#method,
                path: #path,
                tag: #tag,
                group: #group,
                group_method: #group_method,
                summary: #summary,
                parameters: &[#(#parameters),*],
                body: #body,
                response: #response,
                pagination: #pagination,
            }
        }
    });
    let file = quote! {
        /// Every operation of the spec, in document order.
        pub static OPERATIONS: &[Operation] = &[#(#operations),*];
    };
    let what = "the operation table";
    let text = crate::generate::codegen::format_file(
        what,
        crate::generate::codegen::parse_file(what, file)?,
    )?;
    Ok(format!("{RUST_BANNER}{text}"))
}

/// `Some("text")` or `None`, as Rust.
fn some(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) => quote! { Some(#t) },
        None => quote! { None },
    }
}

const RUST_BANNER: &str = "// Generated by `cargo xtask generate` from openapi/versori-platform.yaml; do not edit.\n// The types it uses are in operations.rs, which includes this file.\n\n";

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn table(text: &str) -> Vec<Operation> {
        let doc = Document::parse(Path::new("t.yaml"), text).expect("parses");
        build(&doc).expect("builds")
    }

    #[test]
    fn cursor_pages_kv_cursors_and_plain_lists_are_told_apart() {
        let ops = table(
            r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: ListThings
      tags: [Things]
      parameters:
        - {name: first, in: query, schema: {type: integer}}
        - {name: after, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/ThingPage'}}}
  /kv/list:
    post:
      operationId: ListKV
      requestBody:
        required: true
        x-versori-may-be-omitted: true
        content: {application/json: {schema: {type: object}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/KvPage'}}}
  /plain/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: ulid}}]
    delete:
      operationId: DeletePlain
      parameters: [{name: mode, in: query, schema: {type: string, enum: [soft, hard]}}]
      responses: {'204': {description: gone}}
components:
  schemas:
    PageInfo:
      type: object
      properties: {totalCount: {type: integer}, next: {type: string}, prev: {type: string}}
    ThingPage:
      allOf:
        - $ref: '#/components/schemas/PageInfo'
        - {type: object, properties: {things: {type: array, items: {type: string}}}}
    KvPage:
      type: object
      properties:
        data: {type: array, items: {}}
        pagination: {type: object, properties: {nextCursor: {type: string}}}
"##,
        );
        assert_eq!(
            ops[0].pagination,
            Pagination::Cursor {
                items: "things".into(),
                item: None
            }
        );
        assert_eq!(
            ops[0].response,
            Some(Response {
                status: 200,
                schema: Some("ThingPage".into())
            })
        );
        assert_eq!(
            ops[1].pagination,
            Pagination::Kv {
                items: "data".into(),
                item: None
            }
        );
        assert_eq!(
            ops[1].body,
            Some(Body {
                schema: "object".into(),
                kind: "object".into(),
                required: true,
                may_be_omitted: true
            })
        );
        assert_eq!(ops[2].pagination, Pagination::None);
        assert_eq!(ops[2].method, "DELETE");
        assert_eq!(
            ops[2].response,
            Some(Response {
                status: 204,
                schema: None
            })
        );
        let id = &ops[2].parameters[0];
        assert_eq!(
            (id.name.as_str(), id.location.as_str(), id.required),
            ("id", "path", true)
        );
        assert_eq!(id.format.as_deref(), Some("ulid"));
        assert_eq!(ops[2].parameters[1].enum_values, ["soft", "hard"]);
    }

    #[test]
    fn slash_separated_path_parameters_are_marked() {
        let ops = table(
            r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /store/{store}/kv/{key}:
    get:
      operationId: GetKV
      parameters:
        - {name: store, in: path, required: true, schema: {type: string}}
        - {name: key, in: path, required: true, x-versori-path-segments: true, schema: {type: string}}
        - {name: tag, in: query, x-versori-path-segments: true, schema: {type: string}}
      responses: {'204': {description: ok}}
"##,
        );
        let flags: Vec<(&str, bool)> = ops[0]
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.segments))
            .collect();
        // only a path parameter can be slash-separated
        assert_eq!(flags, [("store", false), ("key", true), ("tag", false)]);
        let rust = to_rust(&ops).expect("formats");
        assert_eq!(rust.matches("segments: true").count(), 1, "{rust}");
        assert_eq!(rust.matches("segments: false").count(), 2, "{rust}");
        let json = to_json(&ops).expect("json");
        assert_eq!(json.matches("\"segments\": true").count(), 1, "{json}");
    }

    #[test]
    fn the_rust_table_is_valid_rust() {
        let ops = vec![Operation {
            id: "GetThing".into(),
            snake_id: "get_thing".into(),
            method: "GET".into(),
            path: "/things/{id}".into(),
            tag: "Things".into(),
            group: "things".into(),
            group_method: "get".into(),
            summary: "Get a \"thing\"".into(),
            parameters: vec![],
            body: None,
            response: None,
            pagination: Pagination::None,
        }];
        let rust = to_rust(&ops).expect("formats");
        assert!(rust.contains(r#"summary: "Get a \"thing\"""#), "{rust}");
    }
}
