//! Sending one request: credentials, retries with backoff, the overall
//! deadline, tracing, and error bodies made uniform. Both the typed builders
//! (through `versori-core`'s hooks) and the generic `call` go through here.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use futures::future::Either;
use reqwest::header::{
    HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER, USER_AGENT,
};
use reqwest::{Request, Response};
use tracing::Instrument;

use crate::auth::Credentials;
use crate::body::{self, BodyError};
use crate::error::{excerpt, request_id, Error, Result};
use crate::pool::Pool;
use crate::retry::{retryable_status, RetryPolicy};
use crate::secret::redact;

/// Everything needed to send a request; shared by clones of a client.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    /// Builds requests (the generated client holds a copy too); requests are
    /// sent through `pool`, which is this client in the process that built it.
    pub(crate) http: reqwest::Client,
    pub(crate) pool: Arc<Pool>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) subject: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: HeaderValue,
    pub(crate) request_timeout: Option<std::time::Duration>,
    /// The timeout the HTTP client applies by itself when a request sets
    /// none (only known when the facade built the client).
    pub(crate) client_timeout: Option<std::time::Duration>,
    /// The `Authorization` value of fixed credentials (API key, JWT),
    /// computed once.
    pub(crate) fixed_authorization: Option<HeaderValue>,
    /// The longest response body read (see `body.rs`).
    pub(crate) max_response_bytes: u64,
}

/// Marks a `prepare` failure that is invalid input rather than a credential
/// problem (the hook's error is a string; see `Error::from` for the core's).
pub(crate) const INVALID_INPUT: &str = "\u{0}invalid input\u{0}";

/// What the log events of a request say about it (see `log.rs`).
#[derive(Clone, Copy)]
struct Call {
    operation_id: &'static str,
    method: &'static str,
    path: &'static str,
}

impl Transport {
    /// Adds the credentials and the user agent to a request.
    pub(crate) fn authorize(&self, request: &mut Request) -> Result<()> {
        // every request is authorized before it is sent (typed builders
        // through the hook, the rest through `execute_raw`): the one place
        // to refuse a pool that cannot send from here
        self.pool.usable_here()?;
        // room for both headers at once, rather than growing the map twice
        request.headers_mut().reserve(2);
        if let Some(value) = &self.fixed_authorization {
            request.headers_mut().insert(AUTHORIZATION, value.clone());
        } else if let Some(credentials) = &self.credentials {
            let value = credentials.header(self.subject.as_deref())?;
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        request
            .headers_mut()
            .insert(USER_AGENT, self.user_agent.clone());
        Ok(())
    }

    /// The credential the requests of this client carry (the API key, the
    /// JWT, or the token last minted for the end user), for redacting it
    /// from what a server echoes back. Never mints a token.
    pub(crate) fn sent_credential(&self) -> Option<String> {
        match self.credentials.as_ref()? {
            Credentials::ApiKey(s) | Credentials::Jwt(s) => Some(s.expose().to_string()),
            Credentials::SigningKey(key) => key.cached_token(self.subject.as_deref()?),
        }
    }

    /// Sends `request`, retrying as the policy allows, inside a tracing span.
    /// Returns the final response (any status; error bodies normalized to the
    /// platform's `Error` shape, credentials redacted from them, and from a
    /// redirect's `Location`) or the final transport error.
    ///
    /// The credential redacted is the one the request actually carried (its
    /// `Authorization` value without the scheme: the API key, the JWT, or
    /// the token minted for the end user), besides anything shaped like a
    /// token; see [`redact`]. Every path (typed builders, the generic call,
    /// pagers, KV helpers, workflows, Python and C) sends through here, so
    /// none can skip it.
    pub(crate) fn send<'a>(
        &'a self,
        request: Request,
        operation_id: &'static str,
    ) -> impl std::future::Future<Output = reqwest::Result<Response>> + Send + 'a {
        // the operation's fields, only looked up when an event or span at
        // INFO or below would be recorded
        let call = tracing::enabled!(tracing::Level::INFO).then(|| {
            let op = crate::call::lookup(operation_id);
            Call {
                operation_id: op.map_or(operation_id, |o| o.id),
                method: op.map_or("", |o| o.method.as_str()),
                path: op.map_or("", |o| o.path),
            }
        });
        if !tracing::span_enabled!(tracing::Level::DEBUG) {
            // nobody listens: no span to build, enter on every poll or fill
            return Either::Left(self.send_with_retries(request, call, tracing::Span::none()));
        }
        let span = tracing::debug_span!(
            "versori.request",
            operation_id = tracing::field::Empty,
            method = tracing::field::Empty,
            path = tracing::field::Empty,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        if span.is_disabled() {
            return Either::Left(self.send_with_retries(request, call, span));
        }
        if let Some(c) = &call {
            span.record("operation_id", c.operation_id);
            span.record("path", c.path);
        }
        span.record("method", request.method().as_str());
        Either::Right(
            self.send_with_retries(request, call, span.clone())
                .instrument(span),
        )
    }

