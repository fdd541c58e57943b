//! Routing by the operation table: every operation of the spec is matched by
//! method and path template, checked for credentials and its body, and
//! handed to its handler (every operation has one, in the `ops` module of
//! its tag, which a unit test checks; an operation without one would answer
//! `501 not_emulated`). A panic anywhere in handling a request (routing,
//! body checks, the handler, building the response) answers 500 with the
//! spec's `Error` body, and the server keeps serving with its store as it
//! was left.

use std::any::Any;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use versori_core::operations::{Location, Operation, OPERATIONS};

use crate::clock::{Clock, RequestTime};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::Store;

/// Request bodies above this size are refused with 413.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// What every handler returns: a JSON body (or none) with the operation's status.
pub type Answer = Result<Option<Value>, ApiError>;

/// A handler: runs under the store's lock.
pub type Handler = fn(&mut Store, &Request) -> Answer;

/// Shared server state.
#[derive(Clone)]
pub struct Shared {
    pub(crate) store: Arc<Mutex<Store>>,
    pub(crate) api_key: Option<Arc<str>>,
    pub(crate) handlers: Arc<HashMap<&'static str, Handler>>,
    pub(crate) clock: Clock,
    /// Operations made to panic, and where (fault injection for tests).
    pub(crate) panics: Arc<HashSet<(String, PanicStage)>>,
}

/// Where a panic injected by
/// [`EmulatorBuilder::panic_at`](crate::EmulatorBuilder::panic_at) happens
/// in handling a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PanicStage {
    /// After routing, before the body is read and checked.
    Request,
    /// In the operation's handler, with the store locked.
    Handler,
    /// While the response is built, after the handler returned.
    Response,
}

/// Panics if `shared` was told to fail `op` at `stage`.
fn inject(shared: &Shared, op: &Operation, stage: PanicStage) {
    if !shared.panics.is_empty() && shared.panics.contains(&(op.id.to_string(), stage)) {
        panic!(
            "{} was told to fail at {stage:?} (EmulatorBuilder::panic_at)",
            op.id
        );
    }
}

/// Paths the platform also serves without the `/o/{organisation_id}`
/// prefix (its official client calls them so); the organisation is the one
/// owning the project in the path.
const ORGLESS_PREFIXES: &[&str] = &["/o/{organisation_id}/projects/{project_id}/notifications"];

/// One piece of a path template.
#[derive(Debug)]
enum Piece {
    Literal(&'static str),
    Param(&'static str),
    /// A slash-separated parameter: the rest of the path.
    Tail(&'static str),
}

/// A route: an operation under one path template.
#[derive(Debug)]
struct Route {
    op: &'static Operation,
    pieces: Vec<Piece>,
    /// Served without the organisation prefix; the organisation comes from
    /// the project.
    orgless: bool,
}

fn pieces(op: &'static Operation, template: &'static str) -> Vec<Piece> {
    let parts: Vec<&'static str> = template.trim_matches('/').split('/').collect();
    let last = parts.len().saturating_sub(1);
    parts
        .into_iter()
        .enumerate()
        .map(
            |(i, t)| match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => {
                    let tail = i == last
                        && op
                            .parameter(name)
                            .is_some_and(|p| p.segments && p.location == Location::Path);
                    if tail {
                        Piece::Tail(name)
                    } else {
                        Piece::Param(name)
                    }
                }
                None => Piece::Literal(t),
            },
        )
        .collect()
}

/// Every route, built once from the operation table.
fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let mut routes = Vec::with_capacity(OPERATIONS.len() + 4);
        for op in OPERATIONS {
            routes.push(Route {
                op,
                pieces: pieces(op, op.path),
                orgless: false,
            });
            if ORGLESS_PREFIXES.iter().any(|p| op.path.starts_with(p)) {
                if let Some(rest) = op.path.strip_prefix("/o/{organisation_id}") {
                    routes.push(Route {
                        op,
                        pieces: pieces(op, rest),
                        orgless: true,
                    });
                }
            }
        }
        routes
    })
}

