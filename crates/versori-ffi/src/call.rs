//! The generic call: `versori_call`, any operation by its operationId.

use std::ffi::c_char;

use serde_json::Value;

use crate::client::VersoriClient;
use crate::error::{boundary, Failure};
use crate::runtime;
use crate::status::VersoriStatus;
use crate::strings::{arg_str, check_out, into_c_string, opt_str};

/// The client behind a handle, or a failure naming the NULL argument.
///
/// # Safety
/// `client` is NULL or a live client handle.
pub(crate) unsafe fn client_ref<'a>(
    client: *const VersoriClient,
) -> Result<&'a VersoriClient, Failure> {
    // SAFETY: NULL or live by the caller's contract.
    unsafe { client.as_ref() }.ok_or_else(|| Failure::invalid("`client` is NULL"))
}

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

/// Calls any operation of the platform by its operationId (or its
/// snake_case form), e.g. `"GetEndUser"`.
///
/// `args_json` is a JSON object holding the path and query parameters by
/// their spec names and the request body under `"body"`, e.g.
/// `{"user_id": "customer-123"}`; NULL means no arguments.
/// `organisation_id` defaults to the client's organisation. On success
/// writes the response body as JSON to `*out_json` (`{}` when the operation
/// answers without a body); the caller frees it with `versori_string_free`.
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
        // SAFETY (all three): forwarded contract.
        let client = unsafe { client_ref(client) }?;
        let operation_id = unsafe { arg_str(operation_id, "operation_id") }?;
        let args = unsafe { parse_args(args_json) }?;
        check_out(out_json, "out_json")?;
        let value = runtime::block_on(client.client.call(operation_id, args))??;
        let text = serde_json::to_string(&value)
            .map_err(|e| Failure::system(format!("could not serialise the response: {e}")))?;
        // SAFETY: non-NULL and writable.
        unsafe { *out_json = into_c_string(text) };
        Ok(VersoriStatus::VERSORI_OK)
    })
}