    // a plain fn returning an `async move` block rather than an `async fn`:
    // an async fn keeps a second copy of its by-value arguments in its state
    // (rust-lang/rust#62958), and this future is boxed once per request
    #[allow(clippy::manual_async_fn)]
    fn send_with_retries<'a>(
        &'a self,
        mut request: Request,
        call: Option<Call>,
        span: tracing::Span,
    ) -> impl std::future::Future<Output = reqwest::Result<Response>> + Send + 'a {
        async move {
            let http = self.pool.client()?;
            let http = &http;
            // the credential this request carries, to redact from what comes
            // back (a retry carries the same); a reference-counted copy
            let sent = request.headers().get(AUTHORIZATION).cloned();
            let started = Instant::now();
            let deadline = self.retry.overall_deadline().map(|d| started + d);
            let may_retry = self.retry.allows(request.method());
            let max = self.retry.attempts();
            let mut attempt = 1;
            loop {
                // a copy for the next attempt; none when no retry may follow or
                // the body cannot be cloned (a stream), which ends the retries
                let next = if may_retry && attempt < max {
                    Resend::of(&request)
                } else {
                    None
                };
                let t0 = if attempt == 1 {
                    started
                } else {
                    Instant::now()
                };
                // the attempt's own timeout: the per-request one, cut short by the deadline
                let remaining = deadline.map(|d| d.saturating_duration_since(t0));
                let timeout = match (self.request_timeout, remaining) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if timeout.is_some() && timeout != self.client_timeout {
                    *request.timeout_mut() = timeout;
                }
                let result = http.execute(request).await;
                record(&span, call, attempt, t0, &result);
                let wait = match next {
                    Some(_) => self.retry_wait(&result, call, attempt, deadline),
                    None => None,
                };
                let (Some(next), Some(wait)) = (next, wait) else {
                    return match result {
                        Ok(resp)
                            if resp.status().is_client_error()
                                || resp.status().is_server_error() =>
                        {
                            normalize_error(resp, self.max_response_bytes, sent).await
                        }
                        Ok(resp) if resp.status().is_redirection() => {
                            Ok(redact_location(resp, sent.as_ref().and_then(credential_of)))
                        }
                        other => other,
                    };
                };
                drop(result);
                tokio::time::sleep(wait).await;
                request = next.into_request();
                attempt += 1;
            }
        }
    }

    /// Whether the outcome of attempt number `attempt` calls for another,
    /// and after how long; logs the decision either way.
    fn retry_wait(
        &self,
        result: &reqwest::Result<Response>,
        call: Option<Call>,
        attempt: u32,
        deadline: Option<Instant>,
    ) -> Option<std::time::Duration> {
        let (reason, retry_after) = match result {
            Ok(resp) if retryable_status(resp.status().as_u16()) => (
                format!("HTTP {}", resp.status().as_u16()),
                resp.headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok()),
            ),
            Err(e) if e.is_connect() => {
                (format!("connection failed: {}", e.without_url_ref()), None)
            }
            Err(e) if e.is_timeout() => ("the attempt timed out".into(), None),
            Err(e) if e.is_request() && e.status().is_none() => {
                (format!("sending failed: {}", e.without_url_ref()), None)
            }
            _ => return None,
        };
        let wait = match self.retry.retry_after(retry_after, SystemTime::now()) {
            Ok(Some(wait)) => wait,
            Ok(None) => self.retry.backoff(attempt - 1),
            Err(asked) => {
                tracing::debug!(
                    attempt,
                    ?asked,
                    "not retrying: Retry-After is beyond the cap"
                );
                return None;
            }
        };
        if deadline.is_some_and(|d| Instant::now() + wait >= d) {
            tracing::debug!(
                attempt,
                ?wait,
                reason,
                "not retrying: the deadline would pass"
            );
            return None;
        }
        let c = call.unwrap_or(Call::UNKNOWN);
        tracing::info!(
            operation_id = c.operation_id,
            method = c.method,
            path = c.path,
            attempt,
            reason,
            delay_ms = wait.as_secs_f64() * 1000.0,
            "retrying"
        );
        Some(wait)
    }
}

