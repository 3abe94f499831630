//! The CLI's configuration file: named profiles with their access tokens,
//! the active profile and default options.
//!
//! The file is TOML, found by [`Config::path`]:
//!
//! ```toml
//! active_profile = "work"
//!
//! [profiles.work]
//! token = "..."
//! user = "anna@example.com"
//! type = "user"
//!
//! [defaults]
//! output = "table"
//! timeout = 30
//! ```
//!
//! It holds secrets, so [`Config::save`] writes it with mode 0600 (on Unix),
//! atomically, and [`Profile`]'s `Debug` output hides the token.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

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
/// `token`; a keyring profile (`storage = "keyring"`) has no `token` key, as
/// its secret is in the OS keyring, which this CLI does not read. Every key
/// is kept when the file is saved.
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
    /// The profile keeps its token in the OS keyring (upstream `storage = "keyring"`).
    KeyringProfile(String),
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
                "profile `{name}` keeps its token in the OS keyring (storage = \"keyring\"), which this CLI does not read: \
                 pass --token or set PACHCA_TOKEN, or save it in the file with `pachca auth login --profile {name} --token ...`"
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

    /// Writes the configuration to `path` atomically: parent directories
    /// are created (mode 0700 on Unix), the TOML goes to a temporary file in
    /// the same directory (mode 0600 on Unix), which is flushed to disk and
    /// renamed over `path`. On error the old file is left as it was.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let text = toml::to_string(self).map_err(|err| ConfigError::Serialize(err.to_string()))?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        create_private_dir(&dir)?;
        let (tmp_path, file) = create_temp_file(&dir, path)?;
        let result = write_and_rename(file, &text, &tmp_path, path);
        if result.is_err() {
            // Best effort: the error that matters is the one returned.
            let _ = fs::remove_file(&tmp_path);
        }
        result?;
        sync_dir(&dir);
        Ok(())
    }

    /// Saves `token` as `profile` (replacing a profile of that name) and
    /// makes it the active profile.
    pub fn login(
        &mut self,
        profile: &str,
        token: String,
        user: Option<String>,
        kind: Option<String>,
    ) {
        // A new login replaces the secret and what it says about its owner;
        // the profile's other keys stay (upstream's `email`, `scopes`, ...).
        let mut saved = self.profiles.remove(profile).unwrap_or_default();
        saved.token = token;
        saved.user = user;
        saved.kind = kind;
        for stale in ["storage", "refresh_token", "expires_at", "auth"] {
            saved.extra.remove(stale);
        }
        self.profiles.insert(profile.to_owned(), saved);
        self.active_profile = Some(profile.to_owned());
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
    /// `None`, and returns its name. Removing the active profile leaves no
    /// profile active.
    pub fn logout(&mut self, profile: Option<&str>) -> Result<String, ConfigError> {
        let name = match profile.or(self.active_profile.as_deref()) {
            Some(name) => name.to_owned(),
            None => return Err(ConfigError::NoActiveProfile),
        };
        if self.profiles.remove(&name).is_none() {
            return Err(self.unknown_profile(&name));
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
    /// empty token, is [`ConfigError::NoToken`].
    pub fn resolve_token(
        &self,
        flag: Option<&str>,
        env_token: Option<&str>,
        profile_flag: Option<&str>,
        env_profile: Option<&str>,
    ) -> Result<(String, TokenSource), ConfigError> {
        let profile_flag = non_empty(profile_flag);
        if let Some(token) = non_empty(flag) {
            return Ok((token.to_owned(), TokenSource::Flag));
        }
        if profile_flag.is_none() {
            if let Some(token) = non_empty(env_token) {
                return Ok((token.to_owned(), TokenSource::Env));
            }
        }
        let name = profile_flag
            .or(non_empty(env_profile))
            .or(non_empty(self.active_profile.as_deref()));
        let Some(name) = name else {
            return Err(ConfigError::NoToken);
        };
        let Some(profile) = self.profiles.get(name) else {
            return Err(self.unknown_profile(name));
        };
        if profile.token.trim().is_empty() {
            if profile.storage() == "keyring" {
                return Err(ConfigError::KeyringProfile(name.to_owned()));
            }
            return Err(ConfigError::NoToken);
        }
        Ok((profile.token.clone(), TokenSource::Profile(name.to_owned())))
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
}
