//! Routing by the operation table: every operation of the spec is matched by
//! method and path template, checked for credentials, and handed to its
//! handler, or answered `501 not_emulated`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use versori_core::operations::{Operation, OPERATIONS};

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
}

/// Splits a path into segments.
fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/').split('/').collect()
}

/// Matches `path` against an operation's template, returning its parameters.
fn matches(op: &'static Operation, path: &[&str]) -> Option<HashMap<&'static str, String>> {
    let template = segments(op.path);
    if template.len() != path.len() {
        return None;
    }
    let mut params = HashMap::new();
    for (t, p) in template.iter().zip(path) {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            let value = percent_decode(p)?;
            if value.is_empty() {
                return None;
            }
            params.insert(name, value);
        } else if t != p {
            return None;
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

/// The fallback route: every API request.
pub async fn dispatch(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Response {
    match handle(shared, method, uri, headers, body).await {
        Ok(resp) => resp,
        Err(e) => e.into_response(),
    }
}

async fn handle(
    shared: Shared,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let path = segments(uri.path());
    let mut path_matched = false;
    // the most specific template wins: `/store/{store}/kv/batch` over `/store/{store}/kv/{key}`
    let mut found: Option<(&'static Operation, HashMap<&'static str, String>)> = None;
    for op in OPERATIONS {
        if let Some(params) = matches(op, &path) {
            path_matched = true;
            let better = found
                .as_ref()
                .is_none_or(|(_, best)| params.len() < best.len());
            if op.method.as_str() == method.as_str() && better {
                found = Some((op, params));
            }
        }
    }
    let Some((op, params)) = found else {
        return Err(if path_matched {
            ApiError {
                status: StatusCode::METHOD_NOT_ALLOWED,
                ..ApiError::not_found(format!("{method} is not allowed on {}", uri.path()))
            }
        } else {
            ApiError::not_found(format!("no operation at {}", uri.path()))
        });
    };
    authorize(&shared, &headers)?;
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::too_large(BODY_LIMIT))?;
    let request = Request {
        op,
        path: params,
        query: query_map(&uri)?,
        body,
    };
    if op.body.is_some() && !request.body.iter().all(u8::is_ascii_whitespace) {
        crate::validate::body(op.id, &request.json()?)?;
    }
    let Some(handler) = shared.handlers.get(op.id).copied() else {
        return Err(ApiError::not_emulated(op.id));
    };
    let answer = {
        let mut store = shared
            .store
            .lock()
            .map_err(|_| ApiError::not_emulated("a request after an internal panic"))?;
        handler(&mut store, &request)?
    };
    let status = op
        .response
        .and_then(|r| StatusCode::from_u16(r.status).ok())
        .unwrap_or(StatusCode::OK);
    Ok(match answer {
        Some(body) => (status, Json(body)).into_response(),
        None => status.into_response(),
    })
}
