//! `RawJson`: a response body (or one value inside it) that was checked to
//! be JSON and is turned into Python objects only when asked.
//!
//! The typed methods of the package return models over a `RawJson`: the
//! call checks the whole body (UTF-8 and JSON syntax, with the GIL
//! released) so a malformed response still fails at once, and a model
//! decodes its object on first attribute access. A listing's items stay
//! undecoded in one `RawItems`: the first time the listing is reached, one
//! walk over the checked text (`scan`) records where every field of every
//! item is (`item_fields`), and each field read (`field::Field`) then
//! decodes just that value. A list of 10,000 models costs 10,000 model
//! objects and the values actually read, instead of 10,000 dicts with all
//! their keys and strings as well.

use bytes::Bytes;
use pyo3::exceptions::{PyIndexError, PyKeyError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyType};
use serde::de::IgnoredAny;

use crate::decode::Keys;
use crate::decode::{self, Failure};
use crate::errors::to_py_err;
use crate::item_fields::{self, ItemIndex};
use crate::model::{self, ModelBase};
use crate::scan::{self, Scanner};
use std::borrow::Cow;

/// A JSON value in a checked body: `body[start..end]` is valid UTF-8 and
/// exactly one JSON value (possibly with surrounding whitespace).
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct RawJson {
    body: Bytes,
    start: usize,
    end: usize,
    /// The response's HTTP status (None when made from Python).
    status: Option<u16>,
}

impl RawJson {
    /// Checks a success response's body; an empty body reads as `{}` (as
    /// the facade's `call` returns it), a malformed one is the facade's
    /// decode error. Runs without the GIL.
    pub(crate) fn checked(raw: versori::RawResponse) -> versori::Result<RawJson> {
        let status = Some(raw.status());
        if raw.is_empty() {
            return Ok(RawJson::whole(Bytes::from_static(b"{}"), status));
        }
        check(raw.body()).map_err(|e| match e {
            Check::Utf8(e) => raw.decode_error(e),
            Check::Json(e) => raw.decode_error(e),
        })?;
        Ok(RawJson::whole(raw.into_body(), status))
    }

    fn whole(body: Bytes, status: Option<u16>) -> RawJson {
        RawJson {
            start: 0,
            end: body.len(),
            body,
            status,
        }
    }

    /// The objects `index` describes (objects of this body) as one
    /// `RawItems`.
    pub(crate) fn items_with(&self, index: ItemIndex) -> RawItems {
        RawItems {
            body: self.body.clone(),
            index,
            status: self.status,
        }
    }

    /// This value's bytes.
    fn bytes(&self) -> &[u8] {
        self.body.get(self.start..self.end).unwrap_or_default()
    }

    /// This value's text and where it starts in the body. The body was
    /// checked when this was made, so a failure here is unexpected; it is
    /// still an error, never a panic.
    fn text(&self, py: Python<'_>) -> PyResult<(&str, usize)> {
        text_at(&self.body, self.start, self.end)
            .map(|text| (text, self.start))
            .map_err(|e| failed(py, self.status, self.bytes(), e))
    }

    /// The first byte of the value (after whitespace): `{`, `[`, `"`, ...
    fn first(&self) -> u8 {
        self.bytes()
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace())
            .unwrap_or(b'n')
    }
}

/// A field of an object being decoded: where its value is, or the index
/// of its items (an array of objects under a lazy key).
enum Field {
    Value((usize, usize)),
    Items(ItemIndex),
}

/// `body[start..end]` as text.
fn text_at(body: &[u8], start: usize, end: usize) -> Result<&str, Failure> {
    match body.get(start..end) {
        Some(bytes) => std::str::from_utf8(bytes).map_err(Failure::Utf8),
        None => Err(Failure::Json(
            <serde_json::Error as serde::de::Error>::custom(format!(
                "no value at {start}..{end} of a body of {} bytes",
                body.len()
            )),
        )),
    }
}

/// A decoding failure of `bytes` (from a response with `status`, or made
/// from Python) as the exception the package raises for it.
fn failed(py: Python<'_>, status: Option<u16>, bytes: &[u8], failure: Failure) -> PyErr {
    let message = match failure {
        Failure::Python(err) => return err,
        Failure::Json(e) => e.to_string(),
        Failure::Utf8(e) => e.to_string(),
    };
    match status {
        Some(status) => to_py_err(
            py,
            versori::RawResponse::new(status, Bytes::copy_from_slice(bytes)).decode_error(message),
        ),
        None => PyValueError::new_err(format!("invalid JSON: {message}")),
    }
}

/// The error for checked text that could not be followed again (a bug,
/// reported rather than panicking).
fn unreadable(py: Python<'_>, status: Option<u16>, bytes: &[u8]) -> PyErr {
    failed(
        py,
        status,
        bytes,
        Failure::Json(<serde_json::Error as serde::de::Error>::custom(
            "the checked body could not be read again",
        )),
    )
}

