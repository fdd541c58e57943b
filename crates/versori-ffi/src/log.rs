//! The SDK's events for C programs: `versori_set_log_callback`.
//!
//! The events and their fields are the facade's (see `versori::log`): a
//! DEBUG record per HTTP request (operation, method, path template, status,
//! attempt, latency, request id) and an INFO record per retry (reason,
//! delay), never a credential.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use versori::log::{forward, Level, Record};

use crate::error::{boundary, Failure};
use crate::status::VersoriStatus;

/// How severe a log record is. The values are part of the ABI: each is the
/// number of the facade's `versori::log::Level` of the same name.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersoriLogLevel {
    /// Something failed.
    VERSORI_LOG_ERROR = 1,
    /// Something looks wrong.
    VERSORI_LOG_WARN = 2,
    /// Something a user wants to know about: every retry, with its reason and delay.
    VERSORI_LOG_INFO = 3,
    /// Detail for finding problems: every request's outcome.
    VERSORI_LOG_DEBUG = 4,
    /// Everything.
    VERSORI_LOG_TRACE = 5,
}

impl VersoriLogLevel {
    fn from_facade(level: Level) -> Self {
        match level {
            Level::Error => VersoriLogLevel::VERSORI_LOG_ERROR,
            Level::Warn => VersoriLogLevel::VERSORI_LOG_WARN,
            Level::Info => VersoriLogLevel::VERSORI_LOG_INFO,
            Level::Debug => VersoriLogLevel::VERSORI_LOG_DEBUG,
            Level::Trace => VersoriLogLevel::VERSORI_LOG_TRACE,
        }
    }
}

/// Receives a log record: its level, the record as one line of text
/// (`response operation_id=GetEndUser method=GET
/// path=/o/{organisation_id}/users/{user_id} status=200 attempt=1
/// latency_ms=0.842 request_id=...`; valid only during the call, UTF-8), and
/// the `user_data` given to `versori_set_log_callback`.
///
/// It is called from whichever thread made the request or one of the
/// library's own threads, possibly from several at once, so it must be
/// thread-safe; it must return quickly and must not call back into
/// libversori.
pub type VersoriLogCallback = Option<
    unsafe extern "C" fn(level: VersoriLogLevel, message: *const c_char, user_data: *mut c_void),
>;

/// The callback and its `user_data`, passed between threads as the caller
/// promised they may be.
struct Target {
    callback: unsafe extern "C" fn(VersoriLogLevel, *const c_char, *mut c_void),
    user_data: usize,
}

impl Target {
    fn deliver(&self, record: &Record<'_>) {
        // a NUL inside a field cannot be passed as C text: shown as U+FFFD
        let line = record.line().replace('\0', "\u{fffd}");
        let Ok(text) = CString::new(line) else {
            return;
        };
        // SAFETY: the callback was given by the caller for this purpose,
        // with its user_data; the text outlives the call.
        unsafe {
            (self.callback)(
                VersoriLogLevel::from_facade(record.level),
                text.as_ptr(),
                self.user_data as *mut c_void,
            )
        };
    }
}

/// Sends the library's log records at `min_level` (a `VersoriLogLevel`
/// value) or more severe to `callback`, with `user_data`; a NULL
/// `callback` stops logging. Replaces any callback set before. Without a
/// callback, logging costs nothing.
///
/// Records never contain a credential. Fails with
/// `VERSORI_INVALID_ARGUMENT` when `min_level` is not one of the
/// `VERSORI_LOG_*` values.
///
/// Thread safety: may be called from any thread; the callback may be
/// called concurrently from several (see `VersoriLogCallback`).
///
/// # Safety
/// `callback` is NULL or a function that may be called with `user_data`
/// from any thread until logging is stopped or another callback set.
#[no_mangle]
pub unsafe extern "C" fn versori_set_log_callback(
    min_level: i32,
    callback: VersoriLogCallback,
    user_data: *mut c_void,
) -> VersoriStatus {
    boundary(|| {
        let level = Level::from_number(min_level.into()).ok_or_else(|| {
            Failure::invalid(format!(
                "`min_level` must be one of VERSORI_LOG_ERROR (1) to VERSORI_LOG_TRACE (5), got {min_level}"
            ))
        })?;
        match callback {
            None => forward(None, Arc::new(|_: &Record<'_>| {}))?,
            Some(callback) => {
                let target = Target {
                    callback,
                    user_data: user_data as usize,
                };
                forward(
                    Some(level),
                    Arc::new(move |record: &Record<'_>| target.deliver(record)),
                )?
            }
        }
        Ok(VersoriStatus::VERSORI_OK)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_c_level_is_the_facade_level_of_its_number() {
        for level in Level::ALL {
            let c = VersoriLogLevel::from_facade(level);
            assert_eq!(c as i64, level as i64, "{level:?}");
            assert_eq!(Level::from_number(c as i64), Some(level));
        }
        assert_eq!(Level::from_number(0), None);
        assert_eq!(Level::from_number(6), None);
    }
}
