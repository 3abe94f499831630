//! The HTTP client: configuration, authentication, retries and response handling.
//!
//! Every API call goes through one non-generic request path (`Client::execute`); the generated
//! endpoint methods only build a request description and decode the response.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, Url};
use tracing::Instrument;

use super::error::{body_prefix, Error, RequestInfo};
use super::file::{mime_type, FileBody};
use super::options::{RequestOptions, ResponseMeta};
use super::retry::RetryPolicy;

/// What the runtime needs to know about one API: emitted per spec into the
/// generated crate's `api.rs`, implemented by a zero-sized marker type.
///
/// [`Client`] and [`ClientBuilder`] are generic over it, so one runtime serves
/// every generated API (and several APIs in one crate get distinct client
/// types).
pub trait Api: 'static {
    /// The base URL used when [`ClientBuilder::base_url`] is not called; `None`
    /// when the spec names no absolute server URL, so one must be set.
    const DEFAULT_BASE_URL: Option<&'static str>;
    /// Whether some operation requires a token: then [`ClientBuilder::build`]
    /// fails without one; otherwise the token is optional and no
    /// `Authorization` header is sent without one.
    const TOKEN_REQUIRED: bool;
    /// The `User-Agent` sent when [`ClientBuilder::user_agent`] is not called.
    const USER_AGENT: &'static str;
}

/// Per-attempt timeout used when neither [`ClientBuilder::timeout`] nor
/// [`ClientBuilder::http_client`] is set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Connect timeout of the HTTP client built by [`ClientBuilder::build`].
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client for the API described by `A`.
///
/// Cloning is cheap (the state is shared behind an [`Arc`]), so create one client and clone it
/// wherever it is needed; clones share the connection pool. Generated crates name it for their
/// API (`pub type Client = Client<MyApi>`) and add one method per service.
pub struct Client<A: Api> {
    inner: Arc<Inner>,
    api: PhantomData<fn() -> A>,
}

impl<A: Api> Clone for Client<A> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            api: PhantomData,
        }
    }
}

struct Inner {
    http: reqwest::Client,
    /// Validated base URL without a trailing slash.
    base_url: String,
    /// `Bearer <token>`, marked sensitive so that `http`'s `Debug` redacts it too;
    /// `None` without a token.
    authorization: Option<HeaderValue>,
    user_agent: HeaderValue,
    /// Per-attempt timeout; `None` leaves the one of the caller-supplied `reqwest::Client`.
    timeout: Option<Duration>,
    retry_policy: RetryPolicy,
}

impl<A: Api> fmt::Debug for Client<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("token", &"***")
            .field("user_agent", &inner.user_agent)
            .field("timeout", &inner.timeout)
            .field("retry_policy", &inner.retry_policy)
            .finish_non_exhaustive()
    }
}

