//! Strings across the boundary: borrowed `const char *` arguments in, owned
//! `char *` results out (freed with `versori_string_free`).

use std::ffi::{c_char, CStr, CString};

use crate::error::{shielded, Failure};

/// The UTF-8 text behind a required `const char *` argument called `name`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid for `'a`.
pub unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::invalid(format!("`{name}` is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Failure::invalid(format!(
            "`{name}` is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// Like [`arg_str`], but NULL is `None`.
///
/// # Safety
/// As for [`arg_str`].
pub unsafe fn opt_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { arg_str(ptr, name) }.map(Some)
    }
}

/// Fails with a message naming `name` when an out-parameter is NULL.
pub fn check_out<T>(ptr: *mut T, name: &str) -> Result<(), Failure> {
    if ptr.is_null() {
        Err(Failure::invalid(format!(
            "`{name}` is NULL: pass the address of a variable to receive the result"
        )))
    } else {
        Ok(())
    }
}

/// `text` as a C string. Text from this library holds no NUL bytes (JSON
/// escapes them); should one appear, it becomes U+FFFD rather than silently
/// cutting the string short.
pub fn c_string(text: String) -> CString {
    CString::new(text).unwrap_or_else(|e| {
        let cleaned = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
        CString::new(cleaned).unwrap_or_default()
    })
}

/// Hands `text` to the caller as an owned C string (see [`c_string`]),
/// freed with `versori_string_free`.
pub fn into_c_string(text: String) -> *mut c_char {
    c_string(text).into_raw()
}

/// Frees a string returned by this library. NULL is allowed and ignored.
///
/// Ownership: takes back a `char *` that a `versori_*` function handed out
/// (a JSON result, an item, a base URL); passing any other
/// pointer, or one twice, is undefined behaviour. Thread safety: may be
/// called from any thread.
///
/// # Safety
/// `s` is NULL or a string returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn versori_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    shielded((), || {
        // SAFETY: `s` came from `CString::into_raw` in this library.
        drop(unsafe { CString::from_raw(s) });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_bad_utf8_are_named() {
        // SAFETY: NULL is allowed.
        let e = unsafe { arg_str(std::ptr::null(), "operation_id") }.err();
        assert_eq!(
            e.map(|e| e.message),
            Some("`operation_id` is NULL".to_string())
        );
        let bad = b"ab\xff\0";
        // SAFETY: a NUL-terminated byte string that outlives the call.
        let e = unsafe { arg_str(bad.as_ptr().cast(), "args_json") }.err();
        assert!(e.is_some_and(|e| e.message.contains("args_json") && e.message.contains("UTF-8")));
    }

    #[test]
    fn interior_nul_is_replaced_not_truncated() {
        let p = into_c_string("a\0b".into());
        // SAFETY: a NUL-terminated string this library returned.
        let back = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
        // SAFETY: that string, freed once.
        unsafe { versori_string_free(p) };
        assert_eq!(back, "a\u{FFFD}b");
    }
}
