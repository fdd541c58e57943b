//! `RawJson`: a response body (or one value inside it) that was checked to
//! be JSON and is turned into Python objects only when asked.
//!
//! The typed methods of the package return models over a `RawJson`: the
//! call checks the whole body (UTF-8 and JSON syntax, with the GIL
//! released) so a malformed response still fails at once, and a model
//! decodes its object on first attribute access. A listing's items stay
//! undecoded in one `RawItems` (where each object is in the shared body)
//! until each item is used, so a list of 10,000 models costs 10,000 model
//! objects instead of 10,000 dicts with their keys and strings as well.

use bytes::Bytes;
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use serde::de::IgnoredAny;

use crate::decode::{self, Failure};
use crate::errors::to_py_err;

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

    /// The objects at `spans` (ranges of this body) as one `RawItems`.
    pub(crate) fn items_at(&self, spans: Vec<(usize, usize)>) -> RawItems {
        RawItems {
            body: self.body.clone(),
            spans,
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
        let (text, offset) = self.text(py)?;
        decode::decode_object(py, self, text, offset, &keys)
            .map_err(|e| failed(py, self.status, self.bytes(), e))
    }

    /// An array of objects as a `RawItems`, each item decoded when used (an
    /// array holding anything else is decoded now, as a list). Any other
    /// value is decoded as with `value()`.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (text, offset) = self.text(py)?;
        decode::decode_items(py, self, text, offset)
            .map_err(|e| failed(py, self.status, self.bytes(), e))
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

/// The objects of an array in a checked body, each decoded when asked
/// (the items of a model's list-of-models field).
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct RawItems {
    body: Bytes,
    /// Where each object is in the body.
    spans: Vec<(usize, usize)>,
    status: Option<u16>,
}

impl RawItems {
    fn span(&self, index: usize) -> PyResult<(usize, usize)> {
        self.spans.get(index).copied().ok_or_else(|| {
            PyIndexError::new_err(format!(
                "item {index} of {} is out of range",
                self.spans.len()
            ))
        })
    }
}

#[pymethods]
impl RawItems {
    fn __len__(&self) -> usize {
        self.spans.len()
    }

    /// Item `index` as plain Python objects (a dict).
    fn value_at<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        let (start, end) = self.span(index)?;
        let bytes = self.body.get(start..end).unwrap_or_default();
        text_at(&self.body, start, end)
            .and_then(|text| decode::decode_str(py, text))
            .map_err(|e| failed(py, self.status, bytes, e))
    }

    /// Item `index` as a dict whose arrays of objects under the keys in
    /// `lazy` are `RawItems` (as `RawJson.object`).
    fn object_at<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        lazy: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (start, end) = self.span(index)?;
        let item = RawJson {
            body: self.body.clone(),
            start,
            end,
            status: self.status,
        };
        item.object(py, Some(lazy))
    }

    /// Every item as plain Python objects: a list of dicts.
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = (0..self.spans.len())
            .map(|i| self.value_at(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    fn __repr__(&self) -> String {
        format!("RawItems({} objects)", self.spans.len())
    }
}
