//! `cargo xtask diff OLD NEW`: the API diff of two specs, and finding the
//! spec file behind a git revision of the pin.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::diff::{self, ApiDiff, Impact};
use generator::ir::Api;
use generator::pin::{self, Lang, Pin};
use generator::profile::Profile;

use crate::USAGE;

/// A spec to compare: its file and how to name it.
pub struct Side {
    pub path: PathBuf,
    pub label: String,
    pub sha256: String,
}

/// `OLD`/`NEW` of the command line: an existing file, `pin`, or a git revision.
pub fn resolve(root: &Path, arg: &str, lang: Lang) -> Result<Side, String> {
    let as_path = PathBuf::from(arg);
    if as_path.is_file() {
        let bytes = std::fs::read(&as_path).map_err(|e| format!("{arg}: {e}"))?;
        return Ok(Side { path: as_path, label: arg.to_owned(), sha256: pin::sha256_hex(&bytes) });
    }
    let (pin, label) = if arg == "pin" {
        (Pin::read(root).map_err(|e| e.to_string())?, "the pin".to_owned())
    } else {
        let text = match crate::git::show(root, arg, pin::PIN_FILE) {
            Ok(Some(text)) => text,
            Ok(None) => return Err(format!("`{arg}` is a git revision without {}", pin::PIN_FILE)),
            Err(why) => return Err(format!("`{arg}` is neither a spec file nor a git revision with {}: {why}", pin::PIN_FILE)),
        };
        let pin: Pin = generator::load::yaml::from_str(&text).map_err(|e| format!("{}@{arg}: {}", pin::PIN_FILE, e.message))?;
        (pin, format!("the pin at {arg}"))
    };
    let pinned = pin.files.get(&lang).ok_or_else(|| format!("{label}: no spec pinned for `{lang}`"))?;
    let path = find_by_sha(root, &pinned.path, &pinned.sha256).ok_or_else(|| {
        format!(
            "{label} pins {} with sha256 {}, and no file with that hash is at that path, in ../shared/spec/ or in ../shared/spec/history/",
            pinned.path.display(),
            pinned.sha256
        )
    })?;
    let label = format!("{label} ({})", path.strip_prefix(root).unwrap_or(&path).display());
    Ok(Side { path, label, sha256: pinned.sha256.clone() })
}

/// The file with `sha256`: the pinned path, then the upstream spec folders.
fn find_by_sha(root: &Path, pinned: &Path, sha256: &str) -> Option<PathBuf> {
    let mut candidates = vec![root.join(pinned)];
    for dir in ["../shared/spec", "../shared/spec/history"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        candidates.extend(files);
    }
    candidates.into_iter().find(|p| std::fs::read(p).is_ok_and(|bytes| pin::sha256_hex(&bytes) == sha256))
}

/// Loads and lowers `path` as `profile` lowers it; an IR written by
/// `generate` (`*.ir.yaml`) is read back as it is.
pub fn lower(path: &Path, profile: Profile) -> Result<Api, String> {
    if path.to_string_lossy().ends_with(".ir.yaml") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        return generator::ir::from_yaml(&text).map_err(|e| format!("{}: {}", path.display(), e.message));
    }
    let spec = generator::load::load_file(path).map_err(|e| e.to_string())?;
    let lowered = generator::lower::lower_with(&spec, profile.lower_options(false)).map_err(|e| e.to_string())?;
    Ok(lowered.api)
}

/// The diff of two specs in `profile` (the CLI is compared in the Pachca profile only).
pub fn diff_files(old: &Path, new: &Path, profile: Profile) -> Result<ApiDiff, String> {
    let (old, new) = (lower(old, profile)?, lower(new, profile)?);
    Ok(diff::diff_with(&old, &new, diff::Options { cli: profile.is_pachca() }))
}

