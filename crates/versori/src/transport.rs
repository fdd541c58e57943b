//! Sending one request: credentials, retries with backoff, the overall
//! deadline, tracing, and error bodies made uniform. Both the typed builders
//! (through `versori-core`'s hooks) and the generic `call` go through here.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use reqwest::{Request, Response};
use tracing::Instrument;

use crate::auth::Credentials;
use crate::error::{excerpt, request_id, Error, Result};
use crate::retry::{retryable_status, RetryPolicy};

/// Everything needed to send a request; shared by clones of a client.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) subject: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: HeaderValue,
    pub(crate) request_timeout: Option<std::time::Duration>,
    /// The `Authorization` value of fixed credentials (API key, JWT),
    /// computed once.
    pub(crate) fixed_authorization: Option<HeaderValue>,
}

impl Transport {
    /// Adds the credentials and the user agent to a request.
    pub(crate) fn authorize(&self, request: &mut Request) -> Result<()> {
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

    /// Sends `request`, retrying as the policy allows, inside a tracing span.
    /// Returns the final response (any status; error bodies normalized to the
    /// platform's `Error` shape) or the final transport error.
    pub(crate) async fn send(
        &self,
        request: Request,
        operation_id: &str,
    ) -> reqwest::Result<Response> {
        // field values are only evaluated when a subscriber wants the span
        let span = tracing::debug_span!(
            "versori.request",
            operation_id = crate::call::lookup(operation_id).map_or(operation_id, |o| o.id),
            method = %request.method(),
            path = crate::call::lookup(operation_id).map_or("", |o| o.path),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.send_with_retries(request).instrument(span).await
    }

    async fn send_with_retries(&self, request: Request) -> reqwest::Result<Response> {
        let span = tracing::Span::current();
        let started = Instant::now();
        let deadline = self.retry.overall_deadline().map(|d| started + d);
        let may_retry = self.retry.allows(request.method());
        let max = self.retry.attempts();
        let mut attempt = 1;
        loop {
            // the attempt's own timeout: the per-request one, cut short by the deadline
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let timeout = match (self.request_timeout, remaining) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let last = attempt >= max || !may_retry;
            let to_send = if last { None } else { request.try_clone() };
            let mut this = match to_send {
                Some(copy) => copy,
                // body cannot be cloned, or no retry will follow: send the original
                None => {
                    let mut original = request;
                    if let Some(t) = timeout {
                        *original.timeout_mut() = Some(t);
                    }
                    let t0 = Instant::now();
                    let result = self.http.execute(original).await;
                    record(&span, attempt, t0, &result);
                    return finish(result).await;
                }
            };
            if let Some(t) = timeout {
                *this.timeout_mut() = Some(t);
            }
            let t0 = Instant::now();
            let result = self.http.execute(this).await;
            record(&span, attempt, t0, &result);
            let (reason, retry_after) = match &result {
                Ok(resp) if retryable_status(resp.status().as_u16()) => (
                    format!("HTTP {}", resp.status().as_u16()),
                    resp.headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(String::from),
                ),
                Err(e) if e.is_connect() => {
                    (format!("connection failed: {}", e.without_url_ref()), None)
                }
                Err(e) if e.is_timeout() => ("the attempt timed out".into(), None),
                Err(e) if e.is_request() && e.status().is_none() => {
                    (format!("sending failed: {}", e.without_url_ref()), None)
                }
                _ => return finish(result).await,
            };
            let wait = match self
                .retry
                .retry_after(retry_after.as_deref(), SystemTime::now())
            {
                Ok(Some(wait)) => wait,
                Ok(None) => self.retry.backoff(attempt - 1),
                Err(asked) => {
                    tracing::debug!(
                        attempt,
                        ?asked,
                        "not retrying: Retry-After is beyond the cap"
                    );
                    return finish(result).await;
                }
            };
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                tracing::debug!(
                    attempt,
                    ?wait,
                    reason,
                    "not retrying: the deadline would pass"
                );
                return finish(result).await;
            }
            tracing::debug!(attempt, ?wait, reason, "retrying");
            drop(result);
            tokio::time::sleep(wait).await;
            attempt += 1;
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

fn record(span: &tracing::Span, attempt: u32, t0: Instant, result: &reqwest::Result<Response>) {
    // when nobody listens, skip computing the field values (the request-id
    // lookup above all)
    if !span.is_disabled() {
        span.record("attempt", attempt);
        span.record("latency_ms", t0.elapsed().as_secs_f64() * 1000.0);
        if let Ok(resp) = result {
            span.record("status", resp.status().as_u16());
            if let Some(id) = request_id(resp.headers()) {
                span.record("request_id", id.as_str());
            }
        }
    }
    match result {
        Ok(resp) => tracing::debug!(attempt, status = resp.status().as_u16(), "response"),
        Err(e) => tracing::debug!(attempt, error = %e.without_url_ref(), "no response"),
    }
}

/// Error responses whose body is not the platform's `Error` JSON (an HTML
/// page from a proxy, an empty body, ...) get one built from what arrived, so
/// every layer sees status, code and message the same way.
async fn finish(result: reqwest::Result<Response>) -> reqwest::Result<Response> {
    let resp = result?;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(resp);
    }
    let headers = resp.headers().clone();
    let body = resp.bytes().await?;
    if serde_json::from_slice::<versori_core::types::Error>(&body).is_ok() {
        return Ok(rebuild(status, headers, body));
    }
    let reason = status.canonical_reason().unwrap_or("error");
    let shown = excerpt(&body);
    let message = if shown.trim().is_empty() {
        format!("{reason} (empty response body)")
    } else {
        format!("{reason}: {}", shown.trim())
    };
    let synthetic = serde_json::json!({
        "code": format!("http_{}", status.as_u16()),
        "message": message,
    });
    let mut headers = headers;
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(rebuild(status, headers, Bytes::from(synthetic.to_string())))
}

fn rebuild(
    status: reqwest::StatusCode,
    mut headers: reqwest::header::HeaderMap,
    body: Bytes,
) -> Response {
    headers.remove(CONTENT_LENGTH);
    let mut builder = http::Response::builder().status(status);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    match builder.body(body.clone()) {
        Ok(resp) => Response::from(resp),
        // status and headers came from a valid response, so this cannot fail;
        // fall back to the bare status if it ever does
        Err(_) => Response::from(http::Response::new(body)),
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
        let result = self.0.authorize(request).map_err(|e| match e {
            Error::Auth { message } => message,
            other => other.to_string(),
        });
        Box::pin(async move { result })
    }

    fn execute<'a>(
        &'a self,
        request: Request,
        operation_id: &'static str,
    ) -> versori_core::hooks::BoxFuture<'a, reqwest::Result<Response>> {
        Box::pin(self.0.send(request, operation_id))
    }
}
