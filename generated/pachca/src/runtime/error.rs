//! The error type returned by every fallible operation of this crate.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

/// Maximum number of response-body bytes kept in [`Error::Decode`] and [`Error::UnexpectedStatus`].
pub(crate) const BODY_PREFIX_LEN: usize = 512;

/// An error returned by the client.
///
/// The enum is `#[non_exhaustive]`: match the variants you care about and keep a wildcard arm.
/// For the common questions use the helpers [`Error::status`], [`Error::request_id`],
/// [`Error::is_not_found`] and [`Error::body_as`] instead of matching.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status and a JSON body.
    ///
    /// The body is kept as JSON: decode it into the error type an operation documents with
    /// [`Error::body_as`]. The message summarises the common shapes: `{"errors": [{"key",
    /// "message"}]}`, OAuth's `{"error", "error_description"}`, `{"message"}`, and RFC 7807's
    /// `{"title", "detail"}`.
    #[error(
        "{request}: API error (HTTP {status}{}): {}",
        RequestIdSuffix(request_id.as_deref()),
        BodySummary(body)
    )]
    Api {
        /// HTTP status code of the response.
        status: u16,
        /// The response body.
        body: serde_json::Value,
        /// Value of the `x-request-id` response header, if any; quote it when contacting support.
        request_id: Option<String>,
        /// The request that failed.
        request: Box<RequestInfo>,
    },

    /// The API kept answering HTTP 429 Too Many Requests after all retries allowed by the
    /// [`RetryPolicy`](super::retry::RetryPolicy) were spent.
    #[error(
        "{request}: API rate limit exceeded (HTTP 429{}){}",
        RequestIdSuffix(request_id.as_deref()),
        RetryAfterSuffix(*retry_after)
    )]
    RateLimited {
        /// Delay requested by the last response's `Retry-After` header, if it had a valid one.
        retry_after: Option<Duration>,
        /// Value of the `x-request-id` response header, if any.
        request_id: Option<String>,
        /// The request that failed.
        request: Box<RequestInfo>,
    },

    /// The request did not complete within the configured timeout.
    #[error("{request}: the request timed out")]
    Timeout {
        /// The request that timed out.
        request: Box<RequestInfo>,
    },

    /// The request failed before a complete response was received (DNS, connection, TLS, I/O).
    #[error("HTTP transport error: {0}")]
    Transport(#[source] reqwest::Error),

    /// A response body could not be decoded into the expected type.
    #[error(
        "{request}: failed to decode the API response (HTTP {status}): {source}; body starts with {body_prefix:?}"
    )]
    Decode {
        /// HTTP status code of the response.
        status: u16,
        /// The first 512 bytes of the response body, decoded as lossy UTF-8.
        body_prefix: String,
        /// The underlying JSON error (it carries the line and column).
        #[source]
        source: serde_json::Error,
        /// The request whose response failed to decode.
        request: Box<RequestInfo>,
    },

    /// The API answered with an error status and a body that is not JSON.
    #[error(
        "{request}: unexpected HTTP status {status}{}; body starts with {body_prefix:?}",
        RequestIdSuffix(request_id.as_deref())
    )]
    UnexpectedStatus {
        /// HTTP status code of the response.
        status: u16,
        /// The first 512 bytes of the response body, decoded as lossy UTF-8.
        body_prefix: String,
        /// Value of the `x-request-id` response header, if any.
        request_id: Option<String>,
        /// The request that failed.
        request: Box<RequestInfo>,
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
            | Self::Decode { status, .. }
            | Self::UnexpectedStatus { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The `x-request-id` header of the failed response, if the API sent one.
    ///
    /// Include it in bug reports to the API's support.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. }
            | Self::RateLimited { request_id, .. }
            | Self::UnexpectedStatus { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The request this error belongs to (operation, method, path), when it
    /// came from one; transport errors name their URL in their message.
    #[must_use]
    pub fn request(&self) -> Option<&RequestInfo> {
        match self {
            Self::Api { request, .. }
            | Self::RateLimited { request, .. }
            | Self::Timeout { request }
            | Self::Decode { request, .. }
            | Self::UnexpectedStatus { request, .. } => Some(request),
            _ => None,
        }
    }

    /// Whether the API answered HTTP 404 Not Found.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The body of an [`Error::Api`] decoded as `T` (one of the error types
    /// the operation documents); `None` for other errors or another shape.
    #[must_use]
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        match self {
            Self::Api { body, .. } => T::deserialize(body).ok(),
            _ => None,
        }
    }

    /// Builds the error for a response whose status is not a success.
    ///
    /// 429 becomes [`Error::RateLimited`], a JSON body [`Error::Api`], anything else
    /// [`Error::UnexpectedStatus`].
    pub(crate) fn from_response(status: u16, headers: &HeaderMap, body: &[u8], request: &RequestInfo) -> Self {
        let request_id = request_id(headers);
        let request = Box::new(request.clone());
        if status == 429 {
            return Self::RateLimited {
                retry_after: super::retry::parse_retry_after(headers, std::time::SystemTime::now()),
                request_id,
                request,
            };
        }
        if let Ok(body) = serde_json::from_slice::<serde_json::Value>(body) {
            return Self::Api {
                status,
                body,
                request_id,
                request,
            };
        }
        Self::UnexpectedStatus {
            status,
            body_prefix: body_prefix(body),
            request_id,
            request,
        }
    }
}

/// The request an error belongs to: its operation, method and path. The
/// query string is left out (it can hold search terms and other personal
/// data that should not reach logs through an error message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestInfo {
    /// The spec's `operationId`, for requests made by a generated method.
    pub operation: Option<&'static str>,
    /// HTTP method (`GET`, `POST`, ...).
    pub method: String,
    /// Path of the URL that was requested, base path included (`/api/shared/v1/chats/7`).
    pub path: String,
}

