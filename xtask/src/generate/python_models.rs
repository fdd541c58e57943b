//! `python/versori/_generated_models.py`: one class per object schema of the
//! spec (snake_case properties over the wire dict, keyword constructor,
//! accurate hints) and a type alias for every other schema.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::generate::python::{attribute, docstring, literal};
use crate::spec::Document;

/// The Python type of a schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Str,
    /// A `format: date-time` string, read as a timezone-aware `datetime`.
    Timestamp,
    Int,
    Float,
    Bool,
    Any,
    /// An object without declared properties.
    Dict,
    /// A string enum (unknown values are kept, so the hint also admits `str`).
    Enum(Vec<String>),
    List(Box<Ty>),
    Map(Box<Ty>),
    /// A generated model class.
    Model(String),
    /// A named alias of another type (a schema that is not an object).
    Alias(String),
}

/// One property of a model.
#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    pub attr: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub description: String,
}

/// What a schema becomes.
#[derive(Debug, Clone)]
pub enum Def {
    Class {
        description: String,
        fields: Vec<Field>,
    },
    Alias {
        description: String,
        ty: Ty,
    },
}

/// Every schema of the spec as a model or an alias.
pub struct Models {
    pub defs: BTreeMap<String, Def>,
}

fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn is_class(schema: &Value) -> bool {
    schema.get("properties").is_some() || schema.get("allOf").is_some()
}

