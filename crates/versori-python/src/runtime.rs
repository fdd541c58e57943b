//! The one Tokio runtime every client, page iterator and emulator shares,
//! and the blocking wait that releases the GIL and honours Ctrl-C.

use std::future::Future;
use std::time::Duration;

use pyo3::prelude::*;

/// How often a blocking wait looks for a pending signal (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// The shared multi-threaded runtime (also the one behind the awaitables of
/// `pyo3-async-runtimes`), started on first use.
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
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
    py.detach(|| {
        runtime().block_on(async move {
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
