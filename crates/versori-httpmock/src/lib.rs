#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

#[allow(clippy::all, missing_docs, rustdoc::all, dead_code)]
mod generated;

pub use generated::*;
