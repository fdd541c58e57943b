//! Reading response bodies under the client's size limit
//! ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
//!
//! A body is read chunk by chunk and reading stops as soon as it passes
//! the limit (at once when `Content-Length` already says it would), so a
//! broken or hostile server cannot make the client hold more than about the
//! limit in memory.

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, CONTENT_LENGTH};
use reqwest::{Response, ResponseBuilderExt, StatusCode, Url};

/// The default limit on a response body: 64 MiB, far above any page or
/// document the platform sends.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// A body that went past the limit. It travels inside a `reqwest::Error`
/// on the typed builders' path (see [`failing_response`]) and becomes
/// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyLimitExceeded {
    pub(crate) status: u16,
    pub(crate) limit: u64,
}

impl std::fmt::Display for BodyLimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the response body (HTTP {}) is larger than the limit of {} bytes",
            self.status, self.limit
        )
    }
}

impl std::error::Error for BodyLimitExceeded {}

impl BodyLimitExceeded {
    /// The limit error somewhere in `e`'s chain of sources, if any.
    pub(crate) fn find(e: &reqwest::Error) -> Option<BodyLimitExceeded> {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(err) = source {
            if let Some(found) = err.downcast_ref::<BodyLimitExceeded>() {
                return Some(*found);
            }
            source = err.source();
        }
        None
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// It is longer than the limit.
    TooLarge(BodyLimitExceeded),
    /// The connection failed, or the body ended early or was malformed.
    Read(reqwest::Error),
}

impl From<BodyError> for crate::Error {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge(l) => crate::Error::ResponseTooLarge {
                status: l.status,
                limit: l.limit,
            },
            BodyError::Read(e) => crate::Error::from_reqwest(e),
        }
    }
}

/// Reads the whole body of `resp`, failing as soon as it is longer than
/// `limit` bytes. A body that arrives in one chunk (most API responses) is
/// returned without a copy. Otherwise, with a declared length (at most the
/// limit, or it was refused up front) the chunks go into one buffer of that
/// size as they arrive; without one they are kept as they come and joined
/// once at the end, so a body refused at the limit never costs more than
/// the limit.
pub(crate) async fn read(resp: &mut Response, limit: u64) -> Result<Bytes, BodyError> {
    let exceeded = BodyLimitExceeded {
        status: resp.status().as_u16(),
        limit,
    };
    let declared = resp.content_length();
    if declared.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge(exceeded));
    }
    let mut first: Option<Bytes> = None;
    let mut sized: Option<BytesMut> = None;
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut total: u64 = 0;
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Read)? {
        total = total.saturating_add(chunk.len() as u64);
        if total > limit {
            return Err(BodyError::TooLarge(exceeded));
        }
        if total == chunk.len() as u64 {
            first = Some(chunk);
            continue;
        }
        match declared {
            Some(n) => {
                let buf = sized.get_or_insert_with(|| {
                    let mut buf = BytesMut::with_capacity(n as usize);
                    buf.extend_from_slice(first.as_deref().unwrap_or_default());
                    buf
                });
                buf.extend_from_slice(&chunk);
            }
            None => {
                chunks.extend(first.take());
                chunks.push(chunk);
            }
        }
    }
    if let Some(buf) = sized {
        return Ok(buf.freeze());
    }
    if chunks.is_empty() {
        return Ok(first.unwrap_or_default());
    }
    let mut joined = BytesMut::with_capacity(total as usize);
    for chunk in &chunks {
        joined.extend_from_slice(chunk);
    }
    Ok(joined.freeze())
}

/// A response from `url` with this status and headers and `body` (the URL
/// is carried over: without one, reqwest would parse a placeholder URL for
/// every response).
fn response(status: StatusCode, mut headers: HeaderMap, body: reqwest::Body, url: Url) -> Response {
    headers.remove(CONTENT_LENGTH);
    let mut builder = http::Response::builder().status(status).url(url);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    match builder.body(body) {
        Ok(resp) => Response::from(resp),
        // status and headers came from a valid response, so this cannot
        // fail; the status alone is kept if it ever does
        Err(_) => {
            let mut bare = http::Response::new(reqwest::Body::from(Bytes::new()));
            *bare.status_mut() = status;
            Response::from(bare)
        }
    }
}

/// A response with this status and headers whose body is `body`, already in
/// memory.
pub(crate) fn rebuild(status: StatusCode, headers: HeaderMap, body: Bytes, url: Url) -> Response {
    response(status, headers, reqwest::Body::from(body), url)
}

/// A response with this status and headers whose body fails, when read,
/// with `exceeded`: how the typed builders, which read bodies themselves,
/// learn that the limit was passed.
pub(crate) fn failing_response(
    status: StatusCode,
    headers: HeaderMap,
    exceeded: BodyLimitExceeded,
    url: Url,
) -> Response {
    let body =
        reqwest::Body::wrap_stream(futures::stream::once(
            async move { Err::<Bytes, _>(exceeded) },
        ));
    response(status, headers, body, url)
}
