//! `pachca skills list|install`: the agent skills this binary carries, and
//! writing one set of them where an agent looks for skills.
//!
//! The skills come in a bundle generated beside the command table
//! (`src/skills.bundle` of the generated crate, from the very files of
//! `generated/skills/`): the line [`HEADER`], then per file a line
//! `--- <set>/<path> <byte length>`, exactly that many bytes and a newline.
//! A set (`cli-en`, `curl-ru`, ...) has skill folders (`pachca/`,
//! `pachca-chats/`, ... each with a `SKILL.md`) and its `skill.json`.
//!
//! Installing never clobbers silently: a file that exists with other
//! contents, or a file in one of the set's skill folders that the set does
//! not have, stops the install before anything is written, unless
//! `--force`; identical files are left alone. Each install leaves a record
//! ([`RECORD`]: every file it wrote, with a digest of its contents), so the
//! next install, from an upgraded `pachca`, replaces or removes the files
//! an earlier one wrote and nobody edited since without asking for
//! `--force`. Each changed skill folder is written complete into a staging
//! folder beside the target and renamed into place, so an agent never sees
//! a half-written skill, and a failure puts back what was there.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use serde_json::{json, Value};

use crate::errors::CliError;
use crate::run::Globals;

/// The first line of a bundle: its format and version.
pub const HEADER: &str = "pachca-skills-bundle 1";

/// A set's manifest, beside its skill folders.
const MANIFEST: &str = "skill.json";

/// The install record in the target folder: `{"set", "version", "files":
/// {path: digest}}`, the files of the last install and [`digest`] of each.
pub const RECORD: &str = ".pachca-skills.json";

/// The skill file that makes a folder a skill.
const SKILL_FILE: &str = "SKILL.md";

/// One file of a bundle: `path` inside the set `set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleFile<'a> {
    pub set: &'a str,
    pub path: &'a str,
    pub contents: &'a str,
}

/// A malformed bundle: where (1-based line, byte offset) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleError {
    pub line: usize,
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "skills bundle, line {} (byte {}): {}", self.line, self.offset, self.message)
    }
}

impl std::error::Error for BundleError {}

/// At most 60 characters of `text`, for messages.
fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Whether `path` is a plain relative path: `/`-separated names, none
/// empty, `.` or `..`, no backslash or drive colon.
fn plain_relative(path: &str) -> bool {
    !path.is_empty() && path.split('/').all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains(['\\', ':']))
}

/// The files of `bundle`, in its order. An empty bundle (a binary built
/// without the skills) has none.
pub fn parse(bundle: &str) -> Result<Vec<BundleFile<'_>>, BundleError> {
    let err = |line: usize, offset: usize, message: String| BundleError { line, offset, message };
    if bundle.is_empty() {
        return Ok(Vec::new());
    }
    let first = bundle.split('\n').next().unwrap_or_default();
    if first != HEADER || first.len() == bundle.len() {
        return Err(err(1, 0, format!("expected the line `{HEADER}`, found `{}`", excerpt(first))));
    }
    let mut files = Vec::new();
    let mut seen = BTreeSet::new();
    let (mut pos, mut line) = (first.len() + 1, 2);
    while pos < bundle.len() {
        let rest = &bundle[pos..];
        let Some(end) = rest.find('\n') else {
            return Err(err(line, pos, format!("`{}` does not end with a newline", excerpt(rest))));
        };
        let header = &rest[..end];
        let expected = || format!("expected `--- <set>/<path> <bytes>`, found `{}`", excerpt(header));
        let (name, len) = header.strip_prefix("--- ").and_then(|r| r.rsplit_once(' ')).ok_or_else(|| err(line, pos, expected()))?;
        let len: usize = len.parse().map_err(|_| err(line, pos, format!("`{len}` is not a byte length in `{}`", excerpt(header))))?;
        let (set, path) = name.split_once('/').ok_or_else(|| err(line, pos, expected()))?;
        if set.is_empty() || !set.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(err(line, pos, format!("`{set}` is not a set name (lowercase letters, digits and `-`)")));
        }
        if !plain_relative(path) {
            return Err(err(line, pos, format!("`{path}` is not a plain relative path")));
        }
        if !seen.insert(name) {
            return Err(err(line, pos, format!("{name} appears twice")));
        }
        let start = pos + end + 1;
        let stop = start + len;
        if stop >= bundle.len() {
            let left = bundle.len().saturating_sub(start);
            return Err(err(line, pos, format!("{name} announces {len} bytes and a newline; {left} bytes are left")));
        }
        if !bundle.is_char_boundary(stop) {
            return Err(err(line, pos, format!("{name}: byte {len} of its contents is inside a UTF-8 character")));
        }
        let contents = &bundle[start..stop];
        let content_lines = contents.matches('\n').count();
        if bundle.as_bytes()[stop] != b'\n' {
            return Err(err(line + 1 + content_lines, stop, format!("expected a newline after the {len} bytes of {name}")));
        }
        files.push(BundleFile { set, path, contents });
        line += 2 + content_lines;
        pos = stop + 1;
    }
    Ok(files)
}

/// One set of skills: a variant in a language (`cli-en`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set<'a> {
    pub name: &'a str,
    /// `(path inside the set, contents)`, in bundle order.
    pub files: Vec<(&'a str, &'a str)>,
}

