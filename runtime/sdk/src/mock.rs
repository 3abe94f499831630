//! A loopback mock of the API for testing code that uses this crate
//! (feature `mock`), built on [`wiremock`].
//!
//! [`MockServer::start`] starts a server; [`MockServer::client`] gives a
//! client pointed at it. Each operation has a typed helper generated beside
//! this module, which answers with values of the operation's own response
//! type, wrapped the way the API wraps them (the `data` envelope, a page's
//! `meta`), so a test builds the answer with the models' builders and never
//! writes JSON by hand. Anything not mocked answers `404`.
//!
//! The helpers match the method and the path template
//! (`/chats/{id}/members` matches any id); [`MockOperation::path`] narrows
//! one to a concrete path, [`MockOperation::expect`] sets how many calls are
//! expected (checked when the server is dropped), and
//! [`MockServer::received`] lists what was sent.

use std::marker::PhantomData;

use serde::Serialize;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

use super::client::{Api, Client, ClientBuilder};
use super::pagination::Page;
use super::retry::RetryPolicy;

/// How an operation's success body is wrapped on the wire.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// The value is the body.
    None,
    /// `{"data": value}`.
    Data,
    /// `{"data": [items], "meta": {"paginate": {"next_page": cursor}}}`.
    Page,
    /// No body.
    Empty,
    /// A redirect: the value is the `Location`.
    Redirect,
}

/// What a helper needs to know about its operation (written by the generator).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct OperationShape {
    /// The operation id.
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template, `{name}` for each parameter.
    pub path: &'static str,
    /// The documented success status.
    pub status: u16,
    /// How the success body is wrapped.
    pub envelope: Envelope,
}

/// A mock server for the API `A` on loopback (the generated crate names
/// its own `MockServer`).
pub struct MockServer<A> {
    server: wiremock::MockServer,
    _api: PhantomData<fn() -> A>,
}

impl<A> std::fmt::Debug for MockServer<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("uri", &self.server.uri()).finish()
    }
}

impl<A: Api> MockServer<A> {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        Self { server: wiremock::MockServer::start().await, _api: PhantomData }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A builder for a client of this server: the base URL set, token
    /// `mock-token`, no retries (so a mocked error is returned at once).
    pub fn client_builder(&self) -> ClientBuilder<A> {
        Client::<A>::builder().base_url(self.uri()).token("mock-token").retry_policy(RetryPolicy::none())
    }

