//! The exceptions to the naming rules, as data: `spec/cli.yaml`.
//!
//! ```yaml
//! overrides:            # operationId → "group action", where the rules give another name
//!   OAuthOperations_getTokenInfo: oauth token-info
//! hidden_aliases:       # operationId → old names that still work, unlisted
//!   UploadOperations_getUploadParams: [common uploads]
//! ```
//!
//! Every name must be well formed and an override must differ from what the
//! rules give (otherwise it is dead data): both are errors. A key that names
//! no operation of the spec (generating from an older spec) is a
//! [`CuratedWarning`] and the entry is skipped.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{naming, CliError};
pub use crate::curated::CLI_FILE;
use crate::curated::CuratedWarning;
use crate::ir::Api;
use crate::load::yaml;


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
        CliData::parse(crate::curated::CLI_YAML)
    }

    /// The entries that apply to `api`, with a warning for each entry whose
    /// operationId `api` lacks (that entry is left out). Errors: a name that
    /// is not `group action`, an override that changes nothing.
    pub fn check_against(&self, api: &Api) -> Result<(CliData, Vec<CuratedWarning>), CliError> {
        let ops: BTreeMap<&str, _> = api.operations().map(|o| (o.id.as_str(), o)).collect();
        let mut usable = CliData::default();
        let mut warnings = Vec::new();
        let mut unknown = |key: String, id: &str| {
            warnings.push(CuratedWarning::new(CLI_FILE, key, format!("no operation has operationId `{id}`; entry skipped")));
        };
        for (id, name) in &self.overrides {
            let key = format!("overrides.{id}");
            let (group, action) = split_name(name).map_err(|message| CliError { at: at(&key), message })?;
            let Some(op) = ops.get(id.as_str()) else {
                unknown(key, id);
                continue;
            };
            if let Ok((g, a)) = naming::derive_name(&op.tag, op.http_method, &op.path) {
                if g == group && a == action {
                    return Err(CliError { at: at(&key), message: format!("the naming rules already give `{g} {a}`; remove this override") });
                }
            }
            usable.overrides.insert(id.clone(), name.clone());
        }
        for (id, aliases) in &self.hidden_aliases {
            for (i, alias) in aliases.iter().enumerate() {
                split_name(alias).map_err(|message| CliError { at: at(&format!("hidden_aliases.{id}[{i}]")), message })?;
            }
            if !ops.contains_key(id.as_str()) {
                unknown(format!("hidden_aliases.{id}"), id);
                continue;
            }
            usable.hidden_aliases.insert(id.clone(), aliases.clone());
        }
        Ok((usable, warnings))
    }
}