impl<'a> Set<'a> {
    /// The skill folders, by name (the router `pachca` first): every
    /// folder with a `SKILL.md`.
    pub fn skills(&self) -> Vec<&'a str> {
        let mut skills: Vec<&str> = self.files.iter().filter_map(|(path, _)| path.strip_suffix("/SKILL.md").filter(|dir| !dir.contains('/'))).collect();
        skills.sort_unstable();
        skills
    }

    /// The files of the skill folders: what an install writes.
    pub fn skill_files(&self) -> Vec<(&'a str, &'a str)> {
        let skills = self.skills();
        self.files.iter().copied().filter(|(path, _)| path.split_once('/').is_some_and(|(dir, _)| skills.contains(&dir))).collect()
    }

    /// The file `path` of the set.
    pub fn file(&self, path: &str) -> Option<&'a str> {
        self.files.iter().find(|(p, _)| *p == path).map(|(_, text)| *text)
    }

    /// `skill.json`, parsed.
    pub fn manifest(&self) -> Option<Value> {
        serde_json::from_str(self.file(MANIFEST)?).ok()
    }

    /// The set's version from its manifest, or empty.
    pub fn version(&self) -> String {
        self.manifest().and_then(|v| v["version"].as_str().map(str::to_owned)).unwrap_or_default()
    }
}

/// The sets of `bundle`, in its order.
pub fn sets(bundle: &str) -> Result<Vec<Set<'_>>, BundleError> {
    let mut sets: Vec<Set<'_>> = Vec::new();
    for file in parse(bundle)? {
        match sets.iter_mut().find(|s| s.name == file.set) {
            Some(set) => set.files.push((file.path, file.contents)),
            None => sets.push(Set { name: file.set, files: vec![(file.path, file.contents)] }),
        }
    }
    Ok(sets)
}

/// `description` of a `SKILL.md`'s front matter, unfolded to one line.
fn front_matter_description(skill_md: &str) -> Option<String> {
    let body = skill_md.strip_prefix("---\n")?;
    let front = &body[..body.find("\n---")?];
    let mut lines = front.lines().skip_while(|l| !l.starts_with("description:"));
    let value = lines.next()?.trim_start_matches("description:").trim();
    if value.starts_with(['>', '|']) {
        // A block scalar: its indented lines, joined.
        let parts: Vec<&str> = lines.take_while(|l| l.starts_with(' ')).map(str::trim).collect();
        Some(parts.join(" "))
    } else {
        Some(value.trim_matches(['"', '\'']).to_owned())
    }
}

/// What a skill is for, in one line: its description up to "Use when:",
/// else its first heading.
pub fn summary(skill_md: &str) -> String {
    match front_matter_description(skill_md) {
        Some(text) => text.split(" Use when:").next().unwrap_or_default().trim().to_owned(),
        None => skill_md.lines().find_map(|l| l.strip_prefix("# ")).unwrap_or_default().trim().to_owned(),
    }
}

/// An agent tool that loads `SKILL.md` folders, with the folder it reads
/// them from under your home (user level) and under a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    ClaudeCode,
    Cursor,
    Codex,
    GeminiCli,
}

impl Agent {
    pub const ALL: [Agent; 4] = [Agent::ClaudeCode, Agent::Cursor, Agent::Codex, Agent::GeminiCli];

    /// The name `--agent` takes (the manifests' `platforms`).
    pub fn name(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
            Agent::Cursor => "cursor",
            Agent::Codex => "codex",
            Agent::GeminiCli => "gemini-cli",
        }
    }

    pub fn from_name(name: &str) -> Option<Agent> {
        Agent::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The skills folder, relative to the home directory (user level) and
    /// to a project's root alike, as the agent's documentation states it.
    pub fn folder(self) -> &'static str {
        match self {
            Agent::ClaudeCode => ".claude/skills",
            Agent::Cursor => ".cursor/skills",
            Agent::Codex => ".agents/skills",
            Agent::GeminiCli => ".gemini/skills",
        }
    }

    /// The documentation page that states [`Agent::folder`].
    pub fn docs(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "https://code.claude.com/docs/de/skills.md",
            Agent::Cursor => "https://cursor.com/docs/skills.md",
            Agent::Codex => "https://developers.openai.com/codex/skills",
            Agent::GeminiCli => "https://geminicli.com/docs/cli/using-agent-skills/",
        }
    }
}

/// The home directory: `HOME` (`USERPROFILE` on Windows), if set.
fn home() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| if cfg!(windows) { std::env::var_os("USERPROFILE") } else { None });
    home.filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// How one file of the set compares with what is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Not there yet.
    New,
    /// There, byte for byte.
    Same,
    /// There with other contents (or not a plain file).
    Changed,
    /// There as an earlier install wrote it (its record says so): replaced
    /// without `--force`.
    Outdated,
}

/// FNV-1a (64 bits) of `bytes`, as 16 hex digits: tells whether a file is
/// still what an install wrote (not a defence against anyone).
pub fn digest(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// The files the last install into `root` wrote, with their digests; empty
/// when there is no record or it cannot be read (so nothing more is
/// replaced without `--force` than without a record).
fn read_record(root: &Path) -> BTreeMap<String, String> {
    let Ok(text) = std::fs::read_to_string(root.join(RECORD)) else { return BTreeMap::new() };
    let Ok(value) = serde_json::from_str::<Value>(&text) else { return BTreeMap::new() };
    let files = value["files"].as_object().into_iter().flatten();
    files.filter_map(|(path, d)| Some((path.clone(), d.as_str()?.to_owned()))).collect()
}

/// Writes the record of `set` installed in `root` (through a temporary
/// file, so a reader never sees half of it).
fn write_record(set: &Set<'_>, root: &Path) -> io::Result<()> {
    let files: serde_json::Map<String, Value> = set.skill_files().into_iter().map(|(path, contents)| (path.to_owned(), Value::String(digest(contents.as_bytes())))).collect();
    let version = set.version();
    let text = serde_json::to_string_pretty(&json!({ "set": set.name, "version": version, "files": files })).map_err(io::Error::other)? + "\n";
    let path = root.join(RECORD);
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let temp = root.join(format!("{RECORD}.{}", std::process::id()));
    write_file(&temp, &text)?;
    std::fs::rename(&temp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io_at(&path, e)
    })
}

