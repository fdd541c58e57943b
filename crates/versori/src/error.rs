//! The one error type of the SDK.

use versori_core::types;

/// A field-level problem reported by the platform with an [`Error::Api`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The offending field, as a path (`connections[0].connectionTemplateId`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Everything that can go wrong when calling the Versori Platform.
///
/// ```
/// use versori::Error;
///
/// fn describe(err: &Error) -> String {
///     match err {
///         Error::Api { status: 404, .. } => "not there".into(),
///         e if e.is_retryable() => format!("temporary: {e}"),
///         e => format!("failed: {e}"),
///     }
/// }
/// let err = Error::InvalidInput { message: "missing required parameter `project_id`".into() };
/// assert_eq!(describe(&err), "failed: invalid input: missing required parameter `project_id`");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The platform answered with an error status (4xx or 5xx).
    #[error("{}", api_message(*status, code, message, request_id.as_deref()))]
    Api {
        /// The HTTP status.
        status: u16,
        /// The platform's machine-readable error code.
        code: String,
        /// The platform's human-readable message.
        message: String,
        /// Extra detail, when the platform gives some.
        details: Option<String>,
        /// Field-level problems, when the request body was rejected.
        fields: Vec<FieldError>,
        /// The platform's request id, for support tickets.
        request_id: Option<String>,
    },
    /// The request could not be sent or its response not received
    /// (connection refused, reset, DNS, TLS, ...).
    #[error("transport error: {message}")]
    Transport {
        /// What failed.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The request, or the whole call with its retries, took too long.
    #[error("timed out: {message}")]
    Timeout {
        /// Which limit was hit.
        message: String,
    },
    /// A success response whose body does not match the spec.
    #[error("could not decode the response{}: {message}; body starts with {excerpt:?}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Decode {
        /// The HTTP status, when known.
        status: Option<u16>,
        /// What did not match.
        message: String,
        /// The first bytes of the body.
        excerpt: String,
    },
    /// The caller's input was rejected before anything was sent.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What was wrong, naming the parameter or field.
        message: String,
    },
    /// Credentials are missing, unreadable or could not be used.
    #[error("authentication: {message}")]
    Auth {
        /// What was wrong (never the secret itself).
        message: String,
    },
}

fn api_message(status: u16, code: &str, message: &str, request_id: Option<&str>) -> String {
    let mut s = format!("HTTP {status} {code}: {message}");
    if let Some(id) = request_id {
        s.push_str(&format!(" (request id {id})"));
    }
    s
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Response headers that carry the platform's request id, in order of preference.
/// (Typed names: looking a header up by `&str` parses the name every time.)
pub(crate) const REQUEST_ID_HEADERS: [reqwest::header::HeaderName; 3] = [
    reqwest::header::HeaderName::from_static("x-request-id"),
    reqwest::header::HeaderName::from_static("x-versori-request-id"),
    reqwest::header::HeaderName::from_static("request-id"),
];

/// The request id of a response, if it carries one.
pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| headers.get(h))
        .and_then(|v| v.to_str().ok())
        .map(String::from)
}

/// At most this many characters of a body go into an error.
const EXCERPT_CHARS: usize = 200;

/// The start of a body, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

impl Error {
    /// The HTTP status of an [`Error::Api`] (or a decode error), if any.
    ///
    /// ```
    /// let err = versori::Error::Timeout { message: "deadline".into() };
    /// assert_eq!(err.status(), None);
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Decode { status, .. } => *status,
            Error::Transport { source, .. } => {
                source.as_ref().and_then(|e| e.status()).map(|s| s.as_u16())
            }
            _ => None,
        }
    }

    /// Whether the platform said the resource does not exist (HTTP 404).
    ///
    /// ```
    /// let err = versori::Error::Api {
    ///     status: 404, code: "not_found".into(), message: "no such user".into(),
    ///     details: None, fields: vec![], request_id: None,
    /// };
    /// assert!(err.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether trying again later may succeed: transport failures, timeouts,
    /// and the statuses 408, 429, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api { status, .. } => crate::retry::retryable_status(*status),
            _ => false,
        }
    }

    /// The platform's request id, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The platform's error code of an [`Error::Api`].
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// An [`Error::Decode`] about an already-parsed JSON value that does not
    /// have the expected shape.
    pub(crate) fn decode_json(message: impl Into<String>, body: &serde_json::Value) -> Self {
        Error::Decode {
            status: None,
            message: message.into(),
            excerpt: excerpt(body.to_string().as_bytes()),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    /// An [`Error::Api`] from a status, headers and the platform's error body.
    pub(crate) fn from_api(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: types::Error,
    ) -> Self {
        Error::Api {
            status,
            code: body.code,
            message: body.message,
            details: body.details,
            fields: body
                .fields
                .into_iter()
                .map(|f| FieldError {
                    field: f.field,
                    message: f.message,
                })
                .collect(),
            request_id: request_id(headers),
        }
    }

    /// Classifies a reqwest error.
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout {
                message: format!(
                    "no response within the request timeout ({})",
                    e.without_url()
                ),
            }
        } else {
            Error::Transport {
                message: e.to_string(),
                source: Some(e),
            }
        }
    }
}

/// Message progenitor's builders give when the organisation parameter could
/// not be set (the client has none).
const NO_ORGANISATION: &str = "for organisation_id failed";

impl From<versori_core::Error<types::Error>> for Error {
    fn from(e: versori_core::Error<types::Error>) -> Self {
        use versori_core::Error as Core;
        match e {
            Core::InvalidRequest(message) if message.contains(NO_ORGANISATION) => Error::invalid(
                "no organisation configured: set VERSORI_ORG or call ClientBuilder::organisation",
            ),
            Core::InvalidRequest(message) => Error::invalid(message),
            Core::CommunicationError(e) | Core::InvalidUpgrade(e) | Core::ResponseBodyError(e) => {
                Error::from_reqwest(e)
            }
            Core::ErrorResponse(resp) => {
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                Error::from_api(status, &headers, resp.into_inner())
            }
            Core::InvalidResponsePayload(body, err) => Error::Decode {
                status: None,
                message: err.to_string(),
                excerpt: excerpt(&body),
            },
            Core::UnexpectedResponse(resp) => Error::Api {
                status: resp.status().as_u16(),
                code: "unexpected_status".into(),
                message: format!(
                    "the platform answered {} where the spec allows none",
                    resp.status()
                ),
                details: None,
                fields: vec![],
                request_id: request_id(resp.headers()),
            },
            // The facade's transport only fails `prepare` for credentials.
            Core::Custom(message) => Error::Auth { message },
        }
    }
}
