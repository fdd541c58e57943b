//! The client and its builder.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth::{Credentials, SigningKey};
use crate::body::DEFAULT_MAX_RESPONSE_BYTES;
use crate::error::{Error, Result};
use crate::pool::{HttpSettings, Pool};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::transport::{Hook, Transport};

/// The production API.
pub const PRODUCTION_URL: &str = "https://platform.versori.com/api/v2";
/// The staging API.
pub const STAGING_URL: &str = "https://platform-staging.versori.com/api/v2";

/// The environment variables [`Client::from_env`] reads.
pub mod env {
    /// Base URL of the API (default: production).
    pub const BASE_URL: &str = "VERSORI_BASE_URL";
    /// The default organisation id.
    pub const ORG: &str = "VERSORI_ORG";
    /// An API key (`Authorization: Bearer`).
    pub const API_KEY: &str = "VERSORI_API_KEY";
    /// A JWT (`Authorization: JWT`).
    pub const JWT: &str = "VERSORI_JWT";
    /// A signing key: the path of its PKCS #8 PEM file, or the PEM text
    /// itself (see [`SigningKey::from_pem_or_path`](crate::SigningKey::from_pem_or_path)).
    pub const SIGNING_KEY: &str = "VERSORI_SIGNING_KEY";
    /// The signing key's id.
    pub const SIGNING_KEY_ID: &str = "VERSORI_SIGNING_KEY_ID";
    /// The end user (externalId) a signing-key client acts as by default.
    pub const SUBJECT: &str = "VERSORI_SUBJECT";
}

/// A client of the Versori Platform API.
///
/// Cheap to clone (clones share one connection pool), `Send` and `Sync`.
/// Used in a child process made by `fork`, it builds a connection pool of
/// the child's own (see [`crate::fork`]); the async runtime is the
/// caller's, and a child needs a new one.
///
/// ```no_run
/// # async fn run() -> versori::Result<()> {
/// let client = versori::Client::builder()
///     .api_key("vk_live_123")
///     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
///     .build()?;
/// let projects = client.projects().list().send().await?;
/// for p in &projects.projects {
///     println!("{} {}", p.id, p.name);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) core: versori_core::Client,
    pub(crate) transport: Arc<Transport>,
    pub(crate) base_url: String,
    /// `base_url`, parsed.
    pub(crate) base: reqwest::Url,
    pub(crate) organisation: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("organisation", &self.inner.organisation)
            .field("credentials", &self.inner.transport.credentials)
            .field("subject", &self.inner.transport.subject)
            .finish()
    }
}

