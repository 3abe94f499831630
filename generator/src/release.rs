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

use crate::diff::public_api::ApiChange;
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
    /// The sha256 of the SDK crate's public API listing
    /// (`generated/pachca/public-api.txt`) this release ships; set by
    /// `cargo xtask generate` ([`ReleaseLog::record_api`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_sha256: Option<String>,
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
    /// Changes of the SDK crate's public API that the generator made, not
    /// the spec ([`ReleaseLog::record_api`]); `generate` rewrites them
    /// while the release is not committed.
    #[serde(default, skip_serializing_if = "GeneratorChanges::is_empty")]
    pub generator: GeneratorChanges,
}

/// [`Release::generator`]: changes in the crate's Rust names
/// (`` `models::Chat.id`: `i32` → `i64` ``).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorChanges {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaking: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compatible: Vec<String>,
}

impl GeneratorChanges {
    pub fn is_empty(&self) -> bool {
        self.breaking.is_empty() && self.compatible.is_empty()
    }
}

impl Release {
    /// A release of `version` on `date` for `spec` that lists nothing yet.
    pub fn new(version: Version, date: &str, spec: &str) -> Release {
        Release {
            version,
            date: date.to_owned(),
            spec: spec.to_owned(),
            sha256: None,
            api_sha256: None,
            notes: Vec::new(),
            breaking: Vec::new(),
            compatible: Vec::new(),
            docs: Vec::new(),
            generator: GeneratorChanges::default(),
        }
    }

    /// The largest impact the release lists; a release that lists nothing
    /// (notes only) counts as docs.
    pub fn impact(&self) -> Impact {
        self.spec_impact().max(self.generator_impact())
    }

    /// The largest impact of the spec's changes alone.
    fn spec_impact(&self) -> Impact {
        impact_of(&self.breaking, &self.compatible)
    }

    /// The largest impact of the generator's changes alone.
    fn generator_impact(&self) -> Impact {
        impact_of(&self.generator.breaking, &self.generator.compatible)
    }
}

/// Breaking when `breaking` lists anything, else compatible when
/// `compatible` does, else docs.
fn impact_of(breaking: &[String], compatible: &[String]) -> Impact {
    if !breaking.is_empty() {
        Impact::Breaking
    } else if !compatible.is_empty() {
        Impact::Compatible
    } else {
        Impact::Docs
    }
}

/// What [`ReleaseLog::record_api`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRecord {
    /// The newest release already ships this API.
    Unchanged,
    /// The newest release takes the API's hash: its changes already say
    /// what changed for users (a release `spec pin` recorded, or the first
    /// listing of the API).
    Adopted,
    /// The generator's changes are recorded in a release not yet
    /// committed, now at this version.
    Amended(Version),
    /// A new release records the generator's changes.
    Recorded(Version),
    /// The release not yet committed that recorded earlier generator
    /// changes is gone: the API is the committed one again.
    Withdrawn,
}

