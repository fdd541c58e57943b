//! `AsyncBridge`: completes asyncio futures in batches, without the GIL on
//! the runtime's threads.
//!
//! Each call runs as a task on the shared runtime; its body, checked to be
//! JSON there (a `RawJson`), is queued and one byte is written to a socket
//! the event loop watches (only when the queue was empty). The loop's reader
//! callback calls `drain()`, which hands every queued result to Python on
//! the loop's thread (the models decode the bodies when used). A runtime
//! thread never waits for the GIL, and many completions cost one wake-up.
//! `cancel()` aborts a call's task (when its asyncio future is cancelled):
//! the request's connection is dropped at once and no retry follows.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyTuple};

use crate::client::NativeClient;
use crate::convert::args_to_json;
use crate::errors::to_py_err;
use crate::raw::RawJson;

type Done = (u64, versori::Result<RawJson>);

struct Shared {
    queue: Mutex<Vec<Done>>,
    signalled: AtomicBool,
    writer: UnixStream,
}

impl Shared {
    fn complete(&self, done: Done) {
        match self.queue.lock() {
            Ok(mut q) => q.push(done),
            Err(poisoned) => poisoned.into_inner().push(done),
        }
        if !self.signalled.swap(true, Ordering::SeqCst) {
            // a full socket buffer means a wake-up is pending already
            let _ = (&self.writer).write(&[1]);
        }
    }
}

/// The bridge between the runtime and one asyncio event loop.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct AsyncBridge {
    shared: Arc<Shared>,
    reader: Mutex<UnixStream>,
    next: AtomicU64,
    /// The calls whose results `drain()` has not handed over yet.
    running: Mutex<HashMap<u64, tokio::task::AbortHandle>>,
}

impl AsyncBridge {
    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<u64, tokio::task::AbortHandle>> {
        match self.running.lock() {
            Ok(r) => r,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

fn os_err(what: &str, e: std::io::Error) -> PyErr {
    PyOSError::new_err(format!("{what}: {e}"))
}

#[pymethods]
impl AsyncBridge {
    #[new]
    fn new() -> PyResult<Self> {
        let (reader, writer) = UnixStream::pair().map_err(|e| os_err("socketpair", e))?;
        reader
            .set_nonblocking(true)
            .map_err(|e| os_err("non-blocking reader", e))?;
        writer
            .set_nonblocking(true)
            .map_err(|e| os_err("non-blocking writer", e))?;
        Ok(AsyncBridge {
            shared: Arc::new(Shared {
                queue: Mutex::new(Vec::new()),
                signalled: AtomicBool::new(false),
                writer,
            }),
            reader: Mutex::new(reader),
            next: AtomicU64::new(1),
            running: Mutex::new(HashMap::new()),
        })
    }

    /// The file descriptor the event loop watches (`loop.add_reader`).
    fn fileno(&self) -> PyResult<i32> {
        match self.reader.lock() {
            Ok(r) => Ok(r.as_raw_fd()),
            Err(poisoned) => Ok(poisoned.into_inner().as_raw_fd()),
        }
    }

    /// Starts `operation_id` on `client`; returns the call's id, which a
    /// later `drain()` reports with its result.
    #[pyo3(signature = (client, operation_id, args=None))]
    fn submit(
        &self,
        client: &NativeClient,
        operation_id: String,
        args: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<u64> {
        let args = args_to_json(args)?;
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let inner = client.inner().clone();
        let shared = self.shared.clone();
        let task = crate::runtime::runtime()?.spawn(async move {
            let result = match inner.call_raw(&operation_id, args).await {
                Ok(raw) => RawJson::checked(raw),
                Err(e) => Err(e),
            };
            shared.complete((id, result));
        });
        self.running().insert(id, task.abort_handle());
        Ok(id)
    }

    /// Aborts call `id` (its asyncio future was cancelled): the request is
    /// dropped where it stands, its connection closed, and no retry
    /// follows. Nothing happens when it has finished already.
    fn cancel(&self, id: u64) {
        if let Some(task) = self.running().remove(&id) {
            task.abort();
        }
    }

    /// Every finished call as `(id, ok, RawJson or exception)`.
    fn drain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // consume the wake-up bytes first, then re-arm, then take the queue:
        // a result queued after the re-arm writes a byte that is still
        // unread, so no completion is ever left without a wake-up
        if let Ok(mut r) = self.reader.lock() {
            let mut buf = [0u8; 256];
            while matches!(r.read(&mut buf), Ok(n) if n > 0) {}
        }
        self.shared.signalled.store(false, Ordering::SeqCst);
        let done = match self.shared.queue.lock() {
            Ok(mut q) => std::mem::take(&mut *q),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        if !done.is_empty() {
            let mut running = self.running();
            for (id, _) in &done {
                running.remove(id);
            }
        }
        let out = PyList::empty(py);
        for (id, result) in done {
            let decoded = result
                .map_err(|e| to_py_err(py, e))
                .and_then(|raw| Ok(Bound::new(py, raw)?.into_any()));
            let (ok, value) = match decoded {
                Ok(v) => (true, v),
                Err(e) => (false, e.into_value(py).into_bound(py).into_any()),
            };
            let item = PyTuple::new(
                py,
                [
                    id.into_pyobject(py)?.into_any(),
                    PyBool::new(py, ok).to_owned().into_any(),
                    value,
                ],
            )?;
            out.append(item)?;
        }
        Ok(out)
    }
}
