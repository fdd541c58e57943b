//! A scripted HTTP/1.1 server for behaviour tests: it answers each request
//! with the next scripted response and records what it received.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";

/// In a scripted reply's body or header values, replaced by the credential
/// the request carried (its `Authorization` value without the scheme), as a
/// server that echoes it would.
pub const SENT: &str = "{sent}";

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }
    /// The platform's error body (`code` and `message`) with `status`.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Reply::json(
            status,
            serde_json::json!({"code": code, "message": message}),
        )
    }
    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: vec![],
            body: String::new(),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

pub struct Script {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Script {
    /// Starts a server answering with `replies` in order (the last one repeats).
    pub async fn start(replies: Vec<Reply>) -> Script {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(Mutex::new(replies));
        let seen2 = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let seen = seen2.clone();
                let replies = replies.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut reader = BufReader::new(read);
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let mut parts = line.split_whitespace();
                        let method = parts.next().unwrap_or_default().to_string();
                        let target = parts.next().unwrap_or_default().to_string();
                        let mut headers = Vec::new();
                        let mut length = 0usize;
                        loop {
                            let mut h = String::new();
                            if reader.read_line(&mut h).await.unwrap_or(0) == 0 {
                                return;
                            }
                            let h = h.trim_end().to_string();
                            if h.is_empty() {
                                break;
                            }
                            if let Some((k, v)) = h.split_once(':') {
                                if k.eq_ignore_ascii_case("content-length") {
                                    length = v.trim().parse().unwrap_or(0);
                                }
                                headers.push((k.trim().to_string(), v.trim().to_string()));
                            }
                        }
                        let mut body = vec![0u8; length];
                        if reader.read_exact(&mut body).await.is_err() {
                            return;
                        }
                        let sent = headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                            .map(|(_, a)| a.split_once(' ').map_or(&a[..], |(_, v)| v).to_string());
                        seen.lock().expect("lock").push(Seen {
                            method,
                            target,
                            headers,
                            body: String::from_utf8_lossy(&body).into_owned(),
                        });
                        let mut reply = {
                            let mut r = replies.lock().expect("lock");
                            if r.len() > 1 {
                                r.remove(0)
                            } else {
                                r[0].clone()
                            }
                        };
                        // `{sent}` in a reply: the credential this request carried
                        if let Some(sent) = &sent {
                            reply.body = reply.body.replace(SENT, sent);
                            for (_, v) in &mut reply.headers {
                                *v = v.replace(SENT, sent);
                            }
                        }
                        tokio::time::sleep(reply.delay).await;
                        let mut out = format!(
                            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
                            reply.status,
                            reply.body.len()
                        );
                        for (k, v) in &reply.headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        out.push_str(&reply.body);
                        if write.write_all(out.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Script { url, seen }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }
}

/// A client for `url` with an API key, the test organisation and fast retries.
pub fn client(url: &str) -> versori::Client {
    client_with(url, |b| {
        b.api_key("vk_test_secret_123").retry(
            versori::RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
    })
}

/// A client for `url` and the test organisation with what `configure` sets
/// besides (nothing else: no credentials, the default retry policy).
pub fn client_with(
    url: &str,
    configure: impl FnOnce(versori::ClientBuilder) -> versori::ClientBuilder,
) -> versori::Client {
    configure(versori::Client::builder().base_url(url).organisation(ORG))
        .build()
        .expect("client builds")
}

/// GetEndUser for `a` through the typed builder and through the generic
/// call, both of which must fail: their errors, typed first.
pub async fn get_user_errors(c: &versori::Client) -> [versori::Error; 2] {
    let typed = c
        .users()
        .get("a")
        .send()
        .await
        .expect_err("typed call fails");
    let generic = c
        .call("GetEndUser", serde_json::json!({"user_id": "a"}))
        .await
        .expect_err("generic call fails");
    [typed, generic]
}

pub fn end_user(external_id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "01J8ZQ4N7G3Y5B2K9T6W1XVSER", "externalId": external_id, "displayName": "",
        "organisationId": ORG, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    })
}

/// CreateEndUser for `external_id` through the typed builder and through
/// the generic call, both of which must fail: their errors, typed first.
pub async fn create_user_errors(c: &versori::Client, external_id: &str) -> [versori::Error; 2] {
    let body = versori::types::EndUserCreate::builder().external_id(external_id);
    let typed = c
        .users()
        .create()
        .body(body)
        .send()
        .await
        .expect_err("typed call fails");
    let generic = c
        .call(
            "CreateEndUser",
            serde_json::json!({"body": {"externalId": external_id}}),
        )
        .await
        .expect_err("generic call fails");
    [typed, generic]
}

/// Makes a `tracing_subscriber::fmt` subscriber (events up to `level`,
/// spans' `events`, no colours) the thread's default until the guard drops;
/// what it writes goes to the [`Capture`].
pub fn capture_traces(
    level: tracing::Level,
    events: tracing_subscriber::fmt::format::FmtSpan,
) -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_span_events(events)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    (capture, tracing::subscriber::set_default(subscriber))
}

/// Captures everything a `tracing_subscriber::fmt` subscriber writes.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
