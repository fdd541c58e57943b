//! `RawJson` and `RawItems`: a response body checked when it arrived, turned
//! into Python objects only where it is read.
//!
//! A call's body is checked and indexed in one walk without the GIL
//! ([`RawJson::checked`], see `json`). A model over it is a model over one
//! of its objects, held as a `RawItems` (the top-level object is a
//! `RawItems` of one, a listing's items are the `RawItems` of their array):
//! each field read (`field::Field`) decodes just that value, and an array of
//! objects under a top-level key comes back as a `RawItems` itself, each of
//! its items decoded when used. A list of 10,000 models costs 10,000 model
//! objects and the values actually read, instead of 10,000 dicts with all
//! their keys and strings as well.

use std::sync::Arc;

use bytes::Bytes;
use pyo3::exceptions::{PyIndexError, PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyType};

use crate::errors::to_py_err;
use crate::item_fields::{Hint, ItemIndex};
use crate::json::{self, Arrays, Invalid, Shape, Text};
use crate::keys::Keys;
use crate::model::{self, ModelBase};

/// A checked body (or one value inside one): `body[start..end]` is valid
/// UTF-8 and exactly one JSON value, whose shape the check recorded.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct RawJson {
    body: Text,
    start: usize,
    end: usize,
    /// The response's HTTP status (None when made from Python).
    status: Option<u16>,
    shape: Shape,
}

impl RawJson {
    /// Checks a success response's body; an empty body reads as `{}` (as
    /// the facade's `call` returns it), a malformed one is the facade's
    /// decode error. Runs without the GIL.
    pub(crate) fn checked(raw: versori::RawResponse) -> versori::Result<RawJson> {
        let status = Some(raw.status());
        let body = if raw.is_empty() {
            Bytes::from_static(b"{}")
        } else {
            raw.body().clone()
        };
        RawJson::new_checked(body, status).map_err(|e| raw.decode_error(e))
    }

    /// `body`, checked, as a whole.
    fn new_checked(body: Bytes, status: Option<u16>) -> Result<RawJson, Invalid> {
        let body = Text::new(body)?;
        let shape = json::check_text(body.as_str(), 0)?;
        Ok(RawJson {
            start: 0,
            end: body.as_str().len(),
            body,
            status,
            shape,
        })
    }

    /// A value (`start..end`) of a checked `body`, its shape walked now.
    fn nested(body: &Text, start: usize, end: usize, status: Option<u16>) -> Result<Self, Invalid> {
        let text = body.as_str().get(start..end).ok_or_else(|| {
            Invalid(format!(
                "no value at {start}..{end} of a body of {} bytes",
                body.as_str().len()
            ))
        })?;
        Ok(RawJson {
            shape: json::check_text(text, start)?,
            body: body.clone(),
            start,
            end,
            status,
        })
    }

    /// This value's bytes.
    fn bytes(&self) -> &[u8] {
        self.body
            .as_str()
            .as_bytes()
            .get(self.start..self.end)
            .unwrap_or_default()
    }

    /// The first byte of the value (after whitespace): `{`, `[`, `"`, ...
    fn first(&self) -> u8 {
        self.bytes()
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace())
            .unwrap_or(b'n')
    }

    /// The object as a `RawItems` of one, or None when it is not an object.
    pub(crate) fn record(&self) -> Option<RawItems> {
        match &self.shape {
            Shape::Object { fields, arrays } => Some(RawItems {
                body: self.body.clone(),
                index: fields.clone(),
                arrays: Some(arrays.clone()),
                status: self.status,
            }),
            _ => None,
        }
    }

    /// The array of objects as a `RawItems`, or None when it is not one.
    fn objects(&self) -> Option<RawItems> {
        match &self.shape {
            Shape::Objects(index) => {
                Some(RawItems::new(self.body.clone(), index.clone(), self.status))
            }
            _ => None,
        }
    }
}

/// A failure to read `bytes` (from a response with `status`, or made from
/// Python) as the exception the package raises for it.
fn failed(py: Python<'_>, status: Option<u16>, bytes: &[u8], e: Invalid) -> PyErr {
    match status {
        Some(status) => to_py_err(
            py,
            versori::RawResponse::new(status, Bytes::copy_from_slice(bytes)).decode_error(e),
        ),
        None => PyValueError::new_err(format!("invalid JSON: {e}")),
    }
}

/// One value of a checked body as a Python object.
fn value_to_py<'py>(
    py: Python<'py>,
    status: Option<u16>,
    text: &str,
) -> PyResult<Bound<'py, PyAny>> {
    json::text_to_py(py, text).map_err(|e| failed(py, status, text.as_bytes(), e))
}

/// `str` or `bytes` as bytes, for the constructors that take JSON text.
pub(crate) fn text_arg(what: &str, text: &Bound<'_, PyAny>) -> PyResult<Bytes> {
    if let Ok(s) = text.cast::<PyString>() {
        Ok(Bytes::from(s.to_cow()?.into_owned()))
    } else if let Ok(b) = text.cast::<PyBytes>() {
        Ok(Bytes::copy_from_slice(b.as_bytes()))
    } else {
        Err(PyTypeError::new_err(format!(
            "{what}() takes str or bytes, not {}",
            text.get_type().name()?
        )))
    }
}

/// `json.loads` for JSON text (`bytes` or `str`), with the SDK's decoder.
/// Malformed text is a `ValueError` saying where.
#[pyfunction]
pub(crate) fn loads<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let text = text_arg("loads", text)?;
    json::check(&text, 0).map_err(|e| PyValueError::new_err(format!("invalid JSON: {e}")))?;
    json::to_py(py, &text).map_err(|e| PyValueError::new_err(format!("invalid JSON: {e}")))
}

