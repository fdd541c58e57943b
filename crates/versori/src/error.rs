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
    /// A success response whose body does not match the spec, or a listing
    /// whose pages do not follow the pagination rules (a page that hands back
    /// a cursor already followed).
    #[error("{}", decode_message(*status, message, excerpt))]
    Decode {
        /// The HTTP status, when known.
        status: Option<u16>,
        /// What did not match.
        message: String,
        /// The first characters of the body, with any credential replaced
        /// by `<redacted>` (empty when no body is involved).
        excerpt: String,
    },
    /// The server answered with a redirect (3xx). The SDK follows none: the
    /// platform's API never redirects, so a redirect comes from a wrong base
    /// URL or something in between (a proxy, a login page), and following
    /// it could send the request, and its credentials, where they were not
    /// meant to go, or turn a `POST` into a `GET`.
    ///
    /// ```
    /// let err = versori::Error::Redirect {
    ///     status: 302,
    ///     location: Some("https://login.example.com/".into()),
    ///     request_id: None,
    /// };
    /// assert_eq!(err.status(), Some(302));
    /// assert!(err.to_string().contains("https://login.example.com/"));
    /// ```
    #[error("{}", redirect_message(*status, location.as_deref()))]
    Redirect {
        /// The HTTP status (301, 302, 303, 307, 308, ...).
        status: u16,
        /// The `Location` header, when the response had one (credentials in
        /// it are replaced by `<redacted>`).
        location: Option<String>,
        /// The request id of the response, if it carried one.
        request_id: Option<String>,
    },
    /// A response body was longer than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    /// Reading stopped at the limit, so memory stays near it.
    ///
    /// ```
    /// let err = versori::Error::ResponseTooLarge { status: 200, limit: 1 << 20 };
    /// assert!(err.to_string().contains("1048576 bytes"));
    /// ```
    #[error("the response body (HTTP {status}) is larger than the limit of {limit} bytes (max_response_bytes); it was not read further")]
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit, in bytes.
        limit: u64,
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

fn decode_message(status: Option<u16>, message: &str, excerpt: &str) -> String {
    let mut s = String::from("could not decode the response");
    if let Some(status) = status {
        s.push_str(&format!(" (HTTP {status})"));
    }
    s.push_str(": ");
    s.push_str(message);
    if !excerpt.is_empty() {
        s.push_str(&format!("; body starts with {excerpt:?}"));
    }
    s
}

