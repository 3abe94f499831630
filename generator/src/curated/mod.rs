//! What the curated data files have in common: where they are, and the
//! [`CuratedWarning`] an entry gets when it does not match the spec.
//!
//! The curated files (`spec/cli.yaml`, `spec/skills/`) are written against
//! the pinned spec. Generating from another spec (an older Pachca spec)
//! can meet entries that name an operation, tag, path or flag that spec
//! lacks: such an entry is skipped with a warning, and the rest applies.
//! Entries that are wrong whatever the spec (a malformed command name, a
//! dead override) stay errors.
//!
//! [`skills`] reads the skills' curated data and [`skills_check`] checks it
//! against a spec and its CLI model, once per run ([`crate::model`]), with
//! [`chain`] (what a scenario step sends and gets back) and [`coverage`]
//! (upstream's workflows and the scenarios doing their jobs); the skills
//! renderer only reads the result.

pub mod chain;
pub mod coverage;
pub mod skills;
pub mod skills_check;

use std::fmt;

/// The CLI naming exceptions, relative to the workspace root.
pub const CLI_FILE: &str = "spec/cli.yaml";

/// The text of [`CLI_FILE`], compiled in. Every curated input the generator
/// reads is named in this module and [`skills`]: `spec/cli.yaml` here,
/// `spec/skills/` there.
pub const CLI_YAML: &str = include_str!("../../../spec/cli.yaml");

/// An entry of a curated file that was skipped because the spec lacks what
/// it names.
///
/// `Display` renders it as `file: key: message`, like the errors about the
/// same files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CuratedWarning {
    /// Relative to the workspace root (`spec/cli.yaml`).
    pub file: String,
    /// Key path inside the file (`overrides.BotOperations_recreateBotToken`).
    pub key: String,
    /// What is missing and what was done (`...; entry skipped`).
    pub message: String,
}

impl CuratedWarning {
    pub fn new(file: &str, key: impl Into<String>, message: impl Into<String>) -> Self {
        CuratedWarning { file: file.to_owned(), key: key.into(), message: message.into() }
    }
}

impl fmt::Display for CuratedWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.key, self.message)
    }
}
