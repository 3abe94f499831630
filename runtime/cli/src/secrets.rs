//! Profile secrets in the OS credential store, as the upstream CLI keeps
//! them: service `pachca-cli`, the account being the profile name, the value
//! the JSON `{"token": "...", "refresh_token": "..."}`.
//!
//! The store is the platform's, picked by the `keyring` crate: the Keychain
//! on macOS, the Credential Manager on Windows and the Secret Service (over
//! D-Bus, in pure Rust) elsewhere. A process may install another store
//! first with [`keyring_core::set_default_store`] (the tests install
//! [`keyring_core::mock`]); it is then used instead.
//!
//! Every function returns the store's failure as a one-line reason instead
//! of panicking or hiding it: the callers fall back to the config file (a
//! container or CI machine has no Secret Service) and say so.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};

/// The service name of every entry, upstream's.
pub const SERVICE: &str = "pachca-cli";

/// `PACHCA_SECRET_STORE=file` keeps the OS store out of it entirely, as
/// upstream: secrets go to the config file and no store is asked.
pub const STORE_ENV: &str = "PACHCA_SECRET_STORE";

/// What a profile keeps out of the config file.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    /// The access token.
    pub token: String,
    /// The OAuth refresh token, for `auth = "oauth"` profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl Secret {
    /// A secret of an access token alone.
    pub fn token(token: impl Into<String>) -> Secret {
        Secret { token: token.into(), refresh_token: None }
    }
}

impl fmt::Debug for Secret {
    /// Never prints the tokens themselves.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("token", &"<redacted>")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Whether `PACHCA_SECRET_STORE=file` is set.
pub fn disabled_by_env() -> bool {
    std::env::var(STORE_ENV).is_ok_and(|v| v == "file")
}

/// The store in use: one installed by the process, else the platform's.
fn store() -> Result<Arc<CredentialStore>, String> {
    if disabled_by_env() {
        return Err(format!("{STORE_ENV}=file"));
    }
    #[cfg(test)]
    use_mock_store();
    if let Some(store) = keyring_core::get_default_store() {
        return Ok(store);
    }
    // The `keyring` crate builds the platform store once and makes it the
    // default; its error (no D-Bus session, no Secret Service) is the reason.
    keyring::Entry::store_status().as_ref().map_err(|e| one_line(e))?;
    keyring_core::get_default_store().ok_or_else(|| "no credential store on this system".to_owned())
}

/// The entry of `profile`. In the Secret Service it is the item upstream's
/// store (keyring-rs 3) reads and writes: attributes `service`, `username`
/// and `target = "default"`, in the default collection.
fn entry(profile: &str) -> Result<Entry, String> {
    let store = store()?;
    let entry = if store.vendor().starts_with("Secret Service") {
        let modifiers = HashMap::from([("target", "default")]);
        Entry::new_in_store_with_modifiers(&store, SERVICE, profile, &modifiers)
    } else {
        Entry::new_in_store(&store, SERVICE, profile)
    };
    entry.map_err(|e| one_line(&e))
}

/// The secret saved for `profile`: `Ok(None)` when the store has none (or
/// holds something that is not upstream's JSON), `Err` with the reason when
/// the store cannot be used.
pub fn read(profile: &str) -> Result<Option<Secret>, String> {
    let entry = entry(profile)?;
    match entry.get_password() {
        Ok(text) => Ok(serde_json::from_str::<Secret>(&text).ok()),
        Err(keyring_core::Error::NoEntry) => Ok(None),
        Err(e) => Err(one_line(&e)),
    }
}

/// Saves `secret` as `profile`'s, replacing what was there.
pub fn write(profile: &str, secret: &Secret) -> Result<(), String> {
    let text = serde_json::to_string(secret).map_err(|e| e.to_string())?;
    entry(profile)?.set_password(&text).map_err(|e| one_line(&e))
}

/// Deletes `profile`'s secret; none there is not an error.
pub fn delete(profile: &str) -> Result<(), String> {
    match entry(profile)?.delete_credential() {
        Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
        Err(e) => Err(one_line(&e)),
    }
}

/// An error's text on one line (D-Bus errors can span several).
fn one_line(e: &dyn fmt::Display) -> String {
    e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Installs the in-memory mock store for this process (unit tests only, so
/// that no test reaches the developer's real keyring).
#[cfg(test)]
pub(crate) fn use_mock_store() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(store) = keyring_core::mock::Store::new() {
            keyring_core::set_default_store(store);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_as_upstreams_json() {
        use_mock_store();
        let secret = Secret { token: "access-1".into(), refresh_token: Some("refresh-1".into()) };
        write("secrets-unit", &secret).expect("written");
        assert_eq!(read("secrets-unit").expect("read"), Some(secret));
        // The stored value is upstream's JSON.
        let raw = Entry::new(SERVICE, "secrets-unit").and_then(|e| e.get_password()).expect("raw");
        assert_eq!(raw, r#"{"token":"access-1","refresh_token":"refresh-1"}"#);
        delete("secrets-unit").expect("deleted");
        assert_eq!(read("secrets-unit").expect("read"), None);
        delete("secrets-unit").expect("deleting nothing is fine");
    }

    #[test]
    fn a_value_that_is_not_upstreams_json_is_no_secret() {
        use_mock_store();
        Entry::new(SERVICE, "secrets-garbage").and_then(|e| e.set_password("not json")).expect("set");
        assert_eq!(read("secrets-garbage").expect("read"), None);
    }

    #[test]
    fn debug_hides_the_tokens() {
        let text = format!("{:?}", Secret { token: "t-123".into(), refresh_token: Some("r-456".into()) });
        assert!(!text.contains("t-123") && !text.contains("r-456"), "{text}");
    }
}
