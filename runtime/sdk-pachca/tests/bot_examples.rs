//! The examples a bot author starts from (`examples/`), compiled into this
//! test and run against a loopback mock of the API: what each one sends on
//! the wire and what it returns.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use pachca::{Client, RetryPolicy};
use serde_json::{json, Value};
use sha2::Sha256;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[allow(dead_code)]
#[path = "../examples/webhook_bot.rs"]
mod webhook_bot;

#[allow(dead_code)]
#[path = "../examples/paging.rs"]
mod paging;

#[allow(dead_code)]
#[path = "../examples/error_handling.rs"]
mod error_handling;

#[cfg(feature = "rate-limit")]
#[allow(dead_code)]
#[path = "../examples/rate_limited.rs"]
mod rate_limited;

#[allow(dead_code)]
#[path = "../examples/send_message.rs"]
mod send_message;

#[allow(dead_code)]
#[path = "../examples/list_users.rs"]
mod list_users;

#[allow(dead_code)]
#[path = "../examples/features.rs"]
mod features;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("bot-token")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

/// A `Message` as the API returns it.
fn message(id: i64, chat_id: i64, content: &str) -> Value {
    json!({
        "id": id, "entity_type": "discussion", "entity_id": chat_id, "chat_id": chat_id,
        "root_chat_id": chat_id, "content": content, "user_id": 99,
        "created_at": "2025-05-15T14:30:01.000Z", "url": format!("https://app.pachca.com/chats/{chat_id}?message={id}"),
        "files": [], "voice_content": null, "buttons": null, "thread": null, "forwarding": null,
        "parent_message_id": null, "changed_at": null, "deleted_at": null
    })
}

/// Answers `POST /messages` with the message it was sent, id `base + n` for
/// the n-th request, and records when each request came.
#[derive(Clone, Default)]
struct EchoMessages {
    received: Arc<Mutex<Vec<(Instant, Value)>>>,
}

impl Respond for EchoMessages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        let mut received = self.received.lock().expect("lock");
        received.push((Instant::now(), body.clone()));
        let chat_id = body["message"]["entity_id"].as_i64().expect("entity_id");
        let content = body["message"]["content"].as_str().expect("content");
        let id = 1000 + i64::try_from(received.len()).expect("count");
        ResponseTemplate::new(201).set_body_json(json!({"data": message(id, chat_id, content)}))
    }
}

// --- webhook_bot ----------------------------------------------------------

const SECRET: &str = "whsec_test";
const THREAD_CHAT: i64 = 2_637_266_155;

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn now() -> i64 {
    i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs()).expect("fits")
}

/// A message webhook as the spec documents it (`MessageWebhookPayload`).
fn message_hook(event: &str, entity_type: &str, chat_id: i64, thread: Value, user_id: i64, timestamp: i64) -> String {
    json!({
        "type": "message", "id": 5678, "event": event, "entity_type": entity_type, "entity_id": chat_id,
        "content": "Is the build green?", "user_id": user_id, "created_at": "2025-05-15T14:30:00.000Z",
        "changed_at": null, "url": format!("https://pachca.com/chats/{chat_id}/messages/5678"), "chat_id": chat_id,
        "parent_message_id": null, "thread": thread, "webhook_timestamp": timestamp
    })
    .to_string()
}

/// The bot's router served on a loopback port of its own.
async fn start_bot(server: &MockServer) -> SocketAddr {
    let bot = webhook_bot::Bot {
        client: client(server),
        verifier: pachca::webhook::WebhookVerifier::new(SECRET),
        bot_user_id: Some(99),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, webhook_bot::app(Arc::new(bot))).await });
    addr
}

async fn post_hook(addr: SocketAddr, body: &str, signature: Option<&str>) -> u16 {
    // Plain HTTP; the TLS provider was installed by `pachca::Client::build`.
    let mut request = pachca::reqwest::Client::new().post(format!("http://{addr}/webhook")).body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("Pachca-Signature", signature);
    }
    request.send().await.expect("the bot answers").status().as_u16()
}

