//! `Field`: the descriptor behind every property of the generated models.
//!
//! `user.external_id` runs no Python code: the descriptor reads the model's
//! wire dict when it has one, or else reads the one value it needs straight
//! from the response body (its object in a `RawItems`), and passes it
//! through the field's converter when the field holds models or
//! timestamps.

use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

use crate::item_fields::Hint;
use crate::model::ModelBase;
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
    /// Turns the wire value into the typed one (models, timestamps); None
    /// keeps it.
    convert: Option<Py<PyAny>>,
    /// A timestamp field whose text, read from the body, is made an aware
    /// datetime natively (`timestamp`); `convert` handles everything else
    /// (a model over a dict, a value that does not read as one).
    timestamp: bool,
    /// Where the field was in the last item it was read from.
    hint: Hint,
}

impl Field {
    /// The wire value of this field in `obj`, if there.
    fn wire_value<'py>(&self, obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = obj.py();
        match state(obj)? {
            State::Data(data) => data.cast::<PyDict>()?.get_item(self.key.bind(py)),
            State::Item(items, index) => items.get().field(py, index, &self.wire, &self.hint),
        }
    }

    /// The error for a required field that is not there.
    fn missing(&self, obj: &Bound<'_, PyAny>) -> PyErr {
        let present = match present_keys(obj) {
            Ok(keys) if keys.is_empty() => "none".to_owned(),
            Ok(keys) => keys.join(", "),
            Err(e) => return e,
        };
        PyAttributeError::new_err(format!(
            "{}.{}: the platform sent no `{}` (fields present: {present})",
            class_name(obj),
            self.attr,
            self.wire
        ))
    }

    fn read_only(&self, obj: &Bound<'_, PyAny>) -> PyErr {
        PyAttributeError::new_err(format!(
            "{}.{} is read-only: models are values; build a new one (or use to_dict())",
            class_name(obj),
            self.attr
        ))
    }
}

/// What a model is reading from.
enum State<'py> {
    /// Its wire dict.
    Data(Bound<'py, PyAny>),
    /// Item `index` of a `RawItems`, undecoded.
    Item(Bound<'py, RawItems>, usize),
}

/// The state of the model `obj` (copied out, so no borrow is held while
/// Python code runs).
fn state<'py>(obj: &Bound<'py, PyAny>) -> PyResult<State<'py>> {
    let py = obj.py();
    let model = obj.cast::<ModelBase>().map_err(|_| {
        PyTypeError::new_err(format!(
            "a model field was read on a {}, which is not a model",
            class_name(obj)
        ))
    })?;
    let model = model.try_borrow()?;
    if let Some(data) = &model.data {
        return Ok(State::Data(data.bind(py).clone()));
    }
    match model
        .raw
        .as_ref()
        .map(|raw| raw.bind(py).cast::<RawItems>())
    {
        Some(Ok(items)) => Ok(State::Item(items.clone(), model.index)),
        _ => Err(PyAttributeError::new_err(format!(
            "{} has no data (neither _data nor a RawItems in _raw)",
            class_name(obj)
        ))),
    }
}

fn class_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "model".to_owned())
}

/// The wire keys `obj` holds.
fn present_keys(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let data = match state(obj)? {
        State::Data(data) => data,
        State::Item(items, index) => return items.get().keys(index),
    };
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
    #[pyo3(signature = (wire, attr, *args, required=true, convert=None, timestamp=false, **kwargs))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        wire: &str,
        attr: &str,
        args: &Bound<'_, PyTuple>,
        required: bool,
        convert: Option<Bound<'_, PyAny>>,
        timestamp: bool,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        // the rest is for a subclass's `__init__` (the docstring)
        let _ = (args, kwargs);
        if let Some(convert) = &convert {
            if !convert.is_callable() {
                return Err(PyTypeError::new_err(format!(
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
            timestamp,
            hint: Hint::default(),
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
        if field.timestamp {
            // a timestamp read from the body: parsed from its text, no Python code
            if let State::Item(items, index) = state(obj)? {
                let text = items.get().plain_string(index, &field.wire, &field.hint)?;
                if let Some(parsed) = text.and_then(|t| crate::timestamp::read(obj.py(), t)) {
                    return Ok(parsed);
                }
            }
        }
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