/// Matches a request path (split at its slashes, percent-encoded) against
/// a route, returning its decoded parameters.
fn matches(route: &Route, path: &[&str]) -> Option<HashMap<&'static str, String>> {
    let tail = matches!(route.pieces.last(), Some(Piece::Tail(_)));
    let fits = if tail {
        path.len() >= route.pieces.len()
    } else {
        path.len() == route.pieces.len()
    };
    if !fits {
        return None;
    }
    let mut params = HashMap::new();
    for (i, piece) in route.pieces.iter().enumerate() {
        match piece {
            Piece::Literal(t) => {
                if *t != path[i] {
                    return None;
                }
            }
            Piece::Param(name) => {
                let value = percent_decode(path[i])?;
                if value.is_empty() {
                    return None;
                }
                params.insert(*name, value);
            }
            Piece::Tail(name) => {
                // `%2F` and a literal `/` both separate segments
                let segments = path[i..]
                    .iter()
                    .map(|s| percent_decode(s))
                    .collect::<Option<Vec<String>>>()?;
                let value = segments.join("/");
                if value.is_empty() {
                    return None;
                }
                params.insert(*name, value);
            }
        }
    }
    Some(params)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The request path split at its slashes; a trailing slash counts only for
/// a slash-separated parameter (where it makes an empty last segment).
fn split_path(path: &str) -> (Vec<&str>, Vec<&str>) {
    let exact: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let trimmed: Vec<&str> = path.trim_matches('/').split('/').collect();
    (exact, trimmed)
}

fn query_map(uri: &Uri) -> Result<HashMap<String, String>, ApiError> {
    match uri.query() {
        None => Ok(HashMap::new()),
        Some(q) => serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .map(|pairs| pairs.into_iter().collect())
            .map_err(|e| ApiError::bad_request(format!("the query string is malformed: {e}"))),
    }
}

/// Checks the `Authorization` header: `Bearer <token>` or `JWT <token>`.
fn authorize(shared: &Shared, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "missing Authorization header: send `Bearer <api key>` or `JWT <token>`",
        ));
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not text"))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    let token = token.trim();
    if !(scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("jwt"))
        || token.is_empty()
    {
        return Err(ApiError::unauthorized(
            "malformed Authorization header: expected `Bearer <api key>` or `JWT <token>`",
        ));
    }
    if let Some(key) = &shared.api_key {
        if token != key.as_ref() {
            return Err(ApiError::unauthorized(
                "the credential is not valid for this emulator",
            ));
        }
    }
    Ok(())
}

/// A future that ends in `Err(the panic's payload)` when polling the inner
/// one panics, instead of unwinding into the server (which would drop the
/// connection).
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.get_mut().0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

