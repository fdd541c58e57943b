//! `ModelBase`: the native base of every model class (`versori._model.Model`
//! and the generated ones).
//!
//! A model holds its wire object (`_data`, a dict) or what it reads from
//! (`_raw`, the `RawItems` holding its object, and its place `_index`).
//! Keeping that state in a native object lets the field descriptors read it
//! without attribute lookups and lets a listing's 10,000 models be made in
//! one native loop (`RawItems.models`).
//!
//! # The cycle collector
//!
//! A model takes part in Python's cycle collection like any container
//! (`__traverse__` visits `_data` and `_raw`, `__clear__` drops them), with
//! one exception that keeps a large listing cheap: a model that a listing
//! makes over one of its items ([`over_item`]) starts untracked. Such a
//! model refers only to its `RawItems`, which holds no Python object, so it
//! cannot be part of a cycle; left tracked, every list of 10,000 models made
//! the collector walk them a dozen times to free nothing. The moment
//! anything else is stored in it (`_data` or `_raw` set, from Python or by
//! decoding), it is tracked again, so it can never join a cycle unseen.
//! CPython treats its dicts and tuples of plain values the same way.

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::gc::PyVisit;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::PyTraverseError;

use crate::raw::RawItems;

/// Whether listings make their models untracked (on unless a benchmark
/// turns it off to measure the difference).
static UNTRACK: AtomicBool = AtomicBool::new(true);

/// The state of a model: its wire dict, or the objects it reads from.
#[pyclass(subclass, module = "versori._native")]
pub(crate) struct ModelBase {
    /// The wire object; None while the model reads from `raw`.
    pub(crate) data: Option<Py<PyAny>>,
    /// The `RawItems` holding the model's object.
    pub(crate) raw: Option<Py<PyAny>>,
    /// The model's place in `raw`.
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

    /// The wire object (a dict), or None while the model reads from `_raw`.
    #[getter(_data)]
    fn get_data(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.data.as_ref().map(|d| d.clone_ref(py))
    }

    #[setter(_data)]
    fn set_data(slf: &Bound<'_, Self>, value: Option<Py<PyAny>>) -> PyResult<()> {
        slf.try_borrow_mut()?.data = value;
        track(slf.as_any());
        Ok(())
    }

    /// What the model reads its object from (a `RawItems`), or None.
    #[getter(_raw)]
    fn get_raw(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.raw.as_ref().map(|d| d.clone_ref(py))
    }

    #[setter(_raw)]
    fn set_raw(slf: &Bound<'_, Self>, value: Option<Py<PyAny>>) -> PyResult<()> {
        slf.try_borrow_mut()?.raw = value;
        track(slf.as_any());
        Ok(())
    }

    /// The model's place in `_raw`.
    #[getter(_index)]
    fn get_index(&self) -> usize {
        self.index
    }

    #[setter(_index)]
    fn set_index(&mut self, value: usize) {
        self.index = value;
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.data)?;
        visit.call(&self.raw)?;
        Ok(())
    }

    fn __clear__(&mut self) {
        self.data = None;
        self.raw = None;
    }
}

/// Whether models of class `cls` that listings make may be untracked: its
/// instances have no `__dict__` (a subclass without `__slots__` has one,
/// where anything, the model itself included, could be stored).
pub(crate) fn may_untrack(cls: &Bound<'_, PyType>) -> PyResult<bool> {
    let offset: isize = cls
        .getattr(intern!(cls.py(), "__dictoffset__"))?
        .extract()?;
    Ok(UNTRACK.load(Ordering::Relaxed) && offset == 0)
}

/// How a listing makes its models of one class: `cls.__new__(cls)`, called
/// through the class's `tp_new` slot when it has one, which spares the two
/// argument tuples and the look-up that calling `__new__` costs per model
/// (the slot is what `__new__` calls: the native base's constructor, or a
/// `__new__` a class defines itself).
pub(crate) struct Constructor<'py> {
    cls: Bound<'py, PyType>,
    slot: Option<pyo3::ffi::newfunc>,
    args: Bound<'py, PyTuple>,
    new: Bound<'py, PyAny>,
}

impl<'py> Constructor<'py> {
    /// The constructor of `cls`, a subclass of `ModelBase`.
    pub(crate) fn of(cls: &Bound<'py, PyType>) -> PyResult<Self> {
        let py = cls.py();
        // SAFETY: `cls` is a live type object; `PyType_GetSlot` reads its
        // `tp_new` slot (every class here is a heap type, which the stable
        // ABI allows before Python 3.10), giving null when it is empty or
        // with an exception set, which is cleared here (`__new__` is
        // called then). A non-null `Py_tp_new` slot holds a `newfunc`.
        let slot = unsafe {
            let slot = pyo3::ffi::PyType_GetSlot(cls.as_type_ptr(), pyo3::ffi::Py_tp_new);
            if slot.is_null() {
                let _ = PyErr::take(py);
                None
            } else {
                Some(std::mem::transmute::<
                    *mut std::ffi::c_void,
                    pyo3::ffi::newfunc,
                >(slot))
            }
        };
        Ok(Constructor {
            cls: cls.clone(),
            slot,
            args: PyTuple::empty(py),
            new: cls.getattr(intern!(py, "__new__"))?,
        })
    }

    /// A new instance, as `cls.__new__(cls)` makes it.
    pub(crate) fn make(&self) -> PyResult<Bound<'py, PyAny>> {
        let py = self.cls.py();
        match self.slot {
            // SAFETY: `slot` is the class's own `tp_new`, called as Python
            // calls it: with the class, an argument tuple and no keywords;
            // it gives a new reference or null with an exception set.
            Some(slot) => unsafe {
                let made = slot(
                    self.cls.as_type_ptr(),
                    self.args.as_ptr(),
                    std::ptr::null_mut(),
                );
                Bound::from_owned_ptr_or_err(py, made)
            },
            None => self.new.call1((&self.cls,)),
        }
    }
}

/// Makes `model` (a new model) read item `index` of `items`; `untrack` (see
/// [`may_untrack`]) takes it out of the cycle collector's care (see the
/// module docs).
pub(crate) fn over_item(
    model: &Bound<'_, PyAny>,
    items: &Bound<'_, RawItems>,
    index: usize,
    untrack: bool,
) -> PyResult<()> {
    {
        let mut state = model.cast::<ModelBase>()?.try_borrow_mut()?;
        state.raw = Some(items.clone().into_any().unbind());
        state.data = None;
        state.index = index;
    }
    if untrack {
        // SAFETY: `model` is a live object (the borrow keeps it alive) of a
        // GC type (every pyclass and its subclasses are), and it refers to
        // nothing but a `RawItems` (no Python references of its own);
        // PyObject_GC_UnTrack accepts an object that is already untracked.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(model.as_ptr().cast()) }
    }
    Ok(())
}

/// Puts `model` back under the cycle collector's care if a listing took it
/// out.
fn track(model: &Bound<'_, PyAny>) {
    // SAFETY: `model` is a live object of a GC type; it is tracked only if
    // it is not tracked already (tracking twice is an error).
    unsafe {
        if pyo3::ffi::PyObject_GC_IsTracked(model.as_ptr()) == 0 {
            pyo3::ffi::PyObject_GC_Track(model.as_ptr().cast());
        }
    }
}

/// Turns the untracking of listing models on or off (for the benchmark,
/// which measures both); returns the previous setting.
#[pyfunction]
pub(crate) fn _untrack_listing_models(on: bool) -> bool {
    UNTRACK.swap(on, Ordering::Relaxed)
}
