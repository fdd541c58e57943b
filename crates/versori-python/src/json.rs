//! The one way from a response body to Python objects, on jiter
//! (pydantic's JSON parser).
//!
//! Every body is walked once, when it arrives and without the GIL
//! ([`check`]): the walk validates it (UTF-8 and JSON syntax) and, in the
//! same pass, records where each field of the top-level object is and where
//! each field of each item of an array of objects is (the top-level array,
//! or one directly under a top-level key: a listing's items). Python
//! objects are built later, from those places ([`to_py`], over jiter's
//! tokens): a model reads one field of one item without decoding the rest.
//! There is no `serde_json::Value` anywhere on the way, and integers of any
//! size come out exact (Python `int`s).
//!
//! jiter's own Python builder (its `python` feature) does not compile for
//! the stable ABI this module is built for (abi3, Python 3.9+: it extracts
//! `&str` from Python objects, which PyO3 offers there from 3.10 only), so
//! the few lines that make Python objects from jiter's tokens are here,
//! with a cache of object keys (`keys`).

use std::sync::Arc;

use bytes::Bytes;
use jiter::{Jiter, JiterError, NumberInt, Peek};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::item_fields::{ItemIndex, KeyText};
use crate::keys::Keys;

/// Why a body is not one JSON value.
#[derive(Debug)]
pub(crate) struct Invalid(pub(crate) String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the walk found at the top of a body.
#[derive(Default)]
pub(crate) enum Shape {
    /// An object: its fields (item 0 of `fields`), and the item index of
    /// each of its values that is an array of objects, by entry.
    Object {
        fields: Arc<ItemIndex>,
        arrays: Arc<Arrays>,
    },
    /// An array whose items are all objects.
    Objects(Arc<ItemIndex>),
    /// Anything else.
    #[default]
    Other,
}

/// The arrays of objects among a top-level object's values, by the entry
/// (position among its fields) they are the value of.
#[derive(Default)]
pub(crate) struct Arrays(Vec<(usize, Arc<ItemIndex>)>);

impl Arrays {
    /// The item index of the array that is the value of entry `entry`.
    pub(crate) fn get(&self, entry: usize) -> Option<&Arc<ItemIndex>> {
        self.0.iter().find(|(e, _)| *e == entry).map(|(_, i)| i)
    }
}

fn invalid(jiter: &Jiter<'_>, e: JiterError) -> Invalid {
    Invalid(e.description(jiter))
}

/// A body read as UTF-8 once, when it arrived: every later read of its
/// text (a field's value, a key) is a slice of it, with no second check.
#[derive(Clone, Default)]
pub(crate) struct Text(Bytes);

impl Text {
    /// `bytes`, when they are UTF-8.
    pub(crate) fn new(bytes: Bytes) -> Result<Text, Invalid> {
        std::str::from_utf8(&bytes).map_err(|e| Invalid(e.to_string()))?;
        Ok(Text(bytes))
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // SAFETY: `new`, the only constructor besides the empty default,
        // checked that these bytes are UTF-8, and `Bytes` never changes
        // its contents.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

/// Checks that `text` (which starts at `base` in its body) is UTF-8 holding
/// exactly one JSON value, and records its shape (see the module docs).
pub(crate) fn check(text: &[u8], base: usize) -> Result<Shape, Invalid> {
    let text = std::str::from_utf8(text).map_err(|e| Invalid(e.to_string()))?;
    check_text(text, base)
}

/// As [`check`], for text already known to be UTF-8 (a [`Text`] or a
/// slice of one).
pub(crate) fn check_text(text: &str, base: usize) -> Result<Shape, Invalid> {
    let bytes = text.as_bytes();
    let mut jiter = Jiter::new(bytes);
    let shape = walk(&mut jiter, bytes, base).map_err(|e| invalid(&jiter, e))?;
    jiter.finish().map_err(|e| invalid(&jiter, e))?;
    Ok(shape)
}

fn walk(jiter: &mut Jiter<'_>, text: &[u8], base: usize) -> Result<Shape, JiterError> {
    Ok(match jiter.peek()? {
        Peek::Object => {
            let mut fields = ItemIndex::default();
            let mut arrays = Vec::new();
            fields.start_item();
            object(jiter, text, base, &mut fields, Some(&mut arrays))?;
            Shape::Object {
                fields: Arc::new(fields),
                arrays: Arc::new(Arrays(arrays)),
            }
        }
        Peek::Array => match objects(jiter, text, base)? {
            Some(items) => Shape::Objects(Arc::new(items)),
            None => Shape::Other,
        },
        peek => {
            jiter.known_skip(peek)?;
            Shape::Other
        }
    })
}

/// The items of an array (the parser is at its `[`) when they are all
/// objects: where each field of each is. None when one is not an object
/// (the array is still walked to its end, and checked).
fn objects(
    jiter: &mut Jiter<'_>,
    text: &[u8],
    base: usize,
) -> Result<Option<ItemIndex>, JiterError> {
    let mut index = Some(ItemIndex::default());
    let mut next = jiter.known_array()?;
    while let Some(peek) = next {
        match (&mut index, peek) {
            (Some(items), Peek::Object) => {
                items.start_item();
                object(jiter, text, base, items, None)?;
            }
            _ => {
                index = None;
                jiter.known_skip(peek)?;
            }
        }
        next = jiter.array_step()?;
    }
    Ok(index)
}

/// The fields of an object (the parser is at its `{`), added to the
/// current item of `index`; with `arrays`, the arrays of objects among its
/// values are indexed too.
fn object(
    jiter: &mut Jiter<'_>,
    text: &[u8],
    base: usize,
    index: &mut ItemIndex,
    mut arrays: Option<&mut Vec<(usize, Arc<ItemIndex>)>>,
) -> Result<(), JiterError> {
    let at = |at: usize| JiterError {
        error_type: jiter::JiterErrorType::JsonError(jiter::JsonErrorType::InternalError(
            "a body too large to index".to_owned(),
        )),
        index: at,
    };
    let mut key = jiter.known_object()?.map(|k| owned_key(text, base, k));
    while let Some(k) = key {
        let peek = jiter.peek()?;
        let start = jiter.current_index();
        let items = match (&mut arrays, peek) {
            (Some(_), Peek::Array) => objects(jiter, text, base)?,
            _ => {
                jiter.known_skip(peek)?;
                None
            }
        };
        let end = jiter.current_index();
        let entry = index
            .add(k.as_key(), (base + start, base + end))
            .map_err(|_| at(start))?;
        if let (Some(arrays), Some(items)) = (&mut arrays, items) {
            arrays.push((entry, Arc::new(items)));
        }
        key = jiter.next_key()?.map(|k| owned_key(text, base, k));
    }
    Ok(())
}

/// A key as the parser gave it: where it is in the body when it had no
/// escapes (the parser's text is then a slice of the body), or decoded.
enum OwnedKey {
    At(usize, usize),
    Decoded(Box<str>),
}

impl OwnedKey {
    fn as_key(&self) -> KeyText<'_> {
        match self {
            OwnedKey::At(start, end) => KeyText::At(*start, *end),
            OwnedKey::Decoded(k) => KeyText::Decoded(k),
        }
    }
}

fn owned_key(text: &[u8], base: usize, key: &str) -> OwnedKey {
    let range = text.as_ptr_range();
    let start = key.as_ptr();
    if range.contains(&start) || (key.is_empty() && start == range.end) {
        let offset = start as usize - range.start as usize;
        OwnedKey::At(base + offset, base + offset + key.len())
    } else {
        OwnedKey::Decoded(key.into())
    }
}

/// The text of `text`, a JSON string without escapes, with its quotes taken
/// off (so it is the string itself); None for anything else.
pub(crate) fn plain_string(text: &str) -> Option<&str> {
    text.strip_prefix('"')?
        .strip_suffix('"')
        .filter(|inner| !has_escape(inner.as_bytes()))
}

/// Whether a JSON string's bytes hold a `\`. Field values are short, so
/// every byte is looked at without an early exit, which the compiler turns
/// into a few wide compares (a `memchr` call costs more than that here).
fn has_escape(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |seen, &b| seen | (b == b'\\'))
}

/// As [`to_py`], for a value of a checked body (UTF-8 already): a string
/// without escapes, the commonest field value, is made at once, without
/// reading its text as UTF-8 again.
pub(crate) fn text_to_py<'py>(py: Python<'py>, text: &str) -> Result<Bound<'py, PyAny>, Invalid> {
    match plain_string(text) {
        Some(inner) => Ok(PyString::new(py, inner).into_any()),
        None => to_py(py, text.as_bytes()),
    }
}