/// Mounts `POST /messages/5678/thread` (expected `times`) and `POST
/// /messages` echoing, and returns the recorder of the latter.
async fn mock_thread_api(server: &MockServer, thread_times: u64) -> EchoMessages {
    Mock::given(method("POST"))
        .and(path("/messages/5678/thread"))
        .and(header("authorization", "Bearer bot-token"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {
            "id": 265_142, "chat_id": THREAD_CHAT, "message_id": 5678, "message_chat_id": 9012,
            "updated_at": "2025-05-15T14:30:01.000Z"
        }})))
        .expect(thread_times)
        .mount(server)
        .await;
    let echo = EchoMessages::default();
    Mock::given(method("POST")).and(path("/messages")).respond_with(echo.clone()).mount(server).await;
    echo
}

fn bodies(echo: &EchoMessages) -> Vec<Value> {
    echo.received.lock().expect("lock").iter().map(|(_, b)| b.clone()).collect()
}

#[tokio::test]
async fn webhook_bot_replies_in_the_thread_of_a_signed_new_message() {
    let server = MockServer::start().await;
    let echo = mock_thread_api(&server, 1).await;
    let addr = start_bot(&server).await;

    let body = message_hook("new", "discussion", 9012, Value::Null, 2345, now());
    assert_eq!(post_hook(addr, &body, Some(&sign(SECRET, body.as_bytes()))).await, 200);

    // The thread is made for message 5678 first, then the reply goes into the
    // thread's chat, quoting the message and mentioning its author.
    let requests = server.received_requests().await.expect("recording");
    let calls: Vec<_> = requests.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect();
    assert_eq!(calls, ["POST /messages/5678/thread", "POST /messages"]);
    assert_eq!(
        bodies(&echo),
        [json!({"message": {"entity_id": THREAD_CHAT, "content": "Got it, <@2345>: \"Is the build green?\""}})]
    );
}

#[tokio::test]
async fn webhook_bot_answers_401_to_a_bad_signature_and_posts_nothing() {
    let server = MockServer::start().await;
    let echo = mock_thread_api(&server, 0).await;
    let addr = start_bot(&server).await;

    let body = message_hook("new", "discussion", 9012, Value::Null, 2345, now());
    let other_secret = sign("not-the-secret", body.as_bytes());
    assert_eq!(post_hook(addr, &body, Some(&other_secret)).await, 401, "wrong secret");
    assert_eq!(post_hook(addr, &body, None).await, 401, "no signature");
    assert_eq!(post_hook(addr, &body, Some("zz")).await, 401, "not hex");
    let tampered = body.replace("green", "red");
    assert_eq!(post_hook(addr, &tampered, Some(&sign(SECRET, body.as_bytes()))).await, 401, "altered body");
    // Correctly signed but 10 minutes old: a replay.
    let old = message_hook("new", "discussion", 9012, Value::Null, 2345, now() - 600);
    assert_eq!(post_hook(addr, &old, Some(&sign(SECRET, old.as_bytes()))).await, 401, "stale timestamp");

    assert!(server.received_requests().await.expect("recording").is_empty(), "nothing reached the API");
    assert!(bodies(&echo).is_empty());
}

#[tokio::test]
async fn webhook_bot_acknowledges_what_it_does_not_answer() {
    let server = MockServer::start().await;
    let echo = mock_thread_api(&server, 0).await;
    let addr = start_bot(&server).await;

    let edited = message_hook("update", "discussion", 9012, Value::Null, 2345, now());
    let own = message_hook("new", "discussion", 9012, Value::Null, 99, now());
    let reaction = json!({
        "type": "reaction", "event": "new", "message_id": 5678, "code": "👍", "name": "+1",
        "user_id": 2345, "created_at": "2025-05-15T14:30:00.000Z", "webhook_timestamp": now()
    })
    .to_string();
    for (what, body) in [("an edit", edited), ("the bot's own message", own), ("a reaction", reaction)] {
        assert_eq!(post_hook(addr, &body, Some(&sign(SECRET, body.as_bytes()))).await, 200, "{what}");
    }
    assert!(server.received_requests().await.expect("recording").is_empty());
    assert!(bodies(&echo).is_empty());
}

