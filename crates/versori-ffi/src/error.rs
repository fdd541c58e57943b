//! Failures, the calling thread's last error, and the panic boundary every
//! export runs inside.

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::status::VersoriStatus;
use crate::strings::c_string;

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

/// A failure as the calling thread's record keeps it: its texts are C
/// strings owned here, lent to `versori_last_error_message()` and
/// `versori_last_error_code()` until the record is cleared or replaced.
#[derive(Debug)]
struct Record {
    failure: Failure,
    message: CString,
    code: Option<CString>,
}

impl From<Failure> for Record {
    fn from(failure: Failure) -> Self {
        Record {
            message: c_string(failure.message.clone()),
            code: failure.code.clone().map(c_string),
            failure,
        }
    }
}

thread_local! {
    /// The failure of the last fallible call made on this thread, if it
    /// failed. Only [`boundary`] writes it, at the start and end of a call
    /// that returns a `VersoriStatus`; everything else only reads it.
    static LAST: RefCell<Option<Record>> = const { RefCell::new(None) };
}

fn set_last(failure: Option<Failure>) {
    let record = failure.map(Record::from);
    // the old record (and the texts lent out of it) is dropped here
    LAST.with(|l| *l.borrow_mut() = record);
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

fn with_last<T>(f: impl FnOnce(Option<&Record>) -> T) -> T {
    LAST.with(|l| f(l.borrow().as_ref()))
}

/// A description of the last failed call made on this thread (UTF-8), or
/// NULL when the last fallible call on this thread succeeded or none was
/// made. A fallible call is one that returns a `VersoriStatus`.
///
/// Ownership: the library owns the string; do not free it. It stays valid
/// until the calling thread's next call into the library that returns a
/// `VersoriStatus`, which clears the record (on success) or replaces it (on
/// failure); the `versori_last_error_*` functions, `versori_version`,
/// `versori_string_free` and the `_free` functions leave it alone, and so
/// do other threads' calls. Copy the text to keep it longer: reading it
/// after a later fallible call reads freed memory. Calling this again
/// before then returns the same pointer.
///
/// Thread safety: reads the calling thread's own record.
#[no_mangle]
pub extern "C" fn versori_last_error_message() -> *const c_char {
    shielded(std::ptr::null(), || {
        with_last(|r| r.map_or(std::ptr::null(), |r| r.message.as_ptr()))
    })
}

/// The HTTP status of the last failed call on this thread (404, 422, ...),
/// or 0 when it failed without a response (or did not fail).
///
/// Thread safety: reads the calling thread's own record.
#[no_mangle]
pub extern "C" fn versori_last_error_status() -> u16 {
    shielded(0, || with_last(|r| r.map_or(0, |r| r.failure.http_status)))
}

/// The platform's error code of the last failed call on this thread (for
/// `VERSORI_API_ERROR`, e.g. `"not_found"`; `"redirect"` for a redirect),
/// or NULL when that failure has no code or the last fallible call on this
/// thread succeeded (or none was made).
///
/// Ownership: the library owns the string; do not free it. It stays valid
/// exactly as long as `versori_last_error_message()`'s: until the calling
/// thread's next call that returns a `VersoriStatus`.
///
/// Thread safety: reads the calling thread's own record.
#[no_mangle]
pub extern "C" fn versori_last_error_code() -> *const c_char {
    shielded(std::ptr::null(), || {
        with_last(|r| {
            r.and_then(|r| r.code.as_deref())
                .map_or(std::ptr::null(), |c| c.as_ptr())
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
        let msg = with_last(|r| r.map(|r| r.failure.message.clone())).unwrap_or_default();
        assert!(msg.contains("boom"), "{msg}");
        // the next successful call clears it
        assert_eq!(
            boundary(|| Ok(VersoriStatus::VERSORI_OK)),
            VersoriStatus::VERSORI_OK
        );
        assert!(with_last(|r| r.is_none()));
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
        let other = std::thread::spawn(|| with_last(|r| r.is_none()))
            .join()
            .unwrap_or(false);
        assert!(other, "another thread saw this thread's error");
        assert!(with_last(|r| r.is_some_and(|r| r.failure.message == "here")));
    }

    #[test]
    fn the_texts_are_lent_until_the_next_fallible_call() {
        let failed = |message: &'static str| {
            boundary(move || {
                Err(Failure {
                    code: Some(format!("code-{message}")),
                    ..Failure::invalid(message)
                })
            })
        };
        failed("first");
        let message = versori_last_error_message();
        let code = versori_last_error_code();
        // SAFETY: both were just lent by the library and no fallible call
        // came since.
        let read = |p: *const c_char| unsafe { std::ffi::CStr::from_ptr(p) }.to_str().ok();
        assert_eq!(read(message), Some("first"));
        assert_eq!(read(code), Some("code-first"));
        // asking again, and asking for the status, lends the same texts
        assert_eq!(versori_last_error_status(), 0);
        assert_eq!(versori_last_error_message(), message);
        assert_eq!(versori_last_error_code(), code);
        assert_eq!(read(message), Some("first"));
        // a new failure replaces them
        failed("second");
        assert_eq!(read(versori_last_error_message()), Some("second"));
        assert_eq!(read(versori_last_error_code()), Some("code-second"));
        // a failure without a code has none; a success clears the message
        boundary(|| Err(Failure::invalid("third")));
        assert!(versori_last_error_code().is_null());
        boundary(|| Ok(VersoriStatus::VERSORI_OK));
        assert!(versori_last_error_message().is_null());
        assert!(versori_last_error_code().is_null());
    }
}
