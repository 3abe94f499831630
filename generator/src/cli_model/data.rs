//! The exceptions to the naming rules, as data: `spec/cli.yaml`.
//!
//! ```yaml
//! overrides:            # operationId → "group action", where the rules give another name
//!   OAuthOperations_getTokenInfo: oauth token-info
//! hidden_aliases:       # operationId → old names that still work, unlisted
//!   UploadOperations_getUploadParams: [common uploads]
//! ```
//!
//! Every key must be an operation of the spec, and an override must differ
//! from what the rules give (otherwise it is dead data and an error).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{naming, CliError};
use crate::ir::Api;
use crate::load::yaml;

/// The file, relative to the workspace root.
pub const CLI_FILE: &str = "spec/cli.yaml";

const BUNDLED: &str = include_str!("../../../spec/cli.yaml");

/// Contents of `spec/cli.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CliData {
    /// operationId → `group action`.
    #[serde(default)]
    pub overrides: BTreeMap<String, String>,
    /// operationId → hidden `group action` aliases.
    #[serde(default)]
    pub hidden_aliases: BTreeMap<String, Vec<String>>,
}

/// `spec/cli.yaml: <key>`.
pub(crate) fn at(key: &str) -> String {
    if key.is_empty() {
        CLI_FILE.to_owned()
    } else {
        format!("{CLI_FILE}: {key}")
    }
}

/// Splits `group action` into its two words, checking their spelling.
pub fn split_name(name: &str) -> Result<(String, String), String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let valid = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    match words.as_slice() {
        [g, a] if valid(g) && valid(a) => Ok(((*g).to_owned(), (*a).to_owned())),
        _ => Err(format!("`{name}` is not a command name; expected two kebab-case words such as `chats list`")),
    }
}

impl CliData {
    /// Parses the text of a `spec/cli.yaml`.
    pub fn parse(text: &str) -> Result<CliData, CliError> {
        yaml::from_str_keyed(text).map_err(|e| CliError { at: at(&e.key), message: e.error.message })
    }

    /// The `spec/cli.yaml` compiled into the generator.
    pub fn bundled() -> Result<CliData, CliError> {
        CliData::parse(BUNDLED)
    }

    /// Every key names an operation, every name is well formed, and every
    /// override changes what the rules would give.
    pub fn check_against(&self, api: &Api) -> Result<(), CliError> {
        let ops: BTreeMap<&str, _> =
            api.services.iter().flat_map(|s| s.operations.iter()).map(|o| (o.id.as_str(), o)).collect();
        let unknown = |section: &str, id: &str| CliError {
            at: at(&format!("{section}.{id}")),
            message: format!("no operation has operationId `{id}`; expected one from the spec"),
        };
        for (id, name) in &self.overrides {
            let op = ops.get(id.as_str()).ok_or_else(|| unknown("overrides", id))?;
            let (group, action) = split_name(name).map_err(|message| CliError { at: at(&format!("overrides.{id}")), message })?;
            if let Ok((g, a)) = naming::derive_name(&op.tag, op.http_method, &op.path) {
                if g == group && a == action {
                    return Err(CliError {
                        at: at(&format!("overrides.{id}")),
                        message: format!("the naming rules already give `{g} {a}`; remove this override"),
                    });
                }
            }
        }
        for (id, aliases) in &self.hidden_aliases {
            ops.get(id.as_str()).ok_or_else(|| unknown("hidden_aliases", id))?;
            for (i, alias) in aliases.iter().enumerate() {
                split_name(alias).map_err(|message| CliError { at: at(&format!("hidden_aliases.{id}[{i}]")), message })?;
            }
        }
        Ok(())
    }
}
