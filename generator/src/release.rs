//! The version of the generated crates and their changelog: the curated
//! file `spec/release.yaml`, newest release first.
//!
//! `cargo xtask spec pin --from NEW` appends a release made from the API
//! diff ([`ReleaseLog::record`]); `cargo xtask generate` writes the crates'
//! versions and `generated/CHANGELOG.md` from the file
//! ([`ReleaseLog::changelog`]), so generation stays a pure function of the
//! files in the repository. The `pachca` SDK and the `pachca-cli` CLI share
//! one version.
//!
//! **The bump rule** (Cargo's semver, where in `0.y.z` the `y` is the major
//! part): the largest [`Impact`] of the release decides,
//!
//! | impact | `0.y.z` | `x.y.z`, x ≥ 1 |
//! |---|---|---|
//! | breaking | `0.(y+1).0` | `(x+1).0.0` |
//! | compatible (additions, behaviour) | `0.y.(z+1)` | `x.(y+1).0` |
//! | docs only | `0.y.(z+1)` | `x.y.(z+1)` |
//!
//! Before 1.0 an addition is a patch release because Cargo treats
//! `0.y.z → 0.y.(z+1)` as compatible and has no other level below a break
//! (`cargo-semver-checks` agrees). [`ReleaseLog::check`] verifies every
//! release against its predecessor, hand edits included.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::diff::{ApiDiff, Impact, Subject};
use crate::load::yaml;

/// The release file, relative to the workspace root.
pub const RELEASE_FILE: &str = "spec/release.yaml";

/// The version of crates generated without a release file (`--out`).
pub const INITIAL: Version = Version { major: 0, minor: 1, patch: 0 };

/// `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl FromStr for Version {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split('.').collect();
        let number = |p: &str| p.parse::<u64>().ok().filter(|_| !p.is_empty() && (p == "0" || !p.starts_with('0')));
        match parts.as_slice() {
            [a, b, c] => match (number(a), number(b), number(c)) {
                (Some(major), Some(minor), Some(patch)) => Ok(Version { major, minor, patch }),
                _ => Err(format!("`{s}` is not a version; expected MAJOR.MINOR.PATCH such as `0.2.0`")),
            },
            _ => Err(format!("`{s}` is not a version; expected MAJOR.MINOR.PATCH such as `0.2.0`")),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Version {
    /// The next version for a release whose largest change is `impact` (the module's rule).
    pub fn bump(self, impact: Impact) -> Version {
        let Version { major, minor, patch } = self;
        match (major, impact) {
            (0, Impact::Breaking) => Version { major: 0, minor: minor + 1, patch: 0 },
            (0, _) => Version { major: 0, minor, patch: patch + 1 },
            (_, Impact::Breaking) => Version { major: major + 1, minor: 0, patch: 0 },
            (_, Impact::Compatible) => Version { major, minor: minor + 1, patch: 0 },
            (_, Impact::Docs) => Version { major, minor, patch: patch + 1 },
        }
    }

    /// What kind of release `self → next` is in Cargo's terms: `breaking`
    /// (major; in `0.y.z` a change of `y`), `compatible` (minor; any other
    /// change before 1.0) or `patch`.
    pub fn level(self, next: Version) -> &'static str {
        if self.major == 0 && next.major == 0 {
            if next.minor != self.minor {
                "breaking"
            } else {
                "compatible"
            }
        } else if next.major != self.major {
            "breaking"
        } else if next.minor != self.minor {
            "compatible"
        } else {
            "patch"
        }
    }
}

/// `spec/release.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseLog {
    /// Newest first.
    pub releases: Vec<Release>,
}

/// One version of the generated crates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub version: Version,
    /// `YYYY-MM-DD`, the day it was recorded.
    pub date: String,
    /// The spec it was generated from (`Pachca API 1.0.0`).
    pub spec: String,
    /// The sha256 of that spec file (the description language's pin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Hand-written notes: migration hints, generator changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Breaking changes, in the crate's and the CLI's terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaking: Vec<String>,
    /// Compatible changes: additions and behaviour.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compatible: Vec<String>,
    /// Documentation only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
}

impl Release {
    /// The largest impact the release lists; a release that lists nothing
    /// (notes only) counts as docs.
    pub fn impact(&self) -> Impact {
        if !self.breaking.is_empty() {
            Impact::Breaking
        } else if !self.compatible.is_empty() {
            Impact::Compatible
        } else {
            Impact::Docs
        }
    }
}

/// A problem with `spec/release.yaml`.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("{path}: cannot read or write: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The header written above the releases.
const HEADER: &str = "\
# The version of the generated crates (`pachca` and `pachca-cli` share one) and
# what changed in each, newest first. `cargo xtask spec pin --from NEW` adds a
# release made from the API diff; `cargo xtask generate` writes the crates'
# versions and generated/CHANGELOG.md from this file. Edit the text freely (add
# a migration hint under `notes`); a version must follow from its predecessor
# by the rule in generator/src/release.rs (breaking: 0.y -> 0.(y+1).0, else
# 0.y.z -> 0.y.(z+1); from 1.0: major, minor for additions, patch for docs).
";