pub fn command(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let mut json = false;
    let mut lang = Lang::En;
    let mut profile = Profile::Pachca;
    let mut sides = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--json" => json = true,
            "--lang" => lang = value("--lang")?.parse()?,
            "--profile" => profile = value("--profile")?.parse()?,
            other if other.starts_with("--") => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            other => sides.push(other.to_owned()),
        }
    }
    let [old, new] = sides.as_slice() else {
        return Err(format!("diff takes two specs, OLD and NEW\n{USAGE}"));
    };
    let (old, new) = (resolve(root, old, lang)?, resolve(root, new, lang)?);
    let diff = diff_files(&old.path, &new.path, profile)?;
    if json {
        let report = serde_json::json!({
            "old": { "spec": old.label, "sha256": old.sha256 },
            "new": { "spec": new.label, "sha256": new.sha256 },
            "impact": diff.impact().map(Impact::as_str),
            "counts": {
                "breaking": diff.count(Impact::Breaking),
                "compatible": diff.count(Impact::Compatible),
                "docs": diff.count(Impact::Docs),
            },
            "changes": diff.changes,
        });
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", diff::render_text(&diff, &old.label, &new.label));
    }
    Ok(ExitCode::SUCCESS)
}

/// The committed IR, the model `generated/` was made from.
pub const COMMITTED_IR: &str = "generated/ir/pachca.ir.yaml";

/// The model the committed crates were generated from: the pinned English
/// spec when its file is still there (found by its sha256), else the
/// committed IR (an upstream update usually overwrites the pinned file).
pub fn committed_model(root: &Path) -> Result<(Api, String), String> {
    if let Ok(side) = resolve(root, "pin", Lang::En) {
        return Ok((lower(&side.path, Profile::Pachca)?, side.label));
    }
    Ok((lower(&root.join(COMMITTED_IR), Profile::Pachca)?, COMMITTED_IR.to_owned()))
}

/// The model of the last commit: the spec its pin names (found by its
/// sha256), else its committed IR.
fn head_model(root: &Path) -> Result<(Api, String), String> {
    if let Ok(side) = resolve(root, "HEAD", Lang::En) {
        return Ok((lower(&side.path, Profile::Pachca)?, side.label));
    }
    let text = crate::git::show(root, "HEAD", COMMITTED_IR)?.ok_or_else(|| format!("HEAD has no {COMMITTED_IR}"))?;
    let api = generator::ir::from_yaml(&text).map_err(|e| format!("{COMMITTED_IR}@HEAD: {}", e.message))?;
    Ok((api, format!("{COMMITTED_IR} at HEAD")))
}

/// `spec pin` of the English spec: the diff from the committed model to
/// `new`, recorded as a release in `spec/release.yaml` (nothing when the
/// model is the same and the file too; a patch release with a note when
/// only the file changed). Returns what to tell the user.
pub fn record_release(root: &Path, new: &Api, sha256: &str, date: Option<&str>) -> Result<String, String> {
    use generator::release::ReleaseLog;
    let mut log = ReleaseLog::read(root).map_err(|e| e.to_string())?;
    // A second pin before the first is committed replaces its release: one
    // release from the committed model, not two bumps for one update.
    let committed = crate::api_release::committed_log(root, &log).unwrap_or_else(|_| log.clone());
    let spec_pending = log.newest_pending(&committed) && log.newest_is_spec_update();
    let (old, label, kept_notes) = if spec_pending {
        let (old, label) = head_model(root)?;
        let replaced = log.releases.remove(0);
        (old, label, replaced.notes)
    } else {
        let (old, label) = committed_model(root)?;
        (old, label, Vec::new())
    };
    let diff = diff::diff(&old, new);
    let date = match date {
        Some(d) => check_date(d)?,
        None => today(),
    };
    let before = log.current();
    let spec = format!("{} {}", new.title, new.version);
    let mut text = diff::render_text(&diff, &label, "the new spec");
    if spec_pending {
        text.push_str("\n(the release of the earlier pin, not committed yet, is replaced by this one)");
    }
    match log.record(&diff, &date, &spec, sha256) {
        Some(version) => {
            if let Some(top) = log.releases.first_mut() {
                for note in kept_notes {
                    if !top.notes.contains(&note) {
                        top.notes.push(note);
                    }
                }
            }
            log.write(root).map_err(|e| e.to_string())?;
            text.push_str(&format!(
                "\nrelease {version} (was {before}, a {} release) recorded in {}; next: `cargo xtask generate`, then review generated/CHANGELOG.md",
                before.level(version),
                generator::release::RELEASE_FILE
            ));
        }
        None => text.push_str(&format!("\nthe model is unchanged: no release, the version stays {before}")),
    }
    Ok(text)
}

