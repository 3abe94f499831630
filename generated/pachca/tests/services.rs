//! The generated service methods against a loopback mock server: paths,
//! query strings, envelopes, pagination, uploads and error decoding.

use futures::StreamExt;
use pachca::models::{MessageEntityType, UploadParams};
use pachca::params::ListReadMembersParams;
use pachca::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("secret-token")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

/// Answers `/messages/7/read_member_ids` with three pages keyed by cursor.
async fn three_pages(server: &MockServer) {
    for (cursor, ids, next) in [(None, [1, 2], "c2"), (Some("c2"), [3, 4], "c3"), (Some("c3"), [5, 6], "")] {
        let mut mock = Mock::given(method("GET")).and(path("/messages/7/read_member_ids"));
        match cursor {
            Some(c) => mock = mock.and(query_param("cursor", c)),
            None => mock = mock.and(wiremock::matchers::query_param_is_missing("cursor")),
        }
        mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": ids, "meta": {"paginate": {"next_page": next}}})))
            .expect(1)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn pagination_follows_cursors_across_three_pages() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let all = client(&server)
        .read_members()
        .list_read_members_all(7, ListReadMembersParams::default().limit(2))
        .await
        .expect("all pages");
    assert_eq!(all, vec![1, 2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn stream_is_lazy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/7/read_member_ids"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [1, 2], "meta": {"paginate": {"next_page": "more"}}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let first: Vec<_> = client.read_members().list_read_members_stream(7, Default::default()).take(2).collect().await;
    assert_eq!(first.len(), 2, "two items come from one page; the second page is never requested");
}

#[tokio::test]
async fn repeated_cursor_stops_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/7/read_member_ids"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [1], "meta": {"paginate": {"next_page": "same"}}})))
        .mount(&server)
        .await;
    let err = client(&server)
        .read_members()
        .list_read_members_all(7, Default::default())
        .await
        .expect_err("a cursor that repeats must not loop forever");
    assert!(matches!(err, Error::RepeatedCursor { ref cursor } if cursor == "same"), "{err:?}");
}

#[tokio::test]
async fn api_error_is_decoded_with_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/404404"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-42")
                .set_body_json(json!({"errors": [{"key": "id", "value": null, "message": "not found", "code": "not_found", "payload": null}]})),
        )
        .mount(&server)
        .await;
    let err = client(&server).messages().get_message(404404).await.expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req-42"));
    assert!(err.is_not_found());
    let api_error = err.api_error().expect("an ApiError body");
    assert_eq!(api_error.errors[0].message, "not found");
    assert!(matches!(err, Error::Api { status: 404, .. }), "{err:?}");
    // The error names the operation, method and path it came from.
    let request = err.request().expect("the failed request");
    assert_eq!(
        (request.operation, request.method.as_str(), request.path.as_str()),
        (Some("MessageOperations_getMessage"), "GET", "/messages/404404")
    );
    assert_eq!(
        err.to_string(),
        "GET /messages/404404 (MessageOperations_getMessage): API error (HTTP 404, request id req-42): id: not found"
    );
}

#[tokio::test]
async fn decode_errors_name_the_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chats/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "not a number"}})))
        .mount(&server)
        .await;
    let err = client(&server).chats().get_chat(7).await.expect_err("an undecodable chat");
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert_eq!(err.request().and_then(|r| r.operation), Some("ChatOperations_getChat"));
    assert!(err.to_string().starts_with("GET /chats/7 (ChatOperations_getChat): failed to decode"), "{err}");
}

#[tokio::test]
async fn wrapper_body_and_query_enums_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chats"))
        .and(header("authorization", "Bearer secret-token"))
        .and(body_json(json!({"chat": {"name": "Ops"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {
            "id": 1, "name": "Ops", "created_at": "2025-01-01T00:00:00.000Z", "owner_id": 2, "member_ids": [2],
            "group_tag_ids": [], "channel": false, "archived": false, "personal": false, "public": false,
            "last_message_at": "2025-01-01T00:00:00.000Z", "meet_room_url": "https://meet.example/1"
        }})))
        .expect(1)
        .mount(&server)
        .await;
    let chat = client(&server)
        .chats()
        .create_chat(&pachca::models::ChatCreateRequestChat::new("Ops"))
        .await
        .expect("created");
    assert_eq!(chat.name, "Ops");
    assert_eq!(MessageEntityType::Discussion.as_str(), "discussion");
}

