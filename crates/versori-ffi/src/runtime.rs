//! The runtime: one Tokio multi-thread runtime per process, created on
//! first use and shared by every client, pager and emulator. It is the
//! library's only global state.
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

/// Runs `future` to completion on the shared runtime, blocking the calling
/// thread (which must not be one of the runtime's own).
pub fn block_on<F: Future>(future: F) -> Result<F::Output, Failure> {
    let rt = runtime()?;
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Failure::invalid(
            "libversori was called from inside an async runtime's thread; \
             call it from an ordinary thread",
        ));
    }
    Ok(rt.block_on(future))
}