impl<A: Api> Client<A> {
    /// Creates a client for the default base URL authenticated with `token` and default settings.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the token is empty or not a valid HTTP header value, and
    /// [`Error::Transport`] if the TLS backend cannot be initialised.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Self::builder().token(token).build()
    }

    /// Starts configuring a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder<A> {
        ClientBuilder::default()
    }

    /// The base URL requests are sent to, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy of this client.
    #[must_use]
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry_policy
    }

    /// Sends a request described at run time and returns the status and the
    /// JSON body (`null` when empty): the escape hatch behind tools such as
    /// a command line's raw `api` command. Typed methods are the better choice whenever one exists.
    ///
    /// `path` is relative to the base URL (`/chats/5`) and already encoded;
    /// `query` pairs are encoded here. Retries and error mapping are those of
    /// every other call.
    ///
    /// For example `client.send_json(Method::GET, "/chats", &[("limit".into(), "5".into())], None)`
    /// returns `(200, {"data": [...]})`.
    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, serde_json::Value), Error> {
        let resp = self.send_raw(method, path, query, body).await?;
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok((resp.status, serde_json::Value::Null));
        }
        decode_json(&resp).map(|v| (resp.status, v))
    }

    /// [`Client::send_json`] returning the whole response (status, headers,
    /// body) undecoded: for a redirect, its `Location`.
    #[doc(hidden)]
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<RawResponse, Error> {
        let mut path = path.to_owned();
        if !query.is_empty() {
            let mut encoded = Url::parse("http://query.invalid/")
                .map_err(|e| Error::Config(format!("cannot encode the query: {e}")))?;
            encoded.query_pairs_mut().extend_pairs(query);
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(encoded.query().unwrap_or_default());
        }
        let mut req = Request::new(method, path);
        if let Some(body) = body {
            req.body = Body::json(body)?;
        }
        self.execute(req).await
    }

    /// Sends `req` to `base_url + req.path`, retrying per the policy.
    ///
    /// Returns the response when its status is 2xx or 3xx (redirects are not followed) and maps
    /// any other status to an [`Error`].
    #[doc(hidden)]
    pub async fn execute(&self, req: Request) -> Result<RawResponse, Error> {
        self.execute_with(req, &RequestOptions::default()).await
    }

    /// [`Client::execute`] with per-request options.
    #[doc(hidden)]
    pub async fn execute_with(&self, req: Request, options: &RequestOptions) -> Result<RawResponse, Error> {
        let url = format!("{}{}", self.inner.base_url, req.path);
        let url = Url::parse(&url)
            .map_err(|e| Error::Config(format!("invalid request URL {url:?}: {e}")))?;
        self.send(url, req, options).await
    }

    /// Sends `req` to the absolute `url` (for example a pre-signed storage upload URL); `req.path`
    /// is ignored. The `Authorization` header is never sent, whatever `req.auth` says.
    #[doc(hidden)]
    pub async fn execute_absolute_with(
        &self,
        url: &str,
        mut req: Request,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error> {
        let url =
            Url::parse(url).map_err(|e| Error::Config(format!("invalid absolute URL: {e}")))?;
        req.auth = false;
        self.send(url, req, options).await
    }

    async fn send(&self, mut url: Url, req: Request, options: &RequestOptions) -> Result<RawResponse, Error> {
        if !req.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in &req.query {
                pairs.append_pair(key, value);
            }
        }
        let body = PreparedBody::from(req.body);
        let info = RequestInfo::new(req.operation, req.method.as_str(), url.path());
        let policy = options.retry_policy.unwrap_or(self.inner.retry_policy);
        let started = std::time::Instant::now();
        // Within the deadline: a retry whose wait would end after it is not started.
        let in_time = |delay: Duration| policy.deadline.is_none_or(|d| started.elapsed() + delay <= d);
        let mut retries = 0;
        loop {
            let span = tracing::debug_span!(
                "sdk.request",
                http.method = %req.method,
                url.path = url.path(),
                attempt = retries + 1,
                http.status_code = tracing::field::Empty,
            );
            let outcome = self
                .attempt(&req.method, &url, &body, req.auth, options)
                .instrument(span.clone())
                .await;
            if let Ok(resp) = &outcome {
                span.record("http.status_code", resp.status);
            }
            let delay = match outcome {
                // Redirects are not followed (see `ClientBuilder::build`): a 3xx is the answer
                // itself, e.g. the `Location` of a chat export.
                Ok(resp) if (200..400).contains(&resp.status) => {
                    if let Some(capture) = &options.capture {
                        capture.record(ResponseMeta {
                            status: resp.status,
                            headers: resp.headers.clone(),
                            request_id: super::error::request_id(&resp.headers),
                            url: resp.final_url.clone().unwrap_or_else(|| url.to_string()),
                            body: resp.body.clone(),
                        });
                    }
                    return Ok(RawResponse { request: info, ..resp });
                }
                Ok(resp) => policy
                    .delay_for_status(retries, &req.method, resp.status, &resp.headers)
                    .filter(|d| in_time(*d))
                    .ok_or_else(|| Error::from_response(resp.status, &resp.headers, &resp.body, &info))?,
                Err(AttemptError::Transport(e)) => policy
                    .delay_for_transport_error(retries, &req.method, &e)
                    .filter(|d| in_time(*d))
                    .ok_or_else(|| {
                        if e.is_timeout() {
                            Error::Timeout { request: Box::new(info.clone()) }
                        } else {
                            Error::Transport(e)
                        }
                    })?,
                Err(AttemptError::Other(e)) => return Err(e),
            };
            tracing::debug!(parent: &span, ?delay, "retrying the request");
            tokio::time::sleep(delay).await;
            retries += 1;
        }
    }

    /// Sends one attempt and reads the whole response body.
    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        body: &PreparedBody,
        auth: bool,
        options: &RequestOptions,
    ) -> Result<RawResponse, AttemptError> {
        let inner = &*self.inner;
        let mut rb = inner
            .http
            .request(method.clone(), url.clone())
            .header(USER_AGENT, inner.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if auth {
            if let Some(authorization) = &inner.authorization {
                rb = rb.header(AUTHORIZATION, authorization.clone());
            }
        }
        if let Some(timeout) = options.timeout.or(inner.timeout) {
            rb = rb.timeout(timeout);
        }
        if !options.headers.is_empty() {
            rb = rb.headers(options.headers.clone());
        }
        rb = match body {
            PreparedBody::Empty => rb,
            PreparedBody::Json(bytes) => rb
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(reqwest::Body::from(bytes.clone())),
            PreparedBody::Multipart(parts) => {
                rb.multipart(build_form(parts).await.map_err(AttemptError::Other)?)
            }
        };
        let mut resp = rb.send().await.map_err(AttemptError::Transport)?;
        // A caller-supplied HTTP client may follow redirects: keep where it ended.
        let final_url = (resp.url() != url).then(|| resp.url().to_string());
        let status = resp.status().as_u16();
        let headers = std::mem::take(resp.headers_mut());
        let body = resp.bytes().await.map_err(AttemptError::Transport)?;
        Ok(RawResponse {
            status,
            headers,
            body,
            final_url,
            // Filled in by `send` once this attempt is the answer.
            request: RequestInfo::default(),
        })
    }
}