fn description(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

impl Models {
    pub fn new(_doc: &Document, schemas: &BTreeMap<String, Value>) -> Self {
        let classes: BTreeSet<String> = schemas
            .iter()
            .filter(|(_, s)| is_class(s))
            .map(|(n, _)| n.clone())
            .collect();
        let ty = |s: &Value| schema_ty(s, &classes);
        let mut defs = BTreeMap::new();
        for (name, schema) in schemas {
            let def = if classes.contains(name) {
                let mut fields = Vec::new();
                collect_fields(schema, schemas, &classes, &mut fields, 0);
                Def::Class {
                    description: description(schema),
                    fields,
                }
            } else {
                Def::Alias {
                    description: description(schema),
                    ty: ty(schema),
                }
            };
            defs.insert(name.clone(), def);
        }
        Models { defs }
    }

    /// The structure behind an alias chain.
    pub fn resolve<'a>(&'a self, ty: &'a Ty) -> &'a Ty {
        let mut t = ty;
        for _ in 0..16 {
            match t {
                Ty::Alias(n) => match self.defs.get(n) {
                    Some(Def::Alias { ty, .. }) => t = ty,
                    _ => return t,
                },
                _ => return t,
            }
        }
        t
    }

    /// The type a schema name (as the operation table spells it:
    /// `Name`, `[Name]`, or a JSON type) stands for.
    pub fn named(&self, name: &str) -> Ty {
        if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            return Ty::List(Box::new(self.named(inner)));
        }
        match self.defs.get(name) {
            Some(Def::Class { .. }) => Ty::Model(name.to_string()),
            Some(Def::Alias { .. }) => Ty::Alias(name.to_string()),
            None => match name {
                "string" => Ty::Str,
                "integer" => Ty::Int,
                "number" => Ty::Float,
                "boolean" => Ty::Bool,
                "object" => Ty::Dict,
                _ => Ty::Any,
            },
        }
    }

    /// The hint of a value of this type as the SDK returns it.
    pub fn hint(&self, ty: &Ty) -> String {
        match ty {
            Ty::Str => "str".into(),
            Ty::Timestamp => "datetime".into(),
            Ty::Int => "int".into(),
            Ty::Float => "float".into(),
            Ty::Bool => "bool".into(),
            Ty::Any => "Any".into(),
            Ty::Dict => "Dict[str, Any]".into(),
            Ty::Enum(values) => format!(
                "Union[Literal[{}], str]",
                values
                    .iter()
                    .map(|v| literal(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ty::List(t) => format!("List[{}]", self.hint(t)),
            Ty::Map(t) => format!("Dict[str, {}]", self.hint(t)),
            Ty::Model(n) | Ty::Alias(n) => n.clone(),
        }
    }

    /// The hint of a value of this type as the SDK accepts it (a model or
    /// a mapping with wire names).
    pub fn input_hint(&self, ty: &Ty) -> String {
        match ty {
            Ty::Model(n) => format!("{n} | Mapping[str, Any]"),
            Ty::List(t) => match self.resolve(t) {
                Ty::Model(n) => format!("Sequence[{n} | Mapping[str, Any]]"),
                _ => format!("Sequence[{}]", self.input_hint(t)),
            },
            Ty::Alias(_) => match self.resolve(ty) {
                Ty::Model(_) | Ty::List(_) | Ty::Map(_) | Ty::Dict => {
                    self.input_hint(self.resolve(ty))
                }
                _ => self.hint(ty),
            },
            Ty::Map(_) | Ty::Dict => "Mapping[str, Any]".into(),
            Ty::Timestamp => "datetime | str".into(),
            _ => self.hint(ty),
        }
    }

    /// The expression turning the wire value `v` of the field `field`
    /// (`Schema.attr`, for messages) into the typed value.
    pub fn convert(&self, ty: &Ty, v: &str, field: &str) -> String {
        match self.resolve(ty) {
            Ty::Timestamp => format!("_timestamp({v}, {})", literal(field)),
            Ty::Model(n) => format!("_model({n}, {v})"),
            Ty::List(t) => match self.resolve(t) {
                Ty::Model(n) => format!("_models({n}, {v})"),
                _ => v.to_string(),
            },
            Ty::Map(t) => match self.resolve(t) {
                Ty::Model(n) => format!("_model_map({n}, {v})"),
                _ => v.to_string(),
            },
            _ => v.to_string(),
        }
    }

    /// The decoder (a callable from the wire value) of a response type.
    pub fn decoder(&self, ty: &Ty) -> String {
        match self.resolve(ty) {
            Ty::Model(n) => format!("{n}._from_wire"),
            Ty::List(t) => match self.resolve(t) {
                Ty::Model(n) => format!("_list_decoder({n})"),
                _ => "_raw".into(),
            },
            _ => "_raw".into(),
        }
    }

    /// The list field a listing model iterates over: the one
    /// list-of-models field of a schema named `...List`, `...Page`,
    /// `...Response` or `...Search`, required or not (a missing list
    /// iterates as empty).
    fn iterable<'f>(&self, name: &str, fields: &'f [Field]) -> Option<(&'f Field, String)> {
        if !["List", "Page", "Response", "Search"]
            .iter()
            .any(|end| name.ends_with(end))
        {
            return None;
        }
        let lists: Vec<(&Field, String)> = fields
            .iter()
            .filter_map(|f| match self.resolve(&f.ty) {
                Ty::List(t) => match self.resolve(t) {
                    Ty::Model(n) => Some((f, n.clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        match lists.as_slice() {
            [(f, item)] => Some((*f, item.clone())),
            _ => None,
        }
    }

    /// The module's text.
    pub fn render(&self) -> String {
        let mut s = String::from(
            "# Generated by `cargo xtask generate` from openapi/versori-platform.yaml; do not edit.\n\
             \"\"\"Typed models of the Versori Platform API: one class per object schema of the spec.\n\n\
             Each model wraps the JSON object the platform sends (wire names in camelCase) and\n\
             exposes its fields as snake_case properties; unknown fields and enum values are kept\n\
             (see ``to_dict()``). Build request bodies with keyword arguments or pass dicts.\n\
             \"\"\"\n\n\
             from __future__ import annotations\n\n\
             from datetime import datetime\n\
             from typing import Any, Dict, Iterator, List, Literal, Mapping, Sequence, Union\n\n\
             from ._model import Field, Model, _model, _model_map, _models, _optional, _pack, _timestamp\n\n\
             __all__ = [\n",
        );
        for name in self.defs.keys() {
            s.push_str(&format!("    {},\n", literal(name)));
        }
        s.push_str("]\n");
        for (name, def) in &self.defs {
            if let Def::Class {
                description,
                fields,
            } = def
            {
                s.push_str(&self.render_class(name, description, fields));
            }
        }
        // aliases after the classes they name, each after the aliases it uses
        let mut pending: Vec<(&String, &String, &Ty)> = self
            .defs
            .iter()
            .filter_map(|(n, d)| match d {
                Def::Alias { description, ty } => Some((n, description, ty)),
                _ => None,
            })
            .collect();
        let mut done: BTreeSet<String> = BTreeSet::new();
        s.push_str("\n\n# Schemas that are not objects: type aliases.\n");
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|(name, description, ty)| {
                let mut deps = Vec::new();
                alias_deps(ty, &mut deps);
                let ready = deps.iter().all(|d| {
                    done.contains(d) || !matches!(self.defs.get(d), Some(Def::Alias { .. }))
                });
                if ready {
                    if !description.is_empty() {
                        for line in docstring(description, "").lines() {
                            s.push_str(&format!("\n# {line}").replace("# \n", "#\n"));
                        }
                    }
                    s.push_str(&format!("\n{name} = {}\n", self.hint(ty)));
                    done.insert((*name).clone());
                }
                !ready
            });
            if pending.len() == before {
                // a cycle of aliases: fall back to Any for the rest
                for (name, _, _) in pending.drain(..) {
                    s.push_str(&format!("\n{name} = Any\n"));
                }
            }
        }
        s
    }

    fn render_class(&self, name: &str, description: &str, fields: &[Field]) -> String {
        let mut s = format!("\n\nclass {name}(Model):\n");
        let doc = if description.is_empty() {
            format!("The `{name}` schema.")
        } else {
            description.to_string()
        };
        s.push_str(&format!("    \"\"\"{}\"\"\"\n\n", docstring(&doc, "    ")));
        s.push_str("    __slots__ = ()\n");
        s.push_str(&format!("    _schema = {}\n", literal(name)));
        s.push_str("    _fields = {");
        s.push_str(
            &fields
                .iter()
                .map(|f| format!("{}: {}", literal(&f.attr), literal(&f.wire)))
                .collect::<Vec<_>>()
                .join(", "),
        );
        s.push_str("}\n");
        // the list-of-models fields, whose items a response model decodes one by one
        let lazy: Vec<String> = fields
            .iter()
            .filter(|f| match self.resolve(&f.ty) {
                Ty::List(t) => matches!(self.resolve(t), Ty::Model(_)),
                _ => false,
            })
            .map(|f| literal(&f.wire))
            .collect();
        if !lazy.is_empty() {
            s.push_str(&format!("    _lazy = frozenset({{{}}})\n", lazy.join(", ")));
        }
        s.push('\n');
        // constructor
        let mut params: Vec<String> = Vec::new();
        for f in fields.iter().filter(|f| f.required && !f.nullable) {
            params.push(format!("{}: {}", f.attr, self.input_hint(&f.ty)));
        }
        for f in fields.iter().filter(|f| !f.required || f.nullable) {
            params.push(format!(
                "{}: {} | None = None",
                f.attr,
                self.input_hint(&f.ty)
            ));
        }
        if params.is_empty() {
            s.push_str("    def __init__(self) -> None:\n        self._data = {}\n");
        } else {
            s.push_str(&format!(
                "    def __init__(\n        self,\n        *,\n{}    ) -> None:\n",
                params
                    .iter()
                    .map(|p| format!("        {p},\n"))
                    .collect::<String>()
            ));
            s.push_str("        self._data = _pack(\n            {\n");
            for f in fields {
                s.push_str(&format!(
                    "                {}: {},\n",
                    literal(&f.wire),
                    f.attr
                ));
            }
            s.push_str("            }\n        )\n");
        }
        // fields: native descriptors (reading one runs no Python code)
        for f in fields {
            let hint = self.hint(&f.ty);
            let optional = !f.required || f.nullable;
            let ret = if optional {
                format!("{hint} | None")
            } else {
                hint
            };
            let doc = if f.description.is_empty() {
                format!("The `{}` field.", f.wire)
            } else {
                f.description.clone()
            };
            s.push_str(&format!(
                "\n    {}: Field[{ret}] = Field(\n        {},\n        {},\n        \"\"\"{}\"\"\",\n",
                f.attr,
                literal(&f.wire),
                literal(&f.attr),
                docstring(&doc, "        ")
            ));
            if optional {
                s.push_str("        required=False,\n");
            }
            let value = self.convert(&f.ty, "v", &format!("{name}.{}", f.attr));
            if value != "v" {
                s.push_str(&format!("        convert=lambda v: {value},\n"));
            }
            if matches!(self.resolve(&f.ty), Ty::Timestamp) {
                s.push_str("        timestamp=True,\n");
            }
            s.push_str("    )\n");
        }
        if let Some((field, item)) = self.iterable(name, fields) {
            let attr = &field.attr;
            let items = if field.required && !field.nullable {
                format!("self.{attr}")
            } else {
                format!("self.{attr} or ()")
            };
            s.push_str(&format!(
                "\n    def __iter__(self) -> Iterator[{item}]:\n        \"\"\"Iterates over `{attr}`.\"\"\"\n        return iter({items})\n\n    def __len__(self) -> int:\n        \"\"\"How many `{attr}` there are.\"\"\"\n        return len(_optional(self, {}) or ())\n",
                literal(&field.wire)
            ));
        }
        s
    }
}

fn alias_deps(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Alias(n) => out.push(n.clone()),
        Ty::List(t) | Ty::Map(t) => alias_deps(t, out),
        _ => {}
    }
}

fn schema_ty(s: &Value, classes: &BTreeSet<String>) -> Ty {
    if let Some(name) = ref_name(s) {
        return if classes.contains(name) {
            Ty::Model(name.to_string())
        } else {
            Ty::Alias(name.to_string())
        };
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        if let [single] = all.as_slice() {
            return schema_ty(single, classes);
        }
    }
    if s.get("oneOf").is_some() || s.get("anyOf").is_some() {
        return Ty::Any;
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let strings: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        if !strings.is_empty() && strings.len() == values.len() {
            return Ty::Enum(strings);
        }
    }
    match s.get("type").and_then(Value::as_str) {
        Some("string") if s.get("format").and_then(Value::as_str) == Some("date-time") => {
            Ty::Timestamp
        }
        Some("string") => Ty::Str,
        Some("integer") => Ty::Int,
        Some("number") => Ty::Float,
        Some("boolean") => Ty::Bool,
        Some("array") => Ty::List(Box::new(
            s.get("items")
                .map(|i| schema_ty(i, classes))
                .unwrap_or(Ty::Any),
        )),
        Some("object") => match s.get("additionalProperties") {
            Some(ap) if ap.is_object() && !ap.as_object().is_some_and(|o| o.is_empty()) => {
                Ty::Map(Box::new(schema_ty(ap, classes)))
            }
            _ => Ty::Dict,
        },
        _ => Ty::Any,
    }
}

/// The fields of an object schema, `allOf` members flattened in order.
fn collect_fields(
    schema: &Value,
    schemas: &BTreeMap<String, Value>,
    classes: &BTreeSet<String>,
    out: &mut Vec<Field>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            let part = match ref_name(part).and_then(|n| schemas.get(n)) {
                Some(target) => target,
                None => part,
            };
            collect_fields(part, schemas, classes, out, depth + 1);
        }
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (wire, prop) in props {
            let field = Field {
                wire: wire.clone(),
                attr: attribute(wire),
                ty: schema_ty(prop, classes),
                required: required.contains(&wire.as_str()),
                nullable: prop
                    .get("nullable")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                description: description(prop),
            };
            match out.iter_mut().find(|f| f.wire == *wire) {
                Some(existing) => *existing = field,
                None => out.push(field),
            }
        }
    }
    // `required` entries of an allOf member may name inherited fields
    for f in out.iter_mut() {
        if required.contains(&f.wire.as_str()) {
            f.required = true;
        }
    }
}
