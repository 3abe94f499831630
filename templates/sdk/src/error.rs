//! The error type returned by every fallible operation of this crate.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

{% if pachca %}
use crate::models::{ApiError, ApiErrorItem, OAuthError};
{% endif %}

/// Maximum number of response-body bytes kept in [`Error::Decode`] and [`Error::UnexpectedStatus`].
pub(crate) const BODY_PREFIX_LEN: usize = 512;

/// An error returned by the {{ api_name }} client.
///
/// The enum is `#[non_exhaustive]`: match the variants you care about and keep a wildcard arm.
/// For the common questions use the helpers [`Error::status`], [`Error::request_id`] and
/// [`Error::is_not_found`] instead of matching.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
{% if pachca %}
    /// The API rejected the request with a structured error body (`{"errors": [...]}`).
    ///
    /// Pachca uses this shape for 400, 402, 403, 404, 409, 410 and 422 responses.
    #[error(
        "Pachca API error (HTTP {status}{}): {}",
        RequestIdSuffix(request_id.as_deref()),
        ErrorItems(errors)
    )]
    Api {
        /// HTTP status code of the response.
        status: u16,
        /// The individual errors reported by the API; usually one per invalid field.
        errors: Vec<ApiErrorItem>,
        /// Value of the `x-request-id` response header, if any; quote it when contacting support.
        request_id: Option<String>,
    },

    /// Authentication or authorization failed (HTTP 401 or 403 with an OAuth error body).
    ///
    /// Usually the access token is missing, invalid, expired or lacks the required scope.
    #[error(
        "Pachca authentication failed (HTTP {status}{}): {}: {}",
        RequestIdSuffix(request_id.as_deref()),
        error.error,
        error.error_description
    )]
    Auth {
        /// HTTP status code of the response (401 or 403).
        status: u16,
        /// The OAuth error body returned by the API.
        error: OAuthError,
        /// Value of the `x-request-id` response header, if any.
        request_id: Option<String>,
    },
{% else %}
    /// The API answered with an error status and a JSON body.
    ///
    /// The body is kept as JSON: decode it into the error type an operation
    /// documents with [`Error::body_as`].
    #[error(
        "{{ api_name }} API error (HTTP {status}{}): {}",
        RequestIdSuffix(request_id.as_deref()),
        BodyText(body)
    )]
    Api {
        /// HTTP status code of the response.
        status: u16,
        /// The response body.
        body: serde_json::Value,
        /// Value of the `x-request-id` response header, if any.
        request_id: Option<String>,
    },
{% endif %}

    /// The API kept answering HTTP 429 Too Many Requests after all retries allowed by the
    /// [`RetryPolicy`](crate::retry::RetryPolicy) were spent.
    #[error(
        "{{ api_name }} API rate limit exceeded (HTTP 429{}){}",
        RequestIdSuffix(request_id.as_deref()),
        RetryAfterSuffix(*retry_after)
    )]
    RateLimited {
        /// Delay requested by the last response's `Retry-After` header, if it had a valid one.
        retry_after: Option<Duration>,
        /// Value of the `x-request-id` response header, if any.
        request_id: Option<String>,
    },

    /// The request did not complete within the configured timeout.
    #[error("request to the {{ api_name }} API timed out")]
    Timeout,

    /// The request failed before a complete response was received (DNS, connection, TLS, I/O).
    #[error("HTTP transport error: {0}")]
    Transport(#[source] reqwest::Error),

    /// A response body could not be decoded into the expected type.
    #[error(
        "failed to decode {{ api_name }} API response (HTTP {status}): {source}; body starts with {body_prefix:?}"
    )]
    Decode {
        /// HTTP status code of the response.
        status: u16,
        /// The first 512 bytes of the response body, decoded as lossy UTF-8.
        body_prefix: String,
        /// The underlying JSON error (it carries the line and column).
        #[source]
        source: serde_json::Error,
    },

    /// The API answered with an error status whose body has no known error shape.
    #[error(
        "unexpected HTTP status {status} from the {{ api_name }} API{}; body starts with {body_prefix:?}",
        RequestIdSuffix(request_id.as_deref())
    )]
    UnexpectedStatus {
        /// HTTP status code of the response.
        status: u16,
        /// The first 512 bytes of the response body, decoded as lossy UTF-8.
        body_prefix: String,
        /// Value of the `x-request-id` response header, if any.
        request_id: Option<String>,
    },

    /// The API returned a pagination cursor that was already seen while streaming a listing.
    ///
    /// Pagination stops here instead of looping forever.
    #[error("pagination cursor {cursor:?} was returned twice; stopping to avoid an endless loop")]
    RepeatedCursor {
        /// The cursor that repeated.
        cursor: String,
    },

    /// The client or a request was configured with an invalid value (token, base URL, header...).
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A local I/O operation failed, such as reading a file to upload.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The HTTP status code of the response that caused this error, if there was one.
    ///
    /// [`Error::RateLimited`] reports `429`; transport, timeout and local errors report `None`.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. }
{% if pachca %}
            | Self::Auth { status, .. }
{% endif %}
            | Self::Decode { status, .. }
            | Self::UnexpectedStatus { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The `x-request-id` header of the failed response, if the API sent one.
    ///
    /// Include it in bug reports to {{ api_name }} support.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. }
{% if pachca %}
            | Self::Auth { request_id, .. }
{% endif %}
            | Self::RateLimited { request_id, .. }
            | Self::UnexpectedStatus { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the API answered HTTP 404 Not Found.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
{% if not pachca %}

    /// The body of an [`Error::Api`] decoded as `T` (one of the error types
    /// the operation documents); `None` for other errors or another shape.
    #[must_use]
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        match self {
            Self::Api { body, .. } => T::deserialize(body).ok(),
            _ => None,
        }
    }
{% endif %}

    /// Builds the error for a non-2xx response.
{% if pachca %}
    ///
    /// Tries the `{"errors": [...]}` shape first, then (for 401/403) the OAuth
    /// `{"error": ..., "error_description": ...}` shape, and falls back to
    /// [`Error::UnexpectedStatus`].
{% else %}
    ///
    /// Keeps a JSON body as [`Error::Api`], and falls back to
    /// [`Error::UnexpectedStatus`].
{% endif %}
    pub(crate) fn from_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Self {
        let request_id = request_id(headers);
        if status == 429 {
            return Self::RateLimited {
                retry_after: crate::retry::parse_retry_after(headers, std::time::SystemTime::now()),
                request_id,
            };
        }
{% if pachca %}
        if let Ok(ApiError { errors, .. }) = serde_json::from_slice::<ApiError>(body) {
            return Self::Api {
                status,
                errors,
                request_id,
            };
        }
        if matches!(status, 401 | 403) {
            if let Ok(error) = serde_json::from_slice::<OAuthError>(body) {
                return Self::Auth {
                    status,
                    error,
                    request_id,
                };
            }
        }
{% else %}
        if let Ok(body) = serde_json::from_slice::<serde_json::Value>(body) {
            return Self::Api { status, body, request_id };
        }
{% endif %}
        Self::UnexpectedStatus {
            status,
            body_prefix: body_prefix(body),
            request_id,
        }
    }
}

