//! The Pachca error bodies, typed: [`Error::api_error`] and
//! [`Error::oauth_error`] decode the body of an [`Error::Api`].
//!
//! Pachca answers 400, 402, 403, 404, 409, 410 and 422 with an [`ApiError`]
//! (`{"errors": [{"key", "value", "message", "code", "payload"}]}`), and 401
//! or 403 with an [`OAuthError`] (`{"error", "error_description"}`) when the
//! token is missing, invalid, expired or lacks a scope.

use crate::models::{ApiError, OAuthError};
use crate::Error;

impl Error {
    /// The body of an [`Error::Api`] as Pachca's [`ApiError`], if it has that shape.
    #[must_use]
    pub fn api_error(&self) -> Option<ApiError> {
        self.body_as()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: serde_json::Value) -> Error {
        Error::Api { status, body, request_id: None }
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
            "API error (HTTP 422): name: Field cannot be empty; member_ids: User not found"
        );
    }

    #[test]
    fn oauth_error_only_for_401_and_403() {
        let body = serde_json::json!({"error": "insufficient_scope", "error_description": "Missing scope chats:read"});
        let err = api(403, body.clone());
        let oauth = err.oauth_error().expect("OAuthError");
        assert_eq!(oauth.error, "insufficient_scope");
        assert_eq!(err.to_string(), "API error (HTTP 403): insufficient_scope: Missing scope chats:read");
        assert_eq!(api(500, body).oauth_error(), None);
        assert_eq!(Error::Timeout.api_error(), None);
    }
}
