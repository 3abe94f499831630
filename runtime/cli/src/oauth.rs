//! The OAuth token refresh of upstream's init hook: before a command runs,
//! the token of an OAuth profile (`auth = "oauth"`) that expires within
//! [`REFRESH_MARGIN`] is exchanged for a new one.
//!
//! `POST /oauth/token` with the form `grant_type=refresh_token`,
//! `client_id=pachca_cli` and `refresh_token`, as upstream's
//! `refreshAccessToken` sends it; the answer's `access_token`,
//! `refresh_token` (the old one is kept when none comes back) and
//! `expires_in` (as `expires_at`) are saved where the profile keeps its
//! secret, the keyring or the file. A `refresh.lock` file next to the
//! config file keeps two processes from spending the same refresh token:
//! the one that does not get it waits (up to [`LOCK_WAIT`]) and then uses
//! what the other saved; a lock older than [`LOCK_STALE`] is left over from
//! a process that died and is taken over.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use pachca::chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::config::{Config, Storage};
use crate::errors::CliError;
use crate::run::Globals;
use crate::secrets::Secret;

/// The CLI's OAuth client, a public one (no secret), upstream's.
pub const CLIENT_ID: &str = "pachca_cli";
/// The token endpoint, relative to the API base URL as upstream's.
pub const TOKEN_PATH: &str = "/oauth/token";
/// A token expiring within this long is refreshed first.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(120);
/// The lock file's name, in the config file's directory.
pub const LOCK_FILE: &str = "refresh.lock";
/// A lock older than this is stale: its process is gone.
pub const LOCK_STALE: Duration = Duration::from_secs(30);
/// How long a process waits for another one's refresh.
pub const LOCK_WAIT: Duration = Duration::from_secs(20);
/// Request timeout when `--timeout` and the defaults give none (upstream's).
const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// Refreshes the token of the profile the command will use, if it is an
/// OAuth profile whose `expires_at` is within [`REFRESH_MARGIN`] of now;
/// `config` then holds the new token. Nothing happens for `--token`,
/// `PACHCA_TOKEN` or any other profile. A failed refresh is exit 3 with a
/// hint to log in again.
pub async fn refresh_if_due(globals: &Globals, config: &mut Config) -> Result<(), CliError> {
    let env_token = std::env::var(crate::config::TOKEN_ENV).ok();
    let env_profile = std::env::var(crate::config::PROFILE_ENV).ok();
    let selected = config.selected_profile(globals.token.as_deref(), env_token.as_deref(), globals.profile.as_deref(), env_profile.as_deref());
    let Some(name) = selected.map(str::to_owned) else {
        return Ok(());
    };
    if !config.profiles.get(&name).is_some_and(|p| is_due(p, SystemTime::now())) {
        return Ok(());
    }
    let failed = |message: String| CliError::Auth {
        message: format!("cannot refresh the OAuth token of profile `{name}`: {message}"),
        hint: format!("sign in again: pachca auth login --profile {name}"),
    };
    let path = Config::path()?;
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let _lock = RefreshLock::acquire(&dir.join(LOCK_FILE), LOCK_STALE, LOCK_WAIT).await.map_err(failed)?;
    // Another process may have refreshed while this one waited: the file
    // has the last word.
    *config = Config::load(&path)?;
    if !config.profiles.get(&name).is_some_and(|p| is_due(p, SystemTime::now())) {
        return Ok(());
    }
    let old = config.secret(&name)?;
    let Some(refresh_token) = old.refresh_token.clone().filter(|t| !t.trim().is_empty()) else {
        return Err(failed("the profile has no refresh token".to_owned()));
    };
    let grant = request_token(globals, &refresh_token).await.map_err(failed)?;
    save_grant(config, &name, grant, SystemTime::now());
    config.save(&path)?;
    Ok(())
}

/// Whether `profile` is an OAuth profile whose token expires within
/// [`REFRESH_MARGIN`] of `now` (or has expired). An `expires_at` that is
/// missing or not a date never is, as upstream.
pub fn is_due(profile: &crate::config::Profile, now: SystemTime) -> bool {
    let Some(expires_at) = profile.expires_at().filter(|_| profile.is_oauth()) else {
        return false;
    };
    let Ok(expires_at) = DateTime::parse_from_rfc3339(&expires_at) else {
        return false;
    };
    let now = DateTime::<Utc>::from(now);
    let margin = pachca::chrono::Duration::from_std(REFRESH_MARGIN).unwrap_or_default();
    expires_at.with_timezone(&Utc) - now <= margin
}

/// What the token endpoint answered.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    /// The new access token.
    pub access_token: String,
    /// The new refresh token, when the server rotates it.
    pub refresh_token: Option<String>,
    /// Seconds the access token lives.
    pub expires_in: Option<i64>,
    /// Space-separated scopes, when the server says.
    pub scope: Option<String>,
}

impl std::fmt::Debug for Grant {
    /// Never prints the tokens themselves.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant").field("expires_in", &self.expires_in).field("scope", &self.scope).finish_non_exhaustive()
    }
}

