//! The Pachca error bodies, typed: [`Error::api_error`] and
//! [`Error::oauth_error`] decode the body of an [`Error::Api`].
//!
//! Pachca answers 400, 402, 403, 404, 409, 410 and 422 with an [`ApiError`]
//! (`{"errors": [{"key", "value", "message", "code", "payload"}]}`), and 401
//! or 403 with an [`OAuthError`] (`{"error", "error_description"}`) when the
//! token is missing, invalid, expired or lacks a scope.

use serde::Deserialize;

use crate::models::{ApiError, ApiErrorItem, OAuthError};
use crate::Error;

impl Error {
    /// The body of an [`Error::Api`] as Pachca's [`ApiError`], if it has an
    /// `errors` array.
    ///
    /// Decoded leniently, so an unexpected body never hides the real error:
    /// an item that does not fit [`ApiErrorItem`] (a number as `value`, a
    /// missing `code`) keeps what it has: `key` and `message` when they are
    /// strings, `value` as its JSON text, an unknown `code` as
    /// [`ValidationErrorCode::Unknown`](crate::models::ValidationErrorCode::Unknown).
    #[must_use]
    pub fn api_error(&self) -> Option<ApiError> {
        let Error::Api { body, .. } = self else { return None };
        if let Ok(strict) = ApiError::deserialize(body) {
            return Some(strict);
        }
        let items = body.get("errors")?.as_array()?;
        let errors: Vec<ApiErrorItem> = items.iter().map(lenient_item).collect();
        ApiError::builder().errors(errors).build().ok()
    }

    /// The body of an [`Error::Api`] with status 401 or 403 as an [`OAuthError`]
    /// (`invalid_token`, `insufficient_scope`, ...), if it has that shape.
    #[must_use]
    pub fn oauth_error(&self) -> Option<OAuthError> {
        match self.status() {
            Some(401 | 403) => self.body_as(),
            _ => None,
        }
    }
}

/// One error item, whatever its shape.
fn lenient_item(item: &serde_json::Value) -> ApiErrorItem {
    if let Ok(strict) = ApiErrorItem::deserialize(item) {
        return strict;
    }
    let text = |key: &str| match item.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let value = match item.get("value") {
        None | Some(serde_json::Value::Null) => None,
        Some(_) => Some(text("value")),
    };
    let code = item.get("code").and_then(serde_json::Value::as_str).unwrap_or_default();
    let payload = item.get("payload").and_then(|p| serde::Deserialize::deserialize(p).ok());
    ApiErrorItem {
        key: text("key"),
        value,
        message: if item.get("message").is_some() { text("message") } else { item.to_string() },
        code: code.parse().unwrap_or_else(|never| match never {}),
        payload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ValidationErrorCode;

    fn api(status: u16, body: serde_json::Value) -> Error {
        let request = crate::runtime::error::RequestInfo::new(Some("ChatOperations_getChat"), "GET", "/chats/7");
        Error::Api { status, body, request_id: None, request: Box::new(request) }
    }

    #[test]
    fn api_error_bodies_decode() {
        let err = api(
            422,
            serde_json::json!({"errors": [
                {"key": "name", "value": null, "message": "Field cannot be empty", "code": "blank", "payload": null},
                {"key": "member_ids", "value": "1", "message": "User not found", "code": "not_found", "payload": null}
            ]}),
        );
        let body = err.api_error().expect("ApiError");
        assert_eq!(body.errors.len(), 2);
        assert_eq!(body.errors[1].key, "member_ids");
        assert_eq!(err.oauth_error(), None);
        assert_eq!(
            err.to_string(),
            "GET /chats/7 (ChatOperations_getChat): API error (HTTP 422): name: Field cannot be empty; member_ids: User not found"
        );
    }

    #[test]
    fn unexpected_error_items_still_decode() {
        let err = api(
            422,
            serde_json::json!({"errors": [
                {"key": "limit", "value": 500, "message": "must be at most 50", "code": "less_than_or_equal_to"},
                {"message": "Chat is archived"},
                {"key": "name", "value": null, "message": "is taken", "code": "taken", "payload": null}
            ]}),
        );
        let body = err.api_error().expect("decoded leniently");
        assert_eq!(body.errors.len(), 3);
        assert_eq!((body.errors[0].key.as_str(), body.errors[0].value.as_deref()), ("limit", Some("500")));
        assert_eq!(body.errors[0].message, "must be at most 50");
        assert_eq!((body.errors[1].key.as_str(), body.errors[1].message.as_str()), ("", "Chat is archived"));
        assert_eq!(body.errors[1].code, ValidationErrorCode::Unknown(String::new()));
        assert_eq!(body.errors[2].message, "is taken");
        assert_eq!(api(400, serde_json::json!({"message": "no"})).api_error(), None);
    }

    #[test]
    fn oauth_error_only_for_401_and_403() {
        let body = serde_json::json!({"error": "insufficient_scope", "error_description": "Missing scope chats:read"});
        let err = api(403, body.clone());
        let oauth = err.oauth_error().expect("OAuthError");
        assert_eq!(oauth.error, "insufficient_scope");
        assert_eq!(err.to_string(), "GET /chats/7 (ChatOperations_getChat): API error (HTTP 403): insufficient_scope: Missing scope chats:read");
        assert_eq!(api(500, body).oauth_error(), None);
        assert_eq!(Error::RepeatedCursor { cursor: "c".to_owned() }.api_error(), None);
    }
}