/// One checked JSON value (`text`, whitespace around it allowed) as a
/// Python object: strings without escapes, booleans and null directly,
/// anything else built from jiter's tokens, object keys shared through the
/// key cache.
pub(crate) fn to_py<'py>(py: Python<'py>, text: &[u8]) -> Result<Bound<'py, PyAny>, Invalid> {
    match text {
        [b'"', inner @ .., b'"'] if !has_escape(inner) => {
            if let Ok(s) = std::str::from_utf8(inner) {
                return Ok(PyString::new(py, s).into_any());
            }
        }
        b"true" => return Ok(PyBool::new(py, true).to_owned().into_any()),
        b"false" => return Ok(PyBool::new(py, false).to_owned().into_any()),
        b"null" => return Ok(py.None().into_bound(py)),
        _ => {}
    }
    let mut jiter = Jiter::new(text);
    let mut builder = Builder {
        py,
        keys: Keys::take(),
    };
    let built = jiter
        .peek()
        .map_err(Failure::Json)
        .and_then(|peek| builder.value(&mut jiter, peek))
        .and_then(|value| jiter.finish().map(|()| value).map_err(Failure::Json));
    built.map_err(|e| match e {
        Failure::Json(e) => invalid(&jiter, e),
        Failure::Python(e) => Invalid(format!("a Python object could not be made: {e}")),
    })
}

