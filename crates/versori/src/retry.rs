//! When and how long to wait before trying a request again.

use std::time::{Duration, SystemTime};

/// Retry behaviour of a client.
///
/// Retried: connection failures, timeouts of one attempt, and the statuses
/// 408, 429, 502, 503 and 504. Only idempotent methods (GET, PUT, DELETE,
/// HEAD, OPTIONS) are retried unless [`RetryPolicy::retry_non_idempotent`]
/// is set. The wait before retry `n` is a random duration between zero and
/// `min(max_backoff, initial_backoff × 2ⁿ)` ("full jitter"), or what the
/// server's `Retry-After` asks for, up to `max_retry_after`.
///
/// ```
/// use std::time::Duration;
/// use versori::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .deadline(Some(Duration::from_secs(30)))
///     .retry_non_idempotent(true);
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(RetryPolicy::none().attempts(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    deadline: Option<Duration>,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Three attempts, 250 ms initial backoff capped at 8 s, `Retry-After`
    /// honoured up to 60 s, a 2-minute overall deadline, idempotent methods only.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(120)),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest computed backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest wait a `Retry-After` header can impose; a longer request
    /// ends the retries and returns the response.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// A limit on the whole call, retries and waits included (`None`: no limit).
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Also retry POST and PATCH (only safe when the operation is idempotent
    /// on the platform's side or the caller accepts duplicates).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Total attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The overall deadline.
    pub fn overall_deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// Whether requests with this method may be retried.
    pub(crate) fn allows(&self, method: &reqwest::Method) -> bool {
        self.retry_non_idempotent || idempotent(method)
    }

    /// The computed wait before retry number `retry` (0 for the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(20)))
            .min(self.max_backoff);
        let nanos = ceiling.as_nanos().min(u128::from(u64::MAX)) as u64;
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The wait a `Retry-After` value asks for, if acceptable: `Ok(None)`
    /// when absent or unparsable, `Err(wait)` when above the cap.
    pub(crate) fn retry_after(
        &self,
        value: Option<&str>,
        now: SystemTime,
    ) -> Result<Option<Duration>, Duration> {
        match value.and_then(|v| parse_retry_after(v, now)) {
            Some(wait) if wait > self.max_retry_after => Err(wait),
            other => Ok(other),
        }
    }
}

/// Methods that can be repeated without changing the result.
pub(crate) fn idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::PUT,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Statuses worth retrying.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 502 | 503 | 504)
}

/// A `Retry-After` value: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_above_the_cap_is_refused() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let now = SystemTime::now();
        assert_eq!(
            policy.retry_after(Some("3"), now),
            Ok(Some(Duration::from_secs(3)))
        );
        assert_eq!(
            policy.retry_after(Some("11"), now),
            Err(Duration::from_secs(11))
        );
        assert_eq!(policy.retry_after(None, now), Ok(None));
    }

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_ceiling() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        for retry in 0..10 {
            let ceiling = Duration::from_millis((100u64 << retry).min(1000));
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling);
            }
        }
        // jitter: not always the ceiling
        let samples: Vec<Duration> = (0..50).map(|_| policy.backoff(3)).collect();
        assert!(samples.iter().any(|d| *d < Duration::from_millis(700)));
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&reqwest::Method::GET));
        assert!(policy.allows(&reqwest::Method::PUT));
        assert!(policy.allows(&reqwest::Method::DELETE));
        assert!(!policy.allows(&reqwest::Method::POST));
        assert!(!policy.allows(&reqwest::Method::PATCH));
        assert!(policy
            .clone()
            .retry_non_idempotent(true)
            .allows(&reqwest::Method::POST));
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 502, 503, 504] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 422, 500, 501] {
            assert!(!retryable_status(s), "{s}");
        }
    }
}
