#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// unsafe code lives in `fork` alone (pthread_atfork and its lock-free
// slots); every block says why it is sound
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod auth;
pub mod blocking;
mod body;
mod call;
mod client;
mod error;
pub mod fork;
mod generated_groups;
mod kv;
pub mod log;
mod pages;
mod pool;
mod retry;
mod secret;
mod transport;
mod workflows;

pub use auth::{Credentials, SigningKey, REFRESH_MARGIN, TOKEN_LIFETIME};
pub use body::DEFAULT_MAX_RESPONSE_BYTES;
pub use call::RawResponse;
pub use client::{env, Client, ClientBuilder, ClientOptions, PRODUCTION_URL, STAGING_URL};
pub use error::{Error, FieldError, Result};
pub use generated_groups::*;
pub use pages::{decode_page, CursorTrail, Page, PageDecoder, PageLayout, Pages};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use workflows::{
    validate_variables, ActivationConnection, ActivationRequest, Integration, IntegrationSetup,
};

/// Request and response bodies of every operation (generated from the spec).
pub use versori_core::types;

/// The operation table: every operation's method, path, parameters and
/// pagination style.
pub use versori_core::operations;

#[path = "generated_builders.rs"]
pub mod builder;

/// A successful response: the decoded body (through `Deref`) with its status
/// and headers.
pub use versori_core::ResponseValue;
