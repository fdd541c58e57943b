//! The blocking waits, which release the GIL and honour Ctrl-C: a request
//! on the calling thread ([`wait`]), a server on the shared runtime
//! ([`wait_shared`]); and the asyncio awaitables, driven by the Tokio
//! runtime every async client, `AsyncBridge` and emulator of a process
//! shares.
//!
//! One shared runtime per process: a child made by `fork` starts its own on first
//! use (the parent's has no threads in the child; see `versori::fork`),
//! which is why awaitables go through [`future_into_py`] here rather than
//! `pyo3_async_runtimes::tokio`, whose runtime is fixed for good once made.

use std::cell::OnceCell;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3_async_runtimes::generic::{ContextExt, JoinError, Runtime as GenericRuntime};
use pyo3_async_runtimes::TaskLocals;
use tokio::runtime::Runtime;

/// How often a blocking wait looks for a pending signal (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// This process's multi-threaded runtime, started on first use
/// ([`versori::fork::runtime`]); an `OSError` when its threads cannot be
/// started.
pub(crate) fn runtime() -> PyResult<&'static Runtime> {
    versori::fork::runtime().map_err(|e| PyOSError::new_err(format!("versori {e}")))
}

/// Runs a request's `fut` to completion on the calling thread, with the GIL
/// released: the thread does the I/O itself
/// ([`versori::blocking::block_on`]), sparing the two thread wake-ups per
/// request a hand-off to the shared runtime costs. Every
/// [`SIGNAL_CHECK`] the wait briefly takes the GIL to run Python's signal
/// handlers: when one raises (`KeyboardInterrupt` on Ctrl-C) the future is
/// dropped, which cancels the request or retry loop, and the exception
/// propagates. Called again from code the wait runs (a logging handler
/// making a call) it raises rather than stall.
pub(crate) fn wait<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = T> + Send,
{
    py.detach(|| versori::blocking::block_on(until_signalled(fut)))
        .map_err(|e| match e {
            // the one input `block_on` refuses: a call from inside a runtime
            versori::Error::InvalidInput { .. } => crate::errors::invalid(
                py,
                "a blocking call was made from code the SDK runs while a request is in \
                 progress (a logging handler, say): such code must not call the SDK",
            ),
            other => crate::errors::to_py_err(py, other),
        })?
}

/// Runs `fut` on the shared runtime with the GIL released, as [`wait`]
/// does on the calling thread: for servers (the emulator, the benchmark's
/// server), whose tasks must keep running from the runtime's threads after
/// the call returns.
pub(crate) fn wait_shared<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = T> + Send,
{
    let rt = runtime()?;
    py.detach(|| rt.block_on(until_signalled(fut)))
}

/// `fut`'s output, or the exception a Python signal handler raised while
/// it ran (see [`wait`]).
async fn until_signalled<T, F: Future<Output = T>>(fut: F) -> PyResult<T> {
    tokio::pin!(fut);
    loop {
        match tokio::time::timeout(SIGNAL_CHECK, &mut fut).await {
            Ok(out) => return Ok(out),
            Err(_elapsed) => Python::attach(|py| py.check_signals())?,
        }
    }
}

/// `fut` as an asyncio awaitable, run on the shared runtime. Cancelling the
/// awaitable (`task.cancel()`, `asyncio.wait_for` timing out) drops `fut`,
/// which aborts its request and any retry at once.
pub(crate) fn future_into_py<F, T>(py: Python<'_>, fut: F) -> PyResult<Bound<'_, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    // the runtime exists from here on (`Shared::spawn` relies on it)
    runtime()?;
    pyo3_async_runtimes::generic::future_into_py::<Shared, F, T>(py, fut)
}

/// The shared runtime as `pyo3_async_runtimes` sees it.
struct Shared;

/// A spawned task's failure: a panic (tasks are never aborted here), or no
/// runtime to run it (which [`future_into_py`] rules out beforehand).
enum TaskError {
    Join(tokio::task::JoinError),
    NoRuntime,
}

impl JoinError for TaskError {
    fn is_panic(&self) -> bool {
        matches!(self, TaskError::Join(e) if e.is_panic())
    }
    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        match self {
            TaskError::Join(e) => e.into_panic(),
            TaskError::NoRuntime => Box::new("no runtime"),
        }
    }
}

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

type Handle = Pin<Box<dyn Future<Output = Result<(), TaskError>> + Send>>;

impl GenericRuntime for Shared {
    type JoinError = TaskError;
    type JoinHandle = Handle;

    fn spawn<F>(fut: F) -> Handle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        match runtime() {
            Ok(rt) => {
                let handle = rt.spawn(fut);
                Box::pin(async move { handle.await.map_err(TaskError::Join) })
            }
            Err(_) => Box::pin(async { Err(TaskError::NoRuntime) }),
        }
    }

    fn spawn_blocking<F>(f: F) -> Handle
    where
        F: FnOnce() + Send + 'static,
    {
        match runtime() {
            Ok(rt) => {
                let handle = rt.spawn_blocking(f);
                Box::pin(async move { handle.await.map_err(TaskError::Join) })
            }
            Err(_) => Box::pin(async { Err(TaskError::NoRuntime) }),
        }
    }
}

impl ContextExt for Shared {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}
