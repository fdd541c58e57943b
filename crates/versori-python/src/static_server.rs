//! `StaticServer`: a minimal loopback HTTP server answering `GET path` with
//! fixed JSON bodies, for the benchmark (so the figures measure the clients,
//! not a server's work) and the tests of odd bodies; and the facade's own
//! rate against it, for the benchmark's comparison.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use tokio::sync::oneshot;

use crate::runtime::wait_shared;

/// A server answering each `GET` of a known path with its body.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct StaticServer {
    base_url: String,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

#[pymethods]
impl StaticServer {
    /// Serves `routes` (path → JSON body bytes) on a free loopback port. A
    /// route may name a query too (`/o/x/systems?after=c1`): a request with
    /// that exact query gets its body, any other the body of its path.
    #[new]
    fn new(py: Python<'_>, routes: HashMap<String, Vec<u8>>) -> PyResult<Self> {
        let routes: Arc<HashMap<String, bytes::Bytes>> = Arc::new(
            routes
                .into_iter()
                .map(|(k, v)| (k, bytes::Bytes::from(v)))
                .collect(),
        );
        let listener = wait_shared(py, tokio::net::TcpListener::bind("127.0.0.1:0"))?
            .map_err(|e| PyOSError::new_err(format!("cannot listen on loopback: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| PyOSError::new_err(format!("no local address: {e}")))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let routes = routes.clone();
            async move {
                let uri = req.uri();
                let found = uri
                    .query()
                    .and_then(|q| routes.get(&format!("{}?{q}", uri.path())))
                    .or_else(|| routes.get(uri.path()))
                    .cloned();
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

/// Makes `n` sequential `GetEndUser` calls of `user_id` with the Rust
/// facade, as a Rust program would (awaited one after the other on a
/// multi-thread runtime), against `base_url`; gives the seconds they took.
/// The benchmark compares the package's rate with this one.
#[pyfunction]
pub(crate) fn facade_get_end_user(
    py: Python<'_>,
    base_url: &str,
    api_key: &str,
    organisation: &str,
    user_id: &str,
    n: u32,
) -> PyResult<f64> {
    let _guard = crate::runtime::runtime()?.enter();
    let client = versori::Client::builder()
        .base_url(base_url)
        .api_key(api_key)
        .organisation(organisation)
        .build()
        .map_err(|e| crate::errors::to_py_err(py, e))?;
    let user_id = user_id.to_owned();
    let took = wait_shared(py, async move {
        let started = std::time::Instant::now();
        for _ in 0..n {
            client.users().get(&user_id).send().await?;
        }
        Ok::<_, versori::Error>(started.elapsed())
    })?
    .map_err(|e| crate::errors::to_py_err(py, e))?;
    Ok(took.as_secs_f64())
}