fn redirect_message(status: u16, location: Option<&str>) -> String {
    let target = match location {
        Some(l) => format!("a redirect to {l}"),
        None => "a redirect without a Location header".into(),
    };
    format!(
        "HTTP {status}: the server answered with {target}, which the SDK does not follow \
         (the platform's API never redirects: check the base URL and any proxy in between)"
    )
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

/// How much of a body is searched for credentials before an excerpt is cut
/// from it: enough for the excerpt and a long token that starts inside it,
/// so that the cut never leaves part of a credential.
const EXCERPT_WINDOW: usize = EXCERPT_CHARS * 4 + 8192;

/// The start of a body, for error messages, with credentials redacted
/// (`sent`: the credential the request carried, see [`crate::secret::redact`]).
pub(crate) fn excerpt(body: &[u8], sent: Option<&str>) -> String {
    let window = &body[..body.len().min(EXCERPT_WINDOW)];
    let text = String::from_utf8_lossy(window);
    let text = crate::secret::redact(&text, sent);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if body.len() > window.len() || text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// An [`Error::Decode`] about `body`, part of a response (or a value read
/// from one): `message` says what did not match, `sent` is the credential
/// the request carried. Both the excerpt and the message are redacted: a
/// decoder's message can quote the body (serde's `invalid type: string
/// "..."`).
pub(crate) fn decode(
    status: Option<u16>,
    message: impl std::fmt::Display,
    body: &[u8],
    sent: Option<&str>,
) -> Error {
    let message = message.to_string();
    Error::Decode {
        status,
        message: match crate::secret::redact(&message, sent) {
            std::borrow::Cow::Borrowed(_) => message,
            std::borrow::Cow::Owned(clean) => clean,
        },
        excerpt: excerpt(body, sent),
    }
}

/// The error for a response with a redirect status (see [`Error::Redirect`]).
/// The transport has already redacted the credential the request carried
/// from the `Location`; anything shaped like a token is redacted again here,
/// for responses that did not come through it.
pub(crate) fn redirect(status: u16, headers: &reqwest::header::HeaderMap) -> Error {
    Error::Redirect {
        status,
        location: headers
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
            .map(|l| crate::secret::redact(&l, None).into_owned()),
        request_id: request_id(headers),
    }
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
            Error::Redirect { status, .. } | Error::ResponseTooLarge { status, .. } => {
                Some(*status)
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
            Error::Api { request_id, .. } | Error::Redirect { request_id, .. } => {
                request_id.as_deref()
            }
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
    /// have the expected shape; `sent` is the credential of the request it
    /// came back to (see [`crate::Client::sent_credential`]), redacted from
    /// the excerpt.
    pub(crate) fn decode_json(
        message: impl Into<String>,
        body: &serde_json::Value,
        sent: Option<&str>,
    ) -> Self {
        decode(None, message.into(), body.to_string().as_bytes(), sent)
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

    /// Classifies a reqwest error (a body cut off at the size limit is
    /// [`Error::ResponseTooLarge`]).
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if let Some(limit) = crate::body::BodyLimitExceeded::find(&e) {
            return Error::ResponseTooLarge {
                status: limit.status,
                limit: limit.limit,
            };
        }
        if e.is_timeout() {
            let when = if e.is_body() || e.is_decode() {
                "while the response body was arriving"
            } else {
                "while waiting for the response"
            };
            Error::Timeout {
                message: format!("no complete response within the request timeout ({when})"),
            }
        } else {
            Error::Transport {
                message: describe(&e),
                source: Some(e),
            }
        }
    }
}

/// A transport failure in words: what failed, then its causes down to the
/// one that says most (`connection reset by peer`), without the URL.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the response body could not be read"
    } else {
        "the request failed"
    };
    let mut text = what.to_string();
    let mut seen: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let shown = cause.to_string();
        if !shown.is_empty() && !seen.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
            seen.push(shown);
        }
        source = cause.source();
    }
    if seen.is_empty() {
        text.push_str(": ");
        let mut own = e.to_string();
        if let Some(url) = e.url() {
            own = own.replace(&format!(" for url ({url})"), "");
        }
        text.push_str(&own);
    }
    text
}

/// Message progenitor's builders give when the organisation parameter could
/// not be set (the client has none).
const NO_ORGANISATION: &str = "for organisation_id failed";

/// Errors of the generated client, for callers of [`crate::Client::core`].
///
/// The facade's request builders convert with the credential their client
/// sent, so that it is redacted from the excerpt of a malformed success
/// body; this conversion does not know it, and redacts only what is shaped
/// like a token (a JWT, the value after `Bearer ` or `JWT `). Error bodies
/// and redirects are redacted either way: the client's transport does it
/// before the generated code sees them.
impl From<versori_core::Error<types::Error>> for Error {
    fn from(e: versori_core::Error<types::Error>) -> Self {
        Error::from_core(e, None)
    }
}

impl Error {
    /// An error of the generated client as the facade's, with `sent` (the
    /// credential the request carried) redacted from any body excerpt.
    pub(crate) fn from_core(e: versori_core::Error<types::Error>, sent: Option<&str>) -> Self {
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
            Core::InvalidResponsePayload(body, err) => decode(None, err, &body, sent),
            Core::UnexpectedResponse(resp) if resp.status().is_redirection() => {
                redirect(resp.status().as_u16(), resp.headers())
            }
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
            // The facade's transport fails `prepare` for credentials, and
            // for invalid input it marks as such.
            Core::Custom(message) => match message.strip_prefix(crate::transport::INVALID_INPUT) {
                Some(message) => Error::invalid(message),
                None => Error::Auth { message },
            },
        }
    }
}