/// Why building stopped.
enum Failure {
    Json(JiterError),
    Python(PyErr),
}

impl From<JiterError> for Failure {
    fn from(e: JiterError) -> Self {
        Failure::Json(e)
    }
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Self {
        Failure::Python(e)
    }
}

/// Makes Python objects from jiter's tokens. Only checked text is built
/// (nested at most as deep as the check allows), so the recursion is
/// bounded.
struct Builder<'py> {
    py: Python<'py>,
    keys: Keys<'static>,
}

impl<'py> Builder<'py> {
    fn value(&mut self, jiter: &mut Jiter<'_>, peek: Peek) -> Result<Bound<'py, PyAny>, Failure> {
        let py = self.py;
        Ok(match peek {
            Peek::Null => {
                jiter.known_null()?;
                py.None().into_bound(py)
            }
            Peek::True | Peek::False => PyBool::new(py, jiter.known_bool(peek)?)
                .to_owned()
                .into_any(),
            Peek::String => PyString::new(py, jiter.known_str()?).into_any(),
            Peek::Array => {
                let mut items = Vec::new();
                let mut next = jiter.known_array()?;
                while let Some(peek) = next {
                    items.push(self.value(jiter, peek)?);
                    next = jiter.array_step()?;
                }
                PyList::new(py, items)?.into_any()
            }
            Peek::Object => {
                let dict = PyDict::new(py);
                let mut key = jiter.known_object()?.map(|k| self.keys.key(py, k));
                while let Some(k) = key {
                    let peek = jiter.peek()?;
                    dict.set_item(k, self.value(jiter, peek)?)?;
                    key = jiter.next_key()?.map(|k| self.keys.key(py, k));
                }
                dict.into_any()
            }
            _ => number(py, jiter.known_number_bytes(peek)?)?,
        })
    }
}

/// A JSON number (checked text) as a Python `int` (of any size) or `float`.
fn number<'py>(py: Python<'py>, text: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    // checked JSON numbers are ASCII
    let text = std::str::from_utf8(text).unwrap_or_default();
    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        let value: f64 = text.parse().unwrap_or(f64::NAN);
        return Ok(PyFloat::new(py, value).into_any());
    }
    match text.parse::<i64>() {
        Ok(i) => Ok(i.into_pyobject(py)?.into_any()),
        // beyond 64 bits: Python's own int() reads every digit
        Err(_) => py.get_type::<PyInt>().call1((text,)),
    }
}

/// The string `text` (a checked JSON value) holds, or None when it holds
/// anything else.
pub(crate) fn string(text: &[u8]) -> Option<String> {
    Jiter::new(text).next_str().ok().map(str::to_owned)
}

