//! Every operation of the API on the wire: each test calls one generated
//! method with every parameter and body field it has (optional ones too),
//! against a loopback server that records what arrives, and compares the
//! method, the path, the raw query string, the JSON body and the token with
//! literals written by hand from the spec and the API's conventions:
//!
//! - arrays in the query are Rails arrays, `key[]=v` per item (`key%5B%5D=v`
//!   once percent-encoded);
//! - ids are 64-bit (`2637266155`, `4294967296`), whatever the spec's `int32`;
//! - a date-time in the query is RFC 3339 with milliseconds (`...05.000Z`);
//! - a body is wrapped in its envelope where the spec has one (`{"chat": ...}`).
//!
//! Each server answers with a small valid response (the `{"data": ...}`
//! envelope, `meta.paginate.next_page` for lists), and each test checks a
//! decoded value, so the return path of every method runs too.
//!
//! `OPERATIONS` lists the operation ids covered; a test of the generator
//! fails naming any operation of the pinned spec missing from it.

use pachca::models::*;
use pachca::params::*;
use pachca::{Client, RetryPolicy, TimeOfDay};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The operation ids with a test here: all 77 of the spec.
const OPERATIONS: &[&str] = &[
    "SecurityOperations_getAuditEvents",
    "BotOperations_selfRecreateBotToken",
    "BotOperations_selfUpdateBotWebhook",
    "BotOperations_listBots",
    "BotOperations_createBot",
    "BotOperations_getBot",
    "BotOperations_updateBot",
    "BotOperations_deleteBot",
    "BotOperations_recreateBotToken",
    "ChatOperations_createChat",
    "ChatOperations_listChats",
    "ExportOperations_requestExport",
    "ExportOperations_downloadExport",
    "ChatOperations_getChat",
    "ChatOperations_updateChat",
    "ChatOperations_archiveChat",
    "ChatMemberOperations_addTags",
    "ChatMemberOperations_removeTag",
    "ChatMemberOperations_leaveChat",
    "ChatMemberOperations_listMembers",
    "ChatMemberOperations_addMembers",
    "ChatMemberOperations_removeMember",
    "ChatMemberOperations_updateMemberRole",
    "ChatOperations_unarchiveChat",
    "CommonOperations_listProperties",
    "DirectUploadOperations_uploadFile",
    "GroupTagOperations_createTag",
    "GroupTagOperations_listTags",
    "GroupTagOperations_getTag",
    "GroupTagOperations_updateTag",
    "GroupTagOperations_deleteTag",
    "GroupTagOperations_getTagUsers",
    "MessageOperations_createMessage",
    "ChatMessageOperations_listChatMessages",
    "MessageOperations_getMessage",
    "MessageOperations_updateMessage",
    "MessageOperations_deleteMessage",
    "LinkPreviewOperations_unfurl",
    "MessageOperations_pinMessage",
    "MessageOperations_unpinMessage",
    "ReactionOperations_addReaction",
    "ReactionOperations_removeReaction",
    "ReactionOperations_listReactions",
    "ReadMemberOperations_listReadMembers",
    "ThreadOperations_createThread",
    "OAuthOperations_getTokenInfo",
    "ProfileOperations_getProfile",
    "ProfileAvatarOperations_updateProfileAvatar",
    "ProfileAvatarOperations_deleteProfileAvatar",
    "ProfileOperations_getStatus",
    "ProfileOperations_updateStatus",
    "ProfileOperations_deleteStatus",
    "SearchOperations_searchChats",
    "SearchOperations_searchMessages",
    "SearchOperations_searchUsers",
    "TaskOperations_createTask",
    "TaskOperations_listTasks",
    "TaskOperations_getTask",
    "TaskOperations_updateTask",
    "TaskOperations_deleteTask",
    "ThreadOperations_createStandaloneThread",
    "ThreadOperations_listThreads",
    "ThreadOperations_getThread",
    "UploadOperations_getUploadParams",
    "UserOperations_createUser",
    "UserOperations_listUsers",
    "UserOperations_getUser",
    "UserOperations_updateUser",
    "UserOperations_deleteUser",
    "UserAvatarOperations_updateUserAvatar",
    "UserAvatarOperations_deleteUserAvatar",
    "UserStatusOperations_getUserStatus",
    "UserStatusOperations_updateUserStatus",
    "UserStatusOperations_deleteUserStatus",
    "FormOperations_openView",
    "BotOperations_getWebhookEvents",
    "BotOperations_deleteWebhookEvent",
];

// ---------------------------------------------------------------------------
// The recording server and the checks on what it received.
// ---------------------------------------------------------------------------

/// A loopback server that answers every request with one response and
/// records it, and a client pointed at it.
struct Wire {
    server: MockServer,
    client: Client,
}

/// Starts the server of the test of `operation` (which must be listed in
/// [`OPERATIONS`]), answering every request with `response`.
async fn start(operation: &str, response: ResponseTemplate) -> Wire {
    assert!(OPERATIONS.contains(&operation), "{operation} is not listed in OPERATIONS");
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    let client = Client::builder()
        .token("t")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    Wire { server, client }
}

impl Wire {
    /// The one request the server received.
    async fn request(&self) -> Request {
        only_request(&self.server).await
    }
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).map(|v| v.to_str().expect("an ASCII header"))
}

/// The method, the path, the raw query string and the bearer token.
#[track_caller]
fn assert_line(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method, "method of {}", request.url);
    assert_eq!(request.url.path(), path, "path of {}", request.url);
    assert_eq!(request.url.query(), query, "query of {}", request.url);
    assert_eq!(header(request, "authorization"), Some("Bearer t"), "token of {}", request.url);
}

/// A request without a body.
#[track_caller]
fn assert_no_body(request: &Request) {
    assert!(request.body.is_empty(), "no body expected, got {:?}", String::from_utf8_lossy(&request.body));
}

/// A JSON body, compared as a JSON value.
#[track_caller]
fn assert_json(request: &Request, expected: Value) {
    assert_eq!(header(request, "content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(body, expected);
}

/// One field of a `multipart/form-data` body as it went over the wire.
#[derive(Debug, PartialEq)]
struct FormField {
    name: String,
    file_name: Option<String>,
    value: Vec<u8>,
}

fn text_field(name: &str, value: &str) -> FormField {
    FormField { name: name.to_owned(), file_name: None, value: value.as_bytes().to_vec() }
}

fn file_field(name: &str, file_name: &str, value: &[u8]) -> FormField {
    FormField { name: name.to_owned(), file_name: Some(file_name.to_owned()), value: value.to_vec() }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `key="value"` of a `Content-Disposition` header.
fn disposition_param(disposition: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}=\"");
    disposition
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix(prefix.as_str())?.strip_suffix('"').map(str::to_owned))
}

/// The fields of a multipart body, in order, parsed from the raw bytes.
fn form_fields(request: &Request) -> Vec<FormField> {
    let content_type = header(request, "content-type").expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
    let delimiter = format!("--{boundary}");
    let next = format!("\r\n{delimiter}");
    let mut rest = request.body.strip_prefix(delimiter.as_bytes()).expect("the body opens with the boundary");
    let mut fields = Vec::new();
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n").expect("CRLF after a boundary");
        let end = find(rest, next.as_bytes()).expect("a boundary after the part");
        let part = &rest[..end];
        rest = &rest[end + next.len()..];
        let split = find(part, b"\r\n\r\n").expect("the end of the part's headers");
        let headers = std::str::from_utf8(&part[..split]).expect("ASCII part headers");
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition: form-data"))
            .unwrap_or_else(|| panic!("no Content-Disposition in {headers:?}"));
        fields.push(FormField {
            name: disposition_param(disposition, "name").expect("a field name"),
            file_name: disposition_param(disposition, "filename"),
            value: part[split + 4..].to_vec(),
        });
    }
    assert_eq!(rest, b"--\r\n", "the closing boundary ends the body");
    fields
}

// ---------------------------------------------------------------------------
// Inputs and responses.
// ---------------------------------------------------------------------------

/// A date-time as a caller writes it (RFC 3339, any offset). The setters
/// take `impl Into<...>`, so this works whether the SDK's date-time type is
/// `DateTime<Utc>` or `DateTime<FixedOffset>`.
fn at(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(text).expect("RFC 3339")
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// `{"data": value}` with `status`.
fn data(status: u16, value: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "data": value }))
}

/// A list page whose next cursor is `next`.
fn page(items: Value, next: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "data": items, "meta": { "paginate": { "next_page": next } } }))
}

/// A search page: the search endpoints add `total`.
fn search_page(items: Value, next: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({ "data": items, "meta": { "total": 42, "paginate": { "next_page": next } } }))
}

fn no_content() -> ResponseTemplate {
    ResponseTemplate::new(204)
}

fn chat_json() -> Value {
    json!({
        "id": 2_637_266_155_i64, "name": "Отдел продаж", "created_at": "2026-01-02T03:04:05.000Z",
        "owner_id": 4_294_967_296_i64, "member_ids": [186, 4_294_967_296_i64], "group_tag_ids": [86],
        "channel": true, "archived": false, "personal": false, "public": false,
        "last_message_at": "2026-01-03T04:05:06.000Z", "meet_room_url": "https://meet.pachca.com/sales-94bb21b5"
    })
}

fn user_json() -> Value {
    json!({
        "id": 4_294_967_296_i64, "first_name": "Олег", "last_name": "Петров", "nickname": "olegpetrov",
        "email": "olegp@example.com", "phone_number": "+79001234567", "department": "Продукт", "title": "CIO",
        "role": "admin", "suspended": false, "invite_status": "confirmed", "inviter_id": 186,
        "list_tags": ["Дизайн", "iOS"],
        "custom_properties": [{ "id": 1678, "name": "Город", "data_type": "string", "value": "Санкт-Петербург" }],
        "user_status": null, "bot": false, "sso": false, "created_at": "2020-06-08T09:32:57.000Z",
        "last_activity_at": "2025-01-20T13:40:07.000Z", "time_zone": "Europe/Moscow", "image_url": null
    })
}

