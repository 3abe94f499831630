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
