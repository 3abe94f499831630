//! The CLI's configuration file: named profiles with their access tokens,
//! the active profile and default options.
//!
//! The file is TOML, found by [`Config::path`]:
//!
//! ```toml
//! active_profile = "work"
//!
//! [profiles.work]
//! user = "anna@example.com"
//! type = "user"
//! storage = "keyring"   # the token is in the OS keyring
//!
//! [profiles.ci]
//! token = "..."
//! storage = "file"
//!
//! [defaults]
//! output = "table"
//! timeout = 30
//! ```
//!
//! A profile with `storage = "keyring"` keeps its token (and an OAuth
//! profile its refresh token) in the OS keyring ([`crate::secrets`]), as the
//! upstream CLI does; [`Config::login_in`] puts it there, or in the file.
//!
//! [`Config::save`] edits the file in place: comments, key order and keys
//! this CLI does not know stay as they were, only what changed is
//! rewritten. The file is written atomically with mode 0600 (on Unix), and
//! [`Profile`]'s `Debug` output hides the token.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::secrets::{self, Secret};

/// Environment variable naming the directory of the config file.
pub const HOME_ENV: &str = "PACHCA_HOME";
/// Environment variable holding an access token.
pub const TOKEN_ENV: &str = "PACHCA_TOKEN";
/// Environment variable naming the profile to use.
pub const PROFILE_ENV: &str = "PACHCA_PROFILE";
/// Name of the config file inside its directory.
pub const FILE_NAME: &str = "config.toml";

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Profile used when neither `--profile` nor `PACHCA_PROFILE` names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_profile: Option<String>,
    /// Saved profiles by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<String, Profile>,
    /// Defaults for command-line options.
    #[serde(skip_serializing_if = "Defaults::is_empty")]
    pub defaults: Defaults,
    /// Keys this CLI does not use, kept as read so that saving never drops
    /// what the upstream CLI (or a newer version) wrote.
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// A saved access token and what is known about its owner.
///
/// Reads the upstream CLI's profiles as they are: an OAuth profile
/// (`auth = "oauth"`, `refresh_token`, `expires_at`, `scopes`) uses its
/// `token` and is refreshed before it expires ([`crate::oauth`]); a keyring
/// profile (`storage = "keyring"`) has no `token` key, its secret being in
/// the OS keyring ([`crate::secrets`]). Every key is kept when the file is
/// saved.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The access token; empty when the profile keeps it elsewhere.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// Who the token belongs to (name or e-mail), for display only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Kind of token: `"user"` or `"bot"`. Stored as `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Every other key (`email`, `auth`, `refresh_token`, `expires_at`,
    /// `scopes`, `storage`, ...), kept as read.
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Profile {
    /// Where the profile keeps its secret: `file` (default) or `keyring`.
    pub fn storage(&self) -> &str {
        self.extra.get("storage").and_then(toml::Value::as_str).unwrap_or("file")
    }

    /// The profile's string key `key` (`auth`, `refresh_token`, ...).
    pub fn text(&self, key: &str) -> Option<&str> {
        self.extra.get(key).and_then(toml::Value::as_str)
    }

    /// Whether the token came from the OAuth device flow (`auth = "oauth"`)
    /// and so can be refreshed.
    pub fn is_oauth(&self) -> bool {
        self.text("auth") == Some("oauth")
    }

    /// `expires_at`, as upstream writes it (`2026-12-04T10:00:00.000Z`, a
    /// string) or as a TOML date-time.
    pub fn expires_at(&self) -> Option<String> {
        match self.extra.get("expires_at")? {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Datetime(d) => Some(d.to_string()),
            _ => None,
        }
    }
}

/// Where a profile's secret is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// The OS keyring (`storage = "keyring"`, no `token` in the file).
    Keyring,
    /// The config file (`storage = "file"`, `token = ...`).
    File,
}

impl Storage {
    /// The storage `auth login` asks for: the keyring, unless
    /// `--insecure-storage` (`insecure`) or `PACHCA_SECRET_STORE=file`.
    pub fn requested(insecure: bool) -> Storage {
        if insecure || secrets::disabled_by_env() {
            Storage::File
        } else {
            Storage::Keyring
        }
    }

    /// The value of the profile's `storage` key.
    pub fn as_str(self) -> &'static str {
        match self {
            Storage::Keyring => "keyring",
            Storage::File => "file",
        }
    }
}

impl fmt::Debug for Profile {
    /// Never prints the token itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&String> = self.extra.keys().collect();
        f.debug_struct("Profile")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .field("kind", &self.kind)
            .field("other_keys", &keys)
            .finish()
    }
}

/// Defaults for command-line options, used when the option is not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Defaults {
    /// Default output format (`json`, `yaml`, `table` or `csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Default request timeout in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
}

impl Defaults {
    /// Whether no default is set.
    pub fn is_empty(&self) -> bool {
        self.output.is_none() && self.timeout.is_none()
    }
}

/// Where the access token of a request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// The `--token` flag.
    Flag,
    /// The `PACHCA_TOKEN` environment variable.
    Env,
    /// The saved profile of this name.
    Profile(String),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Flag => f.write_str("--token flag"),
            TokenSource::Env => write!(f, "{TOKEN_ENV} environment variable"),
            TokenSource::Profile(name) => write!(f, "profile `{name}`"),
        }
    }
}

