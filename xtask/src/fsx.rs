//! Comparing and atomically replacing the `generated/` tree.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// How one file differs between disk and the freshly generated set.
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
}

pub enum ChangeKind {
    Added,
    Removed,
    Changed { old: String, new: String },
}

impl Change {
    /// One line per file; with `diff`, a short diff of changed files follows.
    pub fn describe(&self, diff: bool) -> String {
        match &self.kind {
            ChangeKind::Added => format!("  added    {}", self.path),
            ChangeKind::Removed => format!("  removed  {}", self.path),
            ChangeKind::Changed { old, new } if diff => {
                format!("  changed  {}\n{}", self.path, short_diff(old, new, 12))
            }
            ChangeKind::Changed { .. } => format!("  changed  {}", self.path),
        }
    }
}

/// Files under `dir` (relative paths with `/`) → contents.
pub fn read_tree(dir: &Path) -> io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .map_err(io::Error::other)?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = std::fs::read(&path)?;
                out.insert(rel, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Ok(out)
}

/// Differences between a tree read by [`read_tree`] and `files`, sorted by path.
pub fn diff_tree(on_disk: &BTreeMap<String, String>, files: &BTreeMap<String, String>) -> Vec<Change> {
    let mut changes = Vec::new();
    for (path, new) in files {
        match on_disk.get(path) {
            None => changes.push(Change { path: path.clone(), kind: ChangeKind::Added }),
            Some(old) if old != new => changes.push(Change {
                path: path.clone(),
                kind: ChangeKind::Changed { old: old.clone(), new: new.clone() },
            }),
            Some(_) => {}
        }
    }
    for path in on_disk.keys().filter(|p| !files.contains_key(*p)) {
        changes.push(Change { path: path.clone(), kind: ChangeKind::Removed });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}

/// The first differing region of two texts, at most `max` lines per side.
fn short_diff(old: &str, new: &str, max: usize) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = format!("    @@ line {} @@\n", prefix + 1);
    let old_mid = &old[prefix..old.len() - suffix];
    let new_mid = &new[prefix..new.len() - suffix];
    for l in old_mid.iter().take(max) {
        out.push_str(&format!("    -{l}\n"));
    }
    if old_mid.len() > max {
        out.push_str(&format!("    ... {} more removed lines\n", old_mid.len() - max));
    }
    for l in new_mid.iter().take(max) {
        out.push_str(&format!("    +{l}\n"));
    }
    if new_mid.len() > max {
        out.push_str(&format!("    ... {} more added lines\n", new_mid.len() - max));
    }
    out.trim_end().to_owned()
}

/// Replaces `dir` with exactly `files`: everything is written to a sibling
/// temporary directory first, then swapped in with two renames, so a failure
/// leaves the previous tree untouched.
pub fn write_tree_atomically(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let written = (|| -> io::Result<()> {
        for (rel, contents) in files {
            let path: PathBuf = tmp.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(&path, contents)?;
        }
        std::fs::create_dir_all(&tmp)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        std::fs::rename(dir, &old)?;
    }
    if let Err(e) = std::fs::rename(&tmp, dir) {
        // Put the previous tree back before reporting.
        let _ = std::fs::rename(&old, dir);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}
