//! Users of the crate build their own values of every model (test fixtures,
//! mock responses) with the generated builders, and credentials never print.

use pachca::models::{AccessTokenInfo, Message, MessageEntityType};
use pachca::BuildError;

fn message() -> Result<Message, BuildError> {
    Message::builder()
        .id(5_000_000_001_i64)
        .entity_type(MessageEntityType::Thread)
        .entity_id(2_637_266_155_i64)
        .chat_id(2_637_266_155_i64)
        .root_chat_id(198)
        .content("Hello")
        .user_id(12)
        .created_at(chrono::DateTime::parse_from_rfc3339("2020-06-08T09:32:57Z").expect("date").with_timezone(&chrono::Utc))
        .url("https://app.pachca.com/chats/198?message=1")
        .files(Vec::new())
        .build()
}

#[test]
fn a_response_model_is_built_field_by_field() {
    let m = message().expect("every required field is set");
    assert_eq!((m.id, m.chat_id, m.content.as_str()), (5_000_000_001, 2_637_266_155, "Hello"));
    // Optional fields not set stay absent.
    assert_eq!((m.thread, m.parent_message_id), (None, None));
    // It is the same value the API's JSON decodes to.
    let json = serde_json::to_value(message().expect("built")).expect("encode");
    assert_eq!(json["chat_id"], 2_637_266_155_i64);
    let back: Message = serde_json::from_value(json).expect("decode");
    assert_eq!(back, message().expect("built"));
}

#[test]
fn build_names_every_missing_required_field() {
    let err = Message::builder().id(1).content("x").build().unwrap_err();
    assert_eq!(err.type_name(), "Message");
    assert_eq!(err.missing(), ["entity_type", "entity_id", "chat_id", "root_chat_id", "user_id", "created_at", "url", "files"]);
    assert!(err.to_string().starts_with("cannot build Message: required fields not set: entity_type, "), "{err}");
}

#[test]
fn tokens_are_redacted_in_debug() {
    let info = AccessTokenInfo::builder()
        .id(7)
        .token("K9x-secret-token-value")
        .user_id(12)
        .scopes(Vec::new())
        .created_at(chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").expect("date").with_timezone(&chrono::Utc))
        .build()
        .expect("built");
    let debug = format!("{info:?}");
    assert!(!debug.contains("K9x-secret"), "{debug}");
    assert!(debug.contains("token: \"***\""), "{debug}");
    assert!(debug.contains("id: 7") && debug.contains("user_id: 12"), "{debug}");
    // The value itself is there to read.
    assert_eq!(info.token, "K9x-secret-token-value");
}
