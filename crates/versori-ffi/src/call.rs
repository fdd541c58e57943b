//! The generic call: `versori_call`, any operation by its operationId.

use std::ffi::c_char;

use serde_json::Value;

use crate::client::VersoriClient;
use crate::error::{boundary, Failure};
use crate::handle;
use crate::runtime;
use crate::status::VersoriStatus;
use crate::strings::{arg_str, check_out, into_c_string, opt_str};

/// The JSON arguments (NULL: none).
///
/// # Safety
/// `args_json` is NULL or NUL-terminated.
pub(crate) unsafe fn parse_args(args_json: *const c_char) -> Result<Value, Failure> {
    // SAFETY: forwarded contract.
    let Some(text) = (unsafe { opt_str(args_json, "args_json") })? else {
        return Ok(Value::Object(Default::default()));
    };
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Failure::invalid(format!("`args_json` is not valid JSON: {e}")))?;
    match value {
        Value::Object(_) => Ok(value),
        Value::Null => Ok(Value::Object(Default::default())),
        _ => Err(Failure::invalid(
            "`args_json` must be a JSON object of parameters (and \"body\")",
        )),
    }
}

/// The inputs every call by operationId takes: the client, the
/// operationId and the JSON arguments, each checked.
///
/// # Safety
/// `client` is NULL or live; the strings are NULL or NUL-terminated and
/// stay valid for `'a`.
pub(crate) unsafe fn call_inputs<'a>(
    client: *const VersoriClient,
    operation_id: *const c_char,
    args_json: *const c_char,
) -> Result<(&'a VersoriClient, &'a str, Value), Failure> {
    // SAFETY: forwarded contract (a live client, NUL-terminated strings).
    unsafe {
        Ok((
            handle::borrow(client)?,
            arg_str(operation_id, "operation_id")?,
            parse_args(args_json)?,
        ))
    }
}

/// Calls any operation of the platform by its operationId (or its
/// snake_case form), e.g. `"GetEndUser"`.
///
/// `args_json` is a JSON object holding the path and query parameters by
/// their spec names and the request body under `"body"`, e.g.
/// `{"user_id": "customer-123"}`; NULL means no arguments.
/// `organisation_id` defaults to the client's organisation. On success
/// writes the response body to `*out_json` exactly as the platform sent it,
/// once checked to be JSON (so numbers keep every digit, integers beyond 64
/// bits included), or `{}` when the operation answers without a body; the
/// caller frees it with `versori_string_free`. A body that is not JSON is
/// `VERSORI_DECODE_ERROR`.
///
/// Unknown operations, unknown, missing or wrongly typed parameters and
/// malformed JSON are `VERSORI_INVALID_ARGUMENT` (nothing is sent); platform
/// errors are `VERSORI_API_ERROR` with the HTTP status and error code in
/// `versori_last_error_status()` / `versori_last_error_code()`.
///
/// Thread safety: blocks the calling thread until the call completes; any
/// number of threads may call with the same client at once.
///
/// # Safety
/// `client` is NULL or live; the strings are NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_call(
    client: *const VersoriClient,
    operation_id: *const c_char,
    args_json: *const c_char,
    out_json: *mut *mut c_char,
) -> VersoriStatus {
    boundary(|| {
        // SAFETY: forwarded contract (a live client, NUL-terminated strings).
        let (client, operation_id, args) = unsafe { call_inputs(client, operation_id, args_json)? };
        check_out(out_json, "out_json")?;
        let raw = runtime::block_on(client.client.call_raw(operation_id, args))??;
        let text = checked_text(&raw)?;
        // SAFETY: non-NULL and writable.
        unsafe { *out_json = into_c_string(text) };
        Ok(VersoriStatus::VERSORI_OK)
    })
}

/// The body of a success response as text, checked to be one JSON value
/// within the nesting limit (`{}` for an empty body); anything else is the facade's decode error.
pub(crate) fn checked_text(raw: &versori::RawResponse) -> Result<String, Failure> {
    if raw.is_empty() {
        return Ok("{}".to_owned());
    }
    let text = std::str::from_utf8(raw.body()).map_err(|e| raw.decode_error(e))?;
    crate::checked::check(text.as_bytes()).map_err(|e| raw.decode_error(e))?;
    Ok(text.to_owned())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::ffi::{CStr, CString};

    use super::*;
    use crate::client::{versori_client_free, versori_client_new, VersoriClientOptions};
    use crate::strings::versori_string_free;

    /// A client of `base_url` made through the C ABI.
    pub(crate) fn client(base_url: &CString) -> *mut VersoriClient {
        // SAFETY: all zeroes is a valid options struct (NULL strings, zero
        // numbers), as the header promises C programs.
        let mut opts: VersoriClientOptions = unsafe { std::mem::zeroed() };
        opts.base_url = base_url.as_ptr();
        opts.organisation = c"01J8ZQ4N7G3Y5B2K9T6W1X00RG".as_ptr();
        opts.api_key = c"vk_test".as_ptr();
        opts.max_retries = -1;
        let mut out = std::ptr::null_mut();
        // SAFETY: valid options and out pointer.
        let status = unsafe { versori_client_new(&opts, &mut out) };
        assert_eq!(status, VersoriStatus::VERSORI_OK);
        out
    }

    fn call(body: &str) -> (VersoriStatus, Option<String>) {
        let server = versori_emulator::FixedResponseServer::start(body.to_owned()).expect("server");
        let url = CString::new(server.base_url()).expect("url");
        let c = client(&url);
        let mut out = std::ptr::null_mut();
        // SAFETY: live client, NUL-terminated strings, writable out.
        let status = unsafe {
            versori_call(
                c,
                c"GetEndUser".as_ptr(),
                c"{\"user_id\": \"u\"}".as_ptr(),
                &mut out,
            )
        };
        let text = (!out.is_null()).then(|| {
            // SAFETY: a string this library returned.
            let text = unsafe { CStr::from_ptr(out) }
                .to_string_lossy()
                .into_owned();
            // SAFETY: a string this library returned, freed once.
            unsafe { versori_string_free(out) };
            text
        });
        // SAFETY: a live client, freed once.
        unsafe { versori_client_free(c) };
        (status, text)
    }

    #[test]
    fn the_body_comes_back_as_sent_with_every_digit() {
        let body = r#"{"id": "u", "n": 1180591620717411303424, "f": 0.1000000000000000055511151231257827, "neg": -99999999999999999999999}"#;
        let (status, text) = call(body);
        assert_eq!(status, VersoriStatus::VERSORI_OK);
        assert_eq!(text.as_deref(), Some(body));
    }

    #[test]
    fn a_body_that_is_not_json_is_a_decode_error() {
        for body in [r#"{"id": "u""#, "[1] 2", "nope"] {
            let (status, text) = call(body);
            assert_eq!(status, VersoriStatus::VERSORI_DECODE_ERROR, "{body}");
            assert!(text.is_none());
        }
    }

    #[test]
    fn nesting_beyond_the_recursion_limit_is_a_decode_error() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(crate::checked::check(deep(100).as_bytes()).is_ok());
        let nested_object = format!("{}1{}", r#"{"a":"#.repeat(100), "}".repeat(100));
        assert!(crate::checked::check(nested_object.as_bytes()).is_ok());
        let err = crate::checked::check(deep(100_000).as_bytes()).err();
        assert!(
            err.as_ref()
                .is_some_and(|e| e.to_string().contains("recursion limit")),
            "{err:?}"
        );
        let (status, text) = call(&deep(100_000));
        assert_eq!(status, VersoriStatus::VERSORI_DECODE_ERROR);
        assert!(text.is_none());
    }
}
