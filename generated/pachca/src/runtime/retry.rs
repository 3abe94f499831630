//! Retry policy for transient failures.
//!
//! By default ([`RetryPolicy::default`]) the client retries a request when:
//!
//! * the API answers **429 Too Many Requests**, for every HTTP method (the request was not
//!   processed). The `Retry-After` header is honoured, as delta-seconds or an HTTP-date; a wait
//!   longer than [`RetryPolicy::max_retry_after`] is not shortened but ends the call with
//!   [`Error::RateLimited`](super::error::Error::RateLimited) carrying the wait (or, with
//!   [`RetryPolicy::clamp_retry_after`], is shortened to the cap); without the header the
//!   exponential back-off below is used;
//! * the API answers **502, 503 or 504**, or the response fails or times out after the request
//!   was sent, but **only for the transient-safe methods** (by default the idempotent ones: GET,
//!   HEAD, PUT, DELETE, OPTIONS), so that a `POST` such as "send message" is never duplicated;
//! * the **connection cannot be made** (refused, DNS, TLS handshake): nothing was sent, so this is
//!   retried for every method, unless [`RetryPolicy::retry_connect_errors`] is off.
//!
//! [`RetryPolicy::deadline`] bounds the whole call: no retry starts whose wait would end after it.
//!
//! The back-off before retry number `n` (counting from 0) is `base_delay * 2^n`, capped by
//! [`RetryPolicy::max_delay`], with "equal jitter": a random delay between half and all of it.
//! When a 429 persists after the last retry the request fails with
//! [`Error::RateLimited`](super::error::Error::RateLimited).

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

/// The methods retried on 502/503/504 and on failures after sending by default: the
/// idempotent ones of RFC 9110.
pub const IDEMPOTENT_METHODS: &[Method] = &[Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS];

/// How the client retries rate-limited and transiently failing requests.
///
/// Start from [`RetryPolicy::default`] or [`RetryPolicy::none`] and adjust with the builder-style
/// setters; set it per client ([`ClientBuilder::retry_policy`](super::client::ClientBuilder::retry_policy)).
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
    /// Longest `Retry-After` wait the client sleeps; see [`RetryPolicy::clamp_retry_after`].
    pub max_retry_after: Duration,
    /// `true`: a longer `Retry-After` is shortened to [`RetryPolicy::max_retry_after`];
    /// `false` (default): the call ends with the error, which carries the requested wait.
    pub clamp_retry_after: bool,
    /// Methods retried on 502/503/504 and on failures after the request was sent.
    pub transient_methods: &'static [Method],
    /// Whether a failure to connect (nothing was sent) is retried for every method.
    pub retry_connect_errors: bool,
    /// Upper bound of the whole call, retries and waits included; `None` for none.
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms base delay, 30 s maximum back-off, `Retry-After` up to 60 s (longer
    /// ends the call), idempotent methods on 502/503/504, connect failures for every method,
    /// no deadline.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            clamp_retry_after: false,
            transient_methods: IDEMPOTENT_METHODS,
            retry_connect_errors: true,
            deadline: None,
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

    /// Sets the longest `Retry-After` wait that is slept.
    #[must_use]
    pub fn max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// Shortens a longer `Retry-After` to [`RetryPolicy::max_retry_after`] instead of giving up.
    #[must_use]
    pub fn clamp_retry_after(mut self, clamp: bool) -> Self {
        self.clamp_retry_after = clamp;
        self
    }

    /// Sets the methods retried on 502/503/504 and on failures after sending.
    #[must_use]
    pub fn transient_methods(mut self, methods: &'static [Method]) -> Self {
        self.transient_methods = methods;
        self
    }

    /// Whether a failure to connect is retried for every method.
    #[must_use]
    pub fn retry_connect_errors(mut self, retry: bool) -> Self {
        self.retry_connect_errors = retry;
        self
    }

    /// Bounds the whole call, retries and waits included.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
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
            502..=504 => self.transient_methods.contains(method),
            _ => false,
        };
        if !retryable {
            return None;
        }
        match parse_retry_after(headers, SystemTime::now()) {
            Some(requested) if requested <= self.max_retry_after => Some(requested),
            Some(_) if self.clamp_retry_after => Some(self.max_retry_after),
            Some(_) => None,
            None => Some(self.backoff(retries)),
        }
    }

    /// The delay before retrying a request that failed without a response, or `None` to give up.
    ///
    /// A failure to connect is retried for every method (nothing was sent) when
    /// [`RetryPolicy::retry_connect_errors`]; a timeout or a failure after sending only for
    /// [`RetryPolicy::transient_methods`].
    pub(crate) fn delay_for_transport_error(
        &self,
        retries: u32,
        method: &Method,
        error: &reqwest::Error,
    ) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let retry = if error.is_connect() {
            self.retry_connect_errors || self.transient_methods.contains(method)
        } else {
            (error.is_timeout() || error.is_request() || error.is_body()) && self.transient_methods.contains(method)
        };
        retry.then(|| self.backoff(retries))
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
        // A wait beyond the cap ends the call (the error carries it) ...
        assert_eq!(p.delay_for_status(0, &Method::POST, 429, &headers("600")), None);
        // ... or, clamped, is shortened to the cap.
        assert_eq!(
            p.clamp_retry_after(true).delay_for_status(0, &Method::POST, 429, &headers("600")),
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

    #[test]
    fn transient_methods_are_configurable() {
        // The upstream CLI's policy: 503 only for GET, HEAD, OPTIONS and PUT.
        const CLI: &[Method] = &[Method::GET, Method::HEAD, Method::OPTIONS, Method::PUT];
        let p = RetryPolicy::default().transient_methods(CLI);
        let none = HeaderMap::new();
        assert!(p.delay_for_status(0, &Method::PUT, 503, &none).is_some());
        assert!(p.delay_for_status(0, &Method::DELETE, 503, &none).is_none());
        assert!(RetryPolicy::default().delay_for_status(0, &Method::DELETE, 503, &none).is_some());
    }

    /// A refused connection: nothing was sent, so even a POST may be resent.
    #[tokio::test]
    async fn connect_failures_are_retried_for_every_method() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let err = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/messages"))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_connect(), "{err:?}");
        let p = RetryPolicy::default();
        assert!(p.delay_for_transport_error(0, &Method::POST, &err).is_some());
        assert!(p.delay_for_transport_error(3, &Method::POST, &err).is_none(), "max_retries");
        assert!(p.retry_connect_errors(false).delay_for_transport_error(0, &Method::POST, &err).is_none());
        assert!(p.retry_connect_errors(false).delay_for_transport_error(0, &Method::GET, &err).is_some());
    }
}
