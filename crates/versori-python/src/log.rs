//! The SDK's events as records of Python's `logging`, under the logger
//! `versori` (see `versori/_log.py`, which keeps the level in step).
//!
//! The events and their fields are the facade's (`versori::log`): one DEBUG
//! record per HTTP request with `operation_id`, `method`, `path` (the
//! template), `status`, `attempt`, `latency_ms` and `request_id`, and one
//! INFO record per retry with its `reason` and `delay_ms`; never a
//! credential. Each field is also an attribute of the `LogRecord` (as with
//! `extra=`). A record is made only when the logger is enabled for its
//! level, so with logging off no thread ever waits for the GIL on its
//! account; with it on, the thread reporting the event (the caller's, or
//! one of the runtime's) takes the GIL to hand it over.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use versori::log::{forward, Level, Record, Value};

use crate::errors::to_py_err;

/// Python's level number for a facade level.
fn python_level(level: Level) -> i32 {
    match level {
        Level::Error => 40,
        Level::Warn => 30,
        Level::Info => 20,
        Level::Debug => 10,
        Level::Trace => 5,
    }
}

/// Hands `record` to `logger.log(level, line, extra=fields)`.
fn emit(logger: &Py<PyAny>, record: &Record<'_>) {
    // no interpreter (it is shutting down): nothing to log to
    let _ = Python::try_attach(|py| {
        let sent = (|| -> PyResult<()> {
            let extra = PyDict::new(py);
            for (name, value) in record.fields {
                match value {
                    Value::Str(s) => extra.set_item(*name, s)?,
                    Value::U64(n) => extra.set_item(*name, n)?,
                    Value::I64(n) => extra.set_item(*name, n)?,
                    Value::F64(n) => extra.set_item(*name, n)?,
                    Value::Bool(b) => extra.set_item(*name, b)?,
                }
            }
            let kwargs = PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger.bind(py).call_method(
                "log",
                (python_level(record.level), record.line()),
                Some(&kwargs),
            )?;
            Ok(())
        })();
        // logging reports its handlers' failures itself; a failure here
        // (an unusual logger) must not disturb the request
        drop(sent);
    });
}

/// Forwards the SDK's events at Python level `level` (`logging.DEBUG`,
/// `logging.INFO`, ...) and above to `logger`; above `logging.ERROR`,
/// nothing is forwarded.
#[pyfunction]
pub(crate) fn set_log_level(py: Python<'_>, logger: Py<PyAny>, level: i32) -> PyResult<()> {
    let min = match level {
        i32::MIN..=10 => Some(Level::Debug),
        11..=20 => Some(Level::Info),
        21..=30 => Some(Level::Warn),
        31..=40 => Some(Level::Error),
        _ => None,
    };
    let logger = Arc::new(logger);
    forward(
        min,
        Arc::new(move |record: &Record<'_>| emit(&logger, record)),
    )
    .map_err(|e| to_py_err(py, e))
}