/// What installing a set into `root` would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<'a> {
    pub root: PathBuf,
    /// Every file the set installs, with its state.
    pub files: Vec<(&'a str, &'a str, FileState)>,
    /// Files in the set's skill folders that the set does not have.
    pub extra: Vec<String>,
    /// Such files that an earlier install wrote and nobody changed since:
    /// removed without `--force`.
    pub stale: Vec<String>,
    /// Skill folder names taken by something that is not a folder (a file, a symbolic link).
    pub not_folders: Vec<String>,
}

impl Plan<'_> {
    /// What an install may not replace without `--force`, one line each.
    pub fn conflicts(&self) -> Vec<String> {
        let changed = self.files.iter().filter(|f| f.2 == FileState::Changed).map(|f| format!("{} differs", f.0));
        let extra = self.extra.iter().map(|p| format!("{p} is not part of the set and would be removed"));
        let taken = self.not_folders.iter().map(|p| format!("{p} is not a folder and would be replaced"));
        changed.chain(extra).chain(taken).collect()
    }

    /// The skill folders to write: those with anything new, changed or extra.
    fn skills_to_write(&self) -> BTreeSet<String> {
        let of = |path: &str| path.split('/').next().unwrap_or_default().to_owned();
        let files = self.files.iter().filter(|f| f.2 != FileState::Same).map(|f| of(f.0));
        let gone = self.extra.iter().chain(&self.stale).map(|p| of(p));
        files.chain(gone).chain(self.not_folders.iter().cloned()).collect()
    }

    /// Whether the set is there byte for byte, with nothing extra.
    pub fn up_to_date(&self) -> bool {
        self.skills_to_write().is_empty()
    }
}

/// An I/O error naming `path`.
fn io_at(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Every file (not folder) under `dir`, as paths relative to `root` with `/`.
fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| io_at(dir, e))? {
        let entry = entry.map_err(|e| io_at(dir, e))?;
        let path = entry.path();
        if entry.file_type().map_err(|e| io_at(&path, e))?.is_dir() {
            files_under(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// Compares `set` with what is in `root`, writing nothing.
pub fn plan<'a>(set: &Set<'a>, root: &Path) -> io::Result<Plan<'a>> {
    let mut plan = Plan { root: root.to_path_buf(), files: Vec::new(), extra: Vec::new(), stale: Vec::new(), not_folders: Vec::new() };
    let record = read_record(root);
    // Whether `path` holds exactly what the last install wrote there.
    let as_recorded = |path: &str, bytes: &[u8]| record.get(path).is_some_and(|d| *d == digest(bytes));
    let files = set.skill_files();
    let ours: BTreeSet<&str> = files.iter().map(|(p, _)| *p).collect();
    // The skill folders that are there as folders.
    let mut folders = BTreeSet::new();
    for skill in set.skills() {
        let dir = root.join(skill);
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {
                folders.insert(skill);
                let mut found = Vec::new();
                files_under(root, &dir, &mut found)?;
                for path in found.into_iter().filter(|p| !ours.contains(p.as_str())) {
                    match std::fs::read(root.join(&path)) {
                        Ok(bytes) if as_recorded(&path, &bytes) => plan.stale.push(path),
                        _ => plan.extra.push(path),
                    }
                }
            }
            Ok(_) => plan.not_folders.push(skill.to_owned()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_at(&dir, e)),
        }
    }
    for (path, contents) in files {
        let target = root.join(path);
        let state = if !path.split_once('/').is_some_and(|(skill, _)| folders.contains(skill)) {
            FileState::New
        } else {
            match std::fs::read(&target) {
                Ok(bytes) if bytes == contents.as_bytes() => FileState::Same,
                Ok(bytes) if as_recorded(path, &bytes) => FileState::Outdated,
                Ok(_) => FileState::Changed,
                Err(e) if e.kind() == io::ErrorKind::NotFound => FileState::New,
                // A folder there, or a file where a folder of the set goes.
                Err(e) if matches!(e.kind(), io::ErrorKind::IsADirectory | io::ErrorKind::NotADirectory) => FileState::Changed,
                Err(e) => return Err(io_at(&target, e)),
            }
        };
        plan.files.push((path, contents, state));
    }
    Ok(plan)
}

