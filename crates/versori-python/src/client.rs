//! `NativeClient`: the facade's client with its generic call, pagination
//! and workflows, blocking (GIL released) or as asyncio awaitables.

use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde_json::Value;

use crate::convert::{args_to_json, to_json};
use crate::errors::{from_facade, invalid, to_py_err};
use crate::pages::NativePages;
use crate::raw::RawJson;
use crate::runtime::wait;
use crate::work::NativeWork;

/// A piece of work on the facade.
pub(crate) type Work<T> = BoxFuture<'static, versori::Result<T>>;

/// A facade result that becomes Python objects.
pub(crate) trait ToPython: Send + 'static {
    /// The Python form: a `RawJson` for the models to read, plain objects
    /// (`Plain`), or a tuple or None of those.
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

impl ToPython for RawJson {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(Bound::new(py, self)?.into_any())
    }
}

/// A checked body to be decoded into plain Python objects (dicts, lists,
/// str, int, float, bool, None) once the GIL is back.
pub(crate) struct Plain(pub(crate) RawJson);

impl ToPython for Plain {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        self.0.value(py)
    }
}

impl<T: ToPython> ToPython for Option<T> {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        match self {
            Some(v) => v.to_python(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<A: ToPython, B: ToPython> ToPython for (A, B) {
    fn to_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let (a, b) = (self.0.to_python(py)?, self.1.to_python(py)?);
        Ok(PyTuple::new(py, [a, b])?.into_any())
    }
}

/// Runs `work` blocking (GIL released, Ctrl-C honoured) and converts its
/// result to Python objects once the GIL is back.
pub(crate) fn run_blocking<T, F>(py: Python<'_>, work: F) -> PyResult<Py<PyAny>>
where
    T: ToPython,
    F: Future<Output = versori::Result<T>> + Send,
{
    let result = wait(py, work)?.map_err(|e| to_py_err(py, e))?;
    Ok(result.to_python(py)?.unbind())
}

/// Wraps `work` as an asyncio awaitable on the shared runtime.
pub(crate) fn run_async<T: ToPython>(py: Python<'_>, work: Work<T>) -> PyResult<Bound<'_, PyAny>> {
    crate::runtime::future_into_py(py, async move {
        let result = work.await.map_err(from_facade)?;
        Python::attach(|py| result.to_python(py).map(Bound::unbind))
    })
}

fn seconds(py: Python<'_>, name: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    match value {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 => Duration::try_from_secs_f64(s)
            .map(Some)
            .map_err(|e| invalid(py, format!("{name}={s}: {e}"))),
        Some(s) => Err(invalid(
            py,
            format!("{name} must be a positive number of seconds, got {s}"),
        )),
    }
}

/// A client of the Versori Platform (the facade's `versori::Client`).
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct NativeClient {
    inner: versori::Client,
}

impl NativeClient {
    /// The facade client.
    pub(crate) fn inner(&self) -> &versori::Client {
        &self.inner
    }

    /// Calls `operation_id` blocking (GIL released); `wrap` says how its
    /// checked body becomes Python objects.
    fn call_with<T: ToPython>(
        &self,
        py: Python<'_>,
        operation_id: String,
        args: Option<&Bound<'_, PyDict>>,
        wrap: fn(RawJson) -> T,
    ) -> PyResult<Py<PyAny>> {
        let args = args_to_json(args)?;
        let client = self.inner.clone();
        run_blocking(py, async move {
            RawJson::checked(client.call_raw(&operation_id, args).await?).map(wrap)
        })
    }
}

#[pymethods]
impl NativeClient {
    /// Builds a client. Unless `from_env` is false, the `VERSORI_*`
    /// environment variables are read first and the arguments given here
    /// override them.
    #[new]
    #[pyo3(signature = (
        *,
        base_url=None,
        api_key=None,
        jwt=None,
        organisation=None,
        timeout=None,
        connect_timeout=None,
        max_retries=None,
        signing_key=None,
        signing_key_id=None,
        acting_as=None,
        user_agent=None,
        allow_insecure_http=false,
        from_env=true,
        max_response_bytes=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: Option<String>,
        api_key: Option<String>,
        jwt: Option<String>,
        organisation: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        signing_key: Option<String>,
        signing_key_id: Option<String>,
        acting_as: Option<String>,
        user_agent: Option<String>,
        allow_insecure_http: bool,
        from_env: bool,
        max_response_bytes: Option<u64>,
    ) -> PyResult<Self> {
        let given = [api_key.is_some(), jwt.is_some(), signing_key.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(invalid(py, "give only one of api_key, jwt and signing_key"));
        }
        let builder = if from_env {
            versori::ClientBuilder::from_env().map_err(|e| to_py_err(py, e))?
        } else {
            versori::Client::builder()
        };
        let signing_key = match (signing_key, signing_key_id) {
            (Some(key), Some(id)) => {
                // PEM text (attribute lines or a BOM allowed) or a file path;
                // never echoed in an error
                let key = versori::SigningKey::from_pem_or_path(id, &key);
                Some(versori::Credentials::SigningKey(
                    key.map_err(|e| to_py_err(py, e))?.into(),
                ))
            }
            (Some(_), None) => {
                return Err(invalid(
                    py,
                    "signing_key needs signing_key_id (the key's id on the platform)",
                ))
            }
            (None, Some(_)) => {
                return Err(invalid(py, "signing_key_id was given without signing_key"))
            }
            (None, None) => None,
        };
        let request_timeout = seconds(py, "timeout", timeout)?;
        let connect_timeout = seconds(py, "connect_timeout", connect_timeout)?;
        if max_response_bytes == Some(0) {
            return Err(invalid(
                py,
                "max_response_bytes must be a positive number of bytes (the default is 64 MiB)",
            ));
        }
        // at most one of them is given (checked above)
        let credentials = api_key
            .map(|key| versori::Credentials::ApiKey(key.into()))
            .or(jwt.map(|token| versori::Credentials::Jwt(token.into())))
            .or(signing_key);
        let builder = builder.options(versori::ClientOptions {
            base_url,
            organisation,
            credentials,
            acting_as,
            user_agent,
            request_timeout,
            connect_timeout,
            max_retries,
            allow_insecure_http,
            max_response_bytes,
        });
        // building the reqwest client must happen inside the runtime context
        let _guard = crate::runtime::runtime()?.enter();
        let inner = builder.build().map_err(|e| to_py_err(py, e))?;
        Ok(NativeClient { inner })
    }

    /// The base URL requests go to.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The default organisation, if one is configured.
    #[getter]
    fn organisation(&self) -> Option<&str> {
        self.inner.organisation()
    }

    /// The same client authenticating as the end user `external_id`.
    fn acting_as(&self, external_id: String) -> NativeClient {
        NativeClient {
            inner: self.inner.acting_as(external_id),
        }
    }

    /// The same client with another default organisation.
    fn with_organisation(&self, organisation: String) -> NativeClient {
        NativeClient {
            inner: self.inner.with_organisation(organisation),
        }
    }

    /// Calls an operation by operationId; blocks with the GIL released.
    /// The body is decoded into plain Python objects (dicts, lists, ...).
    #[pyo3(signature = (operation_id, args=None))]
    fn call(
        &self,
        py: Python<'_>,
        operation_id: String,
        args: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.call_with(py, operation_id, args, Plain)
    }

    /// Calls an operation by operationId; blocks with the GIL released.
    /// The body, checked to be JSON, comes back as a `RawJson` that the
    /// typed models decode when they are used.
    #[pyo3(signature = (operation_id, args=None))]
    fn call_raw(
        &self,
        py: Python<'_>,
        operation_id: String,
        args: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        self.call_with(py, operation_id, args, |raw| raw)
    }

    /// `call_raw` as an awaitable.
    #[pyo3(signature = (operation_id, args=None))]
    fn call_raw_async<'py>(
        &self,
        py: Python<'py>,
        operation_id: String,
        args: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = args_to_json(args)?;
        let client = self.inner.clone();
        run_async(
            py,
            Box::pin(async move { RawJson::checked(client.call_raw(&operation_id, args).await?) }),
        )
    }