/// Errors of loading, saving and using the configuration.
#[derive(Debug)]
pub enum ConfigError {
    /// None of `PACHCA_HOME`, `XDG_CONFIG_HOME` and `HOME` is set.
    NoConfigDir,
    /// Reading or writing a file failed.
    Io {
        /// What was being done, e.g. "read" or "write".
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The config file is not valid TOML or has a wrong field.
    Parse {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the error, when known.
        line: Option<usize>,
        /// 1-based column of the error, when known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The configuration could not be turned into TOML.
    Serialize(String),
    /// No access token was given or saved.
    NoToken,
    /// The profile keeps its token in the OS keyring (`storage = "keyring"`),
    /// which has none for it.
    KeyringProfile(String),
    /// The profile keeps its token in the OS keyring, which cannot be used.
    KeyringUnavailable {
        /// The profile.
        name: String,
        /// Why, in the store's words.
        reason: String,
    },
    /// No profile was named and none is active.
    NoActiveProfile,
    /// A profile that is not in the config file was named.
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The names of the saved profiles, sorted.
        known: Vec<String>,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoConfigDir => write!(
                f,
                "cannot find the config directory: set {HOME_ENV}, XDG_CONFIG_HOME or HOME"
            ),
            ConfigError::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            ConfigError::Parse {
                path,
                line,
                column,
                message,
            } => {
                write!(f, "invalid config file {}", path.display())?;
                match (line, column) {
                    (Some(line), Some(column)) => write!(f, " at line {line}, column {column}")?,
                    (Some(line), None) => write!(f, " at line {line}")?,
                    _ => {}
                }
                write!(f, ": {message}")
            }
            ConfigError::Serialize(message) => {
                write!(f, "cannot serialize the configuration: {message}")
            }
            ConfigError::NoToken => f.write_str(
                "no access token: pass --token, set PACHCA_TOKEN, or run `pachca auth login --token ...`",
            ),
            ConfigError::KeyringProfile(name) => write!(
                f,
                "profile `{name}` keeps its token in the OS keyring (storage = \"keyring\"), which has no token for it: \
                 log in again with `pachca auth login --profile {name} --token ...`, or pass --token or set PACHCA_TOKEN"
            ),
            ConfigError::KeyringUnavailable { name, reason } => write!(
                f,
                "profile `{name}` keeps its token in the OS keyring (storage = \"keyring\"), which cannot be read here ({reason}): \
                 pass --token or set PACHCA_TOKEN, or keep the token in the file with \
                 `pachca auth login --profile {name} --insecure-storage --token ...`"
            ),
            ConfigError::NoActiveProfile => {
                f.write_str("no active profile: name one with --profile")
            }
            ConfigError::UnknownProfile { name, known } => {
                write!(f, "unknown profile `{name}`; ")?;
                if known.is_empty() {
                    f.write_str("no profiles saved yet: run `pachca auth login --token ...`")
                } else {
                    write!(f, "known profiles: {}", known.join(", "))
                }
            }
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `Some(value)` unless it is missing, empty or only whitespace.
fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// `Some(path)` unless the variable is missing or empty.
fn non_empty_os(value: Option<OsString>) -> Option<PathBuf> {
    value.filter(|v| !v.is_empty()).map(PathBuf::from)
}

impl Config {
    /// Path of the config file, from the environment:
    /// `$PACHCA_HOME/pachca/config.toml` if set, else
    /// `$XDG_CONFIG_HOME/pachca/config.toml`, else (Windows)
    /// `%LOCALAPPDATA%\pachca\config.toml`, else
    /// `$HOME/.config/pachca/config.toml`: the upstream CLI's order. Empty
    /// variables count as unset.
    pub fn path() -> Result<PathBuf, ConfigError> {
        let local_app_data = if cfg!(windows) { std::env::var_os("LOCALAPPDATA") } else { None };
        let home = std::env::var_os("HOME").or_else(|| if cfg!(windows) { std::env::var_os("USERPROFILE") } else { None });
        Self::path_from(std::env::var_os(HOME_ENV), std::env::var_os("XDG_CONFIG_HOME"), local_app_data, home)
    }

    /// [`Config::path`] with the values of `PACHCA_HOME`, `XDG_CONFIG_HOME`,
    /// `LOCALAPPDATA` (Windows only) and `HOME` given. A relative
    /// `XDG_CONFIG_HOME` is ignored, as the XDG specification asks.
    pub fn path_from(
        pachca_home: Option<OsString>,
        xdg_config_home: Option<OsString>,
        local_app_data: Option<OsString>,
        home: Option<OsString>,
    ) -> Result<PathBuf, ConfigError> {
        if let Some(dir) = non_empty_os(pachca_home) {
            return Ok(dir.join("pachca").join(FILE_NAME));
        }
        if let Some(dir) = non_empty_os(xdg_config_home).filter(|dir| dir.is_absolute()) {
            return Ok(dir.join("pachca").join(FILE_NAME));
        }
        if let Some(dir) = non_empty_os(local_app_data) {
            return Ok(dir.join("pachca").join(FILE_NAME));
        }
        if let Some(dir) = non_empty_os(home) {
            return Ok(dir.join(".config").join("pachca").join(FILE_NAME));
        }
        Err(ConfigError::NoConfigDir)
    }

    /// Reads the config file at `path`. A missing file is an empty
    /// configuration; a file that is not valid TOML is an error naming the
    /// file, line and column.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    action: "read",
                    path: path.to_owned(),
                    source,
                })
            }
        };
        toml::from_str(&text).map_err(|err| {
            let position = err.span().map(|span| line_column(&text, span.start));
            ConfigError::Parse {
                path: path.to_owned(),
                line: position.map(|(line, _)| line),
                column: position.map(|(_, column)| column),
                message: err.message().trim_end().to_owned(),
            }
        })
    }

    /// Writes the configuration to `path` atomically, editing the file that
    /// is there in place (`merge_table`): what did not change keeps its
    /// text, comments included; changed values are rewritten, new keys and
    /// tables added, removed ones dropped. Parent directories are created
    /// (mode 0700 on Unix), the TOML goes to a temporary file in the same
    /// directory (mode 0600 on Unix), which is flushed to disk and renamed
    /// over `path`. On error the old file is left as it was.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let serialized = toml::Value::try_from(self).map_err(|err| ConfigError::Serialize(err.to_string()))?;
        let toml::Value::Table(wanted) = serialized else {
            return Err(ConfigError::Serialize("the configuration is not a table".to_owned()));
        };
        // The file as it is now (another process may have written it since
        // it was loaded); one that is missing or no longer parses is replaced.
        let mut document = fs::read_to_string(path)
            .ok()
            .and_then(|text| text.parse::<toml_edit::DocumentMut>().ok())
            .unwrap_or_default();
        let had_top_level_keys = document.iter().any(|(_, item)| item.is_value());
        merge_table(document.as_table_mut(), &wanted);
        if !had_top_level_keys {
            // A file that began with a table now has `active_profile` above
            // it: a blank line between them, as a written file would have.
            if let Some(table) = first_header(document.as_table_mut()) {
                let prefix = table.decor().prefix().and_then(|p| p.as_str()).unwrap_or_default().to_owned();
                if !prefix.starts_with(['\n', '\r']) {
                    table.decor_mut().set_prefix(format!("\n{prefix}"));
                }
            }
        }
        write_private(path, &document.to_string())
    }

    /// Saves `secret` as `profile` (replacing a profile of that name) in
    /// `storage`, makes it the active profile and returns where the secret
    /// went: the file when the keyring was asked for but failed (after one
    /// line of warning on stderr).
    pub fn login_in(
        &mut self,
        profile: &str,
        secret: Secret,
        user: Option<String>,
        kind: Option<String>,
        storage: Storage,
    ) -> Storage {
        // A new login replaces the secret and what it says about its owner;
        // the profile's other keys stay (upstream's `email`, `scopes`, ...).
        let mut saved = self.profiles.remove(profile).unwrap_or_default();
        saved.user = user;
        saved.kind = kind;
        for stale in ["expires_at", "auth"] {
            saved.extra.remove(stale);
        }
        self.profiles.insert(profile.to_owned(), saved);
        self.active_profile = Some(profile.to_owned());
        self.put_secret(profile, secret, storage)
    }

    /// Keeps `secret` as the secret of the saved `profile` in `storage`, and
    /// returns where it went. In the keyring: the file loses `token` and
    /// `refresh_token` and says `storage = "keyring"`. When the keyring
    /// fails, one line of warning on stderr, and the file: `token` (and
    /// `refresh_token`) in it, `storage = "file"`; a secret the profile kept
    /// in the keyring before is then deleted from it. Saving the file is the
    /// caller's.
    pub fn put_secret(&mut self, profile: &str, secret: Secret, storage: Storage) -> Storage {
        let Some(saved) = self.profiles.get_mut(profile) else {
            return storage;
        };
        let was_in_keyring = saved.storage() == Storage::Keyring.as_str();
        let stored = match storage {
            Storage::File => Storage::File,
            Storage::Keyring => match secrets::write(profile, &secret) {
                Ok(()) => Storage::Keyring,
                Err(reason) => {
                    eprintln!(
                        "warning: the OS keyring cannot be used ({reason}); the token of profile `{profile}` is saved in the config file (mode 0600)"
                    );
                    Storage::File
                }
            },
        };
        match stored {
            Storage::Keyring => {
                saved.token.clear();
                saved.extra.remove("refresh_token");
            }
            Storage::File => {
                if was_in_keyring {
                    // Best effort: the file now holds the secret either way.
                    let _ = secrets::delete(profile);
                }
                saved.token = secret.token;
                match secret.refresh_token {
                    Some(refresh) => saved.extra.insert("refresh_token".to_owned(), toml::Value::String(refresh)),
                    None => saved.extra.remove("refresh_token"),
                };
            }
        }
        saved.extra.insert("storage".to_owned(), toml::Value::String(stored.as_str().to_owned()));
        stored
    }

    /// The secret of the saved `profile`: from the keyring for a keyring
    /// profile without a `token` key, else from the file.
    pub fn secret(&self, name: &str) -> Result<Secret, ConfigError> {
        let Some(profile) = self.profiles.get(name) else {
            return Err(self.unknown_profile(name));
        };
        if profile.token.trim().is_empty() && profile.storage() == Storage::Keyring.as_str() {
            return match secrets::read(name) {
                Ok(Some(secret)) if !secret.token.trim().is_empty() => Ok(secret),
                Ok(_) => Err(ConfigError::KeyringProfile(name.to_owned())),
                Err(reason) => Err(ConfigError::KeyringUnavailable { name: name.to_owned(), reason }),
            };
        }
        Ok(Secret {
            token: profile.token.clone(),
            refresh_token: profile.text("refresh_token").map(str::to_owned),
        })
    }

    /// Makes `profile` the active profile; an unknown name is an error
    /// listing the known ones.
    pub fn switch(&mut self, profile: &str) -> Result<(), ConfigError> {
        if !self.profiles.contains_key(profile) {
            return Err(self.unknown_profile(profile));
        }
        self.active_profile = Some(profile.to_owned());
        Ok(())
    }

    /// Removes the named profile, or the active one when `profile` is
    /// `None`, and returns its name; a secret it kept in the OS keyring is
    /// deleted from it. Removing the active profile leaves no profile active.
    pub fn logout(&mut self, profile: Option<&str>) -> Result<String, ConfigError> {
        let name = match profile.or(self.active_profile.as_deref()) {
            Some(name) => name.to_owned(),
            None => return Err(ConfigError::NoActiveProfile),
        };
        let Some(removed) = self.profiles.remove(&name) else {
            return Err(self.unknown_profile(&name));
        };
        if removed.storage() == Storage::Keyring.as_str() {
            if let Err(reason) = secrets::delete(&name) {
                eprintln!("warning: the token of profile `{name}` could not be deleted from the OS keyring ({reason})");
            }
        }
        if self.active_profile.as_deref() == Some(name.as_str()) {
            self.active_profile = None;
        }
        Ok(name)
    }

    /// Picks the access token of a request, first found wins:
    ///
    /// 1. `flag`, the `--token` flag;
    /// 2. `env_token`, `PACHCA_TOKEN`, unless `--profile` was given;
    /// 3. the profile named by `profile_flag` (`--profile`);
    /// 4. the profile named by `env_profile` (`PACHCA_PROFILE`);
    /// 5. the active profile.
    ///
    /// Empty values count as absent. A named profile that is not saved is
    /// [`ConfigError::UnknownProfile`]; finding nothing, or a profile with an
    /// empty token, is [`ConfigError::NoToken`]. A keyring profile's token
    /// is read from the OS keyring ([`Config::secret`]).
    pub fn resolve_token(
        &self,
        flag: Option<&str>,
        env_token: Option<&str>,
        profile_flag: Option<&str>,
        env_profile: Option<&str>,
    ) -> Result<(String, TokenSource), ConfigError> {
        if let Some(token) = non_empty(flag) {
            return Ok((token.to_owned(), TokenSource::Flag));
        }
        if non_empty(profile_flag).is_none() {
            if let Some(token) = non_empty(env_token) {
                return Ok((token.to_owned(), TokenSource::Env));
            }
        }
        let Some(name) = self.selected_profile(flag, env_token, profile_flag, env_profile) else {
            return Err(ConfigError::NoToken);
        };
        let secret = self.secret(name)?;
        if secret.token.trim().is_empty() {
            return Err(ConfigError::NoToken);
        }
        Ok((secret.token, TokenSource::Profile(name.to_owned())))
    }

    /// The profile whose token [`Config::resolve_token`] uses, with the same
    /// arguments: `None` when a token comes from `--token` or
    /// `PACHCA_TOKEN`, or when no profile is named or active. The name may
    /// be of a profile that is not saved.
    pub fn selected_profile<'a>(
        &'a self,
        flag: Option<&str>,
        env_token: Option<&str>,
        profile_flag: Option<&'a str>,
        env_profile: Option<&'a str>,
    ) -> Option<&'a str> {
        let profile_flag = non_empty(profile_flag);
        if non_empty(flag).is_some() || (profile_flag.is_none() && non_empty(env_token).is_some()) {
            return None;
        }
        profile_flag.or(non_empty(env_profile)).or(non_empty(self.active_profile.as_deref()))
    }

    fn unknown_profile(&self, name: &str) -> ConfigError {
        ConfigError::UnknownProfile {
            name: name.to_owned(),
            known: self.profiles.keys().cloned().collect(),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Makes the document table `old` hold what `wanted` says, changing no more
/// than it must: keys missing from `wanted` are removed, values that differ
/// replaced (keeping the old value's surrounding whitespace and trailing
/// comment), tables merged key by key, new keys and tables appended. An
/// unchanged key keeps its text and the comments above it.
fn merge_table(old: &mut toml_edit::Table, wanted: &toml::Table) {
    let gone: Vec<String> = old.iter().map(|(key, _)| key.to_owned()).filter(|key| !wanted.contains_key(key)).collect();
    for key in gone {
        old.remove(&key);
    }
    for (key, value) in wanted {
        match (old.get_mut(key), value) {
            (Some(toml_edit::Item::Table(table)), toml::Value::Table(inner)) => merge_table(table, inner),
            (Some(item), value) => {
                if item_value(item).as_ref() != Some(value) {
                    let mut replacement = edit_value(value);
                    if let Some(previous) = item.as_value() {
                        *replacement.decor_mut() = previous.decor().clone();
                    }
                    *item = match value {
                        toml::Value::Table(inner) => toml_edit::Item::Table(new_table(inner)),
                        _ => toml_edit::Item::Value(replacement),
                    };
                }
            }
            (None, toml::Value::Table(inner)) => {
                old.insert(key, toml_edit::Item::Table(new_table(inner)));
            }
            (None, value) => {
                old.insert(key, toml_edit::Item::Value(edit_value(value)));
            }
        }
    }
}

/// The first table of `table` with a `[header]` of its own, in file order.
fn first_header(table: &mut toml_edit::Table) -> Option<&mut toml_edit::Table> {
    let mut tables: Vec<&mut toml_edit::Table> = table.iter_mut().filter_map(|(_, item)| item.as_table_mut()).collect();
    tables.sort_by_key(|t| t.position().unwrap_or(isize::MAX));
    for t in tables {
        if !t.is_implicit() {
            return Some(t);
        }
        if let Some(inner) = first_header(t) {
            return Some(inner);
        }
    }
    None
}

/// A new `[table]` holding `wanted`; implicit (no header of its own) when
/// it only holds tables, as `[profiles]` above `[profiles.work]`.
fn new_table(wanted: &toml::Table) -> toml_edit::Table {
    let mut table = toml_edit::Table::new();
    table.set_implicit(wanted.values().all(toml::Value::is_table));
    merge_table(&mut table, wanted);
    table
}

/// A document item as a plain TOML value, to compare with the wanted one.
fn item_value(item: &toml_edit::Item) -> Option<toml::Value> {
    match item {
        toml_edit::Item::None => None,
        toml_edit::Item::Value(value) => Some(plain_value(value)),
        toml_edit::Item::Table(table) => Some(toml::Value::Table(
            table.iter().filter_map(|(key, item)| Some((key.to_owned(), item_value(item)?))).collect(),
        )),
        toml_edit::Item::ArrayOfTables(tables) => Some(toml::Value::Array(
            tables
                .iter()
                .map(|table| item_value(&toml_edit::Item::Table(table.clone())).unwrap_or(toml::Value::Table(toml::Table::new())))
                .collect(),
        )),
    }
}

/// A document value as a plain TOML value.
fn plain_value(value: &toml_edit::Value) -> toml::Value {
    match value {
        toml_edit::Value::String(s) => toml::Value::String(s.value().clone()),
        toml_edit::Value::Integer(i) => toml::Value::Integer(*i.value()),
        toml_edit::Value::Float(f) => toml::Value::Float(*f.value()),
        toml_edit::Value::Boolean(b) => toml::Value::Boolean(*b.value()),
        toml_edit::Value::Datetime(d) => {
            let text = d.value().to_string();
            text.parse().map(toml::Value::Datetime).unwrap_or(toml::Value::String(text))
        }
        toml_edit::Value::Array(items) => toml::Value::Array(items.iter().map(plain_value).collect()),
        toml_edit::Value::InlineTable(table) => {
            toml::Value::Table(table.iter().map(|(key, value)| (key.to_owned(), plain_value(value))).collect())
        }
    }
}

/// A plain TOML value as a document value (tables inline).
fn edit_value(value: &toml::Value) -> toml_edit::Value {
    match value {
        toml::Value::String(s) => s.as_str().into(),
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => (*f).into(),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => {
            let text = d.to_string();
            text.parse::<toml_edit::Datetime>().map(toml_edit::Value::from).unwrap_or_else(|_| text.into())
        }
        toml::Value::Array(items) => toml_edit::Value::Array(items.iter().map(edit_value).collect()),
        toml::Value::Table(table) => {
            toml_edit::Value::InlineTable(table.iter().map(|(key, value)| (key.as_str(), edit_value(value))).collect())
        }
    }
}

/// Writes `text` to `path` atomically with mode 0600 (Unix): a temporary
/// file in the same directory, flushed, renamed over `path`. Parent
/// directories are created with mode 0700.
pub(crate) fn write_private(path: &Path, text: &str) -> Result<(), ConfigError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let (tmp_path, file) = create_temp_file(&dir, path)?;
    let result = write_and_rename(file, text, &tmp_path, path);
    if result.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = fs::remove_file(&tmp_path);
    }
    result?;
    sync_dir(&dir);
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<(), ConfigError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| ConfigError::Io {
        action: "create directory",
        path: dir.to_owned(),
        source,
    })
}