/// At most this many docs-only lines per release; the rest are counted.
const DOCS_LISTED: usize = 8;

impl ReleaseLog {
    /// Parses the text of a release file.
    pub fn parse(path: &Path, text: &str) -> Result<ReleaseLog, ReleaseError> {
        let log: ReleaseLog = yaml::from_str_keyed(text).map_err(|e| {
            let at = match (e.key.as_str(), e.error.position) {
                ("", Some((line, column))) => format!("line {line} column {column}: "),
                ("", None) => String::new(),
                (key, _) => format!("{key}: "),
            };
            ReleaseError::Invalid { path: path.to_owned(), message: format!("{at}{}", e.error.message) }
        })?;
        log.check().map_err(|message| ReleaseError::Invalid { path: path.to_owned(), message })?;
        Ok(log)
    }

    /// Reads `spec/release.yaml` under `root`.
    pub fn read(root: &Path) -> Result<ReleaseLog, ReleaseError> {
        let path = root.join(RELEASE_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| ReleaseError::Io { path: path.clone(), source })?;
        ReleaseLog::parse(&path, &text)
    }

    /// The file's text.
    pub fn to_yaml(&self) -> Result<String, ReleaseError> {
        let text = yaml::to_string(self)
            .map_err(|e| ReleaseError::Invalid { path: PathBuf::from(RELEASE_FILE), message: e.message })?;
        Ok(format!("{HEADER}{text}"))
    }

    /// Writes `spec/release.yaml` under `root`.
    pub fn write(&self, root: &Path) -> Result<(), ReleaseError> {
        let path = root.join(RELEASE_FILE);
        let text = self.to_yaml()?;
        std::fs::write(&path, text).map_err(|source| ReleaseError::Io { path, source })
    }

    /// The current version: the newest release's, or [`INITIAL`].
    pub fn current(&self) -> Version {
        self.releases.first().map(|r| r.version).unwrap_or(INITIAL)
    }

    /// Every release's version must follow from the one before it by the
    /// bump rule and its largest change.
    pub fn check(&self) -> Result<(), String> {
        for (i, pair) in self.releases.windows(2).enumerate() {
            let (newer, older) = (&pair[0], &pair[1]);
            let expected = older.version.bump(newer.impact());
            if newer.version != expected {
                return Err(format!(
                    "releases[{i}].version: {} after {} with {} changes; expected {expected}",
                    newer.version,
                    older.version,
                    crate::diff::heading(newer.impact()).to_lowercase()
                ));
            }
        }
        Ok(())
    }

    /// Records `diff` as a new release on top, dated `date`, for the spec
    /// `spec` with `sha256`. Returns the new version, or `None` when the
    /// diff is empty and `sha256` is the newest release's (nothing to release).
    pub fn record(&mut self, diff: &ApiDiff, date: &str, spec: &str, sha256: &str) -> Option<Version> {
        // A new spec file with the same model (reformatted, an `x-` key the
        // IR ignores) is still a new pin: a patch release notes it, so that
        // `generate` finds a release for the pinned sha256.
        let (impact, notes) = match diff.impact() {
            Some(impact) => (impact, Vec::new()),
            None if self.releases.first().and_then(|r| r.sha256.as_deref()) != Some(sha256) => {
                (Impact::Docs, vec!["The spec file changed; the API it describes did not.".to_owned()])
            }
            None => return None,
        };
        let version = self.current().bump(impact);
        let lines = |impact: Impact| diff.with(impact).map(|c| c.text.clone()).collect::<Vec<_>>();
        let release = Release {
            version,
            date: date.to_owned(),
            spec: spec.to_owned(),
            sha256: Some(sha256.to_owned()),
            notes,
            breaking: lines(Impact::Breaking),
            compatible: lines(Impact::Compatible),
            docs: docs_lines(diff),
        };
        self.releases.insert(0, release);
        Some(version)
    }

    /// `generated/CHANGELOG.md`.
    pub fn changelog(&self) -> String {
        let mut out = String::from(
            "# Changelog\n\n\
             The `pachca` SDK and the `pachca` CLI (`pachca-cli`) share one version. This file is generated from\n\
             `spec/release.yaml` by `cargo xtask generate`; `pachca changelog` prints it.\n\n\
             Versions follow Cargo's semver: before 1.0 a breaking change raises the minor number\n\
             (0.2.0 → 0.3.0) and anything else the patch number (0.2.0 → 0.2.1).\n",
        );
        for (i, r) in self.releases.iter().enumerate() {
            out.push_str(&format!("\n## {} ({})\n\n", r.version, r.date));
            let sha = r.sha256.as_deref().map(|s| format!(", sha256 `{}`", s.get(..12).unwrap_or(s))).unwrap_or_default();
            let level = match self.releases.get(i + 1) {
                Some(older) => format!("; a {} release after {}", older.version.level(r.version), older.version),
                None => String::new(),
            };
            out.push_str(&format!("Spec: {}{sha}{level}.\n", r.spec));
            for (title, lines) in [("Notes", &r.notes), ("Breaking", &r.breaking), ("Compatible", &r.compatible), ("Docs", &r.docs)] {
                if lines.is_empty() {
                    continue;
                }
                out.push_str(&format!("\n### {title}\n\n"));
                for line in lines {
                    out.push_str(&format!("- {line}\n"));
                }
            }
        }
        out
    }
}

