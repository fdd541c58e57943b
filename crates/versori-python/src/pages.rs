//! `NativePages`: page-at-a-time access to a paginated operation.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::convert::to_py;
use crate::errors::{from_facade, to_py_err};
use crate::runtime::wait;

type Page = versori::Page<Value>;

/// The pages of one listing, fetched on demand.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct NativePages {
    pages: Arc<Mutex<versori::Pages<Value>>>,
}

impl NativePages {
    pub(crate) fn new(pages: versori::Pages<Value>) -> Self {
        NativePages {
            pages: Arc::new(Mutex::new(pages)),
        }
    }
}

/// A page as `(items, total_count, next_cursor)`, or None after the last.
fn page_to_py(py: Python<'_>, page: Option<Page>) -> PyResult<Py<PyAny>> {
    let Some(page) = page else {
        return Ok(py.None());
    };
    let items = PyList::empty(py);
    for item in &page.items {
        items.append(to_py(py, item)?)?;
    }
    let tuple = PyTuple::new(
        py,
        [
            items.into_any(),
            page.total_count.into_pyobject(py)?.into_any(),
            page.next.into_pyobject(py)?.into_any(),
        ],
    )?;
    Ok(tuple.into_any().unbind())
}

#[pymethods]
impl NativePages {
    /// The next page as `(items, total_count, next_cursor)`, or None after
    /// the last one; blocks with the GIL released.
    fn next_page(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let pages = self.pages.clone();
        let page = wait(py, async move { pages.lock().await.next_page().await })?
            .map_err(|e| to_py_err(py, e))?;
        page_to_py(py, page)
    }

    /// The next page (as for `next_page`) as an awaitable.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pages = self.pages.clone();
        crate::runtime::future_into_py(py, async move {
            let page = pages.lock().await.next_page().await.map_err(from_facade)?;
            Python::attach(|py| page_to_py(py, page))
        })
    }
}