/// Creates a new, empty file readable by the owner only next to `target`.
fn create_temp_file(dir: &Path, target: &Path) -> Result<(PathBuf, fs::File), ConfigError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let base = target
        .file_name()
        .map_or_else(|| FILE_NAME.into(), |name| name.to_string_lossy());
    let mut attempt = 0;
    loop {
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp_path = dir.join(format!(".{base}.{}.{unique}.tmp", std::process::id()));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&tmp_path) {
            Ok(file) => return Ok((tmp_path, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(source) => {
                return Err(ConfigError::Io {
                    action: "create",
                    path: tmp_path,
                    source,
                })
            }
        }
    }
}

fn write_and_rename(
    mut file: fs::File,
    text: &str,
    tmp_path: &Path,
    target: &Path,
) -> Result<(), ConfigError> {
    let io_error = |action: &'static str, path: &Path| {
        let path = path.to_owned();
        move |source| ConfigError::Io {
            action,
            path,
            source,
        }
    };
    #[cfg(unix)]
    {
        // The umask may have removed bits from the mode given at creation;
        // make it exactly owner read/write.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(io_error("set permissions of", tmp_path))?;
    }
    file.write_all(text.as_bytes())
        .map_err(io_error("write", tmp_path))?;
    file.sync_all().map_err(io_error("write", tmp_path))?;
    drop(file);
    fs::rename(tmp_path, target).map_err(io_error("replace", target))
}

