//! The SDK's events, forwarded to another logging system.
//!
//! The SDK reports what it does through [`tracing`]: a `versori.request`
//! span per call and, inside it, events at two levels:
//!
//! | level | message | fields |
//! |---|---|---|
//! | DEBUG | `response` (or `no response`) | `operation_id`, `method`, `path` (the template), `status`, `attempt`, `latency_ms`, `request_id` (or `error`) |
//! | INFO | `retrying` | `operation_id`, `method`, `path`, `attempt`, `reason`, `delay_ms` |
//!
//! None of them ever holds a credential. Rust programs read them with any
//! `tracing` subscriber. This module is for the bindings, which hand them to
//! their language's own logging (Python's `logging`, the C ABI's
//! `versori_set_log_callback`): [`forward`] installs a process-wide
//! subscriber that passes every event of the SDK at or above a level to a
//! function, as a [`Record`].
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use versori::log::{forward, Level, Record};
//!
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let sink = seen.clone();
//! forward(Some(Level::Debug), Arc::new(move |r: &Record<'_>| {
//!     sink.lock().unwrap().push(r.line());
//! }))?;
//! // ... calls made now report their requests to the closure ...
//! forward(None, Arc::new(|_: &Record<'_>| {}))?;   // and now nothing is reported
//! # Ok::<(), versori::Error>(())
//! ```

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record as SpanRecord};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

use crate::error::{Error, Result};

/// How severe an event is; the order is `Error` (most severe) to `Trace`.
/// Each level's value (`Error` = 1 to `Trace` = 5) is its number, which the
/// bindings share: the C ABI's `VERSORI_LOG_*` values are the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Something failed.
    Error = 1,
    /// Something looks wrong.
    Warn = 2,
    /// What a user wants to know happened (a retry).
    Info = 3,
    /// What helps find a problem (every request's outcome).
    Debug = 4,
    /// Everything.
    Trace = 5,
}

impl Level {
    fn of(level: &tracing::Level) -> Level {
        match *level {
            tracing::Level::ERROR => Level::Error,
            tracing::Level::WARN => Level::Warn,
            tracing::Level::INFO => Level::Info,
            tracing::Level::DEBUG => Level::Debug,
            tracing::Level::TRACE => Level::Trace,
        }
    }

    fn tracing(self) -> tracing::Level {
        match self {
            Level::Error => tracing::Level::ERROR,
            Level::Warn => tracing::Level::WARN,
            Level::Info => tracing::Level::INFO,
            Level::Debug => tracing::Level::DEBUG,
            Level::Trace => tracing::Level::TRACE,
        }
    }

    /// Events up to the level numbered `level`; none when there is none.
    fn filter(level: u8) -> LevelFilter {
        Level::from_number(level.into()).map_or(LevelFilter::OFF, |l| l.tracing().into())
    }

    /// Every level, most severe first.
    pub const ALL: [Level; 5] = [
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    /// The level numbered `n` (`Error` = 1 to `Trace` = 5), if there is one.
    ///
    /// ```
    /// use versori::log::Level;
    /// assert_eq!(Level::from_number(4), Some(Level::Debug));
    /// assert_eq!(Level::from_number(0), None);
    /// ```
    pub fn from_number(n: i64) -> Option<Level> {
        Level::ALL.into_iter().find(|level| *level as i64 == n)
    }

    /// The level's name in capitals (`"DEBUG"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }
}

/// The value of one field of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// An unsigned integer (`status`, `attempt`).
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A number (`latency_ms`, `delay_ms`).
    F64(f64),
    /// A flag.
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) if s.is_empty() || s.contains([' ', '"', '=']) => write!(f, "{s:?}"),
            Value::Str(s) => f.write_str(s),
            Value::U64(n) => write!(f, "{n}"),
            Value::I64(n) => write!(f, "{n}"),
            Value::F64(n) => write!(f, "{n:.3}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One event of the SDK, as [`forward`] hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    /// How severe it is.
    pub level: Level,
    /// The module that reported it (`versori::transport`).
    pub target: &'a str,
    /// What happened (`response`, `retrying`).
    pub message: &'a str,
    /// The event's fields, in the order they were given (empty ones left out).
    pub fields: &'a [(&'static str, Value)],
}

