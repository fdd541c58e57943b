//! `Field`: the descriptor behind every property of the generated models.
//!
//! `user.external_id` runs no Python code: the descriptor reads the model's
//! wire dict when it has one, or else reads the one value it needs straight
//! from the response body (an item of a listing, see `RawItems`), and
//! passes it through the field's converter when the field holds models.

use pyo3::exceptions::PyAttributeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

use crate::raw::RawItems;

/// A model field: reads the value under the wire name `wire` of the
/// model's object. A required field the platform left out is an
/// `AttributeError` naming the fields that are there; an optional one reads
/// as None. (`versori._model.Field` subclasses it to give each field its
/// own docstring.)
#[pyclass(frozen, subclass, module = "versori._native")]
pub(crate) struct Field {
    wire: Box<str>,
    /// `wire` as an interned Python string (the key of a wire dict).
    key: Py<PyString>,
    attr: Box<str>,
    required: bool,
    /// Turns the wire value into the typed one (models); None keeps it.
    convert: Option<Py<PyAny>>,
}

impl Field {
    /// The wire value of this field in `obj`, if there.
    fn wire_value<'py>(&self, obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = obj.py();
        let data = obj.getattr(intern!(py, "_data"))?;
        if let Ok(dict) = data.cast::<PyDict>() {
            return dict.get_item(self.key.bind(py));
        }
        let raw = obj.getattr(intern!(py, "_raw"))?;
        if let Ok(items) = raw.cast::<RawItems>() {
            let index: usize = obj.getattr(intern!(py, "_index"))?.extract()?;
            return items.get().field(py, index, &self.wire);
        }
        // a model over a whole response: it decodes its object once
        let data = obj.call_method0(intern!(py, "_wire"))?;
        data.cast::<PyDict>()?.get_item(self.key.bind(py))
    }

    /// The error for a required field that is not there.
    fn missing(&self, obj: &Bound<'_, PyAny>) -> PyErr {
        let present = present_keys(obj).map(|keys| keys.join(", "));
        let present = match present {
            Ok(keys) if keys.is_empty() => "none".to_owned(),
            Ok(keys) => keys,
            Err(e) => return e,
        };
        let class = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "model".to_owned());
        PyAttributeError::new_err(format!(
            "{class}.{}: the platform sent no `{}` (fields present: {present})",
            self.attr, self.wire
        ))
    }
}

/// The wire keys `obj` holds.
fn present_keys(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let py = obj.py();
    let data = obj.getattr(intern!(py, "_data"))?;
    if let Ok(dict) = data.cast::<PyDict>() {
        return dict.keys().iter().map(|k| k.extract()).collect();
    }
    let raw = obj.getattr(intern!(py, "_raw"))?;
    if let Ok(items) = raw.cast::<RawItems>() {
        let index: usize = obj.getattr(intern!(py, "_index"))?.extract()?;
        return items.get().keys(index);
    }
    let data = obj.call_method0(intern!(py, "_wire"))?;
    data.cast::<PyDict>()?
        .keys()
        .iter()
        .map(|k| k.extract())
        .collect()
}

#[pymethods]
impl Field {
    /// A field named `attr` in Python, `wire` on the wire.
    #[new]
    #[pyo3(signature = (wire, attr, *args, required=true, convert=None, **kwargs))]
    fn new(
        py: Python<'_>,
        wire: &str,
        attr: &str,
        args: &Bound<'_, PyTuple>,
        required: bool,
        convert: Option<Bound<'_, PyAny>>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        // the rest is for a subclass's `__init__` (the docstring)
        let _ = (args, kwargs);
        if let Some(convert) = &convert {
            if !convert.is_callable() {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "Field {attr:?}: convert must be callable, not {}",
                    convert.get_type().name()?
                )));
            }
        }
        Ok(Field {
            wire: wire.into(),
            key: PyString::intern(py, wire).unbind(),
            attr: attr.into(),
            required,
            convert: convert.map(Bound::unbind),
        })
    }

    fn __get__<'py>(
        slf: &Bound<'py, Self>,
        obj: Option<&Bound<'py, PyAny>>,
        _owner: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let obj = match obj {
            Some(obj) if !obj.is_none() => obj,
            // read on the class: the descriptor itself
            _ => return Ok(slf.clone().into_any()),
        };
        let field = slf.get();
        match field.wire_value(obj)? {
            Some(value) => match &field.convert {
                Some(convert) => convert.bind(obj.py()).call1((value,)),
                None => Ok(value),
            },
            None if field.required => Err(field.missing(obj)),
            None => Ok(obj.py().None().into_bound(obj.py())),
        }
    }

    fn __set__(&self, obj: &Bound<'_, PyAny>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(self.read_only(obj))
    }

    fn __delete__(&self, obj: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(self.read_only(obj))
    }

    /// The field's name on the wire (camelCase).
    #[getter]
    fn wire(&self) -> &str {
        &self.wire
    }

    /// The field's Python (snake_case) name.
    #[getter]
    fn attr(&self) -> &str {
        &self.attr
    }

    /// Whether reading the field fails when the platform left it out.
    #[getter]
    fn required(&self) -> bool {
        self.required
    }

    /// `Field[T]` in annotations: the class itself (the type argument is
    /// for type checkers).
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        item: &Bound<'py, PyAny>,
    ) -> Bound<'py, PyType> {
        let _ = item;
        cls.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "Field({:?}, {:?}{})",
            &*self.wire,
            &*self.attr,
            if self.required {
                ""
            } else {
                ", required=False"
            }
        )
    }
}

impl Field {
    fn read_only(&self, obj: &Bound<'_, PyAny>) -> PyErr {
        let class = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "model".to_owned());
        PyAttributeError::new_err(format!(
            "{class}.{} is read-only: models are values; build a new one (or use to_dict())",
            self.attr
        ))
    }
}
