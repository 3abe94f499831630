//! The pinned upstream spec: where it lives, its sha256, and how a run
//! picks the spec file (`--spec` flag, `PACHCA_SPEC`, then the pin).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::load::yaml;

/// The pin file, relative to the workspace root.
pub const PIN_FILE: &str = "spec/pin.yaml";

/// Which spec file supplies descriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ru,
    En,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ru" => Ok(Lang::Ru),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}`; expected `ru` or `en`")),
        }
    }
}

impl Lang {
    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        })
    }
}

/// Contents of `spec/pin.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    /// Where the upstream publishes the spec.
    pub upstream_url: String,
    /// One pinned file per language.
    pub files: BTreeMap<Lang, PinnedFile>,
}

/// One pinned spec file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinnedFile {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Lowercase hex sha256 of the file's bytes.
    pub sha256: String,
}

/// A problem with the pin or with choosing the spec file.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: invalid pin file: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: sha256 is {actual}, but {pin} pins {expected}; if the spec was updated on purpose run `cargo xtask spec pin --lang {lang} --from {path}`, or pass `--spec {path}` to use it unpinned")]
    Mismatch { path: PathBuf, pin: PathBuf, expected: String, actual: String, lang: Lang },
    #[error("{pin}: no file pinned for language `{lang}`; run `cargo xtask spec pin --lang {lang} --from PATH`")]
    NoLang { pin: PathBuf, lang: Lang },
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Pin {
    /// Reads `spec/pin.yaml` under `root`.
    pub fn read(root: &Path) -> Result<Pin, PinError> {
        let path = root.join(PIN_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| PinError::Io { path: path.clone(), source })?;
        yaml::from_str(&text).map_err(|e| PinError::Invalid { path, message: e.message })
    }

    /// Writes the pin back to `spec/pin.yaml` under `root`.
    pub fn write(&self, root: &Path) -> Result<(), PinError> {
        let path = root.join(PIN_FILE);
        let text = yaml::to_string(self).map_err(|e| PinError::Invalid { path: path.clone(), message: e.message })?;
        let header = "# The pinned upstream Pachca OpenAPI spec. Not a copy: the files live in ../shared/spec/.\n# Update with `cargo xtask spec pin --lang LANG --from PATH`.\n";
        std::fs::write(&path, format!("{header}{text}")).map_err(|source| PinError::Io { path, source })
    }
}

/// How the spec file for a run was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecSource {
    /// `--spec PATH`: used as is, hash not checked.
    Flag(PathBuf),
    /// `PACHCA_SPEC`: hash checked against the pin.
    Env(PathBuf),
    /// The pinned default path.
    Pinned,
}

/// Picks the spec file for `lang` and checks its hash unless it came from
/// `--spec`. Returns the path and the file's sha256.
pub fn resolve(root: &Path, lang: Lang, source: SpecSource) -> Result<(PathBuf, String), PinError> {
    let pin_path = root.join(PIN_FILE);
    let pin = Pin::read(root)?;
    let pinned = pin.files.get(&lang).ok_or(PinError::NoLang { pin: pin_path.clone(), lang })?;
    let (path, check) = match source {
        SpecSource::Flag(p) => (p, false),
        SpecSource::Env(p) => (p, true),
        SpecSource::Pinned => (root.join(&pinned.path), true),
    };
    let bytes = std::fs::read(&path).map_err(|source| PinError::Io { path: path.clone(), source })?;
    let actual = sha256_hex(&bytes);
    if check && actual != pinned.sha256 {
        return Err(PinError::Mismatch { path, pin: pin_path, expected: pinned.sha256.clone(), actual, lang });
    }
    Ok((path, actual))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
