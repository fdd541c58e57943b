//! `NativeEmulator`: the in-memory platform, served from the shared runtime.

use std::sync::Mutex;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

use crate::runtime::wait_shared;

/// A running emulator; `shutdown()` (or garbage collection) stops it.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct NativeEmulator {
    base_url: String,
    running: Mutex<Option<versori_emulator::Emulator>>,
    /// The process that started it (see `versori::fork`): in a forked child
    /// the server is the parent's, served by threads the child lacks.
    generation: u64,
}

impl NativeEmulator {
    /// The running server, taken out, when it belongs to this process; a
    /// forked child's copy of the parent's server is let go untouched.
    fn take(&self) -> Option<versori_emulator::Emulator> {
        let taken = match self.running.lock() {
            Ok(mut r) => r.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if self.generation != versori::fork::generation() {
            std::mem::forget(taken);
            return None;
        }
        taken
    }
}

impl Drop for NativeEmulator {
    fn drop(&mut self) {
        // stopped here as its own Drop would; in a child, let go untouched
        drop(self.take());
    }
}

#[pymethods]
impl NativeEmulator {
    /// Starts serving on `host:port` (default `127.0.0.1`; port 0: any free
    /// port). With `api_key`, only that token is accepted.
    #[new]
    #[pyo3(signature = (*, host=None, port=0, api_key=None))]
    fn new(
        py: Python<'_>,
        host: Option<String>,
        port: u16,
        api_key: Option<String>,
    ) -> PyResult<Self> {
        let host = host.unwrap_or_else(|| "127.0.0.1".into());
        let mut builder = versori_emulator::Emulator::builder()
            .host(host.clone())
            .port(port);
        if let Some(key) = api_key {
            builder = builder.api_key(key);
        }
        let emulator = wait_shared(py, builder.start())?.map_err(|e| {
            PyOSError::new_err(format!(
                "the emulator could not listen on {host}:{port}: {e}"
            ))
        })?;
        Ok(NativeEmulator {
            base_url: emulator.base_url(),
            running: Mutex::new(Some(emulator)),
            generation: versori::fork::generation(),
        })
    }

    /// The base URL clients use.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Whether the server is still running.
    #[getter]
    fn running(&self) -> bool {
        self.running.lock().map(|r| r.is_some()).unwrap_or(false)
    }

    /// Stops the server and waits for it to finish (no error when stopped
    /// already). In a child made by `fork` the server is the parent's: it
    /// keeps serving there, and this only lets the child's handle go.
    fn shutdown(&self, py: Python<'_>) -> PyResult<()> {
        if let Some(emulator) = self.take() {
            wait_shared(py, emulator.shutdown())?;
        }
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("NativeEmulator(base_url={:?})", self.base_url)
    }
}