/// The fallback route: every API request. A panic while handling it is a
/// 500 with the `Error` body; a store whose lock it poisoned is used as the
/// panic left it.
pub async fn dispatch(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Response {
    let store = Arc::clone(&shared.store);
    let request = format!("{method} {}", uri.path());
    // the operation, once routing found it
    let matched: OnceLock<&'static str> = OnceLock::new();
    let handling = handle(shared, method, uri, headers, body, &matched);
    match CatchUnwind(Box::pin(handling)).await {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => e.into_response(),
        Err(payload) => {
            if store.is_poisoned() {
                store.clear_poison();
            }
            let message = panic_message(payload.as_ref());
            let what = matched.get().copied().unwrap_or("the request");
            tracing::error!(request = %request, operation = what, panic = %message, "handling a request panicked");
            ApiError::internal(format!(
                "the emulator failed while handling {what} ({request}): {message}"
            ))
            .into_response()
        }
    }
}

/// The route for `method` and `path`: the most specific template wins
/// (`/store/{store}/kv/batch` over `/store/{store}/kv/{key}`). Without one,
/// a 405 listing the methods the path has, or a 404.
fn route(
    method: &Method,
    uri: &Uri,
) -> Result<(&'static Route, HashMap<&'static str, String>), ApiError> {
    let (exact, trimmed) = split_path(uri.path());
    let mut allowed: BTreeSet<&'static str> = BTreeSet::new();
    let mut found: Option<(&'static Route, HashMap<&'static str, String>)> = None;
    for route in routes() {
        let tail = matches!(route.pieces.last(), Some(Piece::Tail(_)));
        let Some(params) = matches(route, if tail { &exact } else { &trimmed }) else {
            continue;
        };
        allowed.insert(route.op.method.as_str());
        let better = found.as_ref().is_none_or(|(best, best_params)| {
            params.len() < best_params.len()
                || (params.len() == best_params.len()
                    && !tail
                    && matches!(best.pieces.last(), Some(Piece::Tail(_))))
        });
        if route.op.method.as_str() == method.as_str() && better {
            found = Some((route, params));
        }
    }
    match found {
        Some(found) => Ok(found),
        None if !allowed.is_empty() => {
            let allow: Vec<&str> = allowed.into_iter().collect();
            Err(ApiError::method_not_allowed(
                format!(
                    "{method} is not allowed on {}; it allows {}",
                    uri.path(),
                    allow.join(", ")
                ),
                &allow,
            ))
        }
        None => Err(ApiError::not_found(format!(
            "no operation at {}",
            uri.path()
        ))),
    }
}

/// The request body checked against the operation's schema: a missing
/// required body is a 400 (one the spec marks as possible to leave out
/// reads as `{}`), a `null` standing for an empty array or object is
/// replaced (and the body re-encoded), anything else off-schema is a 400
/// naming the members.
fn checked_body(op: &'static Operation, body: bytes::Bytes) -> Result<bytes::Bytes, ApiError> {
    let Some(spec) = op.body else {
        return Ok(body);
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        if spec.may_be_omitted {
            return Ok(bytes::Bytes::from_static(b"{}"));
        }
        if spec.required {
            return Err(ApiError::invalid_field(
                "body",
                format!("{} needs a JSON request body (a {})", op.id, spec.schema),
            ));
        }
        return Ok(body);
    }
    let mut value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("the request body is not JSON: {e}")))?;
    if crate::validate::body(op.id, &mut value)? {
        let text = serde_json::to_vec(&value)
            .map_err(|e| ApiError::bad_request(format!("the request body is not JSON: {e}")))?;
        return Ok(bytes::Bytes::from(text));
    }
    Ok(body)
}

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

async fn handle(
    shared: Shared,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Body,
    matched: &OnceLock<&'static str>,
) -> Result<Response, ApiError> {
    let (route, params) = route(&method, &uri)?;
    let op = route.op;
    let _ = matched.set(op.id);
    authorize(&shared, &headers)?;
    inject(&shared, op, PanicStage::Request);
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::too_large(BODY_LIMIT))?;
    let query = query_map(&uri)?;
    crate::ulid::check_parameters(op, &params, &query)?;
    let mut request = Request {
        op,
        path: params,
        query,
        body: checked_body(op, body)?,
    };
    let Some(handler) = shared.handlers.get(op.id).copied() else {
        return Err(ApiError::not_emulated(op.id));
    };
    let answer = {
        // a panic under the lock poisons it; `dispatch` answers for the
        // panic and clears the poison, and the store is used as it was left
        let mut store = shared
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _time = RequestTime::enter(shared.clock.now());
        if route.orgless {
            let project = request.path("project_id").to_string();
            let org = store
                .org_of_project(&project)
                .ok_or_else(|| ApiError::missing("project", &project))?;
            request.path.insert("organisation_id", org);
        }
        inject(&shared, op, PanicStage::Handler);
        handler(&mut store, &request)?
    };
    inject(&shared, op, PanicStage::Response);
    let status = op
        .response
        .and_then(|r| StatusCode::from_u16(r.status).ok())
        .unwrap_or(StatusCode::OK);
    Ok(match answer {
        Some(body) => (status, Json(body)).into_response(),
        None => status.into_response(),
    })
}