#[tokio::test]
async fn webhook_bot_answers_a_thread_message_in_that_thread() {
    let server = MockServer::start().await;
    let echo = mock_thread_api(&server, 0).await;
    let client = client(&server);

    // A message posted inside a thread: its chat is the thread's chat, and
    // no thread can be made for it, so the reply goes straight there.
    let thread = json!({"message_id": 1111, "message_chat_id": 9012});
    let body = message_hook("new", "thread", THREAD_CHAT, thread, 2345, now());
    let payload = pachca::webhook::WebhookVerifier::new(SECRET)
        .verify(body.as_bytes(), &sign(SECRET, body.as_bytes()))
        .expect("verified");
    let outcome = webhook_bot::handle(&client, &payload, Some(99)).await.expect("handled");
    let webhook_bot::Outcome::Replied { thread_chat_id, reply } = outcome else { panic!("no reply: {outcome:?}") };
    assert_eq!((thread_chat_id, reply.id, reply.chat_id), (THREAD_CHAT, 1001, THREAD_CHAT));
    assert_eq!(bodies(&echo)[0]["message"]["entity_id"], json!(THREAD_CHAT));
    let calls = server.received_requests().await.expect("recording");
    assert_eq!(calls.len(), 1, "no POST /messages/{{id}}/thread");
}

// --- paging ---------------------------------------------------------------

fn chat(id: i64, name: &str, channel: bool, last_message_at: &str) -> Value {
    json!({
        "id": id, "name": name, "created_at": "2024-01-01T00:00:00.000Z", "owner_id": 12, "member_ids": [12],
        "group_tag_ids": [], "channel": channel, "archived": false, "personal": false, "public": true,
        "last_message_at": last_message_at, "meet_room_url": "https://meet.pachca.com/x"
    })
}

#[tokio::test]
async fn paging_walks_every_chat_across_pages() {
    let server = MockServer::start().await;
    let pages = [
        (None, vec![chat(1, "general", true, "2025-06-01T10:00:00.000Z"), chat(2, "old", false, "2024-02-01T10:00:00.000Z")], "p2"),
        (Some("p2"), vec![chat(3, "news", true, "2025-06-02T10:00:00.000Z"), chat(4, "archive-me", false, "2024-03-01T10:00:00.000Z")], "p3"),
        (Some("p3"), vec![chat(5, "team", false, "2025-06-03T10:00:00.000Z")], ""),
    ];
    for (cursor, data, next) in pages {
        let mock = Mock::given(method("GET")).and(path("/chats")).and(query_param("limit", "50"));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(query_param_is_missing("cursor")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": data, "meta": {"paginate": {"next_page": next}}})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let cutoff = "2025-01-01T00:00:00Z".parse().expect("a date");
    let mut streamed = Vec::new();
    let report = paging::run(&client(&server), cutoff, |c| streamed.push(c.name.clone())).await.expect("all pages");

    assert_eq!(streamed, ["general", "old", "news", "archive-me", "team"], "each chat handed over as it came");
    assert_eq!(
        report,
        paging::ChatReport {
            seen: vec![1, 2, 3, 4, 5],
            channels: 2,
            quiet: vec![(2, "old".to_owned()), (4, "archive-me".to_owned())],
        }
    );
    assert_eq!(server.received_requests().await.expect("recording").len(), 3, "one request a page");
}

#[tokio::test]
async fn paging_stops_at_a_failing_page_with_its_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chats"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [chat(1, "general", true, "2025-06-01T10:00:00.000Z")], "meta": {"paginate": {"next_page": "p2"}}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/chats"))
        .and(query_param("cursor", "p2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": "insufficient_scope", "error_description": "chats:read"})))
        .mount(&server)
        .await;
    let mut seen = 0;
    let err = paging::run(&client(&server), chrono::DateTime::UNIX_EPOCH, |_| seen += 1).await.expect_err("page 2 fails");
    assert_eq!((seen, err.status()), (1, Some(403)), "{err}");
}

// --- error_handling -------------------------------------------------------

async fn failing_send(template: ResponseTemplate) -> error_handling::ErrorReport {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages"))
        .and(body_json(json!({"message": {"entity_id": 334, "content": "hi"}})))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    error_handling::send(&client(&server), 334, "hi").await.expect_err("the API refuses")
}