/// The docs-only changes, at most [`DOCS_LISTED`] lines, the rest counted.
fn docs_lines(diff: &ApiDiff) -> Vec<String> {
    let docs: Vec<_> = diff.with(Impact::Docs).collect();
    let mut lines: Vec<String> = docs.iter().take(DOCS_LISTED).map(|c| c.text.clone()).collect();
    if docs.len() > DOCS_LISTED {
        let rest = &docs[DOCS_LISTED..];
        let ops = rest.iter().filter(|c| matches!(c.subject, Subject::Operation(_))).count();
        let types = rest.iter().filter(|c| matches!(c.subject, Subject::Type(_))).count();
        lines.push(format!("and the docs of {ops} more methods and {types} more types"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().expect("version")
    }

    #[test]
    fn the_bump_rule_follows_cargo_semver() {
        assert_eq!(v("0.2.3").bump(Impact::Breaking), v("0.3.0"));
        assert_eq!(v("0.2.3").bump(Impact::Compatible), v("0.2.4"));
        assert_eq!(v("0.2.3").bump(Impact::Docs), v("0.2.4"));
        assert_eq!(v("1.2.3").bump(Impact::Breaking), v("2.0.0"));
        assert_eq!(v("1.2.3").bump(Impact::Compatible), v("1.3.0"));
        assert_eq!(v("1.2.3").bump(Impact::Docs), v("1.2.4"));
        assert_eq!(v("0.2.0").level(v("0.3.0")), "breaking");
        assert_eq!(v("0.2.0").level(v("0.2.1")), "compatible");
        assert_eq!(v("1.2.0").level(v("1.3.0")), "compatible");
        assert_eq!(v("1.2.0").level(v("1.2.1")), "patch");
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(v("10.0.1").to_string(), "10.0.1");
        for bad in ["1.2", "1.2.3.4", "01.2.3", "a.b.c", "1..3", ""] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }

    fn release(version: &str, breaking: &[&str], compatible: &[&str]) -> Release {
        Release {
            version: v(version),
            date: "2026-07-28".to_owned(),
            spec: "Pachca API 1.0.0".to_owned(),
            sha256: None,
            notes: Vec::new(),
            breaking: breaking.iter().map(|s| s.to_string()).collect(),
            compatible: compatible.iter().map(|s| s.to_string()).collect(),
            docs: Vec::new(),
        }
    }

    #[test]
    fn a_version_that_does_not_follow_the_rule_is_an_error_naming_it() {
        let ok = ReleaseLog { releases: vec![release("0.3.0", &["x"], &[]), release("0.2.0", &[], &[])] };
        assert_eq!(ok.check(), Ok(()));
        let text = ok.to_yaml().expect("yaml");
        assert_eq!(ReleaseLog::parse(Path::new("r.yaml"), &text).expect("parses"), ok);
        // An addition released as a breaking bump, and the reverse.
        let bad = ReleaseLog { releases: vec![release("0.3.0", &[], &["y"]), release("0.2.0", &[], &[])] };
        assert_eq!(bad.check(), Err("releases[0].version: 0.3.0 after 0.2.0 with compatible changes; expected 0.2.1".to_owned()));
        let bad = ReleaseLog { releases: vec![release("0.2.1", &["x"], &[]), release("0.2.0", &[], &[])] };
        let err = ReleaseLog::parse(Path::new("spec/release.yaml"), &bad.to_yaml().expect("yaml")).expect_err("rejected");
        assert!(err.to_string().starts_with("spec/release.yaml: releases[0].version: 0.2.1 after 0.2.0"), "{err}");
    }

    #[test]
    fn the_changelog_lists_each_release_newest_first() {
        let log = ReleaseLog { releases: vec![release("0.3.0", &["`Chat` loses `x`"], &["`Chat` gains `y`"]), release("0.2.0", &[], &[])] };
        let text = log.changelog();
        let newer = text.find("## 0.3.0 (2026-07-28)").expect("0.3.0");
        let older = text.find("## 0.2.0 (2026-07-28)").expect("0.2.0");
        assert!(newer < older, "{text}");
        assert!(text.contains("Spec: Pachca API 1.0.0; a breaking release after 0.2.0.\n\n### Breaking\n\n- `Chat` loses `x`\n\n### Compatible\n\n- `Chat` gains `y`\n"), "{text}");
    }
}