/// One value of a checked body (`text`) as a Python object.
fn value_to_py<'py>(
    py: Python<'py>,
    status: Option<u16>,
    text: &str,
) -> PyResult<Bound<'py, PyAny>> {
    item_fields::value_to_py(py, text).map_err(|e| failed(py, status, text.as_bytes(), e))
}

/// Why a body failed its check.
enum Check {
    Utf8(std::str::Utf8Error),
    Json(serde_json::Error),
}

/// Checks that `body` is UTF-8 text holding exactly one JSON value.
fn check(body: &[u8]) -> Result<(), Check> {
    let text = std::str::from_utf8(body).map_err(Check::Utf8)?;
    serde_json::from_str::<IgnoredAny>(text).map_err(Check::Json)?;
    Ok(())
}

#[pymethods]
impl RawJson {
    /// Checks JSON text (`str` or `bytes`); malformed text is a `ValueError`.
    #[new]
    fn new(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let body = if let Ok(s) = text.cast::<PyString>() {
            Bytes::from(s.to_cow()?.into_owned())
        } else if let Ok(b) = text.cast::<PyBytes>() {
            Bytes::copy_from_slice(b.as_bytes())
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "RawJson() takes str or bytes, not {}",
                text.get_type().name()?
            )));
        };
        check(&body).map_err(|e| {
            PyValueError::new_err(match e {
                Check::Utf8(e) => format!("invalid JSON: {e}"),
                Check::Json(e) => format!("invalid JSON: {e}"),
            })
        })?;
        Ok(RawJson::whole(body, None))
    }

    /// The JSON type of the value: "object", "array", "string", "number",
    /// "boolean" or "null".
    #[getter]
    fn kind(&self) -> &'static str {
        match self.first() {
            b'{' => "object",
            b'[' => "array",
            b'"' => "string",
            b't' | b'f' => "boolean",
            b'n' => "null",
            _ => "number",
        }
    }

    /// The HTTP status of the response this came from, if it came from one.
    #[getter]
    fn status(&self) -> Option<u16> {
        self.status
    }

    /// The value as plain Python objects (dicts, lists, str, int, float,
    /// bool, None), decoded now.
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (text, _) = self.text(py)?;
        decode::decode_str(py, text).map_err(|e| failed(py, self.status, self.bytes(), e))
    }

    /// An object as a dict, except that an array of objects under a key in
    /// `lazy` (the fields a model types as lists of models) is a
    /// `RawItems`, each item decoded when used. Any other value is decoded
    /// as with `value()`.
    #[pyo3(signature = (lazy=None))]
    fn object<'py>(
        &self,
        py: Python<'py>,
        lazy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut keys: Vec<String> = Vec::new();
        if let Some(lazy) = lazy {
            for key in lazy.try_iter()? {
                keys.push(key?.extract()?);
            }
        }
        // the body was checked to be UTF-8 JSON: only the slices decoded
        // below are validated again, not the whole of it
        let (bytes, offset) = (self.bytes(), self.start);
        let text = |start: usize, end: usize| std::str::from_utf8(bytes.get(start..end)?).ok();
        let mut scanner = Scanner::new(bytes);
        if scanner.peek() != Some(b'{') {
            return self.value(py);
        }
        // each field's value, or, for a lazy key holding an array of
        // objects, where each field of each item is (found in this same walk)
        let mut fields: Vec<(Cow<'_, str>, Field)> = Vec::new();
        scanner
            .object_with(|scanner, key| {
                let key = if key.escaped {
                    Cow::Owned(scan::unescape(bytes, &key)?)
                } else {
                    Cow::Borrowed(text(key.start, key.end)?)
                };
                if scanner.peek() == Some(b'[') && keys.iter().any(|k| **k == *key) {
                    let start = scanner.position();
                    if let Some(index) = scanner.object_items(offset) {
                        fields.push((key, Field::Items(index)));
                        return Some(());
                    }
                    // not all objects: decoded as a plain value below
                    scanner.rewind(start);
                }
                let value = scanner.value()?;
                fields.push((key, Field::Value(value)));
                Some(())
            })
            .ok_or_else(|| unreadable(py, self.status, bytes))?;
        let dict = PyDict::new(py);
        for (key, value) in fields {
            let decoded = match value {
                Field::Items(index) => Bound::new(py, self.items_with(index))?.into_any(),
                Field::Value((start, end)) => {
                    let value =
                        text(start, end).ok_or_else(|| unreadable(py, self.status, bytes))?;
                    value_to_py(py, self.status, value)?
                }
            };
            dict.set_item(Keys::take().key(py, &key), decoded)?;
        }
        Ok(dict.into_any())
    }

    /// An array of objects as a `RawItems`, each item decoded when used (an
    /// array holding anything else is decoded now, as a list). Any other
    /// value is decoded as with `value()`.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match Scanner::new(self.bytes()).object_items(self.start) {
            Some(index) => Ok(Bound::new(py, self.items_with(index))?.into_any()),
            // an array holding anything else, or no array
            None => self.value(py),
        }
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.bytes())
    }

    fn __repr__(&self) -> String {
        const SHOWN: usize = 60;
        let text = String::from_utf8_lossy(self.bytes());
        let text = text.trim();
        let mut shown: String = text.chars().take(SHOWN).collect();
        if text.chars().nth(SHOWN).is_some() {
            shown.push('…');
        }
        format!("RawJson({shown:?})")
    }
}

