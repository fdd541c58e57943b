//! The one piece of hand-written glue the generated client needs: a place for
//! the `versori` facade to plug its transport (authentication, retries,
//! tracing) into every generated request.
//!
//! progenitor calls `pre` and `exec` hooks on the client for each request;
//! the hook impls must live in this crate (the orphan rule), so they forward
//! to a [`Transport`] object the facade supplies through [`Hooks`].
//!
//! ```
//! use std::sync::Arc;
//! use versori_core::hooks::{BoxFuture, Hooks, Transport};
//!
//! /// Adds a header to every request, then sends it as usual.
//! struct Tag(reqwest::Client);
//!
//! impl Transport for Tag {
//!     fn prepare<'a>(
//!         &'a self,
//!         request: &'a mut reqwest::Request,
//!         _operation_id: &'static str,
//!     ) -> BoxFuture<'a, Result<(), String>> {
//!         request
//!             .headers_mut()
//!             .insert("x-example", reqwest::header::HeaderValue::from_static("1"));
//!         Box::pin(async { Ok(()) })
//!     }
//!     fn execute<'a>(
//!         &'a self,
//!         request: reqwest::Request,
//!         _operation_id: &'static str,
//!     ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
//!         Box::pin(self.0.execute(request))
//!     }
//! }
//!
//! let http = reqwest::Client::new();
//! let client = versori_core::Client::new_with_client(
//!     "http://127.0.0.1:9",
//!     http.clone(),
//!     Hooks::new(Arc::new(Tag(http))),
//! );
//! # let _ = client;
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

/// A boxed, sendable future (the shape [`Transport`] methods return).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the facade provides to run generated requests.
pub trait Transport: Send + Sync + 'static {
    /// Adjusts a request before it is sent (for example, adds credentials).
    /// An error stops the request; it surfaces as
    /// [`Error::Custom`](crate::Error::Custom) with this message.
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), String>>;

    /// Sends the request, retrying as the transport sees fit, and returns the
    /// final response (or the final transport error).
    fn execute<'a>(
        &'a self,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// The generated client's hook state: a [`Transport`], or none for plain
/// reqwest behaviour.
#[derive(Clone, Default)]
pub struct Hooks(Option<Arc<dyn Transport>>);

impl Hooks {
    /// Routes every request of the client through `transport`.
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Hooks(Some(transport))
    }

    /// No transport: requests go straight to reqwest.
    pub fn none() -> Self {
        Hooks(None)
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Hooks")
            .field(&self.0.as_ref().map(|_| "transport"))
            .finish()
    }
}

impl ClientHooks<Hooks> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), crate::Error<E>> {
        match &self.inner().0 {
            Some(t) => t
                .prepare(request, info.operation_id)
                .await
                .map_err(crate::Error::Custom),
            None => Ok(()),
        }
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner().0 {
            Some(t) => t.execute(request, info.operation_id).await,
            None => self.client().execute(request).await,
        }
    }
}