#[tokio::test]
async fn upload_file_end_to_end_without_token_at_storage() {
    let server = MockServer::start().await;
    let params = json!({
        "Content-Disposition": "attachment", "acl": "private", "policy": "p0l1cy",
        "x-amz-credential": "cred", "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-date": "20250101T000000Z",
        "x-amz-signature": "sig", "key": "attaches/files/1/${filename}", "direct_url": format!("{}/storage", server.uri())
    });
    let _: UploadParams = serde_json::from_value(params.clone()).expect("upload params decode");
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .and(header("authorization", "Bearer secret-token"))
        .respond_with(ResponseTemplate::new(201).set_body_json(params))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/storage"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let file = client(&server).upload_file("отчёт.pdf", b"%PDF-1.7".to_vec()).await.expect("uploaded");
    assert_eq!(file.key, "attaches/files/1/отчёт.pdf");
    assert_eq!((file.name.as_str(), file.size, file.mime_type.as_str()), ("отчёт.pdf", 8, "application/pdf"));
    let attachment = serde_json::to_value(file.attachment().expect("fits")).expect("encodes");
    assert_eq!(
        attachment,
        json!({"key": "attaches/files/1/отчёт.pdf", "name": "отчёт.pdf", "file_type": "file", "size": 8})
    );

    let requests = server.received_requests().await.expect("recorded");
    let storage: Vec<&Request> = requests.iter().filter(|r| r.url.path() == "/storage").collect();
    assert_eq!(storage.len(), 1);
    let upload = storage[0];
    assert!(upload.headers.get("authorization").is_none(), "the token must not reach the storage URL");
    let body = String::from_utf8_lossy(&upload.body);
    let key_at = body.find("name=\"key\"").expect("key field");
    let file_at = body.find("name=\"file\"").expect("file field");
    assert!(key_at < file_at, "text fields come before the file");
    assert!(body.contains("attaches/files/1/отчёт.pdf") && body.contains("%PDF-1.7"));
    let file_part = &body[file_at..];
    assert!(file_part.contains("Content-Type: application/pdf"), "the file part's type is guessed from its name: {file_part}");
    let length = upload.headers.get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    assert_eq!(length, Some(upload.body.len()), "a storage upload declares its length");
}

#[tokio::test]
async fn null_status_is_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/profile/status"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("null", "application/json"))
        .mount(&server)
        .await;
    assert_eq!(client(&server).profile().get_status().await.expect("ok"), None);
}

#[tokio::test]
async fn export_download_returns_the_redirect_location() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chats/exports/9"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "https://files.example/export-9.zip"))
        .mount(&server)
        .await;
    let url = client(&server).chats().download_export(9).await.expect("redirect");
    assert_eq!(url, "https://files.example/export-9.zip");
}

/// The raw query string of the only request `server` received.
async fn only_query(server: &MockServer) -> (String, String) {
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 1, "{requests:?}");
    (requests[0].url.path().to_owned(), requests[0].url.query().unwrap_or_default().to_owned())
}

fn empty_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {"paginate": {"next_page": null}}}))
}

/// The Pachca API is a Rails app: it reads arrays only as `key[]=v`, and
/// thread chats have ids beyond 32 bits (the spec's own example). Every
/// parameter of `GET /search/messages` is set; the expected query string is
/// written out by hand from the API's conventions.
#[tokio::test]
async fn search_messages_sends_rails_arrays_and_64_bit_ids() {
    use pachca::models::{MessageSearchSort, SortOrder};
    use pachca::params::SearchMessagesParams;
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/search/messages")).respond_with(empty_page()).mount(&server).await;
    let from = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").expect("date").with_timezone(&chrono::Utc);
    let to = chrono::DateTime::parse_from_rfc3339("2026-02-03T04:05:06Z").expect("date").with_timezone(&chrono::Utc);
    let params = SearchMessagesParams::default()
        .query("отчёт & план")
        .limit(20)
        .cursor("eyJpZCI6MX0")
        .order(SortOrder::Desc)
        .sort(MessageSearchSort::Relevance)
        .created_from(from)
        .created_to(to)
        .chat_ids(vec![198, 2_637_266_155])
        .user_ids(vec![12, 4_294_967_296])
        .active(true);
    let page = client(&server).search().search_messages(params).await.expect("search");
    assert!(page.items.is_empty() && page.next_cursor.is_none());
    let (path, query) = only_query(&server).await;
    assert_eq!(path, "/search/messages");
    assert_eq!(
        query,
        "query=%D0%BE%D1%82%D1%87%D1%91%D1%82+%26+%D0%BF%D0%BB%D0%B0%D0%BD&limit=20&cursor=eyJpZCI6MX0&order=desc&sort=relevance\
         &created_from=2026-01-02T03%3A04%3A05.000Z&created_to=2026-02-03T04%3A05%3A06.000Z\
         &chat_ids%5B%5D=198&chat_ids%5B%5D=2637266155&user_ids%5B%5D=12&user_ids%5B%5D=4294967296&active=true"
    );
}

