//! The emulator's clock: real time plus an offset that tests move forward
//! (or set), so that expiry and time filters can be checked without
//! waiting. Every timestamp the emulator writes (`createdAt`, `expiresAt`,
//! log times, ...) and every expiry it checks reads this clock.

use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// A handle on an emulator's clock (cheap to clone; all clones move the
/// same clock). Get it with [`Emulator::clock`](crate::Emulator::clock).
///
/// ```
/// # async fn run() -> std::io::Result<()> {
/// let emulator = versori_emulator::Emulator::start().await?;
/// let clock = emulator.clock();
/// let before = clock.now();
/// clock.advance(std::time::Duration::from_secs(3600));
/// assert!(clock.now() - before >= chrono::TimeDelta::hours(1));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the system time.
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The emulator's current time.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `by` (entries whose expiry it passes are
    /// gone from then on).
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(ms))
            });
    }

    /// Sets the clock to `at` (it keeps running from there).
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = (at - Utc::now()).num_milliseconds();
        self.offset_ms.store(offset, Ordering::Relaxed);
    }
}

thread_local! {
    /// The time of the request the current thread is handling.
    static REQUEST_TIME: Cell<Option<DateTime<Utc>>> = const { Cell::new(None) };
}

/// Marks the time of one request for the handler running on this thread
/// (handlers are synchronous, so everything they stamp reads the same
/// instant); the previous value comes back when the guard is dropped.
pub(crate) struct RequestTime {
    previous: Option<DateTime<Utc>>,
}

impl RequestTime {
    pub(crate) fn enter(at: DateTime<Utc>) -> RequestTime {
        RequestTime {
            previous: REQUEST_TIME.with(|t| t.replace(Some(at))),
        }
    }
}

impl Drop for RequestTime {
    fn drop(&mut self) {
        REQUEST_TIME.with(|t| t.set(self.previous));
    }
}

/// Now, for a handler: the time of the request being handled, or the
/// system time outside one.
pub fn now() -> DateTime<Utc> {
    REQUEST_TIME.with(Cell::get).unwrap_or_else(Utc::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_and_setting_move_every_clone() {
        let clock = Clock::default();
        let other = clock.clone();
        let start = clock.now();
        other.advance(Duration::from_secs(90));
        assert!(clock.now() - start >= TimeDelta::seconds(90));
        let at = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        clock.set(at);
        assert!((other.now() - at).num_seconds().abs() < 5);
    }

    #[test]
    fn a_request_sees_one_instant() {
        let at = DateTime::parse_from_rfc3339("2031-05-06T07:08:09Z")
            .expect("date")
            .with_timezone(&Utc);
        {
            let _scope = RequestTime::enter(at);
            assert_eq!(now(), at);
        }
        assert_ne!(now(), at);
    }
}