/// Reads the token endpoint's JSON answer: `Err` with the OAuth error
/// (`invalid_grant: ...`) for a status that is not 2xx, or when there is no
/// `access_token`.
pub fn parse_grant(status: u16, body: &str) -> Result<Grant, String> {
    let value: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned).filter(|s| !s.is_empty());
    if !(200..300).contains(&status) {
        let code = text("error").unwrap_or_else(|| format!("HTTP {status}"));
        return Err(match text("error_description") {
            Some(description) => format!("{code}: {description}"),
            None => code,
        });
    }
    let Some(access_token) = text("access_token") else {
        return Err("the server's answer has no access_token".to_owned());
    };
    let expires_in = value.get("expires_in").and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
    Ok(Grant { access_token, refresh_token: text("refresh_token"), expires_in, scope: text("scope") })
}

/// Saves `grant` in profile `name` of `config` (in memory): the tokens
/// where the profile keeps its secret, `expires_at` from `expires_in` and
/// `now` (upstream's `2026-12-04T10:00:00.000Z`; removed when the server
/// gives no lifetime), `scopes` from `scope`.
pub fn save_grant(config: &mut Config, name: &str, grant: Grant, now: SystemTime) {
    let Some(profile) = config.profiles.get(name) else {
        return;
    };
    let storage = if profile.storage() == Storage::Keyring.as_str() { Storage::Keyring } else { Storage::File };
    let old_refresh = config.secret(name).ok().and_then(|s| s.refresh_token);
    let secret = Secret { token: grant.access_token, refresh_token: grant.refresh_token.or(old_refresh) };
    config.put_secret(name, secret, storage);
    let Some(profile) = config.profiles.get_mut(name) else {
        return;
    };
    match grant.expires_in {
        Some(seconds) => {
            let expires_at = DateTime::<Utc>::from(now) + pachca::chrono::Duration::seconds(seconds);
            let text = expires_at.to_rfc3339_opts(SecondsFormat::Millis, true);
            profile.extra.insert("expires_at".to_owned(), toml::Value::String(text));
        }
        None => {
            profile.extra.remove("expires_at");
        }
    }
    if let Some(scope) = grant.scope {
        let scopes = scope.split_whitespace().map(|s| toml::Value::String(s.to_owned())).collect();
        profile.extra.insert("scopes".to_owned(), toml::Value::Array(scopes));
    }
}

/// `POST /oauth/token` with the refresh grant, form-encoded.
async fn request_token(globals: &Globals, refresh_token: &str) -> Result<Grant, String> {
    use pachca::reqwest::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
    let url = format!("{}{TOKEN_PATH}", globals.base_url().trim_end_matches('/'));
    // The SDK's builder installs the TLS provider first (reqwest has none of its own).
    let http = pachca::runtime::client::http_client_builder()
        .timeout(Duration::from_secs(globals.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS)))
        .redirect(pachca::reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    if globals.verbose {
        eprintln!("→ POST {url}");
    }
    let response = http
        .post(&url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "application/json")
        .header(USER_AGENT, concat!("pachca-cli/", env!("CARGO_PKG_VERSION")))
        .body(refresh_form(refresh_token))
        .send()
        .await
        .map_err(|e| format!("network error: {e}"))?;
    let status = response.status().as_u16();
    if globals.verbose {
        eprintln!("← {status}");
    }
    let body = response.text().await.map_err(|e| format!("network error: {e}"))?;
    parse_grant(status, &body)
}

/// The form body, in upstream's order and `URLSearchParams` encoding.
pub fn refresh_form(refresh_token: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("grant_type", "refresh_token"), ("client_id", CLIENT_ID), ("refresh_token", refresh_token)])
        .finish()
}

/// The held `refresh.lock`, removed on drop.
#[derive(Debug)]
pub struct RefreshLock(PathBuf);