/// The non-negative integer `text` (a checked JSON value) holds, or None
/// when it holds anything else.
pub(crate) fn count(text: &[u8]) -> Option<u64> {
    // without jiter's big-integer support, anything past 64 bits is an error
    let NumberInt::Int(n) = Jiter::new(text).next_int().ok()?;
    u64::try_from(n).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(String, String)> {
        let Ok(Shape::Object { fields, .. }) = check(text.as_bytes(), 0) else {
            panic!("not an object: {text}");
        };
        fields
            .entries(text, 0)
            .map(|f| {
                f.map(|(_, k, v)| (k.unwrap_or("?").to_owned(), v.unwrap_or("?").to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn finds_every_field_of_an_object() {
        let text = r#" { "a" : 1.5e3 , "b\"c": "x\\\"]}y", "d": {"e": [1, {"f": "}"}]}, "g": [] ,"h":null, "": 2} "#;
        let found = fields(text);
        let found: Vec<(&str, &str)> = found
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("a", "1.5e3"),
                ("b\"c", r#""x\\\"]}y""#),
                ("d", r#"{"e": [1, {"f": "}"}]}"#),
                ("g", "[]"),
                ("h", "null"),
                ("", "2"),
            ]
        );
        assert!(fields("{}").is_empty());
    }

    #[test]
    fn indexes_arrays_of_objects_at_the_top_and_under_top_level_keys() {
        let text = r#"[{"id": "a", "n": 1}, {}, {"k\u0041": [true]}]"#;
        let Ok(Shape::Objects(index)) = check(text.as_bytes(), 0) else {
            panic!("not indexed");
        };
        let body = text;
        assert_eq!(index.len(), 3);
        assert_eq!(index.get(body, 0, "id"), Ok(Some("\"a\"")));
        assert_eq!(index.get(body, 0, "n"), Ok(Some("1")));
        assert_eq!(index.get(body, 1, "id"), Ok(None));
        assert_eq!(index.get(body, 2, "kA"), Ok(Some("[true]")));

        let page = r#"{"totalCount": 2, "items": [{"id": "x"}, {"id": "y"}], "other": [1, {"a": 2}], "next": "c"}"#;
        let Ok(Shape::Object { fields, arrays }) = check(page.as_bytes(), 0) else {
            panic!("not an object");
        };
        let body = page;
        let (entry, _) = fields.find(body, 0, "items").ok().flatten().expect("items");
        let items = arrays.get(entry).expect("items indexed");
        assert_eq!(items.get(body, 1, "id"), Ok(Some("\"y\"")));
        let (other, _) = fields.find(body, 0, "other").ok().flatten().expect("other");
        assert!(
            arrays.get(other).is_none(),
            "an array holding a number is not indexed"
        );
        assert!(matches!(check(b" [ ] ", 0), Ok(Shape::Objects(i)) if i.len() == 0));
        assert!(matches!(check(b"[1]", 0), Ok(Shape::Other)));
    }

    #[test]
    fn offsets_are_shifted_by_the_base() {
        let body = r#"xx{"a": [{"b": 1}]}"#;
        let Ok(Shape::Object { fields, arrays }) = check_text(&body[2..], 2) else {
            panic!("not an object");
        };
        let (entry, value) = fields.find(body, 0, "a").ok().flatten().expect("a");
        assert_eq!(value, r#"[{"b": 1}]"#);
        let items = arrays.get(entry).expect("indexed");
        assert_eq!(items.get(body, 0, "b"), Ok(Some("1")));
    }

    #[test]
    fn text_that_is_not_one_json_value_is_refused_with_its_position() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\": [",
            "[{\"a\": \"x",
            "[{",
            "{\"a\" 1}",
            "[{\"a\": 1} {}]",
            "\"\\",
            "[1,]",
            "{\"a\":1,}",
            "nul",
            "[1] 2",
            "\"\\x\"",
            "\"\u{1}\"",
        ] {
            let err = check(text.as_bytes(), 0).err();
            assert!(err.is_some(), "{text:?} was accepted");
        }
        let err = check(b"\xff", 0).err().map(|e| e.0).unwrap_or_default();
        assert!(err.contains("utf-8"), "{err}");
        let err = check(b"[1, }", 0).err().map(|e| e.0).unwrap_or_default();
        assert!(err.contains("line 1 column 5"), "{err}");
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(check(deep.as_bytes(), 0).is_err());
    }

    #[test]
    fn reads_strings_and_counts() {
        assert_eq!(string(br#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(string(b"null"), None);
        assert_eq!(string(b"1"), None);
        assert_eq!(count(b"42"), Some(42));
        for other in [
            &b"null"[..],
            b"-1",
            b"1.5",
            b"\"1\"",
            b"123456789012345678901234",
        ] {
            assert_eq!(count(other), None);
        }
    }
}
