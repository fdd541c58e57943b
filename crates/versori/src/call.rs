//! The generic call: any operation by its operationId, arguments and result
//! as JSON, driven by the generated operation table. The Python and C layers
//! are built on it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use bytes::Bytes;
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use versori_core::operations::{self, Kind, Location, Operation};

use crate::error::{decode, Error, Result};
use crate::Client;

/// A request ready to send, built from an operation and JSON arguments.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) op: &'static Operation,
    pub(crate) url: reqwest::Url,
    pub(crate) query: Vec<(&'static str, String)>,
    /// The request body, already serialized.
    pub(crate) body: Option<Vec<u8>>,
}

/// What a path segment must escape: the WHATWG path-segment set plus `/`
/// and `%`, as the generated client escapes path parameters (so both
/// paths send the same URL). Slash-separated parameters (the KV key) are
/// escaped by `versori_core::path` instead, in both paths.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::String => "a string",
        Kind::Integer => "an integer",
        Kind::Number => "a number",
        Kind::Boolean => "a boolean",
        Kind::Array => "an array",
        Kind::Object => "an object",
        Kind::Any => "any value",
    }
}

fn matches_kind(kind: Kind, v: &Value) -> bool {
    match kind {
        Kind::String => v.is_string(),
        Kind::Integer => v.is_i64() || v.is_u64(),
        Kind::Number => v.is_number(),
        Kind::Boolean => v.is_boolean(),
        Kind::Array => v.is_array(),
        Kind::Object => v.is_object(),
        Kind::Any => true,
    }
}

/// A scalar parameter as it travels in a path or query string.
fn scalar_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// A path parameter's value: one segment to escape, or a slash-separated
/// path already escaped segment by segment.
enum PathValue<'a> {
    Segment(Cow<'a, str>),
    Escaped(String),
}

impl PathValue<'_> {
    fn len(&self) -> usize {
        match self {
            PathValue::Segment(s) => s.len(),
            PathValue::Escaped(s) => s.len(),
        }
    }
}

/// A slash-separated path parameter (`x-versori-path-segments`: the KV
/// key), escaped as the platform's official client sends it: a string
/// (`"orders/1042"`) is split at its slashes, an array of strings
/// (`["orders", "1042"]`) gives the segments; each segment is escaped on its
/// own and the slashes stay literal.
fn segments_value(op: &Operation, name: &str, value: &Value) -> Result<String> {
    let encoded = match value {
        Value::String(path) => versori_core::path::encode(name, path),
        Value::Array(items) => {
            let mut segments = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let Value::String(s) = item else {
                    return Err(Error::invalid(format!(
                        "parameter `{name}` of {}: segment {} must be a string, got {}",
                        op.id,
                        i + 1,
                        type_name(item)
                    )));
                };
                segments.push(s.as_str());
            }
            versori_core::path::encode_segments(name, segments)
        }
        other => {
            return Err(Error::invalid(format!(
                "parameter `{name}` of {} must be a string (`a/b`) or an array of segments, got {}",
                op.id,
                type_name(other)
            )))
        }
    };
    encoded.map_err(|e| Error::invalid(format!("parameter of {}: {e}", op.id)))
}

/// The operation's path template with each `{name}` replaced by its
/// escaped value, after `base` (the base URL's path), in one pass.
fn fill_path(base: &str, template: &str, values: &[(&str, PathValue<'_>)]) -> Result<String> {
    let mut url = String::with_capacity(
        base.len() + template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>(),
    );
    url.push_str(base);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| Error::invalid(format!("unclosed `{{` in path template {template}")))?;
        let name = &after[..close];
        let value = values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                Error::invalid(format!("no value for `{name}` in path template {template}"))
            })?;
        match value {
            PathValue::Segment(v) => {
                url.extend(percent_encoding::utf8_percent_encode(v, PATH_SEGMENT))
            }
            PathValue::Escaped(v) => url.push_str(v),
        }
        rest = &after[close + 1..];
    }
    url.push_str(rest);
    Ok(url)
}

