//! The Versori Platform SDK for Rust.
//!
//! A typed client for every operation of the platform API, with the parts a
//! production integration needs: API-key, JWT and signing-key
//! authentication; retries with backoff that honour `Retry-After`;
//! pagination as streams; one [`Error`] type; and the platform's common
//! workflows with their rules checked before anything is sent.
//!
//! It is meant to run inside other people's processes: response bodies are
//! read under a size limit ([`ClientBuilder::max_response_bytes`]), no
//! redirect is followed ([`Error::Redirect`]), a listing that repeats a
//! cursor stops ([`CursorTrail`]), credentials never appear in `Debug`
//! output, errors or events (one a server echoes back is redacted),
//! dropping a call's future aborts its request, and connection pools are
//! per process, so a client survives `fork` ([`fork`]). Every request is a
//! `tracing` span with DEBUG and INFO events ([`log`]).
//!
//! ```no_run
//! use versori::Client;
//!
//! # async fn run() -> versori::Result<()> {
//! // VERSORI_API_KEY, VERSORI_ORG (and optionally VERSORI_BASE_URL)
//! let client = Client::from_env()?;
//!
//! // every operation, grouped by resource, with the organisation filled in
//! let user = client
//!     .users()
//!     .create()
//!     .body(versori::types::EndUserCreate::builder().external_id("customer-123"))
//!     .send()
//!     .await?;
//! println!("created {}", user.id);
//!
//! // `.await` on a request sends it too; every failure is a `versori::Error`
//! match client.users().get("customer-999").await {
//!     Err(e) if e.is_not_found() => println!("no such user"),
//!     other => println!("found {}", other?.external_id),
//! }
//!
//! // or any operation by name, JSON in and out
//! let same = client
//!     .call("GetEndUser", serde_json::json!({"user_id": "customer-123"}))
//!     .await?;
//! assert_eq!(same["externalId"], "customer-123");
//! # Ok(())
//! # }
//! ```
//!
//! The crate is layered over `versori-core`, which progenitor generates from
//! the SDK's OpenAPI document; its request and response types are
//! re-exported as [`types`].

#![warn(missing_docs)]
// unsafe code lives in `fork` alone (pthread_atfork and its lock-free
// slots); every block says why it is sound
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod auth;
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
pub use client::{env, Client, ClientBuilder, PRODUCTION_URL, STAGING_URL};
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