impl Client {
    /// A builder with the defaults: production URL, no credentials, the
    /// default [`RetryPolicy`], 10 s connect and 60 s request timeouts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the `VERSORI_*` environment variables (see
    /// [`env`](mod@crate::env)). At most one of API key, JWT and signing key may be set.
    ///
    /// ```no_run
    /// let client = versori::Client::from_env()?;
    /// # Ok::<(), versori::Error>(())
    /// ```
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }

    /// The generated client underneath, for direct access to every builder.
    ///
    /// Its requests go through this client's transport (credentials,
    /// retries, the size limit, redaction of error bodies and redirects),
    /// but its errors are the generated client's: a success body that does
    /// not decode is kept whole in them. The resource groups
    /// ([`Client::users`] and the rest) give [`Error`]s with the credential
    /// redacted from every excerpt.
    pub fn core(&self) -> &versori_core::Client {
        &self.inner.core
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The default organisation, if one is configured.
    pub fn organisation(&self) -> Option<&str> {
        self.inner.organisation.as_deref()
    }

    /// The organisation as a builder argument; without one, the builder
    /// fails at `send` with [`Error::InvalidInput`] explaining how to set it.
    pub(crate) fn organisation_param(&self) -> OrganisationParam {
        OrganisationParam(self.inner.organisation.clone())
    }

    /// The organisation, or an error saying how to configure it.
    pub(crate) fn require_organisation(&self) -> Result<&str> {
        self.organisation().ok_or_else(|| {
            Error::invalid(
                "no organisation configured: set VERSORI_ORG or call ClientBuilder::organisation",
            )
        })
    }

    /// The credential this client's requests carry (the API key, the JWT,
    /// or the token last minted for its end user), for redacting it from
    /// errors about what a server sent back. Never mints a token.
    pub(crate) fn sent_credential(&self) -> Option<String> {
        self.inner.transport.sent_credential()
    }

    /// An error of the generated client as the facade's, with this client's
    /// credential redacted from any body excerpt (the request builders'
    /// conversion).
    pub(crate) fn error_from_core(
        &self,
        e: versori_core::Error<versori_core::types::Error>,
    ) -> Error {
        let sent = match &e {
            // only this kind keeps a body that did not pass the transport's
            // redaction (a success body, decoded by the generated code)
            versori_core::Error::InvalidResponsePayload(..) => self.sent_credential(),
            _ => None,
        };
        Error::from_core(e, sent.as_deref())
    }

    /// An [`Error::Decode`] about a JSON value this client received, with
    /// its credential redacted from the excerpt.
    pub(crate) fn decode_json_error(
        &self,
        message: impl Into<String>,
        body: &serde_json::Value,
    ) -> Error {
        Error::decode_json(message, body, self.sent_credential().as_deref())
    }

    /// The same client with another default organisation.
    pub fn with_organisation(&self, organisation: impl Into<String>) -> Client {
        self.derive(
            self.inner.transport.as_ref().clone(),
            Some(organisation.into()),
        )
    }

    /// A client that authenticates as the end user `external_id`: with
    /// signing-key credentials every request carries a JWT minted for that
    /// user (cached per user, refreshed before it expires). Shares the
    /// connection pool with `self`.
    ///
    /// ```no_run
    /// # async fn run(client: versori::Client) -> versori::Result<()> {
    /// let as_customer = client.acting_as("customer-123");
    /// let me = as_customer.users().get("customer-123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn acting_as(&self, external_id: impl Into<String>) -> Client {
        let mut transport = self.inner.transport.as_ref().clone();
        transport.subject = Some(external_id.into());
        self.derive(transport, self.inner.organisation.clone())
    }

    fn derive(&self, transport: Transport, organisation: Option<String>) -> Client {
        let transport = Arc::new(transport);
        let core = versori_core::Client::new_with_client(
            &self.inner.base_url,
            transport.http.clone(),
            versori_core::hooks::Hooks::new(Arc::new(Hook(transport.clone()))),
        );
        Client {
            inner: Arc::new(Inner {
                core,
                transport,
                base_url: self.inner.base_url.clone(),
                base: self.inner.base.clone(),
                organisation,
            }),
        }
    }
}

/// The organisation handed to a generated builder (see
/// [`Client::organisation`]); converting it fails when there is none.
#[derive(Debug, Clone)]
pub(crate) struct OrganisationParam(Option<String>);

impl TryFrom<OrganisationParam> for String {
    type Error = &'static str;
    fn try_from(value: OrganisationParam) -> std::result::Result<Self, Self::Error> {
        value.0.ok_or("no organisation configured")
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use versori::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .base_url(versori::STAGING_URL)
///     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
///     .api_key("vk_test_123")
///     .connect_timeout(Duration::from_secs(5))
///     .request_timeout(Duration::from_secs(30))
///     .retry(RetryPolicy::default().max_attempts(5))
///     .user_agent("order-sync/1.4")
///     .build()?;
/// assert_eq!(client.organisation(), Some("01J8ZQ4N7G3Y5B2K9T6W1X00RG"));
/// # Ok::<(), versori::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    organisation: Option<String>,
    credentials: Option<Credentials>,
    subject: Option<String>,
    connect_timeout: Duration,
    request_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    max_response_bytes: u64,
}

/// A client's settings as the language bindings take them (the C ABI's
/// `VersoriClientOptions`, the keyword arguments of Python's `Client`),
/// applied by [`ClientBuilder::options`]. Each `None` leaves the builder's
/// value: the `VERSORI_*` environment's when the builder came from
/// [`ClientBuilder::from_env`], else the default.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// See [`ClientBuilder::base_url`].
    pub base_url: Option<String>,
    /// See [`ClientBuilder::organisation`].
    pub organisation: Option<String>,
    /// See [`ClientBuilder::credentials`].
    pub credentials: Option<Credentials>,
    /// See [`ClientBuilder::acting_as`].
    pub acting_as: Option<String>,
    /// See [`ClientBuilder::user_agent`].
    pub user_agent: Option<String>,
    /// See [`ClientBuilder::request_timeout`].
    pub request_timeout: Option<Duration>,
    /// See [`ClientBuilder::connect_timeout`].
    pub connect_timeout: Option<Duration>,
    /// Retries after the first attempt: the default [`RetryPolicy`] with
    /// `max_retries + 1` attempts (`Some(0)`: never retry).
    pub max_retries: Option<u32>,
    /// See [`ClientBuilder::allow_insecure_http`] (`false` keeps refusing).
    pub allow_insecure_http: bool,
    /// See [`ClientBuilder::max_response_bytes`].
    pub max_response_bytes: Option<u64>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: PRODUCTION_URL.into(),
            organisation: None,
            credentials: None,
            subject: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Some(Duration::from_secs(60)),
            retry: RetryPolicy::default(),
            user_agent: None,
            http: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl ClientBuilder {
    /// A builder filled from the `VERSORI_*` environment variables.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// A builder filled from a variable lookup (the environment, in
    /// [`ClientBuilder::from_env`]); empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut builder = ClientBuilder::default();
        if let Some(url) = get(env::BASE_URL) {
            builder = builder.base_url(url);
        }
        if let Some(org) = get(env::ORG) {
            builder = builder.organisation(org);
        }
        let set: Vec<&str> = [env::API_KEY, env::JWT, env::SIGNING_KEY]
            .into_iter()
            .filter(|v| get(v).is_some())
            .collect();
        if set.len() > 1 {
            return Err(Error::Auth {
                message: format!(
                    "set only one of {} (found {})",
                    [env::API_KEY, env::JWT, env::SIGNING_KEY].join(", "),
                    set.join(" and ")
                ),
            });
        }
        if let Some(key) = get(env::API_KEY) {
            builder = builder.api_key(key);
        } else if let Some(token) = get(env::JWT) {
            builder = builder.jwt(token);
        } else if let Some(path) = get(env::SIGNING_KEY) {
            let key_id = get(env::SIGNING_KEY_ID).ok_or_else(|| Error::Auth {
                message: format!(
                    "{} is set but {} is not",
                    env::SIGNING_KEY,
                    env::SIGNING_KEY_ID
                ),
            })?;
            builder = builder.signing_key(SigningKey::from_pem_or_path(key_id, &path)?);
        }
        if let Some(subject) = get(env::SUBJECT) {
            builder.subject = Some(subject);
        }
        Ok(builder)
    }

