//! Failures, the calling thread's last error, and the panic boundary every
//! export runs inside.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::status::VersoriStatus;
use crate::strings::{into_c_string, lossy_c_string};

/// Why a call failed: what `versori_last_error_*` report afterwards.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    /// The status the call returns.
    pub status: VersoriStatus,
    /// A readable description naming what was wrong.
    pub message: String,
    /// The HTTP status, or 0 when no response was involved.
    pub http_status: u16,
    /// The platform's error code, for API errors.
    pub code: Option<String>,
}

impl Failure {
    /// A failure that carries no HTTP details.
    pub fn new(status: VersoriStatus, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
            http_status: 0,
            code: None,
        }
    }

    /// `VERSORI_INVALID_ARGUMENT` with `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Failure::new(VersoriStatus::VERSORI_INVALID_ARGUMENT, message)
    }

    /// `VERSORI_SYSTEM_ERROR` with `message`.
    pub fn system(message: impl Into<String>) -> Self {
        Failure::new(VersoriStatus::VERSORI_SYSTEM_ERROR, message)
    }
}

impl From<versori::Error> for Failure {
    fn from(e: versori::Error) -> Self {
        use versori::Error as E;
        let status = match &e {
            E::Api { .. } => VersoriStatus::VERSORI_API_ERROR,
            E::Transport { .. } => VersoriStatus::VERSORI_TRANSPORT_ERROR,
            E::Timeout { .. } => VersoriStatus::VERSORI_TIMEOUT,
            E::Decode { .. } | E::ResponseTooLarge { .. } => VersoriStatus::VERSORI_DECODE_ERROR,
            E::Redirect { .. } => VersoriStatus::VERSORI_API_ERROR,
            E::InvalidInput { .. } => VersoriStatus::VERSORI_INVALID_ARGUMENT,
            E::Auth { .. } => VersoriStatus::VERSORI_AUTH_ERROR,
            // the facade's error is non-exhaustive: a new kind is at least a failure
            _ => VersoriStatus::VERSORI_SYSTEM_ERROR,
        };
        let mut message = e.to_string();
        if let E::Api {
            details, fields, ..
        } = &e
        {
            if let Some(d) = details.as_deref().filter(|d| !d.is_empty()) {
                message.push_str(&format!(" ({d})"));
            }
            for f in fields {
                message.push_str(&format!("; {}: {}", f.field, f.message));
            }
        }
        let code = match &e {
            E::Redirect { .. } => Some("redirect".to_string()),
            other => other.code().map(String::from),
        };
        Failure {
            status,
            http_status: e.status().unwrap_or(0),
            code,
            message,
        }
    }
}

thread_local! {
    /// The failure of the last fallible call made on this thread, if it failed.
    static LAST: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

fn set_last(failure: Option<Failure>) {
    LAST.with(|l| *l.borrow_mut() = failure);
}

/// Runs the body of a fallible export: clears the thread's last error,
/// catches any panic (it becomes `VERSORI_PANIC`), and records a failure.
/// The body writes its out-parameters itself, and only once it has succeeded.
pub fn boundary<F>(body: F) -> VersoriStatus
where
    F: FnOnce() -> Result<VersoriStatus, Failure>,
{
    set_last(None);
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => return status,
        Ok(Err(failure)) => failure,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            Failure::new(
                VersoriStatus::VERSORI_PANIC,
                format!("internal error (a bug in libversori, please report it): {what}"),
            )
        }
    };
    let status = failure.status;
    set_last(Some(failure));
    status
}

/// Runs an infallible export (a free, an accessor) inside a panic boundary,
/// returning `fallback` if it panics.
pub fn shielded<T, F: FnOnce() -> T>(fallback: T, body: F) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn with_last<T>(f: impl FnOnce(Option<&Failure>) -> T) -> T {
    LAST.with(|l| f(l.borrow().as_ref()))
}

/// A description of the last failed call made on this thread, or NULL when
/// the last fallible call on this thread succeeded (or none was made).
///
/// Ownership: the caller owns the returned string and frees it with
/// `versori_string_free`. Thread safety: reads the calling thread's own
/// record; other threads' calls do not affect it.
#[no_mangle]
pub extern "C" fn versori_last_error_message() -> *mut c_char {
    shielded(std::ptr::null_mut(), || {
        with_last(|f| f.map_or(std::ptr::null_mut(), |f| lossy_c_string(&f.message)))
    })
}

/// The HTTP status of the last failed call on this thread (404, 422, ...),
/// or 0 when it failed without a response (or did not fail).
///
/// Thread safety: reads the calling thread's own record.
#[no_mangle]
pub extern "C" fn versori_last_error_status() -> u16 {
    shielded(0, || with_last(|f| f.map_or(0, |f| f.http_status)))
}

/// The platform's error code of the last failed call on this thread (for
/// `VERSORI_API_ERROR`, e.g. `"not_found"`), or NULL when there is none.
///
/// Ownership: the caller owns the returned string and frees it with
/// `versori_string_free`. Thread safety: reads the calling thread's own record.
#[no_mangle]
pub extern "C" fn versori_last_error_code() -> *mut c_char {
    shielded(std::ptr::null_mut(), || {
        with_last(|f| {
            f.and_then(|f| f.code.as_deref())
                .map_or(std::ptr::null_mut(), |c| into_c_string(c.to_string()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_status_with_its_message() {
        let status = boundary(|| panic!("boom"));
        assert_eq!(status, VersoriStatus::VERSORI_PANIC);
        let msg = with_last(|f| f.map(|f| f.message.clone())).unwrap_or_default();
        assert!(msg.contains("boom"), "{msg}");
        // the next successful call clears it
        assert_eq!(
            boundary(|| Ok(VersoriStatus::VERSORI_OK)),
            VersoriStatus::VERSORI_OK
        );
        assert!(with_last(|f| f.is_none()));
    }

    #[test]
    fn api_errors_keep_status_code_and_fields() {
        let e = versori::Error::Api {
            status: 422,
            code: "validation_failed".into(),
            message: "bad".into(),
            details: Some("more".into()),
            fields: vec![versori::FieldError {
                field: "externalId".into(),
                message: "required".into(),
            }],
            request_id: None,
        };
        let f = Failure::from(e);
        assert_eq!(f.status, VersoriStatus::VERSORI_API_ERROR);
        assert_eq!(f.http_status, 422);
        assert_eq!(f.code.as_deref(), Some("validation_failed"));
        assert!(f.message.contains("externalId: required"), "{}", f.message);
        assert!(f.message.contains("(more)"), "{}", f.message);
    }

    #[test]
    fn failures_are_per_thread() {
        let status = boundary(|| Err(Failure::invalid("here")));
        assert_eq!(status, VersoriStatus::VERSORI_INVALID_ARGUMENT);
        let other = std::thread::spawn(|| with_last(|f| f.is_none()))
            .join()
            .unwrap_or(false);
        assert!(other, "another thread saw this thread's error");
        assert!(with_last(|f| f.is_some_and(|f| f.message == "here")));
    }
}
