//! Per-request options: a timeout, a retry policy and extra headers for one
//! call, and a [`ResponseCapture`] that reads the status, headers and request
//! id of a successful response.
//!
//! Every service takes them with `with_options`:
//! `client.messages().with_options(options).create_message(&body)`; the
//! client's own settings apply to everything the options leave unset.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::error::Error;
use super::retry::RetryPolicy;

/// Options for the calls of one service handle; see the module docs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Per-attempt timeout instead of the client's.
    pub timeout: Option<Duration>,
    /// Retry policy instead of the client's.
    pub retry_policy: Option<RetryPolicy>,
    /// Headers added to every attempt (after the client's; `Authorization` cannot be set here).
    pub headers: HeaderMap,
    /// Where the metadata of each successful response is recorded.
    pub capture: Option<ResponseCapture>,
}

impl RequestOptions {
    /// No options: the client's settings apply.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the per-attempt timeout for these calls.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the retry policy for these calls.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Adds a header to these calls.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the name or value is not a valid header, or the name is
    /// `Authorization` (the token is the client's).
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::try_from(name).map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
        if name == reqwest::header::AUTHORIZATION {
            return Err(Error::Config("the Authorization header comes from the client's token".to_owned()));
        }
        let value = HeaderValue::try_from(value).map_err(|_| Error::Config(format!("invalid value for header {name}")))?;
        self.headers.append(name, value);
        Ok(self)
    }

    /// Records the metadata of each successful response in `capture`.
    #[must_use]
    pub fn capture(mut self, capture: &ResponseCapture) -> Self {
        self.capture = Some(capture.clone());
        self
    }
}

/// The metadata of a successful response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The `x-request-id` header, if any: quote it when contacting support.
    pub request_id: Option<String>,
    /// The URL that answered (after redirects, if the HTTP client follows them).
    pub url: String,
    /// The body exactly as received (cheap to clone): what the typed value
    /// was decoded from, for tools that must show the server's own text.
    pub body: bytes::Bytes,
}

/// A shared slot the client writes [`ResponseMeta`] into; clone it freely.
#[derive(Debug, Clone, Default)]
pub struct ResponseCapture(Arc<Mutex<Option<ResponseMeta>>>);

impl ResponseCapture {
    /// An empty capture.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The metadata of the latest successful response, if one arrived.
    #[must_use]
    pub fn last(&self) -> Option<ResponseMeta> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub(crate) fn record(&self, meta: ResponseMeta) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(meta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_checked() {
        let opts = RequestOptions::new().header("X-Trace", "abc").expect("valid");
        assert_eq!(opts.headers["x-trace"], "abc");
        assert!(RequestOptions::new().header("bad name", "x").is_err());
        assert!(RequestOptions::new().header("X-Trace", "a\nb").is_err());
        assert!(RequestOptions::new().header("authorization", "Bearer other").is_err());
    }
}
