//! `python/versori/_generated_client.py`: every operation as a method of
//! the sync and async clients (`snake_case(operationId)`, path and query
//! parameters as keyword arguments, `body=`), and the resource groups.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::generate::groups::SCOPED;
use crate::generate::optable::{Operation, Pagination, Parameter};
use crate::generate::python::{docstring, ident, literal};
use crate::generate::python_models::{Models, Ty};
use crate::naming::pascal;
use crate::spec::Document;

/// Group methods the hand-written layer provides instead (the KV helpers
/// taking keys as lists of segments, in `python/versori/_kv.py`).
const HAND_WRITTEN: &[(&str, &str)] = &[
    ("kv_store", "get"),
    ("kv_store", "set"),
    ("kv_store", "delete"),
    ("kv_store", "count"),
];

/// Group accessors written by hand on the clients.
const HAND_WRITTEN_ACCESSORS: &[&str] = &["kv"];

/// Parameter descriptions of every operation: operationId → name → text.
fn parameter_docs(doc: &Document) -> BTreeMap<String, (String, BTreeMap<String, String>)> {
    let mut out = BTreeMap::new();
    for (path, _method, op) in doc.operations() {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let item = &doc.value["paths"][path];
        let mut params = BTreeMap::new();
        for list in [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
        {
            for p in list.as_array().into_iter().flatten() {
                let p = doc.resolve(p);
                if let (Some(name), Some(d)) = (
                    p.get("name").and_then(Value::as_str),
                    p.get("description").and_then(Value::as_str),
                ) {
                    params.insert(name.to_string(), d.trim().to_string());
                }
            }
        }
        let description = op
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string();
        out.insert(id.to_string(), (description, params));
    }
    out
}

fn param_hint(p: &Parameter) -> String {
    if p.segments {
        // a slash-separated path (a KV key): "orders/1042" or its segments
        return "str | Sequence[str]".into();
    }
    if !p.enum_values.is_empty() {
        return format!(
            "Literal[{}]",
            p.enum_values
                .iter()
                .map(|v| literal(v))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    match p.kind.as_str() {
        "string" => "str",
        "integer" => "int",
        "number" => "float",
        "boolean" => "bool",
        "array" => "Sequence[Any]",
        "object" => "Mapping[str, Any]",
        _ => "Any",
    }
    .to_string()
}

/// How one operation is called: its Python parameters, the argument dict,
/// and the keyword arguments a group passes through.
struct Signature {
    params: Vec<String>,
    args: Vec<String>,
    forward: Vec<String>,
    docs: Vec<(String, String)>,
}

fn signature(
    op: &Operation,
    models: &Models,
    pdocs: &BTreeMap<String, String>,
    scoped: Option<&str>,
) -> Signature {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut args = Vec::new();
    let mut forward = Vec::new();
    let mut docs = Vec::new();
    for p in &op.parameters {
        let name = ident(&p.name);
        let text = pdocs.get(&p.name).cloned().unwrap_or_default();
        if Some(p.name.as_str()) == scoped {
            args.push(format!("{}: {name}", literal(&p.name)));
            forward.push(format!("{name}=self._{name}"));
            continue;
        }
        args.push(format!("{}: {name}", literal(&p.name)));
        forward.push(format!("{name}={name}"));
        if p.name == "organisation_id" {
            optional.push(format!("{name}: str | None = None"));
            docs.push((
                name,
                format!("{text} Defaults to the client's organisation.")
                    .trim()
                    .to_string(),
            ));
        } else if p.required {
            required.push(format!("{name}: {}", param_hint(p)));
            docs.push((name, text));
        } else {
            optional.push(format!("{name}: {} | None = None", param_hint(p)));
            docs.push((name, text));
        }
    }
    if let Some(body) = &op.body {
        let hint = models.input_hint(&models.named(&body.schema));
        args.push("\"body\": _plain(body)".into());
        forward.push("body=body".into());
        let what = if body.may_be_omitted {
            format!(
                "The request body: a `{}` or a dict with its wire names; it may be left out.",
                body.schema
            )
        } else {
            format!(
                "The request body: a `{}` or a dict with its wire names.",
                body.schema
            )
        };
        // positional too (after the required parameters), optional or not;
        // a body the platform also takes when it is left out is optional
        if body.required && !body.may_be_omitted {
            required.push(format!("body: {hint}"));
        } else {
            required.push(format!("body: {hint} | None = None"));
        }
        docs.push(("body".into(), what));
    }
    let mut params = required;
    if !optional.is_empty() {
        params.push("*".into());
        params.extend(optional);
    }
    Signature {
        params,
        args,
        forward,
        docs,
    }
}

fn render_params(params: &[String]) -> String {
    let mut s = String::from("(\n        self,\n");
    for p in params {
        s.push_str(&format!("        {p},\n"));
    }
    s.push_str("    )");
    s
}

/// The return hint and the decoder of an operation's result.
/// The `def` line of a generated method `name`, and the prefix of the call
/// it makes: the async form's methods are coroutines that await it, but for
/// listings, which hand back their paginator at once.
fn method_head(
    name: &str,
    params: &[String],
    ret: &str,
    asynchronous: bool,
    paginated: bool,
) -> (String, &'static str) {
    let (def, await_) = if asynchronous && !paginated {
        ("async def", "await ")
    } else {
        ("def", "")
    };
    let head = format!("\n    {def} {name}{} -> {ret}:\n", render_params(params));
    (head, await_)
}

fn result(op: &Operation, models: &Models, asynchronous: bool) -> (String, String, bool) {
    match &op.pagination {
        Pagination::Cursor { item, .. } | Pagination::Kv { item, .. } => {
            let ty = item.as_deref().map(|i| models.named(i)).unwrap_or(Ty::Any);
            let wrapper = if asynchronous {
                "AsyncPaginator"
            } else {
                "Paginator"
            };
            // a page's items (a `RawItems`) as a list of the item type
            let decode = match models.resolve(&ty) {
                Ty::Model(n) => format!("_list_decoder({n})"),
                _ => "_raw".into(),
            };
            (format!("{wrapper}[{}]", models.hint(&ty)), decode, true)
        }
        Pagination::None => match op.response.as_ref().and_then(|r| r.schema.as_deref()) {
            None => ("None".into(), "_none".into(), false),
            Some(schema) => {
                let ty = models.named(schema);
                (models.hint(&ty), models.decoder(&ty), false)
            }
        },
    }
}

fn method_doc(op: &Operation, description: &str, docs: &[(String, String)], extra: &str) -> String {
    let mut text = format!(
        "{}\n\n``{} {}`` (operation ``{}``).",
        if op.summary.is_empty() {
            &op.id
        } else {
            &op.summary
        },
        op.method,
        op.path,
        op.id
    );
    if !description.is_empty() && description != op.summary {
        text.push_str("\n\n");
        text.push_str(description);
    }
    if !extra.is_empty() {
        text.push_str("\n\n");
        text.push_str(extra);
    }
    let mut s = format!("        \"\"\"{}", docstring(&text, "        "));
    if !docs.is_empty() {
        s.push_str("\n\n        Args:");
        for (name, d) in docs {
            let d = if d.is_empty() {
                "See the API reference."
            } else {
                d
            };
            s.push_str(&format!(
                "\n            {name}: {}",
                docstring(d, "                ")
            ));
        }
    }
    s.push_str("\n        \"\"\"\n");
    s
}

/// The module's text.
pub fn render(doc: &Document, ops: &[Operation], models: &Models) -> Result<String> {
    let pdocs = parameter_docs(doc);
    let empty = (String::new(), BTreeMap::new());
    let mut groups: Vec<&str> = Vec::new();
    for op in ops {
        if !groups.contains(&op.group.as_str()) {
            groups.push(&op.group);
        }
    }
    for op in ops {
        let accessor = SCOPED
            .iter()
            .find(|(g, _, _)| *g == op.group)
            .map(|(_, a, _)| *a)
            .unwrap_or(op.group.as_str());
        if groups.iter().any(|g| *g == op.snake_id) || accessor == op.snake_id {
            return Err(Error::Format {
                what: "python/versori/_generated_client.py".into(),
                message: format!("operation {} clashes with a group accessor", op.id),
            });
        }
    }
    let mut s = String::from(
        "# Generated by `cargo xtask generate` from openapi/versori-platform.yaml; do not edit.\n\
         \"\"\"Every operation of the Versori Platform API as a method, for the sync and async\n\
         clients, and the resource groups (``client.projects.list()``).\n\
         \"\"\"\n\n\
         from __future__ import annotations\n\n\
         import abc\n\
         from typing import Any, Awaitable, Callable, Dict, List, Literal, Mapping, Sequence, TypeVar\n\n\
         from ._generated_models import *  # noqa: F403\n\
         from ._model import _list_decoder, _none, _plain, _raw\n\
         from ._pagination import AsyncPaginator, Paginator\n\n\
         T = TypeVar(\"T\")\n\n\
         # the names the generated hints use besides the models\n\
         __all__ = [\"SyncOperations\", \"AsyncOperations\"",
    );
    for g in &groups {
        let ty = pascal(g);
        s.push_str(&format!(", \"{ty}Group\", \"Async{ty}Group\""));
    }
    s.push_str("]\n\n_ = (Dict, List, Literal, Mapping, Sequence)\n");

    for asynchronous in [false, true] {
        let (class, call_ret, page_ret) = if asynchronous {
            ("AsyncOperations", "Awaitable[T]", "AsyncPaginator[T]")
        } else {
            ("SyncOperations", "T", "Paginator[T]")
        };
        s.push_str(&format!(
            "\n\nclass {class}(abc.ABC):\n    \"\"\"Every operation of the API as a method ({}).\"\"\"\n\n    __slots__ = ()\n\n",
            if asynchronous { "awaitable" } else { "blocking" }
        ));
        s.push_str(&format!(
            "    @abc.abstractmethod\n    def _call(self, operation_id: str, args: Dict[str, Any], decode: Callable[[Any], T]) -> {call_ret}:\n        \"\"\"Calls `operation_id` through the native client and decodes the result.\"\"\"\n\n"
        ));
        s.push_str(&format!(
            "    @abc.abstractmethod\n    def _paginate(self, operation_id: str, args: Dict[str, Any], decode: Callable[[Any], List[T]]) -> {page_ret}:\n        \"\"\"Every item of a paginated operation; `decode` turns a page's items into a list.\"\"\"\n"
        ));
        // group accessors
        let prefix = if asynchronous { "Async" } else { "" };
        for g in &groups {
            let ty = format!("{prefix}{}Group", pascal(g));
            match SCOPED.iter().find(|(sg, _, _)| sg == g) {
                Some((_, accessor, _)) if HAND_WRITTEN_ACCESSORS.contains(accessor) => {}
                Some((_, accessor, param)) => s.push_str(&format!(
                    "\n    def {accessor}(self, {param}: str) -> {ty}:\n        \"\"\"The {} operations of one {param}.\"\"\"\n        return {ty}(self, {param})\n",
                    g.replace('_', " ")
                )),
                None => {
                    s.push_str(&format!(
                        "\n    @property\n    def {g}(self) -> {ty}:\n        \"\"\"The {} operations.\"\"\"\n        return {ty}(self)\n",
                        g.replace('_', " ")
                    ));
                    if *g == "end_users" {
                        s.push_str(&format!(
                            "\n    @property\n    def users(self) -> {ty}:\n        \"\"\"The end users operations (the same group as `end_users`).\"\"\"\n        return {ty}(self)\n"
                        ));
                    }
                }
            }
        }
        for op in ops {
            let (description, params) = pdocs.get(&op.id).unwrap_or(&empty);
            let sig = signature(op, models, params, None);
            let (ret, decode, paginated) = result(op, models, asynchronous);
            let extra = if paginated {
                "Returns an iterator over every item across all pages (fetched as it goes); `.pages()` gives the pages and `total_count`."
            } else {
                ""
            };
            let (head, await_) =
                method_head(&op.snake_id, &sig.params, &ret, asynchronous, paginated);
            s.push_str(&head);
            s.push_str(&method_doc(op, description, &sig.docs, extra));
            let fun = if paginated { "_paginate" } else { "_call" };
            s.push_str(&format!(
                "        return {await_}self.{fun}(\n            {},\n            {{{}}},\n            {decode},\n        )\n",
                literal(&op.id),
                sig.args.join(", ")
            ));
        }
    }

    // the groups
    for asynchronous in [false, true] {
        let prefix = if asynchronous { "Async" } else { "" };
        let client = if asynchronous {
            "AsyncOperations"
        } else {
            "SyncOperations"
        };
        for g in &groups {
            let ty = format!("{prefix}{}Group", pascal(g));
            let scoped = SCOPED.iter().find(|(sg, _, _)| sg == g).map(|(_, _, p)| *p);
            let tag = ops
                .iter()
                .find(|o| o.group == *g)
                .map(|o| o.tag.clone())
                .unwrap_or_default();
            s.push_str(&format!(
                "\n\nclass {ty}:\n    \"\"\"The {tag} operations, by their short names.\"\"\"\n\n"
            ));
            match scoped {
                Some(p) => s.push_str(&format!(
                    "    __slots__ = (\"_client\", \"_{p}\")\n\n    def __init__(self, client: {client}, {p}: str) -> None:\n        self._client = client\n        self._{p} = {p}\n"
                )),
                None => s.push_str(&format!(
                    "    __slots__ = (\"_client\",)\n\n    def __init__(self, client: {client}) -> None:\n        self._client = client\n"
                )),
            }
            for op in ops.iter().filter(|o| o.group == *g) {
                if HAND_WRITTEN.contains(&(g, op.group_method.as_str())) {
                    continue;
                }
                let (_, params) = pdocs.get(&op.id).unwrap_or(&empty);
                let uses_scope = scoped.filter(|p| op.parameters.iter().any(|q| q.name == *p));
                let sig = signature(op, models, params, uses_scope);
                let (ret, _, paginated) = result(op, models, asynchronous);
                let name = ident(&op.group_method);
                let (head, await_) = method_head(&name, &sig.params, &ret, asynchronous, paginated);
                s.push_str(&head);
                s.push_str(&format!(
                    "        \"\"\"{} (the client's `{}`).\"\"\"\n",
                    docstring(
                        if op.summary.is_empty() {
                            &op.id
                        } else {
                            &op.summary
                        },
                        "        "
                    ),
                    op.snake_id
                ));
                s.push_str(&format!(
                    "        return {await_}self._client.{}({})\n",
                    op.snake_id,
                    sig.forward.join(", ")
                ));
            }
        }
    }
    Ok(s)
}
