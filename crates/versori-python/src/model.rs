//! `ModelBase`: the native base of every model class (`versori._model.Model`
//! and the generated ones).
//!
//! A model holds its wire object (`_data`, a dict) or what it was read
//! from (`_raw`: a `RawJson` response, or the `RawItems` of a listing with
//! its place `_index`). Keeping that state in a native object lets the field
//! descriptors read it without attribute lookups and lets a listing's
//! 10,000 models be made in one native loop (`RawItems.models`).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// The state of a model: its wire dict, or the undecoded response (or
/// listing item) it is over.
#[pyclass(subclass, module = "versori._native")]
pub(crate) struct ModelBase {
    /// The wire object; None until a model over a response is first used.
    #[pyo3(get, set, name = "_data")]
    pub(crate) data: Option<Py<PyAny>>,
    /// The undecoded value: a `RawJson`, or the `RawItems` holding it.
    #[pyo3(get, set, name = "_raw")]
    pub(crate) raw: Option<Py<PyAny>>,
    /// The model's place in `_raw` when that is a `RawItems`.
    #[pyo3(get, set, name = "_index")]
    pub(crate) index: usize,
}

#[pymethods]
impl ModelBase {
    /// An empty model; a subclass's `__init__` fills it (its arguments are
    /// passed here too, and ignored).
    #[new]
    #[pyo3(signature = (*args, **kwargs))]
    fn new(args: &Bound<'_, PyTuple>, kwargs: Option<&Bound<'_, PyDict>>) -> Self {
        let _ = (args, kwargs);
        ModelBase {
            data: None,
            raw: None,
            index: 0,
        }
    }
}

/// Takes a model made over a listing item out of the cycle collector's
/// care ([`RawItems.models`](crate::raw::RawItems)).
///
/// Such a model refers to nothing but the `RawItems` (which holds no
/// Python object) and, once decoded, its wire dict (JSON data, which never
/// refers to a model), so it can never be part of a reference cycle and
/// plain reference counting frees it. Left tracked, every list of 10,000
/// models made the collector run a dozen times over objects it could never
/// free; CPython untracks dicts and tuples of plain values for the same
/// reason. Untracking is always safe: an untracked object is freed by
/// reference counting as usual, and `tp_dealloc` untracks only what is
/// tracked.
pub(crate) fn untrack(model: &Bound<'_, PyAny>) {
    // SAFETY: `model` is a live object (the borrow keeps it alive) of a GC
    // type (every pyclass and its subclasses are); PyObject_GC_UnTrack
    // accepts an object that is already untracked.
    unsafe { pyo3::ffi::PyObject_GC_UnTrack(model.as_ptr().cast()) }
}