/// At most this many generator changes of each impact per release; the rest are counted.
const GENERATOR_LISTED: usize = 40;
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
            sha256: Some(sha256.to_owned()),
            notes,
            breaking: lines(Impact::Breaking),
            compatible: lines(Impact::Compatible),
            docs: docs_lines(diff),
            ..Release::new(version, date, spec)
        };
        self.releases.insert(0, release);
        Some(version)
    }

    /// Records the SDK crate's public API, whose listing hashes to
    /// `api_sha256`, in the newest release (`generate` calls it on every run).
    ///
    /// `changes` are the API changes from the listing in the last commit
    /// (`None` when there is none), `committed` that commit's release log.
    /// A release not in `committed` is pending and is rewritten: a pending
    /// release of a spec update keeps its spec changes and gains the
    /// generator's only when they need a larger bump than the spec's; a
    /// pending release of generator changes alone is recomputed, or removed
    /// when the API is the committed one again. Otherwise a change of the
    /// API is a new release on the same spec. Breaking generator changes
    /// need a migration note (`note`, or one the pending release has):
    /// without one this is an error and nothing changes.
    pub fn record_api(
        &mut self,
        committed: &ReleaseLog,
        changes: Option<&[ApiChange]>,
        api_sha256: &str,
        note: Option<&str>,
        date: &str,
    ) -> Result<ApiRecord, String> {
        let pending = self.newest_pending(committed);
        let spec_release = self.newest_is_spec_update();
        let newest = self.releases.first().ok_or_else(|| format!("{RELEASE_FILE}: no release to record the crate's API in"))?;
        if newest.api_sha256.as_deref() == Some(api_sha256) && (note.is_none() || !pending) {
            return Ok(ApiRecord::Unchanged);
        }
        let Some(changes) = changes else {
            // No earlier listing to compare with: the hash is adopted as is.
            return Ok(self.adopt(api_sha256));
        };
        let older = self.releases.get(1);
        let mut next = if pending {
            newest.clone()
        } else {
            if changes.is_empty() {
                return Ok(self.adopt(api_sha256));
            }
            Release { sha256: newest.sha256.clone(), ..Release::new(newest.version, date, &newest.spec) }
        };
        let base = if pending { older.map(|o| o.version) } else { Some(newest.version) };
        let generator_impact = changes.iter().map(|c| c.impact).max();
        // A spec update's own lines say what changed; the crate's listing
        // adds to them only what needs a larger bump.
        let wanted = match generator_impact {
            Some(i) if !(pending && spec_release) || i > next.spec_impact() => Some(i),
            _ => None,
        };
        next.generator = GeneratorChanges::default();
        if let Some(impact) = wanted {
            let listed = |of: Impact| {
                let all: Vec<&ApiChange> = changes.iter().filter(|c| c.impact == of).collect();
                let mut lines: Vec<String> = all.iter().take(GENERATOR_LISTED).map(|c| c.text.clone()).collect();
                if all.len() > GENERATOR_LISTED {
                    lines.push(format!("and {} more (generated/pachca/public-api.txt)", all.len() - GENERATOR_LISTED));
                }
                lines
            };
            next.generator.breaking = listed(Impact::Breaking);
            next.generator.compatible = if impact == Impact::Breaking && pending && spec_release { Vec::new() } else { listed(Impact::Compatible) };
        }
        if let Some(n) = note {
            if !next.notes.iter().any(|x| x == n) {
                next.notes.push(n.to_owned());
            }
        }
        if !next.generator.breaking.is_empty() && next.notes.is_empty() {
            let mut message = format!(
                "the generator changed the crate's public API in {} breaking ways; describe the migration with `cargo xtask generate --note \"...\"`:",
                changes.iter().filter(|c| c.impact == Impact::Breaking).count()
            );
            for line in next.generator.breaking.iter().take(8) {
                message.push_str(&format!("\n  - {line}"));
            }
            return Err(message);
        }
        next.api_sha256 = Some(api_sha256.to_owned());
        if pending && !spec_release && next.generator.is_empty() {
            self.releases.remove(0);
            return Ok(ApiRecord::Withdrawn);
        }
        next.version = match base {
            Some(b) => b.bump(next.impact()),
            None => next.version,
        };
        let version = next.version;
        if pending {
            self.releases[0] = next;
            Ok(if self.releases[0].generator.is_empty() { ApiRecord::Adopted } else { ApiRecord::Amended(version) })
        } else {
            self.releases.insert(0, next);
            Ok(ApiRecord::Recorded(version))
        }
    }

    /// Whether the newest release is not in `committed` (the last commit's
    /// log): made by this working tree, so `spec pin` and `generate` may
    /// rewrite it.
    pub fn newest_pending(&self, committed: &ReleaseLog) -> bool {
        self.releases.first().is_some_and(|r| !committed.releases.iter().any(|c| c.version == r.version))
    }

    /// Whether the newest release is a spec update (`spec pin`): a release
    /// of generator changes alone carries its predecessor's spec sha256.
    pub fn newest_is_spec_update(&self) -> bool {
        match (self.releases.first(), self.releases.get(1)) {
            (Some(newest), Some(older)) => older.sha256 != newest.sha256,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Sets the newest release's API hash.
    fn adopt(&mut self, api_sha256: &str) -> ApiRecord {
        if let Some(r) = self.releases.first_mut() {
            r.api_sha256 = Some(api_sha256.to_owned());
        }
        ApiRecord::Adopted
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
            let sections = [
                ("Notes", &r.notes),
                ("Breaking", &r.breaking),
                ("Compatible", &r.compatible),
                ("Docs", &r.docs),
                ("Breaking: made by the generator", &r.generator.breaking),
                ("Compatible: made by the generator", &r.generator.compatible),
            ];
            for (title, lines) in sections {
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
            breaking: breaking.iter().map(|s| s.to_string()).collect(),
            compatible: compatible.iter().map(|s| s.to_string()).collect(),
            ..Release::new(v(version), "2026-07-28", "Pachca API 1.0.0")
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
    fn change(impact: Impact, text: &str) -> ApiChange {
        ApiChange { impact, text: text.to_owned() }
    }

    /// 0.2.0 on spec `aaa`, committed, with API `api0`.
    fn committed() -> ReleaseLog {
        let mut r = release("0.2.0", &[], &["`Chat` gains `y`"]);
        r.sha256 = Some("aaa".to_owned());
        r.api_sha256 = Some("api0".to_owned());
        ReleaseLog { releases: vec![r] }
    }

    #[test]
    fn a_generator_change_on_a_committed_release_is_a_new_release_on_the_same_spec() {
        let base = committed();
        let mut log = base.clone();
        let added = [change(Impact::Compatible, "`models::Chat::builder` added")];
        let got = log.record_api(&base, Some(&added), "api1", None, "2026-12-04");
        assert_eq!(got, Ok(ApiRecord::Recorded(v("0.2.1"))));
        assert_eq!(log.releases.len(), 2);
        let r = &log.releases[0];
        assert_eq!((r.version, r.date.as_str(), r.spec.as_str()), (v("0.2.1"), "2026-12-04", "Pachca API 1.0.0"));
        assert_eq!((r.sha256.as_deref(), r.api_sha256.as_deref()), (Some("aaa"), Some("api1")));
        assert!(r.breaking.is_empty() && r.compatible.is_empty() && r.notes.is_empty());
        assert_eq!(r.generator.compatible, vec!["`models::Chat::builder` added".to_owned()]);
        assert!(log.changelog().contains(
            "## 0.2.1 (2026-12-04)\n\nSpec: Pachca API 1.0.0, sha256 `aaa`; a compatible release after 0.2.0.\n\n### Compatible: made by the generator\n\n- `models::Chat::builder` added\n"
        ));
        // Generating again changes nothing.
        assert_eq!(log.clone().record_api(&base, Some(&added), "api1", None, "2026-12-05"), Ok(ApiRecord::Unchanged));
    }

    #[test]
    fn a_breaking_generator_change_needs_a_migration_note() {
        let base = committed();
        let mut log = base.clone();
        let changes = [
            change(Impact::Breaking, "`models::Chat.id`: `i32` → `i64`"),
            change(Impact::Compatible, "`models::Chat::builder` added"),
        ];
        let err = log.record_api(&base, Some(&changes), "api1", None, "2026-12-04").expect_err("needs a note");
        assert_eq!(
            err,
            "the generator changed the crate's public API in 1 breaking ways; describe the migration with `cargo xtask generate --note \"...\"`:\n  - `models::Chat.id`: `i32` → `i64`"
        );
        assert_eq!(log, base, "nothing is recorded without the note");
        let got = log.record_api(&base, Some(&changes), "api1", Some("Ids are `i64`: widen your variables."), "2026-12-04");
        assert_eq!(got, Ok(ApiRecord::Recorded(v("0.3.0"))));
        let r = &log.releases[0];
        assert_eq!(r.notes, vec!["Ids are `i64`: widen your variables.".to_owned()]);
        assert_eq!(r.generator.breaking, vec!["`models::Chat.id`: `i32` → `i64`".to_owned()]);
        assert_eq!(r.generator.compatible, vec!["`models::Chat::builder` added".to_owned()]);
        assert_eq!(log.check(), Ok(()));
    }

    #[test]
    fn a_pending_generator_release_is_recomputed_from_the_committed_api_or_withdrawn() {
        let base = committed();
        let mut log = base.clone();
        let first = [change(Impact::Compatible, "`a` added")];
        assert_eq!(log.record_api(&base, Some(&first), "api1", None, "2026-12-04"), Ok(ApiRecord::Recorded(v("0.2.1"))));
        // A second generator change before the commit: one release, from the committed API.
        let both = [change(Impact::Breaking, "`b` removed"), change(Impact::Compatible, "`a` added")];
        assert_eq!(log.record_api(&base, Some(&both), "api2", Some("Use `a`."), "2026-12-04"), Ok(ApiRecord::Amended(v("0.3.0"))));
        assert_eq!(log.releases.len(), 2);
        assert_eq!(log.releases[0].generator.breaking, vec!["`b` removed".to_owned()]);
        assert_eq!(log.releases[0].api_sha256.as_deref(), Some("api2"));
        // Back to the breaking change alone: the note stays, `a` goes.
        let back = [change(Impact::Breaking, "`b` removed")];
        assert_eq!(log.record_api(&base, Some(&back), "api3", None, "2026-12-04"), Ok(ApiRecord::Amended(v("0.3.0"))));
        assert!(log.releases[0].generator.compatible.is_empty());
        assert_eq!(log.releases[0].notes, vec!["Use `a`.".to_owned()]);
        // Reverted: the API is the committed one, and so is the log.
        assert_eq!(log.record_api(&base, Some(&[]), "api0", None, "2026-12-04"), Ok(ApiRecord::Withdrawn));
        assert_eq!(log, base);
    }

    #[test]
    fn a_pending_spec_release_gains_generator_changes_only_when_they_need_a_larger_bump() {
        let base = committed();
        let mut log = base.clone();
        let mut pinned = release("0.2.1", &[], &["`messages().list()` gains `sort`"]);
        pinned.sha256 = Some("bbb".to_owned());
        log.releases.insert(0, pinned);
        // The crate's listing says what the spec diff says: the release takes the hash.
        let same = [change(Impact::Compatible, "`api::messages::ListMessagesParams.sort` added")];
        assert_eq!(log.clone().record_api(&base, Some(&same), "api1", None, "2026-12-04"), Ok(ApiRecord::Adopted));
        // The generator also broke something: the release becomes breaking and lists it.
        let more = [change(Impact::Breaking, "`models::Chat.id`: `i32` → `i64`"), same[0].clone()];
        assert!(log.clone().record_api(&base, Some(&more), "api1", None, "2026-12-04").is_err());
        assert_eq!(log.record_api(&base, Some(&more), "api1", Some("Ids are `i64`."), "2026-12-04"), Ok(ApiRecord::Amended(v("0.3.0"))));
        let r = &log.releases[0];
        assert_eq!(r.compatible, vec!["`messages().list()` gains `sort`".to_owned()]);
        assert_eq!(r.generator.breaking, vec!["`models::Chat.id`: `i32` → `i64`".to_owned()]);
        assert!(r.generator.compatible.is_empty(), "the spec's lines already name the additions");
        assert_eq!((r.sha256.as_deref(), r.api_sha256.as_deref()), (Some("bbb"), Some("api1")));
        assert_eq!(log.check(), Ok(()));
    }

    #[test]
    fn without_an_earlier_listing_the_newest_release_adopts_the_api() {
        let base = committed();
        let mut log = base.clone();
        log.releases[0].api_sha256 = None;
        assert_eq!(log.record_api(&base, None, "api9", None, "2026-12-04"), Ok(ApiRecord::Adopted));
        assert_eq!(log.releases.len(), 1);
        assert_eq!(log.releases[0].api_sha256.as_deref(), Some("api9"));
    }
}
