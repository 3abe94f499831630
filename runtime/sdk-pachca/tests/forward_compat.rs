//! Values and shapes the spec does not know yet still decode.

use pachca::models::{AuditEventDetailsUnion, ChatMemberRole, ViewBlockUnion, WebhookPayloadUnion};

#[test]
fn unknown_enum_value_round_trips() {
    let role: ChatMemberRole = serde_json::from_str(r#""moderator""#).expect("unknown values decode");
    assert_eq!(role, ChatMemberRole::Unknown("moderator".to_owned()));
    assert_eq!(serde_json::to_string(&role).expect("encode"), r#""moderator""#);
    assert_eq!(role.to_string(), "moderator");
}

#[test]
fn known_enum_values_parse_and_print() {
    for role in ChatMemberRole::KNOWN {
        let parsed: ChatMemberRole = role.as_str().parse().expect("infallible");
        assert_eq!(&parsed, role);
    }
}

#[test]
fn unknown_union_tag_is_kept_raw() {
    let json = serde_json::json!({"type": "hologram", "event": "new", "chat_id": 1});
    let payload: WebhookPayloadUnion = serde_json::from_value(json.clone()).expect("decodes");
    assert_eq!(payload, WebhookPayloadUnion::Other(json.clone()));
    assert_eq!(serde_json::to_value(&payload).expect("encode"), json);
    let block: ViewBlockUnion = serde_json::from_value(serde_json::json!({"type": "carousel"})).expect("decodes");
    assert!(matches!(block, ViewBlockUnion::Other(_)));
}

#[test]
fn webhook_payload_is_decoded_by_type_and_event() {
    let link = serde_json::json!({
        "type": "message", "event": "link_shared", "chat_id": 1, "message_id": 2,
        "links": [{"url": "https://example.com", "domain": "example.com", "skip": false}],
        "user_id": 3, "created_at": "2025-01-01T00:00:00.000Z", "webhook_timestamp": 1735689600
    });
    let payload: WebhookPayloadUnion = serde_json::from_value(link).expect("decodes");
    assert!(matches!(payload, WebhookPayloadUnion::LinkShared(_)), "{payload:?}");
}

#[test]
fn audit_details_resolve_most_specific_first_and_empty_last() {
    let empty: AuditEventDetailsUnion = serde_json::from_str("{}").expect("decodes");
    assert!(matches!(empty, AuditEventDetailsUnion::Empty(_)), "{empty:?}");
    let chat: AuditEventDetailsUnion =
        serde_json::from_value(serde_json::json!({"chat_id": 5, "tag_name": "ops"})).expect("decodes");
    assert!(matches!(chat, AuditEventDetailsUnion::TagChat(_)), "{chat:?}");
    let unknown: AuditEventDetailsUnion =
        serde_json::from_value(serde_json::json!({"brand_new": true})).expect("decodes");
    assert!(matches!(unknown, AuditEventDetailsUnion::Other(_)), "{unknown:?}");
}

#[test]
fn extra_unknown_fields_are_ignored() {
    let json = serde_json::json!({"type": "divider", "added_in_2030": {"x": 1}});
    let block: ViewBlockUnion = serde_json::from_value(json).expect("decodes");
    assert!(matches!(block, ViewBlockUnion::Divider(_)), "{block:?}");
}

/// A user unlike the spec's example: explicit nulls, missing nullable
/// fields, an id beyond 32 bits, values the spec does not list yet, and
/// fields it does not know. Each decoded value is checked.
#[test]
fn a_user_body_unlike_the_example_decodes_field_by_field() {
    use pachca::models::{InviteStatus, User, UserRole};
    let json = serde_json::json!({
        "id": 9_007_199_254_740_993_i64,
        "first_name": null,
        "last_name": "Петрова",
        "nickname": "anna",
        "email": null,
        "phone_number": null,
        "department": null,
        "title": null,
        "role": "auditor",
        "suspended": false,
        "invite_status": "expired",
        "inviter_id": 4_294_967_296_i64,
        "list_tags": [],
        "custom_properties": [],
        "bot": false,
        "sso": true,
        "created_at": "2020-06-08T09:32:57.000Z",
        "last_activity_at": null,
        "time_zone": "Europe/Moscow",
        "added_in_2030": {"nested": [1, 2]}
    });
    let user: User = serde_json::from_value(json).expect("decodes");
    assert_eq!(user.id, 9_007_199_254_740_993);
    assert_eq!(user.inviter_id, Some(4_294_967_296));
    assert_eq!((user.first_name.as_deref(), user.last_name.as_deref()), (None, Some("Петрова")));
    assert_eq!(user.role, UserRole::Unknown("auditor".to_owned()));
    assert_eq!(user.invite_status, InviteStatus::Unknown("expired".to_owned()));
    assert_eq!(user.user_status, None, "a missing nullable field is None");
    assert_eq!(user.image_url, None, "a missing nullable field is None");
    assert_eq!(user.last_activity_at, None, "an explicit null is None");
    assert_eq!(user.created_at.timestamp_millis(), 1_591_608_777_000);
    assert!(user.sso && !user.bot);
}

/// A required field that is missing or of the wrong type is an error that
/// names the field, never a silently default value.
#[test]
fn a_missing_required_field_is_an_error_naming_it() {
    use pachca::models::Chat;
    let err = serde_json::from_value::<Chat>(serde_json::json!({"id": 1, "name": "x"})).expect_err("incomplete");
    assert!(err.to_string().contains("missing field `created_at`"), "{err}");
    let err = serde_json::from_value::<Chat>(serde_json::json!({
        "id": "one", "name": "x", "created_at": "2020-06-08T09:32:57.000Z", "owner_id": 1, "member_ids": [],
        "group_tag_ids": [], "channel": false, "archived": false, "personal": false, "public": false,
        "last_message_at": "2020-06-08T09:32:57.000Z", "meet_room_url": ""
    }))
    .expect_err("a string id");
    assert!(err.to_string().contains("invalid type: string \"one\", expected i64"), "{err}");
}

/// An optional nullable field tells "not sent" from "sent as null", and a
/// date-time keeps the offset it came with and re-encodes as the API writes it.
#[test]
fn absent_and_null_differ_and_date_times_keep_their_offset() {
    use pachca::models::Message;
    use pachca::Nullable;
    let mut json = serde_json::json!({
        "id": 4_294_967_297_i64,
        "entity_type": "thread",
        "entity_id": 2_637_266_155_i64,
        "chat_id": 2_637_266_155_i64,
        "root_chat_id": 198,
        "content": "Привет",
        "user_id": 12,
        "created_at": "2026-01-02T03:04:05.678+03:00",
        "url": "https://app.pachca.com/chats/198?message=4294967297",
        "files": [],
        "voice_content": null,
        "buttons": null,
        "thread": null,
        "forwarding": null,
        "parent_message_id": null,
        "display_name": null,
        "changed_at": null,
        "deleted_at": null
    });
    let message: Message = serde_json::from_value(json.clone()).expect("decodes");
    assert_eq!(message.display_name, Nullable::Null, "sent as null");
    assert_eq!(message.display_avatar_url, Nullable::Absent, "not sent");
    assert_eq!(message.created_at.offset().local_minus_utc(), 3 * 3600);
    assert_eq!(message.created_at.timestamp_millis(), 1_767_312_245_678);

    let encoded = serde_json::to_value(&message).expect("encodes");
    assert_eq!(encoded["created_at"], "2026-01-02T03:04:05.678+03:00");
    assert_eq!(encoded["display_name"], serde_json::Value::Null);
    assert!(encoded.get("display_avatar_url").is_none(), "an absent field stays absent");

    json["display_avatar_url"] = "https://example.com/a.png".into();
    let message: Message = serde_json::from_value(json).expect("decodes");
    assert_eq!(message.display_avatar_url.as_option().map(String::as_str), Some("https://example.com/a.png"));
}
