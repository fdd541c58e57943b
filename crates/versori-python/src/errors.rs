//! Facade errors as the package's Python exceptions.
//!
//! The exception classes live in `versori/_errors.py` (with their
//! docstrings and type hints); this module calls its `_from_native` factory,
//! which picks the class (`NotFoundError` for a 404, `APITimeoutError`, ...).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn factory(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    FACTORY
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("versori._errors")?
                    .getattr("_from_native")?
                    .unbind(),
            )
        })
        .map(|f| f.bind(py))
}

/// The fields of one exception, as `_from_native` takes them.
struct Parts<'a> {
    kind: &'static str,
    message: String,
    status: Option<u16>,
    code: Option<&'a str>,
    api_message: Option<&'a str>,
    details: Option<&'a str>,
    fields: Vec<(String, String)>,
    request_id: Option<&'a str>,
    excerpt: Option<&'a str>,
    location: Option<&'a str>,
    limit: Option<u64>,
}

fn build(py: Python<'_>, p: Parts<'_>) -> PyErr {
    let made = factory(py).and_then(|f| {
        f.call1((
            p.kind,
            p.message.as_str(),
            p.status,
            p.code,
            p.api_message,
            p.details,
            p.fields,
            p.request_id,
            p.excerpt,
            p.location,
            p.limit,
        ))
    });
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => PyRuntimeError::new_err(format!(
            "{} (and versori._errors could not make the exception: {e})",
            p.message
        )),
    }
}

/// A facade error as the matching `versori` exception.
pub(crate) fn to_py_err(py: Python<'_>, e: versori::Error) -> PyErr {
    let message = e.to_string();
    let plain = |kind: &'static str, message: String| Parts {
        kind,
        message,
        status: None,
        code: None,
        api_message: None,
        details: None,
        fields: Vec::new(),
        request_id: None,
        excerpt: None,
        location: None,
        limit: None,
    };
    match &e {
        versori::Error::Api {
            status,
            code,
            message: api_message,
            details,
            fields,
            request_id,
        } => build(
            py,
            Parts {
                kind: "api",
                message,
                status: Some(*status),
                code: Some(code),
                api_message: Some(api_message),
                details: details.as_deref(),
                fields: fields
                    .iter()
                    .map(|f| (f.field.clone(), f.message.clone()))
                    .collect(),
                request_id: request_id.as_deref(),
                excerpt: None,
                location: None,
                limit: None,
            },
        ),
        versori::Error::Redirect {
            status,
            location,
            request_id,
        } => build(
            py,
            Parts {
                status: Some(*status),
                code: Some("redirect"),
                location: location.as_deref(),
                request_id: request_id.as_deref(),
                ..plain("redirect", message)
            },
        ),
        versori::Error::ResponseTooLarge { status, limit } => build(
            py,
            Parts {
                status: Some(*status),
                limit: Some(*limit),
                ..plain("too_large", message)
            },
        ),
        versori::Error::Decode {
            status, excerpt, ..
        } => build(
            py,
            Parts {
                status: *status,
                excerpt: Some(excerpt),
                ..plain("decode", message)
            },
        ),
        versori::Error::Timeout { .. } => build(py, plain("timeout", message)),
        versori::Error::Transport { .. } => build(py, plain("transport", message)),
        versori::Error::InvalidInput { .. } => build(py, plain("invalid", message)),
        versori::Error::Auth { .. } => build(py, plain("credentials", message)),
        _ => build(py, plain("other", message)),
    }
}

/// A `versori.ValidationError` (client-side input problem) with `message`.
pub(crate) fn invalid(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py_err(
        py,
        versori::Error::InvalidInput {
            message: message.into(),
        },
    )
}

/// Runs `f` holding the GIL to turn a facade error into its exception.
pub(crate) fn from_facade(e: versori::Error) -> PyErr {
    Python::attach(|py| to_py_err(py, e))
}