    /// The pages of a paginated operation (nothing is fetched yet).
    #[pyo3(signature = (operation_id, args=None, page_size=None))]
    fn pages(
        &self,
        operation_id: String,
        args: Option<&Bound<'_, PyDict>>,
        page_size: Option<u32>,
    ) -> PyResult<NativePages> {
        let args = match args_to_json(args)? {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        Ok(NativePages::new(
            &self.inner,
            &operation_id,
            args,
            page_size,
        ))
    }

    /// The `setup_integration` workflow: `(Project, ProjectEnvironment)`.
    #[pyo3(signature = (name, environment, *, variables_schema=None, files=None, version_name=None))]
    fn setup_integration(
        &self,
        name: String,
        environment: String,
        variables_schema: Option<&Bound<'_, PyAny>>,
        files: Option<Vec<(String, String)>>,
        version_name: Option<String>,
    ) -> PyResult<NativeWork> {
        Ok(NativeWork::new(crate::workflows::setup_integration(
            &self.inner,
            name,
            environment,
            opt_json(variables_schema, "variables_schema")?,
            files,
            version_name,
        )))
    }

    /// The `activate_user` workflow: the `Activation`.
    #[pyo3(signature = (environment_id, external_id, *, connections, dynamic_variables=None, display_name=None))]
    fn activate_user(
        &self,
        environment_id: String,
        external_id: String,
        connections: &Bound<'_, PyAny>,
        dynamic_variables: Option<&Bound<'_, PyAny>>,
        display_name: Option<String>,
    ) -> PyResult<NativeWork> {
        Ok(NativeWork::new(crate::workflows::activate_user(
            &self.inner,
            environment_id,
            external_id,
            to_json(connections, "connections")?,
            opt_json(dynamic_variables, "dynamic_variables")?,
            display_name,
        )))
    }

    /// The `find_user_activation` workflow: the activation, or None.
    fn find_user_activation(&self, environment_id: String, external_id: String) -> NativeWork {
        NativeWork::new(crate::workflows::find_user_activation(
            &self.inner,
            environment_id,
            external_id,
        ))
    }

    /// The `update_activation_variables` workflow: the stored variables.
    fn update_activation_variables(
        &self,
        environment_id: String,
        activation_id: String,
        changes: &Bound<'_, PyAny>,
    ) -> PyResult<NativeWork> {
        Ok(NativeWork::new(
            crate::workflows::update_activation_variables(
                &self.inner,
                environment_id,
                activation_id,
                to_json(changes, "changes")?,
            ),
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "NativeClient(base_url={:?}, organisation={:?})",
            self.inner.base_url(),
            self.inner.organisation()
        )
    }
}

fn opt_json(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<Value>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => to_json(v, name).map(Some),
    }
}
