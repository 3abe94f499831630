//! `cargo xtask diff OLD NEW`: the API diff of two specs, and finding the
//! spec file behind a git revision of the pin.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

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
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["show", &format!("{arg}:{}", pin::PIN_FILE)])
            .output()
            .map_err(|e| format!("cannot run git to read {} at `{arg}`: {e}", pin::PIN_FILE))?;
        if !output.status.success() {
            return Err(format!(
                "`{arg}` is neither a spec file nor a git revision with {}: {}",
                pin::PIN_FILE,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
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

/// Loads and lowers `path` as `profile` lowers it.
pub fn lower(path: &Path, profile: Profile) -> Result<Api, String> {
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
