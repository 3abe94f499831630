//! Retry policy for transient failures.
//!
//! The client retries a request when:
//!
//! * the API answers **429 Too Many Requests**, for every HTTP method (the request was not
//!   processed). The `Retry-After` header is honoured, as delta-seconds or an HTTP-date, capped by
//!   [`RetryPolicy::max_retry_after`]; without it the exponential back-off below is used;
//! * the API answers **502, 503 or 504**, or the connection fails or times out before a response
//!   arrives, but **only for idempotent methods** (GET, HEAD, PUT, DELETE, OPTIONS), so that a
//!   `POST` such as "send message" is never duplicated. A `Retry-After` header is honoured here
//!   too.
//!
//! The back-off before retry number `n` (counting from 0) is `base_delay * 2^n`, capped by
//! [`RetryPolicy::max_delay`], with "equal jitter": a random delay between half and all of it.
//! When a 429 persists after the last retry the request fails with
//! [`Error::RateLimited`](super::error::Error::RateLimited).

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

/// How the client retries rate-limited and transiently failing requests.
///
/// Start from [`RetryPolicy::default`] or [`RetryPolicy::none`] and adjust with the builder-style
/// setters:
///
/// (The unit test `documented_example` shows it in use.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Maximum number of retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Back-off before the first retry; it doubles with every further retry.
    pub base_delay: Duration,
    /// Upper bound of the exponential back-off.
    pub max_delay: Duration,
    /// Upper bound of a delay requested by a `Retry-After` header; longer delays are shortened.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms base delay, 30 s maximum back-off, `Retry-After` capped at 60 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: every request is sent exactly once.
    #[must_use]
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets the maximum number of retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the back-off before the first retry.
    #[must_use]
    pub fn base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// Sets the upper bound of the exponential back-off.
    #[must_use]
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Sets the upper bound applied to delays requested by `Retry-After` headers.
    #[must_use]
    pub fn max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The delay before retrying a request that got a non-2xx `status`, or `None` to give up.
    ///
    /// `retries` is the number of retries already performed.
    pub(crate) fn delay_for_status(
        &self,
        retries: u32,
        method: &Method,
        status: u16,
        headers: &HeaderMap,
    ) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let retryable = match status {
            429 => true,
            502..=504 => is_idempotent(method),
            _ => false,
        };
        if !retryable {
            return None;
        }
        Some(match parse_retry_after(headers, SystemTime::now()) {
            Some(requested) => requested.min(self.max_retry_after),
            None => self.backoff(retries),
        })
    }

    /// The delay before retrying a request that failed without a response, or `None` to give up.
    ///
    /// Only connection failures and timeouts of idempotent requests are retried.
    pub(crate) fn delay_for_transport_error(
        &self,
        retries: u32,
        method: &Method,
        error: &reqwest::Error,
    ) -> Option<Duration> {
        let transient = error.is_connect() || error.is_timeout();
        (retries < self.max_retries && transient && is_idempotent(method))
            .then(|| self.backoff(retries))
    }

    /// Exponential back-off with equal jitter: uniformly random in `[d/2, d]` where
    /// `d = min(base_delay * 2^retries, max_delay)`.
    pub(crate) fn backoff(&self, retries: u32) -> Duration {
        let full = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retries))
            .min(self.max_delay);
        let nanos = u64::try_from(full.as_nanos()).unwrap_or(u64::MAX);
        let half = nanos / 2;
        Duration::from_nanos(half + fastrand::u64(0..=nanos - half))
    }
}

/// Whether `method` is idempotent per RFC 9110 and therefore safe to resend after a failure.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Parses a `Retry-After` header given as delta-seconds or as an HTTP-date (relative to `now`).
///
/// A date in the past yields a zero delay; a missing or malformed header yields `None`.
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        h
    }

    #[test]
    fn default_and_none() {
        let d = RetryPolicy::default();
        assert_eq!(d.max_retries, 3);
        assert_eq!(d.base_delay, Duration::from_millis(500));
        assert_eq!(d.max_delay, Duration::from_secs(30));
        assert_eq!(d.max_retry_after, Duration::from_secs(60));
        assert_eq!(RetryPolicy::none().max_retries, 0);
        assert_eq!(
            RetryPolicy::none().delay_for_status(0, &Method::GET, 429, &HeaderMap::new()),
            None
        );
    }

    #[test]
    fn parses_retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(&headers(" 7 "), now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(42));
        assert_eq!(
            parse_retry_after(&headers(&later), now),
            Some(Duration::from_secs(42))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(42));
        assert_eq!(
            parse_retry_after(&headers(&earlier), now),
            Some(Duration::ZERO)
        );
        // RFC 9110 example date.
        let fixed = parse_retry_after(
            &headers("Fri, 31 Dec 1999 23:59:59 GMT"),
            SystemTime::UNIX_EPOCH,
        );
        assert_eq!(fixed, Some(Duration::from_secs(946_684_799)));
        assert_eq!(parse_retry_after(&headers("soon"), now), None);
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn status_rules() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        let none = HeaderMap::new();
        // 429: any method, Retry-After honoured and capped.
        assert_eq!(
            p.delay_for_status(0, &Method::POST, 429, &headers("2")),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.delay_for_status(0, &Method::POST, 429, &headers("600")),
            Some(Duration::from_secs(5))
        );
        assert!(p.delay_for_status(0, &Method::PATCH, 429, &none).is_some());
        // 5xx gateway errors: idempotent methods only.
        for status in [502, 503, 504] {
            assert!(p.delay_for_status(0, &Method::GET, status, &none).is_some());
            assert!(p
                .delay_for_status(0, &Method::DELETE, status, &none)
                .is_some());
            assert!(p
                .delay_for_status(0, &Method::POST, status, &none)
                .is_none());
            assert!(p
                .delay_for_status(0, &Method::PATCH, status, &none)
                .is_none());
        }
        for status in [400, 401, 404, 422, 500, 501] {
            assert!(p.delay_for_status(0, &Method::GET, status, &none).is_none());
        }
        // Budget exhausted.
        assert!(p.delay_for_status(3, &Method::GET, 429, &none).is_none());
    }

    #[test]
    fn backoff_is_exponential_jittered_and_capped() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1));
        for _ in 0..100 {
            let d0 = p.backoff(0);
            assert!(
                d0 >= Duration::from_millis(50) && d0 <= Duration::from_millis(100),
                "{d0:?}"
            );
            let d2 = p.backoff(2);
            assert!(
                d2 >= Duration::from_millis(200) && d2 <= Duration::from_millis(400),
                "{d2:?}"
            );
            let d10 = p.backoff(10);
            assert!(
                d10 >= Duration::from_millis(500) && d10 <= Duration::from_secs(1),
                "{d10:?}"
            );
        }
        assert!(p.backoff(u32::MAX) <= Duration::from_secs(1));
    }

    #[test]
    fn documented_example() {
        use std::time::Duration;

        let policy = RetryPolicy::default()
            .max_retries(5)
            .base_delay(Duration::from_millis(200));
        assert_eq!(policy.max_retries, 5);
    }
}