#[pymethods]
impl RawJson {
    /// Checks JSON text (`str` or `bytes`); malformed text is a `ValueError`.
    #[new]
    fn py_new(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        RawJson::new_checked(text_arg("RawJson", text)?, None)
            .map_err(|e| PyValueError::new_err(format!("invalid JSON: {e}")))
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
    pub(crate) fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_py(py, self.bytes()).map_err(|e| failed(py, self.status, self.bytes(), e))
    }

    /// An object as a `RawItems` of one item (its fields read one by one);
    /// anything else is a `TypeError`.
    #[pyo3(name = "record")]
    fn py_record(&self) -> PyResult<RawItems> {
        self.record()
            .ok_or_else(|| PyTypeError::new_err(format!("a JSON {} is not an object", self.kind())))
    }

    /// An array of objects as a `RawItems`, each item decoded when used (an
    /// array holding anything else is decoded now, as a list). Any other
    /// value is decoded as with `value()`.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.objects() {
            Some(items) => Ok(Bound::new(py, items)?.into_any()),
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

/// Objects of a checked body, each field decoded when it is read: the items
/// of a listing, or (as one item) the top-level object of a response.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct RawItems {
    body: Text,
    /// Where each object's fields are in the body.
    index: Arc<ItemIndex>,
    /// For a top-level object: its values that are arrays of objects,
    /// indexed by the check.
    arrays: Option<Arc<Arrays>>,
    status: Option<u16>,
}

impl RawItems {
    /// The objects `index` describes (objects of `body`).
    pub(crate) fn new(body: Text, index: Arc<ItemIndex>, status: Option<u16>) -> Self {
        RawItems {
            body,
            index,
            arrays: None,
            status,
        }
    }

    fn out_of_range(&self, index: usize) -> PyErr {
        PyIndexError::new_err(format!(
            "item {index} of {} is out of range",
            self.index.len()
        ))
    }

    /// The error for an index that does not match its body (a bug,
    /// reported rather than panicking).
    fn unreadable(&self, py: Python<'_>) -> PyErr {
        failed(
            py,
            self.status,
            b"",
            Invalid("the checked body could not be read again".into()),
        )
    }

    /// The value of entry `entry` (`text`) as a Python object: an array of
    /// objects the check indexed is a `RawItems`; with `nested`, so is any
    /// other array of objects (walked now); anything else is decoded.
    fn decode<'py>(
        &self,
        py: Python<'py>,
        entry: usize,
        text: &str,
        nested: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(index) = self.arrays.as_ref().and_then(|a| a.get(entry)) {
            let items = RawItems::new(self.body.clone(), index.clone(), self.status);
            return Ok(Bound::new(py, items)?.into_any());
        }
        if nested && text.starts_with('[') {
            let start =
                (text.as_ptr() as usize).saturating_sub(self.body.as_str().as_ptr() as usize);
            let raw = RawJson::nested(&self.body, start, start + text.len(), self.status)
                .map_err(|e| failed(py, self.status, text.as_bytes(), e))?;
            return raw.items(py);
        }
        value_to_py(py, self.status, text)
    }

    /// The value under `key` in item `index` as a Python object (an array
    /// of objects of a top-level object is a `RawItems`), or None when the
    /// item has no such key.
    pub(crate) fn field<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        key: &str,
        hint: &Hint,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.index.find_near(self.body.as_str(), index, key, hint) {
            Ok(Some((entry, value))) => self.decode(py, entry, value, false).map(Some),
            Ok(None) => Ok(None),
            Err(()) => Err(self.out_of_range(index)),
        }
    }

    /// The text of the string under `key` in item `index` when it is a
    /// JSON string without escapes (so its text is the string), else None.
    pub(crate) fn plain_string(
        &self,
        index: usize,
        key: &str,
        hint: &Hint,
    ) -> PyResult<Option<&str>> {
        match self.index.find_near(self.body.as_str(), index, key, hint) {
            Ok(value) => Ok(value.and_then(|(_, text)| json::plain_string(text))),
            Err(()) => Err(self.out_of_range(index)),
        }
    }

    /// The keys of item `index`, in order.
    pub(crate) fn keys(&self, index: usize) -> PyResult<Vec<String>> {
        let fields = self
            .index
            .entries(self.body.as_str(), index)
            .ok_or_else(|| self.out_of_range(index))?;
        Ok(fields
            .filter_map(|(_, k, _)| k.map(str::to_owned))
            .collect())
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
            .entries(self.body.as_str(), index)
            .ok_or_else(|| self.out_of_range(index))?;
        let dict = PyDict::new(py);
        let mut keys = Keys::take();
        for (entry, key, value) in fields {
            let (Some(key), Some(value)) = (key, value) else {
                return Err(self.unreadable(py));
            };
            let decoded = if lazy.iter().any(|k| k == key) {
                self.decode(py, entry, value, true)?
            } else {
                value_to_py(py, self.status, value)?
            };
            dict.set_item(keys.key(py, key), decoded)?;
        }
        Ok(dict)
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
    /// `lazy` are `RawItems`.
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
        self.field(py, index, key, &Hint::default())?
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
        let new = model::Constructor::of(cls)?;
        let untrack = model::may_untrack(cls)?;
        let mut models = Vec::with_capacity(slf.get().index.len());
        for index in 0..slf.get().index.len() {
            let model = new.make()?;
            model::over_item(&model, slf, index, untrack)?;
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