/// `company_roles` of `GET /search/users` is an enum array: `company_roles[]=admin&company_roles[]=user`.
#[tokio::test]
async fn search_users_sends_enum_arrays_with_brackets() {
    use pachca::models::UserRole;
    use pachca::params::SearchUsersParams;
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/search/users")).respond_with(empty_page()).mount(&server).await;
    let params = SearchUsersParams::default().query("Ann").company_roles(vec![UserRole::Admin, UserRole::User]);
    client(&server).search().search_users(params).await.expect("search");
    let (_, query) = only_query(&server).await;
    assert_eq!(query, "query=Ann&company_roles%5B%5D=admin&company_roles%5B%5D=user");
}

/// A thread's chat id does not fit 32 bits; it goes into the path and the
/// query unchanged, and comes back in the model.
#[tokio::test]
async fn thread_chat_ids_beyond_32_bits_round_trip() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 5_000_000_001_i64, "entity_type": "thread", "entity_id": 2_637_266_155_i64, "chat_id": 2_637_266_155_i64,
                      "root_chat_id": 198, "content": "hi", "user_id": 12, "created_at": "2020-06-08T09:32:57.000Z",
                      "url": "https://app.pachca.com/chats/198?message=1", "files": [], "buttons": [], "thread": null,
                      "forwarding": null, "parent_message_id": null, "display_avatar_url": null, "display_name": null, "changed_at": null, "deleted_at": null}],
            "meta": {"paginate": {"next_page": null}}
        })))
        .mount(&server)
        .await;
    let page = client(&server)
        .messages()
        .list_chat_messages(2_637_266_155, pachca::params::ListChatMessagesParams::default())
        .await
        .expect("list");
    let (_, query) = only_query(&server).await;
    assert_eq!(query, "chat_id=2637266155");
    assert_eq!(page.items[0].chat_id, 2_637_266_155);
    assert_eq!(page.items[0].id, 5_000_000_001);
}

/// Per-call options on a generated method: an extra header goes out, the
/// response's status and request id come back through the capture, and the
/// server's timestamp text is decoded.
#[tokio::test]
async fn a_call_with_options_sends_headers_and_captures_the_response() {
    use pachca::{RequestOptions, ResponseCapture};
    let server = MockServer::start().await;
    let chat = json!({"data": {
        "id": 2_637_266_155_i64, "name": "Ops", "created_at": "2020-06-08T09:32:57.000Z", "owner_id": 12,
        "member_ids": [12, 4_294_967_296_i64], "group_tag_ids": [], "channel": false, "archived": false,
        "personal": false, "public": true, "last_message_at": "2020-06-08T09:32:57.000Z", "meet_room_url": "https://meet.pachca.com/x"
    }});
    Mock::given(method("GET"))
        .and(path("/chats/2637266155"))
        .and(header("x-idempotency-probe", "p-1"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-9").set_body_json(chat))
        .expect(1)
        .mount(&server)
        .await;
    let capture = ResponseCapture::new();
    let options = RequestOptions::new()
        .header("X-Idempotency-Probe", "p-1")
        .expect("valid header")
        .timeout(std::time::Duration::from_secs(5))
        .capture(&capture);
    let chat = client(&server).chats().with_options(options).get_chat(2_637_266_155).await.expect("chat");
    assert_eq!((chat.id, chat.member_ids[1]), (2_637_266_155, 4_294_967_296));
    let meta = capture.last().expect("captured");
    assert_eq!((meta.status, meta.request_id.as_deref()), (200, Some("req-9")));
}

/// A stream owns its client: it outlives the service handle and the client
/// it came from, and runs on another task.
#[tokio::test]
async fn a_stream_can_be_spawned() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let stream = {
        let client = client(&server);
        client.read_members().list_read_members_stream(7, ListReadMembersParams::default().limit(2))
    };
    let items: Vec<i64> = tokio::spawn(stream.map(|r| r.expect("item")).collect::<Vec<_>>()).await.expect("task");
    assert_eq!(items, [1, 2, 3, 4, 5, 6]);
}

/// Two ids of different things go by name, and 64-bit ids reach the path.
#[tokio::test]
async fn two_ids_are_named_on_the_call_and_placed_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/chats/2637266155/members/186"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let path = pachca::params::RemoveMemberPath { id: 2_637_266_155, user_id: 186 };
    client(&server).members().remove_member(path).await.expect("removed");
}
