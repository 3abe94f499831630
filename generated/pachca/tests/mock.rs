//! Testing code that uses the crate without the network: the `mock` feature
//! (`cargo test --features mock`). This file is also the README's example.

use pachca::mock::MockServer;
use pachca::models::{Chat, Message, MessageCreateRequest, MessageCreateRequestMessage, MessageEntityType, UploadParams};
use pachca::params::ListChatsParams;
use pachca::{Client, Error};

/// The code under test: a bot's "announce" step.
async fn announce(client: &Client, chat_id: i64, text: &str) -> Result<i64, Error> {
    let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(chat_id, text));
    Ok(client.messages().create_message(&body).await?.id)
}

fn message(id: i64, chat_id: i64, content: &str) -> Message {
    Message::builder()
        .id(id)
        .entity_type(MessageEntityType::Discussion)
        .entity_id(chat_id)
        .chat_id(chat_id)
        .root_chat_id(chat_id)
        .content(content)
        .user_id(12)
        .created_at(chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05.000+03:00").expect("date"))
        .url(format!("https://app.pachca.com/chats/{chat_id}?message={id}"))
        .files(Vec::new())
        .build()
        .expect("every required field set")
}

fn chat(id: i64, name: &str) -> Chat {
    Chat::builder()
        .id(id)
        .name(name)
        .created_at(chrono::DateTime::parse_from_rfc3339("2025-05-06T07:08:09.000Z").expect("date"))
        .owner_id(12)
        .member_ids(vec![12, 4_294_967_296])
        .group_tag_ids(Vec::new())
        .channel(false)
        .archived(false)
        .personal(false)
        .public(true)
        .last_message_at(chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05.000Z").expect("date"))
        .meet_room_url("https://meet.pachca.com/room")
        .build()
        .expect("every required field set")
}

#[tokio::test]
async fn a_mocked_operation_answers_with_its_own_type() {
    let mock = MockServer::start().await;
    mock.messages().create_message().expect(1).respond(message(4_294_967_297, 2_637_266_155, "Релиз в 18:00")).await;
    let client = mock.client().expect("client");

    let id = announce(&client, 2_637_266_155, "Релиз в 18:00").await.expect("sent");

    assert_eq!(id, 4_294_967_297);
    let sent = mock.received().await;
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].method.as_str(), sent[0].url.path()), ("POST", "/messages"));
    let body: serde_json::Value = serde_json::from_slice(&sent[0].body).expect("JSON body");
    assert_eq!(body, serde_json::json!({"message": {"entity_id": 2_637_266_155_i64, "content": "Релиз в 18:00"}}));
}

#[tokio::test]
async fn pages_errors_and_concrete_paths() {
    let mock = MockServer::start().await;
    mock.chats().list_chats().respond_page(vec![chat(1, "general"), chat(2_637_266_155, "releases")], None).await;
    mock.messages().get_message().path("/messages/404").respond_error(404, serde_json::json!({"errors": [{"key": "id", "value": "404", "message": "not found", "code": "not_found"}]})).await;
    mock.messages().get_message().respond(message(7, 1, "found")).await;
    let client = mock.client().expect("client");

    let chats = client.chats().list_chats_all(ListChatsParams::default()).await.expect("one page");
    assert_eq!(chats.iter().map(|c| (c.id, c.name.as_str())).collect::<Vec<_>>(), [(1, "general"), (2_637_266_155, "releases")]);

    let err = client.messages().get_message(404).await.expect_err("mocked 404");
    assert!(matches!(err, Error::Api { status: 404, .. }), "{err}");
    let items = err.api_error().map(|e| e.errors.into_iter().map(|i| i.key).collect::<Vec<_>>());
    assert_eq!(items, Some(vec!["id".to_owned()]));
    assert_eq!(err.request().and_then(|r| r.operation), Some("MessageOperations_getMessage"));

    // Any other id matches the template `/messages/{id}`.
    assert_eq!(client.messages().get_message(7).await.expect("found").content, "found");
}

#[tokio::test]
async fn the_upload_flow_is_mocked_end_to_end() {
    let mock = MockServer::start().await;
    let params = UploadParams::builder()
        .content_disposition("attachment")
        .acl("private")
        .policy("p")
        .x_amz_credential("c")
        .x_amz_algorithm("AWS4-HMAC-SHA256")
        .x_amz_date("20250101T000000Z")
        .x_amz_signature("s")
        .key("attaches/files/1/${filename}")
        .direct_url(format!("{}/storage", mock.uri()))
        .build()
        .expect("every required field set");
    mock.files().get_upload_params().expect(1).respond(params).await;
    mock.files().upload_file("/storage").expect(1).respond(()).await;
    let client = mock.client().expect("client");

    let file = client.upload_file("план.txt", b"one\ntwo\n".to_vec()).await.expect("uploaded");

    assert_eq!((file.key.as_str(), file.size, file.mime_type.as_str()), ("attaches/files/1/план.txt", 8, "text/plain"));
    let storage = mock.received().await.into_iter().find(|r| r.url.path() == "/storage").expect("storage request");
    assert!(storage.headers.get("authorization").is_none(), "the token stays with the API");
}
