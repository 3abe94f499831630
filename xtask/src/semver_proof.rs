//! `cargo xtask semver-proof`: the bump our diff chooses, checked by a real
//! semver checker. For each consecutive pair of `../shared/spec/history/`
//! specs plus the pin, and for each synthetic pair of
//! `generator/tests/data/semver/cases.yaml`, the SDK is generated from both
//! specs (the new one with the version our release log gives it), and
//! cargo-semver-checks compares the two crates' rustdoc JSON:
//!
//! 1. with `--release-type patch` it lists everything it finds (its major
//!    lints are breaking changes, its minor lints additions): when it finds
//!    a breaking change our diff must have classified the pair breaking
//!    (and an addition at least compatible), else the proof fails;
//! 2. without an override it must accept the version written to the new
//!    crate's `Cargo.toml`;
//! 3. for the synthetic pairs, that version must be the case's `version`.
//!
//! The checker is pinned ([`VERSION`]) and installed under
//! `tools/semver-checks/` (`--install`); a missing checker is an error
//! saying how to install it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use generator::diff::{self, ApiDiff, Impact, Subject};
use heck::ToUpperCamelCase;
use generator::generate::{generate, Request};
use generator::pin::{self, Lang, SpecSource};
use generator::profile::Profile;
use generator::release::{Release, ReleaseLog, Version};

/// The pinned cargo-semver-checks (0.51 needs rustc 1.93 or later).
pub const VERSION: &str = "0.51.0";
/// Where it is installed, under the workspace root.
const TOOL_ROOT: &str = "tools/semver-checks";

fn tool(root: &Path) -> PathBuf {
    root.join(TOOL_ROOT).join("bin/cargo-semver-checks")
}

fn install_command() -> String {
    format!("cargo install --locked cargo-semver-checks --version {VERSION} --root {TOOL_ROOT}")
}

/// Installs the pinned checker unless it is there (about 30 minutes of
/// compiling on 2 cores).
pub fn install(root: &Path) -> Result<(), String> {
    if check_tool(root).is_ok() {
        return Ok(());
    }
    println!("==> {}", install_command());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["install", "--locked", "cargo-semver-checks", "--version", VERSION, "--root"])
        .arg(root.join(TOOL_ROOT))
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!("`{}` failed ({status})", install_command()));
    }
    check_tool(root)
}

/// The checker is installed at the pinned version.
fn check_tool(root: &Path) -> Result<(), String> {
    let missing = |why: String| {
        format!("{why}; install cargo-semver-checks {VERSION} with `cargo xtask semver-proof --install` (runs `{}`)", install_command())
    };
    let out = Command::new(tool(root))
        .arg("--version")
        .output()
        .map_err(|e| missing(format!("{}: {e}", tool(root).display())))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim() == format!("cargo-semver-checks {VERSION}") {
        Ok(())
    } else {
        Err(missing(format!("{} is `{}`, not {VERSION}", tool(root).display(), text.trim())))
    }
}

/// One spec of a pair, generated as the SDK crate `name`.
struct Side {
    name: String,
    spec: String,
}

/// Two specs to compare and what our diff says.
struct Pair {
    label: String,
    old: Side,
    new: Side,
    diff: ApiDiff,
    /// The version the synthetic case expects in the new crate's Cargo.toml.
    expected: Option<String>,
}

/// What cargo-semver-checks found for a pair.
#[derive(Default)]
struct Found {
    major: usize,
    minor: usize,
    /// `lint: item` for every failure it lists.
    items: Vec<(String, String)>,
}

pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let mut keep = false;
    for arg in args {
        match arg.as_str() {
            "--install" => install(root)?,
            "--keep" => keep = true,
            other => return Err(format!("unknown argument `{other}`\n{}", crate::USAGE)),
        }
    }
    check_tool(root)?;
    let total = Instant::now();
    let work = std::env::temp_dir().join("pachca-semver-proof");
    let crates = work.join("crates");
    let _ = std::fs::remove_dir_all(&crates);
    let json_dir = work.join("json");
    std::fs::create_dir_all(&json_dir).map_err(|e| format!("{}: {e}", json_dir.display()))?;

    let t = Instant::now();
    let mut pairs = history_pairs(root)?;
    pairs.extend(synthetic_pairs(root)?);
    // Every crate once: (folder, spec text, release log). The history
    // chain's versions follow each other as `spec pin` would bump them; each
    // synthetic pair starts again from its base at 1.0.0.
    let mut crates_to_build: BTreeMap<String, (String, ReleaseLog)> = BTreeMap::new();
    let mut chain = generator::release::INITIAL;
    for pair in &pairs {
        let start = if pair.expected.is_some() { Version { major: 1, minor: 0, patch: 0 } } else { chain };
        let (old_log, new_log) = logs(pair, start);
        chain = if pair.expected.is_some() { chain } else { new_log.current() };
        crates_to_build.entry(pair.old.name.clone()).or_insert((pair.old.spec.clone(), old_log));
        crates_to_build.insert(pair.new.name.clone(), (pair.new.spec.clone(), new_log));
    }
    let mut versions = BTreeMap::new();
    for (name, (spec, log)) in &crates_to_build {
        versions.insert(name.clone(), write_crate(root, &crates.join(name), spec, log)?);
    }
    println!("==> {} crates generated for {} pairs in {:.1} s", crates_to_build.len(), pairs.len(), t.elapsed().as_secs_f64());

    let t = Instant::now();
    for name in crates_to_build.keys() {
        rustdoc_json(&crates.join(name), &work.join("target"), &json_dir.join(format!("{name}.json")))?;
    }
    println!("==> rustdoc JSON of {} crates in {:.1} s", crates_to_build.len(), t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut failures = Vec::new();
    let (mut found_breaking, mut ours_breaking, mut agreed, mut unexplained_total) = (0, 0, 0, 0);
    let (mut lints, mut items, mut items_in_breaking) = (0, 0, 0);
    println!("\n{:<44} {:<11} {:<10} {:>7} {:>7}  verdict", "pair", "our diff", "version", "major", "minor");
    for pair in &pairs {
        let (old_json, new_json) = (json_dir.join(format!("{}.json", pair.old.name)), json_dir.join(format!("{}.json", pair.new.name)));
        let found = semver_checks(root, &old_json, &new_json, Some("patch"))?;
        let accepted = semver_checks(root, &old_json, &new_json, None)?;
        let ours = pair.diff.impact();
        let version = versions.get(&pair.new.name).cloned().unwrap_or_default();
        let mut problems = Vec::new();
        if found.major > 0 && ours != Some(Impact::Breaking) {
            problems.push(format!("cargo-semver-checks finds breaking changes our diff classified {}", ours.map(Impact::as_str).unwrap_or("as no change")));
        }
        if found.minor > 0 && ours.is_none_or(|i| i < Impact::Compatible) {
            problems.push("cargo-semver-checks finds additions our diff classified docs-only".to_owned());
        }
        if accepted.major + accepted.minor > 0 {
            problems.push(format!("cargo-semver-checks rejects the version {version} our release log chose"));
        }
        if let Some(expected) = &pair.expected {
            if *expected != version {
                problems.push(format!("Cargo.toml says {version}, the case expects {expected}"));
            }
        }
        let unexplained = unexplained(&pair.diff, &found);
        if found.major > 0 {
            found_breaking += 1;
        }
        lints += found.major;
        items += found.items.len();
        if ours == Some(Impact::Breaking) {
            items_in_breaking += found.items.len();
        }
        if ours == Some(Impact::Breaking) {
            ours_breaking += 1;
        }
        let verdict = if problems.is_empty() {
            agreed += 1;
            "agree".to_owned()
        } else {
            format!("FAIL: {}", problems.join("; "))
        };
        println!(
            "{:<44} {:<11} {:<10} {:>7} {:>7}  {verdict}",
            pair.label,
            ours.map(Impact::as_str).unwrap_or("none"),
            version,
            found.major,
            found.minor
        );
        unexplained_total += unexplained.len();
        for (lint, item) in &unexplained {
            println!("      not named by our breaking changes: {lint}: {item}");
        }
        if !problems.is_empty() {
            for (lint, item) in &found.items {
                println!("      cargo-semver-checks: {lint}: {item}");
            }
            failures.push(pair.label.clone());
        }
    }
    println!(
        "\n{agreed}/{} pairs agree; cargo-semver-checks found breaking changes in {found_breaking} pairs ({lints} failed major checks, {items} items; {items_in_breaking} of the items in pairs our diff classified breaking), our diff classified {ours_breaking} pairs breaking; {unexplained_total} of its items name no item of our breaking changes (checks {:.1} s, total {:.1} s)",
        pairs.len(),
        t.elapsed().as_secs_f64(),
        total.elapsed().as_secs_f64()
    );
    if !keep {
        let _ = std::fs::remove_dir_all(&crates);
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("semver proof failed for: {}", failures.join(", "));
        Ok(ExitCode::FAILURE)
    }
}

/// The release logs of a pair's two crates: the old one's version, then the
/// new one recorded from the diff (as `spec pin` records it).
fn logs(pair: &Pair, start: Version) -> (ReleaseLog, ReleaseLog) {
    let old = ReleaseLog {
        releases: vec![Release::new(start, "2026-01-01", &pair.old.name)],
    };
    let mut new = old.clone();
    new.record(&pair.diff, "2026-01-02", &pair.new.name, "");
    (old, new)
}