/// Why an install did not happen.
#[derive(Debug)]
pub enum InstallError {
    /// Files would be replaced or removed, and `--force` was not given.
    Refused { root: PathBuf, conflicts: Vec<String> },
    Io(io::Error),
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallError::Refused { root, conflicts } => {
                write!(f, "{} in {} would be replaced or removed: {}; nothing was written", plural(conflicts.len(), "file"), root.display(), conflicts.join("; "))
            }
            InstallError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for InstallError {
    fn from(e: io::Error) -> Self {
        InstallError::Io(e)
    }
}

impl From<InstallError> for CliError {
    fn from(e: InstallError) -> Self {
        match e {
            InstallError::Refused { .. } => CliError::usage_hint(e.to_string(), "keep your changes elsewhere, then run the same command with --force to replace them"),
            InstallError::Io(e) => CliError::Io(e),
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What an install did: paths relative to its root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Installed {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

/// A staging folder beside the target, removed when dropped.
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `contents` to `path`, creating its folders, and syncs it to disk.
fn write_file(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_at(parent, e))?;
    }
    let mut file = std::fs::File::create(path).map_err(|e| io_at(path, e))?;
    file.write_all(contents.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| io_at(path, e))
}

impl Plan<'_> {
    /// Refused when there are conflicts and `force` is off.
    fn check(&self, force: bool) -> Result<(), InstallError> {
        let conflicts = self.conflicts();
        if conflicts.is_empty() || force {
            Ok(())
        } else {
            Err(InstallError::Refused { root: self.root.clone(), conflicts })
        }
    }

    /// What carrying out the plan writes, leaves and removes.
    pub fn outcome(&self) -> Installed {
        let written = self.files.iter().filter(|f| f.2 != FileState::Same).map(|f| f.0.to_owned()).collect();
        let unchanged = self.files.iter().filter(|f| f.2 == FileState::Same).count();
        Installed { written, unchanged, removed: self.extra.iter().chain(&self.stale).cloned().collect() }
    }
}

/// Renames a file or folder; [`std::fs::rename`] but in tests.
type Rename<'r> = &'r dyn Fn(&Path, &Path) -> io::Result<()>;

/// Carries out `plan` of installing `set`: refused when it has conflicts
/// and `force` is off; every skill folder with something to write is
/// written complete into a staging folder in the plan's root, then swapped
/// into place (the old one moved aside first); if a swap fails, the folders
/// already swapped are put back as they were. Then the install record is
/// written.
pub fn apply(set: &Set<'_>, plan: &Plan<'_>, force: bool) -> Result<Installed, InstallError> {
    apply_with(set, plan, force, &|from, to| std::fs::rename(from, to))
}

fn apply_with(set: &Set<'_>, plan: &Plan<'_>, force: bool, rename: Rename<'_>) -> Result<Installed, InstallError> {
    plan.check(force)?;
    let skills = plan.skills_to_write();
    if skills.is_empty() {
        write_record(set, &plan.root)?;
        return Ok(plan.outcome());
    }
    let root = &plan.root;
    std::fs::create_dir_all(root).map_err(|e| io_at(root, e))?;
    let staging = Staging(root.join(format!(".pachca-skills-install-{}", std::process::id())));
    // Left over from a killed run that had the same process id.
    let _ = std::fs::remove_dir_all(&staging.0);
    std::fs::create_dir(&staging.0).map_err(|e| io_at(&staging.0, e))?;
    for (path, contents, _) in plan.files.iter().filter(|f| skills.contains(f.0.split('/').next().unwrap_or_default())) {
        write_file(&staging.0.join(path), contents)?;
    }
    swap_in(root, &staging.0, &skills, rename)?;
    write_record(set, root)?;
    Ok(plan.outcome())
}

/// Moves each of `skills` from `staging` into `root`, the folder there
/// before moved aside into `staging` (`<skill>.old`); on a failure, undoes
/// every swap made.
fn swap_in(root: &Path, staging: &Path, skills: &BTreeSet<String>, rename: Rename<'_>) -> io::Result<()> {
    let paths = |skill: &str| (root.join(skill), staging.join(skill), staging.join(format!("{skill}.old")));
    // (skill, whether a folder was there before).
    let mut done: Vec<(&str, bool)> = Vec::new();
    for skill in skills {
        let (target, new, old) = paths(skill);
        let had_old = std::fs::symlink_metadata(&target).is_ok();
        let swap = || -> io::Result<()> {
            if had_old {
                rename(&target, &old)?;
            }
            rename(&new, &target).inspect_err(|_| {
                if had_old {
                    let _ = rename(&old, &target);
                }
            })
        };
        if let Err(e) = swap() {
            for (skill, had_old) in done.into_iter().rev() {
                let (target, new, old) = paths(skill);
                let _ = rename(&target, &new);
                if had_old {
                    let _ = rename(&old, &target);
                }
            }
            return Err(io_at(&target, e));
        }
        done.push((skill, had_old));
    }
    Ok(())
}

/// `--lang`, or the locale's language when it is Russian, else English.
fn lang(m: &ArgMatches) -> Result<&'static str, CliError> {
    Ok(if crate::tools::russian(m.get_one::<String>("lang").map(String::as_str))? { "ru" } else { "en" })
}

/// `pachca skills list|install`.
pub fn run(bundle: &'static str, m: &ArgMatches, globals: &Globals) -> Result<(), CliError> {
    let sets = sets(bundle).map_err(|e| CliError::internal(e.to_string()))?;
    if sets.is_empty() {
        return Err(CliError::Failed("this pachca was built without the agent skills (generate it with both languages' specs)".to_owned()));
    }
    match m.subcommand() {
        Some(("install", sub)) => install(&sets, sub, globals),
        Some(("list", sub)) => list(&sets, sub, globals),
        _ => Err(CliError::usage("`pachca skills` needs list or install")),
    }
}

/// Where to install: `--dir`, else the agent's folder under the home (or
/// the current directory with `--project`).
fn target(m: &ArgMatches) -> Result<PathBuf, CliError> {
    if let Some(dir) = m.get_one::<String>("dir") {
        return Ok(PathBuf::from(dir));
    }
    let Some(agent) = m.get_one::<String>("agent").and_then(|a| Agent::from_name(a)) else {
        let places: Vec<String> = Agent::ALL.iter().map(|a| format!("{} (~/{})", a.name(), a.folder())).collect();
        return Err(CliError::usage_hint(
            "name the agent the skills are for, or the folder to write them to",
            format!("--agent {}; or --dir PATH", places.join(", ")),
        ));
    };
    let base = if m.get_flag("project") {
        std::env::current_dir()?
    } else {
        home().ok_or_else(|| CliError::usage_hint("HOME is not set, so the user-level skills folder is unknown", "pass --dir PATH, or --project"))?
    };
    Ok(base.join(agent.folder()))
}

fn install(sets: &[Set<'_>], m: &ArgMatches, globals: &Globals) -> Result<(), CliError> {
    let variant = m.get_one::<String>("variant").map_or("cli", String::as_str);
    let name = format!("{variant}-{}", lang(m)?);
    let Some(set) = sets.iter().find(|s| s.name == name) else {
        let have: Vec<&str> = sets.iter().map(|s| s.name).collect();
        return Err(CliError::usage(format!("this pachca carries no skill set {name}; it has {}", have.join(", "))));
    };
    let root = target(m)?;
    let plan = plan(set, &root)?;
    let dry_run = globals.dry_run;
    let installed = if dry_run {
        plan.check(m.get_flag("force"))?;
        plan.outcome()
    } else {
        apply(set, &plan, m.get_flag("force"))?
    };
    let version = set.version();
    if matches!(globals.format, crate::output::Format::Json | crate::output::Format::Yaml) {
        globals.print(&json!({
            "set": set.name, "version": version, "dir": root, "skills": set.skills(), "dry_run": dry_run,
            "written": installed.written, "unchanged": installed.unchanged, "removed": installed.removed,
        }));
        return Ok(());
    }
    if globals.quiet {
        return Ok(());
    }
    let (wrote, removed) = if dry_run { ("would write", "would remove") } else { ("wrote", "removed") };
    for path in &installed.written {
        println!("{wrote} {}", root.join(path).display());
    }
    for path in &installed.removed {
        println!("{removed} {}", root.join(path).display());
    }
    let skills = plural(set.skills().len(), "skill");
    if installed.written.is_empty() && installed.removed.is_empty() {
        println!("{} {version} is already installed in {}: {skills}, {} unchanged", set.name, root.display(), plural(installed.unchanged, "file"));
    } else {
        let done = if dry_run { "would be installed" } else { "installed" };
        println!(
            "{} {version} {done} in {}: {skills}, {} written, {} unchanged",
            set.name,
            root.display(),
            plural(installed.written.len(), "file"),
            installed.unchanged
        );
    }
    Ok(())
}

/// Which set of `sets` is in `root`: `None` when none of their skill
/// folders is there; else the set with the most identical files, with
/// whether it is complete and unchanged (no set matching a single file
/// gives `set: null`).
fn installed_in(sets: &[Set<'_>], root: &Path) -> Option<Value> {
    let any = sets.iter().flat_map(Set::skills).any(|skill| root.join(skill).exists());
    if !any {
        return None;
    }
    let mut best: Option<(&str, usize, usize, bool)> = None;
    for set in sets {
        let Ok(plan) = plan(set, root) else { continue };
        let same = plan.files.iter().filter(|f| f.2 == FileState::Same).count();
        if same > best.map_or(0, |b| b.1) {
            best = Some((set.name, same, plan.files.len(), plan.up_to_date()));
        }
    }
    Some(match best {
        Some((set, same, total, up_to_date)) => json!({ "set": set, "up_to_date": up_to_date, "differing": total - same }),
        None => json!({ "set": null, "up_to_date": false }),
    })
}

fn list(sets: &[Set<'_>], m: &ArgMatches, globals: &Globals) -> Result<(), CliError> {
    let variant = m.get_one::<String>("variant");
    let lang_filter = m.get_one::<String>("lang");
    let shown: Vec<&Set<'_>> = sets
        .iter()
        .filter(|s| variant.is_none_or(|v| s.name.split('-').next() == Some(v.as_str())))
        .filter(|s| lang_filter.is_none_or(|l| s.name.rsplit('-').next() == Some(l.as_str())))
        .collect();
    let set_values: Vec<Value> = shown
        .iter()
        .map(|set| {
            let skills: Vec<Value> = set
                .skills()
                .into_iter()
                .map(|skill| json!({ "name": skill, "description": set.file(&format!("{skill}/{SKILL_FILE}")).map(summary).unwrap_or_default() }))
                .collect();
            let manifest = set.manifest().unwrap_or(Value::Null);
            json!({ "set": set.name, "version": manifest["version"], "skills": skills })
        })
        .collect();
    let (home, cwd) = (home(), std::env::current_dir().ok());
    let mut agents = Vec::new();
    for agent in Agent::ALL {
        for (scope, base) in [("user", &home), ("project", &cwd)] {
            let dir = base.as_ref().map(|b| b.join(agent.folder()));
            let installed = dir.as_deref().and_then(|d| installed_in(sets, d));
            agents.push(json!({ "agent": agent.name(), "scope": scope, "dir": dir, "installed": installed, "docs": agent.docs() }));
        }
    }
    if matches!(globals.format, crate::output::Format::Json | crate::output::Format::Yaml) {
        globals.print(&json!({ "version": env!("CARGO_PKG_VERSION"), "sets": set_values, "agents": agents }));
        return Ok(());
    }
    if globals.quiet {
        return Ok(());
    }
    println!("Skill sets of pachca {} (`pachca skills install --agent <agent> [--variant cli|curl] [--lang en|ru] [--project]`):", env!("CARGO_PKG_VERSION"));
    for set in &set_values {
        let skills = set["skills"].as_array().map(Vec::as_slice).unwrap_or_default();
        println!("\n{}  ({})", set["set"].as_str().unwrap_or_default(), plural(skills.len(), "skill"));
        let width = skills.iter().filter_map(|s| s["name"].as_str()).map(str::len).max().unwrap_or(0);
        for skill in skills {
            println!("  {:<width$}  {}", skill["name"].as_str().unwrap_or_default(), skill["description"].as_str().unwrap_or_default());
        }
    }
    println!("\nWhere each agent reads skills (user: under your home; project: under the current directory):");
    let dir_of = |a: &Value| a["dir"].as_str().unwrap_or("(HOME is not set)").to_owned();
    let width = agents.iter().map(|a| dir_of(a).chars().count()).max().unwrap_or(0);
    for a in &agents {
        let dir = dir_of(a);
        let state = match &a["installed"] {
            Value::Null => "not installed".to_owned(),
            i => match (i["set"].as_str(), i["up_to_date"].as_bool()) {
                (Some(set), Some(true)) => format!("{set}, up to date"),
                (Some(set), _) => format!("{set}, {} changed or missing", plural(i["differing"].as_u64().unwrap_or(0) as usize, "file")),
                (None, _) => "pachca skills that match no set of this binary".to_owned(),
            },
        };
        println!("  {:<11}  {:<7}  {dir:<width$}  {state}", a["agent"].as_str().unwrap_or_default(), a["scope"].as_str().unwrap_or_default());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record of a bundle.
    fn record(name: &str, contents: &str) -> String {
        format!("--- {name} {}\n{contents}\n", contents.len())
    }

    fn bundle(records: &[(&str, &str)]) -> String {
        let mut out = format!("{HEADER}\n");
        for (name, contents) in records {
            out.push_str(&record(name, contents));
        }
        out
    }

    const ROUTER: &str = "---\nname: pachca\ndescription: >-\n  Entry point for the Pachca API: picks the\n  skill. Use when: anything.\n---\n\n# pachca\n";
    const CHATS: &str = "---\nname: pachca-chats\ndescription: Chats and members. Use when: create a chat.\n---\n# pachca-chats\n";

    /// The sample bundle's sets, and an empty scratch folder called `name`.
    fn setup(name: &str) -> (Vec<Set<'static>>, Scratch) {
        static SAMPLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sets = sets(SAMPLE.get_or_init(sample)).expect("parses");
        (sets, Scratch::new(name))
    }

    fn sample() -> String {
        bundle(&[
            ("cli-en/pachca-chats/SKILL.md", CHATS),
            ("cli-en/pachca-chats/references/export.md", "Экспорт: без перевода строки"),
            ("cli-en/pachca/SKILL.md", ROUTER),
            ("cli-en/skill.json", "{\"name\": \"pachca\", \"version\": \"0.1.0\"}\n"),
            ("curl-ru/pachca/SKILL.md", "---\nname: pachca\n---\n# pachca (curl)\n"),
        ])
    }

    /// A scratch folder, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("pachca-skills-unit-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            Scratch(dir)
        }

        fn read(&self, path: &str) -> String {
            std::fs::read_to_string(self.0.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Every file under `dir`, relative, sorted.
    fn tree(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        files_under(dir, dir, &mut out).expect("walk");
        out.sort();
        out
    }

    #[test]
    fn a_bundle_parses_into_sets_skills_and_exact_contents() {
        let text = sample();
        let sets = sets(&text).expect("parses");
        let names: Vec<&str> = sets.iter().map(|s| s.name).collect();
        assert_eq!(names, ["cli-en", "curl-ru"]);
        let cli = &sets[0];
        assert_eq!(cli.skills(), ["pachca", "pachca-chats"], "by name, the router first");
        let written: Vec<&str> = cli.skill_files().iter().map(|f| f.0).collect();
        assert_eq!(written, ["pachca-chats/SKILL.md", "pachca-chats/references/export.md", "pachca/SKILL.md"], "skill.json is not installed");
        assert_eq!(cli.file("pachca-chats/references/export.md"), Some("Экспорт: без перевода строки"));
        assert_eq!(cli.file("pachca/SKILL.md"), Some(ROUTER));
        assert_eq!(cli.manifest().map(|m| m["version"].clone()), Some(json!("0.1.0")));
        assert!(parse("").expect("empty").is_empty(), "a binary without skills");
        assert!(parse(&format!("{HEADER}\n")).expect("header only").is_empty());
    }

    #[test]
    fn a_malformed_bundle_names_the_line_and_byte() {
        let cases: Vec<(String, usize, usize, &str)> = vec![
            ("skills\n".to_owned(), 1, 0, "expected the line `pachca-skills-bundle 1`, found `skills`"),
            (HEADER.to_owned(), 1, 0, "expected the line"),
            (format!("{HEADER}\n--- cli-en/a.md\nx\n"), 2, 23, "expected `--- <set>/<path> <bytes>`, found `--- cli-en/a.md`"),
            (format!("{HEADER}\n--- cli-en/a.md ten\nx\n"), 2, 23, "`ten` is not a byte length"),
            (format!("{HEADER}\n--- cli-en/a.md 5\nab\n"), 2, 23, "cli-en/a.md announces 5 bytes and a newline; 3 bytes are left"),
            (format!("{HEADER}\n--- cli-en/a.md 1\nabc\n"), 3, 42, "expected a newline after the 1 bytes of cli-en/a.md"),
            (format!("{HEADER}\n--- cli-en/a.md 1\nжж\n"), 2, 23, "inside a UTF-8 character"),
            (format!("{HEADER}\n--- cli-en/../x 1\nx\n"), 2, 23, "`../x` is not a plain relative path"),
            (format!("{HEADER}\n--- cli-en//etc/passwd 1\nx\n"), 2, 23, "`/etc/passwd` is not a plain relative path"),
            (format!("{HEADER}\n--- CLI/a.md 1\nx\n"), 2, 23, "`CLI` is not a set name"),
            (format!("{HEADER}\n--- a.md 1\nx\n"), 2, 23, "expected `--- <set>/<path> <bytes>`"),
            (format!("{HEADER}\n{}--- cli-en/a.md 1\ny\n", record("cli-en/a.md", "x\ny")), 5, 45, "cli-en/a.md appears twice"),
            (format!("{HEADER}\n{}--- cli-en/b.md 1", record("cli-en/a.md", "")), 4, 42, "does not end with a newline"),
        ];
        for (text, line, offset, message) in cases {
            let e = parse(&text).expect_err(&text);
            assert_eq!((e.line, e.offset), (line, offset), "{text:?}: {e}");
            assert!(e.message.contains(message), "{text:?}: {e}");
            assert!(e.to_string().starts_with(&format!("skills bundle, line {line} (byte {offset}): ")), "{e}");
        }
    }

    #[test]
    fn summaries_come_from_the_description_or_the_title() {
        assert_eq!(summary(ROUTER), "Entry point for the Pachca API: picks the skill.");
        assert_eq!(summary(CHATS), "Chats and members.");
        assert_eq!(summary("# Title only\n\nBody."), "Title only");
    }

    #[test]
    fn installing_writes_exactly_the_skill_folders_and_is_idempotent() {
        let (sets, dir) = setup("install");
        // Someone else's skill beside ours stays untouched.
        write_file(&dir.0.join("other/SKILL.md"), "mine").expect("write");
        let first = apply(&sets[0], &plan(&sets[0], &dir.0).expect("plan"), false).expect("installs");
        assert_eq!(first.written, ["pachca-chats/SKILL.md", "pachca-chats/references/export.md", "pachca/SKILL.md"]);
        assert_eq!((first.unchanged, first.removed.len()), (0, 0));
        assert_eq!(tree(&dir.0), [RECORD, "other/SKILL.md", "pachca-chats/SKILL.md", "pachca-chats/references/export.md", "pachca/SKILL.md"], "no staging left");
        for (path, contents) in sets[0].skill_files() {
            assert_eq!(dir.read(path), contents, "{path}");
        }
        assert_eq!(dir.read("other/SKILL.md"), "mine");

        let again = plan(&sets[0], &dir.0).expect("plan");
        assert!(again.up_to_date() && again.conflicts().is_empty());
        let second = apply(&sets[0], &again, false).expect("a no-op");
        assert_eq!(second, Installed { written: Vec::new(), unchanged: 3, removed: Vec::new() });
    }

    #[test]
    fn a_changed_or_extra_file_is_refused_without_force_and_nothing_is_written() {
        let (sets, dir) = setup("refuse");
        apply(&sets[0], &plan(&sets[0], &dir.0).expect("plan"), false).expect("installs");
        // A user edit, a note of the user's, and a file gone missing.
        write_file(&dir.0.join("pachca/SKILL.md"), "my edit").expect("write");
        write_file(&dir.0.join("pachca-chats/notes.md"), "my notes").expect("write");
        std::fs::remove_file(dir.0.join("pachca-chats/references/export.md")).expect("remove");

        let plan = plan(&sets[0], &dir.0).expect("plan");
        assert_eq!(plan.conflicts(), ["pachca/SKILL.md differs", "pachca-chats/notes.md is not part of the set and would be removed"]);
        let refused = apply(&sets[0], &plan, false).expect_err("refused");
        let message = refused.to_string();
        assert!(message.starts_with(&format!("2 files in {} would be replaced or removed: ", dir.0.display())), "{message}");
        assert!(message.ends_with("; nothing was written"), "{message}");
        let cli: CliError = refused.into();
        assert_eq!(cli.exit_code(), 2);
        assert_eq!(dir.read("pachca/SKILL.md"), "my edit");
        assert_eq!(dir.read("pachca-chats/notes.md"), "my notes");
        assert!(!dir.0.join("pachca-chats/references/export.md").exists(), "refused means nothing written, the missing file too");

        let forced = apply(&sets[0], &plan, true).expect("forced");
        assert_eq!(forced.written, ["pachca-chats/references/export.md", "pachca/SKILL.md"]);
        assert_eq!((forced.unchanged, forced.removed.clone()), (1, vec!["pachca-chats/notes.md".to_owned()]));
        assert_eq!(tree(&dir.0), [RECORD, "pachca-chats/SKILL.md", "pachca-chats/references/export.md", "pachca/SKILL.md"]);
        assert_eq!(dir.read("pachca/SKILL.md"), ROUTER);
    }

    #[test]
    fn an_upgrade_replaces_and_removes_what_the_last_install_wrote_but_not_user_edits() {
        let (sets, dir) = setup("upgrade");
        apply(&sets[0], &plan(&sets[0], &dir.0).expect("plan"), false).expect("installs 0.1.0");
        let record: Value = serde_json::from_str(&dir.read(RECORD)).expect("the record is JSON");
        assert_eq!(record["set"], "cli-en");
        assert_eq!(record["version"], "0.1.0");
        assert_eq!(record["files"]["pachca/SKILL.md"], digest(ROUTER.as_bytes()));
        assert_eq!(record["files"].as_object().map(serde_json::Map::len), Some(3));

        // The next release rewrites the router, drops the export reference
        // and adds a skill.
        let next = bundle(&[
            ("cli-en/pachca-chats/SKILL.md", CHATS),
            ("cli-en/pachca-new/SKILL.md", "# new\n"),
            ("cli-en/pachca/SKILL.md", "# pachca 0.2.0\n"),
            ("cli-en/skill.json", "{\"name\": \"pachca\", \"version\": \"0.2.0\"}\n"),
        ]);
        let next_sets = super::sets(&next).expect("parses");
        let upgrade = plan(&next_sets[0], &dir.0).expect("plan");
        assert_eq!(upgrade.conflicts(), Vec::<String>::new(), "nothing of the user's is in the way");
        let done = apply(&next_sets[0], &upgrade, false).expect("upgrades without --force");
        assert_eq!(done.written, ["pachca-new/SKILL.md", "pachca/SKILL.md"]);
        assert_eq!((done.unchanged, done.removed), (1, vec!["pachca-chats/references/export.md".to_owned()]));
        assert_eq!(tree(&dir.0), [RECORD, "pachca-chats/SKILL.md", "pachca-new/SKILL.md", "pachca/SKILL.md"]);
        assert_eq!(dir.read("pachca/SKILL.md"), "# pachca 0.2.0\n");
        let record: Value = serde_json::from_str(&dir.read(RECORD)).expect("the record is JSON");
        assert_eq!(record["version"], "0.2.0");

        // A file the user edited after an install is theirs: going back to
        // the first set needs --force for it, and only for it.
        write_file(&dir.0.join("pachca-new/SKILL.md"), "# my edit\n").expect("write");
        let back = plan(&sets[0], &dir.0).expect("plan");
        assert!(back.conflicts().is_empty(), "pachca-new is not a folder of the first set: {:?}", back.conflicts());
        assert_eq!(back.files.iter().find(|f| f.0 == "pachca/SKILL.md").map(|f| f.2), Some(FileState::Outdated));
        write_file(&dir.0.join("pachca/SKILL.md"), "# my router\n").expect("write");
        let edited = plan(&sets[0], &dir.0).expect("plan");
        assert_eq!(edited.conflicts(), ["pachca/SKILL.md differs"]);
        assert!(apply(&sets[0], &edited, false).is_err());
        assert_eq!(dir.read("pachca/SKILL.md"), "# my router\n");

        // A record that is not JSON counts as none: nothing more is replaced.
        write_file(&dir.0.join(RECORD), "{ not json").expect("write");
        let unrecorded = plan(&next_sets[0], &dir.0).expect("plan");
        assert_eq!(unrecorded.conflicts(), ["pachca-new/SKILL.md differs", "pachca/SKILL.md differs"]);
    }

    #[test]
    fn the_digest_is_fnv1a_64() {
        // The published FNV-1a test values.
        assert_eq!(digest(b""), "cbf29ce484222325");
        assert_eq!(digest(b"a"), "af63dc4c8601ec8c");
        assert_eq!(digest(b"foobar"), "85944171f73967e8");
    }

    #[test]
    fn a_file_where_a_skill_folder_goes_is_a_conflict() {
        let (sets, dir) = setup("notfolder");
        write_file(&dir.0.join("pachca"), "a file").expect("write");
        let plan = plan(&sets[0], &dir.0).expect("plan");
        assert_eq!(plan.conflicts(), ["pachca is not a folder and would be replaced"]);
        assert!(apply(&sets[0], &plan, false).is_err());
        apply(&sets[0], &plan, true).expect("forced");
        assert_eq!(dir.read("pachca/SKILL.md"), ROUTER);
    }

    #[test]
    fn a_failed_swap_puts_every_folder_back_and_leaves_no_staging() {
        let (sets, dir) = setup("rollback");
        write_file(&dir.0.join("pachca/SKILL.md"), "old router").expect("write");
        let plan = plan(&sets[0], &dir.0).expect("plan");
        // `pachca` is swapped first; moving the new `pachca-chats` in fails.
        let target = dir.0.join("pachca-chats");
        let failing = |from: &Path, to: &Path| {
            if to == target {
                Err(io::Error::new(io::ErrorKind::PermissionDenied, "injected"))
            } else {
                std::fs::rename(from, to)
            }
        };
        let e = apply_with(&sets[0], &plan, true, &failing).expect_err("the second swap fails");
        assert!(e.to_string().contains("pachca-chats: injected"), "{e}");
        assert_eq!(tree(&dir.0), ["pachca/SKILL.md"], "the new skill is gone, the old one back, no staging left");
        assert_eq!(dir.read("pachca/SKILL.md"), "old router");
        // A root where no folder can be made fails before anything moves.
        let mut blocked = plan.clone();
        blocked.root = dir.0.join("pachca/SKILL.md");
        assert!(matches!(apply(&sets[0], &blocked, true), Err(InstallError::Io(_))));
        assert_eq!(dir.read("pachca/SKILL.md"), "old router");
    }

    #[test]
    fn which_set_is_installed() {
        let (sets, dir) = setup("status");
        assert_eq!(installed_in(&sets, &dir.0), None);
        apply(&sets[1], &plan(&sets[1], &dir.0).expect("plan"), false).expect("installs");
        assert_eq!(installed_in(&sets, &dir.0), Some(json!({"set": "curl-ru", "up_to_date": true, "differing": 0})));
        write_file(&dir.0.join("pachca/SKILL.md"), "edited").expect("write");
        assert_eq!(installed_in(&sets, &dir.0), Some(json!({"set": null, "up_to_date": false})));
        apply(&sets[0], &plan(&sets[0], &dir.0).expect("plan"), true).expect("forced");
        std::fs::remove_file(dir.0.join("pachca-chats/SKILL.md")).expect("remove");
        assert_eq!(installed_in(&sets, &dir.0), Some(json!({"set": "cli-en", "up_to_date": false, "differing": 1})));
    }

    #[test]
    fn every_agent_has_a_documented_folder() {
        for agent in Agent::ALL {
            assert_eq!(Agent::from_name(agent.name()), Some(agent));
            assert!(agent.folder().ends_with("/skills") && agent.docs().starts_with("https://"), "{agent:?}");
        }
        assert_eq!(Agent::from_name("vim"), None);
    }
}