/// What it takes to send a request again.
enum Resend {
    /// A request with a body, copied whole.
    Whole(Request),
    /// A bodiless request, by parts: its headers go in one flat list (one
    /// allocation, where copying a `HeaderMap` takes two, and
    /// `Request::try_clone` adds reqwest's per-request option map).
    Parts {
        method: reqwest::Method,
        url: reqwest::Url,
        version: reqwest::Version,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
}

impl Resend {
    /// `None` when the body is a stream, which cannot be sent twice.
    fn of(request: &Request) -> Option<Resend> {
        if request.body().is_some() {
            return request.try_clone().map(Resend::Whole);
        }
        Some(Resend::Parts {
            method: request.method().clone(),
            url: request.url().clone(),
            version: request.version(),
            headers: request
                .headers()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
    }

    fn into_request(self) -> Request {
        match self {
            Resend::Whole(request) => request,
            Resend::Parts {
                method,
                url,
                version,
                headers,
            } => {
                let mut request = Request::new(method, url);
                *request.version_mut() = version;
                let map = request.headers_mut();
                map.reserve(headers.len());
                for (name, value) in headers {
                    // append: a header sent several times keeps every value
                    map.append(name, value);
                }
                request
            }
        }
    }
}

/// `without_url` on a borrowed error, for log lines.
trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(url.as_str(), "<url>");
        }
        text
    }
}

impl Call {
    /// For events whose operation was not looked up (nobody listened when
    /// the request started).
    const UNKNOWN: Call = Call {
        operation_id: "",
        method: "",
        path: "",
    };
}

fn record(
    span: &tracing::Span,
    call: Option<Call>,
    attempt: u32,
    t0: Instant,
    result: &reqwest::Result<Response>,
) {
    // when nobody listens, skip computing the field values (the request-id
    // lookup above all)
    let latency_ms = t0.elapsed().as_secs_f64() * 1000.0;
    if !span.is_disabled() {
        span.record("attempt", attempt);
        span.record("latency_ms", latency_ms);
        if let Ok(resp) = result {
            span.record("status", resp.status().as_u16());
            if let Some(id) = request_id(resp.headers()) {
                span.record("request_id", id.as_str());
            }
        }
    }
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let c = call.unwrap_or(Call::UNKNOWN);
    match result {
        Ok(resp) => tracing::debug!(
            operation_id = c.operation_id,
            method = c.method,
            path = c.path,
            status = resp.status().as_u16(),
            attempt,
            latency_ms,
            request_id = request_id(resp.headers()).as_deref(),
            "response"
        ),
        Err(e) => tracing::debug!(
            operation_id = c.operation_id,
            method = c.method,
            path = c.path,
            attempt,
            latency_ms,
            error = %e.without_url_ref(),
            "no response"
        ),
    }
}