/// `../shared/spec/history/*.yaml` in date order, then the pinned spec of
/// the same language (Russian), as consecutive pairs.
fn history_pairs(root: &Path) -> Result<Vec<Pair>, String> {
    let dir = root.join("../shared/spec/history");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}; the dated upstream specs are needed", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    let (pinned, _) = pin::resolve(root, Lang::Ru, SpecSource::Pinned).map_err(|e| e.to_string())?;
    specs.push(pinned);
    let label = |p: &Path| {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
        stem.strip_prefix("openapi-").map(str::to_owned).unwrap_or_else(|| "pin".to_owned())
    };
    let mut pairs = Vec::new();
    for w in specs.windows(2) {
        let (old, new) = (&w[0], &w[1]);
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let diff = crate::diff::diff_files(old, new, Profile::Pachca)?;
        let side = |p: &Path| -> Result<Side, String> { Ok(Side { name: format!("h-{}", label(p)), spec: read(p)? }) };
        pairs.push(Pair { label: format!("{} → {}", label(old), label(new)), old: side(old)?, new: side(new)?, diff, expected: None });
    }
    Ok(pairs)
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    version: String,
    edits: Vec<Edit>,
}

#[derive(serde::Deserialize)]
struct Edit {
    find: String,
    replace: String,
}

const CASES_DIR: &str = "generator/tests/data/semver";

/// base.yaml → each case of cases.yaml.
fn synthetic_pairs(root: &Path) -> Result<Vec<Pair>, String> {
    let dir = root.join(CASES_DIR);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{}/{name}: {e}", dir.display()));
    let base = read("base.yaml")?;
    let cases: Vec<Case> = generator::load::yaml::from_str(&read("cases.yaml")?).map_err(|e| format!("{CASES_DIR}/cases.yaml: {}", e.message))?;
    let lower = |text: &str| -> Result<generator::ir::Api, String> {
        let spec = generator::load::load_str(Path::new("case.yaml"), text).map_err(|e| e.to_string())?;
        Ok(generator::lower::lower_with(&spec, Profile::Pachca.lower_options(false)).map_err(|e| e.to_string())?.api)
    };
    let old_api = lower(&base)?;
    let mut pairs = Vec::new();
    for case in cases {
        let mut text = base.clone();
        for e in &case.edits {
            if text.matches(&e.find).count() != 1 {
                return Err(format!("{CASES_DIR}/cases.yaml: case {}: `{}` must occur once in base.yaml", case.name, e.find));
            }
            text = text.replace(&e.find, &e.replace);
        }
        let d = diff::diff(&old_api, &lower(&text)?);
        pairs.push(Pair {
            label: format!("case {}", case.name),
            old: Side { name: "s-base".to_owned(), spec: base.clone() },
            new: Side { name: format!("s-{}", case.name), spec: text },
            diff: d,
            expected: Some(case.version),
        });
    }
    Ok(pairs)
}

/// Generates the SDK of `spec` (the crate `pachca`, as `generated/` has it)
/// into `dir/pachca`, a package of its own with the repository's lock file
/// (the same dependency versions, built once in one target directory), at
/// the version of `log`; returns the version its Cargo.toml says.
fn write_crate(root: &Path, dir: &Path, spec: &str, log: &ReleaseLog) -> Result<String, String> {
    let spec_path = dir.join("openapi.yaml");
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&spec_path, spec).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let req = Request { release: Some(log), ..Request::new(&spec_path, Profile::Pachca) };
    let name = dir.display().to_string();
    let generated = generate(&req).map_err(|e| format!("{name}: {e}"))?;
    let prefix = "pachca/";
    for (path, text) in generated.files.iter().filter(|(p, _)| p.starts_with(prefix)) {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("pachca/Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let manifest = generated.files.get("pachca/Cargo.toml").cloned().unwrap_or_default();
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .ok_or_else(|| format!("{name}/Cargo.toml has no version"))?;
    Ok(version.to_owned())
}

/// `cargo rustdoc` of the crate in `dir/pachca` with JSON output, every
/// feature on (as the checker's own heuristic does), copied to `out`.
fn rustdoc_json(dir: &Path, target: &Path, out: &Path) -> Result<(), String> {
    let name = dir.display();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["rustdoc", "--quiet", "--lib", "--all-features", "--", "-Z", "unstable-options", "--output-format", "json"])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir.join("pachca"))
        .output()
        .map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo rustdoc in {name}/pachca failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    // The library is `pachca` in every crate of the Pachca profile.
    let json = target.join("doc/pachca.json");
    std::fs::copy(&json, out).map_err(|e| format!("{}: {e}", json.display()))?;
    Ok(())
}

