//! Errors the emulator answers with: always the spec's `Error` body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use versori_core::types;
use versori_core::validation::Problem;

/// An error response: a status and the platform's `Error` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: types::Error,
    /// The methods the path allows (the `Allow` header of a 405).
    pub allow: Option<Box<str>>,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: types::Error {
                code: code.into(),
                message: message.into(),
                details: None,
                fields: Vec::new(),
            },
            allow: None,
        }
    }

    /// The same error, its `fields` naming each member and what is wrong
    /// with it.
    pub fn with_fields(mut self, fields: impl IntoIterator<Item = (String, String)>) -> Self {
        self.body.fields.extend(
            fields
                .into_iter()
                .map(|(field, message)| types::ErrorField { field, message }),
        );
        self
    }

    /// 400: the request body breaks its schema; every problem is listed in
    /// the message and in `fields` (the body itself is the field `body`).
    pub fn invalid_body(operation_id: &str, problems: &[Problem], more: bool) -> Self {
        let named: Vec<(String, String)> = problems
            .iter()
            .map(|p| {
                let field = if p.field.is_empty() {
                    "body".to_string()
                } else {
                    p.field.clone()
                };
                (field, p.message.clone())
            })
            .collect();
        let mut message = format!(
            "the request body does not match {operation_id}'s schema: {}",
            named
                .iter()
                .map(|(f, m)| format!("{f}: {m}"))
                .collect::<Vec<_>>()
                .join("; ")
        );
        if more {
            message.push_str("; ...");
        }
        Self::new(StatusCode::BAD_REQUEST, "invalid_field", message).with_fields(named)
    }

    /// 405: the path exists but not with this method; `allow` lists the
    /// methods it has (sent as the `Allow` header).
    pub fn method_not_allowed(message: impl Into<String>, allow: &[&str]) -> Self {
        let mut e = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            message,
        );
        e.allow = Some(allow.join(", ").into());
        e
    }

    /// 500: the emulator failed while handling the request (a bug in it);
    /// the server keeps serving.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// 400: malformed JSON, parameters or body.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 400 naming the offending field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            format!("{field}: {message}"),
        );
        e.body.fields.push(types::ErrorField {
            field: field.into(),
            message,
        });
        e
    }

    /// 401: missing or malformed credentials.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 404: unknown resource or route.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 404 for the `what` (an entity's kind, as "system") with id `id`
    /// that does not exist (or is not the caller's to see).
    pub fn missing(what: &str, id: &str) -> Self {
        Self::not_found(format!("no {what} {id:?}"))
    }

    /// 409: a conflict with existing state (duplicate externalId, ...).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 413: the body is over the size limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request bodies are limited to {limit} bytes"),
        )
    }

    /// 422: a rule of the platform is violated.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violation", message)
    }

    /// 422: a rule broken by the member `field` (named in the message and in
    /// `fields`).
    pub fn rule_violation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::unprocessable(format!("{field}: {message}"))
            .with_fields([(field.to_string(), message)])
    }

    /// 422 for rules broken by named members: the message lists every
    /// problem after `what`, and `fields` names each member.
    pub fn rule_violations(what: &str, problems: Vec<(String, String)>) -> Self {
        let listed = problems
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect::<Vec<_>>()
            .join("; ");
        Self::unprocessable(format!("{what}: {listed}")).with_fields(problems)
    }

    /// 501: the operation exists in the spec but the emulator does not model it yet.
    pub fn not_emulated(operation_id: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_emulated",
            format!("{operation_id} is not emulated yet"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(allow) = self.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }
}
