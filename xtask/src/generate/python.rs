//! The Python package's generated layer (`python/versori/_generated_*.py`):
//! typed models for the spec's component schemas ([`crate::generate::python_models`])
//! and one method per operation on the sync and async clients, plus the
//! resource groups ([`crate::generate::python_client`]).
//!
//! Both files are plain Python with inline type hints (checked by
//! `mypy --strict` in `cargo xtask test`), so no separate stubs are needed
//! for them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Result;
use crate::generate::artifacts::Artifact;
use crate::generate::optable::Operation;
use crate::spec::Document;

/// Python's reserved words; a name equal to one gets a trailing `_`.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A name usable as a Python identifier: `in` → `in_`.
pub fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// The snake_case attribute of a wire (camelCase) field name:
/// `externalId` → `external_id`, `in` → `in_`.
pub fn attribute(wire: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = wire.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == ' ' || c == '.' {
            out.push('_');
            continue;
        }
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase()));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    ident(&out)
}

/// A Python string literal (double-quoted, escaped).
pub fn literal(text: &str) -> String {
    let mut s = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// A docstring body: the text wrapped at about 88 columns, safe inside
/// triple quotes, indented by `indent` after the first line.
pub fn docstring(text: &str, indent: &str) -> String {
    let clean = text.replace('\\', "\\\\").replace("\"\"\"", "'''");
    let mut lines: Vec<String> = Vec::new();
    for para in clean.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.len() + word.len() + 1 > 80 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            if !l.is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(l);
    }
    if out.ends_with('"') {
        out.push(' ');
    }
    out
}

/// The generated Python files.
pub fn artifacts(doc: &Document, table: &[Operation]) -> Result<Vec<Artifact>> {
    let schemas: BTreeMap<String, Value> = doc
        .value
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let models = crate::generate::python_models::Models::new(doc, &schemas);
    Ok(vec![
        Artifact {
            path: "python/versori/_generated_models.py".into(),
            contents: models.render(),
        },
        Artifact {
            path: "python/versori/_generated_client.py".into(),
            contents: crate::generate::python_client::render(doc, table, &models)?,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_snake_case_identifiers() {
        assert_eq!(attribute("externalId"), "external_id");
        assert_eq!(attribute("organisationId"), "organisation_id");
        assert_eq!(attribute("in"), "in_");
        assert_eq!(attribute("baseURL"), "base_url");
        assert_eq!(attribute("totalCount"), "total_count");
        assert_eq!(attribute("id"), "id");
        assert_eq!(attribute("oauth2"), "oauth2");
        assert_eq!(attribute("URLTemplate"), "url_template");
    }

    #[test]
    fn docstrings_cannot_close_early() {
        let d = docstring("ends with \"\"\" and a quote\"", "    ");
        assert!(!d.contains("\"\"\""));
        assert!(!d.ends_with('"'));
        assert_eq!(literal("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