/// Runs the checker on two rustdoc JSON files; `release_type` overrides the
/// bump it checks against (`patch`: list everything).
fn semver_checks(root: &Path, old: &Path, new: &Path, release_type: Option<&str>) -> Result<Found, String> {
    let mut cmd = Command::new(tool(root));
    cmd.args(["semver-checks", "check-release", "--color", "never", "--baseline-rustdoc"]).arg(old).arg("--current-rustdoc").arg(new);
    if let Some(t) = release_type {
        cmd.args(["--release-type", t]);
    }
    let output = cmd.current_dir(root).output().map_err(|e| format!("cannot run {}: {e}", tool(root).display()))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let found = parse(&text);
    // A failure exit without a summary of failed checks is the tool's own error.
    if !output.status.success() && found.major + found.minor == 0 {
        return Err(format!("cargo-semver-checks failed on {} → {}:\n{text}", old.display(), new.display()));
    }
    Ok(found)
}

/// The summary line (`N major and M minor checks failed`) and every
/// `Failed in:` item under its `--- failure LINT: ...` heading.
fn parse(text: &str) -> Found {
    let mut found = Found::default();
    let mut lint = String::new();
    let mut in_items = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            lint = rest.split(':').next().unwrap_or_default().to_owned();
            in_items = false;
        } else if trimmed == "Failed in:" {
            in_items = true;
        } else if in_items && line.starts_with("  ") && !line.starts_with("   ") {
            found.items.push((lint.clone(), trimmed.to_owned()));
        } else if trimmed.is_empty() || !line.starts_with("  ") {
            in_items = false;
        }
        if let Some(at) = trimmed.find(" major and ") {
            let before = trimmed[..at].rsplit(' ').next().unwrap_or_default();
            let after = trimmed[at + " major and ".len()..].split(' ').next().unwrap_or_default();
            found.major = before.parse().unwrap_or(0);
            found.minor = after.parse().unwrap_or(0);
        }
    }
    found
}

/// The checker's failures that name no Rust item of our breaking changes:
/// a type (and its builder), a method, its service (`Chats`, `ChatsMock`,
/// the accessor `chats`).
fn unexplained(diff: &ApiDiff, found: &Found) -> Vec<(String, String)> {
    let mut names: Vec<String> = Vec::new();
    for c in diff.with(Impact::Breaking) {
        let mut own = match &c.subject {
            Subject::Type(t) => vec![t.clone()],
            Subject::Operation(_) => backticked(&c.text),
            _ => Vec::new(),
        };
        own.extend(backticked(&c.text).iter().filter(|w| w.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')).map(|w| w.to_upper_camel_case()));
        for name in own {
            names.extend([format!("{name}Builder"), format!("{name}ModelBuilder"), format!("{name}Mock"), format!("{name}Service"), format!("{name}ServiceMock")]);
            names.push(name);
        }
    }
    let words = |item: &str| -> Vec<String> {
        item.split(|ch: char| !(ch.is_alphanumeric() || ch == '_')).filter(|w| !w.is_empty()).map(str::to_owned).collect()
    };
    found
        .items
        .iter()
        .filter(|(_, item)| {
            let w = words(item);
            !names.iter().any(|n| w.iter().any(|x| x == n))
        })
        .cloned()
        .collect()
}

/// The method names in a change's text: `chats().get_chat()` → `get_chat`.
fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|code| code.split(['.', '(', ')', ':', ' ']).filter(|w| !w.is_empty()).map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkers_report_is_read_lint_by_lint() {
        let text = r#"     Checked [   0.641s] 202 checks: 193 pass, 9 fail, 0 warn, 58 skip
--- failure enum_variant_missing: pub enum variant removed or renamed ---

Description:
A publicly-visible enum has at least one variant that is no longer available.
Failed in:
  variant ChatKind::Channel, previously in file /tmp/a/src/models.rs:47
  variant Error::Auth, previously in file /tmp/a/src/error.rs:47

     Summary semver requires new major version: 1 major and 2 minor checks failed
"#;
        let found = parse(text);
        assert_eq!((found.major, found.minor), (1, 2));
        assert_eq!(found.items.len(), 2);
        assert_eq!(found.items[0], ("enum_variant_missing".to_owned(), "variant ChatKind::Channel, previously in file /tmp/a/src/models.rs:47".to_owned()));
    }

    #[test]
    fn backticked_code_gives_method_names() {
        assert_eq!(backticked("`chats().get_chat()` is removed (`GET /chats/{id}`)"), ["chats", "get_chat", "GET", "/chats/{id}"]);
    }
}