/// Reads the `x-request-id` response header.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")?
        .to_str()
        .ok()
        .map(str::to_owned)
}

/// The first [`BODY_PREFIX_LEN`] bytes of `body` as lossy UTF-8.
pub(crate) fn body_prefix(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(BODY_PREFIX_LEN)]).into_owned()
}

/// Displays `", request id X"` or nothing.
struct RequestIdSuffix<'a>(Option<&'a str>);

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, ", request id {id}"),
            None => Ok(()),
        }
    }
}

/// Displays `"; retry after Ns"` or nothing.
struct RetryAfterSuffix(Option<Duration>);

impl fmt::Display for RetryAfterSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(d) => write!(f, "; retry after {}s", d.as_secs_f64()),
            None => Ok(()),
        }
    }
}
{% if pachca %}

/// Displays API error items as `key: message; key: message`.
struct ErrorItems<'a>(&'a [ApiErrorItem]);

impl fmt::Display for ErrorItems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no error details");
        }
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            if item.key.is_empty() {
                f.write_str(&item.message)?;
            } else {
                write!(f, "{}: {}", item.key, item.message)?;
            }
        }
        Ok(())
    }
}
{% else %}

/// Displays an error body: its text when it is a JSON string, else compact JSON.
struct BodyText<'a>(&'a serde_json::Value);