pub fn check_date(d: &str) -> Result<String, String> {
    let ok = d.len() == 10 && d.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if ok {
        Ok(d.to_owned())
    } else {
        Err(format!("--date {d}: expected YYYY-MM-DD"))
    }
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_date(secs / 86_400)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// How many changes `generate --check` names before the file list.
const DRIFT_SHOWN: usize = 5;

/// For `generate --check` on a drifted tree: the API changes from the
/// committed IR (in `on_disk`, the files of `generated/`) to `api`, the
/// first few of them, or `None` when the model is the same (the drift is
/// the generator's or a curated file's).
pub fn drift_summary(on_disk: &std::collections::BTreeMap<String, String>, api: &Api) -> Option<String> {
    let ir = COMMITTED_IR.trim_start_matches("generated/");
    let old = match on_disk.get(ir).map(|text| generator::ir::from_yaml(text)) {
        Some(Ok(old)) => old,
        Some(Err(e)) => return Some(format!("{COMMITTED_IR}: cannot read it back ({}); the API changes are unknown", e.message)),
        None => return Some(format!("{COMMITTED_IR} is missing; the API changes are unknown")),
    };
    let d = diff::diff(&old, api);
    if d.is_empty() {
        return None;
    }
    let mut out = format!("the spec's API changed since generated/ was written: {}", diff::summary(&d));
    for c in d.changes.iter().take(DRIFT_SHOWN) {
        out.push_str(&format!("\n  - {}: {}", c.impact.as_str(), c.text));
    }
    if d.changes.len() > DRIFT_SHOWN {
        out.push_str(&format!("\n  - and {} more (`cargo xtask diff {COMMITTED_IR} pin`)", d.changes.len() - DRIFT_SHOWN));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_day_counts() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_425), "2025-12-03");
        assert!(check_date("2026-7-1").is_err());
        assert_eq!(check_date("2026-07-01").as_deref(), Ok("2026-07-01"));
    }

    fn fixture(edit: Option<(&str, &str)>) -> Api {
        let base = include_str!("../../generator/tests/data/semver/base.yaml");
        let text = match edit {
            Some((find, replace)) => base.replace(find, replace),
            None => base.to_owned(),
        };
        let spec = generator::load::load_str(Path::new("base.yaml"), &text).expect("loads");
        generator::lower::lower_with(&spec, Profile::Pachca.lower_options(false)).expect("lowers").api
    }

    const ARCHIVED: (&str, &str) = ("        topic: {type: string}\n", "        topic: {type: string}\n        archived: {type: boolean}\n");

    /// `spec pin` of a spec whose pinned file is gone: the old model is the
    /// committed IR, and the release is written on top with the bumped version.
    #[test]
    fn a_pin_records_a_release_from_the_committed_ir() {
        let root = std::env::temp_dir().join(format!("xtask-pin-{}", std::process::id()));
        std::fs::create_dir_all(root.join("spec")).expect("spec dir");
        std::fs::create_dir_all(root.join("generated/ir")).expect("ir dir");
        let ir = generator::load::yaml::to_string(&fixture(None)).expect("yaml");
        std::fs::write(root.join(COMMITTED_IR), ir).expect("ir");
        let log = "releases:\n- version: 0.2.0\n  date: 2026-07-01\n  spec: Semver Fixture 1.0.0\n";
        std::fs::write(root.join(generator::release::RELEASE_FILE), log).expect("release");
        let message = record_release(&root, &fixture(Some(ARCHIVED)), "abc", Some("2026-08-01")).expect("recorded");
        assert!(message.contains("release 0.2.1 (was 0.2.0, a compatible release)"), "{message}");
        let log = generator::release::ReleaseLog::read(&root).expect("reads back");
        let top = &log.releases[0];
        assert_eq!((top.version.to_string().as_str(), top.date.as_str(), top.sha256.as_deref()), ("0.2.1", "2026-08-01", Some("abc")));
        assert_eq!(top.compatible, ["`Chat` gains `archived` (`Option<bool>`)"]);
        // The same spec again: nothing to release.
        std::fs::write(root.join(COMMITTED_IR), generator::load::yaml::to_string(&fixture(Some(ARCHIVED))).expect("yaml")).expect("ir");
        let message = record_release(&root, &fixture(Some(ARCHIVED)), "abc", Some("2026-08-02")).expect("ran");
        assert!(message.ends_with("the model is unchanged: no release, the version stays 0.2.1"), "{message}");
        // A new file (another sha256) with the same model: a patch release
        // with a note, so that `generate` finds a release for the new pin.
        let message = record_release(&root, &fixture(Some(ARCHIVED)), "def", Some("2026-08-03")).expect("ran");
        assert!(message.contains("release 0.2.2 (was 0.2.1, a compatible release)"), "{message}");
        let log = generator::release::ReleaseLog::read(&root).expect("reads back");
        let top = &log.releases[0];
        assert_eq!((top.version.to_string().as_str(), top.sha256.as_deref()), ("0.2.2", Some("def")));
        assert_eq!(top.notes, ["The spec file changed; the API it describes did not."]);
        assert!(top.breaking.is_empty() && top.compatible.is_empty() && top.docs.is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }

    fn git(root: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .expect("git runs (the tests need git)");
        assert!(status.success(), "git {args:?}");
    }

    /// Two pins before a commit are one update: the second replaces the
    /// first one's release with one diffed from the committed model, so the
    /// version is bumped once (0.2.0 → 0.3.0, not 0.2.1 → 0.3.0).
    #[test]
    fn a_second_pin_before_the_commit_replaces_the_first_release() {
        let root = std::env::temp_dir().join(format!("xtask-two-pins-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).expect("spec dir");
        std::fs::create_dir_all(root.join("generated/ir")).expect("ir dir");
        std::fs::write(root.join(COMMITTED_IR), generator::load::yaml::to_string(&fixture(None)).expect("yaml")).expect("ir");
        let log = "releases:\n- version: 0.2.0\n  date: 2026-07-01\n  spec: Semver Fixture 1.0.0\n  sha256: '000'\n";
        std::fs::write(root.join(generator::release::RELEASE_FILE), log).expect("release");
        git(&root, &["init", "-q"]);
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "0.2.0"]);
        let first = record_release(&root, &fixture(Some(ARCHIVED)), "aaa", Some("2026-08-01")).expect("first pin");
        assert!(first.contains("release 0.2.1 (was 0.2.0, a compatible release)"), "{first}");
        // The second spec also drops `topic`: breaking, from the committed model.
        let dropped = ("        topic: {type: string}\n", "        archived: {type: boolean}\n");
        let second = record_release(&root, &fixture(Some(dropped)), "bbb", Some("2026-08-02")).expect("second pin");
        assert!(second.contains("is replaced by this one"), "{second}");
        assert!(second.contains("release 0.3.0 (was 0.2.0, a breaking release)"), "{second}");
        let log = generator::release::ReleaseLog::read(&root).expect("reads back");
        let versions: Vec<String> = log.releases.iter().map(|r| r.version.to_string()).collect();
        assert_eq!(versions, ["0.3.0", "0.2.0"]);
        let top = &log.releases[0];
        assert_eq!((top.date.as_str(), top.sha256.as_deref()), ("2026-08-02", Some("bbb")));
        assert!(top.compatible.iter().any(|c| c.contains("`archived`")), "{:?}", top.compatible);
        assert!(top.breaking.iter().any(|c| c.contains("`topic`")), "{:?}", top.breaking);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_drift_names_the_api_change_first() {
        let mut on_disk = std::collections::BTreeMap::new();
        on_disk.insert("ir/pachca.ir.yaml".to_owned(), generator::load::yaml::to_string(&fixture(None)).expect("yaml"));
        let summary = drift_summary(&on_disk, &fixture(Some(ARCHIVED))).expect("a change");
        assert_eq!(
            summary,
            "the spec's API changed since generated/ was written: 0 breaking, 1 compatible, 0 docs-only changes\n  - compatible: `Chat` gains `archived` (`Option<bool>`)"
        );
        assert_eq!(drift_summary(&on_disk, &fixture(None)), None, "a generator-only drift names no API change");
    }
}
