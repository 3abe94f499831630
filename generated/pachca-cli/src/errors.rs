//! Errors and exit codes: human text on a terminal, one JSON object on
//! stderr otherwise.
//!
//! | exit | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | API, network or other runtime error |
//! | 2 | usage or validation error (bad flags, bad JSON, missing `--force`) |
//! | 3 | authentication or scope error, or no token |
//! | 4 | not found (404) |

use std::fmt;

use serde_json::{json, Value};

/// Everything that can end a command unsuccessfully.
#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong; `hint` says what to do.
    Usage { message: String, hint: Option<String> },
    /// No usable token.
    NoToken(String),
    /// A saved token could not be made usable (a failed OAuth refresh);
    /// `hint` says what to do.
    Auth { message: String, hint: String },
    /// The API or the network failed.
    Api(pachca::Error),
    /// A local file or terminal problem.
    Io(std::io::Error),
    /// A bug in the CLI itself.
    Internal(String),
    /// A command that checks something found a problem (`doctor`); what it
    /// found is already printed.
    Failed(String),
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage { message: message.into(), hint: None }
    }

    pub fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Usage { message: message.into(), hint: Some(hint.into()) }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        CliError::Internal(message.into())
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => 2,
            CliError::NoToken(_) | CliError::Auth { .. } => 3,
            CliError::Api(e) => match e.status() {
                Some(404) => 4,
                Some(401 | 403) => 3,
                // Upstream: a validation error is a usage error.
                Some(422) => 2,
                _ => 1,
            },
            CliError::Io(_) | CliError::Internal(_) | CliError::Failed(_) => 1,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            CliError::Usage { .. } => "PACHCA_USAGE_ERROR",
            CliError::NoToken(_) | CliError::Auth { .. } => "PACHCA_AUTH_ERROR",
            CliError::Api(e) => match self.exit_code() {
                3 if self.missing_scope() => "PACHCA_SCOPE_ERROR",
                3 => "PACHCA_AUTH_ERROR",
                2 => "PACHCA_VALIDATION_ERROR",
                4 => "PACHCA_NOT_FOUND_ERROR",
                _ if matches!(e, pachca::Error::Timeout { .. }) => "PACHCA_TIMEOUT_ERROR",
                _ if matches!(e, pachca::Error::Transport(_)) => "PACHCA_NETWORK_ERROR",
                _ => "PACHCA_API_ERROR",
            },
            CliError::Io(_) => "PACHCA_IO_ERROR",
            CliError::Internal(_) => "PACHCA_INTERNAL_ERROR",
            CliError::Failed(_) => "PACHCA_CHECK_FAILED",
        }
    }

    /// An OAuth `insufficient_scope` answer.
    fn missing_scope(&self) -> bool {
        matches!(self, CliError::Api(pachca::Error::Api { body, .. }) if body["error"] == "insufficient_scope")
    }

    fn hint(&self) -> Option<String> {
        match self {
            CliError::Usage { hint, .. } => hint.clone(),
            CliError::NoToken(_) => Some("pass --token, set PACHCA_TOKEN, or run `pachca auth login --token ...`".to_owned()),
            CliError::Auth { hint, .. } => Some(hint.clone()),
            CliError::Api(_) if self.exit_code() == 3 => Some(if self.missing_scope() {
                "the token lacks the scope this command needs (see `pachca introspect <group> <action>`)".to_owned()
            } else {
                "check the token: `pachca auth status`".to_owned()
            }),
            _ => None,
        }
    }

    /// The error as one JSON object (for agents and scripts).
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "error": self.to_string(), "type": self.kind(), "exit_code": self.exit_code() });
        if let CliError::Api(e) = self {
            v["code"] = e.status().map(Value::from).unwrap_or(Value::Null);
            if let Some(id) = e.request_id() {
                v["request_id"] = Value::from(id);
            }
            // Pachca's `{"errors": [{key, message, code, value}]}`, read as
            // JSON so the CLI needs nothing but the generic SDK.
            let items = match e {
                pachca::Error::Api { body, .. } => body.get("errors").and_then(Value::as_array),
                _ => None,
            };
            if let Some(items) = items {
                v["errors"] = items
                    .iter()
                    .map(|i| json!({ "field": i["key"], "message": i["message"], "code": i["code"], "value": i["value"] }))
                    .collect();
            }
        }
        if let Some(hint) = self.hint() {
            v["hint"] = Value::from(hint);
        }
        v
    }

    /// [`CliError::to_json`] for a failed command: a missing scope names the
    /// scope the command needs (from the spec), as upstream's `PACHCA_SCOPE_ERROR`.
    pub fn to_json_for(&self, scope: Option<&str>) -> Value {
        let mut v = self.to_json();
        if let (true, Some(scope)) = (self.missing_scope(), scope) {
            v["scope"] = Value::from(scope);
        }
        v
    }

    /// Prints the error on stderr: JSON when `json`, else text.
    pub fn report(&self, json: bool) {
        self.report_for(json, None);
    }

    /// [`CliError::report`] for a command that needs `scope`.
    pub fn report_for(&self, json: bool, scope: Option<&str>) {
        if json {
            eprintln!("{}", self.to_json_for(scope));
            return;
        }
        eprintln!("error: {self}");
        match (self.missing_scope(), scope) {
            (true, Some(scope)) => eprintln!("hint: this command needs the scope `{scope}`"),
            _ => {
                if let Some(hint) = self.hint() {
                    eprintln!("hint: {hint}");
                }
            }
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage { message, .. } => f.write_str(message),
            CliError::NoToken(message) | CliError::Auth { message, .. } => f.write_str(message),
            CliError::Api(e) => write!(f, "{e}"),
            CliError::Io(e) => write!(f, "{e}"),
            CliError::Internal(message) => write!(f, "internal error: {message}"),
            CliError::Failed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CliError {}

/// Whether errors are printed as JSON: stderr is not a terminal, or the
/// output format is JSON (`-o json`).
pub fn json_errors(json_output: bool) -> bool {
    use std::io::IsTerminal;
    !std::io::stderr().is_terminal() || json_output
}

impl From<pachca::Error> for CliError {
    fn from(e: pachca::Error) -> Self {
        CliError::Api(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Io(e)
    }
}

impl From<crate::config::ConfigError> for CliError {
    fn from(e: crate::config::ConfigError) -> Self {
        match e {
            crate::config::ConfigError::NoToken
            | crate::config::ConfigError::KeyringProfile(_)
            | crate::config::ConfigError::KeyringUnavailable { .. } => CliError::NoToken(e.to_string()),
            other => CliError::usage(other.to_string()),
        }
    }
}

/// A command line clap rejected: its message, and its tips as the hint.
impl From<clap::Error> for CliError {
    fn from(e: clap::Error) -> Self {
        // `StyledStr`'s `Display` is plain text, without terminal colours.
        let text = e.render().to_string();
        let mut message = None;
        let mut tips = Vec::new();
        for line in text.lines().map(str::trim) {
            if let Some(m) = line.strip_prefix("error: ") {
                message.get_or_insert_with(|| m.to_owned());
            } else if let Some(tip) = line.strip_prefix("tip: ") {
                tips.push(tip.to_owned());
            } else if let Some(usage) = line.strip_prefix("Usage: ") {
                tips.push(format!("usage: {usage}"));
            }
        }
        let message = message.unwrap_or_else(|| e.kind().to_string());
        tips.push("see `--help`".to_owned());
        CliError::usage_hint(message, tips.join("; "))
    }
}