/// Looks an operation up by operationId or its snake-case form, through an
/// index built on first use.
pub(crate) fn lookup(operation_id: &str) -> Option<&'static Operation> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Operation>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut index = HashMap::with_capacity(operations::OPERATIONS.len() * 2);
            for op in operations::OPERATIONS {
                index.insert(op.id, op);
                index.insert(op.snake_id, op);
            }
            index
        })
        .get(operation_id)
        .copied()
}

/// Looks an operation up, with an error that suggests close names.
pub(crate) fn operation(operation_id: &str) -> Result<&'static Operation> {
    lookup(operation_id).ok_or_else(|| {
        let lower = operation_id.to_lowercase();
        let close: Vec<&str> = operations::OPERATIONS
            .iter()
            .filter(|op| {
                let id = op.id.to_lowercase();
                !lower.is_empty() && (id.contains(&lower) || lower.contains(&id))
            })
            .map(|op| op.id)
            .take(5)
            .collect();
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", close.join(", "))
        };
        Error::invalid(format!("unknown operation {operation_id:?}{hint}"))
    })
}

/// Checks `args` against the operation and builds the URL, query and body.
pub(crate) fn prepare(client: &Client, op: &'static Operation, args: &Value) -> Result<Prepared> {
    let empty = Map::new();
    let args = match args {
        Value::Object(map) => map,
        Value::Null => &empty,
        other => {
            return Err(Error::invalid(format!(
                "arguments of {} must be a JSON object, got {}",
                op.id,
                type_name(other)
            )))
        }
    };
    for key in args.keys() {
        if key != "body" && op.parameter(key).is_none() {
            let known: Vec<&str> = op.parameters.iter().map(|p| p.name).collect();
            return Err(Error::invalid(format!(
                "unknown parameter `{key}` for {}; it takes {}",
                op.id,
                if known.is_empty() {
                    "no parameters".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
    }
    let mut path_values: Vec<(&str, PathValue<'_>)> = Vec::with_capacity(4);
    let mut query = Vec::new();
    for p in op.parameters {
        let given = args.get(p.name).filter(|v| !v.is_null());
        let value = match (given, p.name) {
            (Some(v), _) => v,
            (None, "organisation_id") if p.location == Location::Path => {
                // the client's organisation: a string, only its emptiness to check
                let organisation = client.require_organisation()?;
                if organisation.is_empty() {
                    return Err(Error::invalid(format!(
                        "parameter `{}` of {} must not be empty (the client's organisation is empty)",
                        p.name, op.id
                    )));
                }
                path_values.push((p.name, PathValue::Segment(Cow::Borrowed(organisation))));
                continue;
            }
            (None, _) if p.required => {
                return Err(Error::invalid(format!(
                    "missing required parameter `{}` for {}",
                    p.name, op.id
                )))
            }
            (None, _) => continue,
        };
        if p.segments && p.location == Location::Path {
            path_values.push((
                p.name,
                PathValue::Escaped(segments_value(op, p.name, value)?),
            ));
            continue;
        }
        let scalar_ok = matches_kind(p.kind, value);
        let list_ok = p.location == Location::Query
            && value
                .as_array()
                .is_some_and(|items| items.iter().all(|i| matches_kind(p.kind, i)));
        if !scalar_ok && !list_ok {
            return Err(Error::invalid(format!(
                "parameter `{}` of {} must be {}, got {}",
                p.name,
                op.id,
                kind_name(p.kind),
                type_name(value)
            )));
        }
        if !p.enum_values.is_empty() {
            let values: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                v => vec![v],
            };
            for v in values {
                if !v.as_str().is_some_and(|s| p.enum_values.contains(&s)) {
                    return Err(Error::invalid(format!(
                        "parameter `{}` of {} must be one of {}, got {v}",
                        p.name,
                        op.id,
                        p.enum_values.join(", ")
                    )));
                }
            }
        }
        match p.location {
            Location::Path => {
                let text = scalar_text(value);
                if text.is_empty() {
                    return Err(Error::invalid(format!(
                        "parameter `{}` of {} must not be empty",
                        p.name, op.id
                    )));
                }
                path_values.push((p.name, PathValue::Segment(text)));
            }
            Location::Query => match value {
                Value::Array(items) => {
                    query.extend(items.iter().map(|i| (p.name, scalar_text(i).into_owned())))
                }
                v => query.push((p.name, scalar_text(v).into_owned())),
            },
            Location::Header | Location::Cookie => {
                return Err(Error::invalid(format!(
                "parameter `{}` of {} is a {:?} parameter, which the generic call does not send",
                p.name, op.id, p.location
            )))
            }
        }
    }
    let body = match (op.body, args.get("body")) {
        (None, Some(b)) if !b.is_null() => {
            return Err(Error::invalid(format!("{} takes no request body", op.id)))
        }
        (None, _) => None,
        (Some(spec), None | Some(Value::Null)) if spec.required && !spec.may_be_omitted => {
            return Err(Error::invalid(format!(
                "missing request body for {} (a {})",
                op.id, spec.schema
            )))
        }
        (Some(_), None | Some(Value::Null)) => None,
        (Some(spec), Some(b)) => {
            if !matches_kind(spec.kind, b) {
                return Err(Error::invalid(format!(
                    "the body of {} must be {} ({}), got {}",
                    op.id,
                    kind_name(spec.kind),
                    spec.schema,
                    type_name(b)
                )));
            }
            Some(
                serde_json::to_vec(b)
                    .map_err(|e| Error::invalid(format!("the body is not serializable: {e}")))?,
            )
        }
    };
    Ok(Prepared {
        op,
        url: {
            // the client's base URL, parsed once, with this path: the host
            // is not parsed again per call
            let base = &client.inner.base;
            let path = fill_path(base.path().trim_end_matches('/'), op.path, &path_values)?;
            let mut url = base.clone();
            url.set_path(&path);
            url
        },
        query,
        body,
    })
}

impl Client {
    /// Calls any operation by its operationId with JSON arguments: path and
    /// query parameters by their spec names, the request body under `"body"`.
    /// The organisation defaults to the client's. Returns the response body
    /// (an empty object when the operation answers without one).
    ///
    /// Unknown operations, unknown or missing parameters, and values of the
    /// wrong type are [`Error::InvalidInput`] naming the culprit; nothing is
    /// sent then. A redirect is [`Error::Redirect`] (none is followed), and a
    /// body over the size limit [`Error::ResponseTooLarge`].
    ///
    /// The result is a `serde_json::Value`, whose numbers are `i64`, `u64`
    /// or `f64`: an integer beyond 64 bits (2⁷⁰, say) comes back as the
    /// nearest `f64`, without its exact digits. Use [`Client::call_raw`] to
    /// read such numbers exactly from the body:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // a server whose answer holds 2^70, which no 64-bit integer holds
    /// let server = httpmock::MockServer::start_async().await;
    /// server
    ///     .mock_async(|_, then| {
    ///         then.status(200)
    ///             .header("content-type", "application/json")
    ///             .body(r#"{"id": "u1", "count": 1180591620717411303424}"#);
    ///     })
    ///     .await;
    /// let client = versori::Client::builder()
    ///     .base_url(server.base_url())
    ///     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
    ///     .api_key("doc")
    ///     .build()?;
    /// let args = serde_json::json!({"user_id": "u1"});
    ///
    /// // as a `serde_json::Value`: the nearest f64, the exact digits gone
    /// let value = client.call("GetEndUser", args.clone()).await?;
    /// assert!(value["count"].is_f64());
    /// assert!(!value["count"].is_u64() && !value["count"].is_i64());
    /// assert_eq!(value["count"].as_f64(), Some(2f64.powi(70)));
    ///
    /// // the raw body keeps every digit, for a decoder that reads them exactly
    /// let raw = client.call_raw("GetEndUser", args).await?;
    /// let body = std::str::from_utf8(raw.body())?;
    /// assert!(body.contains(r#""count": 1180591620717411303424}"#));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A slash-separated path parameter (the KV `key`) takes a string in its
    /// path form (`"orders/1042"`) or an array of segments
    /// (`["orders", "1042"]`); it travels as the platform's official client
    /// sends it, each segment escaped on its own with literal slashes
    /// between them (see [`versori_core::path`]). Every other path parameter
    /// is one segment, its `/` escaped.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = versori_emulator::Emulator::start().await?;
    /// # let client = versori::Client::builder()
    /// #     .base_url(emulator.base_url())
    /// #     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
    /// #     .api_key("doc")
    /// #     .build()?;
    /// use serde_json::json;
    ///
    /// let user = client
    ///     .call("CreateEndUser", json!({"body": {"externalId": "customer-123"}}))
    ///     .await?;
    /// let same = client.call("GetEndUser", json!({"user_id": "customer-123"})).await?;
    /// assert_eq!(user["id"], same["id"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call(&self, operation_id: &str, args: Value) -> Result<Value> {
        self.call_raw(operation_id, args).await?.json()
    }

    /// Calls any operation as [`Client::call`] does (the same checks of the
    /// arguments, auth, retries and errors) but returns the success
    /// response's body undecoded, for callers that decode it themselves
    /// (straight into another language's objects, say). Error responses are
    /// still [`Error::Api`]; the body of a success is not looked at, so a
    /// malformed one surfaces only when it is decoded, for example with
    /// [`RawResponse::json`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = versori_emulator::Emulator::start().await?;
    /// # let client = versori::Client::builder()
    /// #     .base_url(emulator.base_url())
    /// #     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
    /// #     .api_key("doc")
    /// #     .build()?;
    /// use serde_json::json;
    ///
    /// let raw = client.call_raw("ListEndUsers", json!({"search": "customer"})).await?;
    /// assert_eq!(raw.status(), 200);
    /// println!("{} bytes of JSON", raw.body().len());
    /// // decoded into any deserializable type, or `serde_json::Value`:
    /// let page: versori::types::EndUserPage = raw.decode()?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call_raw(&self, operation_id: &str, args: Value) -> Result<RawResponse> {
        let op = operation(operation_id)?;
        let prepared = prepare(self, op, &args)?;
        self.execute_raw(prepared).await
    }

    /// Sends a prepared call; a success gives its body undecoded, an error
    /// status the platform's error.
    pub(crate) async fn execute_raw(&self, prepared: Prepared) -> Result<RawResponse> {
        let transport = &self.inner.transport;
        let method = reqwest::Method::from_bytes(prepared.op.method.as_str().as_bytes())
            .map_err(|e| Error::invalid(format!("bad method in the operation table: {e}")))?;
        let mut builder = transport
            .http
            .request(method, prepared.url)
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if !prepared.query.is_empty() {
            builder = builder.query(&prepared.query);
        }
        if let Some(body) = prepared.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        let mut request = builder
            .build()
            .map_err(|e| Error::invalid(format!("cannot build the request: {e}")))?;
        transport.authorize(&mut request)?;
        let mut response = transport
            .send(request, prepared.op.id)
            .await
            .map_err(Error::from_reqwest)?;
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            // the transport redacted the credential from its Location
            return Err(crate::error::redirect(status, response.headers()));
        }
        if status >= 400 {
            // already in memory and under the limit (the transport read it)
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await.map_err(Error::from_reqwest)?;
            // the transport guarantees the platform's error shape here
            let err: versori_core::types::Error = serde_json::from_slice(&body).map_err(|e| {
                decode(
                    Some(status),
                    e,
                    &body,
                    transport.sent_credential().as_deref(),
                )
            })?;
            return Err(Error::from_api(status, &headers, err));
        }
        let body = crate::body::read(&mut response, transport.max_response_bytes).await?;
        Ok(RawResponse {
            status,
            body,
            origin: Origin(Some(transport.clone())),
        })
    }
}

/// The undecoded success response of a generic call
/// ([`Client::call_raw`]): its status and JSON body.
///
/// ```
/// let raw = versori::RawResponse::new(200, r#"{"id": "u1"}"#);
/// let value: serde_json::Value = raw.json()?;
/// assert_eq!(value["id"], "u1");
/// // an empty body reads as an empty object, as `Client::call` returns it
/// assert_eq!(versori::RawResponse::new(204, "").json()?, serde_json::json!({}));
/// # Ok::<(), versori::Error>(())
/// ```
///
/// Numbers: [`RawResponse::json`] (like [`Client::call`]) decodes into
/// `serde_json::Value`, which holds integers in `i64` or `u64`; an integer
/// beyond those (such as 2⁷⁰) becomes the nearest `f64` and loses its exact
/// digits. [`RawResponse::body`] keeps the digits as they arrived, for
/// decoders that read such numbers exactly (the Python package gives a
/// Python `int`; the C ABI hands back the body text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    status: u16,
    body: Bytes,
    origin: Origin,
}

/// The client a response came from, for redacting its credential from
/// decode errors; not part of a response's value.
#[derive(Clone, Default)]
struct Origin(Option<std::sync::Arc<crate::transport::Transport>>);

impl Origin {
    /// The credential the client of the response sends (see
    /// [`crate::transport::Transport::sent_credential`]).
    fn sent_credential(&self) -> Option<String> {
        self.0.as_ref().and_then(|t| t.sent_credential())
    }
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "client" } else { "none" })
    }
}