/// Flushes the directory entry of a rename to disk (Unix); best effort, the
/// file itself is already complete.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        if let Ok(handle) = fs::File::open(dir) {
            let _ = handle.sync_all();
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh, empty directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(label: &str) -> TempDir {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let dir = std::env::temp_dir().join(format!(
                "pachca-cli-config-test-{label}-{}-{nanos}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A file login of `token` as `profile`.
    impl Config {
        fn login(&mut self, profile: &str, token: String, user: Option<String>, kind: Option<String>) {
            self.login_in(profile, Secret::token(token), user, kind, Storage::File);
        }
    }

    fn sample() -> Config {
        let mut config = Config::default();
        config.login(
            "work",
            "tok-work".into(),
            Some("anna@example.com".into()),
            Some("user".into()),
        );
        config.login("bot", "tok-bot".into(), None, Some("bot".into()));
        config.switch("work").unwrap();
        config.defaults.output = Some("table".into());
        config.defaults.timeout = Some(30);
        config
    }

    fn file_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn path_prefers_pachca_home_then_xdg_then_home() {
        let p = |a: Option<&str>, b: Option<&str>, c: Option<&str>| {
            Config::path_from(a.map(Into::into), b.map(Into::into), None, c.map(Into::into))
        };
        // Upstream's layout: `$PACHCA_HOME/pachca/config.toml`.
        assert_eq!(
            p(Some("/ph"), Some("/xdg"), Some("/home/u")).unwrap(),
            PathBuf::from("/ph/pachca/config.toml")
        );
        // Windows: %LOCALAPPDATA%\pachca after XDG, before HOME.
        assert_eq!(
            Config::path_from(None, None, Some("/lad".into()), Some("/home/u".into())).unwrap(),
            PathBuf::from("/lad/pachca/config.toml")
        );
        assert_eq!(
            p(None, Some("/xdg"), Some("/home/u")).unwrap(),
            PathBuf::from("/xdg/pachca/config.toml")
        );
        assert_eq!(
            p(Some(""), Some(""), Some("/home/u")).unwrap(),
            PathBuf::from("/home/u/.config/pachca/config.toml")
        );
        assert_eq!(
            p(None, Some("relative"), Some("/home/u")).unwrap(),
            PathBuf::from("/home/u/.config/pachca/config.toml")
        );
        let err = p(None, None, None).unwrap_err();
        assert!(matches!(err, ConfigError::NoConfigDir));
        assert!(err.to_string().contains("PACHCA_HOME"), "{err}");
    }

    #[test]
    fn missing_file_is_empty_config() {
        let dir = TempDir::new("missing");
        let config = Config::load(&dir.0.join("nope.toml")).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn save_and_load_round_trip() {
        let dir = TempDir::new("roundtrip");
        let path = dir.0.join("nested").join("deeper").join("config.toml");
        let config = sample();
        config.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), config);

        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("active_profile = \"work\""), "{text}");
        assert!(text.contains("type = \"bot\""), "{text}");
        assert!(!text.contains("kind"), "{text}");

        // Saving again replaces the file.
        let mut changed = config.clone();
        changed.logout(Some("bot")).unwrap();
        changed.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), changed);

        // An empty config writes an empty file that loads back.
        Config::default().save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), Config::default());
    }

    #[test]
    fn loads_hand_written_file_and_ignores_unknown_keys() {
        let dir = TempDir::new("handwritten");
        let path = dir.0.join("config.toml");
        fs::write(
            &path,
            "active_profile = \"b\"\nfuture = 1\n\n[profiles.b]\ntoken = \"t\"\ntype = \"bot\"\n\n[defaults]\noutput = \"csv\"\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.active_profile.as_deref(), Some("b"));
        assert_eq!(config.profiles["b"].kind.as_deref(), Some("bot"));
        assert_eq!(config.profiles["b"].user, None);
        assert_eq!(config.defaults.output.as_deref(), Some("csv"));
        assert_eq!(config.defaults.timeout, None);
    }

    #[cfg(unix)]
    #[test]
    fn saved_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new("mode");
        let conf_dir = dir.0.join("pachca");
        let path = conf_dir.join("config.toml");
        sample().save(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = fs::metadata(&conf_dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode & 0o077, 0, "directory mode {dir_mode:o}");

        // A pre-existing world-readable file is replaced by a private one.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        sample().save(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn save_leaves_no_temp_file() {
        let dir = TempDir::new("atomic");
        let path = dir.0.join("config.toml");
        sample().save(&path).unwrap();
        sample().save(&path).unwrap();
        assert_eq!(file_names(&dir.0), vec!["config.toml".to_owned()]);
    }

    #[test]
    fn failed_save_keeps_old_file_and_no_temp_file() {
        let dir = TempDir::new("failed");
        // The target is a non-empty directory: the rename must fail.
        let path = dir.0.join("config.toml");
        fs::create_dir_all(path.join("inside")).unwrap();
        let err = sample().save(&path).unwrap_err();
        assert!(matches!(err, ConfigError::Io { .. }), "{err}");
        assert!(err.to_string().contains("config.toml"), "{err}");
        assert_eq!(file_names(&dir.0), vec!["config.toml".to_owned()]);
        assert!(path.join("inside").is_dir());
    }

    #[test]
    fn malformed_file_error_names_path_and_line() {
        let dir = TempDir::new("malformed");
        let path = dir.0.join("config.toml");
        fs::write(
            &path,
            "active_profile = \"a\"\n\n[profiles.a\ntoken = \"t\"\n",
        )
        .unwrap();
        let err = Config::load(&path).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("line 3"), "{text}");
        assert!(
            matches!(err, ConfigError::Parse { line: Some(3), .. }),
            "{err:?}"
        );

        // A wrong type is reported the same way.
        fs::write(&path, "[defaults]\ntimeout = \"soon\"\n").unwrap();
        let err = Config::load(&path).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn unreadable_path_is_io_error() {
        let dir = TempDir::new("unreadable");
        // A directory cannot be read as a file.
        let err = Config::load(&dir.0).unwrap_err();
        assert!(
            matches!(err, ConfigError::Io { action: "read", .. }),
            "{err:?}"
        );
    }

    #[test]
    fn login_always_activates() {
        let mut config = Config::default();
        config.login("a", "ta".into(), None, None);
        assert_eq!(config.active_profile.as_deref(), Some("a"));
        config.login("b", "tb".into(), Some("bob".into()), Some("bot".into()));
        assert_eq!(config.active_profile.as_deref(), Some("b"));
        config.login("a", "ta2".into(), None, None);
        assert_eq!(config.active_profile.as_deref(), Some("a"));
        assert_eq!(config.profiles["a"].token, "ta2");
        assert_eq!(config.profiles.len(), 2);
    }

    #[test]
    fn switch_to_known_and_unknown_profiles() {
        let mut config = sample();
        config.switch("bot").unwrap();
        assert_eq!(config.active_profile.as_deref(), Some("bot"));
        let err = config.switch("nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown profile `nope`; known profiles: bot, work"
        );
        assert_eq!(config.active_profile.as_deref(), Some("bot"));

        let err = Config::default().switch("x").unwrap_err();
        assert!(err.to_string().contains("no profiles saved yet"), "{err}");
    }

    #[test]
    fn logout_behaviour() {
        let mut config = sample();
        // Not the active one: the active profile stays.
        assert_eq!(config.logout(Some("bot")).unwrap(), "bot");
        assert_eq!(config.active_profile.as_deref(), Some("work"));
        // Unknown.
        let err = config.logout(Some("bot")).unwrap_err();
        assert!(matches!(err, ConfigError::UnknownProfile { ref known, .. } if known == &["work"]));
        // The active one by default.
        assert_eq!(config.logout(None).unwrap(), "work");
        assert_eq!(config.active_profile, None);
        assert!(config.profiles.is_empty());
        // Nothing left.
        let err = config.logout(None).unwrap_err();
        assert!(matches!(err, ConfigError::NoActiveProfile));
    }

    #[test]
    fn logout_of_active_by_name_clears_active() {
        let mut config = sample();
        assert_eq!(config.logout(Some("work")).unwrap(), "work");
        assert_eq!(config.active_profile, None);
        assert!(config.profiles.contains_key("bot"));
    }

    #[test]
    fn resolve_flag_wins() {
        let config = sample();
        let got = config
            .resolve_token(Some("f"), Some("e"), Some("bot"), Some("bot"))
            .unwrap();
        assert_eq!(got, ("f".to_owned(), TokenSource::Flag));
    }

    #[test]
    fn resolve_env_token_before_profiles() {
        let config = sample();
        let got = config
            .resolve_token(None, Some("e"), None, Some("bot"))
            .unwrap();
        assert_eq!(got, ("e".to_owned(), TokenSource::Env));
    }

    #[test]
    fn resolve_profile_flag_beats_env_token() {
        let config = sample();
        let got = config
            .resolve_token(None, Some("e"), Some("bot"), Some("work"))
            .unwrap();
        assert_eq!(
            got,
            ("tok-bot".to_owned(), TokenSource::Profile("bot".into()))
        );
    }

    #[test]
    fn resolve_env_profile_then_active() {
        let config = sample();
        let got = config.resolve_token(None, None, None, Some("bot")).unwrap();
        assert_eq!(
            got,
            ("tok-bot".to_owned(), TokenSource::Profile("bot".into()))
        );
        let got = config.resolve_token(None, None, None, None).unwrap();
        assert_eq!(
            got,
            ("tok-work".to_owned(), TokenSource::Profile("work".into()))
        );
    }

    #[test]
    fn resolve_treats_empty_values_as_absent() {
        let config = sample();
        let got = config
            .resolve_token(Some(""), Some("  "), Some(""), Some(""))
            .unwrap();
        assert_eq!(got.1, TokenSource::Profile("work".into()));
    }

    #[test]
    fn resolve_unknown_profile_lists_known() {
        let config = sample();
        let err = config
            .resolve_token(None, None, Some("nope"), None)
            .unwrap_err();
        assert!(matches!(err, ConfigError::UnknownProfile { .. }));
        assert_eq!(
            err.to_string(),
            "unknown profile `nope`; known profiles: bot, work"
        );
        let err = config
            .resolve_token(None, None, None, Some("gone"))
            .unwrap_err();
        assert!(err.to_string().contains("`gone`"), "{err}");
    }

    #[test]
    fn resolve_without_anything_is_no_token() {
        let err = Config::default()
            .resolve_token(None, None, None, None)
            .unwrap_err();
        assert!(matches!(err, ConfigError::NoToken));
        assert_eq!(
            err.to_string(),
            "no access token: pass --token, set PACHCA_TOKEN, or run `pachca auth login --token ...`"
        );
        // Profiles exist but none is active or named.
        let mut config = sample();
        config.active_profile = None;
        let err = config.resolve_token(None, None, None, None).unwrap_err();
        assert!(matches!(err, ConfigError::NoToken));
    }

    #[test]
    fn token_source_display() {
        assert_eq!(TokenSource::Flag.to_string(), "--token flag");
        assert_eq!(
            TokenSource::Env.to_string(),
            "PACHCA_TOKEN environment variable"
        );
        assert_eq!(TokenSource::Profile("w".into()).to_string(), "profile `w`");
    }

    #[test]
    fn debug_hides_tokens() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("tok-work"), "{text}");
        assert!(!text.contains("tok-bot"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\nпривет = x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // Byte 15 is after "привет" (12 bytes) and " =" on line 2.
        assert_eq!(line_column(text, 3 + 12 + 2), (2, 9));
        assert_eq!(line_column(text, 1000), (3, 1));
    }

    /// A config file the upstream CLI wrote: an OAuth profile, a keyring
    /// profile without a `token` key, and keys this CLI does not use.
    const UPSTREAM: &str = r#"active_profile = "work"

[defaults]
output = "table"
timeout = 30

[profiles.work]
type = "user"
token = "oauth-access-1"
user = "Ann Lee"
email = "ann@example.com"
auth = "oauth"
refresh_token = "oauth-refresh-1"
expires_at = "2026-12-04T10:00:00.000Z"
scopes = ["chats:read", "messages:create"]
storage = "file"

[profiles.bot]
type = "bot"
user = "Deploy (бот)"
auth = "token"
storage = "keyring"
scopes = ["messages:create"]

[telemetry]
enabled = false
"#;

    #[test]
    fn an_upstream_config_with_oauth_and_keyring_profiles_loads() {
        let dir = TempDir::new("upstream");
        let path = dir.0.join("config.toml");
        fs::write(&path, UPSTREAM).unwrap();
        let config = Config::load(&path).expect("upstream config loads");
        // The OAuth profile's access token is used as is.
        let (token, source) = config.resolve_token(None, None, None, None).unwrap();
        assert_eq!((token.as_str(), source), ("oauth-access-1", TokenSource::Profile("work".to_owned())));
        // The keyring profile has no token here: a clear error, not a parse failure ...
        let err = config.resolve_token(None, None, Some("bot"), None).unwrap_err();
        assert!(matches!(&err, ConfigError::KeyringProfile(name) if name == "bot"), "{err:?}");
        assert!(err.to_string().contains("OS keyring"), "{err}");
        // ... and --token or PACHCA_TOKEN still work with that file.
        assert_eq!(config.resolve_token(Some("flag"), None, Some("bot"), None).unwrap().0, "flag");
        assert_eq!(config.resolve_token(None, Some("env"), None, None).unwrap().0, "env");
        assert_eq!(config.defaults.timeout, Some(30));
        // Debug never shows a secret, the refresh token included.
        let debug = format!("{config:?}");
        assert!(!debug.contains("oauth-access-1") && !debug.contains("oauth-refresh-1"), "{debug}");
    }

    #[test]
    fn saving_keeps_every_key_the_upstream_cli_wrote() {
        let dir = TempDir::new("upstream-save");
        let path = dir.0.join("config.toml");
        fs::write(&path, UPSTREAM).unwrap();
        let mut config = Config::load(&path).unwrap();
        config.switch("bot").unwrap();
        config.save(&path).unwrap();
        let saved: toml::Table = toml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let original: toml::Table = toml::from_str(UPSTREAM).unwrap();
        assert_eq!(saved["active_profile"].as_str(), Some("bot"));
        assert_eq!(saved["profiles"], original["profiles"], "profiles kept key for key");
        assert_eq!(saved["telemetry"], original["telemetry"]);
        assert_eq!(saved["defaults"], original["defaults"]);
        // Logging in to the keyring profile stores the token in the file and
        // drops only what described the old secret.
        config.login("bot", "bot-token-2".to_owned(), Some("Deploy (бот)".to_owned()), Some("bot".to_owned()));
        let bot = &config.profiles["bot"];
        assert_eq!((bot.token.as_str(), bot.storage()), ("bot-token-2", "file"));
        assert_eq!(bot.extra["scopes"], original["profiles"]["bot"]["scopes"]);
    }

    /// An upstream-style file, with comments, a file profile, an OAuth
    /// profile and a keyring profile.
    const COMMENTED: &str = r#"# Pachca CLI configuration, edited by hand and by `pachca`.
active_profile = "work"   # the profile commands use

[defaults]
# A minute for slow exports.
timeout = 60

# My own account, signed in through the browser.
[profiles.work]
type = "user"
user = "Ann Lee"
email = "ann@example.com"
auth = "oauth"
token = "oauth-access-1"
refresh_token = "oauth-refresh-1"
expires_at = "2099-12-04T10:00:00.000Z"
scopes = ["chats:read", "messages:create"]  # granted at login
storage = "file"

# The deploy bot: its token is in the OS keyring.
[profiles.bot]
type = "bot"
user = "Deploy (бот)"
auth = "token"
storage = "keyring"
scopes = ["messages:create"]

# A plain token, as older versions wrote it.
[profiles.legacy]
token = "legacy-token"

[telemetry]
enabled = false # a key this CLI does not know
"#;

    /// `config set defaults.output json` and a keyring login of a new
    /// profile change the file in place: every other line, comments
    /// included, is as it was.
    #[test]
    fn saving_edits_the_file_in_place_and_keeps_every_line() {
        let dir = TempDir::new("in-place");
        let path = dir.0.join("config.toml");
        fs::write(&path, COMMENTED).unwrap();
        let mut config = Config::load(&path).unwrap();
        config.defaults.output = Some("json".to_owned());
        config.save(&path).unwrap();
        let stored = config.login_in("in-place-new", Secret::token("new-token"), None, Some("bot".to_owned()), Storage::Keyring);
        assert_eq!(stored, Storage::Keyring);
        config.save(&path).unwrap();

        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for line in COMMENTED.lines() {
            if line.starts_with("active_profile") {
                // The one line `auth login` changes keeps its comment.
                assert!(lines.contains(&r#"active_profile = "in-place-new"   # the profile commands use"#), "{text}");
            } else {
                assert!(lines.contains(&line), "lost {line:?}:\n{text}");
            }
        }
        assert!(lines.contains(&r#"output = "json""#), "{text}");
        assert!(text.contains("[profiles.in-place-new]\ntype = \"bot\"\nstorage = \"keyring\"\n"), "{text}");
        assert!(!text.contains("new-token"), "the token is in the keyring:\n{text}");
        // The new profile comes after the others, before the unknown table.
        let new_at = text.find("[profiles.in-place-new]").unwrap();
        assert!(text.find("[profiles.legacy]").unwrap() < new_at && new_at < text.find("[telemetry]").unwrap(), "{text}");
        // And it reads back, its token from the keyring.
        let loaded = Config::load(&path).unwrap();
        let (token, _) = loaded.resolve_token(None, None, None, None).unwrap();
        assert_eq!(token, "new-token");
        assert_eq!(loaded.defaults.output.as_deref(), Some("json"));

        // Saving an unchanged configuration rewrites nothing.
        let before = fs::read_to_string(&path).unwrap();
        loaded.save(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), before);
    }

    /// A key added above a file's first table is set off by a blank line.
    #[test]
    fn a_new_top_level_key_is_set_off_from_the_first_table() {
        let dir = TempDir::new("top-level");
        let path = dir.0.join("config.toml");
        fs::write(&path, "# Mine.\n[profiles.a]\ntoken = \"ta\"\n").unwrap();
        let mut config = Config::load(&path).unwrap();
        config.switch("a").unwrap();
        config.save(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "active_profile = \"a\"\n\n# Mine.\n[profiles.a]\ntoken = \"ta\"\n");
    }

    /// A keyring login keeps the token out of the file; the token comes
    /// back from the keyring; logout deletes it there.
    #[test]
    fn a_keyring_profile_round_trips_through_the_store() {
        let dir = TempDir::new("keyring");
        let path = dir.0.join("config.toml");
        let mut config = Config::default();
        let secret = Secret { token: "kr-token".to_owned(), refresh_token: Some("kr-refresh".to_owned()) };
        assert_eq!(config.login_in("kr-profile", secret.clone(), Some("Ann".to_owned()), None, Storage::Keyring), Storage::Keyring);
        config.save(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(!text.contains("kr-token") && !text.contains("kr-refresh") && !text.contains("token ="), "{text}");
        assert!(text.contains(r#"storage = "keyring""#), "{text}");
        assert_eq!(secrets::read("kr-profile").unwrap(), Some(secret.clone()));

        let mut loaded = Config::load(&path).unwrap();
        assert_eq!(
            loaded.resolve_token(None, None, Some("kr-profile"), None).unwrap(),
            ("kr-token".to_owned(), TokenSource::Profile("kr-profile".to_owned()))
        );
        assert_eq!(loaded.secret("kr-profile").unwrap(), secret);
        // PACHCA_TOKEN still wins without --profile.
        assert_eq!(loaded.resolve_token(None, Some("env"), None, None).unwrap().0, "env");

        loaded.logout(Some("kr-profile")).unwrap();
        assert_eq!(secrets::read("kr-profile").unwrap(), None, "logout deletes the keyring entry");
    }

    /// Moving a keyring profile to the file (`--insecure-storage`) deletes
    /// its keyring entry; a keyring profile whose entry is gone is a clear
    /// error.
    #[test]
    fn moving_to_the_file_deletes_the_keyring_entry() {
        let mut config = Config::default();
        config.login_in("moving", Secret::token("in-keyring"), None, None, Storage::Keyring);
        assert!(secrets::read("moving").unwrap().is_some());
        assert_eq!(config.login_in("moving", Secret::token("in-file"), None, None, Storage::File), Storage::File);
        assert_eq!(secrets::read("moving").unwrap(), None);
        assert_eq!((config.profiles["moving"].token.as_str(), config.profiles["moving"].storage()), ("in-file", "file"));

        config.login_in("vanished", Secret::token("t"), None, None, Storage::Keyring);
        secrets::delete("vanished").unwrap();
        let err = config.resolve_token(None, None, Some("vanished"), None).unwrap_err();
        assert!(matches!(&err, ConfigError::KeyringProfile(name) if name == "vanished"), "{err:?}");
    }

    /// A keyring that refuses the write: the token goes to the file.
    #[test]
    fn a_failing_keyring_falls_back_to_the_file() {
        secrets::use_mock_store();
        let entry = keyring_core::Entry::new(secrets::SERVICE, "locked-keyring").unwrap();
        let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        mock.set_error(keyring_core::Error::NoStorageAccess("the keyring is locked".into()));
        let mut config = Config::default();
        let stored = config.login_in("locked-keyring", Secret::token("kept-token"), None, None, Storage::Keyring);
        assert_eq!(stored, Storage::File);
        let profile = &config.profiles["locked-keyring"];
        assert_eq!((profile.token.as_str(), profile.storage()), ("kept-token", "file"));
    }
}
