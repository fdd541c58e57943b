//! The Tokio runtime every client, page iterator and emulator of a process
//! shares, the blocking wait that releases the GIL and honours Ctrl-C, and
//! the asyncio awaitables driven by that runtime.
//!
//! One runtime per process: a child made by `fork` starts its own on first
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

/// Runs `fut` to completion on the shared runtime with the GIL released.
/// Every [`SIGNAL_CHECK`] the wait briefly takes the GIL to run Python's
/// signal handlers: when one raises (`KeyboardInterrupt` on Ctrl-C) the
/// future is dropped, which cancels the request or retry loop, and the
/// exception propagates.
pub(crate) fn wait<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = T> + Send,
{
    let rt = runtime()?;
    py.detach(|| {
        rt.block_on(async move {
            tokio::pin!(fut);
            loop {
                match tokio::time::timeout(SIGNAL_CHECK, &mut fut).await {
                    Ok(out) => return Ok(out),
                    Err(_elapsed) => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
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
