#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod clock;
mod dispatch;
mod error;
mod fixed;
mod index;
mod ops;
mod page;
mod request;
mod store;
mod typescript;
mod ulid;
mod validate;
mod wire;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use clock::Clock;
pub use dispatch::{PanicStage, BODY_LIMIT};
pub use error::ApiError;
pub use fixed::FixedResponseServer;

/// Configures an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    host: String,
    port: u16,
    api_key: Option<String>,
    panics: HashSet<(String, PanicStage)>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            host: "127.0.0.1".into(),
            port: 0,
            api_key: None,
            panics: HashSet::new(),
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on (default `127.0.0.1`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// The port (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Accept only this token (in `Bearer` or `JWT` form); by default any
    /// well-formed credential is accepted.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Makes the handler of `operation_id` panic on every call, as a bug in
    /// it would: for testing what clients see then (a 500 with the spec's
    /// `Error` body; the emulator keeps serving every other request).
    ///
    /// ```
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = versori_emulator::Emulator::builder().panic_on("ListProjects").start().await?;
    /// let client = versori::Client::builder()
    ///     .base_url(emulator.base_url())
    ///     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
    ///     .api_key("k")
    ///     .build()?;
    /// let err = client.call("ListProjects", serde_json::json!({})).await.unwrap_err();
    /// assert_eq!(err.status(), Some(500));
    /// client.call("ListEndUsers", serde_json::json!({})).await?; // still serving
    /// # Ok(())
    /// # }
    /// ```
    pub fn panic_on(self, operation_id: impl Into<String>) -> Self {
        self.panic_at(operation_id, PanicStage::Handler)
    }

    /// Makes every request for `operation_id` panic at `stage` of its
    /// handling (before its body is checked, in its handler with the store
    /// locked, or while its response is built): each answers 500 with the
    /// spec's `Error` body (code `internal`), and the emulator keeps
    /// serving.
    pub fn panic_at(mut self, operation_id: impl Into<String>, stage: PanicStage) -> Self {
        self.panics.insert((operation_id.into(), stage));
        self
    }

    /// Starts serving in the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind((self.host.as_str(), self.port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let clock = Clock::default();
        let app = router_with(self.api_key, clock.clone(), self.panics);
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(e) = server.await {
                tracing::error!(error = %e, "the emulator stopped");
            }
        });
        Ok(Emulator {
            addr,
            stop: Some(stop),
            task,
            clock,
        })
    }
}

/// A running emulator; dropping it shuts the server down.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    clock: Clock,
}

impl Emulator {
    /// Starts an emulator on a free loopback port accepting any credential.
    pub async fn start() -> std::io::Result<Emulator> {
        EmulatorBuilder::default().start().await
    }

    /// A builder for other settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL clients use (the API is served at its root).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulator's clock, which tests move forward to reach expiries
    /// and time filters without waiting (see [`Clock`]).
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The emulator's HTTP routes: `GET /healthz`, and every operation of the spec.
pub fn router(api_key: Option<String>) -> Router {
    router_with(api_key, Clock::default(), HashSet::new())
}

fn router_with(
    api_key: Option<String>,
    clock: Clock,
    panics: HashSet<(String, PanicStage)>,
) -> Router {
    let shared = dispatch::Shared {
        store: Arc::new(Mutex::new(store::Store::default())),
        api_key: api_key.map(Arc::from),
        handlers: Arc::new(ops::handlers()),
        clock,
        panics: Arc::new(panics),
    };
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .fallback(dispatch::dispatch)
        .with_state(shared)
}