/// `Bearer <token>` as a sensitive header value.
fn bearer(token: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
        Error::Config(
            "the access token contains characters not allowed in an HTTP header".to_owned(),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Why a single attempt failed.
enum AttemptError {
    /// May be retried, depending on the policy.
    Transport(reqwest::Error),
    /// Never retried.
    Other(Error),
}

/// Configures and builds a [`Client`]: start from `Client::builder()`, chain the setters
/// (`.token(..)`, `.timeout(..)`, `.retry_policy(..)`, ...), finish with [`build`](Self::build).
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<A: Api> {
    token: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry_policy: RetryPolicy,
    http_client: Option<reqwest::Client>,
    api: PhantomData<fn() -> A>,
}

impl<A: Api> Default for ClientBuilder<A> {
    fn default() -> Self {
        Self {
            token: None,
            base_url: None,
            timeout: None,
            user_agent: None,
            retry_policy: RetryPolicy::default(),
            http_client: None,
            api: PhantomData,
        }
    }
}

impl<A: Api> Clone for ClientBuilder<A> {
    fn clone(&self) -> Self {
        Self {
            token: self.token.clone(),
            base_url: self.base_url.clone(),
            timeout: self.timeout,
            user_agent: self.user_agent.clone(),
            retry_policy: self.retry_policy,
            http_client: self.http_client.clone(),
            api: PhantomData,
        }
    }
}

impl<A: Api> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry_policy", &self.retry_policy)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl<A: Api> ClientBuilder<A> {
    /// Sets the access token sent as `Authorization: Bearer <token>`: required when
    /// [`Api::TOKEN_REQUIRED`], otherwise optional (without it, no `Authorization` header is
    /// sent).
    ///
    /// Pass the bare token, without the `Bearer ` prefix.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sets the API base URL; defaults to [`Api::DEFAULT_BASE_URL`]. A trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the timeout of each attempt, from sending the request until the whole response body
    /// has been read. Retries get a fresh timeout each.
    ///
    /// Defaults to [`DEFAULT_TIMEOUT`], unless a custom [`http_client`](Self::http_client) is set,
    /// in which case that client's own timeout applies unless this is called.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the `User-Agent` header; defaults to [`Api::USER_AGENT`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sets the retry policy; defaults to [`RetryPolicy::default`].
    pub fn retry_policy(mut self, retry_policy: RetryPolicy) -> Self {
        self.retry_policy = retry_policy;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxy, TLS roots, connection pool, ...) instead of
    /// building one.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the token is not a valid header value (or missing or empty when
    /// [`Api::TOKEN_REQUIRED`]), if no base URL is set and [`Api::DEFAULT_BASE_URL`] is `None`,
    /// if the base URL is not an absolute `http(s)` URL without query or fragment, or if the user
    /// agent is not a valid header value; [`Error::Transport`] if the HTTP client cannot be built.
    pub fn build(self) -> Result<Client<A>, Error> {
        let token = self.token.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if A::TOKEN_REQUIRED && token.is_none() {
            return Err(Error::Config(
                "an access token is required (ClientBuilder::token)".to_owned(),
            ));
        }
        let authorization = token.map(bearer).transpose()?;

        let base_url = self
            .base_url
            .as_deref()
            .or(A::DEFAULT_BASE_URL)
            .unwrap_or_default()
            .trim_end_matches('/');
        if base_url.is_empty() {
            return Err(Error::Config(
                "no base URL: set one with ClientBuilder::base_url".to_owned(),
            ));
        }
        let parsed = Url::parse(base_url)
            .map_err(|e| Error::Config(format!("invalid base URL {base_url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(Error::Config(format!(
                "invalid base URL {base_url:?}: expected an http(s) URL without query or fragment"
            )));
        }

        let user_agent = self.user_agent.as_deref().unwrap_or(A::USER_AGENT);
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {user_agent:?}")))?;

        // A caller-supplied client keeps its own timeout unless one was set explicitly.
        let (http, timeout) = if let Some(http) = self.http_client {
            (http, self.timeout)
        } else {
            let http = http_client_builder()
                .connect_timeout(CONNECT_TIMEOUT)
                // Redirect targets (export downloads) are returned to the caller, not fetched.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::Transport)?;
            (http, Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)))
        };

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: base_url.to_owned(),
                authorization,
                user_agent,
                timeout,
                retry_policy: self.retry_policy,
            }),
            api: PhantomData,
        })
    }
}