fn message_json() -> Value {
    json!({
        "id": 5_000_000_001_i64, "entity_type": "thread", "entity_id": 2_637_266_155_i64,
        "chat_id": 2_637_266_155_i64, "root_chat_id": 334, "content": "Вчера продали 756 футболок",
        "user_id": 4_294_967_296_i64, "created_at": "2026-01-02T03:04:05.000Z",
        "url": "https://app.pachca.com/chats/334?message=5000000001", "files": [], "voice_content": null,
        "buttons": null, "thread": null, "forwarding": null, "parent_message_id": null,
        "changed_at": null, "deleted_at": null
    })
}

fn task_json() -> Value {
    json!({
        "id": 4_294_967_296_i64, "kind": "meeting", "content": "Забрать 21 заказ со склада",
        "due_at": "2026-06-05T09:00:00.000Z", "priority": 3, "user_id": 186, "chat_id": 2_637_266_155_i64,
        "status": "undone", "created_at": "2026-06-04T10:37:57.000Z", "performer_ids": [186, 4_294_967_296_i64],
        "all_day": false, "custom_properties": []
    })
}

fn thread_json() -> Value {
    json!({
        "id": 5_000_000_002_i64, "chat_id": 2_637_266_155_i64, "message_id": 4_294_967_297_i64,
        "message_chat_id": 334, "updated_at": "2023-02-01T19:20:47.204Z"
    })
}

fn bot_webhook_json() -> Value {
    json!({
        "name": "Бот задач", "nickname": "tasks_bot", "outgoing_url": "https://example.com/hooks/pachca",
        "events": ["message_new"], "trigger_on": "commands", "commands": ["/task"], "scopes": ["messages:read"],
        "template": null, "template_engine": "liquid", "challenge_key": null, "link_preview_enabled": true,
        "ignore_self_messages": false, "events_history_enabled": false, "single_chat": false,
        "can_edit": ["admin"], "who_can_add": "anyone"
    })
}

fn bot_json() -> Value {
    json!({ "id": 4_294_967_296_i64, "webhook": bot_webhook_json() })
}

fn bot_created_json() -> Value {
    json!({ "id": 4_294_967_296_i64, "webhook": bot_webhook_json(), "access_token": "bm90X2FfcmVhbF90b2tlbg" })
}

fn group_tag_json() -> Value {
    json!({ "id": 4_294_967_296_i64, "name": "Дизайн", "users_count": 6 })
}

fn status_json() -> Value {
    json!({
        "emoji": "🌴", "title": "В отпуске", "expires_at": "2026-04-08T10:00:00.000Z", "is_away": true,
        "away_message": { "text": "Вернусь 15 апреля" }
    })
}

fn reaction_json() -> Value {
    json!({ "user_id": 4_294_967_296_i64, "created_at": "2026-01-20T10:30:00.000Z", "code": "👍", "name": ":+1:" })
}

fn avatar_json() -> Value {
    json!({ "image_url": "https://pachca-prod.s3.amazonaws.com/uploads/0001/avatar.png" })
}

/// The eight bytes of a PNG signature, CRLF included.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

// ---------------------------------------------------------------------------
// The list itself.
// ---------------------------------------------------------------------------

/// Each listed operation has exactly one test here (one `start` with it).
#[test]
fn every_listed_operation_has_one_test() {
    let source: String = include_str!("wire.rs").split_whitespace().collect();
    let mut seen = std::collections::BTreeSet::new();
    for op in OPERATIONS {
        assert!(seen.insert(op), "{op} is listed twice");
        let calls = source.matches(&format!("start(\"{op}\",")).count();
        assert_eq!(calls, 1, "{op} has {calls} tests");
    }
    assert_eq!(OPERATIONS.len(), 77);
}

// ---------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_token_info() {
    let wire = start(
        "OAuthOperations_getTokenInfo",
        data(200, json!({
            "id": 4827, "token": "cH5kR9mN...x7Qp", "name": "Интеграция с CRM", "user_id": 4_294_967_296_i64,
            "scopes": ["chats:read", "messages:create"], "created_at": "2025-01-15T10:30:00.000Z",
            "revoked_at": null, "expires_in": null, "last_used_at": "2025-02-24T14:20:00.000Z"
        })),
    )
    .await;
    let info = wire.client.oauth().get_token_info().await.expect("token info");
    let request = wire.request().await;
    assert_line(&request, "GET", "/oauth/token/info", None);
    assert_no_body(&request);
    assert_eq!((info.id, info.user_id), (4827, 4_294_967_296));
    assert_eq!(info.scopes, [OAuthScope::ChatsRead, OAuthScope::MessagesCreate]);
}

// ---------------------------------------------------------------------------
// Chats
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_chats() {
    let wire = start("ChatOperations_listChats", page(json!([chat_json()]), "eyJpZCI6MjYzNzI2NjE1NX0=")).await;
    let params = ListChatsParams::default()
        .sort(ChatSortField::LastMessageAt)
        .order(SortOrder::Desc)
        .availability(ChatAvailability::IsMember)
        .archived(true)
        .last_message_at_after(at("2026-01-02T03:04:05.678Z"))
        .last_message_at_before(at("2026-02-03T04:05:06Z"))
        .personal(false)
        .limit(50)
        .cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let chats = wire.client.chats().list_chats(params).await.expect("chats");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/chats",
        Some(
            "sort=last_message_at&order=desc&availability=is_member&archived=true\
             &last_message_at_after=2026-01-02T03%3A04%3A05.678Z&last_message_at_before=2026-02-03T04%3A05%3A06.000Z\
             &personal=false&limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9",
        ),
    );
    assert_no_body(&request);
    assert_eq!(chats.items[0].id, 2_637_266_155);
    assert_eq!(chats.items[0].member_ids, [186, 4_294_967_296]);
    assert_eq!(chats.next_cursor.as_deref(), Some("eyJpZCI6MjYzNzI2NjE1NX0="));
}

#[tokio::test]
async fn create_chat() {
    let wire = start("ChatOperations_createChat", data(201, chat_json())).await;
    let mut chat = ChatCreateRequestChat::new("Отдел продаж 🚀");
    chat.member_ids = Some(vec![186, 4_294_967_296]);
    chat.group_tag_ids = Some(vec![86, 2_637_266_155]);
    chat.channel = Some(true);
    chat.public = Some(false);
    let created = wire.client.chats().create_chat(&chat).await.expect("created");
    let request = wire.request().await;
    assert_line(&request, "POST", "/chats", None);
    assert_json(
        &request,
        json!({ "chat": {
            "name": "Отдел продаж 🚀", "member_ids": [186, 4_294_967_296_i64],
            "group_tag_ids": [86, 2_637_266_155_i64], "channel": true, "public": false
        }}),
    );
    assert_eq!((created.id, created.name.as_str()), (2_637_266_155, "Отдел продаж"));
}

#[tokio::test]
async fn request_export() {
    let wire = start("ExportOperations_requestExport", no_content()).await;
    let mut export = ExportRequest::new(
        date(2026, 3, 1),
        date(2026, 3, 31),
        "https://webhook.site/9227d3b8-6e82-4e64-bf5d-ad972ad270f2",
    );
    export.chat_ids = Some(vec![334, 2_637_266_155]);
    export.skip_chats_file = Some(true);
    wire.client.chats().request_export(&export).await.expect("requested");
    let request = wire.request().await;
    assert_line(&request, "POST", "/chats/exports", None);
    assert_json(
        &request,
        json!({
            "start_at": "2026-03-01", "end_at": "2026-03-31",
            "webhook_url": "https://webhook.site/9227d3b8-6e82-4e64-bf5d-ad972ad270f2",
            "chat_ids": [334, 2_637_266_155_i64], "skip_chats_file": true
        }),
    );
}

#[tokio::test]
async fn download_export() {
    let wire = start(
        "ExportOperations_downloadExport",
        ResponseTemplate::new(302).insert_header("location", "https://storage.example/exports/4294967296.zip?sig=a%2Bb"),
    )
    .await;
    let url = wire.client.chats().download_export(4_294_967_296).await.expect("redirect");
    let request = wire.request().await;
    assert_line(&request, "GET", "/chats/exports/4294967296", None);
    assert_no_body(&request);
    assert_eq!(url, "https://storage.example/exports/4294967296.zip?sig=a%2Bb");
}

#[tokio::test]
async fn get_chat() {
    let wire = start("ChatOperations_getChat", data(200, chat_json())).await;
    let chat = wire.client.chats().get_chat(2_637_266_155).await.expect("chat");
    let request = wire.request().await;
    assert_line(&request, "GET", "/chats/2637266155", None);
    assert_no_body(&request);
    assert_eq!((chat.id, chat.owner_id), (2_637_266_155, 4_294_967_296));
}

#[tokio::test]
async fn update_chat() {
    let wire = start("ChatOperations_updateChat", data(200, chat_json())).await;
    let mut chat = ChatUpdateRequestChat::new();
    chat.name = Some("Бассейн".to_owned());
    chat.public = Some(true);
    let updated = wire.client.chats().update_chat(2_637_266_155, &chat).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/chats/2637266155", None);
    assert_json(&request, json!({ "chat": { "name": "Бассейн", "public": true } }));
    assert_eq!(updated.id, 2_637_266_155);
}

