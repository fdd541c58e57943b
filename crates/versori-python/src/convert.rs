//! Python values as the JSON of a request (arguments and bodies). Responses
//! take the other way, through `json`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use serde_json::{Map, Number, Value};

/// How deep nested containers may go before conversion gives up (guards
/// against self-referencing structures).
const MAX_DEPTH: usize = 256;

/// A Python value (dict, list, tuple, str, int, float, bool, None) as JSON.
/// Anything else is a `ValueError` naming where it was found (`at` is the
/// path so far, such as `body.files[0]`).
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, at: &str) -> PyResult<Value> {
    to_json_depth(obj, &At::Root(at), 0)
}

/// Where a value is, spelled out only for an error message (so converting
/// builds no path strings).
enum At<'a> {
    Root(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root(name) => f.write_str(name),
            At::Key(parent, key) => write!(f, "{parent}.{key}"),
            At::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

fn to_json_depth(obj: &Bound<'_, PyAny>, at: &At<'_>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(crate::errors::invalid(
            obj.py(),
            format!("{at} is nested more than {MAX_DEPTH} levels deep (a reference cycle?)"),
        ));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(crate::errors::invalid(
            obj.py(),
            format!("{at}: the integer {obj} does not fit in 64 bits"),
        ));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Number::from_f64(v).map(Value::Number).ok_or_else(|| {
            crate::errors::invalid(
                obj.py(),
                format!("{at}: {v} is not a finite number, JSON has none"),
            )
        });
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| {
                crate::errors::invalid(
                    obj.py(),
                    format!(
                        "{at}: keys of a JSON object must be strings, got {}",
                        type_name(&k)
                    ),
                )
            })?;
            let key = key.to_cow()?.into_owned();
            let value = to_json_depth(&v, &At::Key(at, &key), depth + 1)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        let mut items = Vec::with_capacity(l.len());
        for (i, v) in l.iter().enumerate() {
            items.push(to_json_depth(&v, &At::Index(at, i), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        let mut items = Vec::with_capacity(t.len());
        for (i, v) in t.iter().enumerate() {
            items.push(to_json_depth(&v, &At::Index(at, i), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    Err(crate::errors::invalid(
        obj.py(),
        format!(
            "{at}: a {} cannot be sent as JSON (use dict, list, str, int, float, bool or None)",
            type_name(obj)
        ),
    ))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "value".into())
}

/// Optional keyword arguments as a JSON object (`None` gives an empty one).
pub(crate) fn args_to_json(args: Option<&Bound<'_, PyDict>>) -> PyResult<Value> {
    match args {
        None => Ok(Value::Object(Map::new())),
        Some(d) => to_json(d.as_any(), "arguments"),
    }
}