/// The objects of an array in a checked body, each field decoded when it
/// is read (the items of a model's list-of-models field).
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct RawItems {
    body: Bytes,
    /// Where each object's fields are in the body.
    index: ItemIndex,
    status: Option<u16>,
}

impl RawItems {
    fn out_of_range(&self, index: usize) -> PyErr {
        PyIndexError::new_err(format!(
            "item {index} of {} is out of range",
            self.index.len()
        ))
    }

    /// The value under `key` in item `index` as a Python object, or None
    /// when the item has no such key.
    pub(crate) fn field<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        key: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.index.get(&self.body, index, key) {
            Ok(Some(value)) => value_to_py(py, self.status, value).map(Some),
            Ok(None) => Ok(None),
            Err(()) => Err(self.out_of_range(index)),
        }
    }

    /// The keys of item `index`, in order.
    pub(crate) fn keys(&self, index: usize) -> PyResult<Vec<String>> {
        let fields = self
            .index
            .fields(&self.body, index)
            .ok_or_else(|| self.out_of_range(index))?;
        Ok(fields.filter_map(|(k, _)| k.map(str::to_owned)).collect())
    }

    /// Item `index` as a dict; the arrays of objects under the keys in
    /// `lazy` are `RawItems` themselves.
    fn dict_at<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        lazy: &[String],
    ) -> PyResult<Bound<'py, PyDict>> {
        let fields = self
            .index
            .fields(&self.body, index)
            .ok_or_else(|| self.out_of_range(index))?;
        let dict = PyDict::new(py);
        for (key, value) in fields {
            let (Some(key), Some(value)) = (key, value) else {
                return Err(unreadable(py, self.status, b""));
            };
            let decoded = if value.starts_with('[') && lazy.iter().any(|k| k == key) {
                self.nested(value).items(py)?
            } else {
                value_to_py(py, self.status, value)?
            };
            let key = Keys::take().key(py, key);
            dict.set_item(key, decoded)?;
        }
        Ok(dict)
    }

    /// `value`, a slice of this body, as a `RawJson`.
    fn nested(&self, value: &str) -> RawJson {
        let start = (value.as_ptr() as usize).saturating_sub(self.body.as_ptr() as usize);
        RawJson {
            body: self.body.clone(),
            start,
            end: start + value.len(),
            status: self.status,
        }
    }
}

#[pymethods]
impl RawItems {
    fn __len__(&self) -> usize {
        self.index.len()
    }

    /// Item `index` as plain Python objects (a dict).
    pub(crate) fn value_at<'py>(
        &self,
        py: Python<'py>,
        index: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        self.dict_at(py, index, &[])
    }

    /// Item `index` as a dict whose arrays of objects under the keys in
    /// `lazy` are `RawItems` (as `RawJson.object`).
    fn object_at<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        lazy: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let mut keys: Vec<String> = Vec::new();
        for key in lazy.try_iter()? {
            keys.push(key?.extract()?);
        }
        self.dict_at(py, index, &keys)
    }

    /// The value under `key` in item `index` (decoded now; a `KeyError`
    /// when the item has no such key).
    fn field_at<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        key: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, index, key)?
            .ok_or_else(|| PyKeyError::new_err(key.to_owned()))
    }

    /// A model of class `cls` (a model class) over each item, each field
    /// decoded when it is read.
    fn models<'py>(
        slf: &Bound<'py, Self>,
        cls: &Bound<'py, PyType>,
    ) -> PyResult<Bound<'py, PyList>> {
        let py = slf.py();
        if !cls.is_subclass_of::<ModelBase>()? {
            return Err(PyTypeError::new_err(format!(
                "RawItems.models() needs a model class, not {}",
                cls.name()?
            )));
        }
        let new = cls.getattr(intern!(py, "__new__"))?;
        let mut models = Vec::with_capacity(slf.get().index.len());
        for index in 0..slf.get().index.len() {
            let model = new.call1((cls,))?;
            {
                let mut state = model.cast::<ModelBase>()?.try_borrow_mut()?;
                state.raw = Some(slf.clone().into_any().unbind());
                state.index = index;
            }
            model::untrack(&model);
            models.push(model);
        }
        PyList::new(py, models)
    }

    /// Every item as plain Python objects: a list of dicts.
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = (0..self.index.len())
            .map(|i| self.value_at(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    fn __repr__(&self) -> String {
        format!("RawItems({} objects)", self.index.len())
    }
}