#[tokio::test]
async fn error_handling_reads_a_validation_error() {
    let report = failing_send(
        ResponseTemplate::new(422).insert_header("x-request-id", "req-422").set_body_json(json!({"errors": [
            {"key": "content", "value": null, "message": "Field cannot be empty", "code": "blank", "payload": null},
            {"key": "entity_id", "value": "334", "message": "Chat not found", "code": "not_found", "payload": null}
        ]})),
    )
    .await;
    assert_eq!(
        report,
        error_handling::ErrorReport {
            status: Some(422),
            operation: Some("MessageOperations_createMessage"),
            request: Some("POST /messages".to_owned()),
            request_id: Some("req-422".to_owned()),
            action: error_handling::Action::FixRequest(vec![
                "content: blank (Field cannot be empty)".to_owned(),
                "entity_id: not_found (Chat not found)".to_owned(),
            ]),
        }
    );
}

#[tokio::test]
async fn error_handling_reads_rate_limits_tokens_and_missing_chats() {
    use error_handling::Action;

    let limited = failing_send(ResponseTemplate::new(429).insert_header("retry-after", "7").insert_header("x-request-id", "req-429")).await;
    assert_eq!((limited.status, limited.request_id.as_deref()), (Some(429), Some("req-429")));
    assert_eq!(limited.action, Action::RetryLater(Some(Duration::from_secs(7))));

    let limit_code = failing_send(ResponseTemplate::new(422).set_body_json(json!({"errors": [
        {"key": "message", "value": null, "message": "Rate limit reached", "code": "rate_limit", "payload": null}
    ]})))
    .await;
    assert_eq!(limit_code.action, Action::RetryLater(None));

    let token = failing_send(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_token", "error_description": "The access token is invalid"}))).await;
    assert_eq!(token.action, Action::CheckToken("invalid_token: The access token is invalid".to_owned()));

    let gone = failing_send(ResponseTemplate::new(404).set_body_json(json!({"errors": [
        {"key": "entity_id", "value": "334", "message": "Not found", "code": "not_found", "payload": null}
    ]})))
    .await;
    assert_eq!((gone.status, gone.action), (Some(404), Action::NotFound));

    let broken = failing_send(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>")).await;
    assert_eq!((broken.status, broken.action, broken.request.as_deref()), (Some(502), Action::Report, Some("POST /messages")));
}

// --- rate_limited ---------------------------------------------------------

#[cfg(feature = "rate-limit")]
#[tokio::test]
async fn rate_limited_spaces_messages_per_chat_and_writes_chats_side_by_side() {
    let server = MockServer::start().await;
    let echo = EchoMessages::default();
    Mock::given(method("POST")).and(path("/messages")).respond_with(echo.clone()).expect(6).mount(&server).await;

    // Pachca's own limits: 4 messages per second into a chat, 250 ms apart.
    let limiter = pachca::rate_limit::RateLimiter::pachca_defaults();
    let start = Instant::now();
    let sent = rate_limited::announce(&client(&server), &limiter, &[334, 335], &["one", "two", "three"]).await.expect("sent");
    let elapsed = start.elapsed();

    assert_eq!(sent.iter().map(|s| s.chat_id).collect::<Vec<_>>(), [334, 335]);
    let mut ids: Vec<i64> = sent.iter().flat_map(|s| s.message_ids.iter().copied()).collect();
    ids.sort_unstable();
    assert_eq!(ids, [1001, 1002, 1003, 1004, 1005, 1006]);
    // Two chats of three messages: two 250 ms waits each, side by side
    // (0.5 s), not one chat after the other (1.25 s).
    assert!(elapsed >= Duration::from_millis(480), "too fast: {elapsed:?}");
    assert!(elapsed < Duration::from_millis(1100), "chats waited for each other: {elapsed:?}");

    let received = echo.received.lock().expect("lock").clone();
    for chat_id in [334, 335] {
        let into_chat: Vec<_> = received.iter().filter(|(_, b)| b["message"]["entity_id"] == json!(chat_id)).collect();
        let texts: Vec<_> = into_chat.iter().map(|(_, b)| b["message"]["content"].as_str().unwrap_or_default()).collect();
        assert_eq!(texts, ["one", "two", "three"], "chat {chat_id}: in order");
        for pair in into_chat.windows(2) {
            let gap = pair[1].0 - pair[0].0;
            assert!(gap >= Duration::from_millis(240), "chat {chat_id}: {gap:?} between messages");
        }
    }
}

// --- send_message, list_users, features -------------------------------------

/// A `User` as the API returns it.
fn user(id: i64, first: &str, last: &str) -> Value {
    json!({
        "id": id, "first_name": first, "last_name": last, "nickname": "", "email": "", "phone_number": "",
        "department": "", "title": "", "role": "user", "suspended": false, "invite_status": "confirmed",
        "list_tags": [], "custom_properties": [], "user_status": null, "bot": false, "sso": false,
        "created_at": "2020-06-08T09:32:57.000Z", "last_activity_at": "2026-01-02T03:04:05.000Z",
        "time_zone": "Europe/Moscow", "image_url": null
    })
}

#[tokio::test]
async fn send_message_posts_the_text_to_the_chat() {
    let server = MockServer::start().await;
    let echo = EchoMessages::default();
    Mock::given(method("POST")).and(path("/messages")).respond_with(echo.clone()).expect(1).mount(&server).await;
    let sent = send_message::send(&client(&server), THREAD_CHAT, "Привет из Rust").await.expect("sent");
    assert_eq!((sent.id, sent.chat_id, sent.content.as_str()), (1001, THREAD_CHAT, "Привет из Rust"));
    assert_eq!(bodies(&echo), [json!({"message": {"entity_id": THREAD_CHAT, "content": "Привет из Rust"}})]);
}

#[tokio::test]
async fn list_users_follows_the_cursor_and_stops_at_max() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param("limit", "50"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [user(1, "Анна", "Петрова"), user(4_294_967_296, "Ivan", "Sidorov")],
            "meta": {"paginate": {"next_page": "p2"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .and(query_param("cursor", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [user(7, "Olga", "Ivanova"), user(8, "Never", "Read")],
            "meta": {"paginate": {"next_page": "p3"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let users = list_users::list(&client(&server), 3).await.expect("listed");
    assert_eq!(
        users,
        [(1, "Анна Петрова".to_owned()), (4_294_967_296, "Ivan Sidorov".to_owned()), (7, "Olga Ivanova".to_owned())]
    );
}

#[tokio::test]
async fn the_readme_tour_runs_every_step_against_the_api() {
    let server = MockServer::start().await;
    let echo = EchoMessages::default();
    Mock::given(method("POST")).and(path("/messages")).respond_with(echo.clone()).expect(2).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/messages/1001"))
        .and(header("x-client", "features-example"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-tour-1")
                .set_body_json(json!({"data": message(1001, 198, "Hello from Rust")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/messages/1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errors": [{"key": "id", "value": "1", "message": "not found", "code": "not_found"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "Content-Disposition": "attachment", "acl": "private", "policy": "p", "x-amz-credential": "c",
            "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-date": "20250101T000000Z", "x-amz-signature": "s",
            "key": "attaches/files/1/${filename}", "direct_url": format!("{}/storage", server.uri())
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/storage")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [user(1, "A", "B")], "meta": {"paginate": {"next_page": null}}})))
        .expect(1)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("pachca-tour-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("report.pdf");
    std::fs::write(&file, b"%PDF-1.7 tour").expect("write");

    let tour = features::tour(&client(&server), 198, Some(&file)).await.expect("every step");

    assert_eq!((tour.sent, tour.read_back, tour.request_id.as_deref()), (1001, 1001, Some("req-tour-1")));
    assert!(tour.message_1_missing, "the 404 is read as not found");
    assert_eq!(tour.users, 1);
    assert_eq!(tour.fixture.content, "fixture");
    let uploaded = tour.uploaded.expect("the file was uploaded");
    assert_eq!((uploaded.key.as_str(), uploaded.size, uploaded.mime_type.as_str()), ("attaches/files/1/report.pdf", 13, "application/pdf"));
    assert_eq!(
        bodies(&echo),
        [
            json!({"message": {"entity_id": 198, "content": "Hello from Rust"}}),
            json!({"message": {"entity_id": 198, "content": "The file", "files": [
                {"key": "attaches/files/1/report.pdf", "name": "report.pdf", "file_type": "file", "size": 13}
            ]}}),
        ]
    );
    std::fs::remove_dir_all(&dir).ok();
}
