//! Pagination: `versori_paginate`, `versori_pager_next`, `versori_pager_free`.

use std::ffi::c_char;

use futures::StreamExt;
use serde_json::Value;
use versori::operations::{self, Pagination};

use crate::call::{client_ref, parse_args};
use crate::client::VersoriClient;
use crate::error::{boundary, shielded, Failure};
use crate::runtime;
use crate::status::VersoriStatus;
use crate::strings::{arg_str, check_out, into_c_string};

/// Every item of a paginated list operation, fetched one page at a time
/// (opaque).
///
/// A pager may move between threads but must not be used by two threads at
/// once.
pub struct VersoriPager {
    pages: versori::Pages<Value>,
}

/// Starts iterating over every item of the paginated operation
/// `operation_id` (e.g. `"ListSystems"`, `"ListConnections"`, `"ListKV"`),
/// with arguments as for `versori_call` (NULL: none). Nothing is fetched
/// until the first `versori_pager_next`.
///
/// On success writes a new pager to `*out`; the caller frees it with
/// `versori_pager_free`. The pager holds its own reference to the client's
/// connection pool, so it may outlive the client handle. Operations that are
/// not paginated, unknown operations and malformed arguments are
/// `VERSORI_INVALID_ARGUMENT`.
///
/// Thread safety: may be called from any thread.
///
/// # Safety
/// `client` is NULL or live; the strings are NULL or NUL-terminated; `out`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_paginate(
    client: *const VersoriClient,
    operation_id: *const c_char,
    args_json: *const c_char,
    out: *mut *mut VersoriPager,
) -> VersoriStatus {
    boundary(|| {
        // SAFETY (all three): forwarded contract.
        let client = unsafe { client_ref(client) }?;
        let operation_id = unsafe { arg_str(operation_id, "operation_id") }?;
        let args = unsafe { parse_args(args_json) }?;
        check_out(out, "out")?;
        let op = operations::find(operation_id)
            .ok_or_else(|| Failure::invalid(format!("unknown operation {operation_id:?}")))?;
        if op.pagination == Pagination::None {
            let listed: Vec<&str> = operations::OPERATIONS
                .iter()
                .filter(|o| o.pagination != Pagination::None)
                .map(|o| o.id)
                .collect();
            return Err(Failure::invalid(format!(
                "{} is not paginated; use versori_call (paginated operations: {})",
                op.id,
                listed.join(", ")
            )));
        }
        let Value::Object(args) = args else {
            return Err(Failure::invalid("`args_json` must be a JSON object"));
        };
        let pages = client.client.pages::<Value>(op.id, args);
        let handle = Box::into_raw(Box::new(VersoriPager { pages }));
        // SAFETY: non-NULL and writable.
        unsafe { *out = handle };
        Ok(VersoriStatus::VERSORI_OK)
    })
}

/// The next item: writes it as JSON to `*item_json` and returns `VERSORI_OK`,
/// or returns `VERSORI_DONE` (writing nothing) after the last item. Fetches
/// the next page when the current one is used up, blocking the calling
/// thread. After an error the pager is finished: later calls return
/// `VERSORI_DONE`.
///
/// Ownership: the caller frees `*item_json` with `versori_string_free`.
/// Thread safety: a pager must not be used by two threads at once.
///
/// # Safety
/// `pager` is NULL or live and not in use by another thread; `item_json` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_pager_next(
    pager: *mut VersoriPager,
    item_json: *mut *mut c_char,
) -> VersoriStatus {
    boundary(|| {
        // SAFETY: NULL or live and unshared by the caller's contract.
        let pager = unsafe { pager.as_mut() }.ok_or_else(|| Failure::invalid("`pager` is NULL"))?;
        check_out(item_json, "item_json")?;
        match runtime::block_on(pager.pages.next())? {
            None => Ok(VersoriStatus::VERSORI_DONE),
            Some(Err(e)) => Err(e.into()),
            Some(Ok(item)) => {
                let text = serde_json::to_string(&item)
                    .map_err(|e| Failure::system(format!("could not serialise an item: {e}")))?;
                // SAFETY: non-NULL and writable.
                unsafe { *item_json = into_c_string(text) };
                Ok(VersoriStatus::VERSORI_OK)
            }
        }
    })
}

/// Frees a pager (an unfinished one too). NULL is allowed and ignored.
///
/// # Safety
/// `pager` is NULL or a pager from `versori_paginate`, not yet freed and not
/// in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn versori_pager_free(pager: *mut VersoriPager) {
    if pager.is_null() {
        return;
    }
    shielded((), || {
        // SAFETY: created by `Box::into_raw` in `versori_paginate`.
        let boxed = unsafe { Box::from_raw(pager) };
        match runtime::runtime() {
            Ok(rt) => {
                let _guard = rt.enter();
                drop(boxed);
            }
            Err(_) => drop(boxed),
        }
    });
}