/// A request description built by generated endpoint code.
#[doc(hidden)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Path relative to the base URL, starting with `/`, with path parameters already encoded by
    /// [`percent_encode_path_segment`].
    pub path: String,
    /// Query parameters, appended in order (repeat a key for array parameters).
    pub query: Vec<(&'static str, String)>,
    /// Request body.
    pub body: Body,
    /// Whether to send `Authorization: Bearer <token>`.
    pub auth: bool,
    /// The spec's `operationId` when a generated method makes the request;
    /// errors name it.
    pub operation: Option<&'static str>,
}

impl Request {
    /// An authenticated request without query or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::Empty,
            auth: true,
            operation: None,
        }
    }

    /// The request of the operation `operation_id`.
    pub fn for_operation(operation_id: &'static str, method: Method, path: impl Into<String>) -> Self {
        Self { operation: Some(operation_id), ..Self::new(method, path) }
    }
}

/// A request body. Bodies are kept in memory so that every retry can resend them.
#[doc(hidden)]
pub enum Body {
    /// No body.
    Empty,
    /// A serialized JSON document, sent as `application/json`.
    Json(Vec<u8>),
    /// A `multipart/form-data` form; the form is rebuilt for every attempt.
    Multipart(Vec<Part>),
}

impl Body {
    /// Serializes `value` as a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        serde_json::to_vec(value).map(Body::Json).map_err(|e| {
            Error::Config(format!("failed to serialize the request body as JSON: {e}"))
        })
    }
}

/// A `reqwest::ClientBuilder` with this crate's TLS backend ready. Build
/// the client for [`ClientBuilder::http_client`], or any other client in the
/// same program, from it: with the `rustls` feature reqwest has no crypto
/// provider of its own, and building a client before one is installed panics.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(feature = "rustls")]
    {
        // An error means another provider was installed first, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

/// One field of a multipart form.
#[doc(hidden)]
#[derive(Clone)]
pub enum Part {
    /// A text field.
    Text {
        /// Field name.
        name: Cow<'static, str>,
        /// Field value.
        value: String,
    },
    /// A file field.
    File {
        /// Field name.
        name: Cow<'static, str>,
        /// File name sent in `Content-Disposition`.
        filename: String,
        /// MIME type of the file; guessed from `filename` when `None`.
        content_type: Option<String>,
        /// File contents, streamed for each attempt.
        data: FileBody,
    },
}

impl Part {
    /// A text field.
    pub fn text(name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        Self::Text {
            name: name.into(),
            value: value.into(),
        }
    }

    /// A file field.
    pub fn file(
        name: impl Into<Cow<'static, str>>,
        filename: impl Into<String>,
        content_type: Option<String>,
        data: impl Into<FileBody>,
    ) -> Self {
        Self::File {
            name: name.into(),
            filename: filename.into(),
            content_type,
            data: data.into(),
        }
    }
}

/// A body in a form that can be resent cheaply.
enum PreparedBody {
    Empty,
    Json(Bytes),
    Multipart(Vec<Part>),
}

impl From<Body> for PreparedBody {
    fn from(body: Body) -> Self {
        match body {
            Body::Empty => Self::Empty,
            Body::Json(bytes) => Self::Json(Bytes::from(bytes)),
            Body::Multipart(parts) => Self::Multipart(parts),
        }
    }
}

/// Builds a fresh multipart form with a known content length (storage services reject chunked
/// uploads); file contents are streamed.
async fn build_form(parts: &[Part]) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match part {
            Part::Text { name, value } => form.text(name.clone(), value.clone()),
            Part::File {
                name,
                filename,
                content_type,
                data,
            } => {
                let mut file =
                    reqwest::multipart::Part::stream_with_length(data.to_body().await?, data.len())
                        .file_name(filename.clone());
                let mime = content_type.clone().unwrap_or_else(|| mime_type(filename));
                file = file.mime_str(&mime).map_err(|_| {
                    Error::Config(format!(
                        "invalid content type {mime:?} for multipart field {name:?}"
                    ))
                })?;
                form.part(name.clone(), file)
            }
        };
    }
    Ok(form)
}

