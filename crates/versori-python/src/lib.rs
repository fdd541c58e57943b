//! `versori._native`: the compiled core of the Python package.
//!
//! A thin layer over the Rust facade (`versori::Client::call_raw` and
//! `versori::Client::pages`, the workflows) and the embedded emulator. The
//! pure-Python package in `python/versori` wraps it with generated methods,
//! typed models and the exception hierarchy; nothing here is meant to be
//! used directly.
//!
//! Every response body takes one way to Python objects (`json`, on jiter):
//! it is checked and indexed in one walk without the GIL, stays undecoded
//! (`raw`), and each model field (a native descriptor, `field`) decodes one
//! value of its object straight from the body (`item_fields`). There is no
//! `serde_json::Value` on the way, and integers of any size stay exact.
//!
//! Every blocking call releases the GIL, runs on one shared Tokio runtime
//! (created on first use, so importing starts no thread) and checks for
//! Ctrl-C while it waits; every `*_async` method returns an asyncio
//! awaitable driven by the same runtime, and cancelling it aborts the
//! request. A process made by `fork` gets its own runtime and connection
//! pools on first use (`runtime`, `versori::fork`). The SDK's events reach
//! Python's `logging` through `log`.

#![warn(missing_docs)]
// unsafe code: PyO3's raw API where the safe one has no equivalent (model.rs);
// every block says why it is sound
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
// the facade's `versori::Error` is what the workflows propagate, as the facade does
#![allow(clippy::result_large_err)]

mod bridge;
mod client;
mod convert;
mod emulator;
mod errors;
mod field;
mod item_fields;
mod json;
mod keys;
mod log;
mod model;
mod pages;
mod raw;
mod runtime;
#[cfg(feature = "bench")]
mod static_server;
mod timestamp;
mod work;
mod workflows;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// The extension's allocator (JSON documents are trees of many small
/// allocations, which mimalloc serves much faster than the system's).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every operation of the spec as `(operationId, snake_case name)`, in the
/// operation table's order.
#[pyfunction]
fn operation_ids(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyTuple>>> {
    versori::operations::OPERATIONS
        .iter()
        .map(|op| PyTuple::new(py, [op.id, op.snake_id]))
        .collect()
}

/// The module `versori._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<bridge::AsyncBridge>()?;
    m.add_class::<pages::NativePages>()?;
    m.add_class::<work::NativeWork>()?;
    m.add_class::<raw::RawJson>()?;
    m.add_class::<raw::RawItems>()?;
    m.add_class::<field::Field>()?;
    m.add_class::<model::ModelBase>()?;
    m.add_class::<emulator::NativeEmulator>()?;
    #[cfg(feature = "bench")]
    m.add_class::<static_server::StaticServer>()?;
    m.add_function(wrap_pyfunction!(operation_ids, m)?)?;
    m.add_function(wrap_pyfunction!(raw::loads, m)?)?;
    m.add_function(wrap_pyfunction!(model::_untrack_listing_models, m)?)?;
    #[cfg(feature = "bench")]
    m.add_function(wrap_pyfunction!(static_server::facade_get_end_user, m)?)?;
    m.add_function(wrap_pyfunction!(log::set_log_level, m)?)?;
    Ok(())
}
