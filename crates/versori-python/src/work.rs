//! `NativeWork`: one call of a workflow, which Python either waits for
//! (`wait()`, blocking with the GIL released and Ctrl-C honoured) or awaits
//! (`awaitable()`, on the shared runtime). Each workflow is one native
//! method; blocking or not is only how its result is taken.

use std::sync::Mutex;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::client::{ToPython, Work};
use crate::errors::{from_facade, to_py_err};

/// The work's result, turned into Python objects once the GIL is held.
type Converted = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>> + Send>;

fn converter<T: ToPython>(value: T) -> Converted {
    Box::new(move |py| value.to_python(py))
}

/// A workflow call not yet run.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct NativeWork {
    work: Mutex<Option<Work<Converted>>>,
}

impl NativeWork {
    /// `work`, to be run by `wait()` or `awaitable()`.
    pub(crate) fn new<T: ToPython>(work: Work<T>) -> Self {
        let erased: Work<Converted> = Box::pin(async move { work.await.map(converter) });
        NativeWork {
            work: Mutex::new(Some(erased)),
        }
    }

    /// The work, which runs once.
    fn take(&self) -> PyResult<Work<Converted>> {
        let taken = match self.work.lock() {
            Ok(mut w) => w.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        taken.ok_or_else(|| {
            PyRuntimeError::new_err("this workflow call has run already: each call runs once")
        })
    }
}

#[pymethods]
impl NativeWork {
    /// Runs the call to its end and gives its result.
    fn wait(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let work = self.take()?;
        let convert = crate::runtime::wait(py, work)?.map_err(|e| to_py_err(py, e))?;
        Ok(convert(py)?.unbind())
    }

    /// The call as an asyncio awaitable; cancelling it aborts the call.
    fn awaitable<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let work = self.take()?;
        crate::runtime::future_into_py(py, async move {
            let convert = work.await.map_err(from_facade)?;
            Python::attach(|py| convert(py).map(Bound::unbind))
        })
    }

    /// `NativeWork[T]` in annotations: the class itself (the type argument
    /// is for type checkers).
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        item: &Bound<'py, PyAny>,
    ) -> Bound<'py, PyType> {
        let _ = item;
        cls.clone()
    }
}