/// A successful (or, inside the retry loop, not yet classified) response with its body read.
#[doc(hidden)]
#[derive(Debug)]
pub struct RawResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole response body.
    pub body: Bytes,
    /// The URL that answered, when the HTTP client followed a redirect to it.
    pub final_url: Option<String>,
    /// The request this answers, for errors about it.
    pub request: RequestInfo,
}

/// Decodes a JSON response body; failures carry the status and the start of the body.
#[doc(hidden)]
pub fn decode_json<T: serde::de::DeserializeOwned>(resp: &RawResponse) -> Result<T, Error> {
    serde_json::from_slice(&resp.body).map_err(|source| Error::Decode {
        status: resp.status,
        body_prefix: body_prefix(&resp.body),
        source,
        request: Box::new(resp.request.clone()),
    })
}

/// Percent-encodes one path segment: everything except RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) is encoded, including `/`, `?`, `#` and `%`.
#[doc(hidden)]
pub fn percent_encode_path_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::pagination::{paginate, Page};
    use super::*;
    use futures::TryStreamExt;
    use std::time::Instant;
    use wiremock::matchers::{body_string_contains, header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const TOKEN: &str = "test-token-6f1d";

    /// An API with a server and required security, like most specs.
    struct TestApi;

    impl Api for TestApi {
        const DEFAULT_BASE_URL: Option<&'static str> = Some("https://api.example.com/v1");
        const TOKEN_REQUIRED: bool = true;
        const USER_AGENT: &'static str = "test-sdk-rust/1.0";
    }

    /// An API whose spec names no server and declares no security.
    struct Serverless;

    impl Api for Serverless {
        const DEFAULT_BASE_URL: Option<&'static str> = None;
        const TOKEN_REQUIRED: bool = false;
        const USER_AGENT: &'static str = "serverless-rust/0.1";
    }

    type TestClient = Client<TestApi>;

    /// Fast retries; a long base delay would make any accidental back-off visible in timings.
    fn fast() -> RetryPolicy {
        RetryPolicy::default()
            .base_delay(Duration::from_millis(1))
            .max_delay(Duration::from_millis(5))
            .max_retry_after(Duration::from_millis(5))
            .clamp_retry_after(true)
    }

    fn client(server: &MockServer, policy: RetryPolicy) -> TestClient {
        TestClient::builder()
            .token(TOKEN)
            .base_url(server.uri())
            .retry_policy(policy)
            .build()
            .unwrap()
    }

    fn get(path: &str) -> Request {
        Request::new(Method::GET, path)
    }

    fn no_authorization(req: &wiremock::Request) -> bool {
        !req.headers.contains_key("authorization")
    }

    #[tokio::test]
    async fn retries_429_honouring_retry_after_seconds() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .and(body_string_contains("hello"))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(serde_json::json!({"data": {"id": 7}})),
            )
            .expect(1)
            .mount(&server)
            .await;
        // A 10 s back-off would show up if Retry-After (capped to 5 ms) were ignored.
        let client = client(
            &server,
            fast()
                .base_delay(Duration::from_secs(10))
                .max_delay(Duration::from_secs(10)),
        );
        let started = Instant::now();
        let req = Request {
            body: Body::json(&serde_json::json!({"content": "hello"})).unwrap(),
            ..Request::new(Method::POST, "/messages")
        };
        let resp = client.execute(req).await.unwrap();
        assert_eq!(resp.status, 201);
        assert!(started.elapsed() < Duration::from_secs(2));
        let value: serde_json::Value = decode_json(&resp).unwrap();
        assert_eq!(value["data"]["id"], 7);
    }

    #[tokio::test]
    async fn retries_429_honouring_retry_after_http_date() {
        let server = MockServer::start().await;
        let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", date.as_str()))
            .up_to_n_times(2)
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(
            &server,
            fast()
                .base_delay(Duration::from_secs(10))
                .max_delay(Duration::from_secs(10)),
        );
        let started = Instant::now();
        assert_eq!(client.execute(get("/chats")).await.unwrap().status, 200);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn post_is_not_retried_on_503() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server, fast())
            .execute(Request::new(Method::POST, "/messages"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::UnexpectedStatus { status: 503, body_prefix, .. } if body_prefix == "upstream down"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn get_is_retried_on_503_then_succeeds() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(2)
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
            .expect(1)
            .mount(&server)
            .await;
        let resp = client(&server, fast())
            .execute(get("/chats"))
            .await
            .unwrap();
        assert_eq!((resp.status, &resp.body[..]), (200, &b"[]"[..]));
    }

    #[tokio::test]
    async fn gives_up_after_max_retries() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(502))
            .expect(3)
            .mount(&server)
            .await;
        let err = client(&server, fast().max_retries(2))
            .execute(Request::new(Method::DELETE, "/chats/1"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(502));
    }

    #[tokio::test]
    async fn exhausted_429_is_rate_limited() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "0")
                    .insert_header("x-request-id", "req-429"),
            )
            .expect(4)
            .mount(&server)
            .await;
        let err = client(&server, fast())
            .execute(Request::new(Method::POST, "/messages"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::RateLimited { retry_after: Some(d), .. } if d.is_zero()),
            "{err:?}"
        );
        assert_eq!(
            (err.status(), err.request_id()),
            (Some(429), Some("req-429"))
        );
        assert!(err.to_string().contains("rate limit"), "{err}");
    }


    #[tokio::test]
    async fn decode_error_carries_status_and_body_prefix() {
        let server = MockServer::start().await;
        let body = format!("<html>{}</html>", "x".repeat(1000));
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body.clone()))
            .mount(&server)
            .await;
        let resp = client(&server, fast())
            .execute(get("/chats"))
            .await
            .unwrap();
        let err = decode_json::<serde_json::Value>(&resp).unwrap_err();
        let Error::Decode {
            status,
            body_prefix,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!((*status, body_prefix.as_str()), (200, &body[..512]));
        assert!(std::error::Error::source(&err).is_some());
        assert!(err.to_string().contains("HTTP 200"), "{err}");
    }

    #[tokio::test]
    async fn authorization_header_only_when_requested() {
        let server = MockServer::start().await;
        let bearer = format!("Bearer {TOKEN}");
        Mock::given(path("/authed"))
            .and(header("authorization", bearer.as_str()))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/public"))
            .and(no_authorization)
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/upload"))
            .and(no_authorization)
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server, RetryPolicy::none());
        client.execute(get("/authed")).await.unwrap();
        client
            .execute(Request {
                auth: false,
                ..get("/public")
            })
            .await
            .unwrap();
        // execute_absolute_with never authenticates, even when asked to.
        client
            .execute_absolute_with(&format!("{}/upload", server.uri()), get("ignored"), &RequestOptions::default())
            .await
            .unwrap();
        // Default headers.
        let requests = server.received_requests().await.unwrap();
        assert!(requests.iter().all(|r| r
            .headers
            .get("user-agent")
            .is_some_and(|v| v == TestApi::USER_AGENT)));
        assert!(requests.iter().all(|r| r
            .headers
            .get("accept")
            .is_some_and(|v| v == "application/json")));
    }

    #[tokio::test]
    async fn multipart_upload_is_rebuilt_for_each_attempt() {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/bucket"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/bucket"))
            .and(no_authorization)
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let req = Request {
            body: Body::Multipart(vec![
                Part::text("key", "attaches/files/1/${filename}"),
                Part::file(
                    "file",
                    "hello.txt",
                    Some("text/plain".to_owned()),
                    &b"hello world"[..],
                ),
            ]),
            ..Request::new(Method::PUT, "")
        };
        let resp = client(&server, fast())
            .execute_absolute_with(&format!("{}/bucket", server.uri()), req, &RequestOptions::default())
            .await
            .unwrap();
        assert_eq!(resp.status, 204);
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2);
        for r in &requests {
            let body = String::from_utf8_lossy(&r.body);
            assert!(
                body.contains("name=\"key\"\r\n\r\nattaches/files/1/${filename}\r\n"),
                "{body}"
            );
            let file = "name=\"file\"; filename=\"hello.txt\"\r\nContent-Type: text/plain\r\n\r\nhello world\r\n";
            assert!(body.contains(file), "{body}");
            let ct = r
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
            // Storage services reject chunked uploads: the length must be known.
            assert_eq!(
                r.headers
                    .get("content-length")
                    .and_then(|v| v.to_str().ok()),
                Some(r.body.len().to_string().as_str())
            );
        }
    }

    #[tokio::test]
    async fn base_url_prefix_query_and_path_encoding() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/shared/v1/tags/a%2Fb%20c"))
            .and(query_param("query", "x&y=z"))
            .and(query_param("limit", "5"))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(&server)
            .await;
        let client = TestClient::builder()
            .token(TOKEN)
            .base_url(format!("{}/api/shared/v1/", server.uri()))
            .build()
            .unwrap();
        let mut req = get(&format!("/tags/{}", percent_encode_path_segment("a/b c")));
        req.query = vec![("query", "x&y=z".to_owned()), ("limit", 5.to_string())];
        client.execute(req).await.unwrap();
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode_path_segment("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            percent_encode_path_segment("a/b?c#d%e f"),
            "a%2Fb%3Fc%23d%25e%20f"
        );
        assert_eq!(percent_encode_path_segment("чат"), "%D1%87%D0%B0%D1%82");
    }

    #[tokio::test]
    async fn timeout_maps_to_timeout_error() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
            .expect(2)
            .mount(&server)
            .await;
        let client = TestClient::builder()
            .token(TOKEN)
            .base_url(server.uri())
            .timeout(Duration::from_millis(50))
            .retry_policy(fast().max_retries(1))
            .build()
            .unwrap();
        // POST times out once and is not retried; GET is retried once.
        let post = Request::for_operation("Things_create", Method::POST, "/x");
        let err = client.execute(post).await.unwrap_err();
        assert!(matches!(&err, Error::Timeout { .. }), "{err:?}");
        assert_eq!(err.request(), Some(&RequestInfo::new(Some("Things_create"), "POST", "/x")));
        assert_eq!(err.to_string(), "POST /x (Things_create): the request timed out");
        assert!(matches!(
            client.execute(get("/x")).await,
            Err(Error::Timeout { .. })
        ));
    }

    #[tokio::test]
    async fn connection_errors_are_transport_errors() {
        // Reserve a local port, then close it so that connecting is refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = TestClient::builder()
            .token(TOKEN)
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry_policy(fast())
            .build()
            .unwrap();
        let err = client.execute(get("/chats")).await.unwrap_err();
        assert!(
            matches!(&err, Error::Transport(e) if e.is_connect()),
            "{err:?}"
        );
        assert_eq!(err.status(), None);
    }

    async fn fetch_page(client: &TestClient, cursor: Option<String>) -> Result<Page<u32>, Error> {
        #[derive(serde::Deserialize)]
        struct Body {
            data: Vec<u32>,
            meta: Meta,
        }
        #[derive(serde::Deserialize)]
        struct Meta {
            paginate: Paginate,
        }
        #[derive(serde::Deserialize)]
        struct Paginate {
            next_page: Option<String>,
        }
        let mut req = get("/users");
        req.query.push(("limit", "2".to_owned()));
        req.query.extend(cursor.map(|c| ("cursor", c)));
        let body: Body = decode_json(&client.execute(req).await?)?;
        Ok(Page {
            items: body.data,
            next_cursor: body.meta.paginate.next_page,
        })
    }

    fn page_body(data: &[u32], next: Option<&str>) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"data": data, "meta": {"paginate": {"next_page": next}}}),
        )
    }

    #[tokio::test]
    async fn paginates_across_three_pages() {
        let server = MockServer::start().await;
        // wiremock prefers the mock mounted first, so the cursor-specific ones go first.
        Mock::given(query_param("cursor", "p2"))
            .respond_with(page_body(&[3, 4], Some("p3")))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(query_param("cursor", "p3"))
            .respond_with(page_body(&[5], None))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/users"))
            .respond_with(page_body(&[1, 2], Some("p2")))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server, fast());
        let items: Vec<u32> = paginate(None, |cursor| fetch_page(&client, cursor))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, [1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn repeated_cursor_stops_pagination() {
        let server = MockServer::start().await;
        Mock::given(query_param("cursor", "p2"))
            .respond_with(page_body(&[3], Some("p2")))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/users"))
            .respond_with(page_body(&[1, 2], Some("p2")))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server, fast());
        let mut stream = std::pin::pin!(paginate(None, |cursor| fetch_page(&client, cursor)));
        let mut items = Vec::new();
        let err = loop {
            match stream.try_next().await {
                Ok(Some(item)) => items.push(item),
                Ok(None) => panic!("stream ended without an error"),
                Err(e) => break e,
            }
        };
        assert_eq!(items, [1, 2, 3]);
        assert!(
            matches!(&err, Error::RepeatedCursor { cursor } if cursor == "p2"),
            "{err:?}"
        );
        assert!(stream.try_next().await.unwrap().is_none());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let client = TestClient::builder().token(TOKEN).build().unwrap();
        assert_eq!(Some(client.base_url()), TestApi::DEFAULT_BASE_URL);
        let debug = format!("{client:?} {:?}", TestClient::builder().token(TOKEN));
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains("token: \"***\""), "{debug}");
    }

    #[test]
    fn api_without_a_server_needs_a_base_url() {
        let missing = Client::<Serverless>::builder().build();
        assert!(
            matches!(&missing, Err(Error::Config(m)) if m.contains("base_url")),
            "{missing:?}"
        );
        let client = Client::<Serverless>::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
    }

    #[test]
    fn builder_validation() {
        let local = || TestClient::builder().base_url("http://127.0.0.1:9");
        // TestApi requires a token.
        assert!(matches!(local().build(), Err(Error::Config(_))));
        assert!(matches!(local().token("  ").build(), Err(Error::Config(_))));
        // Serverless does not: no token, or a blank one, is fine.
        let optional = || Client::<Serverless>::builder().base_url("http://127.0.0.1:9");
        assert!(optional().build().is_ok());
        assert!(optional().token("  ").build().is_ok());
        assert!(matches!(
            optional().token("bad\ntoken").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(local().token("bad\ntoken").build(), Err(Error::Config(_))));
        for url in ["not a url", "ftp://example.com", "https://example.com/?q=1"] {
            assert!(
                matches!(
                    TestClient::builder().token(TOKEN).base_url(url).build(),
                    Err(Error::Config(_))
                ),
                "{url}"
            );
        }
        assert!(matches!(
            local().token(TOKEN).user_agent("bad\u{7f}").build(),
            Err(Error::Config(_))
        ));
        let client = TestClient::builder()
            .token(TOKEN)
            .base_url("http://localhost:8080/v1/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://localhost:8080/v1");
    }

    #[tokio::test]
    async fn optional_token_sends_no_authorization() {
        let server = MockServer::start().await;
        Mock::given(path("/public"))
            .and(no_authorization)
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::<Serverless>::builder()
            .base_url(server.uri())
            .build()
            .unwrap();
        assert_eq!(client.execute(get("/public")).await.unwrap().status, 204);
    }

    #[tokio::test]
    async fn a_retry_after_beyond_the_cap_ends_the_call_with_the_wait() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
            .expect(1)
            .mount(&server)
            .await;
        let started = Instant::now();
        let err = client(&server, RetryPolicy::default())
            .execute(Request::new(Method::POST, "/messages"))
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(
            matches!(&err, Error::RateLimited { retry_after: Some(d), .. } if d.as_secs() == 3600),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn the_deadline_bounds_the_whole_call() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .expect(1)
            .mount(&server)
            .await;
        // The back-off (at least 1 s) would cross the 200 ms deadline: no retry.
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_secs(2))
            .deadline(Duration::from_millis(200));
        let started = Instant::now();
        let err = client(&server, policy).execute(get("/chats")).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(err.status(), Some(503));
    }

    #[tokio::test]
    async fn per_request_options_and_the_response_capture() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(header("x-trace", "t-1"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-request-id", "req-7")
                    .set_body_string("{}")
                    .set_delay(Duration::from_millis(300)),
            )
            .mount(&server)
            .await;
        let client = client(&server, fast());
        // A timeout shorter than the answer, for this call only, and no retries.
        let short = RequestOptions::new()
            .timeout(Duration::from_millis(50))
            .retry_policy(RetryPolicy::none())
            .header("X-Trace", "t-1")
            .unwrap();
        assert!(matches!(client.execute_with(get("/chats"), &short).await, Err(Error::Timeout { .. })));
        let capture = super::super::options::ResponseCapture::new();
        let opts = RequestOptions::new().header("X-Trace", "t-1").unwrap().capture(&capture);
        assert!(capture.last().is_none());
        client.execute_with(get("/chats"), &opts).await.unwrap();
        let meta = capture.last().expect("recorded");
        assert_eq!((meta.status, meta.request_id.as_deref()), (200, Some("req-7")));
        assert_eq!(meta.url, format!("{}/chats", server.uri()));
        assert_eq!(&meta.body[..], b"{}");
        // Without options the client's settings apply (no extra header: no match).
        assert!(client.execute(get("/chats")).await.is_err());
    }

    #[tokio::test]
    async fn downloads_work_with_a_client_that_follows_redirects() {
        let server = MockServer::start().await;
        Mock::given(path("/exports/5"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/files/export.zip", server.uri())))
            .mount(&server)
            .await;
        Mock::given(path("/files/export.zip"))
            .respond_with(ResponseTemplate::new(200).set_body_string("PK"))
            .mount(&server)
            .await;
        // The client's own HTTP client does not follow: the 302 is the answer.
        let own = client(&server, fast());
        let resp = own.execute(get("/exports/5")).await.unwrap();
        assert_eq!(resp.status, 302);
        let expected = format!("{}/files/export.zip", server.uri());
        assert_eq!(super::super::response::redirect_location(&resp).unwrap(), expected);
        // A caller's reqwest::Client follows it; the location is where it ended.
        let following = TestClient::builder()
            .token(TOKEN)
            .base_url(server.uri())
            .http_client(reqwest::Client::new())
            .build()
            .unwrap();
        let resp = following.execute(get("/exports/5")).await.unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(super::super::response::redirect_location(&resp).unwrap(), expected);
    }
}