impl RefreshLock {
    /// Takes the lock at `path`: creates it, or waits (polling) while
    /// another process holds it, at most `wait`; a lock older than `stale`
    /// is removed and taken.
    pub async fn acquire(path: &Path, stale: Duration, wait: Duration) -> Result<RefreshLock, String> {
        let deadline = Instant::now() + wait;
        loop {
            match fs::OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut file) => {
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(RefreshLock(path.to_owned()));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if is_older_than(path, stale) {
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    if Instant::now() >= deadline {
                        return Err(format!(
                            "another pachca process is refreshing it ({} held for over {} s)",
                            path.display(),
                            wait.as_secs()
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
            }
        }
    }
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Whether the file at `path` was last modified more than `age` ago.
fn is_older_than(path: &Path, age: Duration) -> bool {
    fs::metadata(path).and_then(|m| m.modified()).is_ok_and(|modified| modified.elapsed().is_ok_and(|elapsed| elapsed > age))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Profile;

    fn profile(auth: &str, expires_at: Option<&str>) -> Profile {
        let mut profile = Profile { token: "t".into(), ..Profile::default() };
        profile.extra.insert("auth".into(), toml::Value::String(auth.into()));
        if let Some(at) = expires_at {
            profile.extra.insert("expires_at".into(), toml::Value::String(at.into()));
        }
        profile
    }

    fn at(text: &str) -> SystemTime {
        DateTime::parse_from_rfc3339(text).map(SystemTime::from).expect("date")
    }

    #[test]
    fn an_oauth_token_is_due_within_two_minutes_of_expiry() {
        let now = at("2026-12-04T10:00:00Z");
        assert!(is_due(&profile("oauth", Some("2026-12-04T10:01:59.000Z")), now));
        assert!(is_due(&profile("oauth", Some("2026-12-04T10:02:00.000Z")), now));
        assert!(!is_due(&profile("oauth", Some("2026-12-04T10:02:01.000Z")), now));
        assert!(is_due(&profile("oauth", Some("2026-12-01T00:00:00.000Z")), now), "expired");
        assert!(is_due(&profile("oauth", Some("2026-12-04T13:01:00+03:00")), now), "offsets count");
        // Not OAuth, no date, not a date: never refreshed.
        assert!(!is_due(&profile("token", Some("2026-12-01T00:00:00.000Z")), now));
        assert!(!is_due(&profile("oauth", None), now));
        assert!(!is_due(&profile("oauth", Some("soon")), now));
    }

    #[test]
    fn the_form_is_upstreams() {
        assert_eq!(refresh_form("r/1+2 3~ё"), "grant_type=refresh_token&client_id=pachca_cli&refresh_token=r%2F1%2B2+3%7E%D1%91");
    }

    #[test]
    fn grants_and_oauth_errors_are_read() {
        let grant = parse_grant(200, r#"{"access_token":"a","refresh_token":"r","expires_in":3600,"scope":"chats:read users:read"}"#).expect("grant");
        assert_eq!(
            grant,
            Grant { access_token: "a".into(), refresh_token: Some("r".into()), expires_in: Some(3600), scope: Some("chats:read users:read".into()) }
        );
        assert!(!format!("{grant:?}").contains("\"a\""));
        assert_eq!(parse_grant(200, r#"{"access_token":"a"}"#).expect("grant").refresh_token, None);
        assert_eq!(
            parse_grant(400, r#"{"error":"invalid_grant","error_description":"The refresh token is invalid"}"#),
            Err("invalid_grant: The refresh token is invalid".to_owned())
        );
        assert_eq!(parse_grant(502, "<html>"), Err("HTTP 502".to_owned()));
        assert_eq!(parse_grant(200, "{}"), Err("the server's answer has no access_token".to_owned()));
    }

    #[test]
    fn a_grant_is_saved_in_the_file_for_a_file_profile() {
        let mut config = Config::default();
        let mut work = profile("oauth", Some("2026-12-04T10:00:00.000Z"));
        work.extra.insert("refresh_token".into(), toml::Value::String("r-old".into()));
        work.extra.insert("storage".into(), toml::Value::String("file".into()));
        config.profiles.insert("work".into(), work);
        let grant = Grant { access_token: "a-new".into(), refresh_token: None, expires_in: Some(3600), scope: Some("chats:read".into()) };
        save_grant(&mut config, "work", grant, at("2026-12-04T10:00:00Z"));
        let work = &config.profiles["work"];
        assert_eq!(work.token, "a-new");
        assert_eq!(work.text("refresh_token"), Some("r-old"), "kept when none comes back");
        assert_eq!(work.text("expires_at"), Some("2026-12-04T11:00:00.000Z"));
        assert_eq!(work.extra["scopes"], toml::Value::Array(vec![toml::Value::String("chats:read".into())]));
        assert_eq!(work.storage(), "file");
    }

    fn lock_path(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pachca-cli-lock-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        dir.join(LOCK_FILE)
    }

    #[tokio::test]
    async fn the_lock_waits_for_its_holder_and_is_removed_on_drop() {
        let path = lock_path("wait");
        let held = RefreshLock::acquire(&path, LOCK_STALE, LOCK_WAIT).await.expect("first");
        assert!(path.exists());
        // A second taker waits, then gives up.
        let err = RefreshLock::acquire(&path, LOCK_STALE, Duration::from_millis(120)).await.expect_err("held");
        assert!(err.contains("another pachca process"), "{err}");
        // It gets the lock as soon as the holder lets go.
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(held);
        });
        let second = RefreshLock::acquire(&path, LOCK_STALE, Duration::from_secs(5)).await.expect("after release");
        release.await.expect("released");
        drop(second);
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn a_stale_lock_is_taken_over() {
        let path = lock_path("stale");
        fs::write(&path, "12345\n").expect("left over");
        tokio::time::sleep(Duration::from_millis(30)).await;
        let started = Instant::now();
        let lock = RefreshLock::acquire(&path, Duration::from_millis(10), Duration::from_secs(5)).await.expect("taken");
        assert!(started.elapsed() < Duration::from_secs(1));
        let pid = fs::read_to_string(&path).expect("ours");
        assert_eq!(pid.trim(), std::process::id().to_string());
        drop(lock);
    }
}