#[tokio::test]
async fn archive_chat() {
    let wire = start("ChatOperations_archiveChat", no_content()).await;
    wire.client.chats().archive_chat(2_637_266_155).await.expect("archived");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/chats/2637266155/archive", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn unarchive_chat() {
    let wire = start("ChatOperations_unarchiveChat", no_content()).await;
    wire.client.chats().unarchive_chat(2_637_266_155).await.expect("unarchived");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/chats/2637266155/unarchive", None);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------

#[tokio::test]
async fn add_tags() {
    let wire = start("ChatMemberOperations_addTags", no_content()).await;
    let body = AddTagsRequest::new(vec![86, 4_294_967_296]);
    wire.client.members().add_tags(2_637_266_155, &body).await.expect("added");
    let request = wire.request().await;
    assert_line(&request, "POST", "/chats/2637266155/group_tags", None);
    assert_json(&request, json!({ "group_tag_ids": [86, 4_294_967_296_i64] }));
}

#[tokio::test]
async fn remove_tag() {
    let wire = start("ChatMemberOperations_removeTag", no_content()).await;
    let path = RemoveTagPath { id: 2_637_266_155, tag_id: 4_294_967_296 };
    wire.client.members().remove_tag(path).await.expect("removed");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/chats/2637266155/group_tags/4294967296", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn leave_chat() {
    let wire = start("ChatMemberOperations_leaveChat", no_content()).await;
    wire.client.members().leave_chat(2_637_266_155).await.expect("left");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/chats/2637266155/leave", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn list_members() {
    let wire = start("ChatMemberOperations_listMembers", page(json!([user_json()]), "c2")).await;
    let params = ListMembersParams::default()
        .role(ChatMemberRoleFilter::Editor)
        .limit(50)
        .cursor("eyJpZCI6MjYzNzI2NjE1NX0=");
    let members = wire.client.members().list_members(2_637_266_155, params).await.expect("members");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/chats/2637266155/members",
        Some("role=editor&limit=50&cursor=eyJpZCI6MjYzNzI2NjE1NX0%3D"),
    );
    assert_no_body(&request);
    assert_eq!((members.items[0].id, members.items[0].nickname.as_str()), (4_294_967_296, "olegpetrov"));
    assert_eq!(members.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn add_members() {
    let wire = start("ChatMemberOperations_addMembers", no_content()).await;
    let mut body = AddMembersRequest::new(vec![186, 4_294_967_296]);
    body.silent = Some(true);
    wire.client.members().add_members(2_637_266_155, &body).await.expect("added");
    let request = wire.request().await;
    assert_line(&request, "POST", "/chats/2637266155/members", None);
    assert_json(&request, json!({ "member_ids": [186, 4_294_967_296_i64], "silent": true }));
}

#[tokio::test]
async fn update_member_role() {
    let wire = start("ChatMemberOperations_updateMemberRole", no_content()).await;
    let path = UpdateMemberRolePath { id: 2_637_266_155, user_id: 4_294_967_296 };
    let body = UpdateMemberRoleRequest::new(ChatMemberRole::Editor);
    wire.client.members().update_member_role(path, &body).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/chats/2637266155/members/4294967296", None);
    assert_json(&request, json!({ "role": "editor" }));
}

#[tokio::test]
async fn remove_member() {
    let wire = start("ChatMemberOperations_removeMember", no_content()).await;
    let path = RemoveMemberPath { id: 2_637_266_155, user_id: 4_294_967_296 };
    wire.client.members().remove_member(path).await.expect("removed");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/chats/2637266155/members/4294967296", None);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------
// Custom properties
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_properties() {
    let wire = start(
        "CommonOperations_listProperties",
        data(200, json!([
            { "id": 1678, "name": "Город", "data_type": "string" },
            { "id": 4_294_967_296_i64, "name": "Срок", "data_type": "date" }
        ])),
    )
    .await;
    let properties = wire.client.custom_properties().list_properties(SearchEntityType::Task).await.expect("properties");
    let request = wire.request().await;
    assert_line(&request, "GET", "/custom_properties", Some("entity_type=Task"));
    assert_no_body(&request);
    assert_eq!(properties.len(), 2);
    assert_eq!((properties[1].id, properties[1].name.as_str()), (4_294_967_296, "Срок"));
    assert_eq!(properties[1].data_type, CustomPropertyDataType::Date);
}

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_upload_params() {
    // The one answer of the API without the `data` envelope.
    let wire = start(
        "UploadOperations_getUploadParams",
        ResponseTemplate::new(201).set_body_json(json!({
            "Content-Disposition": "attachment", "acl": "private", "policy": "eyJloNBpcmF0aW9uIjoiMjAy",
            "x-amz-credential": "286471_server/20211122/kz-6x/s3/aws4_request", "x-amz-algorithm": "AWS4-HMAC-SHA256",
            "x-amz-date": "20211122T065734Z", "x-amz-signature": "87e8f3ba4083c937c0e891d7a11tre932d8c33cg4bacf5380bf27624c1o",
            "key": "attaches/files/93746/e354fd79/${filename}", "direct_url": "https://api.pachca.com/api/v3/direct_upload"
        })),
    )
    .await;
    let params = wire.client.files().get_upload_params().await.expect("upload params");
    let request = wire.request().await;
    assert_line(&request, "POST", "/uploads", None);
    assert_no_body(&request);
    assert_eq!(params.key, "attaches/files/93746/e354fd79/${filename}");
    assert_eq!(params.content_disposition, "attachment");
    assert_eq!(params.direct_url, "https://api.pachca.com/api/v3/direct_upload");
}

/// The storage URL is absolute (from `POST /uploads`), not under the base
/// URL, and never receives the token; the file goes last, after the policy
/// fields, in the spec's order.
#[tokio::test]
async fn upload_file() {
    let wire = start("DirectUploadOperations_uploadFile", ResponseTemplate::new(500)).await;
    let storage = MockServer::start().await;
    Mock::given(any()).respond_with(no_content()).mount(&storage).await;
    let body = FileUploadRequest::new(
        "attachment",
        "private",
        "eyJloNBpcmF0aW9uIjoiMjAy",
        "286471_server/20211122/kz-6x/s3/aws4_request",
        "AWS4-HMAC-SHA256",
        "20211122T065734Z",
        "87e8f3ba4083c937c0e891d7a11tre932d8c33cg4bacf5380bf27624c1o",
        "attaches/files/93746/e354fd79/report.pdf",
        b"%PDF-1.7 \xd0\xbe\xd1\x82\xd1\x87\xd1\x91\xd1\x82".to_vec(),
    );
    let url = format!("{}/api/v3/direct_upload?x-id=PutObject", storage.uri());
    wire.client.files().upload_file(&url, &body, "report.pdf").await.expect("uploaded");

    assert!(wire.server.received_requests().await.expect("recording").is_empty(), "nothing goes to the API itself");
    let request = only_request(&storage).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/v3/direct_upload");
    assert_eq!(request.url.query(), Some("x-id=PutObject"));
    assert_eq!(header(&request, "authorization"), None, "the token must not reach the storage URL");
    assert_eq!(
        form_fields(&request),
        [
            text_field("Content-Disposition", "attachment"),
            text_field("acl", "private"),
            text_field("policy", "eyJloNBpcmF0aW9uIjoiMjAy"),
            text_field("x-amz-credential", "286471_server/20211122/kz-6x/s3/aws4_request"),
            text_field("x-amz-algorithm", "AWS4-HMAC-SHA256"),
            text_field("x-amz-date", "20211122T065734Z"),
            text_field("x-amz-signature", "87e8f3ba4083c937c0e891d7a11tre932d8c33cg4bacf5380bf27624c1o"),
            text_field("key", "attaches/files/93746/e354fd79/report.pdf"),
            file_field("file", "report.pdf", "%PDF-1.7 отчёт".as_bytes()),
        ]
    );
}

// ---------------------------------------------------------------------------
// Group tags
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_tags() {
    let wire = start("GroupTagOperations_listTags", page(json!([group_tag_json()]), "")).await;
    let params = ListTagsParams::default()
        .names(vec!["Дизайн".to_owned(), "iOS/Android".to_owned()])
        .limit(50)
        .cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let tags = wire.client.group_tags().list_tags(params).await.expect("tags");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/group_tags",
        Some(
            "names%5B%5D=%D0%94%D0%B8%D0%B7%D0%B0%D0%B9%D0%BD&names%5B%5D=iOS%2FAndroid\
             &limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9",
        ),
    );
    assert_no_body(&request);
    assert_eq!((tags.items[0].id, tags.items[0].users_count), (4_294_967_296, 6));
    assert_eq!(tags.next_cursor, None, "an empty cursor is the last page");
}

#[tokio::test]
async fn create_tag() {
    let wire = start("GroupTagOperations_createTag", data(201, group_tag_json())).await;
    let tag = GroupTagRequestGroupTag::new("Дизайн");
    let created = wire.client.group_tags().create_tag(&tag).await.expect("created");
    let request = wire.request().await;
    assert_line(&request, "POST", "/group_tags", None);
    assert_json(&request, json!({ "group_tag": { "name": "Дизайн" } }));
    assert_eq!((created.id, created.name.as_str()), (4_294_967_296, "Дизайн"));
}

#[tokio::test]
async fn get_tag() {
    let wire = start("GroupTagOperations_getTag", data(200, group_tag_json())).await;
    let tag = wire.client.group_tags().get_tag(4_294_967_296).await.expect("tag");
    let request = wire.request().await;
    assert_line(&request, "GET", "/group_tags/4294967296", None);
    assert_no_body(&request);
    assert_eq!(tag.users_count, 6);
}

#[tokio::test]
async fn update_tag() {
    let wire = start("GroupTagOperations_updateTag", data(200, group_tag_json())).await;
    let tag = GroupTagRequestGroupTag::new("Дизайн продукта");
    let updated = wire.client.group_tags().update_tag(4_294_967_296, &tag).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/group_tags/4294967296", None);
    assert_json(&request, json!({ "group_tag": { "name": "Дизайн продукта" } }));
    assert_eq!(updated.id, 4_294_967_296);
}

#[tokio::test]
async fn delete_tag() {
    let wire = start("GroupTagOperations_deleteTag", no_content()).await;
    wire.client.group_tags().delete_tag(4_294_967_296).await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/group_tags/4294967296", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn get_tag_users() {
    let wire = start("GroupTagOperations_getTagUsers", page(json!([user_json()]), "c2")).await;
    let params = GetTagUsersParams::default().limit(1).cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let users = wire.client.group_tags().get_tag_users(4_294_967_296, params).await.expect("users");
    let request = wire.request().await;
    assert_line(&request, "GET", "/group_tags/4294967296/users", Some("limit=1&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9"));
    assert_no_body(&request);
    assert_eq!(users.items[0].id, 4_294_967_296);
    assert_eq!(users.next_cursor.as_deref(), Some("c2"));
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_chat_messages() {
    let wire = start("ChatMessageOperations_listChatMessages", page(json!([message_json()]), "c2")).await;
    let params = ListChatMessagesParams::default()
        .sort(MessageSortField::Id)
        .order(SortOrder::Asc)
        .limit(50)
        .cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let messages = wire.client.messages().list_chat_messages(2_637_266_155, params).await.expect("messages");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/messages",
        Some("chat_id=2637266155&sort=id&order=asc&limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9"),
    );
    assert_no_body(&request);
    assert_eq!((messages.items[0].id, messages.items[0].chat_id), (5_000_000_001, 2_637_266_155));
    assert_eq!(messages.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn create_message() {
    let wire = start("MessageOperations_createMessage", data(201, message_json())).await;
    let mut image =
        MessageCreateRequestMessageFilesItem::new("attaches/files/93746/e354fd79/logo.png", "логотип.png", FileType::Image, 12345);
    image.width = Some(800);
    image.height = Some(600);
    image.duration_ms = Some(5400);
    image.waveform = Some("4,8,12,20,16,10,6,3".to_owned());
    let voice = MessageCreateRequestMessageFilesItem::new("attaches/files/93746/a1b2/voice.ogg", "voice.ogg", FileType::Voice, 2048);
    let mut more = Button::new("Подробнее");
    more.url = Some("https://example.com/details".to_owned());
    let mut accept = Button::new("Принять");
    accept.data = Some("accept:4294967296".to_owned());
    let message = MessageCreateRequestMessage::builder()
        .entity_type(MessageEntityType::Thread)
        .entity_id(2_637_266_155_i64)
        .content("Вчера продали 756 футболок (на 10% больше)")
        .files(vec![image, voice])
        .buttons(vec![vec![more], vec![accept, Button::new("Отклонить")]])
        .parent_message_id(4_294_967_297_i64)
        .display_avatar_url("https://example.com/avatar.png")
        .display_name("Бот поддержки")
        .skip_invite_mentions(true)
        .build()
        .expect("message");
    let mut body = MessageCreateRequest::new(message);
    body.link_preview = Some(true);
    let sent = wire.client.messages().create_message(&body).await.expect("sent");
    let request = wire.request().await;
    assert_line(&request, "POST", "/messages", None);
    assert_json(
        &request,
        json!({
            "message": {
                "entity_type": "thread",
                "entity_id": 2_637_266_155_i64,
                "content": "Вчера продали 756 футболок (на 10% больше)",
                "files": [
                    {
                        "key": "attaches/files/93746/e354fd79/logo.png", "name": "логотип.png", "file_type": "image",
                        "size": 12345, "width": 800, "height": 600, "duration_ms": 5400, "waveform": "4,8,12,20,16,10,6,3"
                    },
                    { "key": "attaches/files/93746/a1b2/voice.ogg", "name": "voice.ogg", "file_type": "voice", "size": 2048 }
                ],
                "buttons": [
                    [{ "text": "Подробнее", "url": "https://example.com/details" }],
                    [{ "text": "Принять", "data": "accept:4294967296" }, { "text": "Отклонить" }]
                ],
                "parent_message_id": 4_294_967_297_i64,
                "display_avatar_url": "https://example.com/avatar.png",
                "display_name": "Бот поддержки",
                "skip_invite_mentions": true
            },
            "link_preview": true
        }),
    );
    assert_eq!((sent.id, sent.entity_type.clone()), (5_000_000_001, MessageEntityType::Thread));
}

#[tokio::test]
async fn get_message() {
    let wire = start("MessageOperations_getMessage", data(200, message_json())).await;
    let message = wire.client.messages().get_message(5_000_000_001).await.expect("message");
    let request = wire.request().await;
    assert_line(&request, "GET", "/messages/5000000001", None);
    assert_no_body(&request);
    assert_eq!(message.content, "Вчера продали 756 футболок");
}

#[tokio::test]
async fn update_message() {
    let wire = start("MessageOperations_updateMessage", data(200, message_json())).await;
    let mut file = MessageUpdateRequestMessageFilesItem::new("attaches/files/93746/e354fd79/logo.png", "логотип.png");
    file.file_type = Some(FileType::Image);
    file.size = Some(12345);
    file.width = Some(800);
    file.height = Some(600);
    file.duration_ms = Some(5400);
    file.waveform = Some("4,8,12".to_owned());
    let mut message = MessageUpdateRequestMessage::new();
    message.content = Some("Исправлено: бюрократия".to_owned());
    message.files = Some(vec![file, MessageUpdateRequestMessageFilesItem::new("attaches/files/1/a.txt", "a.txt")]);
    message.buttons = Some(vec![vec![Button::new("Готово"), Button::new("Отмена")]]);
    message.display_avatar_url = Some("https://example.com/avatar.png".to_owned());
    message.display_name = Some("Бот поддержки".to_owned());
    let updated = wire.client.messages().update_message(5_000_000_001, &message).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/messages/5000000001", None);
    assert_json(
        &request,
        json!({ "message": {
            "content": "Исправлено: бюрократия",
            "files": [
                {
                    "key": "attaches/files/93746/e354fd79/logo.png", "name": "логотип.png", "file_type": "image",
                    "size": 12345, "width": 800, "height": 600, "duration_ms": 5400, "waveform": "4,8,12"
                },
                { "key": "attaches/files/1/a.txt", "name": "a.txt" }
            ],
            "buttons": [[{ "text": "Готово" }, { "text": "Отмена" }]],
            "display_avatar_url": "https://example.com/avatar.png",
            "display_name": "Бот поддержки"
        }}),
    );
    assert_eq!(updated.id, 5_000_000_001);
}

#[tokio::test]
async fn delete_message() {
    let wire = start("MessageOperations_deleteMessage", no_content()).await;
    wire.client.messages().delete_message(5_000_000_001).await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/messages/5000000001", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn unfurl() {
    let wire = start("LinkPreviewOperations_unfurl", no_content()).await;
    let mut article = LinkPreview::new("Статья: отправка файлов", "Пример отправки файлов на сервер");
    article.image_url = Some("https://website.com/img/landing.png".to_owned());
    let mut image = LinkPreviewImage::new("attaches/files/93746/e354fd79/files.jpg", "files-to-server.jpg");
    image.size = Some(695_604);
    let mut upload = LinkPreview::new("Загрузка", "С картинкой из хранилища");
    upload.image = Some(image);
    let previews = std::collections::BTreeMap::from([
        ("https://website.com/articles/файлы".to_owned(), article),
        ("https://website.com/upload".to_owned(), upload),
    ]);
    wire.client.messages().unfurl(5_000_000_001, &LinkPreviewsRequest::new(previews)).await.expect("unfurled");
    let request = wire.request().await;
    assert_line(&request, "POST", "/messages/5000000001/link_previews", None);
    assert_json(
        &request,
        json!({ "link_previews": {
            "https://website.com/articles/файлы": {
                "title": "Статья: отправка файлов", "description": "Пример отправки файлов на сервер",
                "image_url": "https://website.com/img/landing.png"
            },
            "https://website.com/upload": {
                "title": "Загрузка", "description": "С картинкой из хранилища",
                "image": { "key": "attaches/files/93746/e354fd79/files.jpg", "name": "files-to-server.jpg", "size": 695_604 }
            }
        }}),
    );
}

#[tokio::test]
async fn pin_message() {
    let wire = start("MessageOperations_pinMessage", no_content()).await;
    wire.client.messages().pin_message(5_000_000_001).await.expect("pinned");
    let request = wire.request().await;
    assert_line(&request, "POST", "/messages/5000000001/pin", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn unpin_message() {
    let wire = start("MessageOperations_unpinMessage", no_content()).await;
    wire.client.messages().unpin_message(5_000_000_001).await.expect("unpinned");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/messages/5000000001/pin", None);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------
// Read members, reactions, threads
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_read_members() {
    let wire = start("ReadMemberOperations_listReadMembers", page(json!([12, 4_294_967_296_i64]), "c2")).await;
    let params = ListReadMembersParams::default().limit(300).cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let readers = wire.client.read_members().list_read_members(5_000_000_001, params).await.expect("readers");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/messages/5000000001/read_member_ids",
        Some("limit=300&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9"),
    );
    assert_no_body(&request);
    assert_eq!(readers.items, [12, 4_294_967_296]);
    assert_eq!(readers.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn list_reactions() {
    let wire = start("ReactionOperations_listReactions", page(json!([reaction_json()]), "c2")).await;
    let params = ListReactionsParams::default().limit(50).cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let reactions = wire.client.reactions().list_reactions(5_000_000_001, params).await.expect("reactions");
    let request = wire.request().await;
    assert_line(&request, "GET", "/messages/5000000001/reactions", Some("limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9"));
    assert_no_body(&request);
    assert_eq!((reactions.items[0].user_id, reactions.items[0].code.as_str()), (4_294_967_296, "👍"));
}

#[tokio::test]
async fn add_reaction() {
    // Answered without the `data` envelope, as the spec says.
    let wire = start("ReactionOperations_addReaction", ResponseTemplate::new(201).set_body_json(reaction_json())).await;
    let mut reaction = ReactionRequest::new("👍");
    reaction.name = Some(":+1:".to_owned());
    let added = wire.client.reactions().add_reaction(5_000_000_001, &reaction).await.expect("added");
    let request = wire.request().await;
    assert_line(&request, "POST", "/messages/5000000001/reactions", None);
    assert_json(&request, json!({ "code": "👍", "name": ":+1:" }));
    assert_eq!((added.user_id, added.name.as_str()), (4_294_967_296, ":+1:"));
}

#[tokio::test]
async fn remove_reaction() {
    let wire = start("ReactionOperations_removeReaction", no_content()).await;
    let params = RemoveReactionParams::default().name(":+1:");
    wire.client.reactions().remove_reaction(5_000_000_001, "👍", params).await.expect("removed");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/messages/5000000001/reactions", Some("code=%F0%9F%91%8D&name=%3A%2B1%3A"));
    assert_no_body(&request);
}

#[tokio::test]
async fn create_thread() {
    let wire = start("ThreadOperations_createThread", data(201, thread_json())).await;
    let thread = wire.client.threads().create_thread(4_294_967_297).await.expect("thread");
    let request = wire.request().await;
    assert_line(&request, "POST", "/messages/4294967297/thread", None);
    assert_no_body(&request);
    assert_eq!((thread.id, thread.chat_id), (5_000_000_002, 2_637_266_155));
    assert_eq!(thread.updated_at, at("2023-02-01T19:20:47.204Z"));
}

#[tokio::test]
async fn create_standalone_thread() {
    let wire = start("ThreadOperations_createStandaloneThread", data(201, thread_json())).await;
    let thread = wire.client.threads().create_standalone_thread().await.expect("thread");
    let request = wire.request().await;
    assert_line(&request, "POST", "/threads", None);
    assert_no_body(&request);
    assert_eq!(thread.id, 5_000_000_002);
}

#[tokio::test]
async fn list_threads() {
    let wire = start("ThreadOperations_listThreads", page(json!([thread_json()]), "c2")).await;
    let params = ListThreadsParams::default()
        .last_message_at_after(at("2026-01-01T00:00:00Z"))
        .last_message_at_before(at("2026-02-01T23:59:59.999Z"))
        .limit(50)
        .cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let threads = wire.client.threads().list_threads(params).await.expect("threads");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/threads",
        Some(
            "last_message_at_after=2026-01-01T00%3A00%3A00.000Z&last_message_at_before=2026-02-01T23%3A59%3A59.999Z\
             &limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9",
        ),
    );
    assert_no_body(&request);
    assert_eq!(threads.items[0].chat_id, 2_637_266_155);
    assert_eq!(threads.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn get_thread() {
    let wire = start("ThreadOperations_getThread", data(200, thread_json())).await;
    let thread = wire.client.threads().get_thread(5_000_000_002).await.expect("thread");
    let request = wire.request().await;
    assert_line(&request, "GET", "/threads/5000000002", None);
    assert_no_body(&request);
    assert_eq!(thread.message_id, Some(4_294_967_297));
}

// ---------------------------------------------------------------------------
// Profile
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_profile() {
    let wire = start("ProfileOperations_getProfile", data(200, user_json())).await;
    let me = wire.client.profile().get_profile().await.expect("profile");
    let request = wire.request().await;
    assert_line(&request, "GET", "/profile", None);
    assert_no_body(&request);
    assert_eq!((me.id, me.role), (4_294_967_296, UserRole::Admin));
}

#[tokio::test]
async fn update_profile_avatar() {
    let wire = start("ProfileAvatarOperations_updateProfileAvatar", data(200, avatar_json())).await;
    let avatar = wire
        .client
        .profile()
        .update_profile_avatar(&UpdateProfileAvatarRequest::new(PNG), "avatar.png")
        .await
        .expect("avatar");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/profile/avatar", None);
    assert_eq!(form_fields(&request), [file_field("image", "avatar.png", PNG)]);
    assert_eq!(avatar.image_url, "https://pachca-prod.s3.amazonaws.com/uploads/0001/avatar.png");
}

#[tokio::test]
async fn delete_profile_avatar() {
    let wire = start("ProfileAvatarOperations_deleteProfileAvatar", no_content()).await;
    wire.client.profile().delete_profile_avatar().await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/profile/avatar", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn get_status() {
    let wire = start("ProfileOperations_getStatus", data(200, status_json())).await;
    let status = wire.client.profile().get_status().await.expect("status").expect("a status is set");
    let request = wire.request().await;
    assert_line(&request, "GET", "/profile/status", None);
    assert_no_body(&request);
    assert_eq!((status.emoji.as_str(), status.title.as_str(), status.is_away), ("🌴", "В отпуске", true));
}

#[tokio::test]
async fn update_status() {
    let wire = start("ProfileOperations_updateStatus", data(200, status_json())).await;
    let status = StatusUpdateRequestStatus::builder()
        .emoji("🌴")
        .title("В отпуске")
        .expires_at(at("2026-04-08T10:00:00.250Z"))
        .is_away(true)
        .away_message("Вернусь 15 апреля")
        .build()
        .expect("status");
    let updated = wire.client.profile().update_status(&status).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/profile/status", None);
    assert_json(
        &request,
        json!({ "status": {
            "emoji": "🌴", "title": "В отпуске", "expires_at": "2026-04-08T10:00:00.250Z",
            "is_away": true, "away_message": "Вернусь 15 апреля"
        }}),
    );
    assert_eq!(updated.title, "В отпуске");
}

#[tokio::test]
async fn delete_status() {
    let wire = start("ProfileOperations_deleteStatus", no_content()).await;
    wire.client.profile().delete_status().await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/profile/status", None);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------

#[tokio::test]
async fn search_chats() {
    let wire = start("SearchOperations_searchChats", search_page(json!([chat_json()]), "c2")).await;
    let params = SearchChatsParams::default()
        .query("Разработка")
        .limit(10)
        .cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9")
        .order(SortOrder::Asc)
        .created_from(at("2025-01-01T00:00:00Z"))
        .created_to(at("2025-02-01T12:30:45.500Z"))
        .active(true)
        .chat_subtype(ChatSubtype::Thread)
        .personal(false);
    let chats = wire.client.search().search_chats(params).await.expect("chats");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/search/chats",
        Some(
            "query=%D0%A0%D0%B0%D0%B7%D1%80%D0%B0%D0%B1%D0%BE%D1%82%D0%BA%D0%B0&limit=10\
             &cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9&order=asc\
             &created_from=2025-01-01T00%3A00%3A00.000Z&created_to=2025-02-01T12%3A30%3A45.500Z\
             &active=true&chat_subtype=thread&personal=false",
        ),
    );
    assert_no_body(&request);
    assert_eq!(chats.items[0].id, 2_637_266_155);
    assert_eq!(chats.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn search_messages() {
    let wire = start("SearchOperations_searchMessages", search_page(json!([message_json()]), "c2")).await;
    let params = SearchMessagesParams::default()
        .query("футболки 10%")
        .limit(20)
        .cursor("eyJpZCI6MjYzNzI2NjE1NX0=")
        .order(SortOrder::Desc)
        .sort(MessageSearchSort::Relevance)
        .created_from(at("2026-01-02T03:04:05Z"))
        .created_to(at("2026-02-03T04:05:06.007Z"))
        .chat_ids(vec![198, 2_637_266_155])
        .user_ids(vec![12, 4_294_967_296])
        .active(false);
    let messages = wire.client.search().search_messages(params).await.expect("messages");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/search/messages",
        Some(
            "query=%D1%84%D1%83%D1%82%D0%B1%D0%BE%D0%BB%D0%BA%D0%B8+10%25&limit=20\
             &cursor=eyJpZCI6MjYzNzI2NjE1NX0%3D&order=desc&sort=relevance\
             &created_from=2026-01-02T03%3A04%3A05.000Z&created_to=2026-02-03T04%3A05%3A06.007Z\
             &chat_ids%5B%5D=198&chat_ids%5B%5D=2637266155&user_ids%5B%5D=12&user_ids%5B%5D=4294967296\
             &active=false",
        ),
    );
    assert_no_body(&request);
    assert_eq!(messages.items[0].id, 5_000_000_001);
    assert_eq!(messages.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn search_users() {
    let wire = start("SearchOperations_searchUsers", search_page(json!([user_json()]), "")).await;
    let params = SearchUsersParams::default()
        .query("Олег Петров")
        .limit(200)
        .cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9")
        .sort(SearchSortOrder::Alphabetical)
        .order(SortOrder::Asc)
        .created_from(at("2025-01-01T00:00:00Z"))
        .created_to(at("2025-02-01T00:00:00Z"))
        .company_roles(vec![UserRole::Admin, UserRole::MultiGuest]);
    let users = wire.client.search().search_users(params).await.expect("users");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/search/users",
        Some(
            "query=%D0%9E%D0%BB%D0%B5%D0%B3+%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2&limit=200\
             &cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9&sort=alphabetical&order=asc\
             &created_from=2025-01-01T00%3A00%3A00.000Z&created_to=2025-02-01T00%3A00%3A00.000Z\
             &company_roles%5B%5D=admin&company_roles%5B%5D=multi_guest",
        ),
    );
    assert_no_body(&request);
    assert_eq!(users.items[0].nickname, "olegpetrov");
    assert_eq!(users.next_cursor, None);
}

// ---------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_tasks() {
    let wire = start("TaskOperations_listTasks", page(json!([task_json()]), "c2")).await;
    let params = ListTasksParams::default().limit(50).cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let tasks = wire.client.tasks().list_tasks(params).await.expect("tasks");
    let request = wire.request().await;
    assert_line(&request, "GET", "/tasks", Some("limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9"));
    assert_no_body(&request);
    assert_eq!((tasks.items[0].id, tasks.items[0].kind.clone()), (4_294_967_296, TaskKind::Meeting));
    assert_eq!(tasks.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn create_task() {
    let wire = start("TaskOperations_createTask", data(201, task_json())).await;
    let task = TaskCreateRequestTask::builder()
        .kind(TaskKind::Meeting)
        .content("Забрать 21 заказ со склада")
        .due_at(at("2026-06-05T09:00:00.250Z"))
        .priority(3)
        .performer_ids(vec![186, 4_294_967_296])
        .chat_id(2_637_266_155_i64)
        .all_day(false)
        .custom_properties(vec![
            TaskCreateRequestTaskCustomPropertiesItem::new(78, "Синий склад"),
            TaskCreateRequestTaskCustomPropertiesItem::new(4_294_967_296_i64, "2"),
        ])
        .build()
        .expect("task");
    let created = wire.client.tasks().create_task(&task).await.expect("created");
    let request = wire.request().await;
    assert_line(&request, "POST", "/tasks", None);
    assert_json(
        &request,
        json!({ "task": {
            "kind": "meeting", "content": "Забрать 21 заказ со склада", "due_at": "2026-06-05T09:00:00.250Z",
            "priority": 3, "performer_ids": [186, 4_294_967_296_i64], "chat_id": 2_637_266_155_i64, "all_day": false,
            "custom_properties": [{ "id": 78, "value": "Синий склад" }, { "id": 4_294_967_296_i64, "value": "2" }]
        }}),
    );
    assert_eq!(created.performer_ids, [186, 4_294_967_296]);
}

#[tokio::test]
async fn get_task() {
    let wire = start("TaskOperations_getTask", data(200, task_json())).await;
    let task = wire.client.tasks().get_task(4_294_967_296).await.expect("task");
    let request = wire.request().await;
    assert_line(&request, "GET", "/tasks/4294967296", None);
    assert_no_body(&request);
    assert_eq!((task.priority, task.status), (3, TaskStatus::Undone));
}

#[tokio::test]
async fn update_task() {
    let wire = start("TaskOperations_updateTask", data(200, task_json())).await;
    let mut task = TaskUpdateRequestTask::new();
    task.kind = Some(TaskKind::Call);
    task.content = Some("Позвонить в офис".to_owned());
    task.due_at = Some(at("2026-06-05T09:00:00.250Z"));
    task.priority = Some(1);
    task.performer_ids = Some(vec![186, 4_294_967_296]);
    task.status = Some(TaskStatus::Done);
    task.all_day = Some(true);
    task.done_at = Some(at("2026-06-05T12:30:00.125Z"));
    task.custom_properties = Some(vec![
        TaskUpdateRequestTaskCustomPropertiesItem::new(78, "Синий склад"),
        TaskUpdateRequestTaskCustomPropertiesItem::new(4_294_967_296_i64, "3"),
    ]);
    let updated = wire.client.tasks().update_task(4_294_967_296, &task).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/tasks/4294967296", None);
    assert_json(
        &request,
        json!({ "task": {
            "kind": "call", "content": "Позвонить в офис", "due_at": "2026-06-05T09:00:00.250Z", "priority": 1,
            "performer_ids": [186, 4_294_967_296_i64], "status": "done", "all_day": true,
            "done_at": "2026-06-05T12:30:00.125Z",
            "custom_properties": [{ "id": 78, "value": "Синий склад" }, { "id": 4_294_967_296_i64, "value": "3" }]
        }}),
    );
    assert_eq!(updated.id, 4_294_967_296);
}

#[tokio::test]
async fn delete_task() {
    let wire = start("TaskOperations_deleteTask", no_content()).await;
    wire.client.tasks().delete_task(4_294_967_296).await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/tasks/4294967296", None);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_users() {
    let wire = start("UserOperations_listUsers", page(json!([user_json()]), "c2")).await;
    let params = ListUsersParams::default().query("Олег").limit(50).cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let users = wire.client.users().list_users(params).await.expect("users");
    let request = wire.request().await;
    assert_line(&request, "GET", "/users", Some("query=%D0%9E%D0%BB%D0%B5%D0%B3&limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9"));
    assert_no_body(&request);
    assert_eq!(users.items[0].id, 4_294_967_296);
    assert_eq!(users.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn create_user() {
    let wire = start("UserOperations_createUser", data(201, user_json())).await;
    let user = UserCreateRequestUser::builder()
        .first_name("Олег")
        .last_name("Петров")
        .email("olegp@example.com")
        .phone_number("+79001234567")
        .nickname("olegpetrov")
        .department("Продукт")
        .title("CIO")
        .role(UserCreateRole::MultiGuest)
        .suspended(false)
        .list_tags(vec!["Дизайн".to_owned(), "iOS".to_owned()])
        .chat_ids(vec![334, 2_637_266_155])
        .custom_properties(vec![
            UserCreateRequestUserCustomPropertiesItem::new(1678, "Санкт-Петербург"),
            UserCreateRequestUserCustomPropertiesItem::new(4_294_967_296_i64, "2026-01-02"),
        ])
        .build()
        .expect("user");
    let mut body = UserCreateRequest::new(user);
    body.skip_email_notify = Some(true);
    let created = wire.client.users().create_user(&body).await.expect("created");
    let request = wire.request().await;
    assert_line(&request, "POST", "/users", None);
    assert_json(
        &request,
        json!({
            "user": {
                "first_name": "Олег", "last_name": "Петров", "email": "olegp@example.com",
                "phone_number": "+79001234567", "nickname": "olegpetrov", "department": "Продукт", "title": "CIO",
                "role": "multi_guest", "suspended": false, "list_tags": ["Дизайн", "iOS"],
                "chat_ids": [334, 2_637_266_155_i64],
                "custom_properties": [
                    { "id": 1678, "value": "Санкт-Петербург" },
                    { "id": 4_294_967_296_i64, "value": "2026-01-02" }
                ]
            },
            "skip_email_notify": true
        }),
    );
    assert_eq!(created.id, 4_294_967_296);
}

#[tokio::test]
async fn get_user() {
    let wire = start("UserOperations_getUser", data(200, user_json())).await;
    let user = wire.client.users().get_user(4_294_967_296).await.expect("user");
    let request = wire.request().await;
    assert_line(&request, "GET", "/users/4294967296", None);
    assert_no_body(&request);
    assert_eq!(user.list_tags, ["Дизайн", "iOS"]);
}

#[tokio::test]
async fn update_user() {
    let wire = start("UserOperations_updateUser", data(200, user_json())).await;
    let mut user = UserUpdateRequestUser::new();
    user.first_name = Some("Олег".to_owned());
    user.last_name = Some("Петров".to_owned());
    user.email = Some("olegpetrov@example.com".to_owned());
    user.phone_number = Some("+79001234567".to_owned());
    user.nickname = Some("olegpetrov".to_owned());
    user.department = Some("Разработка".to_owned());
    user.title = Some("Старший разработчик".to_owned());
    user.role = Some(UserRoleInput::Admin);
    user.suspended = Some(true);
    user.list_tags = Some(vec!["Бэкенд".to_owned(), "Rust".to_owned()]);
    user.custom_properties = Some(vec![
        UserUpdateRequestUserCustomPropertiesItem::new(1678, "Москва"),
        UserUpdateRequestUserCustomPropertiesItem::new(4_294_967_296_i64, "https://example.com"),
    ]);
    let updated = wire.client.users().update_user(4_294_967_296, &user).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/users/4294967296", None);
    assert_json(
        &request,
        json!({ "user": {
            "first_name": "Олег", "last_name": "Петров", "email": "olegpetrov@example.com",
            "phone_number": "+79001234567", "nickname": "olegpetrov", "department": "Разработка",
            "title": "Старший разработчик", "role": "admin", "suspended": true, "list_tags": ["Бэкенд", "Rust"],
            "custom_properties": [
                { "id": 1678, "value": "Москва" },
                { "id": 4_294_967_296_i64, "value": "https://example.com" }
            ]
        }}),
    );
    assert_eq!(updated.nickname, "olegpetrov");
}

#[tokio::test]
async fn delete_user() {
    let wire = start("UserOperations_deleteUser", no_content()).await;
    wire.client.users().delete_user(4_294_967_296).await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/users/4294967296", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn update_user_avatar() {
    let wire = start("UserAvatarOperations_updateUserAvatar", data(200, avatar_json())).await;
    let avatar = wire
        .client
        .users()
        .update_user_avatar(4_294_967_296, &UpdateUserAvatarRequest::new(PNG), "photo.png")
        .await
        .expect("avatar");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/users/4294967296/avatar", None);
    assert_eq!(form_fields(&request), [file_field("image", "photo.png", PNG)]);
    assert_eq!(avatar.image_url, "https://pachca-prod.s3.amazonaws.com/uploads/0001/avatar.png");
}

#[tokio::test]
async fn delete_user_avatar() {
    let wire = start("UserAvatarOperations_deleteUserAvatar", no_content()).await;
    wire.client.users().delete_user_avatar(4_294_967_296).await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/users/4294967296/avatar", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn get_user_status() {
    let wire = start("UserStatusOperations_getUserStatus", data(200, status_json())).await;
    let status = wire.client.users().get_user_status(4_294_967_296).await.expect("status").expect("a status is set");
    let request = wire.request().await;
    assert_line(&request, "GET", "/users/4294967296/status", None);
    assert_no_body(&request);
    assert_eq!(status.emoji, "🌴");
}

#[tokio::test]
async fn update_user_status() {
    let wire = start("UserStatusOperations_updateUserStatus", data(200, status_json())).await;
    let mut status = StatusUpdateRequestStatus::new("🤒", "На больничном");
    status.expires_at = Some(at("2026-04-08T10:00:00.001Z"));
    status.is_away = Some(false);
    status.away_message = Some("По срочным вопросам — @olegpetrov".to_owned());
    let updated = wire.client.users().update_user_status(4_294_967_296, &status).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/users/4294967296/status", None);
    assert_json(
        &request,
        json!({ "status": {
            "emoji": "🤒", "title": "На больничном", "expires_at": "2026-04-08T10:00:00.001Z",
            "is_away": false, "away_message": "По срочным вопросам — @olegpetrov"
        }}),
    );
    assert!(updated.is_away);
}

#[tokio::test]
async fn delete_user_status() {
    let wire = start("UserStatusOperations_deleteUserStatus", no_content()).await;
    wire.client.users().delete_user_status(4_294_967_296).await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/users/4294967296/status", None);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------

/// Every kind of block, each with every field.
#[tokio::test]
async fn open_view() {
    let wire = start("FormOperations_openView", ResponseTemplate::new(201)).await;
    let blocks = vec![
        ViewBlockUnion::Header(ViewBlockHeader::builder().r#type(ViewBlockHeaderType::Header).text("Общая информация").build().expect("header")),
        ViewBlockUnion::PlainText(
            ViewBlockPlainText::builder().r#type(ViewBlockPlainTextType::PlainText).text("Заполните форму.").build().expect("plain text"),
        ),
        ViewBlockUnion::Markdown(
            ViewBlockMarkdown::builder()
                .r#type(ViewBlockMarkdownType::Markdown)
                .text("Подробнее [по ссылке](https://example.com)")
                .build()
                .expect("markdown"),
        ),
        ViewBlockUnion::Divider(ViewBlockDivider::builder().r#type(ViewBlockDividerType::Divider).build().expect("divider")),
        ViewBlockUnion::Input(
            ViewBlockInput::builder()
                .r#type(ViewBlockInputType::Input)
                .name("info")
                .label("Описание отпуска")
                .placeholder("Куда поедете")
                .multiline(true)
                .initial_value("Начальный текст")
                .min_length(10)
                .max_length(500)
                .required(true)
                .hint("Коллеги подскажут, что посмотреть")
                .build()
                .expect("input"),
        ),
        ViewBlockUnion::Select(
            ViewBlockSelect::builder()
                .r#type(ViewBlockSelectType::Select)
                .name("team")
                .label("Команда")
                .options(vec![
                    ViewBlockSelectOption::builder().text("Дизайн").value("design").selected(true).build().expect("option"),
                    ViewBlockSelectOption::builder().text("Разработка").value("dev").build().expect("option"),
                ])
                .required(false)
                .hint("Одна из команд")
                .build()
                .expect("select"),
        ),
        ViewBlockUnion::Radio(
            ViewBlockRadio::builder()
                .r#type(ViewBlockRadioType::Radio)
                .name("accessibility")
                .label("Доступность")
                .options(vec![
                    ViewBlockSelectableOption::builder()
                        .text("Не на связи")
                        .value("nothing")
                        .description("Совсем")
                        .selected(true)
                        .build()
                        .expect("option"),
                    ViewBlockSelectableOption::builder().text("Иногда").value("sometimes").build().expect("option"),
                ])
                .required(true)
                .hint("Если не планируете быть на связи, выберите «Не на связи»")
                .build()
                .expect("radio"),
        ),
        ViewBlockUnion::Checkbox(
            ViewBlockCheckbox::builder()
                .r#type(ViewBlockCheckboxType::Checkbox)
                .name("newsletters")
                .label("Рассылки")
                .options(vec![
                    ViewBlockCheckboxOption::builder()
                        .text("Задачи")
                        .value("tasks")
                        .description("Каждый день")
                        .checked(true)
                        .build()
                        .expect("option"),
                    ViewBlockCheckboxOption::builder().text("Новости").value("news").build().expect("option"),
                ])
                .required(false)
                .hint("Выберите интересные рассылки")
                .build()
                .expect("checkbox"),
        ),
        ViewBlockUnion::Date(
            ViewBlockDate::builder()
                .r#type(ViewBlockDateType::Date)
                .name("date_start")
                .label("Начало отпуска")
                .initial_date(date(2026, 7, 1))
                .required(true)
                .hint("Первый день отпуска")
                .build()
                .expect("date"),
        ),
        ViewBlockUnion::Time(
            ViewBlockTime::builder()
                .r#type(ViewBlockTimeType::Time)
                .name("newsletter_time")
                .label("Время рассылки")
                .initial_time("11:00".parse::<TimeOfDay>().expect("a time"))
                .required(false)
                .hint("Когда присылать рассылки")
                .build()
                .expect("time"),
        ),
        ViewBlockUnion::FileInput(
            ViewBlockFileInput::builder()
                .r#type(ViewBlockFileInputType::FileInput)
                .name("request_doc")
                .label("Заявление")
                .filetypes(vec!["pdf".to_owned(), "docx".to_owned()])
                .max_files(2)
                .required(true)
                .hint("Заявление с электронной подписью")
                .build()
                .expect("file input"),
        ),
    ];
    let mut view = OpenViewRequestView::new("Уведомление об отпуске", blocks);
    view.close_text = Some("Закрыть".to_owned());
    view.submit_text = Some("Отправить заявку".to_owned());
    let mut body = OpenViewRequest::new(OpenViewRequestType::Modal, "791a056b-006c-49dd-834b-c633fde52fe8", view);
    body.private_metadata = Some("{\"timeoff_id\":4378}".to_owned());
    body.callback_id = Some("timeoff_request_form".to_owned());
    wire.client.views().open_view(&body).await.expect("opened");
    let request = wire.request().await;
    assert_line(&request, "POST", "/views/open", None);
    assert_json(
        &request,
        json!({
            "type": "modal",
            "trigger_id": "791a056b-006c-49dd-834b-c633fde52fe8",
            "private_metadata": "{\"timeoff_id\":4378}",
            "callback_id": "timeoff_request_form",
            "view": {
                "title": "Уведомление об отпуске",
                "close_text": "Закрыть",
                "submit_text": "Отправить заявку",
                "blocks": [
                    { "type": "header", "text": "Общая информация" },
                    { "type": "plain_text", "text": "Заполните форму." },
                    { "type": "markdown", "text": "Подробнее [по ссылке](https://example.com)" },
                    { "type": "divider" },
                    {
                        "type": "input", "name": "info", "label": "Описание отпуска", "placeholder": "Куда поедете",
                        "multiline": true, "initial_value": "Начальный текст", "min_length": 10, "max_length": 500,
                        "required": true, "hint": "Коллеги подскажут, что посмотреть"
                    },
                    {
                        "type": "select", "name": "team", "label": "Команда",
                        "options": [
                            { "text": "Дизайн", "value": "design", "selected": true },
                            { "text": "Разработка", "value": "dev" }
                        ],
                        "required": false, "hint": "Одна из команд"
                    },
                    {
                        "type": "radio", "name": "accessibility", "label": "Доступность",
                        "options": [
                            { "text": "Не на связи", "value": "nothing", "description": "Совсем", "selected": true },
                            { "text": "Иногда", "value": "sometimes" }
                        ],
                        "required": true, "hint": "Если не планируете быть на связи, выберите «Не на связи»"
                    },
                    {
                        "type": "checkbox", "name": "newsletters", "label": "Рассылки",
                        "options": [
                            { "text": "Задачи", "value": "tasks", "description": "Каждый день", "checked": true },
                            { "text": "Новости", "value": "news" }
                        ],
                        "required": false, "hint": "Выберите интересные рассылки"
                    },
                    {
                        "type": "date", "name": "date_start", "label": "Начало отпуска", "initial_date": "2026-07-01",
                        "required": true, "hint": "Первый день отпуска"
                    },
                    {
                        "type": "time", "name": "newsletter_time", "label": "Время рассылки", "initial_time": "11:00",
                        "required": false, "hint": "Когда присылать рассылки"
                    },
                    {
                        "type": "file_input", "name": "request_doc", "label": "Заявление", "filetypes": ["pdf", "docx"],
                        "max_files": 2, "required": true, "hint": "Заявление с электронной подписью"
                    }
                ]
            }
        }),
    );
}

// ---------------------------------------------------------------------------
// Bots
// ---------------------------------------------------------------------------

#[tokio::test]
async fn self_recreate_bot_token() {
    let wire = start("BotOperations_selfRecreateBotToken", data(200, bot_created_json())).await;
    let bot = wire.client.bots().self_recreate_bot_token().await.expect("new token");
    let request = wire.request().await;
    assert_line(&request, "POST", "/bot/recreate_token", None);
    assert_no_body(&request);
    assert_eq!((bot.id, bot.access_token.as_str()), (4_294_967_296, "bm90X2FfcmVhbF90b2tlbg"));
}

#[tokio::test]
async fn self_update_bot_webhook() {
    let wire = start("BotOperations_selfUpdateBotWebhook", data(200, bot_json())).await;
    let webhook = BotWebhookSelfUpdateRequestWebhook::new("https://example.com/хуки/pachca?bot=4294967296");
    let bot = wire.client.bots().self_update_bot_webhook(&webhook).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/bot/webhook", None);
    assert_json(&request, json!({ "webhook": { "outgoing_url": "https://example.com/хуки/pachca?bot=4294967296" } }));
    assert_eq!(bot.webhook.nickname, "tasks_bot");
}

#[tokio::test]
async fn list_bots() {
    let wire = start("BotOperations_listBots", page(json!([bot_json()]), "eyJpZCI6MTczODgxNn0")).await;
    let params = ListBotsParams::default().query("бот задач").limit(25).cursor("eyJpZCI6MTczODgxNn0");
    let bots = wire.client.bots().list_bots(params).await.expect("bots");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/bots",
        Some("query=%D0%B1%D0%BE%D1%82+%D0%B7%D0%B0%D0%B4%D0%B0%D1%87&limit=25&cursor=eyJpZCI6MTczODgxNn0"),
    );
    assert_no_body(&request);
    assert_eq!((bots.items[0].id, bots.items[0].webhook.name.as_str()), (4_294_967_296, "Бот задач"));
    assert_eq!(bots.next_cursor.as_deref(), Some("eyJpZCI6MTczODgxNn0"));
}

#[tokio::test]
async fn create_bot() {
    let wire = start("BotOperations_createBot", data(201, bot_created_json())).await;
    let webhook = BotCreateRequestWebhook::builder()
        .name("Бот задач")
        .nickname("tasks_bot")
        .outgoing_url("https://example.com/hooks/pachca")
        .events(vec![BotEventName::MessageNew, BotEventName::ButtonClick])
        .trigger_on(BotTriggerOn::Commands)
        .commands(vec!["/задача".to_owned(), "/help".to_owned()])
        .scopes(vec!["messages:read".to_owned(), "messages:create".to_owned()])
        .template("Заказ от {{ client }} на {{ amount }} ₽")
        .template_engine(BotTemplateEngine::Liquid)
        .challenge_key("challenge")
        .link_preview_enabled(false)
        .ignore_self_messages(true)
        .events_history_enabled(true)
        .who_can_add(BotWhoCanAdd::CreatorAdmin)
        .can_edit(vec![BotCanEdit::Admin, BotCanEdit::ChatOwners])
        .single_chat(true)
        .build()
        .expect("webhook");
    let bot = wire.client.bots().create_bot(&webhook).await.expect("created");
    let request = wire.request().await;
    assert_line(&request, "POST", "/bots", None);
    assert_json(
        &request,
        json!({ "webhook": {
            "name": "Бот задач", "nickname": "tasks_bot", "outgoing_url": "https://example.com/hooks/pachca",
            "events": ["message_new", "button_click"], "trigger_on": "commands", "commands": ["/задача", "/help"],
            "scopes": ["messages:read", "messages:create"], "template": "Заказ от {{ client }} на {{ amount }} ₽",
            "template_engine": "liquid", "challenge_key": "challenge", "link_preview_enabled": false,
            "ignore_self_messages": true, "events_history_enabled": true, "who_can_add": "creator_admin",
            "can_edit": ["admin", "chat_owners"], "single_chat": true
        }}),
    );
    assert_eq!(bot.access_token, "bm90X2FfcmVhbF90b2tlbg");
}

#[tokio::test]
async fn get_bot() {
    let wire = start("BotOperations_getBot", data(200, bot_json())).await;
    let bot = wire.client.bots().get_bot(4_294_967_296).await.expect("bot");
    let request = wire.request().await;
    assert_line(&request, "GET", "/bots/4294967296", None);
    assert_no_body(&request);
    assert_eq!((bot.id, bot.webhook.trigger_on), (4_294_967_296, BotTriggerOn::Commands));
}

#[tokio::test]
async fn update_bot() {
    let wire = start("BotOperations_updateBot", data(200, bot_json())).await;
    let mut webhook = BotUpdateRequestWebhook::new();
    webhook.name = Some("Бот заказов".to_owned());
    webhook.nickname = Some("orders_bot".to_owned());
    webhook.outgoing_url = Some("https://example.com/hooks/orders".to_owned());
    webhook.events = Some(vec![BotEventName::ReactionNew, BotEventName::VideoCallRecordingReady]);
    webhook.trigger_on = Some(BotTriggerOn::AllMessages);
    webhook.commands = Some(vec!["/заказ".to_owned(), "/статус".to_owned()]);
    webhook.scopes = Some(vec!["chats:read".to_owned(), "messages:update".to_owned()]);
    webhook.template = Some("Заказ {{ id }}".to_owned());
    webhook.template_engine = Some(BotTemplateEngine::Mustache);
    webhook.challenge_key = Some("новый-ключ".to_owned());
    webhook.link_preview_enabled = Some(true);
    webhook.ignore_self_messages = Some(false);
    webhook.events_history_enabled = Some(false);
    webhook.who_can_add = Some(BotWhoCanAdd::CreatorAdminUser);
    webhook.can_edit = Some(vec![BotCanEdit::ChatOwners, BotCanEdit::Admin]);
    let bot = wire.client.bots().update_bot(4_294_967_296, &webhook).await.expect("updated");
    let request = wire.request().await;
    assert_line(&request, "PUT", "/bots/4294967296", None);
    assert_json(
        &request,
        json!({ "webhook": {
            "name": "Бот заказов", "nickname": "orders_bot", "outgoing_url": "https://example.com/hooks/orders",
            "events": ["reaction_new", "video_call_recording_ready"], "trigger_on": "all_messages",
            "commands": ["/заказ", "/статус"], "scopes": ["chats:read", "messages:update"],
            "template": "Заказ {{ id }}", "template_engine": "mustache", "challenge_key": "новый-ключ",
            "link_preview_enabled": true, "ignore_self_messages": false, "events_history_enabled": false,
            "who_can_add": "creator_admin_user", "can_edit": ["chat_owners", "admin"]
        }}),
    );
    assert_eq!(bot.id, 4_294_967_296);
}

#[tokio::test]
async fn delete_bot() {
    let wire = start("BotOperations_deleteBot", no_content()).await;
    wire.client.bots().delete_bot(4_294_967_296).await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/bots/4294967296", None);
    assert_no_body(&request);
}

#[tokio::test]
async fn recreate_bot_token() {
    let wire = start("BotOperations_recreateBotToken", data(200, bot_created_json())).await;
    let bot = wire.client.bots().recreate_bot_token(4_294_967_296).await.expect("new token");
    let request = wire.request().await;
    assert_line(&request, "POST", "/bots/4294967296/recreate_token", None);
    assert_no_body(&request);
    assert_eq!(bot.access_token, "bm90X2FfcmVhbF90b2tlbg");
}

#[tokio::test]
async fn get_webhook_events() {
    let wire = start(
        "BotOperations_getWebhookEvents",
        page(
            json!([{
                "id": "01KAJZ2XDSS2S3DSW9EXJZ0TBV", "event_type": "message_new", "created_at": "2025-05-15T14:30:00.000Z",
                "payload": {
                    "type": "message", "id": 5_000_000_001_i64, "event": "new", "entity_type": "discussion",
                    "entity_id": 2_637_266_155_i64, "content": "Привет", "user_id": 4_294_967_296_i64,
                    "created_at": "2025-05-15T14:30:00.000Z", "url": "https://app.pachca.com/chats/2637266155?message=5000000001",
                    "chat_id": 2_637_266_155_i64, "webhook_timestamp": 1_747_574_400
                }
            }]),
            "c2",
        ),
    )
    .await;
    let params = GetWebhookEventsParams::default().limit(50).cursor("eyJpZCI6MTAsImRpciI6ImFzYyJ9");
    let events = wire.client.bots().get_webhook_events(params).await.expect("events");
    let request = wire.request().await;
    assert_line(&request, "GET", "/webhooks/events", Some("limit=50&cursor=eyJpZCI6MTAsImRpciI6ImFzYyJ9"));
    assert_no_body(&request);
    assert_eq!(events.items[0].id, "01KAJZ2XDSS2S3DSW9EXJZ0TBV");
    assert!(
        matches!(&events.items[0].payload, WebhookPayloadUnion::Message(m) if m.chat_id == 2_637_266_155 && m.content == "Привет"),
        "{:?}",
        events.items[0].payload
    );
    assert_eq!(events.next_cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn delete_webhook_event() {
    let wire = start("BotOperations_deleteWebhookEvent", no_content()).await;
    wire.client.bots().delete_webhook_event("01KAJZ2XDSS2S3DSW9EXJZ0TBV").await.expect("deleted");
    let request = wire.request().await;
    assert_line(&request, "DELETE", "/webhooks/events/01KAJZ2XDSS2S3DSW9EXJZ0TBV", None);
    assert_no_body(&request);
}

// ---------------------------------------------------------------------------
// Security
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_audit_events() {
    let wire = start(
        "SecurityOperations_getAuditEvents",
        page(
            json!([{
                "id": "a1b2c3d4-5e6f-7g8h-9i10-j11k12l13m14", "created_at": "2025-05-15T14:30:00.000Z",
                "event_key": "user_chat_join", "entity_id": "2637266155", "entity_type": "Chat",
                "actor_id": "4294967296", "actor_type": "User", "details": {},
                "ip_address": "192.168.1.100", "user_agent": "Pachca/3.60.0"
            }]),
            "c2",
        ),
    )
    .await;
    let params = GetAuditEventsParams::default()
        .start_time(at("2026-01-02T03:04:05.678Z"))
        .end_time(at("2026-02-03T04:05:06Z"))
        .event_key(AuditEventKey::UserChatJoin)
        .actor_id("4294967296")
        .actor_type("User")
        .entity_id("2637266155")
        .entity_type("Chat")
        .limit(50)
        .cursor("eyJpZCI6MjYzNzI2NjE1NX0=");
    let events = wire.client.security().get_audit_events(params).await.expect("events");
    let request = wire.request().await;
    assert_line(
        &request,
        "GET",
        "/audit_events",
        Some(
            "start_time=2026-01-02T03%3A04%3A05.678Z&end_time=2026-02-03T04%3A05%3A06.000Z&event_key=user_chat_join\
             &actor_id=4294967296&actor_type=User&entity_id=2637266155&entity_type=Chat\
             &limit=50&cursor=eyJpZCI6MjYzNzI2NjE1NX0%3D",
        ),
    );
    assert_no_body(&request);
    assert_eq!(events.items[0].event_key, AuditEventKey::UserChatJoin);
    assert_eq!(events.items[0].actor_id, "4294967296");
    assert_eq!(events.next_cursor.as_deref(), Some("c2"));
}

// ---------------------------------------------------------------------------
// Date-times keep the caller's offset (the coming `DateTime<FixedOffset>`).
// ---------------------------------------------------------------------------

/// A query date-time goes out with the offset it was given and milliseconds.
#[tokio::test]
async fn query_date_times_keep_the_callers_offset() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(page(json!([]), "")).mount(&server).await;
    let client = Client::builder().token("t").base_url(server.uri()).retry_policy(RetryPolicy::none()).build().expect("client");
    let params = ListThreadsParams::default()
        .last_message_at_after(at("2026-01-02T03:04:05.678+03:00"))
        .last_message_at_before(at("2026-02-03T04:05:06-05:00"));
    client.threads().list_threads(params).await.expect("threads");
    let request = only_request(&server).await;
    assert_line(
        &request,
        "GET",
        "/threads",
        Some("last_message_at_after=2026-01-02T03%3A04%3A05.678%2B03%3A00&last_message_at_before=2026-02-03T04%3A05%3A06.000-05%3A00"),
    );
}

/// A body date-time goes out with the offset it was given and milliseconds,
/// a UTC one as `.000Z` (the spec's own example is `...12:00:00.000+03:00`).
#[tokio::test]
async fn body_date_times_keep_the_callers_offset() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(data(200, task_json())).mount(&server).await;
    let client = Client::builder().token("t").base_url(server.uri()).retry_policy(RetryPolicy::none()).build().expect("client");
    let mut task = TaskUpdateRequestTask::new();
    task.due_at = Some(at("2020-06-05T12:00:00+03:00"));
    task.done_at = Some(at("2020-06-05T12:00:00Z"));
    client.tasks().update_task(4_294_967_296, &task).await.expect("updated");
    let request = only_request(&server).await;
    assert_line(&request, "PUT", "/tasks/4294967296", None);
    assert_json(
        &request,
        json!({ "task": { "due_at": "2020-06-05T12:00:00.000+03:00", "done_at": "2020-06-05T12:00:00.000Z" } }),
    );
}