    /// A client of this server (see [`MockServer::client_builder`]).
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`].
    pub fn client(&self) -> Result<Client<A>, super::error::Error> {
        self.client_builder().build()
    }

    /// The requests received so far, in order.
    pub async fn received(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The underlying [`wiremock::MockServer`], for matchers the typed
    /// helpers do not offer.
    pub fn inner(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// A helper for one operation (the generated helpers call this).
    #[doc(hidden)]
    pub fn operation<T>(&self, shape: OperationShape) -> MockOperation<'_, T> {
        MockOperation { server: &self.server, shape, path: None, times: None, _answer: PhantomData }
    }
}

/// The mock of one operation: answer it with [`respond`](Self::respond),
/// [`respond_page`](Self::respond_page) or
/// [`respond_error`](Self::respond_error).
#[must_use = "a mock does nothing until one of its respond methods is awaited"]
#[derive(Debug)]
pub struct MockOperation<'s, T> {
    server: &'s wiremock::MockServer,
    shape: OperationShape,
    path: Option<String>,
    times: Option<u64>,
    _answer: PhantomData<fn() -> T>,
}

impl<T> MockOperation<'_, T> {
    /// Matches only this concrete path (`/chats/7/members`) instead of any
    /// path of the operation's template.
    pub fn path(mut self, concrete: impl Into<String>) -> Self {
        self.path = Some(concrete.into());
        self
    }

    /// Expects exactly `times` calls; checked when the server is dropped.
    pub fn expect(mut self, times: u64) -> Self {
        self.times = Some(times);
        self
    }

    /// Answers with `status` and `body` as JSON, e.g. an API error.
    pub async fn respond_error(self, status: u16, body: serde_json::Value) {
        self.mount(ResponseTemplate::new(status).set_body_json(body)).await;
    }

    /// Answers with any response, for cases the typed methods do not cover.
    pub async fn respond_with(self, response: ResponseTemplate) {
        self.mount(response).await;
    }

    async fn mount(self, response: ResponseTemplate) {
        let matcher = Mock::given(method(self.shape.method));
        let mut mock = match &self.path {
            Some(concrete) => matcher.and(path(concrete.as_str())),
            None => matcher.and(path_regex(template_regex(self.shape.path))),
        }
        .respond_with(response)
        .named(self.shape.id);
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        mock.mount(self.server).await;
    }
}

impl<T: Serialize> MockOperation<'_, T> {
    /// Answers with `value`, wrapped as the operation's responses are, with
    /// its documented success status.
    pub async fn respond(self, value: T) {
        let status = self.shape.status;
        let response = match self.shape.envelope {
            Envelope::None => ResponseTemplate::new(status).set_body_json(&value),
            Envelope::Data => ResponseTemplate::new(status).set_body_json(serde_json::json!({ "data": &value })),
            Envelope::Page => ResponseTemplate::new(status)
                .set_body_json(serde_json::json!({ "data": &value, "meta": { "paginate": { "next_page": null } } })),
            Envelope::Empty => ResponseTemplate::new(status),
            Envelope::Redirect => {
                let location = serde_json::to_value(&value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                ResponseTemplate::new(status).insert_header("location", location.as_str())
            }
        };
        self.mount(response).await;
    }
}

impl<I: Serialize> MockOperation<'_, Page<I>> {
    /// Answers with one page: `items`, and `next` as the cursor of the next
    /// page (`None` on the last). Mock several pages by matching the
    /// `cursor` query parameter with [`MockServer::inner`], or answer the
    /// first call only with `.expect(1)`.
    pub async fn respond_page(self, items: Vec<I>, next: Option<&str>) {
        let body = serde_json::json!({ "data": items, "meta": { "paginate": { "next_page": next } } });
        let status = self.shape.status;
        self.mount(ResponseTemplate::new(status).set_body_json(body)).await;
    }
}

/// `^/chats/[^/]+/members$` for `/chats/{id}/members`.
fn template_regex(template: &str) -> String {
    let mut out = String::from("^");
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&regex_escape(&rest[..open]));
        out.push_str("[^/]+");
        rest = rest[open..].find('}').map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(&regex_escape(rest));
    out.push('$');
    out
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::client::Request;
    use super::super::error::Error;
    use super::*;
    use reqwest::Method;

    struct TestApi;

    impl Api for TestApi {
        const DEFAULT_BASE_URL: Option<&'static str> = None;
        const TOKEN_REQUIRED: bool = true;
        const USER_AGENT: &'static str = "mock-test/1.0";
    }

    const GET_CHAT: OperationShape =
        OperationShape { id: "getChat", method: "GET", path: "/chats/{id}", status: 200, envelope: Envelope::Data };

    #[test]
    fn templates_match_any_segment_and_nothing_else() {
        assert_eq!(template_regex("/chats/{id}/members/{user_id}"), "^/chats/[^/]+/members/[^/]+$");
        assert_eq!(template_regex("/a.b"), "^/a\\.b$");
    }

    #[tokio::test]
    async fn answers_in_the_envelope_and_counts_calls() {
        let mock = MockServer::<TestApi>::start().await;
        mock.operation::<serde_json::Value>(GET_CHAT).expect(1).respond(serde_json::json!({"id": 7})).await;
        let client = mock.client().expect("client");
        let resp = client.execute(Request::for_operation("getChat", Method::GET, "/chats/7")).await.expect("answered");
        assert_eq!(resp.status, 200);
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&resp.body).ok(), Some(serde_json::json!({"data": {"id": 7}})));
        let other = client.execute(Request::for_operation("getChat", Method::GET, "/chats/7/members")).await;
        assert!(matches!(other, Err(Error::Api { status: 404, .. }) | Err(Error::UnexpectedStatus { status: 404, .. })), "{other:?}");
        assert_eq!(mock.received().await.len(), 2);
    }
}
