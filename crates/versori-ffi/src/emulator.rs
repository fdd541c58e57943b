//! The embedded emulator, for embedders' tests: `versori_emulator_start`,
//! `versori_emulator_base_url`, `versori_emulator_free`.

use std::ffi::c_char;
use std::time::Duration;

use versori_emulator::Emulator;

use crate::error::{boundary, Failure};
use crate::handle::{self, Handle};
use crate::runtime;
use crate::status::VersoriStatus;
use crate::strings::{check_out, into_c_string};

/// How long `versori_emulator_free` waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// An in-memory Versori Platform serving the API on loopback (opaque).
///
/// It accepts any `Bearer` or `JWT` credential, creates organisations on
/// first use, and enforces the platform's rules. Thread-safe.
pub struct VersoriEmulator {
    emulator: Emulator,
    /// The process that started it (see `versori::fork`): a forked child
    /// has a copy of the handle but not the server.
    generation: u64,
}

impl Handle for VersoriEmulator {
    const ARG: &'static str = "emulator";

    /// Stops the server, waiting up to [`SHUTDOWN_GRACE`] for open
    /// connections; in a child made by `fork`, leaves the parent's alone.
    fn release(self: Box<Self>) {
        if self.generation != versori::fork::generation() {
            // the parent's server: its tasks live on the parent's runtime,
            // which has no threads here; leave it alone
            std::mem::forget(self);
            return;
        }
        let emulator = self.emulator;
        // on failure the emulator is dropped, which also stops it
        let _ = runtime::block_on_shared(async {
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, emulator.shutdown()).await;
        });
    }
}

/// Starts an emulator on `127.0.0.1:port` (0: any free port), served by the
/// library's runtime.
///
/// On success writes a new emulator to `*out`; the caller stops and frees it
/// with `versori_emulator_free`. A port already in use is
/// `VERSORI_SYSTEM_ERROR`.
///
/// Thread safety: may be called from any thread.
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_emulator_start(
    port: u16,
    out: *mut *mut VersoriEmulator,
) -> VersoriStatus {
    boundary(|| {
        check_out(out, "out")?;
        let emulator =
            runtime::block_on_shared(Emulator::builder().port(port).start())?.map_err(|e| {
                Failure::system(format!("could not start the emulator on port {port}: {e}"))
            })?;
        let emulator = VersoriEmulator {
            emulator,
            generation: versori::fork::generation(),
        };
        // SAFETY: `out` is writable by the caller's contract.
        unsafe { handle::hand_out(out, emulator) }?;
        Ok(VersoriStatus::VERSORI_OK)
    })
}

/// The emulator's base URL (e.g. `http://127.0.0.1:40123`), for
/// `VersoriClientOptions.base_url`.
///
/// Ownership: the caller frees `*out` with `versori_string_free`.
/// Thread safety: may be called from any thread.
///
/// # Safety
/// `emulator` is NULL or live; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_emulator_base_url(
    emulator: *const VersoriEmulator,
    out: *mut *mut c_char,
) -> VersoriStatus {
    boundary(|| {
        // SAFETY: NULL or live by the caller's contract.
        let emulator = unsafe { handle::borrow(emulator) }?;
        check_out(out, "out")?;
        // SAFETY: non-NULL and writable.
        unsafe { *out = into_c_string(emulator.emulator.base_url()) };
        Ok(VersoriStatus::VERSORI_OK)
    })
}

/// Stops the emulator (waiting up to 5 seconds for open connections to
/// finish) and frees it; its data is gone. NULL is allowed and ignored.
///
/// In a child made by `fork`, the emulator is the parent's (it keeps
/// serving there): freeing the child's copy of the handle releases it
/// without touching the parent's server.
///
/// # Safety
/// `emulator` is NULL or an emulator from `versori_emulator_start`, not yet
/// freed and not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn versori_emulator_free(emulator: *mut VersoriEmulator) {
    // SAFETY: forwarded contract.
    unsafe { handle::free(emulator) }
}