    /// The API's base URL (default [`PRODUCTION_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The organisation operations default to.
    pub fn organisation(mut self, organisation: impl Into<String>) -> Self {
        self.organisation = Some(organisation.into());
        self
    }

    /// Authenticate with an API key (`Authorization: Bearer <key>`).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::ApiKey(key.into()));
        self
    }

    /// Authenticate with a JWT (`Authorization: JWT <token>`).
    pub fn jwt(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::Jwt(token.into()));
        self
    }

    /// Authenticate end users with a signing key; pick the user with
    /// [`Client::acting_as`] or [`ClientBuilder::acting_as`].
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.credentials = Some(Credentials::SigningKey(Arc::new(key)));
        self
    }

    /// Any [`Credentials`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The end user (externalId) a signing-key client acts as by default.
    pub fn acting_as(mut self, external_id: impl Into<String>) -> Self {
        self.subject = Some(external_id.into());
        self
    }

    /// How long to wait for a connection (ignored with [`ClientBuilder::http_client`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, response body included (`None`: no limit
    /// beyond the retry policy's deadline).
    pub fn request_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.request_timeout = timeout.into();
        self
    }

    /// The retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A product name prepended to the SDK's own user agent.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// The longest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES),
    /// 64 MiB). A longer body fails the call with
    /// [`Error::ResponseTooLarge`] naming the limit; reading stops there, so
    /// a broken or hostile server cannot make the client hold more than
    /// about this much memory. An error response's body over the limit is
    /// not read either: the call fails with its status and a message saying so.
    ///
    /// ```
    /// let client = versori::Client::builder()
    ///     .max_response_bytes(8 * 1024 * 1024)
    ///     .build()?;
    /// # let _ = client;
    /// // zero is refused
    /// assert!(versori::Client::builder().max_response_bytes(0).build().is_err());
    /// # Ok::<(), versori::Error>(())
    /// ```
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Use this reqwest client (its pool, proxy and TLS settings) instead
    /// of building one.
    ///
    /// Its own policies then apply where the SDK's would: build it with
    /// `redirect(reqwest::redirect::Policy::none())` to keep the SDK's rule
    /// that no redirect is followed (a redirect it does not follow is still
    /// [`Error::Redirect`]). In a process made by `fork` it is used as
    /// given, so build it in the child (a client the SDK builds itself is
    /// rebuilt there automatically; see [`crate::fork`]).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Allow credentials over plain `http://` to hosts other than loopback.
    /// Only for trusted networks: anyone on the path can read the credential.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Applies `options` over what the builder holds: each option given
    /// replaces the builder's value (from the environment or the default),
    /// each `None` keeps it. The language bindings build their clients
    /// through this, each from its own form of the options.
    ///
    /// ```
    /// use std::time::Duration;
    /// use versori::{ClientBuilder, ClientOptions, Credentials};
    ///
    /// let client = ClientBuilder::from_lookup(|_| None)?
    ///     .options(ClientOptions {
    ///         organisation: Some("01J8ZQ4N7G3Y5B2K9T6W1X00RG".into()),
    ///         credentials: Some(Credentials::ApiKey("vk_live_123".into())),
    ///         request_timeout: Some(Duration::from_secs(30)),
    ///         max_retries: Some(0),
    ///         ..ClientOptions::default()
    ///     })
    ///     .build()?;
    /// assert_eq!(client.organisation(), Some("01J8ZQ4N7G3Y5B2K9T6W1X00RG"));
    /// # Ok::<(), versori::Error>(())
    /// ```
    pub fn options(mut self, options: ClientOptions) -> Self {
        let ClientOptions {
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
        } = options;
        if let Some(url) = base_url {
            self = self.base_url(url);
        }
        if let Some(organisation) = organisation {
            self = self.organisation(organisation);
        }
        if let Some(credentials) = credentials {
            self = self.credentials(credentials);
        }
        if let Some(subject) = acting_as {
            self = self.acting_as(subject);
        }
        if let Some(agent) = user_agent {
            self = self.user_agent(agent);
        }
        if let Some(timeout) = request_timeout {
            self = self.request_timeout(timeout);
        }
        if let Some(timeout) = connect_timeout {
            self = self.connect_timeout(timeout);
        }
        if let Some(retries) = max_retries {
            self = self.retry(RetryPolicy::default().max_attempts(retries.saturating_add(1)));
        }
        if let Some(limit) = max_response_bytes {
            self = self.max_response_bytes(limit);
        }
        self.allow_insecure_http(allow_insecure_http)
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client> {
        let base = self.base_url.trim_end_matches('/').to_string();
        let url = reqwest::Url::parse(&base)
            .map_err(|e| Error::invalid(format!("base URL {base:?} is not a valid URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" => {
                let loopback = match url.host() {
                    Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    None => false,
                };
                if self.credentials.is_some() && !loopback && !self.allow_insecure_http {
                    return Err(Error::invalid(format!(
                        "refusing to send credentials over plain http to {}: anyone on the network could read them; \
                         use https, or ClientBuilder::allow_insecure_http(true) on a trusted network",
                        url.host_str().unwrap_or("<no host>")
                    )));
                }
            }
            other => {
                return Err(Error::invalid(format!(
                    "base URL {base:?} has scheme {other:?}; expected https (or http)"
                )))
            }
        }
        let agent = match &self.user_agent {
            Some(product) => format!("{product} versori-rust/{}", env!("CARGO_PKG_VERSION")),
            None => format!("versori-rust/{}", env!("CARGO_PKG_VERSION")),
        };
        let user_agent = HeaderValue::from_str(&agent).map_err(|_| {
            Error::invalid(format!("user agent {agent:?} is not a valid header value"))
        })?;
        // a client of our own carries the request timeout itself, so most
        // requests need no per-request timeout (reqwest keeps those in a
        // per-request map that costs allocations on every request and retry)
        if self.max_response_bytes == 0 {
            return Err(Error::invalid(
                "max_response_bytes must be at least 1 (the default is 64 MiB)",
            ));
        }
        let (http, pool, client_timeout) = match self.http {
            Some(client) => (client.clone(), Pool::Given(client), None),
            None => {
                let settings = HttpSettings {
                    connect_timeout: self.connect_timeout,
                    request_timeout: self.request_timeout,
                };
                let client = settings.build().map_err(|e| Error::Transport {
                    message: format!("could not build the HTTP client: {e}"),
                    source: Some(e),
                })?;
                (
                    client.clone(),
                    Pool::own(settings, client),
                    self.request_timeout,
                )
            }
        };
        let fixed_authorization = match &self.credentials {
            Some(c @ (Credentials::ApiKey(_) | Credentials::Jwt(_))) => Some(c.header(None)?),
            _ => None,
        };
        let transport = Arc::new(Transport {
            http,
            pool: Arc::new(pool),
            max_response_bytes: self.max_response_bytes,
            fixed_authorization,
            credentials: self.credentials,
            subject: self.subject,
            retry: self.retry,
            user_agent,
            request_timeout: self.request_timeout,
            client_timeout,
        });
        let core = versori_core::Client::new_with_client(
            &base,
            transport.http.clone(),
            versori_core::hooks::Hooks::new(Arc::new(Hook(transport.clone()))),
        );
        Ok(Client {
            inner: Arc::new(Inner {
                core,
                transport,
                base_url: base,
                base: url,
                organisation: self.organisation,
            }),
        })
    }
}
