//! `StaticServer`: a minimal loopback HTTP server answering `GET path` with
//! fixed JSON bodies, for the benchmark (so the figures measure the clients,
//! not a server's work).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use tokio::sync::oneshot;

use crate::runtime::wait;

/// A server answering each `GET` of a known path with its body.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct StaticServer {
    base_url: String,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

#[pymethods]
impl StaticServer {
    /// Serves `routes` (path → JSON body bytes) on a free loopback port.
    #[new]
    fn new(py: Python<'_>, routes: HashMap<String, Vec<u8>>) -> PyResult<Self> {
        let routes: Arc<HashMap<String, bytes::Bytes>> = Arc::new(
            routes
                .into_iter()
                .map(|(k, v)| (k, bytes::Bytes::from(v)))
                .collect(),
        );
        let listener = wait(py, tokio::net::TcpListener::bind("127.0.0.1:0"))?
            .map_err(|e| PyOSError::new_err(format!("cannot listen on loopback: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| PyOSError::new_err(format!("no local address: {e}")))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let routes = routes.clone();
            async move {
                let found = routes.get(req.uri().path()).cloned();
                let (status, body) = match found {
                    Some(b) => (StatusCode::OK, b),
                    None => (
                        StatusCode::NOT_FOUND,
                        bytes::Bytes::from_static(
                            br#"{"code":"not_found","message":"no such path"}"#,
                        ),
                    ),
                };
                Response::builder()
                    .status(status)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body))
                    .unwrap_or_default()
            }
        });
        crate::runtime::runtime()?.spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(StaticServer {
            base_url: format!("http://{addr}"),
            stop: Mutex::new(Some(stop)),
        })
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Stops serving.
    fn shutdown(&self) {
        let taken = match self.stop.lock() {
            Ok(mut s) => s.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(stop) = taken {
            let _ = stop.send(());
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
