//! The runtime: one Tokio multi-thread runtime per process, created on
//! first use and shared by every client, pager and emulator. It is the
//! library's only global state.
//!
//! A process made by `fork` gets a runtime of its own on first use (the
//! parent's has no threads in the child): see [`versori::fork`].

use std::future::Future;

use tokio::runtime::Runtime;
use versori::fork::ForkLocal;

use crate::error::Failure;

static RUNTIME: ForkLocal<Result<Runtime, String>> = ForkLocal::new();

/// This process's runtime, started on first use.
pub fn runtime() -> Result<&'static Runtime, Failure> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("versori-runtime")
                .build()
                .map_err(|e| format!("could not start the runtime's threads: {e}"))
        })
        .as_ref()
        .map_err(|e| Failure::system(e.clone()))
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