impl RequestInfo {
    /// The request `method path`, made by the operation `operation`, if any.
    pub fn new(operation: Option<&'static str>, method: impl Into<String>, path: impl Into<String>) -> Self {
        Self { operation, method: method.into(), path: path.into() }
    }
}

impl fmt::Display for RequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        match self.operation {
            Some(op) => write!(f, " ({op})"),
            None => Ok(()),
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
#[doc(hidden)]
pub fn body_prefix(body: &[u8]) -> String {
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

/// Displays an error body in one line: the items of `{"errors": [...]}` as
/// `key: message; key: message`, OAuth's `error: error_description`, a
/// `message`, RFC 7807's `title: detail`, a JSON string as its text, and
/// anything else as compact JSON.
struct BodySummary<'a>(&'a serde_json::Value);

/// A non-empty string value.
fn text(v: Option<&serde_json::Value>) -> Option<&str> {
    v.and_then(serde_json::Value::as_str).filter(|s| !s.is_empty())
}

impl fmt::Display for BodySummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use serde_json::Value;
        let body = self.0;
        if let Value::String(s) = body {
            return f.write_str(s);
        }
        if let Some(items) = body.get("errors").and_then(Value::as_array) {
            if items.is_empty() {
                return f.write_str("no error details");
            }
            let mut first = true;
            for item in items {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                let key = text(item.get("key")).or_else(|| text(item.get("field")));
                match (key, text(item.get("message"))) {
                    (Some(key), Some(message)) => write!(f, "{key}: {message}")?,
                    (None, Some(message)) => f.write_str(message)?,
                    _ => write!(f, "{item}")?,
                }
            }
            return Ok(());
        }
        match (text(body.get("error")), text(body.get("error_description"))) {
            (Some(error), Some(description)) => return write!(f, "{error}: {description}"),
            (Some(error), None) => return f.write_str(error),
            _ => {}
        }
        if let Some(message) = text(body.get("message")) {
            return f.write_str(message);
        }
        match (text(body.get("title")), text(body.get("detail"))) {
            (Some(title), Some(detail)) => write!(f, "{title}: {detail}"),
            (Some(title), None) => f.write_str(title),
            _ => write!(f, "{body}"),
        }
    }
}

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

    fn get_chat() -> RequestInfo {
        RequestInfo::new(Some("ChatOperations_getChat"), "GET", "/api/shared/v1/chats/7")
    }

    #[test]
    fn keeps_json_error_bodies() {
        let err = Error::from_response(422, &headers(Some("r-1")), br#"{"title":"bad input"}"#, &get_chat());
        assert!(matches!(&err, Error::Api { status: 422, .. }));
        assert_eq!(err.request_id(), Some("r-1"));
        let body: serde_json::Map<String, serde_json::Value> = err.body_as().unwrap();
        assert_eq!(body["title"], "bad input");
        assert_eq!(err.to_string(), "GET /api/shared/v1/chats/7 (ChatOperations_getChat): API error (HTTP 422, request id r-1): bad input");
        assert_eq!(err.request(), Some(&get_chat()));
        let raw = RequestInfo::new(None, "DELETE", "/x");
        let err = Error::from_response(404, &headers(None), br#""missing""#, &raw);
        assert!(err.is_not_found());
        assert_eq!(err.to_string(), "DELETE /x: API error (HTTP 404): missing");
        let err = Error::from_response(502, &headers(Some("r-2")), b"Bad Gateway", &get_chat());
        assert!(matches!(&err, Error::UnexpectedStatus { status: 502, .. }));
        assert_eq!(err.body_as::<serde_json::Value>(), None);
        assert_eq!(
            err.to_string(),
            "GET /api/shared/v1/chats/7 (ChatOperations_getChat): unexpected HTTP status 502, request id r-2; body starts with \"Bad Gateway\""
        );
        assert_eq!((err.status(), err.request_id()), (Some(502), Some("r-2")));
    }

    #[test]
    fn summarises_common_error_shapes() {
        let summary = |body: &[u8]| {
            Error::from_response(400, &headers(None), body, &RequestInfo::default())
                .to_string()
                .trim_start_matches(" : API error (HTTP 400): ")
                .to_owned()
        };
        assert_eq!(
            summary(br#"{"errors":[{"key":"title","value":"x","message":"is too long","code":"too_long","payload":null},{"key":"","message":"Chat is archived"}]}"#),
            "title: is too long; Chat is archived"
        );
        assert_eq!(summary(br#"{"errors":[]}"#), "no error details");
        assert_eq!(
            summary(br#"{"error":"insufficient_scope","error_description":"Missing scope chats:read"}"#),
            "insufficient_scope: Missing scope chats:read"
        );
        assert_eq!(summary(br#"{"message":"Not allowed"}"#), "Not allowed");
        assert_eq!(
            summary(br#"{"title":"Invalid","detail":"name is blank"}"#),
            "Invalid: name is blank"
        );
        assert_eq!(summary(br#"{"code":7}"#), r#"{"code":7}"#);
        assert_eq!(summary(br#"[1,2]"#), "[1,2]");
    }

    #[test]
    fn rate_limit_reads_retry_after() {
        let mut h = headers(None);
        h.insert("retry-after", HeaderValue::from_static("30"));
        let err = Error::from_response(429, &h, b"", &get_chat());
        assert!(
            matches!(&err, Error::RateLimited { retry_after: Some(d), request_id: None, .. } if d.as_secs() == 30)
        );
        assert_eq!(
            err.to_string(),
            "GET /api/shared/v1/chats/7 (ChatOperations_getChat): API rate limit exceeded (HTTP 429); retry after 30s"
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
        let err = Error::Timeout { request: Box::new(get_chat()) };
        assert_eq!(err.to_string(), "GET /api/shared/v1/chats/7 (ChatOperations_getChat): the request timed out");
        assert_eq!(err.request().and_then(|r| r.operation), Some("ChatOperations_getChat"));
    }
}
