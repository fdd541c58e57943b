//! The C ABI of the Versori Platform SDK: `libversori` (shared and static)
//! for C and C++ programs. Its reference is `include/versori.h`, generated
//! from these sources by `cargo xtask generate`; `include/versori.hpp` wraps
//! it for C++.
//!
//! The contract, for every export:
//! - opaque handles (`VersoriClient`, `VersoriPager`, `VersoriEmulator`)
//!   created by a `_new`/`_start`/`versori_paginate` function and released by
//!   a NULL-safe `_free`;
//! - fallible functions return a [`VersoriStatus`] and write their
//!   out-parameters only on success; after a failure
//!   `versori_last_error_message()`, `versori_last_error_status()` and
//!   `versori_last_error_code()` describe it on the calling thread (the
//!   texts are the library's, lent until the thread's next call that
//!   returns a `VersoriStatus`);
//! - every `char *` handed out is freed with `versori_string_free`; a
//!   `const char *` returned is the library's and never freed;
//! - NULL pointers and text that is not UTF-8 are `VERSORI_INVALID_ARGUMENT`
//!   with a message naming the argument; a panic never crosses the boundary
//!   (it becomes `VERSORI_PANIC`);
//! - clients are thread-safe and all share one Tokio runtime, the library's
//!   only global state; each call blocks the calling thread until done;
//! - `fork` is safe: a child that uses a client, pager or emulator handle
//!   made before the fork gets a runtime and connection pools of its own
//!   (noticed through `pthread_atfork`), and the parent's are neither used
//!   nor freed there, so the parent carries on undisturbed;
//! - `versori_set_log_callback` hands the library's log records to the
//!   program.

#![warn(missing_docs)]
// a C ABI is unsafe by nature: each unsafe fn states its contract and each
// block says why that contract makes it sound
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod call;
mod checked;
mod client;
mod emulator;
mod error;
mod handle;
mod log;
mod pager;
mod runtime;
mod status;
mod strings;

use std::ffi::{c_char, CStr};

pub use call::versori_call;
pub use client::{versori_client_free, versori_client_new, VersoriClient, VersoriClientOptions};
pub use emulator::{
    versori_emulator_base_url, versori_emulator_free, versori_emulator_start, VersoriEmulator,
};
pub use error::{versori_last_error_code, versori_last_error_message, versori_last_error_status};
pub use log::{versori_set_log_callback, VersoriLogCallback, VersoriLogLevel};
pub use pager::{versori_pager_free, versori_pager_next, versori_paginate, VersoriPager};
pub use status::VersoriStatus;
pub use strings::versori_string_free;

/// The library version, NUL-terminated.
const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the package version contains a NUL byte"),
    };

/// The library's version, `"MAJOR.MINOR.PATCH"`; it matches the
/// `VERSORI_VERSION_*` macros of the header the program was compiled with
/// when both come from the same release.
///
/// Ownership: a static string owned by the library; do not free it.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn versori_version() -> *const c_char {
    VERSION.as_ptr()
}