impl Record<'_> {
    /// A field's value by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The event on one line: its message, then `name=value` for each
    /// field (text with spaces quoted), e.g. `response operation_id=GetEndUser
    /// method=GET path=/o/{organisation_id}/users/{user_id} status=200 attempt=1
    /// latency_ms=0.842`.
    ///
    /// ```
    /// use versori::log::{Level, Record, Value};
    ///
    /// let fields = [("attempt", Value::U64(1)), ("reason", Value::Str("HTTP 503".into()))];
    /// let r = Record { level: Level::Info, target: "versori", message: "retrying", fields: &fields };
    /// assert_eq!(r.line(), r#"retrying attempt=1 reason="HTTP 503""#);
    /// ```
    pub fn line(&self) -> String {
        let mut out = String::from(self.message);
        for (name, value) in self.fields {
            let _ = write!(out, " {name}={value}");
        }
        out
    }
}

/// Where forwarded events go.
pub type Sink = Arc<dyn Fn(&Record<'_>) + Send + Sync>;

/// The most detailed level forwarded (0: none).
static LEVEL: AtomicU8 = AtomicU8::new(0);
static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static INSTALL: Once = Once::new();

/// Hands every event of the SDK at `min_level` or more severe to `sink`,
/// from whichever thread reports it (the caller's, or the async runtime's
/// threads); `None` stops forwarding. Can be called again to change the
/// level or the sink.
///
/// The first call makes the forwarder the process's global `tracing`
/// subscriber, so it fails when a program has installed another one:
/// Rust programs should use their own subscriber instead.
pub fn forward(min_level: Option<Level>, sink: Sink) -> Result<()> {
    let mut installed = Ok(());
    INSTALL.call_once(|| {
        installed = tracing::dispatcher::set_global_default(tracing::Dispatch::new(Forwarder))
            .map_err(|_| ());
    });
    if installed.is_err() || !tracing::dispatcher::get_default(|d| d.is::<Forwarder>()) {
        return Err(Error::invalid(
            "another tracing subscriber is installed in this process; read the SDK's events through it",
        ));
    }
    match SINK.write() {
        Ok(mut s) => *s = Some(sink),
        Err(poisoned) => *poisoned.into_inner() = Some(sink),
    }
    LEVEL.store(min_level.map_or(0, |l| l as u8), Ordering::SeqCst);
    // callsites cache whether they are enabled: make them ask again
    tracing::callsite::rebuild_interest_cache();
    Ok(())
}

/// Whether an event at `level` would be forwarded now.
///
/// ```
/// assert!(!versori::log::enabled(versori::log::Level::Trace));
/// ```
pub fn enabled(level: Level) -> bool {
    level as u8 <= LEVEL.load(Ordering::Relaxed)
}

fn ours(target: &str) -> bool {
    target == "versori" || target.starts_with("versori::")
}

/// The subscriber [`forward`] installs: events of the SDK only, no spans.
struct Forwarder;

impl Subscriber for Forwarder {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        // events, and the hints `tracing::enabled!` asks about
        if !meta.is_span() && ours(meta.target()) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        !meta.is_span() && ours(meta.target()) && enabled(Level::of(meta.level()))
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(Level::filter(LEVEL.load(Ordering::Relaxed)))
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        // never called: `enabled` refuses every span
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &SpanRecord<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let sink = match SINK.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let Some(sink) = sink else {
            return;
        };
        let mut fields = Fields::default();
        event.record(&mut fields);
        let record = Record {
            level: Level::of(meta.level()),
            target: meta.target(),
            message: &fields.message,
            fields: &fields.values,
        };
        // a sink that panics must not take the request down with it
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink(&record)));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[derive(Default)]
struct Fields {
    message: String,
    values: Vec<(&'static str, Value)>,
}

impl Fields {
    fn push(&mut self, field: &Field, value: Value) {
        self.values.push((field.name(), value));
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else if !value.is_empty() {
            self.push(field, Value::Str(value.to_string()));
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field, Value::U64(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, Value::I64(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, Value::F64(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, Value::Bool(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.record_str(field, &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_a_log_line_would_show_them() {
        assert_eq!(Value::Str("GET".into()).to_string(), "GET");
        assert_eq!(Value::Str("HTTP 503".into()).to_string(), "\"HTTP 503\"");
        assert_eq!(Value::F64(1.23456).to_string(), "1.235");
        assert_eq!(Value::U64(200).to_string(), "200");
    }

    #[test]
    fn only_the_sdk_targets_are_ours() {
        assert!(ours("versori"));
        assert!(ours("versori::transport"));
        assert!(!ours("versori_emulator::dispatch"));
        assert!(!ours("hyper::client"));
    }
}
