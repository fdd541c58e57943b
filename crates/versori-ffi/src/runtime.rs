//! The runtimes: calls and pagers block on the calling thread's own
//! ([`block_on`], see `versori::blocking`); emulators are served from one
//! Tokio multi-thread runtime per process, created on first use
//! ([`block_on_shared`]).
//!
//! A process made by `fork` gets a runtime of its own on first use (the
//! parent's has no threads in the child): see [`versori::fork`].

use std::future::Future;

use tokio::runtime::Runtime;

use crate::error::Failure;

/// This process's runtime, started on first use ([`versori::fork::runtime`]).
pub fn runtime() -> Result<&'static Runtime, Failure> {
    versori::fork::runtime().map_err(|e| Failure::system(e.to_owned()))
}

/// Why a call from a runtime's own thread is refused.
const INSIDE_A_RUNTIME: &str =
    "libversori was called from inside an async runtime's thread; call it from an ordinary thread";

/// Runs a request's `future` to completion on the calling thread, which
/// does the I/O itself ([`versori::blocking::block_on`]): no hand-off to
/// the shared runtime's threads and back. Refused from inside an async
/// runtime's thread.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, Failure> {
    versori::blocking::block_on(future).map_err(|e| match e {
        versori::Error::InvalidInput { .. } => Failure::invalid(INSIDE_A_RUNTIME),
        other => Failure::system(other.to_string()),
    })
}

/// Runs `future` to completion on the shared runtime, blocking the calling
/// thread (which must not be one of the runtime's own): for the emulator,
/// whose server tasks must keep running from the runtime's threads after
/// the call returns.
pub fn block_on_shared<F: Future>(future: F) -> Result<F::Output, Failure> {
    let rt = runtime()?;
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Failure::invalid(INSIDE_A_RUNTIME));
    }
    Ok(rt.block_on(future))
}