impl PartialEq for Origin {
    fn eq(&self, _: &Origin) -> bool {
        true
    }
}

impl Eq for Origin {}

impl RawResponse {
    /// A response with this status and body (for tests and other layers'
    /// decoders; [`Client::call_raw`] makes them from the network).
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        RawResponse {
            status,
            body: body.into(),
            origin: Origin::default(),
        }
    }

    /// The HTTP status (a success: below 400).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body as received: JSON, or empty when the operation answers
    /// without one (see [`RawResponse::is_empty`]).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, taken out of the response.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Whether the body is empty or only whitespace, which
    /// [`Client::call`] reports as an empty JSON object.
    pub fn is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    /// The body decoded as `T`; an empty body decodes as `{}`. A body that
    /// is not JSON of that shape is an [`Error::Decode`] with the status
    /// and the start of the body.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        let text: &[u8] = if self.is_empty() { b"{}" } else { &self.body };
        serde_json::from_slice(text).map_err(|e| self.decode_error(e))
    }

    /// The body as a JSON value, exactly as [`Client::call`] returns it
    /// (integers beyond 64 bits become `f64`: see the type's docs).
    pub fn json(&self) -> Result<Value> {
        self.decode()
    }

    /// An [`Error::Decode`] about this response's body: `message` says what
    /// did not match; the status and an excerpt of the body are added, with
    /// credentials redacted from both (the one the request carried, when the
    /// response came from [`Client::call_raw`], and anything shaped like a
    /// token), since a decoder's message may quote the body.
    /// For callers decoding the body with their own deserializer.
    ///
    /// ```
    /// let raw = versori::RawResponse::new(200, "not json");
    /// let err = raw.decode_error("expected a value");
    /// assert_eq!(err.status(), Some(200));
    /// assert!(err.to_string().contains("not json"));
    /// ```
    pub fn decode_error(&self, message: impl std::fmt::Display) -> Error {
        decode(
            Some(self.status),
            message,
            &self.body,
            self.sent_credential().as_deref(),
        )
    }

    /// The credential of the request this response answered, when it came
    /// from a client (for redacting it from errors about the body).
    pub(crate) fn sent_credential(&self) -> Option<String> {
        self.origin.sent_credential()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_of(base: &str, operation_id: &str, args: Value) -> String {
        let client = Client::builder()
            .base_url(base)
            .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
            .build()
            .expect("builds");
        let op = lookup(operation_id).expect("an operation");
        prepare(&client, op, &args)
            .expect("prepares")
            .url
            .to_string()
    }

    /// The URL is the base URL's scheme, host, port and path with the
    /// operation's path after it, each parameter escaped as before.
    #[test]
    fn the_url_keeps_the_base_path_and_escapes_each_parameter() {
        let org = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";
        for base in [
            "https://platform.example.com/api/v2",
            "https://platform.example.com/api/v2/",
        ] {
            assert_eq!(
                url_of(
                    base,
                    "GetEndUser",
                    serde_json::json!({"user_id": "a b/c?d#e%"})
                ),
                format!("https://platform.example.com/api/v2/o/{org}/users/a%20b%2Fc%3Fd%23e%25")
            );
        }
        assert_eq!(
            url_of(
                "http://127.0.0.1:8080",
                "GetKV",
                serde_json::json!({"store": "s", "key": ["orders", "10 42"]})
            ),
            "http://127.0.0.1:8080/store/s/kv/orders/10%2042"
        );
        assert_eq!(
            url_of(
                "http://[::1]:9/",
                "GetEndUser",
                serde_json::json!({"user_id": "é"})
            ),
            format!("http://[::1]:9/o/{org}/users/%C3%A9")
        );
    }
}