/// Error responses whose body is not the platform's `Error` JSON (an HTML
/// page from a proxy, an empty body, ...) get one built from what arrived, so
/// every layer sees status, code and message the same way. The body is read
/// under the size limit (a longer one becomes a message saying so), and any
/// credential the server echoed in it is redacted. Boxed, so that the
/// body-reading state is not part of every request's future.
fn normalize_error(
    mut resp: Response,
    limit: u64,
    sent: Option<HeaderValue>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = reqwest::Result<Response>> + Send>> {
    Box::pin(async move {
        let status = resp.status();
        let sent = sent.as_ref().and_then(credential_of);
        let reason = status.canonical_reason().unwrap_or("error");
        let message = match body::read(&mut resp, limit).await {
            Err(BodyError::Read(e)) => return Err(e),
            Err(BodyError::TooLarge(l)) => format!(
                "{reason} (the error body is larger than the limit of {} bytes, max_response_bytes; it was not read)",
                l.limit
            ),
            Ok(body) => match serde_json::from_slice::<versori_core::types::Error>(&body) {
                Ok(mut error) => {
                    let headers = std::mem::take(resp.headers_mut());
                    let url = resp.url().clone();
                    if !redact_error(&mut error, sent) {
                        return Ok(body::rebuild(status, headers, body, url));
                    }
                    let text = serde_json::to_vec(&error).unwrap_or_default();
                    return Ok(body::rebuild(status, headers, Bytes::from(text), url));
                }
                Err(_) => {
                    let shown = excerpt(&body, sent);
                    if shown.trim().is_empty() {
                        format!("{reason} (empty response body)")
                    } else {
                        format!("{reason}: {}", shown.trim())
                    }
                }
            },
        };
        let synthetic = serde_json::json!({
            "code": format!("http_{}", status.as_u16()),
            "message": message,
        });
        let mut headers = std::mem::take(resp.headers_mut());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(body::rebuild(
            status,
            headers,
            Bytes::from(synthetic.to_string()),
            resp.url().clone(),
        ))
    })
}

/// The credential of an `Authorization` value: the text after its scheme
/// (`Bearer <key>`, `JWT <token>`), or the whole value when it has none.
fn credential_of(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    let credential = text.split_once(' ').map_or(text, |(_, v)| v).trim();
    (!credential.is_empty()).then_some(credential)
}

/// A redirect with credentials redacted from its `Location` (the one the
/// request carried, `sent`, and anything shaped like a token): some servers
/// and login pages put the request's key or token in the URL they send the
/// client to, and the `Location` goes into [`Error::Redirect`].
fn redact_location(mut resp: Response, sent: Option<&str>) -> Response {
    let Some(location) = resp.headers().get(LOCATION) else {
        return resp;
    };
    let text = String::from_utf8_lossy(location.as_bytes());
    if let std::borrow::Cow::Owned(clean) = redact(&text, sent) {
        match HeaderValue::from_bytes(clean.as_bytes()) {
            Ok(value) => {
                resp.headers_mut().insert(LOCATION, value);
            }
            // what redaction leaves of a header value is a header value; if
            // not, no Location is better than the credential
            Err(_) => {
                resp.headers_mut().remove(LOCATION);
            }
        }
    }
    resp
}

/// Redacts credentials from the texts of a platform error; whether any
/// text changed.
fn redact_error(error: &mut versori_core::types::Error, sent: Option<&str>) -> bool {
    let mut changed = false;
    let mut clean = |text: &mut String| {
        if let std::borrow::Cow::Owned(clean) = redact(text, sent) {
            *text = clean;
            changed = true;
        }
    };
    clean(&mut error.code);
    clean(&mut error.message);
    if let Some(details) = error.details.as_mut() {
        clean(details);
    }
    for f in &mut error.fields {
        clean(&mut f.field);
        clean(&mut f.message);
    }
    changed
}

/// The outcome of a successful `prepare`, ready at once.
struct Authorized;

impl std::future::Future for Authorized {
    type Output = std::result::Result<(), String>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// The hook through which `versori-core`'s generated builders use the transport.
#[derive(Debug)]
pub(crate) struct Hook(pub(crate) std::sync::Arc<Transport>);

impl versori_core::hooks::Transport for Hook {
    fn prepare<'a>(
        &'a self,
        request: &'a mut Request,
        _operation_id: &'static str,
    ) -> versori_core::hooks::BoxFuture<'a, std::result::Result<(), String>> {
        match self.0.authorize(request) {
            // a zero-sized future: boxing it allocates nothing
            Ok(()) => Box::pin(Authorized),
            Err(e) => {
                let message = match e {
                    Error::Auth { message } => message,
                    // the one other kind `authorize` gives, marked so that
                    // the conversion back (error.rs) keeps it
                    Error::InvalidInput { message } => format!("{INVALID_INPUT}{message}"),
                    other => other.to_string(),
                };
                Box::pin(std::future::ready(Err(message)))
            }
        }
    }

    fn execute<'a>(
        &'a self,
        request: Request,
        operation_id: &'static str,
    ) -> versori_core::hooks::BoxFuture<'a, reqwest::Result<Response>> {
        Box::pin(async move {
            let mut resp = self.0.send(request, operation_id).await?;
            if !resp.status().is_success() {
                // error bodies are read already; a redirect has none worth reading
                return Ok(resp);
            }
            // the generated code reads the body itself: read it here, under
            // the limit, and hand it over in memory (or as a body that fails
            // with the limit, which `Error::from` recognises)
            let status = resp.status();
            let read = body::read(&mut resp, self.0.max_response_bytes).await;
            let headers = std::mem::take(resp.headers_mut());
            let url = resp.url().clone();
            match read {
                Ok(bytes) => Ok(body::rebuild(status, headers, bytes, url)),
                Err(BodyError::TooLarge(exceeded)) => {
                    Ok(body::failing_response(status, headers, exceeded, url))
                }
                Err(BodyError::Read(e)) => Err(e),
            }
        })
    }
}