impl fmt::Display for BodyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            serde_json::Value::String(s) => f.write_str(s),
            other => write!(f, "{other}"),
        }
    }
}
{% endif %}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(request_id: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(id) = request_id {
            h.insert("x-request-id", HeaderValue::from_str(id).unwrap());
        }
        h
    }

{% if pachca %}
    #[test]
    fn maps_error_bodies_by_shape() {
        let api = br#"{"errors":[{"key":"title","value":"x","message":"is too long","code":"too_long","payload":null}]}"#;
        let oauth =
            br#"{"error":"insufficient_scope","error_description":"Missing scope chats:read"}"#;

        let err = Error::from_response(404, &headers(Some("r-1")), api);
        assert!(matches!(&err, Error::Api { status: 404, errors, .. } if errors.len() == 1));
        assert!(err.is_not_found());
        assert_eq!(err.request_id(), Some("r-1"));
        assert_eq!(
            err.to_string(),
            "Pachca API error (HTTP 404, request id r-1): title: is too long"
        );

        let err = Error::from_response(403, &headers(None), oauth);
        assert!(
            matches!(&err, Error::Auth { status: 403, error, .. } if error.error == "insufficient_scope")
        );
        assert_eq!(
            err.to_string(),
            "Pachca authentication failed (HTTP 403): insufficient_scope: Missing scope chats:read"
        );

        // The OAuth shape is only expected on 401/403.
        let err = Error::from_response(500, &headers(None), oauth);
        assert!(matches!(&err, Error::UnexpectedStatus { status: 500, .. }));

        let err = Error::from_response(400, &headers(None), br#"{"errors":[]}"#);
        assert!(err.to_string().ends_with("no error details"), "{err}");

        let err = Error::from_response(502, &headers(Some("r-2")), b"Bad Gateway");
        assert_eq!(
            err.to_string(),
            "unexpected HTTP status 502 from the Pachca API, request id r-2; body starts with \"Bad Gateway\""
        );
        assert_eq!((err.status(), err.request_id()), (Some(502), Some("r-2")));
    }
{% else %}
    #[test]
    fn keeps_json_error_bodies() {
        let err = Error::from_response(422, &headers(Some("r-1")), br#"{"title":"bad input"}"#);
        assert!(matches!(&err, Error::Api { status: 422, .. }));
        assert_eq!(err.request_id(), Some("r-1"));
        let body: serde_json::Map<String, serde_json::Value> = err.body_as().unwrap();
        assert_eq!(body["title"], "bad input");
        assert_eq!(
            err.to_string(),
            r#"{{ api_name }} API error (HTTP 422, request id r-1): {"title":"bad input"}"#
        );
        let err = Error::from_response(404, &headers(None), br#""missing""#);
        assert!(err.is_not_found());
        assert!(err.to_string().ends_with("): missing"), "{err}");
        let err = Error::from_response(502, &headers(None), b"Bad Gateway");
        assert!(matches!(&err, Error::UnexpectedStatus { status: 502, .. }));
        assert_eq!(err.body_as::<serde_json::Value>(), None);
    }
{% endif %}

    #[test]
    fn rate_limit_reads_retry_after() {
        let mut h = headers(None);
        h.insert("retry-after", HeaderValue::from_static("30"));
        let err = Error::from_response(429, &h, b"");
        assert!(
            matches!(err, Error::RateLimited { retry_after: Some(d), request_id: None } if d.as_secs() == 30)
        );
        assert_eq!(
            err.to_string(),
            "{{ api_name }} API rate limit exceeded (HTTP 429); retry after 30s"
        );
    }

    #[test]
    fn body_prefix_is_bounded_and_lossy() {
        assert_eq!(body_prefix(&[b'a'; 600]).len(), BODY_PREFIX_LEN);
        assert_eq!(body_prefix(b"ok\xff"), "ok\u{fffd}");
    }

    #[test]
    fn helpers_on_local_errors() {
        let err = Error::RepeatedCursor {
            cursor: "abc".to_owned(),
        };
        assert_eq!(
            (err.status(), err.request_id(), err.is_not_found()),
            (None, None, false)
        );
        assert!(err.to_string().contains("\"abc\""));
        assert_eq!(
            Error::Timeout.to_string(),
            "request to the {{ api_name }} API timed out"
        );
    }
}
